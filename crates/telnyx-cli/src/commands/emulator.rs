//! `telnyx emulator`: the local server in the foreground until Ctrl-C, or `advance` /
//! `traffic` driving a running one's clock and traffic through its control API; and
//! [`Control`], the one client of that control API (`/_emulator/...`), which `webhooks
//! listen|trigger` and `webhook-deliveries redeliver` use too.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tracing::Instrument;

use crate::cli::emulator::{EmulatorAction, EmulatorArgs};
use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::{CliError, ControlError};

/// The emulator's address when --base-url is not given.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:4010/v2";

/// Runs the server, or the `advance` / `traffic` action against a running one.
pub async fn run(args: EmulatorArgs, global: GlobalArgs) -> Result<(), CliError> {
    let global = &global;
    match &args.action {
        None => serve(&args.server, crate::context::color_ok(global)).await,
        Some(EmulatorAction::Advance { by }) => {
            let (field, value) = by.to_json();
            let v = control(global, reqwest::Method::POST, "clock/advance", field, value).await?;
            print_report(&v, global.output);
            Ok(())
        }
        Some(EmulatorAction::Traffic { rates }) => {
            let per_day: serde_json::Map<String, Value> = rates
                .iter()
                .map(|(k, n)| (k.clone(), Value::from(*n)))
                .collect();
            let v = control(
                global,
                reqwest::Method::PUT,
                "traffic",
                "per_day",
                Value::Object(per_day),
            )
            .await?;
            match global.output {
                OutputFormat::Table => {
                    for (k, n) in v["per_day"].as_object().into_iter().flatten() {
                        println!("{k}\t{n}/day");
                    }
                }
                _ => println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
            }
            Ok(())
        }
    }
}

/// Prints an advance report: one `name  value` line per field, or JSON.
pub fn print_report(v: &Value, format: OutputFormat) {
    match format {
        OutputFormat::Table => {
            for k in [
                "from",
                "to",
                "usage_records",
                "usage_cost",
                "recurring_charges",
                "auto_recharges",
                "invoices_closed",
                "balance",
                // With a webhook URL set, an advance also emits the usage's events.
                "webhooks_queued",
                "webhooks_dropped",
            ] {
                if v.get(k).is_none() {
                    continue;
                }
                let value = match &v[k] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                println!("{k:<18} {value}");
            }
        }
        _ => println!("{}", serde_json::to_string_pretty(v).unwrap_or_default()),
    }
}

/// Sends `{"api_key": K, field: value}` to the control API of the emulator at --base-url.
async fn control(
    global: &GlobalArgs,
    method: reqwest::Method,
    path: &str,
    field: &str,
    value: Value,
) -> Result<Value, CliError> {
    let control = Control::from_global(global, "telnyx emulator advance|traffic")?;
    let mut body = serde_json::Map::new();
    body.insert(field.into(), value);
    let segments: Vec<&str> = path.split('/').collect();
    control
        .call(method, &segments, Some(body), Retry::Never)
        .await
}

// ---------------------------------------------------------------------------------------
// The control API client, shared by `emulator advance|traffic`, `webhooks listen|trigger`
// and `webhook-deliveries redeliver`.

/// How long a control call may take when --timeout is not given.
const DEFAULT_CONTROL_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait a `Retry-After` may ask for between two attempts.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// The origin (`http://HOST:PORT`) of a base URL: without the trailing `/v2`.
pub fn origin_of(base_url: &str) -> String {
    base_url
        .trim()
        .trim_end_matches('/')
        .trim_end_matches("/v2")
        .trim_end_matches('/')
        .to_string()
}

/// --base-url/TELNYX_BASE_URL when given, else the address `telnyx emulator` listens on.
pub fn emulator_base_url(global: &GlobalArgs) -> &str {
    given_base_url(global).unwrap_or(DEFAULT_BASE_URL)
}

/// --base-url/TELNYX_BASE_URL, when given and not blank.
pub fn given_base_url(global: &GlobalArgs) -> Option<&str> {
    global
        .base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
}

/// Whether a control call that got 503 (the webhook queue is full, nothing recorded) is
/// tried again after its `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Never: one attempt.
    Never,
    /// Up to --max-retries times (default 2).
    WhenFull,
}

/// `GET /_emulator/webhooks`, `PUT /_emulator/webhooks`: the account's webhook settings.
#[derive(Debug, Clone, Deserialize)]
pub struct WebhookSettings {
    /// Where events go (`None`: delivery is off).
    pub url: Option<String>,
    /// The account's Ed25519 verification key, base64.
    #[serde(default)]
    pub public_key: Option<String>,
}

