//! `GET /detail_records`: usage detail records of one record type, filtered and sorted.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};

use super::shared::{
    check_page, lenient_decimal, param_enum, query_params, server_enum, typed, ParseParamError,
    QueryField, WireValue,
};
use crate::pagination::{list, ListRequest};
use crate::query::Query;
use crate::violation::{Rule, Violation};
use crate::{Client, Money};

/// The largest page the detail records endpoint serves.
pub const MAX_DETAIL_RECORDS_PAGE_SIZE: u32 = 50;

macro_rules! record_types {
    ($( $(#[$m:meta])* $variant:ident = $wire:literal ),+ $(,)?) => {
        /// The record type to search (`filter[record_type]`, required by the API).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum DetailRecordType {
            $( $(#[$m])* $variant, )+
            /// Any other value, sent verbatim (must not be empty).
            Other(String),
        }

        impl DetailRecordType {
            /// Every documented record type.
            pub const ALL: &'static [DetailRecordType] = &[ $( Self::$variant, )+ ];

            /// The filter value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(other) => other.as_str(),
                }
            }
        }

        impl From<&str> for DetailRecordType {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }
    };
}

record_types! {
    /// `ai-voice-assistant`
    AiVoiceAssistant = "ai-voice-assistant",
    /// `amd`
    Amd = "amd",
    /// `call-control`
    CallControl = "call-control",
    /// `conference`
    Conference = "conference",
    /// `conference-participant`
    ConferenceParticipant = "conference-participant",
    /// `embedding`
    Embedding = "embedding",
    /// `fax`
    Fax = "fax",
    /// `inference`
    Inference = "inference",
    /// `inference-speech-to-text`
    InferenceSpeechToText = "inference-speech-to-text",
    /// `media_storage`
    MediaStorage = "media_storage",
    /// `media-streaming`
    MediaStreaming = "media-streaming",
    /// `messaging`
    Messaging = "messaging",
    /// `noise-suppression`
    NoiseSuppression = "noise-suppression",
    /// `recording`
    Recording = "recording",
    /// `sip-trunking`
    SipTrunking = "sip-trunking",
    /// `siprec-client`
    SiprecClient = "siprec-client",
    /// `stt`
    Stt = "stt",
    /// `tts`
    Tts = "tts",
    /// `verify`
    Verify = "verify",
    /// `webrtc`
    Webrtc = "webrtc",
    /// `wireless`
    Wireless = "wireless",
}

impl FromStr for DetailRecordType {
    type Err = std::convert::Infallible;
    /// Known values map to their variant, anything else to `Other`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(value))
    }
}

