//! The SDK workloads, each run in a child process (`sdk-balance`, `sdk-page`) so that its
//! CPU time and peak memory are its own. Each prints one JSON line of [`WorkResult`].

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::stats;

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct WorkResult {
    /// Calls completed (balance) or items received (paging).
    pub n: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub wall_secs: f64,
    /// user + system CPU of the whole process during the measured part.
    pub cpu_secs: f64,
    /// VmHWM / maxRSS of the process at the end, in kB.
    pub peak_rss_kb: u64,
    #[serde(default)]
    pub version: Option<String>,
    /// The list stream's prefetch figures (`sdk-page` only).
    #[serde(default)]
    pub prefetch: Option<PrefetchFigures>,
}

/// What `ItemStream::stats()` reported at the end of a paging run.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Default)]
pub struct PrefetchFigures {
    /// HTTP attempts (retries included).
    pub requests: u64,
    /// Attempts answered 429.
    pub rate_limited: u64,
    /// The deepest the prefetch went.
    pub max_depth: usize,
    /// Times the controller lowered the depth.
    pub backoffs: u64,
}

#[derive(Debug, Clone, clap::Args)]
pub struct BalanceArgs {
    /// Emulator base URL, e.g. http://127.0.0.1:PORT/v2
    #[arg(long)]
    pub url: String,
    #[arg(long)]
    pub key: String,
    #[arg(long, default_value_t = 20_000)]
    pub n: u64,
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 100)]
    pub warmup: u64,
    /// `sdk` (telnyx::Client) or `raw` (reqwest + serde_json::Value, the floor).
    #[arg(long, default_value = "sdk")]
    pub mode: String,
}

