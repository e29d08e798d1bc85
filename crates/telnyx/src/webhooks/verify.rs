//! [`Verifier`]: the signature and timestamp checks.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH};
use http::HeaderMap;

use super::event::Event;
use super::names::{PUBLIC_KEY_ENV, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::reason::Reason;
use crate::{Error, Result};

/// How far the signing time may be from now, in either direction, by default: 300 s.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Longest excerpt of a bad header value kept in a [`Reason`].
const VALUE_EXCERPT: usize = 40;

/// Where the verifier reads "now" from.
#[derive(Clone)]
enum Clock {
    System,
    Custom(Arc<dyn Fn() -> SystemTime + Send + Sync>),
}

impl Clock {
    fn now_unix(&self) -> i64 {
        let now = match self {
            Clock::System => SystemTime::now(),
            Clock::Custom(f) => f(),
        };
        match now.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }
}

/// Verifies Telnyx webhooks with one account's public key.
///
/// Cheap to clone (the key is 32 bytes), `Send + Sync`: build it once and share it.
#[derive(Clone)]
pub struct Verifier {
    key: VerifyingKey,
    tolerance: Duration,
    clock: Clock,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("public_key", &self.public_key_base64())
            .field("tolerance", &self.tolerance)
            .field(
                "clock",
                &match self.clock {
                    Clock::System => "system",
                    Clock::Custom(_) => "custom",
                },
            )
            .finish()
    }
}

impl Verifier {
    /// A verifier for the base64 public key (surrounding whitespace is ignored).
    ///
    /// Fails with [`Reason::MalformedPublicKey`] when the text is not base64 of 32 bytes or
    /// not a usable Ed25519 point (an invalid or small-order point).
    pub fn new(public_key_base64: &str) -> Result<Verifier> {
        let text = public_key_base64.trim();
        if text.is_empty() {
            return Err(malformed_key("it is empty"));
        }
        let bytes = BASE64.decode(text).map_err(|e| {
            let hint = if text.starts_with("KEY") {
                ", it looks like an API key"
            } else {
                ""
            };
            malformed_key(&format!("not base64: {e}{hint}"))
        })?;
        let bytes: [u8; PUBLIC_KEY_LENGTH] = bytes.as_slice().try_into().map_err(|_| {
            malformed_key(&format!(
                "decodes to {} bytes, not {PUBLIC_KEY_LENGTH}",
                bytes.len()
            ))
        })?;
        Verifier::from_public_key_bytes(&bytes)
    }

    /// A verifier for the raw 32-byte public key.
    pub fn from_public_key_bytes(bytes: &[u8; PUBLIC_KEY_LENGTH]) -> Result<Verifier> {
        let key = VerifyingKey::from_bytes(bytes)
            .map_err(|_| malformed_key("not a valid Ed25519 public key"))?;
        if key.is_weak() {
            return Err(malformed_key(
                "a small-order Ed25519 point, which verifies forged signatures",
            ));
        }
        Ok(Verifier::from_key(key))
    }

    /// A verifier for a key already known to be usable.
    pub(super) fn from_key(key: VerifyingKey) -> Verifier {
        Verifier {
            key,
            tolerance: DEFAULT_TOLERANCE,
            clock: Clock::System,
        }
    }

    /// A verifier for the key in `TELNYX_PUBLIC_KEY` ([`Reason::MissingPublicKey`] when it
    /// is unset or empty).
    pub fn from_env() -> Result<Verifier> {
        match std::env::var(PUBLIC_KEY_ENV) {
            Ok(key) if !key.trim().is_empty() => Verifier::new(&key),
            Ok(_) | Err(std::env::VarError::NotPresent) => Err(Reason::MissingPublicKey.into()),
            Err(std::env::VarError::NotUnicode(_)) => Err(malformed_key(&format!(
                "{PUBLIC_KEY_ENV} is not valid UTF-8"
            ))),
        }
    }

    /// How far the signing time may be from now, in either direction (default 300 s;
    /// whole seconds count).
    pub fn tolerance(mut self, tolerance: Duration) -> Verifier {
        self.tolerance = tolerance;
        self
    }

