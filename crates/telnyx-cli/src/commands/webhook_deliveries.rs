//! `telnyx webhook-deliveries list|get|redeliver`, and the wait for a delivery to end that
//! `redeliver` and `telnyx webhooks trigger` share.

use std::time::Duration;

use serde::Serialize;
use telnyx::{WebhookDelivery, WebhookDeliveryAttempt, WebhookDeliveryStatus};

use crate::cli::webhook_deliveries::{DeliveryStatusArg, WaitArgs, WebhookDeliveriesCommand};
use crate::cli::GlobalArgs;
use crate::columns::{cell, cell_or_dash, Col, ListSpec};
use crate::commands::emulator::{api_key, emulator_only, Control};
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_kv, render_kv_width, render_table, Style};

/// Attempts a delivery gets before it counts as failed, when the emulator does not say
/// (`max_attempts` in its answer to `POST /_emulator/events`): its default policy (primary,
/// failover or primary again, primary; DESIGN.md "Webhook delivery").
pub const DEFAULT_MAX_ATTEMPTS: usize = 3;
/// Label width of the blocks `trigger` and `redeliver` print before and after the wait.
pub const LABEL_WIDTH: usize = 11;
/// First and longest pause between two looks at a delivery being waited for.
const POLL_FIRST: Duration = Duration::from_millis(50);
const POLL_MAX: Duration = Duration::from_millis(500);

/// The newest attempt (the API lists attempts most recent first).
fn last_attempt(d: &WebhookDelivery) -> Option<&WebhookDeliveryAttempt> {
    d.attempts.first()
}

/// The HTTP status an attempt got, if it got a response.
fn http_status(a: &WebhookDeliveryAttempt) -> Option<u16> {
    a.http.as_ref()?.response.as_ref()?.status
}

/// The URL an attempt called.
fn url(a: &WebhookDeliveryAttempt) -> Option<&str> {
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
        WebhookDeliveriesCommand::Redeliver { id, wait } => {
            let global = emulator_only(global, REDELIVER)?;
            Ctx::run(global, async |ctx| redeliver(ctx, &id, &wait).await).await
        }
        other => Ctx::run(global, async |ctx| run_in(ctx, other).await).await,
    }
}

