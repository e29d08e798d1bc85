//! Media storage records (`media_storage`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::Money;

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
