//! An account's webhooks, without I/O: which URLs may receive them, what events an advance
//! emits and their payloads, the signing key, and how an attempt becomes part of the
//! delivery recorded in `GET /webhook_deliveries`. The sending is `crate::delivery`.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha512};

use super::clock::DomainEvent;
use super::StoreError;
use crate::model::{AccountData, Endpoint, Fv, Webhook, SEEDED_TYPES};
use crate::util::ts_ms;

/// Event types with a default payload (`POST /_emulator/events` without `payload`).
pub const KNOWN_EVENT_TYPES: [&str; 7] = [
    "message.sent",
    "message.finalized",
    "message.received",
    "call.initiated",
    "call.answered",
    "call.bridged",
    "call.hangup",
];

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

/// Checks a webhook URL against the delivery rules and returns it normalized.
///
/// Allowed: `http`/`https` URLs without credentials whose host is loopback (`127.0.0.0/8`,
/// `::1`, `localhost`) or one of `allow_hosts` (case-insensitive).
pub fn check_url(field: &str, raw: &str, allow_hosts: &[String]) -> Result<String, StoreError> {
    let refuse =
        |why: String| StoreError::invalid(field, format!("{field} {raw:?} is refused: {why}"));
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        refuse(format!(
            "it is not an absolute URL ({e}); give one like http://127.0.0.1:8787/webhooks."
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse(format!(
            "webhooks are delivered over http or https, not {}.",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "credentials in a webhook URL would be recorded in webhook_deliveries; remove them (verify the signature instead)."
                .into(),
        ));
    }
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    if host.is_empty() {
        return Err(refuse("it has no host.".into()));
    }
    if !loopback
        && !allow_hosts
            .iter()
            .any(|h| h.trim().eq_ignore_ascii_case(host))
    {
        return Err(refuse(format!(
            "the emulator delivers webhooks only to loopback addresses (127.0.0.0/8, ::1, localhost); \
             start it with --allow-webhook-host {host} to allow this host."
        )));
    }
    Ok(url.to_string())
}

/// Checks both URLs of an endpoint.
pub fn check_endpoint(
    url: &str,
    failover_url: Option<&str>,
    allow_hosts: &[String],
) -> Result<Endpoint, StoreError> {
    Ok(Endpoint {
        url: check_url("url", url, allow_hosts)?,
        failover_url: failover_url
            .map(|f| check_url("failover_url", f, allow_hosts))
            .transpose()?,
    })
}

/// The endpoint as the control API shows it.
pub fn endpoint_json(e: Option<&Endpoint>, public_key: &str) -> Value {
    json!({
        "url": e.map(|e| e.url.as_str()),
        "failover_url": e.and_then(|e| e.failover_url.as_deref()),
        "public_key": public_key,
    })
}

/// The URL of attempt `n` (1-based): primary, failover (or primary when none), primary, ...
pub fn attempt_url(e: &Endpoint, n: u32) -> &str {
    match (&e.failover_url, n % 2 == 0) {
        (Some(f), true) => f,
        _ => &e.url,
    }
}

/// An account's Ed25519 signing seed, derived from the emulator seed and the account's key
/// hash: stable across restarts, different per account. Not a secret (the emulator's seed is
/// not one).
pub fn derived_signing_seed(seed: u64, key_hash: &str) -> [u8; 32] {
    let mut h = Sha512::new();
    h.update(b"telnyx-emulator webhook signing key\0");
    h.update(seed.to_le_bytes());
    h.update(key_hash.as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest[..32]);
    out
}

/// Whether `name` can be an event type: dot-separated lowercase words (`message.finalized`).
pub fn valid_event_type(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    name.len() <= 100
        && parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

/// The account's endpoint, or the conflict to answer when none is set.
pub fn endpoint(d: &AccountData) -> Result<Endpoint, StoreError> {
    d.webhook.endpoint.clone().ok_or_else(|| StoreError::Conflict {
        code: "emulator_no_webhook",
        detail: "This account has no webhook URL. Set one with PUT /_emulator/webhooks \
                 {\"api_key\": ..., \"url\": ...}, or run `telnyx webhooks listen` against this emulator."
            .into(),
    })
}

/// A new event of `event_type` now (the account's clock), with `payload` or the type's
/// default one: `(endpoint, data object)`. Checked: the name, a payload for unknown types,
/// and that the account has an endpoint.
pub fn new_event(
    d: &AccountData,
    event_type: &str,
    payload: Option<Value>,
    rng: &mut fastrand::Rng,
) -> Result<(Endpoint, Value), StoreError> {
    if !valid_event_type(event_type) {
        return Err(StoreError::invalid(
            "event_type",
            format!("event_type {event_type:?} is not an event name: use dot-separated lowercase words like \"message.finalized\"."),
        ));
    }
    let payload = match payload {
        Some(p) => p,
        None => default_payload(d, event_type, d.now, rng).ok_or_else(|| {
            StoreError::invalid(
                "payload",
                format!(
                    "{event_type} has no default payload; give one as \"payload\": {{...}}, or use one of: {}.",
                    KNOWN_EVENT_TYPES.join(", ")
                ),
            )
        })?,
    };
    let endpoint = endpoint(d)?;
    let id = crate::util::uuid_from(rng);
    Ok((endpoint, event_data(&id, event_type, d.now, payload)))
}

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

/// One event an advance emits: its time, type, and the generated record it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emission {
    /// When it occurred (account clock).
    pub at: DateTime<Utc>,
    /// Event type.
    pub event_type: &'static str,
    /// Index in `SEEDED_TYPES`.
    pub ty: u8,
    /// Row in that type's records.
    pub row: u32,
}

fn value<'a>(d: &'a AccountData, ty: u8, row: u32, field: &str) -> Option<&'a Fv> {
    let t = SEEDED_TYPES.get(usize::from(ty))?;
    let (idx, _) = t.field(field)?;
    d.records.get(t.filter)?.value(row as usize, idx)
}

