//! Monthly invoices: their API objects, their order, and the PDF behind `download_url`.
//!
//! Besides the spec's fields, each invoice carries two emulator extensions, `total` and
//! `currency`: the grand total of the charges summary for the invoice's month.

use serde_json::{json, Value};

use super::{Page, StoreError};
use crate::model::{AccountData, Invoice};
use crate::util::money;

/// The typed input of `GET /invoices`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvoiceFilter {
    /// Oldest first (`sort=period_start`) instead of newest first.
    pub ascending: bool,
}

/// The invoice object; `origin` is `http://host:port`.
pub fn invoice_json(origin: &str, inv: &Invoice) -> Value {
    json!({
        "file_id": inv.file_id,
        "invoice_id": inv.id,
        "paid": inv.paid,
        "period_start": inv.period_start.to_string(),
        "period_end": inv.period_end.to_string(),
        "url": format!("{origin}/v2/invoices/{}", inv.id),
        "total": money(inv.total),
        "currency": "USD",
    })
}

/// The total and the invoices on `page`.
pub fn list<'a>(d: &'a AccountData, f: &InvoiceFilter, page: Page) -> (usize, Vec<&'a Invoice>) {
    let mut items: Vec<&Invoice> = d.invoices.iter().collect();
    if !f.ascending {
        items.reverse();
    }
    (items.len(), page.slice(&items).to_vec())
}

/// One invoice by id.
pub fn retrieve<'a>(d: &'a AccountData, id: &str) -> Result<&'a Invoice, StoreError> {
    d.invoices
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("Invoice {id} not found.")))
}

/// The invoice as a small real PDF.
pub fn pdf(d: &AccountData, inv: &Invoice) -> Vec<u8> {
    let total = money(inv.total);
    let lines = [
        "Telnyx (emulator) invoice".to_string(),
        format!("Invoice {}", inv.id),
        format!("Period {} to {}", inv.period_start, inv.period_end),
        format!("Account {}", d.user_email),
        format!("Total due: USD {total}"),
        format!("Status: {}", if inv.paid { "paid" } else { "unpaid" }),
    ];
    render_pdf(&lines)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_by_default_and_pdf_is_a_pdf() {
        let d = crate::seed::test_account();
        let page = Page { number: 1, size: 2 };
        let (n, items) = list(&d, &InvoiceFilter::default(), page);
        assert_eq!(n, d.invoices.len());
        assert!(items[0].period_start > items[1].period_start);
        let inv = retrieve(&d, &items[0].id).expect("found");
        let bytes = pdf(&d, inv);
        assert!(bytes.starts_with(b"%PDF-1.4"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        assert!(retrieve(&d, "nope").is_err());
    }
}
