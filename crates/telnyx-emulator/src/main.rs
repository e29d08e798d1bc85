//! `telnyx-emulator`: a stateful local Telnyx Account API server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use telnyx_emulator::{parse_rate_limit, Emulator, EmulatorConfig};

/// A stateful local Telnyx Account API for offline development and CI.
#[derive(Debug, Parser)]
#[command(name = "telnyx-emulator", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4010")]
    bind: SocketAddr,
    /// SQLite file for durable state (default: in memory).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Seed for deterministic data.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Accept only this API key (repeatable). Default: any key.
    #[arg(long = "api-key")]
    api_keys: Vec<String>,
    /// Per-key rate limit, e.g. `50/s` or `50`.
    #[arg(long, value_parser = parse_rate_limit)]
    rate_limit: Option<u32>,
    /// Print one line per request to stderr.
    #[arg(long)]
    log_requests: bool,
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
    let args = Args::parse();
    let config = EmulatorConfig {
        bind: args.bind,
        db_path: args.db,
        seed: args.seed,
        api_keys: args.api_keys,
        rate_limit: args.rate_limit,
        log_requests: args.log_requests,
    };
    let emu = match Emulator::start(config).await {
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
