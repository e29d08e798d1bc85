//! The streamable HTTP transport: loopback, `Origin` and `Host` checks, the bearer token.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use serde_json::json;
use telnyx_mcp::server::{HttpOptions, HttpServer};
use telnyx_mcp::{Policy, Tools};

use crate::common::*;

async fn start(tools: Tools, token: Option<&str>) -> SocketAddr {
    let options = HttpOptions {
        bearer_token: token.map(str::to_string),
        ..Default::default()
    };
    let server = HttpServer::bind(tools, options).await.unwrap();
    let addr = server.local_addr().unwrap();
    assert!(addr.ip().is_loopback(), "binds loopback by default: {addr}");
    tokio::spawn(server.run(std::future::pending()));
    addr
}

fn initialize() -> String {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"}}})
    .to_string()
}

async fn post(addr: SocketAddr, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = reqwest::Client::new()
        .post(format!("http://{addr}/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(initialize());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = within("post", req.send()).await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

#[tokio::test]
async fn foreign_origins_and_hosts_get_403_own_origin_passes() {
    let emu = emulator().await;
    let addr = start(
        Tools::new(client(&emu, "KEY_HTTP"), Policy::read_only()),
        None,
    )
    .await;
    let (status, body) = post(addr, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("telnyx-mcp"), "{body}");
    let own = format!("http://127.0.0.1:{}", addr.port());
    assert_eq!(post(addr, &[("origin", own.as_str())]).await.0, 200);
    assert_eq!(
        post(addr, &[("origin", "https://evil.example")]).await.0,
        403
    );
    assert_eq!(post(addr, &[("origin", "http://127.0.0.1:1")]).await.0, 403);
    assert_eq!(post(addr, &[("host", "evil.example")]).await.0, 403);
}

#[tokio::test]
async fn a_bearer_token_is_required_when_set() {
    let emu = emulator().await;
    let tools = Tools::new(client(&emu, "KEY_TOKEN"), Policy::read_only());
    let addr = start(tools, Some("s3cret-token")).await;
    let (status, body) = post(addr, &[]).await;
    assert_eq!(status, 401);
    assert!(!body.contains("s3cret-token"), "the token never prints");
    assert_eq!(
        post(addr, &[("authorization", "Bearer wrong")]).await.0,
        401
    );
    assert_eq!(
        post(addr, &[("authorization", "Bearer s3cret-token")])
            .await
            .0,
        200
    );
}
