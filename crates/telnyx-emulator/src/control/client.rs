//! A typed client of a running emulator's control API (`/_emulator/...`), for one account.
//!
//! The CLI (`telnyx emulator advance|traffic`, `webhooks listen|trigger`,
//! `webhook-deliveries redeliver`), the CLI's tests and any other tool drive an emulator
//! through it instead of building control requests by hand:
//!
//! ```no_run
//! use telnyx_emulator::control_client::Client;
//!
//! # async fn demo() -> Result<(), telnyx_emulator::control_client::Error> {
//! let control = Client::new("http://127.0.0.1:4010/v2", "KEY_demo")?;
//! control.check().await?; // a Telnyx emulator answers there
//! control.set_webhook_url("http://127.0.0.1:8787/").await?;
//! let emitted = control.emit_event("message.finalized", None).await?;
//! println!("delivery {}", emitted.delivery_id);
//! # Ok(())
//! # }
//! ```
//!
//! The contract (DESIGN.md, "Control client"):
//! - **Addressing.** Any base URL of the emulator works (`http://HOST:PORT/v2` or the bare
//!   origin): the client keeps its origin. The account is the API key: it travels in the
//!   JSON body, or as `?api_key=` on GET and DELETE; never in a header, never in an error.
//! - **One retry policy.** A `503` from `POST /_emulator/events` or `.../redeliver` means the
//!   webhook queue was full and nothing was recorded, so those two are tried again, up to
//!   [`Builder::max_retries`] times, after the answer's `Retry-After` (1 s when absent, at most
//!   5 s). Nothing else is retried: connection errors and other answers are final.
//! - **Errors** ([`Error`]) say which call failed (`POST /_emulator/events`, no query), with the
//!   emulator's own error code and detail; a server that answers but is not an emulator is
//!   [`Error::NotEmulator`].
//! - **Tracing.** Each attempt is a `telnyx.request` span (method, path without query, attempt,
//!   status, duration_ms), the same span the SDK records, so `telnyx --debug` shows it.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tracing::Instrument;

use crate::config::{Advance, AdvanceReport, SeedReport, SeedRequest};

/// How long one attempt may take unless [`Builder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Retries after a `503` (queue full) unless [`Builder::max_retries`] says otherwise.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Longest wait a `Retry-After` may ask for between two attempts.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Why a control call failed. Messages never hold the API key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The base URL is not an `http://` or `https://` URL with a host.
    #[error("{base_url:?} is not an http:// URL of an emulator")]
    InvalidUrl {
        /// The URL as given.
        base_url: String,
    },
    /// The HTTP client could not be built (TLS backend or system configuration).
    #[error("building the HTTP client: {0}")]
    Client(String),
    /// Nothing answered at the emulator's address, or not in time.
    #[error("no emulator answered at {origin}: {cause}")]
    Unreachable {
        /// `http://HOST:PORT`.
        origin: String,
        /// The connection error's innermost cause, or `no answer in time`.
        cause: String,
        /// Whether the attempt timed out (rather than being refused or failing).
        timed_out: bool,
    },
    /// Something answered, but it is not a Telnyx emulator's control API.
    #[error("{origin} is not a Telnyx emulator: {why}")]
    NotEmulator {
        /// `http://HOST:PORT`.
        origin: String,
        /// What answered instead (`GET /_emulator/health: HTTP 404`).
        why: String,
    },
    /// The control API answered with an error.
    #[error("{op}: HTTP {status}: {detail}")]
    Rejected {
        /// `POST /_emulator/events` (no query).
        op: String,
        /// HTTP status.
        status: u16,
        /// The error's `code` (`emulator_no_webhook`), if any.
        code: Option<String>,
        /// The error's detail (or title).
        detail: String,
        /// `Retry-After` seconds, if sent.
        retry_after: Option<u64>,
    },
    /// A successful answer that is not what this version expects.
    #[error("unexpected answer to {op}: {problem}")]
    BadAnswer {
        /// `PUT /_emulator/webhooks`.
        op: String,
        /// What was wrong with it.
        problem: String,
    },
}

