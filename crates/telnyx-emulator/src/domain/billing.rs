//! Billing rules: what a number costs each month, a record's cost as money, and the ledger of
//! an account's seeded past.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::ledger::{Entry, EntryKind, EntryRef, ACTIVATION};
use crate::model::{Adjustment, Fv, PhoneNumber, Records, SEEDED_TYPES};
use crate::util::{day_start, next_month_start};

/// Billed seconds of a call of `secs` seconds: per started minute.
pub(crate) fn billed_seconds(secs: i64) -> i64 {
    (secs + 59) / 60 * 60
}

/// The ledger of the seeded past: numbers' activation fees and monthly charges up to `today`,
/// adjustments, and one usage entry per seeded detail record with a cost.
pub(crate) fn past_entries(
    numbers: &[PhoneNumber],
    adjustments: &[Adjustment],
    records: &HashMap<&'static str, Records>,
    today: NaiveDate,
) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        let number = u16::try_from(i).unwrap_or(u16::MAX);
        let at = day_start(n.purchased);
        let mut push = |service: u8, cents: i64, kind, new| {
            out.push(Entry {
                at,
                kind,
                amount: -Decimal::new(cents, 2),
                reference: EntryRef::Service {
                    number,
                    service,
                    new,
                },
            });
        };
        push(ACTIVATION, n.activation.cents, EntryKind::Otc, true);
        push(0, n.primary.cents, EntryKind::Mrc, true);
        for (k, a) in n.addons.iter().enumerate() {
            push(
                u8::try_from(k + 1).unwrap_or(0),
                a.cents,
                EntryKind::Mrc,
                true,
            );
        }
        let mut m = next_month_start(n.purchased);
        while m <= today {
            out.extend(monthly_charges(number, n, day_start(m)));
            m = next_month_start(m);
        }
    }
    for (i, a) in adjustments.iter().enumerate() {
        out.push(Entry {
            at: day_start(a.date),
            kind: EntryKind::Adjustment,
            amount: -Decimal::new(a.cents, 2),
            reference: EntryRef::Adjustment(u32::try_from(i).unwrap_or(u32::MAX)),
        });
    }
    for (ty_idx, ty) in SEEDED_TYPES.iter().enumerate() {
        let Some(table) = records.get(ty.filter) else {
            continue;
        };
        let (Some((cost, _)), Some((date, _))) = (
            ty.cost_field.and_then(|f| ty.field(f)),
            ty.field(ty.date_field),
        ) else {
            continue;
        };
        for row in 0..table.len() {
            if let (Some(c), Some(Fv::T(at))) = (
                table.value(row, cost).and_then(fv_amount),
                table.value(row, date),
            ) {
                out.push(Entry {
                    at: *at,
                    kind: EntryKind::Usage,
                    amount: -c,
                    reference: EntryRef::Record {
                        ty: u8::try_from(ty_idx).unwrap_or(u8::MAX),
                        row: u32::try_from(row).unwrap_or(u32::MAX),
                    },
                });
            }
        }
    }
    out
}

/// The monthly charges of number `n` (index `number`) on the 1st at `at`.
pub(crate) fn monthly_charges(number: u16, n: &PhoneNumber, at: DateTime<Utc>) -> Vec<Entry> {
    let mut out = vec![Entry {
        at,
        kind: EntryKind::Mrc,
        amount: -Decimal::new(n.primary.cents, 2),
        reference: EntryRef::Service {
            number,
            service: 0,
            new: false,
        },
    }];
    for (k, a) in n.addons.iter().enumerate() {
        out.push(Entry {
            at,
            kind: EntryKind::Mrc,
            amount: -Decimal::new(a.cents, 2),
            reference: EntryRef::Service {
                number,
                service: u8::try_from(k + 1).unwrap_or(0),
                new: false,
            },
        });
    }
    out
}

/// A cost value as an exact decimal.
pub(crate) fn fv_amount(v: &Fv) -> Option<Decimal> {
    match v {
        Fv::D(d, _) | Fv::N(d) => Some(*d),
        Fv::I(i) => Some(Decimal::from(*i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::billed_seconds;

    #[test]
    fn calls_are_billed_per_started_minute() {
        assert_eq!(billed_seconds(1), 60);
        assert_eq!(billed_seconds(60), 60);
        assert_eq!(billed_seconds(61), 120);
        assert_eq!(billed_seconds(0), 0);
    }
}
