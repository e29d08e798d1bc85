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

/// The ledger's figures: opening balance, the sum of every entry kind, and the balance they
/// add up to (`opening + payments + auto_recharges + usage + mrc + otc + adjustments`, charges
/// negative).
pub fn ledger_json(d: &AccountData) -> Value {
    use crate::ledger::EntryKind::*;
    let l = &d.ledger;
    let charges: rust_decimal::Decimal = l
        .entries()
        .iter()
        .filter(|e| e.kind.is_charge())
        .map(|e| e.amount)
        .sum();
    json!({
        "opening_balance": money(l.opening()),
        "payments": money(l.total(Payment)),
        "auto_recharges": money(l.total(AutoRecharge)),
        "usage": money(l.total(Usage)),
        "mrc": money(l.total(Mrc)),
        "otc": money(l.total(Otc)),
        "adjustments": money(l.total(Adjustment)),
        "charges": money(charges),
        "balance": money(l.balance()),
        "entries": l.entries().len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_credit_is_balance_plus_limit() {
        let d = crate::seed::test_account();
        let b = balance_json(&d);
        assert_eq!(b["balance"], "300.00");
        assert_eq!(b["available_credit"], "400.00");
    }
}
