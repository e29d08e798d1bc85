//! Webhooks end to end against the real emulator (issue #9): `telnyx webhooks listen`
//! (the spawned binary) registers itself with a background emulator, `telnyx webhooks
//! trigger` makes the emulator send a signed POST, the listener verifies it with the SDK and
//! prints it, and the delivery is recorded in `webhook_deliveries` with the listener's
//! answer. Real HTTP on 127.0.0.1, nothing mocked; every wait is bounded.
#![allow(clippy::unwrap_used)]

use crate::common;
use std::sync::OnceLock;

use crate::common::Running;
use serde_json::{json, Value};
use telnyx::webhooks::TestSigner;

/// One emulator for the whole test binary; each test is its own account (its own key).
fn server() -> &'static common::Server {
    static SERVER: OnceLock<common::Server> = OnceLock::new();
    SERVER.get_or_init(|| common::start_server(telnyx_emulator::EmulatorConfig::default()))
}

/// Runs `f` on the server's runtime (the tests themselves are plain threads).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    server().block_on(f)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The account's webhook URL, as the emulator has it.
fn webhook_url(key: &str) -> Option<String> {
    block_on(server().control(key).webhook()).unwrap().url
}

/// Sets the account's webhook URL.
fn set_url(key: &str, url: &str) {
    block_on(server().control(key).set_webhook_url(url)).unwrap();
}

/// The binary with a clean environment, pointed at the emulator as the account of `key`.
fn telnyx(key: &str) -> assert_cmd::Command {
    let mut c = common::against(&server().base_url, key, 120);
    c.arg("--no-color");
    c
}

/// The SDK, as the account of `key`.
fn sdk(key: &str) -> telnyx::Client {
    telnyx::Client::builder()
        .api_key(key)
        .base_url(&server().base_url)
        .build()
        .unwrap()
}

/// `GET /v2/webhook_deliveries/{id}` through the SDK.
fn retrieve(key: &str, id: &str) -> telnyx::WebhookDelivery {
    let client = sdk(key);
    block_on(async move { client.webhook_deliveries().retrieve(id).await }).unwrap()
}

fn json_of(out: &std::process::Output) -> Value {
    let t = text(&out.stdout);
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("not JSON ({e}): {t}"))
}

/// A port nothing listens on (bound, then released).
fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A running `telnyx webhooks listen` for the account of `key`.
struct Listener {
    run: Running,
    /// `127.0.0.1:PORT`, as bound.
    addr: String,
    /// The first stderr line.
    first: String,
}

