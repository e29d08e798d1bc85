//! The write tools: absent and refused without their flags; auto-recharge changes; the payment
//! dry run, cap and idempotent replay; both protocol versions.
#![allow(clippy::unwrap_used)]

use rmcp::model::ProtocolVersion;
use serde_json::json;
use telnyx::Decimal;
use telnyx_mcp::{Policy, Tools};

use crate::common::*;

const WRITE_TOOLS: [&str; 2] = [
    "update_auto_recharge_prefs",
    "create_stored_payment_transaction",
];

async fn tool_names(s: &Session) -> Vec<String> {
    within("tools/list", s.list_all_tools())
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect()
}

#[tokio::test]
async fn write_tools_are_absent_and_refused_without_their_flags() {
    let emu = emulator().await;
    let c = client(&emu, "KEY_RO");
    let s = connect(&c, Policy::read_only(), date("2026-01-01")).await;
    let names = tool_names(&s).await;
    assert_eq!(names.len(), 11, "{names:?}");
    for w in WRITE_TOOLS {
        assert!(!names.iter().any(|n| n == w), "{w} listed: {names:?}");
    }
    let before = c.payment().auto_recharge_prefs().list().await.unwrap();
    let tx_path = "/_emulator/transactions?api_key=KEY_RO";
    let tx = control(&emu, reqwest::Method::GET, tx_path, json!(null)).await;
    let tx_before = tx["data"].as_array().unwrap().len();
    let e = call_err(&s, "update_auto_recharge_prefs", json!({"enabled": false})).await;
    assert_eq!(e["kind"], json!("disabled"));
    assert!(
        e["message"].as_str().unwrap().contains("--allow-writes"),
        "{e}"
    );
    let e = call_err(
        &s,
        "create_stored_payment_transaction",
        json!({"amount": "5.00", "idempotency_key": "k1", "dry_run": false}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("--allow-payments"),
        "{e}"
    );
    // Nothing changed.
    assert_eq!(
        c.payment().auto_recharge_prefs().list().await.unwrap(),
        before
    );
    let tx = control(&emu, reqwest::Method::GET, tx_path, json!(null)).await;
    assert_eq!(tx["data"].as_array().unwrap().len(), tx_before);

    // --allow-writes alone does not enable payments, and the other way round.
    let writes = Policy {
        allow_writes: true,
        ..Policy::read_only()
    };
    let s = connect(&c, writes, date("2026-01-01")).await;
    let names = tool_names(&s).await;
    assert!(names.iter().any(|n| n == "update_auto_recharge_prefs"));
    assert!(!names
        .iter()
        .any(|n| n == "create_stored_payment_transaction"));
    let e = call_err(
        &s,
        "create_stored_payment_transaction",
        json!({"amount": "5.00", "idempotency_key": "k1"}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("--allow-payments"),
        "{e}"
    );

    // An unknown tool is a protocol error (invalid params), not a tool result.
    let r = within(
        "unknown",
        s.call_tool(rmcp::model::CallToolRequestParams::new("drop_tables")),
    )
    .await;
    assert!(r.is_err(), "{r:?}");
}

#[tokio::test]
async fn update_auto_recharge_prefs_changes_what_the_sdk_reads() {
    let emu = emulator().await;
    let c = client(&emu, "KEY_WRITE");
    let policy = Policy {
        allow_writes: true,
        ..Policy::read_only()
    };
    let s = connect(&c, policy, date("2026-01-01")).await;
    let before = c.payment().auto_recharge_prefs().list().await.unwrap();
    let got = call(
        &s,
        "update_auto_recharge_prefs",
        json!({"threshold_amount": "42.50", "recharge_amount": "75.00", "enabled": true}),
    )
    .await;
    let after = c.payment().auto_recharge_prefs().list().await.unwrap();
    assert_eq!(
        after.threshold_amount.unwrap().to_decimal(),
        "42.50".parse::<Decimal>().unwrap()
    );
    assert_eq!(
        after.recharge_amount.unwrap().to_decimal(),
        "75.00".parse::<Decimal>().unwrap()
    );
    assert_eq!(
        dec(&got["after"]["threshold_amount"]["amount"]),
        "42.5".parse::<Decimal>().unwrap()
    );
    assert_eq!(
        dec(&got["before"]["threshold_amount"]["amount"]),
        before.threshold_amount.unwrap().to_decimal()
    );
    let e = call_err(&s, "update_auto_recharge_prefs", json!({})).await;
    assert!(
        e["message"].as_str().unwrap().contains("nothing to change"),
        "{e}"
    );
    let e = call_err(
        &s,
        "update_auto_recharge_prefs",
        json!({"recharge_amount": 75.0}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("input schema"),
        "a float is refused: {e}"
    );
}

#[tokio::test]
async fn payments_are_dry_runs_by_default_capped_and_idempotent() {
    let emu = emulator().await;
    let key = "KEY_PAY";
    let c = client(&emu, key);
    let policy = Policy {
        allow_payments: true,
        max_payment_amount: "50.00".parse().unwrap(),
        ..Policy::read_only()
    };
    let s = connect(&c, policy, date("2026-01-01")).await;
    let names = tool_names(&s).await;
    assert!(names
        .iter()
        .any(|n| n == "create_stored_payment_transaction"));
    let balance = || async {
        c.balance()
            .retrieve()
            .await
            .unwrap()
            .balance
            .unwrap()
            .to_decimal()
    };
    let transactions = || async {
        control(
            &emu,
            reqwest::Method::GET,
            &format!("/_emulator/transactions?api_key={key}"),
            json!(null),
        )
        .await["data"]
            .as_array()
            .unwrap()
            .len()
    };
    let start = balance().await;
    let tx_start = transactions().await;

    // Dry run by default: says what it would do, charges nothing.
    let got = call(
        &s,
        "create_stored_payment_transaction",
        json!({"amount": "20.00", "idempotency_key": "pay-1"}),
    )
    .await;
    assert_eq!(got["dry_run"], json!(true));
    assert!(got["transaction"].is_null());
    assert!(
        got["outcome"].as_str().unwrap().contains("dry_run: false"),
        "{got}"
    );
    assert_eq!(balance().await, start);
    assert_eq!(transactions().await, tx_start);

    // Above the cap: refused, naming the limit.
    let e = call_err(
        &s,
        "create_stored_payment_transaction",
        json!({"amount": "50.01", "idempotency_key": "pay-2", "dry_run": false}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("50.00 USD"), "{e}");
    assert_eq!(transactions().await, tx_start);
    // No key, a bad key, a bad amount.
    let e = call_err(
        &s,
        "create_stored_payment_transaction",
        json!({"amount": "5.00", "dry_run": false}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("idempotency_key"),
        "{e}"
    );
    let e = call_err(
        &s,
        "create_stored_payment_transaction",
        json!({"amount": "5.00", "idempotency_key": "a b", "dry_run": false}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("idempotency_key"),
        "{e}"
    );
    let e = call_err(
        &s,
        "create_stored_payment_transaction",
        json!({"amount": "5", "idempotency_key": "pay-3", "dry_run": false}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("dollars and cents"),
        "{e}"
    );

    // For real, then the same key again: one transaction, charged once.
    let args = json!({"amount": "20.00", "idempotency_key": "pay-1", "dry_run": false});
    let first = call(&s, "create_stored_payment_transaction", args.clone()).await;
    assert_eq!(first["dry_run"], json!(false));
    assert_eq!(
        dec(&first["transaction"]["amount"]["amount"]),
        "20".parse::<Decimal>().unwrap()
    );
    let after = balance().await;
    assert_eq!(after - start, "20.00".parse::<Decimal>().unwrap());
    let again = call(&s, "create_stored_payment_transaction", args).await;
    assert_eq!(again["transaction"]["id"], first["transaction"]["id"]);
    assert_eq!(balance().await, after);
    assert_eq!(transactions().await, tx_start + 1);
}

#[tokio::test]
async fn both_protocol_versions_are_served() {
    let emu = emulator().await;
    let c = client(&emu, "KEY_VERSIONS");
    for version in [ProtocolVersion::V_2025_11_25, ProtocolVersion::V_2026_07_28] {
        let tools = Tools::new(c.clone(), Policy::read_only());
        let s = connect_with(tools, version.clone()).await;
        assert_eq!(tool_names(&s).await.len(), 11, "{version}");
        let got = call(&s, "get_balance", json!({})).await;
        assert!(got["balance"]["amount"].is_string(), "{version}: {got}");
    }
}
