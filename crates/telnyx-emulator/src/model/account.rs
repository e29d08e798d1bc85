//! Everything one account holds ([`AccountData`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

use super::columns::Records;
use super::entities::{Adjustment, AuditEvent, IdemRecord, Invoice, Pending, PhoneNumber, Prefs};
use super::webhook::{Webhook, WebhookState};
use crate::ledger::Ledger;

/// Everything one account holds.
#[derive(Debug)]
pub struct AccountData {
    /// Short hash of the key.
    pub key_hash: String,
    /// User id.
    pub user_id: String,
    /// User email.
    pub user_email: String,
    /// Organization id.
    pub organization_id: String,
    /// The account's clock: reads answer as of it; only advancing moves it.
    pub now: DateTime<Utc>,
    /// The generator seed of this account (from key and `--seed`).
    pub seed_base: u64,
    /// Every movement of money.
    pub ledger: Ledger,
    /// Credit limit.
    pub credit_limit: Decimal,
    /// Payments not yet settled, oldest first.
    pub pending: Vec<Pending>,
    /// Usage generated per virtual day, by record type.
    pub traffic: BTreeMap<&'static str, u32>,
    /// Auto-recharge preferences.
    pub prefs: Prefs,
    /// Phone numbers.
    pub numbers: Vec<PhoneNumber>,
    /// Adjustments.
    pub adjustments: Vec<Adjustment>,
    /// Invoices, oldest first.
    pub invoices: Vec<Invoice>,
    /// Detail records per filter type, sorted by the type's date field (oldest first; the list
    /// binary-searches it for `filter[date_range]`).
    pub records: HashMap<&'static str, Records>,
    /// Seeded webhook deliveries, newest first (a redelivery replaces one in place).
    pub webhooks: Vec<Webhook>,
    /// Positions in `webhooks` ordered by id, for [`AccountData::webhook`]'s binary search
    /// (built with [`index_webhooks`]; 4 bytes per delivery).
    pub webhooks_by_id: Vec<u32>,
    /// Where webhooks go and the deliveries made since the account was seeded.
    pub webhook: WebhookState,
    /// Audit events, sorted by `created_at` (oldest first; the list binary-searches it).
    pub audit_events: Vec<AuditEvent>,
    /// Number tags.
    pub number_tags: Vec<String>,
    /// Outbound profile tags.
    pub outbound_profile_tags: Vec<String>,
    /// Stored payment transactions.
    pub transactions: Vec<Value>,
    /// Idempotency records by key.
    pub idempotency: HashMap<String, IdemRecord>,
}

impl AccountData {
    /// The account's today (UTC date of its clock).
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// The amount of payments not yet settled.
    pub fn pending_amount(&self) -> Decimal {
        self.pending.iter().map(|p| p.amount).sum()
    }

    /// `balance + credit_limit`.
    pub fn available_credit(&self) -> Decimal {
        self.ledger.balance() + self.credit_limit
    }

    /// A deterministic UUID for the `n`th object of kind `tag` of this account: the same
    /// after a restart, since `n` is derived from the state (e.g. a list's length).
    pub fn id_for(&self, tag: &str, n: u64) -> String {
        let h = crate::util::fnv1a(
            crate::util::fnv1a(self.seed_base, tag.as_bytes()),
            &n.to_le_bytes(),
        );
        crate::util::uuid_from(&mut fastrand::Rng::with_seed(h))
    }

    /// The webhook delivery with this id (lowercase UUID), by binary search.
    pub fn webhook(&self, id: &str) -> Option<&Webhook> {
        if let Some(i) = self.webhook.position(id) {
            return self.webhook.live.get(i);
        }
        let at = self
            .webhooks_by_id
            .binary_search_by(|&i| self.webhooks[i as usize].id.as_str().cmp(id))
            .ok()?;
        self.webhooks.get(self.webhooks_by_id[at] as usize)
    }

    /// Total detail records.
    pub fn detail_record_count(&self) -> u64 {
        self.records.values().map(|r| r.len() as u64).sum()
    }
}
