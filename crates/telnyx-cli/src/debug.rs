//! `--debug` and `RUST_LOG`: the SDK's per-attempt `telnyx.request` tracing spans on stderr.
//!
//! `--debug` prints one line per HTTP attempt when it ends:
//! `debug: GET http://127.0.0.1:4010/v2/balance status=200 attempt=1 time=3ms`, and one per
//! retry (`debug: retrying GET /balance in 500ms: ...`). `RUST_LOG` (e.g. `RUST_LOG=debug`,
//! `RUST_LOG=telnyx=trace`) adds tracing's standard format for whatever it selects, spans shown
//! when they close. Neither shows a header, a body or a query string (the SDK's spans carry
//! none), and everything written goes through [`Redact`], which replaces the API key wherever
//! it would appear.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::{Arc, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer};

/// The span the SDK opens around each HTTP attempt.
const REQUEST_SPAN: &str = "telnyx.request";
/// Secrets shorter than this are not searched for (they would garble ordinary words); real
/// API keys are far longer.
const MIN_SECRET_LEN: usize = 6;

/// The base URL requests go to, for the `--debug` lines (the SDK's span holds only the path).
static BASE_URL: OnceLock<String> = OnceLock::new();

/// Records the client's base URL (known once the client, or the embedded emulator, exists).
pub fn set_base_url(url: &str) {
    let _ = BASE_URL.set(url.trim_end_matches('/').to_string());
}

/// Installs the stderr subscriber for `--debug` and/or `RUST_LOG`; nothing without either.
/// `secrets` (the API key) are replaced by `[REDACTED]` in everything written.
pub fn install(debug: bool, secrets: Vec<String>) {
    let rust_log = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    if !debug && rust_log.is_none() {
        return;
    }
    let redact = Redact::new(secrets);
    let debug_layer = debug.then(|| {
        RequestLines {
            redact: redact.clone(),
        }
        .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
            meta.target().starts_with("telnyx")
        }))
    });
    let env_layer = rust_log.map(|directives| {
        // Names each invalid directive on stderr ("ignoring `x=loud`: ...") and goes on.
        let filter = EnvFilter::builder().parse_lossy(&directives);
        tracing_subscriber::fmt::layer()
            .with_writer(redact.clone())
            .with_ansi(false)
            .with_span_events(FmtSpan::CLOSE)
            .with_filter(filter)
    });
    let subscriber = tracing_subscriber::registry()
        .with(debug_layer)
        .with(env_layer);
    // Fails only if a subscriber is already set (never, in the binary).
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// A stderr writer that replaces secrets before anything reaches the terminal.
#[derive(Clone)]
pub struct Redact {
    secrets: Arc<Vec<String>>,
}

impl Redact {
    fn new(secrets: Vec<String>) -> Redact {
        let secrets = secrets
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect();
        Redact {
            secrets: Arc::new(secrets),
        }
    }

    /// `text` with every secret replaced.
    fn clean(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in self.secrets.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "[REDACTED]");
            }
        }
        out
    }
}

impl Write for Redact {
    /// Each call is one whole formatted line (tracing's fmt layer writes a line at a time).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        io::stderr()
            .lock()
            .write_all(self.clean(&text).as_bytes())?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Redact {
    type Writer = Redact;
    fn make_writer(&'a self) -> Redact {
        self.clone()
    }
}

/// The fields of one `telnyx.request` span, filled as the SDK records them.
#[derive(Default)]
struct Attempt {
    method: String,
    path: String,
    /// The encoded query of an API request ("" for none, and for absolute links).
    query: String,
    /// The server's request id, when it sent one.
    request_id: Option<String>,
    attempt: Option<u64>,
    status: Option<u64>,
    duration_ms: Option<u64>,
    /// Whether its line was printed (before a retry line, or when the span closes).
    printed: bool,
}

impl Attempt {
    /// `GET URL status=200 attempt=1 time=3ms`.
    fn line(&self) -> String {
        let status = self
            .status
            .map_or_else(|| "-".to_string(), |s| s.to_string());
        let mut line = format!("{} {} status={status}", self.method, self.url());
        if let Some(n) = self.attempt {
            let _ = write!(line, " attempt={n}");
        }
        if let Some(ms) = self.duration_ms {
            let _ = write!(line, " time={ms}ms");
        }
        if let Some(id) = &self.request_id {
            let _ = write!(line, " request_id={id}");
        }
        line
    }

