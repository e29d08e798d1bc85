//! In-memory account state: the data every handler reads and the events that change it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Number, Value};

use crate::config::SeedRequest;
use crate::ledger::Ledger;
use crate::util::{cents_str, dec_str, ts};

/// The type of a detail-record field, which decides how filters compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Str,
    /// Integer.
    Int,
    /// JSON number (only where the schema says `number`).
    Num,
    /// Boolean.
    Bool,
    /// RFC 3339 date-time.
    Time,
    /// Decimal string (money and rates).
    Dec,
    /// Array of strings.
    Arr,
}

/// One field value of a detail record.
///
/// Kept small (24 bytes): strings are shared `Arc<str>` (seeding interns the repeated ones),
/// arrays are boxed slices.
#[derive(Debug, Clone, PartialEq)]
pub enum Fv {
    /// String.
    S(Arc<str>),
    /// Integer.
    I(i64),
    /// Number, carried as a decimal so it is exact.
    N(Decimal),
    /// Boolean.
    B(bool),
    /// Timestamp.
    T(DateTime<Utc>),
    /// Decimal string with the given scale.
    D(Decimal, u32),
    /// String array.
    A(Box<[String]>),
}

impl Fv {
    /// The JSON form.
    pub fn to_json(&self) -> Value {
        match self {
            Fv::S(s) => Value::String(s.to_string()),
            Fv::I(i) => Value::Number((*i).into()),
            Fv::N(d) => {
                let f: f64 = d.to_string().parse().unwrap_or(0.0);
                Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
            Fv::B(b) => Value::Bool(*b),
            Fv::T(t) => Value::String(ts(*t)),
            Fv::D(d, s) => Value::String(dec_str(*d, *s)),
            Fv::A(a) => Value::Array(a.iter().cloned().map(Value::String).collect()),
        }
    }

    /// Appends the text form used by `contains`/`starts_with`/`ends_with` to `out` without allocating (beyond growing `out`).
    pub fn write_text(&self, out: &mut String) {
        match self {
            Fv::S(s) => out.push_str(s),
            Fv::I(i) => {
                let _ = write!(out, "{i}");
            }
            Fv::N(d) => {
                let _ = write!(out, "{}", d.normalize());
            }
            Fv::B(b) => out.push_str(if *b { "true" } else { "false" }),
            Fv::T(t) => write_ts(out, *t),
            Fv::D(d, s) => {
                let mut d = d.round_dp(*s);
                d.rescale(*s);
                let _ = write!(out, "{d}");
            }
            Fv::A(a) => {
                for (i, s) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(s);
                }
            }
        }
    }
}

