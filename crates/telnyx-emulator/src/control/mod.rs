//! The control API under `/_emulator/` (no auth): health, reset, seed, faults, request log,
//! and each account's virtual clock and traffic.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use serde_json::{json, Map, Value};

use crate::config::{EmulatorError, SeedRequest};
use crate::domain::clock::{AdvanceTo, MAX_ADVANCE_DAYS};
use crate::domain::StoreError;
use crate::error::ApiError;
use crate::query::Params;
use crate::response::{json_response, parse_object, read_body};
use crate::state::{App, FaultRule, REQUEST_LOG_CAPACITY};

pub mod client;
mod webhooks;

/// The `/_emulator` routes.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/_emulator/health", get(health))
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/seed", post(seed))
        .route(
            "/_emulator/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_emulator/requests", get(requests).delete(clear_requests))
        .route("/_emulator/clock", get(clock))
        .route("/_emulator/ledger", get(ledger))
        .route("/_emulator/transactions", get(transactions))
        .route("/_emulator/clock/advance", post(advance))
        .route("/_emulator/traffic", put(traffic))
        .merge(webhooks::router())
}

pub(super) fn ok(v: Value) -> Response {
    json_response(StatusCode::OK, &v)
}

fn invalid(detail: impl Into<String>, pointer: &str) -> ApiError {
    ApiError::unprocessable("10015", "Invalid control request", detail, pointer)
}

async fn health(State(app): State<Arc<App>>) -> Response {
    ok(json!({ "status": "ok", "accounts": app.store.len() }))
}

async fn reset(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let m = parse_object(&read_body(body).await?)?;
    let key = match m.get("api_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid("api_key must be a string.", "/api_key")),
    };
    let n = app
        .store
        .reset(key.as_deref())
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let hash = key.as_deref().map(crate::util::key_hash);
    app.deliveries.reset_stats(hash.as_deref());
    Ok(ok(
        json!({ "reset": if key.is_some() { "account" } else { "all" }, "accounts_removed": n }),
    ))
}

async fn seed(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let m = parse_object(&read_body(body).await?)?;
    let key = match m.get("api_key") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => {
            return Err(invalid(
                "api_key (a non-empty string) is required.",
                "/api_key",
            ))
        }
    };
    let mut obj = m.clone();
    obj.remove("api_key");
    let req: SeedRequest = serde_json::from_value(Value::Object(obj))
        .map_err(|e| invalid(format!("Invalid seed request: {e}."), "/"))?;
    let app2 = app.clone();
    let report = tokio::task::spawn_blocking(move || app2.store.reseed(&key, req))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| match e {
            EmulatorError::InvalidArgument(d) => invalid(d, "/"),
            other => ApiError::internal(other.to_string()),
        })?;
    Ok(ok(serde_json::to_value(report).unwrap_or(Value::Null)))
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    let f = app.faults.lock().unwrap_or_else(|e| e.into_inner()).clone();
    ok(json!({ "data": f }))
}

async fn add_fault(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let m = parse_object(&read_body(body).await?)?;
    let rule: FaultRule = serde_json::from_value(Value::Object(m))
        .map_err(|e| invalid(format!("Invalid fault rule: {e}."), "/"))?;
    if let Err(StoreError::Invalid { field, detail }) = crate::state::check_fault(&rule) {
        let pointer = if field.is_empty() {
            "/".to_string()
        } else {
            format!("/{field}")
        };
        return Err(invalid(detail, &pointer));
    }
    let rule = app.add_fault(rule);
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "id": rule.id, "rule": rule }),
    ))
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    ok(json!({ "cleared": app.clear_faults() }))
}

async fn requests(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let limit = match p.get_nonempty("limit") {
        None => 100,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=REQUEST_LOG_CAPACITY).contains(n))
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "limit",
                    format!("limit must be between 1 and {REQUEST_LOG_CAPACITY}."),
                )
            })?,
    };
    Ok(ok(json!({ "data": app.recent(limit) })))
}

