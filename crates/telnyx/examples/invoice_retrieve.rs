//! Fetches one invoice with a download link: `cargo run --example invoice_retrieve -- <id>`.

use telnyx::InvoiceAction;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let id = std::env::args()
        .nth(1)
        .ok_or("usage: invoice_retrieve <invoice id>")?;
    let client = telnyx::Client::from_env()?;
    let invoice = client
        .invoices()
        .retrieve(&id, Some(InvoiceAction::Link))
        .await?;
    println!(
        "period {:?}..{:?} paid={:?}",
        invoice.period_start, invoice.period_end, invoice.paid
    );
    println!(
        "download: {}",
        invoice.download_url.as_deref().unwrap_or("(none)")
    );
    Ok(())
}
