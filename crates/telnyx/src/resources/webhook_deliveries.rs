//! `GET /webhook_deliveries` and `GET /webhook_deliveries/{id}`.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::shared::{check_page, query_params, server_enum};
use crate::pagination::{list, ListRequest};
use crate::query::Query;
use crate::request::{get, path_with_id, Request};
use crate::violation::{Rule, Violation};
use crate::Client;

/// The largest page the webhook deliveries endpoint serves.
pub const MAX_WEBHOOK_DELIVERIES_PAGE_SIZE: u32 = 250;

server_enum! {
    /// Outcome of a webhook delivery or of one attempt.
    pub enum WebhookDeliveryStatus {
        /// Delivered.
        Delivered = "delivered",
        /// Failed.
        Failed = "failed",
    }
}

/// A webhook delivery: one event and every attempt to deliver it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookDelivery {
    /// Delivery id.
    pub id: Option<String>,
    /// Owner user id.
    pub user_id: Option<String>,
    /// Always `webhook_delivery`.
    pub record_type: Option<String>,
    /// Final outcome.
    pub status: Option<WebhookDeliveryStatus>,
    /// When the first attempt started.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub started_at: Option<DateTime<FixedOffset>>,
    /// When the last attempt finished.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub finished_at: Option<DateTime<FixedOffset>>,
    /// The webhook that was delivered.
    pub webhook: Option<WebhookEvent>,
    /// Attempts, most recent first.
    #[serde(default)]
    pub attempts: Vec<WebhookDeliveryAttempt>,
}

/// The delivered webhook.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookEvent {
    /// Event id.
    pub id: Option<String>,
    /// Event type, e.g. `call_initiated`.
    pub event_type: Option<String>,
    /// When the event occurred.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub occurred_at: Option<DateTime<FixedOffset>>,
    /// The event payload; fields vary by event type.
    pub payload: Option<serde_json::Value>,
    /// Always `event`.
    pub record_type: Option<String>,
}

/// One delivery attempt.
///
/// Decoded leniently: the spec says `errors` are integers but its own examples send objects,
/// so each error is kept as raw JSON (see [`WebhookDeliveryAttempt::error_codes`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookDeliveryAttempt {
    /// Outcome of the attempt.
    pub status: Option<WebhookDeliveryStatus>,
    /// When the attempt started.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub started_at: Option<DateTime<FixedOffset>>,
    /// When the attempt finished.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub finished_at: Option<DateTime<FixedOffset>>,
    /// Errors, as sent: integers (`75499`) or objects (`{"code": "75001", ...}`).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub errors: Vec<serde_json::Value>,
    /// The HTTP exchange.
    pub http: Option<WebhookHttp>,
}

impl WebhookDeliveryAttempt {
    /// The error codes as strings, whether the server sent integers or objects with a `code`.
    pub fn error_codes(&self) -> Vec<String> {
        self.errors
            .iter()
            .filter_map(|e| match e {
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Object(o) => o.get("code").and_then(|c| match c {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }),
                _ => None,
            })
            .collect()
    }
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<serde_json::Value>, D::Error> {
    Ok(Option::<Vec<serde_json::Value>>::deserialize(deserializer)?.unwrap_or_default())
}

/// The HTTP request and response of an attempt.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookHttp {
    /// The request sent.
    pub request: Option<WebhookHttpRequest>,
    /// The response received, absent when there was none.
    pub response: Option<WebhookHttpResponse>,
}

/// The webhook request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookHttpRequest {
    /// The URL called.
    pub url: Option<String>,
    /// The request headers.
    pub headers: Option<HttpHeaders>,
}

/// The webhook response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WebhookHttpResponse {
    /// HTTP status.
    pub status: Option<u16>,
    /// Response headers.
    pub headers: Option<HttpHeaders>,
    /// Raw body, up to 10 kB.
    pub body: Option<String>,
}

/// HTTP headers as the server sent them, kept as raw JSON text.
///
/// The spec says `[[name, value], ...]`, but examples also send `["Name: value"]` strings or a
/// `{name: value}` object; [`HttpHeaders::pairs`] reads all three. The JSON is kept as text
/// (not decoded into a `serde_json::Value` tree) because headers are bulky and rarely read:
/// decoding them on every delivery of a large listing costs a dozen allocations per attempt.
/// [`to_value`](HttpHeaders::to_value) parses them on demand.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HttpHeaders(Box<RawValue>);

impl PartialEq for HttpHeaders {
    /// Equal when the JSON values are equal (whitespace and number spelling aside).
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get() || self.to_value() == other.to_value()
    }
}

impl From<serde_json::Value> for HttpHeaders {
    fn from(value: serde_json::Value) -> Self {
        HttpHeaders::new(&value)
    }
}

