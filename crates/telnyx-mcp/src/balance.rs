//! `get_balance`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::Client;

use crate::answer::{Amount, Capped};
use crate::error::ToolError;

/// `get_balance` takes no arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// The account's balance now.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BalanceAnswer {
    /// Money on the account (negative: owed).
    pub balance: Option<Amount>,
    /// What can still be spent: balance plus credit limit.
    pub available_credit: Option<Amount>,
    /// The credit limit.
    pub credit_limit: Option<Amount>,
    /// Charges not yet settled.
    pub pending: Option<Amount>,
    /// The account's currency.
    pub currency: String,
}

impl Capped for BalanceAnswer {}

/// The account's balance, credit limit, available credit and pending charges.
pub async fn get_balance(client: &Client) -> Result<BalanceAnswer, ToolError> {
    let b = client.balance().retrieve().await?;
    let currency = b.currency.clone().unwrap_or_else(|| "USD".to_string());
    let amount = |m: &Option<telnyx::Money>| m.as_ref().map(|m| Amount::money(m, &currency));
    Ok(BalanceAnswer {
        balance: amount(&b.balance),
        available_credit: amount(&b.available_credit),
        credit_limit: amount(&b.credit_limit),
        pending: amount(&b.pending),
        currency: currency.clone(),
    })
}
