//! [`Error`]: the one error type of the SDK, with predicates.
//!
//! Every failure (no connection, a timeout, an error status from the API, a response that
//! does not decode, a request rejected before any I/O, a bad configuration) is an [`Error`].
//! Ask it what happened with [`Error::kind`], [`Error::status`], [`Error::errors`],
//! [`Error::is_retryable`], [`Error::retry_after`], [`Error::request_id`] and
//! [`Error::rate_limit`]. Its `Display` carries the server's code, title and detail, e.g.
//! `401 Unauthorized: [10009] Authentication failed: The API key is invalid`.

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Deserializer, Serialize};

use crate::violation::Violation;

/// `Result` with the SDK's [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How many characters of a response body an error message shows at most.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No response: the connection could not be made or was lost.
    Connection,
    /// An attempt took longer than the configured timeout.
    Timeout,
    /// 400 Bad Request.
    BadRequest,
    /// 401 Unauthorized: the API key is missing or invalid.
    Authentication,
    /// 403 Forbidden: the key may not do this.
    PermissionDenied,
    /// 404 Not Found.
    NotFound,
    /// 409 Conflict.
    Conflict,
    /// 422 Unprocessable Entity: the request was well-formed but its values were rejected.
    UnprocessableEntity,
    /// 429 Too Many Requests.
    RateLimit,
    /// A 5xx status.
    InternalServer,
    /// Any other non-success status.
    Api,
    /// A response (or a page sequence) that the SDK could not make sense of.
    Decode,
    /// The request was rejected by the SDK before any I/O (bad parameter).
    InvalidRequest,
    /// The client is misconfigured (no API key, bad base URL, bad header).
    Configuration,
    /// A webhook failed verification (or its public key is unusable);
    /// [`Error::webhook_reason`] says why, as data.
    Webhook,
}

impl ErrorKind {
    /// The kind for a non-success HTTP status.
    pub(crate) fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimit,
            s if s >= 500 => ErrorKind::InternalServer,
            _ => ErrorKind::Api,
        }
    }
}

/// One entry of the `errors[]` array that Telnyx sends with an error status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    /// The Telnyx error code, e.g. `"10009"` (the server may send a string or an integer).
    #[serde(default, deserialize_with = "code_string_or_int")]
    pub code: Option<String>,
    /// Short summary, e.g. `"Authentication failed"`.
    #[serde(default)]
    pub title: Option<String>,
    /// Longer explanation.
    #[serde(default)]
    pub detail: Option<String>,
    /// Which part of the request caused the error.
    #[serde(default)]
    pub source: Option<ErrorSource>,
    /// Extra data, e.g. `{"url": "https://developers.telnyx.com/docs/overview/errors/10009"}`.
    #[serde(default)]
    pub meta: Option<serde_json::Value>,
}

/// Where in the request an [`ApiErrorDetail`] points.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSource {
    /// JSON pointer into the request body, e.g. `"/amount"`.
    #[serde(default)]
    pub pointer: Option<String>,
    /// Query parameter name, e.g. `"filter[record_type]"`.
    #[serde(default)]
    pub parameter: Option<String>,
}

/// The `x-ratelimit-*` headers of a response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `x-ratelimit-limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `x-ratelimit-remaining`: requests left in this window.
    pub remaining: Option<u64>,
    /// `x-ratelimit-reset`: seconds until the window resets.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the `x-ratelimit-*` headers; `None` when none of them is present and valid.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let num = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|s| s.trim().parse::<u64>().ok())
        };
        let rl = RateLimit {
            limit: num("x-ratelimit-limit"),
            remaining: num("x-ratelimit-remaining"),
            reset: num("x-ratelimit-reset"),
        };
        (rl != RateLimit::default()).then_some(rl)
    }
}

fn code_string_or_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(other) => Some(other.to_string()),
    })
}

/// The one error type of the SDK.
///
/// Small (one pointer), `Send + Sync + 'static`, with a [`source`](StdError::source) chain to
/// the underlying transport or JSON error where there is one. It never contains the API key.
pub struct Error {
    inner: Box<ErrorImpl>,
}

