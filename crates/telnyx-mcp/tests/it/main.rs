//! Integration tests of telnyx-mcp: one binary (as cargo's own testsuite), helpers in
//! tests/common. Every test runs our server against the real emulator over real HTTP on
//! 127.0.0.1:0 and talks to it with the official Rust MCP client (rmcp).

#[path = "../common/mod.rs"]
mod common;

mod http;
mod snapshot;
mod tools;
mod writes;
