//! `telnyx::webhooks`: typed decoding of Telnyx-shaped events, and every way a delivery can
//! fail verification (the negative vectors), each with its own [`Reason`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use http::HeaderMap;
use telnyx::webhooks::*;
use telnyx::Money;

use crate::common;
use crate::common::reason;

/// The signing time of every delivery here; the verifiers' clocks are set around it.
const T: i64 = 1_764_000_000;

fn at(unix: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap())
}

fn signer() -> TestSigner {
    TestSigner::from_seed([42; 32])
}

/// A verifier for `signer()` whose clock reads `now`.
fn verifier_at(now: i64) -> Verifier {
    signer().verifier().clock(move || at(now))
}

const FINALIZED: &str = r#"{
  "data": {
    "event_type": "message.finalized",
    "id": "7d1e3b2a-0c7f-4c55-9b4e-1f2a3b4c5d6e",
    "occurred_at": "2025-06-02T09:15:42.318+00:00",
    "payload": {
      "completed_at": "2025-06-02T09:15:42.318+00:00",
      "cost": {"amount": "0.0040", "currency": "USD"},
      "cost_breakdown": {
        "carrier_fee": {"amount": "0.00250", "currency": "USD"},
        "rate": {"amount": "0.00150", "currency": "USD"}
      },
      "direction": "outbound",
      "encoding": "GSM-7",
      "errors": [],
      "from": {"carrier": "TELNYX LLC", "line_type": "VoIP", "phone_number": "+13125550111"},
      "id": "40313a8b-1f5e-4d3c-8a9f-0e1d2c3b4a59",
      "media": [],
      "messaging_profile_id": "40017c6a-3a1b-4f50-9c2d-6a7b8c9d0e1f",
      "organization_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
      "parts": 1,
      "received_at": "2025-06-02T09:15:40.101+00:00",
      "record_type": "message",
      "sent_at": "2025-06-02T09:15:40.977+00:00",
      "subject": null,
      "tags": ["billing-test"],
      "tcr_campaign_billable": true,
      "tcr_campaign_id": "CX7Q2LM",
      "tcr_campaign_registered": "REGISTERED",
      "text": "Your code is 123456",
      "to": [{"carrier": "T-MOBILE USA, INC.", "line_type": "Wireless", "phone_number": "+17735550142", "status": "delivered"}],
      "type": "SMS",
      "valid_until": null,
      "webhook_failover_url": null,
      "webhook_url": "https://hooks.example.com/telnyx",
      "smart_encoding_applied": false,
      "wait_seconds": 0.0
    },
    "record_type": "event"
  },
  "meta": {"attempt": 1, "delivered_to": "https://hooks.example.com/telnyx"}
}"#;

#[test]
fn message_finalized_decodes_every_documented_field() {
    let body = FINALIZED.as_bytes();
    let signed = signer().sign(body, T);
    let event = verifier_at(T)
        .verify(body, &signed.signature, &signed.timestamp)
        .unwrap();
    assert_eq!(event.data.id, "7d1e3b2a-0c7f-4c55-9b4e-1f2a3b4c5d6e");
    assert_eq!(event.data.event_type, EventType::MessageFinalized);
    assert_eq!(event.data.record_type.as_deref(), Some("event"));
    assert_eq!(
        event.data.occurred_at.unwrap().to_rfc3339(),
        "2025-06-02T09:15:42.318+00:00"
    );
    assert_eq!(event.attempt(), Some(1));
    assert_eq!(
        event.meta.as_ref().unwrap().delivered_to.as_deref(),
        Some("https://hooks.example.com/telnyx")
    );
    let m = event.message().unwrap();
    assert_eq!(m.direction, Some(MessageDirection::Outbound));
    assert_eq!(m.message_type, Some(MessageType::Sms));
    assert_eq!(m.parts, Some(1));
    let cost = m.cost.as_ref().unwrap();
    assert_eq!(cost.amount, Some(Money::parse("0.004").unwrap()));
    assert_eq!(cost.amount.as_ref().unwrap().as_str(), "0.0040");
    assert_eq!(cost.currency.as_deref(), Some("USD"));
    let fee = m.cost_breakdown.as_ref().unwrap().carrier_fee.as_ref();
    assert_eq!(fee.unwrap().amount.as_ref().unwrap().as_str(), "0.00250");
    assert_eq!(m.to.len(), 1);
    assert_eq!(m.to[0].status, Some(DeliveryStatus::Delivered));
    assert!(m.to[0].status.as_ref().unwrap().is_final());
    assert_eq!(m.to[0].phone_number.as_deref(), Some("+17735550142"));
    assert_eq!(
        m.from.as_ref().unwrap().phone_number.as_deref(),
        Some("+13125550111")
    );
    assert_eq!(m.tags, vec!["billing-test".to_string()]);
    assert_eq!(m.tcr_campaign_billable, Some(true));
    assert!(m.sent_at.is_some() && m.completed_at.is_some() && m.valid_until.is_none());
    assert!(event.call().is_none());
}

