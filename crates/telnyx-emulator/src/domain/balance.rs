//! The balance: `available_credit = balance + credit_limit`.

use serde_json::{json, Value};

use crate::model::AccountData;
use crate::util::cents_str;

/// The balance object.
pub fn balance_json(d: &AccountData) -> Value {
    json!({
        "available_credit": cents_str(d.balance_cents.saturating_add(d.credit_limit_cents)),
        "balance": cents_str(d.balance_cents),
        "credit_limit": cents_str(d.credit_limit_cents),
        "currency": "USD",
        "pending": cents_str(d.pending_cents),
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