fn text(d: &AccountData, ty: u8, row: u32, field: &str) -> Option<String> {
    match value(d, ty, row, field)? {
        Fv::S(s) => Some(s.to_string()),
        other => Some(other.to_json().to_string()),
    }
}

fn time(d: &AccountData, ty: u8, row: u32, field: &str) -> Option<DateTime<Utc>> {
    match value(d, ty, row, field)? {
        Fv::T(t) => Some(*t),
        _ => None,
    }
}

fn json_of(d: &AccountData, ty: u8, row: u32, field: &str) -> Value {
    value(d, ty, row, field).map_or(Value::Null, Fv::to_json)
}

/// The events of an advance's generated usage, in time order: per message record
/// `message.sent` and `message.finalized` (outbound) or `message.received` (inbound); per
/// call-control record `call.initiated`, `call.answered` and `call.hangup`.
pub fn emissions(d: &AccountData, events: &[DomainEvent]) -> Vec<Emission> {
    let mut out = Vec::new();
    for ev in events {
        let DomainEvent::Usage { at, ty, row } = *ev else {
            continue;
        };
        let Some(t) = SEEDED_TYPES.get(usize::from(ty)) else {
            continue;
        };
        let e = |at, event_type| Emission {
            at,
            event_type,
            ty,
            row,
        };
        match t.filter {
            "messaging" => {
                if text(d, ty, row, "direction").as_deref() == Some("inbound") {
                    out.push(e(at, "message.received"));
                } else {
                    out.push(e(time(d, ty, row, "sent_at").unwrap_or(at), "message.sent"));
                    let done = time(d, ty, row, "completed_at").unwrap_or(at);
                    out.push(e(done, "message.finalized"));
                }
            }
            "call-control" => {
                let end = time(d, ty, row, "ended_at").unwrap_or(at);
                out.push(e(at, "call.initiated"));
                out.push(e((at + Duration::seconds(2)).min(end), "call.answered"));
                out.push(e(end, "call.hangup"));
            }
            _ => {}
        }
    }
    out.sort_by_key(|e| e.at);
    out
}

fn message_payload(
    id: Value,
    outbound: bool,
    from: Value,
    to: Value,
    status: &str,
    extra: Map<String, Value>,
) -> Value {
    let mut p = json!({
        "record_type": "message",
        "id": id,
        "direction": if outbound { "outbound" } else { "inbound" },
        "from": { "phone_number": from, "carrier": "Telnyx", "line_type": "Wireless" },
        "to": [{ "phone_number": to, "status": status, "carrier": "T-Mobile USA", "line_type": "Wireless" }],
        "encoding": "GSM-7",
        "errors": [],
    });
    if let Value::Object(m) = &mut p {
        m.extend(extra);
    }
    p
}

