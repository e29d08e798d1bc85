//! Prints last month's charges summary (end date exclusive, at most 31 days).

use chrono::NaiveDate;
use telnyx::{ChargesSummaryParams, SummaryLine};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let start = NaiveDate::from_ymd_opt(2025, 5, 1).ok_or("invalid date")?;
    let end = NaiveDate::from_ymd_opt(2025, 6, 1).ok_or("invalid date")?;
    let summary = client
        .charges_summary()
        .retrieve(ChargesSummaryParams::new(start, end))
        .await?;
    for line in &summary.summary.lines {
        match line {
            SummaryLine::Comparative(c) => println!(
                "{}: new {} x {} MRC, existing {} x {} MRC",
                c.name,
                c.new_this_month.quantity,
                c.new_this_month.mrc,
                c.existing_this_month.quantity,
                c.existing_this_month.mrc
            ),
            SummaryLine::Simple(s) => println!("{}: {} x = {}", s.name, s.quantity, s.amount),
            SummaryLine::Unknown(raw) => println!("(unknown line) {raw}"),
        }
    }
    println!(
        "grand total: {} {}",
        summary.total.grand_total, summary.currency
    );
    Ok(())
}
