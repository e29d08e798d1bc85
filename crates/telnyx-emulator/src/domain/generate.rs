//! The row generator: one detail record of a seeded type, as an account's traffic produces it
//! (used when an account is seeded and by every advance of its clock).
//!
//! Each record type has its own step ([`messaging`], [`call_control`]...) that draws its fields
//! in order from the account's generator: the order of the draws is part of the contract, since
//! replaying an advance after a restart must produce the same records.

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

use super::billing::billed_seconds;
use crate::model::{Fv, Interner, PhoneNumber, RecordType};
use crate::util::uuid_from;

pub(crate) const REMOTE: [&str; 8] = [
    "+13125550456",
    "+14155550123",
    "+16465554567",
    "+12065550199",
    "+447700900456",
    "+13055550142",
    "+17375550456",
    "+15125550987",
];
const CARRIERS: [&str; 4] = [
    "T-Mobile USA",
    "Verizon Wireless",
    "AT&T Wireless",
    "Vodafone UK",
];

/// `n` scaled by `10^-scale`, exactly.
fn d(n: i64, scale: u32) -> Decimal {
    Decimal::new(n, scale)
}

/// The context a generated record draws on.
pub(crate) struct RowCtx<'a> {
    /// The account's user id.
    pub user_id: &'a str,
    /// The account's organization id.
    pub org_id: &'a str,
    /// The account's own numbers (one side of every call and message).
    pub own: Vec<&'a str>,
}

impl<'a> RowCtx<'a> {
    /// The context of an account's numbers and ids.
    pub fn new(user_id: &'a str, org_id: &'a str, numbers: &'a [PhoneNumber]) -> RowCtx<'a> {
        RowCtx {
            user_id,
            org_id,
            own: numbers.iter().map(|p| p.tn.as_str()).collect(),
        }
    }
}

/// One record being generated: its type, sequence number and time, and what it draws on.
struct Row<'r, 'a> {
    ty: &'r RecordType,
    rng: &'r mut fastrand::Rng,
    i: u64,
    t: DateTime<Utc>,
    ctx: &'r RowCtx<'a>,
    strings: &'r mut Interner,
}

impl<'a> Row<'_, 'a> {
    /// One of the account's own numbers.
    fn own(&mut self) -> &'a str {
        self.ctx
            .own
            .get(self.rng.usize(..self.ctx.own.len().max(1)))
            .copied()
            .unwrap_or("+13125550100")
    }

    /// A number on the other side of a call or message.
    fn remote(&mut self) -> &'static str {
        REMOTE[self.rng.usize(..REMOTE.len())]
    }

    /// The two ends of a call or message, `(from, to)`: one of the account's numbers on the
    /// side that `outbound` says.
    fn ends(&mut self, outbound: bool) -> (&'a str, &'a str) {
        if outbound {
            (self.own(), self.remote())
        } else {
            (self.remote(), self.own())
        }
    }

    /// A string value, shared with the other records' copies.
    fn s(&mut self, x: &str) -> Fv {
        Fv::S(self.strings.get(x))
    }

    /// `rare` one time in `n`, else `usual`.
    fn one_in(&mut self, n: u8, rare: &str, usual: &str) -> Fv {
        let v = if self.rng.u8(0..n) == 0 { rare } else { usual };
        self.s(v)
    }

    /// A fresh UUID value.
    fn id(&mut self) -> Fv {
        Fv::S(uuid_from(self.rng).into())
    }
}

/// One detail record of type `ty` at time `t` (`i` is its sequence number), in field order;
/// `None` for a type the emulator does not generate.
pub(crate) fn gen_row(
    ty: &RecordType,
    rng: &mut fastrand::Rng,
    i: u64,
    t: DateTime<Utc>,
    ctx: &RowCtx<'_>,
    strings: &mut Interner,
) -> Option<Vec<Fv>> {
    let step: fn(&mut Row<'_, '_>) -> Vec<Fv> = match ty.filter {
        "messaging" => messaging,
        "call-control" => call_control,
        "conference" => conference,
        "conference-participant" => conference_participant,
        "amd" => amd,
        "verify" => verify,
        "wireless" => wireless,
        "media_storage" => media_storage,
        _ => return None,
    };
    let values = step(&mut Row {
        ty,
        rng,
        i,
        t,
        ctx,
        strings,
    });
    debug_assert_eq!(values.len(), ty.fields.len(), "{} row width", ty.filter);
    Some(values)
}

