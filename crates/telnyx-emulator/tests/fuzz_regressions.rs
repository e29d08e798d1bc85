//! Regressions found by fuzzing the emulator against `openapi-account.json` with schemathesis
//! (see README "Fuzzing against the spec"). Over real HTTP.

mod common;

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
