//! Every validator reports its failure as data: the operation, the parameter, the rule and
//! the value, through `Error::violation()`. These tests assert those fields, never the
//! message text, and that nothing was sent.

use crate::common;
use crate::common::{date, silent_server};
use telnyx::*;

/// The violation of an `InvalidRequest` error, checked to be one.
fn violation(err: &Error) -> &Violation {
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err:?}");
    assert!(err.is_invalid_request());
    err.violation()
        .expect("an InvalidRequest error carries its violation")
}

fn assert_violation(err: &Error, operation: &str, parameter: &str, rule: Rule) {
    let v = violation(err);
    assert_eq!(
        (v.operation(), v.parameter(), v.rule()),
        (operation, parameter, &rule),
        "{err:?}"
    );
}

#[tokio::test]
async fn check_page_names_page_number_and_page_size_with_each_endpoint_bound() {
    let (server, client) = silent_server().await;
    let err = client
        .audit_events()
        .list(AuditEventListParams::default().page_number(0))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "audit_events.list",
        "page_number",
        Rule::AtLeast { min: 1 },
    );
    assert_eq!(violation(&err).value(), Some("0"));
    let err = client
        .audit_events()
        .list(AuditEventListParams::default().page_size(0))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "audit_events.list",
        "page_size",
        Rule::AtLeast { min: 1 },
    );
    let err = client
        .invoices()
        .list(InvoiceListParams::default().page_size(251))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "invoices.list",
        "page_size",
        Rule::Between {
            min: 1,
            max: MAX_INVOICES_PAGE_SIZE.into(),
        },
    );
    assert_eq!(violation(&err).value(), Some("251"));
    let err = client
        .webhook_deliveries()
        .list(WebhookDeliveryListParams::default().page_size(0))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "webhook_deliveries.list",
        "page_size",
        Rule::Between {
            min: 1,
            max: MAX_WEBHOOK_DELIVERIES_PAGE_SIZE.into(),
        },
    );
    let err = client
        .detail_records()
        .list(DetailRecordListParams::new(DetailRecordType::Messaging).page_size(51))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "detail_records.list",
        "page_size",
        Rule::Between {
            min: 1,
            max: MAX_DETAIL_RECORDS_PAGE_SIZE.into(),
        },
    );
    common::assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn check_range_names_end_date_and_the_31_day_rule() {
    let (server, client) = silent_server().await;
    let too_long = client
        .charges_summary()
        .retrieve(ChargesSummaryParams::new(
            date(2025, 5, 1),
            date(2025, 6, 2),
        ))
        .await
        .unwrap_err();
    assert_violation(
        &too_long,
        "charges_summary.retrieve",
        "end_date",
        Rule::WithinDaysOf {
            parameter: "start_date",
            days: 31,
        },
    );
    assert_eq!(violation(&too_long).value(), Some("2025-06-02"));
    let backwards = client
        .charges_breakdown()
        .retrieve_csv(ChargesBreakdownParams::new(date(2025, 1, 2)).end_date(date(2025, 1, 1)))
        .await
        .unwrap_err();
    assert_violation(
        &backwards,
        "charges_breakdown.retrieve_csv",
        "end_date",
        Rule::After {
            parameter: "start_date",
        },
    );
    let same_day = client
        .charges_breakdown()
        .retrieve(ChargesBreakdownParams::new(date(2025, 1, 1)).end_date(date(2025, 1, 1)))
        .await
        .unwrap_err();
    assert_violation(
        &same_day,
        "charges_breakdown.retrieve",
        "end_date",
        Rule::After {
            parameter: "start_date",
        },
    );
    common::assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn charges_breakdown_format_must_match_the_method() {
    let (server, client) = silent_server().await;
    let start = date(2025, 1, 1);
    let err = client
        .charges_breakdown()
        .retrieve(ChargesBreakdownParams::new(start).format(ChargesFormat::Csv))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "charges_breakdown.retrieve",
        "format",
        Rule::OneOf { allowed: &["json"] },
    );
    assert_eq!(violation(&err).value(), Some("csv"));
    let err = client
        .charges_breakdown()
        .retrieve_csv(ChargesBreakdownParams::new(start).format(ChargesFormat::Json))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "charges_breakdown.retrieve_csv",
        "format",
        Rule::OneOf { allowed: &["csv"] },
    );
    common::assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn webhook_event_types_must_be_non_empty_without_commas() {
    let (server, client) = silent_server().await;
    let err = client
        .webhook_deliveries()
        .list(WebhookDeliveryListParams::default().event_types(["call.initiated", "a,b"]))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "webhook_deliveries.list",
        "event_types",
        Rule::Excludes { character: ',' },
    );
    assert_eq!(violation(&err).value(), Some("a,b"));
    let err = client
        .webhook_deliveries()
        .list(WebhookDeliveryListParams::default().event_types([""]))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "webhook_deliveries.list",
        "event_types",
        Rule::NotEmpty,
    );
    common::assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn detail_record_params_name_record_type_filters_and_sort() {
    let (server, client) = silent_server().await;
    let list = |params| client.detail_records().list(params);
    let err = list(DetailRecordListParams::new(DetailRecordType::Other(
        String::new(),
    )))
    .await
    .unwrap_err();
    assert_violation(&err, "detail_records.list", "record_type", Rule::NotEmpty);
    let messaging = || DetailRecordListParams::new(DetailRecordType::Messaging);
    let err = list(messaging().filter(FieldFilter::new("cld]", None, "1")))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "detail_records.list",
        "filters",
        Rule::Format {
            expected: "a plain field name like cld",
        },
    );
    assert_eq!(violation(&err).value(), Some("cld]"));
    let err = list(messaging().filter(FieldFilter::new("date_range", None, "today")))
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "detail_records.list",
        "filters",
        Rule::UseParameter {
            parameter: "date_range",
        },
    );
    let err = list(messaging().sort(["-"])).await.unwrap_err();
    assert_violation(&err, "detail_records.list", "sort", Rule::NotEmpty);
    common::assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn payment_amount_and_preference() {
    let (server, client) = silent_server().await;
    let err = client
        .payment()
        .create_stored_payment_transaction("120.0")
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "payment.create_stored_payment_transaction",
        "amount",
        Rule::DollarsAndCents,
    );
    assert_eq!(violation(&err).value(), Some("120.0"));
    let err = client
        .payment()
        .auto_recharge_prefs()
        .update(
            AutoRechargePrefUpdate::default()
                .preference(RechargePreference::Unknown(String::new())),
        )
        .await
        .unwrap_err();
    assert_violation(
        &err,
        "auto_recharge_prefs.update",
        "preference",
        Rule::NotEmpty,
    );
    common::assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn empty_ids_name_the_id() {
    let (server, client) = silent_server().await;
    let err = client.invoices().retrieve("", None).await.unwrap_err();
    assert_violation(&err, "invoices.retrieve", "id", Rule::NotEmpty);
    let err = client.webhook_deliveries().retrieve("").await.unwrap_err();
    assert_violation(&err, "webhook_deliveries.retrieve", "id", Rule::NotEmpty);
    common::assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn a_bad_idempotency_key_names_the_form_but_keeps_no_value() {
    let (server, client) = silent_server().await;
    let err = client
        .payment()
        .create_stored_payment_transaction("1.00")
        .idempotency_key("has space")
        .await
        .unwrap_err();
    let v = violation(&err);
    assert_eq!(v.parameter(), "idempotency_key");
    assert!(matches!(v.rule(), Rule::Format { .. }), "{v:?}");
    assert_eq!(v.value(), None);
    common::assert_nothing_sent(&server).await;
}

#[test]
fn configuration_errors_name_the_setting() {
    let err = Client::builder().api_key("  ").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    let v = err.violation().unwrap();
    assert_eq!((v.parameter(), v.rule()), ("api_key", &Rule::NotEmpty));
    assert_eq!(v.value(), None, "a key is never kept");

    let err = Client::builder()
        .api_key("k")
        .base_url("ftp://example.invalid/v2")
        .build()
        .unwrap_err();
    let v = err.violation().unwrap();
    assert_eq!(v.parameter(), "base_url");
    assert!(matches!(v.rule(), Rule::Format { .. }));
    assert_eq!(v.value(), Some("ftp://example.invalid/v2"));

    let err = Client::builder()
        .api_key("k")
        .base_url("https://user:secret@example.invalid/v2")
        .build()
        .unwrap_err();
    assert_eq!(
        err.violation().unwrap().value(),
        None,
        "userinfo is never kept"
    );

    let err = Client::builder()
        .api_key("k")
        .default_header("Authorization", "Bearer x")
        .build()
        .unwrap_err();
    let v = err.violation().unwrap();
    assert_eq!(
        (v.parameter(), v.rule()),
        ("default_header", &Rule::Reserved)
    );
}

#[tokio::test]
async fn errors_that_are_not_violations_carry_none() {
    let (server, client) =
        common::serve("GET", "/v2/balance", serde_json::json!({"data": 1})).await;
    let err = client.balance().retrieve().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.violation().is_none() && !err.is_invalid_request());
    drop(server);
    let unreachable = Client::builder()
        .api_key("k")
        .base_url("http://api.example.invalid/v2")
        .max_retries(0)
        .build()
        .unwrap();
    let err = unreachable.balance().retrieve().await.unwrap_err();
    assert!(err.is_connect() && err.violation().is_none(), "{err:?}");
    assert_eq!(err.operation(), Some("GET /balance"));
}
