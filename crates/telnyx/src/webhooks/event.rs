//! [`Event`]: the typed body of a Telnyx webhook.
//!
//! The envelope is `{"data": {"id", "event_type", "occurred_at", "payload", "record_type"},
//! "meta": {"attempt", "delivered_to"}}`. Messaging events (`message.sent`,
//! `message.finalized`, `message.received`) decode their payload into [`MessagePayload`],
//! call events (`call.initiated`, `call.answered`, `call.bridged`, `call.hangup`) into
//! [`CallPayload`]; any other event keeps its payload as raw JSON ([`Payload::Unknown`]).
//! Fields Telnyx may omit are `Option` (or an empty `Vec`), unknown fields are ignored and
//! unknown enum values are kept in an `Unknown(String)` arm, so a new Telnyx field or value
//! never breaks decoding.

use chrono::{DateTime, FixedOffset};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use super::reason::Reason;
use crate::resources::shared::server_enum;
use crate::resources::{MessageDirection, MessageType};
use crate::{ApiErrorDetail, Money, Result};

server_enum! {
    /// The `event_type` of a webhook.
    pub enum EventType {
        /// An outbound message was sent to the carrier.
        MessageSent = "message.sent",
        /// An outbound message reached a final state (delivered, failed, ...).
        MessageFinalized = "message.finalized",
        /// An inbound message arrived.
        MessageReceived = "message.received",
        /// A call started (inbound or outbound).
        CallInitiated = "call.initiated",
        /// A call was answered.
        CallAnswered = "call.answered",
        /// Two call legs were bridged.
        CallBridged = "call.bridged",
        /// A call ended.
        CallHangup = "call.hangup",
    }
}

impl EventType {
    /// True for the `message.*` events whose payload is a [`MessagePayload`].
    pub fn is_message(&self) -> bool {
        matches!(
            self,
            EventType::MessageSent | EventType::MessageFinalized | EventType::MessageReceived
        )
    }

    /// True for the `call.*` events whose payload is a [`CallPayload`].
    pub fn is_call(&self) -> bool {
        matches!(
            self,
            EventType::CallInitiated
                | EventType::CallAnswered
                | EventType::CallBridged
                | EventType::CallHangup
        )
    }
}

/// A webhook body: the event and its delivery metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The event.
    pub data: EventData,
    /// Delivery metadata (absent in some older payloads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<EventMeta>,
}

/// The event itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventData {
    /// Event id: the same across retries of one delivery, so the key to deduplicate on.
    pub id: String,
    /// What happened.
    pub event_type: EventType,
    /// When it happened.
    pub occurred_at: Option<DateTime<FixedOffset>>,
    /// The event's object, typed for the events this SDK knows.
    pub payload: Payload,
    /// Always `event`.
    pub record_type: Option<String>,
}

/// Delivery metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMeta {
    /// Which attempt this is, from 1.
    #[serde(default)]
    pub attempt: Option<u32>,
    /// The URL Telnyx delivered to.
    #[serde(default)]
    pub delivered_to: Option<String>,
}

/// The payload of an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Payload {
    /// `message.sent`, `message.finalized`, `message.received`.
    Message(Box<MessagePayload>),
    /// `call.initiated`, `call.answered`, `call.bridged`, `call.hangup`.
    Call(Box<CallPayload>),
    /// Any other event type: the payload as sent (`null` when absent).
    Unknown(Value),
}

impl Event {
    /// Decodes a webhook body (the raw bytes, already verified).
    ///
    /// A body that is not JSON, or not an event envelope, or whose payload does not have
    /// the shape of its event type, fails with [`Reason::InvalidJson`] naming the path,
    /// e.g. `data.payload.to[0].status`.
    pub fn from_json(body: &[u8]) -> Result<Event> {
        decode(body).map_err(crate::Error::from)
    }

    /// The message payload, for a messaging event.
    pub fn message(&self) -> Option<&MessagePayload> {
        match &self.data.payload {
            Payload::Message(m) => Some(m.as_ref()),
            _ => None,
        }
    }

    /// The call payload, for a call event.
    pub fn call(&self) -> Option<&CallPayload> {
        match &self.data.payload {
            Payload::Call(c) => Some(c.as_ref()),
            _ => None,
        }
    }

    /// Delivery attempt number (`meta.attempt`), when sent.
    pub fn attempt(&self) -> Option<u32> {
        self.meta.as_ref().and_then(|m| m.attempt)
    }
}

/// The envelope with the payload left undecoded until the event type is known.
#[derive(Deserialize)]
struct RawEvent<'a> {
    #[serde(borrow)]
    data: RawData<'a>,
    #[serde(default)]
    meta: Option<EventMeta>,
}

