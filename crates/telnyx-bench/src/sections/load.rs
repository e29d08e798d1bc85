//! Emulator throughput, latency and server CPU per request at 1 and 32 connections, each
//! endpoint's windows interleaved with a bare axum hello world's.

use std::time::Duration;

use crate::child::{self, Server};
use crate::ctx::{serve_args, Cfg, Ctx, KEY_BENCH, READY_TIMEOUT};
use crate::error::BenchError;
use crate::loadgen::LoadResult;
use crate::report::{f0, f1, pct, ratio, Section, Table, Target};
use crate::stats;

const CONNECTIONS: [usize; 2] = [1, 32];

/// One endpoint under load.
struct Endpoint {
    name: String,
    url: String,
    method: &'static str,
    body: Option<&'static str>,
}

/// The endpoints, in table order, on the emulator at `api`.
fn endpoints(api: &str, detail_records: u64) -> Vec<Endpoint> {
    let e = |name: String, path: &str, method, body| Endpoint {
        name,
        url: format!("{api}{path}"),
        method,
        body,
    };
    vec![
        e("`GET /balance`".into(), "/balance", "GET", None),
        e("20-item page `GET /webhook_deliveries?page[size]=20`".into(), "/webhook_deliveries?page%5Bsize%5D=20", "GET", None),
        e("250-item page `GET /webhook_deliveries?page[size]=250`".into(), "/webhook_deliveries?page%5Bsize%5D=250", "GET", None),
        e(
            format!("detail records, `filter[cld][contains]=456`, 20 per page, over {detail_records}"),
            "/detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcld%5D%5Bcontains%5D=456&page%5Bsize%5D=20",
            "GET",
            None,
        ),
        e(
            "`PATCH /payment/auto_recharge_prefs`".into(),
            "/payment/auto_recharge_prefs",
            "PATCH",
            Some(r#"{"enabled":true,"threshold_amount":"50.00","recharge_amount":"100.00"}"#),
        ),
    ]
}

/// One measured load point (or several windows merged), with its paired baseline.
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

impl Point {
    fn new(name: &str, conns: usize, r: LoadResult, served: u64, server_cpu_secs: f64) -> Point {
        Point {
            name: name.into(),
            conns,
            server_cpu_us: server_cpu_secs * 1e6 / served.max(1) as f64,
            served,
            server_cpu_secs,
            r,
            base_rps: f64::NAN,
            base_cpu_us: f64::NAN,
            base_p50: 0,
        }
    }

    /// Several windows of the same point as one: summed requests and time, merged percentiles.
    fn merge(ps: &[Point]) -> Option<Point> {
        let first = ps.first()?;
        let sum = |f: &dyn Fn(&Point) -> f64| ps.iter().map(f).sum::<f64>();
        let requests = ps.iter().map(|p| p.r.requests).sum::<u64>();
        let elapsed = sum(&|p| p.r.elapsed_secs);
        let slices: Vec<(u64, &[u32])> = ps
            .iter()
            .map(|p| (p.r.requests, p.r.quantiles.as_slice()))
            .collect();
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
        let served = ps.iter().map(|p| p.served).sum::<u64>();
        Some(Point::new(
            &first.name,
            first.conns,
            r,
            served,
            sum(&|p| p.server_cpu_secs),
        ))
    }

    /// Takes the paired baseline from the merged hello-world windows.
    fn paired_with(mut self, hello: &Point) -> Point {
        self.base_rps = hello.r.rps;
        self.base_cpu_us = hello.server_cpu_us;
        self.base_p50 = hello.r.p50_us;
        self
    }
}

/// One window: the load generator against `server` (a child of this binary).
fn load_point(
    cfg: &Cfg,
    server: &Server,
    e: &Endpoint,
    conns: usize,
    bearer: Option<&str>,
    duration: f64,
) -> Result<Point, BenchError> {
    let mut args: Vec<String> = vec![
        "loadgen".into(),
        "--url".into(),
        e.url.clone(),
        "--connections".into(),
        conns.to_string(),
        "--duration-secs".into(),
        duration.to_string(),
        "--max-requests".into(),
        cfg.requests.to_string(),
        "--warmup".into(),
        "20".into(),
        "--method".into(),
        e.method.into(),
    ];
    if let Some(b) = e.body {
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
        "{} c={conns}: {:.0} rps p50 {} us p99 {} us errors {}{}",
        e.name,
        r.rps,
        r.p50_us,
        r.p99_us,
        r.errors,
        r.first_error
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default()
    );
    Ok(Point::new(&e.name, conns, r, served, cpu.as_secs_f64()))
}

/// The section, on the shared emulator and a hello world of its own.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    super::seeding::ensure(ctx)?;
    let emu = ctx.emulator()?;
    let endpoints = endpoints(&emu.url, ctx.cfg.detail_records);
    let mut points = measure_interleaved(&ctx.cfg, emu, &endpoints)?;
    // Table order: endpoint, then connections.
    points.sort_by_key(|p| (endpoints.iter().position(|e| e.name == p.name), p.conns));
    let mut section = Section::of(table(&ctx.cfg, &points));
    section.targets = targets(&points);
    Ok(section)
}

