//! Responses are gzip-compressed when, and only when, the client asks for it.
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

    // Errors are compressed too, and still Telnyx-shaped.
    let err = raw
        .get(format!(
            "{}/v2/balance",
            emu.base_url().trim_end_matches("/v2")
        ))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(err.status(), 401);
    assert_eq!(err.headers()["content-encoding"], "gzip");
    let wire = err.bytes().await.unwrap();
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(&wire[..])
        .read_to_string(&mut decoded)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&decoded).unwrap();
    assert_eq!(v["errors"][0]["code"], "10009", "{decoded}");
    emu.shutdown().await;
}
