//! Webhook deliveries as stored (serialized API objects with the filter texts located in
//! them), the account's endpoint and the deliveries the emulator made.

use std::collections::HashMap;
use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A webhook delivery: its API object stored serialized (compact JSON), which is also where the
/// `webhook` and `attempts` texts that filters search in live.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Lowercase UUID.
    pub id: String,
    /// `delivered` or `failed`.
    pub status: &'static str,
    /// Event type.
    pub event_type: Box<str>,
    /// First attempt start.
    pub started_at: DateTime<Utc>,
    /// Last attempt end.
    pub finished_at: DateTime<Utc>,
    /// The serialized API object, then any filter text not found verbatim inside it.
    text: Box<str>,
    json_len: u32,
    webhook_at: Range<u32>,
    attempts_at: Range<u32>,
}

/// Where `part`, the value of member `key` of the object serialized in `buf[..within]`, occurs
/// in it; appended to `buf` if it does not occur (never expected).
fn locate(buf: &mut String, within: usize, key: &str, part: &str) -> Range<u32> {
    let member = format!("\"{key}\":");
    let direct = buf[..within]
        .match_indices(&member)
        .map(|(at, _)| at + member.len())
        .find(|at| buf[*at..within].starts_with(part));
    let at = direct
        .or_else(|| buf[..within].find(part))
        .unwrap_or_else(|| {
            let at = buf.len();
            buf.push_str(part);
            at
        });
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    to_u32(at)..to_u32(at + part.len())
}

impl Webhook {
    /// Builds a delivery from its API object and its `webhook` and `attempts` members.
    pub fn new(
        id: String,
        status: &'static str,
        event_type: Box<str>,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
        json: &Value,
    ) -> Webhook {
        let mut buf = json.to_string();
        let json_len = buf.len();
        let webhook = json
            .get("webhook")
            .map(Value::to_string)
            .unwrap_or_default();
        let attempts = json
            .get("attempts")
            .map(Value::to_string)
            .unwrap_or_default();
        let webhook_at = locate(&mut buf, json_len, "webhook", &webhook);
        let attempts_at = locate(&mut buf, json_len, "attempts", &attempts);
        Webhook {
            id,
            status,
            event_type,
            started_at,
            finished_at,
            text: buf.into_boxed_str(),
            json_len: u32::try_from(json_len).unwrap_or(u32::MAX),
            webhook_at,
            attempts_at,
        }
    }

    /// Rebuilds a delivery from its API object (as recorded by webhook delivery); `None` when
    /// `id`, `started_at` or `finished_at` is missing.
    pub fn from_json(json: &Value) -> Option<Webhook> {
        let id = json.get("id")?.as_str()?.to_string();
        let status = match json.get("status").and_then(Value::as_str) {
            Some("delivered") => "delivered",
            _ => "failed",
        };
        let event_type = json
            .pointer("/webhook/event_type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .into();
        let time = |k: &str| {
            json.get(k)
                .and_then(Value::as_str)
                .and_then(crate::util::parse_time)
        };
        let (started, finished) = (time("started_at")?, time("finished_at")?);
        Some(Webhook::new(
            id, status, event_type, started, finished, json,
        ))
    }

    fn part(&self, r: &Range<u32>) -> &str {
        self.text
            .get(r.start as usize..r.end as usize)
            .unwrap_or("")
    }

    /// The API object, serialized.
    pub fn json(&self) -> &str {
        self.part(&(0..self.json_len))
    }

    /// Serialized `webhook` object, for `filter[webhook][contains]`.
    pub fn webhook_text(&self) -> &str {
        self.part(&self.webhook_at)
    }

    /// Serialized `attempts`, for `filter[attempts][contains]`.
    pub fn attempts_text(&self) -> &str {
        self.part(&self.attempts_at)
    }
}

/// The account's webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Primary URL.
    pub url: String,
    /// Failover URL.
    #[serde(default)]
    pub failover_url: Option<String>,
}

/// Webhook settings and the deliveries made by the emulator (the seeded ones are in
/// [`AccountData::webhooks`]).
#[derive(Debug, Default)]
pub struct WebhookState {
    /// Where events go; `None`: nowhere (no delivery is made or recorded).
    pub endpoint: Option<Endpoint>,
    /// Deliveries made, oldest first by `started_at` (all newer than the seeded ones).
    pub live: Vec<Webhook>,
    /// `started_at` of each live delivery by id, to find it in `live` by binary search.
    pub live_at: HashMap<String, DateTime<Utc>>,
}

impl WebhookState {
    /// Position in `live` of the delivery with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        let at = *self.live_at.get(id)?;
        let from = self.live.partition_point(|w| w.started_at < at);
        self.live[from..]
            .iter()
            .take_while(|w| w.started_at == at)
            .position(|w| w.id == id)
            .map(|i| from + i)
    }
}

/// Positions of `webhooks` ordered by id (see [`AccountData::webhooks_by_id`]).
pub fn index_webhooks(webhooks: &[Webhook]) -> Vec<u32> {
    let mut index: Vec<u32> = (0..webhooks.len())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    index.sort_unstable_by(|&a, &b| webhooks[a as usize].id.cmp(&webhooks[b as usize].id));
    index
}