#[derive(Debug)]
struct ErrorImpl {
    kind: ErrorKind,
    /// What was wrong (and what to do), for non-API errors; for API errors, a body excerpt
    /// when `errors[]` could not be parsed.
    message: String,
    /// `"GET /balance"`, where known.
    operation: Option<String>,
    status: Option<u16>,
    errors: Vec<ApiErrorDetail>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    rate_limit: Option<RateLimit>,
    should_retry: Option<bool>,
    /// The rule broken, for an `InvalidRequest` or `Configuration` error.
    violation: Option<Violation>,
    /// True when the request never left (the connection could not be made).
    not_sent: bool,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(ErrorImpl {
                kind,
                message: message.into(),
                operation: None,
                status: None,
                errors: Vec::new(),
                request_id: None,
                retry_after: None,
                rate_limit: None,
                should_retry: None,
                violation: None,
                not_sent: false,
                source: None,
            }),
        }
    }

    /// A configuration error: the setting, the rule, and what to do.
    pub(crate) fn configuration(violation: Violation) -> Error {
        let mut err = Error::new(ErrorKind::Configuration, violation.explanation());
        err.inner.violation = Some(violation);
        err
    }

    /// A configuration failure that is no caller's setting (the HTTP client could not start).
    pub(crate) fn setup(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Configuration, message)
    }

    /// A request rejected before any I/O: which operation, parameter and rule.
    ///
    /// The message reads `operation: explanation`.
    pub(crate) fn invalid_request(violation: Violation) -> Error {
        let mut err = Error::new(
            ErrorKind::InvalidRequest,
            format!("{}: {}", violation.operation(), violation.explanation()),
        );
        err.inner.violation = Some(violation);
        err
    }

    /// A response or page sequence that makes no sense.
    pub(crate) fn decode(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Decode, message)
    }

    /// A transport failure.
    pub(crate) fn connection(
        message: impl Into<String>,
        source: impl StdError + Send + Sync + 'static,
    ) -> Error {
        Error::new(ErrorKind::Connection, message).with_source(source)
    }

    /// A connection that could not be made: the request never left.
    pub(crate) fn not_connected(
        message: impl Into<String>,
        source: impl StdError + Send + Sync + 'static,
    ) -> Error {
        let mut err = Error::connection(message, source);
        err.inner.not_sent = true;
        err
    }

    /// An attempt that ran out of time.
    pub(crate) fn timeout(limit: Duration) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!(
                "no complete response within {limit:?}; raise the timeout with \
                 ClientBuilder::timeout or Request::timeout if the server is slow"
            ),
        )
    }

    /// A timeout reported by the HTTP client itself (e.g. a caller-supplied client's limit).
    pub(crate) fn timed_out(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Timeout, message)
    }

    /// Attaches the underlying cause.
    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Error {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Records which call failed, e.g. `"GET /balance"`.
    pub(crate) fn with_operation(mut self, operation: impl Into<String>) -> Error {
        self.inner.operation = Some(operation.into());
        self
    }

    /// Records the request id of a response (used for decode errors too).
    pub(crate) fn with_response_headers(mut self, headers: &HeaderMap) -> Error {
        self.inner.request_id = request_id_from(headers);
        self.inner.rate_limit = RateLimit::from_headers(headers);
        self
    }

    /// An error built from a non-success response.
    pub(crate) fn from_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
        let mut err = Error::new(ErrorKind::from_status(status), String::new());
        err.inner.status = Some(status);
        err.inner.request_id = request_id_from(headers);
        err.inner.rate_limit = RateLimit::from_headers(headers);
        err.inner.retry_after = crate::retry::server_delay(headers, SystemTime::now());
        err.inner.should_retry = crate::retry::should_retry_header(headers);
        #[derive(Deserialize)]
        struct ErrorBody {
            errors: Vec<ApiErrorDetail>,
        }
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(parsed) if !parsed.errors.is_empty() => err.inner.errors = parsed.errors,
            _ => err.inner.message = body_excerpt(body),
        }
        err
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status of the response, for API errors.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// True when retrying the same request may succeed: connection errors, timeouts, and
    /// statuses 408, 409, 429 and 5xx, unless the server said otherwise with `x-should-retry`.
    ///
    /// This says nothing about whether a retry is *safe*: see [`Request`](crate::Request)
    /// for when the SDK retries a non-idempotent request.
    pub fn is_retryable(&self) -> bool {
        if let Some(explicit) = self.inner.should_retry {
            return explicit;
        }
        match self.inner.kind {
            ErrorKind::Connection | ErrorKind::Timeout => true,
            _ => matches!(self.inner.status, Some(408 | 409 | 429) | Some(500..=599)),
        }
    }

    /// How long the server asked to wait before retrying (`retry-after-ms` or `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// The server's request id (`x-request-id`, `request-id` or `x-telnyx-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The parsed Telnyx `errors[]` of an API error (empty otherwise).
    pub fn errors(&self) -> &[ApiErrorDetail] {
        &self.inner.errors
    }

    /// The `x-ratelimit-*` headers of the response, if it had any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.inner.rate_limit.as_ref()
    }

    /// True for a connection error.
    pub fn is_connection(&self) -> bool {
        self.inner.kind == ErrorKind::Connection
    }

    /// True when the connection could not be made at all, so the request never reached the
    /// server (connection refused, unknown host), as opposed to a connection lost mid-way.
    pub fn is_connect(&self) -> bool {
        self.inner.not_sent
    }

    /// True for a request the SDK refused to send ([`ErrorKind::InvalidRequest`]); its
    /// [`violation`](Error::violation) says which parameter broke which rule.
    pub fn is_invalid_request(&self) -> bool {
        self.inner.kind == ErrorKind::InvalidRequest
    }

    /// The rule broken, as data, for an [`InvalidRequest`](ErrorKind::InvalidRequest) or a
    /// [`Configuration`](ErrorKind::Configuration) error: operation, parameter, rule, value.
    pub fn violation(&self) -> Option<&Violation> {
        self.inner.violation.as_ref()
    }

    /// The HTTP call that failed, e.g. `"GET /balance"`, when one was made or attempted.
    pub fn operation(&self) -> Option<&str> {
        self.inner.operation.as_deref()
    }

    /// True for a timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// True when the server answered with an error status.
    pub fn is_api(&self) -> bool {
        self.inner.status.is_some()
    }
}

