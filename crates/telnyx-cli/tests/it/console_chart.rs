//! The console's spend chart, read in a real browser (chromium through chromedriver, the
//! workspace's `browser-test` helper), equals `telnyx usage report --by day --by type` for
//! every usage bar, and the charges summary for the bars a usage report cannot show.
//! Skips without chromium locally; fails without it under `CI=true` or
//! `TELNYX_REQUIRE_BROWSER=1`. Screenshots: `target/console-screenshots/chart-vs-report*.png`.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use browser_test::fantoccini::{Client, Locator};
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value;
use telnyx_emulator::{parse_start_time, Advance, EmulatorConfig, SeedRequest};

use crate::common::{self, Server};

const KEY: &str = "KEY_chart_vs_report_0123456789ab";

/// A (day, product) cell of the chart or the report.
type Cell = (NaiveDate, String);

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?} is not a decimal: {e}"))
}

/// An account with varied usage: seeded history, then two traffic profiles (six record types
/// between them, a different mix each) over 14 virtual days from mid-day on 2026-03-20, across
/// the 1st of April (the numbers' monthly charges).
fn varied_account() -> (Server, String) {
    let server = common::start_server(EmulatorConfig {
        seed: 16,
        start_time: parse_start_time("2026-03-20T15:30:00Z").ok(),
        ..Default::default()
    });
    let hash = server.seed(KEY, SeedRequest::default()).api_key_hash;
    let control = server.control(KEY);
    let profiles: [(&[(&str, u32)], i64); 2] = [
        (
            &[
                ("messaging", 30),
                ("call-control", 6),
                ("verify", 3),
                ("amd", 2),
            ],
            6,
        ),
        (
            &[
                ("messaging", 8),
                ("wireless", 3),
                ("conference-participant", 2),
                ("media_storage", 2),
            ],
            8,
        ),
    ];
    for (traffic, days) in profiles {
        let per_day: BTreeMap<String, u32> =
            traffic.iter().map(|(t, n)| (t.to_string(), *n)).collect();
        server
            .block_on(control.set_traffic(&per_day))
            .expect("traffic");
        server
            .block_on(control.advance(Advance::Days(days)))
            .expect("advance");
    }
    (server, hash)
}

/// `telnyx usage report --by day --by type -o json`: cost per (day, type), currency USD.
fn usage_report(server: &Server) -> BTreeMap<Cell, Decimal> {
    let args = [
        "usage", "report", "--by", "day", "--by", "type", "-o", "json",
    ];
    let o = common::against(&server.base_url, KEY, 300)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "telnyx {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut out = BTreeMap::new();
    for row in rows.as_array().expect("an array of report lines") {
        let cost = dec(row["cost"].as_str().expect("cost"));
        // Records without a cost (conference) come as currency "-" and cost 0: no spend, no bar.
        match row["currency"].as_str() {
            Some("USD") => {}
            Some("-") if cost.is_zero() => continue,
            other => panic!("a report line in {other:?}: {row}"),
        }
        let day = NaiveDate::from_str(row["day"].as_str().expect("day")).expect("a day");
        let ty = row["type"].as_str().expect("type").to_string();
        let before = out.insert((day, ty), cost);
        assert!(before.is_none(), "one line per (day, type): {row}");
    }
    out
}

/// Every `rect.bar` of the page: (day, product) -> `data-amount`, read from the DOM.
async fn bars(c: &Client) -> BTreeMap<Cell, Decimal> {
    let rects = c.find_all(Locator::Css("rect.bar")).await.expect("bars");
    let mut out = BTreeMap::new();
    for r in rects {
        let attr = |name: &'static str| {
            let r = r.clone();
            async move {
                r.attr(name)
                    .await
                    .expect("attribute")
                    .unwrap_or_else(|| panic!("a bar without {name}"))
            }
        };
        let day = NaiveDate::from_str(&attr("data-day").await).expect("data-day is a day");
        let product = attr("data-product").await;
        let amount = dec(&attr("data-amount").await);
        let before = out.insert((day, product), amount);
        assert!(before.is_none(), "one bar per (day, product)");
    }
    out
}

/// The charges summary of the one day `day` (`[day, day + 1)`), `data.total`.
async fn day_summary(server: &Server, day: NaiveDate) -> Value {
    let url = format!(
        "{}/charges_summary?start_date={day}&end_date={}",
        server.base_url,
        day + Days::new(1)
    );
    let text = reqwest::Client::new()
        .get(&url)
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    body["data"]["total"].clone()
}

