//! Charges summary and breakdown, computed from per-number charges.
//!
//! Charging model: a number's one-time activation fee and its first monthly charges fall
//! on its purchase date ("new this month"); later monthly charges fall on the first of each
//! month ("existing"). A range `[start_date, end_date)` includes the charges dated inside it,
//! so an invoice for month M equals the summary for `[M-01, (M+1)-01)`.

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::model::{AccountData, CostType, PhoneNumber, Service};
use crate::util::{cents_str, month_start, next_month_start};

/// A validated `[start, end)` date range (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day.
    pub start: NaiveDate,
    /// Day after the last.
    pub end: NaiveDate,
}

/// One charge inside a range.
#[derive(Debug, Clone)]
pub struct Charge<'a> {
    /// The number.
    pub number: &'a PhoneNumber,
    /// The service.
    pub service: &'a Service,
    /// MRC or OTC.
    pub cost_type: CostType,
    /// True for the number's own MRC (not an add-on and not the OTC).
    pub primary: bool,
    /// True in the purchase month.
    pub new: bool,
}

/// Every charge dated in `[start, end)`.
pub fn charges(d: &AccountData, start: NaiveDate, end: NaiveDate) -> Vec<Charge<'_>> {
    let mut out = Vec::new();
    for n in &d.numbers {
        let mut push = |service, cost_type, primary, new| {
            out.push(Charge {
                number: n,
                service,
                cost_type,
                primary,
                new,
            });
        };
        if n.purchased >= start && n.purchased < end && n.purchased <= d.today {
            push(&n.activation, CostType::Otc, false, true);
            push(&n.primary, CostType::Mrc, true, true);
            for a in &n.addons {
                push(a, CostType::Mrc, false, true);
            }
        }
        let mut m = month_start(start).max(next_month_start(n.purchased));
        if m < start {
            m = next_month_start(m);
        }
        while m < end && m <= d.today {
            push(&n.primary, CostType::Mrc, true, false);
            for a in &n.addons {
                push(a, CostType::Mrc, false, false);
            }
            m = next_month_start(m);
        }
    }
    out
}

/// The `total` block and the grand total in cents.
pub fn compute_summary(d: &AccountData, start: NaiveDate, end: NaiveDate) -> (Value, i64) {
    let cs = charges(d, start, end);
    let mut lines = Vec::new();
    for (alias, name) in [("local", "Local DIDs"), ("tollfree", "Toll-Free DIDs")] {
        if !d.numbers.iter().any(|n| n.primary.alias == alias) {
            continue;
        }
        let sel = |new: bool| {
            cs.iter()
                .filter(move |c| c.primary && c.new == new && c.service.alias == alias)
        };
        let otc_new: i64 = cs
            .iter()
            .filter(|c| c.cost_type == CostType::Otc && c.number.primary.alias == alias)
            .map(|c| c.service.cents)
            .sum();
        lines.push(json!({
            "type": "comparative",
            "name": name,
            "alias": alias,
            "new_this_month": {
                "quantity": sel(true).count(),
                "mrc": cents_str(sel(true).map(|c| c.service.cents).sum()),
                "otc": cents_str(otc_new),
            },
            "existing_this_month": {
                "quantity": sel(false).count(),
                "mrc": cents_str(sel(false).map(|c| c.service.cents).sum()),
                "otc": "0.00",
            },
        }));
    }
    let mut addon_aliases: Vec<(&str, &str)> = Vec::new();
    for c in cs
        .iter()
        .filter(|c| !c.primary && c.cost_type == CostType::Mrc)
    {
        if !addon_aliases.iter().any(|(a, _)| *a == c.service.alias) {
            addon_aliases.push((c.service.alias, c.service.name));
        }
    }
    for (alias, name) in &addon_aliases {
        let sel: Vec<_> = cs
            .iter()
            .filter(|c| !c.primary && c.cost_type == CostType::Mrc && c.service.alias == *alias)
            .collect();
        lines.push(json!({
            "type": "simple",
            "name": name,
            "alias": alias,
            "quantity": sel.len(),
            "amount": cents_str(sel.iter().map(|c| c.service.cents).sum()),
        }));
    }
    let sum = |f: &dyn Fn(&Charge<'_>) -> bool| -> i64 {
        cs.iter().filter(|c| f(c)).map(|c| c.service.cents).sum()
    };
    let new_mrc = sum(&|c| c.primary && c.new);
    let existing_mrc = sum(&|c| c.primary && !c.new);
    let new_otc = sum(&|c| c.cost_type == CostType::Otc);
    let other = sum(&|c| !c.primary && c.cost_type == CostType::Mrc);
    let adjustments: Vec<_> = d
        .adjustments
        .iter()
        .filter(|a| a.date >= start && a.date < end)
        .collect();
    let credits: i64 = adjustments.iter().map(|a| a.cents).sum();
    let grand = new_mrc + existing_mrc + new_otc + other + credits;
    let body = json!({
        "currency": "USD",
        "start_date": start.to_string(),
        "end_date": end.to_string(),
        "user_email": d.user_email,
        "user_id": d.user_id,
        "summary": {
            "adjustments": adjustments.iter().map(|a| json!({
                "amount": cents_str(a.cents),
                "description": a.description,
                "event_date": a.date.to_string(),
            })).collect::<Vec<_>>(),
            "lines": lines,
        },
        "total": {
            "credits": cents_str(credits),
            "existing_mrc": cents_str(existing_mrc),
            "grand_total": cents_str(grand),
            "ledger_adjustments": "0.00",
            "new_mrc": cents_str(new_mrc),
            "new_otc": cents_str(new_otc),
            "other": cents_str(other),
        },
    });
    (body, grand)
}

