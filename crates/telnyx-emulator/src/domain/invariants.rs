//! Property tests of the ledger's invariants over random traffic profiles, auto-recharge
//! preferences and advance sequences, at the domain level (no HTTP, so many cases run fast).

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::billing::fv_amount;
use super::clock::{self, AdvanceTo};
use super::{charges, events::apply};
use crate::ledger::{EntryKind, EntryRef};
use crate::model::{AccountData, Event, Fv, SEEDED_TYPES};
use crate::seed::generate;
use crate::util::{day_start, next_month_start};

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-20T08:30:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
struct Scenario {
    per_day: Vec<(String, i64)>,
    enabled: bool,
    ach: bool,
    threshold_cents: i64,
    recharge_cents: i64,
    advances: Vec<i64>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        0i64..300,
        0i64..30,
        0i64..10,
        any::<bool>(),
        any::<bool>(),
        0i64..40_000,
        1i64..20_000,
        proptest::collection::vec(0i64..50, 1..4),
    )
        .prop_map(
            |(m, c, v, enabled, ach, threshold_cents, recharge_cents, advances)| Scenario {
                per_day: vec![
                    ("messaging".into(), m),
                    ("call-control".into(), c),
                    ("verify".into(), v),
                ],
                enabled,
                ach,
                threshold_cents,
                recharge_cents,
                advances,
            },
        )
}

/// Runs a scenario through the same events the HTTP API stores.
fn run(s: &Scenario) -> (AccountData, usize) {
    let mut d = generate("KEY_prop", 7, &Default::default(), start());
    let seeded = d.ledger.entries().len();
    let mut prefs = d.prefs.clone();
    prefs.enabled = s.enabled;
    prefs.preference = if s.ach { "ach" } else { "credit_paypal" }.into();
    prefs.threshold_cents = s.threshold_cents;
    prefs.recharge_cents = s.recharge_cents;
    apply(&mut d, &Event::Prefs { prefs, audit: None });
    let per_day = clock::traffic(&s.per_day).unwrap_or_default();
    apply(
        &mut d,
        &Event::Traffic {
            per_day: per_day.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        },
    );
    for days in &s.advances {
        let to = clock::target(&d, AdvanceTo::Days(*days)).unwrap_or(d.now);
        apply(&mut d, &Event::Advance { to });
        assert!(
            d.pending.iter().filter(|p| p.auto).count() <= 1,
            "two auto-recharges pending"
        );
    }
    (d, seeded)
}

