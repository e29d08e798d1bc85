//! Control API, fault rules, rate limiting, request log, seeding and durability across restarts.

use crate::common;

use std::time::{Duration, Instant};

use common::{start, start_with};
use serde_json::Value;
use telnyx_emulator::{Emulator, EmulatorConfig, SeedRequest, DEMO_API_KEY};

const K: &str = "KEY_control";

/// A stored payment of 0.45 with `Idempotency-Key: k-1`.
async fn pay_45_cents_once(h: &common::Harness) -> common::Resp {
    h.send(
        reqwest::Method::POST,
        K,
        "payment/stored_payment_transactions",
        Some(r#"{"amount":"0.45"}"#),
        &[("Idempotency-Key", "k-1")],
    )
    .await
}

#[tokio::test]
async fn library_api_start_base_url_shutdown() {
    let t = Instant::now();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let ready = t.elapsed();
    assert!(emu.base_url().starts_with("http://127.0.0.1:"));
    assert!(emu.base_url().ends_with("/v2"));
    assert_eq!(emu.base_url(), format!("http://{}/v2", emu.addr()));
    let health = reqwest::get(format!("http://{}/_emulator/health", emu.addr()))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let v: Value = serde_json::from_slice(&health.bytes().await.unwrap()).unwrap();
    assert_eq!(v["status"], "ok");
    assert!(ready < Duration::from_secs(2), "ready in {ready:?}");
    assert_eq!(DEMO_API_KEY, "KEY_DEMO");
    let addr = emu.addr();
    emu.shutdown().await;
    assert!(
        reqwest::get(format!("http://{addr}/_emulator/health"))
            .await
            .is_err(),
        "stopped after shutdown"
    );
}

#[tokio::test]
async fn fault_rules_apply_count_down_and_clear() {
    let h = start().await;
    let r = h.post("", "/_emulator/faults", r#"{"method":"GET","path_prefix":"/v2/balance","status":503,"headers":{"Retry-After":"1"},"times":2}"#).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_u64().unwrap();
    for _ in 0..2 {
        let b = h.get(K, "balance").await;
        assert_eq!(b.status, 503);
        assert_eq!(b.header("retry-after").as_deref(), Some("1"));
        assert_eq!(b.code(), "10007");
    }
    assert_eq!(h.get(K, "balance").await.status, 200, "times counted down");
    assert_eq!(
        h.get(K, "/_emulator/faults").await.json()["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // other paths and methods are untouched
    h.post(
        "",
        "/_emulator/faults",
        r#"{"method":"POST","path_prefix":"/v2/","status":500,"body":"upstream exploded"}"#,
    )
    .await;
    assert_eq!(h.get(K, "invoices").await.status, 200);
    let p = h
        .post(
            K,
            "payment/stored_payment_transactions",
            r#"{"amount":"1.00"}"#,
        )
        .await;
    assert_eq!((p.status, p.text.as_str()), (500, "upstream exploded"));
    assert_eq!(
        h.get(K, "balance").await.json()["data"]["balance"],
        "300.00",
        "faults answer before the handler"
    );
    // faults come before auth
    assert_eq!(
        h.send(
            reqwest::Method::POST,
            "",
            "payment/stored_payment_transactions",
            Some("{}"),
            &[]
        )
        .await
        .status,
        500
    );
    assert_eq!(
        h.get(K, "/_emulator/faults").await.json()["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let c = h
        .send(reqwest::Method::DELETE, "", "/_emulator/faults", None, &[])
        .await;
    assert_eq!(c.json()["cleared"], 1);
    assert_eq!(
        h.post(
            K,
            "payment/stored_payment_transactions",
            r#"{"amount":"1.00"}"#
        )
        .await
        .status,
        200
    );
    // latency-only and JSON bodies
    h.post(
        "",
        "/_emulator/faults",
        r#"{"path_prefix":"/v2/user_tags","latency_ms":150,"times":1}"#,
    )
    .await;
    let t = Instant::now();
    assert_eq!(h.get(K, "user_tags").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(140));
    h.post("", "/_emulator/faults", r#"{"path_prefix":"/v2/invoices","status":429,"body":{"errors":[{"code":"10011","title":"Too many requests"}]},"times":1}"#).await;
    let r = h.get(K, "invoices").await;
    assert_eq!((r.status, r.code()), (429, "10011".to_string()));
    // invalid rules
    for bad in [
        r#"{"status":99}"#,
        r#"{"path_prefix":"/v2"}"#,
        r#"{"status":500,"headers":{"bad header":"x"}}"#,
        r#"{"status":"x"}"#,
    ] {
        assert_eq!(
            h.post("", "/_emulator/faults", bad).await.status,
            422,
            "{bad}"
        );
    }
    let log = h.get("", "/_emulator/requests?limit=50").await.json();
    assert!(log["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["fault_id"] == id));
}

#[tokio::test]
async fn request_log_is_bounded_and_never_holds_keys() {
    let h = start().await;
    h.send(
        reqwest::Method::POST,
        "KEY_secret_value",
        "payment/stored_payment_transactions",
        Some(r#"{"amount":"2.00"}"#),
        &[("Idempotency-Key", "idem-1")],
    )
    .await;
    h.get("KEY_secret_value", "invoices?page%5Bsize%5D=2").await;
    let r = h.get("", "/_emulator/requests?limit=2").await;
    assert_eq!(r.status, 200);
    assert!(!r.text.contains("KEY_secret_value"));
    let d = r.json()["data"].as_array().unwrap().clone();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0]["method"], "POST");
    assert_eq!(d[0]["path"], "/v2/payment/stored_payment_transactions");
    assert_eq!(d[0]["idempotency_key"], "idem-1");
    assert_eq!(d[0]["body_size"], 17);
    assert_eq!(d[0]["status"], 200);
    assert_eq!(d[1]["query"], "page%5Bsize%5D=2", "newest last");
    assert_eq!(d[0]["api_key_hash"], d[1]["api_key_hash"]);
    assert_eq!(d[0]["api_key_hash"].as_str().unwrap().len(), 32);
    for _ in 0..1010 {
        h.get(K, "/_stainless_unknown_path").await;
    }
    let all = h.get("", "/_emulator/requests?limit=1000").await.json()["data"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(all, 1000, "bounded ring buffer");
    assert_eq!(h.get("", "/_emulator/requests?limit=0").await.status, 400);
    h.send(
        reqwest::Method::DELETE,
        "",
        "/_emulator/requests",
        None,
        &[],
    )
    .await;
    assert_eq!(
        h.get("", "/_emulator/requests").await.json()["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn rate_limit_per_key_with_headers() {
    let h = start_with(EmulatorConfig {
        rate_limit: Some(3),
        ..Default::default()
    })
    .await;
    // Align to the start of a fresh one-second window so the burst stays inside it.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    tokio::time::sleep(
        Duration::from_nanos(1_000_000_000 - u64::from(now.subsec_nanos()))
            + Duration::from_millis(5),
    )
    .await;
    let mut statuses = Vec::new();
    let mut remaining = Vec::new();
    for _ in 0..5 {
        let r = h.get(K, "balance").await;
        assert_eq!(r.header("x-ratelimit-limit").as_deref(), Some("3"));
        assert!(r.header("x-ratelimit-reset").is_some());
        remaining.push(r.header("x-ratelimit-remaining").unwrap());
        if r.status == 429 {
            assert_eq!(r.code(), "10011");
            assert_eq!(r.json()["errors"][0]["title"], "Too many requests");
            assert_eq!(r.header("retry-after").as_deref(), Some("1"));
        }
        statuses.push(r.status);
    }
    assert_eq!(statuses, vec![200, 200, 200, 429, 429]);
    assert_eq!(remaining, vec!["2", "1", "0", "0", "0"]);
    // another key has its own budget
    assert_eq!(h.get("KEY_other", "balance").await.status, 200);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(h.get(K, "balance").await.status, 200, "window resets");
    // off by default: no headers
    let plain = start().await;
    assert!(plain
        .get(K, "balance")
        .await
        .header("x-ratelimit-limit")
        .is_none());
}

#[tokio::test]
async fn reset_one_account_or_all() {
    let h = start().await;
    h.post(
        "KEY_r1",
        "payment/stored_payment_transactions",
        r#"{"amount":"5.00"}"#,
    )
    .await;
    h.post(
        "KEY_r2",
        "payment/stored_payment_transactions",
        r#"{"amount":"5.00"}"#,
    )
    .await;
    let r = h
        .post("", "/_emulator/reset", r#"{"api_key":"KEY_r1"}"#)
        .await;
    assert_eq!(r.json()["accounts_removed"], 1);
    assert_eq!(
        h.get("KEY_r1", "balance").await.json()["data"]["balance"],
        "300.00"
    );
    assert_eq!(
        h.get("KEY_r2", "balance").await.json()["data"]["balance"],
        "305.00"
    );
    let r = h
        .send(reqwest::Method::POST, "", "/_emulator/reset", None, &[])
        .await;
    assert_eq!(r.json()["reset"], "all");
    assert_eq!(
        h.get("KEY_r2", "balance").await.json()["data"]["balance"],
        "300.00"
    );
    assert_eq!(
        h.post("", "/_emulator/reset", r#"{"api_key":5}"#)
            .await
            .status,
        422
    );
}

#[tokio::test]
async fn seeding_at_size_is_fast() {
    let h = start().await;
    let r = h.post("", "/_emulator/seed", r#"{"api_key":"KEY_load","detail_records":100000,"detail_record_type":"messaging","webhook_deliveries":500,"audit_events":300}"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["detail_records"], 100_000 + 7 * 40);
    assert_eq!(v["webhook_deliveries"], 500);
    assert_eq!(v["audit_events"], 300);
    let ms = v["elapsed_ms"].as_f64().unwrap();
    println!("seeded 100k messaging records in {ms:.1} ms (debug build)");
    assert!(ms < 20_000.0);
    let m = h.get("KEY_load", "detail_records?filter%5Brecord_type%5D=messaging&page%5Bsize%5D=50&page%5Bnumber%5D=2000").await.json();
    assert_eq!(m["meta"]["total_results"], 100_000);
    assert_eq!(m["meta"]["total_pages"], 2000);
    assert_eq!(m["data"].as_array().unwrap().len(), 50);
    assert_eq!(
        h.get("KEY_load", "webhook_deliveries").await.json()["meta"]["total_results"],
        500
    );

    // default-size account via the library API
    let rep = h
        .emu
        .seed_account("KEY_default", SeedRequest::default())
        .await
        .unwrap();
    println!(
        "default account seeded in {:.2} ms (debug build)",
        rep.elapsed_ms
    );
    assert_eq!(rep.detail_records, 8 * 40);
    assert_eq!(rep.invoices, 12);
    assert!(h
        .emu
        .seed_account(
            "K",
            SeedRequest {
                detail_record_type: Some("fax".into()),
                ..Default::default()
            }
        )
        .await
        .is_err());
    assert_eq!(
        h.post("", "/_emulator/seed", r#"{"detail_records":5}"#)
            .await
            .status,
        422
    );
    assert_eq!(
        h.post(
            "",
            "/_emulator/seed",
            r#"{"api_key":"K","detail_records":-5}"#
        )
        .await
        .status,
        422
    );
}

#[tokio::test]
async fn every_write_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.sqlite");
    let config = || EmulatorConfig {
        db_path: Some(db.clone()),
        ..Default::default()
    };

    let h = start_with(config()).await;
    assert_eq!(
        h.post(
            K,
            "v2/payment/stored_payment_transactions",
            r#"{"amount":"120.00"}"#
        )
        .await
        .status,
        200
    );
    let first = pay_45_cents_once(&h).await;
    assert_eq!(first.status, 200);
    let prefs = h
        .patch(
            K,
            "payment/auto_recharge_prefs",
            r#"{"preference":"ach","threshold_amount":"75.00"}"#,
        )
        .await
        .json();
    let audit_before = h.get(K, "audit_events?page%5Bsize%5D=250").await.json();
    h.post(
        "",
        "/_emulator/seed",
        r#"{"api_key":"KEY_big","webhook_deliveries":77}"#,
    )
    .await;
    h.post(
        "KEY_gone",
        "payment/stored_payment_transactions",
        r#"{"amount":"9.00"}"#,
    )
    .await;
    h.post("", "/_emulator/reset", r#"{"api_key":"KEY_gone"}"#)
        .await;
    h.emu.shutdown().await;

    let h = start_with(config()).await;
    assert_eq!(
        h.get(K, "balance").await.json()["data"]["balance"],
        "420.45"
    );
    assert_eq!(h.get(K, "payment/auto_recharge_prefs").await.json(), prefs);
    assert_eq!(
        h.get(K, "audit_events?page%5Bsize%5D=250").await.json(),
        audit_before
    );
    let replay = pay_45_cents_once(&h).await;
    assert_eq!(replay.text, first.text, "idempotency records survive");
    assert_eq!(
        h.get(K, "balance").await.json()["data"]["balance"],
        "420.45"
    );
    assert_eq!(
        h.get("KEY_big", "webhook_deliveries").await.json()["meta"]["total_results"],
        77,
        "seed sizes survive"
    );
    assert_eq!(
        h.get("KEY_gone", "balance").await.json()["data"]["balance"],
        "300.00",
        "reset survives"
    );
    // in-memory mode forgets
    let m = start().await;
    assert_eq!(
        m.get(K, "balance").await.json()["data"]["balance"],
        "300.00"
    );
}
