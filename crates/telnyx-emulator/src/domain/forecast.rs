//! When the next auto-recharge would fire if the account's current traffic goes on: each
//! record type's rate (records per virtual day) priced at that type's average cost per record
//! so far, plus every number's monthly charges on each 1st. An estimate for people (the
//! console shows it); an advance itself decides, record by record.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::billing::monthly_charges;
use crate::model::{AccountData, SEEDED_TYPES};
use crate::util::month_start;

/// How far ahead a forecast looks, in months.
pub const HORIZON_MONTHS: u32 = 120;

/// When the next auto-recharge fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fires {
    /// Auto-recharge is off.
    Off,
    /// The balance is already below the threshold: the next debit recharges (or one is
    /// pending).
    Due,
    /// Around this day.
    On(NaiveDate),
    /// Not within [`HORIZON_MONTHS`] at this rate (or nothing is spent at all).
    NotSoon,
}

/// The forecast and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Traffic per type (records per day) with its average cost per record; `None` for a type
    /// with no record yet, which counts as free.
    pub rates: Vec<(&'static str, u32, Option<Decimal>)>,
    /// Usage cost per virtual day at the current traffic (positive).
    pub usage_per_day: Decimal,
    /// The numbers' monthly charges on the next 1st (positive).
    pub monthly: Decimal,
    /// When the next recharge fires.
    pub fires: Fires,
}

