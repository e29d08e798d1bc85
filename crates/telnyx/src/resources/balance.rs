//! `GET /balance`: the account balance.

use serde::{Deserialize, Serialize};

use crate::request::{get, Request};
use crate::{Client, Money};

/// The account balance. Every amount is an exact decimal string on the wire.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Balance {
    /// Credit available to spend: `balance + credit_limit`.
    pub available_credit: Option<Money>,
    /// The account balance.
    pub balance: Option<Money>,
    /// The credit limit.
    pub credit_limit: Option<Money>,
    /// ISO 4217 currency code, e.g. `USD`.
    pub currency: Option<String>,
    /// Amount pending settlement.
    pub pending: Option<Money>,
    /// Always `balance`.
    pub record_type: Option<String>,
}

/// The balance endpoint: `client.balance()`.
#[derive(Debug, Clone, Copy)]
pub struct BalanceApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The balance endpoint.
    pub fn balance(&self) -> BalanceApi<'_> {
        BalanceApi { client: self }
    }
}

impl BalanceApi<'_> {
    /// `GET /balance`: the current balance, credit limit and pending amount.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// let client = telnyx::Client::from_env()?;
    /// let balance = client.balance().retrieve().await?;
    /// println!("{:?} {:?}", balance.balance, balance.currency);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self) -> Request<Balance> {
        get(self.client, "/balance", Ok(crate::query::Query::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_spec_example() {
        let b: Balance = serde_json::from_str(
            r#"{"available_credit":"400.00","balance":"300.00","credit_limit":"100.00",
                "currency":"USD","pending":"10.00","record_type":"balance","new_field":1}"#,
        )
        .unwrap();
        assert_eq!(b.balance.unwrap().as_str(), "300.00");
        assert_eq!(b.available_credit.unwrap(), Money::parse("400").unwrap());
        let empty: Balance = serde_json::from_str("{}").unwrap();
        assert!(empty.balance.is_none());
    }
}
