//! [`Reason`]: why a webhook (or a verifier's public key) was rejected, as data, and its
//! conversion into the crate's [`Error`].

use std::fmt;
use std::time::Duration;

use super::names::{PUBLIC_KEY_ENV, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::{Error, ErrorKind};

/// Why a webhook (or a verifier's public key) was rejected, as data.
///
/// Reached from an error with [`Error::webhook_reason`]. Its `Display` is a short summary;
/// the [`Error`]'s message adds what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// [`Verifier::from_env`](super::Verifier::from_env): `TELNYX_PUBLIC_KEY` is unset or empty.
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
