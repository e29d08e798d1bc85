//! `telnyx webhook-deliveries list|get|redeliver`, and the wait options `redeliver` and
//! `webhooks trigger` share.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::value::parse_datetime;

/// `--status` for webhook deliveries.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DeliveryStatusArg {
    /// Delivered.
    Delivered,
    /// Failed.
    Failed,
}

/// `telnyx webhook-deliveries ...`
#[derive(Debug, Subcommand)]
pub enum WebhookDeliveriesCommand {
    /// List webhook deliveries.
    List {
        /// Only delivered or only failed.
        #[arg(long, value_enum)]
        status: Option<DeliveryStatusArg>,
        /// Event type, repeatable or comma separated (e.g. call.initiated).
        #[arg(long = "event-type", value_delimiter = ',')]
        event_types: Vec<String>,
        /// Only deliveries started at or after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_parser = parse_datetime)]
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Show one delivery and its attempts.
    Get {
        /// Delivery id.
        id: String,
    },
    /// Emulator only: send a delivery's webhook again to the current webhook URL, as one new attempt.
    ///
    /// Waits (up to --wait-secs) for the attempt to end and prints the delivery's status,
    /// attempts and the new attempt's HTTP status; exits 1 when that attempt failed.
    Redeliver {
        /// Delivery id.
        id: String,
        /// How long to wait for the new attempt.
        #[command(flatten)]
        wait: WaitArgs,
    },
}

/// `--wait-secs/--no-wait`: how long `webhooks trigger` and `webhook-deliveries redeliver`
/// wait for the delivery.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Wait up to SECS for the delivery to end, then print its status, attempts and last HTTP status (0: do not wait).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub wait_secs: u64,
    /// Print the ids and return at once, without waiting for the delivery.
    #[arg(long)]
    pub no_wait: bool,
}

impl WaitArgs {
    /// The wait, or `None` for none.
    pub fn limit(&self) -> Option<Duration> {
        (!self.no_wait && self.wait_secs > 0).then(|| Duration::from_secs(self.wait_secs))
    }
}
