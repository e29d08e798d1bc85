//! Issue 20, adaptive prefetch (`.concurrency(Concurrency::Auto)`): paging every webhook
//! delivery with a latency fault per page, Auto against the Node SDK (10 ms) and against a
//! fixed prefetch of 4 (50 ms); then against an emulator with `--rate-limit 50/s`, Auto's
//! throughput as a share of the limit and its share of 429s, with a fixed prefetch of 16
//! beside it.

use crate::child::{short_err, Server};
use crate::ctx::{Ctx, KEY_PAGE, READY_TIMEOUT};
use crate::error::BenchError;
use crate::http::Control;
use crate::node;
use crate::report::{f0, f1, f2, pct, ratio, shortfall, Section, Table, Target};
use crate::sdk_work::{log_outcome, run_child, WorkResult};

/// Page size of the latency tables (as in the paging section).
const PAGE_SIZE: u32 = 250;
/// Page size under the rate limit: more pages, so the run spans many one-second windows.
const LIMITED_PAGE_SIZE: u32 = 100;
/// The most items paged under the rate limit (500 pages, about 10 s at the limit).
const LIMITED_MAX_ITEMS: u64 = 50_000;
/// The emulator's `--rate-limit`, requests per second per key.
const RATE_LIMIT: u32 = 50;
/// Retries per page in the rate-limited rows (a 429 is retried after `Retry-After`).
const LIMITED_RETRIES: &str = "10";
const NODE_GOAL: f64 = 8.0;
const FIXED_GOAL: f64 = 2.0;
const THROUGHPUT_GOAL: f64 = 0.90;
const RATE_LIMITED_GOAL: f64 = 0.01;

/// Who pages: the Rust SDK at a prefetch setting, or the npm SDK (sequential `for await`).
#[derive(Clone)]
enum Pager {
    Rust { prefetch: &'static str },
    Node,
}

impl Pager {
    fn label(&self) -> String {
        match self {
            Pager::Rust { prefetch: "auto" } => {
                "telnyx (Rust SDK), Auto (`.concurrency(Concurrency::Auto)`, up to 16)".into()
            }
            Pager::Rust { prefetch } => {
                format!("telnyx (Rust SDK), fixed prefetch {prefetch} (`.concurrency({prefetch})`)")
            }
            Pager::Node => format!("{} (`for await`, no prefetch)", node::label()),
        }
    }
}

/// A row: who paged and the run shown (the median wall time of its runs).
struct Row {
    pager: Pager,
    run: Result<WorkResult, String>,
}

impl Row {
    fn wall(&self) -> Option<f64> {
        self.run.as_ref().ok().map(|w| w.wall_secs)
    }
    fn complete(&self, items: u64) -> bool {
        self.run
            .as_ref()
            .is_ok_and(|w| w.n == items && w.errors == 0)
    }
}

/// Where and what to page.
struct Job<'a> {
    api: &'a str,
    items: u64,
    page_size: u32,
    retries: &'a str,
}

/// The three tables and their four targets.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    super::seeding::ensure(ctx)?;
    let mut section = Section::default();
    let api = ctx.api()?;
    let items = ctx.cfg.page_items;
    let job = Job {
        api: &api,
        items,
        page_size: PAGE_SIZE,
        retries: "0",
    };
    let auto = Pager::Rust { prefetch: "auto" };
    let four = Pager::Rust { prefetch: "4" };

    // 10 ms per page: Auto against the npm SDK.
    let mut pagers = vec![auto.clone(), four.clone()];
    if ctx.node_harness().is_some() {
        pagers.push(Pager::Node);
    }
    let rows = with_latency(ctx, 10, || run_rows(ctx, &job, &pagers, ctx.cfg.reps()))?;
    section.tables.push(latency_table(ctx, &rows, items, 10));
    if ctx.with_node() {
        section.targets.push(versus(
            &rows[0],
            rows.get(2),
            items,
            NODE_GOAL,
            format!("Paging {items} items at 10 ms per page: Rust SDK Auto vs Node SDK"),
            ctx.node_skipped(),
        ));
    }

    // 50 ms per page: Auto against prefetch 4.
    let rows = with_latency(ctx, 50, || {
        run_rows(ctx, &job, &[auto.clone(), four.clone()], ctx.cfg.reps())
    })?;
    section.tables.push(latency_table(ctx, &rows, items, 50));
    section.targets.push(versus(
        &rows[0],
        rows.get(1),
        items,
        FIXED_GOAL,
        format!("Paging {items} items at 50 ms per page: Rust SDK Auto vs prefetch 4"),
        None,
    ));

    // Under --rate-limit 50/s: Auto and a fixed 16.
    let (table, targets) = rate_limited(ctx)?;
    section.tables.push(table);
    section.targets.extend(targets);
    Ok(section)
}

/// Runs `f` with a latency-only fault of `ms` on every webhook deliveries page.
fn with_latency<T>(
    ctx: &Ctx,
    ms: u64,
    f: impl FnOnce() -> Result<T, BenchError>,
) -> Result<T, BenchError> {
    let control = ctx.control()?;
    control.add_latency("/v2/webhook_deliveries", ms)?;
    let r = f();
    control.clear_faults()?;
    r
}

