//! Wireless records: SIM card usage (`sim_card_usage`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::resources::shared::lenient_decimal;
use crate::Money;

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
