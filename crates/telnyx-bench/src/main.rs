//! `telnyx-bench`: benchmarks of the telnyx emulator and SDK, every figure a ratio against a
//! baseline measured in the same run (a bare axum hello world, raw reqwest, the official
//! Node SDK, sequential paging).
//!
//! ```sh
//! cargo run --release -p telnyx-bench -- all            # everything, markdown on stdout
//! cargo run --release -p telnyx-bench -- all --quick    # smoke run, a few seconds per section
//! cargo run --release -p telnyx-bench -- emulator --duration-secs 5 --out bench.md --json bench.json
//! ```
//!
//! One binary provides every process: hidden subcommands start the hello world
//! (`serve-hello`), the emulator (`serve-emulator`), the load generator (`loadgen`) and the
//! SDK workloads (`sdk-balance`, `sdk-page`), so each is measured in its own process.

// Some shared helpers serve only the sections of the `sdk` and `emulator` features.
#![cfg_attr(not(all(feature = "sdk", feature = "emulator")), allow(dead_code))]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::error::BenchError;

mod child;
mod ctx;
mod error;
mod http;
mod loadgen;
mod machine;
mod node;
mod report;
mod run;
mod sdk_work;
mod sections;
mod servers;
mod stats;
#[cfg(feature = "emulator")]
mod usage_export;

#[derive(Parser)]
#[command(
    name = "telnyx-bench",
    about = "Benchmarks for the telnyx SDK and emulator (ratios against same-run baselines)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Emulator, SDK and (when Node.js is on PATH) official Node SDK benchmarks.
    All(RunOpts),
    /// Emulator throughput/latency vs a bare axum hello world, startup, seeding, memory.
    Emulator(RunOpts),
    /// SDK client CPU per request and paging (vs raw reqwest and sequential paging).
    Sdk(RunOpts),
    /// The SDK workloads with the npm `telnyx` package, next to the Rust SDK's.
    Node(RunOpts),
    /// SDK paging over a bandwidth-limited loopback link, gzip vs identity (also part of `sdk` and `all`).
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    Compression(RunOpts),
    /// SDK webhook verification CPU alone (also part of `sdk` and `all`).
    #[cfg(feature = "sdk")]
    Webhooks(RunOpts),
    /// Emulator signed webhook deliveries per second vs unsigned POSTs (also part of `emulator` and `all`).
    #[cfg(all(feature = "sdk", feature = "emulator"))]
    WebhookDelivery(RunOpts),
    /// `telnyx usage export` to Parquet vs `detail-records list --all`, and `--prefetch auto` vs 4
    /// with a latency per page (needs the release `telnyx`).
    #[cfg(feature = "emulator")]
    Usage(usage_export::UsageOpts),
    /// One section alone by name (`startup`, `seeding`, `load`, `memory`, `clock-advance`,
    /// `console`, `packages`, `webhook-delivery`, `sdk-cpu`, `paging`, `prefetch`, `decode`,
    /// `webhooks`, `compression`, `mcp`).
    Section(SectionOpts),
    #[command(hide = true)]
    Loadgen(loadgen::LoadArgs),
    #[command(hide = true)]
    ServeHello(ServeArgs),
    #[command(hide = true)]
    ServeEmulator(ServeArgs),
    #[command(hide = true)]
    ServeSink(ServeArgs),
    #[command(hide = true)]
    SdkBalance(sdk_work::BalanceArgs),
    #[command(hide = true)]
    SdkPage(sdk_work::PageArgs),
}

#[derive(Args, Clone, Debug)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Tokio worker threads (default: available parallelism).
    #[arg(long)]
    threads: Option<usize>,
    /// `serve-emulator` only: requests per second per key (the emulator's `--rate-limit`).
    #[arg(long)]
    rate_limit: Option<u32>,
}

#[derive(Args, Clone, Debug)]
pub struct SectionOpts {
    /// The section's name.
    name: String,
    #[command(flatten)]
    run: RunOpts,
}

#[derive(Args, Clone, Debug)]
pub struct RunOpts {
    /// Seconds per emulator load point (default 3; 0.5 with --quick).
    #[arg(long)]
    pub duration_secs: Option<f64>,
    /// Cap on measured requests per emulator load point.
    #[arg(long, default_value_t = 1_000_000)]
    pub requests: u64,
    /// Calls of `balance().retrieve()` per SDK run (default 20000; 2000 with --quick).
    #[arg(long)]
    pub sdk_calls: Option<u64>,
    /// Webhook deliveries to page through (default 100000; 10000 with --quick).
    #[arg(long)]
    pub page_items: Option<u64>,
    /// Fast smoke run: short load points, fewer calls and items.
    #[arg(long)]
    pub quick: bool,
    /// Write the report here: markdown, or JSON if the name ends in `.json`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write the report as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let threads = || {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    };
    let result: Result<(), BenchError> = match cli.cmd {
        Cmd::All(o) => run::main(run::Which::All, o),
        Cmd::Emulator(o) => run::main(run::Which::Emulator, o),
        Cmd::Sdk(o) => run::main(run::Which::Sdk, o),
        Cmd::Node(o) => run::main(run::Which::Node, o),
        #[cfg(feature = "sdk")]
        Cmd::Webhooks(o) => run::one("webhooks", o),
        #[cfg(all(feature = "sdk", feature = "emulator"))]
        Cmd::Compression(o) => run::one("compression", o),
        #[cfg(all(feature = "sdk", feature = "emulator"))]
        Cmd::WebhookDelivery(o) => run::one("webhook-delivery", o),
        #[cfg(feature = "emulator")]
        Cmd::Usage(o) => usage_export::main(o),
        Cmd::Section(o) => run::one(&o.name, o.run),
        Cmd::Loadgen(a) => loadgen::run(a).and_then(print_json).map_err(Into::into),
        Cmd::ServeHello(a) => {
            servers::serve_hello(a.port, a.threads.unwrap_or_else(threads)).map_err(Into::into)
        }
        Cmd::ServeEmulator(a) => {
            servers::serve_emulator(a.port, a.threads.unwrap_or_else(threads), a.rate_limit)
                .map_err(Into::into)
        }
        Cmd::ServeSink(a) => {
            servers::serve_sink(a.port, a.threads.unwrap_or_else(threads)).map_err(Into::into)
        }
        Cmd::SdkBalance(a) => sdk_work::balance(a)
            .and_then(print_json)
            .map_err(Into::into),
        Cmd::SdkPage(a) => sdk_work::page(a).and_then(print_json).map_err(Into::into),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("telnyx-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_json<T: serde::Serialize>(v: T) -> Result<(), String> {
    println!("{}", serde_json::to_string(&v).map_err(|e| e.to_string())?);
    Ok(())
}
