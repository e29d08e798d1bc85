//! Webhook delivery: one bounded queue of events for all accounts, served by [`IN_FLIGHT`]
//! lanes that each deliver one event at a time, each a signed POST with retries and failover.
//! An event's lane is chosen by what it is about (the record of an advance's event, else the
//! delivery), so the events of one message or call arrive in the order they happened. Every attempt is recorded
//! on the account (and committed to `--db`) as soon as it ends. Nothing here blocks an API
//! response: emitting is a `try_send`.
//!
//! What is sent and recorded is decided by `domain::webhooks`; this module only does the I/O.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinHandle;

use crate::config::{EmulatorError, WebhookOptions};
use crate::domain::clock::DomainEvent;
use crate::domain::webhooks::{
    self, attempt_url, Attempt, AttemptError, AttemptResponse, Emission, MAX_RECORDED_BYTES,
};
use crate::domain::StoreError;
use crate::model::{AccountData, Endpoint, Event};
use crate::store::{Account, Change, Store};

/// Deliveries in flight at once (lanes), across accounts.
pub const IN_FLIGHT: usize = 16;

/// What a queued job sends.
#[derive(Debug)]
enum What {
    /// An event built when it was emitted (its `data` object).
    Event(Value),
    /// An advance's event, built from its record when it is sent.
    Traffic(Emission),
    /// A recorded delivery's `webhook`, sent again as one more attempt.
    Redeliver(Value),
}

/// One event waiting to be delivered.
#[derive(Debug)]
pub struct Job {
    acct: Arc<Account>,
    endpoint: Arc<Endpoint>,
    delivery_id: String,
    what: What,
    /// When it was emitted, on the account's clock: attempt times are this plus real time.
    virtual_at: DateTime<Utc>,
    queued: Instant,
}

impl Job {
    /// What the event is about, hashed: its lane.
    fn subject(&self) -> u64 {
        let h = crate::util::stable_hash(&self.acct.key_hash);
        match &self.what {
            What::Traffic(e) => {
                crate::util::fnv1a(h, &[[e.ty, 0, 0, 0], e.row.to_le_bytes()].concat())
            }
            What::Event(_) | What::Redeliver(_) => {
                crate::util::fnv1a(h, self.delivery_id.as_bytes())
            }
        }
    }
}

/// Counters of one account's deliveries since the emulator started.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Stats {
    /// Events accepted into the queue.
    pub emitted: u64,
    /// Deliveries whose last attempt succeeded.
    pub delivered: u64,
    /// Deliveries that failed every attempt (or were not sent at shutdown).
    pub failed: u64,
    /// Events that did not fit in the queue.
    pub dropped: u64,
}

/// The delivery engine: its queue (lanes), signing keys and counters. It records what it
/// delivers through the [`Store`] it is started with.
#[derive(Debug)]
pub struct Deliveries {
    opts: WebhookOptions,
    seed: u64,
    /// One sender per lane; the queue's bound is `capacity`'s permits, not the channels'.
    lanes: Vec<mpsc::UnboundedSender<Job>>,
    receivers: Mutex<Vec<mpsc::UnboundedReceiver<Job>>>,
    /// A permit per event that may wait; taken when queued, given back when a lane takes it.
    capacity: Semaphore,
    queue_capacity: usize,
    client: reqwest::Client,
    keys: Mutex<HashMap<String, Arc<SigningKey>>>,
    stats: Mutex<HashMap<String, Stats>>,
    closing: AtomicBool,
    busy: AtomicUsize,
    stop: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

fn new_id() -> String {
    crate::util::uuid_from(&mut fastrand::Rng::new())
}

impl Deliveries {
    /// A stopped engine; [`start`] runs it.
    pub fn new(opts: WebhookOptions, seed: u64) -> Result<Deliveries, EmulatorError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(opts.timeout)
            .timeout(opts.timeout)
            .pool_max_idle_per_host(IN_FLIGHT)
            .build()
            .map_err(|e| {
                EmulatorError::Io(std::io::Error::other(format!("webhook client: {e}")))
            })?;
        let (lanes, receivers) = (0..IN_FLIGHT).map(|_| mpsc::unbounded_channel()).unzip();
        let queue_capacity = opts.queue_capacity.clamp(1, Semaphore::MAX_PERMITS);
        Ok(Deliveries {
            opts,
            seed,
            lanes,
            receivers: Mutex::new(receivers),
            capacity: Semaphore::new(queue_capacity),
            queue_capacity,
            client,
            keys: Mutex::new(HashMap::new()),
            stats: Mutex::new(HashMap::new()),
            closing: AtomicBool::new(false),
            busy: AtomicUsize::new(0),
            stop: watch::channel(false).0,
            tasks: Mutex::new(Vec::new()),
        })
    }

