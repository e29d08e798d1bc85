//! `/payment`: auto-recharge preferences and stored payment transactions.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::shared::{invalid, is_dollars_and_cents, server_enum};
use crate::query::Query;
use crate::request::Request;
use crate::violation::{Rule, Violation};

/// The operation named by the update's violations.
const UPDATE: &str = "auto_recharge_prefs.update";
use crate::{Client, Money};

server_enum! {
    /// How the account is recharged.
    pub enum RechargePreference {
        /// Credit card or PayPal (`credit_paypal`).
        CreditPaypal = "credit_paypal",
        /// Bank transfer (`ach`).
        Ach = "ach",
    }
}

/// Auto-recharge preferences.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AutoRechargePref {
    /// Preference id.
    pub id: Option<String>,
    /// Whether auto-recharge is on.
    pub enabled: Option<bool>,
    /// Whether invoice payments also recharge.
    pub invoice_enabled: Option<bool>,
    /// Payment method.
    pub preference: Option<RechargePreference>,
    /// Amount added on each recharge.
    pub recharge_amount: Option<Money>,
    /// Balance below which a recharge happens.
    pub threshold_amount: Option<Money>,
    /// Always `auto_recharge_pref`.
    pub record_type: Option<String>,
}

/// The settings to change with [`AutoRechargePrefsApi::update`]; unset fields are not sent.
///
/// `AutoRechargePrefUpdate::default()` sends `{}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AutoRechargePrefUpdate {
    /// Turn auto-recharge on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Turn invoice recharges on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice_enabled: Option<bool>,
    /// Payment method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preference: Option<RechargePreference>,
    /// Amount added on each recharge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recharge_amount: Option<Money>,
    /// Balance below which a recharge happens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_amount: Option<Money>,
}

impl AutoRechargePrefUpdate {
    /// Sets `enabled`.
    pub fn enabled(mut self, value: bool) -> Self {
        self.enabled = Some(value);
        self
    }
    /// Sets `invoice_enabled`.
    pub fn invoice_enabled(mut self, value: bool) -> Self {
        self.invoice_enabled = Some(value);
        self
    }
    /// Sets `preference`.
    pub fn preference(mut self, value: RechargePreference) -> Self {
        self.preference = Some(value);
        self
    }
    /// Sets `recharge_amount`.
    pub fn recharge_amount(mut self, value: Money) -> Self {
        self.recharge_amount = Some(value);
        self
    }
    /// Sets `threshold_amount`.
    pub fn threshold_amount(mut self, value: Money) -> Self {
        self.threshold_amount = Some(value);
        self
    }

    /// The JSON body: only the set fields, in the order enabled, invoice_enabled, preference,
    /// recharge_amount, threshold_amount.
    pub(crate) fn to_body(&self) -> Result<serde_json::Value, Violation> {
        if let Some(RechargePreference::Unknown(p)) = &self.preference {
            if p.is_empty() {
                return Err(Violation::new(
                    UPDATE,
                    "preference",
                    Rule::NotEmpty,
                    "preference must not be empty: use credit_paypal or ach",
                ));
            }
        }
        serde_json::to_value(self).map_err(|e| {
            Violation::new(
                UPDATE,
                "update",
                Rule::Format {
                    expected: "a value that encodes as JSON",
                },
                format!("cannot encode the body: {e}"),
            )
        })
    }
}

/// A stored payment transaction (a charge to the stored payment method).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredPaymentTransaction {
    /// Transaction id.
    pub id: Option<String>,
    /// Amount in cents.
    pub amount_cents: Option<i64>,
    /// ISO 4217 currency code.
    pub amount_currency: Option<String>,
    /// Whether this was an automatic recharge.
    pub auto_recharge: Option<bool>,
    /// When it was created.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Payment processor status, e.g. `submitted_for_settlement`.
    pub processor_status: Option<String>,
    /// Always `transaction`.
    pub record_type: Option<String>,
    /// Always `stored_payment`.
    pub transaction_processing_type: Option<String>,
}

/// The payment endpoints: `client.payment()`.
#[derive(Debug, Clone, Copy)]
pub struct PaymentApi<'a> {
    client: &'a Client,
}

/// The auto-recharge preferences endpoint: `client.payment().auto_recharge_prefs()`.
#[derive(Debug, Clone, Copy)]
pub struct AutoRechargePrefsApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The payment endpoints.
    pub fn payment(&self) -> PaymentApi<'_> {
        PaymentApi { client: self }
    }
}

