//! Where an account's webhooks may go: the URL rules (loopback unless allowed), the endpoint
//! and its failover, and the account's signing key.

use std::net::IpAddr;

use serde_json::{json, Value};
use sha2::{Digest, Sha512};

use crate::domain::StoreError;
use crate::model::{AccountData, Endpoint};

/// Checks a webhook URL against the delivery rules and returns it normalized.
///
/// Allowed: `http`/`https` URLs without credentials whose host is loopback (`127.0.0.0/8`,
/// `::1`, `localhost`) or one of `allow_hosts` (case-insensitive).
pub fn check_url(field: &str, raw: &str, allow_hosts: &[String]) -> Result<String, StoreError> {
    let refuse =
        |why: String| StoreError::invalid(field, format!("{field} {raw:?} is refused: {why}"));
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        refuse(format!(
            "it is not an absolute URL ({e}); give one like http://127.0.0.1:8787/webhooks."
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse(format!(
            "webhooks are delivered over http or https, not {}.",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "credentials in a webhook URL would be recorded in webhook_deliveries; remove them (verify the signature instead)."
                .into(),
        ));
    }
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    if host.is_empty() {
        return Err(refuse("it has no host.".into()));
    }
    if !loopback
        && !allow_hosts
            .iter()
            .any(|h| h.trim().eq_ignore_ascii_case(host))
    {
        return Err(refuse(format!(
            "the emulator delivers webhooks only to loopback addresses (127.0.0.0/8, ::1, localhost); \
             start it with --allow-webhook-host {host} to allow this host."
        )));
    }
    Ok(url.to_string())
}

/// Checks both URLs of an endpoint.
pub fn check_endpoint(
    url: &str,
    failover_url: Option<&str>,
    allow_hosts: &[String],
) -> Result<Endpoint, StoreError> {
    Ok(Endpoint {
        url: check_url("url", url, allow_hosts)?,
        failover_url: failover_url
            .map(|f| check_url("failover_url", f, allow_hosts))
            .transpose()?,
    })
}

/// The endpoint as the control API shows it.
pub fn endpoint_json(e: Option<&Endpoint>, public_key: &str) -> Value {
    json!({
        "url": e.map(|e| e.url.as_str()),
        "failover_url": e.and_then(|e| e.failover_url.as_deref()),
        "public_key": public_key,
    })
}

/// The URL of attempt `n` (1-based): primary, failover (or primary when none), primary, ...
pub fn attempt_url(e: &Endpoint, n: u32) -> &str {
    match (&e.failover_url, n % 2 == 0) {
        (Some(f), true) => f,
        _ => &e.url,
    }
}

/// An account's Ed25519 signing seed, derived from the emulator seed and the account's key
/// hash: stable across restarts, different per account. Not a secret (the emulator's seed is
/// not one).
pub fn derived_signing_seed(seed: u64, key_hash: &str) -> [u8; 32] {
    let mut h = Sha512::new();
    h.update(b"telnyx-emulator webhook signing key\0");
    h.update(seed.to_le_bytes());
    h.update(key_hash.as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest[..32]);
    out
}

/// The account's endpoint, or the conflict to answer when none is set.
pub fn endpoint(d: &AccountData) -> Result<Endpoint, StoreError> {
    d.webhook.endpoint.clone().ok_or_else(|| StoreError::Conflict {
        code: "emulator_no_webhook",
        detail: "This account has no webhook URL. Set one with PUT /_emulator/webhooks \
                 {\"api_key\": ..., \"url\": ...}, or run `telnyx webhooks listen` against this emulator."
            .into(),
    })
}
