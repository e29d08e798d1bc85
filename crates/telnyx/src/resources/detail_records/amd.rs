//! Answering machine detection records (`amd_detail_record`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::resources::shared::server_enum;
use crate::Money;

server_enum! {
    /// AMD feature used.
    pub enum AmdFeature {
        /// Premium AMD.
        Premium = "PREMIUM",
    }
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
