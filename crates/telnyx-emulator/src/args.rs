//! The emulator's command-line flags, defined once: the `telnyx-emulator` binary and the
//! `telnyx emulator` command both flatten [`ServerArgs`].

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::config::{
    parse_rate_limit, parse_start_time, parse_webhook_timeout, EmulatorConfig, WebhookOptions,
    WebhookSigningKey, DEFAULT_WEBHOOK_QUEUE,
};

/// Flags of a local emulator server.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Address to listen on (127.0.0.1:0 for an ephemeral port).
    #[arg(long, default_value = "127.0.0.1:4010")]
    pub bind: SocketAddr,
    /// SQLite file to keep state across restarts (default: in memory).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Seed for the generated data (same seed and key: same account).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Accept only this API key; others get 401 (repeatable). Default: any key, each its own account.
    #[arg(long = "accept-key", id = "accept_keys", value_name = "KEY")]
    pub accept_keys: Vec<String>,
    /// Per-key rate limit, e.g. 50/s; over it the emulator answers 429 with Retry-After.
    #[arg(long, value_parser = parse_rate_limit, value_name = "N/s")]
    pub rate_limit: Option<u32>,
    /// Print one line per request to stderr.
    #[arg(long)]
    pub log_requests: bool,
    /// Where every account's virtual clock starts (RFC 3339); default: when it is first used.
    #[arg(long, value_parser = parse_start_time, value_name = "RFC3339")]
    pub start_time: Option<DateTime<Utc>>,
    /// Sign every account's webhooks with this Ed25519 key (base64 of a 32-byte seed).
    /// Default: a key per account derived from --seed (GET /_emulator/webhooks/public_key).
    #[arg(long, value_name = "BASE64", hide_default_value = true)]
    pub webhook_signing_key: Option<WebhookSigningKey>,
    /// Also deliver webhooks to this host (repeatable). Default: loopback only.
    #[arg(long = "allow-webhook-host", value_name = "HOST")]
    pub allow_webhook_hosts: Vec<String>,
    /// Seconds one webhook attempt may take (connect, send, full response).
    #[arg(long, value_parser = parse_webhook_timeout, value_name = "SECS", default_value = "10")]
    pub webhook_timeout: std::time::Duration,
    /// Webhook events that may wait to be sent; past it, events are dropped (and counted).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_WEBHOOK_QUEUE, value_parser = clap::value_parser!(usize))]
    pub webhook_queue: usize,
    /// Do not serve the web console (/console).
    #[arg(long)]
    pub no_console: bool,
}

impl ServerArgs {
    /// The library configuration these flags describe.
    pub fn config(&self) -> EmulatorConfig {
        EmulatorConfig {
            bind: self.bind,
            db_path: self.db.clone(),
            seed: self.seed,
            api_keys: self.accept_keys.clone(),
            rate_limit: self.rate_limit,
            log_requests: self.log_requests,
            start_time: self.start_time,
            webhooks: WebhookOptions {
                signing_key: self.webhook_signing_key.clone(),
                allow_hosts: self.allow_webhook_hosts.clone(),
                timeout: self.webhook_timeout,
                queue_capacity: self.webhook_queue.max(1),
                ..WebhookOptions::default()
            },
            console: !self.no_console,
        }
    }
}
