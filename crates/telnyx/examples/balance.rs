//! Prints the account balance.
//!
//! `TELNYX_API_KEY=... cargo run -p telnyx --example balance`

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let balance = client.balance().retrieve().await?;
    let show = |m: &Option<telnyx::Money>| m.as_ref().map_or("-".to_owned(), |m| m.to_string());
    let currency = balance.currency.as_deref().unwrap_or("");
    println!("balance:          {} {currency}", show(&balance.balance));
    println!(
        "credit limit:     {} {currency}",
        show(&balance.credit_limit)
    );
    println!(
        "available credit: {} {currency}",
        show(&balance.available_credit)
    );
    println!("pending:          {} {currency}", show(&balance.pending));
    Ok(())
}