/// Appends `ts(t)` (RFC 3339, seconds, `Z`) to `out`; allocation-free for years 0-9999.
fn write_ts(out: &mut String, t: DateTime<Utc>) {
    let year = t.year();
    if (0..=9999).contains(&year) && t.nanosecond() < 1_000_000_000 {
        let _ = write!(
            out,
            "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
    } else {
        out.push_str(&ts(t));
    }
}

/// Shares one `Arc<str>` per distinct string (seeding: most record fields repeat a few values).
#[derive(Debug, Default)]
pub struct Interner {
    map: HashMap<Box<str>, Arc<str>, std::hash::BuildHasherDefault<WordHasher>>,
    /// The last result per input address (mostly literals): checked by content, so only a
    /// shortcut past hashing.
    recent: Vec<Option<Arc<str>>>,
}

/// A word-at-a-time multiplicative hasher (the interner's keys are short and trusted).
#[derive(Debug, Default, Clone, Copy)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let mut w = [0u8; 8];
        let tail = chunks.remainder();
        w[..tail.len()].copy_from_slice(tail);
        self.add(u64::from_le_bytes(w) ^ ((tail.len() as u64) << 56));
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Interner {
    /// The shared copy of `s`.
    pub fn get(&mut self, s: &str) -> Arc<str> {
        const RECENT: usize = 64;
        if self.recent.len() != RECENT {
            self.recent = vec![None; RECENT];
        }
        let slot = ((s.as_ptr() as usize >> 3).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) % RECENT;
        if let Some(a) = &self.recent[slot] {
            if **a == *s {
                return a.clone();
            }
        }
        let a = match self.map.get(s) {
            Some(a) => a.clone(),
            None => {
                let a: Arc<str> = Arc::from(s);
                self.map.insert(s.into(), a.clone());
                a
            }
        };
        self.recent[slot] = Some(a.clone());
        a
    }
}

/// Static description of one detail record type.
#[derive(Debug)]
pub struct RecordType {
    /// The `filter[record_type]` value, e.g. `messaging`.
    pub filter: &'static str,
    /// The wire `record_type`, e.g. `message_detail_record`.
    pub wire: &'static str,
    /// The time field that `filter[date_range]` and the default sort use.
    pub date_field: &'static str,
    /// Field names and kinds, in the order of the [`Records`] columns.
    pub fields: &'static [(&'static str, Kind)],
    /// The field holding a record's cost (debited from the balance), if it has one.
    pub cost_field: Option<&'static str>,
    /// The charges summary's usage line for it: (name, alias). The alias is the
    /// `filter[record_type]` value, so a line's amount is exactly its records' cost
    /// (what `telnyx usage reconcile` compares).
    pub product: (&'static str, &'static str),
}

impl RecordType {
    /// Index of a field by name.
    pub fn field(&self, name: &str) -> Option<(usize, Kind)> {
        self.fields
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| (i, self.fields[i].1))
    }
}

use Kind::*;

/// Message detail records.
pub static MESSAGING: RecordType = RecordType {
    filter: "messaging",
    wire: "message_detail_record",
    date_field: "created_at",
    fields: &[
        ("uuid", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("sent_at", Time),
        ("completed_at", Time),
        ("updated_at", Time),
        ("direction", Str),
        ("message_type", Str),
        ("status", Str),
        ("delivery_status", Str),
        ("cli", Str),
        ("cld", Str),
        ("country_code", Str),
        ("source_country_code", Str),
        ("carrier", Str),
        ("mcc", Str),
        ("mnc", Str),
        ("parts", Int),
        ("rate", Dec),
        ("cost", Dec),
        ("carrier_fee", Dec),
        ("currency", Str),
        ("profile_id", Str),
        ("profile_name", Str),
        ("errors", Arr),
        ("fteu", Bool),
        ("on_net", Bool),
        ("tags", Str),
    ],
    cost_field: Some("cost"),
    product: ("Messaging", "messaging"),
};

/// Call Control detail records (no schema in the spec; decoded as raw JSON by clients).
pub static CALL_CONTROL: RecordType = RecordType {
    filter: "call-control",
    wire: "call_control_detail_record",
    date_field: "started_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("call_session_id", Str),
        ("call_leg_id", Str),
        ("started_at", Time),
        ("ended_at", Time),
        ("direction", Str),
        ("cli", Str),
        ("cld", Str),
        ("call_sec", Int),
        ("billed_sec", Int),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("connection_id", Str),
        ("connection_name", Str),
        ("hangup_cause", Str),
        ("is_telnyx_billable", Bool),
        ("tags", Str),
    ],
    cost_field: Some("cost"),
    product: ("Voice", "call-control"),
};

/// Conference detail records.
pub static CONFERENCE: RecordType = RecordType {
    filter: "conference",
    wire: "conference_detail_record",
    date_field: "started_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("name", Str),
        ("region", Str),
        ("call_leg_id", Str),
        ("call_session_id", Str),
        ("connection_id", Str),
        ("started_at", Time),
        ("ended_at", Time),
        ("expires_at", Time),
        ("call_sec", Int),
        ("participant_count", Int),
        ("participant_call_sec", Int),
        ("is_telnyx_billable", Bool),
    ],
    cost_field: None,
    product: ("Conferencing", "conference"),
};

