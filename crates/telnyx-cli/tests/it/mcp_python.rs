//! `telnyx mcp` with a real MCP client: the official Python MCP SDK (PyPI `mcp`, installed by
//! `.ci/run`) drives `telnyx mcp --emulator` over stdio (protocols 2025-11-25 and 2026-07-28)
//! and over streamable HTTP, checks `get_balance`, `summarize_charges` and
//! `search_detail_records` against `telnyx balance`, `telnyx charges summary` and `telnyx usage
//! report` on one shared `telnyx emulator`, calls every read-only tool (the SDK validates each answer against
//! the tool's outputSchema), sees the write tools only with their flags, and gets 403 for a
//! foreign Origin. The script is tests/it/mcp_python.py.
//!
//! Needs `$TELNYX_PYTHON` with `mcp` importable; skips with a message otherwise, but fails
//! when `CI=true` or `TELNYX_REQUIRE_MCP=1`.
#![allow(clippy::unwrap_used)] // tests may unwrap (team rule)

use std::path::PathBuf;
use std::process::Command;

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("TELNYX_REQUIRE_MCP").is_ok_and(|v| v == "1")
}

/// The Python with `mcp` importable, or why there is none.
fn python() -> Result<String, String> {
    let python = std::env::var("TELNYX_PYTHON").map_err(|_| {
        "TELNYX_PYTHON is not set (a Python with `pip install mcp==2.3.0`)".to_string()
    })?;
    let probe = Command::new(&python)
        .args(["-c", "import mcp, mcp.client.stdio"])
        .output()
        .map_err(|e| format!("cannot run TELNYX_PYTHON={python}: {e}"))?;
    if !probe.status.success() {
        return Err(format!(
            "`mcp` is not importable from TELNYX_PYTHON={python}: {}",
            String::from_utf8_lossy(&probe.stderr).trim()
        ));
    }
    Ok(python)
}

#[test]
fn python_mcp_sdk_drives_telnyx_mcp_over_stdio_and_http() {
    let python = match python() {
        Ok(p) => p,
        Err(why) if required() => panic!("the official Python MCP SDK is required here: {why}"),
        Err(why) => {
            eprintln!("skipping the Python MCP client test: {why}");
            return;
        }
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/mcp_python.py");
    let out = Command::new(python)
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_telnyx"))
        .env_remove("TELNYX_API_KEY")
        .env_remove("TELNYX_BASE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("ALL OK"),
        "the Python MCP client failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    for line in [
        "ok against the CLI: balance",
        "ok stdio mode=legacy: 11 tools",
        "ok stdio mode=auto: 11 tools",
        "ok stdio mode=legacy --allow-writes --allow-payments: 13 tools",
        "ok http: foreign Origin 403, own Origin 200",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
}
