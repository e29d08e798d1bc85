//! `get_auto_recharge_prefs`, `update_auto_recharge_prefs` (a write) and
//! `create_stored_payment_transaction` (moves money).

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{
    AutoRechargePref, AutoRechargePrefUpdate, Client, Decimal, Money, RechargePreference,
};

use crate::answer::{decimal_text, Amount, Capped};
use crate::error::ToolError;
use crate::policy::{Policy, ALLOW_PAYMENTS_FLAG, ALLOW_WRITES_FLAG, MAX_PAYMENT_FLAG};

/// The currency Telnyx charges stored payments in.
pub const PAYMENT_CURRENCY: &str = "USD";

/// Auto-recharge settings.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AutoRechargeAnswer {
    /// Whether auto-recharge is on.
    pub enabled: Option<bool>,
    /// Whether invoices are sent for recharges.
    pub invoice_enabled: Option<bool>,
    /// credit_paypal or ach.
    pub preference: Option<String>,
    /// Recharge when the balance falls below this.
    pub threshold_amount: Option<Amount>,
    /// How much each recharge adds.
    pub recharge_amount: Option<Amount>,
}

impl Capped for AutoRechargeAnswer {}

impl From<AutoRechargePref> for AutoRechargeAnswer {
    fn from(p: AutoRechargePref) -> AutoRechargeAnswer {
        let m = |x: &Option<Money>| x.as_ref().map(|m| Amount::money(m, PAYMENT_CURRENCY));
        AutoRechargeAnswer {
            enabled: p.enabled,
            invoice_enabled: p.invoice_enabled,
            preference: p.preference.as_ref().map(|x| x.as_str().to_string()),
            threshold_amount: m(&p.threshold_amount),
            recharge_amount: m(&p.recharge_amount),
        }
    }
}

/// The account's auto-recharge settings.
pub async fn get_auto_recharge_prefs(client: &Client) -> Result<AutoRechargeAnswer, ToolError> {
    Ok(client.payment().auto_recharge_prefs().list().await?.into())
}

/// `update_auto_recharge_prefs` arguments: only the settings to change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoRechargeUpdateInput {
    /// Turn auto-recharge on or off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Send an invoice for each recharge.
    #[serde(default)]
    pub invoice_enabled: Option<bool>,
    /// credit_paypal or ach.
    #[serde(default)]
    pub preference: Option<String>,
    /// Recharge below this balance: a decimal string in USD, e.g. "10.00".
    #[serde(default)]
    pub threshold_amount: Option<String>,
    /// Add this much each time: a decimal string in USD, e.g. "50.00".
    #[serde(default)]
    pub recharge_amount: Option<String>,
}

/// The settings before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AutoRechargeUpdateAnswer {
    /// Before the change.
    pub before: AutoRechargeAnswer,
    /// After the change, as Telnyx answered.
    pub after: AutoRechargeAnswer,
}

impl Capped for AutoRechargeUpdateAnswer {}

fn money_arg(name: &str, value: &str) -> Result<Money, ToolError> {
    let m = Money::parse(value.trim()).map_err(|_| {
        ToolError::invalid(format!(
            "{name} {value:?} is not a decimal amount: send a string like \"25.00\""
        ))
    })?;
    if m.to_decimal().is_sign_negative() {
        return Err(ToolError::invalid(format!(
            "{name} {value} is negative: send a positive amount like \"25.00\""
        )));
    }
    Ok(m)
}

/// Changes auto-recharge settings (only with --allow-writes).
pub async fn update_auto_recharge_prefs(
    client: &Client,
    policy: &Policy,
    input: AutoRechargeUpdateInput,
) -> Result<AutoRechargeUpdateAnswer, ToolError> {
    if !policy.allow_writes {
        return Err(ToolError::disabled(
            "update_auto_recharge_prefs",
            ALLOW_WRITES_FLAG,
        ));
    }
    let mut update = AutoRechargePrefUpdate {
        enabled: input.enabled,
        invoice_enabled: input.invoice_enabled,
        ..Default::default()
    };
    if let Some(p) = input.preference.as_deref() {
        update.preference = Some(match p {
            "credit_paypal" => RechargePreference::CreditPaypal,
            "ach" => RechargePreference::Ach,
            other => {
                return Err(ToolError::invalid(format!(
                    "preference {other:?} is unknown: send credit_paypal or ach"
                )))
            }
        });
    }
    if let Some(v) = &input.threshold_amount {
        update.threshold_amount = Some(money_arg("threshold_amount", v)?);
    }
    if let Some(v) = &input.recharge_amount {
        update.recharge_amount = Some(money_arg("recharge_amount", v)?);
    }
    if update == AutoRechargePrefUpdate::default() {
        return Err(ToolError::invalid(
            "nothing to change: send at least one of enabled, invoice_enabled, preference, \
             threshold_amount, recharge_amount",
        ));
    }
    let before = client.payment().auto_recharge_prefs().list().await?;
    let after = client
        .payment()
        .auto_recharge_prefs()
        .update(update)
        .await?;
    tracing::info!(
        tool = "update_auto_recharge_prefs",
        "auto-recharge settings changed"
    );
    Ok(AutoRechargeUpdateAnswer {
        before: before.into(),
        after: after.into(),
    })
}