#[test]
fn message_sent_and_received_with_nulls_and_new_values() {
    let sent = r#"{"data":{"event_type":"message.sent","id":"e-sent","occurred_at":"2025-06-02T09:15:40.977Z",
      "payload":{"direction":"outbound","type":"MMS","to":[{"phone_number":"+17735550142","status":"sent"}],
        "cc":null,"media":[{"url":"https://media.example.com/a.png","content_type":null,"sha256":null,"size":null}],
        "errors":null,"tags":null,"cost":null,"brand_new_field":{"x":1}},"record_type":"event"},
      "meta":{"attempt":3,"delivered_to":"https://hooks.example.com/telnyx"}}"#;
    let e = Event::from_json(sent.as_bytes()).unwrap();
    let m = e.message().unwrap();
    assert_eq!(m.message_type, Some(MessageType::Mms));
    assert!(m.cc.is_empty() && m.errors.is_empty() && m.tags.is_empty());
    assert_eq!(m.cost, None);
    assert_eq!(m.media[0].size, None);
    assert_eq!(e.attempt(), Some(3));

    let received = r#"{"data":{"event_type":"message.received","id":"e-in","occurred_at":"2025-06-02T10:00:00Z",
      "payload":{"direction":"inbound","type":"SMS","from":{"phone_number":"+17735550142","carrier":"T-MOBILE USA, INC.","line_type":"Wireless"},
        "to":[{"phone_number":"+13125550111","status":"webhook_delivered"}],"text":"STOP",
        "cost":{"amount":"0.0000","currency":"USD"}}}}"#;
    let e = Event::from_json(received.as_bytes()).unwrap();
    let m = e.message().unwrap();
    assert_eq!(m.direction, Some(MessageDirection::Inbound));
    assert_eq!(m.to[0].status, Some(DeliveryStatus::WebhookDelivered));
    assert_eq!(m.text.as_deref(), Some("STOP"));
    assert_eq!(e.meta, None);

    // A status this SDK does not know yet is kept, not an error.
    let future = sent.replace(r#""status":"sent""#, r#""status":"carrier_held""#);
    let e = Event::from_json(future.as_bytes()).unwrap();
    assert_eq!(
        e.message().unwrap().to[0].status,
        Some(DeliveryStatus::Unknown("carrier_held".into()))
    );
}

