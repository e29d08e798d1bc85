//! Every read-only tool's answer against what the SDK reports for the same account.
#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};
use telnyx::{
    AuditEventListParams, ChargesBreakdownParams, ChargesSummaryParams, Decimal,
    DetailRecordListParams, FieldFilter, InvoiceListParams, InvoiceSort, SummaryLine,
    UserTagListParams, WebhookDeliveryListParams, WebhookDeliveryStatus,
};
use telnyx_emulator::{Advance, SeedRequest};
use telnyx_mcp::Policy;

use crate::common::*;

fn amount(v: &Value) -> Decimal {
    assert!(v["currency"].is_string(), "no currency in {v}");
    dec(&v["amount"])
}

#[tokio::test]
async fn get_balance_and_prefs_and_tags_equal_the_sdk() {
    let emu = emulator().await;
    let c = client(&emu, "KEY_BALANCE");
    emu.advance_clock("KEY_BALANCE", Advance::Days(10))
        .await
        .unwrap();
    let s = connect(&c, Policy::read_only(), date("2026-01-11")).await;

    let got = call(&s, "get_balance", json!({})).await;
    let sdk = c.balance().retrieve().await.unwrap();
    assert_eq!(amount(&got["balance"]), sdk.balance.unwrap().to_decimal());
    assert_eq!(got["balance"]["amount"], json!(sdk_balance_text(&c).await));
    assert_eq!(
        amount(&got["available_credit"]),
        sdk.available_credit.unwrap().to_decimal()
    );
    assert_eq!(
        amount(&got["credit_limit"]),
        sdk.credit_limit.unwrap().to_decimal()
    );
    assert_eq!(got["currency"], json!(sdk.currency.unwrap()));

    let got = call(&s, "get_auto_recharge_prefs", json!({})).await;
    let sdk = c.payment().auto_recharge_prefs().list().await.unwrap();
    assert_eq!(got["enabled"], json!(sdk.enabled));
    assert_eq!(
        amount(&got["threshold_amount"]),
        sdk.threshold_amount.unwrap().to_decimal()
    );
    assert_eq!(
        amount(&got["recharge_amount"]),
        sdk.recharge_amount.unwrap().to_decimal()
    );

    let got = call(&s, "list_user_tags", json!({})).await;
    let sdk = c
        .user_tags()
        .list(UserTagListParams::default())
        .await
        .unwrap();
    assert_eq!(got["number_tags"], json!(sdk.number_tags));
    assert_eq!(
        got["outbound_profile_tags"],
        json!(sdk.outbound_profile_tags)
    );
    if let Some(first) = sdk.number_tags.first() {
        let prefix: String = first.chars().take(2).collect();
        let got = call(&s, "list_user_tags", json!({"starts_with": prefix})).await;
        let sdk = c
            .user_tags()
            .list(UserTagListParams::default().starts_with(prefix.clone()))
            .await
            .unwrap();
        assert_eq!(got["number_tags"], json!(sdk.number_tags));
    }
}

async fn sdk_balance_text(c: &telnyx::Client) -> String {
    c.balance()
        .retrieve()
        .await
        .unwrap()
        .balance
        .unwrap()
        .as_str()
        .to_string()
}

