//! The `/v2` resources: one file per resource, thin axum handlers (typed extractor -> domain
//! function -> response) over [`crate::domain`].

pub(crate) mod audit_events;
pub(crate) mod balance;
pub(crate) mod charges;
pub(crate) mod detail_records;
pub(crate) mod invoices;
pub(crate) mod payment;
pub(crate) mod user_tags;
pub(crate) mod webhook_deliveries;

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::Router;

use crate::error::ApiError;
use crate::state::App;
use crate::store::Account;

/// The `/v2` routes.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/v2/audit_events", get(audit_events::list))
        .route("/v2/balance", get(balance::get))
        .route("/v2/charges_breakdown", get(charges::breakdown))
        .route("/v2/charges_summary", get(charges::summary))
        .route("/v2/detail_records", get(detail_records::list))
        .route("/v2/invoices", get(invoices::list))
        .route("/v2/invoices/{id}", get(invoices::retrieve))
        .route(
            "/v2/payment/auto_recharge_prefs",
            get(payment::get_prefs).patch(payment::update_prefs),
        )
        .route(
            "/v2/payment/stored_payment_transactions",
            post(payment::create_stored_payment),
        )
        .route(
            "/v2/v2/payment/stored_payment_transactions",
            post(payment::create_stored_payment),
        )
        .route("/v2/user_tags", get(user_tags::list))
        .route("/v2/webhook_deliveries", get(webhook_deliveries::list))
        .route(
            "/v2/webhook_deliveries/{id}",
            get(webhook_deliveries::retrieve),
        )
}

/// The authenticated account of a `/v2` request (inserted by the auth middleware).
#[derive(Debug, Clone)]
pub struct Acct(pub Arc<Account>);

impl<S: Send + Sync> FromRequestParts<S> for Acct {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Acct>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("Could not understand the provided credentials."))
    }
}