/// `POST /_emulator/events`: the event emitted and its delivery.
#[derive(Debug, Clone, Deserialize)]
pub struct Emitted {
    /// The event's id (`data.id` of the webhook).
    pub event_id: String,
    /// The delivery's id (`GET /v2/webhook_deliveries/{id}`).
    pub delivery_id: String,
    /// The URL it is sent to.
    #[serde(default)]
    pub url: Option<String>,
    /// Attempts the delivery gets at most: final once delivered or after this many.
    #[serde(default)]
    pub max_attempts: Option<u32>,
}

/// `POST /_emulator/webhook_deliveries/{id}/redeliver`: the new attempt.
#[derive(Debug, Clone, Deserialize)]
pub struct Redelivery {
    /// The delivery.
    pub delivery_id: String,
    /// The number of the attempt that was queued (1-based, over the delivery's life).
    pub attempt: u32,
}

#[derive(Deserialize)]
struct PublicKey {
    public_key: String,
}

#[derive(Deserialize)]
struct Deleted {
    #[serde(default)]
    deleted: bool,
}

#[derive(Deserialize)]
struct Health {
    status: String,
}

/// A Telnyx-shaped error body: `{"errors": [{"code", "title", "detail"}]}`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    code: Option<Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

/// A running emulator's control API (`/_emulator/...`, no auth), for one account: the API
/// key goes in the body, or as `?api_key=` on GET and DELETE. Nothing here prints the key:
/// errors name the method and the path only.
#[derive(Debug, Clone)]
pub struct Control {
    http: reqwest::Client,
    origin: reqwest::Url,
    key: String,
    max_retries: u32,
    /// The command using it, for "works only against the emulator" errors.
    command: &'static str,
}

