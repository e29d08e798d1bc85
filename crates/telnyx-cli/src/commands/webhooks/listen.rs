//! `telnyx webhooks listen`: receive webhooks on a local port, verify each request, print each
//! event as it arrives (a table row through [`FixedTable`], or one JSON line with `-o jsonl`)
//! and answer 200, or relay the request through [`super::forward`]. Against an emulator it
//! registers itself as the account's webhook URL and unregisters on exit.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use telnyx::webhooks::{Event, Payload, Verifier};
use tokio::sync::Notify;

use super::forward::{Forwarded, Forwarder};
use super::{attempt, given_public_key, verifier_for, NO_PUBLIC_KEY};
use crate::cli::webhooks::ListenArgs;
use crate::cli::{GlobalArgs, OutputFormat};
use crate::columns::Col;
use crate::control::{self, Client, ForCommand};
use crate::exit::{CliError, ControlError};
use crate::output::{FixedTable, Style};

const LISTEN: &str = "telnyx webhooks listen";
/// Longest DETAILS cell in the table.
const DETAILS_WIDTH: usize = 90;

/// A verified event as the table shows it.
struct Received {
    event: Event,
    at: chrono::DateTime<chrono::Local>,
    forwarded: Option<Forwarded>,
}

fn or_dash(s: Option<&str>) -> String {
    match s {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "-".into(),
    }
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

/// The listen table: columns of the typed event with fixed widths (rows arrive one at a time).
fn table(forwarding: bool) -> FixedTable<Received> {
    let mut cols = vec![
        (
            Col::new("TIME", |r: &Received| r.at.format("%H:%M:%S").to_string()),
            8,
        ),
        (
            Col::new("EVENT TYPE", |r: &Received| {
                r.event.data.event_type.to_string()
            }),
            18,
        ),
        (
            Col::new("EVENT ID", |r: &Received| r.event.data.id.clone()),
            36,
        ),
        (Col::new("ATTEMPT", |r: &Received| attempt(&r.event)), 7),
    ];
    if forwarding {
        cols.push((
            Col::new("FORWARD", |r: &Received| match &r.forwarded {
                Some(Forwarded::Status(s)) => s.to_string(),
                Some(Forwarded::Failed) => "failed".into(),
                None => "-".into(),
            }),
            7,
        ));
    }
    cols.push((
        Col::new("DETAILS", |r: &Received| details(&r.event)),
        DETAILS_WIDTH,
    ));
    FixedTable::new(cols)
}

/// How `listen` prints.
struct Printer {
    jsonl: bool,
    table: FixedTable<Received>,
    /// Styles on stdout (the table header).
    out: Style,
    /// Styles on stderr (rejections).
    err: Style,
}

impl Printer {
    fn header(&self) -> String {
        if self.jsonl {
            return String::new();
        }
        self.table.header(&self.out)
    }

    /// The stdout line for a verified event (`body` is its raw, verified JSON).
    fn event(&self, received: &Received, body: &[u8]) -> String {
        if self.jsonl {
            // The event exactly as sent (every field, not only the typed ones), on one line.
            return match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(v) => format!("{v}\n"),
                Err(_) => format!("{}\n", String::from_utf8_lossy(body).replace('\n', " ")),
            };
        }
        self.table.row(&self.out, received)
    }

    /// The stderr line for a rejected request.
    fn rejected(&self, status: StatusCode, method: &Method, uri: &Uri, why: &str) -> String {
        let tag = self.err.red("rejected");
        format!("{tag} {} {method} {uri}: {why}\n", status.as_u16())
    }
}

/// The listener's shared state.
struct Listener {
    verifier: Verifier,
    forward: Option<Forwarder>,
    printer: Printer,
    verified: AtomicU64,
    rejected: AtomicU64,
    max_events: Option<u64>,
    stop: Notify,
}

/// Runs `telnyx webhooks listen` until Ctrl-C, SIGTERM or `--max-events`.
pub async fn run(global: &GlobalArgs, args: ListenArgs, color: bool) -> Result<(), CliError> {
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
            let text = control.public_key().await.for_command(LISTEN)?;
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
        Some(text) => Some(Forwarder::new(text, global.timeout)?),
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
        table: table(forward.is_some()),
        out: Style {
            color: color && std::io::stdout().is_terminal(),
        },
        err: Style {
            color: color && std::io::stderr().is_terminal(),
        },
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
    if let Some(forwarder) = &forward {
        eprintln!("forwarding verified requests to {}", forwarder.url);
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
) -> Result<Option<Client>, CliError> {
    let has_key = given_public_key(&args.key).is_some();
    let base = control::given_base_url(global);
    if has_key && (args.no_register || base.is_none()) {
        return Ok(None);
    }
    let Some(api_key) = control::api_key(global) else {
        if has_key {
            eprintln!("note: not registering with the emulator at --base-url: no API key (--api-key/TELNYX_API_KEY) names the account");
            return Ok(None);
        }
        return Err(CliError::Usage(format!(
            "{NO_PUBLIC_KEY}; or, against an emulator, pass --api-key (and --base-url) and listen asks it for the account's key"
        )));
    };
    let control = control::client(
        base.unwrap_or(control::DEFAULT_BASE_URL),
        api_key,
        global,
        LISTEN,
    )?;
    match control.check().await.for_command(LISTEN) {
        Ok(()) => Ok(Some(control)),
        Err(e) if has_key => {
            eprintln!("note: not registering with an emulator: {}", e.headline());
            Ok(None)
        }
        // Nothing was pointed at an emulator: the key is what is missing.
        Err(CliError::Control {
            error: ControlError::Unreachable { origin, cause, .. },
            ..
        }) if base.is_none() => Err(CliError::Usage(format!(
            "{NO_PUBLIC_KEY}; or run an emulator (`telnyx emulator`) and listen asks it: \
                 no emulator answered at {origin} ({cause})"
        ))),
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
    control: &Client,
    addr: SocketAddr,
    given_key: Option<String>,
) -> Result<String, CliError> {
    let url = callback_url(addr);
    let settings = control.set_webhook_url(&url).await.for_command(LISTEN)?;
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
async fn unregister(control: &Client, url: &str) {
    let result = async {
        let now = control.webhook().await.for_command(LISTEN)?;
        if now.url.as_deref() != Some(url) {
            return Ok(now.url);
        }
        control.delete_webhook().await.for_command(LISTEN)?;
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
        Some(forwarder) => {
            let (resp, shown) = forwarder
                .relay(&event.data.id, &headers, body.clone())
                .await;
            (resp, Some(shown))
        }
    };
    let line = listener.printer.event(
        &Received {
            event,
            at: chrono::Local::now(),
            forwarded,
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

/// Writes a line to stdout at once.
fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
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
