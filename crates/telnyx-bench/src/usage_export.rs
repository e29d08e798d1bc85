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
    /// Latency injected per detail records page for the prefetch rows (export with the
    /// default `--prefetch auto` against `--prefetch 4`); 0 skips them.
    #[arg(long, default_value_t = 10)]
    pub latency_ms: u64,
}

struct Measured {
    secs: f64,
    peak_kb: u64,
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
        if let Some(kb) = crate::stats::proc_hwm_kb(&pid.to_string()) {
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

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The baseline and export figures of every round.
struct Rounds {
    base_secs: Vec<f64>,
    base_peak_kb: u64,
    export_secs: Vec<f64>,
    export_peak_kb: u64,
    /// The last export's dataset, for `usage report --from`.
    last_dir: String,
}

/// Runs the row and prints it as markdown.
pub fn main(opts: UsageOpts) -> Result<(), BenchError> {
    let telnyx = telnyx_binary()?;
    let server = Server::spawn(&["serve-emulator".to_string()], Duration::from_secs(30))?;
    let key = "bench-usage";
    let http = Http::new()?;
    Control::new(&http, &server.url).seed(&serde_json::json!({
        "api_key": key, "detail_records": opts.records, "detail_record_type": "messaging"
    }))?;
    let scratch = std::env::temp_dir().join(format!("telnyx-bench-usage-{}", std::process::id()));
    let common = ["--base-url", server.url.as_str(), "--api-key", key];
    type Prefetch = Option<(Vec<f64>, Vec<f64>)>;
    let measured = (|| -> Result<(Rounds, Measured, Prefetch), BenchError> {
        let rounds = interleaved_rounds(&telnyx, &common, &scratch, opts.rounds)?;
        let mut a: Vec<&str> = common.to_vec();
        a.extend([
            "usage",
            "report",
            "--from",
            &rounds.last_dir,
            "--by",
            "type",
            "--by",
            "day",
        ]);
        let report = measure(&telnyx, &a)?;
        let prefetch = if opts.latency_ms > 0 {
            let control = Control::new(&http, &server.url);
            control.add_latency("/v2/detail_records", opts.latency_ms)?;
            let r = prefetch_rounds(&telnyx, &common, &scratch, opts.rounds);
            control.clear_faults()?;
            Some(r?)
        } else {
            None
        };
        Ok((rounds, report, prefetch))
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    let (rounds, report, prefetch) = measured?;
    print_rows(opts.records, &rounds, &report);
    if let Some((auto, fixed)) = prefetch {
        let (a, f) = (median(&auto), median(&fixed));
        println!(
            "| `usage export` with {} ms injected per page: `--prefetch auto` (default) vs `--prefetch 4` (the fixed depth before) | {a:.2} s vs {f:.2} s = {:.2}x faster | faster |",
            opts.latency_ms,
            f / a
        );
    }
    Ok(())
}

/// `rounds` pairs of exports into fresh directories: the default `--prefetch auto`, then
/// `--prefetch 4`; the wall seconds of each.
fn prefetch_rounds(
    telnyx: &PathBuf,
    common: &[&str],
    scratch: &std::path::Path,
    rounds: usize,
) -> Result<(Vec<f64>, Vec<f64>), BenchError> {
    let (mut auto, mut fixed) = (Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        for (depth, out) in [("auto", &mut auto), ("4", &mut fixed)] {
            let dir = scratch.join(format!("prefetch-{depth}-{round}"));
            let d = dir.to_string_lossy().into_owned();
            let mut a: Vec<&str> = common.to_vec();
            a.extend([
                "--prefetch",
                depth,
                "usage",
                "export",
                "--dir",
                &d,
                "--type",
                "messaging",
            ]);
            let m = measure(telnyx, &a)?;
            eprintln!("export --prefetch {depth} {round}: {:.2} s", m.secs);
            out.push(m.secs);
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    Ok((auto, fixed))
}

/// The release `telnyx` next to this binary.
pub(crate) fn telnyx_binary() -> Result<PathBuf, BenchError> {
    self_exe()?
        .parent()
        .map(|d| d.join("telnyx"))
        .filter(|p| p.exists())
        .ok_or_else(|| {
            BenchError::Missing(
                "no `telnyx` binary next to telnyx-bench: run `cargo build --release -p telnyx-cli` first".into(),
            )
        })
}

/// `rounds` pairs of (baseline list, export into a fresh directory under `scratch`).
fn interleaved_rounds(
    telnyx: &PathBuf,
    common: &[&str],
    scratch: &std::path::Path,
    rounds: usize,
) -> Result<Rounds, BenchError> {
    let mut r = Rounds {
        base_secs: Vec::new(),
        base_peak_kb: 0,
        export_secs: Vec::new(),
        export_peak_kb: 0,
        last_dir: String::new(),
    };
    for round in 0..rounds.max(1) {
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
        let b = measure(telnyx, &a)?;
        eprintln!("baseline {round}: {:.2} s, {} MB", b.secs, b.peak_kb / 1024);
        r.base_secs.push(b.secs);
        r.base_peak_kb = r.base_peak_kb.max(b.peak_kb);
        let dir = scratch.join(format!("round{round}"));
        let d = dir.to_string_lossy().into_owned();
        let mut a: Vec<&str> = common.to_vec();
        a.extend(["usage", "export", "--dir", &d, "--type", "messaging"]);
        let e = measure(telnyx, &a)?;
        eprintln!("export {round}: {:.2} s, {} MB", e.secs, e.peak_kb / 1024);
        r.export_secs.push(e.secs);
        r.export_peak_kb = r.export_peak_kb.max(e.peak_kb);
        r.last_dir = d;
    }
    Ok(r)
}

fn print_rows(records: u64, r: &Rounds, report: &Measured) {
    let (b, e) = (median(&r.base_secs), median(&r.export_secs));
    println!("| usage row ({records} messaging records) | result | target |");
    println!("|---|---|---|");
    println!(
        "| `usage export` to Parquet vs `detail-records list --all -o jsonl > /dev/null` | {e:.2} s vs {b:.2} s = {:.2}x | <= 1.5x |",
        e / b
    );
    println!(
        "| peak RSS of the export (VmHWM) | {:.1} MB (baseline list: {:.1} MB) | < 150 MB |",
        r.export_peak_kb as f64 / 1024.0,
        r.base_peak_kb as f64 / 1024.0
    );
    println!(
        "| `usage report --from` the dataset (--by type --by day) | {:.2} s, {:.1} MB | < 2 s |",
        report.secs,
        report.peak_kb as f64 / 1024.0
    );
}
