//! Applying a persisted [`Event`] to an account: the one place state changes, used both when a
//! request is acknowledged and when stored events are replayed after a restart.

use chrono::Utc;
use rust_decimal::Decimal;
use serde_json::Value;

use super::clock::{self, Outcome};
use crate::ledger::{Entry, EntryKind, EntryRef};
use crate::model::{AccountData, AuditEvent, Event};

/// Applies a persisted event; an advance returns what it did.
pub fn apply(d: &mut AccountData, ev: &Event) -> Option<Outcome> {
    match ev {
        Event::Seed { .. } | Event::Opened { .. } => {}
        Event::Payment {
            amount_cents,
            transaction,
            idempotency,
        } => {
            let index = u32::try_from(d.transactions.len()).unwrap_or(u32::MAX);
            d.ledger.push(Entry {
                at: d.now,
                kind: EntryKind::Payment,
                amount: Decimal::new(*amount_cents, 2),
                reference: EntryRef::Transaction(index),
            });
            d.transactions.push(transaction.clone());
            if let Some((k, r)) = idempotency {
                d.idempotency.insert(k.clone(), r.clone());
            }
        }
        Event::Prefs { prefs, audit } => {
            d.prefs = prefs.clone();
            if let Some(a) = audit {
                let created_at = a
                    .get("created_at")
                    .and_then(Value::as_str)
                    .and_then(crate::util::parse_time)
                    .unwrap_or_else(Utc::now);
                d.audit_events.push(AuditEvent::new(created_at, a));
                d.audit_events.sort_by_key(|e| e.created_at);
            }
        }
        Event::Advance { to } => return Some(clock::advance(d, *to)),
        Event::Traffic { per_day } => {
            let pairs: Vec<(String, i64)> = per_day
                .iter()
                .map(|(k, v)| (k.clone(), i64::from(*v)))
                .collect();
            if let Ok(t) = clock::traffic(&pairs) {
                d.traffic = t;
            }
        }
        Event::WebhookEndpoint { endpoint } => d.webhook.endpoint = endpoint.clone(),
        Event::Delivery { delivery } => super::webhooks::record(d, delivery),
    }
    None
}
