//! SDK webhook verification CPU (`telnyx::webhooks`) for a 2 KB event, against a bare
//! `ed25519-dalek` `verify_strict` of the same signed message measured in the same run (the
//! floor: the curve arithmetic itself), and PyNaCl's verify when `TELNYX_PYTHON` has it.
//!
//! Measured in this process: the candidates run round-robin in batches (so drift in the
//! machine's load hits all alike); each batch's CPU time (`/proc/self/task/*/schedstat`) is
//! divided by its size, and the median batch is reported.

use std::process::Command;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use telnyx::webhooks::{TestSigner, Verifier};

use crate::ctx::Ctx;
use crate::error::BenchError;
use crate::report::{f1, f2, ratio, Section, Table, Target};
use crate::stats;

/// The goal from issue #9: SDK verification of a 2 KB event under 100 µs of CPU.
const GOAL_US: f64 = 100.0;
/// Signing time of the benchmark event; the verifiers' clocks read it too.
const SIGNED_AT: i64 = 1_764_000_000;

/// A `message.finalized` event of `size` bytes, shaped like Telnyx's (the text pads it).
pub fn event_body(size: usize) -> Vec<u8> {
    let head = r#"{"data":{"event_type":"message.finalized","id":"7d1e3b2a-0c7f-4c55-9b4e-1f2a3b4c5d6e","occurred_at":"2025-06-02T09:15:42.318+00:00","payload":{"completed_at":"2025-06-02T09:15:42.318+00:00","cost":{"amount":"0.0040","currency":"USD"},"cost_breakdown":{"carrier_fee":{"amount":"0.00250","currency":"USD"},"rate":{"amount":"0.00150","currency":"USD"}},"direction":"outbound","encoding":"GSM-7","errors":[],"from":{"carrier":"TELNYX LLC","line_type":"VoIP","phone_number":"+13125550111"},"id":"40313a8b-1f5e-4d3c-8a9f-0e1d2c3b4a59","media":[],"messaging_profile_id":"40017c6a-3a1b-4f50-9c2d-6a7b8c9d0e1f","organization_id":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","parts":1,"received_at":"2025-06-02T09:15:40.101+00:00","record_type":"message","sent_at":"2025-06-02T09:15:40.977+00:00","tags":["bench"],"tcr_campaign_billable":true,"tcr_campaign_id":"CX7Q2LM","to":[{"carrier":"T-MOBILE USA, INC.","line_type":"Wireless","phone_number":"+17735550142","status":"delivered"}],"type":"SMS","webhook_url":"https://hooks.example.com/telnyx","text":""#;
    let tail = r#""},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://hooks.example.com/telnyx"}}"#;
    let pad = size.saturating_sub(head.len() + tail.len());
    let mut body = String::with_capacity(size);
    body.push_str(head);
    body.extend(std::iter::repeat_n('x', pad));
    body.push_str(tail);
    body.into_bytes()
}

type Candidate<'a> = (&'static str, Box<dyn Fn() -> Result<(), String> + 'a>);

/// The section and its target, measured in this process.
pub fn section(ctx: &Ctx) -> Result<Section, BenchError> {
    let (rounds, batch) = if ctx.cfg.quick { (3, 200) } else { (9, 1000) };
    let body = event_body(2048);
    let signer = TestSigner::from_seed([77; 32]);
    let signed = signer.sign(&body, SIGNED_AT);
    let headers = signed.to_header_map();
    let verifier = Verifier::new(&signer.public_key_base64())
        .map_err(|e| e.to_string())?
        .clock(|| std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_000_000));

    let (key, signature, message) =
        bare_floor(&signer.public_key_base64(), &signed.signature, &body)?;

    let candidates: Vec<Candidate<'_>> = vec![
        (
            "bare ed25519-dalek verify_strict (message and signature pre-decoded): baseline",
            Box::new(|| {
                key.verify_strict(&message, &signature)
                    .map_err(|e| e.to_string())
            }),
        ),
        (
            "SDK Verifier::verify_signature (base64, message, verify_strict, tolerance)",
            Box::new(|| {
                verifier
                    .verify_signature(&body, &signed.signature, &signed.timestamp)
                    .map_err(|e| e.to_string())
            }),
        ),
        (
            "SDK Verifier::verify (the above + typed Event decode)",
            Box::new(|| {
                verifier
                    .verify(&body, &signed.signature, &signed.timestamp)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }),
        ),
        (
            "SDK Verifier::verify_headers (from an http::HeaderMap)",
            Box::new(|| {
                verifier
                    .verify_headers(&body, &headers)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }),
        ),
        (
            "typed Event decode alone (Event::from_json), for scale",
            Box::new(|| {
                telnyx::webhooks::Event::from_json(&body)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }),
        ),
    ];
    let (us, wall) = cpu_per_op(&candidates, rounds, batch)?;
    let base = us[0];

    let names: Vec<&str> = candidates.iter().map(|(name, _)| *name).collect();
    let mut sec = table(body.len(), &names, &us, (rounds, batch), wall);
    match pynacl_us(
        &body,
        &signer.public_key_base64(),
        &signed.signature,
        batch * rounds,
    ) {
        Ok(Some(u)) => sec.row(vec![
            "PyNaCl VerifyKey.verify (libsodium, what the official Python SDK uses)".into(),
            f2(u),
            ratio(u / base),
        ]),
        Ok(None) => sec.notes.push(
            "PyNaCl not measured: set TELNYX_PYTHON to a python with `pip install pynacl`.".into(),
        ),
        Err(e) => sec.notes.push(format!("PyNaCl run failed: {e}")),
    }
    let full = us[2];
    let target = Target::new(
        "SDK webhook verification of a 2 KB event (Verifier::verify)",
        format!("< {GOAL_US:.0} µs CPU"),
        format!(
            "{} µs ({} of bare verify_strict)",
            f1(full),
            ratio(full / base)
        ),
        full < GOAL_US,
    );
    Ok(Section::of(sec).with_target(target))
}

