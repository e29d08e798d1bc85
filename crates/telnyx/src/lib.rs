//! Async Rust client for the Telnyx Account API: balance, charges, invoices, detail
//! records, audit events, webhook deliveries, auto-recharge and stored payments.
//!
//! Typed models (money is an exact [`Money`] decimal, never a float), one [`Error`] type
//! whose message carries Telnyx's code, title and detail, automatic retries that never
//! replay a payment without an idempotency key, and lazy auto-paginating streams.
//!
//! # Quick start
//!
//! ```no_run
//! use futures::StreamExt;
//! use telnyx::{AuditEventListParams, Client, SortDirection};
//!
//! # async fn run() -> telnyx::Result<()> {
//! // TELNYX_API_KEY (required) and TELNYX_BASE_URL (optional) from the environment,
//! // or Client::new("KEY...") / Client::builder() for full control.
//! let client = Client::from_env()?;
//!
//! // One object: build the request, await it.
//! let balance = client.balance().retrieve().await?;
//! println!("balance: {:?} {:?}", balance.balance, balance.currency);
//!
//! // A list: await it for one page, or stream every item across pages, lazily.
//! let params = AuditEventListParams::default().sort(SortDirection::Desc);
//! let mut events = client.audit_events().list(params).into_stream();
//! while let Some(event) = events.next().await {
//!     let event = event?;
//!     println!("{event:?}");
//! }
//! # Ok(()) }
//! ```
//!
//! # Requests
//!
//! Every call returns a [`Request`] (or a [`ListRequest`] for paginated lists) that does
//! nothing until awaited, and can be customised first: `.timeout(..)`, `.max_retries(..)`,
//! `.idempotency_key(..)`. See [`Request`] for the retry rules and why a POST is only
//! retried with an idempotency key, and [`ListRequest`] for the paging rules.
//!
//! A list streams one page at a time by default. `.concurrency(4)` fetches 4 pages ahead;
//! `.concurrency(Concurrency::Auto)` lets the SDK find the depth from latency, errors and the
//! `x-ratelimit-*` headers, backing off before the rate limit (see [`Concurrency`]); the
//! stream's [`stats`](ItemStream::stats) say what it observed. Items stay in order either way.
//!
//! # Errors
//!
//! ```no_run
//! # async fn run(client: telnyx::Client) {
//! match client.balance().retrieve().await {
//!     Ok(balance) => println!("{balance:?}"),
//!     Err(e) if e.kind() == telnyx::ErrorKind::Authentication => eprintln!("bad key: {e}"),
//!     Err(e) => eprintln!("{e} (retryable: {}, request id: {:?})", e.is_retryable(), e.request_id()),
//! }
//! # }
//! ```
//!
//! A rejected request carries its [`Violation`] (operation, parameter, [`Rule`], value):
//! decide from [`Error::violation`], never from the message text.
//!
//! # Response metadata, compression, blocking
//!
//! [`Request::with_response`] returns the value with its [`ResponseMeta`] (status, headers,
//! request id, rate-limit figures); every [`Page`] carries its own. Responses are asked for
//! gzip- or deflate-compressed and decoded. With the cargo feature `blocking`,
//! `telnyx::blocking::Client` offers the same operations for a plain `fn main`, lists as
//! iterators over items and pages.
//!
//! # Strict decoding
//!
//! Decoding is lenient (unknown fields ignored, unknown enum values kept in `Unknown`);
//! [`strict::check`] decodes the same way and lists every field, enum value or failure the
//! models do not cover, with its JSON path, for tests that want to know.
//!
//! Per-attempt `tracing` spans (`telnyx.request`: method, path, attempt, status,
//! duration) are emitted at debug level; they carry no bodies and no secrets.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod client;
mod error;
mod money;
mod options;
mod pagination;
mod prefetch;
pub mod query;
mod request;
mod resources;
mod response;
mod retry;
pub mod strict;
mod timestamp;
mod violation;
pub mod webhooks;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_INITIAL_RETRY_DELAY,
    DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_WAIT, DEFAULT_TIMEOUT,
};
pub use error::{ApiErrorDetail, Error, ErrorKind, ErrorSource, RateLimit, Result};
pub use money::{Money, ParseMoneyError};
pub use options::{IdempotencyKey, RequestOptions};
pub use pagination::{ItemStream, ListRequest, Page, PageMeta, PageStream};
pub use prefetch::{Concurrency, PrefetchStats, DEFAULT_MAX_AUTO_DEPTH};
pub use query::Query;
pub use request::{BoxFuture, Request};
pub use resources::{
    AmdDetailRecord, AmdFeature, AuditEvent, AuditEventChange, AuditEventListParams,
    AuditEventsApi, AutoRechargePref, AutoRechargePrefUpdate, AutoRechargePrefsApi, Balance,
    BalanceApi, ChangeMadeBy, ChargesAdjustment, ChargesBreakdown, ChargesBreakdownApi,
    ChargesBreakdownParams, ChargesFormat, ChargesSummary, ChargesSummaryApi,
    ChargesSummaryDetails, ChargesSummaryParams, ChargesSummaryTotal, ComparativeLine,
    ConferenceDetailRecord, ConferenceParticipantDetailRecord, CostType, DateRange, DetailRecord,
    DetailRecordListParams, DetailRecordType, DetailRecordsApi, FieldFilter, FilterOp, HttpHeaders,
    Invoice, InvoiceAction, InvoiceDetail, InvoiceListParams, InvoicePdfRequest, InvoiceSort,
    InvoicesApi, MediaStorageDetailRecord, MessageDetailRecord, MessageDirection, MessageStatus,
    MessageType, MonthDetail, NumberBreakdown, ParseParamError, PaymentApi, RechargePreference,
    ServiceCharge, SimCardUsageDetailRecord, SimpleLine, SortDirection, StoredPaymentTransaction,
    SummaryLine, UserTagListParams, UserTags, UserTagsApi, VerifyChannelType, VerifyDetailRecord,
    WebhookDeliveriesApi, WebhookDelivery, WebhookDeliveryAttempt, WebhookDeliveryListParams,
    WebhookDeliveryStatus, WebhookEvent, WebhookHttp, WebhookHttpRequest, WebhookHttpResponse,
    MAX_CHARGES_RANGE_DAYS, MAX_DETAIL_RECORDS_PAGE_SIZE, MAX_INVOICES_PAGE_SIZE,
    MAX_WEBHOOK_DELIVERIES_PAGE_SIZE,
};
pub use response::ResponseMeta;
pub use rust_decimal::Decimal;
pub use violation::{Rule, Violation};
