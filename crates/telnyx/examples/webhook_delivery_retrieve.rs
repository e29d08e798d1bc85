//! Shows one webhook delivery: `cargo run --example webhook_delivery_retrieve -- <id>`.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let id = std::env::args()
        .nth(1)
        .ok_or("usage: webhook_delivery_retrieve <delivery id>")?;
    let client = telnyx::Client::from_env()?;
    let delivery = client.webhook_deliveries().retrieve(&id).await?;
    println!("{:?} status={:?}", delivery.id, delivery.status);
    for attempt in &delivery.attempts {
        let http = attempt.http.as_ref();
        let url = http
            .and_then(|h| h.request.as_ref())
            .and_then(|r| r.url.as_deref());
        let status = http
            .and_then(|h| h.response.as_ref())
            .and_then(|r| r.status);
        println!(
            "  {:?} -> {url:?}: HTTP {status:?}, errors {:?}",
            attempt.started_at,
            attempt.error_codes()
        );
    }
    Ok(())
}
