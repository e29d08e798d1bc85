//! `telnyx usage reconcile --month YYYY-MM`: the month's usage cost per product, summed from
//! the detail records, against the charges summary's usage lines and the month's invoice.
//!
//! Usage lines are the summary's `simple` lines whose `alias` is a detail-record type (the
//! `filter[record_type]` value, e.g. `messaging`); their `amount` is that product's usage cost
//! for the month. Other simple lines (add-ons such as `cnam`) and comparative lines are not
//! usage. The invoice list carries no amounts, so the invoice is checked by its period only.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use telnyx::{ChargesSummaryParams, DetailRecordType, SummaryLine};

use super::report::stream_api;
use crate::context::Ctx;
use crate::exit::CliError;

/// One disagreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Product (record type), or `invoice`.
    pub product: String,
    /// Sum over the detail records, if any.
    pub records: Option<Decimal>,
    /// The charges summary's usage line amount, if any.
    pub charges: Option<Decimal>,
    /// What differs, for humans.
    pub detail: String,
}

/// A usage line of the charges summary: product alias and amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageLine {
    /// The record type it bills.
    pub product: String,
    /// Its amount.
    pub amount: Decimal,
}

/// The usage lines of a charges summary (see the module docs).
pub fn usage_lines(lines: &[SummaryLine]) -> Vec<UsageLine> {
    let products: BTreeSet<&str> = DetailRecordType::ALL.iter().map(|t| t.as_str()).collect();
    lines
        .iter()
        .filter_map(|l| match l {
            SummaryLine::Simple(s) if products.contains(s.alias.as_str()) => Some(UsageLine {
                product: s.alias.clone(),
                amount: s.amount.to_decimal(),
            }),
            _ => None,
        })
        .collect()
}

/// Compares per-product usage cost from the records (in the summary's currency) with the
/// summary's usage lines and checks that the month has an invoice. Empty when all agree.
/// A product with zero cost on one side and no line on the other agrees.
pub fn compare(
    records: &BTreeMap<String, Decimal>,
    lines: &[UsageLine],
    other_currencies: &BTreeMap<String, Decimal>,
    invoice_found: bool,
    month: &str,
) -> Vec<Difference> {
    let mut charges: BTreeMap<String, Decimal> = BTreeMap::new();
    for l in lines {
        *charges.entry(l.product.clone()).or_default() += l.amount;
    }
    let products: BTreeSet<&String> = records.keys().chain(charges.keys()).collect();
    let mut out = Vec::new();
    for p in products {
        let r = records.get(p).copied();
        let c = charges.get(p).copied();
        let (rv, cv) = (r.unwrap_or_default(), c.unwrap_or_default());
        if rv != cv {
            let detail = match (r, c) {
                (_, None) => format!("records total {rv}, the charges summary has no {p} line"),
                (None, _) => format!("the charges summary bills {cv}, no {p} records"),
                _ => format!(
                    "records total {rv}, charges summary {cv} (off by {})",
                    rv - cv
                ),
            };
            out.push(Difference {
                product: p.clone(),
                records: r.map(|d| d.normalize()),
                charges: c.map(|d| d.normalize()),
                detail,
            });
        }
    }
    for (cur, sum) in other_currencies {
        out.push(Difference {
            product: format!("currency {cur}"),
            records: Some(sum.normalize()),
            charges: None,
            detail: format!(
                "records cost {sum} {cur}, but the charges summary is in another currency"
            ),
        });
    }
    if !invoice_found {
        out.push(Difference {
            product: "invoice".into(),
            records: None,
            charges: None,
            detail: format!("no invoice whose period starts on the first day of {month}"),
        });
    }
    out
}

/// Parses `YYYY-MM` into the month's first day.
pub fn parse_month(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d")
        .map_err(|_| format!("--month {s:?} is not a month: write YYYY-MM, e.g. 2026-11"))
}

