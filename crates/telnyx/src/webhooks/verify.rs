//! [`Verifier`]: the signature and timestamp checks, and [`Reason`], why one failed.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH};
use http::HeaderMap;

use super::event::Event;
use crate::{Error, ErrorKind, Result};

/// The header carrying the base64 Ed25519 signature.
pub const SIGNATURE_HEADER: &str = "telnyx-signature-ed25519";
/// The header carrying the signing time, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "telnyx-timestamp";
/// How far the signing time may be from now, in either direction, by default: 300 s.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
/// The environment variable [`Verifier::from_env`] reads the public key from.
pub const PUBLIC_KEY_ENV: &str = "TELNYX_PUBLIC_KEY";

/// Longest excerpt of a bad header value kept in a [`Reason`].
const VALUE_EXCERPT: usize = 40;

/// Why a webhook (or a verifier's public key) was rejected, as data.
///
/// Reached from an error with [`Error::webhook_reason`]. Its `Display` is a short summary;
/// the [`Error`]'s message adds what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// [`Verifier::from_env`]: `TELNYX_PUBLIC_KEY` is unset or empty.
    MissingPublicKey,
    /// The public key is not the base64 of a usable 32-byte Ed25519 public key.
    MalformedPublicKey {
        /// What is wrong with it (never the key itself).
        problem: String,
    },
    /// A required header is absent or empty.
    MissingHeader {
        /// The header's name: [`SIGNATURE_HEADER`] or [`TIMESTAMP_HEADER`].
        header: &'static str,
    },
    /// The signature header is not the base64 of 64 bytes.
    MalformedSignature {
        /// What is wrong with it, e.g. `decodes to 48 bytes, not 64`.
        problem: String,
    },
    /// The timestamp header is not a Unix time in whole seconds.
    MalformedTimestamp {
        /// The header value (at most 40 characters of it).
        value: String,
    },
    /// The signature is valid but the signing time is too far from now: a replayed or
    /// very late delivery, or a clock that is off.
    TimestampOutsideTolerance {
        /// The signing time, Unix seconds.
        timestamp: i64,
        /// The verifier's clock, Unix seconds.
        now: i64,
        /// The tolerance that was exceeded.
        tolerance: Duration,
    },
    /// The signature does not match the body, the timestamp and the public key.
    SignatureMismatch,
    /// The signature is valid but the body is not a Telnyx event envelope.
    InvalidJson {
        /// Where decoding failed, e.g. `data.payload.to[0].status` (`.` for the whole body).
        path: String,
        /// What failed there.
        problem: String,
    },
}

impl Reason {
    /// The HTTP status a webhook receiver should answer for this rejection: 400 for a
    /// request that is not a well-formed signed webhook, 401 for one whose signature or
    /// timestamp does not check out, 500 for a receiver whose own key is unusable.
    pub fn http_status(&self) -> u16 {
        match self {
            Reason::MissingPublicKey | Reason::MalformedPublicKey { .. } => 500,
            Reason::SignatureMismatch | Reason::TimestampOutsideTolerance { .. } => 401,
            Reason::MissingHeader { .. }
            | Reason::MalformedSignature { .. }
            | Reason::MalformedTimestamp { .. }
            | Reason::InvalidJson { .. } => 400,
        }
    }

    /// For [`Reason::TimestampOutsideTolerance`]: signing time minus now, in seconds
    /// (negative: in the past, positive: in the future).
    pub fn offset_secs(&self) -> Option<i64> {
        match self {
            Reason::TimestampOutsideTolerance { timestamp, now, .. } => {
                Some(timestamp.saturating_sub(*now))
            }
            _ => None,
        }
    }

