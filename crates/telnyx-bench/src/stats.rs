//! Pure measurement helpers: percentiles and `/proc` parsing (Linux).

use std::sync::OnceLock;
use std::time::Duration;

/// Nearest-rank percentile (`p` in 0..=100) of an already sorted slice; 0 when empty.
pub fn percentile_sorted(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let p = p.clamp(0.0, 100.0);
    // Nearest rank: ceil(p/100 * n), 1-based; p = 0 gives the minimum.
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    let idx = rank.saturating_sub(1).min(sorted.len() - 1);
    sorted[idx]
}

/// `k` evenly spaced quantiles (at (i + 0.5) / k) of a sorted slice: a compact sketch that
/// slices measured separately can be merged from.
pub fn quantile_sketch(sorted: &[u32], k: usize) -> Vec<u32> {
    if sorted.is_empty() || k == 0 {
        return Vec::new();
    }
    (0..k)
        .map(|i| {
            let idx = (((i as f64 + 0.5) / k as f64) * sorted.len() as f64) as usize;
            sorted[idx.min(sorted.len() - 1)]
        })
        .collect()
}

/// Percentile `p` of the union of several slices, each given as (sample count, sketch):
/// every sketch point stands for count / sketch length samples.
pub fn merged_percentile(slices: &[(u64, &[u32])], p: f64) -> u32 {
    let mut pts: Vec<(u32, f64)> = Vec::new();
    for (count, sketch) in slices {
        if sketch.is_empty() {
            continue;
        }
        let w = *count as f64 / sketch.len() as f64;
        pts.extend(sketch.iter().map(|&v| (v, w)));
    }
    if pts.is_empty() {
        return 0;
    }
    pts.sort_by_key(|&(v, _)| v);
    let total: f64 = pts.iter().map(|&(_, w)| w).sum();
    let target = (p.clamp(0.0, 100.0) / 100.0) * total;
    let mut acc = 0.0;
    for &(v, w) in &pts {
        acc += w;
        if acc >= target {
            return v;
        }
    }
    pts[pts.len() - 1].0
}

/// Median of durations (sorts a copy); zero when empty.
pub fn median(durations: &[Duration]) -> Duration {
    let mut v = durations.to_vec();
    v.sort();
    if v.is_empty() {
        Duration::ZERO
    } else {
        v[(v.len() - 1) / 2]
    }
}

/// utime + stime in clock ticks from the text of `/proc/<pid>/stat`.
///
/// The second field (comm) is in parentheses and may itself hold spaces or parentheses,
/// so fields are counted after the last `)`: the first one there is field 3 (state),
/// utime is field 14 and stime field 15.
pub fn parse_stat_cpu_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// A `kB` line such as `VmHWM: 12345 kB` (tab-separated) from the text of `/proc/<pid>/status`.
pub fn parse_status_kb(status: &str, key: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// Clock ticks per second (`getconf CLK_TCK`, read once; 100 if that fails, the Linux default).
pub fn clk_tck() -> u64 {
    static TCK: OnceLock<u64> = OnceLock::new();
    *TCK.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// CPU time (user + system) of a process so far; `pid` "self" for this process.
pub fn proc_cpu(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let ticks = parse_stat_cpu_ticks(&stat)?;
    Some(Duration::from_secs_f64(ticks as f64 / clk_tck() as f64))
}

/// Current resident set (VmRSS) in kB.
pub fn proc_rss_kb(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_kb(&status, "VmRSS")
}

/// Peak resident set (VmHWM) in kB.
pub fn proc_hwm_kb(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_kb(&status, "VmHWM")
}

/// CPU time of this process so far. Sums `/proc/self/task/*/schedstat` (nanoseconds on
/// CPU per live thread) when the kernel has schedstats, else `/proc/self/stat` (clock ticks,
/// 10 ms resolution, but it also counts threads that already exited).
pub fn self_cpu() -> Duration {
    match self_threads_cpu_ns() {
        Some(ns) if ns > 0 => Duration::from_nanos(ns),
        _ => proc_cpu("self").unwrap_or_default(),
    }
}

/// Sum of on-CPU nanoseconds of all threads of this process (`/proc/self/task/*/schedstat`).
fn self_threads_cpu_ns() -> Option<u64> {
    let mut total = 0u64;
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let path = entry.ok()?.path().join("schedstat");
        // A thread may exit between read_dir and read: skip it.
        if let Ok(s) = std::fs::read_to_string(path) {
            total += parse_schedstat_ns(&s).unwrap_or(0);
        }
    }
    Some(total)
}

/// First field of `/proc/.../schedstat`: time spent on the CPU, in nanoseconds.
pub fn parse_schedstat_ns(s: &str) -> Option<u64> {
    s.split_whitespace().next()?.parse().ok()
}

/// `/proc/loadavg`'s first three fields, for the "was the machine busy" note.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "n/a".into())
}

