//! The webhooks page (`/console/accounts/{hash}/webhooks`): the endpoint, failover URL and
//! public key; deliveries filtered by status (the API's query engine,
//! `domain::webhook_deliveries::list`) with each attempt's request headers, the body sent,
//! the response status and body, error code and duration; a redeliver button per delivery and a
//! trigger form. The forms call what the control API calls (`check_endpoint` and
//! `Store::set_webhook_endpoint`, `App::emit_event`, `App::redeliver`).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde_json::Value;

use super::form::{error_box, field, see_other, FormError, FormPairs};
use super::view::{live_page, mask_key, time};
use super::{html_response, Found};
use crate::domain::webhook_deliveries::{list, WebhookFilter};
use crate::domain::webhooks::check_endpoint;
use crate::domain::webhooks::events::KNOWN_EVENT_TYPES;
use crate::domain::{Page, StoreError};
use crate::model::AccountData;
use crate::query::Params;
use crate::state::App;

/// Deliveries per page.
const PAGE_SIZE: u64 = 20;

/// The page's query: `status` (delivered, failed) and `page`.
fn filter(q: Option<&str>) -> (WebhookFilter, u64) {
    let p = Params::parse(q).ok();
    let status = p
        .as_ref()
        .and_then(|p| p.get("status"))
        .and_then(|s| ["delivered", "failed"].into_iter().find(|x| *x == s));
    let page = p
        .as_ref()
        .and_then(|p| p.get("page"))
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| (1..=crate::domain::MAX_PAGE_NUMBER).contains(n))
        .unwrap_or(1);
    (
        WebhookFilter {
            status,
            ..WebhookFilter::default()
        },
        page,
    )
}

/// `GET /console/accounts/{hash}/webhooks?status=&page=`.
pub async fn show(
    State(app): State<Arc<App>>,
    Found { key, acct, .. }: Found,
    RawQuery(q): RawQuery,
) -> Response {
    let (f, page) = filter(q.as_deref());
    let d = acct.read();
    html_response(
        StatusCode::OK,
        webhooks_page(&app, &key, &d, &f, page, None),
    )
}

fn pretty(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string())
}

