//! `summarize_charges` and `compare_charges`: one period's charges, and what changed between two.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{ChargesSummary, ChargesSummaryParams, Client, Decimal, SummaryLine};

use crate::answer::{decimal_text, percent_change, Amount, Capped, Period, PeriodInput, MAX_ROWS};
use crate::error::ToolError;

/// Product lines shown when the caller does not ask for a number.
pub const DEFAULT_TOP: u32 = 10;

/// The alias of the pseudo-line holding what the product lines do not explain (credits,
/// adjustments), so that lines always add up to the total.
pub const ADJUSTMENTS_ALIAS: &str = "credits_and_adjustments";

/// `summarize_charges` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummarizeInput {
    /// First day (YYYY-MM-DD). Default: the first day of the current month (UTC).
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// Day after the last day (exclusive). Default: one month after start_date; at most 31 days after it.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// How many product lines to list, largest first (default 10, at most 50); the rest are summed in other_lines.
    #[serde(default)]
    pub top: Option<u32>,
}

/// One product's charges in a period.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ProductLine {
    /// Product name, e.g. "Messaging".
    pub name: String,
    /// Product key, e.g. "messaging" (the detail-record type for usage lines).
    pub alias: String,
    /// What it cost.
    pub amount: Amount,
    /// Units (messages, numbers, ...).
    pub quantity: i64,
}

/// The rest of the lines, summed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct OtherLines {
    /// How many lines are not listed.
    pub count: u64,
    /// Their total.
    pub amount: Amount,
}

/// The parts of the total as Telnyx splits them.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TotalParts {
    /// Recurring charges of numbers new this period.
    pub new_mrc: Amount,
    /// Recurring charges of numbers held before.
    pub existing_mrc: Amount,
    /// One-time charges.
    pub new_otc: Amount,
    /// Usage and other charges.
    pub other: Amount,
    /// Credits.
    pub credits: Amount,
    /// Ledger adjustments.
    pub ledger_adjustments: Amount,
}

/// One period's charges.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SummaryAnswer {
    /// The period used.
    pub period: Period,
    /// The grand total.
    pub total: Amount,
    /// The total's parts.
    pub parts: TotalParts,
    /// The largest product lines, largest first (credits and adjustments as one line).
    pub lines: Vec<ProductLine>,
    /// How many lines there are in all.
    pub lines_total: u64,
    /// The lines not listed.
    pub other_lines: OtherLines,
}

impl Capped for SummaryAnswer {}

/// A period's charges: total, its parts, and the largest product lines.
pub async fn summarize_charges(
    client: &Client,
    input: SummarizeInput,
    today: NaiveDate,
) -> Result<SummaryAnswer, ToolError> {
    let top = top_arg(input.top)?;
    let period = PeriodInput {
        start_date: input.start_date,
        end_date: input.end_date,
    }
    .resolve(today, "period")?;
    let summary = fetch(client, period).await?;
    let currency = summary.currency.clone();
    let mut lines = product_lines(&summary);
    lines.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.alias.cmp(&b.0.alias)));
    let lines_total = lines.len() as u64;
    let rest: Vec<_> = lines.split_off(lines.len().min(top));
    let t = &summary.total;
    let m = |x: &telnyx::Money| Amount::money(x, &currency);
    Ok(SummaryAnswer {
        period,
        total: m(&t.grand_total),
        parts: TotalParts {
            new_mrc: m(&t.new_mrc),
            existing_mrc: m(&t.existing_mrc),
            new_otc: m(&t.new_otc),
            other: m(&t.other),
            credits: m(&t.credits),
            ledger_adjustments: m(&t.ledger_adjustments),
        },
        lines: lines.into_iter().map(|(line, _)| line).collect(),
        lines_total,
        other_lines: OtherLines {
            count: rest.len() as u64,
            amount: Amount::new(rest.iter().map(|(_, v)| *v).sum(), &currency),
        },
    })
}

/// `compare_charges` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareInput {
    /// The period to explain. Default: the current month (UTC).
    #[serde(default)]
    pub current: Option<PeriodInput>,
    /// The period to compare with. Default: the month (or the same number of days) just before current.
    #[serde(default)]
    pub previous: Option<PeriodInput>,
    /// How many drivers to list, largest absolute change first (default 10, at most 50).
    #[serde(default)]
    pub top: Option<u32>,
}

/// One period's total.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PeriodTotal {
    /// The period used.
    pub period: Period,
    /// Its grand total.
    pub total: Amount,
}

/// A product line's change between the periods.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Driver {
    /// Product name.
    pub name: String,
    /// Product key.
    pub alias: String,
    /// What it cost in the previous period.
    pub previous: Amount,
    /// What it cost in the current period.
    pub current: Amount,
    /// current - previous.
    pub change: Amount,
    /// The change in percent of previous, two decimals; null when previous was zero.
    pub change_percent: Option<String>,
    /// Units in the previous period.
    pub previous_quantity: i64,
    /// Units in the current period.
    pub current_quantity: i64,
}

/// Why the bill changed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CompareAnswer {
    /// The current period and its total.
    pub current: PeriodTotal,
    /// The previous period and its total.
    pub previous: PeriodTotal,
    /// current total - previous total.
    pub change: Amount,
    /// The change in percent of the previous total, two decimals; null when it was zero.
    pub change_percent: Option<String>,
    /// The lines that changed most, by absolute change (all drivers add up to change).
    pub drivers: Vec<Driver>,
    /// How many lines changed in all.
    pub drivers_total: u64,
}

