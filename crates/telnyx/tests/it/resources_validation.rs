//! Documented rules are checked before any I/O (InvalidRequest, no request sent), and
//! responses decode tolerantly (unknown enum values, unknown fields, missing optionals,
//! unknown record and line types).

use crate::common;
use futures::StreamExt;
use serde_json::json;
use telnyx::*;

use wiremock::MockServer;

use crate::common::{assert_nothing_sent, date, silent_server};

fn assert_invalid(err: Error, needle: &str) {
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert!(
        err.to_string().contains(needle),
        "{err:?} should mention {needle:?}"
    );
}

#[tokio::test]
async fn charges_summary_range_rules() {
    let (server, client) = silent_server().await;
    let cases = [
        (date(2025, 5, 1), date(2025, 6, 2), "at most 31 days"),
        (
            date(2025, 6, 1),
            date(2025, 5, 1),
            "must be after start_date",
        ),
        (
            date(2025, 5, 1),
            date(2025, 5, 1),
            "must be after start_date",
        ),
    ];
    for (start, end, message) in cases {
        let err = client
            .charges_summary()
            .retrieve(ChargesSummaryParams::new(start, end))
            .await
            .unwrap_err();
        assert_invalid(err, message);
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn charges_breakdown_range_rules_when_end_given() {
    let (server, client) = silent_server().await;
    let err = client
        .charges_breakdown()
        .retrieve(ChargesBreakdownParams::new(date(2025, 1, 1)).end_date(date(2025, 3, 1)))
        .await
        .unwrap_err();
    assert_invalid(err, "at most 31 days");
    let err = client
        .charges_breakdown()
        .retrieve_csv(ChargesBreakdownParams::new(date(2025, 1, 2)).end_date(date(2025, 1, 1)))
        .await
        .unwrap_err();
    assert_invalid(err, "must be after");
    let err = client
        .charges_breakdown()
        .retrieve(ChargesBreakdownParams::new(date(2025, 1, 1)).format(ChargesFormat::Csv))
        .await
        .unwrap_err();
    assert_invalid(err, "retrieve_csv");
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn stored_payment_amount_must_be_dollars_and_cents() {
    let (server, client) = silent_server().await;
    for bad in [
        "120", "120.0", "120.000", "0.00", "-5.00", "1,000.00", "12O.00", " 120.00", "",
    ] {
        let err = client
            .payment()
            .create_stored_payment_transaction(bad)
            .await
            .unwrap_err();
        assert_invalid(err, "dollars and cents");
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn page_size_bounds_per_endpoint() {
    let (server, client) = silent_server().await;
    let err = client
        .invoices()
        .list(InvoiceListParams::default().page_size(251))
        .await
        .unwrap_err();
    assert_invalid(err, "between 1 and 250");
    let err = client
        .invoices()
        .list(InvoiceListParams::default().page_size(0))
        .await
        .unwrap_err();
    assert_invalid(err, "between 1 and 250");
    let err = client
        .webhook_deliveries()
        .list(WebhookDeliveryListParams::default().page_size(251))
        .await
        .unwrap_err();
    assert_invalid(err, "between 1 and 250");
    let err = client
        .detail_records()
        .list(DetailRecordListParams::new(DetailRecordType::Messaging).page_size(51))
        .await
        .unwrap_err();
    assert_invalid(err, "between 1 and 50");
    let err = client
        .audit_events()
        .list(AuditEventListParams::default().page_size(0))
        .await
        .unwrap_err();
    assert_invalid(err, "at least 1");
    let err = client
        .audit_events()
        .list(AuditEventListParams::default().page_number(0))
        .await
        .unwrap_err();
    assert_invalid(err, "page_number must be at least 1");
    let err = client
        .invoices()
        .list(InvoiceListParams::default().page_number(0))
        .await
        .unwrap_err();
    assert_invalid(err, "page_number must be at least 1");
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn invalid_list_streams_yield_the_error_without_io() {
    let (server, client) = silent_server().await;
    let results: Vec<_> = client
        .detail_records()
        .list(DetailRecordListParams::new(DetailRecordType::Other(
            String::new(),
        )))
        .into_stream()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    match results.into_iter().next().unwrap() {
        Err(err) => assert_invalid(err, "record_type must not be empty"),
        Ok(record) => panic!("unexpected {record:?}"),
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn empty_ids_are_rejected() {
    let (server, client) = silent_server().await;
    assert_invalid(
        client.invoices().retrieve("", None).await.unwrap_err(),
        "must not be empty",
    );
    assert_invalid(
        client.webhook_deliveries().retrieve("").await.unwrap_err(),
        "must not be empty",
    );
    assert_nothing_sent(&server).await;
}

async fn serve_json(route: &str, body: serde_json::Value) -> (MockServer, Client) {
    common::serve("GET", route, body).await
}

#[tokio::test]
async fn unknown_enum_values_and_fields_decode() {
    let (_server, client) = serve_json(
        "/v2/payment/auto_recharge_prefs",
        json!({"data": {"preference": "wire", "enabled": true, "brand_new_field": {"x": [1, 2]}}}),
    )
    .await;
    let prefs = client.payment().auto_recharge_prefs().list().await.unwrap();
    assert_eq!(
        prefs.preference,
        Some(RechargePreference::Unknown("wire".into()))
    );
    assert_eq!(prefs.preference.unwrap().as_str(), "wire");
    assert_eq!(prefs.recharge_amount, None);
    assert_eq!(prefs.enabled, Some(true));
}

#[tokio::test]
async fn missing_optional_fields_decode() {
    let (_server, client) = serve_json("/v2/balance", json!({"data": {}})).await;
    let b = client.balance().retrieve().await.unwrap();
    assert_eq!(b.balance, None);
    let (_server, client) = serve_json(
        "/v2/webhook_deliveries/x",
        json!({"data": {"id": "x", "attempts": [{"errors": null}]}}),
    )
    .await;
    let d = client.webhook_deliveries().retrieve("x").await.unwrap();
    assert_eq!(d.status, None);
    assert!(d.attempts[0].errors.is_empty());
    let (_server, client) = serve_json("/v2/user_tags", json!({"data": {}})).await;
    let tags = client
        .user_tags()
        .list(UserTagListParams::default())
        .await
        .unwrap();
    assert!(tags.number_tags.is_empty() && tags.outbound_profile_tags.is_empty());
}

#[tokio::test]
async fn unknown_detail_record_type_keeps_raw_json() {
    let raw = json!({"record_type": "call-control", "call_sec": 42, "cost": "0.01", "nested": {"a": [1]}});
    let (_server, client) = serve_json(
        "/v2/detail_records",
        json!({"data": [raw.clone(), {"no_record_type": true}], "meta": {"page_number": 1, "total_pages": 1}}),
    )
    .await;
    let page = client
        .detail_records()
        .list(DetailRecordListParams::new(DetailRecordType::CallControl))
        .await
        .unwrap();
    assert_eq!(page.data[0], DetailRecord::Other(raw));
    assert_eq!(page.data[0].record_type(), Some("call-control"));
    assert!(matches!(&page.data[1], DetailRecord::Other(v) if v["no_record_type"] == true));
}

#[tokio::test]
async fn a_broken_typed_detail_record_is_a_decode_error_naming_the_field() {
    let (_server, client) = serve_json(
        "/v2/detail_records",
        json!({"data": [{"record_type": "message_detail_record", "cost": 0.5}],
               "meta": {"page_number": 1, "total_pages": 1}}),
    )
    .await;
    let err = client
        .detail_records()
        .list(DetailRecordListParams::new("messaging"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let text = err.to_string();
    assert!(
        text.contains("data[0]") && text.contains("message_detail_record at .cost"),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_summary_line_type_is_kept() {
    let (_server, client) = serve_json(
        "/v2/charges_summary",
        json!({"data": {
            "currency": "USD", "start_date": "2025-05-01", "end_date": "2025-06-01",
            "user_email": "u@example.com", "user_id": "u",
            "summary": {"adjustments": [], "lines": [{"type": "tiered", "name": "T", "tiers": [1]}]},
            "total": {"credits": "0.00", "existing_mrc": "0.00", "grand_total": "0.00",
                      "ledger_adjustments": "0.00", "new_mrc": "0.00", "new_otc": "0.00", "other": "0.00"}
        }}),
    )
    .await;
    let s = client
        .charges_summary()
        .retrieve(ChargesSummaryParams::new(
            date(2025, 5, 1),
            date(2025, 6, 1),
        ))
        .await
        .unwrap();
    assert!(matches!(&s.summary.lines[0], SummaryLine::Unknown(v) if v["tiers"] == json!([1])));
}
