//! `list_webhook_deliveries`: failed deliveries by default, counted by status, HTTP status and
//! URL, then compact rows.

use chrono::{DateTime, FixedOffset, Utc};
use futures::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{Client, WebhookDelivery, WebhookDeliveryListParams, WebhookDeliveryStatus};

use crate::answer::{Count, Counter, ListInfo, Window};
use crate::capped_rows;
use crate::error::ToolError;

/// Values listed in each count.
pub const TOP_VALUES: usize = 10;

/// `list_webhook_deliveries` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesInput {
    /// failed (default), delivered, or any.
    #[serde(default)]
    pub status: Option<String>,
    /// Only these event types, e.g. ["message.finalized"].
    #[serde(default)]
    pub event_types: Vec<String>,
    /// Only deliveries whose first attempt started at or after this time (RFC 3339).
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Only deliveries whose first attempt started at or before this time (RFC 3339).
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// Rows to return (default 20, at most 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// next_cursor of the previous answer, to get the next rows.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Figures over every matching delivery.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DeliveryCounts {
    /// By final status.
    pub by_status: Vec<Count>,
    /// By the last attempt's HTTP status ("(none)": no response, e.g. connection refused).
    pub by_http_status: Vec<Count>,
    /// By the last attempt's URL.
    pub by_url: Vec<Count>,
    /// By event type.
    pub by_event_type: Vec<Count>,
    /// When the earliest failed delivery started.
    pub first_failure_at: Option<DateTime<FixedOffset>>,
    /// When the latest failed delivery started.
    pub last_failure_at: Option<DateTime<FixedOffset>>,
}

/// One delivery, compact.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DeliveryRow {
    /// Delivery id.
    pub id: Option<String>,
    /// delivered or failed.
    pub status: Option<String>,
    /// The event type.
    pub event_type: Option<String>,
    /// When the first attempt started.
    pub started_at: Option<DateTime<FixedOffset>>,
    /// How many attempts were made.
    pub attempts: u64,
    /// The last attempt's URL.
    pub last_url: Option<String>,
    /// The last attempt's HTTP status.
    pub last_http_status: Option<u16>,
    /// The last attempt's error codes (75499 non-2xx, 75001 DNS, 75002 connection, 75003 timeout).
    pub last_errors: Vec<String>,
}

/// Webhook deliveries: counts, then rows.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct DeliveriesAnswer {
    /// The status filter used.
    pub status: String,
    /// The since bound used, if any.
    pub since: Option<DateTime<Utc>>,
    /// The until bound used, if any.
    pub until: Option<DateTime<Utc>>,
    /// Figures over every matching delivery.
    pub counts: DeliveryCounts,
    /// Compact rows, in the API's order.
    pub rows: Vec<DeliveryRow>,
    /// Paging.
    pub list: ListInfo,
}
capped_rows!(DeliveriesAnswer);

/// Webhook deliveries (failed ones unless told otherwise): where and how they failed.
pub async fn list_webhook_deliveries(
    client: &Client,
    input: DeliveriesInput,
) -> Result<DeliveriesAnswer, ToolError> {
    let status = input
        .status
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "failed".to_string());
    let wanted = match status.as_str() {
        "failed" => Some(WebhookDeliveryStatus::Failed),
        "delivered" => Some(WebhookDeliveryStatus::Delivered),
        "any" => None,
        other => {
            return Err(ToolError::invalid(format!(
                "status {other:?} is unknown: send failed, delivered or any"
            )))
        }
    };
    let window = Window::new(
        "list_webhook_deliveries",
        &(&status, &input.event_types, &input.since, &input.until),
        input.limit,
        input.cursor.as_deref(),
    )?;
    let mut params = WebhookDeliveryListParams::default().page_size(250);
    params.status = wanted;
    params.event_types = input
        .event_types
        .iter()
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect();
    params.started_at_gte = input.since;
    params.started_at_lte = input.until;
    let mut stream = std::pin::pin!(client.webhook_deliveries().list(params).into_stream());
    let (mut by_status, mut by_http, mut by_url, mut by_event) = (
        Counter::default(),
        Counter::default(),
        Counter::default(),
        Counter::default(),
    );
    let (mut first_failure_at, mut last_failure_at) = (None, None);
    let (mut total, mut rows) = (0u64, Vec::new());
    while let Some(d) = stream.try_next().await? {
        let row = row(&d);
        by_status.add(row.status.as_deref());
        by_http.add(row.last_http_status.map(|s| s.to_string()).as_deref());
        by_url.add(row.last_url.as_deref());
        by_event.add(row.event_type.as_deref());
        if d.status == Some(WebhookDeliveryStatus::Failed) {
            if let Some(at) = d.started_at {
                first_failure_at =
                    Some(first_failure_at.map_or(at, |f: DateTime<FixedOffset>| f.min(at)));
                last_failure_at =
                    Some(last_failure_at.map_or(at, |l: DateTime<FixedOffset>| l.max(at)));
            }
        }
        if window.contains(total) {
            rows.push(row);
        }
        total += 1;
    }
    Ok(DeliveriesAnswer {
        status,
        since: input.since,
        until: input.until,
        counts: DeliveryCounts {
            by_status: by_status.top(TOP_VALUES),
            by_http_status: by_http.top(TOP_VALUES),
            by_url: by_url.top(TOP_VALUES),
            by_event_type: by_event.top(TOP_VALUES),
            first_failure_at,
            last_failure_at,
        },
        list: window.info(total, rows.len()),
        rows,
    })
}

fn row(d: &WebhookDelivery) -> DeliveryRow {
    // Attempts are newest first.
    let last = d.attempts.first();
    let http = last.and_then(|a| a.http.as_ref());
    DeliveryRow {
        id: d.id.clone(),
        status: d.status.as_ref().map(|s| s.as_str().to_string()),
        event_type: d.webhook.as_ref().and_then(|w| w.event_type.clone()),
        started_at: d.started_at,
        attempts: d.attempts.len() as u64,
        last_url: http
            .and_then(|h| h.request.as_ref())
            .and_then(|r| r.url.clone()),
        last_http_status: http
            .and_then(|h| h.response.as_ref())
            .and_then(|r| r.status),
        last_errors: last.map(|a| a.error_codes()).unwrap_or_default(),
    }
}