/// Runs `telnyx webhook-deliveries list|get`.
async fn run_in(ctx: &mut Ctx, cmd: WebhookDeliveriesCommand) -> Result<(), CliError> {
    match cmd {
        WebhookDeliveriesCommand::Redeliver { id, wait } => redeliver(ctx, &id, &wait).await,
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

// ---------------------------------------------------------------------------------------
// redeliver, and waiting for a delivery

const REDELIVER: &str = "telnyx webhook-deliveries redeliver";

/// When a delivery being waited for has ended.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    /// A new event: delivered, or failed after this many attempts (the emulator's
    /// `max_attempts`; a failed attempt before the last is followed by a retry).
    Final(usize),
    /// A redelivery: the delivery holds this many attempts (the new one is the newest).
    Attempts(usize),
}

impl Until {
    /// Whether `d` is as far as the wait goes.
    pub fn reached(self, d: &WebhookDelivery) -> bool {
        match self {
            Until::Final(max) => match d.status {
                Some(WebhookDeliveryStatus::Delivered) => true,
                Some(WebhookDeliveryStatus::Failed) => d.attempts.len() >= max,
                _ => false,
            },
            Until::Attempts(n) => d.attempts.len() >= n,
        }
    }

    /// Whether the awaited attempt(s) delivered: the delivery's status for a new event, the
    /// newest attempt's for a redelivery.
    pub fn delivered(self, d: &WebhookDelivery) -> bool {
        let status = match self {
            Until::Final(_) => d.status.as_ref(),
            Until::Attempts(_) => last_attempt(d).and_then(|a| a.status.as_ref()),
        };
        status == Some(&WebhookDeliveryStatus::Delivered)
    }
}

/// Looks at `GET /webhook_deliveries/{id}` until `until` holds or `limit` passes (a 404
/// means the first attempt has not ended yet). `Ok((delivery as last seen, ended))`;
/// Ctrl-C stops the wait with [`CliError::Interrupted`].
pub async fn wait_for(
    ctx: &Ctx,
    id: &str,
    until: Until,
    limit: Duration,
) -> Result<(Option<WebhookDelivery>, bool), CliError> {
    if ctx.stderr_tty {
        eprintln!(
            "waiting for delivery {id} (up to {} s; --no-wait skips this)...",
            limit.as_secs()
        );
    }
    let deadline = tokio::time::Instant::now() + limit;
    let mut pause = POLL_FIRST;
    let mut last = None;
    let work = async {
        loop {
            match ctx.client.webhook_deliveries().retrieve(id).await {
                Ok(d) => {
                    let done = until.reached(&d);
                    last = Some(d);
                    if done {
                        return Ok(true);
                    }
                }
                Err(e) if e.kind() == telnyx::ErrorKind::NotFound => {}
                Err(e) => return Err(CliError::from(e)),
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(POLL_MAX);
        }
    };
    let ended = tokio::select! {
        r = work => r?,
        _ = tokio::signal::ctrl_c() => {
            return Err(CliError::Interrupted(format!(
                "stopped waiting; the emulator goes on with the delivery: `telnyx webhook-deliveries get {id}`"
            )));
        }
    };
    Ok((last, ended))
}

/// The lines after the wait: the delivery's status, attempts and the newest attempt's HTTP
/// status and errors (or why there is nothing to show).
pub fn render_outcome(st: &Style, delivery: Option<&WebhookDelivery>, waited: bool) -> String {
    let Some(d) = delivery else {
        let status = if waited {
            "not recorded yet (its first attempt has not ended)"
        } else {
            "not waited for (--no-wait)"
        };
        return render_kv_width(st, &[("Status", status.to_string())], LABEL_WIDTH);
    };
    let last = last_attempt(d);
    let mut pairs = vec![
        ("Status", st.status(&cell_or_dash(&d.status))),
        ("Attempts", d.attempts.len().to_string()),
        ("Last HTTP", cell_or_dash(&last.and_then(http_status))),
    ];
    if let Some(codes) = last.map(|a| a.error_codes()).filter(|c| !c.is_empty()) {
        pairs.push(("Last errors", codes.join(", ")));
    }
    render_kv_width(st, &pairs, LABEL_WIDTH)
}

/// The result of a wait as the exit status: `Ok` when the awaited attempt delivered, else
/// an error saying what happened and what to do.
pub fn outcome(
    id: &str,
    delivery: Option<&WebhookDelivery>,
    ended: bool,
    until: Until,
    limit: Duration,
) -> Result<(), CliError> {
    let get = format!("`telnyx webhook-deliveries get {id}` shows each attempt");
    match delivery {
        Some(d) if ended && until.delivered(d) => Ok(()),
        Some(d) if ended => {
            let last = last_attempt(d);
            let url = last.and_then(url).unwrap_or("the webhook URL");
            let codes = last.map(|a| a.error_codes()).unwrap_or_default();
            let why = if codes.iter().any(|c| c == "75002") {
                format!("nothing accepted the connection at {url}: is `telnyx webhooks listen` (or your app) running there?")
            } else if codes.iter().any(|c| c == "75003") {
                format!("{url} did not answer within the emulator's per-attempt timeout (--webhook-timeout)")
            } else if codes.iter().any(|c| c == "75001") {
                format!("the host of {url} did not resolve")
            } else {
                format!("{url} must answer 2xx; a redirect is not followed")
            };
            let http = last
                .and_then(http_status)
                .map(|s| format!(", last HTTP {s}"))
                .unwrap_or_default();
            let n = d.attempts.len();
            let attempts = if n == 1 { "attempt" } else { "attempts" };
            Err(CliError::Delivery {
                message: format!("delivery {id} failed ({n} {attempts}{http})"),
                hint: format!("{why}; {get}"),
            })
        }
        _ => {
            let now = match delivery {
                Some(d) => format!(
                    "{}, {} attempt(s) so far",
                    cell_or_dash(&d.status),
                    d.attempts.len()
                ),
                None => "not recorded yet".into(),
            };
            Err(CliError::Delivery {
                message: format!(
                    "delivery {id} did not end within {} s (now: {now})",
                    limit.as_secs()
                ),
                hint: format!("it may still be retrying: wait longer with --wait-secs N; {get}"),
            })
        }
    }
}

/// What `redeliver` prints: the new attempt and, when waited for, the delivery after it.
#[derive(Debug, Serialize)]
struct Redelivered {
    delivery_id: String,
    attempt: u32,
    delivery: Option<WebhookDelivery>,
}

async fn redeliver(ctx: &mut Ctx, id: &str, wait: &WaitArgs) -> Result<(), CliError> {
    let key = if ctx.emulator.is_some() {
        telnyx_emulator::DEMO_API_KEY
    } else {
        api_key(&ctx.global).ok_or(CliError::NoApiKey)?
    };
    let control = Control::new(ctx.client.base_url(), key, &ctx.global, REDELIVER)?;
    control.probe().await?;
    let sent = control.redeliver(id).await?;
    let mut shown = Redelivered {
        delivery_id: sent.delivery_id,
        attempt: sent.attempt,
        delivery: None,
    };
    if ctx.out.format == crate::cli::OutputFormat::Table {
        let head = render_kv_width(
            &ctx.out.style,
            &[
                ("Delivery ID", shown.delivery_id.clone()),
                ("Attempt", format!("{} (queued)", shown.attempt)),
            ],
            LABEL_WIDTH,
        );
        ctx.out.write_str(&head)?;
        ctx.out.flush()?;
    }
    let Some(limit) = wait.limit() else {
        return ctx.out.object(&shown, |_| String::new());
    };
    let until = Until::Attempts(usize::try_from(shown.attempt).unwrap_or(usize::MAX));
    let (delivery, ended) = wait_for(ctx, &shown.delivery_id, until, limit).await?;
    shown.delivery = delivery;
    ctx.out.object(&shown, |st| {
        render_outcome(st, shown.delivery.as_ref(), true)
    })?;
    outcome(
        &shown.delivery_id,
        shown.delivery.as_ref(),
        ended,
        until,
        limit,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(status: &str, attempts: &[&str]) -> WebhookDelivery {
        let attempts: Vec<serde_json::Value> = attempts
            .iter()
            .map(|s| serde_json::json!({"status": s, "http": {"response": {"status": 200}}}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": "d", "status": status, "attempts": attempts
        }))
        .unwrap()
    }

    #[test]
    fn a_new_event_ends_delivered_or_after_its_retries() {
        let until = Until::Final(DEFAULT_MAX_ATTEMPTS);
        assert!(until.reached(&delivery("delivered", &["delivered"])));
        assert!(until.delivered(&delivery("delivered", &["delivered"])));
        // A first failure is followed by retries: not the end yet.
        assert!(!until.reached(&delivery("failed", &["failed"])));
        assert!(!until.reached(&delivery("failed", &["failed", "failed"])));
        let failed = delivery("failed", &["failed", "failed", "failed"]);
        assert!(until.reached(&failed));
        assert!(!until.delivered(&failed));
        // An emulator configured for one attempt: the first failure is final.
        assert!(Until::Final(1).reached(&delivery("failed", &["failed"])));
    }

    #[test]
    fn a_redelivery_ends_with_its_attempt() {
        let until = Until::Attempts(2);
        assert!(!until.reached(&delivery("delivered", &["delivered"])));
        let again = delivery("delivered", &["failed", "delivered"]);
        assert!(until.reached(&again));
        // The newest attempt (first in the list) decides, not the delivery's status.
        assert!(!until.delivered(&again));
        assert!(until.delivered(&delivery("delivered", &["delivered", "delivered"])));
    }

    #[test]
    fn outcomes_say_what_happened() {
        let limit = Duration::from_secs(30);
        let ok = delivery("delivered", &["delivered"]);
        assert!(outcome("d", Some(&ok), true, Until::Final(3), limit).is_ok());
        let failed = delivery("failed", &["failed", "failed", "failed"]);
        let err = outcome("d", Some(&failed), true, Until::Final(3), limit).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::OTHER);
        assert!(
            err.headline().contains("delivery d failed (3 attempts"),
            "{}",
            err.headline()
        );
        let err = outcome("d", None, false, Until::Final(3), limit).unwrap_err();
        assert!(err.headline().contains("did not end within 30 s"));
        assert!(err.render(false).contains("--wait-secs"));
        assert!(err.keeps_output());
    }
}