/// `GET /_emulator/health`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Health {
    /// `ok` when the emulator serves.
    pub status: String,
    /// Accounts in memory.
    #[serde(default)]
    pub accounts: u64,
}

/// `GET|PUT /_emulator/webhooks`: where the account's events go.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WebhookSettings {
    /// Where events go (`None`: delivery is off).
    pub url: Option<String>,
    /// Where an attempt goes after the primary failed, if set.
    pub failover_url: Option<String>,
    /// The account's Ed25519 verification key, base64.
    pub public_key: Option<String>,
}

/// `POST /_emulator/events`: the event emitted and its delivery.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Emitted {
    /// The event's id (`data.id` of the webhook).
    pub event_id: String,
    /// The delivery's id (`GET /v2/webhook_deliveries/{id}`).
    pub delivery_id: String,
    /// The URL it is sent to.
    pub url: Option<String>,
    /// Attempts the delivery gets at most: final once delivered or after this many.
    pub max_attempts: Option<u32>,
}

/// `POST /_emulator/webhook_deliveries/{id}/redeliver`: the new attempt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Redelivery {
    /// The delivery.
    pub delivery_id: String,
    /// The number of the attempt that was queued (1-based, over the delivery's life).
    pub attempt: u32,
}

/// `PUT /_emulator/traffic`: the account's usage per virtual day, by record type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    /// Records per virtual day, by record type (`messaging`, `call-control`, ...).
    pub per_day: BTreeMap<String, u64>,
}

/// `POST /_emulator/faults`: a rule that makes matching API requests fail or slow down.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fault {
    /// HTTP method to match (any when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path prefix to match, e.g. `/v2/balance`.
    pub path_prefix: String,
    /// Status to answer; when `None`, only `latency_ms` applies and the request proceeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Extra response headers, e.g. `Retry-After`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Body: a string (sent as is) or JSON; default: a Telnyx error for the status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Delay before answering (or proceeding), in milliseconds.
    pub latency_ms: u64,
    /// How many requests it applies to (all when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
}

/// One entry of `GET /_emulator/requests`, the emulator's log of API requests.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LoggedRequest {
    /// Sequence number.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path, without the query.
    pub path: String,
    /// The query, if any.
    pub query: Option<String>,
    /// The status answered.
    pub status: u16,
    /// The `Idempotency-Key` header, if sent.
    pub idempotency_key: Option<String>,
}

/// Member `name` of an answer, decoded.
fn pick<T: DeserializeOwned>(mut answer: Value, name: &str, op: &str) -> Result<T, Error> {
    let member = answer.get_mut(name).map(Value::take).unwrap_or(Value::Null);
    serde_json::from_value(member).map_err(|e| Error::BadAnswer {
        op: op.to_string(),
        problem: format!("{name}: {e}"),
    })
}

/// Which calls are tried again after a `503` (see the module's retry policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// One attempt.
    Never,
    /// Nothing was recorded on a `503`: up to `max_retries` more attempts.
    WhenFull,
}

/// Options of a [`Client`]: [`Client::builder`].
#[derive(Debug, Clone)]
pub struct Builder {
    base_url: String,
    api_key: String,
    timeout: Duration,
    max_retries: u32,
}

impl Builder {
    /// How long one attempt may take (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Builder {
        self.timeout = timeout;
        self
    }

    /// Retries of a call that got `503` (queue full; default [`DEFAULT_MAX_RETRIES`]).
    pub fn max_retries(mut self, n: u32) -> Builder {
        self.max_retries = n;
        self
    }

    /// The client, or [`Error::InvalidUrl`] for a base URL that is not `http(s)://HOST...`.
    pub fn build(self) -> Result<Client, Error> {
        let origin_text = origin_of(&self.base_url);
        let origin = reqwest::Url::parse(&origin_text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            .ok_or_else(|| Error::InvalidUrl {
                base_url: self.base_url.clone(),
            })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .build()
            .map_err(|e| Error::Client(e.to_string()))?;
        Ok(Client {
            http,
            origin,
            api_key: self.api_key,
            max_retries: self.max_retries,
        })
    }
}

