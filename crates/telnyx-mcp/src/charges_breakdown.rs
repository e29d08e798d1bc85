//! `get_charges_breakdown`: the numbers and resources that cost most in a period.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{ChargesBreakdownParams, Client, Decimal};

use crate::answer::{Amount, Capped, Period, PeriodInput};
use crate::charges_summary::{top_arg, OtherLines};
use crate::error::ToolError;

/// `get_charges_breakdown` arguments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakdownInput {
    /// First day (YYYY-MM-DD). Default: the first day of the current month (UTC).
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// Day after the last day (exclusive). Default: one month after start_date; at most 31 days after it.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// How many numbers/resources to list, most expensive first (default 10, at most 50); the rest are summed in other.
    #[serde(default)]
    pub top: Option<u32>,
}

/// One service charged on a number.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ServiceRow {
    /// Service name.
    pub name: String,
    /// What it cost.
    pub cost: Amount,
    /// MRC (monthly recurring) or OTC (one time).
    pub cost_type: String,
}

/// One number or resource and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ResourceRow {
    /// The phone number or resource.
    pub resource: String,
    /// The charge type, e.g. "local".
    pub charge_type: String,
    /// Its total.
    pub total: Amount,
    /// Its services.
    pub services: Vec<ServiceRow>,
}

/// Who cost what in a period.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BreakdownAnswer {
    /// The period used.
    pub period: Period,
    /// Sum over every number and resource.
    pub total: Amount,
    /// The most expensive, most first.
    pub top: Vec<ResourceRow>,
    /// How many numbers/resources there are in all.
    pub resources_total: u64,
    /// The rest, summed.
    pub other: OtherLines,
}

impl Capped for BreakdownAnswer {}

/// The top N numbers/resources of a period by cost, plus an "other" total.
pub async fn get_charges_breakdown(
    client: &Client,
    input: BreakdownInput,
    today: NaiveDate,
) -> Result<BreakdownAnswer, ToolError> {
    let top = top_arg(input.top)?;
    let period = PeriodInput {
        start_date: input.start_date,
        end_date: input.end_date,
    }
    .resolve(today, "period")?;
    let mut params = ChargesBreakdownParams::new(period.start_date);
    params.end_date = Some(period.end_date);
    let b = client.charges_breakdown().retrieve(params).await?;
    let currency = b.currency.clone();
    let mut rows: Vec<(Decimal, ResourceRow)> = b
        .results
        .iter()
        .map(|n| {
            let total: Decimal = n.services.iter().map(|s| s.cost.to_decimal()).sum();
            let row = ResourceRow {
                resource: n.tn.clone(),
                charge_type: n.charge_type.clone(),
                total: Amount::new(total, &currency),
                services: n
                    .services
                    .iter()
                    .map(|s| ServiceRow {
                        name: s.name.clone(),
                        cost: Amount::money(&s.cost, &currency),
                        cost_type: s.cost_type.as_str().to_string(),
                    })
                    .collect(),
            };
            (total, row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.resource.cmp(&b.1.resource)));
    let all: Decimal = rows.iter().map(|(v, _)| *v).sum();
    let resources_total = rows.len() as u64;
    let rest = rows.split_off(rows.len().min(top));
    Ok(BreakdownAnswer {
        period,
        total: Amount::new(all, &currency),
        top: rows.into_iter().map(|(_, r)| r).collect(),
        resources_total,
        other: OtherLines {
            count: rest.len() as u64,
            amount: Amount::new(rest.iter().map(|(v, _)| *v).sum(), &currency),
        },
    })
}
