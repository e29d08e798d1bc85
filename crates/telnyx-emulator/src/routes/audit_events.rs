//! `GET /audit_events`: `filter[created_after]` (inclusive), `filter[created_before]` (exclusive),
//! `sort=asc|desc` (default `desc`, newest first).
//!
//! The spec declares no page limits for audit events; the emulator uses the same bounds as
//! the other lists: default size 20, maximum 250.

use axum::response::Response;

use super::Acct;
use crate::domain::audit_events::{list as list_events, AuditEventFilter};
use crate::domain::Page;
use crate::error::ApiError;
use crate::query::{one_of, time_param, FromParams, Paged, Params, Query, PAGE_PARAMS};
use crate::response::ok_list_raw;

impl Paged for AuditEventFilter {
    /// Chosen; the spec declares none.
    const MAX_PAGE_SIZE: u64 = 250;
}

impl FromParams for AuditEventFilter {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.reject_unknown_filters(&["filter[created_after]", "filter[created_before]"])?;
        p.allow_only(&[
            "filter[created_after]",
            "filter[created_before]",
            "sort",
            PAGE_PARAMS[0],
            PAGE_PARAMS[1],
        ])?;
        Ok(AuditEventFilter {
            created_after: time_param(p, "filter[created_after]")?,
            created_before: time_param(p, "filter[created_before]")?,
            ascending: one_of(p, "sort", &["desc", "asc"], 0)? == 1,
        })
    }
}

/// Handler.
pub async fn list(Acct(a): Acct, Query((f, page)): Query<(AuditEventFilter, Page)>) -> Response {
    let d = a.read();
    let (total, items) = list_events(&d, &f, page);
    ok_list_raw(items, &page.meta(total))
}
