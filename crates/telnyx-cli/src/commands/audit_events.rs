//! `telnyx audit-events list`

use serde_json::Value;
use telnyx::AuditEvent;

use crate::cli::audit_events::{AuditEventsCommand, SortArg};
use crate::cli::GlobalArgs;
use crate::columns::{cell, json_text, Col, ListSpec};
use crate::context::Ctx;
use crate::exit::CliError;

/// Largest page asked for. The API declares no maximum for audit events (so the SDK has no
/// `MAX_AUDIT_EVENTS_PAGE_SIZE`); this is the CLI's choice, the other lists' maximum.
const PAGE_SIZE_CAP: u32 = 250;

/// Runs `telnyx audit-events ...`.
pub async fn run(cmd: AuditEventsCommand, global: GlobalArgs) -> Result<(), CliError> {
    Ctx::run(global, async |ctx| run_in(ctx, cmd).await).await
}

/// `run` inside the context.
async fn run_in(ctx: &mut Ctx, cmd: AuditEventsCommand) -> Result<(), CliError> {
    let AuditEventsCommand::List {
        after,
        before,
        sort,
    } = cmd;
    if let (Some(a), Some(b)) = (after, before) {
        if a >= b {
            return Err(CliError::Invalid(format!(
                "--after ({a}) must be earlier than --before ({b})"
            )));
        }
    }
    let mut params =
        telnyx::AuditEventListParams::default().page_size(ctx.page_size(PAGE_SIZE_CAP));
    if let Some(a) = after {
        params = params.created_after(a);
    }
    if let Some(b) = before {
        params = params.created_before(b);
    }
    if let Some(s) = sort {
        params = params.sort(match s {
            SortArg::Asc => telnyx::SortDirection::Asc,
            SortArg::Desc => telnyx::SortDirection::Desc,
        });
    }
    let spec = ListSpec {
        table: vec![
            Col::new("CREATED AT", |e: &AuditEvent| cell(&e.created_at)),
            Col::new("CHANGE TYPE", |e: &AuditEvent| cell(&e.change_type)),
            Col::new("BY", |e: &AuditEvent| cell(&e.change_made_by)),
            Col::new("RESOURCE", |e: &AuditEvent| cell(&e.resource_id)),
            Col::new("CHANGES", changes_summary),
        ],
        csv: vec![
            Col::new("id", |e: &AuditEvent| cell(&e.id)),
            Col::new("created_at", |e: &AuditEvent| cell(&e.created_at)),
            Col::new("change_type", |e: &AuditEvent| cell(&e.change_type)),
            Col::new("change_made_by", |e: &AuditEvent| cell(&e.change_made_by)),
            Col::new("resource_id", |e: &AuditEvent| cell(&e.resource_id)),
            Col::new("alternate_resource_id", |e: &AuditEvent| {
                cell(&e.alternate_resource_id)
            }),
            Col::new("organization_id", |e: &AuditEvent| cell(&e.organization_id)),
            Col::new("user_id", |e: &AuditEvent| cell(&e.user_id)),
            Col::new("record_type", |e: &AuditEvent| cell(&e.record_type)),
            Col::new("changes", |e: &AuditEvent| {
                e.changes
                    .as_ref()
                    .filter(|c| !c.is_empty())
                    .map(json_text)
                    .unwrap_or_default()
            }),
        ],
        noun: "audit events",
    };
    let req = ctx.client.audit_events().list(params);
    ctx.stream_list(req, spec).await.map(|_| ())
}

/// `field: from → to; ...` for the table.
fn changes_summary(e: &AuditEvent) -> String {
    let Some(changes) = &e.changes else {
        return "-".into();
    };
    let show = |x: &Value| match x {
        Value::String(s) => s.clone(),
        Value::Null => "∅".into(),
        other => other.to_string(),
    };
    changes
        .iter()
        .map(|c| {
            let field = c.field.as_deref().unwrap_or("?");
            format!("{field}: {} → {}", show(&c.from), show(&c.to))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