/// How many `rustc`, `cc`/`cc1`, `ld` or `node` processes other than ours run right now.
pub fn busy_processes() -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            if !name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if let Ok(comm) = std::fs::read_to_string(e.path().join("comm")) {
                let comm = comm.trim();
                if [
                    "rustc",
                    "cc1",
                    "cc1plus",
                    "ld",
                    "cargo",
                    "clippy-driver",
                    "rust-lld",
                ]
                .contains(&comm)
                {
                    *counts.entry(comm.to_string()).or_default() += 1;
                }
            }
        }
    }
    counts.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile_sorted(&v, 50.0), 50);
        assert_eq!(percentile_sorted(&v, 99.0), 99);
        assert_eq!(percentile_sorted(&v, 100.0), 100);
        assert_eq!(percentile_sorted(&v, 0.0), 1);
        assert_eq!(percentile_sorted(&[7], 99.0), 7);
        assert_eq!(percentile_sorted(&[], 50.0), 0);
        assert_eq!(percentile_sorted(&[1, 2, 3, 4], 50.0), 2);
    }

    #[test]
    fn sketches_merge_like_the_union() {
        let a: Vec<u32> = (1..=1000).collect();
        let b: Vec<u32> = (1001..=2000).collect();
        let (sa, sb) = (quantile_sketch(&a, 100), quantile_sketch(&b, 100));
        assert_eq!(sa.len(), 100);
        // Equal counts: the median of the union sits at the boundary between the two.
        let m = merged_percentile(&[(1000, &sa), (1000, &sb)], 50.0);
        assert!((990..=1010).contains(&m), "{m}");
        // A slice with ten times the samples dominates.
        let m = merged_percentile(&[(10_000, &sa), (1000, &sb)], 50.0);
        assert!((540..=560).contains(&m), "{m}");
        assert_eq!(merged_percentile(&[], 50.0), 0);
        assert!(quantile_sketch(&[], 10).is_empty());
    }

    #[test]
    fn median_of_durations() {
        let d = |ms| Duration::from_millis(ms);
        assert_eq!(median(&[d(5), d(1), d(3)]), d(3));
        assert_eq!(median(&[]), Duration::ZERO);
    }

    #[test]
    fn stat_cpu_fields_after_comm_with_spaces() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        let stat = "1234 (tokio (rt) x) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 37 0 0 20 0 3 0";
        assert_eq!(parse_stat_cpu_ticks(stat), Some(287));
        assert_eq!(parse_stat_cpu_ticks("garbage"), None);
    }

    #[test]
    fn status_kb_lines() {
        let status = "Name:\tx\nVmPeak:\t  99999 kB\nVmHWM:\t   12345 kB\nVmRSS:\t    2048 kB\n";
        assert_eq!(parse_status_kb(status, "VmHWM"), Some(12345));
        assert_eq!(parse_status_kb(status, "VmRSS"), Some(2048));
        assert_eq!(parse_status_kb(status, "VmSwap"), None);
        assert_eq!(parse_schedstat_ns("123456 789 10\n"), Some(123_456));
    }

    #[test]
    fn live_proc_reads_work_here() {
        // Not timed: only that the files parse on Linux.
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(proc_hwm_kb("self").is_some());
            assert!(proc_rss_kb("self").is_some());
            assert!(proc_cpu("self").is_some());
            let _ = self_cpu();
        }
    }
}
