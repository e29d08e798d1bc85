//! `telnyx webhook-deliveries list|get`

use serde_json::Value;

use crate::cli::{DeliveryStatusArg, WebhookDeliveriesCommand};
use crate::commands::{d, s, to_json};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_kv, render_table, Col, ListSpec, Style};

/// Largest page the API serves for webhook deliveries.
pub const MAX_PAGE: u32 = 250;

/// The delivery list columns (also used by `overview`).
pub fn list_spec() -> ListSpec {
    ListSpec {
        table: vec![
            Col::path("ID", "id"),
            Col::path("STATUS", "status").status(),
            Col::path("EVENT TYPE", "webhook.event_type"),
            Col::path("STARTED AT", "started_at"),
            Col::func("ATTEMPTS", |v| {
                v.get("attempts")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
                    .to_string()
            }),
            Col::func("LAST HTTP", |v| {
                let t = s(v, "attempts.0.http.response.status");
                if t.is_empty() {
                    "-".into()
                } else {
                    t
                }
            }),
        ],
        csv: vec![
            "id",
            "status",
            "webhook.event_type",
            "webhook.id",
            "webhook.occurred_at",
            "started_at",
            "finished_at",
            "attempts.0.status",
            "attempts.0.http.response.status",
            "attempts.0.http.request.url",
            "attempts.0.errors",
            "user_id",
        ],
        noun: "webhook deliveries",
    }
}

/// Runs `telnyx webhook-deliveries ...`.
pub async fn run(ctx: &mut Ctx, cmd: WebhookDeliveriesCommand) -> Result<(), CliError> {
    match cmd {
        WebhookDeliveriesCommand::List {
            status,
            event_types,
            since,
        } => {
            let mut params =
                telnyx::WebhookDeliveryListParams::default().page_size(ctx.page_size(MAX_PAGE));
            if let Some(st) = status {
                params = params.status(match st {
                    DeliveryStatusArg::Delivered => telnyx::WebhookDeliveryStatus::Delivered,
                    DeliveryStatusArg::Failed => telnyx::WebhookDeliveryStatus::Failed,
                });
            }
            let event_types: Vec<String> = event_types
                .into_iter()
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect();
            if !event_types.is_empty() {
                params = params.event_types(event_types);
            }
            if let Some(t) = since {
                params = params.started_at_gte(t);
            }
            let req = ctx.client.webhook_deliveries().list(params);
            ctx.stream_list(req, list_spec()).await.map(|_| ())
        }
        WebhookDeliveriesCommand::Get { id } => {
            let delivery = ctx.client.webhook_deliveries().retrieve(&id).await?;
            let v = to_json(&delivery)?;
            ctx.out.object(&v, |st| render_delivery(st, &v))
        }
    }
}

/// Error codes of an attempt, readable: numbers as is, objects by code/title.
pub fn attempt_errors(a: &Value) -> String {
    let Some(errs) = a.get("errors").and_then(Value::as_array) else {
        return "-".into();
    };
    if errs.is_empty() {
        return "-".into();
    }
    errs.iter()
        .map(|e| match e {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            Value::Object(_) => {
                let code = s(e, "code");
                let title = s(e, "title");
                match (code.is_empty(), title.is_empty()) {
                    (false, false) => format!("{code} {title}"),
                    (false, true) => code,
                    (true, false) => title,
                    (true, true) => e.to_string(),
                }
            }
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The human view of one delivery with its attempts.
pub fn render_delivery(st: &Style, v: &Value) -> String {
    let status = d(v, "status");
    let mut out = render_kv(
        st,
        &[
            ("ID", d(v, "id")),
            ("Status", st.status(&status)),
            ("Event type", d(v, "webhook.event_type")),
            ("Event ID", d(v, "webhook.id")),
            ("Occurred at", d(v, "webhook.occurred_at")),
            ("Started at", d(v, "started_at")),
            ("Finished at", d(v, "finished_at")),
            ("URL", d(v, "attempts.0.http.request.url")),
        ],
    );
    let attempts = v
        .get("attempts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    out.push('\n');
    out.push_str(&st.bold(&format!("Attempts ({}, newest first)", attempts.len())));
    out.push('\n');
    if attempts.is_empty() {
        out.push_str("  (none)\n");
        return out;
    }
    let rows: Vec<Vec<String>> = attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                (attempts.len() - i).to_string(),
                d(a, "started_at"),
                d(a, "finished_at"),
                d(a, "status"),
                d(a, "http.response.status"),
                attempt_errors(a),
            ]
        })
        .collect();
    out.push_str(&render_table(
        st,
        &["#", "STARTED AT", "FINISHED AT", "STATUS", "HTTP", "ERRORS"],
        &rows,
        &[false, false, false, true, false, false],
    ));
    let body = s(v, "attempts.0.http.response.body");
    if !body.is_empty() {
        let shown: String = body.chars().take(300).collect();
        let more = if body.chars().count() > 300 {
            " …"
        } else {
            ""
        };
        out.push('\n');
        out.push_str(&st.bold("Last response body"));
        out.push('\n');
        for line in shown.lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        if !more.is_empty() {
            out.push_str(&st.dim("  (truncated; use --output json for all of it)"));
            out.push('\n');
        }
    }
    out
}
