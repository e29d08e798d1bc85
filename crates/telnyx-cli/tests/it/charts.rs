//! Charts: `usage report --chart` and the overview's 30-day sparklines, from the real binary
//! against an emulator (the renderings themselves are pinned by the unit snapshots).
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{self, Server};

fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| common::start_server(Default::default()))
}

fn ok(key: &str, args: &[&str]) -> String {
    let o = common::against(&server().base_url, key, 120)
        .env("COLUMNS", "100")
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "telnyx {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn report_chart_labels_every_group_with_its_exact_cost() {
    let json: Value = serde_json::from_str(&ok(
        "chart-report",
        &["usage", "report", "--by", "type", "-o", "json"],
    ))
    .unwrap();
    let chart = ok(
        "chart-report",
        &["usage", "report", "--by", "type", "--chart"],
    );
    let lines = json.as_array().unwrap();
    assert!(lines.len() > 1, "{json}");
    for l in lines {
        let ty = l["type"].as_str().unwrap();
        let line = chart
            .lines()
            .find(|c| c.split_whitespace().next() == Some(ty))
            .unwrap_or_else(|| panic!("no bar for {ty}:\n{chart}"));
        if l["currency"] != "-" {
            let text = format!(
                "{} {} (",
                l["cost"].as_str().unwrap(),
                l["currency"].as_str().unwrap()
            );
            assert!(line.contains(&text), "{line:?} lacks {text:?}");
        }
        assert!(
            line.chars().count() <= 100,
            "{line:?} is wider than COLUMNS"
        );
    }
    assert!(chart.contains('█'), "{chart}");
    assert_eq!(
        ok("chart-report", &["usage", "report", "--chart"]),
        chart,
        "without --by the chart is per record type"
    );
    assert!(
        !chart.contains('\x1b'),
        "no color when stdout is not a terminal"
    );
}

#[test]
fn report_chart_by_day_has_a_bar_per_day() {
    let chart = ok("chart-days", &["usage", "report", "--by", "day", "--chart"]);
    let days: Vec<chrono::NaiveDate> = chart
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .collect();
    assert!(days.len() > 2, "{chart}");
    // Consecutive within each currency's chart: gaps are filled with empty days.
    assert!(
        days.windows(2)
            .all(|w| (w[1] - w[0]).num_days() == 1 || w[1] < w[0]),
        "{chart}"
    );
}

#[test]
fn chart_with_a_machine_format_is_a_usage_error() {
    let o = common::against(&server().base_url, "chart-json", 60)
        .args(["usage", "report", "--chart", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--chart"));
}

#[test]
fn overview_sparklines_only_on_a_terminal_or_with_chart() {
    let piped = ok("chart-overview", &["overview"]);
    assert!(piped.contains("Balance"), "{piped}");
    assert!(!piped.contains("Spend per product"), "{piped}");
    let drawn = ok("chart-overview", &["overview", "--chart"]);
    let section = drawn
        .split("Spend per product")
        .nth(1)
        .unwrap_or_else(|| panic!("{drawn}"));
    let spark = |l: &str| l.chars().filter(|c| ('▁'..='█').contains(c)).count();
    let rows: Vec<&str> = section.lines().skip(1).filter(|l| spark(l) > 0).collect();
    assert!(!rows.is_empty(), "{section}");
    for r in rows {
        assert_eq!(spark(r), 30, "{r:?}");
        assert!(r.trim_end().ends_with("USD"), "{r:?}");
    }
    let json: Value = serde_json::from_str(&ok(
        "chart-overview",
        &["overview", "--chart", "-o", "json"],
    ))
    .unwrap();
    let spend = json["spend_30d"].as_array().unwrap();
    for p in spend {
        let daily = p["daily"].as_array().unwrap();
        assert_eq!(daily.len(), 30);
        let sum: rust_decimal::Decimal = daily
            .iter()
            .map(|d| {
                d.as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            })
            .sum();
        assert_eq!(sum.normalize().to_string(), p["total"].as_str().unwrap());
    }
}
