//! SDK paging through every webhook delivery of an account: sequential, prefetch 4 and a
//! multi-thread runtime, against sequential paging and the Node SDK's `for await`; on plain
//! loopback, then with a latency fault per page (a stand-in for a network round trip).

use crate::child::short_err;
use crate::ctx::{Ctx, KEY_PAGE};
use crate::error::BenchError;
use crate::node;
use crate::report::{f0, f2, mb, ratio, shortfall, Section, Table, Target};
use crate::sdk_work::{log_outcome, run_child, WorkResult};

/// Workers of the multi-thread runtime in the extra paging row.
const MT_WORKERS: usize = 2;
/// Latency injected per page in the second table.
const LATENCY_MS: u64 = 10;
/// The goal: prefetch 4 at least this many times faster than Node.
const GOAL: f64 = 3.0;
const PEAK_GOAL_KB: u64 = 30 * 1024;

/// One client configuration of the table.
struct Client {
    label: String,
    mode: String,
    /// `Some((prefetch, runtime threads))` for the Rust SDK, `None` for Node.
    rust: Option<(usize, usize)>,
}

/// A row: the client and the run shown (median wall time, highest peak RSS).
struct Row {
    label: String,
    mode: String,
    run: Result<WorkResult, String>,
}

/// What the targets read from one table.
struct Outcome {
    prefetch_wall: Option<f64>,
    node_wall: Option<f64>,
    peak_kb: u64,
    counts_ok: bool,
}

/// The two paging tables and their targets.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    super::seeding::ensure(ctx)?;
    let mut section = Section::default();
    let (table, plain) = paging(ctx, 0)?;
    section.tables.push(table);
    let control = ctx.control()?;
    let delayed = match control.add_latency("/v2/webhook_deliveries", LATENCY_MS) {
        Ok(_) => {
            let r = paging(ctx, LATENCY_MS);
            control.clear_faults()?;
            let (table, outcome) = r?;
            section.tables.push(table);
            Some(outcome)
        }
        Err(e) => {
            eprintln!("could not add a latency fault: {e}");
            None
        }
    };
    let items = ctx.cfg.page_items;
    if ctx.with_node() {
        section.targets.push(versus_node(
            ctx,
            &plain,
            format!("Paging {items} items, Rust prefetch 4 vs Node SDK (loopback)"),
        ));
        if let Some(d) = &delayed {
            section.targets.push(versus_node(
                ctx,
                d,
                format!(
                    "Paging {items} items, Rust prefetch 4 vs Node SDK ({LATENCY_MS} ms per page)"
                ),
            ));
        }
    }
    section
        .targets
        .push(peak_memory(items, &plain, delayed.as_ref()));
    Ok(section)
}

fn clients(ctx: &Ctx) -> Vec<Client> {
    let rust = |mode: String, prefetch, threads| Client {
        label: "telnyx (Rust SDK)".into(),
        mode,
        rust: Some((prefetch, threads)),
    };
    // The first two Rust rows run on a current-thread runtime like Node (the like-for-like
    // comparison, and the one the target is judged on); the third shows what `#[tokio::main]`
    // gives.
    let mut clients = vec![
        rust("sequential".into(), 0, 1),
        rust("prefetch 4 (`.concurrency(4)`)".into(), 4, 1),
        rust(
            format!("prefetch 4, multi-thread runtime ({MT_WORKERS} workers)"),
            4,
            MT_WORKERS,
        ),
    ];
    if ctx.node_harness().is_some() {
        clients.push(Client {
            label: node::label(),
            mode: "sequential (`for await`; no prefetch)".into(),
            rust: None,
        });
    }
    clients
}

