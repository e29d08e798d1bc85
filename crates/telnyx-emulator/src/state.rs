//! Shared state of a running emulator: the accounts, fault rules, the request log and the
//! rate-limit table.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{AdvanceReport, EmulatorConfig};
use crate::delivery::Deliveries;
use crate::domain::clock::AdvanceTo;
use crate::domain::StoreError;
use crate::store::{Account, Store};

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

/// Checks a fault rule before it is added (the control API and the console): a status in
/// 100..=599, a status or a latency, valid header names and values. The error names the field
/// (`""` for the rule as a whole).
pub fn check_fault(rule: &FaultRule) -> Result<(), StoreError> {
    if let Some(s) = rule.status {
        if !(100..=599).contains(&s) {
            return Err(StoreError::invalid(
                "status",
                "status must be between 100 and 599.",
            ));
        }
    }
    if rule.status.is_none() && rule.latency_ms == 0 {
        return Err(StoreError::invalid(
            "",
            "A fault needs a status, a latency_ms, or both.",
        ));
    }
    for (k, v) in &rule.headers {
        if axum::http::HeaderName::from_bytes(k.as_bytes()).is_err()
            || axum::http::HeaderValue::from_str(v).is_err()
        {
            return Err(StoreError::invalid(
                "headers",
                format!("Invalid header '{k}'."),
            ));
        }
    }
    Ok(())
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
    /// Accounts (shared with the delivery lanes, which record through it).
    pub store: Arc<Store>,
    /// `http://host:port` (no `/v2`).
    pub origin: String,
    /// Fault rules.
    pub faults: Mutex<Vec<FaultRule>>,
    pub(crate) fault_count: AtomicUsize,
    pub(crate) next_fault_id: AtomicU64,
    /// Recent requests, sharded by sequence number (each shard holds its share of the capacity).
    pub(crate) log: Vec<Mutex<VecDeque<LogEntry>>>,
    /// Request sequence numbers.
    pub(crate) seq: AtomicU64,
    pub(crate) rate: Vec<Mutex<HashMap<String, (u64, u32)>>>,
    /// Accepted keys (any when empty).
    pub(crate) allowed: Vec<String>,
    /// Webhook signing and delivery.
    pub deliveries: Arc<Deliveries>,
    /// True once the server is stopping: the console's event streams end, so a graceful
    /// shutdown does not wait for open pages.
    pub(crate) stopping: tokio::sync::watch::Sender<bool>,
}

impl App {
    /// New state.
    pub fn new(
        config: EmulatorConfig,
        store: Store,
        addr: SocketAddr,
        deliveries: Deliveries,
    ) -> App {
        let host = if addr.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        } else {
            addr
        };
        App {
            allowed: config.api_keys.clone(),
            config,
            store: Arc::new(store),
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
            deliveries: Arc::new(deliveries),
            stopping: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Moves the account's clock and queues the webhooks of what it generated (blocking: run
    /// it off the async threads).
    pub fn advance(&self, acct: &Arc<Account>, to: AdvanceTo) -> Result<AdvanceReport, StoreError> {
        let outcome = self.store.advance(acct, to)?;
        let (queued, dropped) = self.deliveries.emit_advance(acct, &outcome.events);
        let mut report = outcome.report();
        report.webhooks_queued = queued;
        report.webhooks_dropped = dropped;
        Ok(report)
    }

    /// Emits one event now (on the account's clock) to the account's webhook endpoint: the
    /// control API's `POST /_emulator/events` and the console's trigger form. Answers the event
    /// object, the delivery id and the URL.
    pub fn emit_event(
        &self,
        acct: &Arc<Account>,
        event_type: &str,
        payload: Option<Value>,
    ) -> Result<(Value, String, String), StoreError> {
        let (endpoint, data, now) = {
            let d = acct.read();
            let (endpoint, data) = crate::domain::webhooks::new_event(
                &d,
                event_type,
                payload,
                &mut fastrand::Rng::new(),
            )?;
            (endpoint, data, d.now)
        };
        let url = endpoint.url.clone();
        let delivery_id = self
            .deliveries
            .emit(acct.clone(), endpoint, data.clone(), now)?;
        Ok((data, delivery_id, url))
    }

    /// Sends delivery `id` (lowercase) again as one new attempt: the control API's redeliver and
    /// the console's button. Answers the new attempt's number and the URL.
    pub fn redeliver(&self, acct: &Arc<Account>, id: &str) -> Result<(usize, String), StoreError> {
        let (endpoint, webhook, attempts, now) = {
            let d = acct.read();
            let (endpoint, webhook, attempts) = crate::domain::webhooks::redelivery(&d, id)?;
            (endpoint, webhook, attempts, d.now)
        };
        let url = endpoint.url.clone();
        self.deliveries
            .redeliver(acct.clone(), endpoint, id, webhook, now)?;
        Ok((attempts + 1, url))
    }

    /// The account a control request names by `api_key`: 400 for an empty key or one outside
    /// `--accept-key`.
    pub fn control_account(&self, key: &str) -> Result<Arc<Account>, StoreError> {
        if key.is_empty() {
            return Err(StoreError::invalid(
                "api_key",
                "api_key (a non-empty string) is required.",
            ));
        }
        if !self.allowed.is_empty() && !self.allowed.iter().any(|k| k == key) {
            return Err(StoreError::invalid(
                "api_key",
                "Unknown account: this emulator accepts only its --accept-key keys.",
            ));
        }
        self.store.account(key)
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

    /// The first rule matching the request, counted down.
    pub(crate) fn take_fault(&self, method: &str, path: &str) -> Option<FaultRule> {
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

    /// Appends to the request log (oldest dropped past capacity).
    pub(crate) fn push_log(&self, entry: LogEntry) {
        let shard = &self.log[(entry.seq % LOG_SHARDS as u64) as usize];
        let mut l = shard.lock().unwrap_or_else(|e| e.into_inner());
        if l.len() >= REQUEST_LOG_CAPACITY / LOG_SHARDS {
            l.pop_front();
        }
        l.push_back(entry);
    }

    /// Fixed one-second window per key: (allowed, limit, remaining, reset seconds).
    pub(crate) fn rate_check(&self, hash: &str, limit: u32) -> (bool, u32, u32, u64) {
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
