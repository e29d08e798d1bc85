//! Async Rust client for the Telnyx Account API.
