//! Detail records: typed field conditions, named date ranges, multi-field sort and paging
//! over the columnar tables of [`Records`].
//!
//! `last_N_days` covers `[today - N days, tomorrow)`; weeks start on Monday; all ranges are UTC.

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

use super::Page;
use crate::model::{AccountData, Column, Fv, RecordType, Records};
use crate::util::{month_start, next_month_start};

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Equal.
    Eq,
    /// Substring.
    Contains,
    /// Prefix.
    StartsWith,
    /// Suffix.
    EndsWith,
    /// Greater than.
    Gt,
    /// Greater or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less or equal.
    Lte,
}

impl Op {
    /// The operator named `s` (`eq`, `contains`, ...).
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "eq" => Op::Eq,
            "contains" => Op::Contains,
            "starts_with" => Op::StartsWith,
            "ends_with" => Op::EndsWith,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            _ => return None,
        })
    }
}

/// The typed value a condition compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Text (strings, arrays, and the text ops on any field).
    Text(String),
    /// A time.
    Time(DateTime<Utc>),
    /// A number or decimal.
    Num(Decimal),
    /// A boolean.
    Bool(bool),
}

/// One field condition: the field's column, the operator and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    /// Column index in the record type's fields.
    pub idx: usize,
    /// Operator.
    pub op: Op,
    /// Value.
    pub target: Target,
}

/// A named `filter[date_range]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedRange {
    /// `yesterday`.
    Yesterday,
    /// `today`.
    Today,
    /// `tomorrow`.
    Tomorrow,
    /// `last_week` (weeks start on Monday).
    LastWeek,
    /// `this_week`.
    ThisWeek,
    /// `next_week`.
    NextWeek,
    /// `last_month`.
    LastMonth,
    /// `this_month`.
    ThisMonth,
    /// `next_month`.
    NextMonth,
    /// `last_N_days`, N in 1..=3650.
    LastDays(i64),
}

/// The typed input of `GET /detail_records`.
#[derive(Debug, Clone)]
pub struct DetailRecordFilter {
    /// The record type (`filter[record_type]`).
    pub ty: &'static RecordType,
    /// `filter[date_range]`, resolved against the account's today.
    pub date_range: Option<NamedRange>,
    /// Field conditions, all of which must hold.
    pub conds: Vec<Cond>,
    /// Sort keys: (column, descending), in priority order.
    pub sort: Vec<(usize, bool)>,
}

fn fv_decimal(v: &Fv) -> Option<Decimal> {
    match v {
        Fv::I(i) => Some(Decimal::from(*i)),
        Fv::N(d) | Fv::D(d, _) => Some(*d),
        _ => None,
    }
}

/// One condition's scratch space for a request.
struct Scratch {
    /// The text form of a non-string value.
    buf: String,
    /// Text-test results by string address. Seeded strings are shared `Arc<str>`s (alive while
    /// the account is read-locked), so a column of a few distinct values costs a few tests.
    memo: [(usize, bool); 64],
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch {
            buf: String::new(),
            memo: [(0, false); 64],
        }
    }
}

impl Cond {
    /// Whether a record whose value of field `idx` is `v` passes.
    fn matches(&self, v: Option<&Fv>, scratch: &mut Scratch) -> bool {
        let Some(v) = v else {
            return false;
        };
        match (&self.target, self.op) {
            (Target::Text(t), op) => {
                let test = |s: &str| match op {
                    Op::Eq => s == t,
                    Op::Contains => s.contains(t.as_str()),
                    Op::StartsWith => s.starts_with(t.as_str()),
                    Op::EndsWith => s.ends_with(t.as_str()),
                    Op::Gt => s > t.as_str(),
                    Op::Gte => s >= t.as_str(),
                    Op::Lt => s < t.as_str(),
                    Op::Lte => s <= t.as_str(),
                };
                match v {
                    Fv::S(s) => {
                        let addr = s.as_ptr() as usize;
                        let slot = ((addr >> 4).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) & 63;
                        let (seen, hit) = scratch.memo[slot];
                        if seen == addr {
                            return hit;
                        }
                        let hit = test(s);
                        scratch.memo[slot] = (addr, hit);
                        hit
                    }
                    Fv::A(items) => items.iter().any(|s| test(s)),
                    other => {
                        scratch.buf.clear();
                        other.write_text(&mut scratch.buf);
                        test(&scratch.buf)
                    }
                }
            }
            (Target::Time(t), op) => match v {
                Fv::T(x) => compare(x.cmp(t), op),
                _ => false,
            },
            (Target::Num(t), op) => fv_decimal(v).is_some_and(|x| compare(x.cmp(t), op)),
            (Target::Bool(t), _) => matches!(v, Fv::B(b) if b == t),
        }
    }
}

fn compare(o: Ordering, op: Op) -> bool {
    match op {
        Op::Eq => o == Ordering::Equal,
        Op::Gt => o == Ordering::Greater,
        Op::Gte => o != Ordering::Less,
        Op::Lt => o == Ordering::Less,
        Op::Lte => o != Ordering::Greater,
        _ => false,
    }
}

