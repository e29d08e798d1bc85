//! The emulator's signed webhook delivery: how many deliveries a second it makes to a loopback
//! receiver (each built from a generated record, signed with Ed25519, POSTed, and recorded in
//! `webhook_deliveries`), against the same receiver hit with unsigned POSTs of the same size
//! by the load generator in the same run (16 connections, as many as the emulator's deliveries
//! in flight).
//!
//! Processes: the receiver (`serve-sink`), the emulator (`serve-emulator`) and the load
//! generator (`loadgen`) each run as their own child of this binary, on 127.0.0.1.

use std::time::{Duration, Instant};

use crate::child::{self, Server};
use crate::ctx::Ctx;
use crate::error::BenchError;
use crate::http::Control;
use crate::loadgen::LoadResult;
use crate::report::{f0, f1, ratio, Section, Table, Target};
use crate::stats;

const KEY: &str = "KEY_BENCH_WEBHOOKS";
/// The goal from issue #9.
const GOAL_PER_SEC: f64 = 2_000.0;
/// Deliveries in flight in the emulator (`telnyx_emulator` delivery engine), and so the load
/// generator's connections.
const CONNECTIONS: usize = 16;
const SPAWN_TIMEOUT: Duration = Duration::from_secs(120);

/// What the emulator's deliveries of one day came to.
struct Deliveries {
    per_day: u64,
    delivered: u64,
    failed: u64,
    /// From sending the advance request to the last delivery recorded.
    wall: f64,
    advance_ms: f64,
    emulator_cpu: Duration,
    sink_requests: u64,
    mean_bytes: f64,
}

/// The section, on a receiver and an emulator of its own.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let per_day: u64 = if ctx.cfg.quick { 3_000 } else { 20_000 };
    let sink = Server::spawn(&["serve-sink".to_string()], SPAWN_TIMEOUT)?;
    let d = emulator_deliveries(ctx, &sink, per_day)?;
    let secs = if ctx.cfg.quick { 1.0 } else { 5.0 };
    let base = unsigned_baseline(&sink, d.mean_bytes, secs)?;
    drop(sink);
    let rate = d.delivered as f64 / d.wall;
    let target = Target::new(
        "Emulator signed webhook deliveries to a loopback receiver",
        format!("≥ {GOAL_PER_SEC:.0} per second"),
        format!(
            "{} per second ({} of unsigned POSTs)",
            f0(rate),
            ratio(rate / base.rps.max(1e-9))
        ),
        rate >= GOAL_PER_SEC && d.failed == 0,
    );
    Ok(Section::of(table(&d, &base)).with_target(target))
}

