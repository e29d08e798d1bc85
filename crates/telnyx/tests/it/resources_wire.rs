//! Wire tests of every Account operation: method, path, exact query string (byte-identical to
//! the official npm SDK's), exact JSON body, and decoding of the spec's example responses.

use chrono::{TimeZone, Utc};
use futures::StreamExt;
use serde_json::json;
use telnyx::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{client, date, fixture, only_request, serve};

#[tokio::test]
async fn balance_retrieve() {
    let (server, client) = serve("GET", "/v2/balance", fixture("balance.json")).await;
    let balance = client.balance().retrieve().await.unwrap();
    assert_eq!(only_request(&server).await.0, "GET /v2/balance");
    assert_eq!(balance.available_credit.unwrap().as_str(), "400.00");
    assert_eq!(balance.balance.unwrap().as_str(), "300.00");
    assert_eq!(balance.credit_limit.unwrap().as_str(), "100.00");
    assert_eq!(balance.pending.unwrap().as_str(), "10.00");
    assert_eq!(balance.currency.as_deref(), Some("USD"));
}

#[tokio::test]
async fn audit_events_list_with_every_filter() {
    let (server, client) = serve("GET", "/v2/audit_events", fixture("audit_events.json")).await;
    let params = AuditEventListParams::default()
        .created_after(Utc.with_ymd_and_hms(2021, 1, 9, 0, 0, 0).unwrap())
        .created_before(Utc.with_ymd_and_hms(2021, 1, 10, 0, 0, 0).unwrap())
        .page_number(1)
        .page_size(2)
        .sort(SortDirection::Desc);
    let page = client.audit_events().list(params).await.unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/audit_events?filter%5Bcreated_after%5D=2021-01-09T00%3A00%3A00Z&filter%5Bcreated_before%5D=2021-01-10T00%3A00%3A00Z&page%5Bnumber%5D=1&page%5Bsize%5D=2&sort=desc"
    );
    let event = &page.data[0];
    assert_eq!(event.change_made_by, Some(ChangeMadeBy::OrganizationMember));
    assert_eq!(
        event.changes.as_ref().unwrap()[0].field.as_deref(),
        Some("field.name")
    );
    assert_eq!(
        event.created_at.unwrap().to_rfc3339(),
        "2026-01-03T00:00:00+00:00"
    );
    assert_eq!(page.meta.unwrap().total_results, Some(50));
}

#[tokio::test]
async fn audit_events_list_without_params_sends_no_query() {
    let (server, client) = serve(
        "GET",
        "/v2/audit_events",
        json!({"data": [], "meta": {"page_number": 1, "total_pages": 0}}),
    )
    .await;
    client
        .audit_events()
        .list(AuditEventListParams::default())
        .await
        .unwrap();
    assert_eq!(only_request(&server).await.0, "GET /v2/audit_events");
}

#[tokio::test]
async fn charges_breakdown_retrieve_json() {
    let (server, client) = serve(
        "GET",
        "/v2/charges_breakdown",
        fixture("charges_breakdown.json"),
    )
    .await;
    let params = ChargesBreakdownParams::new(date(2025, 5, 1))
        .end_date(date(2025, 6, 1))
        .format(ChargesFormat::Json);
    let b = client.charges_breakdown().retrieve(params).await.unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/charges_breakdown?start_date=2025-05-01&end_date=2025-06-01&format=json"
    );
    assert_eq!(b.start_date, date(2025, 5, 1));
    assert_eq!(b.results[0].tn, "+15551234567");
    assert_eq!(b.results[0].services[0].cost_type, CostType::Mrc);
    assert_eq!(b.results[0].services[0].cost.as_str(), "1.50");
}

#[tokio::test]
async fn charges_breakdown_start_only() {
    let (server, client) = serve(
        "GET",
        "/v2/charges_breakdown",
        fixture("charges_breakdown.json"),
    )
    .await;
    client
        .charges_breakdown()
        .retrieve(ChargesBreakdownParams::new(date(2025, 5, 1)))
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/charges_breakdown?start_date=2025-05-01"
    );
}

