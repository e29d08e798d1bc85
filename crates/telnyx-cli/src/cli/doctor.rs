//! `telnyx doctor`: can the setup and the account's answers be trusted?

use std::path::PathBuf;

use clap::Args;

/// `telnyx doctor`
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also write the whole report as JSON to FILE (values redacted: attach it to a bug report).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Exit non-zero on warnings too (fields or enum values the SDK does not model, clock
    /// skew, low rate-limit headroom), not only on failures.
    #[arg(long)]
    pub strict: bool,
}
