//! Downloads one invoice's PDF: `cargo run -p telnyx --example invoice_download_pdf -- <invoice id> [file]`.
//! The API key is sent only to the API's own origin, never to a pre-signed link elsewhere.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let id = args
        .next()
        .ok_or("usage: invoice_download_pdf <invoice id> [file]")?;
    let file = args.next().unwrap_or_else(|| format!("{id}.pdf"));
    let client = telnyx::Client::from_env()?;
    let pdf = client.invoices().download_pdf(&id).await?;
    std::fs::write(&file, &pdf)?;
    println!("saved {} bytes to {file}", pdf.len());
    Ok(())
}