#[tokio::test]
async fn summarize_and_breakdown_equal_the_sdk_and_add_up() {
    let emu = emulator().await;
    let key = "KEY_SUMMARY";
    let c = client(&emu, key);
    emu.advance_clock(key, Advance::Days(20)).await.unwrap();
    let s = connect(&c, Policy::read_only(), date("2026-01-21")).await;

    // Default period: the current month of `today`, echoed.
    let got = call(&s, "summarize_charges", json!({})).await;
    assert_eq!(
        got["period"],
        json!({"start_date": "2026-01-01", "end_date": "2026-02-01"})
    );
    let sdk = c
        .charges_summary()
        .retrieve(ChargesSummaryParams::new(
            date("2026-01-01"),
            date("2026-02-01"),
        ))
        .await
        .unwrap();
    assert_eq!(
        got["total"]["amount"],
        json!(sdk.total.grand_total.as_str())
    );
    assert_eq!(got["total"]["currency"], json!(sdk.currency));
    assert_eq!(
        got["parts"]["other"]["amount"],
        json!(sdk.total.other.as_str())
    );
    let lines = got["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    let listed: Decimal = lines.iter().map(|l| amount(&l["amount"])).sum();
    assert_eq!(
        listed + amount(&got["other_lines"]["amount"]),
        sdk.total.grand_total.to_decimal(),
        "lines add up to the total"
    );
    for line in &sdk.summary.lines {
        if let SummaryLine::Simple(l) = line {
            let ours = lines.iter().find(|x| x["alias"] == json!(l.alias)).unwrap();
            assert_eq!(
                amount(&ours["amount"]),
                l.amount.to_decimal(),
                "{}",
                l.alias
            );
            assert_eq!(ours["quantity"], json!(l.quantity));
        }
    }
    let sorted: Vec<Decimal> = lines.iter().map(|l| amount(&l["amount"])).collect();
    assert!(
        sorted.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {sorted:?}"
    );

    // top: 1 keeps one line and sums the rest.
    let one = call(&s, "summarize_charges", json!({"top": 1})).await;
    assert_eq!(one["lines"].as_array().unwrap().len(), 1);
    assert_eq!(one["other_lines"]["count"], json!(lines.len() - 1));

    let got = call(
        &s,
        "get_charges_breakdown",
        json!({"start_date": "2026-01-01", "end_date": "2026-02-01", "top": 2}),
    )
    .await;
    let mut params = ChargesBreakdownParams::new(date("2026-01-01"));
    params.end_date = Some(date("2026-02-01"));
    let sdk = c.charges_breakdown().retrieve(params).await.unwrap();
    let per_number: Vec<Decimal> = sdk
        .results
        .iter()
        .map(|n| n.services.iter().map(|s| s.cost.to_decimal()).sum())
        .collect();
    let total: Decimal = per_number.iter().copied().sum();
    assert_eq!(amount(&got["total"]), total);
    assert_eq!(got["resources_total"], json!(sdk.results.len()));
    let top = got["top"].as_array().unwrap();
    assert_eq!(top.len(), 2.min(sdk.results.len()));
    let max = per_number.iter().copied().max().unwrap();
    assert_eq!(amount(&top[0]["total"]), max);
    let shown: Decimal = top.iter().map(|r| amount(&r["total"])).sum();
    assert_eq!(shown + amount(&got["other"]["amount"]), total);
}

#[tokio::test]
async fn compare_charges_explains_doubled_traffic() {
    let emu = emulator().await;
    let key = "KEY_COMPARE";
    let c = client(&emu, key);
    emu.set_traffic(key, &[("messaging", 100), ("call-control", 20)])
        .await
        .unwrap();
    emu.advance_clock(key, Advance::To("2026-02-01T00:00:00Z".parse().unwrap()))
        .await
        .unwrap();
    // February: messaging doubles, voice stays.
    emu.set_traffic(key, &[("messaging", 200), ("call-control", 20)])
        .await
        .unwrap();
    emu.advance_clock(key, Advance::To("2026-03-01T00:00:00Z".parse().unwrap()))
        .await
        .unwrap();
    let s = connect(&c, Policy::read_only(), date("2026-02-15")).await;

    // Defaults: this month (February, from `today`) against the month before.
    let got = call(&s, "compare_charges", json!({})).await;
    assert_eq!(
        got["current"]["period"],
        json!({"start_date": "2026-02-01", "end_date": "2026-03-01"})
    );
    assert_eq!(
        got["previous"]["period"],
        json!({"start_date": "2026-01-01", "end_date": "2026-02-01"})
    );
    let summary = |start: &str, end: &str| {
        c.charges_summary()
            .retrieve(ChargesSummaryParams::new(date(start), date(end)))
    };
    let feb = summary("2026-02-01", "2026-03-01").await.unwrap();
    let jan = summary("2026-01-01", "2026-02-01").await.unwrap();
    assert_eq!(
        got["current"]["total"]["amount"],
        json!(feb.total.grand_total.as_str())
    );
    assert_eq!(
        got["previous"]["total"]["amount"],
        json!(jan.total.grand_total.as_str())
    );
    let change = feb.total.grand_total.to_decimal() - jan.total.grand_total.to_decimal();
    assert_eq!(amount(&got["change"]), change);

    let drivers = got["drivers"].as_array().unwrap();
    let top = &drivers[0];
    assert_eq!(
        top["alias"],
        json!("messaging"),
        "messaging drives the change: {got}"
    );
    let line = |s: &telnyx::ChargesSummary, alias: &str| {
        s.summary.lines.iter().find_map(|l| match l {
            SummaryLine::Simple(x) if x.alias == alias => Some((x.amount.to_decimal(), x.quantity)),
            _ => None,
        })
    };
    let (jan_msg, jan_q) = line(&jan, "messaging").unwrap();
    let (feb_msg, feb_q) = line(&feb, "messaging").unwrap();
    assert_eq!(amount(&top["previous"]), jan_msg);
    assert_eq!(amount(&top["current"]), feb_msg);
    assert_eq!(amount(&top["change"]), feb_msg - jan_msg);
    assert_eq!(top["previous_quantity"], json!(jan_q));
    assert_eq!(top["current_quantity"], json!(feb_q));
    // 200/day over 28 days against 100/day over 31 days.
    assert!(feb_q > jan_q * 3 / 2, "doubled traffic: {jan_q} -> {feb_q}");
    let pct = (feb_msg - jan_msg) * Decimal::ONE_HUNDRED / jan_msg;
    assert_eq!(dec(&top["change_percent"]), pct.round_dp(2));
    // Sorted by absolute change, and all drivers add up to the change in total.
    let abs: Vec<Decimal> = drivers.iter().map(|d| amount(&d["change"]).abs()).collect();
    assert!(abs.windows(2).all(|w| w[0] >= w[1]), "{abs:?}");
    assert!(got["drivers_total"].as_u64().unwrap() <= 10);
    let sum: Decimal = drivers.iter().map(|d| amount(&d["change"])).sum();
    assert_eq!(sum, change, "drivers add up to the change: {got}");

    // Explicit periods are used as given and echoed.
    let got = call(
        &s,
        "compare_charges",
        json!({"current": {"start_date": "2026-01-01"}, "previous": {"start_date": "2026-02-01"}}),
    )
    .await;
    assert_eq!(amount(&got["change"]), -change);
}

#[tokio::test]
async fn search_detail_records_aggregates_every_match_then_samples() {
    let emu = emulator().await;
    let key = "KEY_RECORDS";
    let c = client(&emu, key);
    emu.seed_account(
        key,
        SeedRequest {
            detail_records: Some(130),
            detail_record_type: Some("messaging".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let s = connect(&c, Policy::read_only(), date("2026-01-01")).await;

    let got = call(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging"}),
    )
    .await;
    let sdk = all(c
        .detail_records()
        .list(DetailRecordListParams::new("messaging").page_size(50)))
    .await;
    let agg = &got["aggregates"];
    assert_eq!(agg["count"], json!(sdk.len()));
    assert!(sdk.len() >= 130);
    let cost: Decimal = sdk
        .iter()
        .filter_map(|r| r.cost())
        .map(|m| m.to_decimal())
        .sum();
    assert_eq!(amount(&agg["cost"][0]), cost);
    let counted: u64 = agg["top_statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert!(counted <= sdk.len() as u64 && counted > 0);
    let rows = got["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let sdk_ids: Vec<&str> = sdk.iter().map(|r| r.id().unwrap()).collect();
    assert_eq!(ids, sdk_ids[..5]);
    assert_eq!(got["list"]["has_more"], json!(true));

    // The cursor continues where the rows stopped, with the same aggregates.
    let cursor = got["list"]["next_cursor"].as_str().unwrap();
    let next = call(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "cursor": cursor, "limit": 7}),
    )
    .await;
    let ids: Vec<&str> = next["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, sdk_ids[5..12]);
    assert_eq!(next["aggregates"], got["aggregates"]);

    // Field filters go to the API: the same filter through the SDK counts the same.
    let filter = json!({"field": "direction", "value": "outbound"});
    let got = call(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "filters": [filter]}),
    )
    .await;
    let sdk = all(c.detail_records().list(
        DetailRecordListParams::new("messaging")
            .page_size(50)
            .filter(FieldFilter::new("direction", None, "outbound")),
    ))
    .await;
    assert_eq!(got["aggregates"]["count"], json!(sdk.len()));
    assert!(got["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["record_type"] == json!("message_detail_record")));

    // since/until filter the type's time field; both bounds are echoed.
    let all_records = all(c
        .detail_records()
        .list(DetailRecordListParams::new("messaging").page_size(50)))
    .await;
    let mut times: Vec<_> = all_records.iter().filter_map(|r| r.created_at()).collect();
    times.sort();
    let (since, until) = (times[times.len() / 4], times[times.len() * 3 / 4]);
    let (since, until) = (
        since.with_timezone(&chrono::Utc),
        until.with_timezone(&chrono::Utc),
    );
    let got = call(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "since": since, "until": until}),
    )
    .await;
    let expected = times.iter().filter(|t| **t >= since && **t < until).count();
    assert_eq!(got["aggregates"]["count"], json!(expected));
    assert_eq!(got["since"], json!(since));
    assert_eq!(got["until"], json!(until));
    let e = call_err(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "since": until, "until": since}),
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("earlier than until"),
        "{e}"
    );

    // A cursor used with other arguments, or garbage, is a tool error saying what to send.
    let e = call_err(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "cursor": cursor, "filters": [{"field": "direction", "value": "inbound"}]}),
    )
    .await;
    assert_eq!(e["kind"], json!("invalid_argument"));
    assert!(
        e["message"].as_str().unwrap().contains("same arguments"),
        "{e}"
    );
    let e = call_err(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "cursor": "nope"}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("leave cursor out"),
        "{e}"
    );
    let e = call_err(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "date_range": "fortnight"}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("last_N_days"),
        "{e}"
    );
    let e = call_err(
        &s,
        "search_detail_records",
        json!({"record_typ": "messaging"}),
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("record_typ"), "{e}");
    // A field the type does not have: Telnyx's 400 comes back as a tool error with its code.
    let e = call_err(
        &s,
        "search_detail_records",
        json!({"record_type": "messaging", "filters": [{"field": "no_such_field", "value": "x"}]}),
    )
    .await;
    assert_eq!(e["kind"], json!("telnyx_api"), "{e}");
    assert_eq!(e["http_status"], json!(400));
    assert!(e["telnyx_code"].is_string(), "{e}");
}