/// The control API of the emulator at one address, for the account of one API key.
/// Cheap to clone. Its `Debug` shows the origin, never the key.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    origin: reqwest::Url,
    api_key: String,
    max_retries: u32,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client {{ origin: {:?}, .. }}", self.origin())
    }
}

/// The origin (`http://HOST:PORT`) of a base URL: without the trailing `/v2`.
pub fn origin_of(base_url: &str) -> String {
    base_url
        .trim()
        .trim_end_matches('/')
        .trim_end_matches("/v2")
        .trim_end_matches('/')
        .to_string()
}

impl Client {
    /// Options for the emulator at `base_url` (`http://HOST:PORT/v2` or `http://HOST:PORT`),
    /// account `api_key`.
    pub fn builder(base_url: &str, api_key: &str) -> Builder {
        Builder {
            base_url: base_url.to_string(),
            api_key: api_key.to_string(),
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
        }
    }

    /// The client with the default options.
    pub fn new(base_url: &str, api_key: &str) -> Result<Client, Error> {
        Client::builder(base_url, api_key).build()
    }

    /// `http://HOST:PORT`.
    pub fn origin(&self) -> String {
        self.origin.as_str().trim_end_matches('/').to_string()
    }

    /// `GET /_emulator/health` (sends no key: the server may not be an emulator).
    pub async fn health(&self) -> Result<Health, Error> {
        self.attempts(Method::GET, self.url(&["health"]), None, Retry::Never)
            .await
    }

    /// Checks that a Telnyx emulator answers here: [`Error::NotEmulator`] when something
    /// else does (a 404, or a health answer that is not `ok`).
    pub async fn check(&self) -> Result<(), Error> {
        let not_emulator = |why: String| Error::NotEmulator {
            origin: self.origin(),
            why,
        };
        match self.health().await {
            Ok(h) if h.status == "ok" => Ok(()),
            Ok(h) => Err(not_emulator(format!(
                "GET /_emulator/health answered status {:?}, not \"ok\"",
                h.status
            ))),
            Err(Error::Rejected { op, status, .. }) => {
                Err(not_emulator(format!("{op}: HTTP {status}")))
            }
            Err(Error::BadAnswer { op, problem }) => Err(not_emulator(format!("{op}: {problem}"))),
            Err(e) => Err(e),
        }
    }

    /// `POST /_emulator/reset`: forgets the account (it is seeded again on next use);
    /// whether it existed.
    pub async fn reset(&self) -> Result<bool, Error> {
        let n: u64 = self
            .field(
                Method::POST,
                &["reset"],
                Some(json!({})),
                "accounts_removed",
            )
            .await?;
        Ok(n > 0)
    }

    /// `POST /_emulator/seed`: seeds the account again at the given sizes.
    pub async fn seed(&self, request: &SeedRequest) -> Result<SeedReport, Error> {
        let body = serde_json::to_value(request).unwrap_or_else(|_| json!({}));
        self.call(Method::POST, &["seed"], Some(body), Retry::Never)
            .await
    }

    /// `POST /_emulator/faults`: adds a fault rule (for every account, so it carries no key);
    /// its id.
    pub async fn add_fault(&self, fault: &Fault) -> Result<u64, Error> {
        let body = serde_json::to_value(fault).unwrap_or_else(|_| json!({}));
        let added: Value = self
            .attempts(
                Method::POST,
                self.url(&["faults"]),
                Some(body),
                Retry::Never,
            )
            .await?;
        pick(added, "id", "POST /_emulator/faults")
    }

    /// `GET /_emulator/requests?limit=N`: the last `limit` API requests (every account),
    /// oldest first.
    pub async fn requests(&self, limit: usize) -> Result<Vec<LoggedRequest>, Error> {
        let mut url = self.url(&["requests"]);
        url.query_pairs_mut()
            .append_pair("limit", &limit.to_string());
        let log: Value = self.attempts(Method::GET, url, None, Retry::Never).await?;
        pick(log, "data", "GET /_emulator/requests")
    }

