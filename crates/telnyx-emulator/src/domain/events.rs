//! Applying a persisted [`Event`] to an account: the one place state changes, used both when a
//! request is acknowledged and when stored events are replayed after a restart.

use chrono::Utc;
use serde_json::Value;

use crate::model::{AccountData, AuditEvent, Event};

/// Applies a persisted event.
pub fn apply(d: &mut AccountData, ev: &Event) {
    match ev {
        Event::Seed { .. } => {}
        Event::Payment {
            amount_cents,
            transaction,
            idempotency,
        } => {
            d.balance_cents = d.balance_cents.saturating_add(*amount_cents);
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
    }
}
