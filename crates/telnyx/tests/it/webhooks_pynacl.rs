//! Cross-implementation test of webhook signatures against PyNaCl (libsodium), which the
//! official Python SDK's Ed25519 helper uses: signatures made by our [`TestSigner`] verify
//! with PyNaCl (and with the official SDK's `verify_webhook_signature` when `telnyx` is
//! importable), and signatures made by PyNaCl verify with our [`Verifier`].
//!
//! Needs `TELNYX_PYTHON` pointing at a Python that can `import nacl` (`.ci/run` installs
//! PyNaCl into its venv). Otherwise it is skipped with a message, unless
//! `TELNYX_REQUIRE_PYNACL` or `TELNYX_REQUIRE_OFFICIAL_SDKS` is set: then it fails.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};
use telnyx::webhooks::{Reason, TestSigner, Verifier};

const SCRIPT: &str = r#"
import base64, json, sys, time
from nacl.signing import SigningKey, VerifyKey
from nacl.exceptions import BadSignatureError
try:
    from telnyx.lib.webhook_verification import verify_webhook_signature
except Exception:
    verify_webhook_signature = None

req = json.load(sys.stdin)
out = {"official_available": verify_webhook_signature is not None}
if req["mode"] == "verify":
    key_b64 = req["public_key"]
    vk = VerifyKey(base64.b64decode(key_b64))
    results = []
    for c in req["cases"]:
        body = base64.b64decode(c["body"])
        ts = c["timestamp"]
        sig = base64.b64decode(c["signature"])
        r = {}
        try:
            vk.verify(ts.encode() + b"|" + body, sig)
            r["pynacl"] = True
        except BadSignatureError:
            r["pynacl"] = False
        tampered = (bytes([body[0] ^ 1]) + body[1:]) if body else b"x"
        try:
            vk.verify(ts.encode() + b"|" + tampered, sig)
            r["tampered_rejected"] = False
        except BadSignatureError:
            r["tampered_rejected"] = True
        r["official"] = None
        if verify_webhook_signature is not None and c.get("official"):
            headers = {"Telnyx-Signature-Ed25519": c["signature"], "Telnyx-Timestamp": ts}
            try:
                verify_webhook_signature(body, headers, key_b64)
                r["official"] = True
            except Exception as e:
                r["official"] = "rejected: %s" % e
        results.append(r)
    out["results"] = results
else:
    sk = SigningKey.generate()
    out["public_key"] = base64.b64encode(bytes(sk.verify_key)).decode()
    cases = []
    for c in req["cases"]:
        body = base64.b64decode(c["body"])
        ts = c["timestamp"]
        sig = sk.sign(ts.encode() + b"|" + body).signature
        cases.append({"body": c["body"], "timestamp": ts, "signature": base64.b64encode(sig).decode()})
    out["cases"] = cases
print(json.dumps(out))
"#;

fn required() -> bool {
    std::env::var_os("TELNYX_REQUIRE_PYNACL").is_some()
        || std::env::var_os("TELNYX_REQUIRE_OFFICIAL_SDKS").is_some()
}

fn skip(why: &str) {
    assert!(!required(), "PyNaCl required but unavailable: {why}");
    println!("skipped: {why}");
}