#[tokio::test]
async fn charges_breakdown_retrieve_csv_returns_raw_text() {
    let server = MockServer::builder().start().await;
    let csv = "tn,charge_type,cost\n+15551234567,local,1.50\n";
    Mock::given(method("GET"))
        .and(path("/v2/charges_breakdown"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(csv, "text/csv"))
        .mount(&server)
        .await;
    let text = client(&server)
        .charges_breakdown()
        .retrieve_csv(ChargesBreakdownParams::new(date(2025, 5, 1)))
        .await
        .unwrap();
    assert_eq!(text, csv);
    let (line, _, request) = only_request(&server).await;
    assert_eq!(
        line,
        "GET /v2/charges_breakdown?start_date=2025-05-01&format=csv"
    );
    assert_eq!(request.headers.get("accept").unwrap(), "text/csv");
}

#[tokio::test]
async fn charges_summary_retrieve() {
    let (server, client) = serve(
        "GET",
        "/v2/charges_summary",
        fixture("charges_summary.json"),
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
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/charges_summary?start_date=2025-05-01&end_date=2025-06-01"
    );
    assert_eq!(s.total.grand_total.as_str(), "180.00");
    assert_eq!(s.summary.adjustments[0].amount.as_str(), "-10.00");
    let SummaryLine::Comparative(c) = &s.summary.lines[0] else {
        panic!("comparative")
    };
    assert_eq!(c.new_this_month.otc.as_ref().unwrap().as_str(), "5.00");
    assert_eq!(c.existing_this_month.otc, None);
    let SummaryLine::Simple(simple) = &s.summary.lines[1] else {
        panic!("simple")
    };
    assert_eq!((simple.quantity, simple.amount.as_str()), (100, "15.75"));
}

fn npm_detail_params() -> DetailRecordListParams {
    DetailRecordListParams::new(DetailRecordType::Messaging)
        .date_range(DateRange::Yesterday)
        .filter(FieldFilter::new("cld", Some(FilterOp::Contains), "456"))
        .sort(["-created_at", "cld"])
        .page_size(2)
}

const NPM_DETAIL_QUERY: &str = "filter%5Brecord_type%5D=messaging&filter%5Bdate_range%5D=yesterday&filter%5Bcld%5D%5Bcontains%5D=456&sort=-created_at%2Ccld&page%5Bsize%5D=2";

#[tokio::test]
async fn detail_records_list_decodes_every_typed_variant() {
    let (server, client) = serve("GET", "/v2/detail_records", fixture("detail_records.json")).await;
    let page = client
        .detail_records()
        .list(npm_detail_params())
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        format!("GET /v2/detail_records?{NPM_DETAIL_QUERY}")
    );
    let [m, c, p, a, v, s, ms] = page.data.as_slice() else {
        panic!("seven records")
    };
    let DetailRecord::Message(m) = m else {
        panic!("message")
    };
    assert_eq!(m.status, Some(MessageStatus::Delivered));
    assert_eq!(m.message_type, Some(MessageType::Sms));
    assert_eq!(m.parts, Some(2));
    assert_eq!(m.carrier_fee.as_ref().unwrap().as_str(), "0.003");
    let DetailRecord::Conference(c) = c else {
        panic!("conference")
    };
    assert_eq!(c.started_at.unwrap().offset().local_minus_utc(), -6 * 3600);
    let DetailRecord::ConferenceParticipant(p) = p else {
        panic!("participant")
    };
    assert_eq!(p.billed_sec, Some(120));
    let DetailRecord::Amd(a) = a else {
        panic!("amd")
    };
    assert_eq!(a.feature, Some(AmdFeature::Premium));
    let DetailRecord::Verify(v) = v else {
        panic!("verify")
    };
    assert_eq!(v.created_at.unwrap().timestamp(), 1_625_702_441);
    let DetailRecord::SimCardUsage(s) = s else {
        panic!("sim")
    };
    assert_eq!(s.data_cost.as_ref().unwrap().as_str(), "0.029283");
    assert_eq!(s.uplink_data.as_ref().unwrap().as_str(), "0.7653");
    let DetailRecord::MediaStorage(ms) = ms else {
        panic!("media storage")
    };
    assert_eq!(ms.rate.as_ref().unwrap().as_str(), "0.0001");
}

