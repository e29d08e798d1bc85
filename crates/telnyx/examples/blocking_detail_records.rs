//! The blocking client (feature `blocking`): every messaging detail record, page by page
//! and item by item, as plain iterators.
//!
//! ```sh
//! TELNYX_API_KEY=KEY_demo TELNYX_BASE_URL=http://127.0.0.1:4010/v2 \
//!     cargo run -p telnyx --features blocking --example blocking_detail_records
//! ```

use telnyx::blocking::Client;
use telnyx::{DetailRecord, DetailRecordListParams, DetailRecordType};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let params = DetailRecordListParams::new(DetailRecordType::Messaging)
        .sort(["-created_at"])
        .page_size(50);

    for page in client.detail_records().list(params.clone()).pages() {
        let page = page?;
        println!(
            "page {:?}: {} records (request id {:?})",
            page.meta.and_then(|m| m.page_number),
            page.data.len(),
            page.response().request_id()
        );
    }

    let mut total_parts = 0;
    for record in client.detail_records().list(params) {
        if let DetailRecord::Message(m) = record? {
            total_parts += m.parts.unwrap_or(0);
        }
    }
    println!("{total_parts} message parts in all");
    Ok(())
}
