//! `telnyx invoices list|get|download`

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

/// `telnyx invoices ...`
#[derive(Debug, Subcommand)]
pub enum InvoicesCommand {
    /// List invoices.
    List {
        /// Sort order: period_start (oldest first) or -period_start (newest first).
        #[arg(long, value_enum, allow_hyphen_values = true)]
        sort: Option<InvoiceSortArg>,
    },
    /// Show one invoice.
    Get {
        /// Invoice id.
        id: String,
        /// Include a download link.
        #[arg(long)]
        link: bool,
    },
    /// Save invoice PDFs into a directory: one id, or every invoice with the global --all.
    Download {
        /// Invoice id (or pass --all for every invoice).
        id: Option<String>,
        /// With --all: only invoices whose period starts on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        /// Target directory (created if missing).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
}

/// `--sort` for invoices.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InvoiceSortArg {
    /// Oldest first.
    #[value(name = "period_start")]
    PeriodStart,
    /// Newest first.
    #[value(name = "-period_start")]
    PeriodStartDesc,
}
