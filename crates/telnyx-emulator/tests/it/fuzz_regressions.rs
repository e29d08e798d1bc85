//! Regressions found by fuzzing the emulator against `openapi-account.json` with schemathesis
//! (see README "Fuzzing against the spec"). Over real HTTP.

use crate::common;

use common::start;

const K: &str = "KEY_fuzz_regressions";

/// `format: date` in the spec: exactly four digits, a dash, two digits, a dash, two digits.
fn is_full_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// A start in December 9999 with no `end_date` used to answer 200 with
/// `"end_date": "+10000-01-01"`, which is not a `format: date` value.
#[tokio::test]
async fn charges_breakdown_default_end_date_stays_a_four_digit_date() {
    let h = start().await;
    for start_date in ["9999-12-01", "9999-12-31"] {
        let r = h
            .get(K, &format!("charges_breakdown?start_date={start_date}"))
            .await;
        if r.status == 200 {
            let end = r.json()["data"]["end_date"]
                .as_str()
                .unwrap_or("")
                .to_string();
            panic!("{start_date}: 200 with end_date {end:?}: {}", r.text);
        }
        assert_eq!(r.status, 400, "{start_date}: {}", r.text);
        assert_eq!(r.code(), "10015");
        assert_eq!(
            r.json()["errors"][0]["source"]["parameter"],
            "start_date",
            "{}",
            r.text
        );
    }
    // The last representable month still works with an explicit end.
    let r = h
        .get(
            K,
            "charges_breakdown?start_date=9999-12-01&end_date=9999-12-31",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["data"]["end_date"], "9999-12-31");
    // And the month before it, with the default end.
    let r = h.get(K, "charges_breakdown?start_date=9999-11-30").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["data"]["end_date"], "9999-12-30");
}

/// `+999-01-01` and `-999-01-01` are ten characters long and chrono's `%Y` takes a sign, so they
/// used to be accepted and echoed back as `0999-01-01` / `-0999-01-01`.
#[tokio::test]
async fn signed_or_short_years_are_not_yyyy_mm_dd() {
    let h = start().await;
    let cases = [
        ("charges_breakdown?start_date=%2B999-01-01", "start_date"),
        ("charges_breakdown?start_date=-999-01-01", "start_date"),
        (
            "charges_summary?start_date=-999-01-01&end_date=-999-01-20",
            "start_date",
        ),
        (
            "charges_summary?start_date=2025-05-01&end_date=%2B025-05-20",
            "end_date",
        ),
        ("charges_breakdown?start_date=2025-5-001", "start_date"),
    ];
    for (path, param) in cases {
        let r = h.get(K, path).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        assert_eq!(r.code(), "10015", "{path}");
        assert_eq!(
            r.json()["errors"][0]["source"]["parameter"],
            param,
            "{path}: {}",
            r.text
        );
    }
}

/// Every date the charges endpoints echo is a spec `format: date`.
#[tokio::test]
async fn charges_dates_in_responses_are_full_dates() {
    let h = start().await;
    for path in [
        "charges_breakdown?start_date=0000-01-01",
        "charges_breakdown?start_date=0003-01-01",
        "charges_breakdown?start_date=2025-05-01",
        "charges_breakdown?start_date=9999-11-15",
        "charges_summary?start_date=0000-01-01&end_date=0000-01-31",
        "charges_summary?start_date=9999-12-01&end_date=9999-12-31",
    ] {
        let r = h.get(K, path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        let d = &r.json()["data"];
        for f in ["start_date", "end_date"] {
            let v = d[f].as_str().unwrap_or_default();
            assert!(is_full_date(v), "{path}: {f} = {v:?}");
        }
    }
}

/// schemathesis: an empty `sort=` or `action=` and unknown `page[...]` keys were answered 200
/// while an unknown `filter[...]` was a 400. Every empty or unknown enum value and every
/// parameter an endpoint does not take is now a 400 naming it and what is allowed.
#[tokio::test]
async fn empty_enums_and_unknown_parameters_are_400s_naming_them() {
    let h = start().await;
    let id = h.get(K, "invoices").await.json()["data"][0]["invoice_id"]
        .as_str()
        .unwrap()
        .to_string();
    let cases = [
        ("invoices?sort=".to_string(), "sort", "period_start"),
        (format!("invoices/{id}?action="), "action", "link"),
        (
            "invoices?page%5Bcursor%5D=2".into(),
            "page[cursor]",
            "page[size]",
        ),
        ("audit_events?sort=".into(), "sort", "asc"),
        (
            "audit_events?page%5Bafter%5D=x".into(),
            "page[after]",
            "page[number]",
        ),
        (
            "charges_breakdown?start_date=2025-05-01&format=".into(),
            "format",
            "csv",
        ),
        (
            "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=".into(),
            "filter[status][eq]",
            "delivered",
        ),
        (
            "webhook_deliveries?bogus%5Ba%5D=1".into(),
            "bogus[a]",
            "filter[status]",
        ),
        (
            "user_tags?sort%5Bby%5D=x".into(),
            "sort[by]",
            "filter[starts_with]",
        ),
        (
            "detail_records?filter%5Brecord_type%5D=messaging&order%5Bx%5D=asc".into(),
            "order[x]",
            "sort",
        ),
        (
            "charges_summary?start_date=2025-05-01&end_date=2025-06-01&range%5Ba%5D=1".into(),
            "range[a]",
            "start_date",
        ),
    ];
    for (path, param, allowed) in cases {
        let r = h.get(K, &path).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        let e = &r.json()["errors"][0];
        assert_eq!(e["source"]["parameter"], param, "{path}");
        let detail = e["detail"].as_str().unwrap();
        assert!(detail.contains(allowed), "{path}: {detail}");
    }
    for ok in [
        "invoices?sort=period_start",
        "audit_events?sort=asc&page%5Bsize%5D=2",
    ] {
        assert_eq!(h.get(K, ok).await.status, 200, "{ok}");
    }
    // seeded and generated audit changes stay inside the official SDKs' types: a `to` that is
    // an array holds objects only
    for e in h.all_pages(K, "audit_events?page%5Bsize%5D=250").await {
        for c in e["changes"].as_array().into_iter().flatten() {
            if let Some(items) = c["to"].as_array() {
                assert!(items.iter().all(|i| i.is_object()), "{c}");
            }
        }
    }
}
