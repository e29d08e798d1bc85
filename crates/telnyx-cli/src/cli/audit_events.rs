//! `telnyx audit-events list`

use clap::{Subcommand, ValueEnum};

use super::value::parse_datetime;

/// `asc|desc`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SortArg {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

/// `telnyx audit-events ...`
#[derive(Debug, Subcommand)]
pub enum AuditEventsCommand {
    /// List audit events.
    List {
        /// Only events created after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_parser = parse_datetime)]
        after: Option<chrono::DateTime<chrono::Utc>>,
        /// Only events created before this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_parser = parse_datetime)]
        before: Option<chrono::DateTime<chrono::Utc>>,
        /// Order by creation time.
        #[arg(long, value_enum)]
        sort: Option<SortArg>,
    },
}
