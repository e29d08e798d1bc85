//! `GET /user_tags` with `filter[starts_with]` (case-insensitive prefix).

use axum::response::Response;

use super::Acct;
use crate::domain::user_tags::{list as list_tags, UserTagFilter};
use crate::error::ApiError;
use crate::query::{FromParams, Params, Query};
use crate::response::ok_data;

impl FromParams for UserTagFilter {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.reject_unknown_filters(&["filter[starts_with]"])?;
        p.allow_only(&["filter[starts_with]"])?;
        Ok(UserTagFilter {
            starts_with: p.get("filter[starts_with]").unwrap_or("").to_string(),
        })
    }
}

/// Handler.
pub async fn list(Acct(a): Acct, Query(f): Query<UserTagFilter>) -> Response {
    ok_data(list_tags(&a.read(), &f))
}
