//! The event log: every persisted change to an account, replayed in order on restart.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::entities::{IdemRecord, Prefs};
use super::webhook::Endpoint;
use crate::config::SeedRequest;

/// A persisted change to an account; replayed in order on restart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The account was (re)seeded at these sizes.
    Seed {
        /// Sizes.
        sizes: SeedRequest,
    },
    /// A stored payment transaction.
    Payment {
        /// Credited amount.
        amount_cents: i64,
        /// The transaction object as returned.
        transaction: Value,
        /// The idempotency key and stored result, if a key was sent.
        idempotency: Option<(String, IdemRecord)>,
    },
    /// Auto-recharge preferences changed.
    Prefs {
        /// New preferences.
        prefs: Prefs,
        /// The audit event written for the change.
        audit: Option<Value>,
    },
    /// The account's clock started here (stored when no `--start-time` fixes it).
    Opened {
        /// Start of the clock.
        at: DateTime<Utc>,
    },
    /// The clock moved to `to`, generating everything in between (deterministically).
    Advance {
        /// New clock time.
        to: DateTime<Utc>,
    },
    /// The traffic profile was replaced.
    Traffic {
        /// Records per day by `filter[record_type]` name.
        per_day: BTreeMap<String, u32>,
    },
    /// The webhook endpoint was set (`Some`) or removed (`None`).
    WebhookEndpoint {
        /// The new endpoint.
        endpoint: Option<Endpoint>,
    },
    /// A webhook delivery was recorded or updated (after an attempt, or unsent at shutdown).
    Delivery {
        /// The delivery's API object.
        delivery: Value,
    },
}
