//! `telnyx webhooks verify|listen|trigger`: check Telnyx webhook signatures with the SDK
//! (`telnyx::webhooks`), receive webhooks on a local port, and have the emulator send one.
//!
//! `verify` and `listen` work from the account's webhook public key (`--public-key` or
//! `TELNYX_PUBLIC_KEY`) and need no API key. Without a key, `listen` asks the emulator at
//! --base-url (default `telnyx emulator`'s address) for the account's key; against an
//! emulator it also registers itself as the account's webhook URL, like `stripe listen`, and
//! unregisters on exit. `trigger` (emulator only) emits one event and waits for its
//! delivery. The emulator calls go through [`Control`]. `listen` prints each event as it
//! arrives (a table row, or one JSON line with `-o jsonl`), with columns that are functions
//! of the typed [`Event`]; `trigger` prints through the usual output ([`Ctx::out`]).

use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use telnyx::webhooks::{Event, Payload, Verifier};
use tokio::sync::Notify;

use crate::cli::webhooks::{ListenArgs, PublicKeyArgs, TriggerArgs, VerifyArgs, WebhooksCommand};
use crate::cli::{GlobalArgs, OutputFormat};
use crate::commands::emulator::{
    api_key, emulator_only, given_base_url, Control, DEFAULT_BASE_URL,
};
use crate::commands::webhook_deliveries::{
    outcome, render_outcome, wait_for, Until, DEFAULT_MAX_ATTEMPTS, LABEL_WIDTH,
};
use crate::context::{color_ok, Ctx};
use crate::exit::{CliError, ControlError};
use crate::output::render_kv_width;

/// How long a forwarded request may take when `--timeout` is not given.
const DEFAULT_FORWARD_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest DETAILS cell in the table.
const DETAILS_WIDTH: usize = 90;

/// Runs `telnyx webhooks ...`: `verify` and `listen` need no API key or client; `trigger`
/// runs in a [`Ctx`] against the emulator.
pub async fn run(cmd: WebhooksCommand, global: GlobalArgs) -> Result<(), CliError> {
    let color = color_ok(&global);
    let global = &global;
    match cmd {
        WebhooksCommand::Trigger(args) => {
            let payload = read_payload(args.payload.as_deref())?;
            let global = emulator_only(global.clone(), TRIGGER)?;
            Ctx::run(global, async |ctx| trigger(ctx, &args, payload).await).await
        }
        WebhooksCommand::Verify(args) => {
            stdout_only(global)?;
            verify(global, &args)
        }
        WebhooksCommand::Listen(args) => {
            stdout_only(global)?;
            listen(global, args, color).await
        }
    }
}

/// `verify` and `listen` print to stdout as they go: no `--out`.
fn stdout_only(global: &GlobalArgs) -> Result<(), CliError> {
    match &global.out {
        Some(path) => Err(CliError::Usage(format!(
            "`telnyx webhooks verify|listen` print to stdout; --out {} is not supported here (redirect stdout instead)",
            path.display()
        ))),
        None => Ok(()),
    }
}

/// What to say when there is no public key at all.
const NO_PUBLIC_KEY: &str =
    "no webhook public key: pass --public-key KEY or set TELNYX_PUBLIC_KEY \
     (the base64 public key from Mission Control Portal > Keys & Credentials > Public Key)";

