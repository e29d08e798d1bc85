//! The accounts list (`/console`) and an account's home (`/console/accounts/{hash}`): figures
//! from the same domain functions as the API, charts from the ledger's day totals.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use chrono::{Days, Utc};
use maud::{html, Markup};
use rust_decimal::Decimal;

use super::form::{error_box, invalid_attr, FormError};
use super::view::{live_page, mask_key, time, Amount, Day, SignedUsd, Usd};
use super::{chart, html_response, Found};
use crate::domain::forecast::{self, Fires};
use crate::ledger::{Entry, EntryKind, EntryRef};
use crate::model::{AccountData, SEEDED_TYPES};
use crate::query::Params;
use crate::state::App;
use crate::util::month_start;

/// Chart periods the home page offers, in days.
pub const PERIODS: [u64; 3] = [30, 90, 365];

/// `GET /console`: every account the emulator holds.
pub async fn list(State(app): State<Arc<App>>) -> Response {
    html_response(axum::http::StatusCode::OK, accounts_page(&app))
}

/// The accounts list page.
pub fn accounts_page(app: &App) -> Markup {
    let accounts = app.store.accounts();
    super::view::page(
        "Accounts",
        html! {
            nav aria-label="Console" { a href="/console" aria-current="page" { "All accounts" } " · " a href="/console/faults" { "Fault rules" } }
            h1 { "Accounts" }
            p.clocks {
                "Wall clock (ISO 8601, UTC): " (time(Utc::now().trunc_subsecs_secs()))
            }
            @if accounts.is_empty() {
                p #no-accounts {
                    "No account yet. Every API key is its own account: make any API call, e.g. "
                    code { "curl -H 'Authorization: Bearer KEY_test' " (app.origin) "/v2/balance" }
                    ", and it appears here."
                }
            } @else {
                table #accounts {
                    caption { "Accounts held by this emulator (" (accounts.len()) ")" }
                    thead { tr {
                        th scope="col" { "Key" }
                        th scope="col" { "Balance" }
                        th scope="col" { "Virtual clock (ISO 8601, UTC)" }
                    } }
                    tbody {
                        @for (key, acct) in &accounts {
                            @let d = acct.read();
                            tr data-account=(acct.key_hash) {
                                th scope="row" { a href=(format!("/console/accounts/{}", acct.key_hash)) { (mask_key(key)) } }
                                td.num data-amount=(Amount(d.ledger.balance())) { (Usd(d.ledger.balance()).figure()) }
                                td { (time(d.now)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

trait TruncSecs {
    fn trunc_subsecs_secs(self) -> Self;
}

impl TruncSecs for chrono::DateTime<Utc> {
    fn trunc_subsecs_secs(self) -> Self {
        chrono::SubsecRound::trunc_subsecs(self, 0)
    }
}

/// `GET /console/accounts/{hash}?days=30|90|365`.
pub async fn home(
    State(app): State<Arc<App>>,
    Found { key, acct, .. }: Found,
    RawQuery(q): RawQuery,
) -> Response {
    let days = Params::parse(q.as_deref())
        .ok()
        .and_then(|p| p.get("days").and_then(|d| d.parse::<u64>().ok()))
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(PERIODS[0]);
    let d = acct.read();
    html_response(
        axum::http::StatusCode::OK,
        home_page(&app, &key, &d, days, None),
    )
}

/// The figures of the balance block, as `GET /balance` answers them.
fn balance_block(d: &AccountData) -> Markup {
    let b = crate::domain::balance::balance_json(d);
    let field = |name: &str| b[name].as_str().unwrap_or("").to_string();
    html! {
        dl.figures #balance data-live="balance" {
            @for (name, label) in [("balance", "Balance"), ("available_credit", "Available credit"), ("pending", "Pending"), ("credit_limit", "Credit limit")] {
                div {
                    dt { (label) }
                    dd data-field=(name) data-amount=(field(name)) { (field(name)) " USD" }
                }
            }
        }
    }
}

/// Charges net of adjustments (usage, MRC, OTC, adjustments), from the day totals of
/// `[from, to)`: what `GET /charges_summary` totals (`grand_total`) for the same range.
fn charges_between(d: &AccountData, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Decimal {
    -d.ledger
        .days_between(from, to)
        .iter()
        .map(|day| {
            day.kind(EntryKind::Usage)
                + day.kind(EntryKind::Mrc)
                + day.kind(EntryKind::Otc)
                + day.kind(EntryKind::Adjustment)
        })
        .sum::<Decimal>()
}

/// When the next auto-recharge would fire at the current traffic, and what the estimate rests
/// on (`domain::forecast`).
fn next_recharge(d: &AccountData) -> Markup {
    let f = forecast::next_recharge(d);
    let today = d.today();
    html! {
        @match f.fires {
            Fires::Off => {}
            Fires::Due => { "The balance is below the threshold: the next advance recharges." }
            Fires::On(_) | Fires::NotSoon => {
                "At the current traffic ("
                @if f.rates.is_empty() { "none set" }
                @for (i, (name, rate, cost)) in f.rates.iter().enumerate() {
                    @if i > 0 { ", " }
                    (name) " " (rate) " a day"
                    @match cost {
                        Some(c) => { " at about " (Amount(c.round_dp(6))) " USD a record" }
                        None => { " (no record yet to price it)" }
                    }
                }
                "), usage costs about " span #usage-per-day data-amount=(Amount(f.usage_per_day)) { (Usd(f.usage_per_day.round_dp(4))) } " a day"
                @if !f.monthly.is_zero() {
                    ", and the numbers' monthly charges " (Usd(f.monthly)) " on each 1st"
                }
                @if let Fires::On(day) = f.fires {
                    ": the next recharge fires around " time #next-recharge datetime=(Day(day)) { (Day(day)) } " (in " ((day - today).num_days()) " days)."
                } @else {
                    ": no recharge is due within " (forecast::HORIZON_MONTHS / 12) " years."
                }
            }
        }
    }
}

/// `GET /console/accounts/{hash}/invoices/{id}`: one invoice with its lines.
pub async fn invoice(
    Found { hash, key, acct }: Found,
    Path((_, id)): Path<(String, String)>,
) -> Response {
    let d = acct.read();
    let Some(inv) = d.invoices.iter().find(|i| i.id == id) else {
        return super::message_page(
            axum::http::StatusCode::NOT_FOUND,
            "No such invoice",
            "This account has no invoice with that id.",
        );
    };
    let base = format!("/console/accounts/{hash}");
    html_response(
        axum::http::StatusCode::OK,
        super::view::page(
            &format!(
                "Invoice {} of {}",
                inv.period_start.format("%Y-%m"),
                mask_key(&key)
            ),
            html! {
                nav aria-label="Account" { a href="/console" { "All accounts" } " · " a href=(base) { "Home" } }
                h1 { "Invoice " (inv.period_start) " to " (inv.period_end) }
                p {
                    "Total " strong #invoice-total data-amount=(Amount(inv.total)) { (Usd(inv.total)) }
                    " · " @if inv.paid { "paid" } @else { "unpaid" } " · "
                    a href=(format!("/_emulator/files/invoices/{}/{}.pdf", d.key_hash, inv.id)) { "PDF" }
                }
                (invoice_lines(&d, inv))
            },
        ),
    )
}

/// An invoice's lines as the ledger derives them: the charges summary of its month (the same
/// function as `GET /charges_summary`), one row per line.
fn invoice_lines(d: &AccountData, inv: &crate::model::Invoice) -> Markup {
    let end = inv.period_end.succ_opt().unwrap_or(inv.period_end);
    let (summary, _) = crate::domain::charges::compute_summary(d, inv.period_start, end);
    let dec = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| s.parse::<Decimal>().ok())
            .unwrap_or_default()
    };
    let lines: Vec<(String, Decimal)> = summary["summary"]["lines"]
        .as_array()
        .map(|ls| {
            ls.iter()
                .map(|l| {
                    let amount = match l["type"].as_str() {
                        Some("comparative") => ["new_this_month", "existing_this_month"]
                            .iter()
                            .map(|k| dec(&l[*k]["mrc"]) + dec(&l[*k]["otc"]))
                            .sum(),
                        _ => dec(&l["amount"]),
                    };
                    (l["name"].as_str().unwrap_or("").to_string(), amount)
                })
                .collect()
        })
        .unwrap_or_default();
    let credits = dec(&summary["total"]["credits"]);
    html! {
        div.lines {
            table #invoice-lines {
                caption { "Lines of " (inv.period_start.format("%Y-%m")) " (the charges summary of the month)" }
                thead { tr { th scope="col" { "Line" } th scope="col" { "Amount" } } }
                tbody {
                    @for (name, amount) in &lines { tr { th scope="row" { (name) } td.num data-amount=(Amount(*amount)) { (Usd(*amount).figure()) } } }
                    @if !credits.is_zero() { tr { th scope="row" { "Adjustments" } td.num data-amount=(Amount(credits)) { (Usd(credits).figure()) } } }
                }
            }
        }
    }
}

/// What a ledger entry is, in words.
pub fn describe(d: &AccountData, e: &Entry) -> String {
    match e.reference {
        EntryRef::Record { ty, .. } => {
            let t = SEEDED_TYPES
                .get(usize::from(ty))
                .map(|t| t.filter)
                .unwrap_or("usage");
            format!("{t} usage")
        }
        EntryRef::Service { number, .. } => {
            let tn = d
                .numbers
                .get(usize::from(number))
                .map(|n| n.tn.as_str())
                .unwrap_or("");
            match e.kind {
                EntryKind::Otc => format!("activation of {tn}"),
                _ => format!("monthly charge of {tn}"),
            }
        }
        EntryRef::Transaction(_) if e.kind == EntryKind::AutoRecharge => "auto-recharge".into(),
        EntryRef::Transaction(_) => "payment".into(),
        EntryRef::Adjustment(i) => d
            .adjustments
            .get(i as usize)
            .map(|a| a.description.to_string())
            .unwrap_or_else(|| "adjustment".into()),
    }
}

/// An entry kind's name as the ledger page shows it.
pub fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Usage => "usage",
        EntryKind::Mrc => "mrc",
        EntryKind::Otc => "otc",
        EntryKind::Payment => "payment",
        EntryKind::AutoRecharge => "auto_recharge",
        EntryKind::Adjustment => "adjustment",
    }
}

/// The account home page; `error` re-renders a refused form with its field named.
pub fn home_page(
    app: &App,
    key: &str,
    d: &AccountData,
    days: u64,
    error: Option<&FormError>,
) -> Markup {
    let base = format!("/console/accounts/{}", d.key_hash);
    let today = d.today();
    let this_month = month_start(today);
    let last_month = month_start(this_month - Days::new(1));
    let mtd = charges_between(d, this_month, today + Days::new(1));
    let last = charges_between(d, last_month, this_month);
    let spend = chart::spend_days(&d.ledger, today, days);
    let latest: Vec<&Entry> = d.ledger.entries().iter().rev().take(10).collect();
    let prefs = &d.prefs;
    live_page(
        &format!("Account {}", mask_key(key)),
        Some(&super::live::events_url(app, d)),
        html! {
            nav aria-label="Account" {
                a href="/console" { "All accounts" } " · "
                a href=(base) aria-current="page" { "Home" } " · "
                a href=(format!("{base}/ledger")) { "Ledger" } " · "
                a href=(format!("{base}/webhooks")) { "Webhooks" } " · "
                a href=(format!("{base}/records")) { "Detail records" }
            }
            h1 { "Account " span.key { (mask_key(key)) } }
            @if let Some(e) = error {
                (error_box(e))
            }
            p.clocks data-live="clock" {
                "Virtual clock (ISO 8601, UTC): " span #virtual-clock { (time(d.now)) }
                " · Wall clock (ISO 8601, UTC): " (time(Utc::now().trunc_subsecs_secs()))
            }
            section aria-labelledby="h-balance" {
                h2 #h-balance { "Balance" }
                (balance_block(d))
                dl.figures #month data-live="month" {
                    div { dt { "Charges this month to date (net of adjustments)" } dd data-field="month_to_date" data-amount=(Amount(mtd)) { (Usd(mtd)) } }
                    div { dt { "Charges last month (" (last_month.format("%Y-%m")) ")" } dd data-field="last_month" data-amount=(Amount(last)) { (Usd(last)) } }
                }
                p #auto-recharge {
                    "Auto-recharge: "
                    @if prefs.enabled {
                        "on; when the balance falls below " (crate::util::cents_str(prefs.threshold_cents)) " USD, "
                        (crate::util::cents_str(prefs.recharge_cents)) " USD is charged. "
                        (next_recharge(d))
                    } @else { "off." }
                }
            }
            section aria-labelledby="h-spend" data-live="spend" {
                h2 #h-spend { "Spend per day by product" }
                p.periods {
                    "Period: "
                    @for p in PERIODS {
                        @if p == days { strong aria-current="true" { (p) " days" } } @else { a href=(format!("{base}?days={p}")) { (p) " days" } }
                        " "
                    }
                }
                (chart::spend_chart("spend", &format!("Spend per day by product, {} days to {today}", days), &spend))
            }
            section aria-labelledby="h-controls" {
                h2 #h-controls { "Controls" }
                (control_forms(&base, d, error))
            }
            section aria-labelledby="h-invoices" data-live="invoices" {
                h2 #h-invoices { "Invoices" }
                @if d.invoices.is_empty() {
                    p { "No invoice yet: one closes at each month's end (advance the clock past it)." }
                } @else {
                    table #invoices {
                        caption { "Invoices, newest first (" (d.invoices.len()) ")" }
                        thead { tr { th scope="col" { "Period" } th scope="col" { "Total" } th scope="col" { "Status" } th scope="col" { "PDF" } } }
                        tbody {
                            @for inv in d.invoices.iter().rev() {
                                tr data-invoice=(inv.id) {
                                    th scope="row" {
                                        a href=(format!("{base}/invoices/{}", inv.id)) { (inv.period_start) " to " (inv.period_end) }
                                    }
                                    td.num data-amount=(Amount(inv.total)) { (Usd(inv.total).figure()) }
                                    td { @if inv.paid { "paid" } @else { "unpaid" } }
                                    td { a href=(format!("{}/_emulator/files/invoices/{}/{}.pdf", app.origin, d.key_hash, inv.id)) { "PDF" span.visually-hidden { " of " (inv.period_start) } } }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="h-events" data-live="events" {
                h2 #h-events { "Latest events" }
                (latest_events(&base, d))
            }
            section aria-labelledby="h-latest" data-live="latest" {
                h2 #h-latest { "Latest ledger entries" }
                table #latest {
                    caption { "The last " (latest.len()) " movements of money, newest first" }
                    thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "What" } th scope="col" { "Amount" } } }
                    tbody {
                        @for e in &latest {
                            tr { td { (time(e.at)) } td { (kind_name(e.kind)) ": " (describe(d, e)) } td.num data-amount=(Amount(e.amount)) { (SignedUsd(e.amount).figure()) } }
                        }
                    }
                }
            }
        },
    )
}

/// Events shown on the home page.
const EVENTS: usize = 5;

/// The account's newest events as its webhooks carry them (the live deliveries, then the
/// seeded history; both kept in time order, so this reads `EVENTS` of them).
fn latest_events(base: &str, d: &AccountData) -> Markup {
    let latest: Vec<&crate::model::Webhook> = d
        .webhook
        .live
        .iter()
        .rev()
        .chain(d.webhooks.iter())
        .take(EVENTS)
        .collect();
    html! {
        @if latest.is_empty() {
            p { "No event yet: events are sent to the webhook endpoint as the account moves (set one on the " a href=(format!("{base}/webhooks")) { "Webhooks" } " page)." }
        } @else {
            table #events {
                caption { "The last " (latest.len()) " events, newest first, as the webhook endpoint received them (" a href=(format!("{base}/webhooks")) { "every delivery and its attempts" } ")" }
                thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "Event" } th scope="col" { "Delivery" } } }
                tbody {
                    @for w in &latest {
                        tr data-event=(w.event_type) { td { (time(w.started_at)) } td { code { (w.event_type) } } td { (w.status) } }
                    }
                }
            }
        }
    }
}

