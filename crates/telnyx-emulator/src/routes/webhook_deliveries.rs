//! `GET /webhook_deliveries` (every documented filter) and `GET /webhook_deliveries/{id}`.

use axum::extract::RawQuery;
use axum::http::Uri;
use axum::response::Response;

use super::{ok_data_raw, ok_list_raw, path_uuid, Acct};
use crate::error::ApiError;
use crate::model::Webhook;
use crate::query::{Page, Params};
use crate::util::parse_time;

/// Maximum `page[size]` for webhook deliveries.
pub const MAX_PAGE_SIZE: u64 = 250;

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

/// `GET /webhook_deliveries`, newest first.
pub async fn list(Acct(a): Acct, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let page = Page::parse(&p, MAX_PAGE_SIZE)?;
    p.reject_unknown_filters(&KNOWN_FILTERS)?;
    let status_key = if p.get("filter[status][eq]").is_some() {
        "filter[status][eq]"
    } else {
        "filter[status]"
    };
    let status = match p.get_nonempty(status_key) {
        None => None,
        Some(s @ ("delivered" | "failed")) => Some(s.to_string()),
        Some(_) => {
            return Err(ApiError::invalid_param(
                status_key,
                "filter[status][eq] must be 'delivered' or 'failed'.",
            ))
        }
    };
    let event_types = p.list("filter[event_type]");
    let webhook_contains = p
        .get_nonempty("filter[webhook][contains]")
        .or(p.get_nonempty("filter[webhook]"));
    let attempts_contains = p.get_nonempty("filter[attempts][contains]");
    let time = |name: &str| -> Result<_, ApiError> {
        match p.get_nonempty(name) {
            None => Ok(None),
            Some(v) => parse_time(v).map(Some).ok_or_else(|| {
                ApiError::invalid_param(name, format!("{name} must be an RFC 3339 date-time."))
            }),
        }
    };
    let s_gte = time("filter[started_at][gte]")?;
    let s_lte = time("filter[started_at][lte]")?;
    let f_gte = time("filter[finished_at][gte]")?;
    let f_lte = time("filter[finished_at][lte]")?;
    let filtered = status.is_some()
        || !event_types.is_empty()
        || webhook_contains.is_some()
        || attempts_contains.is_some()
        || [s_gte, s_lte, f_gte, f_lte].iter().any(Option::is_some);
    let keep = |w: &Webhook| {
        status.as_deref().is_none_or(|s| w.status == s)
            && (event_types.is_empty() || event_types.iter().any(|e| e == w.event_type))
            && webhook_contains.is_none_or(|s| w.webhook_text().contains(s))
            && attempts_contains.is_none_or(|s| w.attempts_text().contains(s))
            && s_gte.is_none_or(|t| w.started_at >= t)
            && s_lte.is_none_or(|t| w.started_at <= t)
            && f_gte.is_none_or(|t| w.finished_at >= t)
            && f_lte.is_none_or(|t| w.finished_at <= t)
    };
    let d = a.read();
    // Stored newest first: the unfiltered page is a slice; a filtered one keeps only its items.
    let (total, items): (usize, Vec<&Webhook>) = if filtered {
        page.collect(d.webhooks.iter().filter(|w| keep(w)))
    } else {
        (d.webhooks.len(), page.slice(&d.webhooks).iter().collect())
    };
    Ok(ok_list_raw(
        items.iter().map(|w| w.json()),
        &page.meta(total),
    ))
}

/// `GET /webhook_deliveries/{id}`.
pub async fn retrieve(Acct(a): Acct, uri: Uri) -> Result<Response, ApiError> {
    let id = path_uuid(&uri)?;
    let d = a.read();
    let w = d
        .webhook(&id)
        .ok_or_else(|| ApiError::not_found(format!("Webhook delivery {id} not found.")))?;
    Ok(ok_data_raw(w.json()))
}