#[tokio::test]
async fn webhook_deliveries_audit_events_and_invoices_equal_the_sdk() {
    let emu = emulator().await;
    let key = "KEY_LISTS";
    let c = client(&emu, key);
    emu.seed_account(
        key,
        SeedRequest {
            webhook_deliveries: Some(90),
            audit_events: Some(45),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    emu.advance_clock(key, Advance::Days(70)).await.unwrap();
    let s = connect(&c, Policy::read_only(), date("2026-03-12")).await;

    // Webhook deliveries: failed by default.
    let got = call(&s, "list_webhook_deliveries", json!({})).await;
    let mut params = WebhookDeliveryListParams::default().page_size(250);
    params.status = Some(WebhookDeliveryStatus::Failed);
    let failed = all(c.webhook_deliveries().list(params)).await;
    assert!(!failed.is_empty(), "the seed has failed deliveries");
    assert_eq!(got["status"], json!("failed"));
    assert_eq!(got["list"]["total"], json!(failed.len()));
    assert_eq!(
        got["counts"]["by_status"],
        json!([{"value": "failed", "count": failed.len()}])
    );
    let rows = got["rows"].as_array().unwrap();
    assert_eq!(rows.len(), failed.len().min(20));
    for (row, d) in rows.iter().zip(&failed) {
        assert_eq!(row["id"], json!(d.id));
        assert_eq!(row["attempts"], json!(d.attempts.len()));
    }
    let by_http: u64 = got["counts"]["by_http_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert!(by_http <= failed.len() as u64);
    let any = call(
        &s,
        "list_webhook_deliveries",
        json!({"status": "any", "limit": 1}),
    )
    .await;
    let everything = all(c
        .webhook_deliveries()
        .list(WebhookDeliveryListParams::default().page_size(250)))
    .await;
    assert_eq!(any["list"]["total"], json!(everything.len()));
    assert_eq!(any["rows"].as_array().unwrap().len(), 1);
    let e = call_err(&s, "list_webhook_deliveries", json!({"status": "broken"})).await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("failed, delivered or any"),
        "{e}"
    );

    // Audit events: counts by change type, then rows newest first.
    let got = call(&s, "list_audit_events", json!({"limit": 50})).await;
    let sdk = all(c
        .audit_events()
        .list(AuditEventListParams::default().sort(telnyx::SortDirection::Desc)))
    .await;
    assert_eq!(got["list"]["total"], json!(sdk.len()));
    let counted: u64 = got["counts"]["by_change_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, sdk.len() as u64);
    let ids: Vec<&Value> = got["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    let sdk_ids: Vec<Value> = sdk.iter().take(50).map(|e| json!(e.id)).collect();
    assert_eq!(ids.len(), sdk_ids.len());
    assert!(ids.iter().zip(&sdk_ids).all(|(a, b)| *a == b));
    let kind = got["counts"]["by_change_type"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let only = call(&s, "list_audit_events", json!({"change_type": kind})).await;
    assert_eq!(
        only["list"]["total"],
        got["counts"]["by_change_type"][0]["count"]
    );

    // Invoices: the month closes made some.
    let got = call(&s, "list_invoices", json!({"limit": 1})).await;
    let sdk = all(c
        .invoices()
        .list(InvoiceListParams::default().sort(InvoiceSort::PeriodStartDesc)))
    .await;
    assert!(!sdk.is_empty());
    assert_eq!(got["list"]["total"], json!(sdk.len()));
    assert_eq!(got["rows"][0]["invoice_id"], json!(sdk[0].invoice_id));
    assert_eq!(got["list"]["has_more"], json!(sdk.len() > 1));
    let unpaid = sdk.iter().filter(|i| i.paid == Some(false)).count();
    assert_eq!(got["unpaid"], json!(unpaid));
    let id = sdk[0].invoice_id.clone().unwrap();
    let one = call(&s, "get_invoice", json!({"invoice_id": id})).await;
    assert_eq!(one["invoice"]["invoice_id"], json!(id));
    assert_eq!(one["invoice"]["period_start"], json!(sdk[0].period_start));
    assert!(one["download_url"].is_string());
    let e = call_err(
        &s,
        "get_invoice",
        json!({"invoice_id": "00000000-0000-4000-8000-000000000000"}),
    )
    .await;
    assert_eq!(e["http_status"], json!(404), "{e}");
    let e = call_err(&s, "get_invoice", json!({"invoice_id": "not-a-uuid"})).await;
    assert_eq!(e["telnyx_code"], json!("10006"), "{e}");
    assert!(e["telnyx_code"].is_string(), "{e}");
}

#[tokio::test]
async fn a_429_says_when_to_retry() {
    let emu = emulator().await;
    let c = client(&emu, "KEY_429");
    control(
        &emu,
        reqwest::Method::POST,
        "/_emulator/faults",
        json!({"method": "GET", "path_prefix": "/v2/balance", "status": 429,
               "headers": {"Retry-After": "7"}, "times": 1}),
    )
    .await;
    let s = connect(&c, Policy::read_only(), date("2026-01-01")).await;
    let e = call_err(&s, "get_balance", json!({})).await;
    assert_eq!(e["kind"], json!("rate_limited"), "{e}");
    assert_eq!(e["retry_after_seconds"], json!(7));
    assert!(e["message"].as_str().unwrap().contains("7 s"), "{e}");
    // The fault was used once: the next call answers.
    call(&s, "get_balance", json!({})).await;
}

#[tokio::test]
async fn periods_longer_than_31_days_are_refused_before_any_request() {
    let emu = emulator().await;
    let c = client(&emu, "KEY_PERIOD");
    let s = connect(&c, Policy::read_only(), date("2026-01-01")).await;
    let e = call_err(
        &s,
        "summarize_charges",
        json!({"start_date": "2026-01-01", "end_date": "2026-03-01"}),
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("at most 31 days"),
        "{e}"
    );
    let e = call_err(&s, "summarize_charges", json!({"start_date": "January"})).await;
    assert!(
        e["message"].as_str().unwrap().contains("input schema"),
        "{e}"
    );
}
