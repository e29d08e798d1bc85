//! `telnyx emulator [advance|traffic]`

use clap::{Args, Subcommand};

use super::value::parse_rate;

/// `telnyx emulator`: run the server, or drive a running one's clock and traffic.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EmulatorArgs {
    /// The server's flags (the same as the `telnyx-emulator` binary's).
    #[command(flatten)]
    pub server: telnyx_emulator::ServerArgs,
    /// Drive a running emulator (at --base-url) instead of starting one.
    #[command(subcommand)]
    pub action: Option<EmulatorAction>,
}

/// `telnyx emulator advance|traffic`: the account is --api-key's, the emulator --base-url's.
#[derive(Debug, Subcommand)]
pub enum EmulatorAction {
    /// Move the account's virtual clock: `31d`, `31`, or an RFC 3339 time; prints what happened.
    Advance {
        /// How far: days (`31d`) or a time (`2027-01-01T00:00:00Z`).
        #[arg(value_parser = telnyx_emulator::parse_advance, value_name = "DAYS|TIME")]
        by: telnyx_emulator::Advance,
    },
    /// Set the account's usage per virtual day: `messaging=500/day call-control=40/day`.
    Traffic {
        /// `TYPE=N/day` (or `TYPE=N`), record types as in `filter[record_type]`.
        #[arg(required = true, value_parser = parse_rate, value_name = "TYPE=N/day")]
        rates: Vec<(String, u32)>,
    },
}