    /// The options it runs with.
    pub fn options(&self) -> &WebhookOptions {
        &self.opts
    }

    /// The account's signing key (`--webhook-signing-key`, or derived from the seed).
    pub fn key(&self, key_hash: &str) -> Arc<SigningKey> {
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.entry(key_hash.to_string())
            .or_insert_with(|| {
                let seed = match &self.opts.signing_key {
                    Some(k) => k.0,
                    None => webhooks::derived_signing_seed(self.seed, key_hash),
                };
                Arc::new(SigningKey::from_bytes(&seed))
            })
            .clone()
    }

    /// The account's public key, base64.
    pub fn public_key(&self, key_hash: &str) -> String {
        base64::engine::general_purpose::STANDARD
            .encode(self.key(key_hash).verifying_key().to_bytes())
    }

    /// Events waiting in the queue.
    pub fn queued(&self) -> usize {
        self.queue_capacity
            .saturating_sub(self.capacity.available_permits())
    }

    /// The account's counters.
    pub fn stats(&self, key_hash: &str) -> Stats {
        let s = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        s.get(key_hash).copied().unwrap_or_default()
    }

    /// Forgets the counters of one account (by key hash) or of all: after a reset.
    pub fn reset_stats(&self, key_hash: Option<&str>) {
        let mut s = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        match key_hash {
            Some(h) => {
                s.remove(h);
            }
            None => s.clear(),
        }
    }

    fn count(&self, key_hash: &str, f: impl FnOnce(&mut Stats)) {
        let mut s = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        f(s.entry(key_hash.to_string()).or_default());
    }

    /// The queue's state for the control API.
    pub fn queue_json(&self) -> Value {
        json!({ "capacity": self.queue_capacity, "queued": self.queued() })
    }

    fn push(&self, job: Job) -> Result<(), StoreError> {
        if self.closing.load(Ordering::Acquire) {
            return Err(StoreError::Busy(
                "The emulator is shutting down; no more webhooks are sent.".into(),
            ));
        }
        let hash = job.acct.key_hash.clone();
        let Ok(permit) = self.capacity.try_acquire() else {
            self.count(&hash, |s| s.dropped += 1);
            return Err(StoreError::Busy(format!(
                "The webhook queue is full ({} events wait to be sent); retry in a second, \
                 or start the emulator with a larger --webhook-queue.",
                self.queue_capacity
            )));
        };
        let lane = (job.subject() % self.lanes.len() as u64) as usize;
        if self.lanes[lane].send(job).is_err() {
            // The lane has stopped: the emulator is shutting down.
            return Err(StoreError::Busy(
                "The emulator is shutting down; no more webhooks are sent.".into(),
            ));
        }
        // The permit comes back when the lane takes the job.
        permit.forget();
        self.count(&hash, |s| s.emitted += 1);
        Ok(())
    }

    /// Queues one event (`data` built by the caller) for the account's endpoint; returns the
    /// delivery id.
    pub fn emit(
        &self,
        acct: Arc<Account>,
        endpoint: Endpoint,
        data: Value,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let delivery_id = new_id();
        self.push(Job {
            acct,
            endpoint: Arc::new(endpoint),
            delivery_id: delivery_id.clone(),
            what: What::Event(data),
            virtual_at: now,
            queued: Instant::now(),
        })?;
        Ok(delivery_id)
    }

    /// Queues a recorded delivery's `webhook` again, as one new attempt.
    pub fn redeliver(
        &self,
        acct: Arc<Account>,
        endpoint: Endpoint,
        delivery_id: &str,
        webhook: Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.push(Job {
            acct,
            endpoint: Arc::new(endpoint),
            delivery_id: delivery_id.to_string(),
            what: What::Redeliver(webhook),
            virtual_at: now,
            queued: Instant::now(),
        })
    }