#[derive(Deserialize)]
struct RawData<'a> {
    id: String,
    event_type: EventType,
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    occurred_at: Option<DateTime<FixedOffset>>,
    #[serde(default, borrow)]
    payload: Option<&'a RawValue>,
    #[serde(default)]
    record_type: Option<String>,
}

fn invalid(path: String, e: &serde_json::Error) -> Reason {
    // serde_json appends " at line L column C"; keep it: it locates the fault in the body.
    Reason::InvalidJson {
        path,
        problem: e.to_string(),
    }
}

fn decode(body: &[u8]) -> Result<Event, Reason> {
    let text = std::str::from_utf8(body).map_err(|e| Reason::InvalidJson {
        path: ".".into(),
        problem: format!("not UTF-8: {e}"),
    })?;
    // Fast path without path tracking; on failure decode again to find where.
    let raw: RawEvent<'_> = match serde_json::from_str(text) {
        Ok(raw) => raw,
        Err(_) => {
            let mut de = serde_json::Deserializer::from_str(text);
            return Err(
                match serde_path_to_error::deserialize::<_, RawEvent<'_>>(&mut de) {
                    Err(e) => invalid(e.path().to_string(), e.inner()),
                    Ok(_) => Reason::InvalidJson {
                        path: ".".into(),
                        problem: "inconsistent decoding".into(),
                    },
                },
            );
        }
    };
    let payload = match raw.data.payload {
        Some(p) if raw.data.event_type.is_message() => {
            Payload::Message(Box::new(typed_payload::<MessagePayload>(p)?))
        }
        Some(p) if raw.data.event_type.is_call() => {
            Payload::Call(Box::new(typed_payload::<CallPayload>(p)?))
        }
        None if raw.data.event_type.is_message() || raw.data.event_type.is_call() => {
            return Err(Reason::InvalidJson {
                path: "data.payload".into(),
                problem: format!("missing: a {} event has a payload", raw.data.event_type),
            })
        }
        Some(p) => Payload::Unknown(
            serde_json::from_str(p.get()).map_err(|e| invalid("data.payload".into(), &e))?,
        ),
        None => Payload::Unknown(Value::Null),
    };
    Ok(Event {
        data: EventData {
            id: raw.data.id,
            event_type: raw.data.event_type,
            occurred_at: raw.data.occurred_at,
            payload,
            record_type: raw.data.record_type,
        },
        meta: raw.meta,
    })
}

fn typed_payload<T: DeserializeOwned>(raw: &RawValue) -> Result<T, Reason> {
    match serde_json::from_str(raw.get()) {
        Ok(v) => Ok(v),
        Err(_) => {
            let mut de = serde_json::Deserializer::from_str(raw.get());
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(v) => Ok(v),
                Err(e) => {
                    let inner = e.path().to_string();
                    let path = if inner == "." {
                        "data.payload".to_string()
                    } else if inner.starts_with('[') {
                        format!("data.payload{inner}")
                    } else {
                        format!("data.payload.{inner}")
                    };
                    Err(invalid(path, e.inner()))
                }
            }
        }
    }
}

/// `null` or absent: the type's default (an empty list).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

server_enum! {
    /// The delivery status of a message to one recipient.
    pub enum DeliveryStatus {
        /// Scheduled for later.
        Scheduled = "scheduled",
        /// Waiting to be sent.
        Queued = "queued",
        /// Being sent.
        Sending = "sending",
        /// Handed to the carrier.
        Sent = "sent",
        /// Delivered to the handset (carrier receipt).
        Delivered = "delivered",
        /// Could not be sent.
        SendingFailed = "sending_failed",
        /// The carrier reported a failure.
        DeliveryFailed = "delivery_failed",
        /// No delivery receipt came back.
        DeliveryUnconfirmed = "delivery_unconfirmed",
        /// Not sent before `valid_until`.
        Expired = "expired",
        /// Cancelled before sending.
        Cancelled = "cancelled",
        /// An inbound message's webhook was delivered.
        WebhookDelivered = "webhook_delivered",
    }
}

impl DeliveryStatus {
    /// True for a state that will not change any more.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            DeliveryStatus::Delivered
                | DeliveryStatus::SendingFailed
                | DeliveryStatus::DeliveryFailed
                | DeliveryStatus::DeliveryUnconfirmed
                | DeliveryStatus::Expired
                | DeliveryStatus::Cancelled
        )
    }
}

