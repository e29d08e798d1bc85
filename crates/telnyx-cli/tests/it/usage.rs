//! `telnyx usage`: the real binary against an emulator started in this process.
//!
//! The read-back test needs `TELNYX_PYTHON` pointing at a Python with `duckdb` and `pyarrow`
//! (`.ci/run` installs them); without them it skips with a message, unless
//! `TELNYX_REQUIRE_USAGE_READERS` is set (CI), when it fails.
#![allow(clippy::unwrap_used)]

use crate::common;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::common::Server;

fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(private_server)
}

/// Seeds account `key` through the control client.
fn seed(key: &str, body: Value) {
    server().seed(key, serde_json::from_value(body).unwrap());
}

fn telnyx(key: &str) -> Command {
    telnyx_at(server(), key)
}

/// The real binary, pointed at `srv` as account `key`, with a clean environment.
fn telnyx_at(srv: &Server, key: &str) -> Command {
    common::against(&srv.base_url, key, 300)
}

fn run(key: &str, args: &[&str]) -> Output {
    telnyx(key).args(args).output().unwrap()
}

fn ok(key: &str, args: &[&str]) -> String {
    let o = run(key, args);
    assert!(
        o.status.success(),
        "telnyx {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The time field and the cost field of each type's wire records (independent of the CLI).
fn fields(ty: &str) -> (&'static str, Option<&'static str>, &'static str) {
    match ty {
        "messaging" => ("created_at", Some("cost"), "uuid"),
        "call-control" => ("started_at", Some("cost"), "id"),
        "conference" => ("started_at", None, "id"),
        "conference-participant" => ("joined_at", Some("cost"), "id"),
        "amd" => ("invoked_at", Some("cost"), "id"),
        "verify" => ("created_at", Some("verify_usage_fee"), "id"),
        "wireless" => ("created_at", Some("data_cost"), "id"),
        _ => ("created_at", Some("cost"), "id"),
    }
}

/// Every record of `ty` as the API returns it (through `detail-records list --all`).
fn api_records(key: &str, ty: &str) -> Vec<Value> {
    ok(
        key,
        &[
            "detail-records",
            "list",
            "--type",
            ty,
            "--all",
            "-o",
            "jsonl",
        ],
    )
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect()
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::String(s) => s.parse().unwrap(),
        Value::Number(n) => n.to_string().parse().unwrap(),
        _ => Decimal::ZERO,
    }
}

/// Per type: (count per date, cost sum) over the API.
fn api_truth(key: &str, types: &[&str]) -> BTreeMap<String, (BTreeMap<String, u64>, Decimal)> {
    let mut out = BTreeMap::new();
    for ty in types {
        let (tf, cost, _) = fields(ty);
        let mut dates = BTreeMap::new();
        let mut sum = Decimal::ZERO;
        for r in api_records(key, ty) {
            let t = r[tf].as_str().unwrap();
            *dates.entry(t[..10].to_string()).or_insert(0) += 1;
            if let Some(c) = cost {
                sum += dec(&r[c]);
            }
        }
        out.insert(ty.to_string(), (dates, sum));
    }
    out
}

/// `(type, id)` of every row of a JSONL dataset, with duplicates kept.
fn jsonl_ids(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".jsonl") || name.starts_with('.') {
            continue;
        }
        let ty = entry
            .components()
            .find_map(|c| {
                c.as_os_str()
                    .to_str()?
                    .strip_prefix("record_type=")
                    .map(String::from)
            })
            .unwrap();
        for line in std::fs::read_to_string(&entry).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            out.push((ty.clone(), v["id"].as_str().unwrap().to_string()));
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn report_totals(json: &str) -> BTreeMap<String, (u64, Decimal)> {
    let v: Value = serde_json::from_str(json).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap().to_string(),
                (l["quantity"].as_u64().unwrap(), dec(&l["cost"])),
            )
        })
        .collect()
}

fn python_readers() -> Option<PathBuf> {
    let skip = |why: &str| {
        assert!(
            std::env::var_os("TELNYX_REQUIRE_USAGE_READERS").is_none(),
            "duckdb/pyarrow required but unavailable: {why}"
        );
        println!("skipped: {why}");
        None
    };
    let Some(py) = std::env::var_os("TELNYX_PYTHON").map(PathBuf::from) else {
        return skip("TELNYX_PYTHON is not set (a python with `pip install duckdb pyarrow`)");
    };
    let probe = std::process::Command::new(&py)
        .args(["-c", "import duckdb, pyarrow"])
        .output();
    match probe {
        Ok(o) if o.status.success() => Some(py),
        _ => skip(&format!(
            "{} cannot import duckdb and pyarrow",
            py.display()
        )),
    }
}

