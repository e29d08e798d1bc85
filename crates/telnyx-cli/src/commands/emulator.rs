//! `telnyx emulator`: the local server in the foreground until Ctrl-C, or `advance` /
//! `traffic` driving a running one's clock and traffic through its control API.

use serde_json::{json, Value};

use crate::cli::{EmulatorAction, EmulatorArgs, GlobalArgs, OutputFormat};
use crate::exit::CliError;

/// The emulator's address when --base-url is not given.
const DEFAULT_BASE_URL: &str = "http://127.0.0.1:4010/v2";

/// Runs the server, or the `advance` / `traffic` action against a running one.
pub async fn run(args: &EmulatorArgs, global: &GlobalArgs, color: bool) -> Result<(), CliError> {
    match &args.action {
        None => serve(&args.server, color).await,
        Some(EmulatorAction::Advance { by }) => {
            let (field, value) = by.to_json();
            let v = control(global, reqwest::Method::POST, "clock/advance", field, value).await?;
            print_report(&v, global.output);
            Ok(())
        }
        Some(EmulatorAction::Traffic { rates }) => {
            let per_day: serde_json::Map<String, Value> = rates
                .iter()
                .map(|(k, n)| (k.clone(), Value::from(*n)))
                .collect();
            let v = control(
                global,
                reqwest::Method::PUT,
                "traffic",
                "per_day",
                Value::Object(per_day),
            )
            .await?;
            match global.output {
                OutputFormat::Table => {
                    for (k, n) in v["per_day"].as_object().into_iter().flatten() {
                        println!("{k}\t{n}/day");
                    }
                }
                _ => println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
            }
            Ok(())
        }
    }
}

/// Prints an advance report: one `name  value` line per field, or JSON.
pub fn print_report(v: &Value, format: OutputFormat) {
    match format {
        OutputFormat::Table => {
            for k in [
                "from",
                "to",
                "usage_records",
                "usage_cost",
                "recurring_charges",
                "auto_recharges",
                "invoices_closed",
                "balance",
            ] {
                let value = match &v[k] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                println!("{k:<18} {value}");
            }
        }
        _ => println!("{}", serde_json::to_string_pretty(v).unwrap_or_default()),
    }
}

/// Sends `{"api_key": K, field: value}` to the control API of the emulator at --base-url.
async fn control(
    global: &GlobalArgs,
    method: reqwest::Method,
    path: &str,
    field: &str,
    value: Value,
) -> Result<Value, CliError> {
    let key = global
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or(CliError::NoApiKey)?;
    let base = global
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(DEFAULT_BASE_URL);
    let origin = base.trim_end_matches('/').trim_end_matches("/v2");
    let url = format!("{origin}/_emulator/{path}");
    let mut body = serde_json::Map::new();
    body.insert("api_key".into(), Value::from(key));
    body.insert(field.into(), value);
    let unreachable = |e: reqwest::Error| {
        CliError::Other(format!(
            "cannot reach an emulator at {origin} ({e}); start one with `telnyx emulator` or pass its --base-url"
        ))
    };
    let resp = reqwest::Client::new()
        .request(method, &url)
        .header("content-type", "application/json")
        .body(Value::Object(body).to_string())
        .send()
        .await
        .map_err(unreachable)?;
    let status = resp.status();
    let text = resp.text().await.map_err(unreachable)?;
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text }));
    if !status.is_success() {
        let detail = v["errors"][0]["detail"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{status} from {url}: is it a telnyx emulator?"));
        return Err(CliError::Usage(detail));
    }
    Ok(v)
}

/// Starts the emulator on `--bind` (optionally backed by `--db`), prints how to use it,
/// and stops gracefully on Ctrl-C.
async fn serve(args: &telnyx_emulator::ServerArgs, color: bool) -> Result<(), CliError> {
    let config = args.config();
    let emu = telnyx_emulator::Emulator::start(config)
        .await
        .map_err(|e| CliError::Emulator(format!("starting on {}: {e}", args.bind)))?;
    let url = emu.base_url();
    // With --accept-key the hint does not echo the key (it may be a real one): it says which.
    let (key, which) = if args.accept_keys.is_empty() {
        (
            telnyx_emulator::DEMO_API_KEY,
            "the demo account (any key works: each key is its own account)",
        )
    } else {
        ("<KEY>", "one of the --accept-key keys; others get 401")
    };
    let bold = |s: &str| {
        if color && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    println!("{} {url}", bold("Telnyx emulator listening on"));
    println!();
    println!("Point the CLI or the SDK at it:");
    println!("  export TELNYX_BASE_URL={url}");
    println!("  export TELNYX_API_KEY={key}   # {which}");
    println!("  telnyx overview");
    println!();
    println!("Or per command:  telnyx --base-url {url} --api-key {key} balance");
    println!("Control API:     {}/_emulator/health, /_emulator/seed, /_emulator/faults, /_emulator/requests, /_emulator/clock",
        url.trim_end_matches("/v2"));
    println!("Move the clock:  telnyx --base-url {url} --api-key {key} emulator advance 31d");
    match &args.db {
        Some(db) => println!("State is kept in {}", db.display()),
        None => println!("State is in memory (use --db FILE to keep it)"),
    }
    if let Some(n) = args.rate_limit {
        println!("Rate limit: {n}/s per key (then 429 with Retry-After)");
    }
    println!("Press Ctrl-C to stop.");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::io("waiting for Ctrl-C", e))?;
    eprintln!("stopping...");
    emu.shutdown().await;
    Ok(())
}
