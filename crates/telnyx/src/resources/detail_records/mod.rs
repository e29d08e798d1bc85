//! `GET /detail_records`: usage detail records of one record type, filtered and sorted.
//!
//! The endpoint's handle is here; the parameters are in `params`, the [`DetailRecord`]
//! oneOf in `record`, and each record family (messaging, conference, AMD, verification,
//! wireless, media storage) has its own module with its typed record and enums.

mod amd;
mod conference;
mod media_storage;
mod messaging;
mod params;
mod record;
mod verify;
mod wireless;

pub use amd::{AmdDetailRecord, AmdFeature};
pub use conference::{ConferenceDetailRecord, ConferenceParticipantDetailRecord};
pub use media_storage::MediaStorageDetailRecord;
pub use messaging::{MessageDetailRecord, MessageDirection, MessageStatus, MessageType};
pub use params::{
    DateRange, DetailRecordListParams, DetailRecordType, FieldFilter, FilterOp,
    MAX_DETAIL_RECORDS_PAGE_SIZE,
};
pub use record::DetailRecord;
pub use verify::{VerifyChannelType, VerifyDetailRecord};
pub use wireless::SimCardUsageDetailRecord;

use crate::pagination::{list, ListRequest};
use crate::Client;

/// The detail records endpoint: `client.detail_records()`.
#[derive(Debug, Clone, Copy)]
pub struct DetailRecordsApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The detail records endpoint.
    pub fn detail_records(&self) -> DetailRecordsApi<'_> {
        DetailRecordsApi { client: self }
    }
}

impl DetailRecordsApi<'_> {
    /// `GET /detail_records`: records of one type, paginated; every later page keeps the filters.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use futures::StreamExt;
    /// use telnyx::{DateRange, DetailRecord, DetailRecordListParams, DetailRecordType, FieldFilter};
    /// let client = telnyx::Client::from_env()?;
    /// let params = DetailRecordListParams::new(DetailRecordType::Messaging)
    ///     .date_range(DateRange::Yesterday)
    ///     .filter(FieldFilter::parse("cld[contains]=456")?)
    ///     .sort(["-created_at"]);
    /// let mut records = Box::pin(client.detail_records().list(params).into_stream());
    /// while let Some(record) = records.next().await {
    ///     if let DetailRecord::Message(m) = record? {
    ///         println!("{:?} {:?}", m.cld, m.cost);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self, params: DetailRecordListParams) -> ListRequest<DetailRecord> {
        list(self.client, "/detail_records", params.to_query())
    }
}

#[cfg(test)]
mod tests;
