//! Command-line definitions (clap derive). Parsing only: no I/O happens here.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Options accepted before or after any subcommand. Listed under their own heading so a
/// subcommand's `--help` shows its own options first, not interleaved with these.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// API key (Bearer). Get one at https://portal.telnyx.com/#/app/api-keys
    #[arg(long, env = "TELNYX_API_KEY", global = true, hide_env_values = true)]
    pub api_key: Option<String>,

    /// API base URL, e.g. http://127.0.0.1:4010/v2 for a local emulator.
    #[arg(long, env = "TELNYX_BASE_URL", global = true, hide_env_values = true)]
    pub base_url: Option<String>,

    /// Run against a fresh in-process emulator with a demo account (no key, no network; overrides --api-key/--base-url).
    #[arg(long, global = true)]
    pub emulator: bool,

    /// With --emulator: first move the demo account's clock, e.g. 45d (usage, month close, auto-recharge).
    #[arg(long, global = true, requires = "emulator", value_name = "DAYS|TIME", value_parser = telnyx_emulator::parse_advance)]
    pub advance: Option<telnyx_emulator::Advance>,

    /// Output format.
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Table, global = true)]
    pub output: OutputFormat,

    /// Write the output to FILE instead of stdout (atomically: a temp file renamed on success).
    #[arg(long, global = true, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Lists: stop after N items (default: the first page, 20 items).
    #[arg(long, global = true, value_name = "N", conflicts_with = "all")]
    pub limit: Option<u64>,

    /// Lists: fetch every page.
    #[arg(long, global = true)]
    pub all: bool,

    /// Per-attempt request timeout: 30, 30s, 500ms or 2m.
    #[arg(long, global = true, value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,

    /// Retries after a failed attempt (connection errors, 408/409/429/5xx).
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,

    /// Disable colors (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Print each HTTP attempt on stderr: method, URL, status, attempt, time (never the key).
    /// RUST_LOG (e.g. RUST_LOG=telnyx=debug) shows the SDK's tracing spans too.
    #[arg(long, global = true)]
    pub debug: bool,
}

/// `--output` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for humans.
    Table,
    /// Pretty JSON (an object, or an array for lists).
    Json,
    /// One JSON object per line (streaming).
    Jsonl,
    /// CSV with a header row; nested fields flattened as `a.b` columns.
    Csv,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the account balance and credit.
    Balance,
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
    Overview,
    /// Run the local emulator server until Ctrl-C.
    Emulator(EmulatorArgs),
    /// Print a shell completion script.
    ///
    /// bash: `telnyx completions bash > ~/.local/share/bash-completion/completions/telnyx`;
    /// zsh: `telnyx completions zsh > ~/.zfunc/_telnyx` (with `~/.zfunc` in `fpath`);
    /// fish: `telnyx completions fish > ~/.config/fish/completions/telnyx.fish`;
    /// PowerShell: `telnyx completions powershell >> $PROFILE`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    ///
    /// Read it with `telnyx man | man -l -`; install it with
    /// `telnyx man > ~/.local/share/man/man1/telnyx.1`. `telnyx man charges summary` prints the
    /// page of one command.
    Man {
        /// A command (and subcommand) to print the page of, e.g. `charges summary`.
        command: Vec<String>,
    },
    /// Webhooks: verify a signature, or receive and verify webhooks locally (no API key needed).
    #[command(subcommand)]
    Webhooks(crate::commands::webhooks::WebhooksCommand),
    /// Usage at scale: export detail records to a dataset, cost reports, reconciliation.
    #[command(subcommand)]
    Usage(UsageCommand),
    /// Serve billing tools to AI agents over MCP (stdio, or --http): read-only by default.
    ///
    /// Host configuration: command `telnyx`, args `["mcp"]` (with TELNYX_API_KEY in its
    /// environment), or `["mcp", "--emulator"]` to try it offline.
    Mcp(McpArgs),
}

/// `telnyx mcp` options.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Serve streamable HTTP at ADDR (e.g. 127.0.0.1:8765, endpoint /mcp) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<std::net::SocketAddr>,
    /// With --http: require `Authorization: Bearer TOKEN` on every request.
    #[arg(
        long,
        env = "TELNYX_MCP_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub bearer_token: Option<String>,
    /// With --http: also accept requests from this browser Origin (repeatable), e.g. http://localhost:6274.
    #[arg(long, value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// With --http: also accept this Host header value (repeatable); loopback names are always accepted.
    #[arg(long, value_name = "HOST")]
    pub allow_host: Vec<String>,
    /// List and run update_auto_recharge_prefs.
    #[arg(long)]
    pub allow_writes: bool,
    /// List and run create_stored_payment_transaction (dry run unless the agent sends dry_run: false).
    #[arg(long)]
    pub allow_payments: bool,
    /// The largest single payment allowed, in USD.
    #[arg(long, value_name = "AMOUNT", default_value = "100.00", value_parser = parse_amount)]
    pub max_payment_amount: rust_decimal::Decimal,
}

