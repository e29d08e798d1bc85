//! `telnyx webhooks verify|listen`, end to end: the real binary, real HTTP on 127.0.0.1, and
//! deliveries signed with the SDK's `TestSigner`.
#![allow(clippy::unwrap_used)]

use crate::common::{self, telnyx};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use telnyx::webhooks::{SignedHeaders, TestSigner};

const FINALIZED: &str = r#"{"data":{"event_type":"message.finalized","id":"5b9a1c1e-7c1d-4a8e-9d0a-3f1e2d3c4b5a","occurred_at":"2025-06-02T09:15:42.318+00:00","payload":{"id":"m-1","direction":"outbound","type":"SMS","from":{"phone_number":"+13125550111"},"to":[{"phone_number":"+17735550142","status":"delivered"}],"cost":{"amount":"0.0040","currency":"USD"}},"record_type":"event"},"meta":{"attempt":2,"delivered_to":"http://127.0.0.1/hooks"}}"#;

fn signer() -> TestSigner {
    TestSigner::from_seed([21; 32])
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn verify_exits_0_for_a_valid_webhook() {
    let s = signer();
    let signed = s.sign_now(FINALIZED.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(&file, FINALIZED).unwrap();
    let out = telnyx()
        .args(["webhooks", "verify", "--public-key", &s.public_key_base64()])
        .args([
            "--signature",
            &signed.signature,
            "--timestamp",
            &signed.timestamp,
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(
            "valid: message.finalized 5b9a1c1e-7c1d-4a8e-9d0a-3f1e2d3c4b5a (attempt 2"
        ),
        "{stdout}"
    );

    // From stdin, the key from TELNYX_PUBLIC_KEY, JSON output.
    let out = telnyx()
        .env("TELNYX_PUBLIC_KEY", s.public_key_base64())
        .args(["-o", "json", "webhooks", "verify"])
        .args([
            "--signature",
            &signed.signature,
            "--timestamp",
            &signed.timestamp,
            "-",
        ])
        .write_stdin(FINALIZED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["event"]["data"]["payload"]["cost"]["amount"], "0.0040");
}

/// Runs `webhooks verify` on `body` and returns (exit code, stderr).
fn verify(key: &str, signed: &SignedHeaders, body: &str, extra: &[&str]) -> (Option<i32>, String) {
    let out = telnyx()
        .args(["webhooks", "verify", "--public-key", key])
        .args([
            "--signature",
            &signed.signature,
            "--timestamp",
            &signed.timestamp,
        ])
        .args(extra)
        .write_stdin(body)
        .output()
        .unwrap();
    assert!(out.stdout.is_empty() || out.status.success());
    (out.status.code(), text(&out.stderr))
}

#[test]
fn verify_exits_5_with_the_reason_when_invalid() {
    let s = signer();
    let key = s.public_key_base64();
    let signed = s.sign_now(FINALIZED.as_bytes());

    let tampered = FINALIZED.replace("0.0040", "0.0041");
    let (code, err) = verify(&key, &signed, &tampered, &[]);
    assert_eq!(code, Some(5), "{err}");
    assert!(err.contains("signature does not match"), "{err}");
    assert!(err.contains("raw request body"), "{err}");

    // The classic: the file gained a final newline.
    let (code, err) = verify(&key, &signed, &format!("{FINALIZED}\n"), &[]);
    assert_eq!(code, Some(5));
    assert!(err.contains("ends with a newline"), "{err}");

    let other = TestSigner::from_seed([22; 32]).public_key_base64();
    let (code, err) = verify(&other, &signed, FINALIZED, &[]);
    assert_eq!(code, Some(5));
    assert!(err.contains("signature does not match"), "{err}");

    let stale = s.sign(FINALIZED.as_bytes(), now() - 3600);
    let (code, err) = verify(&key, &stale, FINALIZED, &[]);
    assert_eq!(code, Some(5));
    assert!(err.contains("s in the past"), "{err}");
    assert!(err.contains("300 s tolerance"), "{err}");
    // A captured webhook can still be checked with a wider tolerance.
    let (code, err) = verify(&key, &stale, FINALIZED, &["--tolerance", "7200"]);
    assert_eq!(code, Some(0), "{err}");

    let truncated = SignedHeaders {
        signature: signed.signature[..40].to_string(),
        timestamp: signed.timestamp.clone(),
    };
    let (code, err) = verify(&key, &truncated, FINALIZED, &[]);
    assert_eq!(code, Some(5));
    assert!(err.contains("not an Ed25519 signature"), "{err}");

    let (code, err) = verify("KEY01234", &signed, FINALIZED, &[]);
    assert_eq!(code, Some(5));
    assert!(err.contains("public key"), "{err}");

    let signed_text = s.sign_now(b"hello");
    let (code, err) = verify(&key, &signed_text, "hello", &[]);
    assert_eq!(code, Some(5));
    assert!(err.contains("not a Telnyx event"), "{err}");

    // No key at all: a usage error that says where the key comes from.
    let out = telnyx()
        .args(["webhooks", "verify", "--signature", "x", "--timestamp", "1"])
        .write_stdin(FINALIZED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("TELNYX_PUBLIC_KEY"));
}

/// A running `telnyx webhooks listen` (killed on drop) and the URL it receives on.
struct Listen {
    run: common::Running,
    url: String,
}

impl std::ops::Deref for Listen {
    type Target = common::Running;
    fn deref(&self) -> &common::Running {
        &self.run
    }
}

impl Listen {
    /// `telnyx GLOBAL... webhooks listen --bind 127.0.0.1:0 --public-key K EXTRA...`
    fn start(global: &[&str], extra: &[&str]) -> Listen {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_telnyx"));
        cmd.env_clear()
            .args(global)
            .args(["webhooks", "listen", "--bind", "127.0.0.1:0"])
            .args(["--public-key", &signer().public_key_base64()])
            .args(extra);
        let run = common::Running::spawn(cmd);
        let first = run.next_err();
        let addr = first
            .strip_prefix("listening on ")
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        Listen {
            run,
            url: format!("{addr}/hooks"),
        }
    }
}

async fn post(url: &str, body: &str, signed: &SignedHeaders) -> (u16, String) {
    let client = reqwest::Client::new();
    let mut req = client.post(url).body(body.to_string());
    // Mixed-case names, as some proxies send them.
    req = req
        .header("Telnyx-Signature-Ed25519", &signed.signature)
        .header("Telnyx-Timestamp", &signed.timestamp)
        .header("content-type", "application/json");
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

#[tokio::test]
async fn listen_prints_a_signed_event_and_rejects_a_tampered_one() {
    let listen = Listen::start(&["--no-color"], &[]);
    let header = listen.next_out();
    assert!(header.starts_with("TIME"), "{header}");
    assert!(
        header.contains("EVENT TYPE") && header.contains("DETAILS"),
        "{header}"
    );

    let signed = signer().sign_now(FINALIZED.as_bytes());
    let (status, body) = post(&listen.url, FINALIZED, &signed).await;
    assert_eq!(status, 200, "{body}");
    let row = listen.next_out();
    assert!(row.contains("message.finalized"), "{row}");
    assert!(
        row.contains("5b9a1c1e-7c1d-4a8e-9d0a-3f1e2d3c4b5a"),
        "{row}"
    );
    assert!(
        row.contains("+13125550111 -> +17735550142 (delivered) cost 0.0040 USD"),
        "{row}"
    );

    let tampered = FINALIZED.replace("delivered\"", "delivery_failed\"");
    let (status, body) = post(&listen.url, &tampered, &signed).await;
    assert_eq!(status, 401);
    assert!(body.contains("signature does not match"), "{body}");
    let line = listen.err_containing("rejected");
    assert!(line.starts_with("rejected 401 POST /hooks"), "{line}");
    assert!(line.contains("signature does not match"), "{line}");

    let stale = signer().sign(FINALIZED.as_bytes(), now() - 1000);
    let (status, _) = post(&listen.url, FINALIZED, &stale).await;
    assert_eq!(status, 401);
    let line = listen.err_containing("rejected");
    assert!(line.contains("s in the past"), "{line}");

    let resp = reqwest::Client::new()
        .post(&listen.url)
        .body(FINALIZED)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let line = listen.err_containing("rejected");
    assert!(
        line.contains("no telnyx-signature-ed25519 header"),
        "{line}"
    );

    let resp = reqwest::get(&listen.url).await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    assert!(listen.err_containing("rejected").contains("GET"));

    // Still serving after the rejections: the next good one is printed.
    let again = signer().sign_now(FINALIZED.as_bytes());
    assert_eq!(post(&listen.url, FINALIZED, &again).await.0, 200);
    assert!(listen.next_out().contains("message.finalized"));
}

#[tokio::test]
async fn listen_jsonl_prints_each_event_as_sent() {
    let listen = Listen::start(&["-o", "jsonl"], &[]);
    let pretty = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(FINALIZED).unwrap(),
    )
    .unwrap();
    let with_extra = pretty.replacen('{', "{\n  \"field_from_the_future\": [1, 2],", 1);
    let signed = signer().sign_now(with_extra.as_bytes());
    assert_eq!(post(&listen.url, &with_extra, &signed).await.0, 200);
    let line = listen.next_out();
    let printed: serde_json::Value = serde_json::from_str(&line).unwrap();
    let sent: serde_json::Value = serde_json::from_str(&with_extra).unwrap();
    assert_eq!(printed, sent);
    assert_eq!(printed["field_from_the_future"], serde_json::json!([1, 2]));
}

/// What the app behind `--forward-to` received.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<SeenRequest>>>);

/// Headers and body of one request the app received.
type SeenRequest = (axum::http::HeaderMap, Vec<u8>);

/// An app on 127.0.0.1:0 that verifies with the SDK and answers 202 (or 400).
async fn app() -> (String, Seen) {
    use axum::extract::State;
    let seen = Seen::default();
    let verifier = signer().verifier();
    let handler =
        move |State(seen): State<Seen>, headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let verifier = verifier.clone();
            async move {
                let ok = verifier.verify_headers(&body, &headers).is_ok();
                seen.0.lock().unwrap().push((headers, body.to_vec()));
                if ok {
                    (
                        axum::http::StatusCode::ACCEPTED,
                        [("content-type", "text/plain")],
                        "queued by the app",
                    )
                } else {
                    (
                        axum::http::StatusCode::BAD_REQUEST,
                        [("content-type", "text/plain")],
                        "bad signature",
                    )
                }
            }
        };
    let router = axum::Router::new()
        .route("/app", axum::routing::post(handler))
        .with_state(seen.clone());
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/app", socket.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(socket, router).await });
    (url, seen)
}

#[tokio::test]
async fn listen_forwards_verified_requests_and_relays_the_status() {
    let (app_url, seen) = app().await;
    let listen = Listen::start(&["--no-color"], &["--forward-to", &app_url]);
    let header = listen.next_out();
    assert!(header.contains("FORWARD"), "{header}");

    let signed = signer().sign_now(FINALIZED.as_bytes());
    let (status, body) = post(&listen.url, FINALIZED, &signed).await;
    assert_eq!(status, 202, "the app's status is relayed");
    assert_eq!(body, "queued by the app");
    let row = listen.next_out();
    assert!(row.contains("202"), "{row}");
    {
        let seen = seen.0.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (headers, forwarded) = &seen[0];
        // The raw bytes and the signature headers go on unchanged, so the app verifies them.
        assert_eq!(forwarded.as_slice(), FINALIZED.as_bytes());
        assert_eq!(
            headers["telnyx-signature-ed25519"].to_str().unwrap(),
            signed.signature
        );
        assert_eq!(
            headers["telnyx-timestamp"].to_str().unwrap(),
            signed.timestamp
        );
    }

    // A rejected request is never forwarded.
    let (status, _) = post(&listen.url, &FINALIZED.replace("m-1", "m-2"), &signed).await;
    assert_eq!(status, 401);
    listen.err_containing("rejected");
    assert_eq!(seen.0.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn listen_answers_502_when_the_forward_target_is_down() {
    // A port that was just free: nothing listens on it any more.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/app", dead.local_addr().unwrap());
    drop(dead);
    let listen = Listen::start(&["--no-color"], &["--forward-to", &dead_url]);
    listen.next_out();
    let signed = signer().sign_now(FINALIZED.as_bytes());
    let (status, body) = post(&listen.url, FINALIZED, &signed).await;
    assert_eq!(status, 502);
    assert!(body.contains("could not forward"), "{body}");
    assert!(listen.next_out().contains("failed"));
    let line = listen.err_containing("failed:");
    assert!(line.contains("could not connect"), "{line}");
}

#[tokio::test]
async fn listen_stops_after_max_events() {
    let mut listen = Listen::start(&["--no-color"], &["--max-events", "1"]);
    listen.next_out();
    let signed = signer().sign_now(FINALIZED.as_bytes());
    assert_eq!(post(&listen.url, FINALIZED, &signed).await.0, 200);
    assert!(listen.next_out().contains("message.finalized"));
    let line = listen.err_containing("stopped");
    assert_eq!(line, "stopped: 1 verified, 0 rejected");
    assert_eq!(listen.run.wait_exit(), Some(0));
}

#[test]
fn listen_refuses_formats_it_cannot_stream() {
    let out = telnyx()
        .args(["-o", "csv", "webhooks", "listen", "--public-key"])
        .arg(signer().public_key_base64())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("-o jsonl"));
    let out = telnyx()
        .args([
            "webhooks",
            "listen",
            "--forward-to",
            "ftp://x",
            "--public-key",
        ])
        .arg(signer().public_key_base64())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("http://"));
}
