//! `telnyx payment create`

use clap::Subcommand;

/// `telnyx payment ...`
#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    /// Charge the stored payment method and add credit.
    Create {
        /// Amount in dollars and cents, e.g. 120.00.
        #[arg(long)]
        amount: String,
        /// Idempotency key (1-255 of A-Z a-z 0-9 _ : -). Generated and printed when absent.
        #[arg(long)]
        idempotency_key: Option<String>,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
    },
}
