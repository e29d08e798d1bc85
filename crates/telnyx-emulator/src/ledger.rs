//! The account's one ledger: every movement of money as an entry, in time order, with running
//! totals so that the balance is O(1) and a range is a binary search.
//!
//! Amounts are exact signed decimals (a message costs `0.0040`; nothing is rounded inside the
//! ledger): debits are negative, credits positive. `balance = opening + sum(entries)`.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

/// What moved the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// The cost of one detail record.
    Usage,
    /// A monthly recurring charge of a number or add-on.
    Mrc,
    /// A one-time charge (number activation).
    Otc,
    /// A stored payment (settled).
    Payment,
    /// An auto-recharge payment (settled).
    AutoRecharge,
    /// A credit or debit adjustment.
    Adjustment,
}

impl EntryKind {
    fn slot(self) -> usize {
        self as usize
    }

    /// True for charges (everything but money coming in).
    pub fn is_charge(self) -> bool {
        !matches!(self, EntryKind::Payment | EntryKind::AutoRecharge)
    }
}

/// What an entry refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryRef {
    /// Row `row` of the detail records of seeded type `ty` (index in `SEEDED_TYPES`).
    Record {
        /// Record type index.
        ty: u8,
        /// Row in that type's table.
        row: u32,
    },
    /// A number's service: `service` 0 is the number's own MRC, 1.. its add-ons, and
    /// [`ACTIVATION`] its activation fee; `new` in the purchase month.
    Service {
        /// Index in the account's numbers.
        number: u16,
        /// Service slot.
        service: u8,
        /// Charged in the purchase month.
        new: bool,
    },
    /// Transaction `index` of the account's stored transactions.
    Transaction(u32),
    /// Adjustment `index` of the account's adjustments.
    Adjustment(u32),
}

/// The service slot of a number's activation fee.
pub const ACTIVATION: u8 = u8::MAX;

/// One movement of money.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// When it happened (account clock).
    pub at: DateTime<Utc>,
    /// What it is.
    pub kind: EntryKind,
    /// Signed exact amount: negative for charges.
    pub amount: Decimal,
    /// What it refers to.
    pub reference: EntryRef,
}

/// Usage slots of a [`Day`]: one per seeded record type (`model::SEEDED_TYPES`, whose length
/// the console checks against this at compile time).
pub const USAGE_TYPES: usize = 8;

/// One day's totals, kept as entries are added (the console's charts read these, never the
/// entries).
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    /// The UTC day.
    pub day: NaiveDate,
    /// Sum of the day's entries per [`EntryKind`] (signed, charges negative).
    pub by_kind: [Decimal; 6],
    /// Sum of the day's usage entries per seeded record type (signed, charges negative).
    pub usage: [Decimal; USAGE_TYPES],
    /// Number of the day's usage entries (records) per seeded record type.
    pub records: [u32; USAGE_TYPES],
    /// The balance after the day's last entry.
    pub closing: Decimal,
    /// Number of entries that day.
    pub entries: u32,
}

impl Day {
    /// The day's sum for one kind.
    pub fn kind(&self, kind: EntryKind) -> Decimal {
        self.by_kind[kind.slot()]
    }
}

/// The entries in time order plus running totals.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    opening: Decimal,
    entries: Vec<Entry>,
    balance: Decimal,
    totals: [Decimal; 6],
    /// Per seeded record type: the sum of its usage entries and how many there are.
    usage: [(Decimal, u64); USAGE_TYPES],
    /// Indices of the entries that are not a record's usage (charges, payments, adjustments),
    /// in time order: a statement lists these one by one and the usage per day.
    others: Vec<usize>,
    days: Vec<Day>,
    /// The balance after every [`CHECKPOINT`]th entry: `checkpoints[c]` is the balance after
    /// entry `(c + 1) * CHECKPOINT - 1`, so any entry's running balance is at most
    /// `CHECKPOINT` additions away (16 bytes per 1,024 entries).
    checkpoints: Vec<Decimal>,
}

/// Entries between two running-balance checkpoints.
pub const CHECKPOINT: usize = 1024;

