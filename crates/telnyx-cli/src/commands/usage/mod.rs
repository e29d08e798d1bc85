//! `telnyx usage export|report|reconcile`: detail records at scale.
//!
//! [`export`] writes a Hive-partitioned dataset ([`dataset`]: layout and checkpoint,
//! [`files`]: part files, [`rows`]: the column contract), [`report`] totals cost per group
//! from the API or a dataset ([`report_chart`] draws it), [`reconcile`] checks a month's records against the charges.

pub mod dataset;
pub mod export;
pub mod files;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod reconcile;
pub mod report;
pub mod report_chart;
pub mod rows;
pub mod sink;

use chrono::{DateTime, Utc};

use crate::cli::usage::{RecordRange, UsageCommand};
use crate::cli::GlobalArgs;
use crate::context::Ctx;
use crate::exit::CliError;

/// Parses `--type a,b` / `--type all` into filter values; unknown names are a usage error.
pub fn parse_types(types: &[String]) -> Result<(Vec<String>, bool), CliError> {
    let known: Vec<&str> = telnyx::DetailRecordType::ALL
        .iter()
        .map(|t| t.as_str())
        .collect();
    let names: Vec<String> = types
        .iter()
        .flat_map(|t| t.split(','))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if names.is_empty() || names.iter().any(|n| n == "all") {
        return Ok((known.iter().map(|s| s.to_string()).collect(), true));
    }
    let mut out = Vec::new();
    for n in names {
        if !known.contains(&n.as_str()) {
            return Err(CliError::Usage(format!(
                "--type {n:?} is not a detail record type: use all or any of {}",
                known.join(", ")
            )));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok((out, false))
}

/// `--until` must be after `--since`.
pub fn check_range(
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<(), CliError> {
    match (since, until) {
        (Some(s), Some(u)) if u <= s => Err(CliError::Usage(format!(
            "--until {} is not after --since {}: the range would be empty",
            rows::time_text(u),
            rows::time_text(s)
        ))),
        _ => Ok(()),
    }
}

/// The records a command works on: `--type/--since/--until` checked.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Record types (filter values), known and without repeats.
    pub types: Vec<String>,
    /// Whether that is every type (no `--type`, or `--type all`).
    pub all: bool,
    /// Only records at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only records before this time.
    pub until: Option<DateTime<Utc>>,
}

impl Selection {
    /// Checks the range flags: known types, `--until` after `--since`.
    pub fn of(range: &RecordRange) -> Result<Selection, CliError> {
        let (types, all) = parse_types(&range.types)?;
        check_range(range.since, range.until)?;
        Ok(Selection {
            types,
            all,
            since: range.since,
            until: range.until,
        })
    }
}

/// Runs `telnyx usage ...`.
pub async fn run(cmd: UsageCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| match cmd {
        UsageCommand::Export(args) => export::run(ctx, &args).await,
        UsageCommand::Report(args) => report::run(ctx, &args).await,
        UsageCommand::Reconcile(args) => reconcile::run(ctx, &args.month).await,
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_ranges() {
        let (all, is_all) = parse_types(&[]).unwrap();
        assert!(is_all && all.len() == 21);
        let (two, _) = parse_types(&["messaging,verify".into(), "messaging".into()]).unwrap();
        assert_eq!(two, ["messaging", "verify"]);
        assert!(
            matches!(parse_types(&["sms".into()]), Err(CliError::Usage(m)) if m.contains("sms"))
        );
        let t = |s: &str| crate::cli::value::parse_datetime(s).unwrap();
        assert!(check_range(Some(t("2026-11-02")), Some(t("2026-11-01"))).is_err());
        assert!(check_range(Some(t("2026-11-01")), Some(t("2026-11-02"))).is_ok());
    }
}
