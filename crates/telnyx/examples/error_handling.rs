//! Handles errors by kind: backs off on 429 using the server's retry hint, reports 422
//! validation details with their source pointer, and explains the rest.

use std::time::Duration;

use telnyx::{Client, ErrorKind};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    for attempt in 1..=3 {
        match client
            .payment()
            .create_stored_payment_transaction("120.00")
            .await
        {
            Ok(tx) => {
                println!("charged: {:?}", tx.id);
                return Ok(());
            }
            Err(err) => match err.kind() {
                ErrorKind::RateLimit => {
                    let wait = err.retry_after().unwrap_or(Duration::from_secs(1));
                    eprintln!("rate limited (attempt {attempt}); retrying in {wait:?}");
                    tokio::time::sleep(wait).await;
                }
                ErrorKind::UnprocessableEntity => {
                    for detail in err.errors() {
                        let pointer = detail.source.as_ref().and_then(|s| s.pointer.as_deref());
                        eprintln!(
                            "invalid: {} ({}) at {}",
                            detail
                                .detail
                                .as_deref()
                                .or(detail.title.as_deref())
                                .unwrap_or("?"),
                            detail.code.as_deref().unwrap_or("no code"),
                            pointer.unwrap_or("(no pointer)")
                        );
                    }
                    return Err(err.into());
                }
                ErrorKind::InvalidRequest => {
                    eprintln!("fix the call before sending it: {err}");
                    return Err(err.into());
                }
                ErrorKind::Authentication | ErrorKind::PermissionDenied => {
                    eprintln!("check TELNYX_API_KEY: {err}");
                    return Err(err.into());
                }
                _ => {
                    eprintln!(
                        "request failed (status {:?}, request id {:?}): {err}",
                        err.status(),
                        err.request_id()
                    );
                    return Err(err.into());
                }
            },
        }
    }
    Err("still rate limited after 3 attempts".into())
}