    /// Queues the events of an advance's usage (none without an endpoint); returns (queued,
    /// dropped). Those that do not fit are dropped: not sent and not recorded.
    pub fn emit_advance(&self, acct: &Arc<Account>, events: &[DomainEvent]) -> (u64, u64) {
        let (endpoint, emissions) = {
            let d = acct.read();
            let Some(e) = d.webhook.endpoint.clone() else {
                return (0, 0);
            };
            (Arc::new(e), webhooks::emissions(&d, events))
        };
        let (mut queued, mut dropped) = (0u64, 0u64);
        for e in emissions {
            let job = Job {
                acct: acct.clone(),
                endpoint: endpoint.clone(),
                delivery_id: new_id(),
                what: What::Traffic(e),
                virtual_at: e.at,
                queued: Instant::now(),
            };
            match self.push(job) {
                Ok(()) => queued += 1,
                Err(_) => dropped += 1,
            }
        }
        if dropped > 0 {
            tracing::warn!(
                queued,
                dropped,
                "webhook queue full: {dropped} events of this advance were dropped (raise --webhook-queue)"
            );
        }
        (queued, dropped)
    }
}

impl Deliveries {
    /// Starts the lanes on the current runtime; they record deliveries through `store`.
    pub fn start(self: &Arc<Self>, store: &Arc<Store>) {
        let receivers =
            std::mem::take(&mut *self.receivers.lock().unwrap_or_else(|e| e.into_inner()));
        let tasks = receivers
            .into_iter()
            .map(|rx| {
                let stop = self.stop.subscribe();
                tokio::spawn(lane(store.clone(), self.clone(), rx, stop))
            })
            .collect();
        *self.tasks.lock().unwrap_or_else(|e| e.into_inner()) = tasks;
    }

    /// Stops new events, waits up to the drain timeout for the queue, then stops: every event
    /// still queued is recorded as a failed delivery with no attempt.
    pub async fn shutdown(&self) {
        self.closing.store(true, Ordering::Release);
        let deadline = Instant::now() + self.opts.drain_timeout;
        while (self.queued() > 0 || self.busy.load(Ordering::Acquire) > 0)
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.stop();
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        for task in tasks {
            // A lane records where it stopped; bounded in case an attempt does not end.
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }

    /// Tells every lane to stop now (no drain).
    pub fn stop(&self) {
        self.closing.store(true, Ordering::Release);
        let _ = self.stop.send(true);
    }
}

/// One lane: delivers its jobs one at a time, in the order they were queued.
async fn lane(
    store: Arc<Store>,
    dl: Arc<Deliveries>,
    mut rx: mpsc::UnboundedReceiver<Job>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let job = tokio::select! {
            j = rx.recv() => j,
            _ = stop.wait_for(|s| *s) => break,
        };
        let Some(job) = job else { break };
        dl.busy.fetch_add(1, Ordering::AcqRel);
        dl.capacity.add_permits(1);
        deliver(&store, &dl, job, stop.clone()).await;
        dl.busy.fetch_sub(1, Ordering::AcqRel);
    }
    rx.close();
    let mut unsent = 0u64;
    while let Ok(job) = rx.try_recv() {
        dl.capacity.add_permits(1);
        if !matches!(job.what, What::Redeliver(_)) {
            let data = event_of(&job);
            record(&store, &job, &data, None);
            unsent += 1;
        }
    }
    if unsent > 0 {
        tracing::warn!(unsent, "emulator stopping: {unsent} webhook events of a lane were not sent (recorded as failed, no attempt)");
    }
}

/// The event object a job sends.
fn event_of(job: &Job) -> Value {
    match &job.what {
        What::Event(v) | What::Redeliver(v) => v.clone(),
        What::Traffic(e) => {
            let d = job.acct.read();
            let payload = webhooks::record_payload(&d, e);
            webhooks::event_data(&new_id(), e.event_type, e.at, payload)
        }
    }
}

/// Records the delivery after `attempt` (or unsent, with none) through the store's write
/// path: when it cannot be stored, the account is left as it was (and the error logged).
fn record(store: &Store, job: &Job, data: &Value, attempt: Option<&Attempt>) {
    let stored = store.write(&job.acct, |d| {
        let delivery = webhooks::with_attempt(d, &job.delivery_id, data, attempt, job.virtual_at);
        Ok::<_, StoreError>(Change::to(Event::Delivery { delivery }, ()))
    });
    if let Err(e) = stored {
        tracing::error!(error = %e, "webhook delivery could not be stored; not recorded");
    }
}