impl HttpHeaders {
    /// Headers from a JSON value (any of the shapes [`pairs`](HttpHeaders::pairs) reads).
    pub fn new(value: &serde_json::Value) -> Self {
        HttpHeaders(
            serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned()),
        )
    }

    /// The JSON text as the server sent it.
    pub fn raw_json(&self) -> &str {
        self.0.get()
    }

    /// The headers as a JSON value, parsed on each call.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.0.get()).unwrap_or(serde_json::Value::Null)
    }

    /// The headers as `(name, value)` pairs, in order; entries of unknown shape are skipped.
    pub fn pairs(&self) -> Vec<(String, String)> {
        use serde_json::Value;
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match &self.to_value() {
            Value::Array(items) => items
                .iter()
                .filter_map(|item| match item {
                    Value::Array(pair) => match pair.as_slice() {
                        [name, value, ..] => Some((text(name), text(value))),
                        [name] => Some((text(name), String::new())),
                        [] => None,
                    },
                    Value::String(line) => {
                        let (name, value) = line.split_once(':').unwrap_or((line.as_str(), ""));
                        Some((name.trim().to_owned(), value.trim().to_owned()))
                    }
                    _ => None,
                })
                .collect(),
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
            Value::String(line) => line
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let (name, value) = l.split_once(':').unwrap_or((l, ""));
                    (name.trim().to_owned(), value.trim().to_owned())
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<String> {
        self.pairs()
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
}

query_params! {
    /// Filters and page options for [`WebhookDeliveriesApi::list`].
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct WebhookDeliveryListParams {
        /// Only deliveries with this status (`filter[status][eq]`).
        opt status: WebhookDeliveryStatus = "filter[status][eq]",
        /// Only these event types (`filter[event_type]`, comma-joined).
        list event_types: String = "filter[event_type]",
        /// Started at or after (`filter[started_at][gte]`).
        opt started_at_gte: DateTime<Utc> = "filter[started_at][gte]",
        /// Started at or before (`filter[started_at][lte]`).
        opt started_at_lte: DateTime<Utc> = "filter[started_at][lte]",
        /// Only deliveries whose webhook contains this text (`filter[webhook][contains]`).
        opt_into webhook_contains: String = "filter[webhook][contains]",
        /// Only deliveries whose attempts contain this text (`filter[attempts][contains]`).
        opt_into attempts_contains: String = "filter[attempts][contains]",
        /// Finished at or after (`filter[finished_at][gte]`).
        opt finished_at_gte: DateTime<Utc> = "filter[finished_at][gte]",
        /// Finished at or before (`filter[finished_at][lte]`).
        opt finished_at_lte: DateTime<Utc> = "filter[finished_at][lte]",
        /// First page to load, 1-based (`page[number]`).
        opt page_number: u32 = "page[number]",
        /// Items per page, 1 to 250 (`page[size]`).
        opt page_size: u32 = "page[size]",
    }
}

impl WebhookDeliveryListParams {
    /// Checks the rules and builds the query in the official SDK's order: status, event type,
    /// started_at, webhook, attempts, finished_at, page.
    pub(crate) fn to_query(&self) -> Result<Query, Violation> {
        check_page(
            "webhook_deliveries.list",
            self.page_number,
            self.page_size,
            Some(MAX_WEBHOOK_DELIVERIES_PAGE_SIZE),
        )?;
        for event_type in &self.event_types {
            let rule = if event_type.is_empty() {
                Rule::NotEmpty
            } else if event_type.contains(',') {
                Rule::Excludes { character: ',' }
            } else {
                continue;
            };
            return Err(Violation::new(
                "webhook_deliveries.list",
                "event_types",
                rule,
                "event types must be non-empty and contain no comma",
            )
            .with_value(event_type));
        }
        Ok(self.query_pairs())
    }
}

/// The webhook deliveries endpoint: `client.webhook_deliveries()`.
#[derive(Debug, Clone, Copy)]
pub struct WebhookDeliveriesApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The webhook deliveries endpoint.
    pub fn webhook_deliveries(&self) -> WebhookDeliveriesApi<'_> {
        WebhookDeliveriesApi { client: self }
    }
}

