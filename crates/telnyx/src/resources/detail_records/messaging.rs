//! Messaging records (`message_detail_record`) and the message enums they share with the
//! webhook message payloads ([`crate::webhooks::MessagePayload`]).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::resources::shared::server_enum;
use crate::Money;

server_enum! {
    /// Whether a message was sent to you or by you (a detail record's `direction`, a
    /// webhook message payload's `direction`).
    pub enum MessageDirection {
        /// Received by one of your numbers.
        Inbound = "inbound",
        /// Sent by you.
        Outbound = "outbound",
    }
}

server_enum! {
    /// Kind of message (a detail record's `message_type`, a webhook message payload's
    /// `type`).
    pub enum MessageType {
        /// Text message.
        Sms = "SMS",
        /// Multimedia message.
        Mms = "MMS",
        /// Rich Communication Services message.
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
