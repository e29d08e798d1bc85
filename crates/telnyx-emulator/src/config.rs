//! Public configuration and report types of the emulator library.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The API key the CLI's `--emulator` mode uses.
pub const DEMO_API_KEY: &str = "KEY_DEMO";

/// How to run an [`crate::Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to bind; default `127.0.0.1:0` (an ephemeral port).
    pub bind: SocketAddr,
    /// SQLite file for durable state; `None` keeps everything in memory (no SQLite at all).
    pub db_path: Option<PathBuf>,
    /// Seed mixed with each API key for deterministic generated data.
    pub seed: u64,
    /// When non-empty, only these bearer keys are accepted (others get 401).
    pub api_keys: Vec<String>,
    /// Requests per second per key; `None` disables rate limiting.
    pub rate_limit: Option<u32>,
    /// Print one line per request to stderr.
    pub log_requests: bool,
    /// Where every account's virtual clock starts; `None`: the time the account is first used
    /// (stored with `--db`, so a restart keeps it). With the same seed, start time and calls,
    /// every response body is byte-identical across runs.
    pub start_time: Option<DateTime<Utc>>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_path: None,
            seed: 0,
            api_keys: Vec::new(),
            rate_limit: None,
            log_requests: false,
            start_time: None,
        }
    }
}

/// Parses a per-key rate limit given on a command line: `50/s` or `50` (requests per second,
/// at least 1).
///
/// ```
/// assert_eq!(telnyx_emulator::parse_rate_limit("50/s"), Ok(50));
/// assert!(telnyx_emulator::parse_rate_limit("0").is_err());
/// ```
pub fn parse_rate_limit(s: &str) -> Result<u32, String> {
    let n = s.trim().strip_suffix("/s").unwrap_or(s.trim());
    match n.parse::<u32>() {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!(
            "expected a positive number of requests per second like '50/s', got '{s}'"
        )),
    }
}

/// A request to (re)seed one account at a given size. `None` keeps the default size.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedRequest {
    /// Detail records per seeded record type (or only for `detail_record_type`).
    #[serde(default)]
    pub detail_records: Option<u64>,
    /// Restrict `detail_records` to this filter type (e.g. `messaging`); others keep the default size.
    #[serde(default)]
    pub detail_record_type: Option<String>,
    /// Number of webhook deliveries.
    #[serde(default)]
    pub webhook_deliveries: Option<u64>,
    /// Number of audit events.
    #[serde(default)]
    pub audit_events: Option<u64>,
}

/// What a seed produced and how long it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedReport {
    /// Short hash of the seeded key (never the key itself).
    pub api_key_hash: String,
    /// Total detail records across all record types.
    pub detail_records: u64,
    /// Webhook deliveries.
    pub webhook_deliveries: u64,
    /// Audit events.
    pub audit_events: u64,
    /// Invoices.
    pub invoices: u64,
    /// Wall time spent generating, in milliseconds.
    pub elapsed_ms: f64,
}

/// Parses an RFC 3339 start time given on a command line (`2026-01-01T00:00:00Z`).
///
/// ```
/// assert!(telnyx_emulator::parse_start_time("2026-01-01T00:00:00Z").is_ok());
/// assert!(telnyx_emulator::parse_start_time("yesterday").is_err());
/// ```
pub fn parse_start_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("expected an RFC 3339 time like '2026-01-01T00:00:00Z', got '{s}' ({e})")
        })
}

/// How far to move an account's clock ([`crate::Emulator::advance_clock`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// Forward by this many days (0..=3660).
    Days(i64),
    /// To this instant (not before the clock, at most 3660 days ahead).
    To(DateTime<Utc>),
}

impl Advance {
    /// The control API body member for it: `("days", 31)` or `("to", "2027-01-01T00:00:00Z")`.
    pub fn to_json(&self) -> (&'static str, serde_json::Value) {
        match self {
            Advance::Days(n) => ("days", serde_json::Value::from(*n)),
            Advance::To(t) => ("to", serde_json::Value::from(crate::util::ts(*t))),
        }
    }
}

/// Parses how far to move a clock, as given on a command line: `31d` or `31` (days), or an
/// RFC 3339 time.
///
/// ```
/// use telnyx_emulator::{parse_advance, Advance};
/// assert_eq!(parse_advance("45d"), Ok(Advance::Days(45)));
/// assert!(parse_advance("2027-01-01T00:00:00Z").is_ok());
/// assert!(parse_advance("soon").is_err());
/// ```
pub fn parse_advance(s: &str) -> Result<Advance, String> {
    let t = s.trim();
    let days = t.strip_suffix('d').unwrap_or(t);
    if let Ok(n) = days.parse::<i64>() {
        return if (0..=3660).contains(&n) {
            Ok(Advance::Days(n))
        } else {
            Err(format!(
                "the number of days must be between 0 and 3660, got {n}"
            ))
        };
    }
    parse_start_time(t)
        .map(Advance::To)
        .map_err(|_| format!("expected a number of days like '31d' or an RFC 3339 time like '2027-01-01T00:00:00Z', got '{s}'"))
}

/// What an advance of the clock did (`POST /_emulator/clock/advance` answers the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvanceReport {
    /// Clock before (RFC 3339).
    pub from: String,
    /// Clock after (RFC 3339).
    pub to: String,
    /// Detail records generated.
    pub usage_records: u64,
    /// Their total cost (exact decimal string).
    pub usage_cost: String,
    /// Monthly recurring charges posted (decimal string).
    pub recurring_charges: String,
    /// Auto-recharge payments made.
    pub auto_recharges: u64,
    /// Months closed into invoices.
    pub invoices_closed: u64,
    /// Balance after (exact decimal string).
    pub balance: String,
}

/// Errors of the emulator library API.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// Binding the listener failed.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// Opening or using the SQLite database failed.
    #[error("database error: {0}")]
    Database(String),
    /// An invalid argument (e.g. an unknown detail record type).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Any other I/O error.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for EmulatorError {
    fn from(e: rusqlite::Error) -> Self {
        EmulatorError::Database(e.to_string())
    }
}
