//! `GET /invoices` and `GET /invoices/{id}` (`action=json|link`), plus the PDF the link serves.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Uri};
use axum::response::Response;
use serde_json::Value;

use super::Acct;
use crate::domain::invoices::{
    invoice_json, list as list_invoices, pdf as render, retrieve as find, InvoiceFilter,
};
use crate::domain::Page;
use crate::error::ApiError;
use crate::query::{one_of, FromParams, Paged, Params, Query, PAGE_PARAMS};
use crate::response::{ok_data, ok_list, path_uuid};
use crate::state::App;

impl Paged for InvoiceFilter {
    const MAX_PAGE_SIZE: u64 = 250;
}

impl FromParams for InvoiceFilter {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.allow_only(&["sort", PAGE_PARAMS[0], PAGE_PARAMS[1]])?;
        let sort = one_of(p, "sort", &["-period_start", "period_start"], 0)?;
        Ok(InvoiceFilter {
            ascending: sort == 1,
        })
    }
}

/// The input of `GET /invoices/{id}`: `action=json|link`.
#[derive(Debug, Clone, Copy)]
pub struct RetrieveQuery {
    link: bool,
}

impl FromParams for RetrieveQuery {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        p.allow_only(&["action"])?;
        let link = one_of(p, "action", &["json", "link"], 0)? == 1;
        Ok(RetrieveQuery { link })
    }
}

/// `GET /invoices` (`sort=period_start|-period_start`, default newest first).
pub async fn list(
    State(app): State<Arc<App>>,
    Acct(a): Acct,
    Query((f, page)): Query<(InvoiceFilter, Page)>,
) -> Response {
    let d = a.read();
    let (total, items) = list_invoices(&d, &f, page);
    let data = items.iter().map(|i| invoice_json(&app.origin, i)).collect();
    ok_list(data, page.meta(total))
}

/// `GET /invoices/{id}`.
pub async fn retrieve(
    State(app): State<Arc<App>>,
    Acct(a): Acct,
    uri: Uri,
    Query(q): Query<RetrieveQuery>,
) -> Result<Response, ApiError> {
    let id = path_uuid(&uri)?;
    let d = a.read();
    let inv = find(&d, &id)?;
    let mut v = invoice_json(&app.origin, inv);
    if q.link {
        v["download_url"] = Value::String(format!(
            "{}/_emulator/files/invoices/{}/{}.pdf",
            app.origin, a.key_hash, inv.id
        ));
    }
    Ok(ok_data(v))
}

/// `GET /_emulator/files/invoices/{account_hash}/{invoice_id}.pdf`: the invoice as a small real PDF.
pub async fn pdf(State(app): State<Arc<App>>, uri: Uri) -> Result<Response, ApiError> {
    let mut segs = uri.path().rsplit('/');
    let file = segs.next().unwrap_or("");
    let hash = segs.next().unwrap_or("");
    let id = file.strip_suffix(".pdf").unwrap_or(file);
    let not_found = || ApiError::not_found("No such invoice file.");
    let acct = app.store.by_hash(hash).ok_or_else(not_found)?;
    let d = acct.read();
    let inv = find(&d, id).map_err(|_| not_found())?;
    let mut r = Response::new(Body::from(render(&d, inv)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    Ok(r)
}
