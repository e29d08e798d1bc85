//! Charts drawn on the server as inline SVG: colours come from CSS classes (`s-<product>`), so
//! dark mode works; every bar carries its exact day, product and amount (`data-*`) and a
//! `<title>`, and each chart has a data table beside it.
//!
//! Amounts stay exact decimals; only pixel positions are rounded (to 0.01 px), in integer
//! arithmetic on millionths of a dollar.

use chrono::{Days, NaiveDate};
use maud::{html, Markup, Render};
use rust_decimal::Decimal;

use super::view::{Amount, Day, Figure, Px};
use crate::ledger::{EntryKind, Ledger, USAGE_TYPES};
use crate::model::SEEDED_TYPES;

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

fn spend_parts(d: &crate::ledger::Day) -> Vec<(&'static str, Decimal)> {
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

/// Hundredths of a pixel per SVG user unit.
const HUNDREDTHS: i128 = 100;

/// `amount` in millionths of a dollar (rounded): chart geometry is integer arithmetic on
/// these; amounts themselves are never rounded, only where their bars are drawn.
fn micros(amount: Decimal) -> i128 {
    /// 10^14 dollars: beyond any account, and small enough that geometry cannot overflow.
    const LIMIT: i128 = 100_000_000_000_000_000_000;
    let d = amount.round_dp(6);
    (d.mantissa() * 10i128.pow(6 - d.scale().min(6))).clamp(-LIMIT, LIMIT)
}

/// `num / den` rounded to the nearest integer (halves away from zero); `den > 0`.
fn div_round(num: i128, den: i128) -> i64 {
    let q = (2 * num.abs() + den) / (2 * den);
    let q = i64::try_from(q).unwrap_or(i64::MAX);
    if num < 0 {
        -q
    } else {
        q
    }
}

/// A bar's class: `bar s-<product>` (product names are the API's filter names).
struct BarClass(&'static str);

impl Render for BarClass {
    fn render_to(&self, buf: &mut String) {
        buf.push_str("bar s-");
        buf.push_str(self.0);
    }
}

/// The scale beside a chart: its top and bottom values, exact (HTML beside the SVG, which is
/// stretched to the page's width and would distort text). Screen readers get the title and
/// the data table instead.
fn scale(top: Decimal, bottom: Decimal) -> Markup {
    html! {
        div.scale aria-hidden="true" {
            span.top data-amount=(Amount(top)) { (Amount(top)) " USD" }
            span.bottom data-amount=(Amount(bottom)) { (Amount(bottom)) " USD" }
        }
    }
}

/// The stacked bar chart of `days` (spend up, refunds down from the zero line).
pub fn spend_chart(id: &str, caption: &str, days: &[SpendDay]) -> Markup {
    // Each day's parts in micros, and the stack's extent above and below zero.
    let parts: Vec<Vec<i128>> = days
        .iter()
        .map(|d| d.parts.iter().map(|p| micros(p.1)).collect())
        .collect();
    let max = parts
        .iter()
        .map(|p| p.iter().filter(|a| **a > 0).sum::<i128>())
        .max()
        .unwrap_or(0);
    let min = parts
        .iter()
        .map(|p| p.iter().filter(|a| **a < 0).sum::<i128>())
        .min()
        .unwrap_or(0);
    let range = max - min;
    // The exact extremes, for the scale beside the chart.
    let top: Decimal = days
        .iter()
        .map(|d| {
            d.parts
                .iter()
                .map(|p| p.1)
                .filter(|a| *a > Decimal::ZERO)
                .sum()
        })
        .max()
        .unwrap_or_default();
    let bottom: Decimal = days
        .iter()
        .map(|d| {
            d.parts
                .iter()
                .map(|p| p.1)
                .filter(|a| *a < Decimal::ZERO)
                .sum()
        })
        .min()
        .unwrap_or_default();
    let height = i128::from(HEIGHT) * HUNDREDTHS;
    // The y (in hundredths) of `v` micros above the bottom of the range: rounded once per
    // edge, so stacked bars meet exactly.
    let y_of = |v: i128| -> i64 {
        if range == 0 {
            0
        } else {
            div_round((max - v) * height, range)
        }
    };
    let zero = y_of(0);
    // Slots and bars on a common denominator of 10 * days (a bar is 8/10 of its slot, at least
    // one pixel wide).
    let n = i128::try_from(days.len().max(1)).unwrap_or(i128::MAX);
    let den = 10 * n;
    let slot = i128::from(WIDTH) * HUNDREDTHS * 10;
    let bar = (slot * 8 / 10).max(HUNDREDTHS * den);
    let title_id = format!("{id}-title");
    let present: Vec<&'static str> = products()
        .filter(|p| days.iter().any(|d| d.parts.iter().any(|x| x.0 == *p)))
        .collect();
    html! {
        figure.chart #(id) {
            div.plot {
                (scale(top, bottom))
                svg role="img" aria-labelledby=(title_id) viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
                    preserveAspectRatio="none" data-days=(days.len()) {
                    title #(title_id) { (caption) }
                    @if range == 0 {
                        text.empty x="360" y="100" text-anchor="middle" { "No spend in this period" }
                    }
                    line.axis x1="0" x2=(WIDTH) y1=(Px(zero)) y2=(Px(zero)) {}
                    @for (i, (d, amounts)) in days.iter().zip(&parts).enumerate() {
                        @let x = Px(div_round(2 * slot * i128::try_from(i).unwrap_or(0) + slot - bar, 2 * den));
                        @let width = Px(div_round(bar, den));
                        @let mut up = 0i128;
                        @let mut down = 0i128;
                        @for ((product, amount), m) in d.parts.iter().zip(amounts) {
                            @let (top, bottom) = if *m > 0 {
                                let edge = (y_of(up + m), y_of(up));
                                up += m;
                                edge
                            } else {
                                let edge = (y_of(down), y_of(down + m));
                                down += m;
                                edge
                            };
                            rect class=(BarClass(product)) x=(x) y=(Px(top)) width=(width) height=(Px(bottom - top))
                                data-day=(Day(d.day)) data-product=(product) data-amount=(Amount(*amount)) {
                                title { (Day(d.day)) " " (product) ": " (Amount(*amount)) " USD" }
                            }
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
                                th scope="row" { (Day(d.day)) }
                                @for p in &present {
                                    td.num { @if let Some(x) = d.parts.iter().find(|x| x.0 == *p) { (Figure(x.1)) } }
                                }
                                td.num { (Figure(d.parts.iter().map(|x| x.1).sum())) }
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
    let ys: Vec<i128> = points.iter().map(|p| micros(p.1)).collect();
    let max = ys.iter().copied().max().unwrap_or(0);
    let min = ys.iter().copied().min().unwrap_or(0);
    let range = max - min;
    let height = i128::from(HEIGHT - 10) * HUNDREDTHS;
    let y = |b: i128| -> Px {
        if range == 0 {
            Px(HEIGHT / 2 * 100)
        } else {
            Px(500 + div_round((max - b) * height, range))
        }
    };
    let steps = i128::try_from(points.len().max(2) - 1).unwrap_or(1);
    let x = |i: usize| -> Px {
        Px(div_round(
            i128::from(WIDTH) * HUNDREDTHS * i128::try_from(i).unwrap_or(0),
            steps,
        ))
    };
    let mut line = String::with_capacity(points.len() * 14);
    for (i, b) in ys.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        x(i).render_to(&mut line);
        line.push(',');
        y(*b).render_to(&mut line);
    }
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
            div.plot {
                (scale(points.iter().map(|p| p.1).max().unwrap_or_default(), points.iter().map(|p| p.1).min().unwrap_or_default()))
                svg role="img" aria-labelledby=(title_id) viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) preserveAspectRatio="none" {
                    title #(title_id) { "Balance at the end of each day, " (Day(first)) " to " (Day(today)) ", with month closes and auto-recharges marked" }
                    @for (i, d) in &month_starts {
                        line.month-close x1=(x(*i)) x2=(x(*i)) y1="0" y2=(HEIGHT) data-day=(Day(*d)) {
                            title { "Month closed: " (Day(*d)) }
                        }
                    }
                    polyline.balance points=(maud::PreEscaped(&line)) {}
                    @for (i, amount) in &recharges {
                        rect.recharge x=(Px(x(*i).0 - 400)) y="0" width="8" height="8"
                            data-day=(Day(points[*i].0)) data-amount=(Amount(*amount)) {
                            title { "Auto-recharge " (Day(points[*i].0)) ": +" (Amount(*amount)) " USD" }
                        }
                    }
                    @for (i, ((d, b), m)) in points.iter().zip(&ys).enumerate() {
                        circle.point cx=(x(i)) cy=(y(*m)) r="2" data-day=(Day(*d)) data-amount=(Amount(*b)) {
                            title { (Day(*d)) ": " (Amount(*b)) " USD" }
                        }
                    }
                }
            }
            details.data {
                summary { "Data table: balance per day" }
                table {
                    caption { "Balance at the end of each day (USD)" }
                    thead { tr { th scope="col" { "Day" } th scope="col" { "Balance" } } }
                    tbody { @for (d, b) in &points { tr { th scope="row" { (Day(*d)) } td.num { (Figure(*b)) } } } }
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
        // The scale beside the chart names both ends exactly.
        assert!(
            svg.contains("<span class=\"top\" data-amount=\"15.00\">15.00 USD</span>"),
            "{svg}"
        );
        assert!(
            svg.contains("<span class=\"bottom\" data-amount=\"-5.00\">-5.00 USD</span>"),
            "{svg}"
        );
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