impl Ledger {
    /// A ledger from entries (sorted here, stably, by time) whose balance after them is `balance`:
    /// the opening balance is derived.
    pub fn with_closing_balance(mut entries: Vec<Entry>, balance: Decimal) -> Ledger {
        entries.sort_by_key(|e| e.at);
        let mut totals = [Decimal::ZERO; 6];
        for e in &entries {
            totals[e.kind.slot()] += e.amount;
        }
        let sum: Decimal = totals.iter().copied().sum();
        let mut l = Ledger {
            opening: balance - sum,
            entries: Vec::with_capacity(entries.len()),
            balance: balance - sum,
            totals: [Decimal::ZERO; 6],
            usage: [(Decimal::ZERO, 0); USAGE_TYPES],
            others: Vec::new(),
            days: Vec::new(),
            checkpoints: Vec::new(),
        };
        for e in entries {
            l.push(e);
        }
        l
    }

    /// Appends an entry; its time must not be before the last one (the clock only moves on).
    pub fn push(&mut self, e: Entry) {
        debug_assert!(self.entries.last().is_none_or(|l| l.at <= e.at));
        self.balance += e.amount;
        self.totals[e.kind.slot()] += e.amount;
        let day = e.at.date_naive();
        if self.days.last().is_none_or(|d| d.day != day) {
            self.days.push(Day {
                day,
                by_kind: [Decimal::ZERO; 6],
                usage: [Decimal::ZERO; USAGE_TYPES],
                records: [0; USAGE_TYPES],
                closing: self.balance,
                entries: 0,
            });
        }
        if let Some(d) = self.days.last_mut() {
            d.by_kind[e.kind.slot()] += e.amount;
            let ty = match (e.kind, e.reference) {
                (EntryKind::Usage, EntryRef::Record { ty, .. }) => usize::from(ty),
                _ => usize::MAX,
            };
            match (
                d.usage.get_mut(ty),
                d.records.get_mut(ty),
                self.usage.get_mut(ty),
            ) {
                (Some(u), Some(r), Some((sum, n))) => {
                    *u += e.amount;
                    *r += 1;
                    *sum += e.amount;
                    *n += 1;
                }
                _ => self.others.push(self.entries.len()),
            }
            d.closing = self.balance;
            d.entries += 1;
        }
        self.entries.push(e);
        if self.entries.len() % CHECKPOINT == 0 {
            self.checkpoints.push(self.balance);
        }
    }

    /// The balance right after entry `i` (the current balance past the end): from the nearer
    /// of the checkpoints around it (or the current balance after the last one), at most
    /// `CHECKPOINT / 2` additions.
    pub fn balance_after(&self, i: usize) -> Decimal {
        let n = self.entries.len();
        if i >= n {
            return self.balance;
        }
        let c = (i + 1) / CHECKPOINT;
        let sum =
            |r: std::ops::Range<usize>| self.entries[r].iter().map(|e| e.amount).sum::<Decimal>();
        // Forward from the checkpoint at or before `i`...
        let forward = i + 1 - c * CHECKPOINT;
        // ...or back from the next one (or from the end).
        let (next_at, next) = match self.checkpoints.get(c) {
            Some(b) => ((c + 1) * CHECKPOINT, *b),
            None => (n, self.balance),
        };
        if next_at - (i + 1) < forward {
            return next - sum(i + 1..next_at);
        }
        let base = match c {
            0 => self.opening,
            c => self.checkpoints[c - 1],
        };
        base + sum(c * CHECKPOINT..i + 1)
    }

    /// The per-day totals of the days `from <= day < to`, by binary search.
    pub fn days_between(&self, from: NaiveDate, to: NaiveDate) -> &[Day] {
        let lo = self.days.partition_point(|d| d.day < from);
        let hi = self.days.partition_point(|d| d.day < to).max(lo);
        &self.days[lo..hi]
    }

    /// The balance at the end of `day` (the opening balance before the first entry).
    pub fn balance_at_end_of(&self, day: NaiveDate) -> Decimal {
        let i = self.days.partition_point(|d| d.day <= day);
        match i {
            0 => self.opening,
            i => self.days[i - 1].closing,
        }
    }

    /// The opening balance (before every entry).
    pub fn opening(&self) -> Decimal {
        self.opening
    }

    /// The current balance: opening plus every entry (O(1)).
    pub fn balance(&self) -> Decimal {
        self.balance
    }

