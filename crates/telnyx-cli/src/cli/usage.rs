//! `telnyx usage export|report|reconcile`, the record range they share, and their value enums.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};

use super::value::parse_datetime;

/// `telnyx usage ...`
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Export detail records incrementally into DIR/record_type=<type>/date=<YYYY-MM-DD>/part-<n>.<ext>.
    // `--since` says more here than in `report`. `mut_arg` moves an argument to the end of
    // the list, so `--until` and `--format` are touched too: completions keep their order.
    #[command(
        mut_arg("since", |a| a.help(
            "Only records at or after this time (RFC 3339 or YYYY-MM-DD), for the first export"
        )),
        mut_arg("until", |a| a),
        mut_arg("format", |a| a)
    )]
    Export(ExportArgs),
    /// Quantity and cost per group, from the API or an exported dataset (--from).
    Report(ReportArgs),
    /// Compare a month's usage cost per product with the charges summary and the invoice; exit 1 when they differ.
    Reconcile(ReconcileArgs),
}

/// `--type/--since/--until`: which detail records (`usage export` and `usage report`).
#[derive(Debug, Clone, Args)]
pub struct RecordRange {
    /// Record types, comma separated or repeated, or all (default).
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Only records at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_datetime)]
    pub since: Option<DateTime<Utc>>,
    /// Only records before this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = parse_datetime)]
    pub until: Option<DateTime<Utc>>,
}

/// `telnyx usage export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Dataset directory (new, empty, or an earlier export: a rerun adds only newer records).
    #[arg(long)]
    pub dir: PathBuf,
    /// Which records.
    #[command(flatten)]
    pub records: RecordRange,
    /// File format.
    #[arg(long, value_enum, default_value = "parquet")]
    pub format: Format,
}

/// `telnyx usage report`
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which records.
    #[command(flatten)]
    pub records: RecordRange,
    /// Group by, repeatable: type, day, month, number, direction, status.
    #[arg(long, value_enum)]
    pub by: Vec<GroupBy>,
    /// Read this dataset instead of the API.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Draw the cost as horizontal bars (exact amounts as labels) instead of the table, per
    /// record type unless --by says otherwise; with `--by day` alone, one bar per day from the
    /// first day with usage to the last, days without usage included.
    #[arg(long)]
    pub chart: bool,
}

/// `telnyx usage reconcile`
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The month, YYYY-MM.
    #[arg(long)]
    pub month: String,
}

/// A dataset's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Apache Parquet, snappy-compressed (default).
    Parquet,
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

/// A `--by` grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// Record type (`messaging`, `verify`, ...).
    Type,
    /// UTC day of the usage.
    Day,
    /// UTC month of the usage.
    Month,
    /// The account's own number (messaging/calls: the sender when outbound, else the
    /// recipient; SIM cards: `phone_number`; others: their destination number).
    Number,
    /// `direction` (messaging, calls).
    Direction,
    /// `status` (messaging, media storage) or `verification_status` (verify).
    Status,
}

impl GroupBy {
    /// The report's column header (the flag value).
    pub fn header(self) -> &'static str {
        match self {
            GroupBy::Type => "type",
            GroupBy::Day => "day",
            GroupBy::Month => "month",
            GroupBy::Number => "number",
            GroupBy::Direction => "direction",
            GroupBy::Status => "status",
        }
    }
}