/// The grand total of the month starting at `month` (what its invoice totals).
pub fn month_total(d: &AccountData, month: NaiveDate) -> i64 {
    compute_summary(d, month, next_month_start(month)).1
}

/// Per-number service rows: (number, [(name, cost_type, cents)]).
pub fn breakdown_rows(d: &AccountData, start: NaiveDate, end: NaiveDate) -> Vec<NumberRows<'_>> {
    let cs = charges(d, start, end);
    let mut out: Vec<NumberRows<'_>> = Vec::new();
    for c in cs {
        let idx = match out.iter().position(|(n, _)| std::ptr::eq(*n, c.number)) {
            Some(i) => i,
            None => {
                out.push((c.number, Vec::new()));
                out.len() - 1
            }
        };
        let services = &mut out[idx].1;
        match services
            .iter_mut()
            .find(|(n, t, _)| *n == c.service.name && *t == c.cost_type)
        {
            Some(s) => s.2 += c.service.cents,
            None => services.push((c.service.name, c.cost_type, c.service.cents)),
        }
    }
    out
}

/// A number and its aggregated services: (name, cost type, cents).
pub type NumberRows<'a> = (&'a PhoneNumber, Vec<(&'static str, CostType, i64)>);

/// The `charges_summary` object.
pub fn summary(d: &AccountData, r: DateRange) -> Value {
    compute_summary(d, r.start, r.end).0
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The `charges_breakdown` object.
pub fn breakdown_json(d: &AccountData, r: DateRange) -> Value {
    let rows = breakdown_rows(d, r.start, r.end);
    let results: Vec<Value> = rows
        .iter()
        .map(|(n, services)| {
            json!({
                "tn": n.tn,
                "charge_type": n.charge_type,
                "service_owner_email": d.user_email,
                "service_owner_user_id": d.user_id,
                "services": services.iter().map(|(name, ct, cents)| json!({
                    "name": name, "cost": cents_str(*cents), "cost_type": ct.as_str(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "currency": "USD",
        "start_date": r.start.to_string(),
        "end_date": r.end.to_string(),
        "user_email": d.user_email,
        "user_id": d.user_id,
        "results": results,
    })
}

/// The `charges_breakdown` as CSV, one row per number and service.
pub fn breakdown_csv(d: &AccountData, r: DateRange) -> String {
    let rows = breakdown_rows(d, r.start, r.end);
    let mut out = String::from("tn,charge_type,service_name,cost_type,cost,currency,service_owner_email,service_owner_user_id\n");
    for (n, services) in &rows {
        for (name, ct, cents) in services {
            let fields = [
                n.tn.as_str(),
                n.charge_type,
                name,
                ct.as_str(),
                &cents_str(*cents),
                "USD",
                &d.user_email,
                &d.user_id,
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_month_equals_summary_and_csv_matches_json() {
        let d = crate::domain::test_account();
        let inv = &d.invoices[d.invoices.len() - 1];
        let r = DateRange {
            start: inv.period_start,
            end: next_month_start(inv.period_start),
        };
        let s = summary(&d, r);
        assert_eq!(
            s["total"]["grand_total"],
            cents_str(month_total(&d, inv.period_start))
        );
        let j = breakdown_json(&d, r);
        let services: usize = j["results"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|n| n["services"].as_array().map_or(0, Vec::len))
                    .sum()
            })
            .unwrap_or(0);
        assert_eq!(breakdown_csv(&d, r).lines().count(), services + 1);
    }
}
