//! SDK client CPU per `balance().retrieve()` at 1 and 32 in flight, against raw reqwest +
//! `serde_json::Value` (the floor) and, in `node`/`all`, the official Node SDK.

use crate::child::short_err;
use crate::ctx::{Ctx, KEY_BENCH};
use crate::error::BenchError;
use crate::node;
use crate::report::{f0, f1, f2, mb, ratio, Section, Table, Target};
use crate::sdk_work::{log_outcome, run_child, WorkResult};

const CONCURRENCY: [usize; 2] = [1, 32];
/// The goal: our CPU per request at most 1/5 of Node's.
const GOAL: f64 = 5.0;

/// (label, outcome) of one client at one concurrency.
type Run = (String, Result<WorkResult, String>);

/// The section and, with Node, its target.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    super::seeding::ensure(ctx)?;
    let n = ctx.cfg.sdk_calls;
    let mut table = Table::new(
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
    let mut per_conc = Vec::new();
    for conc in CONCURRENCY {
        let runs = measure(ctx, conc)?;
        add_rows(&mut table, conc, &runs);
        let cpu = |i: usize| {
            runs.get(i)
                .and_then(|r| r.1.as_ref().ok())
                .map(WorkResult::cpu_us_per)
        };
        per_conc.push((conc, cpu(1), cpu(2)));
    }
    table.intro.push(format!("Each client runs in its own process on a single-threaded runtime (tokio current_thread; Node is single-threaded too) against the same emulator process, after 100 warm-up calls; Rust rows are the median by CPU time of {} run(s), Node rows one run. CPU = user+system time of the client process over the measured calls (Rust: /proc/self/task/*/schedstat; Node: process.cpuUsage()).", ctx.cfg.reps()));
    if let Some(e) = ctx.node_skipped() {
        table.notes.push(e.to_string());
    }
    let mut section = Section::of(table);
    if ctx.with_node() {
        section.targets.push(target(ctx, &per_conc));
    }
    Ok(section)
}

/// Raw floor, our SDK (median by CPU of `reps` runs each) and Node (one run) at `conc`.
fn measure(ctx: &Ctx, conc: usize) -> Result<Vec<Run>, BenchError> {
    let api = ctx.api()?;
    let n = ctx.cfg.sdk_calls.to_string();
    let c = conc.to_string();
    let mut runs: Vec<Run> = Vec::new();
    for (mode, label) in [
        ("raw", "raw reqwest + serde_json::Value (floor)"),
        ("sdk", "telnyx (Rust SDK)"),
    ] {
        eprintln!("sdk-balance mode={mode} concurrency={conc} n={n}");
        let args = [
            "sdk-balance",
            "--url",
            &api,
            "--key",
            KEY_BENCH,
            "--n",
            &n,
            "--concurrency",
            &c,
            "--mode",
            mode,
        ];
        // Median of `reps` runs by CPU time: a busy machine only ever adds CPU noise.
        let mut ok = Vec::new();
        let mut err = None;
        for _ in 0..ctx.cfg.reps() {
            let r = run_child(&args);
            log_outcome(&r);
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
        runs.push((label.into(), r));
    }
    if let Some(harness) = ctx.node_harness() {
        eprintln!("node balance concurrency={conc} n={n}");
        let r = harness.run(&[
            "balance".into(),
            api.clone(),
            KEY_BENCH.into(),
            n.clone(),
            c.clone(),
            "100".into(),
        ]);
        log_outcome(&r);
        runs.push((node::label(), r));
    }
    Ok(runs)
}

fn add_rows(table: &mut Table, conc: usize, runs: &[Run]) {
    let cpu = |i: usize| {
        runs.get(i)
            .and_then(|r| r.1.as_ref().ok())
            .map(WorkResult::cpu_us_per)
    };
    let (raw, nodec) = (cpu(0), cpu(2));
    for (label, r) in runs {
        match r {
            Ok(w) => {
                let c = w.cpu_us_per();
                table.row(vec![
                    label.clone(),
                    conc.to_string(),
                    f1(c),
                    raw.map(|b| ratio(c / b)).unwrap_or_else(|| "n/a".into()),
                    nodec
                        .map(|nc| ratio(nc / c))
                        .unwrap_or_else(|| "n/a".into()),
                    f2(w.wall_secs),
                    f0(w.n as f64 / w.wall_secs.max(1e-9)),
                    mb(w.peak_rss_kb),
                    w.errors.to_string(),
                ]);
                if w.errors > 0 {
                    table.notes.push(format!(
                        "{label} c={conc}: {} errors, first: {}",
                        w.errors,
                        w.first_error.clone().unwrap_or_default()
                    ));
                }
            }
            Err(e) => table
                .notes
                .push(format!("{label} c={conc} failed: {}", short_err(e))),
        }
    }
}

/// SDK CPU/request <= 1/5 of Node's at every concurrency.
fn target(ctx: &Ctx, per_conc: &[(usize, Option<f64>, Option<f64>)]) -> Target {
    let ready = ctx.node_harness().is_some();
    let mut measured = Vec::new();
    let mut met = ready;
    let mut worst = f64::INFINITY;
    for (conc, sdk, nodec) in per_conc {
        match (sdk, nodec) {
            (Some(s), Some(nc)) => {
                measured.push(format!("Node/Rust {} at concurrency {conc}", ratio(nc / s)));
                worst = worst.min(nc / s);
                met &= nc / s >= GOAL;
            }
            _ => met = false,
        }
    }
    let judged = ready && !measured.is_empty();
    let note = if let Some(e) = ctx.node_skipped() {
        e.to_string()
    } else if !met && worst.is_finite() {
        format!(
            "short by {:.0} % (Node/Rust {worst:.2}x, needs 5x)",
            (1.0 - worst / GOAL) * 100.0
        )
    } else {
        String::new()
    };
    Target {
        name: "SDK client CPU per request vs Node SDK".into(),
        target: "<= 1/5 of Node's (Node/Rust >= 5x)".into(),
        measured: if measured.is_empty() {
            "n/a".into()
        } else {
            measured.join(", ")
        },
        met: judged.then_some(met),
        note,
    }
}
