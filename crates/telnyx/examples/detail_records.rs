//! Streams yesterday's messaging detail records to numbers containing "456".

use futures::StreamExt;
use telnyx::{DateRange, DetailRecord, DetailRecordListParams, DetailRecordType, FieldFilter};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = telnyx::Client::from_env()?;
    let params = DetailRecordListParams::new(DetailRecordType::Messaging)
        .date_range(DateRange::Yesterday)
        .filter(FieldFilter::parse("cld[contains]=456")?)
        .sort(["-created_at"])
        .page_size(50);
    let mut records = Box::pin(client.detail_records().list(params).into_stream());
    while let Some(record) = records.next().await {
        match record? {
            DetailRecord::Message(m) => {
                println!("{:?} -> {:?}: {:?} {:?}", m.cli, m.cld, m.status, m.cost)
            }
            other => println!("{:?}: {:?}", other.record_type(), other),
        }
    }
    Ok(())
}
