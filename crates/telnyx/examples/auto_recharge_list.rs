//! Prints the auto-recharge preferences.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let prefs = client.payment().auto_recharge_prefs().list().await?;
    println!("enabled:   {:?}", prefs.enabled);
    println!(
        "method:    {:?}",
        prefs.preference.as_ref().map(|p| p.as_str())
    );
    println!(
        "threshold: {:?}",
        prefs.threshold_amount.as_ref().map(|m| m.as_str())
    );
    println!(
        "recharge:  {:?}",
        prefs.recharge_amount.as_ref().map(|m| m.as_str())
    );
    Ok(())
}
