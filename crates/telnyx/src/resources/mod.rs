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

pub use audit_events::{
    AuditEvent, AuditEventChange, AuditEventListParams, AuditEventsApi, ChangeMadeBy,
};
pub use balance::{Balance, BalanceApi};
pub use charges_breakdown::{
    ChargesBreakdown, ChargesBreakdownApi, ChargesBreakdownParams, ChargesFormat, CostType,
    NumberBreakdown, ServiceCharge,
};
pub use charges_summary::{
    ChargesAdjustment, ChargesSummary, ChargesSummaryApi, ChargesSummaryDetails,
    ChargesSummaryParams, ChargesSummaryTotal, ComparativeLine, MonthDetail, SimpleLine,
    SummaryLine,
};
pub use detail_records::{
    AmdDetailRecord, AmdFeature, ConferenceDetailRecord, ConferenceParticipantDetailRecord,
    DateRange, DetailRecord, DetailRecordListParams, DetailRecordType, DetailRecordsApi,
    FieldFilter, FilterOp, MediaStorageDetailRecord, MessageDetailRecord, MessageDirection,
    MessageStatus, MessageType, SimCardUsageDetailRecord, VerifyChannelType, VerifyDetailRecord,
    MAX_DETAIL_RECORDS_PAGE_SIZE,
};
pub use invoices::{
    Invoice, InvoiceAction, InvoiceDetail, InvoiceListParams, InvoicePdfRequest, InvoiceSort,
    InvoicesApi, MAX_INVOICES_PAGE_SIZE,
};
pub use payment::{
    AutoRechargePref, AutoRechargePrefUpdate, AutoRechargePrefsApi, PaymentApi, RechargePreference,
    StoredPaymentTransaction,
};
pub use shared::{ParseParamError, SortDirection, MAX_CHARGES_RANGE_DAYS};
pub use user_tags::{UserTagListParams, UserTags, UserTagsApi};
pub use webhook_deliveries::{
    HttpHeaders, WebhookDeliveriesApi, WebhookDelivery, WebhookDeliveryAttempt,
    WebhookDeliveryListParams, WebhookDeliveryStatus, WebhookEvent, WebhookHttp,
    WebhookHttpRequest, WebhookHttpResponse, MAX_WEBHOOK_DELIVERIES_PAGE_SIZE,
};
