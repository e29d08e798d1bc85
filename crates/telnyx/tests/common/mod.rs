//! Helpers shared by the SDK's integration tests (`tests/it`): for wiremock tests an unpooled
//! mock server, clients pointed at it and a look at what it received; for emulator tests a
//! client of an emulator (`emulator`); for webhook tests the reason of a rejection.
//!
//! Every server is started with `MockServer::builder().start()`, never the pooled
//! `MockServer::start()`: a pooled server is handed to the next test, and a request still in
//! flight from a dropped prefetching stream then lands in that test's request log.
#![allow(dead_code)] // each test file uses a different subset
#![allow(clippy::unwrap_used)] // tests may unwrap (team rule)

use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use telnyx::webhooks::Reason;
use telnyx::{Client, ClientBuilder, ErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub mod alone;
pub mod emulator;

/// The API key of the test clients.
pub const KEY: &str = "KEY_TEST";

/// A fresh, unpooled mock server on 127.0.0.1:0.
pub async fn mock_server() -> MockServer {
    MockServer::builder().start().await
}

/// A builder for a client of `server`'s `/v2`, with `key` and a 1 ms first backoff step (so
/// retry tests do not wait), default retries.
pub fn builder_with_key(server: &MockServer, key: &str) -> ClientBuilder {
    Client::builder()
        .api_key(key)
        .base_url(format!("{}/v2", server.uri()))
        .initial_retry_delay(Duration::from_millis(1))
}

/// A client of `server` that retries as configured by default (2 retries, 1 ms backoff).
pub fn retrying_client(server: &MockServer) -> Client {
    builder_with_key(server, KEY).build().unwrap()
}

/// A client of `server` that never retries: one request per call.
pub fn client(server: &MockServer) -> Client {
    client_with_key(server, KEY)
}

/// A client of `server` with `key` that never retries.
pub fn client_with_key(server: &MockServer, key: &str) -> Client {
    builder_with_key(server, key)
        .max_retries(0)
        .build()
        .unwrap()
}

/// A server answering `verb route` with 200 and `body`, and a non-retrying client of it.
pub async fn serve(verb: &str, route: &str, body: Value) -> (MockServer, Client) {
    let server = mock_server().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
}

/// A server that must receive nothing (it fails the test on drop if it does), and a client.
pub async fn silent_server() -> (MockServer, Client) {
    let server = mock_server().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
}

/// Asserts that `server` received no request at all.
pub async fn assert_nothing_sent(server: &MockServer) {
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The one request the server received, as `METHOD path?query` plus its body.
pub async fn only_request(server: &MockServer) -> (String, Vec<u8>, wiremock::Request) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    let r = requests.into_iter().next().unwrap();
    let line = match r.url.query() {
        Some(q) => format!("{} {}?{}", r.method, r.url.path(), q),
        None => format!("{} {}", r.method, r.url.path()),
    };
    (line, r.body.clone(), r)
}

/// A calendar date (tests only use valid ones).
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A JSON fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> Value {
    let file = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// The first day of the month after `d`'s.
pub fn next_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1)
        .unwrap()
        .checked_add_months(chrono::Months::new(1))
        .unwrap()
}

/// The [`Reason`] of a webhook rejection, checking that the error is a webhook error.
pub fn reason(result: telnyx::Result<impl std::fmt::Debug>) -> Reason {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Webhook, "{err}");
    assert!(err.is_webhook());
    err.webhook_reason()
        .cloned()
        .expect("a webhook error has a reason")
}
