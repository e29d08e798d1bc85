//! Public configuration and report types of the emulator library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
    /// How webhooks are signed and delivered.
    pub webhooks: WebhookOptions,
    /// Serve the web console at `/console` (default true; `--no-console` turns it off).
    pub console: bool,
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
            webhooks: WebhookOptions::default(),
            console: true,
        }
    }
}

/// How the emulator signs and delivers webhooks (see the crate README, "Webhooks").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookOptions {
    /// Sign every account's webhooks with this key; `None`: each account's own key, derived
    /// from [`EmulatorConfig::seed`] and its API key.
    pub signing_key: Option<WebhookSigningKey>,
    /// Hosts allowed besides loopback (`127.0.0.0/8`, `::1`, `localhost`), compared
    /// case-insensitively with the URL's host.
    pub allow_hosts: Vec<String>,
    /// Longest wait for one attempt's full response.
    pub timeout: Duration,
    /// Waits before the second, third, ... attempt; its length + 1 is the number of attempts.
    pub retry_delays: Vec<Duration>,
    /// Events that may wait to be sent, across accounts.
    pub queue_capacity: usize,
    /// How long shutdown waits for the queue to empty before recording the rest as unsent.
    pub drain_timeout: Duration,
}

/// Default per-attempt webhook timeout.
pub const DEFAULT_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// Default webhook queue capacity.
pub const DEFAULT_WEBHOOK_QUEUE: usize = 100_000;

impl Default for WebhookOptions {
    fn default() -> Self {
        WebhookOptions {
            signing_key: None,
            allow_hosts: Vec::new(),
            timeout: DEFAULT_WEBHOOK_TIMEOUT,
            retry_delays: vec![Duration::from_secs(1), Duration::from_secs(2)],
            queue_capacity: DEFAULT_WEBHOOK_QUEUE,
            drain_timeout: Duration::from_secs(5),
        }
    }
}

/// An Ed25519 signing key for webhooks, given as base64 of its 32-byte seed (or of the
/// 64-byte seed + public key form libsodium and PyNaCl use). `Debug` never shows it.
///
/// ```
/// use telnyx_emulator::WebhookSigningKey;
/// let k: WebhookSigningKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".parse().unwrap();
/// assert!(!format!("{k:?}").contains("AAAA"));
/// assert!("not-base64".parse::<WebhookSigningKey>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSigningKey(pub(crate) [u8; 32]);

impl std::fmt::Debug for WebhookSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSigningKey(<redacted>)")
    }
}

impl std::str::FromStr for WebhookSigningKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use base64::Engine as _;
        let hint =
            "give the base64 of a 32-byte Ed25519 seed (e.g. from `openssl rand -base64 32`)";
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .map_err(|e| format!("the webhook signing key is not valid base64 ({e}); {hint}"))?;
        match bytes.len() {
            32 | 64 => {
                let mut seed = [0u8; 32];
                seed.copy_from_slice(&bytes[..32]);
                let key = WebhookSigningKey(seed);
                if bytes.len() == 64 && bytes[32..] != key.public_key_bytes() {
                    return Err(format!(
                        "the webhook signing key's last 32 bytes are not its public key; {hint}"
                    ));
                }
                Ok(key)
            }
            n => Err(format!(
                "the webhook signing key decodes to {n} bytes, not 32; {hint}"
            )),
        }
    }
}

impl WebhookSigningKey {
    /// The public key, raw.
    pub fn public_key_bytes(&self) -> [u8; 32] {
        ed25519_dalek::SigningKey::from_bytes(&self.0)
            .verifying_key()
            .to_bytes()
    }

    /// The public key, base64: what a receiver verifies with (`TELNYX_PUBLIC_KEY`).
    pub fn public_key_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.public_key_bytes())
    }
}

/// Parses a webhook timeout given on a command line in seconds (`10`, `0.5`, `2s`).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(telnyx_emulator::parse_webhook_timeout("2s"), Ok(Duration::from_secs(2)));
/// assert!(telnyx_emulator::parse_webhook_timeout("0").is_err());
/// ```
pub fn parse_webhook_timeout(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let n = t.strip_suffix('s').unwrap_or(t);
    match n.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 300.0 => Ok(Duration::from_secs_f64(v)),
        _ => Err(format!(
            "expected a number of seconds between 0 and 300 like '10' or '0.5', got '{s}'"
        )),
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
    /// Webhook events queued for delivery (0 when the account has no webhook URL).
    #[serde(default)]
    pub webhooks_queued: u64,
    /// Webhook events that did not fit in the queue: not sent and not recorded.
    #[serde(default)]
    pub webhooks_dropped: u64,
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

/// What `telnyx-emulator --ready-json` prints once it serves: one JSON line, the first on
/// stdout, so a launcher (the npm and PyPI packages) learns the port chosen for
/// `--bind 127.0.0.1:0`.
///
/// ```
/// use telnyx_emulator::config::ReadyLine;
/// let line = ReadyLine::new("127.0.0.1:4010".parse().unwrap(), 42);
/// assert_eq!(line.base_url, "http://127.0.0.1:4010/v2");
/// assert!(line.to_json().starts_with(r#"{"base_url":"http://127.0.0.1:4010/v2","#));
/// assert!(!line.to_json().contains('\n'));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyLine {
    /// The API base URL, `http://HOST:PORT/v2` (what an SDK's `baseURL` takes).
    pub base_url: String,
    /// The control API's root, `http://HOST:PORT/_emulator`.
    pub control_url: String,
    /// The bound IP address.
    pub host: String,
    /// The bound port (the chosen one for port 0).
    pub port: u16,
    /// The emulator's process id.
    pub pid: u32,
    /// The emulator's version.
    pub version: String,
}

impl ReadyLine {
    /// The ready line of a server bound at `addr` in process `pid`.
    pub fn new(addr: SocketAddr, pid: u32) -> ReadyLine {
        // `SocketAddr` shows IPv6 hosts in brackets, as a URL needs them.
        let origin = format!("http://{addr}");
        ReadyLine {
            base_url: format!("{origin}/v2"),
            control_url: format!("{origin}/_emulator"),
            host: addr.ip().to_string(),
            port: addr.port(),
            pid,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// One line of JSON, no trailing newline.
    pub fn to_json(&self) -> String {
        // Serializing strings and integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
