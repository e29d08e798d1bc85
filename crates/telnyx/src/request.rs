//! [`Request`]: one lazy API call, and the send-with-retries loop every call goes through.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tracing::Instrument;

use crate::client::Client;
use crate::error::{body_excerpt, Error, Result};
use crate::options::{request_option_setters, IdempotencyKey, RequestOptions};
use crate::query::Query;
use crate::response::ResponseMeta;
use crate::retry::{self, Failure};
use crate::violation::{Rule, Violation};

/// A boxed, `Send + 'static` future, as returned by awaiting a request.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

const ACCEPT_JSON: &str = "application/json";
const ACCEPT_CSV: &str = "text/csv";

/// Told about every finished attempt of a request: its latency, its status (`None` for a
/// connection error or a timeout) and the response headers. The paging streams use it to
/// adapt their prefetch (`prefetch.rs`).
pub(crate) type AttemptObserver =
    Arc<dyn Fn(Duration, Option<u16>, Option<&HeaderMap>) + Send + Sync>;

/// Everything needed to send one request (reused on every attempt and every page).
#[derive(Clone)]
pub(crate) struct RequestSpec {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Query,
    pub(crate) body: Option<serde_json::Value>,
    pub(crate) accept: &'static str,
    pub(crate) options: RequestOptions,
    /// An absolute URL to send to instead of base URL + `path` + `query` (set only by
    /// [`Request::absolute_get`]; `path` then holds the URL without its query, for messages).
    pub(crate) absolute_url: Option<reqwest::Url>,
    /// Whether to send `Authorization` and the client's default headers. False only for an
    /// absolute URL on another origin than the base URL.
    pub(crate) authorize: bool,
    /// Told about every attempt (set by the paging streams).
    pub(crate) on_attempt: Option<AttemptObserver>,
}

impl RequestSpec {
    pub(crate) fn new(method: Method, path: String, query: Query) -> RequestSpec {
        RequestSpec {
            method,
            path,
            query,
            body: None,
            accept: ACCEPT_JSON,
            options: RequestOptions::default(),
            absolute_url: None,
            authorize: true,
            on_attempt: None,
        }
    }

    /// `"GET /balance"`, for messages and logs.
    pub(crate) fn operation(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A successful (2xx) response, body fully read.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// One API call, built but not sent. Await it (or call [`send`](Request::send)) to send it.
///
/// Customise it before sending:
///
/// ```no_run
/// # async fn run(request: telnyx::Request<String>) -> telnyx::Result<()> {
/// use std::time::Duration;
/// let value = request
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .await?;
/// # Ok(()) }
/// ```
///
/// # Retries and money safety
///
/// A failed attempt is retried (up to [`max_retries`](Request::max_retries) times, default
/// 2) when the failure is retryable: a connection error, a timeout, or status 408, 409, 429
/// or 5xx (`x-should-retry: true|false` from the server overrides the status rule). The wait
/// is what the server asked for (`retry-after-ms`, `Retry-After`), else an exponential
/// backoff; if the server asks for longer than
/// [`ClientBuilder::max_retry_wait`](crate::ClientBuilder::max_retry_wait), the error is
/// returned at once.
///
/// A request that is not idempotent (POST, PATCH), such as a payment, is **never** replayed
/// after an ambiguous failure (a timeout, a connection lost after sending, a 5xx, even with
/// `x-should-retry: true`), because
/// the server may already have acted on it — unless it carries an
/// [`idempotency_key`](Request::idempotency_key), which is sent as `Idempotency-Key` and is
/// the same on every attempt, so the server performs it at most once. Failures before the
/// request left (connection refused) and 429 responses (the server did not process the
/// request) are retried for every method.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<T> {
    client: Client,
    spec: Result<RequestSpec>,
    decode: fn(&RawResponse) -> Result<T>,
    _output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Request");
        match &self.spec {
            Ok(spec) => d
                .field("method", &spec.method)
                .field("path", &spec.path)
                .field("query", &spec.query.encode())
                .field("options", &spec.options),
            Err(e) => d.field("invalid", e),
        };
        d.finish()
    }
}

