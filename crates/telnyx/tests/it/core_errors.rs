//! Errors and decoding over real HTTP (wiremock): tolerant decoding, useful messages, and
//! no secret in any Debug or Display text.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use telnyx::{Client, ErrorKind, Money, Query, Request};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common;
use crate::common::client_with_key;

const SECRET: &str = "KEY_SECRET_ABC123";

#[derive(Debug, Deserialize, PartialEq)]
struct Bal {
    balance: Money,
    currency: String,
    #[serde(default)]
    pending: Option<Money>,
    #[serde(default)]
    credit_limit: Option<Money>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Charge {
    id: String,
    amount_cents: i64,
}

fn client(server: &MockServer) -> Client {
    client_with_key(server, SECRET)
}

async fn respond(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .respond_with(template)
        .expect(1)
        .mount(server)
        .await;
}

fn get<T: serde::de::DeserializeOwned>(client: &Client) -> Request<T> {
    Request::new(client.clone(), http::Method::GET, "/balance", Query::new())
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET), "the API key leaked: {text}");
    assert!(
        !text.contains("SECRET_ABC"),
        "part of the API key leaked: {text}"
    );
}

fn check_error_text(err: &telnyx::Error) {
    assert_no_secret(&err.to_string());
    assert_no_secret(&format!("{err:?}"));
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        assert_no_secret(&s.to_string());
        assert_no_secret(&format!("{s:?}"));
        source = s.source();
    }
}

#[tokio::test]
async fn unknown_and_missing_optional_fields_decode() {
    let server = MockServer::builder().start().await;
    respond(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "data": {"balance": "300.00", "currency": "USD", "brand_new_field": {"x": [1, 2]}},
            "also_new": true
        })),
    )
    .await;
    let bal: Bal = get(&client(&server)).await.unwrap();
    assert_eq!(bal.balance.as_str(), "300.00");
    assert_eq!(bal.pending, None);
    assert_eq!(bal.credit_limit, None);
}

#[tokio::test]
async fn decode_error_names_the_json_path_and_shows_an_excerpt() {
    let server = MockServer::builder().start().await;
    respond(
        &server,
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req-42")
            .set_body_json(json!({"data": [
                {"id": "a", "amount_cents": 1}, {"id": "b", "amount_cents": 2},
                {"id": "c", "amount_cents": 3}, {"id": "d", "amount_cents": "12.50"}
            ]})),
    )
    .await;
    let err = get::<Vec<Charge>>(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let text = err.to_string();
    assert!(text.contains("data[3].amount_cents"), "{text}");
    assert!(text.contains("GET /balance"), "{text}");
    assert!(text.contains("\"id\""), "{text}");
    assert_eq!(err.request_id(), Some("req-42"));
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn long_bodies_are_cut_in_decode_errors() {
    let server = MockServer::builder().start().await;
    let long = format!("not json {}", "z".repeat(10_000));
    respond(&server, ResponseTemplate::new(200).set_body_string(long)).await;
    let err = get::<Bal>(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().len() < 600, "{}", err.to_string().len());
}

#[tokio::test]
async fn empty_success_body_is_a_decode_error() {
    let server = MockServer::builder().start().await;
    respond(&server, ResponseTemplate::new(200)).await;
    let err = get::<Bal>(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("empty"), "{err}");
}

#[tokio::test]
async fn integer_error_code_is_accepted() {
    let server = MockServer::builder().start().await;
    respond(
        &server,
        ResponseTemplate::new(422).set_body_json(json!({"errors": [
            {"code": 10027, "title": "Invalid amount format", "detail": "Use dollars and cents",
             "source": {"pointer": "/amount"}, "meta": {"url": "https://developers.telnyx.com/docs/overview/errors/10027"}}
        ]})),
    )
    .await;
    let err = get::<Bal>(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    let detail = &err.errors()[0];
    assert_eq!(detail.code.as_deref(), Some("10027"));
    assert_eq!(
        detail.source.as_ref().unwrap().pointer.as_deref(),
        Some("/amount")
    );
    assert!(detail.meta.is_some());
    assert!(err.to_string().starts_with(
        "422 Unprocessable Entity: [10027] Invalid amount format: Use dollars and cents"
    ));
}

#[tokio::test]
async fn plain_text_503_is_a_useful_error() {
    let server = MockServer::builder().start().await;
    respond(
        &server,
        ResponseTemplate::new(503)
            .set_body_raw("upstream connect error or disconnect", "text/plain"),
    )
    .await;
    let err = get::<Bal>(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(err.status(), Some(503));
    assert!(err.errors().is_empty());
    let text = err.to_string();
    assert!(text.starts_with("503 Service Unavailable"), "{text}");
    assert!(text.contains("upstream connect error"), "{text}");
}

#[tokio::test]
async fn empty_error_body_says_so() {
    let server = MockServer::builder().start().await;
    respond(&server, ResponseTemplate::new(404)).await;
    let err = get::<Bal>(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        err.to_string().starts_with("404 Not Found: empty body"),
        "{err}"
    );
}

#[tokio::test]
async fn statuses_map_to_kinds() {
    let cases = [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Authentication),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (418, ErrorKind::Api),
        (422, ErrorKind::UnprocessableEntity),
        (429, ErrorKind::RateLimit),
        (500, ErrorKind::InternalServer),
        (504, ErrorKind::InternalServer),
    ];
    for (status, kind) in cases {
        let server = MockServer::builder().start().await;
        respond(&server, ResponseTemplate::new(status)).await;
        let err = get::<Bal>(&client(&server)).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.status(), Some(status));
    }
}

#[tokio::test]
async fn rate_limit_headers_and_request_id() {
    let server = MockServer::builder().start().await;
    respond(
        &server,
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-limit", "100")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", "7")
            .insert_header("Retry-After", "7")
            .insert_header("x-telnyx-request-id", "tx-1")
            .set_body_json(json!({"errors": [{"code": "10011", "title": "Too many requests"}]})),
    )
    .await;
    let err = get::<Bal>(&client(&server)).await.unwrap_err();
    let rl = err.rate_limit().unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset),
        (Some(100), Some(0), Some(7))
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.request_id(), Some("tx-1"));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn api_error_display_has_status_code_title_detail_and_no_key() {
    let server = MockServer::builder().start().await;
    respond(
        &server,
        ResponseTemplate::new(401).set_body_json(json!({"errors": [{
            "code": "10009", "title": "Authentication failed", "detail": "The API key is invalid"
        }]})),
    )
    .await;
    let err = get::<Bal>(&client(&server)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    let text = err.to_string();
    assert!(
        text.starts_with("401 Unauthorized: [10009] Authentication failed: The API key is invalid"),
        "{text}"
    );
    check_error_text(&err);
    // The key is sent, though.
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].headers["authorization"],
        format!("Bearer {SECRET}")
    );
}