/// `--public-key` / `TELNYX_PUBLIC_KEY`, when given and not blank.
fn given_public_key(key: &PublicKeyArgs) -> Option<&str> {
    key.public_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// The verifier for a base64 public key, with `--tolerance`.
fn verifier_for(text: &str, key: &PublicKeyArgs) -> Result<Verifier, CliError> {
    let verifier = Verifier::new(text).map_err(|e| CliError::Invalid(e.to_string()))?;
    Ok(verifier.tolerance(Duration::from_secs(key.tolerance)))
}

/// The verifier for `--public-key` / `TELNYX_PUBLIC_KEY`.
fn verifier_from(key: &PublicKeyArgs) -> Result<Verifier, CliError> {
    let text = given_public_key(key).ok_or_else(|| CliError::Usage(NO_PUBLIC_KEY.into()))?;
    verifier_for(text, key)
}

/// The error for a webhook that failed verification: the SDK's message, plus a hint for a
/// body file that gained a final newline.
fn rejected(err: &telnyx::Error, body: &[u8]) -> CliError {
    let mut msg = err.to_string();
    if err.webhook_reason() == Some(&telnyx::webhooks::Reason::SignatureMismatch)
        && body.ends_with(b"\n")
    {
        msg.push_str(
            " (the body ends with a newline: if an editor or `echo` added it, it is not the body Telnyx signed)",
        );
    }
    CliError::Invalid(msg)
}

fn verify(global: &GlobalArgs, args: &VerifyArgs) -> Result<(), CliError> {
    let verifier = verifier_from(&args.key)?;
    let body = if args.body == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io("reading the body from stdin", e))?;
        buf
    } else {
        std::fs::read(&args.body).map_err(|e| CliError::io(format!("reading {}", args.body), e))?
    };
    let event = verifier
        .verify(&body, &args.signature, &args.timestamp)
        .map_err(|e| rejected(&e, &body))?;
    let text = match global.output {
        OutputFormat::Table => format!(
            "valid: {} {} (attempt {}, signed at {})\n",
            event.data.event_type,
            event.data.id,
            attempt(&event),
            args.timestamp.trim()
        ),
        OutputFormat::Json | OutputFormat::Jsonl | OutputFormat::Csv => {
            let raw: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| CliError::Other(format!("re-reading the verified body: {e}")))?;
            let v = serde_json::json!({"valid": true, "event": raw});
            let s = if global.output == OutputFormat::Json {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            };
            s.map_err(|e| CliError::Other(format!("JSON: {e}")))? + "\n"
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io("writing to stdout", e))
}

// ---------------------------------------------------------------------------------------
// listen

/// What happened to a verified event sent on to `--forward-to`.
#[derive(Debug, Clone)]
enum Forwarded {
    /// The endpoint answered with this status.
    Status(u16),
    /// It could not be reached or did not answer in time (the error goes to stderr).
    Failed,
}

/// A verified event as the table shows it.
struct Received<'a> {
    event: &'a Event,
    at: chrono::DateTime<chrono::Local>,
    forwarded: Option<&'a Forwarded>,
}

