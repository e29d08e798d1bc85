//! `GET /webhook_deliveries` (every documented filter) and `GET /webhook_deliveries/{id}`.

use axum::http::Uri;
use axum::response::Response;

use super::Acct;
use crate::domain::webhook_deliveries::{list as list_deliveries, retrieve as find, WebhookFilter};
use crate::domain::Page;
use crate::error::ApiError;
use crate::query::{one_of, time_param, FromParams, Paged, Params, Query, PAGE_PARAMS};
use crate::response::{ok_data_raw, ok_list_raw, path_uuid};

const KNOWN_FILTERS: [&str; 10] = [
    "filter[status][eq]",
    "filter[status]",
    "filter[event_type]",
    "filter[webhook][contains]",
    "filter[attempts][contains]",
    "filter[started_at][gte]",
    "filter[started_at][lte]",
    "filter[finished_at][gte]",
    "filter[finished_at][lte]",
    "filter[webhook]",
];

const STATUSES: [&str; 2] = ["delivered", "failed"];

impl Paged for WebhookFilter {
    const MAX_PAGE_SIZE: u64 = 250;
}

impl FromParams for WebhookFilter {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.reject_unknown_filters(&KNOWN_FILTERS)?;
        p.allow_only(&[&KNOWN_FILTERS[..], &PAGE_PARAMS[..]].concat())?;
        let status_key = if p.get("filter[status][eq]").is_some() {
            "filter[status][eq]"
        } else {
            "filter[status]"
        };
        let status = match p.get(status_key) {
            None => None,
            Some(_) => Some(STATUSES[one_of(p, status_key, &STATUSES, 0)?]),
        };
        let text = |a: &str, b: Option<&str>| {
            p.get_nonempty(a)
                .or(b.and_then(|b| p.get_nonempty(b)))
                .map(str::to_string)
        };
        Ok(WebhookFilter {
            status,
            event_types: p.list("filter[event_type]"),
            webhook_contains: text("filter[webhook][contains]", Some("filter[webhook]")),
            attempts_contains: text("filter[attempts][contains]", None),
            started_gte: time_param(p, "filter[started_at][gte]")?,
            started_lte: time_param(p, "filter[started_at][lte]")?,
            finished_gte: time_param(p, "filter[finished_at][gte]")?,
            finished_lte: time_param(p, "filter[finished_at][lte]")?,
        })
    }
}

/// `GET /webhook_deliveries`, newest first.
pub async fn list(Acct(a): Acct, Query((f, page)): Query<(WebhookFilter, Page)>) -> Response {
    let d = a.read();
    let (total, items) = list_deliveries(&d, &f, page);
    ok_list_raw(items.iter().map(|w| w.json()), &page.meta(total))
}

/// `GET /webhook_deliveries/{id}`.
pub async fn retrieve(Acct(a): Acct, uri: Uri) -> Result<Response, ApiError> {
    let id = path_uuid(&uri)?;
    let d = a.read();
    Ok(ok_data_raw(find(&d, &id)?.json()))
}
