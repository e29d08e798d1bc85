//! In-memory account state: the data every handler reads and the events that change it.
//!
//! - [`value`]: a field value ([`Fv`]), its [`Kind`] and the string [`Interner`];
//! - [`schema`]: the catalogue of detail record types ([`RecordType`]);
//! - [`columns`]: columnar storage of detail records ([`Records`], [`Column`]);
//! - [`entities`] and [`webhook`]: what an account holds besides records;
//! - [`account`]: [`AccountData`], everything one account holds;
//! - [`event`]: the persisted changes ([`Event`]) replayed on restart.

pub(crate) mod account;
pub(crate) mod columns;
pub(crate) mod entities;
pub(crate) mod event;
pub(crate) mod schema;
pub(crate) mod value;
pub(crate) mod webhook;

pub use self::account::AccountData;
pub use self::columns::{Column, Records};
pub use self::entities::{
    Adjustment, AuditEvent, CostType, IdemRecord, Invoice, Pending, PhoneNumber, Prefs, Service,
};
pub use self::event::Event;
pub use self::schema::{record_type, RecordType, ALL_TYPES, SEEDED_TYPES};
pub use self::value::{Fv, Interner, Kind};
pub use self::webhook::{index_webhooks, Endpoint, Webhook};