// Why the raw constructors below (`new`, `text`, `invalid`, `json_body`, and
// `ListRequest::new`/`invalid`) are `pub` but `#[doc(hidden)]`: they are not part of the API
// (they may change in any release, and they expose `http::Method`). The SDK's own
// integration tests (`tests/core_*.rs`) drive the generic send, retry and paging path
// through them with arbitrary paths, methods and bodies, which no resource method allows.
// Nothing else in the workspace uses them; resources use `get` and `list` below.

impl<T: DeserializeOwned> Request<T> {
    /// A request whose response is `{"data": T}`. `path` is relative to the base URL
    /// (e.g. `/balance`); `query` is sent as built. Not part of the API: see the SDK's
    /// tests.
    #[doc(hidden)]
    pub fn new(client: Client, method: Method, path: impl Into<String>, query: Query) -> Self {
        Request {
            client,
            spec: Ok(RequestSpec::new(method, path.into(), query)),
            decode: decode_data::<T>,
            _output: PhantomData,
        }
    }
}

impl Request<String> {
    /// A request whose response is raw text (sent with `Accept: text/csv`). Not part of the
    /// API: see the SDK's tests.
    #[doc(hidden)]
    pub fn text(client: Client, method: Method, path: impl Into<String>, query: Query) -> Self {
        let mut spec = RequestSpec::new(method, path.into(), query);
        spec.accept = ACCEPT_CSV;
        Request {
            client,
            spec: Ok(spec),
            decode: decode_text,
            _output: PhantomData,
        }
    }
}

impl<T> Request<T> {
    /// A GET of an absolute URL (such as an invoice's `download_url`), through the same
    /// send/retry/timeout path as every API call, decoded by `decode`.
    ///
    /// `url` may be relative (resolved against the base URL). The API key (`Authorization`)
    /// and the client's default headers are sent **only** when the URL's origin (scheme,
    /// host, port) equals the base URL's: a download link is usually pre-signed on another
    /// host, which must never see the key. (On a redirect to another host or port, reqwest
    /// itself drops `Authorization`.) Errors and tracing spans name the URL without its
    /// query, which may hold a signature.
    pub(crate) fn absolute_get(
        client: Client,
        url: &str,
        accept: &'static str,
        decode: fn(&RawResponse) -> Result<T>,
    ) -> Self {
        let spec = absolute_spec(&client, url, accept);
        Request {
            client,
            spec,
            decode,
            _output: PhantomData,
        }
    }

    /// A request that failed validation: awaiting it returns `error` without any I/O. Not
    /// part of the API: see the SDK's tests.
    #[doc(hidden)]
    pub fn invalid(client: Client, error: Error) -> Self {
        Request {
            client,
            spec: Err(error),
            // Never called: `send` returns the spec's error before decoding anything.
            decode: |_| Err(Error::decode("request was not built")),
            _output: PhantomData,
        }
    }

    /// Sends `body` as JSON (`Content-Type: application/json`). Not part of the API: see
    /// the SDK's tests.
    #[doc(hidden)]
    pub fn json_body(mut self, body: serde_json::Value) -> Self {
        if let Ok(spec) = &mut self.spec {
            spec.body = Some(body);
        }
        self
    }

    fn map_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        if let Ok(spec) = &mut self.spec {
            spec.options = f(std::mem::take(&mut spec.options));
        }
        self
    }

    request_option_setters!();

    /// Sends `Idempotency-Key: <key>` on every attempt, which also makes a POST or PATCH
    /// safe to retry. Takes a string or an [`IdempotencyKey`]: 1 to 255 characters of
    /// `A-Z a-z 0-9 _ : -`; anything else makes the request fail with
    /// [`InvalidRequest`](crate::ErrorKind::InvalidRequest) before any I/O.
    pub fn idempotency_key(mut self, key: impl AsRef<str>) -> Self {
        match IdempotencyKey::new(key.as_ref()) {
            Ok(key) => self.map_options(|o| o.idempotency_key(key)),
            Err(e) => {
                self.spec = Err(e);
                self
            }
        }
    }
}