async fn deliver(store: &Store, dl: &Deliveries, job: Job, mut stop: watch::Receiver<bool>) {
    let data = event_of(&job);
    let (first, tries) = match &job.what {
        What::Redeliver(_) => {
            let d = job.acct.read();
            (attempts_of(&d, &job.delivery_id) + 1, 1)
        }
        _ => (1, dl.opts.retry_delays.len() + 1),
    };
    let key = dl.key(&job.acct.key_hash);
    let mut made = 0;
    let mut delivered = false;
    for k in 0..tries {
        if k > 0 {
            let wait = dl.opts.retry_delays.get(k - 1).copied().unwrap_or_default();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
        }
        let url = attempt_url(&job.endpoint, u32::try_from(k + 1).unwrap_or(1));
        let n = first + u32::try_from(k).unwrap_or(0);
        let body = webhooks::body(&data, n, url);
        let attempt = tokio::select! {
            a = send(&dl.client, &key, url, body, &job, dl.opts.timeout) => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        made += 1;
        delivered = attempt.error.is_none();
        record(store, &job, &data, Some(&attempt));
        if delivered {
            break;
        }
    }
    if made == 0 && !matches!(job.what, What::Redeliver(_)) {
        record(store, &job, &data, None);
    }
    let hash = &job.acct.key_hash;
    dl.count(hash, |s| {
        if delivered {
            s.delivered += 1
        } else {
            s.failed += 1
        }
    });
}

/// Attempts recorded so far for a delivery.
fn attempts_of(d: &AccountData, id: &str) -> u32 {
    d.webhook(id)
        .and_then(|w| serde_json::from_str::<Value>(w.json()).ok())
        .and_then(|v| v.get("attempts").and_then(Value::as_array).map(Vec::len))
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

fn unix_now() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        .to_string()
}

/// Headers kept while their text stays within the recorded bound.
fn bounded_headers(h: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut size = 0;
    for (k, v) in h {
        let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
        size += k.as_str().len() + v.len();
        if size > MAX_RECORDED_BYTES {
            break;
        }
        out.push((k.as_str().to_string(), v));
    }
    out
}

fn classify(e: &reqwest::Error) -> AttemptError {
    if e.is_timeout() {
        return AttemptError::Timeout;
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    let t = text.to_ascii_lowercase();
    if t.contains("dns error")
        || t.contains("failed to lookup")
        || t.contains("name or service not known")
    {
        AttemptError::Resolve
    } else {
        AttemptError::Connect
    }
}

async fn send(
    client: &reqwest::Client,
    key: &SigningKey,
    url: &str,
    body: Vec<u8>,
    job: &Job,
    timeout: Duration,
) -> Attempt {
    let timestamp = unix_now();
    let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'|');
    message.extend_from_slice(&body);
    let signature = base64::engine::general_purpose::STANDARD.encode(key.sign(&message).to_bytes());
    let request_headers: Vec<(String, String)> = vec![
        ("Accept".into(), "*/*".into()),
        ("Content-Type".into(), "application/json".into()),
        ("User-Agent".into(), "telnyx-webhooks".into()),
        ("telnyx-signature-ed25519".into(), signature),
        ("telnyx-timestamp".into(), timestamp),
    ];
    let mut req = client.post(url).body(body);
    for (k, v) in &request_headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let started = Instant::now();
    let result = tokio::time::timeout(timeout, async {
        let mut resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = bounded_headers(resp.headers());
        let mut buf: Vec<u8> = Vec::new();
        while buf.len() < MAX_RECORDED_BYTES {
            match resp.chunk().await? {
                Some(c) => buf.extend_from_slice(&c[..c.len().min(MAX_RECORDED_BYTES - buf.len())]),
                None => break,
            }
        }
        Ok::<_, reqwest::Error>(AttemptResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&buf).into_owned(),
        })
    })
    .await;
    let ended = Instant::now();
    let on_clock = |i: Instant| {
        job.virtual_at
            + chrono::Duration::from_std(i.duration_since(job.queued)).unwrap_or_default()
    };
    let (response, error) = match result {
        Err(_) => (None, Some(AttemptError::Timeout)),
        Ok(Err(e)) => (None, Some(classify(&e))),
        Ok(Ok(r)) => {
            let ok = (200..300).contains(&r.status);
            (Some(r), (!ok).then_some(AttemptError::Status))
        }
    };
    if let Some(e) = error {
        tracing::debug!(url, error = ?e, "webhook attempt failed");
    }
    Attempt {
        started_at: on_clock(started),
        finished_at: on_clock(ended),
        url: url.to_string(),
        request_headers,
        response,
        error,
    }
}
