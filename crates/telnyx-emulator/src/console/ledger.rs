//! The ledger page (`/console/accounts/{hash}/ledger`): what moved the balance, newest first,
//! with the balance after each row, filtered by kind and date and paged; pending ACH payments
//! apart; the balance-over-time chart; and every matching entry as CSV (`ledger.csv`).
//!
//! By default the page is a statement (`statement.rs`): usage per product per day, every other
//! entry as it is. `usage=records` lists every entry instead: the range is then a binary
//! search, and the running balance of an entry starts from the ledger's nearest checkpoint.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{Days, NaiveDate};
use maud::{html, Markup};

use super::accounts::{describe, kind_name};
use super::statement::{self, Line};
use super::view::{live_page, mask_key, time, Amount, Day, SignedUsd, Usd};
use super::{chart, html_response, Found};
use crate::ledger::{Entry, EntryKind, Ledger};
use crate::model::AccountData;
use crate::query::Params;
use crate::state::App;
use crate::util::{day_start, money};
use rust_decimal::Decimal;

/// Entries per page.
pub const PAGE_SIZE: usize = 50;

const KINDS: [EntryKind; 6] = [
    EntryKind::Usage,
    EntryKind::Mrc,
    EntryKind::Otc,
    EntryKind::Payment,
    EntryKind::AutoRecharge,
    EntryKind::Adjustment,
];

/// The ledger page's filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this kind.
    pub kind: Option<EntryKind>,
    /// From this day (inclusive).
    pub from: Option<NaiveDate>,
    /// To this day (inclusive).
    pub to: Option<NaiveDate>,
    /// Page number, from 1.
    pub page: usize,
    /// Usage one row per record (`usage=records`) instead of per product per day.
    pub per_record: bool,
}

impl Filter {
    /// Parses `kind`, `from`, `to`, `page`; the error names the field.
    pub fn parse(q: Option<&str>) -> Result<Filter, (String, String)> {
        let p = Params::parse(q).map_err(|_| {
            (
                "query".to_string(),
                "The query string is not valid.".to_string(),
            )
        })?;
        let mut f = Filter {
            page: 1,
            ..Filter::default()
        };
        if let Some(k) = p.get_nonempty("kind") {
            f.kind = Some(
                KINDS
                    .iter()
                    .copied()
                    .find(|x| kind_name(*x) == k)
                    .ok_or_else(|| {
                        let names: Vec<&str> = KINDS.iter().map(|k| kind_name(*k)).collect();
                        (
                            "kind".to_string(),
                            format!("kind must be one of {}; got {k:?}.", names.join(", ")),
                        )
                    })?,
            );
        }
        for (name, slot) in [("from", &mut f.from), ("to", &mut f.to)] {
            if let Some(v) = p.get_nonempty(name) {
                *slot = Some(crate::util::parse_date(v).ok_or_else(|| {
                    (
                        name.to_string(),
                        format!("{name} must be a date like 2026-01-31; got {v:?}."),
                    )
                })?);
            }
        }
        match p.get_nonempty("usage") {
            None | Some("day") => {}
            Some("records") => f.per_record = true,
            Some(v) => {
                return Err((
                    "usage".to_string(),
                    format!("usage must be day or records; got {v:?}."),
                ))
            }
        }
        if let Some(v) = p.get_nonempty("page") {
            f.page = v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                (
                    "page".to_string(),
                    format!("page must be a whole number from 1; got {v:?}."),
                )
            })?;
        }
        Ok(f)
    }

    fn query(&self, page: usize) -> String {
        let mut q = vec![format!("page={page}")];
        if let Some(k) = self.kind {
            q.push(format!("kind={}", kind_name(k)));
        }
        if let Some(d) = self.from {
            q.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            q.push(format!("to={d}"));
        }
        if self.per_record {
            q.push("usage=records".to_string());
        }
        q.join("&")
    }
}

