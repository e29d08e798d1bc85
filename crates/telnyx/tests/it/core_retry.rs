//! Retries over real HTTP (wiremock), counting requests.
//!
//! Every test starts its own server with `MockServer::builder().start()`, never the pooled
//! `MockServer::start()`: a pooled server is handed to the next test, and a request still in
//! flight from a dropped prefetching stream then lands in that test's request log.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use telnyx::{Client, ErrorKind, Money, Query, Request};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::retrying_client as client;

#[derive(Debug, Deserialize, PartialEq)]
struct Bal {
    balance: Money,
    currency: String,
}

fn balance(client: &Client) -> Request<Bal> {
    Request::new(client.clone(), http::Method::GET, "/balance", Query::new())
}

fn ok_body() -> serde_json::Value {
    json!({"data": {"balance": "300.00", "currency": "USD", "record_type": "balance"}})
}

fn error_body(code: &str, title: &str, detail: &str) -> serde_json::Value {
    json!({"errors": [{"code": code, "title": title, "detail": detail}]})
}

async fn mount_then_ok(server: &MockServer, failure: ResponseTemplate, failures: u64) {
    Mock::given(method("GET"))
        .and(path("/v2/balance"))
        .respond_with(failure)
        .up_to_n_times(failures)
        .expect(failures)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/balance"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_body()))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn retries_429_with_retry_after_seconds() {
    let server = MockServer::builder().start().await;
    let limited = ResponseTemplate::new(429)
        .insert_header("Retry-After", "0")
        .set_body_json(error_body("10011", "Too many requests", "slow down"));
    mount_then_ok(&server, limited, 2).await;
    let bal = balance(&client(&server)).await.unwrap();
    assert_eq!(bal.balance.as_str(), "300.00");
}

#[tokio::test]
async fn retries_429_with_retry_after_ms() {
    let server = MockServer::builder().start().await;
    let limited = ResponseTemplate::new(429).insert_header("retry-after-ms", "5.5");
    mount_then_ok(&server, limited, 1).await;
    let started = std::time::Instant::now();
    balance(&client(&server)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(5));
}

#[tokio::test]
async fn retries_429_with_http_date() {
    let server = MockServer::builder().start().await;
    // A date in the past means "now".
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(5));
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", date.as_str());
    mount_then_ok(&server, limited, 1).await;
    balance(&client(&server)).await.unwrap();
}

#[tokio::test]
async fn retry_after_longer_than_cap_gives_up_at_once() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let err = balance(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimit);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn retries_500_and_503_then_succeeds() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_then_ok(&server, ResponseTemplate::new(503), 1).await;
    balance(&client(&server)).await.unwrap();
}

#[tokio::test]
async fn x_should_retry_false_stops_a_500() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).insert_header("x-should-retry", "false"))
        .expect(1)
        .mount(&server)
        .await;
    let err = balance(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn x_should_retry_true_retries_a_400() {
    let server = MockServer::builder().start().await;
    let bad = ResponseTemplate::new(400).insert_header("x-should-retry", "true");
    mount_then_ok(&server, bad, 1).await;
    balance(&client(&server)).await.unwrap();
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(error_body(
            "10007",
            "first",
            "attempt 1",
        )))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-request-id", "req-last")
                .set_body_json(error_body("10007", "Unexpected error", "the last one")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = balance(&client(&server)).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.errors()[0].detail.as_deref(), Some("the last one"));
    assert_eq!(err.request_id(), Some("req-last"));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn per_request_max_retries_overrides_the_client() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = balance(&client(&server)).max_retries(0).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn post_without_idempotency_key_is_not_retried_after_500() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(path("/v2/payment/stored_payment_transactions"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let err = Request::<serde_json::Value>::new(
        client(&server),
        http::Method::POST,
        "/payment/stored_payment_transactions",
        Query::new(),
    )
    .json_body(json!({"amount": "120.00"}))
    .await
    .unwrap_err();
    assert_eq!(err.status(), Some(500));
}

#[tokio::test]
async fn post_without_key_is_retried_after_429() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "t1"}})))
        .expect(1)
        .mount(&server)
        .await;
    Request::<serde_json::Value>::new(client(&server), http::Method::POST, "/x", Query::new())
        .json_body(json!({"amount": "1.00"}))
        .await
        .unwrap();
}