/// Runs `usage reconcile`.
pub async fn run(ctx: &mut Ctx, month: &str) -> Result<(), CliError> {
    let start = parse_month(month).map_err(CliError::Usage)?;
    let end = start
        .checked_add_months(Months::new(1))
        .ok_or_else(|| CliError::Usage(format!("--month {month} is out of range")))?;
    let summary = ctx
        .client
        .charges_summary()
        .retrieve(ChargesSummaryParams::new(start, end))
        .await?;
    let lines = usage_lines(&summary.summary.lines);
    let types: Vec<String> = DetailRecordType::ALL
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let at = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let mut records: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut other: BTreeMap<String, Decimal> = BTreeMap::new();
    let currency = summary.currency.clone();
    stream_api(ctx, &types, at(start), at(end), &mut |f| {
        let Some(cost) = f.cost else { return };
        match f.currency.as_deref() {
            Some(c) if c != currency => *other.entry(c.to_string()).or_default() += cost,
            _ => *records.entry(f.record_type.clone()).or_default() += cost,
        }
    })
    .await?;
    records.retain(|_, v| !v.is_zero());
    let mut invoice_found = false;
    let invoices = ctx
        .client
        .invoices()
        .list(telnyx::InvoiceListParams::default())
        .into_stream();
    futures::pin_mut!(invoices);
    while let Some(inv) = futures::StreamExt::next(&mut invoices).await {
        if inv?.period_start == Some(start) {
            invoice_found = true;
            break;
        }
    }
    let diffs = compare(&records, &lines, &other, invoice_found, month);
    let total: Decimal = records.values().copied().sum();
    let mut text = String::new();
    for d in &diffs {
        text.push_str(&format!("differs  {:<24} {}\n", d.product, d.detail));
    }
    text.push_str(&format!(
        "{month}: records {} {currency} over {} products, {} usage lines in the charges summary, invoice {}: {}\n",
        total.normalize(),
        records.len(),
        lines.len(),
        if invoice_found { "found" } else { "missing" },
        if diffs.is_empty() { "they agree".to_string() } else { format!("{} difference(s)", diffs.len()) }
    ));
    match ctx.out.format {
        crate::cli::OutputFormat::Json | crate::cli::OutputFormat::Jsonl => {
            let v = serde_json::json!({"month": month, "currency": currency, "differences": diffs.iter().map(|d| serde_json::json!({"product": d.product, "records": d.records.map(|x| x.to_string()), "charges": d.charges.map(|x| x.to_string()), "detail": d.detail})).collect::<Vec<_>>(),
                "records": records.iter().map(|(k, v)| (k.clone(), v.normalize().to_string())).collect::<BTreeMap<_, _>>(),
                "charges": lines.iter().map(|l| (l.product.clone(), l.amount.to_string())).collect::<BTreeMap<_, _>>(),
                "invoice_found": invoice_found});
            ctx.out.write_str(&(v.to_string() + "\n"))?;
        }
        _ => ctx.out.write_str(&text)?,
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(CliError::Other(format!(
            "{month}: {} difference(s) between the detail records, the charges summary and the invoice",
            diffs.len()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn agreement_is_empty_and_each_difference_is_named() {
        let records = BTreeMap::from([
            ("messaging".to_string(), dec("12.3400")),
            ("verify".to_string(), dec("0.05")),
        ]);
        let lines = vec![
            UsageLine {
                product: "messaging".into(),
                amount: dec("12.34"),
            },
            UsageLine {
                product: "verify".into(),
                amount: dec("0.05"),
            },
        ];
        assert!(compare(&records, &lines, &BTreeMap::new(), true, "2026-11").is_empty());
        let off = vec![
            UsageLine {
                product: "messaging".into(),
                amount: dec("12.33"),
            },
            UsageLine {
                product: "amd".into(),
                amount: dec("1.00"),
            },
        ];
        let d = compare(&records, &off, &BTreeMap::new(), false, "2026-11");
        let names: Vec<&str> = d.iter().map(|d| d.product.as_str()).collect();
        assert_eq!(names, ["amd", "messaging", "verify", "invoice"]);
        assert!(d[1].detail.contains("off by 0.01"), "{}", d[1].detail);
        assert_eq!(d[2].charges, None);
    }

    #[test]
    fn only_simple_lines_of_record_types_are_usage() {
        let lines: Vec<SummaryLine> = serde_json::from_value(serde_json::json!([
            {"type": "simple", "name": "Messaging", "alias": "messaging", "quantity": 3, "amount": "0.0120"},
            {"type": "simple", "name": "CNAM Listing", "alias": "cnam", "quantity": 1, "amount": "0.50"},
            {"type": "comparative", "name": "Local DIDs", "alias": "local",
             "new_this_month": {"mrc": "1.00", "quantity": 1}, "existing_this_month": {"mrc": "1.00", "quantity": 1}}
        ]))
        .unwrap();
        assert_eq!(
            usage_lines(&lines),
            vec![UsageLine {
                product: "messaging".into(),
                amount: dec("0.0120")
            }]
        );
        assert!(parse_month("2026-13").is_err());
        assert_eq!(parse_month("2026-11").unwrap().to_string(), "2026-11-01");
    }
}
