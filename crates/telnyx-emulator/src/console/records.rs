//! The detail records browser (`/console/accounts/{hash}/records`): the API's own query engine
//! (`GET /detail_records`'s parser, `FromParams for (DetailRecordFilter, Page)`, and
//! `domain::detail_records::list`), so every filter the API takes works here and answers the
//! same rows. The form adds one field filter as `field`, `op`, `value`, turned into
//! `filter[field][op]=value`; any other `filter[...]`, `sort` and `page[...]` pass through.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde_json::Value;

use super::form::{error_box, FormError};
use super::view::{live_page, mask_key};
use super::{html_response, Found};
use crate::domain::detail_records::{list, DetailRecordFilter};
use crate::domain::Page;
use crate::error::ErrorSource;
use crate::model::{AccountData, SEEDED_TYPES};
use crate::query::{FromParams, Params};
use crate::state::App;

/// Columns shown per record (the rest is in its detail).
const COLUMNS: usize = 6;

const OPS: [&str; 8] = [
    "eq",
    "contains",
    "starts_with",
    "ends_with",
    "gt",
    "gte",
    "lt",
    "lte",
];

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The API query the console's query means: its `field`/`op`/`value` become
/// `filter[field][op]=value`; a missing record type is `messaging`.
pub fn api_query(q: Option<&str>) -> String {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |n: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut out: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| !["field", "op", "value"].contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    if get("filter[record_type]").is_none() {
        out.push(format!("{}=messaging", enc("filter[record_type]")));
    }
    if let (Some(field), Some(value)) = (get("field"), get("value")) {
        let op = get("op").unwrap_or("eq");
        out.push(format!(
            "{}={}",
            enc(&format!("filter[{field}][{op}]")),
            enc(value)
        ));
    }
    out.join("&")
}

/// `GET /console/accounts/{hash}/records?filter[record_type]=&filter[date_range]=&field=&op=&value=&page[number]=`.
pub async fn show(
    State(app): State<Arc<App>>,
    Found { key, acct, .. }: Found,
    RawQuery(q): RawQuery,
) -> Response {
    let query = api_query(q.as_deref());
    let parsed = Params::parse(Some(&query))
        .and_then(|p| <(DetailRecordFilter, Page)>::from_params(&p).map(|f| (p, f)));
    let d = acct.read();
    match parsed {
        Ok((p, (f, page))) => {
            let (total, rows) = list(&d, &f, page);
            html_response(
                StatusCode::OK,
                records_page(&app, &key, &d, &p, Some((total, rows, page)), None),
            )
        }
        Err(e) => {
            let p = Params::parse(Some(&query)).unwrap_or_default();
            let field = match &e.source {
                Some(ErrorSource::Parameter(n)) => n.clone(),
                _ => String::new(),
            };
            let fe = FormError::new("records", &field, e.detail.clone());
            html_response(
                StatusCode::BAD_REQUEST,
                records_page(&app, &key, &d, &p, None, Some(&fe)),
            )
        }
    }
}

fn records_page(
    app: &App,
    key: &str,
    d: &AccountData,
    p: &Params,
    result: Option<(usize, Vec<Value>, Page)>,
    error: Option<&FormError>,
) -> maud::Markup {
    let base = format!("/console/accounts/{}", d.key_hash);
    let here = format!("{base}/records");
    let ty = p.get("filter[record_type]").unwrap_or("messaging");
    let range = p.get("filter[date_range]").unwrap_or("");
    let columns: Vec<&str> = crate::model::record_type(ty)
        .map(|t| t.fields.iter().take(COLUMNS).map(|f| f.0).collect())
        .unwrap_or_default();
    let link = |page: u64| {
        let kept: Vec<String> = p
            .iter()
            .filter(|(k, _)| !k.starts_with("page["))
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        format!("{here}?{}&page%5Bnumber%5D={page}", kept.join("&"))
    };
    live_page(
        &format!("Detail records of {}", mask_key(key)),
        Some(&super::live::events_url(app, d)),
        html! {
            nav aria-label="Account" {
                a href="/console" { "All accounts" } " · " a href=(base) { "Home" } " · "
                a href=(format!("{base}/ledger")) { "Ledger" } " · "
                a href=(format!("{base}/webhooks")) { "Webhooks" } " · "
                a href=(here) aria-current="page" { "Detail records" }
            }
            h1 { "Detail records of " span.key { (mask_key(key)) } }
            @if let Some(e) = error { (error_box(e)) }
            p { "The same query engine as " code { "GET /v2/detail_records" } ": any of its " code { "filter[...]" } ", " code { "sort" } " and " code { "page[...]" } " parameters work in this page's URL." }
            form method="get" action=(here) {
                fieldset {
                    legend { "Filter" }
                    div.field {
                        label for="record_type" { "Record type" }
                        select #record_type name="filter[record_type]" {
                            @for t in SEEDED_TYPES { option value=(t.filter) selected[t.filter == ty] { (t.filter) } }
                        }
                    }
                    div.field {
                        label for="date_range" { "Date range" }
                        select #date_range name="filter[date_range]" {
                            @for r in ["", "today", "yesterday", "this_week", "last_week", "this_month", "last_month", "last_30_days"] {
                                option value=(r) selected[r == range] { (if r.is_empty() { "any" } else { r }) }
                            }
                        }
                    }
                    div.field { label for="field" { "Field" } input #field name="field" list="fields" placeholder="e.g. status"; }
                    datalist #fields { @for c in crate::model::record_type(ty).map(|t| t.fields).unwrap_or_default() { option value=(c.0) {} } }
                    div.field {
                        label for="op" { "Operator" }
                        select #op name="op" { @for o in OPS { option value=(o) { (o) } } }
                    }
                    div.field { label for="value" { "Value" } input #value name="value"; }
                    button type="submit" { "Search" }
                }
            }
            @if let Some((total, rows, page)) = &result {
                table #records data-total=(total) {
                    caption { (total) " " (ty) " records, page " (page.number) }
                    thead { tr { @for c in &columns { th scope="col" { (c) } } th scope="col" { "Detail" } } }
                    tbody {
                        @for r in rows {
                            tr {
                                @for c in &columns { td { (cell(&r[*c])) } }
                                td { details { summary { "JSON" } pre { (serde_json::to_string_pretty(r).unwrap_or_default()) } } }
                            }
                        }
                    }
                }
                nav.pager aria-label="Pages" {
                    @if page.number > 1 { a rel="prev" href=(link(page.number - 1)) { "Previous" } }
                    @if page.number * page.size < *total as u64 { a rel="next" href=(link(page.number + 1)) { "Next" } }
                }
            }
        },
    )
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_the_api_query() {
        assert_eq!(api_query(None), "filter%5Brecord_type%5D=messaging");
        assert_eq!(
            api_query(Some("filter%5Brecord_type%5D=verify&field=status&op=contains&value=deliv&filter%5Bdate_range%5D=")),
            "filter%5Brecord_type%5D=verify&filter%5Bstatus%5D%5Bcontains%5D=deliv"
        );
    }
}
