//! The account's virtual clock and its traffic: moving the clock generates, in time order, the
//! usage of the interval (detail records, each debited), the monthly charges on the 1st, the
//! close of every month that ended (an invoice), auto-recharges and ACH settlements.
//!
//! An advance is a pure function of the account's state and the target time (its random
//! generator is seeded from the account and the interval), so replaying the stored
//! `Advance` events after a restart rebuilds exactly the same records, ids and invoices.
//!
//! Every advance also returns the ordered list of [`DomainEvent`]s it produced: the seam on
//! which signed webhook delivery (message.sent/finalized, call events...) can be built without
//! touching the generator.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use rust_decimal::Decimal;
use serde_json::json;

use super::billing::{fv_amount, monthly_charges};
use super::generate::{gen_row, RowCtx};
use super::StoreError;
use crate::ledger::{Entry, EntryKind, EntryRef};
use crate::model::{AccountData, AuditEvent, Interner, Invoice, Pending, SEEDED_TYPES};
use crate::util::{day_start, fnv1a, money, month_start, next_month_start, ts};

/// Virtual days an ACH payment stays pending before it settles.
pub const ACH_SETTLE_DAYS: i64 = 3;
/// Longest single advance, in days.
pub const MAX_ADVANCE_DAYS: i64 = 3660;
/// Highest traffic rate accepted for one record type, per day.
pub const MAX_RATE_PER_DAY: i64 = 1_000_000;

/// Where to move the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdvanceTo {
    /// Forward by this many days.
    Days(i64),
    /// To this instant (not before the clock).
    At(DateTime<Utc>),
}

/// The target time of an advance, validated: not backwards, at most [`MAX_ADVANCE_DAYS`].
pub fn target(d: &AccountData, req: AdvanceTo) -> Result<DateTime<Utc>, StoreError> {
    let max = Duration::days(MAX_ADVANCE_DAYS);
    match req {
        AdvanceTo::Days(n) if !(0..=MAX_ADVANCE_DAYS).contains(&n) => Err(StoreError::invalid(
            "days",
            format!("days must be an integer between 0 and {MAX_ADVANCE_DAYS}; got {n}."),
        )),
        AdvanceTo::Days(n) => Ok(d.now + Duration::days(n)),
        AdvanceTo::At(t) if t < d.now => Err(StoreError::invalid(
            "to",
            format!(
                "The clock cannot move backwards: to ({}) is before the account's clock ({}).",
                ts(t),
                ts(d.now)
            ),
        )),
        AdvanceTo::At(t) if t - d.now > max => Err(StoreError::invalid(
            "to",
            format!(
                "to must be at most {MAX_ADVANCE_DAYS} days after the account's clock ({}).",
                ts(d.now)
            ),
        )),
        AdvanceTo::At(t) => Ok(t),
    }
}

/// Validates a traffic profile (`filter[record_type]` names to records per day). Types not
/// listed generate nothing.
pub fn traffic(per_day: &[(String, i64)]) -> Result<BTreeMap<&'static str, u32>, StoreError> {
    let mut out = BTreeMap::new();
    for (name, rate) in per_day {
        let field = format!("per_day.{name}");
        let ty = SEEDED_TYPES
            .iter()
            .find(|t| t.filter == name)
            .ok_or_else(|| {
                let names: Vec<&str> = SEEDED_TYPES.iter().map(|t| t.filter).collect();
                StoreError::invalid(
                    &field,
                    format!(
                        "Unknown record type '{name}'. Traffic can be generated for: {}.",
                        names.join(", ")
                    ),
                )
            })?;
        let rate = u32::try_from(*rate)
            .ok()
            .filter(|r| i64::from(*r) <= MAX_RATE_PER_DAY)
            .ok_or_else(|| {
                StoreError::invalid(
                    &field,
                    format!("The rate for '{name}' must be an integer between 0 and {MAX_RATE_PER_DAY} per day; got {rate}."),
                )
            })?;
        out.insert(ty.filter, rate);
    }
    Ok(out)
}

/// The profile as the API shows it.
pub fn traffic_json(per_day: &BTreeMap<&'static str, u32>) -> serde_json::Value {
    json!({ "per_day": per_day })
}