#[derive(Debug, Clone, clap::Args)]
pub struct PageArgs {
    #[arg(long)]
    pub url: String,
    #[arg(long)]
    pub key: String,
    #[arg(long, default_value_t = 250)]
    pub page_size: u32,
    /// Pages fetched ahead: `auto` (adaptive), or N (0 or 1 = sequential).
    #[arg(long, default_value = "0")]
    pub prefetch: String,
    /// Retries per page (0: a failed attempt is an error; the rate-limited rows retry 429s).
    #[arg(long, default_value_t = 0)]
    pub max_retries: u32,
    /// Items expected (the run is an error otherwise).
    #[arg(long, default_value_t = 100_000)]
    pub expect: u64,
    /// Tokio runtime: 1 = current-thread (like Node, the like-for-like comparison); N > 1 =
    /// multi-thread with N workers (what `#[tokio::main]` gives a Rust user).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

fn current_thread() -> Result<tokio::runtime::Runtime, String> {
    // One thread, like Node: CPU per request is then comparable and not inflated by
    // cross-thread wake-ups.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, String> {
    if threads <= 1 {
        return current_thread();
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn finish(
    n: u64,
    errors: u64,
    first_error: Option<String>,
    t0: Instant,
    cpu0: std::time::Duration,
) -> WorkResult {
    WorkResult {
        n,
        errors,
        first_error,
        wall_secs: t0.elapsed().as_secs_f64(),
        cpu_secs: stats::self_cpu().saturating_sub(cpu0).as_secs_f64(),
        peak_rss_kb: stats::proc_hwm_kb("self").unwrap_or(0),
        version: None,
        prefetch: None,
    }
}

pub fn balance(args: BalanceArgs) -> Result<WorkResult, String> {
    current_thread()?.block_on(async move {
        match args.mode.as_str() {
            "raw" => balance_raw(args).await,
            "sdk" => balance_sdk(args).await,
            m => Err(format!("unknown mode {m}")),
        }
    })
}

async fn run_calls<F, Fut>(n: u64, concurrency: usize, warmup: u64, call: F) -> WorkResult
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    use futures::StreamExt;
    for _ in 0..warmup {
        let _ = call().await;
    }
    let cpu0 = stats::self_cpu();
    let t0 = Instant::now();
    let mut results = futures::stream::iter(0..n)
        .map(|_| call())
        .buffer_unordered(concurrency.max(1));
    let (mut ok, mut errors, mut first_error) = (0u64, 0u64, None);
    while let Some(r) = results.next().await {
        match r {
            Ok(()) => ok += 1,
            Err(e) => {
                errors += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    finish(ok, errors, first_error, t0, cpu0)
}

async fn balance_raw(args: BalanceArgs) -> Result<WorkResult, String> {
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}/balance", args.url.trim_end_matches('/'));
    let auth = format!("Bearer {}", args.key);
    let call = || {
        let req = client
            .get(&url)
            .header("Authorization", &auth)
            .header("Accept", "application/json")
            .send();
        async move {
            let resp = req.await.map_err(|e| e.to_string())?;
            let status = resp.status();
            let body = resp.bytes().await.map_err(|e| e.to_string())?;
            if !status.is_success() {
                return Err(format!("HTTP {status}"));
            }
            let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            if v.get("data").is_none() {
                return Err("no data".into());
            }
            Ok(())
        }
    };
    Ok(run_calls(args.n, args.concurrency, args.warmup, call).await)
}

#[cfg(feature = "sdk")]
fn sdk_client(url: &str, key: &str) -> Result<telnyx::Client, String> {
    sdk_client_retrying(url, key, 0)
}

#[cfg(feature = "sdk")]
fn sdk_client_retrying(url: &str, key: &str, retries: u32) -> Result<telnyx::Client, String> {
    telnyx::Client::builder()
        .api_key(key)
        .base_url(url)
        .max_retries(retries)
        .build()
        .map_err(|e| e.to_string())
}

#[cfg(feature = "sdk")]
async fn balance_sdk(args: BalanceArgs) -> Result<WorkResult, String> {
    use std::future::IntoFuture;
    let client = sdk_client(&args.url, &args.key)?;
    let call = || {
        let fut = client.balance().retrieve().into_future();
        async move { fut.await.map(|_| ()).map_err(|e| e.to_string()) }
    };
    Ok(run_calls(args.n, args.concurrency, args.warmup, call).await)
}

#[cfg(not(feature = "sdk"))]
async fn balance_sdk(_args: BalanceArgs) -> Result<WorkResult, String> {
    Err("telnyx-bench was built without the `sdk` feature".into())
}

#[cfg(feature = "sdk")]
pub fn page(args: PageArgs) -> Result<WorkResult, String> {
    use futures::TryStreamExt;
    runtime(args.threads)?.block_on(async move {
        let client = sdk_client_retrying(&args.url, &args.key, args.max_retries)?;
        let params = telnyx::WebhookDeliveryListParams::default().page_size(args.page_size);
        let mut list = client.webhook_deliveries().list(params);
        match args.prefetch.as_str() {
            "auto" => list = list.concurrency(telnyx::Concurrency::Auto),
            n => match n.parse::<usize>() {
                Ok(n) if n > 1 => list = list.concurrency(n),
                Ok(_) => {}
                Err(_) => return Err(format!("--prefetch {n}: expected auto or a number")),
            },
        }
        let cpu0 = stats::self_cpu();
        let t0 = Instant::now();
        let stream = list.into_stream();
        futures::pin_mut!(stream);
        let (mut n, mut errors, mut first_error) = (0u64, 0u64, None);
        loop {
            match stream.try_next().await {
                Ok(Some(_item)) => {
                    n += 1;
                    if n > args.expect.saturating_mul(2) {
                        errors += 1;
                        first_error = Some(format!("pagination did not stop after {n} items"));
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    errors += 1;
                    first_error = Some(e.to_string());
                    break;
                }
            }
        }
        let mut result = finish(n, errors, first_error, t0, cpu0);
        let st = stream.stats();
        result.prefetch = Some(PrefetchFigures {
            requests: st.requests,
            rate_limited: st.rate_limited,
            max_depth: st.max_depth,
            backoffs: st.backoffs,
        });
        Ok(result)
    })
}

#[cfg(not(feature = "sdk"))]
pub fn page(_args: PageArgs) -> Result<WorkResult, String> {
    Err("telnyx-bench was built without the `sdk` feature".into())
}

impl WorkResult {
    /// CPU µs per call or item.
    pub fn cpu_us_per(&self) -> f64 {
        self.cpu_secs * 1e6 / self.n.max(1) as f64
    }
}

/// One line of progress on stderr for a finished (or failed) workload.
pub fn log_outcome(r: &Result<WorkResult, String>) {
    match r {
        Ok(w) => eprintln!(
            "  n={} errors={} wall={:.2}s cpu={:.2}s rss={}kB {}",
            w.n,
            w.errors,
            w.wall_secs,
            w.cpu_secs,
            w.peak_rss_kb,
            w.first_error.clone().unwrap_or_default()
        ),
        Err(e) => eprintln!("  failed: {}", crate::child::short_err(e)),
    }
}

/// Runs `telnyx-bench args...` (a workload subcommand) as a child; at most 15 minutes.
pub fn run_child(args: &[&str]) -> Result<WorkResult, String> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    crate::child::run_self_json(&args, std::time::Duration::from_secs(900))
}
