//! Async Rust client for the Telnyx Account API.
//!
//! Quick start: see the README; every call is a lazy [`Request`] or [`ListRequest`] that
//! is sent when awaited.
#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod client;
mod error;
mod money;
mod pagination;
pub mod query;
mod request;
mod resources;
mod retry;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_INITIAL_RETRY_DELAY,
    DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT,
};
pub use error::{ApiErrorDetail, Error, ErrorKind, ErrorSource, RateLimit, Result};
pub use money::{Money, ParseMoneyError};
pub use pagination::{ListRequest, Page, PageMeta};
pub use query::Query;
pub use request::{BoxFuture, Request};
pub use resources::*;
pub use rust_decimal::Decimal;