/// Something that happened during an advance, in time order.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainEvent {
    /// A detail record was generated (row `row` of seeded type index `ty`) and debited.
    Usage {
        /// Its time.
        at: DateTime<Utc>,
        /// Index in `SEEDED_TYPES`.
        ty: u8,
        /// Row in that type's table.
        row: u32,
    },
    /// Usage stopped: available credit reached zero.
    RanDry {
        /// When.
        at: DateTime<Utc>,
    },
    /// Monthly charges were posted.
    RecurringCharges {
        /// The 1st of the month, 00:00.
        at: DateTime<Utc>,
        /// Total charged.
        amount: Decimal,
    },
    /// A month closed into invoice `invoice` (index in the account's invoices).
    InvoiceClosed {
        /// The first instant after the month.
        at: DateTime<Utc>,
        /// Index in `AccountData::invoices`.
        invoice: usize,
    },
    /// Auto-recharge made a payment (transaction index); pending when ACH.
    AutoRecharge {
        /// When it fired.
        at: DateTime<Utc>,
        /// Index in `AccountData::transactions`.
        transaction: u32,
        /// Pending until it settles.
        pending: bool,
    },
    /// A pending payment settled into the balance.
    PaymentSettled {
        /// When.
        at: DateTime<Utc>,
        /// Index in `AccountData::transactions`.
        transaction: u32,
    },
}

/// What an advance did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Clock before.
    pub from: DateTime<Utc>,
    /// Clock after.
    pub to: DateTime<Utc>,
    /// Detail records generated.
    pub usage_records: u64,
    /// Their total cost.
    pub usage_cost: Decimal,
    /// Monthly charges posted.
    pub recurring_charges: Decimal,
    /// Auto-recharge payments made.
    pub auto_recharges: u64,
    /// Months closed into invoices.
    pub invoices_closed: u64,
    /// Balance after.
    pub balance: Decimal,
    /// Everything that happened, in time order.
    pub events: Vec<DomainEvent>,
}

