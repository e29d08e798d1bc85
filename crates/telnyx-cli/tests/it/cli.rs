//! End-to-end tests: the real `telnyx` binary against emulators started in this process.
//!
//! One shared emulator serves most tests; each test uses its own API key, which the emulator
//! turns into an isolated, deterministically seeded account.
#![allow(clippy::unwrap_used)]

use crate::common;
use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::common::{start_server, telnyx, Server};
use telnyx_emulator::control_client::Fault;

fn shared() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| start_server(telnyx_emulator::EmulatorConfig::default()))
}

fn restricted() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        start_server(telnyx_emulator::EmulatorConfig {
            api_keys: vec!["good".into()],
            ..Default::default()
        })
    })
}

/// The binary pointed at the shared emulator as account `key`.
fn against(key: &str) -> Command {
    common::against(&shared().base_url, key, 60)
}

fn run(mut c: Command, args: &[&str]) -> Output {
    c.args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
    stdout(o)
}

#[track_caller]
fn json(o: &Output) -> Value {
    let out = ok(o);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

#[track_caller]
fn csv_rows(o: &Output) -> (Vec<String>, Vec<Vec<String>>) {
    let out = ok(o);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let headers = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

#[track_caller]
fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// GET on the emulator's HTTP API as `key`, decoded.
fn http_get(server: &Server, key: &str, path: &str) -> Value {
    let url = format!("{}{}", server.base_url, path);
    let key = key.to_string();
    server.runtime.block_on(async move {
        let text = reqwest::Client::new()
            .get(url)
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        serde_json::from_str::<Value>(&text).unwrap()
    })
}

/// How many requests to paths containing `needle` the emulator has answered.
fn answered(server: &Server, needle: &str) -> usize {
    server
        .requests(1000)
        .iter()
        .filter(|r| r.path.contains(needle))
        .count()
}

/// Waits (up to 20 s) until the emulator has answered at least `n` such requests.
fn wait_answered(server: &Server, needle: &str, n: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while answered(server, needle) < n {
        assert!(
            std::time::Instant::now() < deadline,
            "the CLI never fetched {needle}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .parse()
        .unwrap()
}

// ---------------------------------------------------------------- offline mode and errors

#[test]
fn emulator_flag_works_with_empty_environment_and_matches_http() {
    let o = run(telnyx(), &["--emulator", "balance", "--output", "json"]);
    let cli = json(&o);
    // A fresh emulator seeds the demo account deterministically: compare with the HTTP API.
    let http = http_get(shared(), telnyx_emulator::DEMO_API_KEY, "/balance");
    assert_eq!(
        cli, http["data"],
        "CLI balance differs from the emulator's HTTP answer"
    );
    assert_eq!(cli["record_type"], "balance");
    let available = dec(&cli["available_credit"]);
    assert_eq!(available, dec(&cli["balance"]) + dec(&cli["credit_limit"]));
    // --emulator wins over a real account configured in the environment.
    let mut c = telnyx();
    c.env("TELNYX_API_KEY", "real-key")
        .env("TELNYX_BASE_URL", "http://127.0.0.1:1/v2");
    assert_eq!(json(&run(c, &["--emulator", "balance", "-o", "json"])), cli);
}

#[test]
fn no_key_says_how_to_get_going() {
    let o = run(telnyx(), &["balance"]);
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert!(err.contains("no API key"), "{err}");
    assert!(
        err.contains("TELNYX_API_KEY") && err.contains("--api-key") && err.contains("--emulator"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn exit_codes_match_error_kinds() {
    // auth: the restricted emulator only knows "good".
    let mut c = telnyx();
    c.args([
        "--base-url",
        &restricted().base_url,
        "--api-key",
        "bad",
        "--max-retries",
        "0",
    ]);
    let o = run(c, &["balance"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("TELNYX_API_KEY"),
        "hint missing: {}",
        stderr(&o)
    );
    let mut c = telnyx();
    c.args(["--base-url", &restricted().base_url, "--api-key", "good"]);
    ok(&run(c, &["balance"]));

    // not found
    let o = run(
        against("codes"),
        &["invoices", "get", "0b7c2f0e-0000-4000-8000-000000000000"],
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));

    // validation: a 40-day range
    let o = run(
        against("codes"),
        &[
            "charges",
            "summary",
            "--start",
            "2025-05-01",
            "--end",
            "2025-06-10",
        ],
    );
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    // validation: a bad amount
    let o = run(
        against("codes"),
        &["payment", "create", "--amount", "12.3.4", "--yes"],
    );
    assert_eq!(code(&o), 5, "{}", stderr(&o));

    // usage
    let o = run(against("codes"), &["balance", "--no-such-flag"]);
    assert_eq!(code(&o), 2);
    let o = run(
        against("codes"),
        &[
            "charges",
            "summary",
            "--start",
            "not-a-date",
            "--end",
            "2025-06-01",
        ],
    );
    assert_eq!(code(&o), 2);

    // network: a closed port
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = telnyx();
    c.args([
        "--base-url",
        &format!("http://127.0.0.1:{port}/v2"),
        "--api-key",
        "k",
        "--max-retries",
        "0",
    ]);
    let o = run(c, &["balance"]);
    assert_eq!(code(&o), 7, "{}", stderr(&o));
    assert!(stderr(&o).contains("--base-url"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

/// The `error:` line says what went wrong, the `hint:` line what to do; they must not say the
/// same thing twice.
#[track_caller]
fn error_and_hint(o: &Output) -> (String, String) {
    let err = stderr(o);
    let headline = err
        .lines()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or_else(|| panic!("no error line: {err}"))
        .to_string();
    let hint = err
        .lines()
        .find_map(|l| l.strip_prefix("hint: "))
        .unwrap_or_else(|| panic!("no hint line: {err}"))
        .to_string();
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    assert!(!err.contains('\x1b'), "colors when piped: {err}");
    (headline, hint)
}

#[test]
fn error_messages_say_what_was_wrong_and_what_to_do() {
    // A closed port: the URL that was tried and the OS cause, then how to get a server there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/v2");
    let mut c = telnyx();
    c.args(["--base-url", &url, "--api-key", "k", "--max-retries", "0"]);
    let o = run(c, &["balance"]);
    assert_eq!(code(&o), 7, "{}", stderr(&o));
    let (headline, hint) = error_and_hint(&o);
    assert_eq!(
        headline,
        format!("could not connect to {url} (GET /balance)")
    );
    assert!(stderr(&o).contains("cause: "), "{}", stderr(&o));
    assert!(
        hint.contains(&format!("telnyx emulator --bind 127.0.0.1:{port}")),
        "{hint}"
    );
    assert!(
        !hint.contains("could not"),
        "hint repeats the error: {hint}"
    );

    // A 40-day range: no SDK-internal prefix, and how to split it.
    let o = run(
        against("messages"),
        &[
            "charges",
            "summary",
            "--start",
            "2025-05-01",
            "--end",
            "2025-06-10",
        ],
    );
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    let (headline, hint) = error_and_hint(&o);
    assert!(
        headline.starts_with("the range from 2025-05-01"),
        "{headline}"
    );
    assert!(hint.contains("at most 31 days per call"), "{hint}");

    // An unknown filter field: the API's detail, and the --filter syntax.
    let o = run(
        against("messages"),
        &[
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--filter",
            "nope[contains]=1",
        ],
    );
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    let (_, hint) = error_and_hint(&o);
    assert!(stderr(&o).contains("'nope'"), "{}", stderr(&o));
    assert!(hint.contains("FIELD[OP]=VALUE"), "{hint}");

    // An id that is not a UUID, and one that does not exist.
    let o = run(against("messages"), &["invoices", "get", "nope"]);
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(error_and_hint(&o).1.contains("UUID"), "{}", stderr(&o));
    let o = run(
        against("messages"),
        &["invoices", "get", "0b7c2f0e-0000-4000-8000-000000000000"],
    );
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    error_and_hint(&o);

    // --out into a missing directory: the path asked for, not the temp file.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing").join("x.csv");
    let o = run(
        against("messages"),
        &["--out", out.to_str().unwrap(), "balance"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let (headline, hint) = error_and_hint(&o);
    assert!(headline.contains(out.to_str().unwrap()), "{headline}");
    assert!(!headline.contains(".part"), "temp file leaked: {headline}");
    assert!(hint.contains("does not exist"), "{hint}");

    // A malformed --base-url is a usage error (2), not an authentication one (3), and the
    // hint adds the local form instead of repeating the example URL.
    let mut c = telnyx();
    c.args(["--base-url", "notaurl", "--api-key", "k"]);
    let o = run(c, &["balance"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let (headline, hint) = error_and_hint(&o);
    assert!(headline.contains("\"notaurl\""), "{headline}");
    assert!(!hint.contains("https://api.telnyx.com/v2"), "{hint}");
    assert!(hint.contains("127.0.0.1"), "{hint}");
}

#[test]
fn rate_limit_is_exit_6_with_a_wait_hint() {
    // Faults are global to an emulator: use a private one.
    let server = start_server(telnyx_emulator::EmulatorConfig::default());
    server.add_fault(Fault {
        method: Some("GET".into()),
        path_prefix: "/v2/user_tags".into(),
        status: Some(429),
        headers: [("Retry-After".to_string(), "7".to_string())].into(),
        times: Some(1),
        ..Default::default()
    });
    let mut c = telnyx();
    c.args(["--base-url", &server.base_url, "--api-key", "ratelimited"]);
    let o = run(c, &["--max-retries", "0", "tags", "list"]);
    assert_eq!(code(&o), 6, "{}", stderr(&o));
    assert!(stderr(&o).contains("wait 7 s"), "{}", stderr(&o));
}

#[test]
fn help_documents_exit_codes() {
    let o = run(telnyx(), &["--help"]);
    let out = ok(&o);
    for needle in [
        "Exit codes",
        "3    authentication",
        "7    network",
        "--emulator",
        "--output",
    ] {
        assert!(out.contains(needle), "--help lacks {needle:?}");
    }
}

// ---------------------------------------------------------------- commands and formats

#[test]
fn subcommand_help_lists_its_own_options_before_the_global_ones() {
    let o = run(telnyx(), &["detail-records", "list", "--help"]);
    let help = ok(&o);
    let global = help.find("Global options:").expect(&help);
    let own = help.find("--type").expect(&help);
    assert!(own < global, "{help}");
    assert!(help.find("--api-key").expect(&help) > global, "{help}");
}

#[test]
fn balance_in_every_format() {
    let key = "fmt-balance";
    let http = http_get(shared(), key, "/balance")["data"].clone();
    let table = ok(&run(against(key), &["balance"]));
    assert!(
        table.contains("Balance") && table.contains(http["balance"].as_str().unwrap()),
        "{table}"
    );
    assert!(!table.contains('\x1b'), "no colors when piped");
    let j = json(&run(against(key), &["balance", "-o", "json"]));
    assert_eq!(j, http);
    let l = ok(&run(against(key), &["balance", "-o", "jsonl"]));
    assert_eq!(l.lines().count(), 1);
    assert_eq!(serde_json::from_str::<Value>(&l).unwrap(), http);
    let (h, rows) = csv_rows(&run(against(key), &["balance", "-o", "csv"]));
    let i = h.iter().position(|c| c == "balance").unwrap();
    assert_eq!(
        rows[0][i],
        http["balance"].as_str().unwrap(),
        "money is the wire string"
    );
}

#[test]
fn invoices_list_get_and_download() {
    let key = "invoices";
    let http = http_get(shared(), key, "/invoices?page%5Bsize%5D=250");
    let total = http["meta"]["total_results"].as_u64().unwrap();
    assert!(total > 0);

    let all = json(&run(
        against(key),
        &[
            "invoices",
            "list",
            "--all",
            "-o",
            "json",
            "--sort",
            "-period_start",
        ],
    ));
    let all = all.as_array().unwrap();
    assert_eq!(all.len() as u64, total);
    let starts: Vec<&str> = all
        .iter()
        .map(|i| i["period_start"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(starts, sorted, "--sort -period_start");

    let (h, rows) = csv_rows(&run(
        against(key),
        &["invoices", "list", "--limit", "2", "-o", "csv"],
    ));
    assert_eq!(h[0], "invoice_id");
    assert_eq!(rows.len(), 2);

    let id = all[0]["invoice_id"].as_str().unwrap();
    let table = ok(&run(against(key), &["invoices", "list", "--limit", "3"]));
    assert!(table.lines().next().unwrap().contains("INVOICE ID"));
    assert_eq!(table.lines().count(), 4, "{table}");

    let got = json(&run(
        against(key),
        &["invoices", "get", id, "--link", "-o", "json"],
    ));
    assert_eq!(got["invoice_id"], id);
    assert!(got["download_url"].as_str().unwrap().starts_with("http"));
    let t = ok(&run(against(key), &["invoices", "get", id]));
    assert!(t.contains(id) && t.contains("Period"), "{t}");

    // download everything
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        against(key),
        &[
            "invoices",
            "download",
            "--all",
            "--dir",
            dir.path().to_str().unwrap(),
            "-o",
            "json",
        ],
    );
    let saved = json(&o);
    assert_eq!(saved.as_array().unwrap().len() as u64, total);
    let files = pdfs(dir.path());
    assert_eq!(files.len() as u64, total);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{} is not a PDF", f.display());
    }
    // one by id, and --since filtering
    let dir2 = tempfile::tempdir().unwrap();
    ok(&run(
        against(key),
        &[
            "invoices",
            "download",
            id,
            "--dir",
            dir2.path().to_str().unwrap(),
        ],
    ));
    assert_eq!(pdfs(dir2.path()).len(), 1);
    let newest = starts[0];
    let dir3 = tempfile::tempdir().unwrap();
    ok(&run(
        against(key),
        &[
            "invoices",
            "download",
            "--all",
            "--since",
            newest,
            "--dir",
            dir3.path().to_str().unwrap(),
        ],
    ));
    assert_eq!(
        pdfs(dir3.path()).len(),
        starts.iter().filter(|s| **s >= newest).count()
    );
    // neither id nor --all
    assert_eq!(
        code(&run(
            against(key),
            &[
                "invoices",
                "download",
                "--dir",
                dir3.path().to_str().unwrap()
            ]
        )),
        2
    );
}

fn pdfs(dir: &Path) -> Vec<std::path::PathBuf> {
    let all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        all.iter().all(|p| !p.to_string_lossy().ends_with(".part")),
        "temp files left: {all:?}"
    );
    all.into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect()
}

#[test]
fn charges_summary_and_breakdown() {
    let key = "charges";
    let today = chrono::Utc::now().date_naive();
    let start = chrono::Datelike::with_day(&today, 1).unwrap();
    let end = today.succ_opt().unwrap();
    let (s, e) = (start.to_string(), end.to_string());
    let http = http_get(
        shared(),
        key,
        &format!("/charges_summary?start_date={s}&end_date={e}"),
    )["data"]
        .clone();

    let j = json(&run(
        against(key),
        &[
            "charges", "summary", "--start", &s, "--end", &e, "-o", "json",
        ],
    ));
    assert_eq!(j["total"]["grand_total"], http["total"]["grand_total"]);
    let t = ok(&run(
        against(key),
        &["charges", "summary", "--start", &s, "--end", &e],
    ));
    assert!(
        t.contains("Grand total") && t.contains(http["total"]["grand_total"].as_str().unwrap()),
        "{t}"
    );
    let (h, rows) = csv_rows(&run(
        against(key),
        &[
            "charges", "summary", "--start", &s, "--end", &e, "-o", "csv",
        ],
    ));
    assert_eq!(h[0], "type");
    assert_eq!(
        rows.len(),
        http["summary"]["lines"].as_array().unwrap().len()
    );

    let http_b = http_get(
        shared(),
        key,
        &format!("/charges_breakdown?start_date={s}&end_date={e}"),
    )["data"]
        .clone();
    let j = json(&run(
        against(key),
        &[
            "charges",
            "breakdown",
            "--start",
            &s,
            "--end",
            &e,
            "-o",
            "json",
        ],
    ));
    assert_eq!(j["results"], http_b["results"]);
    let services: usize = http_b["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["services"].as_array().unwrap().len().max(1))
        .sum();
    let (h, rows) = csv_rows(&run(
        against(key),
        &[
            "charges",
            "breakdown",
            "--start",
            &s,
            "--end",
            &e,
            "-o",
            "csv",
        ],
    ));
    assert_eq!(
        h,
        vec![
            "tn",
            "charge_type",
            "service",
            "cost_type",
            "cost",
            "service_owner_email"
        ]
    );
    assert_eq!(rows.len(), services);
    let t = ok(&run(
        against(key),
        &["charges", "breakdown", "--start", &s, "--end", &e],
    ));
    assert!(
        t.contains("NUMBER") && t.contains(http_b["results"][0]["tn"].as_str().unwrap()),
        "{t}"
    );
    // the server's CSV, verbatim
    let raw = ok(&run(
        against(key),
        &["charges", "breakdown", "--start", &s, "--end", &e, "--csv"],
    ));
    let mut r = csv::Reader::from_reader(raw.as_bytes());
    assert!(r.headers().unwrap().len() > 1);
    assert!(r.records().count() > 0);
}

#[test]
fn audit_events_formats_and_filters() {
    let key = "audit";
    let http = http_get(shared(), key, "/audit_events?sort=asc&page%5Bsize%5D=250");
    let total = http["meta"]["total_results"].as_u64().unwrap();
    let all = json(&run(
        against(key),
        &[
            "audit-events",
            "list",
            "--all",
            "--sort",
            "asc",
            "-o",
            "json",
        ],
    ));
    let all = all.as_array().unwrap();
    assert_eq!(all.len() as u64, total);
    assert_eq!(all[0]["id"], http["data"][0]["id"]);
    let lines = ok(&run(
        against(key),
        &["audit-events", "list", "--limit", "3", "-o", "jsonl"],
    ));
    assert_eq!(lines.lines().count(), 3.min(total as usize));
    for l in lines.lines() {
        assert!(serde_json::from_str::<Value>(l).unwrap()["id"].is_string());
    }
    let (h, rows) = csv_rows(&run(
        against(key),
        &["audit-events", "list", "--limit", "3", "-o", "csv"],
    ));
    assert_eq!(h[0], "id");
    assert_eq!(rows.len(), 3.min(total as usize));
    let t = ok(&run(
        against(key),
        &["audit-events", "list", "--limit", "2"],
    ));
    assert!(t.starts_with("CREATED AT"), "{t}");
    // a window in the future is empty
    let none = json(&run(
        against(key),
        &[
            "audit-events",
            "list",
            "--after",
            "2999-01-01",
            "-o",
            "json",
        ],
    ));
    assert_eq!(none, serde_json::json!([]));
    let t = ok(&run(
        against(key),
        &["audit-events", "list", "--after", "2999-01-01"],
    ));
    assert!(t.contains("no audit events"), "{t}");
}

#[test]
fn detail_records_stream_all_to_a_csv_file() {
    let key = "records-big";
    let n = 1200u64;
    shared().seed(
        key,
        telnyx_emulator::SeedRequest {
            detail_records: Some(n),
            detail_record_type: Some("messaging".into()),
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.csv");
    let o = run(
        against(key),
        &[
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--all",
            "-o",
            "csv",
            "--out",
            path.to_str().unwrap(),
            "--sort",
            "-created_at",
        ],
    );
    ok(&o);
    assert!(stderr(&o).contains("wrote"), "{}", stderr(&o));
    let mut r = csv::Reader::from_path(&path).unwrap();
    let headers = r.headers().unwrap().clone();
    let created = headers.iter().position(|h| h == "created_at").unwrap();
    let cost = headers.iter().position(|h| h == "cost").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len() as u64, n);
    assert!(
        rows.windows(2).all(|w| w[0][created] >= w[1][created]),
        "sorted by -created_at"
    );
    assert!(rows.iter().all(|r| !r[cost].is_empty()));
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "no temp files left");

    // filters go through: every row's cld contains the digits
    let some = json(&run(
        against(key),
        &[
            "detail-records",
            "list",
            "--type",
            "messaging",
            "-o",
            "json",
            "--limit",
            "5",
        ],
    ));
    let cld = some[0]["cld"].as_str().unwrap().to_string();
    let needle = &cld[cld.len() - 4..];
    let filtered = json(&run(
        against(key),
        &[
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--filter",
            &format!("cld[contains]={needle}"),
            "--all",
            "-o",
            "json",
        ],
    ));
    let filtered = filtered.as_array().unwrap();
    assert!(!filtered.is_empty());
    assert!(filtered
        .iter()
        .all(|r| r["cld"].as_str().unwrap().contains(needle)));

    let t = ok(&run(
        against(key),
        &[
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--date-range",
            "last_30_days",
            "--limit",
            "4",
        ],
    ));
    assert!(t.starts_with("CREATED AT"), "{t}");
    assert!(t.lines().count() <= 5);
    let other = json(&run(
        against(key),
        &[
            "detail-records",
            "list",
            "--type",
            "call-control",
            "--limit",
            "2",
            "-o",
            "json",
        ],
    ));
    assert!(other.is_array());
    assert_eq!(
        code(&run(
            against(key),
            &[
                "detail-records",
                "list",
                "--type",
                "messaging",
                "--filter",
                "nonsense"
            ]
        )),
        5
    );
}

#[test]
fn webhook_deliveries_list_and_get() {
    let key = "webhooks";
    let failed = json(&run(
        against(key),
        &[
            "webhook-deliveries",
            "list",
            "--status",
            "failed",
            "--all",
            "-o",
            "json",
        ],
    ));
    let failed = failed.as_array().unwrap();
    assert!(
        !failed.is_empty(),
        "the seeded account has failed deliveries"
    );
    assert!(failed.iter().all(|d| d["status"] == "failed"));
    let http = http_get(
        shared(),
        key,
        "/webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=failed&page%5Bsize%5D=250",
    );
    assert_eq!(
        failed.len() as u64,
        http["meta"]["total_results"].as_u64().unwrap()
    );

    let event = failed[0]["webhook"]["event_type"].as_str().unwrap();
    let by_event = json(&run(
        against(key),
        &[
            "webhook-deliveries",
            "list",
            "--event-type",
            event,
            "--all",
            "-o",
            "json",
        ],
    ));
    assert!(by_event
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["webhook"]["event_type"] == event));

    let (h, rows) = csv_rows(&run(
        against(key),
        &["webhook-deliveries", "list", "--limit", "5", "-o", "csv"],
    ));
    assert!(h.contains(&"webhook.event_type".to_string()));
    assert_eq!(rows.len(), 5);

    let id = failed[0]["id"].as_str().unwrap();
    let one = json(&run(
        against(key),
        &["webhook-deliveries", "get", id, "-o", "json"],
    ));
    assert_eq!(one["id"], id);
    let t = ok(&run(against(key), &["webhook-deliveries", "get", id]));
    assert!(
        t.contains("Attempts (") && t.contains("HTTP") && t.contains("failed"),
        "{t}"
    );
    let attempts = one["attempts"].as_array().unwrap();
    assert!(
        t.contains(attempts[0]["started_at"].as_str().unwrap()) || t.contains("STARTED AT"),
        "{t}"
    );
    if let Some(status) = attempts[0]["http"]["response"]["status"].as_u64() {
        assert!(t.contains(&status.to_string()), "{t}");
    }
    let t = ok(&run(
        against(key),
        &["webhook-deliveries", "list", "--limit", "3"],
    ));
    assert!(t.starts_with("ID"), "{t}");
    assert_eq!(
        code(&run(
            against(key),
            &[
                "webhook-deliveries",
                "get",
                "6f1e2d3c-0000-4000-8000-00000000abcd"
            ]
        )),
        4
    );
    // a malformed id is the API's validation error (400, code 10006)
    assert_eq!(
        code(&run(
            against(key),
            &["webhook-deliveries", "get", "nope-nope"]
        )),
        5
    );
}

#[test]
fn auto_recharge_show_and_set() {
    let key = "recharge";
    let before = json(&run(against(key), &["auto-recharge", "show", "-o", "json"]));
    let after = json(&run(
        against(key),
        &[
            "auto-recharge",
            "set",
            "--enabled",
            "false",
            "--threshold",
            "42.50",
            "--amount",
            "150.00",
            "--preference",
            "ach",
            "-o",
            "json",
        ],
    ));
    assert_eq!(after["enabled"], false);
    assert_eq!(after["threshold_amount"], "42.50");
    assert_eq!(after["recharge_amount"], "150.00");
    assert_eq!(after["preference"], "ach");
    assert_eq!(
        after["invoice_enabled"], before["invoice_enabled"],
        "unsent fields unchanged"
    );
    let shown = ok(&run(against(key), &["auto-recharge", "show"]));
    assert!(
        shown.contains("42.50") && shown.contains("off") && shown.contains("ach"),
        "{shown}"
    );
    assert_eq!(
        http_get(shared(), key, "/payment/auto_recharge_prefs")["data"]["threshold_amount"],
        "42.50"
    );
    assert_eq!(code(&run(against(key), &["auto-recharge", "set"])), 2);
    assert_eq!(
        code(&run(
            against(key),
            &["auto-recharge", "set", "--amount", "lots"]
        )),
        5
    );
}

#[test]
fn payment_adds_credit_and_is_idempotent() {
    let key = "payments";
    let b0 = dec(&json(&run(against(key), &["balance", "-o", "json"]))["balance"]);
    let o = run(
        against(key),
        &[
            "payment", "create", "--amount", "12.34", "--yes", "-o", "json",
        ],
    );
    let tx = json(&o);
    assert_eq!(tx["amount_cents"], 1234);
    let err = stderr(&o);
    let generated = err
        .lines()
        .find_map(|l| l.strip_prefix("idempotency key: "))
        .unwrap_or_else(|| panic!("no key printed: {err}"))
        .trim()
        .to_string();
    assert!(generated.starts_with("cli-"));
    let b1 = dec(&json(&run(against(key), &["balance", "-o", "json"]))["balance"]);
    assert_eq!(b1 - b0, "12.34".parse::<Decimal>().unwrap());

    // Replaying with the same key does not charge twice.
    let tx2 = json(&run(
        against(key),
        &[
            "payment",
            "create",
            "--amount",
            "12.34",
            "--yes",
            "--idempotency-key",
            &generated,
            "-o",
            "json",
        ],
    ));
    assert_eq!(tx2["id"], tx["id"]);
    let b2 = dec(&json(&run(against(key), &["balance", "-o", "json"]))["balance"]);
    assert_eq!(b2, b1);
    let requests = shared().requests(50);
    assert!(
        requests
            .iter()
            .any(|r| r.idempotency_key.as_deref() == Some(generated.as_str())),
        "the key was sent"
    );

    // Without --yes and without a terminal: refuse, charge nothing.
    let o = run(against(key), &["payment", "create", "--amount", "1.00"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--yes"));
    let b3 = dec(&json(&run(against(key), &["balance", "-o", "json"]))["balance"]);
    assert_eq!(b3, b2);
    let t = ok(&run(
        against(key),
        &["payment", "create", "--amount", "1.00", "--yes"],
    ));
    assert!(t.contains("1.00") && t.contains("Idempotency key"), "{t}");
}

#[test]
fn tags_formats() {
    let key = "tags";
    let http = http_get(shared(), key, "/user_tags")["data"].clone();
    let j = json(&run(against(key), &["tags", "list", "-o", "json"]));
    assert_eq!(j, http);
    let number_tags = http["number_tags"].as_array().unwrap();
    assert!(!number_tags.is_empty());
    let (h, rows) = csv_rows(&run(against(key), &["tags", "list", "-o", "csv"]));
    assert_eq!(h, vec!["kind", "tag"]);
    assert_eq!(
        rows.len(),
        number_tags.len() + http["outbound_profile_tags"].as_array().unwrap().len()
    );
    let first = number_tags[0].as_str().unwrap();
    let prefix: String = first.chars().take(2).collect();
    let filtered = json(&run(
        against(key),
        &["tags", "list", "--prefix", &prefix, "-o", "json"],
    ));
    assert!(filtered["number_tags"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.as_str().unwrap().starts_with(&prefix)));
    let t = ok(&run(against(key), &["tags", "list"]));
    assert!(t.contains(first), "{t}");
}

#[test]
fn overview_shows_every_section() {
    let key = "overview";
    let balance = http_get(shared(), key, "/balance")["data"].clone();
    let t = ok(&run(against(key), &["overview"]));
    for section in [
        "Balance",
        "Month to date",
        "Last invoices",
        "Auto recharge",
        "Failed webhook deliveries",
    ] {
        assert!(t.contains(section), "missing {section}:\n{t}");
    }
    assert!(t.contains(balance["balance"].as_str().unwrap()), "{t}");
    assert!(!t.contains("unavailable"), "{t}");
    let j = json(&run(against(key), &["overview", "-o", "json"]));
    assert_eq!(j["balance"], balance);
    assert!(
        j["month_to_date"]["total"]["grand_total"].is_string(),
        "{j}"
    );
    assert!(j["last_invoices"].as_array().unwrap().len() <= 3);
    assert!(j["failed_webhook_deliveries_7d"]["total"].is_u64());
    assert!(j["auto_recharge"]["enabled"].is_boolean());
}

#[test]
fn ctrl_c_during_export_removes_the_partial_file() {
    let key = "interrupt";
    let server = start_server(telnyx_emulator::EmulatorConfig::default());
    server.seed(
        key,
        telnyx_emulator::SeedRequest {
            detail_records: Some(2000),
            detail_record_type: Some("messaging".into()),
            ..Default::default()
        },
    );
    // Slow every page down so the export is surely running when the signal lands.
    server.add_fault(Fault {
        method: Some("GET".into()),
        path_prefix: "/v2/detail_records".into(),
        latency_ms: 300,
        times: Some(40),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partial.jsonl");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_telnyx"));
    cmd.env_clear()
        .args(["--base-url", &server.base_url, "--api-key", key])
        .args([
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--all",
            "-o",
            "jsonl",
            "--out",
            path.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Once a page was served the export is running (and its Ctrl-C handler installed).
    wait_answered(&server, "detail_records", 1);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "stderr: {}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    assert!(!path.exists(), "the partial export was removed");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temp file left"
    );

    // On stdout: the items written so far stay, and the JSON array is closed.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_telnyx"))
        .env_clear()
        .args(["--base-url", &server.base_url, "--api-key", key])
        .args([
            "detail-records",
            "list",
            "--type",
            "messaging",
            "--all",
            "-o",
            "json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let before = answered(&server, "detail_records");
    wait_answered(&server, "detail_records", before + 2);
    std::thread::sleep(std::time::Duration::from_millis(100));
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "stderr: {}", stderr(&o));
    let partial: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    let n = partial.as_array().unwrap().len();
    assert!(n > 0 && n < 2000, "a partial but valid array: {n} items");
    assert!(partial
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["uuid"].is_string()));
}

#[test]
fn limits_and_streaming_json_to_stdout() {
    let key = "limits";
    let j = json(&run(
        against(key),
        &["webhook-deliveries", "list", "--limit", "7", "-o", "json"],
    ));
    assert_eq!(j.as_array().unwrap().len(), 7);
    let j = json(&run(
        against(key),
        &["webhook-deliveries", "list", "-o", "json"],
    ));
    assert_eq!(j.as_array().unwrap().len(), 20, "default: one page of 20");
    let l = ok(&run(
        against(key),
        &["webhook-deliveries", "list", "--all", "-o", "jsonl"],
    ));
    let http = http_get(shared(), key, "/webhook_deliveries?page%5Bsize%5D=1");
    assert_eq!(
        l.lines().count() as u64,
        http["meta"]["total_results"].as_u64().unwrap()
    );
    assert_eq!(
        code(&run(
            against(key),
            &["invoices", "list", "--all", "--limit", "2"]
        )),
        2
    );
}

#[test]
fn timeout_is_a_network_error() {
    let server = start_server(telnyx_emulator::EmulatorConfig::default());
    server.add_fault(Fault {
        method: Some("GET".into()),
        path_prefix: "/v2/balance".into(),
        latency_ms: 3000,
        times: Some(5),
        ..Default::default()
    });
    let mut c = telnyx();
    c.args([
        "--base-url",
        &server.base_url,
        "--api-key",
        "slow",
        "--timeout",
        "300ms",
        "--max-retries",
        "0",
    ]);
    let started = std::time::Instant::now();
    let o = run(c, &["balance"]);
    assert_eq!(code(&o), 7, "{}", stderr(&o));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "--timeout was applied"
    );
    assert!(
        stderr(&o).contains("timed out") || stderr(&o).contains("timeout"),
        "{}",
        stderr(&o)
    );
}

/// `telnyx emulator ARGS` on a free loopback port: the child, its base URL and the lines it
/// printed up to "Press Ctrl-C".
fn spawn_emulator_command(args: &[&str]) -> (std::process::Child, String, Vec<String>) {
    use std::io::BufRead;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_telnyx"))
        .env_clear()
        .args(["emulator", "--bind", &format!("127.0.0.1:{port}")])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines: Vec<String> = std::io::BufReader::new(stdout)
        .lines()
        .map(|l| l.unwrap())
        .take_while(|l| !l.contains("Ctrl-C"))
        .collect();
    let url = format!("http://127.0.0.1:{port}/v2");
    assert!(lines.first().is_some_and(|l| l.contains(&url)), "{lines:?}");
    (child, url, lines)
}

/// Sends SIGINT and expects a clean exit.
fn interrupt_and_expect_clean_exit(mut child: std::process::Child) {
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "stops cleanly on Ctrl-C: {status:?}");
}

#[test]
fn emulator_command_serves_until_ctrl_c() {
    let (child, url, lines) = spawn_emulator_command(&[]);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("TELNYX_BASE_URL=") && l.contains(&url)),
        "{lines:?}"
    );
    let mut c = telnyx();
    c.args([
        "--base-url",
        &url,
        "--api-key",
        telnyx_emulator::DEMO_API_KEY,
    ]);
    let j = json(&run(c, &["balance", "-o", "json"]));
    assert_eq!(j["record_type"], "balance");
    interrupt_and_expect_clean_exit(child);
}

#[test]
fn emulator_command_accept_key_and_rate_limit() {
    let secret = "KEY_only_this_one";
    let (child, url, lines) =
        spawn_emulator_command(&["--accept-key", secret, "--rate-limit", "1/s", "--seed", "7"]);
    assert!(
        !lines.iter().any(|l| l.contains(secret)),
        "the accepted key is not echoed: {lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("Rate limit: 1/s per key")),
        "{lines:?}"
    );
    let with_key = |key: &str| {
        let mut c = telnyx();
        c.args(["--base-url", &url, "--api-key", key, "--max-retries", "0"]);
        c
    };
    // Another key is refused (exit 3, auth) ...
    let o = run(with_key(telnyx_emulator::DEMO_API_KEY), &["balance"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    // ... the accepted one works, until its one request per second is spent (exit 6).
    let codes: Vec<i32> = (0..6)
        .map(|_| code(&run(with_key(secret), &["balance", "-o", "json"])))
        .collect();
    assert_eq!(codes[0], 0, "{codes:?}");
    assert!(codes.iter().all(|c| [0, 6].contains(c)), "{codes:?}");
    assert!(codes.contains(&6), "{codes:?}");
    interrupt_and_expect_clean_exit(child);
}

// ---------------------------------------------------------------- completions and man page

/// The subcommands `telnyx --help` lists (what a completion script must offer).
fn subcommands_in_help() -> Vec<String> {
    let help = ok(&run(telnyx(), &["--help"]));
    let names: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 10, "{help}");
    for expected in ["webhook-deliveries", "detail-records", "completions", "man"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    names
}

#[test]
fn completions_for_every_shell_name_the_real_subcommands() {
    let subcommands = subcommands_in_help();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(telnyx(), &["completions", shell]);
        let script = ok(&o);
        assert!(stderr(&o).is_empty(), "{shell}: {}", stderr(&o));
        for name in &subcommands {
            assert!(script.contains(name.as_str()), "{shell} lacks {name}");
        }
        // Subcommands of subcommands and flags are there too.
        for needle in [
            "summary",
            "breakdown",
            "download",
            "event-type", // fish writes `-l event-type`
            "max-retries",
        ] {
            assert!(script.contains(needle), "{shell} lacks {needle}");
        }
        assert!(!script.contains("no-such-command"));
    }
    let o = run(telnyx(), &["completions", "tcsh"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("bash"), "{}", stderr(&o));
}

#[test]
fn bash_completion_completes_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("telnyx.bash");
    std::fs::write(&script, ok(&run(telnyx(), &["completions", "bash"]))).unwrap();
    // What bash offers after `telnyx webhook-<TAB>`, `telnyx webh<TAB>` and `telnyx charges s<TAB>`.
    let complete = |words: &str, cword: usize| {
        let probe = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; \
             COMP_POINT=${{#COMP_LINE}}; _telnyx telnyx \"${{COMP_WORDS[COMP_CWORD]}}\" \
             \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let o = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &probe])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let reply = complete("telnyx webhook-", 1);
    assert_eq!(reply.trim(), "webhook-deliveries", "{reply}");
    let reply = complete("telnyx webh", 1);
    assert_eq!(reply.trim(), "webhook-deliveries\nwebhooks", "{reply}");
    let reply = complete("telnyx charges s", 2);
    assert_eq!(reply.trim(), "summary", "{reply}");
}

#[test]
fn man_page_is_roff_for_the_whole_cli_and_each_command() {
    let page = ok(&run(telnyx(), &["man"]));
    assert!(page.contains(".TH telnyx 1"), "{page}");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    // roff escapes hyphens: `webhook\-deliveries`.
    for name in subcommands_in_help() {
        assert!(
            page.contains(&name.replace('-', "\\-")),
            "the page lacks {name}"
        );
    }
    assert!(page.contains("Exit codes"), "the exit codes are documented");
    let sub = ok(&run(telnyx(), &["man", "charges", "summary"]));
    assert!(sub.contains(".TH telnyx-charges-summary 1"), "{sub}");
    assert!(sub.contains("\\-\\-start"), "{sub}");
    let o = run(telnyx(), &["man", "charges", "nope"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("summary") && stderr(&o).contains("breakdown"),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------- --debug and RUST_LOG

/// The `debug:` lines of a run's stderr.
fn debug_lines(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("debug: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn debug_prints_each_attempt_on_stderr_never_the_key_and_stdout_stays_clean() {
    let key = "KEY_debug_secret_0123456789";
    let plain = json(&run(against(key), &["balance", "-o", "json"]));
    let o = run(against(key), &["--debug", "balance", "-o", "json"]);
    assert_eq!(json(&o), plain, "stdout is the same with --debug");
    let lines = debug_lines(&o);
    assert_eq!(lines.len(), 1, "{}", stderr(&o));
    let expected = format!(
        "debug: GET {}/balance status=200 attempt=1 time=",
        shared().base_url
    );
    assert!(lines[0].starts_with(&expected), "{lines:?}");
    // The emulator's request id ends the line.
    assert!(lines[0].contains("ms request_id=emu-"), "{lines:?}");
    assert!(!stderr(&o).contains(key) && !stdout(&o).contains(key));

    // A retried attempt: both attempts and the retry, in order.
    let server = start_server(telnyx_emulator::EmulatorConfig::default());
    server.add_fault(Fault {
        method: Some("GET".into()),
        path_prefix: "/v2/balance".into(),
        status: Some(503),
        times: Some(1),
        ..Default::default()
    });
    let mut c = telnyx();
    c.args(["--base-url", &server.base_url, "--api-key", key, "--debug"]);
    let o = run(c, &["balance"]);
    ok(&o);
    let lines = debug_lines(&o);
    assert_eq!(lines.len(), 3, "{}", stderr(&o));
    assert!(
        lines[0].contains("/v2/balance status=503 attempt=1"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("debug: retrying GET /balance in "),
        "{lines:?}"
    );
    assert!(
        lines[2].contains("/v2/balance status=200 attempt=2"),
        "{lines:?}"
    );
    assert!(!stderr(&o).contains(key), "{}", stderr(&o));

    // The embedded emulator, and a list: one line per page fetched, paths with their host.
    let o = run(
        telnyx(),
        &[
            "--emulator",
            "--debug",
            "invoices",
            "list",
            "--all",
            "-o",
            "jsonl",
        ],
    );
    let items = ok(&o).lines().count();
    assert!(items > 0);
    for l in debug_lines(&o) {
        // The API query is part of the URL (page parameters here).
        assert!(
            l.starts_with("debug: GET http://127.0.0.1:")
                && l.contains("/v2/invoices?")
                && l.contains("page%5Bsize%5D=")
                && l.contains(" status=200 attempt=1"),
            "{l}"
        );
    }
    assert!(!debug_lines(&o).is_empty());
    // Without --debug nothing is printed.
    let o = run(against(key), &["balance"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn rust_log_shows_the_sdk_tracing_spans_without_the_key() {
    let key = "KEY_rustlog_secret_0123456789";
    let mut c = against(key);
    c.env("RUST_LOG", "telnyx=debug");
    let o = run(c, &["balance", "-o", "json"]);
    assert_eq!(json(&o)["record_type"], "balance", "stdout stays JSON");
    let err = stderr(&o);
    assert!(err.contains("telnyx.request"), "{err}");
    assert!(
        err.contains("method=GET") && err.contains("path=/balance") && err.contains("status=200"),
        "{err}"
    );
    assert!(err.contains("duration_ms="), "{err}");
    assert!(!err.contains(key), "{err}");
    // Everything, including the HTTP stack's own trace: still no key.
    let mut c = against(key);
    c.env("RUST_LOG", "trace");
    let o = run(c, &["balance"]);
    ok(&o);
    assert!(stderr(&o).contains("telnyx.request"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(key), "{}", stderr(&o));
    // A bad directive is named, and the command still runs.
    let mut c = against(key);
    c.env("RUST_LOG", "telnyx=loud");
    let o = run(c, &["balance"]);
    ok(&o);
    assert!(stderr(&o).contains("telnyx=loud"), "{}", stderr(&o));
}