/// One client's run of every item.
fn run_once(ctx: &Ctx, api: &str, client: &Client) -> Option<Result<WorkResult, String>> {
    let items = ctx.cfg.page_items.to_string();
    match (client.rust, ctx.node_harness()) {
        (Some((prefetch, threads)), _) => Some(run_child(&[
            "sdk-page",
            "--url",
            api,
            "--key",
            KEY_PAGE,
            "--page-size",
            "250",
            "--prefetch",
            &prefetch.to_string(),
            "--expect",
            &items,
            "--threads",
            &threads.to_string(),
        ])),
        (None, Some(harness)) => Some(harness.run(&[
            "page".into(),
            api.into(),
            KEY_PAGE.into(),
            "250".into(),
            items,
        ])),
        (None, None) => None,
    }
}

/// Every configuration round-robin, `reps` times each; per configuration the run with the
/// median wall time, with the highest peak memory of its runs. A run with a wrong count or an
/// error is the one shown.
fn run_round_robin(
    ctx: &Ctx,
    clients: Vec<Client>,
    latency_ms: u64,
) -> Result<Vec<Row>, BenchError> {
    let api = ctx.api()?;
    let items = ctx.cfg.page_items;
    let reps = ctx.cfg.reps();
    let mut all: Vec<(Vec<WorkResult>, Option<String>)> =
        clients.iter().map(|_| (Vec::new(), None)).collect();
    for rep in 0..reps {
        for (i, client) in clients.iter().enumerate() {
            eprintln!(
                "paging {} items={items} latency={latency_ms}ms rep {}/{reps}",
                client.mode,
                rep + 1
            );
            let Some(r) = run_once(ctx, &api, client) else {
                continue;
            };
            log_outcome(&r);
            match r {
                Ok(w) => all[i].0.push(w),
                Err(e) => all[i].1 = Some(e),
            }
        }
    }
    Ok(clients
        .into_iter()
        .zip(all)
        .map(|(c, (ok, err))| Row {
            label: c.label,
            mode: c.mode,
            run: pick_shown(ok, err, items),
        })
        .collect())
}

pub(super) fn pick_shown(
    mut ok: Vec<WorkResult>,
    err: Option<String>,
    items: u64,
) -> Result<WorkResult, String> {
    let peak = ok.iter().map(|w| w.peak_rss_kb).max().unwrap_or(0);
    if let Some(bad) = ok.iter().find(|w| w.n != items || w.errors > 0) {
        return Ok(bad.clone());
    }
    if ok.is_empty() {
        return Err(err.unwrap_or_default());
    }
    ok.sort_by(|a, b| a.wall_secs.total_cmp(&b.wall_secs));
    let mut w = ok.swap_remove((ok.len() - 1) / 2);
    w.peak_rss_kb = peak;
    Ok(w)
}