impl Capped for CompareAnswer {}

/// Two periods' charges side by side: the change in total and its drivers.
pub async fn compare_charges(
    client: &Client,
    input: CompareInput,
    today: NaiveDate,
) -> Result<CompareAnswer, ToolError> {
    let top = top_arg(input.top)?;
    let current = input
        .current
        .unwrap_or_default()
        .resolve(today, "current")?;
    let previous = match input.previous {
        Some(p) => p.resolve(today, "previous")?,
        None => current.previous(),
    };
    let (now, before) = futures::try_join!(fetch(client, current), fetch(client, previous))?;
    if now.currency != before.currency {
        return Err(ToolError::invalid(format!(
            "the periods are in different currencies ({} and {}): compare periods of one currency",
            now.currency, before.currency
        )));
    }
    let currency = now.currency.clone();
    let mut by_alias: BTreeMap<String, (String, Decimal, Decimal, i64, i64)> = BTreeMap::new();
    for (line, value) in product_lines(&before) {
        let e = by_alias.entry(line.alias.clone()).or_insert((
            line.name.clone(),
            Decimal::ZERO,
            Decimal::ZERO,
            0,
            0,
        ));
        e.1 += value;
        e.3 += line.quantity;
    }
    for (line, value) in product_lines(&now) {
        let e = by_alias.entry(line.alias.clone()).or_insert((
            line.name.clone(),
            Decimal::ZERO,
            Decimal::ZERO,
            0,
            0,
        ));
        e.2 += value;
        e.4 += line.quantity;
    }
    let mut drivers: Vec<(Decimal, Driver)> = by_alias
        .into_iter()
        .filter(|(_, (_, p, c, pq, cq))| p != c || pq != cq)
        .map(|(alias, (name, p, c, pq, cq))| {
            let change = c - p;
            let driver = Driver {
                name,
                alias,
                previous: Amount::new(p, &currency),
                current: Amount::new(c, &currency),
                change: Amount::new(change, &currency),
                change_percent: percent_change(p, c),
                previous_quantity: pq,
                current_quantity: cq,
            };
            (change, driver)
        })
        .collect();
    drivers.sort_by(|a, b| {
        b.0.abs()
            .cmp(&a.0.abs())
            .then_with(|| a.1.alias.cmp(&b.1.alias))
    });
    let drivers_total = drivers.len() as u64;
    drivers.truncate(top);
    let total_now = now.total.grand_total.to_decimal();
    let total_before = before.total.grand_total.to_decimal();
    Ok(CompareAnswer {
        current: PeriodTotal {
            period: current,
            total: Amount::money(&now.total.grand_total, &currency),
        },
        previous: PeriodTotal {
            period: previous,
            total: Amount::money(&before.total.grand_total, &currency),
        },
        change: Amount::new(total_now - total_before, &currency),
        change_percent: percent_change(total_before, total_now),
        drivers: drivers.into_iter().map(|(_, d)| d).collect(),
        drivers_total,
    })
}

/// The `top` argument checked: 1 to 50, default [`DEFAULT_TOP`].
pub(crate) fn top_arg(top: Option<u32>) -> Result<usize, ToolError> {
    let top = top.unwrap_or(DEFAULT_TOP);
    if top == 0 || top > MAX_ROWS {
        return Err(ToolError::invalid(format!(
            "top {top} is out of range: send 1 to {MAX_ROWS}, or leave it out for {DEFAULT_TOP}"
        )));
    }
    Ok(top as usize)
}

async fn fetch(client: &Client, period: Period) -> Result<ChargesSummary, ToolError> {
    Ok(client
        .charges_summary()
        .retrieve(ChargesSummaryParams::new(
            period.start_date,
            period.end_date,
        ))
        .await?)
}

/// Each summary line as a product line with its exact value, plus one line for whatever the
/// product lines do not explain (credits, adjustments), so that the values add up to the total.
pub fn product_lines(summary: &ChargesSummary) -> Vec<(ProductLine, Decimal)> {
    let currency = &summary.currency;
    let mut out = Vec::new();
    for line in &summary.summary.lines {
        let (name, alias, value, quantity) = match line {
            SummaryLine::Simple(l) => (&l.name, &l.alias, l.amount.to_decimal(), l.quantity),
            SummaryLine::Comparative(l) => {
                let otc = |o: &Option<telnyx::Money>| {
                    o.as_ref().map(|m| m.to_decimal()).unwrap_or_default()
                };
                let value = l.new_this_month.mrc.to_decimal()
                    + l.existing_this_month.mrc.to_decimal()
                    + otc(&l.new_this_month.otc)
                    + otc(&l.existing_this_month.otc);
                (
                    &l.name,
                    &l.alias,
                    value,
                    l.new_this_month.quantity + l.existing_this_month.quantity,
                )
            }
            _ => continue,
        };
        out.push((
            ProductLine {
                name: name.clone(),
                alias: alias.clone(),
                amount: Amount {
                    amount: decimal_text(value),
                    currency: currency.clone(),
                },
                quantity,
            },
            value,
        ));
    }
    let explained: Decimal = out.iter().map(|(_, v)| *v).sum();
    let rest = summary.total.grand_total.to_decimal() - explained;
    if !rest.is_zero() {
        out.push((
            ProductLine {
                name: "Credits and adjustments".to_string(),
                alias: ADJUSTMENTS_ALIAS.to_string(),
                amount: Amount::new(rest, currency),
                quantity: 0,
            },
            rest,
        ));
    }
    out
}