/// The entries inside the filter's dates (a binary search), oldest first, and the index of the
/// first one in the whole ledger.
fn dated<'a>(l: &'a Ledger, f: &Filter) -> (&'a [Entry], usize) {
    let all = l.entries();
    let lo = f
        .from
        .map_or(0, |d| all.partition_point(|e| e.at < day_start(d)));
    let hi =
        f.to.map_or(all.len(), |d| {
            all.partition_point(|e| e.at < day_start(d + Days::new(1)))
        })
        .max(lo);
    (&all[lo..hi], lo)
}

/// The balance after each of `rows` (newest first): the first from the ledger's checkpoints,
/// each older one from the one before it minus the entries between them.
pub fn running_balances(l: &Ledger, rows: &[(usize, &Entry)]) -> Vec<Decimal> {
    let mut out: Vec<Decimal> = Vec::with_capacity(rows.len());
    let mut prev: Option<usize> = None;
    for (i, _) in rows {
        let b = match (prev, out.last()) {
            (Some(p), Some(b)) => {
                *b - l.entries()[i + 1..=p]
                    .iter()
                    .map(|e| e.amount)
                    .sum::<Decimal>()
            }
            _ => l.balance_after(*i),
        };
        out.push(b);
        prev = Some(*i);
    }
    out
}

/// The filter's entries, newest first, as (index in the ledger, entry): page `page` of them,
/// and whether there is a next page.
pub fn page_rows<'a>(l: &'a Ledger, f: &Filter) -> (Vec<(usize, &'a Entry)>, bool) {
    let (slice, lo) = dated(l, f);
    let skip = (f.page - 1).saturating_mul(PAGE_SIZE);
    let mut it = slice
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| f.kind.is_none_or(|k| e.kind == k))
        .skip(skip)
        .map(|(i, e)| (lo + i, e));
    let rows: Vec<_> = it.by_ref().take(PAGE_SIZE).collect();
    let more = it.next().is_some();
    (rows, more)
}

fn bad_filter(field: &str, msg: &str) -> Response {
    let mut r = super::message_page(
        StatusCode::BAD_REQUEST,
        "Invalid filter",
        &format!("Field {field}: {msg}"),
    );
    r.headers_mut().insert(
        "x-invalid-field",
        HeaderValue::from_str(field).unwrap_or(HeaderValue::from_static("query")),
    );
    r
}

/// `GET /console/accounts/{hash}/ledger?kind=&from=&to=&page=`.
pub async fn list(
    State(app): State<Arc<App>>,
    Found { key, acct, .. }: Found,
    RawQuery(q): RawQuery,
) -> Response {
    let f = match Filter::parse(q.as_deref()) {
        Ok(f) => f,
        Err((field, msg)) => return bad_filter(&field, &msg),
    };
    let d = acct.read();
    html_response(StatusCode::OK, ledger_page(&app, &key, &d, &f))
}

/// A row as the ledger table shows it.
struct Shown {
    when: Markup,
    kind: &'static str,
    what: String,
    amount: Decimal,
    after: Decimal,
}

/// The page's rows and whether more follow: the statement (usage per product per day) or,
/// with `usage=records`, every entry.
fn shown_rows(d: &AccountData, f: &Filter) -> (Vec<Shown>, bool) {
    let entry = |e: &Entry, after: Decimal| Shown {
        when: time(e.at),
        kind: kind_name(e.kind),
        what: describe(d, e),
        amount: e.amount,
        after,
    };
    if f.per_record {
        let (rows, more) = page_rows(&d.ledger, f);
        let balances = running_balances(&d.ledger, &rows);
        let shown = rows
            .iter()
            .zip(balances)
            .map(|((_, e), after)| entry(e, after))
            .collect();
        return (shown, more);
    }
    let skip = (f.page - 1).saturating_mul(PAGE_SIZE);
    let (rows, more) = statement::rows(&d.ledger, f.kind, f.from, f.to, skip, PAGE_SIZE);
    let shown = rows
        .into_iter()
        .map(|r| match r.line {
            Line::Usage {
                day,
                product,
                amount,
                records,
            } => Shown {
                when: html! { time datetime=(Day(day)) { (Day(day)) } " (the day)" },
                kind: kind_name(EntryKind::Usage),
                what: format!(
                    "{product} usage, {records} record{}",
                    if records == 1 { "" } else { "s" }
                ),
                amount,
                after: r.balance_after,
            },
            Line::Entry(_, e) => entry(e, r.balance_after),
        })
        .collect();
    (shown, more)
}