fn call_payload(ids: [Value; 3], from: Value, to: Value, outbound: bool, state: &str) -> Value {
    let [control, leg, session] = ids;
    json!({
        "call_control_id": control,
        "call_leg_id": leg,
        "call_session_id": session,
        "connection_id": "1494404757140276705",
        "client_state": null,
        "from": from,
        "to": to,
        "direction": if outbound { "outgoing" } else { "incoming" },
        "state": state,
    })
}

/// The payload of an advance's event, from its record: the same ids, numbers, times, status
/// and cost the detail record shows.
pub fn record_payload(d: &AccountData, e: &Emission) -> Value {
    let (ty, row) = (e.ty, e.row);
    let outbound = text(d, ty, row, "direction").as_deref() != Some("inbound");
    let from = json_of(d, ty, row, "cli");
    let to = json_of(d, ty, row, "cld");
    match e.event_type {
        "message.sent" | "message.finalized" | "message.received" => {
            let failed = text(d, ty, row, "status").as_deref() == Some("failed");
            let status = match e.event_type {
                "message.sent" => "sent",
                "message.received" => "webhook_delivered",
                _ if failed => "delivery_failed",
                _ => "delivered",
            };
            let mut extra = Map::new();
            extra.insert("type".into(), json_of(d, ty, row, "message_type"));
            extra.insert("parts".into(), json_of(d, ty, row, "parts"));
            extra.insert(
                "messaging_profile_id".into(),
                json_of(d, ty, row, "profile_id"),
            );
            extra.insert("organization_id".into(), json!(d.organization_id));
            extra.insert("text".into(), json!("Hello from the Telnyx emulator"));
            extra.insert(
                "cost".into(),
                json!({ "amount": json_of(d, ty, row, "cost"), "currency": json_of(d, ty, row, "currency") }),
            );
            let t = |f| time(d, ty, row, f).map_or(Value::Null, |t| json!(ts_ms(t)));
            if e.event_type == "message.received" {
                extra.insert("received_at".into(), t("created_at"));
            } else {
                extra.insert("sent_at".into(), t("sent_at"));
                if e.event_type == "message.finalized" {
                    extra.insert("completed_at".into(), t("completed_at"));
                }
            }
            if failed && e.event_type == "message.finalized" {
                extra.insert(
                    "errors".into(),
                    json!([{ "code": "40008", "title": "Undeliverable", "detail": "The message could not be delivered to the handset." }]),
                );
            }
            message_payload(
                json_of(d, ty, row, "uuid"),
                outbound,
                from,
                to,
                status,
                extra,
            )
        }
        _ => {
            let state = match e.event_type {
                "call.initiated" => "parked",
                "call.answered" => "answered",
                _ => "hangup",
            };
            let ids = [
                json_of(d, ty, row, "id"),
                json_of(d, ty, row, "call_leg_id"),
                json_of(d, ty, row, "call_session_id"),
            ];
            let mut p = call_payload(ids, from, to, outbound, state);
            let t = |f| time(d, ty, row, f).map_or(Value::Null, |t| json!(ts_ms(t)));
            p["start_time"] = t("started_at");
            if e.event_type == "call.hangup" {
                p["end_time"] = t("ended_at");
                p["hangup_cause"] = json_of(d, ty, row, "hangup_cause");
                p["hangup_source"] = json!(if outbound { "callee" } else { "caller" });
            }
            p
        }
    }
}