/// The forecast for `d` at its current clock, balance, traffic and auto-recharge settings.
pub fn next_recharge(d: &AccountData) -> Forecast {
    let rates: Vec<(&'static str, u32, Option<Decimal>)> = d
        .traffic
        .iter()
        .filter(|(_, rate)| **rate > 0)
        .map(|(name, rate)| {
            let cost = SEEDED_TYPES
                .iter()
                .position(|t| t.filter == *name)
                .and_then(|ty| d.ledger.cost_per_record(ty));
            (*name, *rate, cost)
        })
        .collect();
    let usage_per_day: Decimal = rates
        .iter()
        .filter_map(|(_, rate, cost)| cost.map(|c| c * Decimal::from(*rate)))
        .sum();
    let today = d.today();
    let next_first = month_start(today)
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(today);
    let at = Utc.from_utc_datetime(&next_first.and_time(chrono::NaiveTime::MIN));
    let monthly: Decimal = d
        .numbers
        .iter()
        .enumerate()
        .filter(|(_, n)| n.purchased < next_first)
        .flat_map(|(i, n)| monthly_charges(u16::try_from(i).unwrap_or(u16::MAX), n, at))
        .map(|e| -e.amount)
        .sum();
    let fires = fires(d, today, usage_per_day, monthly);
    Forecast {
        rates,
        usage_per_day,
        monthly,
        fires,
    }
}

/// Walks month by month from `today`: the balance falls by `per_day` each day and by
/// `monthly` on each 1st; the recharge fires on the first day it ends below the threshold.
fn fires(d: &AccountData, today: NaiveDate, per_day: Decimal, monthly: Decimal) -> Fires {
    let threshold = Decimal::new(d.prefs.threshold_cents, 2);
    let mut balance = d.ledger.balance();
    if !d.prefs.enabled || d.prefs.recharge_cents <= 0 {
        return Fires::Off;
    }
    if balance < threshold {
        return Fires::Due;
    }
    if per_day <= Decimal::ZERO && monthly <= Decimal::ZERO {
        return Fires::NotSoon;
    }
    let mut day = today;
    for _ in 0..HORIZON_MONTHS {
        let Some(first) = month_start(day).checked_add_months(chrono::Months::new(1)) else {
            break;
        };
        let days = (first - day).num_days();
        if per_day > Decimal::ZERO {
            // After k whole days the balance is `balance - k * per_day`: below the threshold
            // from k = floor(headroom / per_day) + 1.
            let k = ((balance - threshold) / per_day).floor() + Decimal::ONE;
            if k < Decimal::from(days) {
                let k = k.to_u64().unwrap_or(0);
                return day
                    .checked_add_days(Days::new(k))
                    .map_or(Fires::NotSoon, Fires::On);
            }
        }
        balance -= per_day * Decimal::from(days) + monthly;
        if balance < threshold {
            return Fires::On(first);
        }
        day = first;
    }
    Fires::NotSoon
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::traffic;
    use chrono::Datelike;

    fn account(balance_cents: i64, threshold_cents: i64) -> AccountData {
        let mut d = crate::seed::test_account();
        // The seeded balance stays; the threshold moves so that the headroom above it is
        // `balance_cents - threshold_cents` (to the cent).
        let shift = d.ledger.balance() - Decimal::new(balance_cents, 2);
        d.prefs.enabled = true;
        d.prefs.recharge_cents = 5_000;
        d.prefs.threshold_cents = threshold_cents
            + i64::try_from((shift * Decimal::from(100)).trunc().mantissa()).unwrap_or(0);
        d
    }

    #[test]
    fn usage_at_the_current_traffic_prices_each_type_at_its_average() {
        let mut d = account(10_000, 1_000);
        d.traffic =
            traffic(&[("messaging".into(), 1000), ("verify".into(), 0)]).unwrap_or_default();
        let f = next_recharge(&d);
        let ty = SEEDED_TYPES
            .iter()
            .position(|t| t.filter == "messaging")
            .unwrap_or(0);
        let cost = d.ledger.cost_per_record(ty);
        assert!(cost.is_some_and(|c| c > Decimal::ZERO), "{cost:?}");
        assert_eq!(f.rates, vec![("messaging", 1000, cost)]);
        assert_eq!(
            f.usage_per_day,
            cost.unwrap_or_default() * Decimal::from(1000)
        );
        // Doubling the traffic (at most) halves the days to the recharge.
        let Fires::On(at) = f.fires.clone() else {
            panic!("{f:?}")
        };
        d.traffic = traffic(&[("messaging".into(), 2000)]).unwrap_or_default();
        let Fires::On(sooner) = next_recharge(&d).fires else {
            panic!("fires")
        };
        assert!(sooner < at, "{sooner} vs {at}");
    }

    #[test]
    fn the_day_is_where_the_balance_crosses_the_threshold() {
        let mut d = account(10_000, 1_000);
        d.numbers.clear();
        d.traffic = traffic(&[("messaging".into(), 1000)]).unwrap_or_default();
        let f = next_recharge(&d);
        let Fires::On(at) = f.fires else {
            panic!("{f:?}")
        };
        let k = (at - d.today()).num_days();
        let headroom = d.ledger.balance() - Decimal::new(d.prefs.threshold_cents, 2);
        // Still above after k - 1 days, below after k.
        assert!(headroom - f.usage_per_day * Decimal::from(k - 1) >= Decimal::ZERO);
        assert!(headroom - f.usage_per_day * Decimal::from(k) < Decimal::ZERO);
    }

    #[test]
    fn monthly_charges_alone_fire_on_a_first() {
        let mut d = account(10_000, 9_999);
        d.traffic = traffic(&[]).unwrap_or_default();
        let f = next_recharge(&d);
        assert!(f.monthly > Decimal::ZERO, "the test account has numbers");
        assert_eq!(f.usage_per_day, Decimal::ZERO);
        let Fires::On(at) = f.fires else {
            panic!("{f:?}")
        };
        assert_eq!(at.day(), 1);
    }

    #[test]
    fn off_due_and_nothing_spent() {
        let mut d = account(10_000, 1_000);
        d.prefs.enabled = false;
        assert_eq!(next_recharge(&d).fires, Fires::Off);
        let mut d = account(500, 1_000);
        d.traffic = traffic(&[]).unwrap_or_default();
        assert_eq!(next_recharge(&d).fires, Fires::Due);
        let mut d = account(10_000, 1_000);
        d.traffic = traffic(&[]).unwrap_or_default();
        d.numbers.clear();
        assert_eq!(next_recharge(&d).fires, Fires::NotSoon);
    }
}
