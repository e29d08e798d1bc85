//! The names a Telnyx webhook travels under: its two headers and the environment variable
//! holding the account's public key.

/// The header carrying the base64 Ed25519 signature.
pub const SIGNATURE_HEADER: &str = "telnyx-signature-ed25519";
/// The header carrying the signing time, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "telnyx-timestamp";
/// The environment variable [`Verifier::from_env`](super::Verifier::from_env) reads the public key from.
pub const PUBLIC_KEY_ENV: &str = "TELNYX_PUBLIC_KEY";
