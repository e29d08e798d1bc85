//! `search_detail_records`: aggregates over every matching usage record first (count, cost, top
//! destinations and statuses), then a few sample rows.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use futures::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{
    Client, DateRange, Decimal, DetailRecord, DetailRecordListParams, DetailRecordType,
    FieldFilter, FilterOp,
};

use crate::answer::{Amount, Count, Counter, ListInfo, Window};
use crate::capped_rows;
use crate::error::ToolError;

/// Sample rows when the caller does not ask for a number.
pub const DEFAULT_SAMPLE: u32 = 5;
/// Values listed in each top-N count.
pub const TOP_VALUES: usize = 10;
/// Pages fetched ahead while scanning.
pub const PREFETCH: usize = 4;

/// One field filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldFilterInput {
    /// A field of the record type, e.g. "cld" (destination number), "direction", "status".
    pub field: String,
    /// eq (default), contains, starts_with, ends_with, gt, gte, lt, lte.
    #[serde(default)]
    pub op: Option<String>,
    /// The value to compare with.
    pub value: String,
}

/// `search_detail_records` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchInput {
    /// The usage type: messaging, call-control, conference, conference-participant, amd, verify, wireless, media_storage, sip-trunking, fax, ... (the detail-record filter values).
    pub record_type: String,
    /// A named range: today, yesterday, this_week, last_week, this_month, last_month, or last_N_days (e.g. last_7_days). Leave out for all time.
    #[serde(default)]
    pub date_range: Option<String>,
    /// Only records at or after this time (RFC 3339).
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Only records before this time (RFC 3339).
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// Field filters, all of which must match.
    #[serde(default)]
    pub filters: Vec<FieldFilterInput>,
    /// Sample rows to return (default 5, at most 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// next_cursor of the previous answer, to get the next sample rows.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Figures over every matching record.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RecordAggregates {
    /// Matching records.
    pub count: u64,
    /// Their total cost, one entry per currency.
    pub cost: Vec<Amount>,
    /// Records without a cost (e.g. conferences).
    pub without_cost: u64,
    /// The most frequent destinations (cld / destination number).
    pub top_destinations: Vec<Count>,
    /// The most frequent statuses.
    pub top_statuses: Vec<Count>,
    /// The earliest record's time.
    pub first_at: Option<DateTime<FixedOffset>>,
    /// The latest record's time.
    pub last_at: Option<DateTime<FixedOffset>>,
}

/// One record, compact.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RecordRow {
    /// Record id.
    pub id: Option<String>,
    /// When the usage happened.
    pub at: Option<DateTime<FixedOffset>>,
    /// What it cost.
    pub cost: Option<Amount>,
    /// Destination (cld / destination number).
    pub destination: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// The wire record type, e.g. message_detail_record.
    pub record_type: Option<String>,
}

/// Usage records: aggregates, then sample rows.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SearchAnswer {
    /// The record type searched.
    pub record_type: String,
    /// The named date range used, if any.
    pub date_range: Option<String>,
    /// The since bound used, if any.
    pub since: Option<DateTime<Utc>>,
    /// The until bound used, if any.
    pub until: Option<DateTime<Utc>>,
    /// Figures over every matching record.
    pub aggregates: RecordAggregates,
    /// Sample rows, in the API's order (newest first).
    pub rows: Vec<RecordRow>,
    /// Paging over the rows.
    pub list: ListInfo,
}
capped_rows!(SearchAnswer);

/// The time field the API dates a record type by.
fn time_field(record_type: &str) -> &'static str {
    match record_type {
        "conference" => "started_at",
        "conference-participant" => "joined_at",
        "amd" => "invoked_at",
        _ => "created_at",
    }
}