    /// The clock the timestamp is compared with (default: the system clock). For tests,
    /// e.g. `.clock(|| UNIX_EPOCH + Duration::from_secs(1_700_000_000))`.
    pub fn clock(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Verifier {
        self.clock = Clock::Custom(Arc::new(now));
        self
    }

    /// The configured tolerance.
    pub fn tolerance_value(&self) -> Duration {
        self.tolerance
    }

    /// The public key, base64.
    pub fn public_key_base64(&self) -> String {
        BASE64.encode(self.key.as_bytes())
    }

    /// Verifies a delivery from its raw body and the values of the
    /// `telnyx-signature-ed25519` and `telnyx-timestamp` headers (an empty value counts as
    /// a missing header), then decodes the body.
    pub fn verify(&self, body: &[u8], signature: &str, timestamp: &str) -> Result<Event> {
        self.verify_signature(body, signature, timestamp)?;
        Event::from_json(body)
    }

    /// [`Verifier::verify`] with the two headers read from a request's headers (names are
    /// case-insensitive).
    pub fn verify_headers(&self, body: &[u8], headers: &HeaderMap) -> Result<Event> {
        self.verify_signature_headers(body, headers)?;
        Event::from_json(body)
    }

    /// Checks the signature and the timestamp only, without decoding the body.
    ///
    /// Order of the checks: both headers present, timestamp and signature well-formed,
    /// signature valid, then the timestamp within the tolerance (so a tolerance error
    /// always concerns an authentic delivery).
    pub fn verify_signature(&self, body: &[u8], signature: &str, timestamp: &str) -> Result<()> {
        self.check(body, signature, timestamp).map_err(Error::from)
    }

    /// [`Verifier::verify_signature`] with the headers read from a request's headers.
    pub fn verify_signature_headers(&self, body: &[u8], headers: &HeaderMap) -> Result<()> {
        let signature = header_text(headers, SIGNATURE_HEADER, |v| Reason::MalformedSignature {
            problem: format!(
                "not printable ASCII: {}",
                excerpt(&String::from_utf8_lossy(v))
            ),
        })?;
        let timestamp = header_text(headers, TIMESTAMP_HEADER, |v| Reason::MalformedTimestamp {
            value: excerpt(&String::from_utf8_lossy(v)),
        })?;
        self.verify_signature(body, signature, timestamp)
    }

    fn check(&self, body: &[u8], signature: &str, timestamp: &str) -> Result<(), Reason> {
        let signature = signature.trim();
        let timestamp = timestamp.trim();
        if signature.is_empty() {
            return Err(Reason::MissingHeader {
                header: SIGNATURE_HEADER,
            });
        }
        if timestamp.is_empty() {
            return Err(Reason::MissingHeader {
                header: TIMESTAMP_HEADER,
            });
        }
        let signed_at = parse_timestamp(timestamp)?;
        let signature = parse_signature(signature)?;

        let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
        message.extend_from_slice(timestamp.as_bytes());
        message.push(b'|');
        message.extend_from_slice(body);
        self.key
            .verify_strict(&message, &signature)
            .map_err(|_| Reason::SignatureMismatch)?;

        let now = self.clock.now_unix();
        if signed_at.abs_diff(now) > self.tolerance.as_secs() {
            return Err(Reason::TimestampOutsideTolerance {
                timestamp: signed_at,
                now,
                tolerance: self.tolerance,
            });
        }
        Ok(())
    }
}

fn malformed_key(problem: &str) -> Error {
    Reason::MalformedPublicKey {
        problem: problem.to_owned(),
    }
    .into()
}

/// A header's value as text; `""` when absent (the checks then report it missing).
fn header_text<'h>(
    headers: &'h HeaderMap,
    name: &'static str,
    not_text: impl FnOnce(&[u8]) -> Reason,
) -> Result<&'h str> {
    match headers.get(name) {
        None => Ok(""),
        Some(v) => v.to_str().map_err(|_| not_text(v.as_bytes()).into()),
    }
}

fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(VALUE_EXCERPT).collect();
    if s.chars().count() > VALUE_EXCERPT {
        out.push('…');
    }
    out
}

/// Whole Unix seconds: ASCII digits only (no sign, no fraction), at most 18 of them.
fn parse_timestamp(text: &str) -> Result<i64, Reason> {
    let malformed = || Reason::MalformedTimestamp {
        value: excerpt(text),
    };
    if text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    text.parse::<i64>().map_err(|_| malformed())
}

fn parse_signature(text: &str) -> Result<Signature, Reason> {
    let bytes = BASE64
        .decode(text)
        .map_err(|e| Reason::MalformedSignature {
            problem: format!("not base64: {e}"),
        })?;
    let bytes: [u8; SIGNATURE_LENGTH] =
        bytes
            .as_slice()
            .try_into()
            .map_err(|_| Reason::MalformedSignature {
                problem: format!("decodes to {} bytes, not {SIGNATURE_LENGTH}", bytes.len()),
            })?;
    Ok(Signature::from_bytes(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_timestamp("1700000000"), Ok(1_700_000_000));
        for bad in [
            "-5",
            "+5",
            "1.5",
            "1e9",
            "0x10",
            "9999999999999999999",
            "12 3",
        ] {
            assert!(
                matches!(parse_timestamp(bad), Err(Reason::MalformedTimestamp { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn reason_is_reachable_from_the_error_and_only_for_webhook_errors() {
        let err: Error = Reason::SignatureMismatch.into();
        assert_eq!(err.kind(), ErrorKind::Webhook);
        assert!(err.is_webhook());
        assert_eq!(err.webhook_reason(), Some(&Reason::SignatureMismatch));
        assert!(err.to_string().contains("raw request body"), "{err}");
        let other = Error::decode("x").with_source(Reason::SignatureMismatch);
        assert_eq!(other.webhook_reason(), None);
        assert!(!other.is_webhook());
    }

    #[test]
    fn clock_before_the_epoch_is_negative() {
        let c = Clock::Custom(Arc::new(|| UNIX_EPOCH - Duration::from_secs(10)));
        assert_eq!(c.now_unix(), -10);
    }
}