impl<T: Send + 'static> Request<T> {
    /// Sends the request (with retries) and decodes the response.
    pub async fn send(self) -> Result<T> {
        self.send_with_response().await.map(|(value, _)| value)
    }

    /// Sends the request and returns the decoded value with the response's status,
    /// headers, request id and rate-limit figures. Await it:
    /// `let (value, response) = request.with_response().await?;`
    pub fn with_response(self) -> BoxFuture<Result<(T, ResponseMeta)>> {
        Box::pin(self.send_with_response())
    }

    async fn send_with_response(self) -> Result<(T, ResponseMeta)> {
        let spec = self.spec?;
        let raw = execute(&self.client, &spec).await?;
        let value = (self.decode)(&raw).map_err(|e| {
            e.with_operation(spec.operation())
                .with_response_headers(&raw.headers)
        })?;
        Ok((value, ResponseMeta::new(raw.status, &raw.headers)))
    }
}

impl<T: Send + 'static> IntoFuture for Request<T> {
    type Output = Result<T>;
    type IntoFuture = BoxFuture<Result<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The spec of [`Request::absolute_get`]: resolves `raw`, decides whether it may carry the key.
fn absolute_spec(client: &Client, raw: &str, accept: &'static str) -> Result<RequestSpec> {
    let shown: String = raw
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let bad = |why: String| Error::decode(format!("unusable URL {shown:?} from the API: {why}"));
    let base = &client.inner.base;
    let url = base.join(raw.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https".into()));
    }
    let mut without_query = url.clone();
    without_query.set_query(None);
    without_query.set_fragment(None);
    // Userinfo, like the query, may be a credential: never shown (infallible for http(s)).
    let _ = without_query.set_username("");
    let _ = without_query.set_password(None);
    let mut spec = RequestSpec::new(Method::GET, without_query.to_string(), Query::new());
    spec.authorize = url.origin() == base.origin();
    spec.absolute_url = Some(url);
    spec.accept = accept;
    Ok(spec)
}

/// A `GET` of `path` answered with `{"data": T}`, or a request that returns the
/// violation of its checked `query` without any I/O: the body of every one-object call.
pub(crate) fn get<T: DeserializeOwned>(
    client: &Client,
    path: impl Into<String>,
    query: std::result::Result<Query, Violation>,
) -> Request<T> {
    match query {
        Ok(query) => Request::new(client.clone(), Method::GET, path, query),
        Err(violation) => Request::invalid(client.clone(), Error::invalid_request(violation)),
    }
}

/// `prefix/{id}` with `id` encoded as one path segment; an empty id is a violation of
/// `operation`'s `id` parameter.
pub(crate) fn path_with_id(
    operation: &'static str,
    prefix: &str,
    id: &str,
) -> std::result::Result<String, Violation> {
    if id.is_empty() {
        return Err(Violation::new(
            operation,
            "id",
            Rule::NotEmpty,
            "the id must not be empty: copy one from the matching list call",
        ));
    }
    Ok(format!(
        "{prefix}/{}",
        crate::query::encode_path_segment(id)
    ))
}

/// What went wrong in one attempt.
enum AttemptError {
    /// The request never left (connect failure).
    NotSent(Error),
    /// It may have reached the server.
    Ambiguous(Error),
    /// The server answered with a non-success status.
    Status {
        status: u16,
        headers: HeaderMap,
        body: Bytes,
    },
}