fn params(input: &SearchInput) -> Result<DetailRecordListParams, ToolError> {
    let ty = input.record_type.trim();
    if ty.is_empty() {
        return Err(ToolError::invalid(format!(
            "record_type is empty: send one of {}",
            DetailRecordType::ALL
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut p = DetailRecordListParams::new(ty).page_size(50);
    if let Some(range) = input.date_range.as_deref().filter(|r| !r.is_empty()) {
        let parsed: DateRange = range.parse().map_err(|_| {
            ToolError::invalid(format!(
                "date_range {range:?} is not a named range: send today, yesterday, this_week, \
                 last_week, this_month, last_month or last_N_days (e.g. last_7_days), or use \
                 since/until"
            ))
        })?;
        p.date_range = Some(parsed);
    }
    let field = time_field(ty);
    let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    if let Some(since) = &input.since {
        p = p.filter(FieldFilter::new(field, Some(FilterOp::Gte), time(since)));
    }
    if let Some(until) = &input.until {
        p = p.filter(FieldFilter::new(field, Some(FilterOp::Lt), time(until)));
    }
    if let (Some(s), Some(u)) = (&input.since, &input.until) {
        if s >= u {
            return Err(ToolError::invalid(format!(
                "since {s} is not before until {u}: send a since earlier than until"
            )));
        }
    }
    for f in &input.filters {
        let op = match f.op.as_deref().filter(|o| !o.is_empty()) {
            None => None,
            Some(text) => Some(text.parse::<FilterOp>().map_err(|_| {
                ToolError::invalid(format!(
                    "filter on {:?}: op {text:?} is unknown: send eq, contains, starts_with, \
                     ends_with, gt, gte, lt or lte",
                    f.field
                ))
            })?),
        };
        let field = f.field.trim();
        if field.is_empty() || field.contains(['[', ']']) {
            return Err(ToolError::invalid(format!(
                "filter field {:?} is not a field name: send a plain field of the record type, \
                 e.g. cld or direction",
                f.field
            )));
        }
        p = p.filter(FieldFilter::new(field, op, f.value.clone()));
    }
    Ok(p)
}

/// Counts, cost and top values over every matching record, then sample rows.
pub async fn search_detail_records(
    client: &Client,
    input: SearchInput,
) -> Result<SearchAnswer, ToolError> {
    let fingerprint_args = (
        &input.record_type,
        &input.date_range,
        &input.since,
        &input.until,
        &input.filters,
    );
    let mut window = Window::new(
        "search_detail_records",
        &fingerprint_args,
        Some(input.limit.unwrap_or(DEFAULT_SAMPLE)),
        input.cursor.as_deref(),
    )?;
    window.limit = window.limit.max(1);
    let params = params(&input)?;
    let mut stream = std::pin::pin!(client
        .detail_records()
        .list(params)
        .concurrency(PREFETCH)
        .into_stream());
    let mut count = 0u64;
    let mut costs: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut without_cost = 0u64;
    let (mut destinations, mut statuses) = (Counter::default(), Counter::default());
    let (mut first_at, mut last_at) = (None, None);
    let mut rows = Vec::new();
    while let Some(record) = stream.try_next().await? {
        let (destination, status) = destination_and_status(&record);
        destinations.add(destination.as_deref());
        statuses.add(status.as_deref());
        let cost = record.cost();
        let currency = record.currency().unwrap_or("USD").to_string();
        match &cost {
            Some(c) => *costs.entry(currency.clone()).or_default() += c.to_decimal(),
            None => without_cost += 1,
        }
        let at = record.created_at();
        if let Some(at) = at {
            first_at = Some(first_at.map_or(at, |f: DateTime<FixedOffset>| f.min(at)));
            last_at = Some(last_at.map_or(at, |l: DateTime<FixedOffset>| l.max(at)));
        }
        if window.contains(count) {
            rows.push(RecordRow {
                id: record.id().map(str::to_string),
                at,
                cost: cost.map(|c| Amount::money(&c, &currency)),
                destination,
                status,
                record_type: record.record_type().map(str::to_string),
            });
        }
        count += 1;
    }
    Ok(SearchAnswer {
        record_type: input.record_type.trim().to_string(),
        date_range: input.date_range.clone(),
        since: input.since,
        until: input.until,
        aggregates: RecordAggregates {
            count,
            cost: costs
                .into_iter()
                .map(|(currency, v)| Amount::new(v, &currency))
                .collect(),
            without_cost,
            top_destinations: destinations.top(TOP_VALUES),
            top_statuses: statuses.top(TOP_VALUES),
            first_at,
            last_at,
        },
        list: window.info(count, rows.len()),
        rows,
    })
}

/// The destination and status of any record type: typed fields for messages, the usual
/// field names of the raw JSON otherwise.
fn destination_and_status(record: &DetailRecord) -> (Option<String>, Option<String>) {
    if let DetailRecord::Message(m) = record {
        return (
            m.cld.clone(),
            m.status.as_ref().map(|s| s.as_str().to_string()),
        );
    }
    let Ok(value) = serde_json::to_value(record) else {
        return (None, None);
    };
    let pick = |keys: &[&str]| {
        keys.iter().find_map(|k| match value.get(*k) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        })
    };
    (
        pick(&[
            "cld",
            "destination_number",
            "to",
            "phone_number",
            "sim_card_id",
        ]),
        pick(&[
            "status",
            "delivery_status",
            "result",
            "call_status",
            "hangup_cause",
        ]),
    )
}