/// Conference participant detail records.
pub static CONFERENCE_PARTICIPANT: RecordType = RecordType {
    filter: "conference-participant",
    wire: "conference_participant_detail_record",
    date_field: "joined_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("record_type", Str),
        ("conference_id", Str),
        ("call_leg_id", Str),
        ("call_session_id", Str),
        ("joined_at", Time),
        ("left_at", Time),
        ("call_sec", Int),
        ("billed_sec", Int),
        ("originating_number", Str),
        ("destination_number", Str),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("is_telnyx_billable", Bool),
    ],
    cost_field: Some("cost"),
    product: ("Conferencing", "conference-participant"),
};

/// Answering machine detection records.
pub static AMD: RecordType = RecordType {
    filter: "amd",
    wire: "amd_detail_record",
    date_field: "invoked_at",
    fields: &[
        ("id", Str),
        ("record_type", Str),
        ("call_leg_id", Str),
        ("call_session_id", Str),
        ("connection_id", Str),
        ("connection_name", Str),
        ("billing_group_id", Str),
        ("billing_group_name", Str),
        ("feature", Str),
        ("invoked_at", Time),
        ("is_telnyx_billable", Bool),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("tags", Str),
    ],
    cost_field: Some("cost"),
    product: ("Answering Machine Detection", "amd"),
};

