//! Paging through a slow link, gzip vs identity: the SDK (prefetch 4) pages every webhook
//! delivery of an emulator account through a loopback TCP proxy that limits the bandwidth of
//! the server-to-client direction and counts its bytes, with 10 ms added to each page by a
//! latency fault rule. The baseline is the same paging with `Accept-Encoding: identity`, in the
//! same run, through the same proxy; the two alternate, three times each.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::ctx::Ctx;
use crate::error::BenchError;
use crate::http::Control;
use crate::report::{f2, ratio, Section, Table, Target};

/// The link: 20 MB/s (160 Mbit/s) from the server to the client.
const BYTES_PER_SEC: f64 = 20_000_000.0;
const LATENCY_MS: u64 = 10;
const KEY: &str = "KEY_bench_compression";

/// A shared bandwidth budget: each chunk reserves its transfer time on one timeline.
struct Link {
    next_free: Mutex<Instant>,
    bytes: AtomicU64,
}

impl Link {
    async fn pass(&self, n: usize) {
        let wait_until = {
            let mut next = self.next_free.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let start = if *next > now { *next } else { now };
            *next = start + Duration::from_secs_f64(n as f64 / BYTES_PER_SEC);
            *next
        };
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        tokio::time::sleep_until(wait_until.into()).await;
    }
}

/// Starts the proxy on 127.0.0.1:0 in front of `upstream`; answers its address.
async fn proxy(
    upstream: std::net::SocketAddr,
    link: Arc<Link>,
) -> Result<std::net::SocketAddr, String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let link = link.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut cr, &mut sw).await;
                    let _ = sw.shutdown().await;
                });
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match sr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    link.pass(n).await;
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
                let _ = cw.shutdown().await;
                up.abort();
            });
        }
    });
    Ok(addr)
}

/// Pages every delivery once; answers (items, seconds).
async fn page_all(base_url: &str, identity: bool) -> Result<(u64, f64), BenchError> {
    let mut builder = telnyx::Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .max_retries(0);
    if identity {
        builder = builder.default_header("Accept-Encoding", "identity");
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let params = telnyx::WebhookDeliveryListParams::default().page_size(250);
    let start = Instant::now();
    let mut stream = Box::pin(
        client
            .webhook_deliveries()
            .list(params)
            .concurrency(4)
            .into_stream(),
    );
    let mut items = 0u64;
    while let Some(item) = stream.next().await {
        item.map_err(|e| e.to_string())?;
        items += 1;
    }
    Ok((items, start.elapsed().as_secs_f64()))
}

/// The section and its target, on an emulator inside this process.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let items = ctx.cfg.page_items;
    let reps = ctx.cfg.reps();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| BenchError::Failed(format!("tokio runtime: {e}")))?;
    let emu = rt.block_on(start_seeded(items))?;
    // Blocking control call from this thread; the emulator serves on the runtime's workers.
    Control::new(ctx.http(), &emu.base_url()).add_latency("/v2/webhook_deliveries", LATENCY_MS)?;
    let (plain, gzip) = rt.block_on(async {
        let link = Arc::new(Link {
            next_free: Mutex::new(Instant::now()),
            bytes: AtomicU64::new(0),
        });
        let addr = proxy(emu.addr(), link.clone()).await?;
        let runs = alternate(&format!("http://{addr}/v2"), &link, items, reps).await;
        emu.shutdown().await;
        runs
    })?;
    Ok(report(items, reps, plain, gzip))
}

/// An emulator on 127.0.0.1:0 whose paging account holds `items` webhook deliveries.
async fn start_seeded(items: u64) -> Result<telnyx_emulator::Emulator, BenchError> {
    let emu = telnyx_emulator::Emulator::start(telnyx_emulator::EmulatorConfig::default())
        .await
        .map_err(|e| BenchError::Failed(format!("Emulator::start: {e}")))?;
    emu.seed_account(
        KEY,
        telnyx_emulator::SeedRequest {
            webhook_deliveries: Some(items),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| BenchError::Failed(format!("seeding {items} webhook deliveries: {e}")))?;
    Ok(emu)
}

/// (seconds, bytes) of the median identity run and the median gzip run, alternating.
async fn alternate(
    base: &str,
    link: &Link,
    items: u64,
    reps: usize,
) -> Result<((f64, u64), (f64, u64)), BenchError> {
    let mut runs: [Vec<(f64, u64)>; 2] = [Vec::new(), Vec::new()];
    for rep in 0..reps {
        for (slot, identity) in [(0, true), (1, false)] {
            let encoding = if identity { "identity" } else { "gzip" };
            eprintln!("compression: {encoding} rep {}/{reps}", rep + 1);
            let before = link.bytes.load(Ordering::Relaxed);
            let (n, secs) = page_all(base, identity).await?;
            if n != items {
                return Err(BenchError::Invalid(format!(
                    "paged {n} items, seeded {items}"
                )));
            }
            runs[slot].push((secs, link.bytes.load(Ordering::Relaxed) - before));
        }
    }
    let median = |v: &mut Vec<(f64, u64)>| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v[v.len() / 2]
    };
    Ok((median(&mut runs[0]), median(&mut runs[1])))
}

fn report(
    items: u64,
    reps: usize,
    (plain_s, plain_b): (f64, u64),
    (gz_s, gz_b): (f64, u64),
) -> Section {
    let mut sec = Table::new(
        &format!("SDK: paging {items} webhook deliveries through a 20 MB/s link, {LATENCY_MS} ms per page, gzip vs identity"),
        &["encoding", "wall time (median)", "bytes server -> client", "vs identity"],
    );
    sec.intro.push(format!(
        "The SDK pages with prefetch 4 through a loopback proxy that limits the server-to-client direction to {:.0} MB/s and counts its bytes; a latency fault rule adds {LATENCY_MS} ms to each page. `identity` sends `Accept-Encoding: identity` (the emulator then sends plain JSON); `gzip` is the SDK's default. {reps} alternating runs each.",
        BYTES_PER_SEC / 1e6
    ));
    let gain = format!(
        "{} faster, {:.1}x fewer bytes",
        ratio(plain_s / gz_s),
        plain_b as f64 / gz_b.max(1) as f64
    );
    sec.row(vec![
        "identity (baseline)".into(),
        format!("{} s", f2(plain_s)),
        format!("{:.1} MB", plain_b as f64 / 1e6),
        "1.00x".into(),
    ]);
    sec.row(vec![
        "gzip".into(),
        format!("{} s", f2(gz_s)),
        format!("{:.1} MB", gz_b as f64 / 1e6),
        gain.clone(),
    ]);
    Section::of(sec).with_target(Target::new(
        "Paging over a slow link, gzip vs identity (bytes on the wire)",
        "fewer bytes, faster",
        gain,
        gz_b < plain_b && gz_s < plain_s,
    ))
}
