//! The web console (issue 16): time to answer the account home and the ledger page for an
//! account of N usage records, against `GET /balance` on the same account in the same run, at
//! two sizes ten times apart (the pages read the ledger's day totals and one page of entries,
//! so a larger account should cost them little more).

use serde_json::json;

use crate::ctx::Ctx;
use crate::error::BenchError;
use crate::http::Http;
use crate::report::{ratio, Section, Table, Target};

const READS: usize = 60;
/// Goal: a page costs at most this many `GET /balance` on the same account.
const PAGE_GOAL: f64 = 5.0;
/// Goal: the page on a 10x larger account costs at most this many times the smaller's.
const GROWTH_GOAL: f64 = 1.5;

/// Median wall ms of `READS` sequential GETs (loopback; the server's time plus a request's
/// round trip, the same for every row).
fn median_ms(http: &Http, url: &str, key: Option<&str>) -> Result<f64, BenchError> {
    let mut ms = Vec::with_capacity(READS);
    for _ in 0..READS {
        ms.push(http.get(url, key)?.success()?.ms);
    }
    ms.sort_by(f64::total_cmp);
    Ok(ms[ms.len() / 2])
}

/// The console path of the account whose masked key is `mask`, from the accounts list.
fn account_path(http: &Http, origin: &str, mask: &str) -> Result<String, BenchError> {
    let list = http
        .get(&format!("{origin}/console"), None)?
        .success()?
        .text;
    list.split("<tr data-account=\"")
        .skip(1)
        .find(|row| row.contains(mask))
        .and_then(|row| row.split('"').next())
        .map(|hash| format!("{origin}/console/accounts/{hash}"))
        .ok_or_else(|| BenchError::Failed(format!("the console lists no account {mask}")))
}

struct Size {
    records: u64,
    balance: f64,
    home: f64,
    ledger: f64,
}

fn measure(ctx: &Ctx, key: &str, mask: &str, records: u64) -> Result<Size, BenchError> {
    let emu = ctx.emulator()?;
    let origin = emu.url.trim_end_matches("/v2").to_string();
    ctx.control()?.seed(
        &json!({"api_key": key, "detail_records": records, "detail_record_type": "messaging"}),
    )?;
    let http = ctx.http();
    let home_url = account_path(http, &origin, mask)?;
    Ok(Size {
        records,
        balance: median_ms(http, &format!("{}/balance", emu.url), Some(key))?,
        home: median_ms(http, &home_url, None)?,
        ledger: median_ms(http, &format!("{home_url}/ledger"), None)?,
    })
}

/// The section, measured on the shared emulator.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let (small, large) = if ctx.cfg.quick {
        (10_000, 100_000)
    } else {
        (100_000, 1_000_000)
    };
    let a = measure(ctx, "KEY_BENCH_CONSOLE_SMALL", "KEY…MALL", small)?;
    let b = measure(ctx, "KEY_BENCH_CONSOLE_LARGE", "KEY…ARGE", large)?;
    let mut t = Table::new(
        "Emulator: the web console's pages against GET /balance on the same account",
        &[
            "usage records",
            "GET /balance ms (baseline)",
            "account home ms",
            "ratio",
            "ledger page ms",
            "ratio",
        ],
    );
    for s in [&a, &b] {
        t.row(vec![
            s.records.to_string(),
            format!("{:.3}", s.balance),
            format!("{:.3}", s.home),
            ratio(s.home / s.balance.max(1e-9)),
            format!("{:.3}", s.ledger),
            ratio(s.ledger / s.balance.max(1e-9)),
        ]);
    }
    t.notes.push(format!(
        "Medians of {READS} sequential requests over loopback, each asking for gzip as a browser \
         does (the API answer is too small to compress; the console's HTML is never compressed). \
         The page bodies are 35-45 kB of HTML (the home page: a 30-day chart with its data table, \
         10 entries, the invoices, the controls; the ledger page: 50 statement rows with running \
         balances and a 90-day balance chart with its data table)."
    ));
    let worst = (b.home / b.balance.max(1e-9)).max(b.ledger / b.balance.max(1e-9));
    let growth = (b.home / a.home.max(1e-9)).max(b.ledger / a.ledger.max(1e-9));
    let page_target = Target::new(
        format!("Console pages on a {large}-record account vs GET /balance"),
        format!("<= {PAGE_GOAL}x"),
        ratio(worst),
        worst <= PAGE_GOAL,
    );
    let page_target = if worst <= PAGE_GOAL {
        page_target
    } else {
        page_target.note(format!(
            "over by {:.0} %",
            (worst / PAGE_GOAL - 1.0) * 100.0
        ))
    };
    let growth_target = Target::new(
        format!("Console pages, {large} vs {small} records"),
        format!("<= {GROWTH_GOAL}x"),
        ratio(growth),
        growth <= GROWTH_GOAL,
    );
    Ok(Section::of(t)
        .with_target(page_target)
        .with_target(growth_target))
}
