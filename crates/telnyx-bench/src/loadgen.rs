//! HTTP load generator: N keep-alive connections, each issuing sequential requests,
//! bounded in time AND request count. Runs in its own process (`telnyx-bench loadgen`)
//! and prints one JSON line of [`LoadResult`] on stdout.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::stats;

#[derive(Debug, Clone, clap::Args)]
pub struct LoadArgs {
    /// Full URL to hit (must be loopback).
    #[arg(long)]
    pub url: String,
    /// Concurrent keep-alive connections, each sending one request at a time.
    #[arg(long, default_value_t = 1)]
    pub connections: usize,
    /// Measurement window in seconds (after the warm-up).
    #[arg(long, default_value_t = 3.0)]
    pub duration_secs: f64,
    /// Hard cap on measured requests (all connections together).
    #[arg(long, default_value_t = 2_000_000)]
    pub max_requests: i64,
    /// Warm-up requests per connection, not measured (each connection stops warming up
    /// after one second whatever the count, so slow endpoints do not warm up for ever).
    #[arg(long, default_value_t = 20)]
    pub warmup: u32,
    /// HTTP method.
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// Request body (sent as application/json).
    #[arg(long)]
    pub body: Option<String>,
    /// Bearer token for the Authorization header.
    #[arg(long)]
    pub bearer: Option<String>,
    /// Tokio worker threads of the load generator.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadResult {
    pub connections: usize,
    /// Warm-up requests sent (all connections), not in the figures.
    pub warmup_requests: u64,
    pub requests: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed_secs: f64,
    pub rps: f64,
    pub p50_us: u32,
    pub p99_us: u32,
    pub mean_bytes: f64,
    /// CPU used by the load generator itself during the window.
    pub loadgen_cpu_secs: f64,
    /// 1000 evenly spaced latency quantiles (µs), to merge several windows' percentiles.
    #[serde(default)]
    pub quantiles: Vec<u32>,
}

/// Latency samples kept per connection; beyond this we still count requests but stop
/// recording (memory stays bounded whatever the duration).
const MAX_SAMPLES_PER_CONN: usize = 2_000_000;

