//! `telnyx audit-events list`

use serde_json::Value;

use crate::cli::{AuditEventsCommand, SortArg};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{Col, ListSpec};

/// Page size used for audit events (the API declares no maximum; stay reasonable).
pub const MAX_PAGE: u32 = 250;

/// Runs `telnyx audit-events ...`.
pub async fn run(ctx: &mut Ctx, cmd: AuditEventsCommand) -> Result<(), CliError> {
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
    let mut params = telnyx::AuditEventListParams::default().page_size(ctx.page_size(MAX_PAGE));
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
            Col::path("CREATED AT", "created_at"),
            Col::path("CHANGE TYPE", "change_type"),
            Col::path("BY", "change_made_by"),
            Col::path("RESOURCE", "resource_id"),
            Col::func("CHANGES", changes_summary),
        ],
        csv: vec![
            "id",
            "created_at",
            "change_type",
            "change_made_by",
            "resource_id",
            "alternate_resource_id",
            "organization_id",
            "user_id",
            "record_type",
            "changes",
        ],
        noun: "audit events",
    };
    let req = ctx.client.audit_events().list(params);
    ctx.stream_list(req, spec).await.map(|_| ())
}

/// `field: from → to; ...` for the table.
fn changes_summary(v: &Value) -> String {
    let Some(changes) = v.get("changes").and_then(Value::as_array) else {
        return "-".into();
    };
    changes
        .iter()
        .map(|c| {
            let field = c.get("field").and_then(Value::as_str).unwrap_or("?");
            let show = |x: Option<&Value>| match x {
                Some(Value::String(s)) => s.clone(),
                None | Some(Value::Null) => "∅".into(),
                Some(other) => other.to_string(),
            };
            format!("{field}: {} → {}", show(c.get("from")), show(c.get("to")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