/// One table: every configuration at `latency_ms` per page (0: plain loopback).
fn paging(ctx: &Ctx, latency_ms: u64) -> Result<(Table, Outcome), BenchError> {
    let items = ctx.cfg.page_items;
    let rows = run_round_robin(ctx, clients(ctx), latency_ms)?;
    let title = if latency_ms == 0 {
        format!("SDK: paging through {items} webhook deliveries, page size 250, loopback")
    } else {
        format!("SDK: paging through {items} webhook deliveries, page size 250, {latency_ms} ms injected per page")
    };
    let mut table = Table::new(
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
    let wall = |r: Option<&Row>| r.and_then(|r| r.run.as_ref().ok()).map(|w| w.wall_secs);
    let seq = wall(rows.first());
    let node_wall = wall(rows.iter().find(|r| r.label.starts_with("npm")));
    let mut outcome = Outcome {
        prefetch_wall: wall(rows.get(1)),
        node_wall,
        peak_kb: 0,
        counts_ok: true,
    };
    for row in &rows {
        add_row(&mut table, row, items, seq, node_wall, &mut outcome);
    }
    let reps = ctx.cfg.reps();
    table.intro.push(format!("Each run is a separate process streaming every item (`list(..).into_stream()` / `for await`), counting them. The configurations run round-robin {reps} time(s); each row is the run with the median wall time, its peak RSS the highest of its runs. Peak RSS is the process's VmHWM (Rust) or `process.resourceUsage().maxRSS` (Node), so it includes the runtime, the HTTP client and everything else in the process."));
    table.intro.push(format!("The Rust rows run on a current-thread runtime (like Node's single thread; the target is judged on the `prefetch 4` row) except the multi-thread row, which runs on a {MT_WORKERS}-worker runtime, as `#[tokio::main]` gives a Rust user: there each prefetched page is fetched and decoded in its own spawned task, on any worker. On this machine the emulator shares the same cores."));
    if latency_ms > 0 {
        table.intro.push(format!("A latency-only fault rule (`POST /_emulator/faults` `{{\"path_prefix\":\"/v2/webhook_deliveries\",\"latency_ms\":{latency_ms}}}`) delays every page by {latency_ms} ms, a stand-in for a network round trip: this is where prefetching pays."));
    }
    if let Some(e) = ctx.node_skipped() {
        table.notes.push(e.to_string());
    }
    Ok((table, outcome))
}

fn add_row(
    table: &mut Table,
    row: &Row,
    items: u64,
    seq: Option<f64>,
    node_wall: Option<f64>,
    outcome: &mut Outcome,
) {
    let Row { label, mode, run } = row;
    let is_rust = label.starts_with("telnyx");
    let w = match run {
        Ok(w) => w,
        Err(e) => {
            outcome.counts_ok &= !is_rust;
            table
                .notes
                .push(format!("{label} {mode} failed: {}", short_err(e)));
            return;
        }
    };
    if is_rust {
        outcome.peak_kb = outcome.peak_kb.max(w.peak_rss_kb);
        outcome.counts_ok &= w.n == items && w.errors == 0;
    }
    let speedup = |base: Option<f64>| {
        base.map(|b| ratio(b / w.wall_secs))
            .unwrap_or_else(|| "n/a".into())
    };
    table.row(vec![
        label.clone(),
        mode.clone(),
        f2(w.wall_secs),
        f0(w.n as f64 / w.wall_secs.max(1e-9)),
        speedup(seq),
        speedup(node_wall),
        f2(w.cpu_secs),
        mb(w.peak_rss_kb),
        w.n.to_string(),
        w.errors.to_string(),
    ]);
    if w.n != items {
        table.notes.push(format!(
            "ERROR: {label} {mode} received {} items, expected {items}",
            w.n
        ));
    }
    if let Some(e) = &w.first_error {
        table.notes.push(format!("{label} {mode}: {e}"));
    }
}

/// Prefetch 4 >= 3x faster than Node.
fn versus_node(ctx: &Ctx, o: &Outcome, name: String) -> Target {
    let (measured, met, x) = match (o.node_wall, o.prefetch_wall) {
        (Some(nw), Some(pw)) => (
            format!("{} faster", ratio(nw / pw)),
            Some(nw / pw >= GOAL && o.counts_ok),
            nw / pw,
        ),
        _ => ("n/a".into(), None, f64::NAN),
    };
    let note = match ctx.node_skipped() {
        Some(e) => e.to_string(),
        None if met == Some(false) => shortfall(x, GOAL),
        None => String::new(),
    };
    Target {
        name,
        target: ">= 3x faster".into(),
        measured,
        met,
        note,
    }
}

/// The Rust SDK process's peak memory < 30 MB, with every count right.
fn peak_memory(items: u64, plain: &Outcome, delayed: Option<&Outcome>) -> Target {
    let peak_kb = plain.peak_kb.max(delayed.map(|d| d.peak_kb).unwrap_or(0));
    let counts_ok = plain.counts_ok && delayed.is_none_or(|d| d.counts_ok);
    let target = Target::new(
        format!("Peak memory streaming {items} items (Rust SDK process)"),
        "< 30 MB",
        mb(peak_kb),
        peak_kb > 0 && peak_kb < PEAK_GOAL_KB && counts_ok,
    );
    if peak_kb >= PEAK_GOAL_KB {
        target.note(format!("over by {}", mb(peak_kb - PEAK_GOAL_KB)))
    } else if !counts_ok {
        target.note("item count or errors wrong, see the paging table")
    } else {
        target
    }
}