/// A message detail record.
fn messaging(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    let i = r.i;
    let outbound = r.rng.u8(0..10) < 7;
    let mms = r.rng.u8(0..10) < 2;
    let parts = if mms { 1 } else { r.rng.i64(1..=3) };
    let rate = if mms { d(150, 4) } else { d(40, 4) };
    let failed = outbound && r.rng.u8(0..20) == 0;
    let status = if failed {
        "failed"
    } else if outbound {
        "delivered"
    } else {
        "received"
    };
    let (cli, cld) = r.ends(outbound);
    let done = t + Duration::seconds(r.rng.i64(1..20));
    vec![
        r.id(),
        r.s(r.ctx.user_id),
        r.s(r.ty.wire),
        Fv::T(t),
        Fv::T(t + Duration::seconds(1)),
        Fv::T(done),
        Fv::T(done),
        r.s(if outbound { "outbound" } else { "inbound" }),
        r.s(if mms { "MMS" } else { "SMS" }),
        r.s(status),
        r.s(if failed {
            "delivery_failed"
        } else {
            "delivery_succeeded"
        }),
        r.s(cli),
        r.s(cld),
        r.s(if cld.starts_with("+44") { "GB" } else { "US" }),
        r.s("US"),
        {
            let v = CARRIERS[r.rng.usize(..CARRIERS.len())];
            r.s(v)
        },
        r.s("310"),
        r.s("260"),
        Fv::I(parts),
        Fv::D(rate, 4),
        Fv::D(rate * Decimal::from(parts), 4),
        Fv::D(if outbound { d(30, 4) } else { d(0, 4) }, 4),
        r.s("USD"),
        r.s("40017f3b-ccd4-4d4c-9ea4-7d1c2f5a2b11"),
        r.s("Default messaging profile"),
        Fv::A(if failed {
            vec!["40008".into()].into()
        } else {
            Box::default()
        }),
        Fv::B(false),
        Fv::B(false),
        r.s(if i % 3 == 0 { "campaign-a" } else { "" }),
    ]
}

/// A Call Control detail record.
fn call_control(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    let outbound = r.rng.bool();
    let secs = r.rng.i64(5..900);
    let billed = billed_seconds(secs);
    let rate = if outbound { d(70, 4) } else { d(35, 4) };
    let (cli, cld) = r.ends(outbound);
    vec![
        r.id(),
        r.s(r.ctx.user_id),
        r.s(r.ty.wire),
        r.id(),
        r.id(),
        Fv::T(t),
        Fv::T(t + Duration::seconds(secs)),
        r.s(if outbound { "outbound" } else { "inbound" }),
        r.s(cli),
        r.s(cld),
        Fv::I(secs),
        Fv::I(billed),
        Fv::D(rate, 4),
        r.s("minutes"),
        Fv::D(rate * Decimal::from(billed / 60), 4),
        r.s("USD"),
        r.s("1684947189014463919"),
        r.s("Main call control app"),
        r.one_in(5, "user_busy", "normal_clearing"),
        Fv::B(true),
        r.s(""),
    ]
}

/// A conference detail record.
fn conference(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    let secs = r.rng.i64(60..3600);
    let count = r.rng.i64(2..8);
    vec![
        r.id(),
        r.s(r.ctx.user_id),
        r.s(r.ty.wire),
        Fv::S(format!("Conference {}", r.rng.u32(100..999)).into()),
        {
            let v = ["ch1", "dc2", "ams1"][r.rng.usize(..3)];
            r.s(v)
        },
        r.id(),
        r.id(),
        r.s("1583941447772537867"),
        Fv::T(t),
        Fv::T(t + Duration::seconds(secs)),
        Fv::T(t + Duration::seconds(secs + 3600)),
        Fv::I(secs),
        Fv::I(count),
        Fv::I(secs * count),
        Fv::B(false),
    ]
}

