//! Emulator resident memory, idle and with ten accounts, against the hello world's.

use std::time::Duration;

use crate::child::Server;
use crate::ctx::{serve_args, Ctx, READY_TIMEOUT};
use crate::error::BenchError;
use crate::report::{mb, ratio, Section, Table};
use crate::stats;

const TOUCHED: [&str; 4] = [
    "/balance",
    "/webhook_deliveries?page%5Bsize%5D=20",
    "/invoices",
    "/payment/auto_recharge_prefs",
];

/// The section, on a fresh hello world and a fresh emulator of its own.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let hello_rss = hello_rss_kb(ctx)?;
    let emu = Server::spawn(&serve_args("serve-emulator"), READY_TIMEOUT)?;
    let idle = stats::proc_rss_kb(&emu.pid()).unwrap_or(0);
    let touched = touch_ten_accounts(ctx, &emu.url)?;
    std::thread::sleep(Duration::from_millis(200));
    let ten = stats::proc_rss_kb(&emu.pid()).unwrap_or(0);
    let hwm = stats::proc_hwm_kb(&emu.pid()).unwrap_or(0);
    drop(emu);

    let ok = touched.iter().filter(|s| **s == 200).count();
    let mut table = Table::new(
        "Emulator: resident memory",
        &["process", "VmRSS", "vs hello world"],
    );
    table.row(vec![
        "bare axum hello world after 100 requests (baseline)".into(),
        mb(hello_rss),
        "baseline".into(),
    ]);
    table.row(vec![
        "emulator, idle after start".into(),
        mb(idle),
        ratio(idle as f64 / hello_rss.max(1) as f64),
    ]);
    table.row(vec![
        format!(
            "emulator with ten accounts ({ok}/{} touch calls answered 200)",
            touched.len()
        ),
        mb(ten),
        ratio(ten as f64 / hello_rss.max(1) as f64),
    ]);
    table.notes.push(format!("Ten accounts = ten API keys, each touched with GET /balance, /webhook_deliveries, /invoices and /payment/auto_recharge_prefs; the emulator's peak (VmHWM) was {}.", mb(hwm)));
    Ok(Section::of(table))
}

/// VmRSS of a hello world after 100 requests.
fn hello_rss_kb(ctx: &Ctx) -> Result<u64, BenchError> {
    let hello = Server::spawn(&serve_args("serve-hello"), READY_TIMEOUT)?;
    for _ in 0..100 {
        ctx.http().get(&format!("{}/", hello.url), None)?;
    }
    Ok(stats::proc_rss_kb(&hello.pid()).unwrap_or(0))
}

/// Ten API keys, each with a few typical calls; answers every status.
fn touch_ten_accounts(ctx: &Ctx, api: &str) -> Result<Vec<u16>, BenchError> {
    let mut statuses = Vec::new();
    for i in 0..10 {
        let key = format!("KEY_BENCH_RSS_{i}");
        for path in TOUCHED {
            let r = ctx.http().get(&format!("{api}{path}"), Some(&key))?;
            if r.status != 200 {
                eprintln!(
                    "RSS touch {path} with {key}: {} {}",
                    r.status,
                    r.text.chars().take(200).collect::<String>()
                );
            }
            statuses.push(r.status);
        }
    }
    Ok(statuses)
}
