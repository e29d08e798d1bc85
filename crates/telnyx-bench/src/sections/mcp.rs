//! Issue 17, `telnyx mcp` over stdio: `get_balance` per call against a direct SDK
//! `client.balance().retrieve()` to the same emulator, and `search_detail_records`
//! aggregating every seeded messaging record against `telnyx usage report` over the same
//! records (counts and cost checked equal before timing). Needs the release `telnyx` binary
//! next to this one (`cargo build --release -p telnyx-cli`).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::child::run_capture;
use crate::ctx::Ctx;
use crate::error::BenchError;
use crate::report::{f1, f2, ratio, Section, Table, Target};
use crate::sdk_work::{log_outcome, run_child};

/// The account the MCP rows read (balance and seeded messaging records).
const KEY_MCP: &str = "KEY_BENCH_MCP";
/// The protocol version the bench's client asks for.
const PROTOCOL: &str = "2025-11-25";
/// Longest wait for one JSON-RPC answer (a guard against a hang, not a measurement).
const ANSWER_WAIT: Duration = Duration::from_secs(300);
/// Calls before the measured ones, on both sides.
const WARMUP: u64 = 50;
const SEARCH_GOAL: f64 = 1.2;

/// `telnyx mcp` as a child speaking JSON-RPC lines over its stdin/stdout.
struct McpChild {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    next_id: u64,
}

impl McpChild {
    /// Spawns `telnyx mcp --base-url URL --api-key KEY` and completes the handshake.
    fn start(telnyx: &Path, api: &str, key: &str) -> Result<McpChild, BenchError> {
        let mut child = Command::new(telnyx)
            .args(["mcp", "--base-url", api, "--api-key", key])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| BenchError::Failed(format!("spawn {} mcp: {e}", telnyx.display())))?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| BenchError::Failed("telnyx mcp: no stdin".into()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| BenchError::Failed("telnyx mcp: no stdout".into()))?;
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        let mut mcp = McpChild {
            child,
            stdin,
            lines,
            next_id: 1,
        };
        let init = mcp.request(
            "initialize",
            json!({"protocolVersion": PROTOCOL, "capabilities": {},
                   "clientInfo": {"name": "bench", "version": "1"}}),
        )?;
        if init.get("result").is_none() {
            return Err(BenchError::Failed(format!(
                "telnyx mcp: initialize answered {init}"
            )));
        }
        mcp.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))?;
        Ok(mcp)
    }

    fn send(&mut self, msg: &Value) -> Result<(), BenchError> {
        let mut line = msg.to_string();
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| BenchError::Failed(format!("telnyx mcp: write: {e}")))
    }

    /// Sends one request and returns the answer with its id (skipping notifications).
    fn request(&mut self, method: &str, params: Value) -> Result<Value, BenchError> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        loop {
            let line = self.lines.recv_timeout(ANSWER_WAIT).map_err(|_| {
                BenchError::Failed(format!(
                    "telnyx mcp: no answer to {method} (id {id}) within {ANSWER_WAIT:?}"
                ))
            })?;
            let v: Value = serde_json::from_str(&line).map_err(|e| {
                BenchError::Failed(format!("telnyx mcp: stdout line is not JSON ({e}): {line}"))
            })?;
            if v.get("id").and_then(Value::as_u64) == Some(id) {
                return Ok(v);
            }
        }
    }

    /// Calls a tool; its structured answer, or an error naming the tool error.
    fn call(&mut self, tool: &str, args: Value) -> Result<Value, BenchError> {
        let v = self.request("tools/call", json!({"name": tool, "arguments": args}))?;
        let result = v.get("result").ok_or_else(|| {
            BenchError::Failed(format!("telnyx mcp: {tool} answered an error: {v}"))
        })?;
        if result.get("isError").and_then(Value::as_bool) == Some(true) {
            return Err(BenchError::Failed(format!(
                "telnyx mcp: {tool} answered a tool error: {result}"
            )));
        }
        Ok(result
            .get("structuredContent")
            .cloned()
            .unwrap_or(Value::Null))
    }
}

