//! `telnyx webhooks verify|listen`: check Telnyx webhook signatures with the SDK
//! (`telnyx::webhooks`), and receive webhooks on a local port.
//!
//! Neither needs an API key: both work from the account's webhook public key
//! (`--public-key` or `TELNYX_PUBLIC_KEY`). The output is local to this file: `listen`
//! prints each event as it arrives (a table row, or one JSON line with `-o jsonl`), with
//! columns that are functions of the typed [`Event`].
//!
//! Not here yet (they need the emulator's webhook endpoints): asking the emulator for the
//! key and registering the listener as the account's webhook URL (both slot into
//! [`listen`] around [`verifier_from`]), `webhooks trigger` (a new [`WebhooksCommand`]
//! variant) and `webhook-deliveries redeliver`.

use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use clap::{Args, Subcommand};
use telnyx::webhooks::{Event, Payload, Verifier, DEFAULT_TOLERANCE};
use tokio::sync::Notify;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::exit::CliError;

/// How long a forwarded request may take when `--timeout` is not given.
const DEFAULT_FORWARD_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest DETAILS cell in the table.
const DETAILS_WIDTH: usize = 90;

/// `telnyx webhooks ...`
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Verify one webhook's signature: exit 0 when valid, 5 (validation) with the reason when not.
    Verify(VerifyArgs),
    /// Receive webhooks locally: verify each request, print each event, answer 200 (or relay --forward-to).
    Listen(ListenArgs),
}

/// The account's webhook public key.
#[derive(Debug, Clone, Args)]
pub struct PublicKeyArgs {
    /// Webhook public key, base64 (Mission Control Portal > Keys & Credentials > Public Key).
    #[arg(
        long,
        env = "TELNYX_PUBLIC_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub public_key: Option<String>,
    /// Accept signing times up to SECS away from now, in either direction.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TOLERANCE.as_secs())]
    pub tolerance: u64,
}

/// `telnyx webhooks verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The key and the tolerance.
    #[command(flatten)]
    pub key: PublicKeyArgs,
    /// Value of the telnyx-signature-ed25519 header.
    #[arg(long, value_name = "BASE64")]
    pub signature: String,
    /// Value of the telnyx-timestamp header (Unix seconds).
    #[arg(long, value_name = "UNIX")]
    pub timestamp: String,
    /// File holding the raw body exactly as received, or - for stdin.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub body: String,
}

/// `telnyx webhooks listen`
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address to receive webhooks on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub bind: SocketAddr,
    /// Also send each verified request (same body and headers) to URL, and answer with its status and body.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// The key and the tolerance.
    #[command(flatten)]
    pub key: PublicKeyArgs,
    /// Stop after N verified events (default: run until Ctrl-C).
    #[arg(long, value_name = "N")]
    pub max_events: Option<u64>,
}

/// Runs `telnyx webhooks ...` (no API key or client needed).
pub async fn run(global: &GlobalArgs, cmd: WebhooksCommand, color: bool) -> Result<(), CliError> {
    if let Some(path) = &global.out {
        return Err(CliError::Usage(format!(
            "`telnyx webhooks` prints to stdout; --out {} is not supported here (redirect stdout instead)",
            path.display()
        )));
    }
    match cmd {
        WebhooksCommand::Verify(args) => verify(global, &args),
        WebhooksCommand::Listen(args) => listen(global, args, color).await,
    }
}

/// The verifier for `--public-key` / `TELNYX_PUBLIC_KEY`. (An emulator at `--base-url`
/// would be the third source, once it serves `/_emulator/webhooks/public_key`.)
fn verifier_from(key: &PublicKeyArgs) -> Result<Verifier, CliError> {
    let Some(text) = key.public_key.as_deref().filter(|k| !k.trim().is_empty()) else {
        return Err(CliError::Usage(
            "no webhook public key: pass --public-key KEY or set TELNYX_PUBLIC_KEY (the base64 \
             public key from Mission Control Portal > Keys & Credentials > Public Key)"
                .into(),
        ));
    };
    let verifier = Verifier::new(text).map_err(|e| CliError::Invalid(e.to_string()))?;
    Ok(verifier.tolerance(Duration::from_secs(key.tolerance)))
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
    let verifier = verifier_from(&args.key)?;
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
        "listening on http://{addr} (any path; verifying with public key {})",
        verifier.public_key_base64()
    );
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
    axum::serve(socket, app)
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                () = stopper.stop.notified() => {}
            }
        })
        .await
        .map_err(|e| CliError::io(format!("serving on {addr}"), e))?;
    eprintln!(
        "stopped: {} verified, {} rejected",
        state.verified.load(Ordering::Relaxed),
        state.rejected.load(Ordering::Relaxed)
    );
    Ok(())
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
