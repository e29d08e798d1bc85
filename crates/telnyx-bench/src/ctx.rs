//! [`Ctx`]: what every section gets. The run's sizes, the shared HTTP helper, and the shared
//! processes (one emulator, the Node harness), each started on first use.

use std::cell::OnceCell;
use std::time::Duration;

use crate::child::Server;
use crate::error::BenchError;
use crate::http::{Control, Http};
use crate::node::NodeHarness;
use crate::RunOpts;

/// API key whose account the load points and the SDK's `balance()` runs use.
pub const KEY_BENCH: &str = "KEY_BENCH_LOAD";
/// API key whose account holds the webhook deliveries the paging sections page through.
pub const KEY_PAGE: &str = "KEY_BENCH_PAGE";
/// How long a spawned server may take to print `READY`.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The sizes of a run, from the flags (`--quick` picks the small defaults).
#[derive(Debug, Clone)]
pub struct Cfg {
    /// Seconds per emulator load point.
    pub duration: f64,
    /// Cap on measured requests per load window.
    pub requests: u64,
    /// Calls of `balance().retrieve()` per SDK run.
    pub sdk_calls: u64,
    /// Webhook deliveries the paging sections page through.
    pub page_items: u64,
    /// Messaging detail records seeded for the filtered-scan load point.
    pub detail_records: u64,
    /// A smoke run: fewer repetitions everywhere.
    pub quick: bool,
    /// Windows per emulator load point, interleaved with hello-world windows.
    pub rounds: usize,
}

impl Cfg {
    /// The sizes the flags ask for.
    pub fn from_opts(opts: &RunOpts) -> Cfg {
        let quick = opts.quick;
        Cfg {
            duration: opts.duration_secs.unwrap_or(if quick { 0.5 } else { 3.0 }),
            requests: opts.requests,
            sdk_calls: opts.sdk_calls.unwrap_or(if quick { 2_000 } else { 20_000 }),
            page_items: opts
                .page_items
                .unwrap_or(if quick { 10_000 } else { 100_000 }),
            detail_records: if quick { 10_000 } else { 100_000 },
            quick,
            rounds: if quick { 1 } else { 3 },
        }
    }

    /// Repetitions of a measured configuration: 1 with `--quick`, 3 otherwise.
    pub fn reps(&self) -> usize {
        if self.quick {
            1
        } else {
            3
        }
    }
}

/// Which sections a subcommand runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Group {
    /// The emulator's sections (`telnyx-bench emulator`).
    Emulator,
    /// The SDK's sections (`telnyx-bench sdk`, and `node` with the Node rows).
    Sdk,
}

/// What a section reads: sizes, selection, HTTP, and the shared processes.
pub struct Ctx {
    pub cfg: Cfg,
    groups: Vec<Group>,
    with_node: bool,
    http: Http,
    emulator: OnceCell<Server>,
    node: OnceCell<Result<NodeHarness, String>>,
    hello_spawn_ms: OnceCell<f64>,
    seeded: OnceCell<()>,
}

impl Ctx {
    /// A context for the sections of `groups`; `with_node` adds the official Node SDK rows.
    pub fn new(cfg: Cfg, groups: &[Group], with_node: bool) -> Result<Ctx, BenchError> {
        Ok(Ctx {
            cfg,
            groups: groups.to_vec(),
            with_node,
            http: Http::new()?,
            emulator: OnceCell::new(),
            node: OnceCell::new(),
            hello_spawn_ms: OnceCell::new(),
            seeded: OnceCell::new(),
        })
    }

    /// Whether this run includes `group`'s sections.
    pub fn runs(&self, group: Group) -> bool {
        self.groups.contains(&group)
    }

    /// Whether this run measures the official Node SDK next to ours.
    pub fn with_node(&self) -> bool {
        self.with_node
    }

    /// The blocking HTTP helper.
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// The shared emulator process (`serve-emulator`), spawned on first use and killed
    /// when the context is dropped.
    pub fn emulator(&self) -> Result<&Server, BenchError> {
        if let Some(s) = self.emulator.get() {
            return Ok(s);
        }
        let s = Server::spawn(&serve_args("serve-emulator"), READY_TIMEOUT)?;
        eprintln!("emulator at {} (pid {})", s.url, s.pid());
        Ok(self.emulator.get_or_init(|| s))
    }

    /// The shared emulator's API base URL (`http://127.0.0.1:PORT/v2`).
    pub fn api(&self) -> Result<String, BenchError> {
        Ok(self.emulator()?.url.clone())
    }

    /// The shared emulator's control API.
    pub fn control(&self) -> Result<Control<'_>, BenchError> {
        Ok(Control::new(&self.http, &self.emulator()?.url))
    }

    /// The Node harness: `None` when this run has no Node rows, `Some(Err(why))` when they
    /// are skipped (no `node`, install failed). Prepared once.
    pub fn node(&self) -> Option<&Result<NodeHarness, String>> {
        self.with_node
            .then(|| self.node.get_or_init(NodeHarness::prepare))
    }

    /// The Node harness when it is ready.
    pub fn node_harness(&self) -> Option<&NodeHarness> {
        self.node().and_then(|n| n.as_ref().ok())
    }

    /// Why the Node rows are skipped, if they are.
    pub fn node_skipped(&self) -> Option<&str> {
        self.node()
            .and_then(|n| n.as_ref().err())
            .map(String::as_str)
    }

    /// Records the hello world's spawn-to-ready time (the startup section's baseline).
    pub fn set_hello_spawn_ms(&self, ms: f64) {
        let _ = self.hello_spawn_ms.set(ms);
    }

    /// Records that the shared emulator's accounts are seeded.
    pub fn mark_seeded(&self) {
        let _ = self.seeded.set(());
    }

    /// Whether the shared emulator's accounts are seeded.
    pub fn is_seeded(&self) -> bool {
        self.seeded.get().is_some()
    }

    /// The hello world's spawn-to-ready time, if the startup section ran.
    pub fn hello_spawn_ms(&self) -> Option<f64> {
        self.hello_spawn_ms.get().copied()
    }
}

/// `sub --port 0`: a server subcommand of this binary on any free port.
pub fn serve_args(sub: &str) -> Vec<String> {
    vec![sub.into(), "--port".into(), "0".into()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(quick: bool, page_items: Option<u64>) -> RunOpts {
        RunOpts {
            duration_secs: None,
            requests: 1_000_000,
            sdk_calls: None,
            page_items,
            quick,
            out: None,
            json: None,
        }
    }

    #[test]
    fn quick_picks_the_small_sizes_and_flags_win() {
        let full = Cfg::from_opts(&opts(false, None));
        assert_eq!(
            (
                full.duration,
                full.sdk_calls,
                full.page_items,
                full.rounds,
                full.reps()
            ),
            (3.0, 20_000, 100_000, 3, 3)
        );
        let quick = Cfg::from_opts(&opts(true, Some(500)));
        assert_eq!(
            (
                quick.duration,
                quick.sdk_calls,
                quick.page_items,
                quick.rounds,
                quick.reps()
            ),
            (0.5, 2_000, 500, 1, 1)
        );
    }

    #[test]
    fn no_node_rows_unless_asked() {
        let ctx = Ctx::new(Cfg::from_opts(&opts(true, None)), &[Group::Sdk], false).unwrap();
        assert!(ctx.node().is_none() && ctx.node_skipped().is_none());
        assert!(ctx.runs(Group::Sdk) && !ctx.runs(Group::Emulator));
        assert!(!ctx.is_seeded() && ctx.hello_spawn_ms().is_none());
    }
}
