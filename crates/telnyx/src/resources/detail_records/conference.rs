//! Conference records: `conference_detail_record` and
//! `conference_participant_detail_record`.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::Money;

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
