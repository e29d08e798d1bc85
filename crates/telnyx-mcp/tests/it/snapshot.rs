//! The `tools/list` JSON (names, titles, descriptions, schemas, annotations) with every tool
//! enabled, compared exactly with tests/snapshots/tools_list.json, so that a change to what
//! agents see is deliberate. Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p telnyx-mcp`.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use telnyx_mcp::{Policy, Tools};

use crate::common::*;

#[tokio::test]
async fn tools_list_matches_the_snapshot() {
    let emu = emulator().await;
    let everything = Policy {
        allow_writes: true,
        allow_payments: true,
        ..Policy::read_only()
    };
    let tools = Tools::new(client(&emu, "KEY_SNAPSHOT"), everything);
    let s = connect_with(tools, rmcp::model::ProtocolVersion::V_2025_11_25).await;
    let listed = within("tools/list", s.list_all_tools()).await.unwrap();
    let text = serde_json::to_string_pretty(&listed).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/tools_list.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; create it with UPDATE_SNAPSHOTS=1", path.display()));
    assert!(
        expected == text,
        "tools/list changed; if deliberate, regenerate with UPDATE_SNAPSHOTS=1 and review the diff \
         of {}",
        path.display()
    );
    // Every tool declares an object input and output schema, and read-only hints are right.
    for tool in &listed {
        assert_eq!(
            tool.input_schema.get("type"),
            Some(&serde_json::json!("object")),
            "{}",
            tool.name
        );
        let out = tool.output_schema.as_ref().unwrap();
        assert_eq!(
            out.get("type"),
            Some(&serde_json::json!("object")),
            "{}",
            tool.name
        );
        let a = tool.annotations.as_ref().unwrap();
        let write = [
            "update_auto_recharge_prefs",
            "create_stored_payment_transaction",
        ]
        .contains(&tool.name.as_ref());
        assert_eq!(a.read_only_hint, Some(!write), "{}", tool.name);
        assert_eq!(
            a.destructive_hint,
            Some(tool.name == "create_stored_payment_transaction"),
            "{}",
            tool.name
        );
    }
}