fn parse_amount(text: &str) -> Result<rust_decimal::Decimal, String> {
    match text.trim().parse::<rust_decimal::Decimal>() {
        Ok(v) if v > rust_decimal::Decimal::ZERO => Ok(v),
        _ => Err(format!(
            "{text:?} is not a positive amount: write e.g. 100.00"
        )),
    }
}

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

/// `telnyx detail-records ...`
#[derive(Debug, Subcommand)]
pub enum DetailRecordsCommand {
    /// Search detail records.
    List {
        /// Record type: messaging, amd, conference, verify, wireless, media_storage, ...
        #[arg(long = "type", value_name = "TYPE")]
        record_type: String,
        /// yesterday, today, last_week, this_month, last_N_days, ...
        #[arg(long)]
        date_range: Option<String>,
        /// Field filter, repeatable: 'cld[contains]=456', 'direction=inbound', 'created_at[gte]=2025-05-01'.
        #[arg(long = "filter", value_name = "FIELD[OP]=VALUE")]
        filters: Vec<String>,
        /// Sort fields, repeatable or comma separated; '-' for descending: -created_at.
        #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
        sort: Vec<String>,
    },
}

/// `telnyx usage ...`
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Export detail records incrementally into DIR/record_type=<type>/date=<YYYY-MM-DD>/part-<n>.<ext>.
    Export {
        /// Dataset directory (new, empty, or an earlier export: a rerun adds only newer records).
        #[arg(long)]
        dir: PathBuf,
        /// Record types, comma separated or repeated, or all (default).
        #[arg(long = "type", value_name = "TYPE")]
        types: Vec<String>,
        /// Only records at or after this time (RFC 3339 or YYYY-MM-DD), for the first export.
        #[arg(long, value_parser = parse_datetime)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Only records before this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_parser = parse_datetime)]
        until: Option<chrono::DateTime<chrono::Utc>>,
        /// File format.
        #[arg(long, value_enum, default_value = "parquet")]
        format: crate::commands::usage::files::Format,
    },
    /// Quantity and cost per group, from the API or an exported dataset (--from).
    Report {
        /// Record types, comma separated or repeated, or all (default).
        #[arg(long = "type", value_name = "TYPE")]
        types: Vec<String>,
        /// Only records at or after this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_parser = parse_datetime)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Only records before this time (RFC 3339 or YYYY-MM-DD).
        #[arg(long, value_parser = parse_datetime)]
        until: Option<chrono::DateTime<chrono::Utc>>,
        /// Group by, repeatable: type, day, month, number, direction, status.
        #[arg(long, value_enum)]
        by: Vec<crate::commands::usage::report::GroupBy>,
        /// Read this dataset instead of the API.
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Compare a month's usage cost per product with the charges summary and the invoice; exit 1 when they differ.
    Reconcile {
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
    },
}

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
        wait: crate::commands::webhook_deliveries::WaitArgs,
    },
}

/// `ach|credit_paypal`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PreferenceArg {
    /// Bank account.
    #[value(name = "ach")]
    Ach,
    /// Credit card or PayPal.
    #[value(name = "credit_paypal")]
    CreditPaypal,
}

/// `telnyx auto-recharge ...`
#[derive(Debug, Subcommand)]
pub enum AutoRechargeCommand {
    /// Show the auto recharge preferences.
    Show,
    /// Change some preferences (only the given ones are sent).
    Set {
        /// Turn auto recharge on or off.
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        enabled: Option<bool>,
        /// Recharge when the balance falls below this amount, e.g. 50.00.
        #[arg(long)]
        threshold: Option<String>,
        /// Amount to recharge, e.g. 100.00.
        #[arg(long)]
        amount: Option<String>,
        /// Payment method.
        #[arg(long, value_enum)]
        preference: Option<PreferenceArg>,
        /// Pay recharges by invoice.
        #[arg(long, action = clap::ArgAction::Set, value_name = "true|false")]
        invoice_enabled: Option<bool>,
    },
}

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

/// `telnyx tags ...`
#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// List tags.
    List {
        /// Only tags starting with this prefix.
        #[arg(long)]
        prefix: Option<String>,
    },
}

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

/// Parses `messaging=500/day` (or `messaging=500`).
pub fn parse_rate(s: &str) -> Result<(String, u32), String> {
    let (name, rate) = s
        .split_once('=')
        .ok_or_else(|| format!("expected TYPE=N/day like 'messaging=500/day', got '{s}'"))?;
    let n = rate.trim().strip_suffix("/day").unwrap_or(rate.trim());
    let n = n.parse::<u32>().map_err(|_| {
        format!("expected a whole number of records per day in '{s}', e.g. 'messaging=500/day'")
    })?;
    Ok((name.trim().to_string(), n))
}

/// Parses `30`, `30s`, `500ms`, `2m` into a duration.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let value: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (try 30, 30s, 500ms or 2m)"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("unknown unit {unit:?} in {s:?} (use ms, s or m)")),
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(format!("{s:?} is out of range (more than 0, at most 24h)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parses an RFC 3339 timestamp or a `YYYY-MM-DD` date (midnight UTC).
pub fn parse_datetime(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    Err(format!(
        "{s:?} is not a time: use RFC 3339 (2025-05-01T12:00:00Z) or a date (2025-05-01)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
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
