//! [`DetailRecord`]: one record of any type, decoded by its `record_type` into the typed
//! record of its family, with the accessors aggregation code needs.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize};

use super::amd::AmdDetailRecord;
use super::conference::{ConferenceDetailRecord, ConferenceParticipantDetailRecord};
use super::media_storage::MediaStorageDetailRecord;
use super::messaging::MessageDetailRecord;
use super::verify::VerifyDetailRecord;
use super::wireless::SimCardUsageDetailRecord;
use crate::resources::shared::typed;
use crate::Money;

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