impl Control {
    /// The control API at the origin of `base_url`, for the account of `key`.
    pub fn new(
        base_url: &str,
        key: &str,
        global: &GlobalArgs,
        command: &'static str,
    ) -> Result<Control, CliError> {
        let origin_text = origin_of(base_url);
        let origin = reqwest::Url::parse(&origin_text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--base-url {base_url:?} is not an http:// URL; an emulator's looks like {DEFAULT_BASE_URL}"
                ))
            })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(global.timeout.unwrap_or(DEFAULT_CONTROL_TIMEOUT))
            .build()
            .map_err(|e| CliError::Other(format!("building the HTTP client: {e}")))?;
        Ok(Control {
            http,
            origin,
            key: key.to_string(),
            max_retries: global.max_retries.unwrap_or(telnyx::DEFAULT_MAX_RETRIES),
            command,
        })
    }

    /// From the global options: the emulator at --base-url (default: `telnyx emulator`'s
    /// address), the account of --api-key (required).
    pub fn from_global(global: &GlobalArgs, command: &'static str) -> Result<Control, CliError> {
        let key = api_key(global).ok_or(CliError::NoApiKey)?;
        Control::new(emulator_base_url(global), key, global, command)
    }

    /// `http://HOST:PORT`.
    pub fn origin(&self) -> String {
        self.origin.as_str().trim_end_matches('/').to_string()
    }

    /// Checks that an emulator answers `GET /_emulator/health` there.
    pub async fn probe(&self) -> Result<(), CliError> {
        let not_emulator = |why: String| {
            CliError::Control(ControlError::NotEmulator {
                origin: self.origin(),
                command: self.command.to_string(),
                why,
            })
        };
        match self
            .call::<Health>(reqwest::Method::GET, &["health"], None, Retry::Never)
            .await
        {
            Ok(h) if h.status == "ok" => Ok(()),
            Ok(h) => Err(not_emulator(format!(
                "GET /_emulator/health answered status {:?}, not \"ok\"",
                h.status
            ))),
            Err(CliError::Control(ControlError::Rejected { op, status, .. })) => {
                Err(not_emulator(format!("{op}: HTTP {status}")))
            }
            Err(CliError::Control(ControlError::BadAnswer { op, problem })) => {
                Err(not_emulator(format!("{op}: {problem}")))
            }
            Err(e) => Err(e),
        }
    }

    /// The account's webhook verification key (base64).
    pub async fn public_key(&self) -> Result<String, CliError> {
        let k: PublicKey = self
            .call(
                reqwest::Method::GET,
                &["webhooks", "public_key"],
                None,
                Retry::Never,
            )
            .await?;
        Ok(k.public_key)
    }

    /// The account's webhook settings.
    pub async fn webhook_settings(&self) -> Result<WebhookSettings, CliError> {
        self.call(reqwest::Method::GET, &["webhooks"], None, Retry::Never)
            .await
    }

    /// Sends the account's events to `url` (no failover).
    pub async fn set_webhook_url(&self, url: &str) -> Result<WebhookSettings, CliError> {
        let mut body = serde_json::Map::new();
        body.insert("url".into(), Value::from(url));
        self.call(
            reqwest::Method::PUT,
            &["webhooks"],
            Some(body),
            Retry::Never,
        )
        .await
    }

    /// Stops delivery for the account; whether a URL was set.
    pub async fn delete_webhook(&self) -> Result<bool, CliError> {
        let d: Deleted = self
            .call(reqwest::Method::DELETE, &["webhooks"], None, Retry::Never)
            .await?;
        Ok(d.deleted)
    }

    /// Emits one event now (`payload`: the default one for the type when `None`).
    pub async fn emit(
        &self,
        event_type: &str,
        payload: Option<Value>,
    ) -> Result<Emitted, CliError> {
        let mut body = serde_json::Map::new();
        body.insert("event_type".into(), Value::from(event_type));
        if let Some(p) = payload {
            body.insert("payload".into(), p);
        }
        self.call(
            reqwest::Method::POST,
            &["events"],
            Some(body),
            Retry::WhenFull,
        )
        .await
    }

    /// Sends a delivery's webhook again, as one new attempt.
    pub async fn redeliver(&self, id: &str) -> Result<Redelivery, CliError> {
        self.call(
            reqwest::Method::POST,
            &["webhook_deliveries", id, "redeliver"],
            Some(serde_json::Map::new()),
            Retry::WhenFull,
        )
        .await
    }

    /// One control call: `METHOD /_emulator/SEGMENTS...` (each segment percent-encoded),
    /// with `{"api_key": K, ...body}` as the body, or `?api_key=K` when there is no body.
    /// Each attempt is a `telnyx.request` span, so `--debug` shows it (without the query).
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        segments: &[&str],
        body: Option<serde_json::Map<String, Value>>,
        retry: Retry,
    ) -> Result<T, CliError> {
        let mut url = self.origin.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.clear().push("_emulator").extend(segments);
        }
        let op = format!("{method} {}", url.path());
        let shown = url.to_string();
        let body = body.map(|mut b| {
            b.insert("api_key".into(), Value::from(self.key.as_str()));
            Value::Object(b).to_string()
        });
        // The health probe (which may reach a server that is not an emulator) carries no key.
        if body.is_none() && segments != ["health"] {
            url.query_pairs_mut().append_pair("api_key", &self.key);
        }
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::debug_span!(
                "telnyx.request",
                method = %method,
                path = %shown,
                attempt = u64::from(attempt),
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let started = std::time::Instant::now();
            let mut req = self.http.request(method.clone(), url.clone());
            if let Some(b) = &body {
                req = req
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            let sent = async {
                let resp = req.send().await?;
                let status = resp.status().as_u16();
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok());
                let text = resp.text().await?;
                Ok::<_, reqwest::Error>((status, retry_after, text))
            }
            .instrument(span.clone())
            .await;
            span.record(
                "duration_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            let (status, retry_after, text) = match sent {
                Ok(answer) => answer,
                Err(e) => {
                    drop(span);
                    return Err(self.unreachable(e));
                }
            };
            span.record("status", u64::from(status));
            drop(span);
            if (200..300).contains(&status) {
                return serde_json::from_str(&text).map_err(|e| {
                    CliError::Control(ControlError::BadAnswer {
                        op: op.clone(),
                        problem: format!("{e}"),
                    })
                });
            }
            if status == 503 && retry == Retry::WhenFull && attempt <= self.max_retries {
                let wait = Duration::from_secs(retry_after.unwrap_or(1)).min(MAX_RETRY_AFTER);
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(self.rejected(&op, status, retry_after, &text));
        }
    }

    /// A connection error (never its URL: the query holds the key).
    fn unreachable(&self, e: reqwest::Error) -> CliError {
        let cause = if e.is_timeout() {
            "no answer in time (raise it with --timeout)".to_string()
        } else {
            let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(&e);
            let mut last = None;
            while let Some(c) = cur {
                last = Some(c.to_string());
                cur = c.source();
            }
            last.unwrap_or_else(|| e.without_url().to_string())
        };
        CliError::Control(ControlError::Unreachable {
            origin: self.origin(),
            cause,
        })
    }

    /// An error answer: the Telnyx-shaped body's first error, or a server that is not an
    /// emulator (a 404 or 405 without one).
    fn rejected(&self, op: &str, status: u16, retry_after: Option<u64>, text: &str) -> CliError {
        let first = serde_json::from_str::<ErrorBody>(text)
            .ok()
            .and_then(|b| b.errors.into_iter().next());
        let Some(first) = first else {
            if matches!(status, 404 | 405) {
                return CliError::Control(ControlError::NotEmulator {
                    origin: self.origin(),
                    command: self.command.to_string(),
                    why: format!("{op}: HTTP {status}"),
                });
            }
            let shown: String = text.chars().take(200).collect();
            return CliError::Control(ControlError::Rejected {
                op: op.to_string(),
                status,
                code: None,
                detail: if shown.trim().is_empty() {
                    "the emulator answered with an error".into()
                } else {
                    shown.trim().to_string()
                },
                retry_after,
            });
        };
        let code = first.code.map(|c| match c {
            Value::String(s) => s,
            other => other.to_string(),
        });
        let detail = first
            .detail
            .or(first.title)
            .unwrap_or_else(|| "the emulator answered with an error".into());
        CliError::Control(ControlError::Rejected {
            op: op.to_string(),
            status,
            code,
            detail,
            retry_after,
        })
    }
}

