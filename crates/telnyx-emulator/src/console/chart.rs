//! Charts drawn on the server as inline SVG: colours come from CSS classes (`s-<product>`), so
//! dark mode works; every bar carries its exact day, product and amount (`data-*`) and a
//! `<title>`, and each chart has a data table beside it.
//!
//! Amounts stay exact decimals; only pixel positions are rounded (to 0.01 px).

use chrono::{Days, NaiveDate};
use maud::{html, Markup};
use rust_decimal::Decimal;

use crate::ledger::{Day, EntryKind, Ledger, USAGE_TYPES};
use crate::model::SEEDED_TYPES;
use crate::util::money;

const _: () = assert!(SEEDED_TYPES.len() == USAGE_TYPES);

/// Drawing area of a chart, in SVG user units.
const WIDTH: i64 = 720;
const HEIGHT: i64 = 200;

/// One day of spend by product: positive is money spent, negative a refund.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendDay {
    /// The day.
    pub day: NaiveDate,
    /// (product, spend), products in chart order, zero amounts left out.
    pub parts: Vec<(&'static str, Decimal)>,
}

/// The chart's products in stacking order: each usage type, then numbers (MRC and OTC), then
/// adjustments.
pub fn products() -> impl Iterator<Item = &'static str> {
    SEEDED_TYPES
        .iter()
        .map(|t| t.filter)
        .chain(["numbers", "adjustments"])
}

fn spend_parts(d: &Day) -> Vec<(&'static str, Decimal)> {
    let mut out = Vec::new();
    for (t, u) in SEEDED_TYPES.iter().zip(d.usage.iter()) {
        out.push((t.filter, -*u));
    }
    out.push((
        "numbers",
        -(d.kind(EntryKind::Mrc) + d.kind(EntryKind::Otc)),
    ));
    out.push(("adjustments", -d.kind(EntryKind::Adjustment)));
    out.retain(|(_, a)| !a.is_zero());
    out
}

/// Spend per day for the `days` days ending with `today` (every day present, empty ones
/// without parts), from the ledger's day totals.
pub fn spend_days(ledger: &Ledger, today: NaiveDate, days: u64) -> Vec<SpendDay> {
    let first = today - Days::new(days.saturating_sub(1));
    let mut totals = ledger
        .days_between(first, today + Days::new(1))
        .iter()
        .peekable();
    let mut out = Vec::with_capacity(days as usize);
    let mut day = first;
    while day <= today {
        let parts = match totals.peek() {
            Some(d) if d.day == day => totals.next().map(spend_parts).unwrap_or_default(),
            _ => Vec::new(),
        };
        out.push(SpendDay { day, parts });
        day = day + Days::new(1);
    }
    out
}

fn px(v: Decimal) -> String {
    v.round_dp(2).normalize().to_string()
}