/// A realistic payload for a known event type, for an event emitted now (`POST
/// /_emulator/events`): the account's own number and a remote one, `at` as its times.
pub fn default_payload(
    d: &AccountData,
    event_type: &str,
    at: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Option<Value> {
    if !KNOWN_EVENT_TYPES.contains(&event_type) {
        return None;
    }
    let own = json!(d
        .numbers
        .first()
        .map(|n| n.tn.as_str())
        .unwrap_or("+13125550100"));
    let remote = json!("+13125550199");
    let id = json!(crate::util::uuid_from(rng));
    let t = json!(ts_ms(at));
    Some(match event_type {
        "message.received" => {
            let mut extra = Map::new();
            extra.insert("type".into(), json!("SMS"));
            extra.insert("parts".into(), json!(1));
            extra.insert("text".into(), json!("Hello from the Telnyx emulator"));
            extra.insert("received_at".into(), t);
            extra.insert("organization_id".into(), json!(d.organization_id));
            message_payload(id, false, remote, own, "webhook_delivered", extra)
        }
        "message.sent" | "message.finalized" => {
            let mut extra = Map::new();
            extra.insert("type".into(), json!("SMS"));
            extra.insert("parts".into(), json!(1));
            extra.insert("text".into(), json!("Hello from the Telnyx emulator"));
            extra.insert("sent_at".into(), t.clone());
            extra.insert("organization_id".into(), json!(d.organization_id));
            extra.insert(
                "cost".into(),
                json!({ "amount": "0.0040", "currency": "USD" }),
            );
            let status = if event_type == "message.sent" {
                "sent"
            } else {
                extra.insert("completed_at".into(), t);
                "delivered"
            };
            message_payload(id, true, own, remote, status, extra)
        }
        _ => {
            let ids = [
                id,
                json!(crate::util::uuid_from(rng)),
                json!(crate::util::uuid_from(rng)),
            ];
            let state = match event_type {
                "call.initiated" => "parked",
                "call.bridged" => "bridged",
                "call.answered" => "answered",
                _ => "hangup",
            };
            let mut p = call_payload(ids, remote, own, false, state);
            p["start_time"] = t.clone();
            if event_type == "call.hangup" {
                p["end_time"] = t;
                p["hangup_cause"] = json!("normal_clearing");
                p["hangup_source"] = json!("caller");
            }
            p
        }
    })
}

/// The event object (`data` of the POST body, `webhook` of the delivery).
pub fn event_data(id: &str, event_type: &str, occurred_at: DateTime<Utc>, payload: Value) -> Value {
    json!({
        "event_type": event_type,
        "id": id,
        "occurred_at": ts_ms(occurred_at),
        "payload": payload,
        "record_type": "event",
    })
}

/// The body of attempt `attempt` to `url`: `{"data": ..., "meta": {attempt, delivered_to}}`.
pub fn body(data: &Value, attempt: u32, url: &str) -> Vec<u8> {
    let body = json!({ "data": data, "meta": { "attempt": attempt, "delivered_to": url } });
    body.to_string().into_bytes()
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
    json!({
        "id": id,
        "user_id": d.user_id,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock;

    #[test]
    fn urls_are_loopback_only_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8787/hook",
            "http://127.9.0.1/",
            "http://localhost:3000/x",
            "https://LOCALHOST/",
            "http://[::1]:9000/w",
        ] {
            assert!(check_url("url", ok, &[]).is_ok(), "{ok}");
        }
        for (bad, rule) in [
            (
                "https://hooks.example.invalid/x",
                "--allow-webhook-host hooks.example.invalid",
            ),
            ("http://10.0.0.1/", "loopback"),
            ("http://[::2]/", "loopback"),
            ("ftp://127.0.0.1/", "http or https"),
            ("http://user:pw@127.0.0.1/", "credentials"),
            ("127.0.0.1:8787", "not an absolute URL"),
        ] {
            let e = check_url("url", bad, &[])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains(rule), "{bad}: {e}");
        }
        let allow = vec!["Hooks.Example.Invalid".to_string()];
        assert!(check_url("url", "https://hooks.example.invalid/x", &allow).is_ok());
        assert!(check_url("url", "https://other.example.invalid/x", &allow).is_err());
    }

    #[test]
    fn attempts_alternate_with_a_failover() {
        let e = Endpoint {
            url: "http://127.0.0.1/a".into(),
            failover_url: Some("http://127.0.0.1/b".into()),
        };
        let urls: Vec<&str> = (1..=3).map(|n| attempt_url(&e, n)).collect();
        assert_eq!(
            urls,
            [
                "http://127.0.0.1/a",
                "http://127.0.0.1/b",
                "http://127.0.0.1/a"
            ]
        );
        let solo = Endpoint {
            failover_url: None,
            ..e
        };
        assert_eq!(attempt_url(&solo, 2), "http://127.0.0.1/a");
    }

    #[test]
    fn event_type_names() {
        assert!(valid_event_type("message.finalized"));
        assert!(valid_event_type("number_order.status_update"));
        for bad in ["message", "Message.sent", "a..b", ".a", "a.b c", ""] {
            assert!(!valid_event_type(bad), "{bad}");
        }
    }

    #[test]
    fn keys_differ_per_account_and_seed() {
        assert_eq!(
            derived_signing_seed(1, "abc"),
            derived_signing_seed(1, "abc")
        );
        assert_ne!(
            derived_signing_seed(1, "abc"),
            derived_signing_seed(2, "abc")
        );
        assert_ne!(
            derived_signing_seed(1, "abc"),
            derived_signing_seed(1, "abd")
        );
    }

    #[test]
    fn an_advance_emits_message_and_call_events_from_its_records_in_time_order() {
        let mut d = crate::seed::test_account();
        let to = d.now + Duration::days(2);
        let out = clock::advance(&mut d, to);
        let em = emissions(&d, &out.events);
        assert!(em.windows(2).all(|w| w[0].at <= w[1].at));
        let count = |t: &str| em.iter().filter(|e| e.event_type == t).count();
        assert!(count("message.sent") > 0 && count("message.sent") == count("message.finalized"));
        assert!(count("call.initiated") > 0);
        assert_eq!(count("call.initiated"), count("call.hangup"));
        // A finalized message carries its record's id and cost.
        let fin = em
            .iter()
            .find(|e| e.event_type == "message.finalized")
            .copied();
        let fin = fin.unwrap_or_else(|| panic!("no message.finalized"));
        let p = record_payload(&d, &fin);
        assert_eq!(p["id"], json_of(&d, fin.ty, fin.row, "uuid"));
        assert_eq!(p["cost"]["amount"], json_of(&d, fin.ty, fin.row, "cost"));
        assert_eq!(
            p["to"][0]["phone_number"],
            json_of(&d, fin.ty, fin.row, "cld")
        );
    }

    #[test]
    fn a_delivery_grows_newest_attempt_first_and_takes_its_status() {
        let mut d = crate::seed::test_account();
        let before = d.webhooks.len();
        let t0 = d.now;
        let data = event_data("ev1", "message.sent", t0, json!({}));
        let attempt = |n: i64, error: Option<AttemptError>| Attempt {
            started_at: t0 + Duration::seconds(n),
            finished_at: t0 + Duration::seconds(n) + Duration::milliseconds(5),
            url: "http://127.0.0.1/a".into(),
            request_headers: vec![("telnyx-timestamp".into(), "1".into())],
            response: Some(AttemptResponse {
                status: if error.is_some() { 500 } else { 200 },
                headers: vec![],
                body: "x".into(),
            }),
            error,
        };
        let id = "00000000-0000-4000-8000-00000000abcd";
        let v = with_attempt(
            &d,
            id,
            &data,
            Some(&attempt(0, Some(AttemptError::Status))),
            t0,
        );
        record(&mut d, &v);
        assert_eq!(d.webhook(id).map(|w| w.status), Some("failed"));
        let v = with_attempt(&d, id, &data, Some(&attempt(1, None)), t0);
        record(&mut d, &v);
        let w = d
            .webhook(id)
            .map(|w| w.json().to_string())
            .unwrap_or_default();
        let w: Value = serde_json::from_str(&w).unwrap_or_default();
        assert_eq!(w["status"], "delivered");
        assert_eq!(w["attempts"].as_array().map(Vec::len), Some(2));
        assert_eq!(w["attempts"][0]["status"], "delivered");
        assert_eq!(w["attempts"][1]["errors"], json!([ERROR_STATUS]));
        assert_eq!(w["started_at"], ts_ms(t0));
        assert_eq!(d.webhook.live.len(), 1);
        assert_eq!(d.webhooks.len(), before);
        // Newest first in the list, ahead of the seeded deliveries.
        let page = crate::domain::Page { number: 1, size: 2 };
        let (total, items) = crate::domain::webhook_deliveries::list(&d, &Default::default(), page);
        assert_eq!(total, before + 1);
        assert_eq!(items[0].id, id);
        assert_eq!(items[1].id, d.webhooks[0].id);
    }
}