/// The payload of a messaging event: the message as Telnyx records it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MessagePayload {
    /// Message id.
    #[serde(default)]
    pub id: Option<String>,
    /// Always `message`.
    #[serde(default)]
    pub record_type: Option<String>,
    /// Inbound or outbound.
    #[serde(default)]
    pub direction: Option<MessageDirection>,
    /// SMS or MMS (`type` on the wire).
    #[serde(default, rename = "type")]
    pub message_type: Option<MessageType>,
    /// Messaging profile used.
    #[serde(default)]
    pub messaging_profile_id: Option<String>,
    /// Organization owning the profile.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Sender.
    #[serde(default)]
    pub from: Option<MessageEndpoint>,
    /// Recipients, each with its own delivery status.
    #[serde(default, deserialize_with = "null_default")]
    pub to: Vec<MessageEndpoint>,
    /// Copied recipients (group MMS).
    #[serde(default, deserialize_with = "null_default")]
    pub cc: Vec<MessageEndpoint>,
    /// Message body.
    #[serde(default)]
    pub text: Option<String>,
    /// MMS subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// Media attachments.
    #[serde(default, deserialize_with = "null_default")]
    pub media: Vec<MessageMedia>,
    /// Where this message's webhooks go.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// Failover URL for this message's webhooks.
    #[serde(default)]
    pub webhook_failover_url: Option<String>,
    /// Body encoding, e.g. `GSM-7`, `UCS-2`.
    #[serde(default)]
    pub encoding: Option<String>,
    /// Number of parts (segments).
    #[serde(default)]
    pub parts: Option<u32>,
    /// Tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// What the message cost (exact decimal).
    #[serde(default)]
    pub cost: Option<MessageCost>,
    /// Cost components.
    #[serde(default)]
    pub cost_breakdown: Option<MessageCostBreakdown>,
    /// 10DLC campaign id.
    #[serde(default)]
    pub tcr_campaign_id: Option<String>,
    /// Whether the 10DLC campaign is billable.
    #[serde(default)]
    pub tcr_campaign_billable: Option<bool>,
    /// 10DLC campaign registration status.
    #[serde(default)]
    pub tcr_campaign_registered: Option<String>,
    /// When Telnyx received the send request (or the inbound message).
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub received_at: Option<DateTime<FixedOffset>>,
    /// When it was sent to the carrier.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub sent_at: Option<DateTime<FixedOffset>>,
    /// When it reached its final state.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub completed_at: Option<DateTime<FixedOffset>>,
    /// Discarded if still queued at this time.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub valid_until: Option<DateTime<FixedOffset>>,
    /// Errors, for failed or unconfirmed deliveries.
    #[serde(default, deserialize_with = "null_default")]
    pub errors: Vec<ApiErrorDetail>,
}

/// A sender or recipient of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageEndpoint {
    /// E.164 number, short code or alphanumeric sender id.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Delivery status to this recipient (recipients only).
    #[serde(default)]
    pub status: Option<DeliveryStatus>,
    /// Carrier name.
    #[serde(default)]
    pub carrier: Option<String>,
    /// Line type: `Wireless`, `Wireline`, `VoIP`, ... (may be empty).
    #[serde(default)]
    pub line_type: Option<String>,
}

/// A media attachment.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageMedia {
    /// Where the media is.
    #[serde(default)]
    pub url: Option<String>,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// SHA-256 of the content.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub size: Option<u64>,
}

/// An amount and its currency.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageCost {
    /// Exact decimal amount, e.g. `0.0051`.
    #[serde(default)]
    pub amount: Option<Money>,
    /// ISO 4217 code, e.g. `USD`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// The components of a message's cost.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MessageCostBreakdown {
    /// Carrier pass-through fee.
    #[serde(default)]
    pub carrier_fee: Option<MessageCost>,
    /// Telnyx rate.
    #[serde(default)]
    pub rate: Option<MessageCost>,
}

server_enum! {
    /// Which way a call goes.
    pub enum CallDirection {
        /// Into your application.
        Incoming = "incoming",
        /// Out of your application.
        Outgoing = "outgoing",
    }
}

server_enum! {
    /// The state a call event reports.
    pub enum CallState {
        /// Inbound, waiting for a command.
        Parked = "parked",
        /// Being bridged.
        Bridging = "bridging",
        /// Answered.
        Answered = "answered",
        /// Bridged to another leg.
        Bridged = "bridged",
        /// Ended.
        Hangup = "hangup",
    }
}