impl<'a> PaymentApi<'a> {
    /// Auto-recharge preferences.
    pub fn auto_recharge_prefs(&self) -> AutoRechargePrefsApi<'a> {
        AutoRechargePrefsApi {
            client: self.client,
        }
    }

    /// `POST /payment/stored_payment_transactions`: charges `amount` (dollars and cents,
    /// e.g. `"120.00"`) to the stored payment method.
    ///
    /// This moves money: pass an idempotency key so a retried request is not charged twice.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// let client = telnyx::Client::from_env()?;
    /// let tx = client
    ///     .payment()
    ///     .create_stored_payment_transaction("120.00")
    ///     .idempotency_key("topup-2025-05-01")
    ///     .await?;
    /// println!("{:?} {:?}", tx.id, tx.processor_status);
    /// # Ok(()) }
    /// ```
    pub fn create_stored_payment_transaction(
        &self,
        amount: impl Into<String>,
    ) -> Request<StoredPaymentTransaction> {
        let amount = amount.into();
        if !is_dollars_and_cents(&amount) {
            let shown: String = amount.chars().take(32).collect();
            return Request::invalid(
                self.client.clone(),
                invalid(
                    Violation::new(
                        "payment.create_stored_payment_transaction",
                        "amount",
                        Rule::DollarsAndCents,
                        format!(
                            "amount {shown:?} must be dollars and cents above zero: digits, a \
                             point and exactly two decimals, like \"120.00\""
                        ),
                    )
                    .with_value(&amount),
                ),
            );
        }
        Request::new(
            self.client.clone(),
            http::Method::POST,
            "/payment/stored_payment_transactions",
            Query::new(),
        )
        .json_body(serde_json::json!({ "amount": amount }))
    }
}

impl AutoRechargePrefsApi<'_> {
    /// `GET /payment/auto_recharge_prefs`: the current preferences.
    pub fn list(&self) -> Request<AutoRechargePref> {
        Request::new(
            self.client.clone(),
            http::Method::GET,
            "/payment/auto_recharge_prefs",
            Query::new(),
        )
    }

    /// `PATCH /payment/auto_recharge_prefs`: changes the set fields only.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telnyx::{AutoRechargePrefUpdate, Money};
    /// let client = telnyx::Client::from_env()?;
    /// let update = AutoRechargePrefUpdate::default()
    ///     .enabled(true)
    ///     .threshold_amount(Money::parse("50.00")?);
    /// let prefs = client.payment().auto_recharge_prefs().update(update).await?;
    /// println!("{:?}", prefs.enabled);
    /// # Ok(()) }
    /// ```
    pub fn update(&self, update: AutoRechargePrefUpdate) -> Request<AutoRechargePref> {
        match update.to_body() {
            Ok(body) => Request::new(
                self.client.clone(),
                http::Method::PATCH,
                "/payment/auto_recharge_prefs",
                Query::new(),
            )
            .json_body(body),
            Err(message) => Request::invalid(self.client.clone(), invalid(message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_bodies_match_the_official_sdk() {
        let empty = AutoRechargePrefUpdate::default().to_body().unwrap();
        assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
        let full = AutoRechargePrefUpdate::default()
            .threshold_amount(Money::parse("50.00").unwrap())
            .recharge_amount(Money::parse("104.00").unwrap())
            .preference(RechargePreference::Ach)
            .invoice_enabled(false)
            .enabled(true)
            .to_body()
            .unwrap();
        assert_eq!(
            serde_json::to_string(&full).unwrap(),
            r#"{"enabled":true,"invoice_enabled":false,"preference":"ach","recharge_amount":"104.00","threshold_amount":"50.00"}"#
        );
    }

    #[test]
    fn decodes_prefs_and_transaction() {
        let p: AutoRechargePref = serde_json::from_str(
            r#"{"enabled":true,"id":"1524126400473204723","invoice_enabled":true,"preference":"wire",
            "recharge_amount":"104.00","record_type":"auto_recharge_pref","threshold_amount":"104.00"}"#,
        )
        .unwrap();
        assert_eq!(
            p.preference,
            Some(RechargePreference::Unknown("wire".into()))
        );
        let t: StoredPaymentTransaction = serde_json::from_str(
            r#"{"amount_cents":12000,"amount_currency":"USD","auto_recharge":false,"created_at":"2026-02-25T10:00:00Z",
            "id":"de06811a-2e43-4561-af5a-7d0a26e20aaa","processor_status":"submitted_for_settlement",
            "record_type":"transaction","transaction_processing_type":"stored_payment"}"#,
        )
        .unwrap();
        assert_eq!(t.amount_cents, Some(12000));
    }
}
