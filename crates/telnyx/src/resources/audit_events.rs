//! `GET /audit_events`: the account's audit log.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::shared::{check_page, query_params, server_enum, SortDirection};
use crate::pagination::{list, ListRequest};
use crate::query::Query;
use crate::violation::Violation;
use crate::Client;

server_enum! {
    /// Who made an audited change.
    pub enum ChangeMadeBy {
        /// Telnyx itself.
        Telnyx = "telnyx",
        /// The account manager.
        AccountManager = "account_manager",
        /// The account owner.
        AccountOwner = "account_owner",
        /// A member of the organization.
        OrganizationMember = "organization_member",
    }
}

/// One audit log entry. Every field may be omitted by the server.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditEvent {
    /// Unique id of the entry.
    pub id: Option<String>,
    /// An alternate id of the changed resource (e.g. a phone number).
    pub alternate_resource_id: Option<String>,
    /// Who made the change.
    pub change_made_by: Option<ChangeMadeBy>,
    /// The kind of change, e.g. `update`.
    pub change_type: Option<String>,
    /// The changed fields (`null` or absent when not recorded).
    pub changes: Option<Vec<AuditEventChange>>,
    /// When the change was made.
    #[serde(default, deserialize_with = "crate::timestamp::option")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// The organization the change belongs to.
    pub organization_id: Option<String>,
    /// Always `audit_event`.
    pub record_type: Option<String>,
    /// The id of the changed resource.
    pub resource_id: Option<String>,
    /// The user who made the change.
    pub user_id: Option<String>,
}

/// One changed field of an [`AuditEvent`]. `from` and `to` are any JSON value
/// (`Value::Null` when absent or null).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditEventChange {
    /// Dotted path of the changed field, e.g. `nested.field.name`.
    pub field: Option<String>,
    /// The value before the change.
    #[serde(default)]
    pub from: serde_json::Value,
    /// The value after the change.
    #[serde(default)]
    pub to: serde_json::Value,
}

query_params! {
    /// Filters, sort and page options for [`AuditEventsApi::list`].
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct AuditEventListParams {
        /// Only events created after this instant (`filter[created_after]`).
        opt created_after: DateTime<Utc> = "filter[created_after]",
        /// Only events created before this instant (`filter[created_before]`).
        opt created_before: DateTime<Utc> = "filter[created_before]",
        /// First page to load, 1-based (`page[number]`).
        opt page_number: u32 = "page[number]",
        /// Items per page, at least 1 (`page[size]`).
        opt page_size: u32 = "page[size]",
        /// Order by creation time (`sort`).
        opt sort: SortDirection = "sort",
    }
}

impl AuditEventListParams {
    /// Checks the documented rules and builds the query, in the official SDK's order.
    pub(crate) fn to_query(&self) -> Result<Query, Violation> {
        check_page("audit_events.list", self.page_number, self.page_size, None)?;
        Ok(self.query_pairs())
    }
}

/// The audit events endpoint: `client.audit_events()`.
#[derive(Debug, Clone, Copy)]
pub struct AuditEventsApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The audit events endpoint.
    pub fn audit_events(&self) -> AuditEventsApi<'_> {
        AuditEventsApi { client: self }
    }
}

impl AuditEventsApi<'_> {
    /// `GET /audit_events`: audit log entries, paginated.
    ///
    /// ```no_run
    /// # async fn run() -> telnyx::Result<()> {
    /// use futures::StreamExt;
    /// use telnyx::{AuditEventListParams, SortDirection};
    /// let client = telnyx::Client::from_env()?;
    /// let params = AuditEventListParams::default().sort(SortDirection::Desc).page_size(50);
    /// let mut events = Box::pin(client.audit_events().list(params).into_stream());
    /// while let Some(event) = events.next().await {
    ///     println!("{:?}", event?.change_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(&self, params: AuditEventListParams) -> ListRequest<AuditEvent> {
        list(self.client, "/audit_events", params.to_query())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn query_matches_the_official_sdk() {
        let params = AuditEventListParams::default()
            .sort(SortDirection::Desc)
            .page_size(2)
            .page_number(1)
            .created_before(Utc.with_ymd_and_hms(2021, 1, 10, 0, 0, 0).unwrap())
            .created_after(Utc.with_ymd_and_hms(2021, 1, 9, 0, 0, 0).unwrap());
        assert_eq!(
            params.to_query().unwrap().encode(),
            "filter%5Bcreated_after%5D=2021-01-09T00%3A00%3A00Z&filter%5Bcreated_before%5D=2021-01-10T00%3A00%3A00Z&page%5Bnumber%5D=1&page%5Bsize%5D=2&sort=desc"
        );
        assert_eq!(
            AuditEventListParams::default().to_query().unwrap().encode(),
            ""
        );
    }

    #[test]
    fn rejects_zero_pages() {
        assert!(AuditEventListParams::default()
            .page_size(0)
            .to_query()
            .is_err());
        assert!(AuditEventListParams::default()
            .page_number(0)
            .to_query()
            .is_err());
        assert!(AuditEventListParams::default()
            .page_size(10_000)
            .to_query()
            .is_ok());
    }

    #[test]
    fn decodes_spec_example() {
        let e: AuditEvent = serde_json::from_str(
            r#"{"alternate_resource_id":"+14155551234","change_made_by":"organization_member",
            "change_type":"update","changes":[{"field":"field.name","from":"new value","to":"old value"},
            {"field":"nested.field.name","from":54321,"to":12345}],"created_at":"2026-01-03T00:00:00Z",
            "id":"550e8400-e29b-41d4-a716-446655440000","organization_id":"550e8400-e29b-41d4-a716-446655440003",
            "record_type":"audit_event","resource_id":"550e8400-e29b-41d4-a716-446655440002",
            "user_id":"550e8400-e29b-41d4-a716-446655440001"}"#,
        )
        .unwrap();
        assert_eq!(e.change_made_by, Some(ChangeMadeBy::OrganizationMember));
        let changes = e.changes.unwrap();
        assert_eq!(changes[1].from, serde_json::json!(54321));
        let n: AuditEvent =
            serde_json::from_str(r#"{"changes":null,"change_made_by":"robot"}"#).unwrap();
        assert!(n.changes.is_none());
        assert_eq!(
            n.change_made_by,
            Some(ChangeMadeBy::Unknown("robot".into()))
        );
    }
}
