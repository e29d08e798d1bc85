//! `GET /user_tags` with `filter[starts_with]` (case-insensitive prefix).

use axum::extract::RawQuery;
use axum::response::Response;
use serde_json::json;

use super::{ok_data, Acct};
use crate::error::ApiError;
use crate::query::Params;

fn starts_with(tag: &str, prefix: &str) -> bool {
    tag.to_lowercase().starts_with(&prefix.to_lowercase())
}

/// Handler.
pub async fn list(Acct(a): Acct, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    p.reject_unknown_filters(&["filter[starts_with]"])?;
    let prefix = p.get("filter[starts_with]").unwrap_or("");
    let d = a.read();
    let pick = |v: &[String]| {
        v.iter()
            .filter(|t| starts_with(t, prefix))
            .cloned()
            .collect::<Vec<_>>()
    };
    Ok(ok_data(json!({
        "number_tags": pick(&d.number_tags),
        "outbound_profile_tags": pick(&d.outbound_profile_tags),
    })))
}
