//! `GET /balance`.

use axum::response::Response;
use serde_json::{json, Value};

use super::{ok_data, Acct};
use crate::model::AccountData;
use crate::util::cents_str;

/// The balance object; `available_credit = balance + credit_limit`.
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

/// Handler.
pub async fn get(Acct(a): Acct) -> Response {
    let body = balance_json(&a.read());
    ok_data(body)
}
