//! `telnyx webhooks verify|listen|trigger`

use std::net::SocketAddr;

use clap::{Args, Subcommand};
use telnyx::webhooks::DEFAULT_TOLERANCE;

use super::webhook_deliveries::WaitArgs;

/// `telnyx webhooks ...`
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Verify one webhook's signature: exit 0 when valid, 5 (validation) with the reason when not.
    Verify(VerifyArgs),
    /// Receive webhooks locally: verify each request, print each event, answer 200 (or relay --forward-to).
    ///
    /// Without --public-key/TELNYX_PUBLIC_KEY it asks the emulator at --base-url (default
    /// http://127.0.0.1:4010/v2) for the account's key. Against an emulator it registers
    /// itself as the account's webhook URL and unregisters on exit (Ctrl-C, SIGTERM, --max-events).
    Listen(ListenArgs),
    /// Emulator only: emit one event now (default payload per type, or --payload) and wait for its delivery.
    ///
    /// Prints the event and delivery ids, then (unless --no-wait) the delivery's status,
    /// attempts and last HTTP status once it is delivered or has failed its retries; exits 1
    /// when it failed. Types with a default payload: message.sent, message.finalized,
    /// message.received, call.initiated, call.answered, call.bridged, call.hangup.
    Trigger(TriggerArgs),
}

/// The account's webhook public key.
#[derive(Debug, Clone, Args)]
pub struct PublicKeyArgs {
    /// Webhook public key, base64 (Mission Control Portal > Keys & Credentials > Public Key).
    #[arg(
        long,
        env = "TELNYX_PUBLIC_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub public_key: Option<String>,
    /// Accept signing times up to SECS away from now, in either direction.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TOLERANCE.as_secs())]
    pub tolerance: u64,
}

/// `telnyx webhooks verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The key and the tolerance.
    #[command(flatten)]
    pub key: PublicKeyArgs,
    /// Value of the telnyx-signature-ed25519 header.
    #[arg(long, value_name = "BASE64")]
    pub signature: String,
    /// Value of the telnyx-timestamp header (Unix seconds).
    #[arg(long, value_name = "UNIX")]
    pub timestamp: String,
    /// File holding the raw body exactly as received, or - for stdin.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub body: String,
}

/// `telnyx webhooks listen`
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to receive webhooks on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub bind: SocketAddr,
    /// Also send each verified request (same body and headers) to URL, and answer with its status and body.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// The key and the tolerance.
    #[command(flatten)]
    pub key: PublicKeyArgs,
    /// Stop after N verified events (default: run until Ctrl-C).
    #[arg(long, value_name = "N")]
    pub max_events: Option<u64>,
    /// Against an emulator: do not register as the account's webhook URL (only ask it for the key).
    #[arg(long)]
    pub no_register: bool,
}

/// `telnyx webhooks trigger`
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// Event type, e.g. message.finalized or call.hangup.
    #[arg(value_name = "EVENT_TYPE")]
    pub event_type: String,
    /// The event's payload instead of the default one: JSON, @FILE, or @- for stdin.
    #[arg(long, value_name = "JSON|@FILE")]
    pub payload: Option<String>,
    /// How long to wait for the delivery.
    #[command(flatten)]
    pub wait: WaitArgs,
}
