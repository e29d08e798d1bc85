//! The orchestrator: spawns the servers and workers (this same binary), collects their
//! JSON results and turns them into ratios against baselines measured in the same run.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::child::{self, Server};
use crate::loadgen::LoadResult;
use crate::report::{f0, f1, f2, mb, pct, ratio, Report, Section, Target};
use crate::sdk_work::WorkResult;
use crate::{stats, RunOpts};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Which {
    All,
    Emulator,
    Sdk,
    Node,
}

/// API keys the bench uses (the emulator creates accounts per key).
const KEY_BENCH: &str = "KEY_BENCH_LOAD";
const KEY_PAGE: &str = "KEY_BENCH_PAGE";
/// Workers of the multi-thread runtime in the extra paging row.
const MT_WORKERS: usize = 2;
const NODE_SDK_VERSION: &str = "7.24.0";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

struct Cfg {
    duration: f64,
    requests: u64,
    sdk_calls: u64,
    page_items: u64,
    detail_records: u64,
    quick: bool,
    /// Windows per emulator load point, interleaved with hello-world windows.
    rounds: usize,
}

pub fn main(which: Which, opts: RunOpts) -> Result<(), String> {
    let cfg = Cfg {
        duration: opts
            .duration_secs
            .unwrap_or(if opts.quick { 0.5 } else { 3.0 }),
        requests: opts.requests,
        sdk_calls: opts
            .sdk_calls
            .unwrap_or(if opts.quick { 2_000 } else { 20_000 }),
        page_items: opts
            .page_items
            .unwrap_or(if opts.quick { 10_000 } else { 100_000 }),
        detail_records: if opts.quick { 10_000 } else { 100_000 },
        quick: opts.quick,
        rounds: if opts.quick { 1 } else { 3 },
    };
    let mut report = Report {
        command: format!(
            "cargo run --release -p telnyx-bench -- {}",
            std::env::args().skip(1).collect::<Vec<_>>().join(" ")
        ),
        date: sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into()),
        machine: machine_info(),
        ..Default::default()
    };
    let busy_before = busy_note();
    let http = Http::new()?;

    // One emulator process serves the load points and the SDK workloads.
    let emu = Server::spawn(&serve_args("serve-emulator"), READY_TIMEOUT)?;
    let base = emu.url.clone();
    let root = base
        .trim_end_matches('/')
        .trim_end_matches("/v2")
        .to_string();
    eprintln!("emulator at {base} (pid {})", emu.pid());

    let mut seed_rows = Vec::new();
    let run_emu = matches!(which, Which::All | Which::Emulator);
    let run_sdk = matches!(which, Which::All | Which::Sdk | Which::Node);
    let run_node = matches!(which, Which::All | Which::Node);

    let mut startup: Option<(f64, f64)> = None;
    if run_emu {
        // Startup before anything else loads the machine.
        startup = Some(emulator_startup(&cfg, &mut report)?);
        let (ms, body) = seed(&http, &root, json!({"api_key": KEY_BENCH}))?;
        seed_rows.push(("default account".to_string(), ms, body));
        let (ms, body) = seed(
            &http,
            &root,
            json!({"api_key": KEY_BENCH, "detail_records": cfg.detail_records,
                   "detail_record_type": "messaging", "webhook_deliveries": 1000}),
        )?;
        seed_rows.push((
            format!(
                "{} messaging detail records + 1,000 webhook deliveries",
                cfg.detail_records
            ),
            ms,
            body,
        ));
    }
    if run_sdk {
        let (ms, body) = seed(
            &http,
            &root,
            json!({"api_key": KEY_PAGE, "webhook_deliveries": cfg.page_items}),
        )?;
        seed_rows.push((format!("{} webhook deliveries", cfg.page_items), ms, body));
    }
    let mut sec = Section::new(
        "Emulator: seeding (POST /_emulator/seed)",
        &["seed", "wall ms", "x hello spawn-to-ready", "server answer"],
    );
    for (what, ms, body) in &seed_rows {
        let x = startup
            .map(|(hello_ms, _)| ratio(ms / hello_ms))
            .unwrap_or_else(|| "n/a".into());
        sec.row(vec![
            what.clone(),
            f1(*ms),
            x,
            body.chars().take(160).collect(),
        ]);
    }
    sec.notes.push("Seeding has no natural baseline; the ratio is against the time a bare axum hello-world process takes from spawn to its first 200 (same run), i.e. how many 'process starts' a seed costs.".into());
    report.sections.push(sec);

    if run_emu {
        emulator_load(&cfg, &emu, &base, &mut report)?;
        emulator_memory(&http, &mut report)?;
        report
            .sections
            .push(crate::clock_advance::section(&root, &emu.pid())?);
        #[cfg(all(feature = "sdk", feature = "emulator"))]
        crate::webhook_delivery::section(cfg.quick, &mut report)?;
    }
    if run_sdk {
        sdk_and_node(&cfg, &base, run_node, &mut report)?;
        #[cfg(feature = "sdk")]
        crate::webhook_verify::section(cfg.quick, &mut report)?;
        #[cfg(all(feature = "sdk", feature = "emulator"))]
        crate::compression::section(cfg.quick, &mut report)?;
    }
    drop(emu);

    report
        .notes
        .push(format!("Machine load before the run: {busy_before}."));
    report
        .notes
        .push(format!("Machine load after the run: {}.", busy_note()));
    let md = report.to_markdown();
    println!("{md}");
    if let Some(p) = &opts.out {
        if p.extension().is_some_and(|e| e == "json") {
            write_json(p, &report)?;
        } else {
            std::fs::write(p, &md).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    if let Some(p) = &opts.json {
        write_json(p, &report)?;
    }
    Ok(())
}

fn write_json(p: &PathBuf, report: &Report) -> Result<(), String> {
    let s = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    std::fs::write(p, s).map_err(|e| format!("{}: {e}", p.display()))
}

fn serve_args(sub: &str) -> Vec<String> {
    vec![sub.into(), "--port".into(), "0".into()]
}

fn sh(prog: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(prog)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn machine_info() -> Vec<(String, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = stats::parse_status_kb(&meminfo, "MemTotal")
        .map(mb)
        .unwrap_or_else(|| "unknown".into());
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get().to_string())
        .unwrap_or_else(|_| "?".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_string();
    vec![
        ("CPUs (nproc)".into(), cpus),
        ("CPU model".into(), model),
        ("Memory".into(), mem),
        ("Kernel".into(), kernel),
        (
            "rustc".into(),
            sh("rustc", &["-V"]).unwrap_or_else(|| "unknown".into()),
        ),
        (
            "Node.js".into(),
            sh("node", &["--version"]).unwrap_or_else(|| "not found".into()),
        ),
        (
            "Clock ticks/s (CLK_TCK)".into(),
            stats::clk_tck().to_string(),
        ),
        ("Source".into(), source_state()),
    ]
}

/// The commit measured, and whether the SDK or emulator sources differed from it.
fn source_state() -> String {
    let head = sh("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = sh(
        "git",
        &[
            "status",
            "--porcelain",
            "--",
            "crates/telnyx",
            "crates/telnyx-emulator",
            "crates/telnyx-bench",
        ],
    )
    .map(|s| s.lines().count())
    .unwrap_or(0);
    if dirty == 0 {
        format!("git {head}")
    } else {
        format!("git {head} plus {dirty} uncommitted file(s) in the SDK/emulator/bench crates")
    }
}

fn busy_note() -> String {
    let procs = stats::busy_processes();
    let list = if procs.is_empty() {
        "no compilers running".to_string()
    } else {
        procs
            .iter()
            .map(|(n, c)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("loadavg {} ({list})", stats::loadavg())
}

/// Blocking HTTP for control calls (seed, touch), on a private current-thread runtime.
struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    fn new() -> Result<Http, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Http { rt, client })
    }

    fn call(
        &self,
        method: &str,
        url: &str,
        bearer: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Result<(u16, String), String> {
        let m = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut rb = self.client.request(m, url);
        if let Some(b) = bearer {
            rb = rb.bearer_auth(b);
        }
        if let Some(v) = body {
            rb = rb
                .header("Content-Type", "application/json")
                .body(v.to_string());
        }
        self.rt.block_on(async move {
            let r = rb.send().await.map_err(|e| format!("{url}: {e}"))?;
            let status = r.status().as_u16();
            let text = r.text().await.map_err(|e| e.to_string())?;
            Ok((status, text))
        })
    }
}

fn seed(http: &Http, root: &str, body: serde_json::Value) -> Result<(f64, String), String> {
    let t0 = Instant::now();
    let (status, text) = http.call(
        "POST",
        &format!("{root}/_emulator/seed"),
        None,
        Some(body.clone()),
    )?;
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    if status != 200 {
        return Err(format!("seed {body} answered {status}: {text}"));
    }
    eprintln!("seeded {body} in {ms:.0} ms");
    Ok((ms, text.replace('\n', " ")))
}

/// Status code of `GET path` on 127.0.0.1:port, or None (refused, reset, garbage).
fn probe(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    let head = std::str::from_utf8(&buf[..n]).ok()?;
    head.split_whitespace().nth(1)?.parse().ok()
}

/// Spawn `sub` on a fixed free port and poll `path` until it answers 200: spawn-to-ready.
fn spawn_to_ready(sub: &str, path: &str) -> Result<Duration, String> {
    let port = child::free_port()?;
    let t0 = Instant::now();
    let mut c = Command::new(child::self_exe()?)
        .args([sub, "--port", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| e.to_string())?;
    let res = loop {
        if probe(port, path) == Some(200) {
            break Ok(t0.elapsed());
        }
        if t0.elapsed() > READY_TIMEOUT {
            break Err(format!("{sub} not ready in {READY_TIMEOUT:?}"));
        }
        if let Ok(Some(st)) = c.try_wait() {
            break Err(format!("{sub} exited early: {st}"));
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let _ = c.kill();
    let _ = c.wait();
    res
}

/// Returns (hello spawn-to-ready ms, emulator spawn-to-ready ms), medians.
fn emulator_startup(cfg: &Cfg, report: &mut Report) -> Result<(f64, f64), String> {
    let reps = if cfg.quick { 3 } else { 7 };
    let mut hello = Vec::new();
    let mut emu = Vec::new();
    for _ in 0..reps {
        // Interleaved so that drift in machine load hits both alike.
        hello.push(spawn_to_ready("serve-hello", "/")?);
        emu.push(spawn_to_ready("serve-emulator", "/_emulator/health")?);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (h, e) = (ms(stats::median(&hello)), ms(stats::median(&emu)));
    let mut sec = Section::new(
        "Emulator: startup to ready",
        &[
            "what",
            "hello world (baseline) ms",
            "emulator ms",
            "emulator / hello",
        ],
    );
    sec.row(vec![
        format!("process spawn to first 200 (median of {reps})"),
        f2(h),
        f2(e),
        ratio(e / h),
    ]);
    if let Some((ih, ie)) = in_process_start(reps)? {
        sec.row(vec![
            format!("in-process bind until ready (`Emulator::start`; median of {reps})"),
            f2(ih),
            f2(ie),
            ratio(ie / ih),
        ]);
    }
    sec.notes.push("Spawn-to-ready polls `GET /` (hello) or `GET /_emulator/health` (emulator) every 0.5 ms on a port chosen before the spawn.".into());
    report.sections.push(sec);
    Ok((h, e))
}

/// (hello ms, emulator ms) for starting the server inside this process.
#[cfg(feature = "emulator")]
fn in_process_start(reps: usize) -> Result<Option<(f64, f64)>, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let mut hello = Vec::new();
        let mut emu = Vec::new();
        for _ in 0..reps {
            let t0 = Instant::now();
            let (_addr, h) = crate::servers::start_hello(0).await?;
            hello.push(t0.elapsed());
            h.abort();
            let t0 = Instant::now();
            let e = telnyx_emulator::Emulator::start(telnyx_emulator::EmulatorConfig::default())
                .await
                .map_err(|e| e.to_string())?;
            emu.push(t0.elapsed());
            e.shutdown().await;
        }
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        Ok(Some((ms(stats::median(&hello)), ms(stats::median(&emu)))))
    })
}

#[cfg(not(feature = "emulator"))]
fn in_process_start(_reps: usize) -> Result<Option<(f64, f64)>, String> {
    Ok(None)
}

#[derive(Clone)]
struct Point {
    name: String,
    conns: usize,
    r: LoadResult,
    server_cpu_us: f64,
    /// Requests the server handled (measured + warm-up) and the CPU it spent on them.
    served: u64,
    server_cpu_secs: f64,
    /// Paired hello-world baseline.
    base_rps: f64,
    base_cpu_us: f64,
    base_p50: u32,
}

/// Several windows of the same point as one: summed requests and time, merged percentiles.
fn merge_points(ps: &[Point]) -> Option<Point> {
    let first = ps.first()?;
    let sum = |f: &dyn Fn(&Point) -> f64| ps.iter().map(f).sum::<f64>();
    let requests = ps.iter().map(|p| p.r.requests).sum::<u64>();
    let elapsed = sum(&|p| p.r.elapsed_secs);
    let slices: Vec<(u64, &[u32])> = ps
        .iter()
        .map(|p| (p.r.requests, p.r.quantiles.as_slice()))
        .collect();
    let served = ps.iter().map(|p| p.served).sum::<u64>();
    let server_cpu_secs = sum(&|p| p.server_cpu_secs);
    let r = LoadResult {
        connections: first.conns,
        warmup_requests: ps.iter().map(|p| p.r.warmup_requests).sum(),
        requests,
        errors: ps.iter().map(|p| p.r.errors).sum(),
        first_error: ps.iter().find_map(|p| p.r.first_error.clone()),
        elapsed_secs: elapsed,
        rps: requests as f64 / elapsed.max(1e-9),
        p50_us: stats::merged_percentile(&slices, 50.0),
        p99_us: stats::merged_percentile(&slices, 99.0),
        mean_bytes: sum(&|p| p.r.mean_bytes * p.r.requests as f64) / requests.max(1) as f64,
        loadgen_cpu_secs: sum(&|p| p.r.loadgen_cpu_secs),
        quantiles: Vec::new(),
    };
    Some(Point {
        name: first.name.clone(),
        conns: first.conns,
        server_cpu_us: server_cpu_secs * 1e6 / served.max(1) as f64,
        served,
        server_cpu_secs,
        r,
        base_rps: f64::NAN,
        base_cpu_us: f64::NAN,
        base_p50: 0,
    })
}

#[allow(clippy::too_many_arguments)] // one call site per kind of point; a struct would only rename them
fn load_point(
    cfg: &Cfg,
    server: &Server,
    name: &str,
    url: &str,
    conns: usize,
    method: &str,
    body: Option<&str>,
    bearer: Option<&str>,
    duration: f64,
) -> Result<Point, String> {
    let warmup = 20u32;
    let mut args: Vec<String> = vec![
        "loadgen".into(),
        "--url".into(),
        url.into(),
        "--connections".into(),
        conns.to_string(),
        "--duration-secs".into(),
        duration.to_string(),
        "--max-requests".into(),
        cfg.requests.to_string(),
        "--warmup".into(),
        warmup.to_string(),
        "--method".into(),
        method.into(),
    ];
    if let Some(b) = body {
        args.extend(["--body".into(), b.into()]);
    }
    if let Some(k) = bearer {
        args.extend(["--bearer".into(), k.into()]);
    }
    let cpu0 = stats::proc_cpu(&server.pid()).unwrap_or_default();
    let r: LoadResult = child::run_self_json(&args, Duration::from_secs_f64(duration + 120.0))?;
    let cpu = stats::proc_cpu(&server.pid())
        .unwrap_or_default()
        .saturating_sub(cpu0);
    let served = r.requests + r.errors + r.warmup_requests;
    eprintln!(
        "{name} c={conns}: {:.0} rps p50 {} us p99 {} us errors {}{}",
        r.rps,
        r.p50_us,
        r.p99_us,
        r.errors,
        r.first_error
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default()
    );
    Ok(Point {
        name: name.into(),
        conns,
        server_cpu_us: cpu.as_secs_f64() * 1e6 / served.max(1) as f64,
        served,
        server_cpu_secs: cpu.as_secs_f64(),
        r,
        base_rps: f64::NAN,
        base_cpu_us: f64::NAN,
        base_p50: 0,
    })
}

fn emulator_load(cfg: &Cfg, emu: &Server, base: &str, report: &mut Report) -> Result<(), String> {
    let hello = Server::spawn(&serve_args("serve-hello"), READY_TIMEOUT)?;
    let hello_url = format!("{}/", hello.url);
    let conns = [1usize, 32];
    let endpoints: Vec<(&str, String, &str, Option<&str>)> = vec![
        ("`GET /balance`", format!("{base}/balance"), "GET", None),
        ("20-item page `GET /webhook_deliveries?page[size]=20`", format!("{base}/webhook_deliveries?page%5Bsize%5D=20"), "GET", None),
        ("250-item page `GET /webhook_deliveries?page[size]=250`", format!("{base}/webhook_deliveries?page%5Bsize%5D=250"), "GET", None),
        (
            "detail records, `filter[cld][contains]=456`, 20 per page, over N",
            format!("{base}/detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcld%5D%5Bcontains%5D=456&page%5Bsize%5D=20"),
            "GET",
            None,
        ),
        (
            "`PATCH /payment/auto_recharge_prefs`",
            format!("{base}/payment/auto_recharge_prefs"),
            "PATCH",
            Some(r#"{"enabled":true,"threshold_amount":"50.00","recharge_amount":"100.00"}"#),
        ),
    ];

    // Hello-world windows interleaved with the emulator windows: per connection count
    // H E1 H E1 H E1 H E2 H ... H, `rounds` windows per endpoint. Each endpoint's baseline
    // merges the hello windows on both sides of its own windows, so a burst of load from
    // elsewhere (or a change in how the VM schedules the two processes) hits both alike.
    let rounds = cfg.rounds.max(1);
    let slice = cfg.duration / rounds as f64;
    let mut points = Vec::new();
    for &c in &conns {
        let hello_point = || {
            load_point(
                cfg, &hello, "hello", &hello_url, c, "GET", None, None, slice,
            )
        };
        let mut prev = hello_point()?;
        for (name, url, method, body) in &endpoints {
            let name = name.replace(" N", &format!(" {}", cfg.detail_records));
            let mut hs = vec![prev.clone()];
            let mut es = Vec::new();
            for _ in 0..rounds {
                es.push(load_point(
                    cfg,
                    emu,
                    &name,
                    url,
                    c,
                    method,
                    *body,
                    Some(KEY_BENCH),
                    slice,
                )?);
                hs.push(hello_point()?);
            }
            prev = hs[hs.len() - 1].clone();
            let (Some(mut p), Some(h)) = (merge_points(&es), merge_points(&hs)) else {
                continue;
            };
            p.base_rps = h.r.rps;
            p.base_cpu_us = h.server_cpu_us;
            p.base_p50 = h.r.p50_us;
            points.push(p);
        }
    }
    drop(hello);
    // Table order: endpoint, then connections.
    let order: Vec<String> = endpoints
        .iter()
        .map(|e| e.0.replace(" N", &format!(" {}", cfg.detail_records)))
        .collect();
    points.sort_by_key(|p| (order.iter().position(|n| *n == p.name), p.conns));

    let mut sec = Section::new(
        "Emulator: throughput and latency (load generator in a separate process, loopback, keep-alive)",
        &[
            "endpoint",
            "conns",
            "req/s",
            "hello req/s (paired)",
            "req/s vs hello",
            "p50 µs",
            "p99 µs",
            "hello p50 µs",
            "server CPU µs/req",
            "hello CPU µs/req",
            "CPU/req vs hello",
            "loadgen CPU µs/req",
            "bytes/resp",
            "errors",
        ],
    );
    for p in &points {
        sec.row(vec![
            p.name.clone(),
            p.conns.to_string(),
            f0(p.r.rps),
            f0(p.base_rps),
            pct(p.r.rps / p.base_rps),
            p.r.p50_us.to_string(),
            p.r.p99_us.to_string(),
            p.base_p50.to_string(),
            f1(p.server_cpu_us),
            f1(p.base_cpu_us),
            ratio(p.server_cpu_us / p.base_cpu_us),
            f1(p.r.loadgen_cpu_secs * 1e6 / p.r.requests.max(1) as f64),
            f0(p.r.mean_bytes),
            p.r.errors.to_string(),
        ]);
    }
    sec.intro.push(format!(
        "Each row: {} s in total (or {} requests per window), each window after up to 20 warm-up requests per connection (at most 1 s); one reqwest client per connection (HTTP/1.1 keep-alive). \
         Baseline: a bare axum hello world (`GET /`, 13 bytes) in its own process, hit by the same load generator with the same connection count in windows interleaved with the emulator's ({rounds} emulator windows of {slice:.2} s per row, each between two hello-world windows: H E H E H E H); \
         the 'paired' hello figures merge the hello windows around that row's windows (percentiles are merged from 1000-point quantile sketches of each window). \
         Server CPU per request = the server process's utime+stime delta (from /proc, {} ticks/s) / requests served (warm-up included), so it is less sensitive to a busy machine than req/s. \
         Load generator and server share the same cores: when the load generator's own CPU per request is close to the server's, req/s is capped by the load generator and the req/s ratio understates the difference, so read the CPU ratio too.",
        cfg.duration, cfg.requests, stats::clk_tck()
    ));
    let errs: u64 = points.iter().map(|p| p.r.errors).sum();
    if errs > 0 {
        for p in points.iter().filter(|p| p.r.errors > 0) {
            sec.notes.push(format!(
                "{} c={}: {} errors, first: {}",
                p.name,
                p.conns,
                p.r.errors,
                p.r.first_error.clone().unwrap_or_default()
            ));
        }
    }
    report.sections.push(sec);

    for (needle, goal, label) in [
        (
            "`GET /balance`",
            0.5,
            "Emulator `GET /balance` vs bare axum",
        ),
        ("20-item", 0.3, "Emulator 20-item page vs bare axum"),
    ] {
        let ps: Vec<&Point> = points.iter().filter(|p| p.name.contains(needle)).collect();
        let ratios: Vec<(usize, f64, f64)> = ps
            .iter()
            .map(|p| {
                (
                    p.conns,
                    p.r.rps / p.base_rps,
                    p.server_cpu_us / p.base_cpu_us,
                )
            })
            .collect();
        let worst = ratios.iter().map(|r| r.1).fold(f64::INFINITY, f64::min);
        let measured = ratios
            .iter()
            .map(|(c, r, cpu)| {
                format!(
                    "{} at {c} conn (server CPU/req {} hello's)",
                    pct(*r),
                    ratio(*cpu)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let met = ps.iter().all(|p| p.r.errors == 0) && worst >= goal;
        report.targets.push(Target {
            name: label.into(),
            target: format!(">= {} of hello-world req/s", pct(goal)),
            measured,
            met: Some(met),
            note: if met {
                String::new()
            } else {
                format!(
                    "short by {:.0} percentage points at the worst connection count",
                    (goal - worst) * 100.0
                )
            },
        });
    }
    Ok(())
}

fn emulator_memory(http: &Http, report: &mut Report) -> Result<(), String> {
    let hello = Server::spawn(&serve_args("serve-hello"), READY_TIMEOUT)?;
    for _ in 0..100 {
        http.call("GET", &format!("{}/", hello.url), None, None)?;
    }
    let hello_rss = stats::proc_rss_kb(&hello.pid()).unwrap_or(0);
    drop(hello);

    let emu = Server::spawn(&serve_args("serve-emulator"), READY_TIMEOUT)?;
    let idle = stats::proc_rss_kb(&emu.pid()).unwrap_or(0);
    let base = emu.url.clone();
    let mut touched = Vec::new();
    for i in 0..10 {
        let key = format!("KEY_BENCH_RSS_{i}");
        // Touch the account with a few typical calls.
        for path in [
            "/balance",
            "/webhook_deliveries?page%5Bsize%5D=20",
            "/invoices",
            "/payment/auto_recharge_prefs",
        ] {
            let (status, text) = http.call("GET", &format!("{base}{path}"), Some(&key), None)?;
            touched.push(status);
            if status != 200 {
                eprintln!(
                    "RSS touch {path} with {key}: {status} {}",
                    text.chars().take(200).collect::<String>()
                );
            }
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    let ten = stats::proc_rss_kb(&emu.pid()).unwrap_or(0);
    let hwm = stats::proc_hwm_kb(&emu.pid()).unwrap_or(0);
    drop(emu);
    let ok = touched.iter().filter(|s| **s == 200).count();
    let mut sec = Section::new(
        "Emulator: resident memory",
        &["process", "VmRSS", "vs hello world"],
    );
    sec.row(vec![
        "bare axum hello world after 100 requests (baseline)".into(),
        mb(hello_rss),
        "baseline".into(),
    ]);
    sec.row(vec![
        "emulator, idle after start".into(),
        mb(idle),
        ratio(idle as f64 / hello_rss.max(1) as f64),
    ]);
    sec.row(vec![
        format!(
            "emulator with ten accounts ({ok}/{} touch calls answered 200)",
            touched.len()
        ),
        mb(ten),
        ratio(ten as f64 / hello_rss.max(1) as f64),
    ]);
    sec.notes.push(format!("Ten accounts = ten API keys, each touched with GET /balance, /webhook_deliveries, /invoices and /payment/auto_recharge_prefs; the emulator's peak (VmHWM) was {}.", mb(hwm)));
    report.sections.push(sec);
    Ok(())
}

fn target_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    // <target>/<profile>/telnyx-bench
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().and_then(|p| p.parent()).map(|p| p.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Install npm telnyx@7.24.0 into target/bench-node (once) and write the harness there.
fn prepare_node() -> Result<PathBuf, String> {
    let ver = sh("node", &["--version"]).ok_or("skipped: node not found on PATH")?;
    let dir = target_dir().join("bench-node");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let pkg = dir.join("node_modules/telnyx/package.json");
    let installed = std::fs::read_to_string(&pkg)
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v.get("version").and_then(|v| v.as_str()).map(String::from));
    if installed.as_deref() != Some(NODE_SDK_VERSION) {
        eprintln!(
            "installing telnyx@{NODE_SDK_VERSION} into {} (node {ver})",
            dir.display()
        );
        let mut cmd = Command::new("npm");
        cmd.arg("install")
            .arg("--prefix")
            .arg(&dir)
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .arg(format!("telnyx@{NODE_SDK_VERSION}"));
        child::run_capture(cmd, Duration::from_secs(300))
            .map_err(|e| format!("skipped: npm install telnyx@{NODE_SDK_VERSION} failed: {e}"))?;
    }
    let script = dir.join("bench.mjs");
    std::fs::write(&script, include_str!("bench.mjs"))
        .map_err(|e| format!("{}: {e}", script.display()))?;
    Ok(script)
}

fn run_node(script: &PathBuf, args: &[String]) -> Result<WorkResult, String> {
    let mut cmd = Command::new("node");
    cmd.arg(script).args(args);
    child::parse_last_json(&child::run_capture(cmd, Duration::from_secs(900))?)
}

/// One line of a (possibly multi-line, stack-traced) child error, for a table note.
fn short_err(e: &str) -> String {
    let line = e
        .lines()
        .find(|l| l.contains("Error") || l.contains("error:"))
        .or_else(|| e.lines().next())
        .unwrap_or("")
        .trim();
    line.chars().take(300).collect()
}

fn cpu_us_per(r: &WorkResult) -> f64 {
    r.cpu_secs * 1e6 / r.n.max(1) as f64
}

fn sdk_and_node(cfg: &Cfg, base: &str, with_node: bool, report: &mut Report) -> Result<(), String> {
    let node = if with_node {
        Some(prepare_node())
    } else {
        None
    };
    let node_script = match &node {
        Some(Ok(s)) => Some(s.clone()),
        _ => None,
    };
    let n = cfg.sdk_calls;
    let timeout = Duration::from_secs(900);
    let reps = if cfg.quick { 1 } else { 3 };

    let mut sec = Section::new(
        &format!("SDK: client CPU per request, {n} x `balance().retrieve()`"),
        &[
            "client",
            "concurrency",
            "CPU µs/req",
            "vs raw reqwest",
            "Node / this",
            "wall s",
            "req/s",
            "peak RSS",
            "errors",
        ],
    );
    let mut cpu_targets = Vec::new();
    for conc in [1usize, 32] {
        let mut runs: Vec<(String, Result<WorkResult, String>)> = Vec::new();
        for mode in ["raw", "sdk"] {
            eprintln!("sdk-balance mode={mode} concurrency={conc} n={n}");
            let args: Vec<String> = [
                "sdk-balance",
                "--url",
                base,
                "--key",
                KEY_BENCH,
                "--n",
                &n.to_string(),
                "--concurrency",
                &conc.to_string(),
                "--mode",
                mode,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            // Median of `reps` runs by CPU time: a busy machine only ever adds CPU noise.
            let mut ok = Vec::new();
            let mut err = None;
            for _ in 0..reps {
                let r = child::run_self_json::<WorkResult>(&args, timeout);
                show(&r);
                match r {
                    Ok(w) => ok.push(w),
                    Err(e) => err = Some(e),
                }
            }
            ok.sort_by(|a, b| a.cpu_secs.total_cmp(&b.cpu_secs));
            let r = if ok.is_empty() {
                Err(err.unwrap_or_default())
            } else {
                Ok(ok.swap_remove((ok.len() - 1) / 2))
            };
            let label = if mode == "raw" {
                "raw reqwest + serde_json::Value (floor)"
            } else {
                "telnyx (Rust SDK)"
            };
            runs.push((label.into(), r));
        }
        if let Some(script) = &node_script {
            eprintln!("node balance concurrency={conc} n={n}");
            let r = run_node(
                script,
                &[
                    "balance".into(),
                    base.into(),
                    KEY_BENCH.into(),
                    n.to_string(),
                    conc.to_string(),
                    "100".into(),
                ],
            );
            show(&r);
            runs.push((format!("npm telnyx {NODE_SDK_VERSION} (Node)"), r));
        }
        let raw = runs[0].1.as_ref().ok().map(cpu_us_per);
        let sdk = runs[1].1.as_ref().ok().map(cpu_us_per);
        let nodec = runs.get(2).and_then(|r| r.1.as_ref().ok()).map(cpu_us_per);
        for (label, r) in &runs {
            match r {
                Ok(w) => {
                    let c = cpu_us_per(w);
                    let vs_raw = raw.map(|b| ratio(c / b)).unwrap_or_else(|| "n/a".into());
                    let node_over = nodec
                        .map(|nc| ratio(nc / c))
                        .unwrap_or_else(|| "n/a".into());
                    sec.row(vec![
                        label.clone(),
                        conc.to_string(),
                        f1(c),
                        vs_raw,
                        node_over,
                        f2(w.wall_secs),
                        f0(w.n as f64 / w.wall_secs.max(1e-9)),
                        mb(w.peak_rss_kb),
                        w.errors.to_string(),
                    ]);
                    if w.errors > 0 {
                        sec.notes.push(format!(
                            "{label} c={conc}: {} errors, first: {}",
                            w.errors,
                            w.first_error.clone().unwrap_or_default()
                        ));
                    }
                }
                Err(e) => sec
                    .notes
                    .push(format!("{label} c={conc} failed: {}", short_err(e))),
            }
        }
        cpu_targets.push((conc, sdk, nodec));
    }
    sec.intro.push(format!("Each client runs in its own process on a single-threaded runtime (tokio current_thread; Node is single-threaded too) against the same emulator process, after 100 warm-up calls; Rust rows are the median by CPU time of {reps} run(s), Node rows one run. CPU = user+system time of the client process over the measured calls (Rust: /proc/self/task/*/schedstat; Node: process.cpuUsage())."));
    if let Some(Err(e)) = &node {
        sec.notes.push(e.clone());
    }
    report.sections.push(sec);

    // Target: SDK CPU/request <= 1/5 of Node's.
    if with_node {
        let mut measured = Vec::new();
        let mut met = node_script.is_some();
        let mut worst = f64::INFINITY;
        for (conc, sdk, nodec) in &cpu_targets {
            match (sdk, nodec) {
                (Some(s), Some(nc)) => {
                    measured.push(format!("Node/Rust {} at concurrency {conc}", ratio(nc / s)));
                    worst = worst.min(nc / s);
                    met &= nc / s >= 5.0;
                }
                _ => met = false,
            }
        }
        report.targets.push(Target {
            name: "SDK client CPU per request vs Node SDK".into(),
            target: "<= 1/5 of Node's (Node/Rust >= 5x)".into(),
            measured: if measured.is_empty() {
                "n/a".into()
            } else {
                measured.join(", ")
            },
            met: if node_script.is_some() && !measured.is_empty() {
                Some(met)
            } else {
                None
            },
            note: if let Some(Err(e)) = &node {
                e.clone()
            } else if !met && worst.is_finite() {
                format!(
                    "short by {:.0} % (Node/Rust {:.2}x, needs 5x)",
                    (1.0 - worst / 5.0) * 100.0,
                    worst
                )
            } else {
                String::new()
            },
        });
    }

    // Paging: plain loopback, then with latency injected per page (a stand-in for a network).
    let http = Http::new()?;
    let root = base
        .trim_end_matches('/')
        .trim_end_matches("/v2")
        .to_string();
    let plain = paging(cfg, base, node_script.as_ref(), node.as_ref(), 0, report)?;
    let latency_ms = 10;
    let (status, text) = http.call(
        "POST",
        &format!("{root}/_emulator/faults"),
        None,
        Some(json!({"method": "GET", "path_prefix": "/v2/webhook_deliveries", "latency_ms": latency_ms})),
    )?;
    let delayed = if status == 200 || status == 201 {
        let r = paging(
            cfg,
            base,
            node_script.as_ref(),
            node.as_ref(),
            latency_ms,
            report,
        );
        http.call("DELETE", &format!("{root}/_emulator/faults"), None, None)?;
        Some(r?)
    } else {
        eprintln!("could not add a latency fault ({status}): {text}");
        None
    };

    decode_breakdown(&http, base, node_script.as_ref(), report)?;

    let items = cfg.page_items;
    if with_node {
        let judge = |o: &PagingOutcome| -> (String, Option<bool>, f64) {
            match (o.node_wall, o.prefetch_wall) {
                (Some(nw), Some(pw)) => (
                    format!("{} faster", ratio(nw / pw)),
                    Some(nw / pw >= 3.0 && o.counts_ok),
                    nw / pw,
                ),
                _ => ("n/a".into(), None, f64::NAN),
            }
        };
        let (m, met, x) = judge(&plain);
        let mut note = if met == Some(false) {
            format!(
                "short by {:.0} % ({:.2}x, needs 3x)",
                (1.0 - x / 3.0) * 100.0,
                x
            )
        } else {
            String::new()
        };
        if let Some(Err(e)) = &node {
            note = e.clone();
        }
        report.targets.push(Target {
            name: format!("Paging {items} items, Rust prefetch 4 vs Node SDK (loopback)"),
            target: ">= 3x faster".into(),
            measured: m,
            met,
            note,
        });
        if let Some(d) = &delayed {
            let (m, met, x) = judge(d);
            report.targets.push(Target {
                name: format!(
                    "Paging {items} items, Rust prefetch 4 vs Node SDK ({latency_ms} ms per page)"
                ),
                target: ">= 3x faster".into(),
                measured: m,
                met,
                note: if let Some(Err(e)) = &node {
                    e.clone()
                } else if met == Some(false) {
                    format!(
                        "short by {:.0} % ({:.2}x, needs 3x)",
                        (1.0 - x / 3.0) * 100.0,
                        x
                    )
                } else {
                    String::new()
                },
            });
        }
    }
    let peak_kb = plain
        .peak_kb
        .max(delayed.as_ref().map(|d| d.peak_kb).unwrap_or(0));
    let counts_ok = plain.counts_ok && delayed.as_ref().is_none_or(|d| d.counts_ok);
    report.targets.push(Target {
        name: format!("Peak memory streaming {items} items (Rust SDK process)"),
        target: "< 30 MB".into(),
        measured: mb(peak_kb),
        met: Some(peak_kb > 0 && peak_kb < 30 * 1024 && counts_ok),
        note: if peak_kb >= 30 * 1024 {
            format!("over by {}", mb(peak_kb - 30 * 1024))
        } else if !counts_ok {
            "item count or errors wrong, see the paging table".into()
        } else {
            String::new()
        },
    });
    Ok(())
}

/// Where the client's paging CPU goes: one 250-item page decoded in this process three ways
/// (untyped, typed, typed with path tracking as the SDK does), and by Node's `JSON.parse`.
#[cfg(feature = "sdk")]
fn decode_breakdown(
    http: &Http,
    base: &str,
    node_script: Option<&PathBuf>,
    report: &mut Report,
) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        data: Vec<telnyx::WebhookDelivery>,
    }
    let (status, page) = http.call(
        "GET",
        &format!("{base}/webhook_deliveries?page%5Bsize%5D=250"),
        Some(KEY_PAGE),
        None,
    )?;
    if status != 200 {
        return Err(format!("GET webhook_deliveries answered {status}"));
    }
    let bytes = page.as_bytes();
    let reps = 50;
    type Decoder<'a> = Box<dyn Fn() -> Result<usize, String> + 'a>;
    let decoders: Vec<Decoder<'_>> = vec![
        Box::new(|| {
            let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            Ok(v.get("data")
                .and_then(|d| d.as_array())
                .map(|a| a.len())
                .unwrap_or(0))
        }),
        Box::new(|| {
            // As the SDK decodes a page: one UTF-8 check of the body, then `from_str`.
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            let e: Envelope = serde_json::from_str(text).map_err(|e| e.to_string())?;
            Ok(e.data.len())
        }),
        Box::new(|| {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            let e: Envelope =
                serde_path_to_error::deserialize(&mut de).map_err(|e| e.to_string())?;
            Ok(e.data.len())
        }),
    ];
    // Round-robin over the decoders so that drift in machine load hits all of them alike.
    let mut times = vec![Vec::new(); decoders.len()];
    let mut counts = vec![0usize; decoders.len()];
    for _ in 0..reps {
        for (i, d) in decoders.iter().enumerate() {
            let t0 = Instant::now();
            counts[i] = d()?;
            times[i].push(t0.elapsed());
        }
    }
    let result = |i: usize| (stats::median(&times[i]).as_secs_f64(), counts[i]);
    let (untyped, typed, tracked) = (result(0), result(1), result(2));
    let per = |(secs, n): (f64, usize)| secs * 1e6 / n.max(1) as f64;
    let mut sec = Section::new(
        &format!(
            "SDK: decoding one 250-item webhook delivery page ({} KB), median of {reps}",
            bytes.len() / 1024
        ),
        &["decoder", "µs per item", "vs typed serde_json"],
    );
    let base_us = per(typed);
    let mut rows = vec![
        (
            "serde_json::Value (untyped, like JSON.parse)".to_string(),
            per(untyped),
        ),
        (
            "typed `telnyx::WebhookDelivery`, plain serde_json (what the SDK does)".to_string(),
            base_us,
        ),
        (
            "typed, through serde_path_to_error (the SDK's error path only)".to_string(),
            per(tracked),
        ),
    ];
    if let Some(script) = node_script {
        let file = script.with_file_name("page.json");
        std::fs::write(&file, bytes).map_err(|e| format!("{}: {e}", file.display()))?;
        match run_node(
            script,
            &[
                "decode".into(),
                "-".into(),
                "-".into(),
                file.display().to_string(),
                reps.to_string(),
            ],
        ) {
            Ok(w) => rows.push((
                "Node `JSON.parse` (all the npm SDK does per page)".to_string(),
                w.wall_secs * 1e6 / w.n.max(1) as f64,
            )),
            Err(e) => sec
                .notes
                .push(format!("Node decode failed: {}", short_err(&e))),
        }
    }
    for (name, us) in rows {
        sec.row(vec![name, f2(us), ratio(us / base_us)]);
    }
    sec.intro.push("The paging client is decode-bound on loopback; this isolates the decode from the I/O. The page is fetched once from the emulator and decoded in-process (Rust) or in the Node harness.".into());
    report.sections.push(sec);
    Ok(())
}

#[cfg(not(feature = "sdk"))]
fn decode_breakdown(_: &Http, _: &str, _: Option<&PathBuf>, _: &mut Report) -> Result<(), String> {
    Ok(())
}

/// A paging row: (label, mode, `Some((prefetch, runtime threads))` for Rust, `None` for Node).
type PagingConfig = (String, String, Option<(usize, usize)>);

struct PagingOutcome {
    prefetch_wall: Option<f64>,
    node_wall: Option<f64>,
    peak_kb: u64,
    counts_ok: bool,
}

fn paging(
    cfg: &Cfg,
    base: &str,
    node_script: Option<&PathBuf>,
    node: Option<&Result<PathBuf, String>>,
    latency_ms: u64,
    report: &mut Report,
) -> Result<PagingOutcome, String> {
    let items = cfg.page_items;
    let timeout = Duration::from_secs(900);
    let title = if latency_ms == 0 {
        format!("SDK: paging through {items} webhook deliveries, page size 250, loopback")
    } else {
        format!("SDK: paging through {items} webhook deliveries, page size 250, {latency_ms} ms injected per page")
    };
    let mut sec = Section::new(
        &title,
        &[
            "client",
            "mode",
            "wall s",
            "items/s",
            "vs sequential (speed-up)",
            "vs Node (speed-up)",
            "CPU s",
            "peak RSS",
            "items",
            "errors",
        ],
    );
    // Configurations run round-robin, `reps` times each; the row shows the run with the median
    // wall time, and the peak memory is the highest of all runs.
    let reps = if cfg.quick { 1 } else { 3 };
    // (label, mode, Some((prefetch, runtime threads)) for Rust, None for Node). The first two
    // Rust rows run on a current-thread runtime like Node (the like-for-like comparison, and
    // the one the target is judged on); the third shows what `#[tokio::main]` gives.
    let mut configs: Vec<PagingConfig> = vec![
        (
            "telnyx (Rust SDK)".into(),
            "sequential".into(),
            Some((0, 1)),
        ),
        (
            "telnyx (Rust SDK)".into(),
            "prefetch 4 (`.concurrency(4)`)".into(),
            Some((4, 1)),
        ),
        (
            "telnyx (Rust SDK)".into(),
            format!("prefetch 4, multi-thread runtime ({MT_WORKERS} workers)"),
            Some((4, MT_WORKERS)),
        ),
    ];
    if node_script.is_some() {
        configs.push((
            format!("npm telnyx {NODE_SDK_VERSION} (Node)"),
            "sequential (`for await`; no prefetch)".into(),
            None,
        ));
    }
    let mut all: Vec<(Vec<WorkResult>, Option<String>)> =
        configs.iter().map(|_| (Vec::new(), None)).collect();
    for rep in 0..reps {
        for (i, (_, mode, prefetch)) in configs.iter().enumerate() {
            eprintln!(
                "paging {mode} items={items} latency={latency_ms}ms rep {}/{reps}",
                rep + 1
            );
            let r = match (prefetch, node_script) {
                (Some((p, threads)), _) => {
                    let args: Vec<String> = [
                        "sdk-page",
                        "--url",
                        base,
                        "--key",
                        KEY_PAGE,
                        "--page-size",
                        "250",
                        "--prefetch",
                        &p.to_string(),
                        "--expect",
                        &items.to_string(),
                        "--threads",
                        &threads.to_string(),
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                    child::run_self_json::<WorkResult>(&args, timeout)
                }
                (None, Some(script)) => run_node(
                    script,
                    &[
                        "page".into(),
                        base.into(),
                        KEY_PAGE.into(),
                        "250".into(),
                        items.to_string(),
                    ],
                ),
                (None, None) => continue,
            };
            show(&r);
            match r {
                Ok(w) => all[i].0.push(w),
                Err(e) => all[i].1 = Some(e),
            }
        }
    }
    let mut runs: Vec<(String, String, Result<WorkResult, String>)> = Vec::new();
    for ((label, mode, _), (mut ok, err)) in configs.into_iter().zip(all) {
        let peak = ok.iter().map(|w| w.peak_rss_kb).max().unwrap_or(0);
        let bad = ok.iter().find(|w| w.n != items || w.errors > 0).cloned();
        ok.sort_by(|a, b| a.wall_secs.total_cmp(&b.wall_secs));
        let r = match (bad, ok.is_empty()) {
            // Any run with a wrong count or an error is the one shown.
            (Some(w), _) => Ok(w),
            (None, true) => Err(err.unwrap_or_default()),
            (None, false) => {
                let mut w = ok.swap_remove((ok.len() - 1) / 2);
                w.peak_rss_kb = peak;
                Ok(w)
            }
        };
        runs.push((label, mode, r));
    }
    let seq = runs[0].2.as_ref().ok().map(|w| w.wall_secs);
    let node_wall = runs
        .iter()
        .find(|r| r.0.starts_with("npm"))
        .and_then(|r| r.2.as_ref().ok())
        .map(|w| w.wall_secs);
    let mut peak_kb = 0u64;
    let mut counts_ok = true;
    for (label, mode, r) in &runs {
        let is_rust = label.starts_with("telnyx");
        match r {
            Ok(w) => {
                if is_rust {
                    peak_kb = peak_kb.max(w.peak_rss_kb);
                    counts_ok &= w.n == items && w.errors == 0;
                }
                sec.row(vec![
                    label.clone(),
                    mode.clone(),
                    f2(w.wall_secs),
                    f0(w.n as f64 / w.wall_secs.max(1e-9)),
                    seq.map(|s| ratio(s / w.wall_secs))
                        .unwrap_or_else(|| "n/a".into()),
                    node_wall
                        .map(|nw| ratio(nw / w.wall_secs))
                        .unwrap_or_else(|| "n/a".into()),
                    f2(w.cpu_secs),
                    mb(w.peak_rss_kb),
                    w.n.to_string(),
                    w.errors.to_string(),
                ]);
                if w.n != items {
                    sec.notes.push(format!(
                        "ERROR: {label} {mode} received {} items, expected {items}",
                        w.n
                    ));
                }
                if let Some(e) = &w.first_error {
                    sec.notes.push(format!("{label} {mode}: {e}"));
                }
            }
            Err(e) => {
                if is_rust {
                    counts_ok = false;
                }
                sec.notes
                    .push(format!("{label} {mode} failed: {}", short_err(e)));
            }
        }
    }
    sec.intro.push(format!("Each run is a separate process streaming every item (`list(..).into_stream()` / `for await`), counting them. The configurations run round-robin {reps} time(s); each row is the run with the median wall time, its peak RSS the highest of its runs. Peak RSS is the process's VmHWM (Rust) or `process.resourceUsage().maxRSS` (Node), so it includes the runtime, the HTTP client and everything else in the process."));
    sec.intro.push(format!("The Rust rows run on a current-thread runtime (like Node's single thread; the target is judged on the `prefetch 4` row) except the multi-thread row, which runs on a {MT_WORKERS}-worker runtime, as `#[tokio::main]` gives a Rust user: there each prefetched page is fetched and decoded in its own spawned task, on any worker. On this machine the emulator shares the same cores."));
    if latency_ms > 0 {
        sec.intro.push(format!("A latency-only fault rule (`POST /_emulator/faults` `{{\"path_prefix\":\"/v2/webhook_deliveries\",\"latency_ms\":{latency_ms}}}`) delays every page by {latency_ms} ms, a stand-in for a network round trip: this is where prefetching pays."));
    }
    if let Some(Err(e)) = node {
        sec.notes.push(e.clone());
    }
    report.sections.push(sec);
    Ok(PagingOutcome {
        prefetch_wall: runs
            .get(1)
            .and_then(|r| r.2.as_ref().ok())
            .map(|w| w.wall_secs),
        node_wall,
        peak_kb,
        counts_ok,
    })
}

fn show(r: &Result<WorkResult, String>) {
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
        Err(e) => eprintln!("  failed: {}", short_err(e)),
    }
}