/// One column of the listen table: a header, a width (0: the last, unpadded) and the
/// cell's text as a function of the typed event.
struct Column {
    header: &'static str,
    width: usize,
    text: fn(&Received<'_>) -> String,
}

fn or_dash(s: Option<&str>) -> String {
    match s {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "-".into(),
    }
}

fn attempt(event: &Event) -> String {
    event
        .attempt()
        .map_or_else(|| "-".into(), |a| a.to_string())
}

/// A one-line summary of the payload.
fn details(event: &Event) -> String {
    match &event.data.payload {
        Payload::Message(m) => {
            let from = or_dash(m.from.as_ref().and_then(|f| f.phone_number.as_deref()));
            let to =
                m.to.iter()
                    .map(|r| {
                        let number = or_dash(r.phone_number.as_deref());
                        match &r.status {
                            Some(s) => format!("{number} ({s})"),
                            None => number,
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
            let mut s = format!("{from} -> {}", if to.is_empty() { "-".into() } else { to });
            if let Some(cost) = &m.cost {
                if let Some(amount) = &cost.amount {
                    s.push_str(&format!(
                        " cost {amount} {}",
                        cost.currency.as_deref().unwrap_or("")
                    ));
                }
            }
            s.trim_end().to_string()
        }
        Payload::Call(c) => {
            let mut s = format!(
                "{} -> {}",
                or_dash(c.from.as_deref()),
                or_dash(c.to.as_deref())
            );
            if let Some(state) = &c.state {
                s.push_str(&format!(" {state}"));
            }
            if let Some(cause) = &c.hangup_cause {
                s.push_str(&format!(" {cause}"));
                if let Some(source) = &c.hangup_source {
                    s.push_str(&format!(" by {source}"));
                }
            }
            s
        }
        Payload::Unknown(v) => {
            if v.is_null() {
                "-".into()
            } else {
                v.to_string()
            }
        }
    }
}

fn columns(forwarding: bool) -> Vec<Column> {
    let mut cols = vec![
        Column {
            header: "TIME",
            width: 8,
            text: |r| r.at.format("%H:%M:%S").to_string(),
        },
        Column {
            header: "EVENT TYPE",
            width: 18,
            text: |r| r.event.data.event_type.to_string(),
        },
        Column {
            header: "EVENT ID",
            width: 36,
            text: |r| r.event.data.id.clone(),
        },
        Column {
            header: "ATTEMPT",
            width: 7,
            text: |r| attempt(r.event),
        },
    ];
    if forwarding {
        cols.push(Column {
            header: "FORWARD",
            width: 7,
            text: |r| match r.forwarded {
                Some(Forwarded::Status(s)) => s.to_string(),
                Some(Forwarded::Failed) => "failed".into(),
                None => "-".into(),
            },
        });
    }
    cols.push(Column {
        header: "DETAILS",
        width: 0,
        text: |r| details(r.event),
    });
    cols
}

/// `text` cut to `width` characters (with `…`) and padded to it; `width` 0: cut to the
/// details width, unpadded.
fn fit(text: &str, width: usize) -> String {
    let limit = if width == 0 { DETAILS_WIDTH } else { width };
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let n = text.chars().count();
    let mut out: String = if n > limit {
        text.chars().take(limit - 1).chain(['…']).collect()
    } else {
        text
    };
    if width > 0 {
        let len = out.chars().count();
        out.extend(std::iter::repeat_n(' ', width - len));
    }
    out
}

fn table_line(cells: impl Iterator<Item = (String, usize)>) -> String {
    let mut line = cells
        .map(|(text, width)| fit(&text, width))
        .collect::<Vec<_>>()
        .join("  ");
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// How `listen` prints.
struct Printer {
    jsonl: bool,
    columns: Vec<Column>,
    /// ANSI styles on stdout (the table header).
    color_out: bool,
    /// ANSI styles on stderr (rejections).
    color_err: bool,
}

impl Printer {
    fn header(&self) -> String {
        if self.jsonl {
            return String::new();
        }
        let line = table_line(self.columns.iter().map(|c| (c.header.to_string(), c.width)));
        if self.color_out {
            format!("\x1b[1m{}\x1b[0m\n", line.trim_end())
        } else {
            line
        }
    }

    /// The stdout line for a verified event (`body` is its raw, verified JSON).
    fn event(&self, received: &Received<'_>, body: &[u8]) -> String {
        if self.jsonl {
            // The event exactly as sent (every field, not only the typed ones), on one line.
            return match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(v) => format!("{v}\n"),
                Err(_) => format!("{}\n", String::from_utf8_lossy(body).replace('\n', " ")),
            };
        }
        table_line(self.columns.iter().map(|c| ((c.text)(received), c.width)))
    }

    /// The stderr line for a rejected request.
    fn rejected(&self, status: StatusCode, method: &Method, uri: &Uri, why: &str) -> String {
        let tag = if self.color_err {
            "\x1b[31mrejected\x1b[0m"
        } else {
            "rejected"
        };
        format!("{tag} {} {method} {uri}: {why}\n", status.as_u16())
    }
}

/// The listener's shared state.
struct Listener {
    verifier: Verifier,
    forward: Option<(reqwest::Client, String)>,
    printer: Printer,
    verified: AtomicU64,
    rejected: AtomicU64,
    max_events: Option<u64>,
    stop: Notify,
}

/// Headers not passed on when forwarding (hop-by-hop, or recomputed by the client).
const NOT_FORWARDED: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
];

fn forward_url(text: &str) -> Result<String, CliError> {
    let url = reqwest::Url::parse(text).map_err(|e| {
        CliError::Usage(format!(
            "--forward-to {text:?} is not a URL ({e}): use e.g. http://127.0.0.1:3000/webhooks"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CliError::Usage(format!(
            "--forward-to {text:?} must be an http:// or https:// URL"
        )));
    }
    Ok(url.to_string())
}

async fn listen(global: &GlobalArgs, args: ListenArgs, color: bool) -> Result<(), CliError> {
    let jsonl = match global.output {
        OutputFormat::Table => false,
        OutputFormat::Jsonl => true,
        OutputFormat::Json | OutputFormat::Csv => return Err(CliError::Usage(
            "`webhooks listen` prints events as they arrive: use -o table (default) or -o jsonl"
                .into(),
        )),
    };
    if global.emulator {
        return Err(CliError::Usage(
            "`telnyx webhooks listen` registers with an emulator that outlives it, not --emulator's \
             private one: run `telnyx emulator` in another terminal and point --base-url at it"
                .into(),
        ));
    }
    let signals = Signals::install();
    let emulator = emulator_for_listen(global, &args).await?;
    let (verifier, key_note) = match (given_public_key(&args.key), &emulator) {
        (Some(text), _) => (verifier_for(text, &args.key)?, "public key"),
        (None, Some(control)) => {
            let text = control.public_key().await?;
            let verifier = verifier_for(&text, &args.key).map_err(|e| {
                CliError::Other(format!(
                    "the emulator at {} sent a public key that does not decode: {}",
                    control.origin(),
                    e.headline()
                ))
            })?;
            (verifier, "the emulator's public key for this account,")
        }
        (None, None) => return Err(CliError::Usage(NO_PUBLIC_KEY.into())),
    };
    let forward = match &args.forward_to {
        Some(text) => {
            let url = forward_url(text)?;
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(global.timeout.unwrap_or(DEFAULT_FORWARD_TIMEOUT))
                .build()
                .map_err(|e| CliError::Other(format!("building the forwarding client: {e}")))?;
            Some((client, url))
        }
        None => None,
    };
    let socket = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| CliError::io(format!("listening on {}", args.bind), e))?;
    let addr = socket
        .local_addr()
        .map_err(|e| CliError::io("reading the bound address", e))?;

    let printer = Printer {
        jsonl,
        columns: columns(forward.is_some()),
        color_out: color && std::io::stdout().is_terminal(),
        color_err: color && std::io::stderr().is_terminal(),
    };
    eprintln!(
        "listening on http://{addr} (any path; verifying with {key_note} {})",
        verifier.public_key_base64()
    );
    let registered = match &emulator {
        Some(control) if !args.no_register => Some(
            register(
                control,
                addr,
                given_public_key(&args.key).map(|_| verifier.public_key_base64()),
            )
            .await?,
        ),
        _ => None,
    };
    if let Some((_, url)) = &forward {
        eprintln!("forwarding verified requests to {url}");
    }
    eprintln!("Press Ctrl-C to stop.");
    write_stdout(&printer.header()).map_err(|e| CliError::io("writing to stdout", e))?;

    let state = Arc::new(Listener {
        verifier,
        forward,
        printer,
        verified: AtomicU64::new(0),
        rejected: AtomicU64::new(0),
        max_events: args.max_events,
        stop: Notify::new(),
    });
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(Arc::clone(&state));
    let stopper = Arc::clone(&state);
    let served = axum::serve(socket, app)
        .with_graceful_shutdown(async move {
            tokio::select! {
                () = signals.recv() => {}
                () = stopper.stop.notified() => {}
            }
        })
        .await
        .map_err(|e| CliError::io(format!("serving on {addr}"), e));
    if let (Some(control), Some(url)) = (&emulator, &registered) {
        unregister(control, url).await;
    }
    served?;
    eprintln!(
        "stopped: {} verified, {} rejected",
        state.verified.load(Ordering::Relaxed),
        state.rejected.load(Ordering::Relaxed)
    );
    Ok(())
}

/// Ctrl-C and (on Unix) SIGTERM, caught from the moment this is made: a signal that comes
/// right after the "Press Ctrl-C" line stops the listener like any other (and it
/// unregisters), instead of the default action ending the process at once.
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The first of the signals.
    async fn recv(self) {
        #[cfg(unix)]
        {
            async fn one(s: Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                () = one(self.interrupt) => {}
                () = one(self.terminate) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The emulator `listen` works with, if any:
/// - no public key: the emulator at --base-url (default `telnyx emulator`'s address) must
///   answer, for the account's key (and to register with);
/// - a public key and --base-url: the emulator there, to register with; when nothing
///   answers there, a note, and a plain listener;
/// - a public key, no --base-url, or --no-register: none (a plain listener, as for Telnyx itself).
async fn emulator_for_listen(
    global: &GlobalArgs,
    args: &ListenArgs,
) -> Result<Option<Control>, CliError> {
    let has_key = given_public_key(&args.key).is_some();
    let base = given_base_url(global);
    if has_key && (args.no_register || base.is_none()) {
        return Ok(None);
    }
    let Some(api_key) = api_key(global) else {
        if has_key {
            eprintln!("note: not registering with the emulator at --base-url: no API key (--api-key/TELNYX_API_KEY) names the account");
            return Ok(None);
        }
        return Err(CliError::Usage(format!(
            "{NO_PUBLIC_KEY}; or, against an emulator, pass --api-key (and --base-url) and listen asks it for the account's key"
        )));
    };
    let control = Control::new(base.unwrap_or(DEFAULT_BASE_URL), api_key, global, LISTEN)?;
    match control.probe().await {
        Ok(()) => Ok(Some(control)),
        Err(e) if has_key => {
            eprintln!("note: not registering with an emulator: {}", e.headline());
            Ok(None)
        }
        // Nothing was pointed at an emulator: the key is what is missing.
        Err(CliError::Control(ControlError::Unreachable { origin, cause })) if base.is_none() => {
            Err(CliError::Usage(format!(
                "{NO_PUBLIC_KEY}; or run an emulator (`telnyx emulator`) and listen asks it: \
                 no emulator answered at {origin} ({cause})"
            )))
        }
        Err(e) => Err(e),
    }
}

/// The URL the emulator should call for a listener bound to `addr`: the address itself,
/// or loopback for an unspecified one (0.0.0.0, [::]).
fn callback_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)
        }
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Sets the listener as the account's webhook URL; warns when the `--public-key` given is
/// not the emulator's (its deliveries would all be rejected).
async fn register(
    control: &Control,
    addr: SocketAddr,
    given_key: Option<String>,
) -> Result<String, CliError> {
    let url = callback_url(addr);
    let settings = control.set_webhook_url(&url).await?;
    eprintln!(
        "registered {url} as this account's webhook URL on the emulator at {} (unregistered on exit; --no-register skips this)",
        control.origin()
    );
    if let (Some(given), Some(theirs)) = (given_key, settings.public_key) {
        if given.trim() != theirs.trim() {
            eprintln!(
                "warning: --public-key is not the emulator's key for this account ({theirs}): its deliveries will be rejected; drop --public-key to use the emulator's"
            );
        }
    }
    Ok(url)
}

/// Removes the listener's URL from the account, unless someone has set another since.
async fn unregister(control: &Control, url: &str) {
    let result = async {
        let now = control.webhook_settings().await?;
        if now.url.as_deref() != Some(url) {
            return Ok(now.url);
        }
        control.delete_webhook().await?;
        Ok::<_, CliError>(None)
    }
    .await;
    match result {
        Ok(None) => eprintln!("unregistered {url}"),
        Ok(Some(other)) => eprintln!(
            "left the account's webhook URL as it is: it is now {other}, set by someone else"
        ),
        Err(e) => eprintln!("warning: could not unregister {url}: {}", e.headline()),
    }
}

const LISTEN: &str = "telnyx webhooks listen";
const TRIGGER: &str = "telnyx webhooks trigger";

/// `--payload`: inline JSON, `@FILE` or `@-` (stdin), checked to be JSON before anything is sent.
fn read_payload(arg: Option<&str>) -> Result<Option<serde_json::Value>, CliError> {
    let Some(arg) = arg else { return Ok(None) };
    let (text, from) = match arg.strip_prefix('@') {
        Some("-") => {
            let mut buf = String::new();
            std::io::stdin()
                .read_to_string(&mut buf)
                .map_err(|e| CliError::io("reading --payload from stdin", e))?;
            (buf, "stdin".to_string())
        }
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| CliError::io(format!("reading --payload @{path}"), e))?,
            path.to_string(),
        ),
        None => (arg.to_string(), "--payload".to_string()),
    };
    let example = "pass an object like --payload '{\"id\": \"m-1\"}' or --payload @payload.json";
    match serde_json::from_str(&text) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(Some(v)),
        Ok(_) => Err(CliError::Usage(format!(
            "{from} is JSON but not an object (the event's data.payload is one); {example}"
        ))),
        Err(e) => Err(CliError::Usage(format!(
            "{from} is not JSON ({e}); {example}"
        ))),
    }
}

/// What `trigger` prints: the event, its delivery and, when waited for, how it ended.
#[derive(Debug, Serialize)]
struct Triggered {
    event_type: String,
    event_id: String,
    delivery_id: String,
    url: Option<String>,
    /// Attempts the delivery gets at most.
    max_attempts: usize,
    delivery: Option<telnyx::WebhookDelivery>,
}

/// The ids block of `trigger`'s table, printed as soon as the emulator answers.
fn render_triggered(st: &crate::output::Style, t: &Triggered) -> String {
    render_kv_width(
        st,
        &[
            ("Event type", t.event_type.clone()),
            ("Event ID", t.event_id.clone()),
            ("Delivery ID", t.delivery_id.clone()),
            ("URL", crate::columns::cell_or_dash(&t.url)),
        ],
        LABEL_WIDTH,
    )
}

async fn trigger(
    ctx: &mut Ctx,
    args: &TriggerArgs,
    payload: Option<serde_json::Value>,
) -> Result<(), CliError> {
    let key = api_key(&ctx.global).ok_or(CliError::NoApiKey)?;
    let control = Control::new(ctx.client.base_url(), key, &ctx.global, TRIGGER)?;
    control.probe().await?;
    let emitted = control.emit(args.event_type.trim(), payload).await?;
    let max_attempts = emitted
        .max_attempts
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_MAX_ATTEMPTS);
    let mut shown = Triggered {
        event_type: args.event_type.trim().to_string(),
        event_id: emitted.event_id,
        delivery_id: emitted.delivery_id,
        url: emitted.url,
        max_attempts,
        delivery: None,
    };
    if ctx.out.format == OutputFormat::Table {
        let head = render_triggered(&ctx.out.style, &shown);
        ctx.out.write_str(&head)?;
        ctx.out.flush()?;
    }
    let Some(limit) = args.wait.limit() else {
        return ctx.out.object(&shown, |_| String::new());
    };
    let until = Until::Final(shown.max_attempts);
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

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Every request, any path: verify, print, answer (or forward and relay).
async fn receive(
    State(listener): State<Arc<Listener>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let event = match check(&listener.verifier, &method, &headers, &body) {
        Ok(event) => event,
        Err((status, why)) => {
            listener.rejected.fetch_add(1, Ordering::Relaxed);
            eprint!("{}", listener.printer.rejected(status, &method, &uri, &why));
            return (status, format!("{why}\n")).into_response();
        }
    };
    let (response, forwarded) = match &listener.forward {
        None => ((StatusCode::OK, "ok\n").into_response(), None),
        Some((client, url)) => {
            let outcome = forward(client, url, &headers, body.clone()).await;
            match outcome {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    (resp, Some(Forwarded::Status(status)))
                }
                Err(e) => {
                    eprintln!("forwarding {} to {url} failed: {e}", event.data.id);
                    let resp = (
                        StatusCode::BAD_GATEWAY,
                        format!("could not forward to {url}: {e}\n"),
                    )
                        .into_response();
                    (resp, Some(Forwarded::Failed))
                }
            }
        }
    };
    let line = listener.printer.event(
        &Received {
            event: &event,
            at: chrono::Local::now(),
            forwarded: forwarded.as_ref(),
        },
        &body,
    );
    let n = listener.verified.fetch_add(1, Ordering::Relaxed) + 1;
    if write_stdout(&line).is_err() || listener.max_events.is_some_and(|max| n >= max) {
        // The reader went away, or enough events: stop after this answer.
        listener.stop.notify_one();
    }
    response
}

/// The pure part: a POST whose signature, timestamp and body check out, or the status to
/// answer and why.
fn check(
    verifier: &Verifier,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Event, (StatusCode, String)> {
    if method != Method::POST {
        return Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not a webhook: Telnyx delivers webhooks as POST requests"),
        ));
    }
    verifier.verify_headers(body, headers).map_err(|e| {
        let status = e
            .webhook_reason()
            .and_then(|r| StatusCode::from_u16(r.http_status()).ok())
            .unwrap_or(StatusCode::BAD_REQUEST);
        (status, e.to_string())
    })
}