    /// `GET /_emulator/clock`: the account's virtual "now" (RFC 3339).
    pub async fn clock(&self) -> Result<String, Error> {
        self.field(Method::GET, &["clock"], None, "now").await
    }

    /// `POST /_emulator/clock/advance`: moves the account's clock and generates what happens
    /// in between (usage, recurring charges, auto-recharges, month closes, webhooks).
    pub async fn advance(&self, by: Advance) -> Result<AdvanceReport, Error> {
        let (field, value) = by.to_json();
        let body = Value::Object(Map::from_iter([(field.to_string(), value)]));
        self.call(
            Method::POST,
            &["clock", "advance"],
            Some(body),
            Retry::Never,
        )
        .await
    }

    /// `PUT /_emulator/traffic`: the account's usage per virtual day, by record type.
    pub async fn set_traffic(&self, per_day: &BTreeMap<String, u32>) -> Result<Traffic, Error> {
        let body = json!({ "per_day": per_day });
        self.call(Method::PUT, &["traffic"], Some(body), Retry::Never)
            .await
    }

    /// `GET /_emulator/webhooks`: where the account's events go.
    pub async fn webhook(&self) -> Result<WebhookSettings, Error> {
        self.call(Method::GET, &["webhooks"], None, Retry::Never)
            .await
    }

    /// `PUT /_emulator/webhooks`: sends the account's events to `url` (no failover).
    pub async fn set_webhook_url(&self, url: &str) -> Result<WebhookSettings, Error> {
        let body = json!({ "url": url });
        self.call(Method::PUT, &["webhooks"], Some(body), Retry::Never)
            .await
    }

    /// `DELETE /_emulator/webhooks`: stops delivery for the account; whether a URL was set.
    pub async fn delete_webhook(&self) -> Result<bool, Error> {
        self.field(Method::DELETE, &["webhooks"], None, "deleted")
            .await
    }

    /// `GET /_emulator/webhooks/public_key`: the account's webhook verification key (base64).
    pub async fn public_key(&self) -> Result<String, Error> {
        self.field(Method::GET, &["webhooks", "public_key"], None, "public_key")
            .await
    }

    /// `POST /_emulator/events`: emits one event now and queues its delivery (`payload`: the
    /// type's default one when `None`). Retried on `503` (queue full).
    pub async fn emit_event(
        &self,
        event_type: &str,
        payload: Option<Value>,
    ) -> Result<Emitted, Error> {
        let mut body = json!({ "event_type": event_type });
        if let Some(p) = payload {
            body["payload"] = p;
        }
        self.call(Method::POST, &["events"], Some(body), Retry::WhenFull)
            .await
    }

    /// `POST /_emulator/webhook_deliveries/{id}/redeliver`: one more attempt of a delivery,
    /// to the current URL. Retried on `503` (queue full).
    pub async fn redeliver(&self, delivery_id: &str) -> Result<Redelivery, Error> {
        let segments = ["webhook_deliveries", delivery_id, "redeliver"];
        self.call(Method::POST, &segments, Some(json!({})), Retry::WhenFull)
            .await
    }

