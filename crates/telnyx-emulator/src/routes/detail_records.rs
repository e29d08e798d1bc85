//! `GET /detail_records`: `filter[record_type]` (required), `filter[date_range]`, field filters
//! (`filter[f]=v` or `filter[f][op]=v` with eq, contains, starts_with, ends_with, gt, gte, lt,
//! lte), multi-field `sort` (`-` for descending) and pagination (default 20, max 50).
//!
//! `last_N_days` covers `[today - N days, tomorrow)`; weeks start on Monday; all ranges are UTC.

use std::cmp::Ordering;
use std::str::FromStr;

use axum::extract::RawQuery;
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{ok_list, Acct};
use crate::error::ApiError;
use crate::model::{record_type, Fv, Kind, RecordType, Records, ALL_TYPES};
use crate::query::{Page, Params};
use crate::util::{month_start, next_month_start, parse_time};

/// Maximum `page[size]` for detail records.
pub const MAX_PAGE_SIZE: u64 = 50;

pub use crate::model::cmp_fv;

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
    fn parse(s: &str) -> Option<Op> {
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

#[derive(Debug)]
enum Target {
    Text(String),
    Time(DateTime<Utc>),
    Num(Decimal),
    Bool(bool),
}

#[derive(Debug)]
struct Cond {
    idx: usize,
    op: Op,
    target: Target,
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

fn build_cond(
    ty: &RecordType,
    key: &str,
    field: &str,
    op: Op,
    value: &str,
) -> Result<Cond, ApiError> {
    let (idx, kind) = ty.field(field).ok_or_else(|| {
        ApiError::invalid_param(
            key,
            format!(
                "The field '{field}' is not available for record type '{}'.",
                ty.filter
            ),
        )
    })?;
    let text_op = matches!(op, Op::Contains | Op::StartsWith | Op::EndsWith);
    let bad = |what: &str| {
        ApiError::invalid_param(
            key,
            format!("The value '{value}' for '{field}' must be {what}."),
        )
    };
    let target = match kind {
        _ if text_op => {
            if kind == Kind::Bool {
                return Err(ApiError::invalid_param(
                    key,
                    format!("The operator is not supported for boolean field '{field}'."),
                ));
            }
            Target::Text(value.to_string())
        }
        Kind::Str | Kind::Arr => {
            if kind == Kind::Arr && op != Op::Eq {
                return Err(ApiError::invalid_param(key, format!("Only eq, contains, starts_with and ends_with apply to the list field '{field}'.")));
            }
            Target::Text(value.to_string())
        }
        Kind::Time => Target::Time(parse_time(value).ok_or_else(|| bad("an RFC 3339 date-time"))?),
        Kind::Int | Kind::Num | Kind::Dec => {
            Target::Num(Decimal::from_str(value.trim()).map_err(|_| bad("a number"))?)
        }
        Kind::Bool => {
            if op != Op::Eq {
                return Err(ApiError::invalid_param(
                    key,
                    format!("Only eq applies to the boolean field '{field}'."),
                ));
            }
            Target::Bool(match value {
                "true" => true,
                "false" => false,
                _ => return Err(bad("true or false")),
            })
        }
    };
    Ok(Cond { idx, op, target })
}

/// The `[from, to)` interval of a named date range relative to `today` (UTC).
pub fn date_range(name: &str, today: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|x| x.and_utc());
    let day = Duration::days(1);
    let week_start = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let (from, to) = match name {
        "yesterday" => (today - day, today),
        "today" => (today, today + day),
        "tomorrow" => (today + day, today + day + day),
        "last_week" => (week_start - Duration::days(7), week_start),
        "this_week" => (week_start, week_start + Duration::days(7)),
        "next_week" => (
            week_start + Duration::days(7),
            week_start + Duration::days(14),
        ),
        "last_month" => {
            let m = month_start(today);
            (month_start(m - day), m)
        }
        "this_month" => (month_start(today), next_month_start(today)),
        "next_month" => {
            let n = next_month_start(today);
            (n, next_month_start(n))
        }
        other => {
            let n: i64 = other
                .strip_prefix("last_")?
                .strip_suffix("_days")?
                .parse()
                .ok()?;
            if !(1..=3650).contains(&n) {
                return None;
            }
            (today - Duration::days(n), today + day)
        }
    };
    Some((at(from)?, at(to)?))
}

/// Handler.
pub async fn list(Acct(a): Acct, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let rt = p
        .get_nonempty("filter[record_type]")
        .ok_or_else(|| ApiError::missing_param("filter[record_type]"))?;
    let ty = record_type(rt).ok_or_else(|| {
        let names: Vec<&str> = ALL_TYPES.iter().map(|t| t.filter).collect();
        ApiError::invalid_param(
            "filter[record_type]",
            format!("No matching record type was found matching given record type {rt}. Valid types: {}.", names.join(", ")),
        )
    })?;
    let page = Page::parse(&p, MAX_PAGE_SIZE)?;
    let d = a.read();
    let mut conds = Vec::new();
    let mut range = None;
    if let Some(dr) = p.get_nonempty("filter[date_range]") {
        let (from, to) = date_range(dr, d.today).ok_or_else(|| {
            ApiError::invalid_param(
                "filter[date_range]",
                format!("Unknown date range '{dr}'. Use yesterday, today, tomorrow, last_week, this_week, next_week, last_month, this_month, next_month or last_N_days."),
            )
        })?;
        let (idx, _) = ty
            .field(ty.date_field)
            .ok_or_else(|| ApiError::bad_request("record type has no date field"))?;
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
    for (k, v) in p.iter() {
        let Some(inner) = k.strip_prefix("filter[") else {
            continue;
        };
        let Some((field, rest)) = inner.split_once(']') else {
            return Err(ApiError::invalid_param(
                k,
                format!("Malformed filter parameter '{k}'."),
            ));
        };
        if field == "record_type" || field == "date_range" {
            continue;
        }
        let op = if rest.is_empty() {
            Op::Eq
        } else {
            let name = rest
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .unwrap_or("");
            Op::parse(name).ok_or_else(|| {
                ApiError::invalid_param(k, format!("Unknown filter operator in '{k}'. Use eq, contains, starts_with, ends_with, gt, gte, lt or lte."))
            })?
        };
        conds.push(build_cond(ty, k, field, op, v)?);
    }
    let mut sort = Vec::new();
    for s in p.list("sort") {
        let (desc, name) = match s.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, s.strip_prefix('+').unwrap_or(&s)),
        };
        let (idx, _) = ty.field(name).ok_or_else(|| {
            ApiError::invalid_param(
                "sort",
                format!(
                    "Cannot sort by '{name}': the field is not available for record type '{}'.",
                    ty.filter
                ),
            )
        })?;
        sort.push((idx, desc));
    }
    let empty = Records::default();
    let table = d.records.get(ty.filter).unwrap_or(&empty);
    let mut rows = 0..table.len();
    if let Some((idx, from, to)) = range {
        // Records are stored sorted by the date field, so the range is a contiguous run; the
        // date conditions stay in `conds` and are checked again on it.
        let col = table.column(idx);
        let before = |t: DateTime<Utc>| move |v: &Fv| matches!(v, Fv::T(x) if *x < t);
        let lo = col.partition_point(before(from));
        rows = lo..col.partition_point(before(to)).max(lo);
    }
    let cols: Vec<&[Fv]> = conds.iter().map(|c| table.column(c.idx)).collect();
    let mut scratch: Vec<Scratch> = conds.iter().map(|_| Scratch::default()).collect();
    let mut keep = |i: usize| {
        conds
            .iter()
            .zip(&cols)
            .zip(&mut scratch)
            .all(|((c, col), s)| c.matches(col.get(i), s))
    };
    let (total, items) = if !sort.is_empty() {
        sorted_page(table, rows, &mut keep, &sort, page)
    } else if conds.is_empty() {
        // Stored oldest first by the date field: newest first is the reversed run.
        let total = rows.len();
        let w = page.window(total);
        (total, rows.rev().skip(w.start).take(w.len()).collect())
    } else {
        page.collect(rows.rev().filter(|&i| keep(i)))
    };
    let data = items.iter().map(|&i| table.to_json(i, ty)).collect();
    Ok(ok_list(data, page.meta(total)))
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
    let more_cols: Vec<&[Fv]> = more.iter().map(|&(idx, _)| table.column(idx)).collect();
    // Per match: its first key and its position among the matches (= stored order). The other
    // keys of match `p` are `rest[p * more.len()..][..more.len()]`, its row `ids[p]`.
    let mut order: Vec<(Key<'_>, usize)> = Vec::new();
    let mut rest: Vec<Key<'_>> = Vec::new();
    let mut ids: Vec<usize> = Vec::new();
    for i in rows {
        if !keep(i) {
            continue;
        }
        order.push((Key::of(first_col.get(i)), ids.len()));
        ids.push(i);
        rest.extend(more_cols.iter().map(|col| Key::of(col.get(i))));
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
