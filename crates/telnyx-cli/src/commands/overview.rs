//! `telnyx overview`: the account at a glance.

use std::future::IntoFuture;

use chrono::{Datelike, Duration, Utc};
use serde_json::{json, Value};

use crate::commands::{d, to_json};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_kv, render_table, Style};

/// Invoices shown.
const LAST_INVOICES: u32 = 3;
/// Failed deliveries listed (the total is counted from the API).
const FAILED_SHOWN: u32 = 5;

/// Runs `telnyx overview`: balance, month-to-date charges, last invoices, auto recharge,
/// failed webhook deliveries of the last 7 days. The balance is required; another section
/// that fails shows its error in place.
pub async fn run(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.client.clone();
    let now = Utc::now();
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
    let balance = to_json(&balance?)?;
    let section =
        |r: Result<Value, CliError>| r.unwrap_or_else(|e| json!({ "error": error_line(&e) }));
    let summary = section(summary.map_err(CliError::from).and_then(|s| to_json(&s)));
    let invoices = section(
        invoices
            .map_err(CliError::from)
            .and_then(|p| to_json(&p.data)),
    );
    let prefs = section(prefs.map_err(CliError::from).and_then(|p| to_json(&p)));
    let failed = section(failed.map_err(CliError::from).and_then(|p| {
        let total = p.total_results().unwrap_or(p.data.len() as u64);
        Ok(json!({ "since": since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), "total": total, "latest": to_json(&p.data)? }))
    }));
    let v = json!({
        "balance": balance,
        "month_to_date": summary,
        "last_invoices": invoices,
        "auto_recharge": prefs,
        "failed_webhook_deliveries_7d": failed,
    });
    ctx.out.object(&v, |st| render(st, &v))
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

fn err_or<'v>(st: &Style, v: &'v Value) -> Result<&'v Value, String> {
    match v.get("error").and_then(Value::as_str) {
        Some(e) => Err(indent(&st.red(&format!("unavailable: {e}")))),
        None => Ok(v),
    }
}

fn render(st: &Style, v: &Value) -> String {
    let mut out = String::new();
    let b = &v["balance"];
    out.push_str(&heading(st, "Balance"));
    out.push_str(&indent(&render_kv(
        st,
        &[
            (
                "Balance",
                format!("{} {}", d(b, "balance"), d(b, "currency")),
            ),
            ("Available credit", d(b, "available_credit")),
            ("Credit limit", d(b, "credit_limit")),
            ("Pending", d(b, "pending")),
        ],
    )));

    let s = &v["month_to_date"];
    out.push('\n');
    out.push_str(&heading(st, "Month to date"));
    match err_or(st, s) {
        Err(e) => out.push_str(&e),
        Ok(s) => out.push_str(&indent(&render_kv(
            st,
            &[
                (
                    "Period",
                    format!(
                        "{} .. {} (end exclusive)",
                        d(s, "start_date"),
                        d(s, "end_date")
                    ),
                ),
                (
                    "Grand total",
                    format!("{} {}", d(s, "total.grand_total"), d(s, "currency")),
                ),
                (
                    "New MRC / OTC",
                    format!("{} / {}", d(s, "total.new_mrc"), d(s, "total.new_otc")),
                ),
                ("Existing MRC", d(s, "total.existing_mrc")),
                ("Credits", d(s, "total.credits")),
            ],
        ))),
    }

    out.push('\n');
    out.push_str(&heading(st, "Last invoices"));
    match err_or(st, &v["last_invoices"]) {
        Err(e) => out.push_str(&e),
        Ok(list) => {
            let rows: Vec<Vec<String>> = list
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| {
                    let paid = match i.get("paid").and_then(Value::as_bool) {
                        Some(true) => "paid",
                        Some(false) => "unpaid",
                        None => "-",
                    };
                    vec![
                        d(i, "period_start"),
                        d(i, "period_end"),
                        paid.to_string(),
                        d(i, "invoice_id"),
                    ]
                })
                .collect();
            if rows.is_empty() {
                out.push_str("  (no invoices)\n");
            } else {
                out.push_str(&indent(&render_table(
                    st,
                    &["PERIOD START", "PERIOD END", "PAID", "INVOICE ID"],
                    &rows,
                    &[false, false, true, false],
                )));
            }
        }
    }

    out.push('\n');
    out.push_str(&heading(st, "Auto recharge"));
    match err_or(st, &v["auto_recharge"]) {
        Err(e) => out.push_str(&e),
        Ok(p) => out.push_str(&indent(&crate::commands::auto_recharge::render_prefs(
            st, p,
        ))),
    }

    out.push('\n');
    out.push_str(&heading(st, "Failed webhook deliveries (last 7 days)"));
    match err_or(st, &v["failed_webhook_deliveries_7d"]) {
        Err(e) => out.push_str(&e),
        Ok(f) => {
            let total = f.get("total").and_then(Value::as_u64).unwrap_or(0);
            if total == 0 {
                out.push_str(&indent(&st.green("none")));
            } else {
                out.push_str(&indent(&st.red(&format!("{total} failed"))));
                let rows: Vec<Vec<String>> = f["latest"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|w| vec![d(w, "started_at"), d(w, "webhook.event_type"), d(w, "id")])
                    .collect();
                out.push_str(&indent(&render_table(
                    st,
                    &["STARTED AT", "EVENT TYPE", "ID"],
                    &rows,
                    &[],
                )));
                if total > rows.len() as u64 {
                    out.push_str(&indent(
                        &st.dim("more: telnyx webhook-deliveries list --status failed --all"),
                    ));
                }
            }
        }
    }
    out
}