/// The Python to use, or `None` (after skipping) when there is none with PyNaCl.
fn python() -> Option<PathBuf> {
    let Some(python) = std::env::var_os("TELNYX_PYTHON").map(PathBuf::from) else {
        skip("TELNYX_PYTHON is not set (a python with `pip install pynacl`)");
        return None;
    };
    let ok = Command::new(&python)
        .args(["-c", "import nacl.signing"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        skip(&format!("{} cannot import nacl", python.display()));
        return None;
    }
    Some(python)
}

fn run(python: &PathBuf, request: &Value) -> Value {
    let mut child = Command::new(python)
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
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

/// Bodies of every kind: empty, JSON, non-ASCII, about 2 KB, and arbitrary bytes.
fn bodies() -> Vec<Vec<u8>> {
    let big = format!(
        r#"{{"data":{{"id":"e","event_type":"message.finalized","payload":{{"text":"{}"}}}}}}"#,
        "x".repeat(2000)
    );
    vec![
        Vec::new(),
        br#"{"data":{"id":"e1","event_type":"call.hangup","payload":{}}}"#.to_vec(),
        "{\"text\": \"h\u{e9}llo \u{1f44b} \\u00e9\"}\n"
            .as_bytes()
            .to_vec(),
        big.into_bytes(),
        (0u8..=255).collect(),
        b"a|b|c".to_vec(),
    ]
}

#[test]
fn our_signatures_verify_with_pynacl_and_the_official_helper() {
    let Some(python) = python() else { return };
    let signer = TestSigner::generate().unwrap();
    let mut cases = Vec::new();
    for body in bodies() {
        // The official helper checks the time against its own clock and decodes UTF-8.
        let utf8 = std::str::from_utf8(&body).is_ok();
        for ts in [1_700_000_000, now()] {
            let signed = signer.sign(&body, ts);
            cases.push(json!({
                "body": BASE64.encode(&body),
                "timestamp": signed.timestamp,
                "signature": signed.signature,
                "official": utf8 && ts != 1_700_000_000,
            }));
        }
    }
    let n = cases.len();
    let out = run(
        &python,
        &json!({"mode": "verify", "public_key": signer.public_key_base64(), "cases": cases}),
    );
    let results = out["results"].as_array().unwrap();
    assert_eq!(results.len(), n);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["pynacl"], true, "case {i}: PyNaCl rejected our signature");
        assert_eq!(r["tampered_rejected"], true, "case {i}: {r}");
    }
    let official: Vec<&Value> = results
        .iter()
        .map(|r| &r["official"])
        .filter(|o| !o.is_null())
        .collect();
    if out["official_available"] == true {
        assert!(!official.is_empty());
        for o in official {
            assert_eq!(o, &json!(true), "official SDK helper: {o}");
        }
    } else {
        assert!(
            std::env::var_os("TELNYX_REQUIRE_OFFICIAL_SDKS").is_none(),
            "the official SDK is required but `telnyx.lib.webhook_verification` is not importable"
        );
        println!("official SDK helper not importable: checked with PyNaCl only");
    }
}

#[test]
fn pynacl_signatures_verify_with_ours() {
    let Some(python) = python() else { return };
    let bodies = bodies();
    let cases: Vec<Value> = bodies
        .iter()
        .flat_map(|b| {
            [1_700_000_000, now()]
                .map(|ts| json!({"body": BASE64.encode(b), "timestamp": ts.to_string()}))
        })
        .collect();
    let out = run(&python, &json!({"mode": "sign", "cases": cases}));
    let public_key = out["public_key"].as_str().unwrap();
    let signed = out["cases"].as_array().unwrap();
    assert_eq!(signed.len(), cases.len());
    for c in signed {
        let body = BASE64.decode(c["body"].as_str().unwrap()).unwrap();
        let ts = c["timestamp"].as_str().unwrap();
        let sig = c["signature"].as_str().unwrap();
        let at: u64 = ts.parse().unwrap();
        let v = Verifier::new(public_key)
            .unwrap()
            .clock(move || UNIX_EPOCH + Duration::from_secs(at));
        v.verify_signature(&body, sig, ts)
            .unwrap_or_else(|e| panic!("PyNaCl signature refused: {e}"));
        let mut tampered = body.clone();
        match tampered.first_mut() {
            Some(b) => *b ^= 1,
            None => tampered.push(b'x'),
        }
        let err = v.verify_signature(&tampered, sig, ts).unwrap_err();
        assert_eq!(err.webhook_reason(), Some(&Reason::SignatureMismatch));
        // Another key refuses it too.
        let other = TestSigner::from_seed([9; 32])
            .verifier()
            .clock(move || UNIX_EPOCH + Duration::from_secs(at));
        assert_eq!(
            other
                .verify_signature(&body, sig, ts)
                .unwrap_err()
                .webhook_reason(),
            Some(&Reason::SignatureMismatch)
        );
    }
}