impl WebhookDeliveriesApi<'_> {
    /// `GET /webhook_deliveries`: delivery records, paginated.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// use telnyx::{WebhookDeliveryListParams, WebhookDeliveryStatus};
    /// let client = telnyx::Client::from_env()?;
    /// let params = WebhookDeliveryListParams::default().status(WebhookDeliveryStatus::Failed);
    /// let page = client.webhook_deliveries().list(params).await?;
    /// for delivery in &page.data {
    ///     println!("{:?}: {} attempts", delivery.id, delivery.attempts.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self, params: WebhookDeliveryListParams) -> ListRequest<WebhookDelivery> {
        list(self.client, "/webhook_deliveries", params.to_query())
    }

    /// `GET /webhook_deliveries/{id}`: one delivery with its attempts.
    pub fn retrieve(&self, id: &str) -> Request<WebhookDelivery> {
        match path_with_id("webhook_deliveries.retrieve", "/webhook_deliveries", id) {
            Ok(path) => get(self.client, path, Ok(Query::new())),
            Err(violation) => get(self.client, "", Err(violation)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn query_matches_the_official_sdk() {
        let t = Utc.with_ymd_and_hms(2019, 3, 29, 11, 10, 0).unwrap();
        let p = WebhookDeliveryListParams::default()
            .finished_at_lte(t)
            .attempts_contains("https://x")
            .webhook_contains("call.initiated")
            .started_at_gte(t)
            .event_types(["call_initiated", "call.initiated"])
            .status(WebhookDeliveryStatus::Delivered);
        assert_eq!(
            p.to_query().unwrap().encode(),
            "filter%5Bstatus%5D%5Beq%5D=delivered&filter%5Bevent_type%5D=call_initiated%2Ccall.initiated&filter%5Bstarted_at%5D%5Bgte%5D=2019-03-29T11%3A10%3A00Z&filter%5Bwebhook%5D%5Bcontains%5D=call.initiated&filter%5Battempts%5D%5Bcontains%5D=https%3A%2F%2Fx&filter%5Bfinished_at%5D%5Blte%5D=2019-03-29T11%3A10%3A00Z"
        );
        assert!(WebhookDeliveryListParams::default()
            .page_size(251)
            .to_query()
            .is_err());
    }

    const DELIVERY: &str = r#"{"id":"d1","started_at":"2026-11-28T23:58:26.000Z",
        "attempts":[{"started_at":"2026-11-28T23:58:26Z","finished_at":null,
        "http":{"request":{"url":"https://x","headers":[["Accept","*/*"]]},
        "response":{"status":STATUS,"headers":{"Content-Type":"text/plain"},"body":"OK"}}}]}"#;

    #[test]
    fn raw_headers_decode_and_errors_after_them_name_the_path() {
        let ok = format!(
            r#"{{"data":[{}],"meta":{{"page_number":1}}}}"#,
            DELIVERY.replace("STATUS", "200")
        );
        let (data, _) = crate::pagination::decode_page::<WebhookDelivery>(ok.as_bytes()).unwrap();
        let http = data[0].attempts[0].http.as_ref().unwrap();
        let req = http.request.as_ref().unwrap().headers.as_ref().unwrap();
        assert_eq!(req.get("accept").as_deref(), Some("*/*"));
        assert_eq!(req.raw_json(), r#"[["Accept","*/*"]]"#);
        let resp = http.response.as_ref().unwrap();
        assert_eq!(
            resp.headers
                .as_ref()
                .unwrap()
                .get("content-type")
                .as_deref(),
            Some("text/plain")
        );
        // Round trip through serde_json, as the CLI renders it.
        let v = serde_json::to_value(&data[0]).unwrap();
        assert_eq!(v["attempts"][0]["http"]["request"]["headers"][0][1], "*/*");
        let back: WebhookDelivery = serde_json::from_value(v).unwrap();
        assert_eq!(back, data[0]);

        let bad = format!(r#"{{"data":[{}]}}"#, DELIVERY.replace("STATUS", r#""x""#));
        let err = crate::pagination::decode_page::<WebhookDelivery>(bad.as_bytes()).unwrap_err();
        assert!(
            err.to_string()
                .contains("data[0].attempts[0].http.response.status"),
            "{err}"
        );
        let bad = format!(
            r#"{{"data":[{}]}}"#,
            DELIVERY
                .replace("STATUS", "200")
                .replace("23:58:26Z", "24:58:26Z")
        );
        let err = crate::pagination::decode_page::<WebhookDelivery>(bad.as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("data[0].attempts[0].started_at"),
            "{err}"
        );
    }

    #[test]
    fn headers_in_every_shape() {
        let h = HttpHeaders::from(serde_json::json!([
            ["Content-Type", "text/html"],
            ["Pragma", "no-cache"]
        ]));
        assert_eq!(h.get("pragma").as_deref(), Some("no-cache"));
        let h = HttpHeaders::from(serde_json::json!(["Accept: */*"]));
        assert_eq!(h.pairs(), vec![("Accept".to_owned(), "*/*".to_owned())]);
        let h = HttpHeaders::from(serde_json::json!({"Accept": "*/*"}));
        assert_eq!(h.get("accept").as_deref(), Some("*/*"));
        let h = HttpHeaders::from(serde_json::json!("Accept: */*\r\nX-A: 1"));
        assert_eq!(h.get("x-a").as_deref(), Some("1"));
        assert_eq!(h.raw_json(), r#""Accept: */*\r\nX-A: 1""#);
    }
}
