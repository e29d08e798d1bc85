//! `telnyx webhooks verify`: one webhook's signature, checked with the SDK's verifier.

use std::io::{Read, Write};

use super::{attempt, verifier_from};
use crate::cli::webhooks::VerifyArgs;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::CliError;

/// The error for a webhook that failed verification: the SDK's message, plus a hint for a
/// body file that gained a final newline.
fn rejected(err: &telnyx::Error, body: &[u8]) -> CliError {
    let mut msg = err.to_string();
    if err.webhook_reason() == Some(&telnyx::webhooks::Reason::SignatureMismatch)
        && body.ends_with(b"\n")
    {
        msg.push_str(
            " (the body ends with a newline: if an editor or `echo` added it, it is not the body Telnyx signed)",
        );
    }
    CliError::Invalid(msg)
}

/// Verifies the body (a file or stdin) against `--signature` and `--timestamp`; exit 0 and
/// the event when valid, 5 with the reason when not.
pub fn run(global: &GlobalArgs, args: &VerifyArgs) -> Result<(), CliError> {
    let verifier = verifier_from(&args.key)?;
    let body = if args.body == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io("reading the body from stdin", e))?;
        buf
    } else {
        std::fs::read(&args.body).map_err(|e| CliError::io(format!("reading {}", args.body), e))?
    };
    let event = verifier
        .verify(&body, &args.signature, &args.timestamp)
        .map_err(|e| rejected(&e, &body))?;
    let text = match global.output {
        OutputFormat::Table => format!(
            "valid: {} {} (attempt {}, signed at {})\n",
            event.data.event_type,
            event.data.id,
            attempt(&event),
            args.timestamp.trim()
        ),
        OutputFormat::Json | OutputFormat::Jsonl | OutputFormat::Csv => {
            let raw: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| CliError::Other(format!("re-reading the verified body: {e}")))?;
            let v = serde_json::json!({"valid": true, "event": raw});
            let s = if global.output == OutputFormat::Json {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            };
            s.map_err(|e| CliError::Other(format!("JSON: {e}")))? + "\n"
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io("writing to stdout", e))
}
