//! `telnyx overview`: the account at a glance.

use std::future::IntoFuture;

use chrono::{Datelike, Duration, Utc};
use serde::Serialize;
use telnyx::{AutoRechargePref, Balance, ChargesSummary, Invoice, WebhookDelivery};

use crate::cli::{GlobalArgs, OverviewArgs};
use crate::columns::{cell_or_dash, Col};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_cols, render_kv, Style};

/// Invoices shown.
const LAST_INVOICES: u32 = 3;
/// Failed deliveries listed (the total is counted from the API).
const FAILED_SHOWN: u32 = 5;

/// A section of the overview: its data, or why it is unavailable.
#[derive(Serialize)]
#[serde(untagged)]
enum Section<T> {
    /// The section's data.
    Ok(T),
    /// The error's first line, shown in place of the section.
    Unavailable {
        /// What went wrong.
        error: String,
    },
}

impl<T> Section<T> {
    fn from_result<E: Into<CliError>>(r: Result<T, E>) -> Section<T> {
        match r {
            Ok(v) => Section::Ok(v),
            Err(e) => Section::Unavailable {
                error: error_line(&e.into()),
            },
        }
    }
}

/// Failed webhook deliveries of the last 7 days.
#[derive(Serialize)]
struct FailedDeliveries {
    /// Start of the window (RFC 3339).
    since: String,
    /// How many failed in the window.
    total: u64,
    /// The latest few.
    latest: Vec<WebhookDelivery>,
}

/// The whole overview (its JSON output).
#[derive(Serialize)]
struct Overview {
    balance: Balance,
    month_to_date: Section<ChargesSummary>,
    last_invoices: Section<Vec<Invoice>>,
    auto_recharge: Section<AutoRechargePref>,
    failed_webhook_deliveries_7d: Section<FailedDeliveries>,
}

/// Runs `telnyx overview`: balance, month-to-date charges, last invoices, auto recharge,
/// failed webhook deliveries of the last 7 days. The balance is required; another section
/// that fails shows its error in place.
pub async fn run(_args: OverviewArgs, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, run_in).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.client.clone();
    // With the embedded emulator "now" is the demo account's virtual clock (moved by
    // --advance); against any other server it is this machine's clock.
    let now = match &ctx.emulator {
        Some(emu) => emu
            .clock(telnyx_emulator::DEMO_API_KEY)
            .unwrap_or_else(|_| Utc::now()),
        None => Utc::now(),
    };
    let today = now.date_naive();
    let month_start = today.with_day(1).unwrap_or(today);
    let mtd_end = today.succ_opt().unwrap_or(today);
    let since = now - Duration::days(7);

    let (balance, summary, invoices, prefs, failed) = tokio::join!(
        client.balance().retrieve().into_future(),
        client
            .charges_summary()
            .retrieve(telnyx::ChargesSummaryParams::new(month_start, mtd_end))
            .into_future(),
        client
            .invoices()
            .list(
                telnyx::InvoiceListParams::default()
                    .sort(telnyx::InvoiceSort::PeriodStartDesc)
                    .page_size(LAST_INVOICES)
            )
            .into_future(),
        client.payment().auto_recharge_prefs().list().into_future(),
        client
            .webhook_deliveries()
            .list(
                telnyx::WebhookDeliveryListParams::default()
                    .status(telnyx::WebhookDeliveryStatus::Failed)
                    .started_at_gte(since)
                    .page_size(FAILED_SHOWN)
            )
            .into_future(),
    );
    let overview = Overview {
        balance: balance?,
        month_to_date: Section::from_result(summary),
        last_invoices: Section::from_result(invoices.map(|p| p.data)),
        auto_recharge: Section::from_result(prefs),
        failed_webhook_deliveries_7d: Section::from_result(failed.map(|p| FailedDeliveries {
            since: since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            total: p.total_results().unwrap_or(p.data.len() as u64),
            latest: p.data,
        })),
    };
    ctx.out.object(&overview, |st| render(st, &overview))
}

fn error_line(e: &CliError) -> String {
    e.render(false)
        .lines()
        .next()
        .unwrap_or("error")
        .trim_start_matches("error: ")
        .to_string()
}