server_enum! {
    /// Why a call ended.
    pub enum HangupCause {
        /// The callee rejected it.
        CallRejected = "call_rejected",
        /// A normal end.
        NormalClearing = "normal_clearing",
        /// The caller gave up.
        OriginatorCancel = "originator_cancel",
        /// Timed out.
        Timeout = "timeout",
        /// Reached the time limit.
        TimeLimit = "time_limit",
        /// The callee was busy.
        UserBusy = "user_busy",
        /// No such destination.
        NotFound = "not_found",
        /// Not answered.
        NoAnswer = "no_answer",
        /// Not specified.
        Unspecified = "unspecified",
    }
}

server_enum! {
    /// Who ended a call.
    pub enum HangupSource {
        /// The calling party.
        Caller = "caller",
        /// The called party.
        Callee = "callee",
        /// Telnyx could not tell (the wire value `unknown`).
        UnknownParty = "unknown",
    }
}

/// A SIP header name and value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SipHeader {
    /// Header name.
    #[serde(default)]
    pub name: Option<String>,
    /// Header value.
    #[serde(default)]
    pub value: Option<String>,
}

/// The payload of a call event. One type for every call event: the fields an event does
/// not carry are `None` (e.g. `hangup_cause` outside `call.hangup`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallPayload {
    /// Id for Call Control commands on this leg.
    #[serde(default)]
    pub call_control_id: Option<String>,
    /// Call Control application (connection) id.
    #[serde(default)]
    pub connection_id: Option<String>,
    /// Id of this call leg, for correlating events.
    #[serde(default)]
    pub call_leg_id: Option<String>,
    /// Id of the call session (all related legs).
    #[serde(default)]
    pub call_session_id: Option<String>,
    /// State passed with a command, base64 (as sent).
    #[serde(default)]
    pub client_state: Option<String>,
    /// Calling number or SIP URI.
    #[serde(default)]
    pub from: Option<String>,
    /// Called number or SIP URI.
    #[serde(default)]
    pub to: Option<String>,
    /// Incoming or outgoing.
    #[serde(default)]
    pub direction: Option<CallDirection>,
    /// Call state.
    #[serde(default)]
    pub state: Option<CallState>,
    /// Caller name.
    #[serde(default)]
    pub caller_id_name: Option<String>,
    /// `pstn` or `sip`.
    #[serde(default)]
    pub calling_party_type: Option<String>,
    /// When the call started.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub start_time: Option<DateTime<FixedOffset>>,
    /// When the call ended (`call.hangup`).
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub end_time: Option<DateTime<FixedOffset>>,
    /// Why the call ended (`call.hangup`).
    #[serde(default)]
    pub hangup_cause: Option<HangupCause>,
    /// Who ended it (`call.hangup`).
    #[serde(default)]
    pub hangup_source: Option<HangupSource>,
    /// SIP response code of the hangup, e.g. `603` (`call.hangup`).
    #[serde(default)]
    pub sip_hangup_cause: Option<String>,
    /// Quality statistics as sent (`call.hangup`); the values are decimal strings.
    #[serde(default)]
    pub call_quality_stats: Option<Value>,
    /// Custom SIP headers.
    #[serde(default, deserialize_with = "null_default")]
    pub custom_headers: Vec<SipHeader>,
    /// Tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(body: &str) -> Reason {
        decode(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn unknown_event_keeps_raw_payload_and_unknown_fields_are_ignored() {
        let e = decode(
            br#"{"data":{"id":"e","event_type":"verify.delivered","payload":{"x":[1,2]},"new":1},"meta":{"attempt":2,"extra":true},"top":0}"#,
        )
        .unwrap();
        assert_eq!(
            e.data.event_type,
            EventType::Unknown("verify.delivered".into())
        );
        assert_eq!(
            e.data.payload,
            Payload::Unknown(serde_json::json!({"x": [1, 2]}))
        );
        assert_eq!(e.attempt(), Some(2));
    }

    #[test]
    fn paths_point_into_the_payload() {
        let r = reason(
            r#"{"data":{"id":"e","event_type":"message.sent","payload":{"to":[{"status":5}]}}}"#,
        );
        assert!(
            matches!(&r, Reason::InvalidJson { path, .. } if path == "data.payload.to[0].status"),
            "{r:?}"
        );
        let r = reason(r#"{"data":{"event_type":"call.hangup","payload":{}}}"#);
        assert!(
            matches!(&r, Reason::InvalidJson { path, problem } if path == "data" && problem.contains("id")),
            "{r:?}"
        );
        let r = reason(r#"{"data":{"id":"e","event_type":"call.hangup"}}"#);
        assert!(
            matches!(&r, Reason::InvalidJson { path, .. } if path == "data.payload"),
            "{r:?}"
        );
        let r = reason("not json");
        assert!(
            matches!(&r, Reason::InvalidJson { path, .. } if path == "."),
            "{r:?}"
        );
    }
}
