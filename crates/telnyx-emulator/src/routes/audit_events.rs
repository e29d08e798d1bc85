//! `GET /audit_events`: `filter[created_after]` (inclusive), `filter[created_before]` (exclusive),
//! `sort=asc|desc` (default `desc`, newest first).
//!
//! The spec declares no page limits for audit events; the emulator uses the same bounds as
//! the other lists: default size 20, maximum 250.

use axum::extract::RawQuery;
use axum::response::Response;

use super::{ok_list_raw, Acct};
use crate::error::ApiError;
use crate::query::{Page, Params};
use crate::util::parse_time;

/// Maximum `page[size]` for audit events (chosen; the spec declares none).
pub const MAX_PAGE_SIZE: u64 = 250;

/// Handler.
pub async fn list(Acct(a): Acct, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let page = Page::parse(&p, MAX_PAGE_SIZE)?;
    p.reject_unknown_filters(&["filter[created_after]", "filter[created_before]"])?;
    let time = |name: &str| -> Result<_, ApiError> {
        match p.get_nonempty(name) {
            None => Ok(None),
            Some(v) => parse_time(v).map(Some).ok_or_else(|| {
                ApiError::invalid_param(name, format!("{name} must be an RFC 3339 date-time."))
            }),
        }
    };
    let after = time("filter[created_after]")?;
    let before = time("filter[created_before]")?;
    let desc = match p.get_nonempty("sort") {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => {
            return Err(ApiError::invalid_param(
                "sort",
                "sort must be 'asc' or 'desc'.",
            ))
        }
    };
    let d = a.read();
    // Stored oldest first, so each bound is a binary search and the result a contiguous run.
    let events = &d.audit_events;
    let lo = after.map_or(0, |t| events.partition_point(|e| e.created_at < t));
    let hi = before.map_or(events.len(), |t| {
        events.partition_point(|e| e.created_at < t)
    });
    let run = &events[lo..hi.max(lo)];
    let w = page.window(run.len());
    let body = if desc {
        ok_list_raw(
            run.iter()
                .rev()
                .skip(w.start)
                .take(w.len())
                .map(|e| &*e.json),
            &page.meta(run.len()),
        )
    } else {
        ok_list_raw(run[w].iter().map(|e| &*e.json), &page.meta(run.len()))
    };
    Ok(body)
}
