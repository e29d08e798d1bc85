//! `telnyx-emulator`: a stateful local Telnyx Account API server.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use telnyx_emulator::{Emulator, ServerArgs};

/// A stateful local Telnyx Account API for offline development and CI.
#[derive(Debug, Parser)]
#[command(name = "telnyx-emulator", version, about)]
struct Cli {
    #[command(flatten)]
    server: ServerArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    // `--api-key` is this binary's historical name of `--accept-key` (the `telnyx` CLI keeps
    // `--api-key` for its own client key).
    let matches = Cli::command()
        .mut_arg("accept_keys", |a| a.visible_alias("api-key"))
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let emu = match Emulator::start(cli.server.config()).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("telnyx-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("telnyx-emulator listening on {}", emu.base_url());
    let _ = tokio::signal::ctrl_c().await;
    emu.shutdown().await;
    ExitCode::SUCCESS
}
