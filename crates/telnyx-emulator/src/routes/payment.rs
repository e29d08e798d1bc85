//! `GET|PATCH /payment/auto_recharge_prefs` and `POST /payment/stored_payment_transactions`
//! (also under the doubled `/v2/v2/...` path the generated SDKs use).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::Acct;
use crate::domain::payment::{self as domain, Idempotency, PrefsPatch};
use crate::error::ApiError;
use crate::model::IdemRecord;
use crate::response::{json_response, ok_data, parse_object, read_body};
use crate::state::App;
use crate::store::Change;
use crate::util::fingerprint;
use crate::util::{cents_str, parse_money_cents};

/// Largest stored payment accepted, in cents (1,000,000.00).
pub const MAX_PAYMENT_CENTS: i64 = 100_000_000;

/// `GET /payment/auto_recharge_prefs`.
pub async fn get_prefs(Acct(a): Acct) -> Response {
    let v = a.read().prefs.to_json();
    ok_data(v)
}

fn bool_field(m: &Map<String, Value>, name: &str) -> Result<Option<bool>, ApiError> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::unprocessable(
            "10015",
            "Invalid parameter",
            format!("{name} must be a boolean."),
            &format!("/{name}"),
        )),
    }
}

fn money_field(m: &Map<String, Value>, name: &str) -> Result<Option<i64>, ApiError> {
    let bad = || {
        ApiError::unprocessable(
            "10015",
            "Invalid parameter",
            format!("{name} must be a decimal string with at most two decimals, e.g. \"104.00\"."),
            &format!("/{name}"),
        )
    };
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_money_cents(s.trim())
            .filter(|c| *c <= MAX_PAYMENT_CENTS)
            .map(Some)
            .ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

/// Validates a PATCH body into the typed patch (pure, no side effects).
pub fn parse_prefs_patch(m: &Map<String, Value>) -> Result<PrefsPatch, ApiError> {
    let preference = match m.get("preference") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "credit_paypal" || s == "ach" => Some(s.clone()),
        Some(_) => {
            return Err(ApiError::unprocessable(
                "10015",
                "Invalid parameter",
                "preference must be one of: credit_paypal, ach.",
                "/preference",
            ))
        }
    };
    Ok(PrefsPatch {
        enabled: bool_field(m, "enabled")?,
        invoice_enabled: bool_field(m, "invoice_enabled")?,
        preference,
        recharge_cents: money_field(m, "recharge_amount")?,
        threshold_cents: money_field(m, "threshold_amount")?,
    })
}

/// `PATCH /payment/auto_recharge_prefs`: `{}` and an empty body are accepted; any content type.
pub async fn update_prefs(
    State(app): State<Arc<App>>,
    Acct(a): Acct,
    body: Body,
) -> Result<Response, ApiError> {
    let patch = parse_prefs_patch(&parse_object(&read_body(body).await?)?)?;
    let (prefs, _) = app.store.write(&a, |d| {
        let answer = domain::patched(&d.prefs, &patch).to_json();
        Ok::<_, ApiError>(Change {
            event: domain::update_prefs(d, &patch),
            answer,
        })
    })?;
    Ok(ok_data(prefs))
}

/// Validates an `Idempotency-Key` header: 1-255 chars of `[A-Za-z0-9_:-]`.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let bad = || {
        ApiError::invalid_param(
            "Idempotency-Key",
            "The Idempotency-Key header must be 1-255 characters of letters, digits, '_', ':' or '-'.",
        )
    };
    let s = v.to_str().map_err(|_| bad())?;
    if s.is_empty()
        || s.len() > 255
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':' || b == b'-')
    {
        return Err(bad());
    }
    Ok(Some(s.to_string()))
}

fn replay(rec: &IdemRecord) -> Response {
    let mut r = Response::new(Body::from(rec.body.clone()));
    *r.status_mut() = StatusCode::from_u16(rec.status).unwrap_or(StatusCode::OK);
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    r
}

/// The answer to a request whose `Idempotency-Key` was seen before: the first response again
/// for the same body, a 422 for another body. `None` for a new (or no) key.
fn previous_answer(
    seen: &HashMap<String, IdemRecord>,
    key: Option<&str>,
    fingerprint: &str,
) -> Option<Result<Response, ApiError>> {
    match domain::idempotency(seen, key, fingerprint) {
        Idempotency::New => None,
        Idempotency::Replay(rec) => Some(Ok(replay(rec))),
        Idempotency::Conflict => Some(Err(ApiError::unprocessable(
            "10015",
            "Idempotency key reused",
            "This Idempotency-Key was already used with a different request body.",
            "/",
        ))),
    }
}

fn amount_error(detail: &str) -> ApiError {
    ApiError::unprocessable("10027", "Invalid amount format", detail, "/amount")
}

/// Validates the body and returns the amount in cents.
pub fn parse_amount(m: &Map<String, Value>) -> Result<i64, ApiError> {
    let s = match m.get("amount") {
        None | Some(Value::Null) => {
            return Err(ApiError::unprocessable(
                "10004",
                "Missing required parameter",
                "amount is required, e.g. \"120.00\".",
                "/amount",
            ))
        }
        Some(Value::String(s)) => s,
        Some(_) => {
            return Err(amount_error(
                "Amount must be a string that includes dollars and cents (e.g. \"120.00\").",
            ))
        }
    };
    let out_of_range = || {
        amount_error(&format!(
            "Amount must be between 0.01 and {}.",
            cents_str(MAX_PAYMENT_CENTS)
        ))
    };
    // A sign is a range problem, not a format one: say so rather than "dollars and cents".
    if s.trim_start().starts_with('-') {
        return Err(out_of_range());
    }
    let two_decimals = s.split_once('.').is_some_and(|(_, f)| f.len() == 2);
    let cents = parse_money_cents(s)
        .filter(|_| two_decimals)
        .ok_or_else(|| amount_error("Amount must include dollars and cents (e.g. \"120.00\")."))?;
    if cents <= 0 || cents > MAX_PAYMENT_CENTS {
        return Err(out_of_range());
    }
    Ok(cents)
}

/// `POST /payment/stored_payment_transactions`: credits the balance; honours `Idempotency-Key`.
pub async fn create_stored_payment(
    State(app): State<Arc<App>>,
    Acct(a): Acct,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let bytes = read_body(body).await?;
    let fp = fingerprint(&[b"POST /payment/stored_payment_transactions", &bytes]);
    if let Some(answer) = previous_answer(&a.read().idempotency, key.as_deref(), &fp) {
        return answer;
    }
    let m = parse_object(&bytes)?;
    let cents = parse_amount(&m)?;
    let (response, _) = app.store.write(&a, |d| {
        // Re-check under the write lock: a concurrent request may have used the key meanwhile.
        if let Some(answer) = previous_answer(&d.idempotency, key.as_deref(), &fp) {
            return answer.map(Change::none);
        }
        let (ev, body) = domain::stored_payment(d, cents, key, fp);
        Ok(Change::to(ev, json_response(StatusCode::OK, &body)))
    })?;
    Ok(response)
}
