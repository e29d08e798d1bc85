//! `telnyx emulator`: the local server in the foreground until Ctrl-C.

use crate::cli::EmulatorArgs;
use crate::exit::CliError;

/// Starts the emulator on `--bind` (optionally backed by `--db`), prints how to use it,
/// and stops gracefully on Ctrl-C.
pub async fn run(args: &EmulatorArgs, color: bool) -> Result<(), CliError> {
    let config = telnyx_emulator::EmulatorConfig {
        bind: args.bind,
        db_path: args.db.clone(),
        seed: args.seed,
        api_keys: args.accept_keys.clone(),
        rate_limit: args.rate_limit,
        log_requests: args.log_requests,
    };
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
    println!("Control API:     {}/_emulator/health, /_emulator/seed, /_emulator/faults, /_emulator/requests",
        url.trim_end_matches("/v2"));
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
