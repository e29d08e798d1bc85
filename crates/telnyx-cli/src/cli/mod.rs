//! The command line (clap derive), all of it: every subcommand, flag, alias, env var and
//! help text lives under this module, and nothing else does. Parsing only: no I/O happens
//! here, and nothing here knows the command code ([`crate::commands`]).
//!
//! A file per command group holds its args (the same name as its command file); flag groups
//! that several commands share are one `#[command(flatten)]` struct each
//! ([`usage::RecordRange`], [`webhook_deliveries::WaitArgs`], [`webhooks::PublicKeyArgs`]).
//! Adding a subcommand: one arm in [`Command`], one args type here, one command file.

pub mod audit_events;
pub mod auth;
pub mod auto_recharge;
pub mod charges;
pub mod detail_records;
pub mod doctor;
pub mod emulator;
pub mod global;
pub mod invoices;
pub mod mcp;
pub mod payment;
pub mod tags;
pub mod usage;
pub mod value;
pub mod webhook_deliveries;
pub mod webhooks;

use clap::{Args, Parser, Subcommand};

pub use global::{GlobalArgs, OutputFormat};

use audit_events::AuditEventsCommand;
use auth::AuthCommand;
use auto_recharge::AutoRechargeCommand;
use charges::ChargesCommand;
use detail_records::DetailRecordsCommand;
use doctor::DoctorArgs;
use emulator::EmulatorArgs;
use invoices::InvoicesCommand;
use mcp::McpArgs;
use payment::PaymentCommand;
use tags::TagsCommand;
use usage::UsageCommand;
use webhook_deliveries::WebhookDeliveriesCommand;
use webhooks::WebhooksCommand;

/// Long help appended to `telnyx --help`: the exit codes, documented in one place.
const AFTER_LONG_HELP: &str = "\
Getting started:
  telnyx --emulator overview          try everything offline against the embedded emulator
  export TELNYX_API_KEY=KEY...        then run the same commands against your account

Exit codes:
  0    success
  1    other error (server error, unexpected response, I/O)
  2    usage error (bad flag or argument, missing confirmation)
  3    authentication (missing, invalid or unauthorized API key)
  4    not found
  5    validation (the request was rejected as invalid: 400/409/422 or checked locally)
  6    rate limited (429; the message says how long to wait)
  7    network (connection refused, DNS, timeout)
  130  interrupted (Ctrl-C)";

/// `telnyx`: your Telnyx account (balance, charges, invoices, records, webhooks) from the terminal.
#[derive(Debug, Parser)]
#[command(name = "telnyx", version, about, long_about = None, after_long_help = AFTER_LONG_HELP)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the account balance and credit.
    Balance(BalanceArgs),
    /// Monthly charges: summary and per-number breakdown.
    #[command(subcommand)]
    Charges(ChargesCommand),
    /// Invoices: list, show, download PDFs.
    #[command(subcommand)]
    Invoices(InvoicesCommand),
    /// The account's audit log.
    #[command(subcommand, name = "audit-events")]
    AuditEvents(AuditEventsCommand),
    /// Usage detail records (messaging, calls, ...).
    #[command(subcommand, name = "detail-records")]
    DetailRecords(DetailRecordsCommand),
    /// Webhook deliveries and their attempts.
    #[command(subcommand, name = "webhook-deliveries")]
    WebhookDeliveries(WebhookDeliveriesCommand),
    /// Auto recharge preferences.
    #[command(subcommand, name = "auto-recharge")]
    AutoRecharge(AutoRechargeCommand),
    /// Payments with the stored payment method.
    #[command(subcommand)]
    Payment(PaymentCommand),
    /// Number and outbound profile tags.
    #[command(subcommand)]
    Tags(TagsCommand),
    /// Balance, month-to-date charges, last invoices, auto recharge and failed webhooks at a glance.
    Overview(OverviewArgs),
    /// Run the local emulator server until Ctrl-C.
    Emulator(EmulatorArgs),
    /// Print a shell completion script.
    ///
    /// bash: `telnyx completions bash > ~/.local/share/bash-completion/completions/telnyx`;
    /// zsh: `telnyx completions zsh > ~/.zfunc/_telnyx` (with `~/.zfunc` in `fpath`);
    /// fish: `telnyx completions fish > ~/.config/fish/completions/telnyx.fish`;
    /// PowerShell: `telnyx completions powershell >> $PROFILE`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    ///
    /// Read it with `telnyx man | man -l -`; install it with
    /// `telnyx man > ~/.local/share/man/man1/telnyx.1`. `telnyx man charges summary` prints the
    /// page of one command.
    Man(ManArgs),
    /// Webhooks: verify a signature, or receive and verify webhooks locally (no API key needed).
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Usage at scale: export detail records to a dataset, cost reports, reconciliation.
    #[command(subcommand)]
    Usage(UsageCommand),
    /// Profiles: store an API key in the OS keyring (login), show them (status), remove one (logout).
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Check the setup and the account: config, key, reachability, TLS, latency, clock,
    /// rate limits, and a drift check of every read operation against the SDK's models.
    ///
    /// Exits 1 when a check fails (with --strict, on warnings too); --report FILE writes the
    /// findings as JSON, values redacted.
    Doctor(DoctorArgs),
    /// Serve billing tools to AI agents over MCP (stdio, or --http): read-only by default.
    ///
    /// Host configuration: command `telnyx`, args `["mcp"]` (with TELNYX_API_KEY in its
    /// environment), or `["mcp", "--emulator"]` to try it offline.
    Mcp(McpArgs),
}

/// `telnyx balance` (no options of its own).
#[derive(Debug, Args)]
pub struct BalanceArgs {}

/// `telnyx overview`
#[derive(Debug, Args)]
pub struct OverviewArgs {
    /// Draw the 30-day spend sparklines even when stdout is not a terminal (they are drawn
    /// on a terminal anyway).
    #[arg(long)]
    pub chart: bool,
}

/// `telnyx completions SHELL`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `telnyx man [COMMAND...]`
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command (and subcommand) to print the page of, e.g. `charges summary`.
    pub command: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use super::value::{parse_datetime, parse_duration};
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("5h").is_err());
    }

    #[test]
    fn datetimes() {
        let t = parse_datetime("2025-05-01").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-05-01T00:00:00+00:00");
        let t = parse_datetime("2025-05-01T12:30:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2025-05-01T10:30:00+00:00");
        assert!(parse_datetime("yesterday").is_err());
    }

    #[test]
    fn globals_anywhere_and_conflicts() {
        let cli = Cli::try_parse_from(["telnyx", "invoices", "list", "--output", "json", "--all"])
            .unwrap();
        assert_eq!(cli.global.output, OutputFormat::Json);
        assert!(cli.global.all);
        assert!(
            Cli::try_parse_from(["telnyx", "--all", "--limit", "3", "invoices", "list"]).is_err()
        );
        let cli = Cli::try_parse_from([
            "telnyx",
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--sort",
            "-created_at,cld",
        ])
        .unwrap();
        match cli.command {
            Command::DetailRecords(DetailRecordsCommand::List { sort, .. }) => {
                assert_eq!(sort, vec!["-created_at", "cld"])
            }
            _ => panic!("wrong command"),
        }
    }
}
