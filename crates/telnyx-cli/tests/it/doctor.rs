//! `telnyx doctor` against emulators whose answers are bent by fault rules: an unknown
//! field, an unknown enum value, a wrong type and a 401, each reported with its path.
#![allow(clippy::unwrap_used)]

use std::process::Output;

use serde_json::{json, Value};
use telnyx_emulator::control_client::Fault;

use crate::common::{self, Server};

/// A private emulator (fault rules apply to all its accounts).
fn server() -> Server {
    common::start_server(Default::default())
}

/// A GET of `path` answers 200 with `body`.
fn replace_body(srv: &Server, path: &str, body: Value) {
    srv.add_fault(Fault {
        method: Some("GET".into()),
        path_prefix: path.into(),
        status: Some(200),
        body: Some(body),
        ..Default::default()
    });
}

fn doctor(srv: &Server, extra: &[&str]) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let o = common::against(&srv.base_url, "KEYdoctordoctordoctor0042", 120)
        .args(["doctor", "--report"])
        .arg(&report)
        .args(extra)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|_| panic!("no report: {}", String::from_utf8_lossy(&o.stderr)));
    (o, serde_json::from_str(&text).unwrap())
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn finding<'v>(report: &'v Value, path: &str) -> &'v Value {
    report["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("no finding at {path}: {report:#}"))
}

#[test]
fn unknown_field_and_unknown_enum_value_are_warnings_with_paths() {
    let srv = server();
    replace_body(
        &srv,
        "/v2/balance",
        json!({"data": {"balance": "1.00", "currency": "USD", "record_type": "balance",
                         "loyalty_points": 12345}}),
    );
    replace_body(
        &srv,
        "/v2/webhook_deliveries",
        json!({"data": [
            {"id": "d0", "status": "delivered"},
            {"id": "d1", "status": "teleported", "webhook": {"event_type": "message.sent"}}
        ], "meta": {"total_results": 2}}),
    );
    let (o, report) = doctor(&srv, &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "warnings only: {out}");

    let f = finding(&report, "$.data.loyalty_points");
    assert_eq!(f["kind"], "unknown_field");
    assert_eq!(f["json_type"], "number");
    assert_eq!(f["operation"], "balance.retrieve");
    assert_eq!(f["record_type"], "Balance");
    let f = finding(&report, "$.data[1].status");
    assert_eq!(f["kind"], "unknown_enum_value");
    assert_eq!(f["enum_type"], "WebhookDeliveryStatus");
    assert_eq!(f["value"], "teleported");
    assert_eq!(f["operation"], "webhook_deliveries.list");
    // Values are redacted: the report and the output never hold the field's value.
    let text = report.to_string();
    assert!(!text.contains("12345") && !out.contains("12345"), "{text}");
    assert!(
        !text.contains("KEYdoctordoctordoctor0042"),
        "the key is masked"
    );
    assert_eq!(report["key"], "KEY…0042");
    assert!(
        out.contains("$.data.loyalty_points") && out.contains("teleported"),
        "{out}"
    );

    // --strict fails on warnings.
    let (o, report) = doctor(&srv, &["--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(report["ok"], false);
}

#[test]
fn a_wrong_type_is_a_decode_failure_with_its_path_and_the_exit_is_non_zero() {
    let srv = server();
    replace_body(
        &srv,
        "/v2/audit_events",
        json!({"data": [{"id": "a1", "record_type": "audit_event", "created_at": ["not", "a", "time"]}],
               "meta": {"total_results": 1}}),
    );
    let (o, report) = doctor(&srv, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let f = finding(&report, "$.data[0].created_at");
    assert_eq!(f["kind"], "decode_error");
    assert_eq!(f["operation"], "audit_events.list");
    assert_eq!(f["record_type"], "AuditEvent");
    assert!(!f["message"].as_str().unwrap().contains("not"), "{f}");
    let drift = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "drift")
        .unwrap();
    assert_eq!(drift["status"], "fail");
    assert!(stdout(&o).contains("decode error"), "{}", stdout(&o));
}

#[test]
fn a_rejected_key_fails_the_key_check() {
    let srv = server();
    srv.add_fault(Fault {
        method: Some("GET".into()),
        path_prefix: "/v2/balance".into(),
        status: Some(401),
        ..Default::default()
    });
    let (o, report) = doctor(&srv, &[]);
    assert_eq!(o.status.code(), Some(1));
    let key = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "api key")
        .unwrap();
    assert_eq!(key["status"], "fail");
    assert!(key["detail"].as_str().unwrap().contains("401"), "{key}");
    assert!(stdout(&o).contains("FAIL"), "{}", stdout(&o));
}

#[test]
fn a_sound_setup_passes_every_check_and_covers_every_read_operation() {
    let srv = server();
    let (o, report) = doctor(&srv, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    for c in report["checks"].as_array().unwrap() {
        if c["name"] != "drift" {
            assert_eq!(c["status"], "ok", "{c}");
        }
    }
    let ops: Vec<&str> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o[0].as_str().unwrap())
        .collect();
    for op in [
        "balance.retrieve",
        "charges_summary.retrieve",
        "charges_breakdown.retrieve",
        "invoices.list",
        "audit_events.list",
        "detail_records.list[messaging]",
        "webhook_deliveries.list",
        "auto_recharge_prefs.list",
        "user_tags.list",
    ] {
        assert!(ops.contains(&op), "{op} not checked: {ops:?}");
    }
}

#[test]
fn an_unreachable_server_fails_reachability() {
    // A port nothing listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let o = common::against(&format!("http://127.0.0.1:{port}/v2"), "KEYx", 60)
        .args(["doctor", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["checks"][1]["name"], "reachability");
    assert_eq!(r["checks"][1]["status"], "fail");
}

#[test]
fn without_a_key_the_report_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let o = common::telnyx_bin(60)
        .args(["doctor", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["checks"][1]["name"], "api key");
    assert_eq!(r["checks"][1]["status"], "fail");
    assert!(stdout(&o).contains("telnyx auth login"), "{}", stdout(&o));
}