/// The global options for a command that works only against a running emulator: its
/// address by default (`telnyx emulator`'s), and never `--emulator` (a private emulator
/// that lives for one command cannot have a listener registered or deliveries to redo).
pub fn emulator_only(mut global: GlobalArgs, command: &str) -> Result<GlobalArgs, CliError> {
    if global.emulator {
        return Err(CliError::Usage(format!(
            "`{command}` needs an emulator that outlives the command, not --emulator's private one: \
             run `telnyx emulator` in another terminal and point --base-url at it ({DEFAULT_BASE_URL} by default)"
        )));
    }
    global.base_url = Some(emulator_base_url(&global).to_string());
    Ok(global)
}

/// --api-key/TELNYX_API_KEY, when given and not blank.
pub fn api_key(global: &GlobalArgs) -> Option<&str> {
    global
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// Starts the emulator on `--bind` (optionally backed by `--db`), prints how to use it,
/// and stops gracefully on Ctrl-C.
async fn serve(args: &telnyx_emulator::ServerArgs, color: bool) -> Result<(), CliError> {
    let config = args.config();
    let emu = telnyx_emulator::Emulator::start(config)
        .await
        .map_err(|e| CliError::Emulator(format!("starting on {}: {e}", args.bind)))?;
    let url = emu.base_url();
    // With --accept-key the hint does not echo the key (it may be a real one): it says which.
    let (key, which) = if args.accept_keys.is_empty() {
        (
            telnyx_emulator::DEMO_API_KEY,
            "the demo account (any key works: each key is its own account)",
        )
    } else {
        ("<KEY>", "one of the --accept-key keys; others get 401")
    };
    let bold = |s: &str| {
        if color && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    println!("{} {url}", bold("Telnyx emulator listening on"));
    println!();
    println!("Point the CLI or the SDK at it:");
    println!("  export TELNYX_BASE_URL={url}");
    println!("  export TELNYX_API_KEY={key}   # {which}");
    println!("  telnyx overview");
    println!();
    println!("Or per command:  telnyx --base-url {url} --api-key {key} balance");
    println!("Control API:     {}/_emulator/health, /_emulator/seed, /_emulator/faults, /_emulator/requests, /_emulator/clock, /_emulator/webhooks, /_emulator/events",
        url.trim_end_matches("/v2"));
    println!("Move the clock:  telnyx --base-url {url} --api-key {key} emulator advance 31d");
    println!("Webhooks:        telnyx webhooks listen  (registers itself), then  telnyx webhooks trigger message.finalized");
    match &args.db {
        Some(db) => println!("State is kept in {}", db.display()),
        None => println!("State is in memory (use --db FILE to keep it)"),
    }
    if let Some(n) = args.rate_limit {
        println!("Rate limit: {n}/s per key (then 429 with Retry-After)");
    }
    println!("Press Ctrl-C to stop.");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::io("waiting for Ctrl-C", e))?;
    eprintln!("stopping...");
    emu.shutdown().await;
    Ok(())
}
