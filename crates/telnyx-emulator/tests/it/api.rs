//! Integration tests over real HTTP for every operation, filter, sort and error path.

use crate::common;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use common::start;
use serde_json::Value;

const K: &str = "KEY_api_test";

fn dec(s: &Value) -> rust_decimal::Decimal {
    s.as_str()
        .expect("decimal string")
        .parse()
        .expect("decimal")
}

#[tokio::test]
async fn balance_is_consistent_and_payments_credit_it() {
    let h = start().await;
    let b = h.get(K, "balance").await;
    assert_eq!(b.status, 200);
    let d = &b.json()["data"];
    assert_eq!(d["balance"], "300.00");
    assert_eq!(d["credit_limit"], "100.00");
    assert_eq!(d["available_credit"], "400.00");
    assert_eq!(d["record_type"], "balance");
    assert!(b.header("x-request-id").is_some());

    let p = h
        .post(
            K,
            "v2/payment/stored_payment_transactions",
            r#"{"amount":"120.00"}"#,
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    let t = &p.json()["data"];
    assert_eq!(t["amount_cents"], 12000);
    assert_eq!(t["record_type"], "transaction");
    assert_eq!(t["transaction_processing_type"], "stored_payment");
    // single prefix works too
    let p = h
        .post(
            K,
            "payment/stored_payment_transactions",
            r#"{"amount":"0.55"}"#,
        )
        .await;
    assert_eq!(p.json()["data"]["amount_cents"], 55);

    let d = h.get(K, "balance").await.json()["data"].clone();
    assert_eq!(d["balance"], "420.55");
    assert_eq!(d["available_credit"], "520.55");
    assert_eq!(
        dec(&d["available_credit"]),
        dec(&d["balance"]) + dec(&d["credit_limit"])
    );
}

#[tokio::test]
async fn bad_amounts_are_422_10027_with_pointer() {
    let h = start().await;
    // (body, what the detail must say)
    for (body, detail) in [
        (r#"{"amount":"120"}"#, "dollars and cents"),
        (r#"{"amount":"12.5"}"#, "dollars and cents"),
        (r#"{"amount":120.0}"#, "must be a string"),
        (r#"{"amount":"-1.00"}"#, "between 0.01 and"),
        (r#"{"amount":"0.00"}"#, "between 0.01 and"),
        (r#"{"amount":"1e3"}"#, "dollars and cents"),
    ] {
        let r = h.post(K, "payment/stored_payment_transactions", body).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert_eq!(r.code(), "10027", "{body}");
        let error = &r.json()["errors"][0];
        assert_eq!(error["title"], "Invalid amount format");
        assert_eq!(error["source"]["pointer"], "/amount");
        let said = error["detail"].as_str().unwrap_or_default().to_owned();
        assert!(said.contains(detail), "{body}: {said}");
    }
    let r = h
        .post(K, "payment/stored_payment_transactions", r#"{}"#)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["source"]["pointer"], "/amount");
    let r = h
        .post(K, "payment/stored_payment_transactions", r#"{"amount": "#)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["source"]["pointer"], "/");
    // nothing was credited
    assert_eq!(
        h.get(K, "balance").await.json()["data"]["balance"],
        "300.00"
    );
}

#[tokio::test]
async fn idempotency_key_replays_and_rejects_other_bodies() {
    let h = start().await;
    let post = |key: &'static str, body: &'static str| {
        let h = &h;
        async move {
            h.send(
                reqwest::Method::POST,
                K,
                "payment/stored_payment_transactions",
                Some(body),
                &[("Idempotency-Key", key)],
            )
            .await
        }
    };
    let a = post("order-1:abc_DEF", r#"{"amount":"10.00"}"#).await;
    assert_eq!(a.status, 200);
    let b = post("order-1:abc_DEF", r#"{"amount":"10.00"}"#).await;
    assert_eq!(b.status, 200);
    assert_eq!(
        a.text, b.text,
        "replay returns the first response byte for byte"
    );
    assert_eq!(b.header("idempotent-replayed").as_deref(), Some("true"));
    let c = post("order-1:abc_DEF", r#"{"amount":"11.00"}"#).await;
    assert_eq!(c.status, 422, "{}", c.text);
    assert_eq!(
        h.get(K, "balance").await.json()["data"]["balance"],
        "310.00",
        "credited once"
    );
    let bad = post("bad key!", r#"{"amount":"10.00"}"#).await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json()["errors"][0]["source"]["parameter"],
        "Idempotency-Key"
    );
    let long: &'static str = Box::leak("x".repeat(256).into_boxed_str());
    assert_eq!(post(long, r#"{"amount":"10.00"}"#).await.status, 400);
}

#[tokio::test]
async fn auth_errors_and_isolation_between_keys() {
    let h = start().await;
    let r = h.get("", "balance").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.code(), "10009");
    for auth in ["Basic abc", "Bearer", "Bearer ", "bearer a b", "KEY_x"] {
        let r = h
            .send(
                reqwest::Method::GET,
                "",
                "balance",
                None,
                &[("Authorization", auth)],
            )
            .await;
        assert_eq!(r.status, 401, "{auth}");
        assert_eq!(r.code(), "10009");
    }
    assert_eq!(
        h.post(
            "KEY_a",
            "payment/stored_payment_transactions",
            r#"{"amount":"50.00"}"#
        )
        .await
        .status,
        200
    );
    assert_eq!(
        h.get("KEY_a", "balance").await.json()["data"]["balance"],
        "350.00"
    );
    assert_eq!(
        h.get("KEY_b", "balance").await.json()["data"]["balance"],
        "300.00"
    );
    // different keys get different deterministic data; the same key the same data
    let ids = |v: Value| {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["invoice_id"].clone(), i["total"].clone()))
            .collect::<Vec<_>>()
    };
    let a1 = ids(h.get("KEY_a", "invoices").await.json());
    let b1 = ids(h.get("KEY_b", "invoices").await.json());
    assert_ne!(a1, b1);
    let h2 = start().await;
    assert_eq!(
        ids(h2.get("KEY_a", "invoices").await.json()),
        a1,
        "deterministic per key and seed"
    );
    let h3 = common::start_with(telnyx_emulator::EmulatorConfig {
        seed: 7,
        ..Default::default()
    })
    .await;
    assert_ne!(
        ids(h3.get("KEY_a", "invoices").await.json()),
        a1,
        "the seed changes the data"
    );
}

#[tokio::test]
async fn api_key_allow_list() {
    let h = common::start_with(telnyx_emulator::EmulatorConfig {
        api_keys: vec!["KEY_ok".into()],
        ..Default::default()
    })
    .await;
    assert_eq!(h.get("KEY_ok", "balance").await.status, 200);
    let r = h.get("KEY_other", "balance").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.code(), "10009");
}

#[tokio::test]
async fn auto_recharge_prefs_patch_validates_persists_and_audits() {
    let h = start().await;
    let g = h.get(K, "payment/auto_recharge_prefs").await.json()["data"].clone();
    assert_eq!(g["record_type"], "auto_recharge_pref");
    // {} and an empty body (any content type) are accepted and change nothing
    assert_eq!(
        h.patch(K, "payment/auto_recharge_prefs", "{}").await.json()["data"],
        g
    );
    let empty = h
        .send(
            reqwest::Method::PATCH,
            K,
            "payment/auto_recharge_prefs",
            None,
            &[("Content-Length", "0")],
        )
        .await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    let ct = h
        .send(
            reqwest::Method::PATCH,
            K,
            "payment/auto_recharge_prefs",
            None,
            &[("Content-Type", "text/plain")],
        )
        .await;
    assert_eq!(ct.status, 200);
    let before = h.get(K, "audit_events?page%5Bsize%5D=250").await.json()["meta"]["total_results"]
        .as_u64()
        .unwrap();

    let body = r#"{"enabled":true,"invoice_enabled":false,"preference":"ach","recharge_amount":"104.5","threshold_amount":"50.00"}"#;
    let r = h.patch(K, "payment/auto_recharge_prefs", body).await;
    assert_eq!(r.status, 200);
    let d = &r.json()["data"];
    assert_eq!(d["preference"], "ach");
    assert_eq!(d["recharge_amount"], "104.50");
    assert_eq!(d["threshold_amount"], "50.00");
    assert_eq!(d["invoice_enabled"], false);
    assert_eq!(
        h.get(K, "payment/auto_recharge_prefs").await.json()["data"],
        *d,
        "persisted"
    );

    let ev = h
        .get(K, "audit_events?sort=desc&page%5Bsize%5D=1")
        .await
        .json();
    assert_eq!(ev["meta"]["total_results"].as_u64().unwrap(), before + 1);
    let e = &ev["data"][0];
    assert_eq!(e["record_type"], "auto_recharge_pref");
    let changes = e["changes"].as_array().unwrap();
    let pref = changes.iter().find(|c| c["field"] == "preference").unwrap();
    assert_eq!(pref["from"], "credit_paypal");
    assert_eq!(pref["to"], "ach");
    assert!(
        changes.iter().all(|c| c["field"] != "enabled"),
        "unchanged fields are not listed"
    );

    for (body, ptr) in [
        (r#"{"preference":"cash"}"#, "/preference"),
        (r#"{"enabled":"yes"}"#, "/enabled"),
        (r#"{"invoice_enabled":1}"#, "/invoice_enabled"),
        (r#"{"recharge_amount":"1.234"}"#, "/recharge_amount"),
        (r#"{"threshold_amount":50}"#, "/threshold_amount"),
    ] {
        let r = h.patch(K, "payment/auto_recharge_prefs", body).await;
        assert_eq!(r.status, 422, "{body}");
        assert_eq!(r.json()["errors"][0]["source"]["pointer"], ptr, "{body}");
    }
    let r = h.patch(K, "payment/auto_recharge_prefs", "{not json").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["source"]["pointer"], "/");
}

#[tokio::test]
async fn invoices_list_sort_paging_and_retrieve() {
    let h = start().await;
    let all = h
        .all_pages(K, "invoices?sort=-period_start&page%5Bsize%5D=5")
        .await;
    assert_eq!(all.len(), 12);
    let starts: Vec<&str> = all
        .iter()
        .map(|i| i["period_start"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(starts, sorted);
    let asc = h.get(K, "invoices?sort=period_start").await.json();
    assert_eq!(asc["data"][0]["period_start"], *starts.last().unwrap());
    assert_eq!(h.get(K, "invoices?sort=bogus").await.status, 400);

    let past = h
        .get(K, "invoices?page%5Bnumber%5D=3&page%5Bsize%5D=250")
        .await
        .json();
    assert_eq!(past["data"].as_array().unwrap().len(), 0);
    assert_eq!(past["meta"]["page_number"], 3);
    assert_eq!(past["meta"]["total_pages"], 1);
    assert_eq!(past["meta"]["total_results"], 12);
    let r = h.get(K, "invoices?page%5Bsize%5D=251").await;
    assert_eq!(r.status, 400);
    assert!(r.json()["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("between 1 and 250"));
    assert_eq!(r.json()["errors"][0]["source"]["parameter"], "page[size]");
    for q in [
        "page%5Bsize%5D=0",
        "page%5Bnumber%5D=0",
        "page%5Bnumber%5D=99999999999999999999",
        "page%5Bnumber%5D=abc",
    ] {
        assert_eq!(h.get(K, &format!("invoices?{q}")).await.status, 400, "{q}");
    }

    let id = all[0]["invoice_id"].as_str().unwrap();
    let r = h.get(K, &format!("invoices/{id}")).await;
    assert_eq!(r.status, 200);
    assert!(r.json()["data"].get("download_url").is_none());
    let up = h.get(K, &format!("invoices/{}", id.to_uppercase())).await;
    assert_eq!(up.status, 200, "ids are case-insensitive UUIDs");
    let r = h.get(K, &format!("invoices/{id}?action=link")).await.json();
    let url = r["data"]["download_url"].as_str().unwrap().to_string();
    let pdf = h.http.get(&url).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-1.4"));
    assert!(bytes.ends_with(b"%%EOF\n"));
    let total = all[0]["total"].as_str().unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains(&format!("Total due: USD {total}")));

    assert_eq!(
        h.get(K, &format!("invoices/{id}?action=bogus"))
            .await
            .status,
        400
    );
    let r = h.get(K, "invoices/a%20b%2Fc%3Fd").await;
    assert_eq!((r.status, r.code()), (400, "10006".to_string()));
    let r = h
        .get(K, "invoices/182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e")
        .await;
    assert_eq!((r.status, r.code()), (404, "10005".to_string()));
    // another key cannot see this key's invoice
    assert_eq!(
        h.get("KEY_other", &format!("invoices/{id}")).await.status,
        404
    );
}

/// The aliases of the charges summary's usage lines (one per product).
const USAGE_ALIASES: [&str; 7] = [
    "messaging",
    "call-control",
    "conference-participant",
    "amd",
    "verify",
    "wireless",
    "media_storage",
];

#[tokio::test]
async fn every_invoice_equals_the_charges_summary_of_its_month() {
    let h = start().await;
    let invoices = h.all_pages(K, "invoices").await;
    assert_eq!(invoices.len(), 12);
    let mut nonzero = 0;
    for inv in &invoices {
        let start =
            NaiveDate::parse_from_str(inv["period_start"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let end_incl =
            NaiveDate::parse_from_str(inv["period_end"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let end = end_incl + Duration::days(1);
        assert_eq!(start.day(), 1);
        assert_eq!(end.day(), 1, "period_end is the month's last day");
        let s = h
            .get(
                K,
                &format!("charges_summary?start_date={start}&end_date={end}"),
            )
            .await;
        assert_eq!(s.status, 200, "{}", s.text);
        let s = s.json();
        let total = &s["data"]["total"];
        assert_eq!(total["grand_total"], inv["total"], "invoice {start}");
        // the total adds up from its parts
        let parts = [
            "new_mrc",
            "new_otc",
            "existing_mrc",
            "other",
            "credits",
            "ledger_adjustments",
        ]
        .iter()
        .map(|k| dec(&total[*k]))
        .sum::<rust_decimal::Decimal>();
        assert_eq!(parts, dec(&total["grand_total"]));
        // the breakdown for the same range adds up to the charges (credits are not per number)
        let b = h
            .get(
                K,
                &format!("charges_breakdown?start_date={start}&end_date={end}"),
            )
            .await
            .json();
        let sum: rust_decimal::Decimal = b["data"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                r["services"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| dec(&s["cost"]))
            })
            .sum();
        // usage is per product, not per number: the summary's usage lines make up the rest
        let usage: rust_decimal::Decimal = s["data"]["summary"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| USAGE_ALIASES.contains(&l["alias"].as_str().unwrap_or("")))
            .map(|l| dec(&l["amount"]))
            .sum();
        assert_eq!(
            sum + usage + dec(&total["credits"]),
            dec(&total["grand_total"])
        );
        if dec(&total["grand_total"]) > rust_decimal::Decimal::ZERO {
            nonzero += 1;
        }
    }
    assert!(nonzero >= 10, "invoices carry real charges");
    assert!(
        invoices
            .iter()
            .all(|i| dec(&i["total"]) >= rust_decimal::Decimal::ZERO),
        "credits never exceed charges"
    );
}

#[tokio::test]
async fn charges_ranges_and_csv() {
    let h = start().await;
    let this_month = Utc::now().date_naive().with_day(1).unwrap();
    let prev = this_month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap();
    let r = h
        .get(K, &format!("charges_breakdown?start_date={prev}"))
        .await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(
        v["data"]["end_date"],
        this_month.to_string(),
        "end defaults to start + 1 month"
    );
    let results = v["data"]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let rows: usize = results
        .iter()
        .map(|r| r["services"].as_array().unwrap().len())
        .sum();

    let csv = h
        .get(
            K,
            &format!("charges_breakdown?start_date={prev}&format=csv"),
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.text.lines().collect();
    assert!(lines[0].starts_with("tn,charge_type,service_name,cost_type,cost"));
    assert_eq!(lines.len() - 1, rows, "one CSV row per number and service");
    assert!(lines[1].starts_with('+'));

    for (q, param) in [
        ("charges_summary?start_date=2025-05-01", "end_date"),
        ("charges_summary?end_date=2025-05-01", "start_date"),
        (
            "charges_summary?start_date=2025-05-01&end_date=2025-06-02",
            "end_date",
        ),
        (
            "charges_summary?start_date=2025-05-01&end_date=2025-05-01",
            "end_date",
        ),
        (
            "charges_summary?start_date=2025-13-01&end_date=2025-05-01",
            "start_date",
        ),
        ("charges_breakdown", "start_date"),
        (
            "charges_breakdown?start_date=2025-05-01&end_date=2025-07-01",
            "end_date",
        ),
        (
            "charges_breakdown?start_date=2025-05-01&format=xml",
            "format",
        ),
    ] {
        let r = h.get(K, q).await;
        assert_eq!(r.status, 400, "{q}");
        let e = &r.json()["errors"][0];
        assert_eq!(e["source"]["parameter"], param, "{q}");
        assert!(!e["detail"].as_str().unwrap().is_empty());
    }
    let r = h
        .get(
            K,
            "charges_summary?start_date=2025-05-01&end_date=2025-06-02",
        )
        .await;
    assert!(r.json()["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("31 days"));
    // exactly 31 days with an exclusive end is fine
    assert_eq!(
        h.get(
            K,
            "charges_summary?start_date=2025-05-01&end_date=2025-06-01"
        )
        .await
        .status,
        200
    );
    assert_eq!(
        h.get(
            K,
            "charges_breakdown?start_date=2025-05-01&end_date=2025-06-01&format=json"
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn detail_records_every_type_has_realistic_data() {
    let h = start().await;
    for (t, wire) in [
        ("messaging", "message_detail_record"),
        ("call-control", "call_control_detail_record"),
        ("conference", "conference_detail_record"),
        (
            "conference-participant",
            "conference_participant_detail_record",
        ),
        ("amd", "amd_detail_record"),
        ("verify", "verification_detail_record"),
        ("wireless", "sim_card_usage"),
        ("media_storage", "media_storage"),
    ] {
        let r = h
            .get(
                K,
                &format!("detail_records?filter%5Brecord_type%5D={t}&page%5Bsize%5D=50"),
            )
            .await;
        assert_eq!(r.status, 200, "{t}: {}", r.text);
        let v = r.json();
        assert_eq!(v["meta"]["total_results"], 40, "{t}");
        assert_eq!(v["data"][0]["record_type"], wire);
        for q in [
            "today",
            "yesterday",
            "this_month",
            "last_7_days",
            "last_30_days",
        ] {
            let n = h
                .get(
                    K,
                    &format!(
                        "detail_records?filter%5Brecord_type%5D={t}&filter%5Bdate_range%5D={q}"
                    ),
                )
                .await
                .json()["meta"]["total_results"]
                .as_u64()
                .unwrap();
            assert!(n > 0, "{t} {q}");
        }
    }
    let fax = h
        .get(K, "detail_records?filter%5Brecord_type%5D=fax")
        .await
        .json();
    assert_eq!(fax["meta"]["total_results"], 0);
    assert_eq!(fax["meta"]["total_pages"], 0);
}

#[tokio::test]
async fn detail_records_filters_sorts_and_errors() {
    let h = start().await;
    let base = "detail_records?filter%5Brecord_type%5D=messaging";
    let all = h.all_pages(K, &format!("{base}&page%5Bsize%5D=50")).await;
    assert_eq!(all.len(), 40);
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|r| f(r)).count() as u64;
    let total = |v: Value| v["meta"]["total_results"].as_u64().unwrap();

    let n = total(
        h.get(K, &format!("{base}&filter%5Bcld%5D%5Bcontains%5D=456"))
            .await
            .json(),
    );
    assert_eq!(n, count(&|r| r["cld"].as_str().unwrap().contains("456")));
    assert!(n > 0);
    let n = total(
        h.get(
            K,
            &format!("{base}&filter%5Bcli%5D%5Bstarts_with%5D=%2B1312"),
        )
        .await
        .json(),
    );
    assert_eq!(
        n,
        count(&|r| r["cli"].as_str().unwrap().starts_with("+1312"))
    );
    let n = total(
        h.get(K, &format!("{base}&filter%5Bcld%5D%5Bends_with%5D=0456"))
            .await
            .json(),
    );
    assert_eq!(n, count(&|r| r["cld"].as_str().unwrap().ends_with("0456")));
    let n = total(
        h.get(K, &format!("{base}&filter%5Bdirection%5D=inbound"))
            .await
            .json(),
    );
    assert_eq!(n, count(&|r| r["direction"] == "inbound"));
    let n2 = total(
        h.get(K, &format!("{base}&filter%5Bdirection%5D%5Beq%5D=inbound"))
            .await
            .json(),
    );
    assert_eq!(n, n2);
    let n = total(
        h.get(K, &format!("{base}&filter%5Bparts%5D%5Bgt%5D=1"))
            .await
            .json(),
    );
    assert_eq!(n, count(&|r| r["parts"].as_i64().unwrap() > 1));
    let n = total(
        h.get(K, &format!("{base}&filter%5Bparts%5D%5Blte%5D=1"))
            .await
            .json(),
    );
    assert_eq!(n, count(&|r| r["parts"].as_i64().unwrap() <= 1));
    let n = total(
        h.get(K, &format!("{base}&filter%5Bcost%5D%5Bgte%5D=0.008"))
            .await
            .json(),
    );
    assert_eq!(n, count(&|r| dec(&r["cost"]) >= "0.008".parse().unwrap()));
    let mid = all[20]["created_at"].as_str().unwrap();
    let n = total(
        h.get(
            K,
            &format!(
                "{base}&filter%5Bcreated_at%5D%5Blt%5D={}",
                mid.replace(':', "%3A")
            ),
        )
        .await
        .json(),
    );
    assert_eq!(n, count(&|r| r["created_at"].as_str().unwrap() < mid));
    let n = total(
        h.get(
            K,
            &format!("{base}&filter%5Bcreated_at%5D%5Bgte%5D={mid}&filter%5Bdirection%5D=outbound"),
        )
        .await
        .json(),
    );
    assert_eq!(
        n,
        count(&|r| r["created_at"].as_str().unwrap() >= mid && r["direction"] == "outbound")
    );

    // default sort: newest first; multi-field sort
    let created: Vec<&str> = all
        .iter()
        .map(|r| r["created_at"].as_str().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    let s = h
        .all_pages(
            K,
            &format!("{base}&sort=direction%2C-parts%2Ccreated_at&page%5Bsize%5D=50"),
        )
        .await;
    let keys: Vec<(String, i64, String)> = s
        .iter()
        .map(|r| {
            (
                r["direction"].as_str().unwrap().to_string(),
                -r["parts"].as_i64().unwrap(),
                r["created_at"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // the recorded SDK request works, with pagination
    let r = h.get(K, &format!("{base}&filter%5Bdate_range%5D=yesterday&filter%5Bcld%5D%5Bcontains%5D=456&sort=-created_at%2Ccld&page%5Bsize%5D=2")).await;
    assert_eq!(r.status, 200);

    for (q, param) in [
        ("detail_records", "filter[record_type]"),
        ("detail_records?page%5Bnumber%5D=2", "filter[record_type]"),
        ("detail_records?filter%5Brecord_type%5D=wirelessxx", "filter[record_type]"),
        ("detail_records?filter%5Brecord_type%5D=messaging&filter%5Bdate_range%5D=last_fortnight", "filter[date_range]"),
        ("detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcall_sec%5D=5", "filter[call_sec]"),
        ("detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcld%5D%5Blike%5D=5", "filter[cld][like]"),
        ("detail_records?filter%5Brecord_type%5D=messaging&filter%5Bparts%5D%5Bgt%5D=many", "filter[parts][gt]"),
        ("detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcreated_at%5D%5Bgt%5D=yesterday", "filter[created_at][gt]"),
        ("detail_records?filter%5Brecord_type%5D=messaging&sort=-call_sec", "sort"),
        ("detail_records?filter%5Brecord_type%5D=messaging&page%5Bsize%5D=51", "page[size]"),
        ("detail_records?filter%5Brecord_type%5D=conference&filter%5Bcld%5D=1", "filter[cld]"),
    ] {
        let r = h.get(K, q).await;
        assert_eq!(r.status, 400, "{q}: {}", r.text);
        assert_eq!(r.json()["errors"][0]["source"]["parameter"], param, "{q}");
    }
    let r = h
        .get(
            K,
            "detail_records?filter%5Brecord_type%5D=messaging&page%5Bsize%5D=51",
        )
        .await;
    assert!(r.json()["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("between 1 and 50"));
}

#[tokio::test]
async fn date_ranges_cover_named_windows() {
    let h = start().await;
    let base = "detail_records?filter%5Brecord_type%5D=verify&page%5Bsize%5D=50";
    let all = h.all_pages(K, base).await;
    let today = Utc::now().date_naive();
    let in_range = |from: NaiveDate, to: NaiveDate| {
        all.iter()
            .filter(|r| {
                let d = r["created_at"].as_str().unwrap()[..10].to_string();
                d >= from.to_string() && d < to.to_string()
            })
            .count() as u64
    };
    let ws = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let ms = today.with_day(1).unwrap();
    let cases = [
        ("today", today, today + Duration::days(1)),
        ("yesterday", today - Duration::days(1), today),
        (
            "tomorrow",
            today + Duration::days(1),
            today + Duration::days(2),
        ),
        ("this_week", ws, ws + Duration::days(7)),
        ("last_week", ws - Duration::days(7), ws),
        ("next_week", ws + Duration::days(7), ws + Duration::days(14)),
        (
            "this_month",
            ms,
            ms.checked_add_months(chrono::Months::new(1)).unwrap(),
        ),
        (
            "last_month",
            ms.checked_sub_months(chrono::Months::new(1)).unwrap(),
            ms,
        ),
        (
            "last_10_days",
            today - Duration::days(10),
            today + Duration::days(1),
        ),
    ];
    for (name, from, to) in cases {
        let v = h
            .get(K, &format!("{base}&filter%5Bdate_range%5D={name}"))
            .await
            .json();
        assert_eq!(
            v["meta"]["total_results"].as_u64().unwrap(),
            in_range(from, to),
            "{name}"
        );
    }
    let v = h
        .get(K, &format!("{base}&filter%5Bdate_range%5D=next_month"))
        .await
        .json();
    assert_eq!(v["meta"]["total_results"], 0);
}

#[tokio::test]
async fn webhook_deliveries_filters_and_retrieve() {
    let h = start().await;
    let all = h.all_pages(K, "webhook_deliveries?page%5Bsize%5D=7").await;
    assert_eq!(all.len(), 30);
    assert!(
        all.iter().any(|w| w["status"] == "failed")
            && all.iter().any(|w| w["status"] == "delivered")
    );
    for w in &all {
        let attempts = w["attempts"].as_array().unwrap();
        assert!(!attempts.is_empty());
        let starts: Vec<&str> = attempts
            .iter()
            .map(|a| a["started_at"].as_str().unwrap())
            .collect();
        assert!(
            starts.windows(2).all(|p| p[0] > p[1]),
            "attempts newest first"
        );
        assert_eq!(attempts[0]["status"], w["status"]);
    }
    let total = |v: Value| v["meta"]["total_results"].as_u64().unwrap();
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|r| f(r)).count() as u64;
    assert_eq!(
        total(
            h.get(K, "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=failed")
                .await
                .json()
        ),
        count(&|w| w["status"] == "failed")
    );
    assert_eq!(
        total(
            h.get(
                K,
                "webhook_deliveries?filter%5Bevent_type%5D=call.initiated%2Cmessage.sent"
            )
            .await
            .json()
        ),
        count(&|w| w["webhook"]["event_type"] == "call.initiated"
            || w["webhook"]["event_type"] == "message.sent")
    );
    assert_eq!(
        total(
            h.get(
                K,
                "webhook_deliveries?filter%5Bwebhook%5D%5Bcontains%5D=call.hangup"
            )
            .await
            .json()
        ),
        count(&|w| w["webhook"].to_string().contains("call.hangup"))
    );
    let n = total(h.get(K, "webhook_deliveries?filter%5Battempts%5D%5Bcontains%5D=https%3A%2F%2Ffailover.example.com").await.json());
    assert_eq!(
        n,
        count(&|w| w["attempts"]
            .to_string()
            .contains("https://failover.example.com"))
    );
    assert!(n > 0);
    let mid = all[15]["started_at"].as_str().unwrap();
    assert_eq!(
        total(
            h.get(
                K,
                &format!("webhook_deliveries?filter%5Bstarted_at%5D%5Bgte%5D={mid}")
            )
            .await
            .json()
        ),
        count(&|w| w["started_at"].as_str().unwrap() >= mid)
    );
    assert_eq!(
        total(
            h.get(
                K,
                &format!("webhook_deliveries?filter%5Bstarted_at%5D%5Blte%5D={mid}")
            )
            .await
            .json()
        ),
        count(&|w| w["started_at"].as_str().unwrap() <= mid)
    );
    let fmid = all[10]["finished_at"].as_str().unwrap();
    assert_eq!(
        total(
            h.get(
                K,
                &format!("webhook_deliveries?filter%5Bfinished_at%5D%5Bgte%5D={fmid}")
            )
            .await
            .json()
        ),
        count(&|w| w["finished_at"].as_str().unwrap() >= fmid)
    );
    assert_eq!(
        total(
            h.get(
                K,
                &format!("webhook_deliveries?filter%5Bfinished_at%5D%5Blte%5D={fmid}")
            )
            .await
            .json()
        ),
        count(&|w| w["finished_at"].as_str().unwrap() <= fmid)
    );
    // the SDK's recorded request (2019 window) is simply empty
    let r = h.get(K, "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=delivered&filter%5Bevent_type%5D=call_initiated%2Ccall.initiated&filter%5Bstarted_at%5D%5Bgte%5D=2019-03-29T11%3A10%3A00Z&filter%5Bwebhook%5D%5Bcontains%5D=call.initiated&filter%5Battempts%5D%5Bcontains%5D=https%3A%2F%2Fx&filter%5Bfinished_at%5D%5Blte%5D=2019-03-29T11%3A10%3A00Z&page%5Bnumber%5D=2").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["meta"]["page_number"], 2);
    for q in [
        "filter%5Bstatus%5D%5Beq%5D=ok",
        "filter%5Bstarted_at%5D%5Bgte%5D=soon",
        "filter%5Bbogus%5D=1",
        "page%5Bsize%5D=251",
    ] {
        assert_eq!(
            h.get(K, &format!("webhook_deliveries?{q}")).await.status,
            400,
            "{q}"
        );
    }
    // Every delivery is found by its id (the lookup is an index, not a scan), also in upper case.
    assert!(all.len() > 10, "{}", all.len());
    for delivery in &all {
        let id = delivery["id"].as_str().unwrap();
        let r = h.get(K, &format!("webhook_deliveries/{id}")).await;
        assert_eq!(&r.json()["data"], delivery, "{id}");
    }
    let id = all[3]["id"].as_str().unwrap().to_uppercase();
    let r = h.get(K, &format!("webhook_deliveries/{id}")).await;
    assert_eq!(r.json()["data"], all[3]);
    let r = h
        .get(K, "webhook_deliveries/C9C0797E-901D-4349-A33C-C2C8F31A92C2")
        .await;
    assert_eq!((r.status, r.code()), (404, "10005".to_string()));
    assert_eq!(
        h.get(K, "webhook_deliveries/not-a-uuid").await.code(),
        "10006"
    );
}

#[tokio::test]
async fn audit_events_filters_sort_and_paging() {
    let h = start().await;
    let desc = h.all_pages(K, "audit_events?page%5Bsize%5D=3").await;
    assert_eq!(desc.len(), 20);
    let times: Vec<&str> = desc
        .iter()
        .map(|e| e["created_at"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "default newest first"
    );
    let asc = h.all_pages(K, "audit_events?sort=asc").await;
    let mut rev = desc.clone();
    rev.reverse();
    assert_eq!(asc, rev);
    let mid = times[10];
    let after = h
        .get(
            K,
            &format!(
                "audit_events?filter%5Bcreated_after%5D={}",
                mid.replace(':', "%3A")
            ),
        )
        .await
        .json();
    assert_eq!(
        after["meta"]["total_results"].as_u64().unwrap(),
        times.iter().filter(|t| **t >= mid).count() as u64
    );
    let before = h
        .get(K, &format!("audit_events?filter%5Bcreated_before%5D={mid}"))
        .await
        .json();
    assert_eq!(
        before["meta"]["total_results"].as_u64().unwrap(),
        times.iter().filter(|t| **t < mid).count() as u64
    );
    // +00:00 offsets (PyPI SDK) and the recorded 2021 window
    let r = h.get(K, "audit_events?filter%5Bcreated_after%5D=2021-01-09T00%3A00%3A00%2B00%3A00&page%5Bnumber%5D=2").await;
    assert_eq!(r.status, 200);
    let r = h.get(K, "audit_events?filter%5Bcreated_after%5D=2021-01-09T00%3A00%3A00Z&filter%5Bcreated_before%5D=2021-01-10T00%3A00%3A00Z&page%5Bnumber%5D=1&page%5Bsize%5D=2&sort=desc").await.json();
    assert_eq!(r["meta"]["total_results"], 0);
    assert_eq!(r["meta"]["total_pages"], 0);
    for q in [
        "sort=newest",
        "filter%5Bcreated_after%5D=yesterday",
        "page%5Bsize%5D=251",
    ] {
        assert_eq!(
            h.get(K, &format!("audit_events?{q}")).await.status,
            400,
            "{q}"
        );
    }
}

#[tokio::test]
async fn user_tags_starts_with() {
    let h = start().await;
    let all = h.get(K, "user_tags").await.json()["data"].clone();
    assert!(all["number_tags"].as_array().unwrap().len() >= 3);
    let v = h
        .get(K, "user_tags?filter%5Bstarts_with%5D=my-tag")
        .await
        .json()["data"]
        .clone();
    assert_eq!(v["number_tags"], serde_json::json!(["my-tag", "my-tag-2"]));
    assert_eq!(v["outbound_profile_tags"], serde_json::json!(["my-tag"]));
    for q in ["a%20b%2Bc%26d%3D%C3%A9", "a+b%2Bc%26d%3D%C3%A9"] {
        let v = h
            .get(K, &format!("user_tags?filter%5Bstarts_with%5D={q}"))
            .await
            .json()["data"]
            .clone();
        assert_eq!(
            v["number_tags"],
            serde_json::json!(["a b+c&d=é-tag"]),
            "{q}"
        );
    }
    let v = h
        .get(K, "user_tags?filter%5Bstarts_with%5D=zzz")
        .await
        .json()["data"]
        .clone();
    assert_eq!(v["number_tags"], serde_json::json!([]));
}

#[tokio::test]
async fn routing_errors_are_telnyx_shaped() {
    let h = start().await;
    let r = h.get(K, "/_stainless_unknown_path").await;
    assert_eq!((r.status, r.code()), (404, "10005".to_string()));
    let r = h.get(K, "nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json()["errors"][0]["meta"]["url"],
        "https://developers.telnyx.com/docs/overview/errors/10005"
    );
    let r = h
        .send(reqwest::Method::DELETE, K, "balance", None, &[])
        .await;
    assert_eq!(r.status, 405);
    assert!(r.json()["errors"][0]["title"].is_string());
    let r = h
        .send(
            reqwest::Method::GET,
            K,
            "payment/stored_payment_transactions",
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 405);
}

#[tokio::test]
async fn junk_input_never_yields_5xx() {
    let h = start().await;
    let gets = [
        "audit_events?page%5Bnumber%5D=99999999999999999999",
        "audit_events?page%5Bsize%5D=",
        "audit_events?filter%5Bcreated_after%5D=%F0%9F%92%A9",
        "audit_events?%ZZ=1",
        "audit_events?filter%5Bcreated_after%5D=%C3%28",
        "balance?x=%00",
        "charges_summary?start_date=&end_date=",
        "charges_summary?start_date=9999-12-31&end_date=9999-12-31",
        "charges_breakdown?start_date=9999-12-31",
        "charges_breakdown?start_date=-2025-01-01",
        "detail_records?filter%5Brecord_type%5D=",
        "detail_records?filter%5Brecord_type%5D=messaging&filter%5B%5D=1",
        "detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcld",
        "detail_records?filter%5Brecord_type%5D=messaging&filter%5Bdate_range%5D=last_99999999999999999999_days",
        "detail_records?filter%5Brecord_type%5D=messaging&filter%5Bdate_range%5D=last_-1_days",
        "detail_records?filter%5Brecord_type%5D=messaging&sort=-",
        "detail_records?filter%5Brecord_type%5D=messaging&sort=%2C%2C",
        "detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcost%5D%5Bgt%5D=1e999",
        "detail_records?filter%5Brecord_type%5D=messaging&page%5Bnumber%5D=2147483647&page%5Bsize%5D=50",
        "invoices?page%5Bnumber%5D=-1",
        "invoices/%FF%FE",
        "invoices/%E2%9C%93",
        "invoices/",
        "webhook_deliveries/%00",
        "webhook_deliveries?filter%5Bevent_type%5D=%2C%2C%2C",
        "user_tags?filter%5Bstarts_with%5D=%F0%9F%92%A9",
    ];
    for g in gets {
        let r = h.get(K, g).await;
        assert!(
            (200..500).contains(&r.status),
            "{g}: {} {}",
            r.status,
            r.text
        );
        if r.status >= 400 {
            assert!(r.json()["errors"][0]["code"].is_string(), "{g}: {}", r.text);
        }
    }
    let bodies = [
        "",
        "null",
        "[]",
        "\"x\"",
        "{\"amount\":null}",
        "{\"amount\":{}}",
        "{\"amount\":\"\u{1F4A9}\"}",
        "{\"amount\":\"99999999999999999999.00\"}",
        "{",
        "\u{0}",
        "{\"enabled\":null}",
    ];
    for b in bodies {
        for (m, p) in [
            (reqwest::Method::POST, "payment/stored_payment_transactions"),
            (reqwest::Method::PATCH, "payment/auto_recharge_prefs"),
            (reqwest::Method::POST, "/_emulator/faults"),
            (reqwest::Method::POST, "/_emulator/seed"),
            (reqwest::Method::POST, "/_emulator/reset"),
        ] {
            let r = h.send(m.clone(), K, p, Some(b), &[]).await;
            assert!(r.status < 500, "{m} {p} {b:?}: {} {}", r.status, r.text);
        }
    }
    let big = format!("{{\"amount\":\"{}\"}}", "9".repeat(2 * 1024 * 1024));
    let r = h.post(K, "payment/stored_payment_transactions", &big).await;
    assert_eq!(r.status, 413);
}

#[tokio::test]
async fn a_misspelt_filter_is_a_400_naming_it_on_every_list() {
    let h = start().await;
    // (path with an unknown filter, a filter the message must offer instead)
    for (path, supported) in [
        (
            "audit_events?filter%5Bcreated_since%5D=2025-01-01T00:00:00Z",
            "filter[created_after]",
        ),
        ("user_tags?filter%5Bprefix%5D=my", "filter[starts_with]"),
        (
            "webhook_deliveries?filter%5Bstate%5D=failed",
            "filter[status][eq]",
        ),
    ] {
        let r = h.get(K, path).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        let error = &r.json()["errors"][0];
        let parameter = error["source"]["parameter"].as_str().unwrap_or_default();
        assert!(parameter.starts_with("filter["), "{path}: {error}");
        let detail = error["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(parameter), "{path}: {detail}");
        assert!(detail.contains(supported), "{path}: {detail}");
    }
    // The documented filters still pass.
    for path in [
        "audit_events?filter%5Bcreated_after%5D=2020-01-01T00:00:00Z",
        "user_tags?filter%5Bstarts_with%5D=my",
        "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=failed",
    ] {
        assert_eq!(h.get(K, path).await.status, 200, "{path}");
    }
}
