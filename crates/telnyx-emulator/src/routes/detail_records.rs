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
use crate::model::{record_type, Fv, Kind, Record, RecordType, ALL_TYPES};
use crate::query::{Page, Params};
use crate::util::{month_start, next_month_start, parse_time};

/// Maximum `page[size]` for detail records.
pub const MAX_PAGE_SIZE: u64 = 50;

/// Orders two field values of the same kind.
pub fn cmp_fv(a: &Fv, b: &Fv) -> Ordering {
    match (a, b) {
        (Fv::S(x), Fv::S(y)) => x.cmp(y),
        (Fv::I(x), Fv::I(y)) => x.cmp(y),
        (Fv::N(x), Fv::N(y)) => x.cmp(y),
        (Fv::B(x), Fv::B(y)) => x.cmp(y),
        (Fv::T(x), Fv::T(y)) => x.cmp(y),
        (Fv::D(x, _), Fv::D(y, _)) => x.cmp(y),
        (Fv::A(x), Fv::A(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

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

impl Cond {
    fn matches(&self, r: &Record) -> bool {
        let Some(v) = r.values.get(self.idx) else {
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
                    Fv::A(items) => items.iter().any(|s| test(s)),
                    other => test(&other.text()),
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
    let default_sort = sort.is_empty();
    let empty = Vec::new();
    let all = d.records.get(ty.filter).unwrap_or(&empty);
    let mut items: Vec<&Record> = all
        .iter()
        .filter(|r| conds.iter().all(|c| c.matches(r)))
        .collect();
    if default_sort {
        // Stored oldest first by the date field: newest first is a reversal, not a sort.
        items.reverse();
    } else {
        sort_records(&mut items, &sort);
    }
    let data = page.slice(&items).iter().map(|r| r.to_json(ty)).collect();
    Ok(ok_list(data, page.meta(items.len())))
}

/// Stable multi-key sort: `(field index, descending)` pairs in priority order.
fn sort_records(items: &mut [&Record], sort: &[(usize, bool)]) {
    items.sort_by(|a, b| {
        for (idx, desc) in sort {
            let (Some(x), Some(y)) = (a.values.get(*idx), b.values.get(*idx)) else {
                continue;
            };
            let o = cmp_fv(x, y);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}
