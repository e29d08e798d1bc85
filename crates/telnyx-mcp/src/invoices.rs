//! `list_invoices` and `get_invoice`.

use chrono::NaiveDate;
use futures::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{Client, Invoice, InvoiceAction, InvoiceListParams, InvoiceSort};

use crate::answer::{ListInfo, Window};
use crate::capped_rows;
use crate::error::ToolError;

/// `list_invoices` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoicesInput {
    /// Oldest first instead of newest first.
    #[serde(default)]
    pub oldest_first: bool,
    /// Rows to return (default 20, at most 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// next_cursor of the previous answer, to get the next rows.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One invoice.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct InvoiceRow {
    /// Invoice id (for get_invoice).
    pub invoice_id: Option<String>,
    /// First day of the invoiced period.
    pub period_start: Option<NaiveDate>,
    /// Last day of the invoiced period.
    pub period_end: Option<NaiveDate>,
    /// Whether it is paid.
    pub paid: Option<bool>,
    /// The invoice's page.
    pub url: Option<String>,
}

impl From<Invoice> for InvoiceRow {
    fn from(i: Invoice) -> InvoiceRow {
        InvoiceRow {
            invoice_id: i.invoice_id,
            period_start: i.period_start,
            period_end: i.period_end,
            paid: i.paid,
            url: i.url,
        }
    }
}

/// A page of invoices.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct InvoicesAnswer {
    /// How many are unpaid, of all invoices.
    pub unpaid: u64,
    /// The invoices, newest first unless oldest_first.
    pub rows: Vec<InvoiceRow>,
    /// Paging.
    pub list: ListInfo,
}
capped_rows!(InvoicesAnswer);

/// The account's invoices, newest first, with the number unpaid.
pub async fn list_invoices(
    client: &Client,
    input: InvoicesInput,
) -> Result<InvoicesAnswer, ToolError> {
    let window = Window::new(
        "list_invoices",
        &input.oldest_first,
        input.limit,
        input.cursor.as_deref(),
    )?;
    let sort = if input.oldest_first {
        InvoiceSort::PeriodStart
    } else {
        InvoiceSort::PeriodStartDesc
    };
    let params = InvoiceListParams::default().sort(sort).page_size(250);
    let mut stream = std::pin::pin!(client.invoices().list(params).into_stream());
    let (mut total, mut unpaid, mut rows) = (0u64, 0u64, Vec::new());
    while let Some(invoice) = stream.try_next().await? {
        if invoice.paid == Some(false) {
            unpaid += 1;
        }
        if window.contains(total) {
            rows.push(InvoiceRow::from(invoice));
        }
        total += 1;
    }
    Ok(InvoicesAnswer {
        unpaid,
        list: window.info(total, rows.len()),
        rows,
    })
}

/// `get_invoice` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    /// The invoice id, from list_invoices.
    pub invoice_id: String,
}

/// One invoice with its download link.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct InvoiceAnswer {
    /// The invoice.
    pub invoice: InvoiceRow,
    /// A link to the PDF (short-lived).
    pub download_url: Option<String>,
    /// The file id of the PDF.
    pub file_id: Option<String>,
}

impl crate::answer::Capped for InvoiceAnswer {}

/// One invoice by id, with a link to its PDF.
pub async fn get_invoice(client: &Client, input: InvoiceInput) -> Result<InvoiceAnswer, ToolError> {
    let id = input.invoice_id.trim();
    if id.is_empty() {
        return Err(ToolError::invalid(
            "invoice_id is empty: send an invoice_id from list_invoices",
        ));
    }
    let d = client
        .invoices()
        .retrieve(id, Some(InvoiceAction::Link))
        .await?;
    Ok(InvoiceAnswer {
        invoice: InvoiceRow {
            invoice_id: d.invoice_id,
            period_start: d.period_start,
            period_end: d.period_end,
            paid: d.paid,
            url: d.url,
        },
        download_url: d.download_url,
        file_id: d.file_id,
    })
}
