//! `telnyx-bench usage`: `telnyx usage export` to Parquet against the paging baseline.
//!
//! One emulator (a child process), one account seeded with N messaging records; in the same
//! run, interleaved: `telnyx detail-records list --all -o jsonl > /dev/null` (the baseline:
//! the same records through the same SDK paging) and `telnyx usage export --type messaging`
//! into a fresh directory; then `telnyx usage report --from` over that dataset. Wall time per
//! process; peak RSS from `/proc/<pid>/status` `VmHWM`, sampled every 5 ms (it only grows).
//! Needs the release `telnyx` binary next to this one: `cargo build --release -p telnyx-cli`.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;

use crate::child::{self_exe, Server};
use crate::error::BenchError;
use crate::http::{Control, Http};

/// Options of the usage export row.
#[derive(Args, Clone, Debug)]
pub struct UsageOpts {
    /// Messaging records to seed and export.
    #[arg(long, default_value_t = 1_000_000)]
    pub records: u64,
    /// Baseline/export pairs, interleaved (the median is reported).
    #[arg(long, default_value_t = 1)]
    pub rounds: usize,
}

struct Measured {
    secs: f64,
    peak_kb: u64,
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `telnyx args` with stdout to /dev/null; at most 30 minutes.
fn measure(telnyx: &PathBuf, args: &[&str]) -> Result<Measured, String> {
    let start = Instant::now();
    let mut child = Command::new(telnyx)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn {}: {e}", telnyx.display()))?;
    let pid = child.id();
    let mut peak = 0;
    let deadline = start + Duration::from_secs(1800);
    let status = loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak = peak.max(kb);
        }
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("telnyx {args:?}: killed after 30 min"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let secs = start.elapsed().as_secs_f64();
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        return Err(format!("telnyx {args:?}: {status}: {err}"));
    }
    Ok(Measured {
        secs,
        peak_kb: peak,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Runs the row and prints it as markdown.
pub fn main(opts: UsageOpts) -> Result<(), BenchError> {
    let exe = self_exe()?;
    let telnyx = exe
        .parent()
        .map(|d| d.join("telnyx"))
        .filter(|p| p.exists())
        .ok_or_else(|| BenchError::Missing("no `telnyx` binary next to telnyx-bench: run `cargo build --release -p telnyx-cli` first".into()))?;
    let server = Server::spawn(&["serve-emulator".to_string()], Duration::from_secs(30))?;
    let key = "bench-usage";
    let http = Http::new()?;
    Control::new(&http, &server.url).seed(&serde_json::json!({
        "api_key": key, "detail_records": opts.records, "detail_record_type": "messaging"
    }))?;
    let scratch = std::env::temp_dir().join(format!("telnyx-bench-usage-{}", std::process::id()));
    let common = ["--base-url", server.url.as_str(), "--api-key", key];
    let (mut base, mut export, mut peaks) = (Vec::new(), Vec::new(), Vec::new());
    let mut base_peak = 0;
    let mut last_dir = None;
    for round in 0..opts.rounds.max(1) {
        let mut a: Vec<&str> = common.to_vec();
        a.extend([
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--all",
            "-o",
            "jsonl",
        ]);
        let b = measure(&telnyx, &a)?;
        eprintln!("baseline {round}: {:.2} s, {} MB", b.secs, b.peak_kb / 1024);
        base.push(b.secs);
        base_peak = base_peak.max(b.peak_kb);
        let dir = scratch.join(format!("round{round}"));
        let d = dir.to_string_lossy().into_owned();
        let mut a: Vec<&str> = common.to_vec();
        a.extend(["usage", "export", "--dir", &d, "--type", "messaging"]);
        let e = measure(&telnyx, &a)?;
        eprintln!("export {round}: {:.2} s, {} MB", e.secs, e.peak_kb / 1024);
        export.push(e.secs);
        peaks.push(e.peak_kb);
        last_dir = Some(d);
    }
    let d = last_dir.unwrap_or_default();
    let mut a: Vec<&str> = common.to_vec();
    a.extend([
        "usage", "report", "--from", &d, "--by", "type", "--by", "day",
    ]);
    let report = measure(&telnyx, &a)?;
    let _ = std::fs::remove_dir_all(&scratch);
    let (b, e) = (median(base), median(export));
    let peak = peaks.iter().max().copied().unwrap_or(0);
    println!(
        "| usage row ({} messaging records) | result | target |",
        opts.records
    );
    println!("|---|---|---|");
    println!(
        "| `usage export` to Parquet vs `detail-records list --all -o jsonl > /dev/null` | {e:.2} s vs {b:.2} s = {:.2}x | <= 1.5x |",
        e / b
    );
    println!(
        "| peak RSS of the export (VmHWM) | {:.1} MB (baseline list: {:.1} MB) | < 150 MB |",
        peak as f64 / 1024.0,
        base_peak as f64 / 1024.0
    );
    println!(
        "| `usage report --from` the dataset (--by type --by day) | {:.2} s, {:.1} MB | < 2 s |",
        report.secs,
        report.peak_kb as f64 / 1024.0
    );
    Ok(())
}