    /// The sum of every entry of `kind` (O(1)).
    pub fn total(&self, kind: EntryKind) -> Decimal {
        self.totals[kind.slot()]
    }

    /// The average cost of one usage record of seeded type `ty` over the whole ledger (a
    /// positive amount; O(1)), or `None` before its first record.
    pub fn cost_per_record(&self, ty: usize) -> Option<Decimal> {
        let (sum, n) = self.usage.get(ty).copied()?;
        (n > 0).then(|| -sum / Decimal::from(n))
    }

    /// The entries that are not a record's usage, with their indices, at `from <= at < to`
    /// (a binary search over the index of such entries).
    pub fn others_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl DoubleEndedIterator<Item = (usize, &Entry)> + '_ {
        let at = |i: &usize| self.entries[*i].at;
        let lo = self.others.partition_point(|i| at(i) < from);
        let hi = self.others.partition_point(|i| at(i) < to).max(lo);
        self.others[lo..hi].iter().map(|i| (*i, &self.entries[*i]))
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries with `from <= at < to`, by binary search.
    pub fn range(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> &[Entry] {
        let lo = self.entries.partition_point(|e| e.at < from);
        let hi = self.entries.partition_point(|e| e.at < to).max(lo);
        &self.entries[lo..hi]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn running_balances_from_checkpoints_equal_a_full_scan() {
        let start = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default();
        let entries: Vec<Entry> = (0..3 * CHECKPOINT as i64 + 7)
            .map(|i| Entry {
                at: start + chrono::Duration::minutes(i),
                kind: if i % 97 == 0 {
                    EntryKind::Payment
                } else {
                    EntryKind::Usage
                },
                amount: Decimal::new(if i % 97 == 0 { 50_000 } else { -(i % 13) - 1 }, 4),
                reference: EntryRef::Transaction(0),
            })
            .collect();
        let l = Ledger::with_closing_balance(entries, Decimal::new(12_345, 2));
        let mut running = l.opening();
        for (i, e) in l.entries().iter().enumerate() {
            running += e.amount;
            assert_eq!(l.balance_after(i), running, "entry {i}");
        }
        assert_eq!(running, l.balance());
        assert_eq!(l.balance_after(usize::MAX), l.balance());
    }

    #[test]
    fn running_totals_and_ranges() {
        let t = |d| {
            Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let e = |d, kind, cents| Entry {
            at: t(d),
            kind,
            amount: Decimal::new(cents, 4),
            reference: EntryRef::Transaction(0),
        };
        let mut l = Ledger::with_closing_balance(
            vec![e(3, EntryKind::Usage, -40), e(1, EntryKind::Mrc, -10_000)],
            Decimal::new(300, 0),
        );
        assert_eq!(l.opening(), Decimal::new(3_010_040, 4));
        assert_eq!(l.entries()[0].at, t(1));
        l.push(e(5, EntryKind::Payment, 1_000_000));
        assert_eq!(l.balance(), Decimal::new(400, 0));
        assert_eq!(l.total(EntryKind::Usage), Decimal::new(-40, 4));
        assert_eq!(l.range(t(2), t(5)).len(), 1);
        assert_eq!(l.range(t(1), t(6)).len(), 3);
        let sum: Decimal = l.entries().iter().map(|e| e.amount).sum();
        assert_eq!(l.opening() + sum, l.balance());
        assert_eq!(l.balance_after(2), l.balance());
        assert_eq!(l.balance_after(0), l.opening() + Decimal::new(-10_000, 4));
        // The day totals follow the entries: one per day with entries, closing balances.
        let all = l.days_between(t(1).date_naive(), t(6).date_naive());
        let days: Vec<_> = all.iter().map(|d| (d.day, d.closing)).collect();
        assert_eq!(days.len(), 3);
        assert_eq!(days[2].1, l.balance());
        assert_eq!(all[0].kind(EntryKind::Mrc), Decimal::new(-10_000, 4));
        assert_eq!(
            l.days_between(t(2).date_naive(), t(5).date_naive()).len(),
            1
        );
        assert_eq!(l.balance_at_end_of(t(2).date_naive()), all[0].closing);
        assert_eq!(
            l.balance_at_end_of(t(1).date_naive() - chrono::Days::new(1)),
            l.opening()
        );
    }
}
