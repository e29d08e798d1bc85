//! `GET /invoices` and `GET /invoices/{id}` (`action=json|link`), plus the PDF the link serves.
//!
//! Besides the spec's fields, each invoice carries two emulator extensions, `total` and
//! `currency`: the grand total of the charges summary for the invoice's month.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::{ok_data, ok_list, path_uuid, Acct};
use crate::error::ApiError;
use crate::model::{AccountData, Invoice};
use crate::query::{Page, Params};
use crate::server::App;
use crate::util::cents_str;

/// Maximum `page[size]` for invoices.
pub const MAX_PAGE_SIZE: u64 = 250;

fn invoice_json(app: &App, d: &AccountData, inv: &Invoice) -> Value {
    json!({
        "file_id": inv.file_id,
        "invoice_id": inv.id,
        "paid": inv.paid,
        "period_start": inv.period_start.to_string(),
        "period_end": inv.period_end.to_string(),
        "url": format!("{}/v2/invoices/{}", app.origin, inv.id),
        "total": cents_str(super::charges::month_total(d, inv.period_start)),
        "currency": "USD",
    })
}

/// `GET /invoices` (`sort=period_start|-period_start`, default newest first).
pub async fn list(
    State(app): State<Arc<App>>,
    Acct(a): Acct,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(q.as_deref())?;
    let page = Page::parse(&p, MAX_PAGE_SIZE)?;
    let desc = match p.get_nonempty("sort") {
        None | Some("-period_start") => true,
        Some("period_start") => false,
        Some(_) => {
            return Err(ApiError::invalid_param(
                "sort",
                "sort must be 'period_start' or '-period_start'.",
            ))
        }
    };
    let d = a.read();
    let mut items: Vec<&Invoice> = d.invoices.iter().collect();
    if desc {
        items.reverse();
    }
    let data = page
        .slice(&items)
        .iter()
        .map(|i| invoice_json(&app, &d, i))
        .collect();
    Ok(ok_list(data, page.meta(items.len())))
}

/// `GET /invoices/{id}`.
pub async fn retrieve(
    State(app): State<Arc<App>>,
    Acct(a): Acct,
    uri: Uri,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let id = path_uuid(&uri)?;
    let p = Params::parse(q.as_deref())?;
    let link = match p.get_nonempty("action") {
        None | Some("json") => false,
        Some("link") => true,
        Some(_) => {
            return Err(ApiError::invalid_param(
                "action",
                "action must be 'json' or 'link'.",
            ))
        }
    };
    let d = a.read();
    let inv = d
        .invoices
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Invoice {id} not found.")))?;
    let mut v = invoice_json(&app, &d, inv);
    if link {
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
    let inv = d
        .invoices
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(not_found)?;
    let total = cents_str(super::charges::month_total(&d, inv.period_start));
    let lines = [
        "Telnyx (emulator) invoice".to_string(),
        format!("Invoice {}", inv.id),
        format!("Period {} to {}", inv.period_start, inv.period_end),
        format!("Account {}", d.user_email),
        format!("Total due: USD {total}"),
        format!("Status: {}", if inv.paid { "paid" } else { "unpaid" }),
    ];
    let mut r = Response::new(Body::from(render_pdf(&lines)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    Ok(r)
}

/// A minimal valid one-page PDF showing `lines` (ASCII) in Helvetica, with a correct xref table.
pub fn render_pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 14 Tf 72 720 Td 18 TL\n");
    for l in lines {
        let esc: String = l
            .chars()
            .filter(|c| c.is_ascii() && !c.is_ascii_control())
            .flat_map(|c| match c {
                '(' | ')' | '\\' => vec!['\\', c],
                _ => vec![c],
            })
            .collect();
        content.push_str(&format!("({esc}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{}endstream", content.len(), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{}\nendobj\n", i + 1, o));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}