impl fmt::Display for DetailRecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user-friendly date range (`filter[date_range]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateRange {
    /// `yesterday`
    Yesterday,
    /// `today`
    Today,
    /// `tomorrow`
    Tomorrow,
    /// `last_week`
    LastWeek,
    /// `this_week`
    ThisWeek,
    /// `next_week`
    NextWeek,
    /// `last_month`
    LastMonth,
    /// `this_month`
    ThisMonth,
    /// `next_month`
    NextMonth,
    /// `last_N_days`
    LastNDays(u32),
}

impl DateRange {
    /// The value as sent on the wire.
    pub fn as_wire(&self) -> String {
        let name = match self {
            Self::Yesterday => "yesterday",
            Self::Today => "today",
            Self::Tomorrow => "tomorrow",
            Self::LastWeek => "last_week",
            Self::ThisWeek => "this_week",
            Self::NextWeek => "next_week",
            Self::LastMonth => "last_month",
            Self::ThisMonth => "this_month",
            Self::NextMonth => "next_month",
            Self::LastNDays(n) => return format!("last_{n}_days"),
        };
        name.to_owned()
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_wire())
    }
}

impl FromStr for DateRange {
    type Err = ParseParamError;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(match value {
            "yesterday" => Self::Yesterday,
            "today" => Self::Today,
            "tomorrow" => Self::Tomorrow,
            "last_week" => Self::LastWeek,
            "this_week" => Self::ThisWeek,
            "next_week" => Self::NextWeek,
            "last_month" => Self::LastMonth,
            "this_month" => Self::ThisMonth,
            "next_month" => Self::NextMonth,
            other => other
                .strip_prefix("last_")
                .and_then(|rest| rest.strip_suffix("_days"))
                .and_then(|n| n.parse::<u32>().ok())
                .map(Self::LastNDays)
                .ok_or_else(|| {
                    ParseParamError::new(format!(
                        "{other:?} is not a date range: expected yesterday, today, tomorrow, \
                         last_week, this_week, next_week, last_month, this_month, next_month \
                         or last_N_days"
                    ))
                })?,
        })
    }
}

param_enum! {
    /// A filter operator (`filter[field][op]`).
    pub enum FilterOp {
        /// Equal (`eq`).
        Eq = "eq",
        /// Contains (`contains`).
        Contains = "contains",
        /// Starts with (`starts_with`).
        StartsWith = "starts_with",
        /// Ends with (`ends_with`).
        EndsWith = "ends_with",
        /// Greater than (`gt`).
        Gt = "gt",
        /// Greater than or equal (`gte`).
        Gte = "gte",
        /// Less than (`lt`).
        Lt = "lt",
        /// Less than or equal (`lte`).
        Lte = "lte",
    }
}

/// A filter on any record field: `filter[field]=value` or `filter[field][op]=value`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldFilter {
    /// The record field, e.g. `cld`.
    pub field: String,
    /// The operator; `None` sends `filter[field]=value`.
    pub op: Option<FilterOp>,
    /// The value, sent as is (dates as `2021-06-22`, etc.).
    pub value: String,
}

impl FieldFilter {
    /// A filter `filter[field][op]=value`, or `filter[field]=value` when `op` is `None`.
    pub fn new(field: impl Into<String>, op: Option<FilterOp>, value: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            op,
            value: value.into(),
        }
    }

    /// Parses `cld[contains]=456` or `direction=inbound`.
    pub fn parse(text: &str) -> Result<FieldFilter, ParseParamError> {
        let bad = || {
            ParseParamError::new(format!(
                "{text:?} is not a filter: write field=value or field[op]=value, e.g. cld[contains]=456"
            ))
        };
        let (key, value) = text.split_once('=').ok_or_else(bad)?;
        let (field, op) = match key.split_once('[') {
            Some((field, rest)) => {
                let op = rest.strip_suffix(']').ok_or_else(bad)?;
                (field, Some(op.parse::<FilterOp>()?))
            }
            None => (key, None),
        };
        if field.is_empty() || field.contains(']') {
            return Err(bad());
        }
        Ok(FieldFilter::new(field, op, value))
    }

    fn key(&self) -> String {
        match self.op {
            Some(op) => format!("filter[{}][{}]", self.field, op.as_str()),
            None => format!("filter[{}]", self.field),
        }
    }
}

impl FromStr for FieldFilter {
    type Err = ParseParamError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FieldFilter::parse(text)
    }
}

/// The operation named by the list's violations.
const LIST: &str = "detail_records.list";

query_params! {
    /// Filters, sort and page options for [`DetailRecordsApi::list`].
    #[derive(Debug, Clone, PartialEq)]
    pub struct DetailRecordListParams {
        /// The record type (`filter[record_type]`), required.
        req record_type: DetailRecordType = "filter[record_type]",
        /// A named date range (`filter[date_range]`).
        opt date_range: DateRange = "filter[date_range]",
        /// Filters on other fields, sent in order after the date range
        /// (`filter[FIELD]` or `filter[FIELD][OP]`).
        custom filters: Vec<FieldFilter> = "filter[FIELD][OP]",
        /// Sort fields, `-` prefix for descending (`sort=-created_at,cld`).
        list sort: String = "sort",
        /// First page to load, 1-based (`page[number]`).
        opt page_number: u32 = "page[number]",
        /// Items per page, 1 to 50 (`page[size]`).
        opt page_size: u32 = "page[size]",
    }
}

impl QueryField for Vec<FieldFilter> {
    fn push_to(&self, _wire: &'static str, query: Query) -> Query {
        self.iter().fold(query, |query, filter| {
            query.push(filter.key(), filter.value.clone())
        })
    }
}

impl WireValue for DetailRecordType {
    fn wire(&self) -> String {
        self.as_str().to_owned()
    }
}

impl WireValue for DateRange {
    fn wire(&self) -> String {
        self.as_wire()
    }
}

impl DetailRecordListParams {
    /// A search of one record type.
    pub fn new(record_type: impl Into<DetailRecordType>) -> Self {
        Self {
            record_type: record_type.into(),
            date_range: None,
            filters: Vec::new(),
            sort: Vec::new(),
            page_number: None,
            page_size: None,
        }
    }
    /// Adds a field filter.
    pub fn filter(mut self, filter: FieldFilter) -> Self {
        self.filters.push(filter);
        self
    }
    /// Replaces the field filters.
    pub fn filters(mut self, filters: impl IntoIterator<Item = FieldFilter>) -> Self {
        self.filters = filters.into_iter().collect();
        self
    }

    /// Checks the rules and builds the query in the official SDK's order: record type,
    /// date range, field filters, sort, page.
    pub(crate) fn to_query(&self) -> Result<Query, Violation> {
        if self.record_type.as_str().trim().is_empty() {
            return Err(Violation::new(
                LIST,
                "record_type",
                Rule::NotEmpty,
                "record_type must not be empty: use one of messaging, verify, call-control, ... \
                 (see DetailRecordType)",
            ));
        }
        check_page(
            LIST,
            self.page_number,
            self.page_size,
            Some(MAX_DETAIL_RECORDS_PAGE_SIZE),
        )?;
        for filter in &self.filters {
            if filter.field.is_empty() || filter.field.contains(['[', ']']) {
                return Err(Violation::new(
                    LIST,
                    "filters",
                    Rule::Format {
                        expected: "a plain field name like cld",
                    },
                    format!(
                        "filter field {:?} must be a plain field name like cld",
                        filter.field
                    ),
                )
                .with_value(&filter.field));
            }
            if filter.field == "record_type" || filter.field == "date_range" {
                let parameter = if filter.field == "record_type" {
                    "record_type"
                } else {
                    "date_range"
                };
                return Err(Violation::new(
                    LIST,
                    "filters",
                    Rule::UseParameter { parameter },
                    format!("set {parameter} through its own parameter, not as a field filter"),
                )
                .with_value(&filter.field));
            }
        }
        if self.sort.iter().any(|s| s.is_empty() || s == "-") {
            return Err(Violation::new(
                LIST,
                "sort",
                Rule::NotEmpty,
                "sort fields must not be empty",
            ));
        }
        Ok(self.query_pairs())
    }
}

impl From<String> for DetailRecordType {
    fn from(value: String) -> Self {
        Self::from(value.as_str())
    }
}

/// One detail record: a oneOf on `record_type`.
///
/// Record types with a schema decode into their typed variant (a typed record that fails to
/// decode is a decode error naming the field); any other `record_type` (call-control, fax, ...)
/// is kept as raw JSON in `Other`.
// Variants are kept unboxed so they read and match like plain structs; a record is ~700 bytes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "record_type")]
pub enum DetailRecord {
    /// `message_detail_record`
    #[serde(rename = "message_detail_record")]
    Message(MessageDetailRecord),
    /// `conference_detail_record`
    #[serde(rename = "conference_detail_record")]
    Conference(ConferenceDetailRecord),
    /// `conference_participant_detail_record`
    #[serde(rename = "conference_participant_detail_record")]
    ConferenceParticipant(ConferenceParticipantDetailRecord),
    /// `amd_detail_record`
    #[serde(rename = "amd_detail_record")]
    Amd(AmdDetailRecord),
    /// `verification_detail_record`
    #[serde(rename = "verification_detail_record")]
    Verify(VerifyDetailRecord),
    /// `sim_card_usage`
    #[serde(rename = "sim_card_usage")]
    SimCardUsage(SimCardUsageDetailRecord),
    /// `media_storage`
    #[serde(rename = "media_storage")]
    MediaStorage(MediaStorageDetailRecord),
    /// A record type without a schema, kept as raw JSON (including its `record_type`).
    #[serde(untagged)]
    Other(serde_json::Value),
}

impl DetailRecord {
    /// The wire `record_type` of this record (e.g. `message_detail_record`), when known.
    pub fn record_type(&self) -> Option<&str> {
        Some(match self {
            Self::Message(_) => "message_detail_record",
            Self::Conference(_) => "conference_detail_record",
            Self::ConferenceParticipant(_) => "conference_participant_detail_record",
            Self::Amd(_) => "amd_detail_record",
            Self::Verify(_) => "verification_detail_record",
            Self::SimCardUsage(_) => "sim_card_usage",
            Self::MediaStorage(_) => "media_storage",
            Self::Other(value) => return value.get("record_type").and_then(|v| v.as_str()),
        })
    }
}

/// Accessors common to every variant, so that aggregation code never matches on the variants.
impl DetailRecord {
    /// The record's id: `id`, or for messaging records (whose schema has none) `uuid`; raw
    /// records read `id`, then `uuid`.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Message(r) => r.id.as_deref().or(r.uuid.as_deref()),
            Self::Conference(r) => r.id.as_deref(),
            Self::ConferenceParticipant(r) => r.id.as_deref(),
            Self::Amd(r) => r.id.as_deref(),
            Self::Verify(r) => r.id.as_deref(),
            Self::SimCardUsage(r) => r.id.as_deref(),
            Self::MediaStorage(r) => r.id.as_deref(),
            Self::Other(v) => ["id", "uuid"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|x| x.as_str())),
        }
    }

    /// When the usage happened: `created_at`, or for the types without one the time the API
    /// dates them by (conference `started_at`, conference participant `joined_at`, AMD
    /// `invoked_at`). Raw records read `created_at`, then `started_at` (call control); a raw
    /// value that is not an RFC 3339 date-time gives `None`.
    pub fn created_at(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            Self::Message(r) => r.created_at,
            Self::Conference(r) => r.started_at,
            Self::ConferenceParticipant(r) => r.joined_at,
            Self::Amd(r) => r.invoked_at,
            Self::Verify(r) => r.created_at,
            Self::SimCardUsage(r) => r.created_at,
            Self::MediaStorage(r) => r.created_at,
            Self::Other(v) => ["created_at", "started_at"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|x| x.as_str()))
                .and_then(|t| crate::timestamp::parse(t).ok()),
        }
    }

    /// What the record cost: `cost`, or the type's own cost field (verify `verify_usage_fee`,
    /// SIM card `data_cost`); `None` for conference records, which carry no cost. Raw records
    /// read `cost` as a decimal string or a JSON number (exactly, never through a float).
    pub fn cost(&self) -> Option<Money> {
        match self {
            Self::Message(r) => r.cost.clone(),
            Self::Conference(_) => None,
            Self::ConferenceParticipant(r) => r.cost.clone(),
            Self::Amd(r) => r.cost.clone(),
            Self::Verify(r) => r.verify_usage_fee.clone(),
            Self::SimCardUsage(r) => r.data_cost.clone(),
            Self::MediaStorage(r) => r.cost.clone(),
            Self::Other(v) => match v.get("cost")? {
                serde_json::Value::String(s) => Money::parse(s).ok(),
                serde_json::Value::Number(n) => Money::parse(&n.to_string()).ok(),
                _ => None,
            },
        }
    }

    /// The currency of [`cost`](DetailRecord::cost), e.g. `USD`.
    pub fn currency(&self) -> Option<&str> {
        match self {
            Self::Message(r) => r.currency.as_deref(),
            Self::Conference(_) => None,
            Self::ConferenceParticipant(r) => r.currency.as_deref(),
            Self::Amd(r) => r.currency.as_deref(),
            Self::Verify(r) => r.currency.as_deref(),
            Self::SimCardUsage(r) => r.currency.as_deref(),
            Self::MediaStorage(r) => r.currency.as_deref(),
            Self::Other(v) => v.get("currency").and_then(|x| x.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for DetailRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let kind = value
            .get("record_type")
            .and_then(|t| t.as_str())
            .map(str::to_owned);
        let Some(kind) = kind else {
            return Ok(DetailRecord::Other(value));
        };
        Ok(match kind.as_str() {
            "message_detail_record" => DetailRecord::Message(typed(value, &kind)?),
            "conference_detail_record" => DetailRecord::Conference(typed(value, &kind)?),
            "conference_participant_detail_record" => {
                DetailRecord::ConferenceParticipant(typed(value, &kind)?)
            }
            "amd_detail_record" => DetailRecord::Amd(typed(value, &kind)?),
            "verification_detail_record" => DetailRecord::Verify(typed(value, &kind)?),
            "sim_card_usage" => DetailRecord::SimCardUsage(typed(value, &kind)?),
            "media_storage" => DetailRecord::MediaStorage(typed(value, &kind)?),
            _ => DetailRecord::Other(value),
        })
    }
}

server_enum! {
    /// Direction of a message.
    pub enum MessageDirection {
        /// Received.
        Inbound = "inbound",
        /// Sent.
        Outbound = "outbound",
    }
}

server_enum! {
    /// Kind of message.
    pub enum MessageType {
        /// SMS.
        Sms = "SMS",
        /// MMS.
        Mms = "MMS",
        /// RCS.
        Rcs = "RCS",
    }
}

server_enum! {
    /// Final status of a message.
    pub enum MessageStatus {
        /// Gateway timeout.
        GwTimeout = "gw_timeout",
        /// Delivered.
        Delivered = "delivered",
        /// Delivery receipt unconfirmed.
        DlrUnconfirmed = "dlr_unconfirmed",
        /// Delivery receipt timeout.
        DlrTimeout = "dlr_timeout",
        /// Received.
        Received = "received",
        /// Rejected by the gateway.
        GwReject = "gw_reject",
        /// Failed.
        Failed = "failed",
    }
}

server_enum! {
    /// AMD feature used.
    pub enum AmdFeature {
        /// Premium AMD.
        Premium = "PREMIUM",
    }
}

server_enum! {
    /// Channel of a verification.
    pub enum VerifyChannelType {
        /// SMS.
        Sms = "sms",
        /// PSD2.
        Psd2 = "psd2",
        /// Voice call.
        Call = "call",
        /// Flash call.
        Flashcall = "flashcall",
    }
}

/// A messaging detail record (`message_detail_record`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MessageDetailRecord {
    /// Record id.
    pub id: Option<String>,
    /// Message uuid.
    pub uuid: Option<String>,
    /// Carrier name.
    pub carrier: Option<String>,
    /// Carrier fee.
    pub carrier_fee: Option<Money>,
    /// Destination number.
    pub cld: Option<String>,
    /// Source number.
    pub cli: Option<String>,
    /// When the message completed.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub completed_at: Option<DateTime<FixedOffset>>,
    /// Cost.
    pub cost: Option<Money>,
    /// Destination country code.
    pub country_code: Option<String>,
    /// When the record was created.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Currency of the cost.
    pub currency: Option<String>,
    /// Delivery status text.
    pub delivery_status: Option<String>,
    /// Failover URL of the delivery status webhook.
    pub delivery_status_failover_url: Option<String>,
    /// URL of the delivery status webhook.
    pub delivery_status_webhook_url: Option<String>,
    /// Direction.
    pub direction: Option<MessageDirection>,
    /// Error codes.
    pub errors: Option<Vec<String>>,
    /// Free-to-end-user message.
    pub fteu: Option<bool>,
    /// Mobile country code.
    pub mcc: Option<String>,
    /// Message type.
    pub message_type: Option<MessageType>,
    /// Mobile network code.
    pub mnc: Option<String>,
    /// Sent on Telnyx's own network.
    pub on_net: Option<bool>,
    /// Number of parts.
    pub parts: Option<u64>,
    /// Messaging profile id.
    pub profile_id: Option<String>,
    /// Messaging profile name.
    pub profile_name: Option<String>,
    /// Rate.
    pub rate: Option<Money>,
    /// When the message was sent.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub sent_at: Option<DateTime<FixedOffset>>,
    /// Source country code.
    pub source_country_code: Option<String>,
    /// Message status.
    pub status: Option<MessageStatus>,
    /// Comma-separated tags.
    pub tags: Option<String>,
    /// When the record was last updated.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Owner user id.
    pub user_id: Option<String>,
}

/// A conference detail record (`conference_detail_record`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ConferenceDetailRecord {
    /// Record id.
    pub id: Option<String>,
    /// Call leg id.
    pub call_leg_id: Option<String>,
    /// Conference duration in seconds.
    pub call_sec: Option<u64>,
    /// Call session id.
    pub call_session_id: Option<String>,
    /// Connection id.
    pub connection_id: Option<String>,
    /// When the conference ended.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// When the conference expires.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub expires_at: Option<DateTime<FixedOffset>>,
    /// Billed by Telnyx.
    pub is_telnyx_billable: Option<bool>,
    /// Conference name.
    pub name: Option<String>,
    /// Total participant seconds.
    pub participant_call_sec: Option<u64>,
    /// Number of participants.
    pub participant_count: Option<u64>,
    /// Region, e.g. `ch1`.
    pub region: Option<String>,
    /// When the conference started.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub started_at: Option<DateTime<FixedOffset>>,
    /// Owner user id.
    pub user_id: Option<String>,
}

/// A conference participant detail record (`conference_participant_detail_record`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ConferenceParticipantDetailRecord {
    /// Record id.
    pub id: Option<String>,
    /// Billed seconds.
    pub billed_sec: Option<u64>,
    /// Call leg id.
    pub call_leg_id: Option<String>,
    /// Call duration in seconds.
    pub call_sec: Option<u64>,
    /// Call session id.
    pub call_session_id: Option<String>,
    /// Conference id.
    pub conference_id: Option<String>,
    /// Cost.
    pub cost: Option<Money>,
    /// Currency of the cost.
    pub currency: Option<String>,
    /// Destination number.
    pub destination_number: Option<String>,
    /// Billed by Telnyx.
    pub is_telnyx_billable: Option<bool>,
    /// When the participant joined.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub joined_at: Option<DateTime<FixedOffset>>,
    /// When the participant left.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub left_at: Option<DateTime<FixedOffset>>,
    /// Originating number.
    pub originating_number: Option<String>,
    /// Rate.
    pub rate: Option<Money>,
    /// Unit of the rate, e.g. `minutes`.
    pub rate_measured_in: Option<String>,
    /// Owner user id.
    pub user_id: Option<String>,
}

/// An answering machine detection record (`amd_detail_record`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AmdDetailRecord {
    /// Record id.
    pub id: Option<String>,
    /// Billing group id.
    pub billing_group_id: Option<String>,
    /// Billing group name.
    pub billing_group_name: Option<String>,
    /// Call leg id.
    pub call_leg_id: Option<String>,
    /// Call session id.
    pub call_session_id: Option<String>,
    /// Connection id.
    pub connection_id: Option<String>,
    /// Connection name.
    pub connection_name: Option<String>,
    /// Cost.
    pub cost: Option<Money>,
    /// Currency of the cost.
    pub currency: Option<String>,
    /// AMD feature.
    pub feature: Option<AmdFeature>,
    /// When AMD was invoked.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub invoked_at: Option<DateTime<FixedOffset>>,
    /// Billed by Telnyx.
    pub is_telnyx_billable: Option<bool>,
    /// Rate.
    pub rate: Option<Money>,
    /// Unit of the rate, e.g. `invocations`.
    pub rate_measured_in: Option<String>,
    /// Comma-separated tags.
    pub tags: Option<String>,
}

/// A verification detail record (`verification_detail_record`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VerifyDetailRecord {
    /// Record id.
    pub id: Option<String>,
    /// When the record was created.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Currency of the fee.
    pub currency: Option<String>,
    /// Delivery status.
    pub delivery_status: Option<String>,
    /// Destination number.
    pub destination_phone_number: Option<String>,
    /// Rate.
    pub rate: Option<Money>,
    /// Unit of the rate.
    pub rate_measured_in: Option<String>,
    /// When the record was last updated.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Verification status.
    pub verification_status: Option<String>,
    /// Channel id.
    pub verify_channel_id: Option<String>,
    /// Channel type.
    pub verify_channel_type: Option<VerifyChannelType>,
    /// Verify profile id.
    pub verify_profile_id: Option<String>,
    /// Usage fee.
    pub verify_usage_fee: Option<Money>,
}

/// A SIM card usage record (`sim_card_usage`).
///
/// `data_cost`, `downlink_data` and `uplink_data` are JSON numbers in the spec; they are kept
/// as exact decimals ([`Money`]), never as floats.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimCardUsageDetailRecord {
    /// Record id.
    pub id: Option<String>,
    /// When the usage window closed.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub closed_at: Option<DateTime<FixedOffset>>,
    /// When the record was created.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Currency of the cost.
    pub currency: Option<String>,
    /// Data cost.
    #[serde(default, deserialize_with = "lenient_decimal::deserialize")]
    pub data_cost: Option<Money>,
    /// Data rate.
    pub data_rate: Option<Money>,
    /// Unit of the data amounts, e.g. `MB`.
    pub data_unit: Option<String>,
    /// Downloaded data, in `data_unit`.
    #[serde(default, deserialize_with = "lenient_decimal::deserialize")]
    pub downlink_data: Option<Money>,
    /// IMSI.
    pub imsi: Option<String>,
    /// IP address.
    pub ip_address: Option<String>,
    /// Mobile country code.
    pub mcc: Option<String>,
    /// Mobile network code.
    pub mnc: Option<String>,
    /// Phone number.
    pub phone_number: Option<String>,
    /// SIM card id.
    pub sim_card_id: Option<String>,
    /// SIM card tags.
    pub sim_card_tags: Option<String>,
    /// SIM group id.
    pub sim_group_id: Option<String>,
    /// SIM group name.
    pub sim_group_name: Option<String>,
    /// Uploaded data, in `data_unit`.
    #[serde(default, deserialize_with = "lenient_decimal::deserialize")]
    pub uplink_data: Option<Money>,
}

/// A media storage record (`media_storage`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MediaStorageDetailRecord {
    /// Record id.
    pub id: Option<String>,
    /// Action, e.g. `upload`.
    pub action_type: Option<String>,
    /// Asset id.
    pub asset_id: Option<String>,
    /// Cost.
    pub cost: Option<Money>,
    /// When the record was created.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Currency of the cost.
    pub currency: Option<String>,
    /// Linked channel id.
    pub link_channel_id: Option<String>,
    /// Linked channel type, e.g. `message`.
    pub link_channel_type: Option<String>,
    /// Organization id.
    pub org_id: Option<String>,
    /// Rate.
    pub rate: Option<Money>,
    /// Unit of the rate, e.g. `events`.
    pub rate_measured_in: Option<String>,
    /// Status, e.g. `failed`.
    pub status: Option<String>,
    /// Owner user id.
    pub user_id: Option<String>,
    /// Webhook id.
    pub webhook_id: Option<String>,
}

/// The detail records endpoint: `client.detail_records()`.
#[derive(Debug, Clone, Copy)]
pub struct DetailRecordsApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The detail records endpoint.
    pub fn detail_records(&self) -> DetailRecordsApi<'_> {
        DetailRecordsApi { client: self }
    }
}

impl DetailRecordsApi<'_> {
    /// `GET /detail_records`: records of one type, paginated; every later page keeps the filters.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use futures::StreamExt;
    /// use telnyx::{DateRange, DetailRecord, DetailRecordListParams, DetailRecordType, FieldFilter};
    /// let client = telnyx::Client::from_env()?;
    /// let params = DetailRecordListParams::new(DetailRecordType::Messaging)
    ///     .date_range(DateRange::Yesterday)
    ///     .filter(FieldFilter::parse("cld[contains]=456")?)
    ///     .sort(["-created_at"]);
    /// let mut records = Box::pin(client.detail_records().list(params).into_stream());
    /// while let Some(record) = records.next().await {
    ///     if let DetailRecord::Message(m) = record? {
    ///         println!("{:?} {:?}", m.cld, m.cost);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self, params: DetailRecordListParams) -> ListRequest<DetailRecord> {
        list(self.client, "/detail_records", params.to_query())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npm_params() -> DetailRecordListParams {
        DetailRecordListParams::new(DetailRecordType::Messaging)
            .date_range(DateRange::Yesterday)
            .filter(FieldFilter::parse("cld[contains]=456").unwrap())
            .sort(["-created_at", "cld"])
            .page_size(2)
    }

    #[test]
    fn query_matches_the_official_sdk() {
        assert_eq!(
            npm_params().to_query().unwrap().encode(),
            "filter%5Brecord_type%5D=messaging&filter%5Bdate_range%5D=yesterday&filter%5Bcld%5D%5Bcontains%5D=456&sort=-created_at%2Ccld&page%5Bsize%5D=2"
        );
    }

    #[test]
    fn rules() {
        assert!(
            DetailRecordListParams::new(DetailRecordType::Other(String::new()))
                .to_query()
                .is_err()
        );
        assert!(npm_params().page_size(51).to_query().is_err());
        assert!(npm_params().page_size(50).to_query().is_ok());
        assert!(npm_params().page_number(0).to_query().is_err());
        assert!(npm_params()
            .filter(FieldFilter::new("", None, "x"))
            .to_query()
            .is_err());
    }

    #[test]
    fn parses_enums_and_filters() {
        assert_eq!(
            "messaging".parse::<DetailRecordType>().unwrap(),
            DetailRecordType::Messaging
        );
        assert_eq!(DetailRecordType::ALL.len(), 21);
        assert_eq!(
            "last_7_days".parse::<DateRange>().unwrap(),
            DateRange::LastNDays(7)
        );
        assert_eq!(DateRange::LastNDays(7).to_string(), "last_7_days");
        assert!("last_x_days".parse::<DateRange>().is_err());
        let f = FieldFilter::parse("direction=inbound").unwrap();
        assert_eq!(
            (f.field.as_str(), f.op, f.value.as_str()),
            ("direction", None, "inbound")
        );
        let f = FieldFilter::parse("created_at[gte]=2021-06-22").unwrap();
        assert_eq!(f.op, Some(FilterOp::Gte));
        assert!(FieldFilter::parse("cld[near]=1").is_err());
        assert!(FieldFilter::parse("cld").is_err());
    }

    #[test]
    fn unknown_record_type_keeps_raw_json() {
        let raw = serde_json::json!({"record_type": "call-control", "call_sec": 5, "x": {"y": 1}});
        let r: DetailRecord = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(r, DetailRecord::Other(raw.clone()));
        assert_eq!(serde_json::to_value(&r).unwrap(), raw);
        assert_eq!(r.record_type(), Some("call-control"));
    }

    #[test]
    fn typed_record_errors_name_the_field() {
        let err = serde_json::from_str::<DetailRecord>(
            r#"{"record_type":"message_detail_record","parts":"two"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("message_detail_record") && err.contains("parts"),
            "{err}"
        );
    }

    #[test]
    fn common_accessors_cover_every_variant() {
        let m: DetailRecord = serde_json::from_str(
            r#"{"record_type":"message_detail_record","uuid":"u1","created_at":"2026-11-02T10:00:00Z","cost":"0.0080","currency":"USD"}"#,
        )
        .unwrap();
        assert_eq!(m.id(), Some("u1"));
        assert_eq!(m.cost().unwrap().as_str(), "0.0080");
        assert_eq!(m.currency(), Some("USD"));
        assert_eq!(
            m.created_at().unwrap().to_rfc3339(),
            "2026-11-02T10:00:00+00:00"
        );
        let v: DetailRecord = serde_json::from_str(
            r#"{"record_type":"verification_detail_record","id":"v","verify_usage_fee":"0.0500","currency":"EUR"}"#,
        )
        .unwrap();
        assert_eq!(v.cost().unwrap().as_str(), "0.0500");
        let c: DetailRecord = serde_json::from_str(
            r#"{"record_type":"conference_detail_record","id":"c","started_at":"2026-11-02T10:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!((c.cost(), c.currency()), (None, None));
        assert!(c.created_at().is_some());
        let s: DetailRecord = serde_json::from_str(
            r#"{"record_type":"sim_card_usage","id":"s","data_cost":0.029283,"currency":"USD"}"#,
        )
        .unwrap();
        assert_eq!(s.cost().unwrap().as_str(), "0.029283");
        let raw: DetailRecord = serde_json::from_str(
            r#"{"record_type":"call_control_detail_record","id":"cc","started_at":"2026-11-02T10:00:00Z","cost":"0.0140","currency":"USD"}"#,
        )
        .unwrap();
        assert_eq!(raw.id(), Some("cc"));
        assert_eq!(raw.cost().unwrap().as_str(), "0.0140");
        assert!(raw.created_at().is_some());
        let bad: DetailRecord =
            serde_json::from_str(r#"{"record_type":"fax","created_at":"yesterday","cost":[1]}"#)
                .unwrap();
        assert_eq!((bad.created_at(), bad.cost(), bad.id()), (None, None, None));
    }

    #[test]
    fn sim_card_numbers_stay_exact() {
        let r: DetailRecord = serde_json::from_str(
            r#"{"record_type":"sim_card_usage","data_cost":0.029283,"downlink_data":0.124,"uplink_data":0.7653,"data_rate":"0.06000"}"#,
        )
        .unwrap();
        let DetailRecord::SimCardUsage(s) = r else {
            panic!("not a sim card record")
        };
        assert_eq!(s.data_cost.unwrap().as_str(), "0.029283");
        assert_eq!(s.data_rate.unwrap().as_str(), "0.06000");
        let back = serde_json::to_value(DetailRecord::SimCardUsage(SimCardUsageDetailRecord {
            uplink_data: None,
            ..serde_json::from_str(r#"{"id":"x"}"#).unwrap()
        }))
        .unwrap();
        assert_eq!(back["record_type"], "sim_card_usage");
    }
}
