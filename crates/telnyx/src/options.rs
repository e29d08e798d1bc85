//! [`RequestOptions`] (the per-call settings every request kind shares) and
//! [`IdempotencyKey`] (a key checked when it is made).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use http::HeaderValue;

use crate::error::{Error, Result};
use crate::violation::{Rule, Violation};

/// The form of an idempotency key, as [`Rule::Format`] names it.
const IDEMPOTENCY_KEY_FORM: &str = "1 to 255 characters of A-Z a-z 0-9 _ : -";

/// An `Idempotency-Key`: 1 to 255 characters of `A-Z a-z 0-9 _ : -`, checked when made.
///
/// Sent on every attempt of a request, it lets the server perform a POST or PATCH at most
/// once, which makes the request safe to retry (see [`Request`](crate::Request)).
///
/// ```
/// use telnyx::IdempotencyKey;
/// let key = IdempotencyKey::new("topup-2025-05-01")?;
/// assert_eq!(key.as_str(), "topup-2025-05-01");
/// assert!(IdempotencyKey::new("has space").is_err());
/// # Ok::<(), telnyx::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey {
    text: String,
    header: HeaderValue,
}

impl IdempotencyKey {
    /// Checks `key`; an invalid one is an [`InvalidRequest`](crate::ErrorKind::InvalidRequest)
    /// error whose [`violation`](Error::violation) names `idempotency_key` (without its value).
    pub fn new(key: impl Into<String>) -> Result<IdempotencyKey> {
        let text = key.into();
        let ok_len = (1..=255).contains(&text.len());
        let ok_chars = text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-'));
        let header = match HeaderValue::from_str(&text) {
            Ok(header) if ok_len && ok_chars => header,
            _ => return Err(invalid_key(&text)),
        };
        Ok(IdempotencyKey { text, header })
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The key as a header value.
    pub(crate) fn header_value(&self) -> HeaderValue {
        self.header.clone()
    }
}

/// The error for a bad key; the key itself is not kept (it is the caller's, and may be
/// derived from anything).
fn invalid_key(key: &str) -> Error {
    Error::invalid_request(Violation::new(
        "Request::idempotency_key",
        "idempotency_key",
        Rule::Format {
            expected: IDEMPOTENCY_KEY_FORM,
        },
        format!(
            "invalid idempotency key ({} characters): use 1 to 255 characters of \
             A-Z, a-z, 0-9, '_', ':' and '-', for example a UUID",
            key.chars().count()
        ),
    ))
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdempotencyKey").field(&self.text).finish()
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl AsRef<str> for IdempotencyKey {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl FromStr for IdempotencyKey {
    type Err = Error;
    fn from_str(key: &str) -> Result<IdempotencyKey> {
        IdempotencyKey::new(key)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = Error;
    fn try_from(key: String) -> Result<IdempotencyKey> {
        IdempotencyKey::new(key)
    }
}

impl TryFrom<&str> for IdempotencyKey {
    type Error = Error;
    fn try_from(key: &str) -> Result<IdempotencyKey> {
        IdempotencyKey::new(key)
    }
}

/// Per-call settings, shared by every kind of request ([`Request`](crate::Request),
/// [`ListRequest`](crate::ListRequest), [`InvoicePdfRequest`](crate::InvoicePdfRequest)):
/// each of them has the same `.timeout(..)`, `.max_retries(..)` and `.options(..)` methods,
/// which all set these fields. Build one set to apply to many calls:
///
/// ```no_run
/// # async fn run(client: telnyx::Client) -> telnyx::Result<()> {
/// use std::time::Duration;
/// let quick = telnyx::RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
/// let balance = client.balance().retrieve().options(&quick).await?;
/// let invoices = client.invoices().list(Default::default()).options(&quick).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
}

impl RequestOptions {
    /// No settings: the client's apply.
    pub fn new() -> RequestOptions {
        RequestOptions::default()
    }

    /// The time limit of each attempt, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times to retry, instead of the client's setting (0 disables retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Sends `Idempotency-Key: <key>` on every attempt, which also makes a POST or PATCH
    /// safe to retry. Only requests that change something use it; a list ignores it.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// `self` with every setting that `other` holds replaced by `other`'s.
    pub(crate) fn merged(self, other: &RequestOptions) -> RequestOptions {
        RequestOptions {
            timeout: other.timeout.or(self.timeout),
            max_retries: other.max_retries.or(self.max_retries),
            idempotency_key: other.idempotency_key.clone().or(self.idempotency_key),
        }
    }
}

/// The option setters of a request type, written once: each sets a [`RequestOptions`]
/// field through the type's `map_options`.
macro_rules! request_option_setters {
    () => {
        /// The time limit of each attempt, instead of the client's (see
        /// [`RequestOptions::timeout`](crate::RequestOptions::timeout)).
        pub fn timeout(self, timeout: std::time::Duration) -> Self {
            self.map_options(|o| o.timeout(timeout))
        }

        /// How many times to retry, instead of the client's setting (0 disables retries).
        pub fn max_retries(self, max_retries: u32) -> Self {
            self.map_options(|o| o.max_retries(max_retries))
        }

        /// Applies `options`: each setting they hold replaces this request's.
        pub fn options(self, options: &$crate::RequestOptions) -> Self {
            self.map_options(|o| o.merged(options))
        }
    };
}
pub(crate) use request_option_setters;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_when_made() {
        assert!(IdempotencyKey::new("abc-DEF_1:2").is_ok());
        assert!(IdempotencyKey::new("a".repeat(255)).is_ok());
        for bad in ["", "has space", "é", "a\nb"] {
            let err = IdempotencyKey::new(bad).unwrap_err();
            assert_eq!(err.violation().unwrap().parameter(), "idempotency_key");
        }
        assert!(IdempotencyKey::new("a".repeat(256)).is_err());
        assert!("x:1".parse::<IdempotencyKey>().is_ok());
    }

    #[test]
    fn merged_keeps_what_the_other_does_not_set() {
        let a = RequestOptions::new()
            .timeout(Duration::from_secs(1))
            .max_retries(3);
        let b = RequestOptions::new().max_retries(0);
        let m = a.merged(&b);
        assert_eq!(m.timeout, Some(Duration::from_secs(1)));
        assert_eq!(m.max_retries, Some(0));
    }
}
