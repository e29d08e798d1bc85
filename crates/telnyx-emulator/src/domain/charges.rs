//! Charges summary and breakdown, computed from the ledger.
//!
//! Charging model: a number's one-time activation fee and its first monthly charges fall
//! on its purchase date ("new this month"); later monthly charges fall on the first of each
//! month ("existing"); every detail record with a cost is a usage entry at its time, shown as
//! a `simple` line per product. A range `[start_date, end_date)` includes the entries dated
//! inside it, so an invoice for month M equals the summary for `[M-01, (M+1)-01)`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::ledger::{EntryKind, EntryRef, ACTIVATION};
use crate::model::{AccountData, CostType, PhoneNumber, Service, SEEDED_TYPES};
use crate::util::{day_start, money, next_month_start};

/// A validated `[start, end)` date range (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day.
    pub start: NaiveDate,
    /// Day after the last.
    pub end: NaiveDate,
}

/// One number charge inside a range.
#[derive(Debug, Clone)]
pub struct Charge<'a> {
    /// Index of the number.
    pub index: usize,
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
    /// The amount charged (positive).
    pub amount: Decimal,
}

/// Every number charge of the ledger dated in `[start, end)`, in time order.
pub fn charges(d: &AccountData, start: NaiveDate, end: NaiveDate) -> Vec<Charge<'_>> {
    let mut out = Vec::new();
    for e in d.ledger.range(day_start(start), day_start(end)) {
        let EntryRef::Service {
            number,
            service,
            new,
        } = e.reference
        else {
            continue;
        };
        let index = usize::from(number);
        let Some(n) = d.numbers.get(index) else {
            continue;
        };
        let (svc, cost_type, primary) = match service {
            ACTIVATION => (&n.activation, CostType::Otc, false),
            0 => (&n.primary, CostType::Mrc, true),
            k => match n.addons.get(usize::from(k) - 1) {
                Some(a) => (a, CostType::Mrc, false),
                None => continue,
            },
        };
        out.push(Charge {
            index,
            number: n,
            service: svc,
            cost_type,
            primary,
            new,
            amount: -e.amount,
        });
    }
    out
}

/// Usage in a range per seeded record type: (count, amount charged), in `SEEDED_TYPES` order.
pub fn usage(d: &AccountData, start: NaiveDate, end: NaiveDate) -> Vec<(u64, Decimal)> {
    let mut out = vec![(0u64, Decimal::ZERO); SEEDED_TYPES.len()];
    for e in d.ledger.range(day_start(start), day_start(end)) {
        if let (EntryKind::Usage, EntryRef::Record { ty, .. }) = (e.kind, e.reference) {
            if let Some(slot) = out.get_mut(usize::from(ty)) {
                slot.0 += 1;
                slot.1 -= e.amount;
            }
        }
    }
    out
}

