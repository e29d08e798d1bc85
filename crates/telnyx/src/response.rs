//! [`ResponseMeta`]: what a successful response said besides its body.

use std::fmt;

use http::HeaderMap;

use crate::error::RateLimit;

/// The status, headers, request id and rate-limit figures of a successful response.
///
/// Get it with the decoded value from [`Request::with_response`](crate::Request::with_response),
/// or from every page of a list with [`Page::response`](crate::Page::response):
///
/// ```no_run
/// # async fn run(client: telnyx::Client) -> telnyx::Result<()> {
/// let (balance, response) = client.balance().retrieve().with_response().await?;
/// if let Some(remaining) = response.rate_limit().and_then(|r| r.remaining) {
///     println!("{remaining} requests left in this window");
/// }
/// println!("{:?} (request id {:?})", balance.balance, response.request_id());
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq)]
pub struct ResponseMeta {
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    rate_limit: Option<RateLimit>,
}

impl ResponseMeta {
    pub(crate) fn new(status: u16, headers: &HeaderMap) -> ResponseMeta {
        ResponseMeta {
            status,
            headers: headers.clone(),
            request_id: crate::error::request_id_from(headers),
            rate_limit: RateLimit::from_headers(headers),
        }
    }

    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Every response header, as received.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The server's request id (`x-request-id`, `request-id` or `x-telnyx-request-id`), to
    /// quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `x-ratelimit-*` figures, when the server sent any: pace a loop by
    /// [`remaining`](RateLimit::remaining) and [`reset`](RateLimit::reset).
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }
}

impl fmt::Debug for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header names only: a value (a cookie, say) may be sensitive.
        f.debug_struct("ResponseMeta")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("rate_limit", &self.rate_limit)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}
