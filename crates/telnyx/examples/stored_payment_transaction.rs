//! Charges $120.00 to the stored payment method, with an idempotency key so that a retry
//! (by the SDK or by you, within 24 h) is never charged twice.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let key = std::env::args()
        .nth(1)
        .unwrap_or_else(|| format!("topup-{}", chrono::Utc::now().format("%Y%m%d")));
    let tx = client
        .payment()
        .create_stored_payment_transaction("120.00")
        .idempotency_key(key)
        .await?;
    println!(
        "transaction {:?}: {:?} cents {:?}, {:?}",
        tx.id, tx.amount_cents, tx.amount_currency, tx.processor_status
    );
    Ok(())
}