#[tokio::test]
async fn post_with_idempotency_key_is_retried_with_the_same_key() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .and(header("idempotency-key", "pay-2024:abc_1"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header("idempotency-key", "pay-2024:abc_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": "t1"}})))
        .expect(1)
        .mount(&server)
        .await;
    let v = Request::<serde_json::Value>::new(
        client(&server),
        http::Method::POST,
        "/payment/stored_payment_transactions",
        Query::new(),
    )
    .json_body(json!({"amount": "120.00"}))
    .idempotency_key("pay-2024:abc_1")
    .await
    .unwrap();
    assert_eq!(v["id"], "t1");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    for r in &received {
        assert_eq!(r.headers["idempotency-key"], "pay-2024:abc_1");
        assert_eq!(r.body, br#"{"amount":"120.00"}"#);
    }
}

#[tokio::test]
async fn invalid_idempotency_key_fails_before_io() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    for key in ["", "has space", &"k".repeat(256)] {
        let err = Request::<serde_json::Value>::new(
            client(&server),
            http::Method::POST,
            "/x",
            Query::new(),
        )
        .idempotency_key(key)
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("idempotency key"), "{err}");
    }
}

#[tokio::test]
async fn connection_refused_is_a_connection_error_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .api_key("KEY_TEST")
        .base_url(format!("http://127.0.0.1:{port}/v2"))
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    // Even a POST without a key: the request never left.
    let err = Request::<serde_json::Value>::new(client, http::Method::POST, "/x", Query::new())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.is_retryable());
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn per_attempt_timeout_is_a_timeout_error() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok_body())
                .set_delay(Duration::from_secs(2)),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("KEY_TEST")
        .base_url(format!("{}/v2", server.uri()))
        .timeout(Duration::from_millis(100))
        .max_retries(1)
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let err = balance(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout());
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok_body())
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = balance(&client(&server))
        .timeout(Duration::from_millis(50))
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn post_timeout_without_key_is_not_retried() {
    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let err =
        Request::<serde_json::Value>::new(client(&server), http::Method::POST, "/x", Query::new())
            .json_body(json!({}))
            .timeout(Duration::from_millis(50))
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn sends_the_standard_headers() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer KEY_TEST"))
        .and(header("accept", "application/json"))
        .and(header(
            "user-agent",
            concat!("telnyx-rust/", env!("CARGO_PKG_VERSION")),
        ))
        .and(header("x-extra", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_body()))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("KEY_TEST")
        .base_url(format!("{}/v2/", server.uri()))
        .default_header("x-extra", "1")
        .build()
        .unwrap();
    balance(&client).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("content-type").is_none());
    assert!(received[0].headers.get("idempotency-key").is_none());
}

#[tokio::test]
async fn text_requests_accept_csv() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(path("/v2/charges_breakdown"))
        .and(header("accept", "text/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("a,b\n1,2\n", "text/csv"))
        .expect(1)
        .mount(&server)
        .await;
    let csv = Request::text(
        client(&server),
        http::Method::GET,
        "/charges_breakdown",
        Query::new().push("format", "csv"),
    )
    .await
    .unwrap();
    assert_eq!(csv, "a,b\n1,2\n");
}

#[tokio::test]
async fn a_caller_supplied_reqwest_client_is_used() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer KEY_TEST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_body()))
        .expect(1)
        .mount(&server)
        .await;
    let http = reqwest::Client::builder().build().unwrap();
    let client = Client::builder()
        .api_key("KEY_TEST")
        .base_url(format!("{}/v2", server.uri()))
        .http_client(http)
        .build()
        .unwrap();
    balance(&client).await.unwrap();
}

#[tokio::test]
async fn patch_without_key_is_not_retried_after_503() {
    let server = MockServer::builder().start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = Request::<serde_json::Value>::new(
        client(&server),
        http::Method::PATCH,
        "/payment/auto_recharge_prefs",
        Query::new(),
    )
    .json_body(json!({"enabled": true}))
    .await
    .unwrap_err();
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn invalid_request_fails_without_io() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_body()))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let cause = Request::<Bal>::new(c.clone(), http::Method::POST, "/x", Query::new())
        .idempotency_key("bad key")
        .await
        .unwrap_err();
    let err = Request::<Bal>::invalid(c, cause)
        .timeout(Duration::from_secs(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}