    /// The full message: what was wrong and what to do.
    fn explanation(&self) -> String {
        match self {
            Reason::MissingPublicKey => format!(
                "{PUBLIC_KEY_ENV} is not set: set it to your account's webhook public key \
                 (base64, from Mission Control Portal > Keys & Credentials > Public Key), or \
                 build the verifier with webhooks::Verifier::new(key)"
            ),
            Reason::MalformedPublicKey { problem } => format!(
                "the webhook public key is unusable ({problem}): use your account's public key, \
                 44 base64 characters from Mission Control Portal > Keys & Credentials > Public \
                 Key (not the API key)"
            ),
            Reason::MissingHeader { header } => format!(
                "the request has no {header} header: Telnyx sends {SIGNATURE_HEADER} and \
                 {TIMESTAMP_HEADER} with every webhook; check the request comes from Telnyx and \
                 that a proxy does not drop these headers, and pass their values as received"
            ),
            Reason::MalformedSignature { problem } => format!(
                "the {SIGNATURE_HEADER} header is not an Ed25519 signature ({problem}): pass \
                 the header value exactly as received (88 base64 characters)"
            ),
            Reason::MalformedTimestamp { value } => format!(
                "the {TIMESTAMP_HEADER} header {value:?} is not a Unix time in seconds: pass \
                 the header value exactly as received"
            ),
            Reason::TimestampOutsideTolerance {
                timestamp,
                now,
                tolerance,
            } => {
                let offset = timestamp.saturating_sub(*now);
                let when = if offset < 0 {
                    format!("{} s in the past", offset.unsigned_abs())
                } else {
                    format!("{offset} s in the future")
                };
                format!(
                    "the webhook's {TIMESTAMP_HEADER} ({timestamp}) is {when}, more than the \
                     {} s tolerance: the signature is valid, so this is a replayed or very late \
                     delivery, or this machine's clock is off (check NTP); raise \
                     Verifier::tolerance only if late deliveries are expected",
                    tolerance.as_secs()
                )
            }
            Reason::SignatureMismatch => format!(
                "the webhook signature does not match: verify the raw request body bytes (not \
                 JSON parsed and serialized again), the {TIMESTAMP_HEADER} header as received, \
                 and your account's public key (Mission Control Portal > Keys & Credentials > \
                 Public Key)"
            ),
            Reason::InvalidJson { path, problem } => format!(
                "the webhook is signed but its body is not a Telnyx event (at {path}: {problem}): \
                 if this endpoint receives other payloads, check the signature with \
                 Verifier::verify_signature and decode the body yourself"
            ),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::MissingPublicKey => write!(f, "{PUBLIC_KEY_ENV} is not set"),
            Reason::MalformedPublicKey { problem } => write!(f, "malformed public key: {problem}"),
            Reason::MissingHeader { header } => write!(f, "missing header {header}"),
            Reason::MalformedSignature { problem } => write!(f, "malformed signature: {problem}"),
            Reason::MalformedTimestamp { value } => write!(f, "malformed timestamp {value:?}"),
            Reason::TimestampOutsideTolerance { tolerance, .. } => {
                let offset = self.offset_secs().unwrap_or(0);
                write!(
                    f,
                    "timestamp {offset:+} s from now, outside the {} s tolerance",
                    tolerance.as_secs()
                )
            }
            Reason::SignatureMismatch => f.write_str("signature mismatch"),
            Reason::InvalidJson { path, problem } => {
                write!(f, "body is not a Telnyx event at {path}: {problem}")
            }
        }
    }
}

impl std::error::Error for Reason {}

impl From<Reason> for Error {
    fn from(reason: Reason) -> Error {
        Error::new(ErrorKind::Webhook, reason.explanation()).with_source(reason)
    }
}

impl Error {
    /// Why a webhook was rejected, for an error of kind [`ErrorKind::Webhook`].
    pub fn webhook_reason(&self) -> Option<&Reason> {
        if self.kind() != ErrorKind::Webhook {
            return None;
        }
        std::error::Error::source(self)?.downcast_ref::<Reason>()
    }

    /// True for an error from [`crate::webhooks`] (a webhook that failed verification).
    pub fn is_webhook(&self) -> bool {
        self.kind() == ErrorKind::Webhook
    }
}

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
