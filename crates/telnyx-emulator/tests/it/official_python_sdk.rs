//! Runs `tests/official_sdk/python_smoke.py` (the official PyPI `telnyx` SDK, unchanged)
//! against an emulator on 127.0.0.1:0.
//!
//! Needs `TELNYX_PYTHON` pointing at a Python interpreter that can `import telnyx`
//! (e.g. a venv with `pip install telnyx==4.189.0`); otherwise it is skipped.

use std::path::PathBuf;
use std::process::Command;

use crate::common;
use common::skip_official_sdk_test as skip;

use telnyx_emulator::Emulator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_works_unchanged() {
    let Some(python) = std::env::var_os("TELNYX_PYTHON").map(PathBuf::from) else {
        skip("TELNYX_PYTHON is not set (a python with `pip install telnyx==4.189.0`)");
        return;
    };
    let importable = Command::new(&python)
        .args(["-c", "import telnyx"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !importable {
        skip(&format!("{} cannot import telnyx", python.display()));
        return;
    }
    let emu = Emulator::start(common::fast_webhooks()).await.unwrap();
    // The SDK runs against a living account and must see exactly its advanced state.
    let key = "KEY_py_advanced";
    let expect = common::advanced_expectations(&emu, key).await;
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/official_sdk/python_smoke.py");
    let base = emu.base_url();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .env("TELNYX_BASE_URL", base)
            .env("TELNYX_API_KEY", key)
            .env("TELNYX_EXPECT_JSON", expect)
            .output()
    })
    .await
    .unwrap()
    .expect("run python");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "python smoke failed");
    assert!(stdout.contains("python smoke: OK"));
    assert!(stdout.contains("9 steps passed"));
    emu.shutdown().await;
}
