//! `telnyx charges summary|breakdown`

use clap::Subcommand;

/// `telnyx charges ...`
#[derive(Debug, Subcommand)]
pub enum ChargesCommand {
    /// Totals and lines for a date range (end exclusive, at most 31 days).
    Summary {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        start: chrono::NaiveDate,
        /// Day after the last day (exclusive), YYYY-MM-DD.
        #[arg(long)]
        end: chrono::NaiveDate,
    },
    /// Charges per number and service.
    Breakdown {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        start: chrono::NaiveDate,
        /// Day after the last day (exclusive); default: start + 1 month.
        #[arg(long)]
        end: Option<chrono::NaiveDate>,
        /// Print the server's CSV export as is.
        #[arg(long)]
        csv: bool,
    },
}
