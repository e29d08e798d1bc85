//! The router, startup and shutdown, and the middleware pipeline: request id and log,
//! fault rules, authentication, rate limiting.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::EmulatorConfig;
use crate::error::{self, default_for_status, error_body, ApiError};
use crate::routes::{self, Acct};
use crate::store::Store;
use crate::util::{key_hash, ts_ms};

/// Capacity of the recent-requests ring buffer.
pub const REQUEST_LOG_CAPACITY: usize = 1000;

/// The request log and the rate-limit table are sharded so that concurrent requests do not
/// serialize on one lock.
const LOG_SHARDS: usize = 8;
const RATE_SHARDS: usize = 16;

/// A fault rule: matching requests get this response (and/or latency) instead of the real one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FaultRule {
    /// Assigned id.
    #[serde(default)]
    pub id: u64,
    /// HTTP method to match (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Path prefix to match, e.g. `/v2/balance`.
    #[serde(default = "default_prefix")]
    pub path_prefix: String,
    /// Status to answer; when absent, only `latency_ms` applies and the request proceeds.
    #[serde(default)]
    pub status: Option<u16>,
    /// Extra response headers, e.g. `Retry-After`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Body: a string (sent as is) or JSON; default is a Telnyx error for the status.
    #[serde(default)]
    pub body: Option<Value>,
    /// Delay before answering (or proceeding), in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// How many requests it applies to (unlimited when absent).
    #[serde(default)]
    pub times: Option<u64>,
    /// How many applications are left (unlimited when absent).
    #[serde(default)]
    pub remaining: Option<u64>,
}

fn default_prefix() -> String {
    "/".into()
}

/// One entry of the recent-requests log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEntry {
    /// Sequence number.
    pub seq: u64,
    /// When the request arrived.
    pub at: String,
    /// Request id (also sent as `x-request-id`).
    pub request_id: String,
    /// Method.
    pub method: String,
    /// Path (as sent, percent-encoded).
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Response status.
    pub status: u16,
    /// Short hash of the API key (never the key).
    pub api_key_hash: Option<String>,
    /// Idempotency-Key header.
    pub idempotency_key: Option<String>,
    /// Request body size from Content-Length.
    pub body_size: u64,
    /// Time to answer, in microseconds.
    pub duration_us: u64,
    /// The fault rule that answered or delayed it.
    pub fault_id: Option<u64>,
}

/// Shared state of a running emulator.
#[derive(Debug)]
pub struct App {
    /// Configuration.
    pub config: EmulatorConfig,
    /// Accounts.
    pub store: Store,
    /// `http://host:port` (no `/v2`).
    pub origin: String,
    /// Fault rules.
    pub faults: Mutex<Vec<FaultRule>>,
    fault_count: AtomicUsize,
    next_fault_id: AtomicU64,
    /// Recent requests, sharded by sequence number (each shard holds its share of the capacity).
    log: Vec<Mutex<VecDeque<LogEntry>>>,
    seq: AtomicU64,
    rate: Vec<Mutex<HashMap<String, (u64, u32)>>>,
    allowed: Vec<String>,
}

impl App {
    /// New state.
    pub fn new(config: EmulatorConfig, store: Store, addr: SocketAddr) -> App {
        let host = if addr.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        } else {
            addr
        };
        App {
            allowed: config.api_keys.clone(),
            config,
            store,
            origin: format!("http://{host}"),
            faults: Mutex::new(Vec::new()),
            fault_count: AtomicUsize::new(0),
            next_fault_id: AtomicU64::new(1),
            log: (0..LOG_SHARDS)
                .map(|_| Mutex::new(VecDeque::new()))
                .collect(),
            seq: AtomicU64::new(0),
            rate: (0..RATE_SHARDS)
                .map(|_| Mutex::new(HashMap::new()))
                .collect(),
        }
    }

    /// Adds a fault rule and returns it with its id.
    pub fn add_fault(&self, mut rule: FaultRule) -> FaultRule {
        rule.id = self.next_fault_id.fetch_add(1, Ordering::Relaxed);
        rule.remaining = rule.times;
        let mut f = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        f.push(rule.clone());
        self.fault_count.store(f.len(), Ordering::Release);
        rule
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) -> usize {
        let mut f = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let n = f.len();
        f.clear();
        self.fault_count.store(0, Ordering::Release);
        n
    }

    fn take_fault(&self, method: &str, path: &str) -> Option<FaultRule> {
        if self.fault_count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut f = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        let i = f.iter().position(|r| {
            r.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && path.starts_with(&r.path_prefix)
                && r.remaining != Some(0)
        })?;
        let rule = f[i].clone();
        if let Some(n) = f[i].remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                f.remove(i);
            }
        }
        self.fault_count.store(f.len(), Ordering::Release);
        Some(rule)
    }

    /// The most recent `limit` log entries, oldest first.
    pub fn recent(&self, limit: usize) -> Vec<LogEntry> {
        let mut all: Vec<LogEntry> = Vec::new();
        for shard in &self.log {
            all.extend(
                shard
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .iter()
                    .cloned(),
            );
        }
        all.sort_by_key(|e| e.seq);
        let skip = all.len().saturating_sub(limit);
        all.split_off(skip)
    }

    /// Clears the request log.
    pub fn clear_log(&self) {
        for shard in &self.log {
            shard.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    fn push_log(&self, entry: LogEntry) {
        let shard = &self.log[(entry.seq % LOG_SHARDS as u64) as usize];
        let mut l = shard.lock().unwrap_or_else(|e| e.into_inner());
        if l.len() >= REQUEST_LOG_CAPACITY / LOG_SHARDS {
            l.pop_front();
        }
        l.push_back(entry);
    }

    /// Fixed one-second window per key: (allowed, limit, remaining, reset seconds).
    fn rate_check(&self, hash: &str, limit: u32) -> (bool, u32, u32, u64) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let window = now.as_secs();
        let shard = &self.rate[(crate::util::stable_hash(hash) % RATE_SHARDS as u64) as usize];
        let mut m = shard.lock().unwrap_or_else(|e| e.into_inner());
        let e = m.entry(hash.to_string()).or_insert((window, 0));
        if e.0 != window {
            *e = (window, 0);
        }
        e.1 = e.1.saturating_add(1);
        let ok = e.1 <= limit;
        (ok, limit, limit.saturating_sub(e.1), 1)
    }
}