impl Listener {
    /// `telnyx --base-url B --api-key KEY webhooks listen --bind 127.0.0.1:0 EXTRA...`, started
    /// and (unless `--no-register` is in `extra`) registered.
    fn start(key: &str, extra: &[&str]) -> Listener {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_telnyx"));
        cmd.env_clear()
            .args([
                "--no-color",
                "--base-url",
                &server().base_url,
                "--api-key",
                key,
            ])
            .args(["webhooks", "listen", "--bind", "127.0.0.1:0"])
            .args(extra);
        let run = Running::spawn(cmd);
        let first = run.next_err();
        let addr = first
            .strip_prefix("listening on http://")
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        if !extra.contains(&"--no-register") {
            let line = run.err_containing("registered");
            assert!(
                line.starts_with(&format!(
                    "registered http://{addr}/ as this account's webhook URL"
                )),
                "{line}"
            );
        }
        // The table header.
        let header = run.next_out();
        assert!(header.starts_with("TIME"), "{header}");
        Listener { run, addr, first }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit code.
    fn interrupt(&mut self) -> Option<i32> {
        let pid = self.run.child.id().to_string();
        let status = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(status.success());
        self.run.wait_exit()
    }
}

/// `telnyx -o json webhooks trigger TYPE ARGS...`, which must succeed; its JSON.
fn trigger_json(key: &str, event_type: &str, args: &[&str]) -> Value {
    let out = telnyx(key)
        .args(["-o", "json", "webhooks", "trigger", event_type])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    json_of(&out)
}

/// The whitespace-separated cells of a listener row: TIME, EVENT TYPE, EVENT ID, ATTEMPT, DETAILS...
fn cells(row: &str) -> Vec<&str> {
    row.split_whitespace().collect()
}

#[test]
fn trigger_reaches_the_registered_listener_and_is_recorded_delivered() {
    let key = "KEY_e2e_deliver";
    let listen = Listener::start(key, &[]);
    // It registered its bound address, and verifies with the emulator's key for the account.
    assert_eq!(webhook_url(key).as_deref(), Some(listen.url().as_str()));
    let public_key = block_on(server().control(key).public_key()).unwrap();
    assert!(
        listen.first.contains(&format!(
            "emulator's public key for this account, {public_key}"
        )),
        "{}",
        listen.first
    );

    let v = trigger_json(key, "message.finalized", &[]);
    let event_id = v["event_id"].as_str().unwrap().to_string();
    let delivery_id = v["delivery_id"].as_str().unwrap().to_string();
    assert_eq!(v["event_type"], "message.finalized");
    assert_eq!(v["url"], listen.url());
    assert_eq!(v["max_attempts"], 3, "the emulator's default policy");
    let d = &v["delivery"];
    assert_eq!(d["id"], delivery_id.as_str(), "{v}");
    assert_eq!(d["status"], "delivered", "{v}");
    let attempts = d["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1, "{v}");
    assert_eq!(attempts[0]["status"], "delivered");
    assert_eq!(
        attempts[0]["http"]["response"]["status"], 200,
        "the listener's answer"
    );
    assert_eq!(attempts[0]["http"]["request"]["url"], listen.url());
    assert_eq!(d["webhook"]["id"], event_id.as_str());

    // The listener verified it (with the SDK) and printed it.
    let row = listen.run.out_containing(&event_id);
    let c = cells(&row);
    assert_eq!(c[1], "message.finalized", "{row}");
    assert_eq!(c[2], event_id, "{row}");
    assert_eq!(c[3], "1", "attempt 1: {row}");
    assert!(row.contains(" -> "), "a message summary: {row}");

    // The API (through the SDK) shows the same delivery.
    let seen = retrieve(key, &delivery_id);
    assert_eq!(seen.status, Some(telnyx::WebhookDeliveryStatus::Delivered));
    assert_eq!(seen.attempts.len(), 1);
    let response = seen.attempts[0].http.as_ref().unwrap().response.as_ref();
    assert_eq!(response.unwrap().status, Some(200));

    // The table form: the ids, then how it ended.
    let out = telnyx(key)
        .args(["webhooks", "trigger", "call.hangup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    for want in [
        "Event type   call.hangup",
        "Delivery ID  ",
        "Status       delivered",
        "Attempts     1",
        "Last HTTP    200",
    ] {
        assert!(t.contains(want), "{want:?} in:\n{t}");
    }
    let row = listen.run.out_containing("call.hangup");
    assert!(row.contains(" -> "), "a call summary: {row}");

    // A type without a default payload needs one; with it, it goes through as sent.
    let out = telnyx(key)
        .args(["webhooks", "trigger", "order.shipped"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--payload"),
        "{}",
        text(&out.stderr)
    );
    let v = trigger_json(key, "order.shipped", &["--payload", r#"{"sku": "x-1"}"#]);
    assert_eq!(v["delivery"]["status"], "delivered", "{v}");
    let row = listen.run.out_containing("order.shipped");
    assert!(row.contains(r#"{"sku":"x-1"}"#), "{row}");
}

#[test]
fn tampered_and_forged_requests_to_the_listener_are_rejected_with_the_reason() {
    let key = "KEY_e2e_tamper";
    let listen = Listener::start(key, &[]);
    let v = trigger_json(key, "message.sent", &[]);
    let delivery_id = v["delivery_id"].as_str().unwrap().to_string();
    listen.run.out_containing(v["event_id"].as_str().unwrap());

    // The real signature and timestamp the emulator sent, as recorded with the attempt...
    let seen = retrieve(key, &delivery_id);
    let request = seen.attempts[0]
        .http
        .as_ref()
        .unwrap()
        .request
        .as_ref()
        .unwrap();
    let headers = request.headers.as_ref().unwrap().pairs();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} among {headers:?}"))
    };
    let signature = header("telnyx-signature-ed25519");
    let timestamp = header("telnyx-timestamp");
    // ... on a body that is not the one signed.
    let mut webhook = serde_json::to_value(seen.webhook.as_ref().unwrap()).unwrap();
    webhook["payload"]["text"] = json!("tampered");
    let tampered = json!({"data": webhook, "meta": {"attempt": 1, "delivered_to": listen.url()}});
    let url = listen.url();
    let post = |body: String, signature: String, timestamp: String| {
        let url = url.clone();
        block_on(async move {
            let resp = reqwest::Client::new()
                .post(&url)
                .header("content-type", "application/json")
                .header("telnyx-signature-ed25519", signature)
                .header("telnyx-timestamp", timestamp)
                .body(body)
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.text().await.unwrap())
        })
    };
    let (status, body) = post(tampered.to_string(), signature, timestamp);
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("signature does not match"), "{body}");
    let line = listen.run.err_containing("rejected");
    assert!(line.starts_with("rejected 401 POST /"), "{line}");
    assert!(line.contains("signature does not match"), "{line}");

    // Signed, but with a key that is not the account's.
    let forger = TestSigner::generate().unwrap();
    let body = tampered.to_string();
    let signed = forger.sign_now(body.as_bytes());
    let (status, _) = post(body, signed.signature, signed.timestamp);
    assert_eq!(status, 401);
    assert!(listen
        .run
        .err_containing("rejected")
        .contains("signature does not match"));

    // Rejections touch neither the delivery nor the listener's service.
    let again = retrieve(key, &delivery_id);
    assert_eq!(again.attempts.len(), 1);
    let v = trigger_json(key, "message.sent", &[]);
    assert_eq!(v["delivery"]["status"], "delivered", "{v}");
}

#[test]
fn listen_unregisters_after_max_events_and_on_ctrl_c() {
    // After --max-events.
    let key = "KEY_e2e_unregister";
    let mut listen = Listener::start(key, &["--max-events", "1"]);
    assert_eq!(webhook_url(key).as_deref(), Some(listen.url().as_str()));
    let v = trigger_json(key, "call.initiated", &[]);
    assert_eq!(v["delivery"]["status"], "delivered", "{v}");
    assert_eq!(listen.run.wait_exit(), Some(0));
    let all = listen.run.all_err();
    assert!(
        all.iter()
            .any(|l| l == &format!("unregistered {}", listen.url())),
        "{all:?}"
    );
    assert!(
        all.iter().any(|l| l == "stopped: 1 verified, 0 rejected"),
        "{all:?}"
    );
    assert!(
        all.iter().all(|l| !l.contains(key)),
        "the API key is never printed: {all:?}"
    );
    assert_eq!(webhook_url(key), None);
    // With no URL, trigger says what to do.
    let out = telnyx(key)
        .args(["webhooks", "trigger", "call.initiated"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));

    // On Ctrl-C.
    let mut listen = Listener::start(key, &[]);
    assert_eq!(webhook_url(key).as_deref(), Some(listen.url().as_str()));
    assert_eq!(listen.interrupt(), Some(0));
    let all = listen.run.all_err();
    assert!(
        all.iter()
            .any(|l| l == &format!("unregistered {}", listen.url())),
        "{all:?}"
    );
    assert_eq!(webhook_url(key), None);

    // Someone else's URL set meanwhile is left alone.
    let mut listen = Listener::start(key, &[]);
    let other = format!("http://127.0.0.1:{}/other", dead_port());
    set_url(key, &other);
    assert_eq!(listen.interrupt(), Some(0));
    let all = listen.run.all_err();
    assert!(
        all.iter()
            .any(|l| l.contains("left the account's webhook URL as it is")),
        "{all:?}"
    );
    assert_eq!(webhook_url(key).as_deref(), Some(other.as_str()));

    // --no-register: the emulator's key, but the account's URL untouched.
    let mut listen = Listener::start(key, &["--no-register"]);
    assert!(
        listen.first.contains("emulator's public key"),
        "{}",
        listen.first
    );
    assert_eq!(webhook_url(key).as_deref(), Some(other.as_str()));
    assert_eq!(listen.interrupt(), Some(0));
    assert_eq!(webhook_url(key).as_deref(), Some(other.as_str()));
}

#[test]
fn redeliver_adds_an_attempt_to_the_current_url() {
    let key = "KEY_e2e_redeliver";
    // First to a URL where nothing listens: three attempts, failed, exit 1 with the reason.
    set_url(key, &format!("http://127.0.0.1:{}/", dead_port()));
    let out = telnyx(key)
        .args(["-o", "json", "webhooks", "trigger", "message.finalized"])
        .args(["--wait-secs", "90"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("failed (3 attempts"), "{err}");
    assert!(err.contains("nothing accepted the connection"), "{err}");
    let v = json_of(&out);
    assert_eq!(v["delivery"]["status"], "failed", "{v}");
    let attempts = v["delivery"]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3, "{v}");
    assert!(
        attempts[0]["errors"].to_string().contains("75002"),
        "connection failed: {v}"
    );
    let delivery_id = v["delivery_id"].as_str().unwrap().to_string();
    let event_id = v["event_id"].as_str().unwrap().to_string();

    // Now a listener is the account's URL: redeliver sends it there, as attempt 4.
    let listen = Listener::start(key, &[]);
    let out = telnyx(key)
        .args([
            "-o",
            "json",
            "webhook-deliveries",
            "redeliver",
            &delivery_id,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let r = json_of(&out);
    assert_eq!(r["delivery_id"], delivery_id.as_str());
    assert_eq!(r["attempt"], 4, "{r}");
    let attempts = r["delivery"]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 4, "{r}");
    assert_eq!(attempts[0]["status"], "delivered", "newest first: {r}");
    assert_eq!(attempts[0]["http"]["response"]["status"], 200);
    assert_eq!(attempts[0]["http"]["request"]["url"], listen.url());
    let row = listen.run.out_containing(&event_id);
    assert_eq!(cells(&row)[3], "4", "the attempt number in meta: {row}");

    // Once more, in the table form: the attempt count grows again.
    let out = telnyx(key)
        .args(["webhook-deliveries", "redeliver", &delivery_id])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    assert!(t.contains("Attempt      5 (queued)"), "{t}");
    assert!(t.contains("Attempts     5"), "{t}");
    assert!(t.contains("Last HTTP    200"), "{t}");
    listen.run.out_containing(&event_id);

    // --no-wait: only the ids.
    let out = telnyx(key)
        .args([
            "-o",
            "json",
            "webhook-deliveries",
            "redeliver",
            &delivery_id,
            "--no-wait",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let r = json_of(&out);
    assert_eq!(r["attempt"], 6);
    assert_eq!(r["delivery"], Value::Null);

    // An unknown id.
    let out = telnyx(key)
        .args([
            "webhook-deliveries",
            "redeliver",
            "00000000-0000-4000-8000-000000000000",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("webhook-deliveries list"));
}

#[test]
fn trigger_without_a_webhook_url_exits_5_with_the_hint() {
    let key = "KEY_e2e_nowebhook_0123456789";
    let out = telnyx(key)
        .args(["--debug", "webhooks", "trigger", "message.finalized"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(out.stdout.is_empty());
    assert!(err.contains("(HTTP 409)"), "{err}");
    assert!(err.contains("run `telnyx webhooks listen`"), "{err}");
    // --debug shows the control calls, and nowhere the key.
    assert!(err.contains("debug: GET http://127.0.0.1:"), "{err}");
    assert!(err.contains("/_emulator/events status=409"), "{err}");
    assert!(!err.contains(key), "{err}");
}

#[test]
fn without_an_emulator_the_commands_say_so() {
    let key = "KEY_e2e_secret_0123456789";
    let dead = format!("http://127.0.0.1:{}/v2", dead_port());
    let run = |base: &str, args: &[&str]| {
        let out = common::telnyx_bin(60)
            .args(["--no-color", "--base-url", base, "--api-key", key])
            .args(args)
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert!(!err.contains(key), "the key is never printed: {err}");
        (out.status.code(), err)
    };

    // Nothing answers: a network error that says how to start one there.
    let (code, err) = run(&dead, &["webhooks", "trigger", "message.finalized"]);
    assert_eq!(code, Some(7), "{err}");
    assert!(
        err.contains("no emulator answered at http://127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("telnyx emulator --bind 127.0.0.1:"), "{err}");
    let (code, err) = run(&dead, &["webhook-deliveries", "redeliver", "x"]);
    assert_eq!(code, Some(7), "{err}");
    let (code, err) = run(&dead, &["webhooks", "listen", "--bind", "127.0.0.1:0"]);
    assert_eq!(code, Some(7), "no key and no emulator to ask: {err}");

    // Something answers, but not an emulator: a usage error that says what to run.
    let foreign = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let foreign_url = format!("http://{}/v2", foreign.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = std::sync::Arc::clone(&received);
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in foreign.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot here\n",
            );
        }
    });
    let (code, err) = run(&foreign_url, &["webhooks", "trigger", "message.finalized"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("works only against the Telnyx emulator"),
        "{err}"
    );
    assert!(err.contains("GET /_emulator/health: HTTP 404"), "{err}");
    // The probe of a server that may not be an emulator does not hand it the key.
    let requests = received.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(
        requests[0].starts_with("GET /_emulator/health HTTP/1.1"),
        "{requests:?}"
    );
    assert!(!requests[0].contains(key), "{requests:?}");

    // --emulator's private emulator cannot take part.
    let out = common::telnyx_bin(60)
        .args(["--emulator", "webhooks", "trigger", "message.finalized"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("telnyx emulator"));
    // No key: the account is unknown.
    let out = common::telnyx_bin(60)
        .args([
            "--base-url",
            &server().base_url,
            "webhooks",
            "trigger",
            "message.finalized",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    // A bad --payload is refused before anything is sent.
    let (code, err) = run(&dead, &["webhooks", "trigger", "x.y", "--payload", "{nope"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--payload is not JSON"), "{err}");
}

#[test]
fn a_full_webhook_queue_is_retried_then_explained() {
    // An emulator of its own, with room for one waiting event, delivering to a receiver that
    // accepts connections and never answers: the deliveries in flight (one per lane) and the one
    // queued stay there (30 s timeout), so the queue is full for the rest of the test.
    let emu = common::start_server(telnyx_emulator::EmulatorConfig {
        webhooks: telnyx_emulator::WebhookOptions {
            queue_capacity: 1,
            timeout: std::time::Duration::from_secs(30),
            ..Default::default()
        },
        ..Default::default()
    });
    let hang = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hang_url = format!("http://{}/", hang.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in hang.incoming() {
            let Ok(stream) = stream else { break };
            held.push(stream);
        }
    });
    let key = "KEY_e2e_full";
    // One attempt per call (no retries of its own), to see each 503.
    let control = telnyx_emulator::control_client::Client::builder(&emu.base_url, key)
        .max_retries(0)
        .build()
        .unwrap();
    let full = emu.block_on(async move {
        control.set_webhook_url(&hang_url).await.unwrap();
        // The emulator has 16 lanes, each holding one delivery in flight (DESIGN.md), and room
        // for one waiting event: once an accepted event waits behind a hanging delivery, the
        // queue stays full until the 30 s timeouts. Full = three 503s in a row, 100 ms apart
        // (a single 503 may only mean a lane had not yet taken the waiting one). Bounded tries.
        let mut refused_in_a_row = 0;
        for _ in 0..2_000 {
            match control.emit_event("message.sent", None).await {
                Ok(_) => refused_in_a_row = 0,
                Err(telnyx_emulator::control_client::Error::Rejected { status: 503, .. }) => {
                    refused_in_a_row += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(other) => panic!("unexpected {other}"),
            }
            if refused_in_a_row == 3 {
                return true;
            }
        }
        false
    });
    assert!(full, "the queue never filled");

    let out = common::telnyx_bin(60)
        .args(["--no-color", "--base-url", &emu.base_url, "--api-key", key])
        .args([
            "--debug",
            "--max-retries",
            "1",
            "webhooks",
            "trigger",
            "message.sent",
            // Fails fast, should the event be accepted after all.
            "--no-wait",
        ])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // Tried again once after Retry-After, then the reason and what to do.
    assert!(
        err.contains("/_emulator/events status=503 attempt=1"),
        "{err}"
    );
    assert!(
        err.contains("/_emulator/events status=503 attempt=2"),
        "{err}"
    );
    assert!(err.contains("(HTTP 503)"), "{err}");
    assert!(err.contains("webhook queue is full"), "{err}");
    assert!(err.contains("--webhook-queue"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_advance_sends_its_usage_events_to_the_listener() {
    let key = "KEY_e2e_advance";
    let listen = Listener::start(key, &[]);
    let out = telnyx(key)
        .args(["emulator", "traffic", "messaging=20/day"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = telnyx(key)
        .args(["emulator", "advance", "1d"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let queued: u64 = report
        .lines()
        .find_map(|l| l.strip_prefix("webhooks_queued"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no webhooks_queued in:\n{report}"));
    assert!(queued > 0, "{report}");
    assert!(report.contains("webhooks_dropped   0"), "{report}");
    // The usage's messages arrive as signed events, verified and printed.
    let row = listen.run.out_containing("message.sent");
    assert!(row.contains(" -> "), "{row}");
    listen.run.out_containing("message.finalized");
}

#[test]
fn a_failed_delivery_is_final_after_the_emulators_max_attempts() {
    // An emulator that tries once: the first failure is the end, and trigger says so at once
    // rather than waiting out --wait-secs for retries that never come.
    let emu = common::start_server(telnyx_emulator::EmulatorConfig {
        webhooks: telnyx_emulator::WebhookOptions {
            retry_delays: Vec::new(),
            ..Default::default()
        },
        ..Default::default()
    });
    let key = "KEY_e2e_once";
    let dead = format!("http://127.0.0.1:{}/", dead_port());
    emu.block_on(emu.control(key).set_webhook_url(&dead))
        .unwrap();
    let out = common::telnyx_bin(120)
        .args(["--no-color", "--base-url", &emu.base_url, "--api-key", key])
        .args(["-o", "json", "webhooks", "trigger", "call.answered"])
        .args(["--wait-secs", "100"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("failed (1 attempt"), "{err}");
    let v = json_of(&out);
    assert_eq!(v["max_attempts"], 1, "{v}");
    assert_eq!(v["delivery"]["status"], "failed", "{v}");
    assert_eq!(v["delivery"]["attempts"].as_array().unwrap().len(), 1);
}
