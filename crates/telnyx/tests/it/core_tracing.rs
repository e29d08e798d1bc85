//! The per-attempt `tracing` span: method, path, attempt, status, duration; no secrets.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use telnyx::{Client, Query, Request};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common;

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

/// `tracing` caches, per callsite and process-wide, whether any subscriber wants it. Another
/// test thread of this binary can start registering the `retrying` callsite before this test
/// installs its subscriber and finish after it, leaving the callsite cached as never enabled
/// (it happened twice in CI, once after `rebuild_interest_cache` was added). So the traced
/// request runs in a process of its own.
#[test]
fn attempts_are_traced_without_secrets() {
    if common::alone::in_own_process("core_tracing::attempts_are_traced_without_secrets") {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the traced request")
            .block_on(traced_request_in_this_process());
    }
}

async fn traced_request_in_this_process() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