async fn clear_requests(State(app): State<Arc<App>>) -> Response {
    app.clear_log();
    ok(json!({ "cleared": true }))
}

/// The `api_key` member of a control body.
pub(super) fn body_key(m: &Map<String, Value>) -> Result<String, StoreError> {
    match m.get("api_key") {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(StoreError::invalid(
            "api_key",
            "api_key (a non-empty string) is required.",
        )),
    }
}

/// Parses `{"days": N}` or `{"to": RFC3339}` (exactly one).
fn advance_target(m: &Map<String, Value>) -> Result<AdvanceTo, StoreError> {
    match (m.get("days"), m.get("to")) {
        (Some(d), None) => d.as_i64().map(AdvanceTo::Days).ok_or_else(|| {
            StoreError::invalid(
                "days",
                format!("days must be an integer between 0 and {MAX_ADVANCE_DAYS}; got {d}."),
            )
        }),
        (None, Some(t)) => t
            .as_str()
            .and_then(crate::util::parse_time)
            .map(AdvanceTo::At)
            .ok_or_else(|| {
                StoreError::invalid(
                    "to",
                    format!("to must be an RFC 3339 time like \"2027-01-01T00:00:00Z\"; got {t}."),
                )
            }),
        _ => Err(StoreError::invalid(
            "days",
            "Give exactly one of days (an integer) or to (an RFC 3339 time).",
        )),
    }
}

/// `POST /_emulator/clock/advance` `{"api_key": "K", "days": 31}` or `{"api_key": "K", "to": "..."}`.
async fn advance(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let m = parse_object(&read_body(body).await?)?;
    let (key, to) = (body_key(&m)?, advance_target(&m)?);
    let acct = app.control_account(&key)?;
    let report = tokio::task::spawn_blocking(move || app.advance(&acct, to))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok(ok(serde_json::to_value(report).unwrap_or(Value::Null)))
}

/// `GET /_emulator/clock?api_key=K`: `{"now": ...}`.
async fn clock(State(app): State<Arc<App>>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let acct = app.control_account(p.get("api_key").unwrap_or(""))?;
    let now = crate::util::ts(acct.read().now);
    Ok(ok(json!({ "now": now })))
}

/// `GET /_emulator/ledger?api_key=K`: the ledger's totals by kind and the balance they make.
async fn ledger(State(app): State<Arc<App>>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let acct = app.control_account(p.get("api_key").unwrap_or(""))?;
    let body = crate::domain::balance::ledger_json(&acct.read());
    Ok(ok(body))
}

/// `GET /_emulator/transactions?api_key=K`: every stored payment transaction, auto-recharges
/// (`"auto_recharge": true`) included, oldest first.
async fn transactions(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let acct = app.control_account(p.get("api_key").unwrap_or(""))?;
    let data = acct.read().transactions.clone();
    Ok(ok(json!({ "data": data })))
}

/// `PUT /_emulator/traffic` `{"api_key": "K", "per_day": {"messaging": 500}}`.
async fn traffic(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let m = parse_object(&read_body(body).await?)?;
    let key = body_key(&m)?;
    let per_day = per_day(m.get("per_day"))?;
    let acct = app.control_account(&key)?;
    Ok(ok(app.store.set_traffic(&acct, &per_day)?))
}

/// The `per_day` object: record type names to integer rates (range checked by the domain).
fn per_day(v: Option<&Value>) -> Result<Vec<(String, i64)>, StoreError> {
    let Some(Value::Object(o)) = v else {
        return Err(StoreError::invalid(
            "per_day",
            "per_day must be an object of record type to records per day, e.g. {\"messaging\": 500}.",
        ));
    };
    o.iter()
        .map(|(k, v)| {
            v.as_i64().map(|n| (k.clone(), n)).ok_or_else(|| {
                StoreError::invalid(
                    &format!("per_day.{k}"),
                    format!(
                        "The rate for '{k}' must be an integer number of records per day; got {v}."
                    ),
                )
            })
        })
        .collect()
}