/// Verify (2FA) records.
pub static VERIFY: RecordType = RecordType {
    filter: "verify",
    wire: "verification_detail_record",
    date_field: "created_at",
    fields: &[
        ("id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("updated_at", Time),
        ("destination_phone_number", Str),
        ("verify_channel_type", Str),
        ("verify_channel_id", Str),
        ("verify_profile_id", Str),
        ("verification_status", Str),
        ("delivery_status", Str),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("verify_usage_fee", Dec),
        ("currency", Str),
    ],
    cost_field: Some("verify_usage_fee"),
    product: ("Verify", "verify"),
};

/// Wireless SIM card usage records.
pub static WIRELESS: RecordType = RecordType {
    filter: "wireless",
    wire: "sim_card_usage",
    date_field: "created_at",
    fields: &[
        ("id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("closed_at", Time),
        ("sim_card_id", Str),
        ("sim_group_id", Str),
        ("sim_group_name", Str),
        ("imsi", Str),
        ("ip_address", Str),
        ("mcc", Str),
        ("mnc", Str),
        ("phone_number", Str),
        ("data_unit", Str),
        ("data_rate", Dec),
        ("uplink_data", Num),
        ("downlink_data", Num),
        ("data_cost", Num),
        ("currency", Str),
        ("sim_card_tags", Str),
    ],
    cost_field: Some("data_cost"),
    product: ("Wireless", "wireless"),
};

/// Media storage records.
pub static MEDIA_STORAGE: RecordType = RecordType {
    filter: "media_storage",
    wire: "media_storage",
    date_field: "created_at",
    fields: &[
        ("id", Str),
        ("user_id", Str),
        ("org_id", Str),
        ("record_type", Str),
        ("created_at", Time),
        ("action_type", Str),
        ("asset_id", Str),
        ("link_channel_id", Str),
        ("link_channel_type", Str),
        ("status", Str),
        ("rate", Dec),
        ("rate_measured_in", Str),
        ("cost", Dec),
        ("currency", Str),
        ("webhook_id", Str),
    ],
    cost_field: Some("cost"),
    product: ("Media Storage", "media_storage"),
};

/// Fields of record types the emulator knows but does not seed.
static GENERIC_FIELDS: &[(&str, Kind)] = &[
    ("id", Str),
    ("user_id", Str),
    ("record_type", Str),
    ("created_at", Time),
    ("cost", Dec),
    ("currency", Str),
];

macro_rules! generic {
    ($name:ident, $f:literal) => {
        static $name: RecordType = RecordType {
            filter: $f,
            wire: $f,
            date_field: "created_at",
            fields: GENERIC_FIELDS,
            cost_field: None,
            product: ($f, $f),
        };
    };
}
generic!(G_AI, "ai-voice-assistant");
generic!(G_EMB, "embedding");
generic!(G_FAX, "fax");
generic!(G_INF, "inference");
generic!(G_INF_STT, "inference-speech-to-text");
generic!(G_MS, "media-streaming");
generic!(G_NS, "noise-suppression");
generic!(G_REC, "recording");
generic!(G_SIP, "sip-trunking");
generic!(G_SIPREC, "siprec-client");
generic!(G_STT, "stt");
generic!(G_TTS, "tts");
generic!(G_WEBRTC, "webrtc");

/// The record types the emulator seeds with data.
pub static SEEDED_TYPES: [&RecordType; 8] = [
    &MESSAGING,
    &CALL_CONTROL,
    &CONFERENCE,
    &CONFERENCE_PARTICIPANT,
    &AMD,
    &VERIFY,
    &WIRELESS,
    &MEDIA_STORAGE,
];

/// Every valid `filter[record_type]` value.
pub static ALL_TYPES: [&RecordType; 21] = [
    &G_AI,
    &AMD,
    &CALL_CONTROL,
    &CONFERENCE,
    &CONFERENCE_PARTICIPANT,
    &G_EMB,
    &G_FAX,
    &G_INF,
    &G_INF_STT,
    &MEDIA_STORAGE,
    &G_MS,
    &MESSAGING,
    &G_NS,
    &G_REC,
    &G_SIP,
    &G_SIPREC,
    &G_STT,
    &G_TTS,
    &VERIFY,
    &G_WEBRTC,
    &WIRELESS,
];

/// Looks up a record type by its filter value.
pub fn record_type(filter: &str) -> Option<&'static RecordType> {
    ALL_TYPES.iter().copied().find(|t| t.filter == filter)
}

/// Most distinct values a dictionary column holds before it is stored plainly.
const DICT_MAX: usize = 255;

/// One field's values in stored order: a dictionary of distinct values and one byte per record
/// while the field has few distinct values (directions, statuses, rates, numbers...), else one
/// value per record. A year of messaging traffic is a third of the memory it would be plainly.
#[derive(Debug, Clone)]
pub enum Column {
    /// Up to [`DICT_MAX`] distinct values and each record's index into them.
    Dict {
        /// Distinct values.
        values: Vec<Fv>,
        /// Per record, an index into `values`.
        codes: Vec<u8>,
    },
    /// One value per record.
    Plain(Vec<Fv>),
}

impl Default for Column {
    fn default() -> Column {
        Column::Dict {
            values: Vec::new(),
            codes: Vec::new(),
        }
    }
}

impl Column {
    /// The value of record `i`.
    pub fn get(&self, i: usize) -> Option<&Fv> {
        match self {
            Column::Dict { values, codes } => values.get(usize::from(*codes.get(i)?)),
            Column::Plain(v) => v.get(i),
        }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            Column::Dict { codes, .. } => codes.len(),
            Column::Plain(v) => v.len(),
        }
    }

    /// The first record for which `pred` is false, in a column where it holds for a prefix.
    pub fn partition_point(&self, pred: impl Fn(&Fv) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(&pred) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Appends a value.
    pub fn push(&mut self, v: Fv) {
        match self {
            Column::Plain(vals) => vals.push(v),
            Column::Dict { values, codes } => {
                // The last value repeats often (constant fields); check it first.
                let found = match values.last() {
                    Some(last) if *last == v => Some(values.len() - 1),
                    _ => values.iter().position(|x| *x == v),
                };
                match found {
                    Some(k) => codes.push(u8::try_from(k).unwrap_or(u8::MAX)),
                    None if values.len() < DICT_MAX => {
                        codes.push(u8::try_from(values.len()).unwrap_or(u8::MAX));
                        values.push(v);
                    }
                    None => {
                        let mut plain: Vec<Fv> = Vec::with_capacity(codes.len() * 2 + 1);
                        plain.extend(codes.iter().map(|c| values[usize::from(*c)].clone()));
                        plain.push(v);
                        *self = Column::Plain(plain);
                    }
                }
            }
        }
    }
}

/// The detail records of one type, stored by column: one [`Column`] per field of its
/// [`RecordType::fields`], rows sorted by the type's date field (oldest first). A filter or a
/// sort reads one contiguous column instead of one scattered allocation per record.
#[derive(Debug, Clone, Default)]
pub struct Records {
    columns: Vec<Column>,
    len: usize,
}

impl Records {
    /// A table from row-major `values` (`width` per row), rows ordered by the values of column
    /// `order_by` with [`cmp_fv`] (a stable sort: equal rows keep their order).
    pub fn from_rows(width: usize, mut values: Vec<Fv>, order_by: Option<usize>) -> Records {
        let width = width.max(1);
        let len = values.len() / width;
        let mut rows: Vec<usize> = (0..len).collect();
        if let Some(c) = order_by.filter(|c| *c < width) {
            // Sort on a contiguous copy of the key column, not through the rows.
            let key: Vec<Fv> = (0..len).map(|r| values[r * width + c].clone()).collect();
            rows.sort_by(|a, b| cmp_fv(&key[*a], &key[*b]));
        }
        let mut columns: Vec<Column> = (0..width).map(|_| Column::default()).collect();
        for r in rows {
            let row = &mut values[r * width..(r + 1) * width];
            for (col, v) in columns.iter_mut().zip(row) {
                col.push(std::mem::replace(v, Fv::B(false)));
            }
        }
        Records { columns, len }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends one record (`values` in field order); the caller keeps the date order.
    pub fn push_row(&mut self, values: Vec<Fv>) {
        if self.columns.len() < values.len() {
            self.columns.resize_with(values.len(), Column::default);
        }
        for (col, v) in self.columns.iter_mut().zip(values) {
            col.push(v);
        }
        self.len += 1;
    }

    /// The value of field `idx` of record `row`.
    pub fn value(&self, row: usize, idx: usize) -> Option<&Fv> {
        self.columns.get(idx)?.get(row)
    }

    /// The values of field `idx`, one per record in stored order (`None` for an unknown field).
    pub fn column(&self, idx: usize) -> Option<&Column> {
        self.columns.get(idx)
    }

    /// The JSON object of record `row` for `ty`.
    pub fn to_json(&self, row: usize, ty: &RecordType) -> Value {
        let mut m = Map::with_capacity(ty.fields.len());
        for ((name, _), col) in ty.fields.iter().zip(&self.columns) {
            if let Some(v) = col.get(row) {
                m.insert((*name).to_string(), v.to_json());
            }
        }
        Value::Object(m)
    }
}

/// Orders two field values of the same kind (values of different kinds compare equal).
pub fn cmp_fv(a: &Fv, b: &Fv) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Fv::S(x), Fv::S(y)) => x.cmp(y),
        (Fv::I(x), Fv::I(y)) => x.cmp(y),
        (Fv::N(x), Fv::N(y)) => x.cmp(y),
        (Fv::B(x), Fv::B(y)) => x.cmp(y),
        (Fv::T(x), Fv::T(y)) => x.cmp(y),
        (Fv::D(x, _), Fv::D(y, _)) => x.cmp(y),
        (Fv::A(x), Fv::A(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// Auto-recharge preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    /// Preference id.
    pub id: String,
    /// Auto recharge on.
    pub enabled: bool,
    /// Invoice enabled.
    pub invoice_enabled: bool,
    /// `credit_paypal` or `ach`.
    pub preference: String,
    /// Recharge amount in cents.
    pub recharge_cents: i64,
    /// Threshold in cents.
    pub threshold_cents: i64,
}

impl Prefs {
    /// The API representation.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "enabled": self.enabled,
            "invoice_enabled": self.invoice_enabled,
            "preference": self.preference,
            "recharge_amount": cents_str(self.recharge_cents),
            "threshold_amount": cents_str(self.threshold_cents),
            "record_type": "auto_recharge_pref",
        })
    }
}