#[test]
fn call_events_decode_into_the_call_payload() {
    let initiated = r#"{"data":{"event_type":"call.initiated","id":"c1","occurred_at":"2025-06-02T11:00:00.076316Z",
      "payload":{"call_control_id":"v3:abc","call_leg_id":"leg-1","call_session_id":"sess-1","caller_id_name":"+13125550111",
        "calling_party_type":"pstn","client_state":null,"connection_id":"2811212257810187875","direction":"incoming",
        "from":"+13125550111","start_time":"2025-06-02T11:00:00.076316Z","state":"parked","to":"+17735550142",
        "offered_codecs":"PCMU,G729"},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://hooks.example.com/calls"}}"#;
    let e = Event::from_json(initiated.as_bytes()).unwrap();
    assert_eq!(e.data.event_type, EventType::CallInitiated);
    let c = e.call().unwrap();
    assert_eq!(c.call_control_id.as_deref(), Some("v3:abc"));
    assert_eq!(c.direction, Some(CallDirection::Incoming));
    assert_eq!(c.state, Some(CallState::Parked));
    assert_eq!(c.client_state, None);
    assert!(c.start_time.is_some());

    let answered = r#"{"data":{"event_type":"call.answered","id":"c2","occurred_at":"2025-06-02T11:00:01Z",
      "payload":{"call_control_id":"v3:abc","from":"+13125550111","to":"+17735550142","codec":"PCMU","sampling_rate":8000,
        "custom_headers":[{"name":"X-Order","value":"42"}]},"record_type":"event"}}"#;
    let e = Event::from_json(answered.as_bytes()).unwrap();
    assert_eq!(e.data.event_type, EventType::CallAnswered);
    assert_eq!(
        e.call().unwrap().custom_headers[0].value.as_deref(),
        Some("42")
    );

    let hangup = r#"{"data":{"record_type":"event","event_type":"call.hangup","id":"c3","occurred_at":"2025-06-02T11:05:00Z",
      "payload":{"call_control_id":"v3:abc","state":"hangup","hangup_cause":"normal_clearing","hangup_source":"callee",
        "sip_hangup_cause":"200","start_time":"2025-06-02T11:00:00Z","end_time":"2025-06-02T11:05:00Z",
        "call_quality_stats":{"inbound":{"mos":"4.40","packet_count":"1201"},"outbound":{"packet_count":"1199"}}}}}"#;
    let e = Event::from_json(hangup.as_bytes()).unwrap();
    let c = e.call().unwrap();
    assert_eq!(c.hangup_cause, Some(HangupCause::NormalClearing));
    assert_eq!(c.hangup_source, Some(HangupSource::Callee));
    assert_eq!(c.sip_hangup_cause.as_deref(), Some("200"));
    assert_eq!(
        c.call_quality_stats.as_ref().unwrap()["inbound"]["mos"],
        "4.40"
    );
    assert!(e.message().is_none());

    let unknown_source = hangup.replace("callee", "carrier");
    let e = Event::from_json(unknown_source.as_bytes()).unwrap();
    assert_eq!(
        e.call().unwrap().hangup_source,
        Some(HangupSource::Unknown("carrier".into()))
    );
    let undetermined = hangup.replace("callee", "unknown");
    let e = Event::from_json(undetermined.as_bytes()).unwrap();
    assert_eq!(
        e.call().unwrap().hangup_source,
        Some(HangupSource::UnknownParty)
    );
}

#[test]
fn other_event_types_keep_the_raw_payload() {
    let body = br#"{"data":{"event_type":"verify.delivered","id":"v1","occurred_at":"2025-10-08T17:16:09.602+00:00",
      "payload":{"created_at":"2025-10-08T17:16:08.436941","status":"pending"},"record_type":"event"}}"#;
    let e = Event::from_json(body).unwrap();
    assert_eq!(
        e.data.event_type,
        EventType::Unknown("verify.delivered".into())
    );
    assert_eq!(e.data.event_type.as_str(), "verify.delivered");
    let Payload::Unknown(raw) = &e.data.payload else {
        panic!("expected raw payload, got {:?}", e.data.payload)
    };
    assert_eq!(raw["created_at"], "2025-10-08T17:16:08.436941");
}

#[test]
fn a_typed_event_serializes_back_to_its_wire_shape() {
    let e = Event::from_json(FINALIZED.as_bytes()).unwrap();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["data"]["event_type"], "message.finalized");
    assert_eq!(v["data"]["payload"]["type"], "SMS");
    assert_eq!(v["data"]["payload"]["cost"]["amount"], "0.0040");
    assert_eq!(v["meta"]["attempt"], 1);
}