/// A conference participant detail record.
fn conference_participant(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    let secs = r.rng.i64(30..3600);
    let billed = billed_seconds(secs);
    let rate = d(20, 4);
    vec![
        r.id(),
        r.s(r.ctx.user_id),
        r.s(r.ty.wire),
        r.id(),
        r.id(),
        r.id(),
        Fv::T(t),
        Fv::T(t + Duration::seconds(secs)),
        Fv::I(secs),
        Fv::I(billed),
        {
            let v = r.remote();
            r.s(v)
        },
        {
            let v = r.own();
            r.s(v)
        },
        Fv::D(rate, 4),
        r.s("minutes"),
        Fv::D(rate * Decimal::from(billed / 60), 4),
        r.s("USD"),
        Fv::B(true),
    ]
}

/// An answering machine detection record.
fn amd(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    vec![
        r.id(),
        r.s(r.ty.wire),
        r.id(),
        r.id(),
        r.s("1684947189014463919"),
        r.s("Main call control app"),
        r.s("01977831-abdd-4894-84f3-244385621424"),
        r.s("Default billing group"),
        r.s("PREMIUM"),
        Fv::T(t),
        Fv::B(true),
        Fv::D(d(20, 4), 4),
        r.s("invocations"),
        Fv::D(d(20, 4), 4),
        r.s("USD"),
        r.s(""),
    ]
}

/// A Verify (2FA) record.
fn verify(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    let ch = ["sms", "call", "flashcall", "psd2"][r.rng.usize(..4)];
    let ok = r.rng.u8(0..10) < 8;
    vec![
        r.id(),
        r.s(r.ty.wire),
        Fv::T(t),
        Fv::T(t + Duration::seconds(r.rng.i64(5..120))),
        {
            let v = r.remote();
            r.s(v)
        },
        r.s(ch),
        r.id(),
        r.s("49000176-1ab2-8bc1-352e-4009f6c37f82"),
        r.s(if ok { "accepted" } else { "expired" }),
        r.s(if ok { "delivered" } else { "failed" }),
        Fv::D(d(300, 4), 4),
        r.s("number of occurrences"),
        Fv::D(d(50, 4), 4),
        r.s("USD"),
    ]
}

/// A wireless SIM card usage record.
fn wireless(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    let i = r.i;
    let up = r.rng.i64(0..50_000);
    let down = r.rng.i64(0..200_000);
    let mb = d(up + down, 3);
    vec![
        r.id(),
        r.s(r.ty.wire),
        Fv::T(t),
        Fv::T(t + Duration::seconds(r.rng.i64(60..7200))),
        r.id(),
        r.s("6b14e151-8493-4fa1-8664-1cc4e6d14158"),
        r.s("Fleet SIMs"),
        Fv::S(format!("3114800{:08}", r.rng.u32(0..100_000_000)).into()),
        Fv::S(format!("100.64.{}.{}", r.rng.u8(0..255), r.rng.u8(1..255)).into()),
        r.s("310"),
        r.s("410"),
        {
            let v = r.own();
            r.s(v)
        },
        r.s("MB"),
        Fv::D(d(100, 4), 4),
        Fv::N(d(up, 3)),
        Fv::N(d(down, 3)),
        Fv::N((mb * d(100, 4)).round_dp(4)),
        r.s("USD"),
        r.s(if i % 2 == 0 { "fleet" } else { "" }),
    ]
}

