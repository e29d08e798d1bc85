//! The report's header: the machine, the commit measured, and how busy the machine was.

use std::process::{Command, Stdio};

use crate::report::mb;
use crate::stats;

/// Trimmed stdout of `prog args`, or `None` if it is missing or fails.
pub fn sh(prog: &str, args: &[&str]) -> Option<String> {
    let o = Command::new(prog)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// The command line as a reader reruns it.
pub fn command_line() -> String {
    format!(
        "cargo run --release -p telnyx-bench -- {}",
        std::env::args().skip(1).collect::<Vec<_>>().join(" ")
    )
}

/// `YYYY-MM-DD HH:MM UTC`, or "unknown".
pub fn date() -> String {
    sh("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into())
}

/// CPUs, CPU model, memory, kernel, toolchains, clock ticks and the commit.
pub fn machine_info() -> Vec<(String, String)> {
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

/// The load average and the compilers running, for the notes around a run.
pub fn busy_note() -> String {
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
