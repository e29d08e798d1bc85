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
    /// Drawn on a terminal or with `--chart`; left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    spend_30d: Option<Section<Vec<ProductSpend>>>,
}

/// Days in the spend sparkline (today included).
const SPEND_DAYS: i64 = 30;

/// One product's (record type's) cost per day over the last [`SPEND_DAYS`] days.
#[derive(Serialize)]
struct ProductSpend {
    /// The record type, e.g. `messaging`.
    product: String,
    /// Currency of the amounts.
    currency: String,
    /// Exact total over the days.
    total: String,
    /// Exact cost per day, oldest first (today last).
    daily: Vec<String>,
    #[serde(skip)]
    daily_values: Vec<rust_decimal::Decimal>,
}

/// Cost per product, currency and day from the detail records of `[first, first + days)`.
async fn spend(
    ctx: &Ctx,
    first: chrono::NaiveDate,
    days: i64,
) -> Result<Vec<ProductSpend>, CliError> {
    use rust_decimal::Decimal;
    use std::collections::BTreeMap;
    let since = first.and_time(chrono::NaiveTime::MIN).and_utc();
    let until = since + Duration::days(days);
    let types: Vec<String> = telnyx::DetailRecordType::ALL
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let len = usize::try_from(days).unwrap_or(0);
    let mut per: BTreeMap<(String, String), Vec<Decimal>> = BTreeMap::new();
    crate::commands::usage::report::stream_api(ctx, &types, Some(since), Some(until), &mut |f| {
        let (Some(at), Some(cost)) = (f.at, f.cost) else {
            return;
        };
        let Ok(i) = usize::try_from((at.date_naive() - first).num_days()) else {
            return;
        };
        let currency = f.currency.clone().unwrap_or_else(|| "-".into());
        let row = per
            .entry((f.record_type.clone(), currency))
            .or_insert_with(|| vec![Decimal::ZERO; len]);
        if let Some(slot) = row.get_mut(i) {
            *slot += cost;
        }
    })
    .await?;
    Ok(per
        .into_iter()
        .filter(|(_, daily)| daily.iter().any(|d| !d.is_zero()))
        .map(|((product, currency), daily)| ProductSpend {
            total: daily.iter().sum::<Decimal>().normalize().to_string(),
            daily: daily.iter().map(|d| d.normalize().to_string()).collect(),
            product,
            currency,
            daily_values: daily,
        })
        .collect())
}

/// Runs `telnyx overview`: balance, month-to-date charges, last invoices, auto recharge,
/// failed webhook deliveries of the last 7 days. The balance is required; another section
/// that fails shows its error in place.
pub async fn run(args: OverviewArgs, global: GlobalArgs) -> Result<(), CliError> {
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && global.out.is_none()
        && global.output == crate::cli::OutputFormat::Table;
    let chart = args.chart || on_terminal;
    Ctx::run(global, async move |ctx| run_in(ctx, chart).await).await
}

/// `run` inside the context; `chart`: with the 30-day spend sparklines.
async fn run_in(ctx: &mut Ctx, chart: bool) -> Result<(), CliError> {
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

    let first_day = today - Duration::days(SPEND_DAYS - 1);
    let spend_30d = async {
        if chart {
            Some(spend(ctx, first_day, SPEND_DAYS).await)
        } else {
            None
        }
    };
    let (balance, summary, invoices, prefs, failed, spend_30d) = tokio::join!(
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
        spend_30d,
    );
    let overview = Overview {
        spend_30d: spend_30d.map(Section::from_result),
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

    if let Some(section) = &v.spend_30d {
        out.push('\n');
        out.push_str(&heading(st, "Spend per product (last 30 days, today last)"));
        match err_or(st, section) {
            Err(e) => out.push_str(&e),
            Ok(list) => out.push_str(&indent(&render_spend(list))),
        }
    }
    out
}

/// One line per product: name, sparkline, exact total.
fn render_spend(list: &[ProductSpend]) -> String {
    if list.is_empty() {
        return "(no usage)\n".into();
    }
    let w = list.iter().map(|p| p.product.len()).max().unwrap_or(0);
    list.iter()
        .map(|p| {
            format!(
                "{:<w$} {} {} {}\n",
                p.product,
                crate::chart::sparkline(&p.daily_values),
                p.total,
                p.currency
            )
        })
        .collect()
}