/// The cost of every detail record dated in `[from, to)`, read from the records themselves.
fn record_costs(d: &AccountData, from: DateTime<Utc>, to: DateTime<Utc>) -> Decimal {
    let mut sum = Decimal::ZERO;
    for ty in SEEDED_TYPES {
        let (Some(table), Some((cost, _)), Some((date, _))) = (
            d.records.get(ty.filter),
            ty.cost_field.and_then(|f| ty.field(f)),
            ty.field(ty.date_field),
        ) else {
            continue;
        };
        for row in 0..table.len() {
            if let Some(Fv::T(t)) = table.value(row, date) {
                if *t >= from && *t < to {
                    sum += table
                        .value(row, cost)
                        .and_then(fv_amount)
                        .unwrap_or_default();
                }
            }
        }
    }
    sum
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn ledger_invariants_hold(s in scenario()) {
        let (d, seeded) = run(&s);
        let l = &d.ledger;
        // balance == opening + payments + auto-recharges - usage - MRC - OTC (+ adjustments)
        let by_kind: Decimal = [
            EntryKind::Payment,
            EntryKind::AutoRecharge,
            EntryKind::Usage,
            EntryKind::Mrc,
            EntryKind::Otc,
            EntryKind::Adjustment,
        ]
        .iter()
        .map(|k| l.total(*k))
        .sum();
        prop_assert_eq!(l.opening() + by_kind, l.balance());
        let summed: Decimal = l.entries().iter().map(|e| e.amount).sum();
        prop_assert_eq!(l.opening() + summed, l.balance());
        prop_assert!(l.entries().windows(2).all(|w| w[0].at <= w[1].at));

        // every month: record costs == summary usage lines == the invoice's usage part, and
        // the invoice total == the summary's grand total
        let mut invoiced = Decimal::ZERO;
        let mut charged = Decimal::ZERO;
        for inv in &d.invoices {
            let end = next_month_start(inv.period_start);
            let (from, to) = (day_start(inv.period_start), day_start(end));
            let usage: Decimal = charges::usage(&d, inv.period_start, end).iter().map(|u| u.1).sum();
            prop_assert_eq!(record_costs(&d, from, to), usage);
            prop_assert_eq!(charges::month_total(&d, inv.period_start), inv.total);
            invoiced += inv.total;
            charged -= l.range(from, to).iter().filter(|e| e.kind.is_charge()).map(|e| e.amount).sum::<Decimal>();
        }
        prop_assert_eq!(invoiced, charged, "invoices == debits over closed months");

        // every record with a cost has exactly one usage entry of that cost
        let usage_entries = l.entries().iter().filter(|e| e.kind == EntryKind::Usage).count();
        let costed: usize = SEEDED_TYPES
            .iter()
            .filter(|t| t.cost_field.is_some())
            .map(|t| d.records.get(t.filter).map_or(0, |r| r.len()))
            .sum();
        prop_assert_eq!(usage_entries, costed);

        // auto-recharges == threshold crossings; no usage while available credit is gone
        let threshold = Decimal::new(s.threshold_cents, 2);
        let mut balance = l.opening();
        let mut pending = false;
        let mut crossings = 0u64;
        for (i, e) in l.entries().iter().enumerate() {
            if i >= seeded && e.kind == EntryKind::Usage {
                prop_assert!(balance + d.credit_limit > Decimal::ZERO, "usage while dry");
            }
            balance += e.amount;
            if i < seeded {
                continue;
            }
            if e.kind == EntryKind::AutoRecharge {
                pending = false;
            }
            if e.kind.is_charge() && s.enabled && balance < threshold && !pending {
                crossings += 1;
                pending = true;
            }
        }
        let auto = d
            .transactions
            .iter()
            .filter(|t| t["auto_recharge"] == serde_json::json!(true))
            .count() as u64;
        prop_assert_eq!(crossings, auto);
        let settled = l.entries().iter().filter(|e| e.kind == EntryKind::AutoRecharge).count() as u64;
        let pending_auto = d.pending.iter().filter(|p| p.auto).count() as u64;
        prop_assert_eq!(settled + pending_auto, auto);
        if !s.ach {
            prop_assert_eq!(pending_auto, 0);
        }
    }

    #[test]
    fn same_seed_start_and_calls_give_the_same_account(s in scenario()) {
        let (a, _) = run(&s);
        let (b, _) = run(&s);
        prop_assert_eq!(a.ledger.entries(), b.ledger.entries());
        prop_assert_eq!(a.now, b.now);
        prop_assert_eq!(&a.transactions, &b.transactions);
        let ids = |d: &AccountData| d.invoices.iter().map(|i| (i.id.clone(), i.total)).collect::<Vec<_>>();
        prop_assert_eq!(ids(&a), ids(&b));
        for ty in SEEDED_TYPES {
            let (ra, rb) = (a.records.get(ty.filter), b.records.get(ty.filter));
            let n = ra.map_or(0, |r| r.len());
            prop_assert_eq!(n, rb.map_or(0, |r| r.len()));
            if let (Some(ra), Some(rb), true) = (ra, rb, n > 0) {
                prop_assert_eq!(ra.to_json(n - 1, ty), rb.to_json(n - 1, ty));
            }
        }
    }
}

#[test]
fn an_ach_recharge_is_pending_three_days_then_settles() {
    let mut d = generate("KEY_ach", 0, &Default::default(), start());
    let mut prefs = d.prefs.clone();
    prefs.preference = "ach".into();
    prefs.threshold_cents = 29_900;
    apply(&mut d, &Event::Prefs { prefs, audit: None });
    let out = clock::advance(&mut d, start() + Duration::hours(12));
    assert_eq!(out.auto_recharges, 1);
    assert_eq!(d.pending.iter().filter(|p| p.auto).count(), 1);
    let pending = d.pending_amount();
    assert!(pending >= Decimal::new(104, 0));
    let fired = d.pending.iter().find(|p| p.auto).map(|p| p.settles_at);
    let out = clock::advance(&mut d, start() + Duration::days(4));
    assert_eq!(
        out.auto_recharges, 0,
        "never a second while one is pending... until it settles"
    );
    let settled = d
        .ledger
        .entries()
        .iter()
        .find(|e| e.kind == EntryKind::AutoRecharge)
        .map(|e| e.at);
    assert_eq!(settled, fired);
    assert!(matches!(
        d.ledger
            .entries()
            .iter()
            .rev()
            .find(|e| e.kind == EntryKind::AutoRecharge)
            .map(|e| e.reference),
        Some(EntryRef::Transaction(_))
    ));
}

#[test]
fn an_account_without_auto_recharge_runs_dry() {
    let mut d = generate("KEY_dry", 0, &Default::default(), start());
    d.prefs.enabled = false;
    d.traffic = clock::traffic(&[("call-control".into(), 5_000)]).unwrap_or_default();
    let out = clock::advance(&mut d, start() + Duration::days(10));
    assert!(d.available_credit() <= Decimal::ZERO);
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e, clock::DomainEvent::RanDry { .. })));
    let generated = out.usage_records;
    let out = clock::advance(&mut d, start() + Duration::days(20));
    assert_eq!(
        out.usage_records, 0,
        "no usage until money arrives (had {generated})"
    );
}