#[tokio::test]
async fn detail_records_stream_keeps_every_filter_on_page_two() {
    let server = MockServer::builder().start().await;
    let record = |id: &str| json!({"record_type": "message_detail_record", "id": id});
    Mock::given(method("GET"))
        .and(path("/v2/detail_records"))
        .and(wiremock::matchers::query_param("page[number]", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [record("c")],
            "meta": {"page_number": 2, "page_size": 2, "total_pages": 2, "total_results": 3}
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/detail_records"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [record("a"), record("b")],
            "meta": {"page_number": 1, "page_size": 2, "total_pages": 2, "total_results": 3}
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    let items: Vec<DetailRecord> = client(&server)
        .detail_records()
        .list(npm_detail_params())
        .into_stream()
        .map(|r| r.unwrap())
        .collect()
        .await;
    let ids: Vec<_> = items
        .iter()
        .map(|r| match r {
            DetailRecord::Message(m) => m.id.clone().unwrap(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            NPM_DETAIL_QUERY.to_owned(),
            format!("{NPM_DETAIL_QUERY}&page%5Bnumber%5D=2")
        ]
    );
}

#[tokio::test]
async fn invoices_list_sorted() {
    let (server, client) = serve("GET", "/v2/invoices", fixture("invoices.json")).await;
    let page = client
        .invoices()
        .list(InvoiceListParams::default().sort(InvoiceSort::PeriodStartDesc))
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/invoices?sort=-period_start"
    );
    assert_eq!(page.data[0].period_start, Some(date(2023, 11, 1)));
    assert_eq!(page.data[0].paid, Some(true));
}

#[tokio::test]
async fn invoices_list_page_options() {
    let (server, client) = serve("GET", "/v2/invoices", fixture("invoices.json")).await;
    client
        .invoices()
        .list(InvoiceListParams::default().page_number(3).page_size(250))
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/invoices?page%5Bnumber%5D=3&page%5Bsize%5D=250"
    );
}

#[tokio::test]
async fn invoices_retrieve_with_and_without_action() {
    let id = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e";
    let (server, client) = serve(
        "GET",
        &format!("/v2/invoices/{id}"),
        fixture("invoice.json"),
    )
    .await;
    let invoice = client.invoices().retrieve(id, None).await.unwrap();
    assert_eq!(
        only_request(&server).await.0,
        format!("GET /v2/invoices/{id}")
    );
    assert!(invoice.download_url.is_some());
    assert_eq!(invoice.period_end, Some(date(2023, 11, 30)));

    let (server, client) = serve(
        "GET",
        &format!("/v2/invoices/{id}"),
        fixture("invoice.json"),
    )
    .await;
    client
        .invoices()
        .retrieve(id, Some(InvoiceAction::Link))
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        format!("GET /v2/invoices/{id}?action=link")
    );
}

#[tokio::test]
async fn invoices_retrieve_encodes_the_id_as_one_segment() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("invoice.json")))
        .mount(&server)
        .await;
    client(&server)
        .invoices()
        .retrieve("a b/c?d", None)
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/invoices/a%20b%2Fc%3Fd"
    );
}

#[tokio::test]
async fn auto_recharge_prefs_list() {
    let (server, client) = serve(
        "GET",
        "/v2/payment/auto_recharge_prefs",
        fixture("auto_recharge_prefs.json"),
    )
    .await;
    let prefs = client.payment().auto_recharge_prefs().list().await.unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/payment/auto_recharge_prefs"
    );
    assert_eq!(prefs.preference, Some(RechargePreference::CreditPaypal));
    assert_eq!(prefs.recharge_amount.unwrap().as_str(), "104.00");
    assert_eq!(prefs.id.as_deref(), Some("1524126400473204723"));
}