/// Whether a service is recurring or one-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostType {
    /// Monthly recurring charge.
    Mrc,
    /// One-time charge.
    Otc,
}

impl CostType {
    /// Wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            CostType::Mrc => "MRC",
            CostType::Otc => "OTC",
        }
    }
}

/// A priced service on a number.
#[derive(Debug, Clone)]
pub struct Service {
    /// Display name, e.g. `Local DID`.
    pub name: &'static str,
    /// Alias used by summary lines, e.g. `local`.
    pub alias: &'static str,
    /// Price in cents.
    pub cents: i64,
}

/// A phone number with its monthly and one-time charges.
#[derive(Debug, Clone)]
pub struct PhoneNumber {
    /// E.164 number.
    pub tn: String,
    /// `local` or `toll_free`.
    pub charge_type: &'static str,
    /// Purchase date (one-time charges and the first MRC fall on it).
    pub purchased: NaiveDate,
    /// The number's own MRC.
    pub primary: Service,
    /// Add-on MRCs (CNAM, E911...).
    pub addons: Vec<Service>,
    /// One-time activation fee.
    pub activation: Service,
}

/// A ledger adjustment (credit).
#[derive(Debug, Clone)]
pub struct Adjustment {
    /// Event date.
    pub date: NaiveDate,
    /// Amount in cents (negative for a credit).
    pub cents: i64,
    /// Description.
    pub description: &'static str,
}