/// Payments made but not settled (ACH): not in the balance yet.
fn pending_table(d: &AccountData) -> Markup {
    html! {
        @if !d.pending.is_empty() {
            table #pending {
                caption { "Pending payments: not in the balance until they settle (" (d.pending.len()) ")" }
                thead { tr { th scope="col" { "Settles (UTC)" } th scope="col" { "Kind" } th scope="col" { "Amount" } } }
                tbody {
                    @for p in &d.pending {
                        tr {
                            td { (time(p.settles_at)) }
                            td { @if p.auto { "auto_recharge (ACH, pending)" } @else { "payment (ACH, pending)" } }
                            td.num data-amount=(Amount(p.amount)) { (SignedUsd(p.amount).figure()) }
                        }
                    }
                }
            }
        }
    }
}

fn ledger_page(app: &App, key: &str, d: &AccountData, f: &Filter) -> maud::Markup {
    let base = format!("/console/accounts/{}", d.key_hash);
    let (rows, more) = shown_rows(d, f);
    let csv = format!(
        "{base}/ledger.csv?{}",
        f.query(1)
            .trim_start_matches("page=1&")
            .trim_start_matches("page=1")
    );
    live_page(
        &format!("Ledger of {}", mask_key(key)),
        Some(&super::live::events_url(app, d)),
        html! {
            nav aria-label="Account" {
                a href="/console" { "All accounts" } " · "
                a href=(base) { "Home" } " · "
                a href=(format!("{base}/ledger")) aria-current="page" { "Ledger" } " · "
                a href=(format!("{base}/webhooks")) { "Webhooks" } " · "
                a href=(format!("{base}/records")) { "Detail records" }
            }
            h1 { "Ledger of " span.key { (mask_key(key)) } }
            p data-live="balance" { "Balance now: " strong #ledger-balance data-amount=(Amount(d.ledger.balance())) { (Usd(d.ledger.balance())) }
               " · opening balance " (Usd(d.ledger.opening())) " · " (d.ledger.entries().len()) " entries" }
            section aria-labelledby="h-over-time" data-live="balance-chart" {
                h2 #h-over-time { "Balance over time (90 days)" }
                (chart::balance_chart("balance-chart", &d.ledger, d.today(), 90))
            }
            form.inline method="get" action=(format!("{base}/ledger")) {
                fieldset {
                    legend { "Filter" }
                    div.field {
                        label for="kind" { "Kind" }
                        select #kind name="kind" {
                            option value="" selected[f.kind.is_none()] { "all" }
                            @for k in KINDS { option value=(kind_name(k)) selected[f.kind == Some(k)] { (kind_name(k)) } }
                        }
                    }
                    div.field { label for="from" { "From (UTC day)" } input #from type="date" name="from" value=[f.from]; }
                    div.field { label for="to" { "To (UTC day)" } input #to type="date" name="to" value=[f.to]; }
                    div.field {
                        label for="usage" { "Usage" }
                        select #usage name="usage" {
                            option value="day" selected[!f.per_record] { "per product per day" }
                            option value="records" selected[f.per_record] { "every record" }
                        }
                    }
                    button type="submit" { "Filter" }
                }
            }
            p { a href=(csv) download { "Download every matching entry (each record's usage) as CSV" } }
            div data-live="pending" { (pending_table(d)) }
            table #ledger data-live="ledger" {
                caption {
                    "Ledger, newest first, page " (f.page)
                    @if f.per_record { ": every entry" } @else { ": usage per product per day (posted at the day's end), every other entry as it is" }
                }
                thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "Kind" } th scope="col" { "What" } th scope="col" { "Amount" } th scope="col" { "Balance after" } } }
                tbody {
                    @for r in &rows {
                        tr {
                            td { (r.when) }
                            td { (r.kind) }
                            td { (r.what) }
                            td.num data-amount=(Amount(r.amount)) { (SignedUsd(r.amount).figure()) }
                            td.num data-balance=(Amount(r.after)) { (Usd(r.after).figure()) }
                        }
                    }
                }
            }
            @if rows.is_empty() { p { "No entry matches." } }
            nav.pager aria-label="Pages" {
                @if f.page > 1 { a rel="prev" href=(format!("{base}/ledger?{}", f.query(f.page - 1))) { "Newer" } }
                @if more { a rel="next" href=(format!("{base}/ledger?{}", f.query(f.page + 1))) { "Older" } }
            }
        },
    )
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `GET /console/accounts/{hash}/ledger.csv?kind=&from=&to=`: every matching entry, oldest
/// first: `at,kind,description,amount,balance_after,currency`.
pub async fn csv(Found { acct, .. }: Found, RawQuery(q): RawQuery) -> Response {
    let f = match Filter::parse(q.as_deref()) {
        Ok(f) => f,
        Err((field, msg)) => return bad_filter(&field, &msg),
    };
    let d = acct.read();
    let (slice, lo) = dated(&d.ledger, &f);
    let mut out = String::from("at,kind,description,amount,balance_after,currency\n");
    let mut running = if lo == 0 {
        d.ledger.opening()
    } else {
        d.ledger.balance_after(lo - 1)
    };
    for e in slice {
        running += e.amount;
        if f.kind.is_some_and(|k| e.kind != k) {
            continue;
        }
        out.push_str(&format!(
            "{},{},{},{},{},USD\n",
            crate::util::ts(e.at),
            kind_name(e.kind),
            csv_field(&describe(&d, e)),
            money(e.amount),
            money(running)
        ));
    }
    let mut r = Response::new(Body::from(out));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"ledger.csv\""),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_balances_agree_with_a_full_scan() {
        let d = crate::seed::test_account();
        let l = &d.ledger;
        let mut running = l.opening();
        for (i, e) in l.entries().iter().enumerate() {
            running += e.amount;
            assert_eq!(l.balance_after(i), running, "entry {i}");
        }
        assert_eq!(running, l.balance());
    }

    #[test]
    fn pages_are_newest_first_and_filtered() {
        let d = crate::seed::test_account();
        let l = &d.ledger;
        let (rows, _) = page_rows(
            l,
            &Filter {
                page: 1,
                ..Filter::default()
            },
        );
        assert_eq!(rows.first().map(|r| r.0), Some(l.entries().len() - 1));
        let f = Filter {
            kind: Some(EntryKind::Mrc),
            page: 1,
            ..Filter::default()
        };
        let (rows, _) = page_rows(l, &f);
        assert!(!rows.is_empty() && rows.iter().all(|(_, e)| e.kind == EntryKind::Mrc));
        let want: Vec<Decimal> = rows.iter().map(|(i, _)| l.balance_after(*i)).collect();
        assert_eq!(
            running_balances(l, &rows),
            want,
            "filtered rows skip entries"
        );
        let (rows, _) = page_rows(
            l,
            &Filter {
                page: 2,
                ..Filter::default()
            },
        );
        let want: Vec<Decimal> = rows.iter().map(|(i, _)| l.balance_after(*i)).collect();
        assert_eq!(running_balances(l, &rows), want);
        assert_eq!(
            Filter::parse(Some("kind=nope")).map_err(|e| e.0),
            Err("kind".into())
        );
        assert_eq!(
            Filter::parse(Some("from=x")).map_err(|e| e.0),
            Err("from".into())
        );
        assert_eq!(
            Filter::parse(Some("page=0")).map_err(|e| e.0),
            Err("page".into())
        );
    }
}
