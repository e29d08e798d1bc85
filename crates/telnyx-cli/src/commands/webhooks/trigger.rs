//! `telnyx webhooks trigger` (emulator only): emit one event now and wait for its delivery
//! ([`crate::commands::webhook_deliveries::wait`]).

use std::io::Read;

use serde::Serialize;

use crate::cli::webhooks::TriggerArgs;
use crate::cli::GlobalArgs;
use crate::commands::webhook_deliveries::wait::{print_and_wait, Until, DEFAULT_MAX_ATTEMPTS};
use crate::context::Ctx;
use crate::control::{self, ForCommand};
use crate::exit::CliError;

const TRIGGER: &str = "telnyx webhooks trigger";

/// Runs `telnyx webhooks trigger` against the emulator (its address by default); the
/// payload is read and checked before anything is sent.
pub async fn run(args: TriggerArgs, global: GlobalArgs) -> Result<(), CliError> {
    let payload = read_payload(args.payload.as_deref())?;
    let global = control::emulator_only(global, TRIGGER)?;
    Ctx::run(global, async |ctx| trigger(ctx, &args, payload).await).await
}

/// `--payload`: inline JSON, `@FILE` or `@-` (stdin), checked to be JSON before anything is sent.
fn read_payload(arg: Option<&str>) -> Result<Option<serde_json::Value>, CliError> {
    let Some(arg) = arg else { return Ok(None) };
    let (text, from) = match arg.strip_prefix('@') {
        Some("-") => {
            let mut buf = String::new();
            std::io::stdin()
                .read_to_string(&mut buf)
                .map_err(|e| CliError::io("reading --payload from stdin", e))?;
            (buf, "stdin".to_string())
        }
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| CliError::io(format!("reading --payload @{path}"), e))?,
            path.to_string(),
        ),
        None => (arg.to_string(), "--payload".to_string()),
    };
    let example = "pass an object like --payload '{\"id\": \"m-1\"}' or --payload @payload.json";
    match serde_json::from_str(&text) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(Some(v)),
        Ok(_) => Err(CliError::Usage(format!(
            "{from} is JSON but not an object (the event's data.payload is one); {example}"
        ))),
        Err(e) => Err(CliError::Usage(format!(
            "{from} is not JSON ({e}); {example}"
        ))),
    }
}

/// What `trigger` prints before the wait: the event and its delivery.
#[derive(Debug, Serialize)]
struct Triggered {
    event_type: String,
    event_id: String,
    delivery_id: String,
    url: Option<String>,
    /// Attempts the delivery gets at most.
    max_attempts: usize,
}

async fn trigger(
    ctx: &mut Ctx,
    args: &TriggerArgs,
    payload: Option<serde_json::Value>,
) -> Result<(), CliError> {
    let key = control::api_key(&ctx.global).ok_or(CliError::NoApiKey)?;
    let control = control::client(ctx.client.base_url(), key, &ctx.global, TRIGGER)?;
    control.check().await.for_command(TRIGGER)?;
    let emitted = control
        .emit_event(args.event_type.trim(), payload)
        .await
        .for_command(TRIGGER)?;
    let max_attempts = emitted
        .max_attempts
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_MAX_ATTEMPTS);
    let head = Triggered {
        event_type: args.event_type.trim().to_string(),
        event_id: emitted.event_id,
        delivery_id: emitted.delivery_id,
        url: emitted.url,
        max_attempts,
    };
    // The ids block, printed as soon as the emulator answers.
    let head_block = [
        ("Event type", head.event_type.clone()),
        ("Event ID", head.event_id.clone()),
        ("Delivery ID", head.delivery_id.clone()),
        ("URL", crate::columns::cell_or_dash(&head.url)),
    ];
    let id = head.delivery_id.clone();
    let until = Until::Final(max_attempts);
    print_and_wait(ctx, head, &head_block, &id, until, &args.wait).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_json_checked_before_sending() {
        assert_eq!(read_payload(None).unwrap(), None);
        assert_eq!(
            read_payload(Some(r#"{"id":"m-1"}"#)).unwrap(),
            Some(serde_json::json!({"id": "m-1"}))
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.json");
        std::fs::write(&file, r#"{"a": [1]}"#).unwrap();
        let arg = format!("@{}", file.display());
        assert_eq!(
            read_payload(Some(&arg)).unwrap(),
            Some(serde_json::json!({"a": [1]}))
        );
        let err = read_payload(Some("[1]")).unwrap_err();
        assert!(err.headline().contains("not an object"));
        let err = read_payload(Some("{id: 1}")).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::USAGE);
        assert!(err.headline().contains("--payload is not JSON"));
        let missing = format!("@{}", dir.path().join("nope.json").display());
        assert!(read_payload(Some(&missing)).is_err());
    }
}
