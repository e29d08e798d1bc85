//! The options every command accepts (`--api-key`, `--output`, `--limit`, ...).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::value::{parse_duration, parse_prefetch};

/// Options accepted before or after any subcommand. Listed under their own heading so a
/// subcommand's `--help` shows its own options first, not interleaved with these.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// API key (Bearer). Get one at https://portal.telnyx.com/#/app/api-keys
    #[arg(long, env = "TELNYX_API_KEY", global = true, hide_env_values = true)]
    pub api_key: Option<String>,

    /// API base URL, e.g. http://127.0.0.1:4010/v2 for a local emulator.
    #[arg(long, env = "TELNYX_BASE_URL", global = true, hide_env_values = true)]
    pub base_url: Option<String>,

    /// The profile whose stored key and base URL to use (`telnyx auth login --profile NAME`).
    /// A key from --api-key or TELNYX_API_KEY comes first; without either, this profile, else
    /// the default profile.
    #[arg(long, env = "TELNYX_PROFILE", global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Whether --output was given on the command line (a profile's format applies otherwise).
    #[arg(skip)]
    pub output_explicit: bool,

    /// The profile whose key was filled in, and how it was selected (set after parsing).
    #[arg(skip)]
    pub key_profile: Option<(String, &'static str)>,

    /// Run against a fresh in-process emulator with a demo account (no key, no network; overrides --api-key/--base-url).
    #[arg(long, global = true)]
    pub emulator: bool,

    /// With --emulator: first move the demo account's clock, e.g. 45d (usage, month close, auto-recharge).
    #[arg(long, global = true, requires = "emulator", value_name = "DAYS|TIME", value_parser = telnyx_emulator::parse_advance)]
    pub advance: Option<telnyx_emulator::Advance>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table, global = true)]
    pub output: OutputFormat,

    /// Write the output to FILE instead of stdout (atomically: a temp file renamed on success).
    #[arg(long, global = true, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Lists: stop after N items (default: the first page, 20 items).
    #[arg(long, global = true, value_name = "N", conflicts_with = "all")]
    pub limit: Option<u64>,

    /// Lists: fetch every page.
    #[arg(long, global = true)]
    pub all: bool,

    /// Pages fetched ahead by --all lists, usage export/report and invoice PDFs: `auto` adapts
    /// to latency and the rate limit (up to 16); a number (1-64) fixes the depth.
    #[arg(long, global = true, value_name = "N|auto", default_value = "auto", value_parser = parse_prefetch)]
    pub prefetch: telnyx::Concurrency,

    /// Per-attempt request timeout: 30, 30s, 500ms or 2m.
    #[arg(long, global = true, value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,

    /// Retries after a failed attempt (connection errors, 408/409/429/5xx).
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,

    /// Disable colors (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Print each HTTP attempt on stderr: method, URL, status, attempt, time (never the key).
    /// RUST_LOG (e.g. RUST_LOG=telnyx=debug) shows the SDK's tracing spans too.
    #[arg(long, global = true)]
    pub debug: bool,
}

/// `--output` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for humans.
    Table,
    /// Pretty JSON (an object, or an array for lists).
    Json,
    /// One JSON object per line (streaming).
    Jsonl,
    /// CSV with a header row; nested fields flattened as `a.b` columns.
    Csv,
}