impl Drop for McpChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The two MCP rows and the search target.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let telnyx = crate::usage_export::telnyx_binary()?;
    let api = ctx.api()?;
    let records = ctx.cfg.detail_records;
    ctx.control()?
        .seed(&json!({"api_key": KEY_MCP, "detail_records": records,
                                "detail_record_type": "messaging"}))?;
    let mut mcp = McpChild::start(&telnyx, &api, KEY_MCP)?;
    let mut section = Section::default();
    let mut table = Table::new(
        "MCP: `telnyx mcp` over stdio against the same work without it",
        &[
            "work",
            "through `telnyx mcp`",
            "baseline",
            "baseline is",
            "ratio (MCP / baseline)",
        ],
    );

    // get_balance, per call, against the SDK's balance().retrieve() in its own process.
    let calls = (ctx.cfg.sdk_calls / 10).max(200);
    for _ in 0..WARMUP {
        mcp.call("get_balance", json!({}))?;
    }
    let t0 = Instant::now();
    for _ in 0..calls {
        mcp.call("get_balance", json!({}))?;
    }
    let mcp_us = t0.elapsed().as_secs_f64() * 1e6 / calls as f64;
    let direct = run_child(&[
        "sdk-balance",
        "--url",
        &api,
        "--key",
        KEY_MCP,
        "--n",
        &calls.to_string(),
        "--warmup",
        &WARMUP.to_string(),
    ]);
    log_outcome(&direct);
    let direct = direct.map_err(BenchError::Failed)?;
    if direct.errors > 0 {
        return Err(BenchError::Failed(format!(
            "sdk-balance: {} errors: {}",
            direct.errors,
            direct.first_error.unwrap_or_default()
        )));
    }
    let sdk_us = direct.wall_secs * 1e6 / direct.n.max(1) as f64;
    table.row(vec![
        format!("`get_balance`, {calls} calls one after another"),
        format!("{} µs per call", f1(mcp_us)),
        format!("{} µs per call", f1(sdk_us)),
        "`client.balance().retrieve()` in a Rust process (current-thread runtime)".into(),
        ratio(mcp_us / sdk_us),
    ]);
    section.targets.push(Target {
        name: "`get_balance` through `telnyx mcp` (stdio) vs a direct SDK call, per call".into(),
        target: "no goal set (figure)".into(),
        measured: format!(
            "{} ({} µs vs {} µs)",
            ratio(mcp_us / sdk_us),
            f1(mcp_us),
            f1(sdk_us)
        ),
        met: None,
        note: "issue 17 sets no goal for this row: the figure shows the cost of the MCP hop".into(),
    });

    // search_detail_records over every record against `usage report` from the API.
    let report_args = [
        "--base-url",
        api.as_str(),
        "--api-key",
        KEY_MCP,
        "-o",
        "json",
        "usage",
        "report",
        "--type",
        "messaging",
        "--by",
        "type",
    ];
    let search_args = json!({"record_type": "messaging"});
    let reps = ctx.cfg.reps();
    let (mut mcp_secs, mut report_secs) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        eprintln!(
            "mcp: search_detail_records vs usage report, {records} records, rep {}/{reps}",
            rep + 1
        );
        let t0 = Instant::now();
        let answer = mcp.call("search_detail_records", search_args.clone())?;
        mcp_secs.push(t0.elapsed().as_secs_f64());
        let t0 = Instant::now();
        let mut cmd = Command::new(&telnyx);
        cmd.args(report_args);
        let out = run_capture(cmd, Duration::from_secs(900)).map_err(BenchError::Failed)?;
        report_secs.push(t0.elapsed().as_secs_f64());
        if rep == 0 {
            check_agree(&answer, &out, records)?;
        }
    }
    let (m, r) = (median(&mcp_secs), median(&report_secs));
    let x = m / r;
    table.row(vec![
        format!("`search_detail_records` {{\"record_type\":\"messaging\"}} over {records} records (count, cost, top values)"),
        format!("{} s (the tool call on a running server)", f2(m)),
        format!("{} s", f2(r)),
        "`telnyx -o json usage report --type messaging --by type` (a whole process, reading the API)".into(),
        ratio(x),
    ]);
    table.intro.push(format!("One `telnyx mcp --base-url URL --api-key KEY` child (the release binary) on the shared emulator, driven over stdin/stdout by this process: `initialize`, `notifications/initialized`, then `tools/call` lines, one answer line each. `get_balance`: {WARMUP} warm-up calls, then {calls} timed; the baseline is the `sdk-balance` workload ({WARMUP} warm-up, {calls} timed calls). The search and the report run alternately {reps} time(s), the median shown; their record counts and costs are checked equal first."));
    section.tables.push(table);
    let t = Target::new(
        format!("`search_detail_records` over {records} records vs `usage report` over the same records"),
        format!("within {SEARCH_GOAL}x of the report"),
        format!("{} ({} s vs {} s)", ratio(x), f2(m), f2(r)),
        x <= SEARCH_GOAL,
    );
    section.targets.push(if x <= SEARCH_GOAL {
        t
    } else {
        t.note(format!("over by {:.0} %", (x / SEARCH_GOAL - 1.0) * 100.0))
    });
    Ok(section)
}

/// The tool's count and cost equal the report's line, and both count every seeded record.
fn check_agree(answer: &Value, report: &str, records: u64) -> Result<(), BenchError> {
    let agg = &answer["aggregates"];
    let count = agg["count"].as_u64();
    let costs = agg["cost"].as_array().cloned().unwrap_or_default();
    let lines: Value = serde_json::from_str(report)
        .map_err(|e| BenchError::Failed(format!("usage report: not JSON ({e}): {report}")))?;
    let line = lines
        .as_array()
        .and_then(|a| a.iter().find(|l| l["type"] == "messaging"))
        .ok_or_else(|| BenchError::Failed(format!("usage report: no messaging line: {report}")))?;
    let quantity = line["quantity"].as_u64();
    let dec = |v: &Value| {
        v.as_str()
            .map(String::from)
            .or_else(|| v.as_number().map(|n| n.to_string()))
            .and_then(|s| s.parse::<telnyx::Decimal>().ok())
    };
    let report_cost = dec(&line["cost"]);
    let tool_cost = match costs.as_slice() {
        [one] => dec(&one["amount"]),
        _ => None,
    };
    if count != Some(records) || quantity != Some(records) {
        return Err(BenchError::Failed(format!(
            "counts disagree: seeded {records}, search_detail_records {count:?}, usage report {quantity:?}"
        )));
    }
    if tool_cost.is_none() || tool_cost != report_cost {
        return Err(BenchError::Failed(format!(
            "costs disagree: search_detail_records {costs:?}, usage report {}",
            line["cost"]
        )));
    }
    Ok(())
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