impl Outcome {
    /// The report the control API answers (money as decimal strings).
    pub fn report(&self) -> crate::config::AdvanceReport {
        crate::config::AdvanceReport {
            from: ts(self.from),
            to: ts(self.to),
            usage_records: self.usage_records,
            usage_cost: money(self.usage_cost),
            recurring_charges: money(self.recurring_charges),
            auto_recharges: self.auto_recharges,
            invoices_closed: self.invoices_closed,
            balance: money(self.balance),
            webhooks_queued: 0,
            webhooks_dropped: 0,
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Moves the clock to `to` (already validated by [`target`]) and generates the interval.
pub fn advance(d: &mut AccountData, to: DateTime<Utc>) -> Outcome {
    let from = d.now;
    let mut out = Outcome {
        from,
        to: from.max(to),
        ..Default::default()
    };
    if to <= from {
        out.balance = d.ledger.balance();
        return out;
    }
    let seed = fnv1a(
        fnv1a(d.seed_base, b"advance"),
        &[from.timestamp().to_le_bytes(), to.timestamp().to_le_bytes()].concat(),
    );
    let mut rng = fastrand::Rng::with_seed(seed);
    let span = u64::try_from((to - from).num_seconds()).unwrap_or(0).max(1);
    // The usage timeline: (seconds after `from`, type index), spread uniformly.
    let mut timeline: Vec<(u64, u8)> = Vec::new();
    for (name, rate) in &d.traffic {
        let Some(ty) = SEEDED_TYPES.iter().position(|t| t.filter == *name) else {
            continue;
        };
        let expected = u128::from(*rate) * u128::from(span);
        let mut count = u64::try_from(expected / 86_400).unwrap_or(u64::MAX);
        let rem = u64::try_from(expected % 86_400).unwrap_or(0);
        if rng.u64(0..86_400) < rem {
            count += 1;
        }
        let ty = u8::try_from(ty).unwrap_or(u8::MAX);
        timeline.reserve(usize::try_from(count).unwrap_or(0));
        for _ in 0..count {
            timeline.push((rng.u64(0..span), ty));
        }
    }
    timeline.sort_unstable();

    let user_id = d.user_id.clone();
    let org_id = d.organization_id.clone();
    let own: Vec<String> = d.numbers.iter().map(|n| n.tn.clone()).collect();
    let ctx = RowCtx {
        user_id: &user_id,
        org_id: &org_id,
        own: own.iter().map(String::as_str).collect(),
    };
    let mut strings = Interner::default();
    let mut next_month = day_start(next_month_start(from.date_naive()));
    let mut dry = false;
    for (offset, ty_idx) in timeline {
        let t = from + Duration::seconds(i64::try_from(offset).unwrap_or(0));
        run_scheduled(d, &mut next_month, t, &mut out);
        if d.available_credit() <= Decimal::ZERO {
            if !dry {
                out.events.push(DomainEvent::RanDry { at: t });
                dry = true;
            }
            continue;
        }
        dry = false;
        let Some(ty) = SEEDED_TYPES.get(usize::from(ty_idx)) else {
            continue;
        };
        let table = d.records.entry(ty.filter).or_default();
        let seq = table.len() as u64;
        let Some(values) = gen_row(ty, &mut rng, seq, t, &ctx, &mut strings) else {
            continue;
        };
        let cost = ty
            .cost_field
            .and_then(|f| ty.field(f))
            .and_then(|(i, _)| values.get(i))
            .and_then(fv_amount);
        table.push_row(values);
        let row = to_u32(table.len() - 1);
        out.usage_records += 1;
        out.events.push(DomainEvent::Usage {
            at: t,
            ty: ty_idx,
            row,
        });
        if let Some(c) = cost {
            d.ledger.push(Entry {
                at: t,
                kind: EntryKind::Usage,
                amount: -c,
                reference: EntryRef::Record { ty: ty_idx, row },
            });
            out.usage_cost += c;
            maybe_recharge(d, t, &mut out);
        }
    }
    run_scheduled(d, &mut next_month, to, &mut out);
    d.now = to;
    out.balance = d.ledger.balance();
    out
}

/// Runs month boundaries and settlements due at or before `until`, in time order.
fn run_scheduled(
    d: &mut AccountData,
    next_month: &mut DateTime<Utc>,
    until: DateTime<Utc>,
    out: &mut Outcome,
) {
    loop {
        let settle = d
            .pending
            .iter()
            .enumerate()
            .min_by_key(|(_, p)| p.settles_at)
            .map(|(i, p)| (i, p.settles_at));
        match settle {
            Some((i, at)) if at <= until && at <= *next_month => settle_payment(d, i, out),
            _ if *next_month <= until => {
                let m = *next_month;
                close_month(d, m, out);
                post_monthly(d, m, out);
                *next_month = day_start(next_month_start(m.date_naive()));
            }
            _ => break,
        }
    }
}

fn settle_payment(d: &mut AccountData, i: usize, out: &mut Outcome) {
    let p: Pending = d.pending.remove(i);
    d.ledger.push(Entry {
        at: p.settles_at,
        kind: if p.auto {
            EntryKind::AutoRecharge
        } else {
            EntryKind::Payment
        },
        amount: p.amount,
        reference: EntryRef::Transaction(p.transaction),
    });
    out.events.push(DomainEvent::PaymentSettled {
        at: p.settles_at,
        transaction: p.transaction,
    });
}

/// Closes the month that ends at `m` into an invoice whose total is its charges summary.
fn close_month(d: &mut AccountData, m: DateTime<Utc>, out: &mut Outcome) {
    let last_day = m.date_naive().pred_opt().unwrap_or(m.date_naive());
    let start = month_start(last_day);
    if d.invoices.iter().any(|i| i.period_start == start) {
        return;
    }
    let n = u64::try_from(start.num_days_from_ce()).unwrap_or(0);
    let total = super::charges::month_total(d, start);
    for inv in &mut d.invoices {
        inv.paid = true;
    }
    let invoice = Invoice {
        id: d.id_for("invoice", n),
        file_id: d.id_for("invoice-file", n),
        period_start: start,
        period_end: last_day,
        paid: false,
        total,
    };
    d.invoices.push(invoice);
    out.invoices_closed += 1;
    out.events.push(DomainEvent::InvoiceClosed {
        at: m,
        invoice: d.invoices.len() - 1,
    });
}

/// Posts every number's monthly charges on the 1st at `m`.
fn post_monthly(d: &mut AccountData, m: DateTime<Utc>, out: &mut Outcome) {
    let entries: Vec<Entry> = d
        .numbers
        .iter()
        .enumerate()
        .filter(|(_, n)| day_start(n.purchased) < m)
        .flat_map(|(i, n)| monthly_charges(u16::try_from(i).unwrap_or(u16::MAX), n, m))
        .collect();
    let mut amount = Decimal::ZERO;
    for e in entries {
        amount -= e.amount;
        d.ledger.push(e);
        maybe_recharge(d, m, out);
    }
    out.recurring_charges += amount;
    out.events
        .push(DomainEvent::RecurringCharges { at: m, amount });
}

/// After a debit at `t`: when auto-recharge is on, the balance is below the threshold and no
/// auto-recharge is pending, makes one payment of the recharge amount.
fn maybe_recharge(d: &mut AccountData, t: DateTime<Utc>, out: &mut Outcome) {
    let threshold = Decimal::new(d.prefs.threshold_cents, 2);
    let amount = Decimal::new(d.prefs.recharge_cents, 2);
    if !d.prefs.enabled
        || d.ledger.balance() >= threshold
        || amount <= Decimal::ZERO
        || d.pending.iter().any(|p| p.auto)
    {
        return;
    }
    let ach = d.prefs.preference == "ach";
    let index = d.transactions.len();
    let id = d.id_for("transaction", index as u64);
    d.transactions.push(json!({
        "id": id,
        "amount_cents": d.prefs.recharge_cents,
        "amount_currency": "USD",
        "auto_recharge": true,
        "created_at": ts(t),
        "processor_status": if ach { "submitted_for_settlement" } else { "settled" },
        "record_type": "transaction",
        "transaction_processing_type": "stored_payment",
    }));
    let audit = json!({
        "id": d.id_for("audit", d.audit_events.len() as u64),
        "alternate_resource_id": id,
        "change_made_by": "telnyx",
        "change_type": "create",
        "changes": [
            { "field": "amount", "from": null, "to": money(amount) },
            { "field": "preference", "from": null, "to": d.prefs.preference },
        ],
        "created_at": ts(t),
        "organization_id": d.organization_id,
        "record_type": "auto_recharge_transaction",
        "resource_id": d.prefs.id,
        "user_id": d.user_id,
    });
    d.audit_events.push(AuditEvent::new(t, &audit));
    let transaction = to_u32(index);
    if ach {
        d.pending.push(Pending {
            amount,
            settles_at: t + Duration::days(ACH_SETTLE_DAYS),
            transaction,
            auto: true,
        });
    } else {
        d.ledger.push(Entry {
            at: t,
            kind: EntryKind::AutoRecharge,
            amount,
            reference: EntryRef::Transaction(transaction),
        });
    }
    out.auto_recharges += 1;
    out.events.push(DomainEvent::AutoRecharge {
        at: t,
        transaction,
        pending: ach,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_of_default_traffic() {
        let mut d = crate::seed::test_account();
        let start_balance = d.ledger.balance();
        let to = target(&d, AdvanceTo::Days(31)).expect("valid");
        let out = advance(&mut d, to);
        assert_eq!(d.now, to);
        assert!(out.usage_records > 13_000, "{}", out.usage_records);
        assert_eq!(out.invoices_closed, 1);
        assert_eq!(
            start_balance - out.usage_cost - out.recurring_charges
                + Decimal::new(10, 0)
                + Decimal::new(d.prefs.recharge_cents, 2) * Decimal::from(out.auto_recharges),
            d.ledger.balance()
        );
        let times: Vec<DateTime<Utc>> = out
            .events
            .iter()
            .map(|e| match e {
                DomainEvent::Usage { at, .. }
                | DomainEvent::RanDry { at }
                | DomainEvent::RecurringCharges { at, .. }
                | DomainEvent::InvoiceClosed { at, .. }
                | DomainEvent::AutoRecharge { at, .. }
                | DomainEvent::PaymentSettled { at, .. } => *at,
            })
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "events in time order"
        );
    }

    #[test]
    fn bad_targets_and_profiles_name_the_field() {
        let d = crate::seed::test_account();
        let back = target(&d, AdvanceTo::At(d.now - Duration::seconds(1)));
        assert!(matches!(back, Err(StoreError::Invalid { ref field, .. }) if field == "to"));
        let huge = target(&d, AdvanceTo::Days(MAX_ADVANCE_DAYS + 1));
        assert!(matches!(huge, Err(StoreError::Invalid { ref field, .. }) if field == "days"));
        let bad = traffic(&[("messaging".into(), -1)]);
        assert!(
            matches!(bad, Err(StoreError::Invalid { ref field, .. }) if field == "per_day.messaging")
        );
        let unknown = traffic(&[("fax".into(), 1)]);
        assert!(
            matches!(unknown, Err(StoreError::Invalid { ref field, .. }) if field == "per_day.fax")
        );
        assert!(traffic(&[("messaging".into(), MAX_RATE_PER_DAY + 1)]).is_err());
        assert_eq!(
            traffic(&[("messaging".into(), 500)])
                .ok()
                .and_then(|t| t.get("messaging").copied()),
            Some(500)
        );
    }
}