fn fault_response(rule: &FaultRule) -> Option<Response> {
    let status = StatusCode::from_u16(rule.status?).ok()?;
    let (body, ctype) = match &rule.body {
        Some(Value::String(s)) => (s.clone().into_bytes(), "text/plain"),
        Some(v) => (
            serde_json::to_vec(v).unwrap_or_default(),
            "application/json",
        ),
        None => {
            let (code, title) = default_for_status(status);
            let b = error_body(
                code,
                title,
                &format!("Injected fault (rule {}).", rule.id),
                None,
            );
            (
                serde_json::to_vec(&b).unwrap_or_default(),
                "application/json",
            )
        }
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(ctype),
    );
    for (k, v) in &rule.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            r.headers_mut().append(n, v);
        }
    }
    Some(r)
}

fn bearer(req: &Request) -> Result<String, ApiError> {
    let v = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "The Authorization header is missing; send 'Authorization: Bearer <API key>'.",
            )
        })?;
    let malformed = || {
        ApiError::unauthorized("Could not understand the provided credentials; send 'Authorization: Bearer <API key>'.")
    };
    let s = v.to_str().map_err(|_| malformed())?;
    let (scheme, token) = s.trim().split_once(' ').ok_or_else(malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer")
        || token.is_empty()
        || token.len() > 1024
        || token.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(malformed());
    }
    Ok(token.to_string())
}

async fn pipeline(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let seq = app.seq.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = format!("emu-{seq:012x}");
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let control = path.starts_with("/_emulator");
    let query = req.uri().query().map(str::to_string);
    let idempotency_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(255).collect());
    let body_size = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0u64);
    let mut key_hash_opt = None;
    let mut fault_id = None;
    let mut rate_headers = None;

    let mut resp = 'done: {
        if control {
            break 'done next.run(req).await;
        }
        if let Some(rule) = app.take_fault(&method, &path) {
            fault_id = Some(rule.id);
            if rule.latency_ms > 0 {
                tokio::time::sleep(Duration::from_millis(rule.latency_ms.min(600_000))).await;
            }
            if let Some(r) = fault_response(&rule) {
                break 'done r;
            }
        }
        if path.starts_with("/v2/") || path == "/v2" {
            let key = match bearer(&req) {
                Ok(k) => k,
                Err(e) => break 'done e.into_response(),
            };
            if !app.allowed.is_empty() && !app.allowed.contains(&key) {
                break 'done ApiError::unauthorized(
                    "The API key is not accepted by this emulator (see --api-key).",
                )
                .into_response();
            }
            let hash = key_hash(&key);
            if let Some(limit) = app.config.rate_limit {
                let (ok, limit, remaining, reset) = app.rate_check(&hash, limit);
                rate_headers = Some((limit, remaining, reset));
                if !ok {
                    key_hash_opt = Some(hash);
                    break 'done ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "10011",
                        "Too many requests",
                        format!("Rate limit of {limit} requests per second exceeded; retry after {reset} s."),
                    )
                    .header(axum::http::header::RETRY_AFTER, HeaderValue::from(reset))
                    .into_response();
                }
            }
            key_hash_opt = Some(hash);
            match app.store.account(&key) {
                Ok(acct) => {
                    req.extensions_mut().insert(Acct(acct));
                }
                Err(e) => break 'done e.into_response(),
            }
        }
        next.run(req).await
    };

    if let Some((limit, remaining, reset)) = rate_headers {
        let h = resp.headers_mut();
        h.insert("x-ratelimit-limit", HeaderValue::from(limit));
        h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
        h.insert("x-ratelimit-reset", HeaderValue::from(reset));
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    if !control {
        let entry = LogEntry {
            seq,
            at: ts_ms(chrono::Utc::now()),
            request_id,
            method,
            path,
            query,
            status: resp.status().as_u16(),
            api_key_hash: key_hash_opt,
            idempotency_key,
            body_size,
            duration_us: u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
            fault_id,
        };
        finish_log(&app, entry);
    }
    resp
}

fn finish_log(app: &App, entry: LogEntry) {
    if app.config.log_requests {
        let q = entry
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let key = entry
            .api_key_hash
            .as_deref()
            .map(|h| &h[..8.min(h.len())])
            .unwrap_or("-");
        eprintln!(
            "{} {}{} -> {} {}us key={}",
            entry.method, entry.path, q, entry.status, entry.duration_us, key
        );
    }
    app.push_log(entry);
}

/// Builds the full router.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .merge(routes::router())
        .merge(crate::control::router())
        .fallback(error::route_not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), pipeline))
        .with_state(app)
}
