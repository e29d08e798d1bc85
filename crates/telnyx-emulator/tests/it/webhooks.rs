//! Signed webhook delivery, end to end over real HTTP on 127.0.0.1: the emulator POSTs to
//! receivers started here, the SDK's verifier checks every request, and each attempt shows up
//! in `GET /webhook_deliveries`.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::Duration;

use common::{start_with, Harness, Receiver, Reply};
use reqwest::Method;
use serde_json::{json, Value};
use telnyx::webhooks::{EventType, Verifier};
use telnyx_emulator::{Advance, EmulatorConfig, WebhookOptions};

const KEY: &str = "KEY_hooks";

fn config(opts: WebhookOptions) -> EmulatorConfig {
    EmulatorConfig {
        start_time: telnyx_emulator::parse_start_time("2026-03-01T00:00:00Z").ok(),
        webhooks: opts,
        ..Default::default()
    }
}

fn fast() -> WebhookOptions {
    WebhookOptions {
        retry_delays: vec![Duration::from_millis(10), Duration::from_millis(10)],
        timeout: Duration::from_secs(5),
        drain_timeout: Duration::from_millis(200),
        ..Default::default()
    }
}

async fn set_url(h: &Harness, url: &str, failover: Option<&str>) -> Value {
    let r = h
        .control(
            Method::PUT,
            "/_emulator/webhooks",
            json!({ "api_key": KEY, "url": url, "failover_url": failover }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

async fn verifier(h: &Harness) -> Verifier {
    let r = h
        .get("", &format!("/_emulator/webhooks/public_key?api_key={KEY}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    Verifier::new(r.json()["public_key"].as_str().unwrap()).unwrap()
}

/// `POST /_emulator/events` with `body`.
async fn emit(h: &Harness, body: Value) -> common::Resp {
    h.control(Method::POST, "/_emulator/events", body).await
}

async fn trigger(h: &Harness, event_type: &str) -> Value {
    let r = emit(h, json!({ "api_key": KEY, "event_type": event_type })).await;
    assert_eq!(r.status, 202, "{}", r.text);
    r.json()
}

/// The id of the delivery of a triggered event.
async fn trigger_id(h: &Harness, event_type: &str) -> String {
    trigger(h, event_type).await["delivery_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A receiver answering `reply`, and an emulator with `opts` whose account sends it webhooks.
async fn receiving(
    reply: impl Fn(usize) -> Reply + Send + Sync + 'static,
    opts: WebhookOptions,
) -> (Receiver, Harness) {
    let rx = Receiver::start(reply).await;
    let h = start_with(config(opts)).await;
    set_url(&h, &rx.url, None).await;
    (rx, h)
}

fn final_status(v: &Value) -> bool {
    v["status"] == "delivered" || v["attempts"].as_array().map_or(0, Vec::len) >= 3
}

#[tokio::test]
async fn a_triggered_event_is_signed_delivered_and_recorded() {
    let rx = Receiver::start(|_| Reply::Status(200)).await;
    let h = start_with(config(fast())).await;
    let set = set_url(&h, &rx.url, None).await;
    let verifier = verifier(&h).await;
    assert_eq!(set["public_key"], verifier.public_key_base64());

    let emitted = trigger(&h, "message.finalized").await;
    assert_eq!(emitted["max_attempts"], 3);
    let hits = rx.wait_for(1).await;
    let hit = &hits[0];
    assert_eq!(hit.path, "/hooks");
    let event = verifier.verify_headers(&hit.body, &hit.headers).unwrap();
    assert_eq!(event.data.event_type, EventType::MessageFinalized);
    assert_eq!(event.data.id, emitted["event_id"].as_str().unwrap());
    assert_eq!(event.attempt(), Some(1));
    assert_eq!(
        event.meta.as_ref().and_then(|m| m.delivered_to.as_deref()),
        Some(rx.url.as_str())
    );
    let message = event.message().expect("a typed message payload");
    assert!(!message.to.is_empty());
    // A changed byte fails verification: the signature covers the raw body.
    let mut tampered = hit.body.to_vec();
    let last = tampered.len() - 2;
    tampered[last] ^= 1;
    assert!(verifier.verify_headers(&tampered, &hit.headers).is_err());

    let id = emitted["delivery_id"].as_str().unwrap();
    let d = h
        .wait_delivery(KEY, id, |v| v["status"] == "delivered")
        .await;
    let attempts = d["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["http"]["response"]["status"], 200);
    assert_eq!(attempts[0]["http"]["response"]["body"], "ok");
    assert_eq!(attempts[0]["http"]["request"]["url"], rx.url);
    let sent: Vec<String> = attempts[0]["http"]["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_ascii_lowercase())
        .collect();
    assert!(
        sent.contains(&"telnyx-signature-ed25519".to_string()),
        "{sent:?}"
    );
    assert!(sent.contains(&"telnyx-timestamp".to_string()));
    assert_eq!(d["webhook"]["id"], emitted["event_id"]);
    // The filters find it; it is the newest delivery.
    let list = h
        .get(
            KEY,
            "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=delivered&filter%5Bevent_type%5D=message.finalized",
        )
        .await
        .json();
    assert_eq!(list["data"][0]["id"], id);
    let all = h
        .get(KEY, "webhook_deliveries?page%5Bsize%5D=1")
        .await
        .json();
    assert_eq!(all["data"][0]["id"], id);
    let shown = h
        .get("", &format!("/_emulator/webhooks?api_key={KEY}"))
        .await
        .json();
    assert_eq!(shown["stats"]["delivered"], 1);
    assert_eq!(shown["url"], rx.url);
}

#[tokio::test]
async fn a_failing_primary_fails_over_and_both_attempts_are_recorded_in_order() {
    let primary = Receiver::start(|_| Reply::Status(500)).await;
    let failover = Receiver::start(|_| Reply::Status(200)).await;
    let h = start_with(config(fast())).await;
    set_url(&h, &primary.url, Some(&failover.url)).await;
    let verifier = verifier(&h).await;
    let id = trigger_id(&h, "call.hangup").await;
    let d = h.wait_delivery(KEY, &id, final_status).await;
    assert_eq!(d["status"], "delivered");
    let attempts = d["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{d}");
    // Newest first: the failover's success, then the primary's 500.
    assert_eq!(attempts[0]["http"]["request"]["url"], failover.url);
    assert_eq!(attempts[0]["status"], "delivered");
    assert_eq!(attempts[1]["http"]["request"]["url"], primary.url);
    assert_eq!(attempts[1]["status"], "failed");
    assert_eq!(attempts[1]["http"]["response"]["status"], 500);
    assert_eq!(attempts[1]["errors"], json!([75499]));
    assert!(attempts[1]["finished_at"].as_str() <= attempts[0]["started_at"].as_str());
    let p = verifier
        .verify_headers(&primary.hits()[0].body, &primary.hits()[0].headers)
        .unwrap();
    let f = verifier
        .verify_headers(&failover.hits()[0].body, &failover.hits()[0].headers)
        .unwrap();
    assert_eq!((p.attempt(), f.attempt()), (Some(1), Some(2)));
    assert_eq!(p.data.id, f.data.id);
    assert!(f.call().is_some());
}

#[tokio::test]
async fn every_attempt_failing_makes_a_failed_delivery_of_three_attempts() {
    let (rx, h) = receiving(|_| Reply::Status(503), fast()).await;
    let id = trigger_id(&h, "message.sent").await;
    let d = h
        .wait_delivery(KEY, &id, |v| {
            v["attempts"].as_array().map_or(0, Vec::len) == 3
        })
        .await;
    assert_eq!(d["status"], "failed");
    assert_eq!(rx.hits().len(), 3);
    let failed = h
        .get(
            KEY,
            "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=failed&page%5Bsize%5D=1",
        )
        .await
        .json();
    assert_eq!(failed["data"][0]["id"], id.as_str());
}

#[tokio::test]
async fn a_hanging_receiver_is_recorded_as_a_timeout() {
    let (rx, h) = receiving(
        |_| Reply::Hang,
        WebhookOptions {
            timeout: Duration::from_millis(300),
            retry_delays: vec![],
            ..Default::default()
        },
    )
    .await;
    let id = trigger_id(&h, "message.sent").await;
    let d = h.wait_delivery(KEY, &id, |_| true).await;
    assert_eq!(d["status"], "failed");
    let a = &d["attempts"][0];
    assert_eq!(a["errors"], json!([75003]));
    assert!(a["http"].get("response").is_none(), "{a}");
    assert_eq!(rx.hits().len(), 1);
}

#[tokio::test]
async fn an_unreachable_receiver_is_a_connection_error() {
    // Bind, learn the port, close: nothing listens there any more (still loopback).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let h = start_with(config(WebhookOptions {
        retry_delays: vec![],
        ..fast()
    }))
    .await;
    set_url(&h, &format!("http://127.0.0.1:{port}/gone"), None).await;
    let id = trigger_id(&h, "message.sent").await;
    let d = h.wait_delivery(KEY, &id, |_| true).await;
    assert_eq!(d["attempts"][0]["errors"], json!([75002]));
}

#[tokio::test]
async fn urls_outside_loopback_are_refused_at_configuration_naming_the_rule() {
    let h = start_with(config(fast())).await;
    for (body, field) in [
        (
            json!({ "api_key": KEY, "url": "https://hooks.example.invalid/x" }),
            "url",
        ),
        (
            json!({ "api_key": KEY, "url": "http://127.0.0.1:9/x", "failover_url": "http://hooks.example.invalid/f" }),
            "failover_url",
        ),
        (json!({ "api_key": KEY, "url": "http://10.1.2.3/x" }), "url"),
    ] {
        let r = h.control(Method::PUT, "/_emulator/webhooks", body).await;
        assert_eq!(r.status, 400, "{}", r.text);
        let detail = r.json()["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            detail.contains("loopback") && detail.contains("--allow-webhook-host"),
            "{detail}"
        );
        assert_eq!(
            r.json()["errors"][0]["source"]["pointer"],
            format!("/{field}")
        );
    }
    let shown = h
        .get("", &format!("/_emulator/webhooks?api_key={KEY}"))
        .await
        .json();
    assert_eq!(shown["url"], Value::Null, "nothing was set");

    // --allow-webhook-host widens the rule (nothing is sent: no event is emitted).
    let allowed = start_with(config(WebhookOptions {
        allow_hosts: vec!["hooks.example.invalid".into()],
        ..fast()
    }))
    .await;
    set_url(&allowed, "https://hooks.example.invalid/x", None).await;
}

#[tokio::test]
async fn bad_event_requests_get_clear_errors() {
    let h = start_with(config(fast())).await;
    let r = emit(&h, json!({ "api_key": KEY, "event_type": "message.sent" })).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.code(), "emulator_no_webhook");
    assert!(r.text.contains("telnyx webhooks listen"));

    let rx = Receiver::start(|_| Reply::Status(204)).await;
    set_url(&h, &rx.url, None).await;
    let r = emit(
        &h,
        json!({ "api_key": KEY, "event_type": "number_order.status_update" }),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.text.contains("message.finalized"),
        "lists the known types: {}",
        r.text
    );
    for bad in [
        json!({ "api_key": KEY, "event_type": "Nope" }),
        json!({ "api_key": KEY }),
        json!({ "api_key": KEY, "event_type": "a.b", "payload": 3 }),
    ] {
        let r = emit(&h, bad.clone()).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
    // Any well-formed type with a payload is sent as given; 204 counts as delivered.
    let r = emit(&h, json!({ "api_key": KEY, "event_type": "number_order.status_update", "payload": { "status": "success" } }),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let id = r.json()["delivery_id"].as_str().unwrap().to_string();
    let d = h.wait_delivery(KEY, &id, final_status).await;
    assert_eq!(d["status"], "delivered");
    assert_eq!(d["webhook"]["payload"], json!({ "status": "success" }));
    let sent: Value = serde_json::from_slice(&rx.hits()[0].body).unwrap();
    assert_eq!(sent["data"]["payload"]["status"], "success");
}

#[tokio::test]
async fn a_full_queue_answers_503_and_records_nothing_for_the_refused_events() {
    // Every delivery hangs, so at most 16 are in flight (one per lane) and one more waits.
    let (_rx, h) = receiving(
        |_| Reply::Hang,
        WebhookOptions {
            queue_capacity: 1,
            timeout: Duration::from_secs(3),
            retry_delays: vec![],
            ..Default::default()
        },
    )
    .await;
    let (mut accepted, mut refused) = (Vec::new(), 0);
    for _ in 0..40 {
        let r = emit(&h, json!({ "api_key": KEY, "event_type": "message.sent" })).await;
        match r.status {
            202 => accepted.push(r.json()["delivery_id"].as_str().unwrap().to_string()),
            503 => {
                assert_eq!(r.header("retry-after").as_deref(), Some("1"));
                assert!(r.text.contains("--webhook-queue"), "{}", r.text);
                refused += 1;
            }
            s => panic!("unexpected {s}: {}", r.text),
        }
    }
    assert!(
        accepted.len() <= 17 && refused >= 23,
        "{} accepted",
        accepted.len()
    );
    // Every accepted event ends as a recorded (timed out) delivery; no other is recorded.
    for id in &accepted {
        h.wait_delivery(KEY, id, |v| v["status"] == "failed").await;
    }
    let shown = h
        .get("", &format!("/_emulator/webhooks?api_key={KEY}"))
        .await
        .json();
    assert_eq!(shown["stats"]["dropped"], refused);
    assert_eq!(shown["stats"]["emitted"], accepted.len());
    let seeded = start_with(config(fast())).await;
    let base = seeded.get(KEY, "webhook_deliveries").await.json()["meta"]["total_results"].clone();
    let now = h.get(KEY, "webhook_deliveries").await.json()["meta"]["total_results"].clone();
    assert_eq!(
        now.as_u64().unwrap(),
        base.as_u64().unwrap() + accepted.len() as u64
    );
}

#[tokio::test]
async fn an_advance_delivers_the_events_of_its_usage_built_from_its_records() {
    // A slow receiver keeps every lane busy, so events race unless one lane carries a record's.
    let rx = Receiver::start(|_| Reply::Slow(3)).await;
    let h = start_with(config(fast())).await;
    h.emu
        .set_traffic(KEY, &[("messaging", 30), ("call-control", 6)])
        .await
        .unwrap();
    set_url(&h, &rx.url, None).await;
    let verifier = verifier(&h).await;
    let report = h.emu.advance_clock(KEY, Advance::Days(1)).await.unwrap();
    assert!(report.usage_records > 0);
    assert_eq!(report.webhooks_dropped, 0);
    let n = usize::try_from(report.webhooks_queued).unwrap();
    let hits = rx.wait_for(n).await;
    assert_eq!(hits.len(), n);
    let events: Vec<_> = hits
        .iter()
        .map(|hit| verifier.verify_headers(&hit.body, &hit.headers).unwrap())
        .collect();
    let count = |t: EventType| events.iter().filter(|e| e.data.event_type == t).count();
    // The advance's records, as the API lists them.
    let since = "2026-03-01T00:00:00Z";
    let messages = h
        .all_pages(KEY, &format!("detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcreated_at%5D%5Bgte%5D={since}"))
        .await;
    let calls = h
        .all_pages(KEY, &format!("detail_records?filter%5Brecord_type%5D=call-control&filter%5Bstarted_at%5D%5Bgte%5D={since}"))
        .await;
    let outbound = messages
        .iter()
        .filter(|m| m["direction"] == "outbound")
        .count();
    assert_eq!(count(EventType::MessageSent), outbound);
    assert_eq!(count(EventType::MessageFinalized), outbound);
    assert_eq!(count(EventType::MessageReceived), messages.len() - outbound);
    assert_eq!(count(EventType::CallInitiated), calls.len());
    assert_eq!(count(EventType::CallHangup), calls.len());
    assert_eq!(n, messages.len() + outbound + 3 * calls.len());
    // The events of one message or call arrive in the order they happened.
    let subject = |e: &telnyx::webhooks::Event| {
        e.message()
            .and_then(|m| m.id.clone())
            .or_else(|| e.call().and_then(|c| c.call_control_id.clone()))
            .unwrap()
    };
    let rank = |t: &EventType| match t {
        EventType::MessageSent | EventType::CallInitiated => 0,
        EventType::CallAnswered => 1,
        _ => 2,
    };
    let mut last: std::collections::HashMap<String, i32> = Default::default();
    for e in &events {
        let r = rank(&e.data.event_type);
        let prev = last.insert(subject(e), r);
        assert!(
            prev.is_none_or(|p| p < r),
            "{:?} of {} arrived after a later event",
            e.data.event_type,
            subject(e)
        );
    }
    // Payloads carry their record's id and cost.
    for e in events
        .iter()
        .filter(|e| e.data.event_type == EventType::MessageFinalized)
    {
        let m = e.message().unwrap();
        let id = m.id.as_deref().unwrap();
        let record = messages
            .iter()
            .find(|r| r["uuid"] == id)
            .unwrap_or_else(|| panic!("no record {id}"));
        let cost = m
            .cost
            .as_ref()
            .and_then(|c| c.amount.as_ref())
            .map(|a| a.to_string());
        assert_eq!(cost.as_deref(), record["cost"].as_str());
    }
    // Every one is recorded, within the advanced day on the account's clock.
    let shown = h
        .get("", &format!("/_emulator/webhooks?api_key={KEY}"))
        .await
        .json();
    assert_eq!(shown["stats"]["emitted"], n);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let made = h
            .all_pages(
                KEY,
                &format!("webhook_deliveries?filter%5Bstarted_at%5D%5Bgte%5D={since}"),
            )
            .await;
        if made.len() == n {
            assert!(made.iter().all(|d| d["status"] == "delivered"));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} of {n} recorded",
            made.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn redeliver_sends_again_as_a_new_attempt() {
    let (rx, h) = receiving(|_| Reply::Status(200), fast()).await;
    let verifier = verifier(&h).await;
    let id = trigger_id(&h, "message.sent").await;
    let first = h
        .wait_delivery(KEY, &id, |v| v["status"] == "delivered")
        .await;
    let r = h
        .control(
            Method::POST,
            &format!("/_emulator/webhook_deliveries/{id}/redeliver"),
            json!({ "api_key": KEY }),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json()["attempt"], 2);
    let again = h
        .wait_delivery(KEY, &id, |v| {
            v["attempts"].as_array().map_or(0, Vec::len) == 2
        })
        .await;
    assert_eq!(again["webhook"], first["webhook"]);
    assert_eq!(again["started_at"], first["started_at"]);
    let hits = rx.wait_for(2).await;
    let second = verifier
        .verify_headers(&hits[1].body, &hits[1].headers)
        .unwrap();
    assert_eq!(second.attempt(), Some(2));

    // A seeded delivery can be redelivered too; an unknown one is a 404.
    let seeded = h
        .get(KEY, "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=failed")
        .await
        .json()["data"][0]
        .clone();
    let sid = seeded["id"].as_str().unwrap();
    let before = seeded["attempts"].as_array().unwrap().len();
    let r = h
        .control(
            Method::POST,
            &format!("/_emulator/webhook_deliveries/{sid}/redeliver"),
            json!({ "api_key": KEY }),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let after = h
        .wait_delivery(KEY, sid, |v| {
            v["attempts"].as_array().map_or(0, Vec::len) == before + 1
        })
        .await;
    assert_eq!(after["status"], "delivered");
    let r = h
        .control(
            Method::POST,
            "/_emulator/webhook_deliveries/00000000-0000-4000-8000-000000000000/redeliver",
            json!({ "api_key": KEY }),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn delete_stops_delivery() {
    let (rx, h) = receiving(|_| Reply::Status(200), fast()).await;
    let r = h
        .send(
            Method::DELETE,
            "",
            &format!("/_emulator/webhooks?api_key={KEY}"),
            None,
            &[],
        )
        .await;
    assert_eq!(r.json(), json!({ "deleted": true }));
    let r = h
        .control(
            Method::DELETE,
            "/_emulator/webhooks",
            json!({ "api_key": KEY }),
        )
        .await;
    assert_eq!(r.json(), json!({ "deleted": false }));
    let r = emit(&h, json!({ "api_key": KEY, "event_type": "message.sent" })).await;
    assert_eq!(r.status, 409);
    let report = h.emu.advance_clock(KEY, Advance::Days(1)).await.unwrap();
    assert_eq!(report.webhooks_queued, 0);
    assert!(rx.hits().is_empty());
}

async fn key(h: &Harness, k: &str) -> String {
    let path = format!("/_emulator/webhooks/public_key?api_key={k}");
    h.get("", &path).await.json()["public_key"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn keys_are_per_account_stable_per_seed_or_given() {
    let a = start_with(config(fast())).await;
    let b = start_with(config(fast())).await;
    assert_eq!(
        key(&a, KEY).await,
        key(&b, KEY).await,
        "same seed and key: same signing key"
    );
    assert_ne!(key(&a, KEY).await, key(&a, "KEY_other").await);
    let given: telnyx_emulator::WebhookSigningKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
        .parse()
        .unwrap();
    let c = start_with(config(WebhookOptions {
        signing_key: Some(given.clone()),
        ..fast()
    }))
    .await;
    assert_eq!(key(&c, KEY).await, given.public_key_base64());
    assert_eq!(key(&c, "KEY_other").await, given.public_key_base64());
}

#[tokio::test]
async fn deliveries_and_the_endpoint_survive_a_restart_and_unsent_events_are_recorded_at_shutdown()
{
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.db");
    let with_db = |opts: WebhookOptions| EmulatorConfig {
        db_path: Some(db.clone()),
        ..config(opts)
    };
    let ok = Receiver::start(|_| Reply::Status(200)).await;
    let h = start_with(with_db(fast())).await;
    set_url(&h, &ok.url, None).await;
    let id = trigger_id(&h, "message.finalized").await;
    let delivered = h
        .wait_delivery(KEY, &id, |v| v["status"] == "delivered")
        .await;
    let pk = verifier(&h).await.public_key_base64();

    // Point it at a receiver that never answers, emit 20, and shut down at once.
    let hang = Receiver::start(|_| Reply::Hang).await;
    set_url(&h, &hang.url, None).await;
    let mut unsent = Vec::new();
    for _ in 0..20 {
        unsent.push(trigger_id(&h, "message.sent").await);
    }
    let Harness { emu, .. } = h;
    emu.shutdown().await;

    let h = start_with(with_db(fast())).await;
    let again = h.get(KEY, &format!("webhook_deliveries/{id}")).await.json()["data"].clone();
    assert_eq!(again, delivered);
    let shown = h
        .get("", &format!("/_emulator/webhooks?api_key={KEY}"))
        .await
        .json();
    assert_eq!(shown["url"], hang.url);
    assert_eq!(shown["public_key"], pk);
    for u in &unsent {
        let d = h.get(KEY, &format!("webhook_deliveries/{u}")).await.json()["data"].clone();
        assert_eq!(d["status"], "failed", "{d}");
        assert_eq!(
            d["attempts"],
            json!([]),
            "stopped before any attempt ended: {d}"
        );
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = Receiver::start(|_| Reply::Status(200)).await;
    let to = elsewhere.url.clone();
    let rx = Receiver::start(move |_| Reply::Redirect(to.clone())).await;
    let h = start_with(config(WebhookOptions {
        retry_delays: vec![],
        ..fast()
    }))
    .await;
    set_url(&h, &rx.url, None).await;
    let id = trigger_id(&h, "message.sent").await;
    let d = h.wait_delivery(KEY, &id, |_| true).await;
    assert_eq!(d["status"], "failed");
    let a = &d["attempts"][0];
    assert_eq!(a["http"]["response"]["status"], 302);
    assert_eq!(a["errors"], json!([75499]));
    let location = a["http"]["response"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p[0] == "location")
        .map(|p| p[1].clone());
    assert_eq!(location, Some(json!(elsewhere.url)));
    assert!(elsewhere.hits().is_empty(), "the redirect was followed");
}

#[tokio::test]
async fn an_advance_that_overflows_the_queue_delivers_what_fits_and_counts_the_rest() {
    let rx = Receiver::start(|_| Reply::Hang).await;
    let h = start_with(config(WebhookOptions {
        queue_capacity: 5,
        timeout: Duration::from_millis(500),
        retry_delays: vec![],
        ..Default::default()
    }))
    .await;
    h.emu.set_traffic(KEY, &[("messaging", 200)]).await.unwrap();
    set_url(&h, &rx.url, None).await;
    let report = h.emu.advance_clock(KEY, Advance::Days(1)).await.unwrap();
    assert!(report.webhooks_dropped > 0, "{report:?}");
    // Everything queued is eventually recorded (as timed out); nothing dropped is.
    let settled = common::webhooks_settled(&h.emu, KEY).await;
    assert_eq!(settled, report.webhooks_queued);
    let shown = h
        .get("", &format!("/_emulator/webhooks?api_key={KEY}"))
        .await
        .json();
    assert_eq!(shown["stats"]["dropped"], report.webhooks_dropped);
    let made = h
        .all_pages(
            KEY,
            "webhook_deliveries?filter%5Bstarted_at%5D%5Bgte%5D=2026-03-01T00:00:00Z",
        )
        .await;
    assert_eq!(made.len() as u64, report.webhooks_queued);
    // Queued and dropped together are every event of the advance's messages.
    let messages = h
        .all_pages(KEY, "detail_records?filter%5Brecord_type%5D=messaging&filter%5Bcreated_at%5D%5Bgte%5D=2026-03-01T00:00:00Z")
        .await;
    let outbound = messages
        .iter()
        .filter(|m| m["direction"] == "outbound")
        .count() as u64;
    assert_eq!(
        report.webhooks_queued + report.webhooks_dropped,
        messages.len() as u64 + outbound
    );
}

#[tokio::test]
async fn a_reset_forgets_the_endpoint_and_the_counters() {
    let (_rx, h) = receiving(|_| Reply::Status(200), fast()).await;
    let id = trigger_id(&h, "message.sent").await;
    h.wait_delivery(KEY, &id, |v| v["status"] == "delivered")
        .await;
    let r = h
        .control(Method::POST, "/_emulator/reset", json!({ "api_key": KEY }))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let shown = h
        .get("", &format!("/_emulator/webhooks?api_key={KEY}"))
        .await
        .json();
    assert_eq!(shown["url"], Value::Null);
    assert_eq!(shown["stats"]["emitted"], 0);
    assert_eq!(
        h.get(KEY, &format!("webhook_deliveries/{id}")).await.status,
        404
    );
}
