//! The per-attempt `tracing` span: method, path, attempt, status, duration; no secrets.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use telnyx::{Client, Query, Request};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn attempts_are_traced_without_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // This binary runs many tests on other threads: one of them may register the `retrying`
    // callsite while no subscriber wants it, racing this subscriber's registration, and leave
    // it cached as never enabled. Recompute every callsite's interest with this one in place.
    tracing::callsite::rebuild_interest_cache();

    let server = MockServer::builder().start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"ok": true}})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("KEY_SECRET_ABC123")
        .base_url(format!("{}/v2", server.uri()))
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    Request::<serde_json::Value>::new(client, http::Method::POST, "/payments", Query::new())
        .json_body(json!({"amount": "BODY_MARKER"}))
        .idempotency_key("idem-1")
        .await
        .unwrap();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("telnyx.request"), "{text}");
    assert!(text.contains("method=POST"), "{text}");
    assert!(text.contains("path=/payments"), "{text}");
    assert!(
        text.contains("attempt=1") && text.contains("attempt=2"),
        "{text}"
    );
    assert!(
        text.contains("status=503") && text.contains("status=200"),
        "{text}"
    );
    assert!(text.contains("duration_ms="), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
    assert!(!text.contains("BODY_MARKER"), "{text}");
}
