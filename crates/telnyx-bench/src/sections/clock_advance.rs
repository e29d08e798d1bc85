//! The emulator's virtual clock: advancing one year at 1,000 messages a day (365,000 detail
//! records) against seeding the same number of records, its extra resident memory, and
//! `GET /balance` on the advanced account against a fresh one (the balance is a running total).

use std::time::Duration;

use serde_json::json;

use crate::ctx::Ctx;
use crate::error::BenchError;
use crate::http::Http;
use crate::report::{f1, mb, ratio, Section, Table};
use crate::stats;

const KEY_SEEDED: &str = "KEY_BENCH_ADV_SEED";
const KEY_ADVANCED: &str = "KEY_BENCH_ADV";
const KEY_FRESH: &str = "KEY_BENCH_ADV_FRESH";
const RECORDS_PER_DAY: u64 = 1_000;
const DAYS: u64 = 365;
const BALANCE_READS: usize = 300;

/// Median wall ms of `BALANCE_READS` sequential `GET /balance` with `key`.
fn median_balance_ms(http: &Http, api: &str, key: &str) -> Result<f64, BenchError> {
    let url = format!("{api}/balance");
    let mut ms = Vec::with_capacity(BALANCE_READS);
    for _ in 0..BALANCE_READS {
        ms.push(http.get(&url, Some(key))?.success()?.ms);
    }
    ms.sort_by(f64::total_cmp);
    Ok(ms[ms.len() / 2])
}

/// The section, measured on the shared emulator.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let emu = ctx.emulator()?;
    let pid = emu.pid();
    let control = ctx.control()?;
    let records = RECORDS_PER_DAY * DAYS;
    let seed_ms = control
        .seed(&json!({"api_key": KEY_SEEDED, "detail_records": records, "detail_record_type": "messaging"}))?
        .ms;
    control.traffic(KEY_ADVANCED, RECORDS_PER_DAY)?;
    std::thread::sleep(Duration::from_millis(200));
    let before = stats::proc_rss_kb(&pid).unwrap_or(0);
    let advance = control.advance(KEY_ADVANCED, DAYS)?;
    let (advance_ms, report) = (advance.ms, advance.text);
    std::thread::sleep(Duration::from_millis(200));
    let after = stats::proc_rss_kb(&pid).unwrap_or(0);
    eprintln!("advanced {DAYS} days in {advance_ms:.0} ms: {report}");
    let fresh = median_balance_ms(ctx.http(), &emu.url, KEY_FRESH)?;
    let advanced = median_balance_ms(ctx.http(), &emu.url, KEY_ADVANCED)?;

    let mut sec = Table::new(
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
    Ok(Section::of(sec))
}
