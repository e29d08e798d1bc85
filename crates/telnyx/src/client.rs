//! [`Client`] and [`ClientBuilder`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;

use crate::error::{Error, Result};
use crate::query::Query;
use crate::retry::RetryPolicy;
use crate::violation::{Rule, Violation};

/// The production API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.telnyx.com/v2";

/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default cap on any wait between attempts.
pub const DEFAULT_MAX_RETRY_WAIT: Duration = Duration::from_secs(60);
/// Default first backoff step (doubles per retry, at most 8 s).
pub const DEFAULT_INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);

/// The `User-Agent` the SDK sends.
pub(crate) const USER_AGENT: &str = concat!("telnyx-rust/", env!("CARGO_PKG_VERSION"));

/// The operation named by configuration violations.
const BUILD: &str = "ClientBuilder::build";
/// The form a base URL must have.
const HTTP_URL: &str = "an http(s) URL without query, fragment or credentials";

const NO_KEY: &str = "no API key: set TELNYX_API_KEY or pass one to Client::new";

/// A Telnyx API client.
///
/// Cheap to clone (the state is shared behind an `Arc`), `Send + Sync`. Its `Debug` output
/// never shows the API key.
///
/// ```no_run
/// # async fn run() -> telnyx::Result<()> {
/// let client = telnyx::Client::new("KEY...")?;
/// let from_env = telnyx::Client::from_env()?; // TELNYX_API_KEY, TELNYX_BASE_URL
/// let tuned = telnyx::Client::builder()
///     .api_key("KEY...")
///     .timeout(std::time::Duration::from_secs(20))
///     .max_retries(4)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// `base_url`, parsed once: request URLs are built from it without parsing the scheme
    /// and host again on every call.
    pub(crate) base: reqwest::Url,
    /// `Bearer <key>`, marked sensitive.
    pub(crate) authorization: HeaderValue,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &i.timeout)
            .field("max_retries", &i.retry.max_retries)
            .field("max_retry_wait", &i.retry.max_retry_wait)
            .field(
                "default_headers",
                &i.default_headers.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Client {
    /// A client for the production API with this key and default settings.
    ///
    /// An empty key is a [`Configuration`](crate::ErrorKind::Configuration) error.
    pub fn new(api_key: impl Into<String>) -> Result<Client> {
        Client::builder().api_key(api_key).build()
    }

    /// A client configured from `TELNYX_API_KEY` and, if set, `TELNYX_BASE_URL`.
    ///
    /// An empty variable counts as unset; a missing key is a
    /// [`Configuration`](crate::ErrorKind::Configuration) error.
    pub fn from_env() -> Result<Client> {
        Client::builder().from_env().build()
    }

    /// A builder to configure every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL, without a trailing slash (e.g. `https://api.telnyx.com/v2`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The full URL of `path` (relative to the base URL) with `query`: the pre-parsed base
    /// URL with `path` appended to its path and `query` set as encoded.
    pub(crate) fn url(&self, path: &str, query: &Query) -> reqwest::Url {
        let mut url = self.inner.base.clone();
        let base_path = url.path().trim_end_matches('/');
        let mut full = String::with_capacity(base_path.len() + path.len() + 1);
        full.push_str(base_path);
        if !path.starts_with('/') {
            full.push('/');
        }
        full.push_str(path);
        url.set_path(&full);
        if !query.is_empty() {
            url.set_query(Some(&query.encode()));
        }
        url
    }
}

/// Configures a [`Client`]; finish with [`build`](ClientBuilder::build).
#[derive(Default, Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_retry_wait: Option<Duration>,
    initial_retry_delay: Option<Duration>,
    default_headers: Vec<(String, String)>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer <key>`. Required.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Takes the key from `TELNYX_API_KEY` and the base URL from `TELNYX_BASE_URL`, when
    /// set and not empty (settings made before this call are overridden only then).
    pub fn from_env(mut self) -> Self {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
        if let Some(key) = var("TELNYX_API_KEY") {
            self.api_key = Some(key);
        }
        if let Some(url) = var("TELNYX_BASE_URL") {
            self.base_url = Some(url);
        }
        self
    }

    /// The base URL (default [`DEFAULT_BASE_URL`]); an `http` or `https` URL, with or
    /// without a trailing slash.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The time limit of one attempt, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The time limit to open a connection (default 10 s). Ignored with
    /// [`http_client`](ClientBuilder::http_client): configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed request is retried (default 2, so 3 attempts at most).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// The longest wait between two attempts (default 60 s). It caps the computed backoff;
    /// when the server asks (with `Retry-After`) for a longer wait, the SDK does not retry
    /// and returns the error, whose [`Error::retry_after`] tells how long the server asked.
    pub fn max_retry_wait(mut self, max_wait: Duration) -> Self {
        self.max_retry_wait = Some(max_wait);
        self
    }

    /// The first backoff step when the server gives no `Retry-After` (default 500 ms); it
    /// doubles on every retry up to 8 s and is jittered down by up to 25 %.
    pub fn initial_retry_delay(mut self, delay: Duration) -> Self {
        self.initial_retry_delay = Some(delay);
        self
    }

    /// A header sent with every request. `Accept`, `Content-Type` and `User-Agent` are
    /// overridden by the SDK; `Authorization` and `Idempotency-Key` are refused by
    /// [`build`](ClientBuilder::build) (use [`api_key`](ClientBuilder::api_key) and
    /// [`Request::idempotency_key`](crate::Request::idempotency_key)).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Sends through this `reqwest::Client` (to share a connection pool, or for proxies
    /// and custom TLS roots). The per-attempt timeout still applies. Response compression
    /// is then that client's setting: the SDK's own client asks for gzip and deflate.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// Fails with a [`Configuration`](crate::ErrorKind::Configuration) error for a missing
    /// or empty key, a base URL that is not `http(s)`, or an invalid header.
    pub fn build(self) -> Result<Client> {
        let key = self
            .api_key
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| {
                Error::configuration(Violation::new(BUILD, "api_key", Rule::NotEmpty, NO_KEY))
            })?;
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {}", key.trim())).map_err(|_| {
                Error::configuration(Violation::new(
                    BUILD,
                    "api_key",
                    Rule::Format {
                        expected: "characters that can be sent in an HTTP header",
                    },
                    "the API key contains characters that cannot be sent in an HTTP header; \
                     copy it again from the Telnyx portal",
                ))
            })?;
        authorization.set_sensitive(true);

        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let base = reqwest::Url::parse(&base_url).map_err(|e| {
            Error::configuration(Violation::new(
                BUILD,
                "base_url",
                Rule::Format { expected: HTTP_URL },
                format!("invalid base URL {base_url:?}: {e}"),
            ))
            .with_source(e)
        })?;

        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::configuration(
                    Violation::new(
                        BUILD,
                        "default_header",
                        Rule::Format {
                            expected: "a valid HTTP header name",
                        },
                        format!("default header name {name:?} is not a valid HTTP header name"),
                    )
                    .with_value(name),
                )
            })?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::configuration(Violation::new(
                    BUILD,
                    "default_header",
                    Rule::Format {
                        expected: "a valid HTTP header value",
                    },
                    format!(
                        "default header {name:?} has a value that is not a valid HTTP header value"
                    ),
                ))
            })?;
            if header_name == http::header::AUTHORIZATION || header_name == "idempotency-key" {
                return Err(Error::configuration(
                    Violation::new(
                        BUILD,
                        "default_header",
                        Rule::Reserved,
                        format!(
                            "default header {name:?} is set by the SDK: pass the key with \
                             ClientBuilder::api_key and idempotency keys with \
                             Request::idempotency_key"
                        ),
                    )
                    .with_value(name),
                ));
            }
            default_headers.append(header_name, header_value);
        }

        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| {
                    Error::setup(format!("could not set up the HTTP client: {e}")).with_source(e)
                })?,
        };

        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                base,
                authorization,
                default_headers,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: RetryPolicy {
                    max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                    max_retry_wait: self.max_retry_wait.unwrap_or(DEFAULT_MAX_RETRY_WAIT),
                    initial_delay: self
                        .initial_retry_delay
                        .unwrap_or(DEFAULT_INITIAL_RETRY_DELAY),
                },
            }),
        })
    }
}

fn normalize_base_url(raw: &str) -> Result<String> {
    let trimmed = raw.trim();
    let shown: String = trimmed.chars().take(100).collect();
    let bad = |why: &str| {
        let violation = Violation::new(
            BUILD,
            "base_url",
            Rule::Format { expected: HTTP_URL },
            format!(
                "invalid base URL {shown:?}: {why}; use an http(s) URL such as {DEFAULT_BASE_URL}"
            ),
        );
        // A URL with userinfo may hold a credential: its value is not kept.
        Error::configuration(if shown.contains('@') {
            violation
        } else {
            violation.with_value(&shown)
        })
    };
    let url = reqwest::Url::parse(trimmed).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("it must not contain credentials"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_forms() {
        assert_eq!(
            normalize_base_url("https://api.telnyx.com/v2/").unwrap(),
            "https://api.telnyx.com/v2"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080/v2").unwrap(),
            "http://127.0.0.1:8080/v2"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(normalize_base_url("ftp://x/v2").is_err());
        assert!(normalize_base_url("not a url").is_err());
        assert!(normalize_base_url("").is_err());
    }

    #[test]
    fn url_building() {
        let c = Client::builder()
            .api_key("k")
            .base_url("http://h/v2/")
            .build()
            .unwrap();
        assert_eq!(
            c.url("/balance", &Query::new()).as_str(),
            "http://h/v2/balance"
        );
        assert_eq!(
            c.url("invoices", &Query::new().push("page[number]", "2"))
                .as_str(),
            "http://h/v2/invoices?page%5Bnumber%5D=2"
        );
        let root = Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:8080/")
            .build()
            .unwrap();
        assert_eq!(
            root.url("/balance", &Query::new()).as_str(),
            "http://127.0.0.1:8080/balance"
        );
        // The same bytes as parsing the whole string, for awkward paths and queries.
        for (path, query) in [
            ("/a%20b/c", "x=1&y=%5B%5D"),
            ("/x/'q'", "a='b'&c=%22"),
            ("/détail", "k=v%C3%A9"),
        ] {
            let q = Query::new().push("k", query);
            let built = c.url(path, &q);
            let parsed = reqwest::Url::parse(&format!("http://h/v2{path}?{}", q.encode())).unwrap();
            assert_eq!(built.as_str(), parsed.as_str());
        }
    }

    #[test]
    fn authorization_is_sensitive_and_reserved_headers_are_refused() {
        let c = Client::new("KEY_SECRET_ABC123").unwrap();
        assert!(c.inner.authorization.is_sensitive());
        assert!(!format!("{:?}", c.inner.authorization).contains("SECRET"));
        for name in ["Authorization", "idempotency-key"] {
            let err = Client::builder()
                .api_key("k")
                .default_header(name, "x")
                .build()
                .unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Configuration);
        }
    }

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }
}