/// The bare floor's inputs: the key, the signature and `timestamp|body`, already decoded.
fn bare_floor(
    public_key_b64: &str,
    signature_b64: &str,
    body: &[u8],
) -> Result<(VerifyingKey, Signature, Vec<u8>), BenchError> {
    let key_bytes: [u8; 32] = BASE64
        .decode(public_key_b64)
        .map_err(|e| e.to_string())?
        .try_into()
        .map_err(|_| "public key length".to_string())?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|e| e.to_string())?;
    let sig_bytes: [u8; 64] = BASE64
        .decode(signature_b64)
        .map_err(|e| e.to_string())?
        .try_into()
        .map_err(|_| "signature length".to_string())?;
    let mut message = format!("{SIGNED_AT}|").into_bytes();
    message.extend_from_slice(body);
    Ok((key, Signature::from_bytes(&sig_bytes), message))
}

/// Median batch CPU µs per call of each candidate (round-robin `rounds` x `batch`), and the
/// wall time of it all. Every candidate runs once first, so one that fails stops the section.
fn cpu_per_op(
    candidates: &[Candidate<'_>],
    rounds: u32,
    batch: u32,
) -> Result<(Vec<f64>, Duration), BenchError> {
    for (name, f) in candidates {
        f().map_err(|e| BenchError::Invalid(format!("{name}: {e}")))?;
    }
    let mut per_op: Vec<Vec<Duration>> = vec![Vec::new(); candidates.len()];
    let t0 = Instant::now();
    for _ in 0..rounds {
        for (i, (_, f)) in candidates.iter().enumerate() {
            let cpu0 = stats::self_cpu();
            for _ in 0..batch {
                f()?;
            }
            let cpu = stats::self_cpu().saturating_sub(cpu0);
            per_op[i].push(cpu / batch);
        }
    }
    let us = per_op
        .iter()
        .map(|d| stats::median(d).as_secs_f64() * 1e6)
        .collect();
    Ok((us, t0.elapsed()))
}

fn table(
    body_len: usize,
    names: &[&str],
    us: &[f64],
    (rounds, batch): (u32, u32),
    wall: Duration,
) -> Table {
    let mut sec = Table::new(
        &format!("SDK: webhook verification CPU, one {body_len} B message.finalized event"),
        &[
            "verifier",
            "CPU µs per verification",
            "vs bare verify_strict",
        ],
    );
    for (name, u) in names.iter().zip(us) {
        sec.row(vec![(*name).to_string(), f2(*u), ratio(u / us[0])]);
    }
    sec.intro.push(format!(
        "In-process, single thread; {rounds} rounds of {batch} verifications per candidate, \
         round-robin; median batch CPU per verification ({:.1} s wall in all). The bare row is \
         the floor any Ed25519 verifier pays (one SHA-512 over the 2 KB message plus a double \
         scalar multiplication); the SDK adds base64 decoding, building `timestamp|body`, the \
         tolerance check and, for `verify`, decoding the typed event.",
        wall.as_secs_f64()
    ));
    sec
}

/// CPU µs per PyNaCl verification of the same message, or `None` without a PyNaCl.
fn pynacl_us(body: &[u8], key: &str, sig: &str, n: u32) -> Result<Option<f64>, String> {
    let Some(python) = std::env::var_os("TELNYX_PYTHON") else {
        return Ok(None);
    };
    let script = r#"
import base64, sys, time
from nacl.signing import VerifyKey
key, sig, ts, n = sys.argv[1], base64.b64decode(sys.argv[2]), sys.argv[3], int(sys.argv[4])
body = sys.stdin.buffer.read()
vk = VerifyKey(base64.b64decode(key))
msg = ts.encode() + b"|" + body
vk.verify(msg, sig)
t0 = time.process_time()
for _ in range(n):
    vk.verify(msg, sig)
print((time.process_time() - t0) / n * 1e6)
"#;
    let import = Command::new(&python)
        .args(["-c", "import nacl.signing"])
        .output()
        .map_err(|e| e.to_string())?;
    if !import.status.success() {
        return Ok(None);
    }
    let mut child = Command::new(&python)
        .args([
            "-c",
            script,
            key,
            sig,
            &SIGNED_AT.to_string(),
            &n.to_string(),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, body).map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse::<f64>()
        .map(Some)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_is_the_size_asked_and_a_valid_event() {
        let body = event_body(2048);
        assert_eq!(body.len(), 2048);
        let e = telnyx::webhooks::Event::from_json(&body).unwrap();
        assert!(e.message().is_some());
    }
}
