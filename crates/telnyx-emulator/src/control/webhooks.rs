//! Control endpoints of webhook delivery: the account's verification key, its endpoint,
//! emitting an event now, and redelivering a recorded delivery.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use super::{body_key, ok};
use crate::domain::webhooks::{check_endpoint, endpoint_json};
use crate::domain::StoreError;
use crate::error::ApiError;
use crate::query::Params;
use crate::response::{json_response, parse_object, read_body};
use crate::state::App;
use crate::store::Account;

/// The webhook routes of `/_emulator`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/_emulator/webhooks/public_key", get(public_key))
        .route("/_emulator/webhooks", get(show).put(set).delete(remove))
        .route("/_emulator/events", post(emit))
        .route(
            "/_emulator/webhook_deliveries/{id}/redeliver",
            post(redeliver),
        )
}

/// The account named by `?api_key=K`.
fn query_account(app: &App, q: Option<&str>) -> Result<Arc<Account>, ApiError> {
    let p = Params::parse(q)?;
    Ok(app.control_account(p.get("api_key").unwrap_or(""))?)
}

/// An optional string member (`null` is absent).
fn text<'a>(m: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, StoreError> {
    match m.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(StoreError::invalid(
            field,
            format!("{field} must be a string; got {other}."),
        )),
    }
}

/// `GET /_emulator/webhooks/public_key?api_key=K`.
async fn public_key(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let acct = query_account(&app, q.as_deref())?;
    Ok(ok(
        json!({ "public_key": app.deliveries.public_key(&acct.key_hash) }),
    ))
}

/// `GET /_emulator/webhooks?api_key=K`: the endpoint, the key, the queue and the counters.
async fn show(State(app): State<Arc<App>>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let acct = query_account(&app, q.as_deref())?;
    let pk = app.deliveries.public_key(&acct.key_hash);
    let mut v = endpoint_json(acct.read().webhook.endpoint.as_ref(), &pk);
    v["queue"] = app.deliveries.queue_json();
    v["stats"] = serde_json::to_value(app.deliveries.stats(&acct.key_hash)).unwrap_or(Value::Null);
    Ok(ok(v))
}

/// `PUT /_emulator/webhooks` `{"api_key": K, "url": U, "failover_url": F}`.
async fn set(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let m = parse_object(&read_body(body).await?)?;
    let key = body_key(&m)?;
    let url = text(&m, "url")?.ok_or_else(|| {
        StoreError::invalid(
            "url",
            "url (the webhook URL, e.g. http://127.0.0.1:8787/webhooks) is required.",
        )
    })?;
    let endpoint = check_endpoint(
        url,
        text(&m, "failover_url")?,
        &app.deliveries.options().allow_hosts,
    )?;
    let acct = app.control_account(&key)?;
    app.store
        .set_webhook_endpoint(&acct, Some(endpoint.clone()))?;
    Ok(ok(endpoint_json(
        Some(&endpoint),
        &app.deliveries.public_key(&acct.key_hash),
    )))
}

/// `DELETE /_emulator/webhooks?api_key=K` (or `{"api_key": K}`): stop delivering.
async fn remove(
    State(app): State<Arc<App>>,
    RawQuery(q): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let key = match p.get_nonempty("api_key") {
        Some(k) => k.to_string(),
        None => body_key(&parse_object(&read_body(body).await?)?)?,
    };
    let acct = app.control_account(&key)?;
    let previous = app.store.set_webhook_endpoint(&acct, None)?;
    Ok(ok(json!({ "deleted": previous.is_some() })))
}

/// `POST /_emulator/events` `{"api_key": K, "event_type": T, "payload": {...}}`: 202 with the
/// event and delivery ids.
async fn emit(State(app): State<Arc<App>>, body: Body) -> Result<Response, ApiError> {
    let m = parse_object(&read_body(body).await?)?;
    let key = body_key(&m)?;
    let event_type = text(&m, "event_type")?.ok_or_else(|| {
        StoreError::invalid(
            "event_type",
            "event_type (e.g. \"message.finalized\") is required.",
        )
    })?;
    let payload = match m.get("payload") {
        None | Some(Value::Null) => None,
        Some(p @ Value::Object(_)) => Some(p.clone()),
        Some(other) => {
            return Err(StoreError::invalid(
                "payload",
                format!("payload must be a JSON object; got {other}."),
            )
            .into())
        }
    };
    let acct = app.control_account(&key)?;
    let (data, delivery_id, url) = app.emit_event(&acct, event_type, payload)?;
    Ok(json_response(
        StatusCode::ACCEPTED,
        &json!({
            "event_id": data["id"],
            "delivery_id": delivery_id,
            "url": url,
            // The delivery is final once delivered or after this many attempts.
            "max_attempts": app.deliveries.options().retry_delays.len() + 1,
            "event": data,
        }),
    ))
}

/// `POST /_emulator/webhook_deliveries/{id}/redeliver` `{"api_key": K}`: one more attempt.
async fn redeliver(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let key = body_key(&parse_object(&read_body(body).await?)?)?;
    let id = id.to_ascii_lowercase();
    let acct = app.control_account(&key)?;
    let (attempt, url) = app.redeliver(&acct, &id)?;
    Ok(json_response(
        StatusCode::ACCEPTED,
        &json!({ "delivery_id": id, "attempt": attempt, "url": url }),
    ))
}