/// Sends `spec` with the client's retry policy; `Ok` only for a 2xx response.
pub(crate) async fn execute(client: &Client, spec: &RequestSpec) -> Result<RawResponse> {
    let inner = &client.inner;
    let body = match &spec.body {
        Some(value) => Some(Bytes::from(serde_json::to_vec(value).map_err(|e| {
            Error::decode(format!(
                "the request body could not be encoded as JSON: {e}"
            ))
            .with_source(e)
        })?)),
        None => None,
    };
    // Credentials (and caller-set default headers) go to the API's origin only.
    let mut headers = if spec.authorize {
        let mut headers = inner.default_headers.clone();
        headers.insert(AUTHORIZATION, inner.authorization.clone());
        headers
    } else {
        HeaderMap::new()
    };
    headers.insert(ACCEPT, HeaderValue::from_static(spec.accept));
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(crate::client::USER_AGENT),
    );
    if body.is_some() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ACCEPT_JSON));
    }
    if let Some(key) = &spec.options.idempotency_key {
        headers.insert("idempotency-key", key.header_value());
    }

    let url = match &spec.absolute_url {
        Some(url) => url.clone(),
        None => client.url(&spec.path, &spec.query),
    };
    let timeout = spec.options.timeout.unwrap_or(inner.timeout);
    let logged_query = match &spec.absolute_url {
        Some(_) => String::new(),
        None => spec.query.encode(),
    };
    let mut policy = inner.retry;
    if let Some(n) = spec.options.max_retries {
        policy.max_retries = n;
    }
    let replay_safe = retry::is_idempotent(&spec.method) || spec.options.idempotency_key.is_some();

    let mut retries_done: u32 = 0;
    loop {
        let attempt = retries_done + 1;
        let span = tracing::debug_span!(
            "telnyx.request",
            method = %spec.method,
            path = %spec.path,
            // The API's own query (filters, paging); never an absolute link's, which may
            // carry a signed token.
            query = %logged_query,
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let request = inner
            .http
            .request(spec.method.clone(), url.clone())
            .headers(headers.clone());
        let request = match &body {
            Some(b) => request.body(b.clone()),
            None => request,
        };
        let outcome = async {
            match tokio::time::timeout(timeout, send_once(request)).await {
                Ok(result) => result,
                Err(_) => Err(AttemptError::Ambiguous(Error::timeout(timeout))),
            }
        }
        .instrument(span.clone())
        .await;
        let latency = started.elapsed();
        span.record("duration_ms", latency.as_millis() as u64);
        if let Some(observe) = &spec.on_attempt {
            match &outcome {
                Ok(raw) => observe(latency, Some(raw.status), Some(&raw.headers)),
                Err(AttemptError::Status {
                    status, headers, ..
                }) => observe(latency, Some(*status), Some(headers)),
                Err(_) => observe(latency, None, None),
            }
        }

        let (error, delay) = match outcome {
            Ok(raw) => {
                span.record("status", raw.status);
                if let Some(id) = crate::error::request_id_from(&raw.headers) {
                    span.record("request_id", id.as_str());
                }
                return Ok(raw);
            }
            Err(AttemptError::Status {
                status,
                headers: resp_headers,
                body,
            }) => {
                span.record("status", status);
                if let Some(id) = crate::error::request_id_from(&resp_headers) {
                    span.record("request_id", id.as_str());
                }
                let failure = Failure::Status {
                    status,
                    headers: &resp_headers,
                };
                let delay = retry::retry_delay(
                    &policy,
                    replay_safe,
                    &failure,
                    retries_done,
                    SystemTime::now(),
                );
                let err = Error::from_response(status, &resp_headers, &body);
                (err, delay)
            }
            Err(AttemptError::NotSent(err)) => {
                let delay = retry::retry_delay(
                    &policy,
                    replay_safe,
                    &Failure::NotSent,
                    retries_done,
                    SystemTime::now(),
                );
                (err, delay)
            }
            Err(AttemptError::Ambiguous(err)) => {
                let delay = retry::retry_delay(
                    &policy,
                    replay_safe,
                    &Failure::Ambiguous,
                    retries_done,
                    SystemTime::now(),
                );
                (err, delay)
            }
        };
        let error = error.with_operation(spec.operation());
        match delay {
            Some(delay) if retries_done < policy.max_retries => {
                span.in_scope(|| {
                    tracing::debug!(
                        delay_ms = delay.as_millis() as u64,
                        error = %error,
                        "retrying"
                    )
                });
                tokio::time::sleep(delay).await;
                retries_done += 1;
            }
            _ => return Err(error),
        }
    }
}

async fn send_once(
    request: reqwest::RequestBuilder,
) -> std::result::Result<RawResponse, AttemptError> {
    let response = request.send().await.map_err(classify_transport)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(classify_transport)?;
    if status.is_success() {
        Ok(RawResponse {
            status: status.as_u16(),
            headers,
            body,
        })
    } else {
        Err(AttemptError::Status {
            status: status.as_u16(),
            headers,
            body,
        })
    }
}