#[tokio::test]
async fn auto_recharge_prefs_update_empty_sends_empty_object() {
    let (server, client) = serve(
        "PATCH",
        "/v2/payment/auto_recharge_prefs",
        fixture("auto_recharge_prefs.json"),
    )
    .await;
    client
        .payment()
        .auto_recharge_prefs()
        .update(AutoRechargePrefUpdate::default())
        .await
        .unwrap();
    let (line, body, request) = only_request(&server).await;
    assert_eq!(line, "PATCH /v2/payment/auto_recharge_prefs");
    assert_eq!(body, b"{}");
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn auto_recharge_prefs_update_full_body_in_npm_order() {
    let (server, client) = serve(
        "PATCH",
        "/v2/payment/auto_recharge_prefs",
        fixture("auto_recharge_prefs.json"),
    )
    .await;
    let update = AutoRechargePrefUpdate::default()
        .threshold_amount(Money::parse("50.00").unwrap())
        .recharge_amount(Money::parse("104.00").unwrap())
        .preference(RechargePreference::Ach)
        .invoice_enabled(false)
        .enabled(true);
    client
        .payment()
        .auto_recharge_prefs()
        .update(update)
        .await
        .unwrap();
    let (line, body, _) = only_request(&server).await;
    assert_eq!(line, "PATCH /v2/payment/auto_recharge_prefs");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        r#"{"enabled":true,"invoice_enabled":false,"preference":"ach","recharge_amount":"104.00","threshold_amount":"50.00"}"#
    );
}

#[tokio::test]
async fn stored_payment_transaction_single_v2_prefix_and_idempotency_key() {
    let (server, client) = serve(
        "POST",
        "/v2/payment/stored_payment_transactions",
        fixture("stored_payment_transaction.json"),
    )
    .await;
    let tx = client
        .payment()
        .create_stored_payment_transaction("120.00")
        .idempotency_key("topup-1")
        .await
        .unwrap();
    let (line, body, request) = only_request(&server).await;
    assert_eq!(line, "POST /v2/payment/stored_payment_transactions");
    assert_eq!(body, br#"{"amount":"120.00"}"#);
    assert_eq!(request.headers.get("idempotency-key").unwrap(), "topup-1");
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(tx.amount_cents, Some(12000));
    assert_eq!(
        tx.processor_status.as_deref(),
        Some("submitted_for_settlement")
    );
    assert_eq!(
        tx.created_at.unwrap().to_rfc3339(),
        "2026-02-25T10:00:00+00:00"
    );
}

#[tokio::test]
async fn stored_payment_transaction_422_is_typed() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v2/payment/stored_payment_transactions"))
        .respond_with(ResponseTemplate::new(422).set_body_json(fixture("stored_payment_422.json")))
        .mount(&server)
        .await;
    let err = client(&server)
        .payment()
        .create_stored_payment_transaction("120.00")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(err.errors()[0].code.as_deref(), Some("10027"));
    assert_eq!(
        err.errors()[0].source.as_ref().unwrap().pointer.as_deref(),
        Some("/")
    );
}

#[tokio::test]
async fn user_tags_list() {
    let (server, client) = serve("GET", "/v2/user_tags", fixture("user_tags.json")).await;
    let tags = client
        .user_tags()
        .list(UserTagListParams::default())
        .await
        .unwrap();
    assert_eq!(only_request(&server).await.0, "GET /v2/user_tags");
    assert_eq!(tags.number_tags, ["my-tag"]);

    let (server, client) = serve("GET", "/v2/user_tags", fixture("user_tags.json")).await;
    client
        .user_tags()
        .list(UserTagListParams::default().starts_with("my-tag"))
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/user_tags?filter%5Bstarts_with%5D=my-tag"
    );

    let (server, client) = serve("GET", "/v2/user_tags", fixture("user_tags.json")).await;
    client
        .user_tags()
        .list(UserTagListParams::default().starts_with("a b+c&d=é"))
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        "GET /v2/user_tags?filter%5Bstarts_with%5D=a%20b%2Bc%26d%3D%C3%A9"
    );
}