fn headers(v: &Value) -> String {
    v.as_array()
        .map(|pairs| {
            pairs
                .iter()
                .map(|p| {
                    format!(
                        "{}: {}",
                        p[0].as_str().unwrap_or(""),
                        p[1].as_str().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn duration_ms(a: &Value) -> String {
    let t = |k: &str| a[k].as_str().and_then(crate::util::parse_time);
    match (t("started_at"), t("finished_at")) {
        (Some(s), Some(f)) => format!("{} ms", (f - s).num_milliseconds()),
        _ => String::new(),
    }
}

fn attempts_table(w: &crate::model::Webhook) -> Markup {
    let attempts: Vec<Value> = serde_json::from_str(w.attempts_text()).unwrap_or_default();
    let n = attempts.len();
    html! {
        table.attempts data-attempts=(n) {
            caption { (n) " attempts, newest first" }
            thead { tr {
                th scope="col" { "#" } th scope="col" { "Status" } th scope="col" { "Request" }
                th scope="col" { "Response" } th scope="col" { "Error code" } th scope="col" { "Duration" }
            } }
            tbody {
                @for (i, a) in attempts.iter().enumerate() {
                    tr data-attempt-status=(a["status"].as_str().unwrap_or("")) {
                        th scope="row" { (n - i) }
                        td { (a["status"].as_str().unwrap_or("")) }
                        td {
                            (a["http"]["request"]["url"].as_str().unwrap_or(""))
                            pre { (headers(&a["http"]["request"]["headers"])) }
                        }
                        td {
                            @if a["http"]["response"].is_object() {
                                span data-response-status=(a["http"]["response"]["status"]) { "HTTP " (a["http"]["response"]["status"]) }
                                pre { (pretty(a["http"]["response"]["body"].as_str().unwrap_or(""))) }
                            } @else { "no response" }
                        }
                        td { (a["errors"].as_array().map(|e| e.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                        td { (duration_ms(a)) }
                    }
                }
            }
        }
    }
}

fn webhooks_page(
    app: &App,
    key: &str,
    d: &AccountData,
    f: &WebhookFilter,
    page: u64,
    error: Option<&FormError>,
) -> Markup {
    let base = format!("/console/accounts/{}", d.key_hash);
    let here = format!("{base}/webhooks");
    let endpoint = d.webhook.endpoint.as_ref();
    let public_key = app.deliveries.public_key(&d.key_hash);
    let stats = app.deliveries.stats(&d.key_hash);
    let (total, items) = list(
        d,
        f,
        Page {
            number: page,
            size: PAGE_SIZE,
        },
    );
    let status_q = f.status.map(|s| format!("status={s}&")).unwrap_or_default();
    let invalid = |field: &str| {
        error
            .filter(|e| e.form == "webhooks" && e.field == field)
            .map(|_| "true")
    };
    live_page(
        &format!("Webhooks of {}", mask_key(key)),
        Some(&super::live::events_url(app, d)),
        html! {
            nav aria-label="Account" {
                a href="/console" { "All accounts" } " · " a href=(base) { "Home" } " · "
                a href=(format!("{base}/ledger")) { "Ledger" } " · "
                a href=(here) aria-current="page" { "Webhooks" } " · "
                a href=(format!("{base}/records")) { "Detail records" }
            }
            h1 { "Webhooks of " span.key { (mask_key(key)) } }
            @if let Some(e) = error { (error_box(e)) }
            section aria-labelledby="h-endpoint" {
                h2 #h-endpoint { "Endpoint" }
                dl.figures {
                    div { dt { "URL" } dd #endpoint-url { (endpoint.map_or("none (no delivery is made)", |e| e.url.as_str())) } }
                    div { dt { "Failover URL" } dd { (endpoint.and_then(|e| e.failover_url.as_deref()).unwrap_or("none")) } }
                    div { dt { "Public key (Ed25519, base64)" } dd.key #public-key { (public_key) } }
                }
                p data-live="webhook-stats" { "Emitted " (stats.emitted) ", delivered " (stats.delivered) ", failed " (stats.failed) ", dropped " (stats.dropped) "." }
                form method="post" action=(format!("{here}/endpoint")) {
                    fieldset {
                        legend { "Set where events go (loopback unless --allow-webhook-host)" }
                        div.field { label for="url" { "URL" } input #url type="url" name="url" required value=[endpoint.map(|e| e.url.as_str())] aria-invalid=[invalid("url")]; }
                        div.field { label for="failover_url" { "Failover URL (optional)" } input #failover_url type="url" name="failover_url" value=[endpoint.and_then(|e| e.failover_url.as_deref())] aria-invalid=[invalid("failover_url")]; }
                        button type="submit" { "Save endpoint" }
                    }
                }
            }
            section aria-labelledby="h-trigger" {
                h2 #h-trigger { "Trigger an event" }
                form method="post" action=(format!("{here}/trigger")) {
                    fieldset {
                        legend { "Send one event now, signed, to the endpoint" }
                        div.field {
                            label for="event_type" { "Event type" }
                            input #event_type name="event_type" list="event-types" required value="message.finalized" aria-invalid=[invalid("event_type")];
                            datalist #event-types { @for t in KNOWN_EVENT_TYPES { option value=(t) {} } }
                        }
                        div.field {
                            label for="payload" { "Payload (JSON object; optional for the known types)" }
                            textarea #payload name="payload" rows="3" cols="50" aria-invalid=[invalid("payload")] {}
                        }
                        button type="submit" { "Trigger" }
                    }
                }
            }
            section aria-labelledby="h-deliveries" data-live="deliveries" {
                h2 #h-deliveries { "Deliveries" }
                p {
                    "Status: "
                    @for (label, q) in [("all", ""), ("delivered", "?status=delivered"), ("failed", "?status=failed")] {
                        @if f.status.unwrap_or("all") == label { strong aria-current="true" { (label) } } @else { a href=(format!("{here}{q}")) { (label) } }
                        " "
                    }
                    "(" (total) ")"
                }
                @for w in &items {
                    article.delivery data-delivery=(w.id) data-status=(w.status) {
                        h3 { (w.event_type.as_ref()) " · " (w.status) " · " (time(w.started_at)) }
                        (attempts_table(w))
                        details {
                            summary { "Body sent (webhook)" }
                            pre { (pretty(w.webhook_text())) }
                        }
                        form method="post" action=(format!("{here}/{}/redeliver", w.id)) {
                            button type="submit" { "Redeliver" span.visually-hidden { " " (w.event_type.as_ref()) " " (w.id) } }
                        }
                    }
                }
                nav.pager aria-label="Pages" {
                    @if page > 1 { a rel="prev" href=(format!("{here}?{status_q}page={}", page - 1)) { "Newer" } }
                    @if (page * PAGE_SIZE) < total as u64 { a rel="next" href=(format!("{here}?{status_q}page={}", page + 1)) { "Older" } }
                }
            }
        },
    )
}

fn refused(app: &App, key: &str, acct: &crate::store::Account, e: &FormError) -> Response {
    let d = acct.read();
    html_response(
        StatusCode::BAD_REQUEST,
        webhooks_page(app, key, &d, &WebhookFilter::default(), 1, Some(e)),
    )
}

fn store_error(e: StoreError) -> FormError {
    match e {
        StoreError::Invalid { field, detail } => FormError::new("webhooks", &field, detail),
        other => FormError::new("webhooks", "", other.to_string()),
    }
}

/// `POST /console/accounts/{hash}/webhooks/endpoint`: `url`, `failover_url`.
pub async fn set_endpoint(
    State(app): State<Arc<App>>,
    Found { hash, key, acct }: Found,
    FormPairs(pairs): FormPairs,
) -> Response {
    let get = |n: &str| field(&pairs, n);
    let Some(url) = get("url") else {
        return refused(
            &app,
            &key,
            &acct,
            &FormError::new(
                "webhooks",
                "url",
                "url is required, e.g. http://127.0.0.1:8787/webhooks.",
            ),
        );
    };
    let result = check_endpoint(
        url,
        get("failover_url"),
        &app.deliveries.options().allow_hosts,
    )
    .and_then(|e| app.store.set_webhook_endpoint(&acct, Some(e)));
    match result {
        Ok(_) => see_other(&format!("/console/accounts/{hash}/webhooks")),
        Err(e) => refused(&app, &key, &acct, &store_error(e)),
    }
}

/// `POST /console/accounts/{hash}/webhooks/trigger`: `event_type`, `payload` (optional JSON).
pub async fn trigger(
    State(app): State<Arc<App>>,
    Found { hash, key, acct }: Found,
    FormPairs(pairs): FormPairs,
) -> Response {
    let payload = match field(&pairs, "payload") {
        None => None,
        Some(p) => match serde_json::from_str::<Value>(p) {
            Ok(v @ Value::Object(_)) => Some(v),
            Ok(_) => {
                return refused(
                    &app,
                    &key,
                    &acct,
                    &FormError::new(
                        "webhooks",
                        "payload",
                        "payload must be a JSON object, e.g. {\"id\": \"abc\"}.",
                    ),
                )
            }
            Err(e) => {
                return refused(
                    &app,
                    &key,
                    &acct,
                    &FormError::new("webhooks", "payload", format!("payload is not JSON: {e}.")),
                )
            }
        },
    };
    match app.emit_event(&acct, field(&pairs, "event_type").unwrap_or(""), payload) {
        Ok(_) => see_other(&format!("/console/accounts/{hash}/webhooks")),
        Err(e) => refused(&app, &key, &acct, &store_error(e)),
    }
}

/// `POST /console/accounts/{hash}/webhooks/{id}/redeliver`.
pub async fn redeliver(
    State(app): State<Arc<App>>,
    Found { hash, key, acct }: Found,
    Path((_, id)): Path<(String, String)>,
) -> Response {
    match app.redeliver(&acct, &id.to_ascii_lowercase()) {
        Ok(_) => see_other(&format!("/console/accounts/{hash}/webhooks")),
        Err(e) => refused(&app, &key, &acct, &store_error(e)),
    }
}