/// Sends the verified request on, unchanged, and turns the answer into ours.
async fn forward(
    client: &reqwest::Client,
    url: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, String> {
    let mut outgoing = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if !NOT_FORWARDED.contains(&name.as_str()) {
            outgoing.append(name.clone(), value.clone());
        }
    }
    let resp = client
        .post(url)
        .headers(outgoing)
        .body(body)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = resp.headers().get(header::CONTENT_TYPE).cloned();
    let bytes = resp.bytes().await.map_err(|e| describe(&e))?;
    let mut out = (status, bytes).into_response();
    if let Some(ct) = content_type {
        out.headers_mut().insert(header::CONTENT_TYPE, ct);
    } else {
        out.headers_mut().remove(header::CONTENT_TYPE);
    }
    Ok(out)
}

/// A reqwest error with its innermost cause ("Connection refused").
fn describe(e: &reqwest::Error) -> String {
    let mut msg = if e.is_timeout() {
        "no answer in time (raise it with --timeout)".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        e.to_string()
    };
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(c) = cur {
        last = Some(c.to_string());
        cur = c.source();
    }
    if let Some(cause) = last {
        msg.push_str(&format!(": {cause}"));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(body: &str) -> Event {
        Event::from_json(body.as_bytes()).unwrap()
    }

    #[test]
    fn details_summarise_typed_payloads() {
        let m = event(
            r#"{"data":{"id":"e","event_type":"message.finalized","payload":{"from":{"phone_number":"+1312"},
            "to":[{"phone_number":"+1773","status":"delivered"}],"cost":{"amount":"0.0040","currency":"USD"}}}}"#,
        );
        assert_eq!(details(&m), "+1312 -> +1773 (delivered) cost 0.0040 USD");
        let c = event(
            r#"{"data":{"id":"e","event_type":"call.hangup","payload":{"from":"+1312","to":"+1773",
            "state":"hangup","hangup_cause":"user_busy","hangup_source":"callee"}}}"#,
        );
        assert_eq!(details(&c), "+1312 -> +1773 hangup user_busy by callee");
        let u = event(r#"{"data":{"id":"e","event_type":"x.y","payload":{"a":1}}}"#);
        assert_eq!(details(&u), r#"{"a":1}"#);
    }

    #[test]
    fn cells_are_cut_and_padded() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("a\nb", 0), "a b");
        let line = table_line([("x".to_string(), 3), ("y".to_string(), 0)].into_iter());
        assert_eq!(line, "x    y\n");
    }

    #[test]
    fn the_callback_is_the_bound_address_or_loopback() {
        assert_eq!(
            callback_url("127.0.0.1:8787".parse().unwrap()),
            "http://127.0.0.1:8787/"
        );
        assert_eq!(
            callback_url("0.0.0.0:9".parse().unwrap()),
            "http://127.0.0.1:9/"
        );
        assert_eq!(callback_url("[::]:9".parse().unwrap()), "http://[::1]:9/");
    }

    #[test]
    fn payloads_are_json_checked_before_sending() {
        assert_eq!(read_payload(None).unwrap(), None);
        assert_eq!(
            read_payload(Some(r#"{"id":"m-1"}"#)).unwrap(),
            Some(serde_json::json!({"id": "m-1"}))
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.json");
        std::fs::write(&file, r#"{"a": [1]}"#).unwrap();
        let arg = format!("@{}", file.display());
        assert_eq!(
            read_payload(Some(&arg)).unwrap(),
            Some(serde_json::json!({"a": [1]}))
        );
        let err = read_payload(Some("[1]")).unwrap_err();
        assert!(err.headline().contains("not an object"));
        let err = read_payload(Some("{id: 1}")).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::USAGE);
        assert!(err.headline().contains("--payload is not JSON"));
        let missing = format!("@{}", dir.path().join("nope.json").display());
        assert!(read_payload(Some(&missing)).is_err());
    }

    #[test]
    fn only_posts_are_webhooks() {
        let signer = telnyx::webhooks::TestSigner::from_seed([1; 32]);
        let body = br#"{"data":{"id":"e","event_type":"call.answered","payload":{}}}"#;
        let headers = signer.sign_now(body).to_header_map();
        let v = signer.verifier();
        assert!(check(&v, &Method::POST, &headers, body).is_ok());
        let (status, why) = check(&v, &Method::GET, &headers, body).unwrap_err();
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(why.contains("POST"));
        let (status, _) = check(&v, &Method::POST, &HeaderMap::new(), body).unwrap_err();
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
}
