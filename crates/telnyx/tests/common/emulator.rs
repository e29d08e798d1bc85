//! Clients of a real emulator (`telnyx_emulator::Emulator`) on 127.0.0.1:0.

use std::time::Duration;

use serde_json::Value;
use telnyx::{Client, ClientBuilder};
use telnyx_emulator::Emulator;

/// A builder for a client of `emulator` with `key` (one isolated account per key) and a
/// 5 ms first backoff step.
pub fn builder(emulator: &Emulator, key: &str) -> ClientBuilder {
    Client::builder()
        .api_key(key)
        .base_url(emulator.base_url())
        .initial_retry_delay(Duration::from_millis(5))
}

/// A client of `emulator` with `key`.
pub fn client(emulator: &Emulator, key: &str) -> Client {
    builder(emulator, key).build().unwrap()
}

/// Adds a fault rule through the control API (`POST /_emulator/faults`), e.g.
/// `{"method": "GET", "path_prefix": "/v2/detail_records", "latency_ms": 30}`.
pub async fn add_fault(emulator: &Emulator, rule: Value) {
    let resp = reqwest::Client::new()
        .post(format!("http://{}/_emulator/faults", emulator.addr()))
        .header("content-type", "application/json")
        .body(rule.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201, "fault rule {rule} refused");
}