const READ_BACK: &str = r#"
import json, sys, duckdb, pyarrow.dataset as ds, pyarrow.compute as pc
root = sys.argv[1]
out = {"duckdb": {}, "pyarrow": {}, "types": {}}
rows = duckdb.sql(f"""
  select record_type, cast(date as varchar), count(*), cast(sum(cost) as varchar)
  from read_parquet('{root}/**/*.parquet', hive_partitioning = true, union_by_name = true)
  group by all order by all""").fetchall()
for t, d, n, s in rows:
    out["duckdb"].setdefault(t, {"dates": {}, "cost": "0"})
    out["duckdb"][t]["dates"][d] = n
sums = duckdb.sql(f"""select record_type, cast(coalesce(sum(cost), 0) as varchar),
  typeof(any_value(cost)), typeof(any_value(usage_at))
  from read_parquet('{root}/**/*.parquet', hive_partitioning = true, union_by_name = true)
  group by all""").fetchall()
for t, s, ct, ut in sums:
    out["duckdb"][t]["cost"] = s
    out["types"][t] = [ct, ut]
for t in out["duckdb"]:
    d = ds.dataset(f"{root}/record_type={t}", format="parquet", partitioning="hive")
    tab = d.to_table()
    total = pc.sum(tab["cost"]).as_py()
    out["pyarrow"][t] = {"rows": tab.num_rows, "cost": str(total if total is not None else 0),
                         "cost_type": str(tab.schema.field("cost").type),
                         "usage_at_type": str(tab.schema.field("usage_at").type)}
print(json.dumps(out))
"#;

