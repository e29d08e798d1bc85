//! `telnyx usage report --chart`: the report's lines as horizontal bars, one chart per
//! currency (amounts in different currencies are not drawn on one scale). With `--by day`
//! alone every day from the first with usage to the last gets a bar, empty days included.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::chart::{bars, Bar};
use crate::cli::usage::GroupBy;

/// One line of a report, as the chart needs it (`report::ReportLine` maps to it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// Group values, in `--by` order (name, value).
    pub group: Vec<(String, String)>,
    /// Currency (`-` for records without a cost).
    pub currency: String,
    /// Number of records.
    pub quantity: u64,
    /// Exact sum of their cost.
    pub cost: Decimal,
}

/// Longest run of days filled in with empty days (a longer range shows only days with usage).
const MAX_FILLED_DAYS: i64 = 400;

/// The chart of `lines` grouped by `by`, `width` columns wide.
pub fn render(by: &[GroupBy], lines: &[ReportLine], width: usize, color: bool) -> String {
    if lines.is_empty() {
        return "(no usage found)\n".into();
    }
    let mut currencies: Vec<&str> = lines.iter().map(|l| l.currency.as_str()).collect();
    // Amounts first, records without a cost last.
    currencies.sort_unstable_by_key(|c| (*c == "-", *c));
    currencies.dedup();
    let per_day = by == [GroupBy::Day];
    let mut out = String::new();
    for (i, currency) in currencies.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mine: Vec<&ReportLine> = lines.iter().filter(|l| l.currency == *currency).collect();
        let mut items: Vec<Bar> = mine.iter().map(|l| bar(l)).collect();
        if per_day {
            items = fill_days(items, currency);
        }
        if currencies.len() > 1 || *currency == "-" {
            let title = if *currency == "-" {
                "records without a cost".to_string()
            } else {
                format!("cost in {currency}")
            };
            out.push_str(&title);
            out.push('\n');
        }
        out.push_str(&bars(&items, width, color));
    }
    out
}

fn bar(l: &ReportLine) -> Bar {
    let label = if l.group.is_empty() {
        "total".to_string()
    } else {
        l.group
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let noun = if l.quantity == 1 { "record" } else { "records" };
    let text = if l.currency == "-" {
        format!("{} {noun}", l.quantity)
    } else {
        format!("{} {} ({} {noun})", l.cost, l.currency, l.quantity)
    };
    // Records without a cost are drawn by their count.
    let value = if l.currency == "-" {
        Decimal::from(l.quantity)
    } else {
        l.cost
    };
    Bar { label, value, text }
}

/// Adds an empty bar for every day between the first and the last that has none.
fn fill_days(items: Vec<Bar>, currency: &str) -> Vec<Bar> {
    let day = |b: &Bar| NaiveDate::parse_from_str(&b.label, "%Y-%m-%d").ok();
    let days: Vec<NaiveDate> = items.iter().filter_map(day).collect();
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return items;
    };
    if (*last - *first).num_days() > MAX_FILLED_DAYS {
        return items;
    }
    let empty_text = if currency == "-" {
        "0 records".to_string()
    } else {
        format!("0 {currency}")
    };
    let mut out = Vec::new();
    let mut rest = items.into_iter().peekable();
    // Bars without a date ("-") come first, as in the table.
    while rest.peek().is_some_and(|b| day(b).is_none()) {
        out.extend(rest.next());
    }
    let mut d = *first;
    while d <= *last {
        match rest.peek() {
            Some(b) if day(b) == Some(d) => out.extend(rest.next()),
            _ => out.push(Bar {
                label: d.format("%Y-%m-%d").to_string(),
                value: Decimal::ZERO,
                text: empty_text.clone(),
            }),
        }
        d = d.succ_opt().unwrap_or(*last + chrono::Duration::days(1));
    }
    out.extend(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(group: &[(&str, &str)], currency: &str, q: u64, cost: &str) -> ReportLine {
        ReportLine {
            group: group
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            currency: currency.into(),
            quantity: q,
            cost: cost.parse().unwrap(),
        }
    }

    #[test]
    fn by_type_snapshot() {
        let lines = [
            line(&[("type", "call")], "USD", 12, "4.2000"),
            line(&[("type", "messaging")], "USD", 40, "1.05"),
            line(&[("type", "verify")], "USD", 1, "0.03"),
        ];
        let expected = "\
call      ██████████████████████████████████████████████ 4.2000 USD (12 records)
messaging ███████████▌                                   1.05 USD (40 records)
verify    ▎                                              0.03 USD (1 record)
";
        assert_eq!(render(&[GroupBy::Type], &lines, 80, false), expected);
    }

    #[test]
    fn by_day_fills_the_gaps_and_splits_currencies() {
        let lines = [
            line(&[("day", "2025-05-01")], "EUR", 1, "2"),
            line(&[("day", "2025-05-01")], "USD", 3, "1.50"),
            line(&[("day", "2025-05-04")], "USD", 2, "3.00"),
        ];
        let expected = "\
cost in EUR
2025-05-01 ████████████████████████████████████████████ 2 EUR (1 record)

cost in USD
2025-05-01 ████████████████████                     1.50 USD (3 records)
2025-05-02                                          0 USD
2025-05-03                                          0 USD
2025-05-04 ████████████████████████████████████████ 3.00 USD (2 records)
";
        assert_eq!(render(&[GroupBy::Day], &lines, 72, false), expected);
    }

    #[test]
    fn empty_report() {
        assert_eq!(render(&[], &[], 80, false), "(no usage found)\n");
    }
}