/// The stacked bar chart of `days` (spend up, refunds down from the zero line).
pub fn spend_chart(id: &str, caption: &str, days: &[SpendDay]) -> Markup {
    let up: Vec<Decimal> = days
        .iter()
        .map(|d| {
            d.parts
                .iter()
                .map(|p| p.1)
                .filter(|a| *a > Decimal::ZERO)
                .sum()
        })
        .collect();
    let down: Vec<Decimal> = days
        .iter()
        .map(|d| {
            d.parts
                .iter()
                .map(|p| p.1)
                .filter(|a| *a < Decimal::ZERO)
                .sum()
        })
        .collect();
    let max = up.iter().copied().max().unwrap_or_default();
    let min = down.iter().copied().min().unwrap_or_default();
    let range = max - min;
    let n = Decimal::from(days.len().max(1) as u64);
    let slot = Decimal::from(WIDTH) / n;
    let bar = (slot * Decimal::new(8, 1)).max(Decimal::ONE);
    let height = Decimal::from(HEIGHT);
    let scale = |a: Decimal| {
        if range.is_zero() {
            Decimal::ZERO
        } else {
            a * height / range
        }
    };
    let zero = scale(max);
    let title_id = format!("{id}-title");
    let present: Vec<&'static str> = products()
        .filter(|p| days.iter().any(|d| d.parts.iter().any(|x| x.0 == *p)))
        .collect();
    html! {
        figure.chart #(id) {
            svg role="img" aria-labelledby=(title_id) viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
                preserveAspectRatio="none" data-days=(days.len()) {
                title #(title_id) { (caption) }
                @if range.is_zero() {
                    text.empty x="360" y="100" text-anchor="middle" { "No spend in this period" }
                }
                line.axis x1="0" x2=(WIDTH) y1=(px(zero)) y2=(px(zero)) {}
                @for (i, d) in days.iter().enumerate() {
                    @let x = slot * Decimal::from(i as u64) + (slot - bar) / Decimal::TWO;
                    @let mut top = zero;
                    @let mut bottom = zero;
                    @for (product, amount) in &d.parts {
                        @let h = scale(amount.abs());
                        @let y = if *amount > Decimal::ZERO { top -= h; top } else { let y = bottom; bottom += h; y };
                        rect class=(format!("bar s-{product}")) x=(px(x)) y=(px(y)) width=(px(bar)) height=(px(h))
                            data-day=(d.day) data-product=(product) data-amount=(money(*amount)) {
                            title { (d.day) " " (product) ": " (money(*amount)) " USD" }
                        }
                    }
                }
            }
            figcaption {
                ul.legend {
                    @for p in &present { li { span class=(format!("swatch s-{p}")) aria-hidden="true" {} (p) } }
                }
            }
            details.data {
                summary { "Data table: " (caption) }
                table {
                    caption { (caption) " (USD; refunds negative)" }
                    thead { tr { th scope="col" { "Day" } @for p in &present { th scope="col" { (p) } } th scope="col" { "Total" } } }
                    tbody {
                        @for d in days.iter().filter(|d| !d.parts.is_empty()) {
                            tr {
                                th scope="row" { (d.day) }
                                @for p in &present {
                                    td.num { (d.parts.iter().find(|x| x.0 == *p).map(|x| money(x.1)).unwrap_or_default()) }
                                }
                                td.num { (money(d.parts.iter().map(|x| x.1).sum())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The balance at the end of each of `days` days ending with `today`, as a line with one
/// point per day.
pub fn balance_chart(id: &str, ledger: &Ledger, today: NaiveDate, days: u64) -> Markup {
    let first = today - Days::new(days.saturating_sub(1));
    let mut points = Vec::with_capacity(days as usize);
    let mut day = first;
    while day <= today {
        points.push((day, ledger.balance_at_end_of(day)));
        day = day + Days::new(1);
    }
    let max = points.iter().map(|p| p.1).max().unwrap_or_default();
    let min = points.iter().map(|p| p.1).min().unwrap_or_default();
    let range = max - min;
    let height = Decimal::from(HEIGHT - 10);
    let step = Decimal::from(WIDTH) / Decimal::from(points.len().max(2) as u64 - 1);
    let y = |b: Decimal| {
        if range.is_zero() {
            Decimal::from(HEIGHT / 2)
        } else {
            Decimal::from(5) + (max - b) * height / range
        }
    };
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, b))| format!("{},{}", px(step * Decimal::from(i as u64)), px(y(*b))))
        .collect();
    let title_id = format!("{id}-title");
    let recharges: Vec<(usize, Decimal)> = ledger
        .days_between(first, today + Days::new(1))
        .iter()
        .filter(|d| !d.kind(EntryKind::AutoRecharge).is_zero())
        .filter_map(|d| {
            let i = usize::try_from((d.day - first).num_days()).ok()?;
            Some((i, d.kind(EntryKind::AutoRecharge)))
        })
        .collect();
    let month_starts: Vec<(usize, NaiveDate)> = points
        .iter()
        .enumerate()
        .filter(|(_, (d, _))| chrono::Datelike::day(d) == 1)
        .map(|(i, (d, _))| (i, *d))
        .collect();
    html! {
        figure.chart #(id) {
            svg role="img" aria-labelledby=(title_id) viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) preserveAspectRatio="none" {
                title #(title_id) { "Balance at the end of each day, " (first) " to " (today) ", with month closes and auto-recharges marked" }
                @for (i, d) in &month_starts {
                    line.month-close x1=(px(step * Decimal::from(*i as u64))) x2=(px(step * Decimal::from(*i as u64))) y1="0" y2=(HEIGHT) data-day=(d) {
                        title { "Month closed: " (d) }
                    }
                }
                polyline.balance points=(line.join(" ")) {}
                @for (i, amount) in &recharges {
                    rect.recharge x=(px(step * Decimal::from(*i as u64) - Decimal::from(4))) y="0" width="8" height="8"
                        data-day=(points[*i].0) data-amount=(money(*amount)) {
                        title { "Auto-recharge " (points[*i].0) ": +" (money(*amount)) " USD" }
                    }
                }
                @for (i, (d, b)) in points.iter().enumerate() {
                    circle.point cx=(px(step * Decimal::from(i as u64))) cy=(px(y(*b))) r="2" data-day=(d) data-amount=(money(*b)) {
                        title { (d) ": " (money(*b)) " USD" }
                    }
                }
            }
            details.data {
                summary { "Data table: balance per day" }
                table {
                    caption { "Balance at the end of each day (USD)" }
                    thead { tr { th scope="col" { "Day" } th scope="col" { "Balance" } } }
                    tbody { @for (d, b) in &points { tr { th scope="row" { (d) } td.num { (money(*b)) } } } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Entry, EntryRef};
    use chrono::TimeZone;

    fn at(day: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc
            .with_ymd_and_hms(2026, 3, day, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn usage(day: u32, ty: u8, amount: i64) -> Entry {
        Entry {
            at: at(day),
            kind: EntryKind::Usage,
            amount: Decimal::new(-amount, 4),
            reference: EntryRef::Record { ty, row: 0 },
        }
    }

    fn bars(svg: &str) -> Vec<(String, String, String)> {
        svg.split("<rect ")
            .skip(1)
            .map(|r| {
                let attr = |n: &str| {
                    r.split(&format!("{n}=\""))
                        .nth(1)
                        .and_then(|s| s.split('"').next())
                        .unwrap_or("")
                        .to_string()
                };
                (attr("data-day"), attr("data-product"), attr("data-amount"))
            })
            .collect()
    }

    #[test]
    fn one_day_has_one_bar_per_product_with_exact_amounts() {
        let l = Ledger::with_closing_balance(
            vec![usage(5, 0, 40), usage(5, 0, 40), usage(5, 1, 125)],
            Decimal::new(100, 0),
        );
        let days = spend_days(&l, at(5).date_naive(), 1);
        let svg = spend_chart("c", "Spend", &days).into_string();
        let p0 = SEEDED_TYPES[0].filter;
        let p1 = SEEDED_TYPES[1].filter;
        assert_eq!(
            bars(&svg),
            vec![
                ("2026-03-05".into(), p0.into(), "0.008".into()),
                ("2026-03-05".into(), p1.into(), "0.0125".into())
            ]
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains(&format!("<title>2026-03-05 {p0}: 0.008 USD</title>")));
        // The stack fills the chart: 0.008 + 0.0125 of 0.0205 is 78.05 + 121.95 of 200 px.
        assert!(
            svg.contains("y=\"121.95\" width=\"576\" height=\"78.05\""),
            "{svg}"
        );
        assert!(
            svg.contains("y=\"0\" width=\"576\" height=\"121.95\""),
            "{svg}"
        );
    }

    #[test]
    fn no_usage_draws_no_bar_and_says_so() {
        let l = Ledger::with_closing_balance(vec![], Decimal::new(100, 0));
        let days = spend_days(&l, at(5).date_naive(), 30);
        assert_eq!(days.len(), 30);
        let svg = spend_chart("c", "Spend", &days).into_string();
        assert!(bars(&svg).is_empty());
        assert!(svg.contains("No spend in this period"));
        assert!(svg.contains("data-days=\"30\""));
    }

    #[test]
    fn a_refund_goes_below_the_zero_line() {
        let refund = Entry {
            at: at(6),
            kind: EntryKind::Adjustment,
            amount: Decimal::new(500, 2),
            reference: EntryRef::Adjustment(0),
        };
        let l =
            Ledger::with_closing_balance(vec![usage(5, 0, 150_000), refund], Decimal::new(100, 0));
        let days = spend_days(&l, at(6).date_naive(), 2);
        let svg = spend_chart("c", "Spend", &days).into_string();
        let b = bars(&svg);
        assert_eq!(
            b[1],
            ("2026-03-06".into(), "adjustments".into(), "-5.00".into())
        );
        // 15 up, 5 down: the zero line sits at 3/4 of the height, the refund hangs below it.
        assert!(svg.contains("y1=\"150\""), "{svg}");
        assert!(svg.contains("y=\"150\" width"), "{svg}");
        assert!(svg.contains("height=\"50\""), "{svg}");
    }

    #[test]
    fn the_balance_chart_marks_recharges_and_month_closes() {
        let recharge = Entry {
            at: at(2),
            kind: EntryKind::AutoRecharge,
            amount: Decimal::new(2500, 2),
            reference: EntryRef::Transaction(0),
        };
        let l = Ledger::with_closing_balance(vec![recharge], Decimal::new(100, 0));
        let svg = balance_chart("b", &l, at(2).date_naive(), 3).into_string();
        assert!(svg.contains("class=\"month-close\""), "{svg}");
        assert!(
            svg.contains("<title>Month closed: 2026-03-01</title>"),
            "{svg}"
        );
        assert!(
            svg.contains("data-day=\"2026-03-02\" data-amount=\"25.00\""),
            "{svg}"
        );
    }

    #[test]
    fn the_balance_line_has_a_point_per_day() {
        let l = Ledger::with_closing_balance(vec![usage(5, 0, 10_000)], Decimal::new(100, 0));
        let svg = balance_chart("b", &l, at(6).date_naive(), 3).into_string();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(
            svg.contains("data-day=\"2026-03-04\" data-amount=\"101.00\""),
            "{svg}"
        );
        assert!(
            svg.contains("data-day=\"2026-03-05\" data-amount=\"100.00\""),
            "{svg}"
        );
    }
}
