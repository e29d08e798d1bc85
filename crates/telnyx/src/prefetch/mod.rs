//! Prefetching the pages of a list: how deep ([`Concurrency`]), the adaptive controller that
//! picks the depth for [`Concurrency::Auto`], the stream that fetches ahead in order, and
//! what it observed ([`PrefetchStats`]).
//!
//! The controller (`controller.rs`) is a pure state machine of observations (latency,
//! status, `x-ratelimit-*` headers, `Retry-After`, whether the consumer was waiting); the
//! stream (`stream.rs`) feeds it and obeys it.

mod controller;
mod stream;

pub(crate) use controller::{Controller, Observation};
pub(crate) use stream::{PrefetchStream, Shared};

/// How many pages a list stream fetches ahead of the consumer.
///
/// `Fixed(n)` keeps up to `n` pages in flight (`.concurrency(4)` is `Fixed(4)`, through
/// `From<usize>`); `Fixed(1)`, the default, fetches one page at a time. `Auto` lets the SDK
/// find the depth: it starts at 2, deepens (up to 16, or `AutoUpTo(n)`) while the consumer
/// waits on the network and answers come back fast and healthy, and backs off when answers
/// slow down, on a 429 or 503 (no new request before `Retry-After`), or before one, when the
/// `x-ratelimit-*` headers say the budget is nearly spent (it then paces requests to stay
/// under `x-ratelimit-limit`). Without those headers it works from latency and errors alone.
/// Items come out in order either way, and at most `depth` pages are held in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concurrency {
    /// Up to this many pages in flight (at least 1).
    Fixed(usize),
    /// Adaptive, up to [`DEFAULT_MAX_AUTO_DEPTH`] (16) pages in flight.
    Auto,
    /// Adaptive, up to this many pages in flight (at least 1).
    AutoUpTo(usize),
}

/// The upper bound of [`Concurrency::Auto`]: 16 pages in flight.
pub const DEFAULT_MAX_AUTO_DEPTH: usize = 16;

impl Default for Concurrency {
    /// `Fixed(1)`: one page at a time, the request pattern of the official SDKs.
    fn default() -> Self {
        Concurrency::Fixed(1)
    }
}

impl From<usize> for Concurrency {
    /// `Fixed(pages)`, 0 read as 1.
    fn from(pages: usize) -> Self {
        Concurrency::Fixed(pages.max(1))
    }
}

impl Concurrency {
    /// The most pages this mode keeps in flight.
    pub fn max_depth(&self) -> usize {
        match *self {
            Concurrency::Fixed(n) | Concurrency::AutoUpTo(n) => n.max(1),
            Concurrency::Auto => DEFAULT_MAX_AUTO_DEPTH,
        }
    }

    /// True for `Auto` and `AutoUpTo`.
    pub fn is_adaptive(&self) -> bool {
        !matches!(self, Concurrency::Fixed(_))
    }

    /// True when pages are fetched ahead (a fixed depth above 1, or adaptive).
    pub(crate) fn prefetches(&self) -> bool {
        self.is_adaptive() || self.max_depth() > 1
    }
}

/// What a list stream observed so far: read it with `.stats()` on the stream
/// ([`ItemStream::stats`](crate::ItemStream::stats), [`PageStream::stats`](crate::PageStream::stats)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrefetchStats {
    /// HTTP attempts answered or failed (retries included).
    pub requests: u64,
    /// Attempts answered 429 Too Many Requests.
    pub rate_limited: u64,
    /// Attempts answered 429 or 503 (the ones that make the controller back off and wait).
    pub throttled: u64,
    /// Other failed attempts: 5xx other than 503, connection errors, timeouts.
    pub errors: u64,
    /// Pages in flight allowed now.
    pub depth: usize,
    /// The deepest the stream went.
    pub max_depth: usize,
    /// Times the controller lowered the depth.
    pub backoffs: u64,
}
