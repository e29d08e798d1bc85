//! Runs `tests/official_sdk/node_smoke.mjs` (the official npm `telnyx` SDK, unchanged)
//! against an emulator on 127.0.0.1:0.
//!
//! Needs `node` on PATH and `TELNYX_NODE_SDK_DIR` pointing at a folder with
//! `node_modules/telnyx` installed (`npm install telnyx@7.24.0`); otherwise it is skipped.

use std::path::PathBuf;
use std::process::Command;

use crate::common;
use common::skip_official_sdk_test as skip;

use telnyx_emulator::Emulator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_node_sdk_works_unchanged() {
    let Some(dir) = std::env::var_os("TELNYX_NODE_SDK_DIR").map(PathBuf::from) else {
        skip("TELNYX_NODE_SDK_DIR is not set (npm install telnyx@7.24.0 into a folder and point it there)");
        return;
    };
    if !dir.join("node_modules/telnyx/package.json").is_file() {
        skip(&format!("{} has no node_modules/telnyx", dir.display()));
        return;
    }
    if Command::new("node")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        skip("node is not on PATH");
        return;
    }
    let emu = Emulator::start(common::fast_webhooks()).await.unwrap();
    // The SDK runs against a living account and must see exactly its advanced state.
    let key = "KEY_node_advanced";
    let expect = common::advanced_expectations(&emu, key).await;
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/official_sdk/node_smoke.mjs");
    let base = emu.base_url();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .env("TELNYX_BASE_URL", base)
            .env("TELNYX_NODE_SDK_DIR", dir)
            .env("TELNYX_API_KEY", key)
            .env("TELNYX_EXPECT_JSON", expect)
            .output()
    })
    .await
    .unwrap()
    .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "node smoke failed");
    assert!(stdout.contains("node smoke: OK"));
    assert!(stdout.contains("11 steps passed"));
    emu.shutdown().await;
}
