//! Helpers of the telnyx-mcp integration tests: a real emulator on 127.0.0.1:0, an SDK client
//! of it, and an rmcp client talking to our server over an in-memory duplex.
#![allow(dead_code)] // each test module uses a different subset
#![allow(clippy::unwrap_used)] // tests may unwrap (team rule)

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig, ProtocolVersion};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use telnyx::{Client, ListRequest};
use telnyx_emulator::{Emulator, EmulatorConfig};
use telnyx_mcp::{Policy, Tools};

/// Upper bound for any single await: a hang is a failure.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Awaits `fut` or fails after [`LIMIT`].
pub async fn within<F: IntoFuture>(what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(LIMIT, fut.into_future()).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no result within {LIMIT:?} (hung?)"),
    }
}

/// The accounts' clock start of the tests that need calendar months.
pub fn jan_1_2026() -> DateTime<Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

/// A date.
pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A fresh emulator on 127.0.0.1:0 whose accounts start on 2026-01-01.
pub async fn emulator() -> Emulator {
    let config = EmulatorConfig {
        start_time: Some(jan_1_2026()),
        ..Default::default()
    };
    Emulator::start(config).await.unwrap()
}

/// An SDK client of the emulator's account `key`, without retries (one request per call).
pub fn client(emu: &Emulator, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(emu.base_url())
        .max_retries(0)
        .build()
        .unwrap()
}

/// `http://127.0.0.1:PORT`, where the control API lives.
pub fn origin(emu: &Emulator) -> String {
    format!("http://{}", emu.addr())
}

/// Every item of a list.
pub async fn all<T: serde::de::DeserializeOwned + Send + 'static>(req: ListRequest<T>) -> Vec<T> {
    within("list", req.into_stream().try_collect::<Vec<T>>())
        .await
        .unwrap()
}

/// An MCP client session.
pub type Session = RunningService<RoleClient, ClientConfig>;

/// An rmcp client connected over an in-memory duplex to a server with `tools`, negotiating
/// `version`.
pub async fn connect_with(tools: Tools, version: ProtocolVersion) -> Session {
    let (server_end, client_end) = tokio::io::duplex(1 << 16);
    let (read, write) = tokio::io::split(server_end);
    tokio::spawn(async move {
        let _ = telnyx_mcp::server::serve_io(tools, read, write).await;
    });
    let config = ClientConfig::default().with_protocol_version(version);
    within("initialize", config.serve(tokio::io::split(client_end)))
        .await
        .unwrap()
}

/// An rmcp client of a server over `client` with `policy`, dating default periods by `today`.
pub async fn connect(client: &Client, policy: Policy, today: NaiveDate) -> Session {
    let tools = Tools::new(client.clone(), policy).with_today(Arc::new(move || today));
    connect_with(tools, ProtocolVersion::V_2025_11_25).await
}

/// Calls `name` with `args` (an object) and returns the raw result.
pub async fn call_raw(session: &Session, name: &str, args: Value) -> CallToolResult {
    let mut params = CallToolRequestParams::new(name.to_string());
    if let Value::Object(map) = args {
        params = params.with_arguments(map);
    }
    within(name, session.call_tool(params)).await.unwrap()
}

/// Calls `name`, asserts success, and returns `structuredContent` after checking that the text
/// content is the same JSON.
pub async fn call(session: &Session, name: &str, args: Value) -> Value {
    let r = call_raw(session, name, args).await;
    assert_ne!(r.is_error, Some(true), "{name} failed: {r:?}");
    let structured = r.structured_content.clone().expect("structuredContent");
    let text = r
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .expect("text content");
    let from_text: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        from_text, structured,
        "{name}: text and structuredContent differ"
    );
    structured
}

/// Calls `name`, asserts a tool error (not a protocol error), and returns its JSON.
pub async fn call_err(session: &Session, name: &str, args: Value) -> Value {
    let r = call_raw(session, name, args).await;
    assert_eq!(r.is_error, Some(true), "{name} should have failed: {r:?}");
    assert!(r.structured_content.is_none());
    let text = r
        .content
        .first()
        .and_then(|c| c.as_text())
        .unwrap()
        .text
        .clone();
    serde_json::from_str(&text).unwrap()
}

/// POSTs JSON to the emulator's control API and returns the answer.
pub async fn control(emu: &Emulator, method: reqwest::Method, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .request(method, format!("{}{path}", origin(emu)))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

/// A money string as a decimal.
pub fn dec(v: &Value) -> telnyx::Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}
