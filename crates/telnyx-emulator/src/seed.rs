//! Deterministic data generation: every account is a pure function of (API key, seed, the
//! clock's start), and the records an advance of the clock generates.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::config::{EmulatorError, SeedRequest};
use crate::domain::billing::past_entries;
use crate::domain::generate::{gen_row, RowCtx, REMOTE};
use crate::domain::webhooks::delivery_object;
use crate::ledger::Ledger;
use crate::model::*;
use crate::util::{day_start, fnv1a, key_hash, month_start, ts_ms, uuid_from, FNV_OFFSET};

/// Default detail records per seeded record type.
pub const DEFAULT_DETAIL_RECORDS: u64 = 40;
/// Default webhook deliveries.
pub const DEFAULT_WEBHOOK_DELIVERIES: u64 = 30;
/// Default audit events.
pub const DEFAULT_AUDIT_EVENTS: u64 = 20;
/// Largest size accepted for any one collection (and for all detail records together).
pub const MAX_SEED_SIZE: u64 = 2_000_000;

/// The 64-bit generator seed for (key, seed).
pub fn account_seed(key: &str, seed: u64) -> u64 {
    fnv1a(fnv1a(FNV_OFFSET, key.as_bytes()), &seed.to_le_bytes())
}

fn sub_rng(base: u64, tag: &str) -> fastrand::Rng {
    fastrand::Rng::with_seed(fnv1a(base, tag.as_bytes()))
}

/// Checks a seed request before any work is done.
pub fn validate(sizes: &SeedRequest) -> Result<(), EmulatorError> {
    if let Some(t) = &sizes.detail_record_type {
        if !SEEDED_TYPES.iter().any(|r| r.filter == t) {
            let names: Vec<&str> = SEEDED_TYPES.iter().map(|r| r.filter).collect();
            return Err(EmulatorError::InvalidArgument(format!(
                "detail_record_type must be one of {}",
                names.join(", ")
            )));
        }
    }
    let types = if sizes.detail_record_type.is_some() {
        1
    } else {
        SEEDED_TYPES.len() as u64
    };
    if sizes
        .detail_records
        .is_some_and(|n| n.saturating_mul(types) > MAX_SEED_SIZE)
    {
        return Err(EmulatorError::InvalidArgument(format!(
            "detail_records x record types must be at most {MAX_SEED_SIZE}; set detail_record_type to seed one type"
        )));
    }
    for (name, v) in [
        ("detail_records", sizes.detail_records),
        ("webhook_deliveries", sizes.webhook_deliveries),
        ("audit_events", sizes.audit_events),
    ] {
        if v.is_some_and(|v| v > MAX_SEED_SIZE) {
            return Err(EmulatorError::InvalidArgument(format!(
                "{name} must be at most {MAX_SEED_SIZE}"
            )));
        }
    }
    Ok(())
}

/// The default traffic profile (records per virtual day): a small business texting and calling.
pub const DEFAULT_TRAFFIC: [(&str, u32); 3] =
    [("messaging", 400), ("call-control", 40), ("verify", 5)];

/// The balance of a fresh account at its clock's start.
pub const OPENING_BALANCE_CENTS: i64 = 30_000;