/// The `total` block and the grand total.
pub fn compute_summary(d: &AccountData, start: NaiveDate, end: NaiveDate) -> (Value, Decimal) {
    let cs = charges(d, start, end);
    let sum_of =
        |it: &mut dyn Iterator<Item = &Charge<'_>>| -> Decimal { it.map(|c| c.amount).sum() };
    let mut lines = Vec::new();
    for (alias, name) in [("local", "Local DIDs"), ("tollfree", "Toll-Free DIDs")] {
        if !d.numbers.iter().any(|n| n.primary.alias == alias) {
            continue;
        }
        let sel = |new: bool| {
            cs.iter()
                .filter(move |c| c.primary && c.new == new && c.service.alias == alias)
        };
        let otc_new = sum_of(
            &mut cs
                .iter()
                .filter(|c| c.cost_type == CostType::Otc && c.number.primary.alias == alias),
        );
        lines.push(json!({
            "type": "comparative",
            "name": name,
            "alias": alias,
            "new_this_month": {
                "quantity": sel(true).count(),
                "mrc": money(sum_of(&mut sel(true))),
                "otc": money(otc_new),
            },
            "existing_this_month": {
                "quantity": sel(false).count(),
                "mrc": money(sum_of(&mut sel(false))),
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
            "amount": money(sel.iter().map(|c| c.amount).sum()),
        }));
    }
    let mut usage_total = Decimal::ZERO;
    // Conference and conference-participant records share a product line.
    let mut products: Vec<((&str, &str), u64, Decimal)> = Vec::new();
    for (ty, (count, amount)) in SEEDED_TYPES.iter().zip(usage(d, start, end)) {
        if count == 0 {
            continue;
        }
        usage_total += amount;
        match products.iter_mut().find(|p| p.0 == ty.product) {
            Some(p) => {
                p.1 += count;
                p.2 += amount;
            }
            None => products.push((ty.product, count, amount)),
        }
    }
    for ((name, alias), count, amount) in products {
        lines.push(json!({
            "type": "simple",
            "name": name,
            "alias": alias,
            "quantity": count,
            "amount": money(amount),
        }));
    }
    let sum = |f: &dyn Fn(&Charge<'_>) -> bool| -> Decimal {
        cs.iter().filter(|c| f(c)).map(|c| c.amount).sum()
    };
    let new_mrc = sum(&|c| c.primary && c.new);
    let existing_mrc = sum(&|c| c.primary && !c.new);
    let new_otc = sum(&|c| c.cost_type == CostType::Otc);
    let other = sum(&|c| !c.primary && c.cost_type == CostType::Mrc) + usage_total;
    let adjustments: Vec<(Decimal, &crate::model::Adjustment)> = d
        .ledger
        .range(day_start(start), day_start(end))
        .iter()
        .filter_map(|e| match e.reference {
            EntryRef::Adjustment(i) => d.adjustments.get(i as usize).map(|a| (-e.amount, a)),
            _ => None,
        })
        .collect();
    let credits: Decimal = adjustments.iter().map(|(x, _)| *x).sum();
    let grand = new_mrc + existing_mrc + new_otc + other + credits;
    let body = json!({
        "currency": "USD",
        "start_date": start.to_string(),
        "end_date": end.to_string(),
        "user_email": d.user_email,
        "user_id": d.user_id,
        "summary": {
            "adjustments": adjustments.iter().map(|(x, a)| json!({
                "amount": money(*x),
                "description": a.description,
                "event_date": a.date.to_string(),
            })).collect::<Vec<_>>(),
            "lines": lines,
        },
        "total": {
            "credits": money(credits),
            "existing_mrc": money(existing_mrc),
            "grand_total": money(grand),
            "ledger_adjustments": "0.00",
            "new_mrc": money(new_mrc),
            "new_otc": money(new_otc),
            "other": money(other),
        },
    });
    (body, grand)
}

/// The grand total of the month starting at `month` (what its invoice totals).
pub fn month_total(d: &AccountData, month: NaiveDate) -> Decimal {
    compute_summary(d, month, next_month_start(month)).1
}

/// Per-number service rows, numbers in account order: (number, [(name, cost_type, amount)]).
pub fn breakdown_rows(d: &AccountData, start: NaiveDate, end: NaiveDate) -> Vec<NumberRows<'_>> {
    let mut cs = charges(d, start, end);
    cs.sort_by_key(|c| c.index);
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
            Some(s) => s.2 += c.amount,
            None => services.push((c.service.name, c.cost_type, c.amount)),
        }
    }
    out
}

/// A number and its aggregated services: (name, cost type, amount).
pub type NumberRows<'a> = (&'a PhoneNumber, Vec<(&'static str, CostType, Decimal)>);

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
                    "name": name, "cost": money(*cents), "cost_type": ct.as_str(),
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
                &money(*cents),
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
        let d = crate::seed::test_account();
        let inv = &d.invoices[d.invoices.len() - 1];
        let r = DateRange {
            start: inv.period_start,
            end: next_month_start(inv.period_start),
        };
        let s = summary(&d, r);
        assert_eq!(s["total"]["grand_total"], money(inv.total));
        assert_eq!(month_total(&d, inv.period_start), inv.total);
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