impl NamedRange {
    /// Parses a range name.
    pub fn parse(name: &str) -> Option<NamedRange> {
        use NamedRange::*;
        Some(match name {
            "yesterday" => Yesterday,
            "today" => Today,
            "tomorrow" => Tomorrow,
            "last_week" => LastWeek,
            "this_week" => ThisWeek,
            "next_week" => NextWeek,
            "last_month" => LastMonth,
            "this_month" => ThisMonth,
            "next_month" => NextMonth,
            other => {
                let n: i64 = other
                    .strip_prefix("last_")?
                    .strip_suffix("_days")?
                    .parse()
                    .ok()?;
                if !(1..=3650).contains(&n) {
                    return None;
                }
                LastDays(n)
            }
        })
    }
}

/// The `[from, to)` interval of a named date range relative to `today` (UTC).
pub fn date_range(name: NamedRange, today: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    use NamedRange::*;
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|x| x.and_utc());
    let day = Duration::days(1);
    let week_start = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let (from, to) = match name {
        Yesterday => (today - day, today),
        Today => (today, today + day),
        Tomorrow => (today + day, today + day + day),
        LastWeek => (week_start - Duration::days(7), week_start),
        ThisWeek => (week_start, week_start + Duration::days(7)),
        NextWeek => (
            week_start + Duration::days(7),
            week_start + Duration::days(14),
        ),
        LastMonth => {
            let m = month_start(today);
            (month_start(m - day), m)
        }
        ThisMonth => (month_start(today), next_month_start(today)),
        NextMonth => {
            let n = next_month_start(today);
            (n, next_month_start(n))
        }
        LastDays(n) => (today - Duration::days(n), today + day),
    };
    Some((at(from)?, at(to)?))
}

/// The total and the records (JSON objects) on `page`: newest first by the type's date field
/// unless `sort` is given.
pub fn list(d: &AccountData, f: &DetailRecordFilter, page: Page) -> (usize, Vec<Value>) {
    let ty = f.ty;
    let mut conds = f.conds.clone();
    let mut range = None;
    if let Some(dr) = f.date_range {
        if let (Some((from, to)), Some((idx, _))) =
            (date_range(dr, d.today()), ty.field(ty.date_field))
        {
            range = Some((idx, from, to));
            conds.push(Cond {
                idx,
                op: Op::Gte,
                target: Target::Time(from),
            });
            conds.push(Cond {
                idx,
                op: Op::Lt,
                target: Target::Time(to),
            });
        }
    }
    let empty = Records::default();
    let table = d.records.get(ty.filter).unwrap_or(&empty);
    let mut rows = 0..table.len();
    if let Some((idx, from, to)) = range {
        // Records are stored sorted by the date field, so the range is a contiguous run; the
        // date conditions stay in `conds` and are checked again on it.
        let before = |t: DateTime<Utc>| move |v: &Fv| matches!(v, Fv::T(x) if *x < t);
        if let Some(col) = table.column(idx) {
            let lo = col.partition_point(before(from));
            rows = lo..col.partition_point(before(to)).max(lo);
        }
    }
    let cols: Vec<Option<&Column>> = conds.iter().map(|c| table.column(c.idx)).collect();
    let mut scratch: Vec<Scratch> = conds.iter().map(|_| Scratch::default()).collect();
    let mut keep = |i: usize| {
        conds
            .iter()
            .zip(&cols)
            .zip(&mut scratch)
            .all(|((c, col), s)| c.matches(col.and_then(|col| col.get(i)), s))
    };
    let (total, items) = if !f.sort.is_empty() {
        sorted_page(table, rows, &mut keep, &f.sort, page)
    } else if conds.is_empty() {
        // Stored oldest first by the date field: newest first is the reversed run.
        let total = rows.len();
        let w = page.window(total);
        (total, rows.rev().skip(w.start).take(w.len()).collect())
    } else {
        page.collect(rows.rev().filter(|&i| keep(i)))
    };
    (total, items.iter().map(|&i| table.to_json(i, ty)).collect())
}