/// Hello-world windows interleaved with the emulator windows: per connection count
/// H E1 H E1 H E1 H E2 H ... H, `rounds` windows per endpoint. Each endpoint's baseline merges
/// the hello windows on both sides of its own windows, so a burst of load from elsewhere (or a
/// change in how the VM schedules the two processes) hits both alike.
fn measure_interleaved(
    cfg: &Cfg,
    emu: &Server,
    endpoints: &[Endpoint],
) -> Result<Vec<Point>, BenchError> {
    let hello = Server::spawn(&serve_args("serve-hello"), READY_TIMEOUT)?;
    let hello_endpoint = Endpoint {
        name: "hello".into(),
        url: format!("{}/", hello.url),
        method: "GET",
        body: None,
    };
    let rounds = cfg.rounds.max(1);
    let slice = cfg.duration / rounds as f64;
    let mut points = Vec::new();
    for conns in CONNECTIONS {
        let hello_window = || load_point(cfg, &hello, &hello_endpoint, conns, None, slice);
        let mut prev = hello_window()?;
        for e in endpoints {
            let mut hs = vec![prev.clone()];
            let mut es = Vec::new();
            for _ in 0..rounds {
                es.push(load_point(cfg, emu, e, conns, Some(KEY_BENCH), slice)?);
                hs.push(hello_window()?);
            }
            prev = hs[hs.len() - 1].clone();
            if let (Some(p), Some(h)) = (Point::merge(&es), Point::merge(&hs)) {
                points.push(p.paired_with(&h));
            }
        }
    }
    Ok(points)
}

fn table(cfg: &Cfg, points: &[Point]) -> Table {
    let mut table = Table::new(
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
    for p in points {
        table.row(vec![
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
    let rounds = cfg.rounds.max(1);
    let slice = cfg.duration / rounds as f64;
    table.intro.push(format!(
        "Each row: {} s in total (or {} requests per window), each window after up to 20 warm-up requests per connection (at most 1 s); one reqwest client per connection (HTTP/1.1 keep-alive). \
         Baseline: a bare axum hello world (`GET /`, 13 bytes) in its own process, hit by the same load generator with the same connection count in windows interleaved with the emulator's ({rounds} emulator windows of {slice:.2} s per row, each between two hello-world windows: H E H E H E H); \
         the 'paired' hello figures merge the hello windows around that row's windows (percentiles are merged from 1000-point quantile sketches of each window). \
         Server CPU per request = the server process's utime+stime delta (from /proc, {} ticks/s) / requests served (warm-up included), so it is less sensitive to a busy machine than req/s. \
         Load generator and server share the same cores: when the load generator's own CPU per request is close to the server's, req/s is capped by the load generator and the req/s ratio understates the difference, so read the CPU ratio too.",
        cfg.duration, cfg.requests, stats::clk_tck()
    ));
    for p in points.iter().filter(|p| p.r.errors > 0) {
        table.notes.push(format!(
            "{} c={}: {} errors, first: {}",
            p.name,
            p.conns,
            p.r.errors,
            p.r.first_error.clone().unwrap_or_default()
        ));
    }
    table
}

/// `GET /balance` >= 50 % and the 20-item page >= 30 % of the hello world's req/s, at every
/// connection count.
fn targets(points: &[Point]) -> Vec<Target> {
    [
        (
            "`GET /balance`",
            0.5,
            "Emulator `GET /balance` vs bare axum",
        ),
        ("20-item", 0.3, "Emulator 20-item page vs bare axum"),
    ]
    .into_iter()
    .map(|(needle, goal, label)| {
        let ps: Vec<&Point> = points.iter().filter(|p| p.name.contains(needle)).collect();
        let worst = ps
            .iter()
            .map(|p| p.r.rps / p.base_rps)
            .fold(f64::INFINITY, f64::min);
        let measured = ps
            .iter()
            .map(|p| {
                format!(
                    "{} at {} conn (server CPU/req {} hello's)",
                    pct(p.r.rps / p.base_rps),
                    p.conns,
                    ratio(p.server_cpu_us / p.base_cpu_us)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let met = ps.iter().all(|p| p.r.errors == 0) && worst >= goal;
        let target = Target::new(
            label,
            format!(">= {} of hello-world req/s", pct(goal)),
            measured,
            met,
        );
        if met {
            target
        } else {
            target.note(format!(
                "short by {:.0} percentage points at the worst connection count",
                (goal - worst) * 100.0
            ))
        }
    })
    .collect()
}
