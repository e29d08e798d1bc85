//! `telnyx emulator advance|traffic` against a running emulator, and the offline
//! `telnyx --emulator --advance 45d ...` demo. Real binary, real HTTP on 127.0.0.1.
#![allow(clippy::unwrap_used)]

use crate::common;
use assert_cmd::Command;
use serde_json::Value;

/// A running emulator with a fixed start time; its base URL.
fn start_server() -> String {
    common::start_server(telnyx_emulator::EmulatorConfig {
        start_time: telnyx_emulator::parse_start_time("2026-01-20T08:30:00Z").ok(),
        ..Default::default()
    })
    .base_url
}

fn telnyx(base: &str, key: &str) -> Command {
    common::against(base, key, 120)
}

fn json_of(out: &std::process::Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn traffic_then_advance_drive_a_running_emulator() {
    let base = start_server();
    let out = telnyx(&base, "KEY_cli_clock")
        .args([
            "emulator",
            "traffic",
            "messaging=50/day",
            "call-control=5",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json_of(&out)["per_day"],
        serde_json::json!({"call-control": 5, "messaging": 50})
    );
    let out = telnyx(&base, "KEY_cli_clock")
        .args(["emulator", "advance", "31d", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rep = json_of(&out);
    assert_eq!(rep["from"], "2026-01-20T08:30:00Z");
    assert_eq!(rep["to"], "2026-02-20T08:30:00Z");
    assert_eq!(rep["invoices_closed"], 1);
    let n = rep["usage_records"].as_u64().unwrap();
    assert!((1_500..1_900).contains(&n), "55/day for 31 days: {n}");
    // the account's balance is the report's
    let out = telnyx(&base, "KEY_cli_clock")
        .args(["balance", "-o", "json"])
        .output()
        .unwrap();
    let b = json_of(&out);
    assert_eq!(b["balance"], rep["balance"], "{b}");
    // the table form names every figure
    let out = telnyx(&base, "KEY_cli_clock")
        .args(["emulator", "advance", "0"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for k in [
        "usage_records",
        "auto_recharges",
        "invoices_closed",
        "balance",
    ] {
        assert!(text.contains(k), "{text}");
    }
}

#[test]
fn bad_advance_and_traffic_arguments_fail_clearly() {
    let base = start_server();
    let out = telnyx(&base, "KEY_cli_bad")
        .args(["emulator", "advance", "soon"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("31d"));
    let out = telnyx(&base, "KEY_cli_bad")
        .args(["emulator", "traffic", "fax=3/day"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fax") && err.contains("messaging"), "{err}");
    let out = telnyx(&base, "KEY_cli_bad")
        .args(["emulator", "advance", "2020-01-01T00:00:00Z"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("backwards"));
    let out = telnyx("http://127.0.0.1:9/v2", "KEY_cli_bad")
        .args(["emulator", "advance", "1d"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("telnyx emulator"));
}

#[test]
fn offline_demo_shows_a_fired_auto_recharge() {
    let mut c = Command::new(env!("CARGO_BIN_EXE_telnyx"));
    c.env_clear();
    c.timeout(std::time::Duration::from_secs(120));
    let out = c
        .args(["--emulator", "--advance", "45d", "balance", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let note = String::from_utf8_lossy(&out.stderr);
    let fired: u64 = note
        .split(" auto-recharge(s) fired")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no auto-recharge count in: {note}"));
    assert!(fired >= 1, "{note}");
    assert!(note.contains("invoice(s) closed"));
    let b = json_of(&out);
    let shown = note
        .rsplit("balance ")
        .next()
        .unwrap()
        .trim()
        .trim_end_matches(" USD");
    assert_eq!(b["balance"], shown, "the command sees the advanced account");
}

#[test]
fn offline_overview_reports_the_advanced_month_to_date() {
    // 45 virtual days on: the overview's month to date is the month the clock is in now,
    // not this machine's month.
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_telnyx"));
        c.env_clear();
        c.timeout(std::time::Duration::from_secs(120));
        let out = c.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json_of(&out)
    };
    let plain = run(&["--emulator", "overview", "-o", "json"]);
    let advanced = run(&["--emulator", "--advance", "45d", "overview", "-o", "json"]);
    let start = |v: &serde_json::Value| {
        let text = v.to_string();
        let at = text
            .find("\"start_date\":\"")
            .unwrap_or_else(|| panic!("no start_date in {text}"));
        text[at + 14..at + 24].to_string()
    };
    let (before, after) = (start(&plain), start(&advanced));
    let first = chrono::NaiveDate::parse_from_str(&before, "%Y-%m-%d").unwrap();
    let expected = first + chrono::Months::new(1);
    // 45 days from any day of a month lands one or two months on.
    assert!(
        after == expected.to_string() || after == (expected + chrono::Months::new(1)).to_string(),
        "month to date starts {after}, before the advance {before}"
    );
}