#[test]
fn body_that_is_not_an_event_names_the_failing_path() {
    let s = signer();
    let v = verifier_at(T);
    let cases: &[(&str, &str)] = &[
        ("", "."),
        ("not json", "."),
        (r#"{"data":{"id":"x"}}"#, "data"),
        (
            r#"{"data":{"id":"x","event_type":"message.finalized","payload":{"parts":"one"}}}"#,
            "data.payload.parts",
        ),
        (
            r#"{"data":{"id":"x","event_type":"message.sent","payload":{"cost":{"amount":0.5}}}}"#,
            "data.payload.cost.amount",
        ),
        (
            r#"{"data":{"id":"x","event_type":"call.hangup","occurred_at":"yesterday","payload":{}}}"#,
            "data.occurred_at",
        ),
    ];
    for (body, want_path) in cases {
        let signed = s.sign(body.as_bytes(), T);
        // The signature is fine on its own...
        v.verify_signature(body.as_bytes(), &signed.signature, &signed.timestamp)
            .unwrap();
        // ...but the body is not an event.
        let r = reason(v.verify(body.as_bytes(), &signed.signature, &signed.timestamp));
        match &r {
            Reason::InvalidJson { path, problem } => {
                assert_eq!(path, want_path, "{body}: {problem}");
                assert!(!problem.is_empty());
            }
            other => panic!("{body}: expected InvalidJson, got {other:?}"),
        }
        assert_eq!(r.http_status(), 400);
    }
}

#[test]
fn negative_vectors_each_fail_with_their_own_reason() {
    let s = signer();
    let body = FINALIZED.as_bytes();
    let good = s.sign(body, T);
    let v = verifier_at(T);
    v.verify(body, &good.signature, &good.timestamp).unwrap();

    // Tampered body: one byte changed.
    let mut tampered = body.to_vec();
    let i = FINALIZED.find("0.0040").unwrap();
    tampered[i + 5] = b'1';
    assert_eq!(
        reason(v.verify(&tampered, &good.signature, &good.timestamp)),
        Reason::SignatureMismatch
    );
    // Tampered timestamp, still within the tolerance.
    assert_eq!(
        reason(v.verify(body, &good.signature, &(T + 1).to_string())),
        Reason::SignatureMismatch
    );
    // Signed by another key.
    let other = TestSigner::from_seed([43; 32]).sign(body, T);
    assert_eq!(
        reason(v.verify(body, &other.signature, &other.timestamp)),
        Reason::SignatureMismatch
    );
    // Empty body with the signature of a non-empty one.
    assert_eq!(
        reason(v.verify(b"", &good.signature, &good.timestamp)),
        Reason::SignatureMismatch
    );
    // Truncated signature: not valid base64 any more, or too short once decoded.
    let r = reason(v.verify(body, &good.signature[..87], &good.timestamp));
    assert!(matches!(r, Reason::MalformedSignature { .. }), "{r:?}");
    let short = BASE64.encode(&BASE64.decode(&good.signature).unwrap()[..63]);
    let r = reason(v.verify(body, &short, &good.timestamp));
    assert_eq!(
        r,
        Reason::MalformedSignature {
            problem: "decodes to 63 bytes, not 64".into()
        }
    );
    // Not base64 at all.
    let r = reason(v.verify(body, "!!!not-base64!!!", &good.timestamp));
    assert!(
        matches!(r, Reason::MalformedSignature { ref problem } if problem.starts_with("not base64")),
        "{r:?}"
    );
    // Malformed timestamps.
    for bad in ["-1", "1764000000.5", "yesterday", "1e9"] {
        assert_eq!(
            reason(v.verify(body, &good.signature, bad)),
            Reason::MalformedTimestamp { value: bad.into() }
        );
    }
    // Missing headers (an empty value is a missing header).
    assert_eq!(
        reason(v.verify(body, "", &good.timestamp)),
        Reason::MissingHeader {
            header: "telnyx-signature-ed25519"
        }
    );
    assert_eq!(
        reason(v.verify(body, &good.signature, " ")),
        Reason::MissingHeader {
            header: "telnyx-timestamp"
        }
    );
}

#[test]
fn a_mismatch_never_says_where() {
    let s = signer();
    let body = FINALIZED.as_bytes();
    let good = s.sign(body, T);
    let v = verifier_at(T);
    let mut messages = Vec::new();
    for i in [0, body.len() / 2, body.len() - 1] {
        let mut b = body.to_vec();
        b[i] ^= 0x01;
        messages.push(
            v.verify(&b, &good.signature, &good.timestamp)
                .unwrap_err()
                .to_string(),
        );
    }
    let mut sig = BASE64.decode(&good.signature).unwrap();
    sig[10] ^= 0x80;
    messages.push(
        v.verify(body, &BASE64.encode(&sig), &good.timestamp)
            .unwrap_err()
            .to_string(),
    );
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:#?}");
    assert!(messages[0].contains("raw request body"), "{}", messages[0]);
}

#[test]
fn stale_and_future_timestamps_say_how_far_off() {
    let s = signer();
    let body = FINALIZED.as_bytes();
    let signed = s.sign(body, T);
    let verify_at = |now: i64| verifier_at(now).verify(body, &signed.signature, &signed.timestamp);

    // The edges of the default 300 s window are inside it, both ways.
    verify_at(T + 300).unwrap();
    verify_at(T - 300).unwrap();

    let stale = verify_at(T + 301).unwrap_err();
    let r = stale.webhook_reason().unwrap();
    assert_eq!(
        r,
        &Reason::TimestampOutsideTolerance {
            timestamp: T,
            now: T + 301,
            tolerance: DEFAULT_TOLERANCE
        }
    );
    assert_eq!(r.offset_secs(), Some(-301));
    assert_eq!(r.http_status(), 401);
    let msg = stale.to_string();
    assert!(msg.contains("301 s in the past"), "{msg}");
    assert!(msg.contains("300 s tolerance"), "{msg}");
    assert!(msg.contains("clock"), "{msg}");

    let future = verify_at(T - 3600).unwrap_err();
    assert_eq!(future.webhook_reason().unwrap().offset_secs(), Some(3600));
    assert!(
        future.to_string().contains("3600 s in the future"),
        "{future}"
    );

    // A replay far in the future of its signing time: still authentic, still refused.
    assert!(matches!(
        verify_at(T + 86_400 * 365).unwrap_err().webhook_reason(),
        Some(Reason::TimestampOutsideTolerance { .. })
    ));
}

#[test]
fn the_tolerance_is_configurable() {
    let s = signer();
    let body = FINALIZED.as_bytes();
    let signed = s.sign(body, T);
    let v = verifier_at(T + 11).tolerance(Duration::from_secs(10));
    assert_eq!(v.tolerance_value(), Duration::from_secs(10));
    let r = reason(v.verify(body, &signed.signature, &signed.timestamp));
    assert_eq!(r.offset_secs(), Some(-11));
    let v = verifier_at(T + 3000).tolerance(Duration::from_secs(3600));
    v.verify(body, &signed.signature, &signed.timestamp)
        .unwrap();
    let v = verifier_at(T).tolerance(Duration::ZERO);
    v.verify(body, &signed.signature, &signed.timestamp)
        .unwrap();
}

#[test]
fn a_tampered_timestamp_outside_the_window_is_a_mismatch_not_a_stale_event() {
    // The signature is checked first: a tolerance error always concerns an authentic delivery.
    let s = signer();
    let body = FINALIZED.as_bytes();
    let signed = s.sign(body, T);
    let r = reason(verifier_at(T).verify(body, &signed.signature, &(T - 10_000).to_string()));
    assert_eq!(r, Reason::SignatureMismatch);
}

#[test]
fn the_system_clock_is_the_default() {
    let s = signer();
    let body = FINALIZED.as_bytes();
    let fresh = s.sign_now(body);
    s.verifier()
        .verify(body, &fresh.signature, &fresh.timestamp)
        .unwrap();
    let old = s.sign(body, T - 86_400);
    assert!(matches!(
        reason(s.verifier().verify(body, &old.signature, &old.timestamp)),
        Reason::TimestampOutsideTolerance { .. }
    ));
}

#[test]
fn headers_are_found_whatever_their_case() {
    let s = signer();
    let body = FINALIZED.as_bytes();
    let signed = s.sign(body, T);
    let v = verifier_at(T);
    for (sig_name, ts_name) in [
        ("telnyx-signature-ed25519", "telnyx-timestamp"),
        ("Telnyx-Signature-Ed25519", "Telnyx-Timestamp"),
        ("TELNYX-SIGNATURE-ED25519", "TELNYX-TIMESTAMP"),
    ] {
        let req = http::Request::builder()
            .header(sig_name, &signed.signature)
            .header(ts_name, &signed.timestamp)
            .header("content-type", "application/json")
            .body(())
            .unwrap();
        let e = v.verify_headers(body, req.headers()).unwrap();
        assert_eq!(e.data.event_type, EventType::MessageFinalized);
    }
    // The signer's own header map works as is.
    v.verify_headers(body, &signed.to_header_map()).unwrap();
    assert_eq!(
        signed.pairs(),
        [
            (SIGNATURE_HEADER, signed.signature.as_str()),
            (TIMESTAMP_HEADER, signed.timestamp.as_str())
        ]
    );
}

#[test]
fn missing_or_non_ascii_headers_in_a_header_map() {
    let s = signer();
    let body = FINALIZED.as_bytes();
    let signed = s.sign(body, T);
    let v = verifier_at(T);
    let mut only_ts = HeaderMap::new();
    only_ts.insert(TIMESTAMP_HEADER, signed.timestamp.parse().unwrap());
    assert_eq!(
        reason(v.verify_headers(body, &only_ts)),
        Reason::MissingHeader {
            header: SIGNATURE_HEADER
        }
    );
    let mut only_sig = HeaderMap::new();
    only_sig.insert(SIGNATURE_HEADER, signed.signature.parse().unwrap());
    assert_eq!(
        reason(v.verify_headers(body, &only_sig)),
        Reason::MissingHeader {
            header: TIMESTAMP_HEADER
        }
    );
    assert_eq!(
        reason(v.verify_headers(body, &HeaderMap::new())),
        Reason::MissingHeader {
            header: SIGNATURE_HEADER
        }
    );
    let mut binary = signed.to_header_map();
    binary.insert(
        SIGNATURE_HEADER,
        http::HeaderValue::from_bytes(b"sig\xff").unwrap(),
    );
    assert!(matches!(
        reason(v.verify_headers(body, &binary)),
        Reason::MalformedSignature { .. }
    ));
    let mut binary = signed.to_header_map();
    binary.insert(
        TIMESTAMP_HEADER,
        http::HeaderValue::from_bytes(b"17\xe9").unwrap(),
    );
    assert!(matches!(
        reason(v.verify_headers(body, &binary)),
        Reason::MalformedTimestamp { .. }
    ));
}

#[test]
fn malformed_public_keys_are_refused_with_what_to_do() {
    let r = reason(Verifier::new("not base64!"));
    assert!(
        matches!(r, Reason::MalformedPublicKey { ref problem } if problem.starts_with("not base64")),
        "{r:?}"
    );
    let r = reason(Verifier::new(&BASE64.encode([7u8; 31])));
    assert_eq!(
        r,
        Reason::MalformedPublicKey {
            problem: "decodes to 31 bytes, not 32".into()
        }
    );
    assert_eq!(r.http_status(), 500);
    let r = reason(Verifier::new("   "));
    assert!(matches!(r, Reason::MalformedPublicKey { .. }));
    // The identity point: small order, would accept forged signatures.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let r = reason(Verifier::new(&BASE64.encode(identity)));
    assert!(
        matches!(r, Reason::MalformedPublicKey { ref problem } if problem.contains("small-order")),
        "{r:?}"
    );
    // An API key pasted by mistake.
    let err = Verifier::new("KEY0123456789ABCDEF_abcdefghij").unwrap_err();
    assert!(err.to_string().contains("looks like an API key"), "{err}");
    assert!(err.to_string().contains("Public Key"), "{err}");
    // Whitespace around a pasted key is fine.
    let key = signer().public_key_base64();
    let v = Verifier::new(&format!("  {key}\n")).unwrap();
    assert_eq!(v.public_key_base64(), key);
    assert!(format!("{v:?}").contains(&key));
}

#[test]
fn strict_verification_refuses_a_malleated_signature() {
    // S + L is the same signature under lax verification; verify_strict refuses it.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let s = signer();
    let body = FINALIZED.as_bytes();
    let signed = s.sign(body, T);
    let mut sig = BASE64.decode(&signed.signature).unwrap();
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(sig[32 + i]) + u16::from(L[i]) + carry;
        sig[32 + i] = (sum & 0xff) as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    assert_eq!(
        reason(verifier_at(T).verify(body, &BASE64.encode(&sig), &signed.timestamp)),
        Reason::SignatureMismatch
    );
}

#[test]
fn from_env_reads_telnyx_public_key() {
    // Setting a variable while other threads read the environment is a data race in libc:
    // this test runs in a process of its own.
    if !common::alone::in_own_process("webhooks::from_env_reads_telnyx_public_key") {
        return;
    }
    let key = signer().public_key_base64();
    std::env::set_var(PUBLIC_KEY_ENV, &key);
    assert_eq!(Verifier::from_env().unwrap().public_key_base64(), key);
    std::env::set_var(PUBLIC_KEY_ENV, "");
    let err = Verifier::from_env().unwrap_err();
    assert_eq!(err.webhook_reason(), Some(&Reason::MissingPublicKey));
    assert!(err.to_string().contains("TELNYX_PUBLIC_KEY"), "{err}");
    std::env::remove_var(PUBLIC_KEY_ENV);
    assert_eq!(
        Verifier::from_env().unwrap_err().webhook_reason(),
        Some(&Reason::MissingPublicKey)
    );
    std::env::set_var(PUBLIC_KEY_ENV, "abc");
    assert!(matches!(
        Verifier::from_env().unwrap_err().webhook_reason(),
        Some(Reason::MalformedPublicKey { .. })
    ));
    std::env::remove_var(PUBLIC_KEY_ENV);
}

#[test]
fn every_reason_has_an_actionable_message() {
    let reasons = [
        Reason::MissingPublicKey,
        Reason::MalformedPublicKey {
            problem: "p".into(),
        },
        Reason::MissingHeader {
            header: SIGNATURE_HEADER,
        },
        Reason::MalformedSignature {
            problem: "p".into(),
        },
        Reason::MalformedTimestamp { value: "v".into() },
        Reason::TimestampOutsideTolerance {
            timestamp: 0,
            now: 400,
            tolerance: DEFAULT_TOLERANCE,
        },
        Reason::SignatureMismatch,
        Reason::InvalidJson {
            path: "data".into(),
            problem: "p".into(),
        },
    ];
    for r in reasons {
        let err = telnyx::Error::from(r.clone());
        let msg = err.to_string();
        // Longer than the short reason, with an instruction in it.
        assert!(msg.len() > r.to_string().len() + 20, "{msg}");
        assert!(
            [
                "set it",
                "use ",
                "check",
                "pass",
                "verify the",
                "raise",
                "decode"
            ]
            .iter()
            .any(|w| msg.contains(w)),
            "{msg}"
        );
        assert_eq!(err.webhook_reason(), Some(&r));
        assert!(!err.is_retryable());
    }
}