#[test]
fn export_reads_back_in_duckdb_and_pyarrow_and_matches_reports_and_the_api() {
    let key = "usage-readback";
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("usage");
    let types = common::USAGE_TYPES.join(",");
    ok(
        key,
        &[
            "usage",
            "export",
            "--dir",
            ds.to_str().unwrap(),
            "--type",
            &types,
        ],
    );
    let truth = api_truth(key, &common::USAGE_TYPES);
    let from = report_totals(&ok(
        key,
        &[
            "usage",
            "report",
            "--from",
            ds.to_str().unwrap(),
            "--by",
            "type",
            "-o",
            "json",
        ],
    ));
    let api = report_totals(&ok(
        key,
        &[
            "usage", "report", "--type", &types, "--by", "type", "-o", "json",
        ],
    ));
    assert_eq!(from, api, "report over the dataset == report over the API");
    for (ty, (dates, cost)) in &truth {
        let (n, c) = from[ty];
        assert_eq!(n, dates.values().sum::<u64>(), "{ty} rows");
        assert_eq!(c, *cost, "{ty}: report cost == sum over the API");
    }
    // Every other -o format of the report renders the same totals.
    let csv = ok(
        key,
        &[
            "usage",
            "report",
            "--from",
            ds.to_str().unwrap(),
            "--by",
            "type",
            "-o",
            "csv",
        ],
    );
    assert!(csv.starts_with("type,currency,quantity,cost\n"), "{csv}");
    assert_eq!(csv.lines().count(), from.len() + 1);
    let table = ok(
        key,
        &[
            "usage",
            "report",
            "--from",
            ds.to_str().unwrap(),
            "--by",
            "type",
        ],
    );
    assert!(table.contains("messaging") && table.contains(&from["messaging"].1.to_string()));

    let Some(py) = python_readers() else { return };
    let out = std::process::Command::new(py)
        .args(["-c", READ_BACK, ds.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (ty, (dates, cost)) in &truth {
        let d = &v["duckdb"][ty];
        let got: BTreeMap<String, u64> = d["dates"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
            .collect();
        assert_eq!(&got, dates, "{ty}: rows per date partition (DuckDB)");
        assert_eq!(dec(&d["cost"]), *cost, "{ty}: DuckDB sum(cost)");
        assert_eq!(v["types"][ty][0], "DECIMAL(38,12)", "{ty}");
        assert_eq!(v["types"][ty][1], "TIMESTAMP WITH TIME ZONE", "{ty}");
        let p = &v["pyarrow"][ty];
        assert_eq!(p["rows"].as_u64().unwrap(), dates.values().sum::<u64>());
        assert_eq!(dec(&p["cost"]), *cost, "{ty}: pyarrow sum(cost)");
        assert_eq!(p["cost_type"], "decimal128(38, 12)");
        assert_eq!(p["usage_at_type"], "timestamp[us, tz=UTC]");
    }
}

#[test]
fn reruns_add_exactly_the_new_records() {
    let key = "usage-incremental";
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let d = ds.to_str().unwrap();
    let types = "messaging,call-control,verify";
    // "New usage": the first run sees the account up to a cut-off a month ago (the emulator
    // has no clock yet); the next run, without --until, sees everything after it.
    let cut = (chrono::Utc::now() - chrono::Duration::days(30))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    ok(
        key,
        &[
            "usage", "export", "--dir", d, "--type", types, "--until", &cut, "--format", "jsonl",
        ],
    );
    let first = jsonl_ids(&ds);
    let mut expected_first = Vec::new();
    let mut expected_all = Vec::new();
    for ty in types.split(',') {
        let (tf, _, id) = fields(ty);
        for r in api_records(key, ty) {
            let row = (ty.to_string(), r[id].as_str().unwrap().to_string());
            if r[tf].as_str().unwrap() < cut.as_str() {
                expected_first.push(row.clone());
            }
            expected_all.push(row);
        }
    }
    expected_first.sort();
    expected_all.sort();
    assert!(!expected_first.is_empty() && expected_first.len() < expected_all.len());
    assert_eq!(first, expected_first);
    // The same run again adds nothing.
    let files_before = walk(&ds);
    ok(
        key,
        &[
            "usage", "export", "--dir", d, "--type", types, "--until", &cut, "--format", "jsonl",
        ],
    );
    assert_eq!(walk(&ds), files_before, "a repeated run writes no file");
    // After "new usage": exactly the new records, none twice.
    ok(
        key,
        &[
            "usage", "export", "--dir", d, "--type", types, "--format", "jsonl",
        ],
    );
    assert_eq!(jsonl_ids(&ds), expected_all);
    ok(
        key,
        &[
            "usage", "export", "--dir", d, "--type", types, "--format", "jsonl",
        ],
    );
    assert_eq!(jsonl_ids(&ds), expected_all, "twice in a row adds nothing");
}

#[test]
fn an_unlisted_part_file_from_a_killed_run_is_not_duplicated() {
    let key = "usage-orphan";
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let d = ds.to_str().unwrap();
    ok(
        key,
        &[
            "usage",
            "export",
            "--dir",
            d,
            "--type",
            "messaging",
            "--format",
            "jsonl",
        ],
    );
    let clean = jsonl_ids(&ds);
    // What a run killed between renaming a part file and writing its checkpoint leaves: a
    // complete part file the checkpoint does not list (here: a copy of a real one), and a
    // temp file.
    let listed = walk(&ds)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .unwrap();
    let orphan = listed.with_file_name("part-999999.jsonl");
    std::fs::copy(&listed, &orphan).unwrap();
    std::fs::write(listed.with_file_name(".part-999998.jsonl.tmp"), "{\"id\":").unwrap();
    let o = run(
        key,
        &[
            "usage",
            "export",
            "--dir",
            d,
            "--type",
            "messaging",
            "--format",
            "jsonl",
        ],
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("removed 2 part file(s)"));
    assert!(!orphan.exists());
    assert_eq!(jsonl_ids(&ds), clean);
}

#[test]
fn sigkill_at_any_moment_then_rerun_equals_an_uninterrupted_export() {
    let key = "usage-sigkill";
    seed(
        key,
        serde_json::json!({"detail_records": 6000, "detail_record_type": "messaging"}),
    );
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    ok(
        key,
        &[
            "usage",
            "export",
            "--dir",
            clean.to_str().unwrap(),
            "--type",
            "messaging",
            "--format",
            "jsonl",
        ],
    );
    let expected = jsonl_ids(&clean);
    assert_eq!(expected.len(), 6000);
    let killed = dir.path().join("killed");
    let k = killed.to_str().unwrap();
    // Kill after a growing number of committed files (each kill lands at a different point:
    // mid-file, between a rename and its checkpoint, ...), then let the last run finish.
    for files in [0usize, 3, 9, 20] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_telnyx"))
            .args(["--base-url", &server().base_url, "--api-key", key])
            .args([
                "usage",
                "export",
                "--dir",
                k,
                "--type",
                "messaging",
                "--format",
                "jsonl",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let n = walk_if_exists(&killed)
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
                .count();
            if n >= files
                || std::time::Instant::now() > deadline
                || child.try_wait().unwrap().is_some()
            {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL on unix
        child.wait().unwrap();
        let ids = jsonl_ids_if_exists(&killed);
        let unique: BTreeSet<_> = ids.iter().collect();
        assert!(unique.len() <= expected.len());
    }
    ok(
        key,
        &[
            "usage",
            "export",
            "--dir",
            k,
            "--type",
            "messaging",
            "--format",
            "jsonl",
        ],
    );
    assert_eq!(jsonl_ids(&killed), expected, "same ids, none twice");
}

fn walk_if_exists(dir: &Path) -> Vec<PathBuf> {
    if dir.exists() {
        walk(dir)
    } else {
        Vec::new()
    }
}

fn jsonl_ids_if_exists(dir: &Path) -> Vec<(String, String)> {
    if dir.exists() {
        jsonl_ids(dir)
    } else {
        Vec::new()
    }
}

fn fails(key: &str, args: &[&str], code: i32, needle: &str) {
    let o = run(key, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "telnyx {args:?}: {err}");
    assert!(err.contains(needle), "telnyx {args:?}: {err}");
}

#[test]
fn bad_input_is_a_clear_error_and_loses_nothing() {
    let key = "usage-bad";
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let d = ds.to_str().unwrap();
    fails(
        key,
        &["usage", "export", "--dir", d, "--type", "sms"],
        2,
        "not a detail record type",
    );
    fails(
        key,
        &[
            "usage",
            "export",
            "--dir",
            d,
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-01",
        ],
        2,
        "is not after --since",
    );
    assert!(!ds.exists(), "nothing written for a usage error");
    // A directory that is not a dataset.
    let foreign = dir.path().join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "keep me").unwrap();
    fails(
        key,
        &["usage", "export", "--dir", foreign.to_str().unwrap()],
        2,
        "not a usage dataset",
    );
    assert_eq!(walk(&foreign), vec![foreign.join("mine.txt")]);
    // A directory that cannot be written (its parent is a file).
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    fails(
        key,
        &[
            "usage",
            "export",
            "--dir",
            file.join("ds").to_str().unwrap(),
            "--type",
            "verify",
        ],
        1,
        "cannot use --dir",
    );
    // A corrupted checkpoint: nothing read, nothing removed.
    ok(
        key,
        &[
            "usage", "export", "--dir", d, "--type", "verify", "--format", "csv",
        ],
    );
    let before: Vec<(PathBuf, Vec<u8>)> = walk(&ds)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    let cp = ds.join("_telnyx_usage.json");
    std::fs::write(
        &cp,
        "{\"version\": 1, \"format\": \"csv\", \"types\": {\"verify\": ",
    )
    .unwrap();
    let corrupted = std::fs::read(&cp).unwrap();
    fails(
        key,
        &[
            "usage", "export", "--dir", d, "--type", "verify", "--format", "csv",
        ],
        1,
        "corrupted",
    );
    fails(key, &["usage", "report", "--from", d], 1, "corrupted");
    for (p, b) in &before {
        let now = std::fs::read(p).unwrap();
        if p == &cp {
            assert_eq!(now, corrupted);
        } else {
            assert_eq!(&now, b, "{} unchanged", p.display());
        }
    }
    // Another format than the dataset's.
    std::fs::write(&cp, &before.iter().find(|(p, _)| p == &cp).unwrap().1).unwrap();
    fails(
        key,
        &[
            "usage", "export", "--dir", d, "--type", "verify", "--format", "jsonl",
        ],
        2,
        "--format csv",
    );
    fails(
        key,
        &["usage", "report", "--from", foreign.to_str().unwrap()],
        2,
        "not a usage dataset",
    );
    fails(
        key,
        &["usage", "reconcile", "--month", "2026-13"],
        2,
        "not a month",
    );
}

/// An emulator of its own (a test that adds fault rules uses one, so they cannot touch the
/// shared server's tests).
fn private_server() -> Server {
    common::start_server(Default::default())
}

/// One HTTP call to an emulator; answers the JSON body, asserting a 2xx.
fn http(method: reqwest::Method, url: String, key: &str, body: Option<Value>) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let key = key.to_string();
    rt.block_on(async move {
        let mut r = reqwest::Client::new().request(method, url).bearer_auth(key);
        if let Some(b) = body {
            r = r
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{status}: {text}");
        serde_json::from_str(&text).unwrap()
    })
}

/// Moves account `key`'s clock by `days` and answers the month its clock started in, which
/// has closed into an invoice once `days` reaches past its end.
fn advance(srv: &Server, key: &str, days: u32) -> String {
    let control = srv.control(key);
    let now = srv.block_on(control.clock()).unwrap();
    let month = now[..7].to_string();
    srv.block_on(control.advance(telnyx_emulator::Advance::Days(i64::from(days))))
        .unwrap();
    month
}

fn reconcile(srv: &Server, key: &str, month: &str) -> Output {
    telnyx_at(srv, key)
        .args(["usage", "reconcile", "--month", month])
        .output()
        .unwrap()
}

fn previous_month(month: &str) -> String {
    let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").unwrap();
    (first - chrono::Days::new(1)).format("%Y-%m").to_string()
}

#[test]
fn reconcile_agrees_with_the_ledger_for_closed_months() {
    // After 40 virtual days of the default traffic, the month the clock started in has
    // closed: its records, the summary's usage lines and its invoice agree exactly; so do
    // those of the seeded month before it.
    let srv = private_server();
    let key = "usage-reconcile-agree";
    let month = advance(&srv, key, 40);
    for m in [month.clone(), previous_month(&month)] {
        let o = reconcile(&srv, key, &m);
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{m}: {out}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.contains("they agree"), "{out}");
        assert!(!out.contains("differs"), "{out}");
    }
}

#[test]
fn reconcile_prints_each_difference_and_exits_non_zero() {
    // The same closed month, with the summary served wrong: its messaging line dropped and
    // its call-control line 0.0001 too high. Reconcile names both and exits 1.
    let srv = private_server();
    let key = "usage-reconcile-differs";
    let month = advance(&srv, key, 40);
    let next = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").unwrap()
        + chrono::Months::new(1);
    let mut summary = http(
        reqwest::Method::GET,
        format!(
            "{}/charges_summary?start_date={month}-01&end_date={next}",
            srv.base_url
        ),
        key,
        None,
    );
    let lines = summary["data"]["summary"]["lines"].as_array_mut().unwrap();
    let before = lines.len();
    lines.retain(|l| l["alias"] != "messaging");
    assert_eq!(lines.len(), before - 1, "the month has a messaging line");
    let call = lines
        .iter_mut()
        .find(|l| l["alias"] == "call-control")
        .expect("the month has a call-control line");
    let amount: Decimal = call["amount"].as_str().unwrap().parse().unwrap();
    call["amount"] = (amount + Decimal::new(1, 4)).to_string().into();
    srv.add_fault(telnyx_emulator::control_client::Fault {
        method: Some("GET".into()),
        path_prefix: "/v2/charges_summary".into(),
        status: Some(200),
        body: Some(summary),
        ..Default::default()
    });
    let o = reconcile(&srv, key, &month);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("differs  messaging"), "{out}");
    assert!(
        out.contains("the charges summary has no messaging line"),
        "{out}"
    );
    assert!(out.contains("differs  call-control"), "{out}");
    assert!(!out.contains("differs  invoice"), "{out}");
    assert_eq!(out.matches("differs ").count(), 2, "{out}");
}

/// `telnyx ARGS` against `srv` as account `key`; asserts success and answers stdout.
fn ok_at(srv: &Server, key: &str, args: &[&str]) -> String {
    let o = telnyx_at(srv, key).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "telnyx {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// `(type, id)` of every record of `types` the API of `srv` lists for `key`, sorted.
fn api_ids_at(srv: &Server, key: &str, types: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for ty in types.split(',') {
        let (_, _, id) = fields(ty);
        let lines = ok_at(
            srv,
            key,
            &[
                "detail-records",
                "list",
                "--type",
                ty,
                "--all",
                "-o",
                "jsonl",
            ],
        );
        for l in lines.lines() {
            let r: Value = serde_json::from_str(l).unwrap();
            out.push((ty.to_string(), r[id].as_str().unwrap().to_string()));
        }
    }
    out.sort();
    out
}

#[test]
fn reruns_after_the_clock_moves_add_exactly_the_new_usage() {
    // Real new usage: the account's clock moves two days, its traffic makes new records, and
    // the next export adds exactly those, none twice; a run after that adds nothing.
    let srv = private_server();
    let key = "usage-incremental-clock";
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("ds");
    let d = ds.to_str().unwrap();
    let types = "messaging,call-control,verify";
    let export = [
        "usage", "export", "--dir", d, "--type", types, "--format", "jsonl",
    ];
    ok_at(&srv, key, &export);
    let before = api_ids_at(&srv, key, types);
    assert_eq!(jsonl_ids(&ds), before);
    advance(&srv, key, 2);
    let after = api_ids_at(&srv, key, types);
    assert!(
        after.len() > before.len() + 100,
        "two days of default traffic add records: {} -> {}",
        before.len(),
        after.len()
    );
    ok_at(&srv, key, &export);
    assert_eq!(jsonl_ids(&ds), after, "exactly the new records, none twice");
    let files = walk(&ds);
    ok_at(&srv, key, &export);
    assert_eq!(walk(&ds), files, "a run with no new usage writes no file");
}