/// Generates an account's data as of its clock's `start`: everything seeded is its past.
pub fn generate(key: &str, seed: u64, sizes: &SeedRequest, start: DateTime<Utc>) -> AccountData {
    let today = start.date_naive();
    let base = account_seed(key, seed);
    let mut rng = sub_rng(base, "account");
    let user_id = uuid_from(&mut rng);
    let organization_id = uuid_from(&mut rng);
    let hash = key_hash(key);
    let user_email = format!("user-{}@example.com", &hash[..8]);
    let midnight = day_start(today);

    let prefs = Prefs {
        id: rng
            .u64(1_000_000_000_000_000_000..9_000_000_000_000_000_000)
            .to_string(),
        enabled: true,
        invoice_enabled: true,
        preference: "credit_paypal".into(),
        recharge_cents: 10_400,
        threshold_cents: 10_400,
    };

    let numbers = gen_numbers(&mut sub_rng(base, "numbers"), today);
    let adjustments = gen_adjustments(&mut sub_rng(base, "adjustments"), &numbers, today);
    let invoices = gen_invoices(&mut sub_rng(base, "invoices"), today);

    let ctx = Ctx {
        user_id: user_id.clone(),
        org_id: organization_id.clone(),
        midnight,
        start,
        numbers: &numbers,
    };
    let mut records = HashMap::new();
    for ty in SEEDED_TYPES {
        let n = match (&sizes.detail_record_type, sizes.detail_records) {
            (Some(t), Some(n)) if t == ty.filter => n,
            (None, Some(n)) => n,
            _ => DEFAULT_DETAIL_RECORDS,
        };
        let mut r = sub_rng(base, ty.filter);
        records.insert(ty.filter, gen_records(ty, &mut r, n, &ctx));
    }
    let webhooks = gen_webhooks(
        &mut sub_rng(base, "webhooks"),
        sizes
            .webhook_deliveries
            .unwrap_or(DEFAULT_WEBHOOK_DELIVERIES),
        &ctx,
    );
    let audit_events = gen_audit(
        &mut sub_rng(base, "audit"),
        sizes.audit_events.unwrap_or(DEFAULT_AUDIT_EVENTS),
        &ctx,
    );
    let entries = past_entries(&numbers, &adjustments, &records, today);
    let ledger = Ledger::with_closing_balance(entries, Decimal::new(OPENING_BALANCE_CENTS, 2));

    let mut d = AccountData {
        key_hash: hash,
        user_id,
        user_email,
        organization_id,
        now: start,
        seed_base: base,
        ledger,
        credit_limit: Decimal::new(100, 0),
        pending: Vec::new(),
        traffic: DEFAULT_TRAFFIC.into_iter().collect(),
        prefs,
        numbers,
        adjustments,
        invoices,
        records,
        webhooks_by_id: crate::model::index_webhooks(&webhooks),
        webhooks,
        webhook: Default::default(),
        audit_events,
        number_tags: [
            "my-tag",
            "my-tag-2",
            "production",
            "support",
            "billing-team",
            "a b+c&d=é-tag",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        outbound_profile_tags: ["my-tag", "outbound-main", "campaign-2025"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        transactions: Vec::new(),
        idempotency: HashMap::new(),
    };
    // A bank (ACH) payment made yesterday that settles two days after the clock's start.
    let made = start - Duration::days(1);
    let txn = json!({
        "id": d.id_for("transaction", 0),
        "amount_cents": 1_000,
        "amount_currency": "USD",
        "auto_recharge": false,
        "created_at": crate::util::ts(made),
        "processor_status": "submitted_for_settlement",
        "record_type": "transaction",
        "transaction_processing_type": "stored_payment",
    });
    d.transactions.push(txn);
    d.pending.push(Pending {
        amount: Decimal::new(10, 0),
        settles_at: made + Duration::days(crate::domain::clock::ACH_SETTLE_DAYS),
        transaction: 0,
        auto: false,
    });
    for k in 0..d.invoices.len() {
        let month = d.invoices[k].period_start;
        d.invoices[k].total = crate::domain::charges::month_total(&d, month);
    }
    d
}

struct Ctx<'a> {
    user_id: String,
    org_id: String,
    midnight: DateTime<Utc>,
    start: DateTime<Utc>,
    numbers: &'a [PhoneNumber],
}

const AREA: [&str; 6] = ["312", "415", "646", "737", "206", "305"];

fn gen_numbers(rng: &mut fastrand::Rng, today: NaiveDate) -> Vec<PhoneNumber> {
    let n = rng.usize(4..=6);
    (0..n)
        .map(|i| {
            let toll_free = i % 3 == 0;
            let tn = if toll_free {
                format!("+1888555{:04}", rng.u32(0..10_000))
            } else {
                format!(
                    "+1{}555{:04}",
                    AREA[rng.usize(..AREA.len())],
                    rng.u32(0..10_000)
                )
            };
            // The first number is old (history for every invoice); one is bought this month.
            let back = match i {
                0 => rng.i64(800..1100),
                1 => rng.i64(0..i64::from(today.day()).max(1)),
                _ => rng.i64(20..500),
            };
            let purchased = today - Duration::days(back);
            let mut addons = Vec::new();
            if rng.bool() {
                addons.push(Service {
                    name: "CNAM Listing",
                    alias: "cnam",
                    cents: 50,
                });
            }
            if !toll_free && rng.u8(0..10) < 4 {
                addons.push(Service {
                    name: "E911 Address",
                    alias: "e911",
                    cents: 150,
                });
            }
            PhoneNumber {
                tn,
                charge_type: if toll_free { "toll_free" } else { "local" },
                purchased,
                primary: if toll_free {
                    Service {
                        name: "Toll-Free DID",
                        alias: "tollfree",
                        cents: 200,
                    }
                } else {
                    Service {
                        name: "Local DID",
                        alias: "local",
                        cents: 100,
                    }
                },
                addons,
                activation: Service {
                    name: "Number Activation",
                    alias: "activation",
                    cents: if toll_free { 200 } else { 100 },
                },
            }
        })
        .collect()
}

fn gen_adjustments(
    rng: &mut fastrand::Rng,
    numbers: &[PhoneNumber],
    today: NaiveDate,
) -> Vec<Adjustment> {
    let first = numbers.iter().map(|n| n.purchased).min().unwrap_or(today);
    let mut m = month_start(first);
    let mut out = Vec::new();
    while m <= today {
        if rng.u8(0..10) < 3 {
            let d = m + Duration::days(rng.i64(1..27));
            if d <= today {
                out.push(Adjustment {
                    date: d,
                    cents: -(rng.i64(1..=4) * 25),
                    description: "Credit for service outage",
                });
            }
        }
        m = match m.checked_add_months(Months::new(1)) {
            Some(x) => x,
            None => break,
        };
    }
    out
}

fn gen_invoices(rng: &mut fastrand::Rng, today: NaiveDate) -> Vec<Invoice> {
    let this_month = month_start(today);
    let mut out: Vec<Invoice> = (1..=12u32)
        .filter_map(|k| {
            let start = this_month.checked_sub_months(Months::new(k))?;
            let end = start.checked_add_months(Months::new(1))?.pred_opt()?;
            Some(Invoice {
                id: uuid_from(rng),
                file_id: uuid_from(rng),
                period_start: start,
                period_end: end,
                paid: k > 1,
                total: Decimal::ZERO,
            })
        })
        .collect();
    out.sort_by_key(|i| i.period_start);
    out
}

/// A record time before the clock's `start`: some yesterday, some earlier today (when today has
/// begun), the rest over the last 75 days.
fn record_time(rng: &mut fastrand::Rng, i: u64, start: DateTime<Utc>) -> DateTime<Utc> {
    let midnight = day_start(start.date_naive());
    let today_secs = (start - midnight).num_seconds();
    match i % 8 {
        0 => midnight - Duration::seconds(rng.i64(1..86_400)),
        1 if today_secs > 0 => midnight + Duration::seconds(rng.i64(0..today_secs.min(600))),
        1 => midnight - Duration::seconds(rng.i64(1..600)),
        _ => midnight - Duration::seconds(rng.i64(86_400..75 * 86_400)),
    }
}

fn gen_records(ty: &RecordType, rng: &mut fastrand::Rng, n: u64, ctx: &Ctx<'_>) -> Records {
    let row_ctx = RowCtx::new(&ctx.user_id, &ctx.org_id, ctx.numbers);
    let width = ty.fields.len();
    let cap = usize::try_from(n).unwrap_or(0).saturating_mul(width);
    let mut out = Vec::with_capacity(cap);
    let mut strings = Interner::default();
    for i in 0..n {
        let t = record_time(rng, i, ctx.start);
        match gen_row(ty, rng, i, t, &row_ctx, &mut strings) {
            Some(values) => out.extend(values),
            None => return Records::default(),
        }
    }
    // Oldest first by the type's date field.
    Records::from_rows(width, out, ty.field(ty.date_field).map(|(idx, _)| idx))
}

const EVENT_TYPES: [&str; 6] = [
    "call.initiated",
    "call.answered",
    "call.hangup",
    "message.sent",
    "message.finalized",
    "message.received",
];

fn attempt(status: &str, start: DateTime<Utc>, ms: i64, url: &str, code: u16, body: &str) -> Value {
    let mut a = json!({
        "status": status,
        "started_at": ts_ms(start),
        "finished_at": ts_ms(start + Duration::milliseconds(ms)),
        "http": {
            "request": {
                "url": url,
                "headers": [["Accept", "*/*"], ["Content-Type", "application/json"], ["User-Agent", "telnyx-webhooks"]]
            },
            "response": {
                "status": code,
                "headers": [["Content-Type", "text/plain"]],
                "body": body
            }
        }
    });
    if status == "failed" {
        a["errors"] = json!([75499]);
    }
    a
}

fn gen_webhooks(rng: &mut fastrand::Rng, n: u64, ctx: &Ctx<'_>) -> Vec<Webhook> {
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    let primary = "https://example.com/webhooks";
    let failover = "https://failover.example.com/webhooks";
    for i in 0..n {
        let started = ctx.midnight - Duration::seconds(rng.i64(60..30 * 86_400));
        let event_type = EVENT_TYPES[rng.usize(..EVENT_TYPES.len())];
        let failed = i % 4 == 3;
        let mut attempts = Vec::new();
        let mut t = started;
        let tries = if failed {
            3
        } else if rng.u8(0..10) < 3 {
            2
        } else {
            1
        };
        for k in 0..tries {
            let last = k + 1 == tries;
            let ms = rng.i64(80..900);
            let a = if failed || !last {
                let url = if k % 2 == 0 { primary } else { failover };
                attempt("failed", t, ms, url, 500, "Internal Server Error")
            } else {
                attempt(
                    "delivered",
                    t,
                    ms,
                    if k % 2 == 0 { primary } else { failover },
                    200,
                    "OK",
                )
            };
            t += Duration::milliseconds(ms + 1000 * (k + 1));
            attempts.push(a);
        }
        let finished = attempts
            .last()
            .and_then(|a| a["finished_at"].as_str())
            .and_then(crate::util::parse_time)
            .unwrap_or(t);
        attempts.reverse();
        let occurred = started - Duration::milliseconds(rng.i64(5..500));
        let webhook_id = uuid_from(rng);
        let tn = ctx
            .numbers
            .first()
            .map(|p| p.tn.clone())
            .unwrap_or_default();
        let webhook = json!({
            "id": webhook_id,
            "event_type": event_type,
            "occurred_at": ts_ms(occurred),
            "record_type": "event",
            "payload": {
                "id": uuid_from(rng),
                "from": REMOTE[rng.usize(..REMOTE.len())],
                "to": tn,
                "direction": "incoming",
                "state": if event_type.starts_with("call.") { "parked" } else { "sent" },
            }
        });
        let id = uuid_from(rng);
        let status = if failed { "failed" } else { "delivered" };
        let json = delivery_object(
            &id,
            &ctx.user_id,
            status,
            (started, finished),
            webhook,
            attempts,
        );
        out.push(Webhook::new(
            id,
            status,
            event_type.into(),
            started,
            finished,
            &json,
        ));
    }
    out.sort_by_key(|w| std::cmp::Reverse(w.started_at));
    out
}

fn gen_audit(rng: &mut fastrand::Rng, n: u64, ctx: &Ctx<'_>) -> Vec<AuditEvent> {
    let makers = [
        "telnyx",
        "account_manager",
        "account_owner",
        "organization_member",
    ];
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for _ in 0..n {
        let created = ctx.midnight - Duration::seconds(rng.i64(60..90 * 86_400));
        let kind = rng.u8(0..4);
        let tn = ctx
            .numbers
            .get(rng.usize(..ctx.numbers.len().max(1)))
            .map(|p| p.tn.clone());
        let (record_type, change_type, changes, alt) = match kind {
            0 => (
                "phone_number",
                "create",
                Value::Null,
                tn.map(Value::String).unwrap_or(Value::Null),
            ),
            1 => (
                "phone_number",
                "update",
                json!([{ "field": "connection_id", "from": "1583941447772537867", "to": "1684947189014463919" },
                       { "field": "tags", "from": "", "to": "production" }]),
                tn.map(Value::String).unwrap_or(Value::Null),
            ),
            2 => (
                "messaging_profile",
                "update",
                json!([{ "field": "enabled", "from": false, "to": true }]),
                Value::Null,
            ),
            _ => (
                "connection",
                "update",
                json!([{ "field": "webhook_timeout_secs", "from": 25, "to": 10 },
                       { "field": "outbound.channel_limit", "from": null, "to": 10 }]),
                Value::Null,
            ),
        };
        let json = json!({
            "id": uuid_from(rng),
            "alternate_resource_id": alt,
            "change_made_by": makers[rng.usize(..makers.len())],
            "change_type": change_type,
            "changes": changes,
            "created_at": crate::util::ts(created),
            "organization_id": ctx.org_id,
            "record_type": record_type,
            "resource_id": uuid_from(rng),
            "user_id": ctx.user_id,
        });
        out.push(AuditEvent::new(created, &json));
    }
    out.sort_by_key(|e| e.created_at);
    out
}

/// A fresh account for domain unit tests: key `KEY_unit`, seed 0, clock at 2026-03-15 12:00Z.
#[cfg(test)]
pub(crate) fn test_account() -> AccountData {
    generate(
        "KEY_unit",
        0,
        &crate::config::SeedRequest::default(),
        chrono::DateTime::parse_from_rfc3339("2026-03-15T12:00:00Z")
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_default(),
    )
}