#[tokio::test]
async fn the_key_never_appears_in_debug_or_errors() {
    let server = MockServer::builder().start().await;
    let client = client(&server);
    assert_no_secret(&format!("{client:?}"));
    assert_no_secret(&format!("{:?}", Client::builder().api_key(SECRET)));
    assert_no_secret(&format!("{:?}", get::<Bal>(&client)));

    // Configuration: bad base URLs, bad header.
    for url in ["ftp://example.com/v2", "not a url", "http://"] {
        let err = Client::builder()
            .api_key(SECRET)
            .base_url(url)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration, "{url}");
        assert!(err.to_string().contains("base URL"), "{err}");
        check_error_text(&err);
    }
    let err = Client::builder()
        .api_key(SECRET)
        .default_header("bad header", "v")
        .build()
        .unwrap_err();
    check_error_text(&err);
    let err = Client::new(format!("{SECRET}\u{1}x")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    check_error_text(&err);

    // Timeout, decode, API and connection errors.
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{")
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let err = get::<Bal>(&client)
        .timeout(Duration::from_millis(20))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    check_error_text(&err);
    let err = get::<Bal>(&client).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    check_error_text(&err);

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let offline = Client::builder()
        .api_key(SECRET)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = get::<Bal>(&offline).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    check_error_text(&err);
}

#[test]
fn missing_or_empty_key_is_a_configuration_error() {
    for key in ["", "   "] {
        let err = Client::new(key).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration);
        assert!(err
            .to_string()
            .contains("set TELNYX_API_KEY or pass one to Client::new"));
    }
    let err = Client::builder().build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[test]
fn from_env_reads_and_validates() {
    // Setting variables while other threads read the environment is a data race in libc:
    // this test runs in a process of its own.
    if !common::alone::in_own_process("core_errors::from_env_reads_and_validates") {
        return;
    }
    std::env::set_var("TELNYX_API_KEY", "");
    std::env::remove_var("TELNYX_BASE_URL");
    let err = Client::from_env().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert!(err.to_string().contains("TELNYX_API_KEY"), "{err}");

    std::env::set_var("TELNYX_API_KEY", SECRET);
    std::env::set_var("TELNYX_BASE_URL", "");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), telnyx::DEFAULT_BASE_URL);
    assert_no_secret(&format!("{client:?}"));

    std::env::set_var("TELNYX_BASE_URL", "http://127.0.0.1:9/v2/");
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "http://127.0.0.1:9/v2"
    );

    std::env::set_var("TELNYX_BASE_URL", "mailto:x");
    assert_eq!(
        Client::from_env().unwrap_err().kind(),
        ErrorKind::Configuration
    );
    std::env::remove_var("TELNYX_API_KEY");
    std::env::remove_var("TELNYX_BASE_URL");
}

#[test]
fn error_is_send_sync_static() {
    fn check<T: Send + Sync + 'static + std::error::Error>() {}
    check::<telnyx::Error>();
}