pub fn run(args: LoadArgs) -> Result<LoadResult, String> {
    if !is_loopback(&args.url) {
        return Err(format!("refusing non-loopback URL {}", args.url));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(run_async(args))
}

pub fn is_loopback(url: &str) -> bool {
    url.starts_with("http://127.0.0.1:")
        || url.starts_with("http://localhost:")
        || url.starts_with("http://[::1]:")
}

/// What one connection measured.
struct ConnStats {
    lat: Vec<u32>,
    ok: u64,
    errors: u64,
    bytes: u64,
    warmed: u64,
    first_error: Option<String>,
}

impl ConnStats {
    fn record(&mut self, res: Result<usize, String>, us: u32) {
        match res {
            Ok(len) => {
                self.ok += 1;
                self.bytes += len as u64;
                if self.lat.len() < MAX_SAMPLES_PER_CONN {
                    self.lat.push(us);
                }
            }
            Err(e) => {
                self.errors += 1;
                if self.first_error.is_none() {
                    self.first_error = Some(e);
                }
            }
        }
    }
}

/// One keep-alive connection and the request it repeats.
struct Conn {
    client: reqwest::Client,
    url: String,
    method: reqwest::Method,
    body: Option<String>,
    bearer: Option<String>,
}

impl Conn {
    fn new(args: &LoadArgs, method: reqwest::Method) -> Result<Conn, String> {
        let client = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Conn {
            client,
            url: args.url.clone(),
            method,
            body: args.body.clone(),
            bearer: args.bearer.clone(),
        })
    }

    /// One request, body read: its length, or why it failed (a non-2xx status included).
    async fn send(&self) -> Result<usize, String> {
        // Uncompressed, like the hello-world baseline it is compared with (the emulator gzips
        // when asked, and reqwest asks whenever its gzip feature is on).
        let mut rb = self
            .client
            .request(self.method.clone(), &self.url)
            .header("Accept-Encoding", "identity");
        if let Some(b) = &self.bearer {
            rb = rb.header("Authorization", format!("Bearer {b}"));
        }
        if let Some(body) = &self.body {
            rb = rb
                .header("Content-Type", "application/json")
                .body(body.clone());
        }
        let r = rb.send().await.map_err(|e| e.to_string())?;
        let status = r.status();
        match r.bytes().await {
            Ok(b) if status.is_success() => Ok(b.len()),
            Ok(b) => Err(format!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(&b[..b.len().min(300)])
            )),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Up to `warmup` requests, for at most 1 s; answers how many were sent.
    async fn warm_up(&self, warmup: u32) -> u64 {
        let warm_until = Instant::now() + Duration::from_secs(1);
        let mut warmed = 0;
        for _ in 0..warmup {
            if Instant::now() >= warm_until {
                break;
            }
            warmed += 1;
            let _ = self.send().await;
        }
        warmed
    }

    /// Requests one at a time until `deadline` or the shared budget runs out (or after 1,000
    /// errors).
    async fn measure(&self, deadline: Instant, remaining: &AtomicI64, st: &mut ConnStats) {
        while Instant::now() < deadline && remaining.fetch_sub(1, Ordering::Relaxed) > 0 {
            let t0 = Instant::now();
            let res = self.send().await;
            let us = t0.elapsed().as_micros().min(u32::MAX as u128) as u32;
            st.record(res, us);
            if st.errors > 1000 {
                break;
            }
        }
    }
}

/// The start instant the coordinator broadcasts once every connection is warm, or `None` if
/// it went away.
async fn wait_for_start(rx: &mut tokio::sync::watch::Receiver<Option<Instant>>) -> Option<Instant> {
    loop {
        if let Some(s) = *rx.borrow_and_update() {
            return Some(s);
        }
        rx.changed().await.ok()?;
    }
}

async fn run_async(args: LoadArgs) -> Result<LoadResult, String> {
    let method = reqwest::Method::from_bytes(args.method.as_bytes()).map_err(|e| e.to_string())?;
    let n = args.connections.max(1);
    let remaining = Arc::new(AtomicI64::new(args.max_requests));
    let barrier = Arc::new(tokio::sync::Barrier::new(n + 1));
    let window = Duration::from_secs_f64(args.duration_secs.max(0.01));
    let (start_tx, start_rx) = tokio::sync::watch::channel::<Option<Instant>>(None);

    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let conn = Conn::new(&args, method.clone())?;
        let remaining = remaining.clone();
        let barrier = barrier.clone();
        let mut start_rx = start_rx.clone();
        let warmup = args.warmup;
        tasks.push(tokio::spawn(async move {
            let mut st = ConnStats {
                lat: Vec::with_capacity(4096),
                ok: 0,
                errors: 0,
                bytes: 0,
                warmed: conn.warm_up(warmup).await,
                first_error: None,
            };
            barrier.wait().await;
            if let Some(start) = wait_for_start(&mut start_rx).await {
                conn.measure(start + window, &remaining, &mut st).await;
            }
            st
        }));
    }
    barrier.wait().await;
    let cpu0 = stats::self_cpu();
    let start = Instant::now();
    let _ = start_tx.send(Some(start));
    let mut all = Vec::with_capacity(n);
    for t in tasks {
        all.push(t.await.map_err(|e| e.to_string())?);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = stats::self_cpu().saturating_sub(cpu0).as_secs_f64();
    Ok(summarize(n, all, elapsed, cpu))
}

/// Every connection's figures as one result.
fn summarize(connections: usize, all: Vec<ConnStats>, elapsed: f64, cpu: f64) -> LoadResult {
    let mut lat = Vec::new();
    let (mut ok, mut errors, mut bytes, mut first_error, mut warmed) =
        (0u64, 0u64, 0u64, None, 0u64);
    for st in all {
        lat.extend_from_slice(&st.lat);
        ok += st.ok;
        errors += st.errors;
        bytes += st.bytes;
        warmed += st.warmed;
        if first_error.is_none() {
            first_error = st.first_error;
        }
    }
    lat.sort_unstable();
    LoadResult {
        connections,
        warmup_requests: warmed,
        requests: ok,
        errors,
        first_error,
        elapsed_secs: elapsed,
        rps: ok as f64 / elapsed.max(1e-9),
        p50_us: stats::percentile_sorted(&lat, 50.0),
        p99_us: stats::percentile_sorted(&lat, 99.0),
        mean_bytes: if ok > 0 {
            bytes as f64 / ok as f64
        } else {
            0.0
        },
        loadgen_cpu_secs: cpu,
        quantiles: stats::quantile_sketch(&lat, 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_loopback_urls_are_accepted() {
        assert!(is_loopback("http://127.0.0.1:8080/v2/balance"));
        assert!(is_loopback("http://localhost:1/"));
        assert!(!is_loopback("https://api.telnyx.com/v2/balance"));
        assert!(!is_loopback("http://127.0.0.1.evil.example:80/"));
    }
}
