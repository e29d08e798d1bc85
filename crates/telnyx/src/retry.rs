//! When to retry, and how long to wait first.
//!
//! The rules (documented for users on [`Request`](crate::Request)):
//! - a failure before the request was sent (connection refused, DNS, TLS setup) is retried
//!   for every method;
//! - an ambiguous failure (timeout, connection lost after sending, 408/409/5xx) is retried
//!   only when replaying is safe: an idempotent method (GET, HEAD, OPTIONS, PUT, DELETE) or
//!   a request that carries an idempotency key;
//! - 429 is retried for every method: the server did not process the request;
//! - `x-should-retry: false` forbids a retry, `x-should-retry: true` allows one (for a
//!   non-idempotent request without a key only when the status is 429);
//! - the wait is `retry-after-ms`, else `Retry-After` (seconds or HTTP date), else
//!   `min(initial * 2^n, 8 s)` times a random factor in [0.75, 1]. When the server asks for
//!   longer than `max_retry_wait`, the SDK gives up and returns the error at once (its
//!   [`Error::retry_after`](crate::Error::retry_after) says how long the server asked for).

use std::time::{Duration, SystemTime};

use http::{HeaderMap, Method};

/// The largest computed backoff between two attempts.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Retry settings of one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) max_retry_wait: Duration,
    pub(crate) initial_delay: Duration,
}

/// How an attempt failed.
#[derive(Debug)]
pub(crate) enum Failure<'a> {
    /// The request never left: retrying is always safe.
    NotSent,
    /// The request may have reached the server (timeout, connection lost).
    Ambiguous,
    /// The server answered with a non-success status.
    Status { status: u16, headers: &'a HeaderMap },
}

/// `x-should-retry: true|false`.
pub(crate) fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The wait the server asked for, from `retry-after-ms` (float milliseconds) or
/// `Retry-After` (seconds, or an HTTP date relative to `now`).
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("retry-after-ms").and_then(|s| s.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX));
        }
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return if secs.is_finite() && secs >= 0.0 {
            Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
        } else {
            None
        };
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Exponential backoff before retry number `retries_done + 1`:
/// `min(initial * 2^retries_done, 8 s)` times a random factor in [0.75, 1].
pub(crate) fn backoff(initial: Duration, retries_done: u32) -> Duration {
    let factor = 2u32.saturating_pow(retries_done.min(20));
    let base = initial.saturating_mul(factor).min(MAX_BACKOFF);
    base.mul_f64(1.0 - 0.25 * fastrand::f64())
}

/// Methods that may be replayed without changing the outcome (RFC 9110 idempotent methods).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

/// Whether to retry after `failure` and, if so, how long to wait first.
///
/// `replay_safe` is true for an idempotent method or a request with an idempotency key.
/// The caller checks the retry budget.
pub(crate) fn retry_delay(
    policy: &RetryPolicy,
    replay_safe: bool,
    failure: &Failure<'_>,
    retries_done: u32,
    now: SystemTime,
) -> Option<Duration> {
    let computed = || backoff(policy.initial_delay, retries_done).min(policy.max_retry_wait);
    match failure {
        Failure::NotSent => Some(computed()),
        Failure::Ambiguous => replay_safe.then(computed),
        Failure::Status { status, headers } => {
            let status = *status;
            let retryable = should_retry_header(headers)
                .unwrap_or(matches!(status, 408 | 409 | 429 | 500..=599));
            if !retryable || !(replay_safe || status == 429) {
                return None;
            }
            match server_delay(headers, now) {
                Some(asked) if asked > policy.max_retry_wait => None,
                Some(asked) => Some(asked),
                None => Some(computed()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    const POLICY: RetryPolicy = RetryPolicy {
        max_retries: 2,
        max_retry_wait: Duration::from_secs(60),
        initial_delay: Duration::from_millis(500),
    };

    #[test]
    fn server_delay_sources() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            server_delay(&headers(&[("retry-after-ms", "1500.5")]), now),
            Some(Duration::from_micros(1_500_500))
        );
        assert_eq!(
            server_delay(
                &headers(&[("retry-after-ms", "250"), ("retry-after", "9")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "30")]), now),
            Some(Duration::from_secs(30))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(45));
        assert_eq!(
            server_delay(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(45))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(45));
        assert_eq!(
            server_delay(&headers(&[("retry-after", &past)]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            server_delay(&headers(&[("retry-after", "soon")]), now),
            None
        );
        assert_eq!(server_delay(&headers(&[("retry-after", "-3")]), now), None);
        assert_eq!(server_delay(&HeaderMap::new(), now), None);
        assert_eq!(
            server_delay(&headers(&[("retry-after", "1e300")]), now),
            Some(Duration::MAX)
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for n in 0..10 {
            let d = backoff(Duration::from_millis(500), n);
            let base = (0.5 * 2f64.powi(n as i32)).min(8.0);
            assert!(d.as_secs_f64() <= base + 1e-9, "{n}: {d:?}");
            assert!(d.as_secs_f64() >= base * 0.75 - 1e-9, "{n}: {d:?}");
        }
        assert!(backoff(Duration::from_millis(500), u32::MAX) <= MAX_BACKOFF);
    }

    #[test]
    fn decisions() {
        let now = SystemTime::now();
        let h = HeaderMap::new();
        let st = |status| Failure::Status {
            status,
            headers: &h,
        };
        // GET: retry the usual statuses, not 400/404.
        for s in [408, 409, 429, 500, 502, 503] {
            assert!(retry_delay(&POLICY, true, &st(s), 0, now).is_some(), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(retry_delay(&POLICY, true, &st(s), 0, now).is_none(), "{s}");
        }
        // POST without key: only 429 and not-sent.
        assert!(retry_delay(&POLICY, false, &st(500), 0, now).is_none());
        assert!(retry_delay(&POLICY, false, &st(429), 0, now).is_some());
        assert!(retry_delay(&POLICY, false, &Failure::Ambiguous, 0, now).is_none());
        assert!(retry_delay(&POLICY, false, &Failure::NotSent, 0, now).is_some());
        assert!(retry_delay(&POLICY, true, &Failure::Ambiguous, 0, now).is_some());
        // x-should-retry overrides.
        let no = headers(&[("x-should-retry", "false")]);
        let yes = headers(&[("x-should-retry", "true")]);
        let fail = |status, headers| Failure::Status { status, headers };
        assert!(retry_delay(&POLICY, true, &fail(500, &no), 0, now).is_none());
        assert!(retry_delay(&POLICY, true, &fail(400, &yes), 0, now).is_some());
        assert!(retry_delay(&POLICY, false, &fail(400, &yes), 0, now).is_none());
        // Server asks for more than the cap: give up; within it: wait that long.
        let long = headers(&[("retry-after", "120")]);
        assert_eq!(retry_delay(&POLICY, true, &fail(429, &long), 0, now), None);
        let ok = headers(&[("retry-after", "20")]);
        assert_eq!(
            retry_delay(&POLICY, true, &fail(429, &ok), 0, now),
            Some(Duration::from_secs(20))
        );
        // Computed backoff never exceeds the cap.
        let small = RetryPolicy {
            max_retry_wait: Duration::from_millis(10),
            ..POLICY
        };
        assert!(retry_delay(&small, true, &st(500), 5, now).unwrap() <= Duration::from_millis(10));
    }
}
