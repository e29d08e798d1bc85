//! The emulator's virtual clock: advancing one year at 1,000 messages a day (365,000 detail
//! records) against seeding the same number of records, its extra resident memory, and
//! `GET /balance` on the advanced account against a fresh one (the balance is a running total).

use std::time::{Duration, Instant};

use serde_json::json;

use crate::report::{f1, mb, ratio, Section};
use crate::stats;

const KEY_SEEDED: &str = "KEY_BENCH_ADV_SEED";
const KEY_ADVANCED: &str = "KEY_BENCH_ADV";
const KEY_FRESH: &str = "KEY_BENCH_ADV_FRESH";
const RECORDS_PER_DAY: u64 = 1_000;
const DAYS: u64 = 365;
const BALANCE_READS: usize = 300;

fn call(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    bearer: Option<&str>,
    body: Option<serde_json::Value>,
) -> Result<(f64, String), String> {
    let mut rb = client.request(method, url);
    if let Some(b) = bearer {
        rb = rb.bearer_auth(b);
    }
    if let Some(v) = body {
        rb = rb
            .header("Content-Type", "application/json")
            .body(v.to_string());
    }
    rt.block_on(async move {
        let t0 = Instant::now();
        let r = rb.send().await.map_err(|e| format!("{url}: {e}"))?;
        let status = r.status();
        let text = r.text().await.map_err(|e| e.to_string())?;
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        if !status.is_success() {
            return Err(format!("{url} answered {status}: {text}"));
        }
        Ok((ms, text))
    })
}

fn median_balance_ms(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    base: &str,
    key: &str,
) -> Result<f64, String> {
    let url = format!("{base}/balance");
    let mut ms = Vec::with_capacity(BALANCE_READS);
    for _ in 0..BALANCE_READS {
        ms.push(call(rt, client, reqwest::Method::GET, &url, Some(key), None)?.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(ms[ms.len() / 2])
}

/// The section, measured on the running emulator `pid` at `root` (no `/v2`).
pub fn section(root: &str, pid: &str) -> Result<Section, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .map_err(|e| e.to_string())?;
    let base = format!("{root}/v2");
    let post = reqwest::Method::POST;
    let records = RECORDS_PER_DAY * DAYS;
    let (seed_ms, _) = call(
        &rt,
        &client,
        post.clone(),
        &format!("{root}/_emulator/seed"),
        None,
        Some(
            json!({"api_key": KEY_SEEDED, "detail_records": records, "detail_record_type": "messaging"}),
        ),
    )?;
    call(
        &rt,
        &client,
        reqwest::Method::PUT,
        &format!("{root}/_emulator/traffic"),
        None,
        Some(json!({"api_key": KEY_ADVANCED, "per_day": {"messaging": RECORDS_PER_DAY}})),
    )?;
    std::thread::sleep(Duration::from_millis(200));
    let before = stats::proc_rss_kb(pid).unwrap_or(0);
    let (advance_ms, report) = call(
        &rt,
        &client,
        post,
        &format!("{root}/_emulator/clock/advance"),
        None,
        Some(json!({"api_key": KEY_ADVANCED, "days": DAYS})),
    )?;
    std::thread::sleep(Duration::from_millis(200));
    let after = stats::proc_rss_kb(pid).unwrap_or(0);
    eprintln!("advanced {DAYS} days in {advance_ms:.0} ms: {report}");
    let fresh = median_balance_ms(&rt, &client, &base, KEY_FRESH)?;
    let advanced = median_balance_ms(&rt, &client, &base, KEY_ADVANCED)?;

    let mut sec = Section::new(
        "Emulator: advancing the virtual clock (POST /_emulator/clock/advance)",
        &["work", "wall ms", "ratio", "note"],
    );
    sec.row(vec![
        format!("seed {records} messaging records (baseline)"),
        f1(seed_ms),
        "baseline".into(),
        "POST /_emulator/seed".into(),
    ]);
    sec.row(vec![
        format!("advance {DAYS} days at {RECORDS_PER_DAY} messages/day"),
        f1(advance_ms),
        ratio(advance_ms / seed_ms.max(1e-9)),
        format!(
            "extra VmRSS {} ; {}",
            mb(after.saturating_sub(before)),
            report.chars().take(120).collect::<String>()
        ),
    ]);
    sec.row(vec![
        "GET /balance median, fresh account (baseline)".into(),
        format!("{fresh:.3}"),
        "baseline".into(),
        format!("{BALANCE_READS} sequential requests"),
    ]);
    sec.row(vec![
        format!("GET /balance median, account with {records} usage entries"),
        format!("{advanced:.3}"),
        ratio(advanced / fresh.max(1e-9)),
        "the balance is a running total, not a sum per request".into(),
    ]);
    sec.notes.push("The advance generates the records (realistic fields, spread over the year), debits each to the ledger, posts the MRCs, closes 12 months into invoices and runs auto-recharge; the seed only generates the records and their ledger entries.".into());
    Ok(sec)
}
