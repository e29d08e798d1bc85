//! The emulator's integration tests: one binary (linked once), a module per area, every test
//! against a real emulator over HTTP on 127.0.0.1. Shared helpers are in `tests/common/`.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod clock;
mod compression;
mod console;
mod console_browser;
mod console_theme;
mod control;
mod fuzz_regressions;
mod launch;
mod official_node_sdk;
mod official_python_sdk;
mod paging;
mod schema;
mod webhooks;
