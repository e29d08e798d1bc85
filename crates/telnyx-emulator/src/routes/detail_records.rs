//! `GET /detail_records`: `filter[record_type]` (required), `filter[date_range]`, field filters
//! (`filter[f]=v` or `filter[f][op]=v` with eq, contains, starts_with, ends_with, gt, gte, lt,
//! lte), multi-field `sort` (`-` for descending) and pagination (default 20, max 50).

use std::str::FromStr;

use axum::response::Response;
use rust_decimal::Decimal;

use super::Acct;
use crate::domain::detail_records::{
    list as list_records, Cond, DetailRecordFilter, NamedRange, Op, Target,
};
use crate::domain::Page;
use crate::error::ApiError;
use crate::model::{record_type, Kind, RecordType, ALL_TYPES};
use crate::query::{FromParams, Paged, Params, Query, PAGE_PARAMS};
use crate::response::ok_list;
use crate::util::parse_time;

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

impl Paged for DetailRecordFilter {
    const MAX_PAGE_SIZE: u64 = 50;
}

fn parse_sort(ty: &RecordType, p: &Params) -> Result<Vec<(usize, bool)>, ApiError> {
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
    Ok(sort)
}

fn parse_conds(ty: &RecordType, p: &Params) -> Result<Vec<Cond>, ApiError> {
    let mut conds = Vec::new();
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
    Ok(conds)
}

impl FromParams for DetailRecordFilter {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.allow_only(&["filter[", "sort", PAGE_PARAMS[0], PAGE_PARAMS[1]])?;
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
        let date_range = match p.get_nonempty("filter[date_range]") {
            None => None,
            Some(dr) => Some(NamedRange::parse(dr).ok_or_else(|| {
                ApiError::invalid_param(
                    "filter[date_range]",
                    format!("Unknown date range '{dr}'. Use yesterday, today, tomorrow, last_week, this_week, next_week, last_month, this_month, next_month or last_N_days."),
                )
            })?),
        };
        Ok(DetailRecordFilter {
            ty,
            date_range,
            conds: parse_conds(ty, p)?,
            sort: parse_sort(ty, p)?,
        })
    }
}

/// Handler.
pub async fn list(Acct(a): Acct, Query((f, page)): Query<(DetailRecordFilter, Page)>) -> Response {
    let (total, data) = list_records(&a.read(), &f, page);
    ok_list(data, page.meta(total))
}
