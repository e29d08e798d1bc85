//! The CLI's integration tests, one binary (linked once, as cargo's own `tests/testsuite`):
//! the real `telnyx` binary against emulators started in this process, over real HTTP on
//! 127.0.0.1. A module per area; helpers in `tests/common/`.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod charts;
mod cli;
mod console_chart;
mod doctor;
mod emulator_clock;
mod mcp_python;
mod prefetch;
mod usage;
mod webhooks;
mod webhooks_e2e;
