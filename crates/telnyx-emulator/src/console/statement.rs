//! The ledger page's default view, a statement: each day's usage summed per product (posted at
//! the day's end, with its record count) and every other entry (charges, payments,
//! auto-recharges, adjustments) as it is, newest first, with the balance after each row.
//!
//! Built from the ledger's day totals and its index of non-usage entries, never from the
//! usage entries themselves, so a page costs the same for a thousand records a day or a
//! million. The day's last row ends at the ledger's closing balance of that day.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::ledger::{Day, Entry, EntryKind, Ledger};
use crate::model::SEEDED_TYPES;
use crate::util::day_start;

/// What a statement row is.
#[derive(Debug, Clone, PartialEq)]
pub enum Line<'a> {
    /// One day's usage of one product.
    Usage {
        /// The day.
        day: NaiveDate,
        /// The product (the API's `filter[record_type]` name).
        product: &'static str,
        /// The sum of its records' costs (negative).
        amount: Decimal,
        /// How many records.
        records: u32,
    },
    /// One entry that is not a record's usage, with its index in the ledger.
    Entry(usize, &'a Entry),
}

impl Line<'_> {
    /// The signed amount that moved the balance.
    pub fn amount(&self) -> Decimal {
        match self {
            Line::Usage { amount, .. } => *amount,
            Line::Entry(_, e) => e.amount,
        }
    }

    /// The entry kind (usage for a day's usage).
    pub fn kind(&self) -> EntryKind {
        match self {
            Line::Usage { .. } => EntryKind::Usage,
            Line::Entry(_, e) => e.kind,
        }
    }
}

/// A statement row: the line and the balance after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// What moved the balance.
    pub line: Line<'a>,
    /// The balance after this row (the day's closing balance after its newest row).
    pub balance_after: Decimal,
}

/// One day's rows, newest first: its usage per product (posted at the day's end, in product
/// order), then its other entries, newest first.
fn day_rows<'a>(l: &'a Ledger, day: &Day) -> Vec<Row<'a>> {
    let mut lines: Vec<Line<'a>> = SEEDED_TYPES
        .iter()
        .zip(day.usage.iter().zip(&day.records))
        .filter(|(_, (_, n))| **n > 0)
        .map(|(t, (amount, records))| Line::Usage {
            day: day.day,
            product: t.filter,
            amount: *amount,
            records: *records,
        })
        .collect();
    let from = day_start(day.day);
    let to = day_start(day.day + Days::new(1));
    lines.extend(
        l.others_between(from, to)
            .rev()
            .map(|(i, e)| Line::Entry(i, e)),
    );
    let mut balance = day.closing;
    lines
        .into_iter()
        .map(|line| {
            let row = Row {
                balance_after: balance,
                line,
            };
            balance -= row.line.amount();
            row
        })
        .collect()
}

/// Rows `skip..skip + take` of the statement of the days `from..=to` (either end open), only
/// lines of `kind` when given, newest first; and whether more rows follow.
pub fn rows(
    l: &Ledger,
    kind: Option<EntryKind>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    skip: usize,
    take: usize,
) -> (Vec<Row<'_>>, bool) {
    let days = l.days_between(
        from.unwrap_or(NaiveDate::MIN),
        to.and_then(|d| d.succ_opt()).unwrap_or(NaiveDate::MAX),
    );
    let mut it = days
        .iter()
        .rev()
        .flat_map(|d| day_rows(l, d))
        .filter(|r| kind.is_none_or(|k| r.line.kind() == k))
        .skip(skip);
    let out: Vec<Row<'_>> = it.by_ref().take(take).collect();
    let more = it.next().is_some();
    (out, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_adds_up_to_the_ledger_day_by_day() {
        let d = crate::seed::test_account();
        let l = &d.ledger;
        let (all, more) = rows(l, None, None, None, 0, usize::MAX);
        assert!(!more);
        // Every entry is in exactly one row: the usage rows count the records, the others are
        // the other entries.
        let records: u64 = all
            .iter()
            .map(|r| match r.line {
                Line::Usage { records, .. } => u64::from(records),
                Line::Entry(..) => 1,
            })
            .sum();
        assert_eq!(records, l.entries().len() as u64);
        // The amounts add up to the balance's movement, and each row's balance follows from
        // the next older one.
        let total: Decimal = all.iter().map(|r| r.line.amount()).sum();
        assert_eq!(l.opening() + total, l.balance());
        assert_eq!(all.first().map(|r| r.balance_after), Some(l.balance()));
        for pair in all.windows(2) {
            assert_eq!(
                pair[1].balance_after,
                pair[0].balance_after - pair[0].line.amount()
            );
        }
        // A day's usage row is the sum of that day's records of that product.
        let Some(Row {
            line:
                Line::Usage {
                    day,
                    product,
                    amount,
                    records,
                },
            ..
        }) = all
            .iter()
            .find(|r| matches!(r.line, Line::Usage { .. }))
            .cloned()
        else {
            panic!("the test account has usage");
        };
        let ty = SEEDED_TYPES
            .iter()
            .position(|t| t.filter == product)
            .unwrap_or(usize::MAX);
        let of_day: Vec<&Entry> = l
            .range(day_start(day), day_start(day + Days::new(1)))
            .iter()
            .filter(|e| {
                matches!(e.reference, crate::ledger::EntryRef::Record { ty: t, .. } if usize::from(t) == ty)
            })
            .collect();
        assert_eq!(of_day.len(), records as usize);
        assert_eq!(of_day.iter().map(|e| e.amount).sum::<Decimal>(), amount);
    }

    #[test]
    fn pages_and_filters_cut_the_same_sequence() {
        let d = crate::seed::test_account();
        let l = &d.ledger;
        let (all, _) = rows(l, None, None, None, 0, usize::MAX);
        let (page2, more) = rows(l, None, None, None, 10, 10);
        assert_eq!(page2, all[10..20].to_vec());
        assert!(more);
        let (mrc, _) = rows(l, Some(EntryKind::Mrc), None, None, 0, usize::MAX);
        let want: Vec<Row<'_>> = all
            .iter()
            .filter(|r| r.line.kind() == EntryKind::Mrc)
            .cloned()
            .collect();
        assert!(!mrc.is_empty());
        assert_eq!(mrc, want, "a filter keeps each row's balance");
        let Some(Line::Usage { day, .. }) = all
            .iter()
            .map(|r| r.line.clone())
            .find(|l| matches!(l, Line::Usage { .. }))
        else {
            panic!("usage");
        };
        let (one_day, _) = rows(l, None, Some(day), Some(day), 0, usize::MAX);
        assert!(!one_day.is_empty());
        assert!(one_day.iter().all(|r| match r.line {
            Line::Usage { day: d, .. } => d == day,
            Line::Entry(_, e) => e.at.date_naive() == day,
        }));
    }
}
