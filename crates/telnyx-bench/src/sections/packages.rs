//! The npm and PyPI launchers (issue 18): from `startEmulator()` / `Emulator()` to the first
//! successful official-SDK call, against spawning the bare binary and polling its health
//! before the same call, in the same run (the probes alternate the two sides).
//!
//! The probes are the packages' own (`packages/npm/bench/startup.mjs`,
//! `packages/python/bench/startup.py`), run against the launcher code of this checkout and
//! the release `telnyx-emulator` next to this executable: the same code the packed files
//! carry, without packing them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use crate::child::{self, self_exe};
use crate::ctx::Ctx;
use crate::error::BenchError;
use crate::report::{f2, ratio, Section, Table, Target};

/// The launcher may cost at most this much more than a bare spawn (issue 18).
const GOAL: f64 = 1.5;

/// The packages' sources in this checkout.
const PACKAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packages");

/// What a probe prints: medians over `runs` alternating pairs.
#[derive(Debug, Deserialize)]
struct Probe {
    runs: u32,
    bare_ms: f64,
    helper_ms: f64,
}

/// The section: one row per ecosystem whose probe could run, a note for each that could not.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let binary = emulator_binary()?;
    let runs = if ctx.cfg.quick { 5 } else { 21 };
    let mut table = Table::new(
        "Packages: launcher start to the first official-SDK call",
        &[
            "launcher",
            "bare spawn + health poll + call (baseline), ms",
            "launcher + call, ms",
            "vs baseline",
        ],
    );
    let mut section = Section::default();
    let probes = [
        (
            "npm `startEmulator()` + telnyx@7.24.0",
            node_probe(ctx, &binary, runs),
        ),
        (
            "PyPI `Emulator()` + telnyx 4.189.0",
            python_probe(&binary, runs),
        ),
    ];
    for (name, probe) in probes {
        match probe {
            Ok(p) => {
                let x = p.helper_ms / p.bare_ms.max(f64::MIN_POSITIVE);
                table.row(vec![
                    name.to_string(),
                    f2(p.bare_ms),
                    f2(p.helper_ms),
                    ratio(x),
                ]);
                section.targets.push(
                    Target::new(
                        format!("{name}: start to first SDK call vs bare spawn"),
                        format!("<= {GOAL}x"),
                        ratio(x),
                        x <= GOAL,
                    )
                    .note(format!("medians of {} alternating runs", p.runs)),
                );
            }
            Err(why) => table.notes.push(format!("{name}: skipped: {why}")),
        }
    }
    table.notes.push(format!(
        "Both sides run {} and make the same `GET /balance` with the official SDK; the bare side binds a free port picked beforehand and polls `/_emulator/health` every 1 ms.",
        binary.display()
    ));
    section.tables.insert(0, table);
    Ok(section)
}

/// `telnyx-emulator` next to this executable (a release build of the emulator crate).
fn emulator_binary() -> Result<PathBuf, BenchError> {
    self_exe()?
        .parent()
        .map(|d| d.join("telnyx-emulator"))
        .filter(|p| p.exists())
        .ok_or_else(|| {
            BenchError::Missing(
                "no `telnyx-emulator` binary next to telnyx-bench: run `cargo build --release -p telnyx-emulator` first".into(),
            )
        })
}

/// The Node probe in a scratch project whose `node_modules` links the official SDK (the
/// Node harness's) and this checkout's `telnyx-account-emulator`.
fn node_probe(ctx: &Ctx, binary: &Path, runs: u32) -> Result<Probe, String> {
    let harness = match ctx.node() {
        None => return Err("this run has no Node rows".into()),
        Some(Err(why)) => return Err(why.clone()),
        Some(Ok(h)) => h,
    };
    let sdk = std::fs::canonicalize(harness.scratch("node_modules").join("telnyx"))
        .map_err(|e| format!("the Node harness has no telnyx package: {e}"))?;
    let dir = harness.scratch("packages-probe");
    let modules = dir.join("node_modules");
    std::fs::create_dir_all(&modules).map_err(|e| format!("{}: {e}", modules.display()))?;
    link(&sdk, &modules.join("telnyx"))?;
    link(
        &Path::new(PACKAGES).join("npm/telnyx-account-emulator"),
        &modules.join("telnyx-account-emulator"),
    )?;
    let script = dir.join("startup.mjs");
    std::fs::write(
        &script,
        include_str!("../../../../packages/npm/bench/startup.mjs"),
    )
    .map_err(|e| format!("{}: {e}", script.display()))?;
    let mut cmd = Command::new("node");
    cmd.arg(&script)
        .arg(runs.to_string())
        .env("TELNYX_EMULATOR_BINARY", binary);
    child::parse_last_json(&child::run_capture(cmd, Duration::from_secs(300))?)
}

/// The Python probe with `$TELNYX_PYTHON` (a Python with the official `telnyx` installed) and
/// this checkout's `telnyx_emulator` on `PYTHONPATH`.
fn python_probe(binary: &Path, runs: u32) -> Result<Probe, String> {
    let python = std::env::var("TELNYX_PYTHON")
        .map_err(|_| "TELNYX_PYTHON is not set (a Python with `pip install telnyx==4.189.0`)")?;
    let mut cmd = Command::new(python);
    cmd.arg(Path::new(PACKAGES).join("python/bench/startup.py"))
        .arg(runs.to_string())
        .env("TELNYX_EMULATOR_BINARY", binary)
        .env("PYTHONPATH", Path::new(PACKAGES).join("python/python"));
    child::parse_last_json(&child::run_capture(cmd, Duration::from_secs(300))?)
}

/// `link` -> `target`, replacing an older link.
fn link(target: &Path, link: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(link);
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link)
        .map_err(|e| format!("linking {} -> {}: {e}", link.display(), target.display()))?;
    Ok(())
}
