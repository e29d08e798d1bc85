//! The account's billing entities: preferences, numbers and their services, adjustments,
//! invoices, pending payments, audit events and idempotency records.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::util::cents_str;

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
