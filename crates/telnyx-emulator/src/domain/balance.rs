//! The balance, from the ledger's running total (O(1)): `available_credit = balance +
//! credit_limit`, `pending` = payments not yet settled.

use serde_json::{json, Value};

use crate::model::AccountData;
use crate::util::money;

/// The balance object.
pub fn balance_json(d: &AccountData) -> Value {
    json!({
        "available_credit": money(d.available_credit()),
        "balance": money(d.ledger.balance()),
        "credit_limit": money(d.credit_limit),
        "currency": "USD",
        "pending": money(d.pending_amount()),
        "record_type": "balance",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_credit_is_balance_plus_limit() {
        let d = crate::domain::test_account();
        let b = balance_json(&d);
        assert_eq!(b["balance"], "300.00");
        assert_eq!(b["available_credit"], "400.00");
    }
}
