//! `GET /charges_breakdown`: per-number monthly charges, as JSON or CSV.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::shared::{check_range, invalid, param_enum, query_params, server_enum};
use crate::query::Query;
use crate::request::{get, Request};
use crate::violation::{Rule, Violation};
use crate::{Client, Money};

param_enum! {
    /// Response format of the charges breakdown (`format`).
    pub enum ChargesFormat {
        /// JSON, decoded into [`ChargesBreakdown`].
        Json = "json",
        /// CSV text (columns are not documented).
        Csv = "csv",
    }
}

server_enum! {
    /// Whether a service charge is recurring or one-time.
    pub enum CostType {
        /// Monthly recurring charge.
        Mrc = "MRC",
        /// One-time charge.
        Otc = "OTC",
    }
}

/// The charges breakdown for a date range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChargesBreakdown {
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
    /// One entry per phone number.
    pub results: Vec<NumberBreakdown>,
}

/// The charges of one phone number.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NumberBreakdown {
    /// The phone number.
    pub tn: String,
    /// The kind of number, e.g. `local`.
    pub charge_type: String,
    /// E-mail of the number's owner.
    pub service_owner_email: String,
    /// User id of the number's owner.
    pub service_owner_user_id: String,
    /// The services charged on this number.
    pub services: Vec<ServiceCharge>,
}

/// One charged service.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServiceCharge {
    /// Service name, e.g. `Local DIDs`.
    pub name: String,
    /// The cost.
    pub cost: Money,
    /// Recurring or one-time.
    pub cost_type: CostType,
}

query_params! {
    /// Parameters of [`ChargesBreakdownApi::retrieve`] and [`ChargesBreakdownApi::retrieve_csv`].
    #[derive(Debug, Clone, PartialEq)]
    pub struct ChargesBreakdownParams {
        /// First day of the range (`start_date`).
        req start_date: NaiveDate = "start_date",
        /// End of the range, exclusive (`end_date`); the server defaults to one month after
        /// the start. At most 31 days after `start_date`.
        opt end_date: NaiveDate = "end_date",
        /// Response format (`format`). Leave unset; `retrieve_csv` sends `csv`.
        opt format: ChargesFormat = "format",
    }
}

impl ChargesBreakdownParams {
    /// A breakdown starting on `start_date`.
    pub fn new(start_date: NaiveDate) -> Self {
        Self {
            start_date,
            end_date: None,
            format: None,
        }
    }

    /// Checks the rules and builds `start_date`, `end_date`, `format` (the official order).
    /// `expected` is the format the calling method decodes.
    pub(crate) fn to_query(&self, expected: ChargesFormat) -> Result<Query, Violation> {
        let operation = match expected {
            ChargesFormat::Json => "charges_breakdown.retrieve",
            ChargesFormat::Csv => "charges_breakdown.retrieve_csv",
        };
        if let Some(end) = self.end_date {
            check_range(operation, self.start_date, end)?;
        }
        let format = match (self.format, expected) {
            (Some(ChargesFormat::Csv), ChargesFormat::Json) => {
                return Err(Violation::new(
                    operation,
                    "format",
                    Rule::OneOf { allowed: &["json"] },
                    "format csv returns text: call retrieve_csv instead of retrieve",
                )
                .with_value("csv"))
            }
            (Some(ChargesFormat::Json), ChargesFormat::Csv) => {
                return Err(Violation::new(
                    operation,
                    "format",
                    Rule::OneOf { allowed: &["csv"] },
                    "retrieve_csv returns CSV: leave format unset or use retrieve for JSON",
                )
                .with_value("json"))
            }
            (format, ChargesFormat::Json) => format,
            (_, ChargesFormat::Csv) => Some(ChargesFormat::Csv),
        };
        let mut query = self.query_pairs();
        if let Some(format) = format {
            query.set("format", format.as_str());
        }
        Ok(query)
    }
}

/// The charges breakdown endpoint: `client.charges_breakdown()`.
#[derive(Debug, Clone, Copy)]
pub struct ChargesBreakdownApi<'a> {
    client: &'a Client,
}

impl Client {
    /// The charges breakdown endpoint.
    pub fn charges_breakdown(&self) -> ChargesBreakdownApi<'_> {
        ChargesBreakdownApi { client: self }
    }
}

impl ChargesBreakdownApi<'_> {
    /// `GET /charges_breakdown`: charges per phone number, decoded from JSON.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telnyx::ChargesBreakdownParams;
    /// let client = telnyx::Client::from_env()?;
    /// let start = chrono::NaiveDate::from_ymd_opt(2025, 5, 1).ok_or("bad date")?;
    /// let breakdown = client.charges_breakdown().retrieve(ChargesBreakdownParams::new(start)).await?;
    /// println!("{} numbers", breakdown.results.len());
    /// # Ok(()) }
    /// ```
    pub fn retrieve(&self, params: ChargesBreakdownParams) -> Request<ChargesBreakdown> {
        get(
            self.client,
            "/charges_breakdown",
            params.to_query(ChargesFormat::Json),
        )
    }

    /// `GET /charges_breakdown?format=csv`: the same report as raw CSV text.
    pub fn retrieve_csv(&self, params: ChargesBreakdownParams) -> Request<String> {
        match params.to_query(ChargesFormat::Csv) {
            Ok(query) => Request::text(
                self.client.clone(),
                http::Method::GET,
                "/charges_breakdown",
                query,
            ),
            Err(violation) => Request::invalid(self.client.clone(), invalid(violation)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn queries_match_the_official_sdk() {
        let p = ChargesBreakdownParams::new(date(2025, 5, 1));
        assert_eq!(
            p.to_query(ChargesFormat::Json).unwrap().encode(),
            "start_date=2025-05-01"
        );
        assert_eq!(
            p.to_query(ChargesFormat::Csv).unwrap().encode(),
            "start_date=2025-05-01&format=csv"
        );
        let p = p.end_date(date(2025, 6, 1)).format(ChargesFormat::Json);
        assert_eq!(
            p.to_query(ChargesFormat::Json).unwrap().encode(),
            "start_date=2025-05-01&end_date=2025-06-01&format=json"
        );
    }

    #[test]
    fn range_rules() {
        let p = ChargesBreakdownParams::new(date(2025, 5, 1));
        assert!(p
            .clone()
            .end_date(date(2025, 6, 1))
            .to_query(ChargesFormat::Json)
            .is_ok());
        let err = p
            .clone()
            .end_date(date(2025, 6, 2))
            .to_query(ChargesFormat::Json)
            .unwrap_err();
        assert_eq!(err.parameter(), "end_date");
        assert!(
            matches!(err.rule(), crate::Rule::WithinDaysOf { days: 31, .. }),
            "{err:?}"
        );
        let err = p
            .clone()
            .end_date(date(2025, 5, 1))
            .to_query(ChargesFormat::Json)
            .unwrap_err();
        assert_eq!(
            err.rule(),
            &crate::Rule::After {
                parameter: "start_date"
            }
        );
        assert!(p
            .clone()
            .format(ChargesFormat::Csv)
            .to_query(ChargesFormat::Json)
            .is_err());
        assert!(p
            .format(ChargesFormat::Json)
            .to_query(ChargesFormat::Csv)
            .is_err());
    }
}