/// One day of traffic advanced on a fresh emulator whose webhooks go to `sink`; waits (at most
/// 10 minutes) until every queued event is recorded as delivered or failed.
fn emulator_deliveries(ctx: &Ctx, sink: &Server, per_day: u64) -> Result<Deliveries, BenchError> {
    let emu = Server::spawn(&["serve-emulator".to_string()], SPAWN_TIMEOUT)?;
    let control = Control::new(ctx.http(), &emu.url);
    control.webhook_url(KEY, &format!("{}/hooks", sink.url))?;
    control.traffic(KEY, per_day)?;
    let cpu0 = stats::proc_cpu(&emu.pid()).unwrap_or_default();
    let t0 = Instant::now();
    let advance = control.advance(KEY, 1)?.json()?;
    let advance_ms = t0.elapsed().as_secs_f64() * 1e3;
    let queued = advance["webhooks_queued"].as_u64().unwrap_or(0);
    if queued == 0 || advance["webhooks_dropped"].as_u64() != Some(0) {
        return Err(BenchError::Invalid(format!(
            "unexpected advance report: {advance}"
        )));
    }
    let deadline = Instant::now() + Duration::from_secs(600);
    let (delivered, failed) = loop {
        let v = control.webhook_stats(KEY)?;
        let n = |k: &str| v["stats"][k].as_u64().unwrap_or(0);
        if n("delivered") + n("failed") >= queued {
            break (n("delivered"), n("failed"));
        }
        if Instant::now() > deadline {
            return Err(BenchError::Invalid(format!(
                "deliveries not done after 10 minutes: {v}"
            )));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let wall = t0.elapsed().as_secs_f64();
    let emulator_cpu = stats::proc_cpu(&emu.pid())
        .unwrap_or_default()
        .saturating_sub(cpu0);
    let sink_stats = ctx
        .http()
        .get(&format!("{}/_sink/stats", sink.url), None)?
        .success()?
        .json()?;
    let sink_requests = sink_stats["requests"].as_u64().unwrap_or(0);
    let mean_bytes = sink_stats["bytes"].as_u64().unwrap_or(0) as f64 / sink_requests.max(1) as f64;
    Ok(Deliveries {
        per_day,
        delivered,
        failed,
        wall,
        advance_ms,
        emulator_cpu,
        sink_requests,
        mean_bytes,
    })
}

/// The same receiver hit by the load generator with unsigned POSTs of the mean delivery size.
fn unsigned_baseline(sink: &Server, mean_bytes: f64, secs: f64) -> Result<LoadResult, BenchError> {
    let body = String::from_utf8(crate::sections::webhook_verify::event_body(
        mean_bytes.round() as usize,
    ))
    .map_err(|e| e.to_string())?;
    let args = vec![
        "loadgen".to_string(),
        "--url".into(),
        format!("{}/hooks", sink.url),
        "--method".into(),
        "POST".into(),
        "--body".into(),
        body,
        "--connections".into(),
        CONNECTIONS.to_string(),
        "--duration-secs".into(),
        secs.to_string(),
        "--max-requests".into(),
        "2000000".into(),
    ];
    let base: LoadResult = child::run_self_json(&args, Duration::from_secs(180))?;
    if base.errors > 0 {
        return Err(BenchError::Invalid(format!(
            "baseline errors: {:?}",
            base.first_error
        )));
    }
    Ok(base)
}

fn table(d: &Deliveries, base: &LoadResult) -> Table {
    let rate = d.delivered as f64 / d.wall;
    let mut sec = Table::new(
        "Emulator: signed webhook delivery to a loopback receiver",
        &[
            "sender",
            "requests",
            "per second",
            "ratio",
            "sender CPU µs per request",
            "note",
        ],
    );
    sec.row(vec![
        format!(
            "load generator, unsigned POST of {:.0} B, {CONNECTIONS} connections (baseline)",
            d.mean_bytes
        ),
        base.requests.to_string(),
        f0(base.rps),
        "baseline".into(),
        f1(base.loadgen_cpu_secs / base.requests.max(1) as f64 * 1e6),
        format!("p50 {} µs, p99 {} µs", base.p50_us, base.p99_us),
    ]);
    sec.row(vec![
        format!("emulator: advance 1 day at {} messages/day, every event signed, POSTed and recorded", d.per_day),
        d.delivered.to_string(),
        f0(rate),
        ratio(rate / base.rps.max(1e-9)),
        f1(d.emulator_cpu.as_secs_f64() / d.delivered.max(1) as f64 * 1e6),
        format!(
            "{} failed; {} requests at the receiver; wall {:.2} s from the advance request (the advance itself {:.0} ms) to the last delivery recorded",
            d.failed, d.sink_requests, d.wall, d.advance_ms
        ),
    ]);
    sec.intro.push(
        "Each emulator delivery builds the event from its detail record, signs `timestamp|body` \
         with Ed25519, POSTs it (16 lanes, one in flight each), reads the response and records the attempt \
         in webhook_deliveries (the account's write lock, the delivery object serialized). The \
         emulator's CPU includes generating the day's records. The receiver is a bare axum app \
         in its own process answering 200 to every POST."
            .into(),
    );
    sec
}