/// A media storage record.
fn media_storage(r: &mut Row<'_, '_>) -> Vec<Fv> {
    let t = r.t;
    let action = ["upload", "download", "delete"][r.rng.usize(..3)];
    vec![
        r.id(),
        r.s(r.ctx.user_id),
        r.s(r.ctx.org_id),
        r.s(r.ty.wire),
        Fv::T(t),
        r.s(action),
        r.id(),
        r.id(),
        r.s("message"),
        r.one_in(10, "failed", "success"),
        Fv::D(d(1, 4), 4),
        r.s("events"),
        Fv::D(d(1, 4), 4),
        r.s("USD"),
        r.id(),
    ]
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::model::{Kind, ALL_TYPES, SEEDED_TYPES};

    fn numbers() -> Vec<PhoneNumber> {
        let n = crate::seed::test_account();
        n.numbers
    }

    fn kind_of(v: &Fv) -> Kind {
        match v {
            Fv::S(_) => Kind::Str,
            Fv::I(_) => Kind::Int,
            Fv::N(_) => Kind::Num,
            Fv::B(_) => Kind::Bool,
            Fv::T(_) => Kind::Time,
            Fv::D(..) => Kind::Dec,
            Fv::A(_) => Kind::Arr,
        }
    }

    fn row(
        ty: &RecordType,
        seed: u64,
        i: u64,
        t: DateTime<Utc>,
        own: &[PhoneNumber],
    ) -> Option<Vec<Fv>> {
        let ctx = RowCtx::new("user-1", "org-1", own);
        let mut rng = fastrand::Rng::with_seed(seed);
        gen_row(ty, &mut rng, i, t, &ctx, &mut Interner::default())
    }

    proptest! {
        #[test]
        fn every_seeded_row_fits_its_schema(seed: u64, i in 0u64..10_000, secs in 0i64..400_000_000) {
            let t = Utc.timestamp_opt(1_600_000_000 + secs, 0).single().unwrap_or_default();
            let own = numbers();
            for ty in SEEDED_TYPES {
                let values = row(ty, seed, i, t, &own);
                prop_assert!(values.is_some(), "{} is not generated", ty.filter);
                let values = values.unwrap_or_default();
                // One value per field, of the field's kind.
                prop_assert_eq!(values.len(), ty.fields.len(), "{}", ty.filter);
                for ((name, kind), v) in ty.fields.iter().zip(&values) {
                    prop_assert_eq!(kind_of(v), *kind, "{}.{}", ty.filter, name);
                }
                // The record happens at the time it is generated for.
                let (date, _) = ty.field(ty.date_field).unwrap_or((usize::MAX, Kind::Str));
                prop_assert_eq!(values.get(date), Some(&Fv::T(t)), "{}", ty.filter);
                // Its cost is money, never negative.
                if let Some((c, _)) = ty.cost_field.and_then(|f| ty.field(f)) {
                    let cost = values.get(c).and_then(crate::domain::billing::fv_amount);
                    prop_assert!(cost.is_some_and(|c| c >= Decimal::ZERO), "{} cost {:?}", ty.filter, cost);
                }
                // The same draw gives the same record (replaying an advance rebuilds it).
                prop_assert_eq!(row(ty, seed, i, t, &own), Some(values));
            }
        }

        #[test]
        fn calls_and_messages_involve_one_of_the_accounts_numbers(seed: u64, i in 0u64..1000) {
            let own = numbers();
            let t = Utc.timestamp_opt(1_700_000_000, 0).single().unwrap_or_default();
            for ty in SEEDED_TYPES.iter().filter(|t| ["messaging", "call-control"].contains(&t.filter)) {
                let values = row(ty, seed, i, t, &own).unwrap_or_default();
                let text = |f: &str| match ty.field(f).and_then(|(k, _)| values.get(k)) {
                    Some(Fv::S(s)) => s.to_string(),
                    _ => String::new(),
                };
                let (cli, cld) = (text("cli"), text("cld"));
                prop_assert!(
                    own.iter().any(|n| n.tn == cli || n.tn == cld),
                    "{}: neither {} nor {} is the account's", ty.filter, cli, cld
                );
            }
        }
    }

    #[test]
    fn types_that_are_not_seeded_generate_nothing() {
        let own = numbers();
        let t = Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .unwrap_or_default();
        let unseeded: Vec<_> = ALL_TYPES
            .iter()
            .filter(|t| !SEEDED_TYPES.iter().any(|s| s.filter == t.filter))
            .collect();
        assert!(!unseeded.is_empty());
        for ty in unseeded {
            assert_eq!(row(ty, 1, 0, t, &own), None, "{}", ty.filter);
        }
    }
}
