//! Waiting for a delivery to end, and what to say about it: shared by `telnyx
//! webhook-deliveries redeliver` and `telnyx webhooks trigger`, which both queue an attempt,
//! print its ids at once, then (unless `--no-wait`) wait and print how it ended.

use std::time::Duration;

use serde::Serialize;
use telnyx::{WebhookDelivery, WebhookDeliveryStatus};

use super::{http_status, last_attempt, url};
use crate::cli::webhook_deliveries::WaitArgs;
use crate::cli::OutputFormat;
use crate::columns::cell_or_dash;
use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{render_kv_width, Style};

/// Attempts a delivery gets before it counts as failed, when the emulator does not say
/// (`max_attempts` in its answer to `POST /_emulator/events`): its default policy (primary,
/// failover or primary again, primary; DESIGN.md "Webhook delivery").
pub const DEFAULT_MAX_ATTEMPTS: usize = 3;
/// Label width of the blocks `trigger` and `redeliver` print before and after the wait.
pub const LABEL_WIDTH: usize = 11;
/// First and longest pause between two looks at a delivery being waited for.
const POLL_FIRST: Duration = Duration::from_millis(50);
const POLL_MAX: Duration = Duration::from_millis(500);

/// What a command that queued an attempt prints: its own fields (`head`), then the
/// delivery as last seen when it was waited for.
#[derive(Debug, Serialize)]
pub struct Awaited<H> {
    /// The command's fields (ids, attempt number, ...).
    #[serde(flatten)]
    pub head: H,
    /// The delivery after the wait (`None`: not waited for, or not recorded yet).
    pub delivery: Option<WebhookDelivery>,
}

/// Prints `head_block` at once (tables only: the ids before the wait), then, unless `--no-wait`,
/// waits for delivery `id` until `until` and prints the outcome; the exit status says whether
/// the awaited attempt delivered.
pub async fn print_and_wait<H: Serialize>(
    ctx: &mut Ctx,
    head: H,
    head_block: &[(&str, String)],
    id: &str,
    until: Until,
    wait: &WaitArgs,
) -> Result<(), CliError> {
    if ctx.out.format == OutputFormat::Table {
        let text = render_kv_width(&ctx.out.style, head_block, LABEL_WIDTH);
        ctx.out.write_str(&text)?;
        ctx.out.flush()?;
    }
    let mut shown = Awaited {
        head,
        delivery: None,
    };
    let Some(limit) = wait.limit() else {
        return ctx.out.object(&shown, |_| String::new());
    };
    let (delivery, ended) = wait_for(ctx, id, until, limit).await?;
    shown.delivery = delivery;
    ctx.out.object(&shown, |st| {
        render_outcome(st, shown.delivery.as_ref(), true)
    })?;
    outcome(id, shown.delivery.as_ref(), ended, until, limit)
}

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
