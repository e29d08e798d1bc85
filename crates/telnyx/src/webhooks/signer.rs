//! [`TestSigner`]: signs webhook bodies the way Telnyx does, for testing your own endpoint.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey, SECRET_KEY_LENGTH};
use http::{HeaderMap, HeaderValue};

use super::names::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::verify::Verifier;
use crate::{Error, ErrorKind, Result};

/// An Ed25519 key pair that signs webhook bodies exactly as Telnyx does
/// (`base64(sign("{timestamp}|{body}"))`), so an endpoint can be tested without any key
/// from Telnyx: give the endpoint [`TestSigner::public_key_base64`] (or
/// [`TestSigner::verifier`]) and send it bodies signed here.
///
/// Always available (no cargo feature): it costs nothing beyond the verifier's own
/// dependencies, and it can only sign with keys it made, which no verifier configured with
/// a Telnyx public key accepts. Its `Debug` never shows the private key.
///
/// ```
/// use telnyx::webhooks::TestSigner;
///
/// let signer = TestSigner::generate()?;
/// let body = br#"{"data":{"id":"e1","event_type":"call.initiated","payload":{"from":"+13125550100"}}}"#;
/// let headers = signer.sign_now(body).to_header_map();
/// // ... POST `body` with `headers` to the handler under test, whose verifier is:
/// let verifier = telnyx::webhooks::Verifier::new(&signer.public_key_base64())?;
/// let event = verifier.verify_headers(body, &headers)?;
/// assert_eq!(event.call().and_then(|c| c.from.as_deref()), Some("+13125550100"));
/// # Ok::<(), telnyx::Error>(())
/// ```
#[derive(Clone)]
pub struct TestSigner {
    key: SigningKey,
}

impl fmt::Debug for TestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestSigner")
            .field("public_key", &self.public_key_base64())
            .finish_non_exhaustive()
    }
}

/// The two header values of a signed delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// Value of `telnyx-signature-ed25519`: base64 of the 64-byte signature.
    pub signature: String,
    /// Value of `telnyx-timestamp`: Unix seconds.
    pub timestamp: String,
}

impl SignedHeaders {
    /// `[(name, value)]` pairs, for HTTP clients that take them so.
    pub fn pairs(&self) -> [(&'static str, &str); 2] {
        [
            (SIGNATURE_HEADER, self.signature.as_str()),
            (TIMESTAMP_HEADER, self.timestamp.as_str()),
        ]
    }

    /// The two headers as an [`http::HeaderMap`].
    pub fn to_header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(2);
        // Base64 and digits are always valid header values.
        if let Ok(v) = HeaderValue::from_str(&self.signature) {
            map.insert(SIGNATURE_HEADER, v);
        }
        if let Ok(v) = HeaderValue::from_str(&self.timestamp) {
            map.insert(TIMESTAMP_HEADER, v);
        }
        map
    }
}

impl TestSigner {
    /// A fresh random key pair (from the operating system's random source).
    pub fn generate() -> Result<TestSigner> {
        let mut seed = [0u8; SECRET_KEY_LENGTH];
        getrandom::getrandom(&mut seed).map_err(|e| {
            Error::new(
                ErrorKind::Configuration,
                format!(
                    "no randomness from the operating system for a test key ({e}); use \
                     TestSigner::from_seed with fixed bytes instead"
                ),
            )
        })?;
        Ok(TestSigner::from_seed(seed))
    }

    /// The key pair for a 32-byte seed (the Ed25519 private key): the same seed always
    /// gives the same keys, for reproducible tests.
    pub fn from_seed(seed: [u8; SECRET_KEY_LENGTH]) -> TestSigner {
        TestSigner {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The public key, base64: what `TELNYX_PUBLIC_KEY` holds for the endpoint under test.
    pub fn public_key_base64(&self) -> String {
        BASE64.encode(self.key.verifying_key().as_bytes())
    }

    /// A [`Verifier`] for this signer's public key.
    pub fn verifier(&self) -> Verifier {
        // A key made from a seed is the basepoint times a clamped nonzero scalar: never a
        // small-order point, so the checks of `Verifier::new` cannot fail for it.
        Verifier::from_key(self.key.verifying_key())
    }

    /// Signs `body` as sent at `timestamp` (Unix seconds).
    pub fn sign(&self, body: &[u8], timestamp: i64) -> SignedHeaders {
        let timestamp = timestamp.to_string();
        SignedHeaders {
            signature: self.sign_raw(body, &timestamp),
            timestamp,
        }
    }

    /// Signs `body` as sent now (the system clock).
    pub fn sign_now(&self, body: &[u8]) -> SignedHeaders {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        self.sign(body, now)
    }

    /// The base64 signature of `{timestamp}|{body}` for any timestamp text, including
    /// malformed ones (to test an endpoint's rejection of them).
    pub fn sign_raw(&self, body: &[u8], timestamp: &str) -> String {
        let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
        message.extend_from_slice(timestamp.as_bytes());
        message.push(b'|');
        message.extend_from_slice(body);
        BASE64.encode(self.key.sign(&message).to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_private_key() {
        let seed = [0xAB; 32];
        let signer = TestSigner::from_seed(seed);
        let dbg = format!("{signer:?}");
        assert!(dbg.contains(&signer.public_key_base64()), "{dbg}");
        assert!(!dbg.contains(&BASE64.encode(seed)), "{dbg}");
        assert!(!dbg.to_lowercase().contains("abab"), "{dbg}");
    }

    #[test]
    fn same_seed_same_key_different_seed_different_key() {
        let a = TestSigner::from_seed([3; 32]);
        assert_eq!(
            a.public_key_base64(),
            TestSigner::from_seed([3; 32]).public_key_base64()
        );
        assert_ne!(
            a.public_key_base64(),
            TestSigner::from_seed([4; 32]).public_key_base64()
        );
        assert_ne!(
            TestSigner::generate().unwrap().public_key_base64(),
            TestSigner::generate().unwrap().public_key_base64()
        );
    }
}
