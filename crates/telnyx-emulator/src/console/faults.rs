//! Fault rules (`/console/faults`): the rules in force, a form to add one and a button to clear
//! them all; the same checks (`state::check_fault`) and the same `App::add_fault` and
//! `App::clear_faults` as `POST`/`DELETE /_emulator/faults`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

use super::form::{error_box, see_other, FormError, FormPairs};
use super::html_response;
use super::view::page;
use crate::domain::StoreError;
use crate::state::{check_fault, App, FaultRule};

fn faults_page(app: &App, error: Option<&FormError>) -> Markup {
    let rules = app.faults.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let invalid = |field: &str| {
        error
            .filter(|e| e.form == "faults" && e.field == field)
            .map(|_| "true")
    };
    page(
        "Fault rules",
        html! {
            nav aria-label="Console" { a href="/console" { "All accounts" } " · " a href="/console/faults" aria-current="page" { "Fault rules" } }
            h1 { "Fault rules" }
            @if let Some(e) = error { (error_box(e)) }
            p { "API requests (not the console or the control API) matching a rule get its status, headers and body, or its latency, instead of the real answer." }
            @if rules.is_empty() {
                p #no-faults { "No fault rule is in force." }
            } @else {
                table #faults {
                    caption { "Fault rules in force, in matching order" }
                    thead { tr { th scope="col" { "Id" } th scope="col" { "Method" } th scope="col" { "Path prefix" } th scope="col" { "Status" } th scope="col" { "Latency" } th scope="col" { "Left" } } }
                    tbody {
                        @for r in &rules {
                            tr data-fault=(r.id) {
                                th scope="row" { (r.id) }
                                td { (r.method.as_deref().unwrap_or("any")) }
                                td { code { (r.path_prefix) } }
                                td { (r.status.map(|s| s.to_string()).unwrap_or_else(|| "real answer".into())) }
                                td { (r.latency_ms) " ms" }
                                td { (r.remaining.map(|n| n.to_string()).unwrap_or_else(|| "unlimited".into())) }
                            }
                        }
                    }
                }
                form method="post" action="/console/faults/clear" {
                    button type="submit" { "Clear every fault rule" }
                }
            }
            form method="post" action="/console/faults" {
                fieldset {
                    legend { "Add a fault rule" }
                    div.field { label for="method" { "Method (empty: any)" } input #method name="method" placeholder="GET"; }
                    div.field { label for="path_prefix" { "Path prefix" } input #path_prefix name="path_prefix" value="/v2/balance" required; }
                    div.field { label for="status" { "Status" } input #status name="status" type="number" min="100" max="599" value="503" aria-invalid=[invalid("status")]; }
                    div.field { label for="latency_ms" { "Latency (ms)" } input #latency_ms name="latency_ms" type="number" min="0" value="0" aria-invalid=[invalid("latency_ms")]; }
                    div.field { label for="times" { "Times (empty: unlimited)" } input #times name="times" type="number" min="1" aria-invalid=[invalid("times")]; }
                    div.field { label for="retry_after" { "Retry-After header (optional)" } input #retry_after name="retry_after" aria-invalid=[invalid("headers")]; }
                    button type="submit" { "Add fault rule" }
                }
            }
        },
    )
}

/// `GET /console/faults`.
pub async fn show(State(app): State<Arc<App>>) -> Response {
    html_response(StatusCode::OK, faults_page(&app, None))
}

fn number<T: std::str::FromStr>(
    pairs: &[(String, String)],
    name: &str,
) -> Result<Option<T>, FormError> {
    match pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            FormError::new(
                "faults",
                name,
                format!("{name} must be a whole number; got {v:?}."),
            )
        }),
    }
}

/// The rule a form describes.
pub fn rule_from_form(pairs: &[(String, String)]) -> Result<FaultRule, FormError> {
    let text = |n: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut headers = std::collections::BTreeMap::new();
    if let Some(v) = text("retry_after") {
        headers.insert("Retry-After".to_string(), v);
    }
    let rule = FaultRule {
        id: 0,
        method: text("method").map(|m| m.to_ascii_uppercase()),
        path_prefix: text("path_prefix").unwrap_or_else(|| "/".into()),
        status: number(pairs, "status")?,
        headers,
        body: None,
        latency_ms: number(pairs, "latency_ms")?.unwrap_or(0),
        times: number(pairs, "times")?,
        remaining: None,
    };
    check_fault(&rule).map_err(|e| match e {
        StoreError::Invalid { field, detail } => FormError::new("faults", &field, detail),
        other => FormError::new("faults", "", other.to_string()),
    })?;
    Ok(rule)
}

/// `POST /console/faults`.
pub async fn add(State(app): State<Arc<App>>, FormPairs(pairs): FormPairs) -> Response {
    match rule_from_form(&pairs) {
        Ok(rule) => {
            app.add_fault(rule);
            see_other("/console/faults")
        }
        Err(e) => html_response(StatusCode::BAD_REQUEST, faults_page(&app, Some(&e))),
    }
}

/// `POST /console/faults/clear`.
pub async fn clear(State(app): State<Arc<App>>) -> Response {
    app.clear_faults();
    see_other("/console/faults")
}
