//! `GET /charges_summary` and `GET /charges_breakdown`: `start_date`, `end_date` (exclusive,
//! at most 31 days), and for the breakdown `format=json|csv`.

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use chrono::{Datelike, Months};

use super::Acct;
use crate::domain::charges::{breakdown_csv, breakdown_json, summary as summarize, DateRange};
use crate::error::ApiError;
use crate::query::{one_of, FromParams, Params, Query};
use crate::response::ok_data;
use crate::util::parse_date;

/// Longest allowed range, in days.
pub const MAX_RANGE_DAYS: i64 = 31;

/// Parses `start_date`/`end_date` (exclusive end, at most 31 days).
pub fn parse_range(p: &Params, end_required: bool) -> Result<DateRange, ApiError> {
    let start = match p.get_nonempty("start_date") {
        None => return Err(ApiError::missing_param("start_date")),
        Some(v) => parse_date(v).ok_or_else(|| {
            ApiError::invalid_param(
                "start_date",
                "start_date must be a valid date in YYYY-MM-DD format.",
            )
        })?,
    };
    let end = match p.get_nonempty("end_date") {
        None if end_required => return Err(ApiError::missing_param("end_date")),
        // The default end must still print as YYYY-MM-DD: no year 10000.
        None => start
            .checked_add_months(Months::new(1))
            .filter(|e| e.year() <= 9999)
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "start_date",
                    "start_date is out of range: the default end_date (start_date + 1 month) must be on or before 9999-12-31; pass end_date.",
                )
            })?,
        Some(v) => parse_date(v).ok_or_else(|| {
            ApiError::invalid_param(
                "end_date",
                "end_date must be a valid date in YYYY-MM-DD format.",
            )
        })?,
    };
    if end <= start {
        return Err(ApiError::invalid_param(
            "end_date",
            format!("end_date ({end}) must be after start_date ({start}); end_date is exclusive."),
        ));
    }
    let days = (end - start).num_days();
    if days > MAX_RANGE_DAYS {
        return Err(ApiError::invalid_param(
            "end_date",
            format!("The date range must be at most {MAX_RANGE_DAYS} days (end_date is exclusive); {start} to {end} is {days} days."),
        ));
    }
    Ok(DateRange { start, end })
}

/// The input of `GET /charges_summary`: both dates required.
#[derive(Debug, Clone, Copy)]
pub struct SummaryQuery(DateRange);

impl FromParams for SummaryQuery {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.allow_only(&["start_date", "end_date"])?;
        parse_range(p, true).map(SummaryQuery)
    }
}

/// The input of `GET /charges_breakdown`: `end_date` defaults to a month after `start_date`.
#[derive(Debug, Clone, Copy)]
pub struct BreakdownQuery {
    range: DateRange,
    csv: bool,
}

impl FromParams for BreakdownQuery {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.allow_only(&["start_date", "end_date", "format"])?;
        let csv = one_of(p, "format", &["json", "csv"], 0)? == 1;
        Ok(BreakdownQuery {
            range: parse_range(p, false)?,
            csv,
        })
    }
}

/// `GET /charges_summary`.
pub async fn summary(Acct(a): Acct, Query(SummaryQuery(r)): Query<SummaryQuery>) -> Response {
    ok_data(summarize(&a.read(), r))
}

/// `GET /charges_breakdown` (`format=json|csv`).
pub async fn breakdown(Acct(a): Acct, Query(q): Query<BreakdownQuery>) -> Response {
    let d = a.read();
    if !q.csv {
        return ok_data(breakdown_json(&d, q.range));
    }
    let mut r = Response::new(Body::from(breakdown_csv(&d, q.range)));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
    r
}
