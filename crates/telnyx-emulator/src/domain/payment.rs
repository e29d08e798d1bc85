//! Auto-recharge preferences and stored payment transactions: the events a change produces.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::model::{AccountData, Event, IdemRecord, Prefs};
use crate::util::ts;

/// A validated PATCH of the auto-recharge preferences: `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrefsPatch {
    /// `enabled`.
    pub enabled: Option<bool>,
    /// `invoice_enabled`.
    pub invoice_enabled: Option<bool>,
    /// `credit_paypal` or `ach`.
    pub preference: Option<String>,
    /// `recharge_amount` in cents.
    pub recharge_cents: Option<i64>,
    /// `threshold_amount` in cents.
    pub threshold_cents: Option<i64>,
}

/// The preferences after `patch`.
pub fn patched(cur: &Prefs, patch: &PrefsPatch) -> Prefs {
    Prefs {
        id: cur.id.clone(),
        enabled: patch.enabled.unwrap_or(cur.enabled),
        invoice_enabled: patch.invoice_enabled.unwrap_or(cur.invoice_enabled),
        preference: patch
            .preference
            .clone()
            .unwrap_or_else(|| cur.preference.clone()),
        recharge_cents: patch.recharge_cents.unwrap_or(cur.recharge_cents),
        threshold_cents: patch.threshold_cents.unwrap_or(cur.threshold_cents),
    }
}

/// The event of a PATCH (new preferences and their audit event), or `None` when nothing changes.
pub fn update_prefs(d: &AccountData, patch: &PrefsPatch) -> Option<Event> {
    let new = patched(&d.prefs, patch);
    let old = d.prefs.to_json();
    let newj = new.to_json();
    let changes: Vec<Value> = [
        "enabled",
        "invoice_enabled",
        "preference",
        "recharge_amount",
        "threshold_amount",
    ]
    .iter()
    .filter(|f| old[**f] != newj[**f])
    .map(|f| json!({ "field": f, "from": old[*f], "to": newj[*f] }))
    .collect();
    if changes.is_empty() {
        return None;
    }
    let audit = json!({
        "id": d.id_for("audit", d.audit_events.len() as u64),
        "alternate_resource_id": null,
        "change_made_by": "account_owner",
        "change_type": "update",
        "changes": changes,
        "created_at": ts(d.now),
        "organization_id": d.organization_id,
        "record_type": "auto_recharge_pref",
        "resource_id": new.id,
        "user_id": d.user_id,
    });
    Some(Event::Prefs {
        prefs: new,
        audit: Some(audit),
    })
}

/// How a request with an `Idempotency-Key` relates to an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency<'a> {
    /// A new key (or none): process it.
    New,
    /// The same key and body: answer the stored response again.
    Replay(&'a IdemRecord),
    /// The same key with another body: refuse.
    Conflict,
}

/// Classifies a request by its key and body fingerprint.
pub fn idempotency<'a>(
    seen: &'a HashMap<String, IdemRecord>,
    key: Option<&str>,
    fingerprint: &str,
) -> Idempotency<'a> {
    match key.and_then(|k| seen.get(k)) {
        None => Idempotency::New,
        Some(rec) if rec.fingerprint == fingerprint => Idempotency::Replay(rec),
        Some(_) => Idempotency::Conflict,
    }
}

/// The event of a stored payment of `cents` at the account's clock, with its response body
/// stored under `key`.
pub fn stored_payment(
    d: &AccountData,
    cents: i64,
    key: Option<String>,
    fingerprint: String,
) -> (Event, Value) {
    let txn = json!({
        "id": d.id_for("transaction", d.transactions.len() as u64),
        "amount_cents": cents,
        "amount_currency": "USD",
        "auto_recharge": false,
        "created_at": ts(d.now),
        "processor_status": "submitted_for_settlement",
        "record_type": "transaction",
        "transaction_processing_type": "stored_payment",
    });
    let body = json!({ "data": txn });
    let ev = Event::Payment {
        amount_cents: cents,
        transaction: txn,
        idempotency: key.map(|k| {
            (
                k,
                IdemRecord {
                    fingerprint,
                    status: 200,
                    body: body.to_string(),
                },
            )
        }),
    };
    (ev, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::events::apply;

    #[test]
    fn prefs_patch_audits_only_changes() {
        let mut d = crate::seed::test_account();
        assert!(update_prefs(&d, &PrefsPatch::default()).is_none());
        let patch = PrefsPatch {
            preference: Some("ach".into()),
            ..Default::default()
        };
        let ev = update_prefs(&d, &patch).expect("a change");
        let before = d.audit_events.len();
        apply(&mut d, &ev);
        assert_eq!(d.prefs.preference, "ach");
        assert_eq!(d.audit_events.len(), before + 1);
    }

    #[test]
    fn payment_credits_and_key_replays() {
        let mut d = crate::seed::test_account();
        let start = d.ledger.balance();
        let (ev, _) = stored_payment(&d, 12_000, Some("k1".into()), "fp".into());
        apply(&mut d, &ev);
        assert_eq!(
            d.ledger.balance(),
            start + rust_decimal::Decimal::new(120, 0)
        );
        assert!(matches!(
            idempotency(&d.idempotency, Some("k1"), "fp"),
            Idempotency::Replay(_)
        ));
        assert_eq!(
            idempotency(&d.idempotency, Some("k1"), "other"),
            Idempotency::Conflict
        );
        assert_eq!(idempotency(&d.idempotency, None, "fp"), Idempotency::New);
    }
}
