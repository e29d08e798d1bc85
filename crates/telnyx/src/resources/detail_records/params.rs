//! The parameters of `GET /detail_records`: the record type, date range, field filters,
//! sort and page, checked and encoded in the official SDK's order.

use std::fmt;
use std::str::FromStr;

use crate::query::Query;
use crate::resources::shared::{
    check_page, param_enum, query_params, ParseParamError, QueryField, WireValue,
};
use crate::violation::{Rule, Violation};

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
    /// Filters, sort and page options for [`DetailRecordsApi::list`](crate::DetailRecordsApi::list).
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