pub(crate) fn request_id_from(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "request-id", "x-telnyx-request-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(128).collect())
}

/// A bounded, printable excerpt of a body: at most [`EXCERPT_CHARS`] characters (control
/// characters blanked), or `"empty body"`.
pub(crate) fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return "empty body".to_owned();
    }
    let mut out: String = trimmed
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if trimmed.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn fmt_detail(f: &mut fmt::Formatter<'_>, d: &ApiErrorDetail) -> fmt::Result {
    let mut wrote = false;
    if let Some(code) = &d.code {
        write!(f, "[{code}]")?;
        wrote = true;
    }
    if let Some(title) = &d.title {
        if wrote {
            f.write_str(" ")?;
        }
        f.write_str(title)?;
        wrote = true;
    }
    if let Some(detail) = &d.detail {
        if d.title.as_deref() != Some(detail.as_str()) {
            f.write_str(if wrote { ": " } else { "" })?;
            f.write_str(detail)?;
            wrote = true;
        }
    }
    if let Some(src) = &d.source {
        if let Some(p) = src.parameter.as_ref().or(src.pointer.as_ref()) {
            write!(f, " (at {p})")?;
            wrote = true;
        }
    }
    if !wrote {
        f.write_str("no code, title or detail")?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        match i.status {
            Some(status) => {
                let reason = StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Error");
                write!(f, "{status} {reason}: ")?;
                if i.errors.is_empty() {
                    f.write_str(&i.message)?;
                } else {
                    for (n, d) in i.errors.iter().enumerate() {
                        if n > 0 {
                            f.write_str("; ")?;
                        }
                        fmt_detail(f, d)?;
                    }
                }
                if i.kind == ErrorKind::Authentication {
                    f.write_str(" (check the API key: TELNYX_API_KEY or Client::new)")?;
                }
            }
            None => f.write_str(&i.message)?,
        }
        match (&i.operation, &i.request_id) {
            (Some(op), Some(id)) => write!(f, " [{op}, request id {id}]"),
            (Some(op), None) => write!(f, " [{op}]"),
            (None, Some(id)) => write!(f, " [request id {id}]"),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &i.kind);
        if let Some(s) = i.status {
            d.field("status", &s);
        }
        if !i.message.is_empty() {
            d.field("message", &i.message);
        }
        if let Some(op) = &i.operation {
            d.field("operation", op);
        }
        if !i.errors.is_empty() {
            d.field("errors", &i.errors);
        }
        if let Some(id) = &i.request_id {
            d.field("request_id", id);
        }
        if let Some(v) = &i.violation {
            d.field("violation", v);
        }
        if let Some(ra) = &i.retry_after {
            d.field("retry_after", ra);
        }
        if let Some(src) = &i.source {
            d.field("source", src);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small_send_sync() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn display_has_status_code_title_detail() {
        let body = br#"{"errors":[{"code":"10009","title":"Authentication failed","detail":"The API key is invalid"}]}"#;
        let e = Error::from_response(401, &HeaderMap::new(), body);
        assert!(e.to_string().starts_with(
            "401 Unauthorized: [10009] Authentication failed: The API key is invalid"
        ));
        assert_eq!(e.kind(), ErrorKind::Authentication);
    }

    #[test]
    fn integer_code_and_plain_text() {
        let e = Error::from_response(
            422,
            &HeaderMap::new(),
            br#"{"errors":[{"code":10027,"title":"Invalid amount format"}]}"#,
        );
        assert_eq!(e.errors()[0].code.as_deref(), Some("10027"));
        let e = Error::from_response(503, &HeaderMap::new(), b"upstream connect error");
        assert_eq!(
            e.to_string(),
            "503 Service Unavailable: upstream connect error"
        );
        let e = Error::from_response(502, &HeaderMap::new(), b"");
        assert_eq!(e.to_string(), "502 Bad Gateway: empty body");
        let long = "x".repeat(5000);
        let e = Error::from_response(500, &HeaderMap::new(), long.as_bytes());
        assert!(e.to_string().len() < 300);
    }
}
