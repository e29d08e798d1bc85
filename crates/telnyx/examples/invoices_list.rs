//! Lists every invoice, newest period first.

use futures::StreamExt;
use telnyx::{InvoiceListParams, InvoiceSort};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let params = InvoiceListParams::default().sort(InvoiceSort::PeriodStartDesc);
    let mut invoices = Box::pin(client.invoices().list(params).into_stream());
    while let Some(invoice) = invoices.next().await {
        let invoice = invoice?;
        println!(
            "{:?} {:?}..{:?} paid={:?}",
            invoice.invoice_id, invoice.period_start, invoice.period_end, invoice.paid
        );
    }
    Ok(())
}
