//! The Account API resources: one module per endpoint family, each holding its handle
//! (`client.balance()`, ...), its parameters and its typed models.

pub(crate) mod shared;

mod audit_events;
mod balance;
mod charges_breakdown;
mod charges_summary;
mod detail_records;
mod invoices;
mod payment;
mod user_tags;
mod webhook_deliveries;

pub use audit_events::*;
pub use balance::*;
pub use charges_breakdown::*;
pub use charges_summary::*;
pub use detail_records::*;
pub use invoices::*;
pub use payment::*;
pub use shared::{ParseParamError, SortDirection, MAX_CHARGES_RANGE_DAYS};
pub use user_tags::*;
pub use webhook_deliveries::*;