#[test]
fn the_spend_chart_bars_equal_the_usage_report_to_the_cent() {
    let (server, hash) = varied_account();
    // The report first (the virtual clock stands still until the next advance: the page below
    // shows the same account).
    let report = usage_report(&server);
    let types: BTreeSet<&str> = report.keys().map(|(_, t)| t.as_str()).collect();
    for t in &types {
        assert!(
            common::USAGE_TYPES.contains(t),
            "report type {t} is a chart product"
        );
    }
    let today = NaiveDate::from_ymd_opt(2026, 4, 3).unwrap();
    assert_eq!(
        server.block_on(server.control(KEY).clock()).unwrap(),
        "2026-04-03T15:30:00Z"
    );
    let home = format!("{}/console/accounts/{hash}", server.root);
    let server = &server;
    let body = browser_test::run("chart-vs-report", |c| async move {
        for days in [30u64, 90] {
            c.goto(&format!("{home}?days={days}")).await.expect("goto");
            let svg = c
                .find(Locator::Css("#spend svg"))
                .await
                .expect("the spend chart");
            assert_eq!(
                svg.attr("data-days").await.expect("attr").as_deref(),
                Some(days.to_string().as_str())
            );
            let first = today - Days::new(days - 1);
            let shown = bars(&c).await;
            let in_window: BTreeMap<&Cell, &Decimal> = report
                .iter()
                .filter(|((d, _), _)| (first..=today).contains(d))
                .collect();
            // The test can fail: varied usage on several days and at least 3 types.
            let days_with_usage: BTreeSet<_> = in_window.keys().map(|(d, _)| *d).collect();
            let types_in_window: BTreeSet<_> = in_window.keys().map(|(_, t)| t).collect();
            assert!(days_with_usage.len() >= 14, "{days_with_usage:?}");
            assert!(types_in_window.len() >= 3, "{types_in_window:?}");
            // Every (day, type) the report lists in the window has its bar with the same
            // amount. Both sides are exact sums of the records' costs (the report sums the
            // API's decimal strings; the chart sums the ledger's entries): they agree exactly,
            // not only at the cent, so the comparison is of exact decimals (2.50 == 2.5).
            for ((day, ty), cost) in &in_window {
                let bar = shown.get(&(*day, ty.to_string()));
                assert_eq!(bar, Some(*cost), "{days} days: {day} {ty}: bar vs report");
            }
            // And the converse: every usage bar is a report line.
            for ((day, product), amount) in &shown {
                assert!(
                    (first..=today).contains(day),
                    "a bar outside the window: {day}"
                );
                if common::USAGE_TYPES.contains(&product.as_str()) {
                    assert_eq!(
                        report.get(&(*day, product.clone())),
                        Some(amount),
                        "{days} days: {day} {product}: report vs bar"
                    );
                }
            }
            // Numbers (MRC/OTC) and adjustments are not usage records: no usage report has
            // them. Each such bar is checked against the charges summary of its day instead:
            // adjustments are its `credits`; numbers are what the day's grand total holds
            // beyond credits and the usage the report lists for that day.
            let extra_days: BTreeSet<NaiveDate> = shown
                .keys()
                .filter(|(_, p)| !common::USAGE_TYPES.contains(&p.as_str()))
                .map(|(d, _)| *d)
                .collect();
            for day in &extra_days {
                let total = day_summary(server, *day).await;
                let get = |p: &str| {
                    shown
                        .get(&(*day, p.to_string()))
                        .copied()
                        .unwrap_or_default()
                };
                let credits = dec(total["credits"].as_str().expect("credits"));
                let grand = dec(total["grand_total"].as_str().expect("grand_total"));
                let usage: Decimal = report
                    .iter()
                    .filter(|((d, _), _)| d == day)
                    .map(|(_, c)| *c)
                    .sum();
                assert_eq!(get("adjustments"), credits, "{day}: adjustments");
                assert_eq!(get("numbers"), grand - credits - usage, "{day}: numbers");
            }
            if days == 30 {
                // The window crosses 1 April: the numbers' monthly charges are drawn.
                assert!(
                    shown.contains_key(&(
                        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
                        "numbers".into()
                    )),
                    "{shown:?}"
                );
            }
            eprintln!(
                "{days} days: {} report lines = their bars; {} bars in all; numbers/adjustments on {} days",
                in_window.len(),
                shown.len(),
                extra_days.len()
            );
            browser_test::screenshot(&c, &format!("chart-vs-report-{days}")).await;
        }
    });
    server.block_on(body);
}
