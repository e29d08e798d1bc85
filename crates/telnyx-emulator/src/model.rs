//! In-memory account state: the data every handler reads and the events that change it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Number, Value};

use crate::config::SeedRequest;
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
#[derive(Debug, Clone, PartialEq)]
pub enum Fv {
    /// String.
    S(String),
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
    A(Vec<String>),
}

impl Fv {
    /// The JSON form.
    pub fn to_json(&self) -> Value {
        match self {
            Fv::S(s) => Value::String(s.clone()),
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

    /// The text form used by `contains`/`starts_with`/`ends_with`.
    pub fn text(&self) -> String {
        match self {
            Fv::S(s) => s.clone(),
            Fv::I(i) => i.to_string(),
            Fv::N(d) => d.normalize().to_string(),
            Fv::B(b) => b.to_string(),
            Fv::T(t) => ts(*t),
            Fv::D(d, s) => dec_str(*d, *s),
            Fv::A(a) => a.join(","),
        }
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
    /// Field names and kinds, in the order of [`Record::values`].
    pub fields: &'static [(&'static str, Kind)],
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

/// One detail record: values aligned with its [`RecordType::fields`].
#[derive(Debug, Clone)]
pub struct Record {
    /// Field values.
    pub values: Vec<Fv>,
}

impl Record {
    /// The JSON object for `ty`.
    pub fn to_json(&self, ty: &RecordType) -> Value {
        let mut m = Map::with_capacity(ty.fields.len());
        for ((name, _), v) in ty.fields.iter().zip(&self.values) {
            m.insert((*name).to_string(), v.to_json());
        }
        Value::Object(m)
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
}

/// A webhook delivery, with the text forms filters search in.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Lowercase UUID.
    pub id: String,
    /// `delivered` or `failed`.
    pub status: &'static str,
    /// Event type.
    pub event_type: String,
    /// First attempt start.
    pub started_at: DateTime<Utc>,
    /// Last attempt end.
    pub finished_at: DateTime<Utc>,
    /// Serialized `webhook` object for `filter[webhook][contains]`.
    pub webhook_text: String,
    /// Serialized `attempts` for `filter[attempts][contains]`.
    pub attempts_text: String,
    /// The full API object.
    pub json: Value,
}

/// An audit event.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// The full API object.
    pub json: Value,
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
    /// The day data is anchored to.
    pub today: NaiveDate,
    /// Balance in cents.
    pub balance_cents: i64,
    /// Credit limit in cents.
    pub credit_limit_cents: i64,
    /// Pending in cents.
    pub pending_cents: i64,
    /// Auto-recharge preferences.
    pub prefs: Prefs,
    /// Phone numbers.
    pub numbers: Vec<PhoneNumber>,
    /// Adjustments.
    pub adjustments: Vec<Adjustment>,
    /// Invoices, oldest first.
    pub invoices: Vec<Invoice>,
    /// Detail records per filter type, oldest first.
    pub records: HashMap<&'static str, Vec<Record>>,
    /// Webhook deliveries, newest first.
    pub webhooks: Vec<Webhook>,
    /// Audit events, oldest first.
    pub audit_events: Vec<AuditEvent>,
    /// Number tags.
    pub number_tags: Vec<String>,
    /// Outbound profile tags.
    pub outbound_profile_tags: Vec<String>,
    /// Stored payment transactions.
    pub transactions: Vec<Value>,
    /// Idempotency records by key.
    pub idempotency: HashMap<String, IdemRecord>,
    /// Sizes it was seeded with.
    pub sizes: SeedRequest,
}

impl AccountData {
    /// Applies a persisted event.
    pub fn apply(&mut self, ev: &Event) {
        match ev {
            Event::Seed { .. } => {}
            Event::Payment {
                amount_cents,
                transaction,
                idempotency,
            } => {
                self.balance_cents = self.balance_cents.saturating_add(*amount_cents);
                self.transactions.push(transaction.clone());
                if let Some((k, r)) = idempotency {
                    self.idempotency.insert(k.clone(), r.clone());
                }
            }
            Event::Prefs { prefs, audit } => {
                self.prefs = prefs.clone();
                if let Some(a) = audit {
                    let created_at = a
                        .get("created_at")
                        .and_then(Value::as_str)
                        .and_then(crate::util::parse_time)
                        .unwrap_or_else(Utc::now);
                    self.audit_events.push(AuditEvent {
                        created_at,
                        json: a.clone(),
                    });
                    self.audit_events.sort_by_key(|e| e.created_at);
                }
            }
        }
    }

    /// Total detail records.
    pub fn detail_record_count(&self) -> u64 {
        self.records.values().map(|v| v.len() as u64).sum()
    }
}