    fn url(&self) -> String {
        if self.path.starts_with("http://") || self.path.starts_with("https://") {
            // An absolute link (a PDF download), already without its query.
            self.path.clone()
        } else {
            let query = if self.query.is_empty() { "" } else { "?" };
            format!(
                "{}{}{query}{}",
                BASE_URL.get().map(String::as_str).unwrap_or(""),
                self.path,
                self.query
            )
        }
    }
}

impl Visit for Attempt {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = Some(value),
            "status" => self.status = Some(value),
            "duration_ms" => self.duration_ms = Some(value),
            _ => {}
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(v) = u64::try_from(value) {
            self.record_u64(field, v);
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &value);
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        // `method = %m` and `path = %p` arrive as Display wrapped in Debug: no quotes.
        let text = format!("{value:?}");
        match field.name() {
            "method" => self.method = text.trim_matches('"').to_string(),
            "path" => self.path = text.trim_matches('"').to_string(),
            "query" => self.query = text.trim_matches('"').to_string(),
            "request_id" => self.request_id = Some(text.trim_matches('"').to_string()),
            _ => {}
        }
    }
}

/// The fields of an event inside a request span (the SDK's `retrying` event).
#[derive(Default)]
struct EventFields {
    message: String,
    delay_ms: Option<u64>,
    error: String,
}

impl Visit for EventFields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "delay_ms" {
            self.delay_ms = Some(value);
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "error" => self.error = format!("{value:?}"),
            _ => {}
        }
    }
}

/// The `--debug` layer: a line per attempt and per retry.
struct RequestLines {
    redact: Redact,
}

impl RequestLines {
    fn print(&self, line: &str) {
        let mut w = self.redact.clone();
        let _ = w.write_all(format!("debug: {line}\n").as_bytes());
    }
}

impl<S> Layer<S> for RequestLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != REQUEST_SPAN {
            return;
        }
        let mut attempt = Attempt::default();
        attrs.record(&mut attempt);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(attempt);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(attempt) = span.extensions_mut().get_mut::<Attempt>() {
                values.record(attempt);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let mut ext = span.extensions_mut();
        let Some(attempt) = ext.get_mut::<Attempt>() else {
            return;
        };
        // The attempt is over when the SDK decides to retry: its line first, then the retry.
        if !attempt.printed {
            attempt.printed = true;
            self.print(&attempt.line());
        }
        let mut fields = EventFields::default();
        event.record(&mut fields);
        let mut line = format!("{} {} {}", fields.message, attempt.method, attempt.path);
        if let Some(d) = fields.delay_ms {
            let _ = write!(line, " in {d}ms");
        }
        if !fields.error.is_empty() {
            let _ = write!(line, ": {}", fields.error);
        }
        self.print(&line);
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let ext = span.extensions();
        if let Some(attempt) = ext.get::<Attempt>().filter(|a| !a.printed) {
            self.print(&attempt.line());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_and_short_ones_ignored() {
        let r = Redact::new(vec!["KEY_abcdef123".into(), "k".into()]);
        assert_eq!(
            r.clean("Bearer KEY_abcdef123 and KEY_abcdef123"),
            "Bearer [REDACTED] and [REDACTED]"
        );
        assert_eq!(r.clean("keep k"), "keep k");
    }

    #[test]
    fn absolute_paths_are_not_prefixed() {
        let a = Attempt {
            path: "https://files.example/x.pdf".into(),
            ..Attempt::default()
        };
        assert_eq!(a.url(), "https://files.example/x.pdf");
    }
}
