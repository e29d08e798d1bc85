//! `GET /charges_summary`: the monthly charges summary.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use super::shared::{check_range, query_params, typed};
use crate::query::Query;
use crate::request::{get, Request};
use crate::violation::Violation;
use crate::{Client, Money};

/// The charges summary for a date range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChargesSummary {
    /// ISO 4217 currency code.
    pub currency: String,
    /// First day of the range.
    pub start_date: NaiveDate,
    /// End of the range (exclusive).
    pub end_date: NaiveDate,
    /// The account's e-mail.
    pub user_email: String,
    /// The account's user id.
    pub user_id: String,
    /// Summary lines and adjustments.
    pub summary: ChargesSummaryDetails,
    /// Totals.
    pub total: ChargesSummaryTotal,
}

/// The lines and adjustments of a [`ChargesSummary`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChargesSummaryDetails {
    /// Ledger adjustments.
    #[serde(default)]
    pub adjustments: Vec<ChargesAdjustment>,
    /// Charge lines.
    #[serde(default)]
    pub lines: Vec<SummaryLine>,
}

/// A ledger adjustment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChargesAdjustment {
    /// The amount (negative for credits).
    pub amount: Money,
    /// What the adjustment is for.
    pub description: String,
    /// When it happened.
    pub event_date: NaiveDate,
}

/// The totals of a [`ChargesSummary`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChargesSummaryTotal {
    /// Credits.
    pub credits: Money,
    /// Recurring charges of existing services.
    pub existing_mrc: Money,
    /// Grand total.
    pub grand_total: Money,
    /// Ledger adjustments.
    pub ledger_adjustments: Money,
    /// Recurring charges of new services.
    pub new_mrc: Money,
    /// One-time charges of new services.
    pub new_otc: Money,
    /// Other charges.
    pub other: Money,
}

/// One summary line: a oneOf on `type`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SummaryLine {
    /// `type: comparative`: new versus existing this month.
    Comparative(ComparativeLine),
    /// `type: simple`: a quantity and an amount.
    Simple(SimpleLine),
    /// A line type this SDK version does not know, kept as raw JSON.
    #[serde(untagged)]
    Unknown(serde_json::Value),
}

impl<'de> Deserialize<'de> for SummaryLine {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .map(str::to_owned);
        match kind.as_deref() {
            Some("comparative") => typed(value, "comparative").map(SummaryLine::Comparative),
            Some("simple") => typed(value, "simple").map(SummaryLine::Simple),
            _ => Ok(SummaryLine::Unknown(value)),
        }
    }
}

/// A comparative summary line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ComparativeLine {
    /// Display name, e.g. `Local DIDs`.
    pub name: String,
    /// Short alias, e.g. `local`.
    pub alias: String,
    /// Services new this month.
    pub new_this_month: MonthDetail,
    /// Services existing this month.
    pub existing_this_month: MonthDetail,
}

/// Quantity and charges for one month.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MonthDetail {
    /// Monthly recurring charge.
    pub mrc: Money,
    /// Number of services.
    pub quantity: i64,
    /// One-time charge, when any.
    pub otc: Option<Money>,
}

/// A simple summary line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimpleLine {
    /// Display name, e.g. `Port Out`.
    pub name: String,
    /// Short alias, e.g. `port_out`.
    pub alias: String,
    /// Quantity.
    pub quantity: i64,
    /// Amount.
    pub amount: Money,
}

query_params! {
    /// Parameters of [`ChargesSummaryApi::retrieve`].
    #[derive(Debug, Clone, PartialEq)]
    pub struct ChargesSummaryParams {
        /// First day of the range (`start_date`).
        req start_date: NaiveDate = "start_date",
        /// End of the range, exclusive (`end_date`), at most 31 days after the start.
        req end_date: NaiveDate = "end_date",
    }
}

impl ChargesSummaryParams {
    /// A summary from `start_date` to `end_date` (exclusive).
    pub fn new(start_date: NaiveDate, end_date: NaiveDate) -> Self {
        Self {
            start_date,
            end_date,
        }
    }

    pub(crate) fn to_query(&self) -> Result<Query, Violation> {
        check_range("charges_summary.retrieve", self.start_date, self.end_date)?;
        Ok(self.query_pairs())
    }
}

/// The charges summary endpoint: `client.charges_summary()`.
#[derive(Debug, Clone, Copy)]
pub struct ChargesSummaryApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The charges summary endpoint.
    pub fn charges_summary(&self) -> ChargesSummaryApi<'_> {
        ChargesSummaryApi { client: self }
    }
}

impl ChargesSummaryApi<'_> {
    /// `GET /charges_summary`: totals and lines for a range of at most 31 days.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use chrono::NaiveDate;
    /// let client = telnyx::Client::from_env()?;
    /// let start = NaiveDate::from_ymd_opt(2025, 5, 1).ok_or("bad date")?;
    /// let end = NaiveDate::from_ymd_opt(2025, 6, 1).ok_or("bad date")?;
    /// let summary = client
    ///     .charges_summary()
    ///     .retrieve(telnyx::ChargesSummaryParams::new(start, end))
    ///     .await?;
    /// println!("grand total {}", summary.total.grand_total);
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, params: ChargesSummaryParams) -> Request<ChargesSummary> {
        get(self.client, "/charges_summary", params.to_query())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_and_rules() {
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        assert_eq!(
            ChargesSummaryParams::new(d(5, 1), d(6, 1))
                .to_query()
                .unwrap()
                .encode(),
            "start_date=2025-05-01&end_date=2025-06-01"
        );
        assert!(ChargesSummaryParams::new(d(5, 1), d(6, 2))
            .to_query()
            .is_err());
        assert!(ChargesSummaryParams::new(d(6, 1), d(5, 1))
            .to_query()
            .is_err());
    }

    #[test]
    fn summary_lines_dispatch_on_type() {
        let lines: Vec<SummaryLine> = serde_json::from_str(
            r#"[{"alias":"local","existing_this_month":{"mrc":"20.00","quantity":8},"name":"Local DIDs",
                 "new_this_month":{"mrc":"25.50","otc":"5.00","quantity":10},"type":"comparative"},
                {"alias":"port_out","amount":"15.75","name":"Port Out","quantity":100,"type":"simple"},
                {"type":"tiered","tiers":[1,2]}]"#,
        )
        .unwrap();
        assert!(matches!(&lines[0], SummaryLine::Comparative(c) if c.new_this_month.otc.is_some()));
        assert!(matches!(&lines[1], SummaryLine::Simple(s) if s.quantity == 100));
        assert!(matches!(&lines[2], SummaryLine::Unknown(v) if v["type"] == "tiered"));
        let json = serde_json::to_value(&lines[1]).unwrap();
        assert_eq!(json["type"], "simple");
        let err =
            serde_json::from_str::<SummaryLine>(r#"{"type":"simple","name":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("simple"), "{err}");
    }
}
