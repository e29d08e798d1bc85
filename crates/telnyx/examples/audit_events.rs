//! Streams the audit events of the last 7 days, newest first, across every page.

use futures::StreamExt;
use telnyx::{AuditEventListParams, SortDirection};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let params = AuditEventListParams::default()
        .created_after(chrono::Utc::now() - chrono::Duration::days(7))
        .sort(SortDirection::Desc)
        .page_size(50);
    let mut events = Box::pin(client.audit_events().list(params).into_stream());
    while let Some(event) = events.next().await {
        let event = event?;
        println!(
            "{:?} {:?} {:?} by {:?}",
            event.created_at, event.change_type, event.resource_id, event.change_made_by
        );
    }
    Ok(())
}