/// A monthly invoice.
#[derive(Debug, Clone)]
pub struct Invoice {
    /// Invoice id (lowercase UUID).
    pub id: String,
    /// File id (UUID).
    pub file_id: String,
    /// First day of the month.
    pub period_start: NaiveDate,
    /// Last day of the month.
    pub period_end: NaiveDate,
    /// Paid.
    pub paid: bool,
    /// The grand total of the charges summary of its month, fixed when the month closed.
    pub total: Decimal,
}

/// A payment not yet settled (an ACH payment settles 3 virtual days after it is made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Amount.
    pub amount: Decimal,
    /// When it settles into the balance.
    pub settles_at: DateTime<Utc>,
    /// Index of its transaction in [`AccountData::transactions`].
    pub transaction: u32,
    /// Made by auto-recharge.
    pub auto: bool,
}

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

/// An audit event.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// The full API object, serialized.
    pub json: Box<str>,
}

impl AuditEvent {
    /// An event from its API object.
    pub fn new(created_at: DateTime<Utc>, json: &Value) -> AuditEvent {
        AuditEvent {
            created_at,
            json: json.to_string().into_boxed_str(),
        }
    }
}

/// A stored idempotent result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdemRecord {
    /// Fingerprint of method, path and body.
    pub fingerprint: String,
    /// Response status.
    pub status: u16,
    /// Response body.
    pub body: String,
}

/// A persisted change to an account; replayed in order on restart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The account was (re)seeded at these sizes.
    Seed {
        /// Sizes.
        sizes: SeedRequest,
    },
    /// A stored payment transaction.
    Payment {
        /// Credited amount.
        amount_cents: i64,
        /// The transaction object as returned.
        transaction: Value,
        /// The idempotency key and stored result, if a key was sent.
        idempotency: Option<(String, IdemRecord)>,
    },
    /// Auto-recharge preferences changed.
    Prefs {
        /// New preferences.
        prefs: Prefs,
        /// The audit event written for the change.
        audit: Option<Value>,
    },
    /// The account's clock started here (stored when no `--start-time` fixes it).
    Opened {
        /// Start of the clock.
        at: DateTime<Utc>,
    },
    /// The clock moved to `to`, generating everything in between (deterministically).
    Advance {
        /// New clock time.
        to: DateTime<Utc>,
    },
    /// The traffic profile was replaced.
    Traffic {
        /// Records per day by `filter[record_type]` name.
        per_day: BTreeMap<String, u32>,
    },
    /// The webhook endpoint was set (`Some`) or removed (`None`).
    WebhookEndpoint {
        /// The new endpoint.
        endpoint: Option<Endpoint>,
    },
    /// A webhook delivery was recorded or updated (after an attempt, or unsent at shutdown).
    Delivery {
        /// The delivery's API object.
        delivery: Value,
    },
}