fn classify_transport(e: reqwest::Error) -> AttemptError {
    if e.is_connect() {
        AttemptError::NotSent(Error::not_connected(
            "could not connect to the API; check the base URL and your network",
            e,
        ))
    } else if e.is_timeout() {
        AttemptError::Ambiguous(
            Error::timed_out(
                "the HTTP client timed out; raise the timeout of the reqwest::Client \
                 passed to ClientBuilder::http_client",
            )
            .with_source(e),
        )
    } else {
        AttemptError::Ambiguous(Error::connection(
            "the connection failed before a complete response arrived",
            e,
        ))
    }
}

#[derive(Deserialize)]
struct DataEnvelope<T> {
    data: T,
}

/// Decodes `bytes` as JSON into `T`, naming the failing path (e.g. `data[3].amount_cents`).
///
/// The common case (a valid body) goes through plain `serde_json`; only when that fails is
/// the body decoded again through `serde_path_to_error`, whose bookkeeping costs ~20 % of
/// the decode, to build an error that names the JSON path.
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    // One UTF-8 check of the whole body is cheaper than one per string (`from_slice`).
    let fast = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str::<T>(text),
        Err(_) => serde_json::from_slice::<T>(bytes),
    };
    match fast {
        Ok(value) => Ok(value),
        Err(_) => Err(decode_json_error::<T>(bytes)),
    }
}

/// The error of decoding `bytes` into `T`, naming the failing path: the slow path of
/// [`decode_json`], run only after the fast decode failed.
#[cold]
#[inline(never)]
fn decode_json_error<T: DeserializeOwned>(bytes: &[u8]) -> Error {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Error::decode("expected a JSON response but the body was empty");
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path.is_empty() || path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        Error::decode(format!(
            "could not decode the response{at}: {inner}; body: {}",
            body_excerpt(bytes)
        ))
        .with_source(inner)
    });
    match result.and_then(|_| {
        de.end().map_err(|e| {
            Error::decode(format!(
                "the response has data after its JSON value: {e}; body: {}",
                body_excerpt(bytes)
            ))
            .with_source(e)
        })
    }) {
        Err(e) => e,
        // Unreachable in practice: the same bytes decoded by the same deserializer, once
        // without and once with path tracking.
        Ok(()) => Error::decode(format!(
            "could not decode the response; body: {}",
            body_excerpt(bytes)
        )),
    }
}

/// Decodes `{"data": T}`.
pub(crate) fn decode_data<T: DeserializeOwned>(raw: &RawResponse) -> Result<T> {
    decode_json::<DataEnvelope<T>>(&raw.body).map(|env| env.data)
}

/// Takes the body as UTF-8 text.
pub(crate) fn decode_text(raw: &RawResponse) -> Result<String> {
    String::from_utf8(raw.body.to_vec()).map_err(|e| {
        Error::decode(format!(
            "the response is not UTF-8 text: {e}; body: {}",
            body_excerpt(&raw.body)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn raw(body: &[u8]) -> RawResponse {
        RawResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: Bytes::copy_from_slice(body),
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        amount_cents: i64,
        note: Option<String>,
    }

    #[test]
    fn decode_error_names_the_path() {
        let body = br#"{"data":[{"id":"a","amount_cents":1},{"id":"b","amount_cents":"x"}]}"#;
        let err = decode_data::<Vec<Item>>(&raw(body)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("data[1].amount_cents"), "{text}");
        assert!(text.contains("body:"), "{text}");
    }

    #[test]
    fn empty_and_non_json_bodies() {
        let e = decode_data::<Item>(&raw(b"")).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let e = decode_data::<Item>(&raw(b"<html>oops</html>")).unwrap_err();
        assert!(e.to_string().contains("<html>oops"), "{e}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512), status in 400u16..600) {
            let _ = decode_data::<Item>(&raw(&body));
            let _ = decode_data::<serde_json::Value>(&raw(&body));
            let _ = crate::pagination::decode_page::<serde_json::Value>(&body);
            let e = Error::from_response(status, &HeaderMap::new(), &body);
            let _ = e.to_string();
        }

        #[test]
        fn json_like_bodies_never_panic(body in r#"\{"(data|errors|meta)":[\[\]{}0-9a-z",:]{0,40}"#) {
            let _ = decode_data::<Item>(&raw(body.as_bytes()));
            let _ = crate::pagination::decode_page::<Item>(body.as_bytes());
            let _ = Error::from_response(500, &HeaderMap::new(), body.as_bytes()).to_string();
        }
    }
}
