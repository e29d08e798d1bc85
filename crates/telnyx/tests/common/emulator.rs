//! Clients of a real emulator (`telnyx_emulator::Emulator`) on 127.0.0.1:0.

use std::time::Duration;

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