fn npm_webhook_params() -> WebhookDeliveryListParams {
    let t = Utc.with_ymd_and_hms(2019, 3, 29, 11, 10, 0).unwrap();
    WebhookDeliveryListParams::default()
        .status(WebhookDeliveryStatus::Delivered)
        .event_types(["call_initiated", "call.initiated"])
        .started_at_gte(t)
        .webhook_contains("call.initiated")
        .attempts_contains("https://x")
        .finished_at_lte(t)
}

const NPM_WEBHOOK_QUERY: &str = "filter%5Bstatus%5D%5Beq%5D=delivered&filter%5Bevent_type%5D=call_initiated%2Ccall.initiated&filter%5Bstarted_at%5D%5Bgte%5D=2019-03-29T11%3A10%3A00Z&filter%5Bwebhook%5D%5Bcontains%5D=call.initiated&filter%5Battempts%5D%5Bcontains%5D=https%3A%2F%2Fx&filter%5Bfinished_at%5D%5Blte%5D=2019-03-29T11%3A10%3A00Z";

#[tokio::test]
async fn webhook_deliveries_list_with_every_filter() {
    let (server, client) = serve(
        "GET",
        "/v2/webhook_deliveries",
        fixture("webhook_deliveries.json"),
    )
    .await;
    let page = client
        .webhook_deliveries()
        .list(npm_webhook_params())
        .await
        .unwrap();
    assert_eq!(
        only_request(&server).await.0,
        format!("GET /v2/webhook_deliveries?{NPM_WEBHOOK_QUERY}")
    );
    let delivery = &page.data[0];
    assert_eq!(delivery.status, Some(WebhookDeliveryStatus::Delivered));
    assert_eq!(delivery.attempts.len(), 2);
    assert_eq!(delivery.attempts[1].error_codes(), ["75499"]);
    let http = delivery.attempts[1].http.as_ref().unwrap();
    let response = http.response.as_ref().unwrap();
    assert_eq!(response.status, Some(404));
    assert_eq!(
        response.headers.as_ref().unwrap().get("pragma").as_deref(),
        Some("no-cache")
    );
    let webhook = delivery.webhook.as_ref().unwrap();
    assert_eq!(webhook.event_type.as_deref(), Some("call_initiated"));
    assert_eq!(webhook.payload.as_ref().unwrap()["useful"], "information");
}

#[tokio::test]
async fn webhook_deliveries_page_two_keeps_filters() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/v2/webhook_deliveries"))
        .and(wiremock::matchers::query_param("page[number]", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "b"}], "meta": {"page_number": 2, "total_pages": 2}
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/webhook_deliveries"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "a"}], "meta": {"page_number": 1, "total_pages": 2}
        })))
        .with_priority(2)
        .mount(&server)
        .await;
    let pages: Vec<Page<WebhookDelivery>> = client(&server)
        .webhook_deliveries()
        .list(npm_webhook_params())
        .into_pages()
        .map(|p| p.unwrap())
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(
        last.url.query().unwrap(),
        format!("{NPM_WEBHOOK_QUERY}&page%5Bnumber%5D=2")
    );
}

#[tokio::test]
async fn webhook_delivery_retrieve_decodes_the_schema_breaking_example() {
    let id = "C9C0797E-901D-4349-A33C-C2C8F31A92C2";
    let (server, client) = serve(
        "GET",
        &format!("/v2/webhook_deliveries/{id}"),
        fixture("webhook_delivery.json"),
    )
    .await;
    let delivery = client.webhook_deliveries().retrieve(id).await.unwrap();
    assert_eq!(
        only_request(&server).await.0,
        format!("GET /v2/webhook_deliveries/{id}")
    );
    let odd = &delivery.attempts[2];
    assert_eq!(odd.error_codes(), ["75001"]);
    assert_eq!(odd.errors[0]["title"], "Could not resolve name");
    let http = odd.http.as_ref().unwrap();
    assert!(http.response.is_none());
    let headers = http.request.as_ref().unwrap().headers.as_ref().unwrap();
    assert_eq!(headers.pairs(), [("Accept".to_owned(), "*/*".to_owned())]);
    assert_eq!(
        delivery
            .started_at
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "2020-08-10T14:00:00.000Z"
    );
}
