//! The SDK's integration tests, linked once: one test binary with a module per area (as
//! cargo's own `tests/testsuite/main.rs`), the helpers shared by several modules in
//! `tests/common/`.
//!
//! `cargo test -p telnyx --test it` runs them all; add a filter to run one module, e.g.
//! `cargo test -p telnyx --test it webhooks_pynacl`.
#![allow(clippy::unwrap_used)] // tests may unwrap (team rule)

#[path = "../common/mod.rs"]
mod common;

mod adaptive_prefetch;
#[cfg(feature = "blocking")]
mod blocking;
mod compression;
mod core_errors;
mod core_pagination;
mod core_retry;
mod core_tracing;
mod e2e_emulator;
mod invoice_pdf;
mod resources_validation;
mod resources_violations;
mod resources_wire;
mod response_meta;
mod webhooks;
mod webhooks_props;
mod webhooks_pynacl;
