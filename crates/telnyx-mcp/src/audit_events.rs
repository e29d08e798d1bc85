//! `list_audit_events`: who changed what, counted by change type, then rows.

use chrono::{DateTime, FixedOffset, Utc};
use futures::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{AuditEvent, AuditEventListParams, Client, SortDirection};

use crate::answer::{Count, Counter, ListInfo, Window};
use crate::capped_rows;
use crate::error::ToolError;

/// `list_audit_events` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditInput {
    /// Only changes at or after this time (RFC 3339).
    #[serde(default)]
    pub since: Option<DateTime<Utc>>,
    /// Only changes before this time (RFC 3339).
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// Only this change type, e.g. "update" (see counts.by_change_type for the ones present).
    #[serde(default)]
    pub change_type: Option<String>,
    /// Rows to return (default 20, at most 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// next_cursor of the previous answer, to get the next rows.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One changed field.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ChangeRow {
    /// Dotted field path.
    pub field: Option<String>,
    /// Value before.
    pub from: serde_json::Value,
    /// Value after.
    pub to: serde_json::Value,
}

/// One audit event, compact.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AuditRow {
    /// Event id.
    pub id: Option<String>,
    /// When.
    pub created_at: Option<DateTime<FixedOffset>>,
    /// What kind of change.
    pub change_type: Option<String>,
    /// Who: telnyx, account_manager, account_owner, organization_member.
    pub change_made_by: Option<String>,
    /// The changed resource.
    pub resource_id: Option<String>,
    /// The user who made it.
    pub user_id: Option<String>,
    /// The changed fields.
    pub changes: Vec<ChangeRow>,
}

/// Counts over every matching event.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AuditCounts {
    /// By change type.
    pub by_change_type: Vec<Count>,
    /// By who made the change.
    pub by_change_made_by: Vec<Count>,
}

/// Audit events: counts, then rows (newest first).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AuditAnswer {
    /// The since bound used, if any.
    pub since: Option<DateTime<Utc>>,
    /// The until bound used, if any.
    pub until: Option<DateTime<Utc>>,
    /// The change type filter used, if any.
    pub change_type: Option<String>,
    /// Counts over every matching event.
    pub counts: AuditCounts,
    /// Rows, newest first.
    pub rows: Vec<AuditRow>,
    /// Paging.
    pub list: ListInfo,
}
capped_rows!(AuditAnswer);

/// Account changes in a period, counted by type, newest first.
pub async fn list_audit_events(
    client: &Client,
    input: AuditInput,
) -> Result<AuditAnswer, ToolError> {
    if let (Some(s), Some(u)) = (&input.since, &input.until) {
        if s >= u {
            return Err(ToolError::invalid(format!(
                "since {s} is not before until {u}: send a since earlier than until"
            )));
        }
    }
    let change_type = input.change_type.clone().filter(|c| !c.is_empty());
    let window = Window::new(
        "list_audit_events",
        &(&input.since, &input.until, &change_type),
        input.limit,
        input.cursor.as_deref(),
    )?;
    let mut params = AuditEventListParams::default()
        .sort(SortDirection::Desc)
        .page_size(250);
    params.created_after = input.since;
    params.created_before = input.until;
    let mut stream = std::pin::pin!(client.audit_events().list(params).into_stream());
    let (mut by_type, mut by_who) = (Counter::default(), Counter::default());
    let (mut total, mut rows) = (0u64, Vec::new());
    while let Some(e) = stream.try_next().await? {
        if let Some(wanted) = &change_type {
            if e.change_type.as_deref() != Some(wanted.as_str()) {
                continue;
            }
        }
        by_type.add(e.change_type.as_deref());
        let who = e.change_made_by.as_ref().map(|w| w.as_str().to_string());
        by_who.add(who.as_deref());
        if window.contains(total) {
            rows.push(row(e, who));
        }
        total += 1;
    }
    Ok(AuditAnswer {
        since: input.since,
        until: input.until,
        change_type,
        counts: AuditCounts {
            by_change_type: by_type.top(usize::MAX),
            by_change_made_by: by_who.top(usize::MAX),
        },
        list: window.info(total, rows.len()),
        rows,
    })
}

fn row(e: AuditEvent, who: Option<String>) -> AuditRow {
    AuditRow {
        id: e.id,
        created_at: e.created_at,
        change_type: e.change_type,
        change_made_by: who,
        resource_id: e.resource_id,
        user_id: e.user_id,
        changes: e
            .changes
            .unwrap_or_default()
            .into_iter()
            .map(|c| ChangeRow {
                field: c.field,
                from: c.from,
                to: c.to,
            })
            .collect(),
    }
}
