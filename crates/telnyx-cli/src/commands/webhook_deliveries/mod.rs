//! `telnyx webhook-deliveries list|get|redeliver`: [`redeliver`] (emulator only), and
//! [`wait`], the wait for a delivery to end that `redeliver` and `telnyx webhooks trigger` share.

pub mod redeliver;
pub mod wait;

use telnyx::{WebhookDelivery, WebhookDeliveryAttempt};

use crate::cli::webhook_deliveries::{DeliveryStatusArg, WebhookDeliveriesCommand};
use crate::cli::GlobalArgs;
use crate::columns::{cell, cell_or_dash, Col, ListSpec};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_kv, render_table, Style};

/// The newest attempt (the API lists attempts most recent first).
pub(crate) fn last_attempt(d: &WebhookDelivery) -> Option<&WebhookDeliveryAttempt> {
    d.attempts.first()
}

/// The HTTP status an attempt got, if it got a response.
pub(crate) fn http_status(a: &WebhookDeliveryAttempt) -> Option<u16> {
    a.http.as_ref()?.response.as_ref()?.status
}

/// The URL an attempt called.
pub(crate) fn url(a: &WebhookDeliveryAttempt) -> Option<&str> {
    a.http.as_ref()?.request.as_ref()?.url.as_deref()
}

/// The event type of a delivery.
fn event_type(d: &WebhookDelivery) -> String {
    cell(&d.webhook.as_ref().and_then(|w| w.event_type.as_ref()))
}

/// An attempt's error codes, `;`-separated (the SDK reads both integer and object errors).
fn error_codes(a: &WebhookDeliveryAttempt) -> String {
    a.error_codes().join(";")
}

/// The delivery list columns (also used by `overview`).
pub fn list_spec() -> ListSpec<WebhookDelivery> {
    ListSpec {
        table: vec![
            Col::new("ID", |d: &WebhookDelivery| cell(&d.id)),
            Col::new("STATUS", |d: &WebhookDelivery| cell(&d.status)).status(),
            Col::new("EVENT TYPE", event_type),
            Col::new("STARTED AT", |d: &WebhookDelivery| cell(&d.started_at)),
            Col::new("ATTEMPTS", |d: &WebhookDelivery| cell(&d.attempts.len())),
            Col::new("LAST HTTP", |d: &WebhookDelivery| {
                cell_or_dash(&last_attempt(d).and_then(http_status))
            }),
        ],
        csv: vec![
            Col::new("id", |d: &WebhookDelivery| cell(&d.id)),
            Col::new("status", |d: &WebhookDelivery| cell(&d.status)),
            Col::new("webhook.event_type", event_type),
            Col::new("webhook.id", |d: &WebhookDelivery| {
                cell(&d.webhook.as_ref().and_then(|w| w.id.as_ref()))
            }),
            Col::new("webhook.occurred_at", |d: &WebhookDelivery| {
                cell(&d.webhook.as_ref().and_then(|w| w.occurred_at))
            }),
            Col::new("started_at", |d: &WebhookDelivery| cell(&d.started_at)),
            Col::new("finished_at", |d: &WebhookDelivery| cell(&d.finished_at)),
            Col::new("attempts.0.status", |d: &WebhookDelivery| {
                cell(&last_attempt(d).and_then(|a| a.status.as_ref()))
            }),
            Col::new("attempts.0.http.response.status", |d: &WebhookDelivery| {
                cell(&last_attempt(d).and_then(http_status))
            }),
            Col::new("attempts.0.http.request.url", |d: &WebhookDelivery| {
                cell(&last_attempt(d).and_then(url))
            }),
            Col::new("attempts.0.errors", |d: &WebhookDelivery| {
                last_attempt(d).map(error_codes).unwrap_or_default()
            }),
            Col::new("user_id", |d: &WebhookDelivery| cell(&d.user_id)),
        ],
        noun: "webhook deliveries",
    }
}

/// Runs `telnyx webhook-deliveries ...`: `redeliver` against the emulator (its address by
/// default), the others against the API as every command.
pub async fn run(cmd: WebhookDeliveriesCommand, global: GlobalArgs) -> Result<(), CliError> {
    match cmd {
        WebhookDeliveriesCommand::Redeliver { id, wait } => redeliver::run(id, wait, global).await,
        other => Ctx::run(global, async |ctx| run_in(ctx, other).await).await,
    }
}

/// Runs `telnyx webhook-deliveries list|get`.
async fn run_in(ctx: &mut Ctx, cmd: WebhookDeliveriesCommand) -> Result<(), CliError> {
    match cmd {
        WebhookDeliveriesCommand::Redeliver { id, wait } => {
            redeliver::run_in(ctx, &id, &wait).await
        }
        WebhookDeliveriesCommand::List {
            status,
            event_types,
            since,
        } => {
            let mut params = telnyx::WebhookDeliveryListParams::default()
                .page_size(ctx.page_size(telnyx::MAX_WEBHOOK_DELIVERIES_PAGE_SIZE));
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
            ctx.out
                .object(&delivery, |st| render_delivery(st, &delivery))
        }
    }
}

/// The human view of one delivery with its attempts.
pub fn render_delivery(st: &Style, d: &WebhookDelivery) -> String {
    let webhook = d.webhook.as_ref();
    let last = last_attempt(d);
    let mut out = render_kv(
        st,
        &[
            ("ID", cell_or_dash(&d.id)),
            ("Status", st.status(&cell_or_dash(&d.status))),
            ("Event type", cell_or_dash(&event_type(d))),
            (
                "Event ID",
                cell_or_dash(&webhook.and_then(|w| w.id.as_ref())),
            ),
            (
                "Occurred at",
                cell_or_dash(&webhook.and_then(|w| w.occurred_at)),
            ),
            ("Started at", cell_or_dash(&d.started_at)),
            ("Finished at", cell_or_dash(&d.finished_at)),
            ("URL", cell_or_dash(&last.and_then(url))),
        ],
    );
    let attempts = &d.attempts;
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
                cell_or_dash(&a.started_at),
                cell_or_dash(&a.finished_at),
                cell_or_dash(&a.status),
                cell_or_dash(&http_status(a)),
                cell_or_dash(&a.error_codes().join(", ")),
            ]
        })
        .collect();
    out.push_str(&render_table(
        st,
        &["#", "STARTED AT", "FINISHED AT", "STATUS", "HTTP", "ERRORS"],
        &rows,
        &[false, false, false, true, false, false],
    ));
    let body = last
        .and_then(|a| a.http.as_ref()?.response.as_ref()?.body.as_deref())
        .unwrap_or_default();
    if !body.is_empty() {
        let shown: String = body.chars().take(300).collect();
        let more = body.chars().count() > 300;
        out.push('\n');
        out.push_str(&st.bold("Last response body"));
        out.push('\n');
        for line in shown.lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        if more {
            out.push_str(&st.dim("  (truncated; use --output json for all of it)"));
            out.push('\n');
        }
    }
    out
}