    /// `ORIGIN/_emulator/SEGMENTS...`, each segment percent-encoded.
    fn url(&self, segments: &[&str]) -> reqwest::Url {
        let mut url = self.origin.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.clear().push("_emulator").extend(segments);
        }
        url
    }

    /// A call for the account: `{"api_key": K, ...body}` as the body (an object), or
    /// `?api_key=K` when there is no body.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<Value>,
        retry: Retry,
    ) -> Result<T, Error> {
        let mut url = self.url(segments);
        let body = match body {
            Some(mut b) => {
                if let Value::Object(m) = &mut b {
                    m.insert("api_key".into(), Value::from(self.api_key.as_str()));
                }
                Some(b)
            }
            None => {
                url.query_pairs_mut().append_pair("api_key", &self.api_key);
                None
            }
        };
        self.attempts(method, url, body, retry).await
    }

    /// A call for the account whose answer is one member, `name`, of an object.
    async fn field<T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<Value>,
        name: &str,
    ) -> Result<T, Error> {
        let op = format!("{method} {}", self.url(segments).path());
        let answer: Value = self.call(method, segments, body, Retry::Never).await?;
        pick(answer, name, &op)
    }

    /// Sends the request until it is answered for good (see [`Retry`]); the answer decoded.
    /// Each attempt is a `telnyx.request` span; the span's path has no query (it may hold the key).
    async fn attempts<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        url: reqwest::Url,
        body: Option<Value>,
        retry: Retry,
    ) -> Result<T, Error> {
        let body = body.map(|b| b.to_string());
        let op = format!("{method} {}", url.path());
        let mut shown = url.clone();
        shown.set_query(None);
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
                return serde_json::from_str(&text).map_err(|e| Error::BadAnswer {
                    op: op.clone(),
                    problem: e.to_string(),
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

    /// A connection error (never its URL: the query may hold the key).
    fn unreachable(&self, e: reqwest::Error) -> Error {
        let timed_out = e.is_timeout();
        let cause = if timed_out {
            "no answer in time".to_string()
        } else {
            let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(&e);
            let mut last = None;
            while let Some(c) = cur {
                last = Some(c.to_string());
                cur = c.source();
            }
            last.unwrap_or_else(|| e.without_url().to_string())
        };
        Error::Unreachable {
            origin: self.origin(),
            cause,
            timed_out,
        }
    }

    /// An error answer: the Telnyx-shaped body's first error, or a server that is not an
    /// emulator (a 404 or 405 without one).
    fn rejected(&self, op: &str, status: u16, retry_after: Option<u64>, text: &str) -> Error {
        #[derive(Deserialize)]
        struct ErrorBody {
            #[serde(default)]
            errors: Vec<ErrorItem>,
        }
        #[derive(Deserialize)]
        struct ErrorItem {
            code: Option<Value>,
            title: Option<String>,
            detail: Option<String>,
        }
        let first = serde_json::from_str::<ErrorBody>(text)
            .ok()
            .and_then(|b| b.errors.into_iter().next());
        let Some(first) = first else {
            if matches!(status, 404 | 405) {
                return Error::NotEmulator {
                    origin: self.origin(),
                    why: format!("{op}: HTTP {status}"),
                };
            }
            let shown: String = text.chars().take(200).collect();
            return Error::Rejected {
                op: op.to_string(),
                status,
                code: None,
                detail: if shown.trim().is_empty() {
                    "the emulator answered with an error".into()
                } else {
                    shown.trim().to_string()
                },
                retry_after,
            };
        };
        let code = first.code.map(|c| match c {
            Value::String(s) => s,
            other => other.to_string(),
        });
        let detail = first
            .detail
            .or(first.title)
            .unwrap_or_else(|| "the emulator answered with an error".into());
        Error::Rejected {
            op: op.to_string(),
            status,
            code,
            detail,
            retry_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every call against a real emulator on 127.0.0.1:0.
    #[tokio::test]
    async fn every_call_against_a_running_emulator() {
        let emu = crate::Emulator::start(crate::EmulatorConfig::default())
            .await
            .unwrap();
        let c = Client::new(&emu.base_url(), "KEY_control_client").unwrap();
        c.check().await.unwrap();
        assert_eq!(c.health().await.unwrap().status, "ok");
        let seeded = c
            .seed(&SeedRequest {
                detail_records: Some(3),
                detail_record_type: Some("messaging".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(seeded.detail_records >= 3);
        let before = c.clock().await.unwrap();
        let report = c.advance(Advance::Days(1)).await.unwrap();
        assert_eq!(report.from, before);
        assert_ne!(report.to, before);
        let per_day = BTreeMap::from([("messaging".to_string(), 7)]);
        assert_eq!(
            c.set_traffic(&per_day).await.unwrap().per_day["messaging"],
            7
        );

        // No webhook URL yet: the emulator's own code comes back, nothing is retried.
        match c.emit_event("message.sent", None).await {
            Err(Error::Rejected { status, code, .. }) => {
                assert_eq!(status, 409);
                assert_eq!(code.as_deref(), Some("emulator_no_webhook"));
            }
            other => panic!("{other:?}"),
        }
        let set = c.set_webhook_url("http://127.0.0.1:9/hooks").await.unwrap();
        assert_eq!(set.url.as_deref(), Some("http://127.0.0.1:9/hooks"));
        assert_eq!(set.public_key, Some(c.public_key().await.unwrap()));
        assert_eq!(c.webhook().await.unwrap().url, set.url);
        let emitted = c.emit_event("message.sent", None).await.unwrap();
        assert!(!emitted.delivery_id.is_empty());
        assert!(c.delete_webhook().await.unwrap());
        assert_eq!(c.webhook().await.unwrap().url, None);

        let id = c
            .add_fault(&Fault {
                method: Some("GET".into()),
                path_prefix: "/v2/balance".into(),
                status: Some(503),
                times: Some(1),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(id > 0);
        let balance = reqwest::Client::new()
            .get(format!("{}/balance", emu.base_url()))
            .bearer_auth("KEY_control_client")
            .send()
            .await
            .unwrap();
        assert_eq!(balance.status().as_u16(), 503);
        let log = c.requests(10).await.unwrap();
        assert!(log
            .iter()
            .any(|r| r.path == "/v2/balance" && r.status == 503));
        assert!(c.reset().await.unwrap());
        emu.shutdown().await;
    }

    #[tokio::test]
    async fn nothing_listening_is_unreachable_and_not_a_server_is_not_an_emulator() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = Client::new(&format!("http://127.0.0.1:{port}/v2"), "k").unwrap();
        assert!(matches!(
            c.check().await,
            Err(Error::Unreachable {
                timed_out: false,
                ..
            })
        ));
        // An HTTP server without the control API.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, axum::Router::new()).await });
        let c = Client::new(&format!("http://{addr}"), "k").unwrap();
        match c.check().await {
            Err(Error::NotEmulator { why, .. }) => {
                assert_eq!(why, "GET /_emulator/health: HTTP 404")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_origin_drops_the_api_path_and_only_http_urls_make_a_client() {
        assert_eq!(
            origin_of("http://127.0.0.1:4010/v2"),
            "http://127.0.0.1:4010"
        );
        assert_eq!(
            origin_of(" http://127.0.0.1:4010/v2/ "),
            "http://127.0.0.1:4010"
        );
        assert_eq!(origin_of("http://127.0.0.1:4010"), "http://127.0.0.1:4010");
        assert!(Client::new("http://127.0.0.1:4010/v2", "k").is_ok());
        for bad in ["127.0.0.1:4010", "ftp://h/", "not a url", ""] {
            assert!(
                matches!(Client::new(bad, "k"), Err(Error::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn segments_are_encoded_and_debug_hides_the_key() {
        let c = Client::new("http://127.0.0.1:4010/v2", "SECRET_key").unwrap();
        let url = c.url(&["webhook_deliveries", "a/b c", "redeliver"]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:4010/_emulator/webhook_deliveries/a%2Fb%20c/redeliver"
        );
        assert!(!format!("{c:?}").contains("SECRET"));
    }

    #[test]
    fn an_error_answer_without_a_telnyx_body_still_says_what_failed() {
        // (The emulator's own codes and a 404 from a non-emulator: the tests above.)
        let c = Client::new("http://127.0.0.1:4010", "k").unwrap();
        match c.rejected("PUT /_emulator/traffic", 500, Some(3), "  ") {
            Error::Rejected {
                detail,
                retry_after,
                ..
            } => {
                assert_eq!(detail, "the emulator answered with an error");
                assert_eq!(retry_after, Some(3));
            }
            other => panic!("{other:?}"),
        }
    }
}
