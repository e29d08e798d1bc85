//! How a delivery is recorded: an attempt (its request, response or error) becomes part of
//! the delivery that `GET /webhook_deliveries` shows; redelivery reads it back.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::endpoint::endpoint;
use crate::domain::StoreError;
use crate::model::{AccountData, Endpoint, Webhook};
use crate::util::ts_ms;

/// Longest response body (and header list) kept in an attempt, in bytes (the spec's 10 kB).
pub const MAX_RECORDED_BYTES: usize = 10 * 1024;

/// Attempt error codes (the attempt's `errors`): the endpoint answered a status other than 2xx.
pub const ERROR_STATUS: i64 = 75499;
/// The URL's host name did not resolve.
pub const ERROR_RESOLVE: i64 = 75001;
/// The connection could not be made or broke.
pub const ERROR_CONNECT: i64 = 75002;
/// No full response within the per-attempt timeout.
pub const ERROR_TIMEOUT: i64 = 75003;

/// What redelivering `id` sends: `(endpoint, its webhook object, attempts so far)`.
pub fn redelivery(d: &AccountData, id: &str) -> Result<(Endpoint, Value, usize), StoreError> {
    let w = d
        .webhook(id)
        .ok_or_else(|| StoreError::NotFound(format!("Webhook delivery {id} not found.")))?;
    let v: Value = serde_json::from_str(w.json())
        .map_err(|e| StoreError::Storage(format!("stored delivery {id}: {e}")))?;
    let attempts = v
        .get("attempts")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let webhook = v.get("webhook").cloned().unwrap_or(Value::Null);
    Ok((endpoint(d)?, webhook, attempts))
}

/// How an attempt went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptError {
    /// The endpoint answered a status other than 2xx.
    Status,
    /// The host name did not resolve.
    Resolve,
    /// The connection could not be made or broke.
    Connect,
    /// No full response in time.
    Timeout,
}

impl AttemptError {
    /// The attempt's `errors` code.
    pub fn code(self) -> i64 {
        match self {
            AttemptError::Status => ERROR_STATUS,
            AttemptError::Resolve => ERROR_RESOLVE,
            AttemptError::Connect => ERROR_CONNECT,
            AttemptError::Timeout => ERROR_TIMEOUT,
        }
    }
}

/// The response an attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptResponse {
    /// Status code.
    pub status: u16,
    /// Headers, in order (bounded).
    pub headers: Vec<(String, String)>,
    /// Body, at most [`MAX_RECORDED_BYTES`] (lossy UTF-8).
    pub body: String,
}

/// One attempt, as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Start, on the account's clock.
    pub started_at: DateTime<Utc>,
    /// End, on the account's clock.
    pub finished_at: DateTime<Utc>,
    /// Where it was sent.
    pub url: String,
    /// The request headers sent.
    pub request_headers: Vec<(String, String)>,
    /// The response, if one came.
    pub response: Option<AttemptResponse>,
    /// Why it failed; `None`: delivered (2xx).
    pub error: Option<AttemptError>,
}

impl Attempt {
    /// The attempt object of the API (`{status, started_at, finished_at, errors?, http}`).
    pub fn json(&self) -> Value {
        let pairs = |h: &[(String, String)]| -> Value {
            h.iter()
                .map(|(k, v)| json!([k, v]))
                .collect::<Vec<_>>()
                .into()
        };
        let mut http =
            json!({ "request": { "url": self.url, "headers": pairs(&self.request_headers) } });
        if let Some(r) = &self.response {
            http["response"] =
                json!({ "status": r.status, "headers": pairs(&r.headers), "body": r.body });
        }
        let mut a = json!({
            "status": if self.error.is_none() { "delivered" } else { "failed" },
            "started_at": ts_ms(self.started_at),
            "finished_at": ts_ms(self.finished_at),
            "http": http,
        });
        if let Some(e) = self.error {
            a["errors"] = json!([e.code()]);
        }
        a
    }
}

/// The delivery `id` after `attempt` (newest first before the earlier ones): recorded if new,
/// else updated; its status is the newest attempt's. Returns the delivery's API object, to
/// persist (`Event::Delivery`) and [`record`].
pub fn with_attempt(
    d: &AccountData,
    id: &str,
    webhook: &Value,
    attempt: Option<&Attempt>,
    queued_at: DateTime<Utc>,
) -> Value {
    let earlier = d
        .webhook(id)
        .and_then(|w| serde_json::from_str::<Value>(w.json()).ok());
    let mut attempts: Vec<Value> = attempt.map(Attempt::json).into_iter().collect();
    let mut started = attempt.map_or(queued_at, |a| a.started_at);
    let mut webhook = webhook.clone();
    if let Some(old) = &earlier {
        if let Some(prev) = old.get("attempts").and_then(Value::as_array) {
            attempts.extend(prev.iter().cloned());
        }
        if let Some(t) = old
            .get("started_at")
            .and_then(Value::as_str)
            .and_then(crate::util::parse_time)
        {
            started = t;
        }
        if let Some(w) = old.get("webhook") {
            webhook = w.clone();
        }
    }
    let finished = attempt.map_or(queued_at, |a| a.finished_at).max(started);
    let status = match attempt {
        Some(a) if a.error.is_none() => "delivered",
        _ => "failed",
    };
    delivery_object(
        id,
        &d.user_id,
        status,
        (started, finished),
        webhook,
        attempts,
    )
}

/// A delivery's API object (`GET /webhook_deliveries`): its attempts newest first, `status`
/// that of the newest, between the first attempt's start and the newest one's end.
pub fn delivery_object(
    id: &str,
    user_id: &str,
    status: &str,
    (started, finished): (DateTime<Utc>, DateTime<Utc>),
    webhook: Value,
    attempts: Vec<Value>,
) -> Value {
    json!({
        "id": id,
        "user_id": user_id,
        "record_type": "webhook_delivery",
        "status": status,
        "started_at": ts_ms(started),
        "finished_at": ts_ms(finished),
        "webhook": webhook,
        "attempts": attempts,
    })
}

/// Records (or replaces) a delivery from its API object: the one place deliveries change,
/// used live and when stored events are replayed.
pub fn record(d: &mut AccountData, delivery: &Value) {
    let Some(w) = Webhook::from_json(delivery) else {
        return;
    };
    if let Some(i) = d.webhook.position(&w.id) {
        d.webhook.live[i] = w;
        return;
    }
    if let Ok(at) = d
        .webhooks_by_id
        .binary_search_by(|&i| d.webhooks[i as usize].id.as_str().cmp(&w.id))
    {
        let i = d.webhooks_by_id[at] as usize;
        d.webhooks[i] = w;
        return;
    }
    let at = d
        .webhook
        .live
        .partition_point(|x| x.started_at <= w.started_at);
    d.webhook.live_at.insert(w.id.clone(), w.started_at);
    d.webhook.live.insert(at, w);
}
