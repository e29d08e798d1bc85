//! Prints the charges per phone number for May 2025, then the same report as CSV.

use chrono::NaiveDate;
use telnyx::ChargesBreakdownParams;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let start = NaiveDate::from_ymd_opt(2025, 5, 1).ok_or("invalid date")?;
    let params = ChargesBreakdownParams::new(start);
    let breakdown = client.charges_breakdown().retrieve(params.clone()).await?;
    for number in &breakdown.results {
        for service in &number.services {
            println!(
                "{} {} {} ({})",
                number.tn, service.name, service.cost, service.cost_type
            );
        }
    }
    let csv = client.charges_breakdown().retrieve_csv(params).await?;
    println!("--- CSV ---\n{csv}");
    Ok(())
}
