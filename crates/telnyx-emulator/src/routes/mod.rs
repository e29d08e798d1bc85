//! The `/v2` resources: one file per resource, thin axum handlers over plain functions.

pub mod audit_events;
pub mod balance;
pub mod charges;
pub mod detail_records;
pub mod invoices;
pub mod payment;
pub mod user_tags;
pub mod webhook_deliveries;

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::server::App;
use crate::store::Account;

/// Largest request body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// The `/v2` routes.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/audit_events", get(audit_events::list))
        .route("/v2/balance", get(balance::get))
        .route("/v2/charges_breakdown", get(charges::breakdown))
        .route("/v2/charges_summary", get(charges::summary))
        .route("/v2/detail_records", get(detail_records::list))
        .route("/v2/invoices", get(invoices::list))
        .route("/v2/invoices/{id}", get(invoices::retrieve))
        .route(
            "/v2/payment/auto_recharge_prefs",
            get(payment::get_prefs).patch(payment::update_prefs),
        )
        .route(
            "/v2/payment/stored_payment_transactions",
            post(payment::create_stored_payment),
        )
        .route(
            "/v2/v2/payment/stored_payment_transactions",
            post(payment::create_stored_payment),
        )
        .route("/v2/user_tags", get(user_tags::list))
        .route("/v2/webhook_deliveries", get(webhook_deliveries::list))
        .route(
            "/v2/webhook_deliveries/{id}",
            get(webhook_deliveries::retrieve),
        )
}

/// The authenticated account of a `/v2` request (inserted by the auth middleware).
#[derive(Debug, Clone)]
pub struct Acct(pub Arc<Account>);

impl<S: Send + Sync> FromRequestParts<S> for Acct {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Acct>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("Could not understand the provided credentials."))
    }
}

/// A JSON response with the given status.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// `200 {"data": data}`.
pub fn ok_data(data: Value) -> Response {
    json_response(StatusCode::OK, &json!({ "data": data }))
}

/// `200 {"data": [...], "meta": {...}}`.
pub fn ok_list(data: Vec<Value>, meta: Value) -> Response {
    json_response(StatusCode::OK, &json!({ "data": data, "meta": meta }))
}

/// `200 {"data": raw}` for an object stored serialized.
pub fn ok_data_raw(raw: &str) -> Response {
    let mut out = String::with_capacity(raw.len() + 10);
    out.push_str("{\"data\":");
    out.push_str(raw);
    out.push('}');
    raw_response(out)
}

/// `200 {"data": [...], "meta": {...}}` from items stored serialized; the same bytes as
/// [`ok_list`] over the parsed items, without building or cloning any `Value`.
pub fn ok_list_raw<'a>(items: impl IntoIterator<Item = &'a str>, meta: &Value) -> Response {
    let mut out = String::from("{\"data\":[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push_str("],\"meta\":");
    out.push_str(&meta.to_string());
    out.push('}');
    raw_response(out)
}

fn raw_response(body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The last path segment, percent-decoded, validated as a UUID and lowercased.
pub fn path_uuid(uri: &Uri) -> Result<String, ApiError> {
    let raw = uri.path().rsplit('/').next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned();
    match uuid::Uuid::try_parse(&decoded) {
        Ok(u) => Ok(u.hyphenated().to_string()),
        Err(_) => Err(ApiError::invalid_id(&decoded)),
    }
}

/// Reads a request body (at most [`MAX_BODY`] bytes).
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "10015",
            "Request body too large",
            format!("The request body must be at most {MAX_BODY} bytes."),
        )
    })
}

/// Parses a JSON object body; an empty (or whitespace) body is `{}`.
pub fn parse_object(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::unprocessable(
            "10015",
            "Invalid request body",
            "The request body must be a JSON object.",
            "/",
        )),
        Err(e) => Err(ApiError::malformed_json(format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}
