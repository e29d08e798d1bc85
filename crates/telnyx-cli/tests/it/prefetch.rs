//! `--prefetch`: `--all` lists and `usage export` read whole lists with the SDK's adaptive
//! prefetch (the default) or a fixed depth, against an emulator with a rate limit, and
//! finish complete and in order either way.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{self, Server};

/// Records seeded for the account: 30 pages of 50.
const RECORDS: usize = 1500;
/// The emulator's limit, requests per second per key (below what the CLI could send).
const RATE_LIMIT: u32 = 20;

/// An emulator of its own with `--rate-limit 20/s`, seeded once with [`RECORDS`] messaging
/// records for each account of [`KEYS`].
fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        let srv = common::start_server(telnyx_emulator::EmulatorConfig {
            rate_limit: Some(RATE_LIMIT),
            ..Default::default()
        });
        for key in KEYS {
            srv.seed(
                key,
                serde_json::from_value(serde_json::json!({
                    "detail_records": RECORDS,
                    "detail_record_type": "messaging",
                }))
                .unwrap(),
            );
        }
        srv
    })
}

/// The account the list test reads.
const LIST_KEY: &str = "prefetch-rate-limited-list";
/// The account the export test reads. The limit counts per key, and the two tests run at the
/// same time: on one key each would spend the other's budget, and a page of the fixed-depth
/// list could meet three 429s in a row and fail the command (it did once in CI).
const EXPORT_KEY: &str = "prefetch-rate-limited-export";
const KEYS: [&str; 2] = [LIST_KEY, EXPORT_KEY];

fn ok(key: &str, args: &[&str]) -> String {
    let o = common::against(&server().base_url, key, 300)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "telnyx {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// `(uuid, created_at)` (a messaging record's id and time fields) of each line of `detail-records list --all -o jsonl`
/// for account `key`, in output order.
fn listed(key: &str, prefetch: Option<&str>) -> Vec<(String, String)> {
    let mut args = vec![
        "detail-records",
        "list",
        "--type",
        "messaging",
        "--all",
        "-o",
        "jsonl",
    ];
    if let Some(p) = prefetch {
        args.extend(["--prefetch", p]);
    }
    ok(key, &args)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["uuid"].as_str().unwrap().to_string(),
                v["created_at"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_complete_and_in_order(rows: &[(String, String)], what: &str) {
    assert_eq!(rows.len(), RECORDS, "{what}: every record once");
    let ids: BTreeSet<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), RECORDS, "{what}: no record twice");
    for pair in rows.windows(2) {
        assert!(
            pair[0].1 >= pair[1].1,
            "{what}: newest first, but {} ({}) comes before {} ({})",
            pair[0].0,
            pair[0].1,
            pair[1].0,
            pair[1].1
        );
    }
}

#[test]
fn all_lists_finish_complete_and_in_order_under_a_rate_limit() {
    // One page at a time: the reference order.
    let sequential = listed(LIST_KEY, Some("1"));
    assert_complete_and_in_order(&sequential, "--prefetch 1");
    // The default (auto) and a fixed depth deeper than the limit allows per page time.
    let auto = listed(LIST_KEY, None);
    assert_complete_and_in_order(&auto, "default (auto)");
    assert_eq!(auto, sequential, "auto: the same rows in the same order");
    let auto_flag = listed(LIST_KEY, Some("auto"));
    assert_eq!(auto_flag, sequential, "--prefetch auto");
    let fixed = listed(LIST_KEY, Some("3"));
    assert_eq!(fixed, sequential, "--prefetch 3");
    let deep = listed(LIST_KEY, Some("16"));
    assert_eq!(deep, sequential, "--prefetch 16");
}

/// `id`s of every row of a JSONL dataset, in file then line order.
fn dataset_ids(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p: PathBuf = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "jsonl")
                && !p.file_name().unwrap().to_string_lossy().starts_with('.')
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut ids = Vec::new();
    for f in files {
        for line in std::fs::read_to_string(&f).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            ids.push(v["id"].as_str().unwrap().to_string());
        }
    }
    ids
}

#[test]
fn usage_export_is_complete_under_a_rate_limit_with_auto_and_fixed_prefetch() {
    let expected: BTreeSet<String> = listed(EXPORT_KEY, Some("1"))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(expected.len(), RECORDS);
    for prefetch in [None, Some("4")] {
        let tmp = tempfile::tempdir().unwrap();
        let ds = tmp.path().join("ds");
        let d = ds.to_str().unwrap();
        let mut args = vec![
            "usage",
            "export",
            "--dir",
            d,
            "--type",
            "messaging",
            "--format",
            "jsonl",
        ];
        if let Some(p) = prefetch {
            args.extend(["--prefetch", p]);
        }
        ok(EXPORT_KEY, &args);
        let ids = dataset_ids(&ds);
        assert_eq!(ids.len(), RECORDS, "{prefetch:?}: every record once");
        let set: BTreeSet<String> = ids.into_iter().collect();
        assert_eq!(set, expected, "{prefetch:?}: the records the API lists");
    }
}

#[test]
fn a_bad_prefetch_value_is_a_usage_error() {
    for bad in ["0", "65", "fast", "-1", "2.5", ""] {
        let o = common::telnyx()
            .args(["--emulator", "balance", &format!("--prefetch={bad}")])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "--prefetch {bad}: {err}");
        assert!(
            err.contains("--prefetch") && err.contains("expected 'auto' or a number of pages"),
            "--prefetch {bad}: {err}"
        );
    }
    let o = common::telnyx()
        .args(["--emulator", "--prefetch", "3", "balance"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