/// Every pager round-robin, `reps` times; per pager the run with the median wall time. A run
/// with a wrong count or an error is the one shown.
fn run_rows(
    ctx: &Ctx,
    job: &Job<'_>,
    pagers: &[Pager],
    reps: usize,
) -> Result<Vec<Row>, BenchError> {
    let mut runs: Vec<(Vec<WorkResult>, Option<String>)> =
        pagers.iter().map(|_| (Vec::new(), None)).collect();
    for rep in 0..reps {
        for (i, pager) in pagers.iter().enumerate() {
            eprintln!(
                "prefetch: {} items={} page={} rep {}/{reps}",
                pager.label(),
                job.items,
                job.page_size,
                rep + 1
            );
            let r = match pager {
                Pager::Rust { prefetch } => run_child(&[
                    "sdk-page",
                    "--url",
                    job.api,
                    "--key",
                    KEY_PAGE,
                    "--page-size",
                    &job.page_size.to_string(),
                    "--prefetch",
                    prefetch,
                    "--max-retries",
                    job.retries,
                    "--expect",
                    &job.items.to_string(),
                ]),
                Pager::Node => match ctx.node_harness() {
                    Some(h) => h.run(&[
                        "page".into(),
                        job.api.into(),
                        KEY_PAGE.into(),
                        job.page_size.to_string(),
                        job.items.to_string(),
                    ]),
                    None => continue,
                },
            };
            log_outcome(&r);
            match r {
                Ok(w) => runs[i].0.push(w),
                Err(e) => runs[i].1 = Some(e),
            }
        }
    }
    Ok(pagers
        .iter()
        .cloned()
        .zip(runs)
        .map(|(pager, (ok, err))| Row {
            pager,
            run: super::paging::pick_shown(ok, err, job.items),
        })
        .collect())
}

fn latency_table(ctx: &Ctx, rows: &[Row], items: u64, ms: u64) -> Table {
    let mut table = Table::new(
        &format!("SDK: adaptive prefetch, paging {items} webhook deliveries (page size {PAGE_SIZE}), {ms} ms injected per page"),
        &["client", "wall s", "items/s", "Auto's speed-up over this row", "requests", "deepest prefetch", "CPU s", "peak RSS", "items", "errors"],
    );
    let first = rows.first().and_then(Row::wall);
    for row in rows {
        push_row(&mut table, row, items, |w| {
            first.map_or_else(|| "n/a".into(), |f| ratio(w.wall_secs / f))
        });
    }
    table.intro.push(format!("Each run is a separate process streaming every item on a current-thread runtime (`list(..).into_stream()` / `for await`); a latency-only fault rule delays every page by {ms} ms (a stand-in for a network round trip). The configurations run round-robin {} time(s); each row is the run with the median wall time. `requests` and `deepest prefetch` come from the stream's `stats()`.", ctx.cfg.reps()));
    if let Some(e) = ctx.node_skipped() {
        table.notes.push(e.to_string());
    }
    table
}

/// One row of a table; `vs` is the comparison cell.
fn push_row(table: &mut Table, row: &Row, items: u64, vs: impl Fn(&WorkResult) -> String) {
    let w = match &row.run {
        Ok(w) => w,
        Err(e) => {
            table
                .notes
                .push(format!("{} failed: {}", row.pager.label(), short_err(e)));
            return;
        }
    };
    let p = w.prefetch.unwrap_or_default();
    let rust = matches!(row.pager, Pager::Rust { .. });
    table.row(vec![
        row.pager.label(),
        f2(w.wall_secs),
        f0(w.n as f64 / w.wall_secs.max(1e-9)),
        vs(w),
        if rust {
            p.requests.to_string()
        } else {
            "n/a".into()
        },
        if rust {
            p.max_depth.to_string()
        } else {
            "n/a".into()
        },
        f2(w.cpu_secs),
        crate::report::mb(w.peak_rss_kb),
        w.n.to_string(),
        w.errors.to_string(),
    ]);
    if w.n != items {
        table.notes.push(format!(
            "ERROR: {} received {} items, expected {items}",
            row.pager.label(),
            w.n
        ));
    }
    if let Some(e) = &w.first_error {
        table.notes.push(format!("{}: {e}", row.pager.label()));
    }
}

/// `auto` at least `goal` times faster than `base`, every item received.
fn versus(
    auto: &Row,
    base: Option<&Row>,
    items: u64,
    goal: f64,
    name: String,
    skipped: Option<&str>,
) -> Target {
    let goal_text = format!(">= {goal}x faster");
    match (auto.wall(), base.and_then(Row::wall)) {
        (Some(a), Some(b)) => {
            let x = b / a;
            let complete = auto.complete(items) && base.is_some_and(|r| r.complete(items));
            let t = Target::new(
                name,
                goal_text,
                format!("{} faster ({} s vs {} s)", ratio(x), f2(a), f2(b)),
                x >= goal && complete,
            );
            if !complete {
                t.note("item count or errors wrong, see the table")
            } else if x < goal {
                t.note(shortfall(x, goal))
            } else {
                t
            }
        }
        _ => Target {
            name,
            target: goal_text,
            measured: "n/a".into(),
            met: None,
            note: skipped.unwrap_or("a run failed, see the table").to_string(),
        },
    }
}

