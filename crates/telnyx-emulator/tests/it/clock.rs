//! The living account over real HTTP: the clock and traffic control API, the advanced state as
//! every endpoint shows it, bad input, byte-identical replay and restart on `--db`.

#![allow(clippy::unwrap_used)]

use crate::common;

use common::{start_with, Harness};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use telnyx_emulator::{parse_start_time, Advance, EmulatorConfig};

const K: &str = "KEY_clock";
const START: &str = "2026-01-20T08:30:00Z";

fn config() -> EmulatorConfig {
    EmulatorConfig {
        seed: 3,
        start_time: parse_start_time(START).ok(),
        ..Default::default()
    }
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

async fn advance(h: &Harness, body: Value) -> common::Resp {
    h.control(reqwest::Method::POST, "/_emulator/clock/advance", body)
        .await
}

#[tokio::test]
async fn advancing_bills_usage_closes_months_and_every_figure_agrees() {
    let h = start_with(config()).await;
    let r = h
        .control(
            reqwest::Method::PUT,
            "/_emulator/traffic",
            json!({"api_key": K, "per_day": {"messaging": 30, "call-control": 4}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["per_day"],
        json!({"call-control": 4, "messaging": 30})
    );
    let before = dec(&h.get(K, "balance").await.json()["data"]["balance"]);
    let r = advance(&h, json!({"api_key": K, "to": "2026-03-05T00:00:00Z"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let rep = r.json();
    assert_eq!(rep["from"], START);
    assert_eq!(rep["to"], "2026-03-05T00:00:00Z");
    assert_eq!(rep["invoices_closed"], 2, "January and February closed");
    let n = rep["usage_records"].as_u64().unwrap();
    assert!(
        (1_200..1_700).contains(&n),
        "about 34/day for 43.6 days: {n}"
    );
    let clock = h.get("", &format!("/_emulator/clock?api_key={K}")).await;
    assert_eq!(clock.json()["now"], "2026-03-05T00:00:00Z");

    // the balance is the report's, and moved by exactly usage + MRCs - payments
    let b = h.get(K, "balance").await.json();
    assert_eq!(b["data"]["balance"], rep["balance"]);
    let recharges = Decimal::from(rep["auto_recharges"].as_u64().unwrap()) * Decimal::new(104, 0);
    assert_eq!(
        before - dec(&rep["usage_cost"]) - dec(&rep["recurring_charges"])
            + Decimal::new(10, 0)
            + recharges,
        dec(&rep["balance"]),
        "the seeded ACH payment settled, every recharge is credit_paypal"
    );

    // the ledger's identity, exactly: opening + payments + recharges - usage - MRC - OTC
    let l = h
        .get("", &format!("/_emulator/ledger?api_key={K}"))
        .await
        .json();
    let sum: Decimal = [
        "opening_balance",
        "payments",
        "auto_recharges",
        "usage",
        "mrc",
        "otc",
        "adjustments",
    ]
    .iter()
    .map(|k| dec(&l[*k]))
    .sum();
    assert_eq!(sum, dec(&rep["balance"]));
    assert_eq!(dec(&l["balance"]), dec(&rep["balance"]));

    // February: detail record costs == the summary's usage lines == the invoice
    let invoices = h.get(K, "invoices").await.json();
    let feb = invoices["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["period_start"] == "2026-02-01")
        .cloned()
        .expect("February invoice");
    let s = h
        .get(
            K,
            "charges_summary?start_date=2026-02-01&end_date=2026-03-01",
        )
        .await
        .json();
    assert_eq!(s["data"]["total"]["grand_total"], feb["total"]);
    let line = |alias: &str| {
        s["data"]["summary"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["alias"] == alias)
            .map(|l| dec(&l["amount"]))
            .unwrap_or_default()
    };
    let range =
        "filter[created_at][gte]=2026-02-01T00:00:00Z&filter[created_at][lt]=2026-03-01T00:00:00Z";
    let msgs = h
        .all_pages(
            K,
            &format!("detail_records?filter[record_type]=messaging&page[size]=50&{range}"),
        )
        .await;
    assert!(msgs.len() > 700, "{}", msgs.len());
    let cost: Decimal = msgs.iter().map(|r| dec(&r["cost"])).sum();
    assert_eq!(cost, line("messaging"));
    let calls = h
        .all_pages(
            K,
            "detail_records?filter[record_type]=call-control&page[size]=50&filter[started_at][gte]=2026-02-01T00:00:00Z&filter[started_at][lt]=2026-03-01T00:00:00Z",
        )
        .await;
    let cost: Decimal = calls.iter().map(|r| dec(&r["cost"])).sum();
    assert_eq!(cost, line("call-control"));

    // reads answer as of the account's clock
    let today = h
        .get(
            K,
            "detail_records?filter[record_type]=messaging&filter[date_range]=today",
        )
        .await
        .json();
    assert_eq!(
        today["meta"]["total_results"], 0,
        "the clock is at midnight"
    );
    let month = h
        .get(
            K,
            "detail_records?filter[record_type]=messaging&filter[date_range]=this_month&page[size]=1",
        )
        .await
        .json();
    assert!(month["data"][0]["created_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-0"));
    // a stored payment is dated by the clock
    let p = h
        .post(
            K,
            "payment/stored_payment_transactions",
            r#"{"amount":"50.00"}"#,
        )
        .await
        .json();
    assert_eq!(p["data"]["created_at"], "2026-03-05T00:00:00Z");
}

#[tokio::test]
async fn auto_recharge_fires_once_per_crossing_and_ach_stays_pending_three_days() {
    let h = start_with(config()).await;
    let r = h
        .patch(
            K,
            "payment/auto_recharge_prefs",
            r#"{"preference":"ach","threshold_amount":"299.00","recharge_amount":"50.00"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    h.emu.set_traffic(K, &[("messaging", 500)]).await.unwrap();
    let rep = h.emu.advance_clock(K, Advance::Days(1)).await.unwrap();
    assert_eq!(rep.auto_recharges, 1, "one recharge while it is pending");
    let b = h.get(K, "balance").await.json();
    assert_eq!(
        dec(&b["data"]["pending"]),
        Decimal::new(60, 0),
        "the seeded 10.00 and the 50.00 recharge are pending"
    );
    let txns = h
        .get("", &format!("/_emulator/transactions?api_key={K}"))
        .await
        .json();
    let auto: Vec<&Value> = txns["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["auto_recharge"] == true)
        .collect();
    assert_eq!(auto.len(), 1, "{txns}");
    assert_eq!(auto[0]["amount_cents"], 5000);
    assert_eq!(auto[0]["processor_status"], "submitted_for_settlement");
    let audit = h.get(K, "audit_events?page[size]=1").await.json();
    assert_eq!(audit["data"][0]["record_type"], "auto_recharge_transaction");
    let rep = h.emu.advance_clock(K, Advance::Days(3)).await.unwrap();
    assert_eq!(
        rep.auto_recharges, 0,
        "settled above the threshold: none due yet"
    );
    let b = h.get(K, "balance").await.json();
    assert_eq!(dec(&b["data"]["pending"]), Decimal::ZERO, "both settled");
    assert!(dec(&b["data"]["balance"]) > Decimal::new(299, 0));
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_and_changes_nothing() {
    let h = start_with(EmulatorConfig {
        api_keys: vec![K.into()],
        ..config()
    })
    .await;
    let cases = [
        (json!({"api_key": K, "to": "2026-01-01T00:00:00Z"}), "/to"),
        (json!({"api_key": K, "days": 3661}), "/days"),
        (json!({"api_key": K, "days": 1.5}), "/days"),
        (json!({"api_key": K, "days": "2"}), "/days"),
        (json!({"api_key": K, "days": -1}), "/days"),
        (json!({"api_key": K}), "/days"),
        (json!({"api_key": K, "to": "soon"}), "/to"),
        (json!({"api_key": "KEY_stranger", "days": 1}), "/api_key"),
        (json!({"days": 1}), "/api_key"),
    ];
    for (body, pointer) in cases {
        let r = advance(&h, body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        let e = &r.json()["errors"][0];
        assert_eq!(e["source"]["pointer"], pointer, "{body}");
        assert!(!e["detail"].as_str().unwrap().is_empty());
    }
    let traffic = [
        (json!({"api_key": K, "per_day": {"fax": 1}}), "/per_day.fax"),
        (
            json!({"api_key": K, "per_day": {"messaging": -5}}),
            "/per_day.messaging",
        ),
        (
            json!({"api_key": K, "per_day": {"messaging": 1_000_001}}),
            "/per_day.messaging",
        ),
        (
            json!({"api_key": K, "per_day": {"messaging": "lots"}}),
            "/per_day.messaging",
        ),
        (json!({"api_key": K, "per_day": 5}), "/per_day"),
    ];
    for (body, pointer) in traffic {
        let r = h
            .control(reqwest::Method::PUT, "/_emulator/traffic", body.clone())
            .await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(
            r.json()["errors"][0]["source"]["pointer"],
            pointer,
            "{body}"
        );
    }
    // nothing half-applied: the clock and the profile are unchanged
    let clock = h.get("", &format!("/_emulator/clock?api_key={K}")).await;
    assert_eq!(clock.json()["now"], START);
    let rep = advance(&h, json!({"api_key": K, "days": 1})).await.json();
    assert!(
        rep["usage_records"].as_u64().unwrap() > 300,
        "default profile kept"
    );
}

/// The bodies a client would read after a scenario.
async fn snapshot(h: &Harness) -> Vec<String> {
    let mut out = Vec::new();
    for path in [
        "balance",
        "invoices?page[size]=250",
        "detail_records?filter[record_type]=messaging&page[size]=50",
        "detail_records?filter[record_type]=call-control&sort=-cost&page[size]=50",
        "charges_summary?start_date=2026-02-01&end_date=2026-03-01",
        "audit_events?page[size]=250",
        "payment/auto_recharge_prefs",
    ] {
        let r = h.get(K, path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        // the only difference between two emulators is the port they were given
        out.push(r.text.replace(&h.origin, "ORIGIN"));
    }
    out.push(
        h.get("", &format!("/_emulator/clock?api_key={K}"))
            .await
            .text,
    );
    out
}

async fn scenario(h: &Harness, part: u8) -> Vec<String> {
    let mut bodies = Vec::new();
    if part == 0 {
        h.patch(
            K,
            "payment/auto_recharge_prefs",
            r#"{"threshold_amount":"250.00"}"#,
        )
        .await;
        h.control(
            reqwest::Method::PUT,
            "/_emulator/traffic",
            json!({"api_key": K, "per_day": {"messaging": 200, "verify": 3}}),
        )
        .await;
        bodies.push(advance(h, json!({"api_key": K, "days": 20})).await.text);
    } else {
        bodies.push(
            h.post(
                K,
                "payment/stored_payment_transactions",
                r#"{"amount":"25.00"}"#,
            )
            .await
            .text,
        );
        bodies.push(
            advance(h, json!({"api_key": K, "to": "2026-03-10T12:00:00Z"}))
                .await
                .text,
        );
    }
    bodies
}

#[tokio::test]
async fn same_seed_start_and_calls_give_byte_identical_bodies_also_across_a_restart() {
    let a = start_with(config()).await;
    let mut bodies_a = scenario(&a, 0).await;
    bodies_a.extend(scenario(&a, 1).await);
    bodies_a.extend(snapshot(&a).await);

    let b = start_with(config()).await;
    let mut bodies_b = scenario(&b, 0).await;
    bodies_b.extend(scenario(&b, 1).await);
    bodies_b.extend(snapshot(&b).await);
    assert_eq!(bodies_a, bodies_b);

    // the same calls with a restart on --db in the middle
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.db");
    let with_db = || EmulatorConfig {
        db_path: Some(db.clone()),
        ..config()
    };
    let c = start_with(with_db()).await;
    let mut bodies_c = scenario(&c, 0).await;
    let mid = snapshot(&c).await;
    c.emu.shutdown().await;
    let c = start_with(with_db()).await;
    assert_eq!(snapshot(&c).await, mid, "a restart changes nothing");
    bodies_c.extend(scenario(&c, 1).await);
    bodies_c.extend(snapshot(&c).await);
    assert_eq!(bodies_a, bodies_c);
}