/// `create_stored_payment_transaction` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// Dollars and cents in USD, e.g. "25.00".
    pub amount: String,
    /// A unique key for this payment (1-255 of A-Z a-z 0-9 _ : -). Calling again with the same key returns the first result instead of paying twice.
    pub idempotency_key: String,
    /// true (default): only say what would be charged. Send false to charge the stored payment method.
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// The transaction Telnyx made.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TransactionRow {
    /// Transaction id.
    pub id: Option<String>,
    /// The amount charged.
    pub amount: Option<Amount>,
    /// The processor's status.
    pub processor_status: Option<String>,
    /// When it was made.
    pub created_at: Option<DateTime<FixedOffset>>,
}

/// What a payment did (or would do).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PaymentAnswer {
    /// True: nothing was charged.
    pub dry_run: bool,
    /// The amount.
    pub amount: Amount,
    /// The idempotency key used.
    pub idempotency_key: String,
    /// What happened, in one sentence.
    pub outcome: String,
    /// The transaction (absent in a dry run).
    pub transaction: Option<TransactionRow>,
}

impl Capped for PaymentAnswer {}

/// Charges the stored payment method (only with --allow-payments, at most
/// --max-payment-amount, dry run unless `dry_run: false`).
pub async fn create_stored_payment_transaction(
    client: &Client,
    policy: &Policy,
    input: PaymentInput,
) -> Result<PaymentAnswer, ToolError> {
    if !policy.allow_payments {
        return Err(ToolError::disabled(
            "create_stored_payment_transaction",
            ALLOW_PAYMENTS_FLAG,
        ));
    }
    let text = input.amount.trim();
    let valid = text.split_once('.').is_some_and(|(d, c)| {
        !d.is_empty()
            && d.bytes().all(|b| b.is_ascii_digit())
            && c.len() == 2
            && c.bytes().all(|b| b.is_ascii_digit())
    });
    let amount: Decimal = match text.parse::<Decimal>() {
        Ok(v) if valid && v > Decimal::ZERO => v,
        _ => {
            return Err(ToolError::invalid(format!(
                "amount {:?} is not dollars and cents: send a positive amount with two decimals, \
                 e.g. \"25.00\"",
                input.amount
            )))
        }
    };
    if amount > policy.max_payment_amount {
        return Err(ToolError::invalid(format!(
            "amount {} USD is above this server's limit of {} USD ({MAX_PAYMENT_FLAG}): send at \
             most {} USD, or ask the person running the server to raise the limit",
            text,
            decimal_text(policy.max_payment_amount),
            decimal_text(policy.max_payment_amount),
        )));
    }
    let key = telnyx::IdempotencyKey::new(input.idempotency_key.trim()).map_err(|_| {
        ToolError::invalid(
            "idempotency_key must be 1-255 characters of A-Z, a-z, 0-9, _, : and -: send a \
             fresh one (e.g. pay-2026-12-06-001) per payment and reuse it only to retry",
        )
    })?;
    let shown = Amount {
        amount: text.to_string(),
        currency: PAYMENT_CURRENCY.to_string(),
    };
    if input.dry_run.unwrap_or(true) {
        return Ok(PaymentAnswer {
            dry_run: true,
            outcome: format!(
                "dry run: nothing charged. Would charge {text} USD to the account's stored \
                 payment method with idempotency key {}; call again with dry_run: false (same \
                 key) to do it",
                key.as_str()
            ),
            amount: shown,
            idempotency_key: key.as_str().to_string(),
            transaction: None,
        });
    }
    let t = client
        .payment()
        .create_stored_payment_transaction(text)
        .idempotency_key(key.as_str())
        .await?;
    tracing::info!(
        tool = "create_stored_payment_transaction",
        amount = text,
        "stored payment charged"
    );
    let currency = t
        .amount_currency
        .clone()
        .unwrap_or_else(|| PAYMENT_CURRENCY.to_string());
    Ok(PaymentAnswer {
        dry_run: false,
        outcome: format!(
            "charged {text} USD to the stored payment method (transaction {})",
            t.id.as_deref().unwrap_or("without id")
        ),
        amount: shown,
        idempotency_key: key.as_str().to_string(),
        transaction: Some(TransactionRow {
            id: t.id,
            amount: t
                .amount_cents
                .map(|c| Amount::new(Decimal::new(c, 2), &currency)),
            processor_status: t.processor_status,
            created_at: t.created_at,
        }),
    })
}