fn heading(st: &Style, s: &str) -> String {
    format!("{}\n", st.bold(s))
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// The section's data, or its error as indented red text.
fn err_or<'v, T>(st: &Style, section: &'v Section<T>) -> Result<&'v T, String> {
    match section {
        Section::Ok(v) => Ok(v),
        Section::Unavailable { error } => Err(indent(&st.red(&format!("unavailable: {error}")))),
    }
}

fn render(st: &Style, v: &Overview) -> String {
    let mut out = String::new();
    let b = &v.balance;
    out.push_str(&heading(st, "Balance"));
    out.push_str(&indent(&render_kv(
        st,
        &[
            (
                "Balance",
                format!("{} {}", cell_or_dash(&b.balance), cell_or_dash(&b.currency)),
            ),
            ("Available credit", cell_or_dash(&b.available_credit)),
            ("Credit limit", cell_or_dash(&b.credit_limit)),
            ("Pending", cell_or_dash(&b.pending)),
        ],
    )));

    out.push('\n');
    out.push_str(&heading(st, "Month to date"));
    match err_or(st, &v.month_to_date) {
        Err(e) => out.push_str(&e),
        Ok(s) => out.push_str(&indent(&render_kv(
            st,
            &[
                (
                    "Period",
                    format!("{} .. {} (end exclusive)", s.start_date, s.end_date),
                ),
                (
                    "Grand total",
                    format!(
                        "{} {}",
                        cell_or_dash(&s.total.grand_total),
                        cell_or_dash(&s.currency)
                    ),
                ),
                (
                    "New MRC / OTC",
                    format!(
                        "{} / {}",
                        cell_or_dash(&s.total.new_mrc),
                        cell_or_dash(&s.total.new_otc)
                    ),
                ),
                ("Existing MRC", cell_or_dash(&s.total.existing_mrc)),
                ("Credits", cell_or_dash(&s.total.credits)),
            ],
        ))),
    }

    out.push('\n');
    out.push_str(&heading(st, "Last invoices"));
    match err_or(st, &v.last_invoices) {
        Err(e) => out.push_str(&e),
        Ok(list) if list.is_empty() => out.push_str("  (no invoices)\n"),
        Ok(list) => {
            let cols = [
                Col::new("PERIOD START", |i: &Invoice| cell_or_dash(&i.period_start)),
                Col::new("PERIOD END", |i: &Invoice| cell_or_dash(&i.period_end)),
                Col::new("PAID", |i: &Invoice| {
                    crate::commands::invoices::paid_word(i.paid)
                })
                .status(),
                Col::new("INVOICE ID", |i: &Invoice| cell_or_dash(&i.invoice_id)),
            ];
            out.push_str(&indent(&render_cols(st, &cols, list)));
        }
    }

    out.push('\n');
    out.push_str(&heading(st, "Auto recharge"));
    match err_or(st, &v.auto_recharge) {
        Err(e) => out.push_str(&e),
        Ok(p) => out.push_str(&indent(&crate::commands::auto_recharge::render_prefs(
            st, p,
        ))),
    }

    out.push('\n');
    out.push_str(&heading(st, "Failed webhook deliveries (last 7 days)"));
    match err_or(st, &v.failed_webhook_deliveries_7d) {
        Err(e) => out.push_str(&e),
        Ok(f) if f.total == 0 => out.push_str(&indent(&st.green("none"))),
        Ok(f) => {
            out.push_str(&indent(&st.red(&format!("{} failed", f.total))));
            let cols = [
                Col::new("STARTED AT", |w: &WebhookDelivery| {
                    cell_or_dash(&w.started_at)
                }),
                Col::new("EVENT TYPE", |w: &WebhookDelivery| {
                    cell_or_dash(&w.webhook.as_ref().and_then(|e| e.event_type.as_ref()))
                }),
                Col::new("ID", |w: &WebhookDelivery| cell_or_dash(&w.id)),
            ];
            out.push_str(&indent(&render_cols(st, &cols, &f.latest)));
            if f.total > f.latest.len() as u64 {
                out.push_str(&indent(
                    &st.dim("more: telnyx webhook-deliveries list --status failed --all"),
                ));
            }
        }
    }
    out
}
