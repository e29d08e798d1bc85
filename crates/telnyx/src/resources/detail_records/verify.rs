//! Verification records (`verification_detail_record`).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::resources::shared::server_enum;
use crate::Money;

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