/// The rate-limited table: its own emulator with `--rate-limit 50/s`, Auto then fixed 16.
fn rate_limited(ctx: &Ctx) -> Result<(Table, Vec<Target>), BenchError> {
    let items = ctx.cfg.page_items.min(LIMITED_MAX_ITEMS);
    let server = Server::spawn(
        &[
            "serve-emulator".into(),
            "--port".into(),
            "0".into(),
            "--rate-limit".into(),
            RATE_LIMIT.to_string(),
        ],
        READY_TIMEOUT,
    )?;
    Control::new(ctx.http(), &server.url)
        .seed(&serde_json::json!({"api_key": KEY_PAGE, "webhook_deliveries": items}))?;
    let job = Job {
        api: &server.url,
        items,
        page_size: LIMITED_PAGE_SIZE,
        retries: LIMITED_RETRIES,
    };
    let pagers = [
        Pager::Rust { prefetch: "auto" },
        Pager::Rust { prefetch: "16" },
    ];
    // One run each: a run spans many one-second windows already, and two configurations
    // sharing one account's windows would disturb each other.
    let rows = run_rows(ctx, &job, &pagers, 1)?;
    drop(server);
    let limit = f64::from(RATE_LIMIT);
    let mut table = Table::new(
        &format!("SDK: paging {items} webhook deliveries (page size {LIMITED_PAGE_SIZE}) against an emulator with `--rate-limit {RATE_LIMIT}/s`"),
        &["client", "wall s", "pages/s answered 200", "% of the limit", "requests", "429s", "429 share", "deepest prefetch", "backoffs", "items", "errors"],
    );
    let mut figures = Vec::new();
    for row in &rows {
        let Ok(w) = &row.run else {
            if let Err(e) = &row.run {
                table
                    .notes
                    .push(format!("{} failed: {}", row.pager.label(), short_err(e)));
            }
            figures.push(None);
            continue;
        };
        let p = w.prefetch.unwrap_or_default();
        let ok_pages = p.requests.saturating_sub(p.rate_limited) as f64;
        let rate = ok_pages / w.wall_secs.max(1e-9);
        let share = p.rate_limited as f64 / p.requests.max(1) as f64;
        table.row(vec![
            row.pager.label(),
            f2(w.wall_secs),
            f1(rate),
            pct(rate / limit),
            p.requests.to_string(),
            p.rate_limited.to_string(),
            format!("{:.2} %", share * 100.0),
            p.max_depth.to_string(),
            p.backoffs.to_string(),
            w.n.to_string(),
            w.errors.to_string(),
        ]);
        if let Some(e) = &w.first_error {
            table.notes.push(format!("{}: {e}", row.pager.label()));
        }
        figures.push(Some((rate / limit, share, row.complete(items))));
    }
    table.intro.push(format!("A second emulator process with `--rate-limit {RATE_LIMIT}/s` (a fixed one-second window per key; a 429 carries `Retry-After` and every answer `x-ratelimit-*`). Each configuration pages once with retries on ({LIMITED_RETRIES} per page, honouring `Retry-After`). `pages/s answered 200` = (requests - 429s) / wall time, every page request included; the `%` is that against the limit. Requests and 429s are the stream's `stats()`."));
    let mut targets = Vec::new();
    let name =
        format!("Paging {items} items under `--rate-limit {RATE_LIMIT}/s`: Auto's throughput");
    let share_name = format!(
        "Paging {items} items under `--rate-limit {RATE_LIMIT}/s`: Auto's requests answered 429"
    );
    match figures.first().copied().flatten() {
        Some((of_limit, share, complete)) => {
            let contrast = match figures.get(1).copied().flatten() {
                Some((f, s, _)) => format!(
                    "; fixed prefetch 16: {} of the limit, {:.2} % 429s",
                    pct(f),
                    s * 100.0
                ),
                None => String::new(),
            };
            let t = Target::new(
                name,
                ">= 90 % of the limit",
                format!("{} of the limit{contrast}", pct(of_limit)),
                of_limit >= THROUGHPUT_GOAL && complete,
            );
            targets.push(if complete {
                t
            } else {
                t.note("item count or errors wrong, see the table")
            });
            targets.push(Target::new(
                share_name,
                "<= 1 %",
                format!("{:.2} %{contrast}", share * 100.0),
                share <= RATE_LIMITED_GOAL && complete,
            ));
        }
        None => {
            for n in [name, share_name] {
                targets.push(Target {
                    name: n,
                    target: "see the table".into(),
                    measured: "n/a".into(),
                    met: None,
                    note: "the Auto run failed, see the table".into(),
                });
            }
        }
    }
    Ok((table, targets))
}
