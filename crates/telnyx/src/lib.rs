//! Async Rust client for the Telnyx Account API.

mod money;
pub(crate) mod query;

pub use money::{Money, ParseMoneyError};
pub use rust_decimal::Decimal;