/// The control forms of the account home.
fn control_forms(base: &str, d: &AccountData, error: Option<&FormError>) -> Markup {
    html! {
        div.controls {
            form.inline method="post" action=(format!("{base}/advance")) {
                fieldset {
                    legend { "Advance the clock" }
                    @for (n, label) in [(1, "Advance 1 day"), (7, "Advance 7 days"), (31, "Advance 31 days")] {
                        button type="submit" name="days" value=(n) { (label) }
                        " "
                    }
                }
            }
            form.inline method="post" action=(format!("{base}/advance")) {
                fieldset {
                    legend { "Advance to a date" }
                    label for="advance-to" { "Date (UTC midnight)" }
                    " "
                    input #advance-to type="date" name="to" required min=(d.today().succ_opt().unwrap_or(d.today()))
                        aria-invalid=[invalid_attr(error, "advance", "to")];
                    " "
                    button type="submit" { "Advance to date" }
                }
            }
            form method="post" action=(format!("{base}/traffic")) {
                fieldset {
                    legend { "Traffic (records per virtual day)" }
                    @for t in SEEDED_TYPES {
                        @let field = format!("per_day.{}", t.filter);
                        div.field {
                            label for=(format!("traffic-{}", t.filter)) { (t.filter) }
                            input id=(format!("traffic-{}", t.filter)) type="number" min="0" step="1" inputmode="numeric"
                                name=(field) value=(d.traffic.get(t.filter).copied().unwrap_or(0))
                                aria-invalid=[invalid_attr(error, "traffic", &field)];
                        }
                    }
                    button type="submit" { "Set traffic" }
                }
            }
            p { a href=(format!("{base}/reset")) { "Reset this account…" } " (asks for confirmation)" }
        }
    }
}
