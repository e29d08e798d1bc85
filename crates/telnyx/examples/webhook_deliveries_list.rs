//! Lists failed webhook deliveries of the last day with their attempts.

use telnyx::{WebhookDeliveryListParams, WebhookDeliveryStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let params = WebhookDeliveryListParams::default()
        .status(WebhookDeliveryStatus::Failed)
        .started_at_gte(chrono::Utc::now() - chrono::Duration::days(1))
        .page_size(25);
    let page = client.webhook_deliveries().list(params).await?;
    for delivery in &page.data {
        let event = delivery
            .webhook
            .as_ref()
            .and_then(|w| w.event_type.as_deref());
        println!(
            "{:?} {:?}: {} attempts",
            delivery.id,
            event,
            delivery.attempts.len()
        );
        for attempt in &delivery.attempts {
            println!("  {:?} errors={:?}", attempt.status, attempt.error_codes());
        }
    }
    if let Some(total) = page.total_results() {
        println!("{total} in total");
    }
    Ok(())
}
