//! `telnyx emulator`: the local server in the foreground until Ctrl-C, or `advance` /
//! `traffic` driving a running one's clock and traffic through its control API
//! ([`crate::control`]).

use std::collections::BTreeMap;

use telnyx_emulator::AdvanceReport;

use crate::cli::emulator::{EmulatorAction, EmulatorArgs};
use crate::cli::{GlobalArgs, OutputFormat};
use crate::control::{self, ForCommand};
use crate::exit::CliError;

/// The command named in "works only against the emulator" errors.
const COMMAND: &str = "telnyx emulator advance|traffic";

/// Runs the server, or the `advance` / `traffic` action against a running one.
pub async fn run(args: EmulatorArgs, global: GlobalArgs) -> Result<(), CliError> {
    match &args.action {
        None => serve(&args.server, crate::context::color_ok(&global)).await,
        Some(EmulatorAction::Advance { by }) => {
            let control = control::from_global(&global, COMMAND)?;
            let report = control.advance(*by).await.for_command(COMMAND)?;
            print_report(&report, global.output)
        }
        Some(EmulatorAction::Traffic { rates }) => {
            let control = control::from_global(&global, COMMAND)?;
            let per_day: BTreeMap<String, u32> = rates.iter().cloned().collect();
            let traffic = control.set_traffic(&per_day).await.for_command(COMMAND)?;
            match global.output {
                OutputFormat::Table => {
                    for (k, n) in &traffic.per_day {
                        println!("{k}\t{n}/day");
                    }
                }
                _ => println!("{}", crate::output::pretty(&traffic)?),
            }
            Ok(())
        }
    }
}

/// Prints an advance report: one `name  value` line per field, or JSON.
fn print_report(r: &AdvanceReport, format: OutputFormat) -> Result<(), CliError> {
    match format {
        OutputFormat::Table => {
            let lines = [
                ("from", r.from.clone()),
                ("to", r.to.clone()),
                ("usage_records", r.usage_records.to_string()),
                ("usage_cost", r.usage_cost.clone()),
                ("recurring_charges", r.recurring_charges.clone()),
                ("auto_recharges", r.auto_recharges.to_string()),
                ("invoices_closed", r.invoices_closed.to_string()),
                ("balance", r.balance.clone()),
                // With a webhook URL set, an advance also emits the usage's events.
                ("webhooks_queued", r.webhooks_queued.to_string()),
                ("webhooks_dropped", r.webhooks_dropped.to_string()),
            ];
            for (k, value) in lines {
                println!("{k:<18} {value}");
            }
        }
        // As a JSON value: keys sorted, as the control API's answer always printed.
        _ => {
            let value =
                serde_json::to_value(r).map_err(|e| CliError::Other(format!("JSON: {e}")))?;
            println!("{}", crate::output::pretty(&value)?);
        }
    }
    Ok(())
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
    if let Some(console) = emu.console_url() {
        println!("Web console:     {console}");
    }
    println!();
    println!("Point the CLI or the SDK at it:");
    println!("  export TELNYX_BASE_URL={url}");
    println!("  export TELNYX_API_KEY={key}   # {which}");
    println!("  telnyx overview");
    println!();
    println!("Or per command:  telnyx --base-url {url} --api-key {key} balance");
    println!("Control API:     {}/_emulator/health, /_emulator/seed, /_emulator/faults, /_emulator/requests, /_emulator/clock, /_emulator/webhooks, /_emulator/events",
        url.trim_end_matches("/v2"));
    println!("Move the clock:  telnyx --base-url {url} --api-key {key} emulator advance 31d");
    println!("Webhooks:        telnyx webhooks listen  (registers itself), then  telnyx webhooks trigger message.finalized");
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