/// A sort field's value, borrowed or copied out of its column so that comparing needs neither
/// allocation nor a second look at the record.
#[derive(Debug, Clone, Copy)]
enum Key<'a> {
    S(&'a str),
    I(i64),
    N(Decimal),
    B(bool),
    T(DateTime<Utc>),
    D(Decimal),
    A(&'a [String]),
    Missing,
}

impl<'a> Key<'a> {
    fn of(v: Option<&'a Fv>) -> Key<'a> {
        match v {
            Some(Fv::S(s)) => Key::S(s),
            Some(Fv::I(i)) => Key::I(*i),
            Some(Fv::N(d)) => Key::N(*d),
            Some(Fv::B(b)) => Key::B(*b),
            Some(Fv::T(t)) => Key::T(*t),
            Some(Fv::D(d, _)) => Key::D(*d),
            Some(Fv::A(a)) => Key::A(a),
            None => Key::Missing,
        }
    }

    /// The same order as [`cmp_fv`]; a missing value or another kind compares equal.
    fn cmp(&self, other: &Key<'_>) -> Ordering {
        match (self, other) {
            (Key::S(x), Key::S(y)) => x.cmp(y),
            (Key::I(x), Key::I(y)) => x.cmp(y),
            (Key::N(x), Key::N(y)) | (Key::D(x), Key::D(y)) => x.cmp(y),
            (Key::B(x), Key::B(y)) => x.cmp(y),
            (Key::T(x), Key::T(y)) => x.cmp(y),
            (Key::A(x), Key::A(y)) => x.cmp(y),
            _ => Ordering::Equal,
        }
    }
}

/// The total and the page (row numbers) of the records in `rows` that `keep` accepts, ordered
/// by the `(field index, descending)` keys in priority order, ties in stored order: exactly the
/// page of a stable sort of all matches, found by selection (O(n)) and sorting only the page.
fn sorted_page(
    table: &Records,
    rows: std::ops::Range<usize>,
    keep: &mut dyn FnMut(usize) -> bool,
    sort: &[(usize, bool)],
    page: Page,
) -> (usize, Vec<usize>) {
    let Some((&(first, first_desc), more)) = sort.split_first() else {
        return (0, Vec::new());
    };
    let first_col = table.column(first);
    let more_cols: Vec<Option<&Column>> = more.iter().map(|&(idx, _)| table.column(idx)).collect();
    // Per match: its first key and its position among the matches (= stored order). The other
    // keys of match `p` are `rest[p * more.len()..][..more.len()]`, its row `ids[p]`.
    let mut order: Vec<(Key<'_>, usize)> = Vec::new();
    let mut rest: Vec<Key<'_>> = Vec::new();
    let mut ids: Vec<usize> = Vec::new();
    for i in rows {
        if !keep(i) {
            continue;
        }
        order.push((Key::of(first_col.and_then(|c| c.get(i))), ids.len()));
        ids.push(i);
        rest.extend(
            more_cols
                .iter()
                .map(|col| Key::of(col.and_then(|c| c.get(i)))),
        );
    }
    let dir = |o: Ordering, desc: bool| if desc { o.reverse() } else { o };
    let cmp = |a: &(Key<'_>, usize), b: &(Key<'_>, usize)| {
        let o = dir(a.0.cmp(&b.0), first_desc);
        if o != Ordering::Equal {
            return o;
        }
        let (ka, kb) = (&rest[a.1 * more.len()..], &rest[b.1 * more.len()..]);
        for (j, &(_, desc)) in more.iter().enumerate() {
            let o = dir(ka[j].cmp(&kb[j]), desc);
            if o != Ordering::Equal {
                return o;
            }
        }
        a.1.cmp(&b.1)
    };
    let total = order.len();
    let w = page.window(total);
    if w.is_empty() {
        return (total, Vec::new());
    }
    // The order is total (positions are unique), so unstable selection and sorting give the
    // same result as a stable sort. Keep the `w.end` smallest, then the page among them.
    if w.end < total {
        order.select_nth_unstable_by(w.end, cmp);
    }
    let head = &mut order[..w.end];
    if w.start > 0 {
        head.select_nth_unstable_by(w.start, cmp);
    }
    head[w.start..].sort_unstable_by(cmp);
    let items = head[w.start..].iter().map(|&(_, p)| ids[p]).collect();
    (total, items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::MESSAGING;

    fn filter(conds: Vec<Cond>, sort: Vec<(usize, bool)>) -> DetailRecordFilter {
        DetailRecordFilter {
            ty: &MESSAGING,
            date_range: None,
            conds,
            sort,
        }
    }

    #[test]
    fn conditions_sort_and_ranges() {
        let d = crate::seed::test_account();
        let all = Page {
            number: 1,
            size: 50,
        };
        let (n, items) = list(&d, &filter(vec![], vec![]), all);
        assert_eq!(n, 40);
        assert!(items[0]["created_at"].as_str() >= items[1]["created_at"].as_str());
        let (dir, _) = MESSAGING.field("direction").expect("field");
        let inbound = Cond {
            idx: dir,
            op: Op::Eq,
            target: Target::Text("inbound".into()),
        };
        let (k, items) = list(&d, &filter(vec![inbound], vec![]), all);
        assert!(k > 0 && k < n);
        assert!(items.iter().all(|r| r["direction"] == "inbound"));
        let (cld, _) = MESSAGING.field("cld").expect("field");
        let (_, sorted) = list(&d, &filter(vec![], vec![(cld, false)]), all);
        let clds: Vec<&str> = sorted.iter().filter_map(|r| r["cld"].as_str()).collect();
        let mut expect = clds.clone();
        expect.sort();
        assert_eq!(clds, expect);
        let mut today = filter(vec![], vec![]);
        today.date_range = NamedRange::parse("today");
        let (t, items) = list(&d, &today, all);
        assert!(t < n);
        assert!(items.iter().all(|r| r["created_at"]
            .as_str()
            .is_some_and(|s| s.starts_with("2026-03-15"))));
        assert_eq!(NamedRange::parse("last_3651_days"), None);
    }
}
