//! What an account's webhooks say: the events an advance emits, their payloads (from the
//! generated records, or a type's default), and the event object and body that are sent.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::endpoint::endpoint;
use crate::domain::clock::DomainEvent;
use crate::domain::StoreError;
use crate::model::{AccountData, Endpoint, Fv, SEEDED_TYPES};
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

pub(crate) fn json_of(d: &AccountData, ty: u8, row: u32, field: &str) -> Value {
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
