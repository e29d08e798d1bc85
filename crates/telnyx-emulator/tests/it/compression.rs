//! Responses are gzip-compressed when, and only when, the client asks for it; the console's
//! HTML pages never are (they go to a browser on the same machine).
#![allow(clippy::unwrap_used)]

use std::io::Read;

use telnyx_emulator::{Emulator, EmulatorConfig};

const PAGE: &str = "/v2/detail_records?filter%5Brecord_type%5D=messaging&page%5Bsize%5D=50";

#[tokio::test]
async fn gzip_when_asked_the_same_json_and_a_fraction_of_the_bytes() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let url = format!("{}{}", emu.base_url().trim_end_matches("/v2"), PAGE);
    // No automatic decoding: the test sees the bytes on the wire.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();

    let plain = raw.get(&url).bearer_auth("KEY_gzip").send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();

    let gz = raw
        .get(&url)
        .bearer_auth("KEY_gzip")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.status(), 200);
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let wire = gz.bytes().await.unwrap();
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&wire[..])
        .read_to_end(&mut decoded)
        .unwrap();
    let a: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
    assert_eq!(a, b, "the same page, compressed");
    assert!(
        wire.len() * 3 < plain.len(),
        "{} compressed bytes for {} plain",
        wire.len(),
        plain.len()
    );

    // A client that decodes (reqwest's gzip, as the SDK uses it) sees the JSON as is.
    let decoding = reqwest::Client::new();
    let via = decoding
        .get(&url)
        .bearer_auth("KEY_gzip")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let via: serde_json::Value = serde_json::from_slice(&via).unwrap();
    assert_eq!(via, a);

    // A small body (under 1 KB: a 401 error here) goes as it is, even when gzip is asked.
    let origin = emu.base_url().trim_end_matches("/v2").to_string();
    let err = raw
        .get(format!("{origin}/v2/balance"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(err.status(), 401);
    assert!(err.headers().get("content-encoding").is_none());
    let v: serde_json::Value = serde_json::from_slice(&err.bytes().await.unwrap()).unwrap();
    assert_eq!(v["errors"][0]["code"], "10009");

    // A large fault-rule body is compressed like any other (the layer is outermost).
    let big = "x".repeat(4096);
    let rule = raw
        .post(format!("{origin}/_emulator/faults"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "path_prefix": "/v2/invoices", "status": 503, "body": big, "times": 1 }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(rule.status(), 201);
    let fault = raw
        .get(format!("{origin}/v2/invoices"))
        .bearer_auth("KEY_gzip")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(fault.status(), 503);
    assert_eq!(fault.headers()["content-encoding"], "gzip");
    let wire = fault.bytes().await.unwrap();
    assert!(wire.len() < 1024, "{} bytes on the wire", wire.len());
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(&wire[..])
        .read_to_string(&mut decoded)
        .unwrap();
    assert_eq!(decoded, big);
    emu.shutdown().await;
}

#[tokio::test]
async fn console_pages_go_uncompressed_even_when_gzip_is_asked() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let origin = emu.base_url().trim_end_matches("/v2").to_string();
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    // An account to show, with a year of history: its home page is tens of kilobytes.
    let balance = raw
        .get(format!("{origin}/v2/balance"))
        .bearer_auth("KEY_gzip_console_0123456789")
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(balance.status(), 200);
    let list = raw
        .get(format!("{origin}/console"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hash = list
        .split("data-account=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let page = raw
        .get(format!("{origin}/console/accounts/{hash}"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(
        page.headers().get("content-encoding").is_none(),
        "{:?}",
        page.headers()
    );
    let body = page.text().await.unwrap();
    assert!(body.len() > 4096, "{} bytes", body.len());
    assert!(body.starts_with("<!DOCTYPE html>"));
    emu.shutdown().await;
}
