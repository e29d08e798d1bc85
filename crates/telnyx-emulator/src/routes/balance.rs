//! `GET /balance`.

use axum::response::Response;

use super::Acct;
use crate::domain::balance::balance_json;
use crate::response::ok_data;

/// Handler.
pub async fn get(Acct(a): Acct) -> Response {
    let body = balance_json(&a.read());
    ok_data(body)
}