/// Everything one account holds.
#[derive(Debug)]
pub struct AccountData {
    /// Short hash of the key.
    pub key_hash: String,
    /// User id.
    pub user_id: String,
    /// User email.
    pub user_email: String,
    /// Organization id.
    pub organization_id: String,
    /// The account's clock: reads answer as of it; only advancing moves it.
    pub now: DateTime<Utc>,
    /// The generator seed of this account (from key and `--seed`).
    pub seed_base: u64,
    /// Every movement of money.
    pub ledger: Ledger,
    /// Credit limit.
    pub credit_limit: Decimal,
    /// Payments not yet settled, oldest first.
    pub pending: Vec<Pending>,
    /// Usage generated per virtual day, by record type.
    pub traffic: BTreeMap<&'static str, u32>,
    /// Auto-recharge preferences.
    pub prefs: Prefs,
    /// Phone numbers.
    pub numbers: Vec<PhoneNumber>,
    /// Adjustments.
    pub adjustments: Vec<Adjustment>,
    /// Invoices, oldest first.
    pub invoices: Vec<Invoice>,
    /// Detail records per filter type, sorted by the type's date field (oldest first; the list
    /// binary-searches it for `filter[date_range]`).
    pub records: HashMap<&'static str, Records>,
    /// Seeded webhook deliveries, newest first (a redelivery replaces one in place).
    pub webhooks: Vec<Webhook>,
    /// Positions in `webhooks` ordered by id, for [`AccountData::webhook`]'s binary search
    /// (built with [`index_webhooks`]; 4 bytes per delivery).
    pub webhooks_by_id: Vec<u32>,
    /// Where webhooks go and the deliveries made since the account was seeded.
    pub webhook: WebhookState,
    /// Audit events, sorted by `created_at` (oldest first; the list binary-searches it).
    pub audit_events: Vec<AuditEvent>,
    /// Number tags.
    pub number_tags: Vec<String>,
    /// Outbound profile tags.
    pub outbound_profile_tags: Vec<String>,
    /// Stored payment transactions.
    pub transactions: Vec<Value>,
    /// Idempotency records by key.
    pub idempotency: HashMap<String, IdemRecord>,
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

impl AccountData {
    /// The account's today (UTC date of its clock).
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// The amount of payments not yet settled.
    pub fn pending_amount(&self) -> Decimal {
        self.pending.iter().map(|p| p.amount).sum()
    }

    /// `balance + credit_limit`.
    pub fn available_credit(&self) -> Decimal {
        self.ledger.balance() + self.credit_limit
    }

    /// A deterministic UUID for the `n`th object of kind `tag` of this account: the same
    /// after a restart, since `n` is derived from the state (e.g. a list's length).
    pub fn id_for(&self, tag: &str, n: u64) -> String {
        let h = crate::util::fnv1a(
            crate::util::fnv1a(self.seed_base, tag.as_bytes()),
            &n.to_le_bytes(),
        );
        crate::util::uuid_from(&mut fastrand::Rng::with_seed(h))
    }

    /// The webhook delivery with this id (lowercase UUID), by binary search.
    pub fn webhook(&self, id: &str) -> Option<&Webhook> {
        if let Some(i) = self.webhook.position(id) {
            return self.webhook.live.get(i);
        }
        let at = self
            .webhooks_by_id
            .binary_search_by(|&i| self.webhooks[i as usize].id.as_str().cmp(id))
            .ok()?;
        self.webhooks.get(self.webhooks_by_id[at] as usize)
    }

    /// Total detail records.
    pub fn detail_record_count(&self) -> u64 {
        self.records.values().map(|r| r.len() as u64).sum()
    }
}
