//! Turns auto-recharge on: add $104.00 whenever the balance drops below $50.00.
//! Only the fields that are set are sent.

use telnyx::{AutoRechargePrefUpdate, Money, RechargePreference};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let update = AutoRechargePrefUpdate::default()
        .enabled(true)
        .preference(RechargePreference::CreditPaypal)
        .recharge_amount(Money::parse("104.00")?)
        .threshold_amount(Money::parse("50.00")?);
    let prefs = client
        .payment()
        .auto_recharge_prefs()
        .update(update)
        .await?;
    println!("{prefs:#?}");
    Ok(())
}
