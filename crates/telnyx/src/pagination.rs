//! [`ListRequest`], [`Page`] and the auto-paginating streams.
//!
//! The first request sends the caller's query as built. Each later request repeats the same
//! query with `page[number]` set to the previous `meta.page_number + 1` (replaced in place
//! when the caller set it, else appended). A sequence ends on an empty page or when
//! `meta.page_number >= meta.total_pages`.
//!
//! Guards (the official SDKs loop forever in these cases):
//! - a later page whose `meta.page_number` is not the one asked for ends the sequence with a
//!   [`Decode`](crate::ErrorKind::Decode) error: "server did not advance pagination: asked
//!   for page 3, got page 1";
//! - a non-empty page without `meta` (or without `meta.page_number`) is yielded, then the
//!   sequence ends with a `Decode` error, because more pages may exist and the SDK cannot
//!   tell which one to ask for. An empty page without `meta` simply ends the sequence, and
//!   so does a page whose `meta.total_pages` is 0 or 1.

use std::fmt;
use std::future::{ready, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt};
use http::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::options::{request_option_setters, RequestOptions};
use crate::prefetch::{Concurrency, PrefetchStats, PrefetchStream, Shared};
use crate::query::Query;
use crate::request::{decode_json, execute, BoxFuture, RequestSpec};
use crate::response::ResponseMeta;
use crate::violation::Violation;

/// The query parameter that selects a page.
const PAGE_NUMBER: &str = "page[number]";

/// The `meta` object of a list response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageMeta {
    /// The 1-based number of this page.
    #[serde(default)]
    pub page_number: Option<u64>,
    /// Items per page.
    #[serde(default)]
    pub page_size: Option<u64>,
    /// How many pages there are.
    #[serde(default)]
    pub total_pages: Option<u64>,
    /// How many items there are across all pages.
    #[serde(default)]
    pub total_results: Option<u64>,
}

#[derive(Deserialize)]
struct ListEnvelope<T> {
    data: Vec<T>,
    #[serde(default)]
    meta: Option<PageMeta>,
}

/// Decodes `{"data": [T], "meta": {...}}`.
pub(crate) fn decode_page<T: DeserializeOwned>(body: &[u8]) -> Result<(Vec<T>, Option<PageMeta>)> {
    decode_json::<ListEnvelope<T>>(body).map(|env| (env.data, env.meta))
}

/// What a list call needs to fetch any of its pages.
struct ListContext {
    client: Client,
    spec: RequestSpec,
}

/// One page of a list: its items and `meta`.
///
/// Ask for the following page with [`next_page`](Page::next_page), or iterate every item
/// with [`ListRequest::into_stream`].
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// Paging information, as the server sent it.
    pub meta: Option<PageMeta>,
    response: ResponseMeta,
    ctx: Arc<ListContext>,
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("data", &self.data)
            .field("meta", &self.meta)
            .finish()
    }
}

impl<T: Clone> Clone for Page<T> {
    fn clone(&self) -> Self {
        Page {
            data: self.data.clone(),
            meta: self.meta,
            response: self.response.clone(),
            ctx: Arc::clone(&self.ctx),
        }
    }
}

/// What comes after a page.
enum NextStep {
    Done,
    Fetch(u64),
    Stuck(Error),
}

impl<T> Page<T> {
    /// The status, headers, request id and rate-limit figures of the response that carried
    /// this page.
    pub fn response(&self) -> &ResponseMeta {
        &self.response
    }

    /// `meta.total_results`, if the server sent it.
    pub fn total_results(&self) -> Option<u64> {
        self.meta.and_then(|m| m.total_results)
    }

    /// True when a following page exists and can be asked for.
    pub fn has_next_page(&self) -> bool {
        matches!(self.next_step(), NextStep::Fetch(_))
    }

    fn next_step(&self) -> NextStep {
        if self.data.is_empty() {
            return NextStep::Done;
        }
        let Some(meta) = self.meta else {
            return NextStep::Stuck(Error::decode(format!(
                "the list response has no `meta`, so the SDK cannot tell whether more pages \
                 exist; stopped after a page of {} items instead of guessing (the server \
                 must send meta.page_number and meta.total_pages)",
                self.data.len()
            )));
        };
        match (meta.page_number, meta.total_pages) {
            (_, Some(total)) if total <= 1 => NextStep::Done,
            (Some(number), Some(total)) if number >= total => NextStep::Done,
            (Some(number), _) => match number.checked_add(1) {
                Some(next) => NextStep::Fetch(next),
                None => NextStep::Done,
            },
            (None, _) => NextStep::Stuck(Error::decode(
                "the list response has no `meta.page_number`, so the SDK cannot tell which \
                 page to ask for next; stopped instead of guessing",
            )),
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    /// Fetches the following page: `Ok(None)` after the last one.
    ///
    /// Fails with a [`Decode`](crate::ErrorKind::Decode) error when the server's `meta` does
    /// not allow a safe next request (see the [module rules](crate::ListRequest)).
    pub async fn next_page(&self) -> Result<Option<Page<T>>> {
        self.next_page_owned().await
    }

    /// [`next_page`](Page::next_page) as a future that does not borrow the page.
    pub(crate) fn next_page_owned(&self) -> BoxFuture<Result<Option<Page<T>>>> {
        match self.next_step() {
            NextStep::Done => Box::pin(ready(Ok(None))),
            NextStep::Stuck(e) => Box::pin(ready(Err(e.with_operation(self.ctx.spec.operation())))),
            NextStep::Fetch(n) => {
                let ctx = Arc::clone(&self.ctx);
                Box::pin(async move { fetch_page(ctx, Some(n)).await.map(Some) })
            }
        }
    }
}

/// Fetches one page: the query as built when `page_number` is `None`, else with
/// `page[number]` set, checking that the server served that page.
async fn fetch_page<T: DeserializeOwned>(
    ctx: Arc<ListContext>,
    page_number: Option<u64>,
) -> Result<Page<T>> {
    let raw = match page_number {
        None => execute(&ctx.client, &ctx.spec).await?,
        Some(n) => {
            let mut spec = ctx.spec.clone();
            spec.query.set(PAGE_NUMBER, n.to_string());
            execute(&ctx.client, &spec).await?
        }
    };
    let (data, meta) = decode_page::<T>(&raw.body).map_err(|e| {
        e.with_operation(ctx.spec.operation())
            .with_response_headers(&raw.headers)
    })?;
    if let Some(asked) = page_number {
        if !data.is_empty() {
            let got = meta.and_then(|m| m.page_number);
            if got != Some(asked) {
                let got = match got {
                    Some(g) => format!("page {g}"),
                    None => "a page without meta.page_number".to_owned(),
                };
                return Err(Error::decode(format!(
                    "server did not advance pagination: asked for page {asked}, got {got}"
                ))
                .with_operation(ctx.spec.operation())
                .with_response_headers(&raw.headers));
            }
        }
    }
    Ok(Page {
        data,
        meta,
        response: ResponseMeta::new(raw.status, &raw.headers),
        ctx,
    })
}

/// A paginated API call, built but not sent.
///
/// Await it for the first page, or turn it into a stream of every item
/// ([`into_stream`](ListRequest::into_stream)) or every page
/// ([`into_pages`](ListRequest::into_pages)). Every page is fetched with the same filters and
/// the same retry rules as [`Request`](crate::Request).
///
/// Paging rules: the first request sends the query as built; each later one repeats it with
/// `page[number] = meta.page_number + 1`. The sequence ends on an empty page or when
/// `page_number >= total_pages`. Instead of looping, it ends with a
/// [`Decode`](crate::ErrorKind::Decode) error when the server serves another page than the
/// one asked for ("server did not advance pagination: asked for page 3, got page 1"), or when
/// a non-empty page has no `meta.page_number` (its items are yielded first).
///
/// ```no_run
/// # async fn run(list: telnyx::ListRequest<serde_json::Value>) -> telnyx::Result<()> {
/// use futures::StreamExt;
/// let mut items = list.concurrency(4).into_stream();
/// while let Some(item) = items.next().await {
///     let item = item?;
/// }
/// # Ok(()) }
/// ```
#[must_use = "a list request does nothing until it is awaited or streamed"]
pub struct ListRequest<T> {
    client: Client,
    spec: Result<RequestSpec>,
    concurrency: Concurrency,
    _item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ListRequest");
        match &self.spec {
            Ok(spec) => d
                .field("path", &spec.path)
                .field("query", &spec.query.encode())
                .field("options", &spec.options),
            Err(e) => d.field("invalid", e),
        };
        d.field("concurrency", &self.concurrency).finish()
    }
}

/// The list call of every list endpoint: a `GET` of `path` with the checked `query`, or a
/// list that yields the violation without any I/O.
pub(crate) fn list<T>(
    client: &Client,
    path: &'static str,
    query: std::result::Result<Query, Violation>,
) -> ListRequest<T> {
    match query {
        Ok(query) => ListRequest::new(client.clone(), path, query),
        Err(violation) => ListRequest::invalid(client.clone(), Error::invalid_request(violation)),
    }
}

impl<T> ListRequest<T> {
    /// A `GET` of `path` (relative to the base URL) with `query`, answered with
    /// `{"data": [T], "meta": {...}}`. Not part of the API (see `request.rs`).
    #[doc(hidden)]
    pub fn new(client: Client, path: impl Into<String>, query: Query) -> Self {
        ListRequest {
            client,
            spec: Ok(RequestSpec::new(Method::GET, path.into(), query)),
            concurrency: Concurrency::default(),
            _item: PhantomData,
        }
    }

    /// A list call that failed validation: awaiting or streaming it yields `error` without
    /// any I/O. Not part of the API (see `request.rs`).
    #[doc(hidden)]
    pub fn invalid(client: Client, error: Error) -> Self {
        ListRequest {
            client,
            spec: Err(error),
            concurrency: Concurrency::default(),
            _item: PhantomData,
        }
    }

    fn map_options(mut self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        if let Ok(spec) = &mut self.spec {
            spec.options = f(std::mem::take(&mut spec.options));
        }
        self
    }

    // Every page is fetched with these settings.
    request_option_setters!();

    /// How many pages to fetch ahead of the consumer: a number (`.concurrency(4)`, a fixed
    /// depth) or [`Concurrency::Auto`] (the SDK finds the depth, up to 16, and backs off
    /// before the rate limit). Default: 1, one page at a time.
    ///
    /// Prefetching starts after the first page, once `meta.total_pages` is known, and covers
    /// the pages up to that total. Items still come out in order, and at most `depth` pages
    /// are held (in flight or fetched and not yet consumed). What the stream observed
    /// (requests, 429s, depth reached) is on [`ItemStream::stats`] / [`PageStream::stats`].
    ///
    /// Each prefetched page is fetched and decoded in its own `tokio::spawn`ed task, so on a
    /// multi-threaded runtime (`#[tokio::main]`) several pages are decoded at once, off the
    /// consumer's task; the tasks are aborted when the stream is dropped.
    ///
    /// ```no_run
    /// # async fn run(list: telnyx::ListRequest<serde_json::Value>) -> telnyx::Result<()> {
    /// use futures::StreamExt;
    /// use telnyx::Concurrency;
    /// let mut items = list.concurrency(Concurrency::Auto).into_stream();
    /// while let Some(item) = items.next().await {
    ///     let item = item?;
    /// }
    /// let stats = items.stats();
    /// println!("{} requests, {} answered 429, depth up to {}", stats.requests, stats.rate_limited, stats.max_depth);
    /// # Ok(()) }
    /// ```
    pub fn concurrency(mut self, pages: impl Into<Concurrency>) -> Self {
        self.concurrency = pages.into();
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    /// Fetches the first page.
    pub async fn send(self) -> Result<Page<T>> {
        let spec = self.spec?;
        fetch_page(
            Arc::new(ListContext {
                client: self.client,
                spec,
            }),
            None,
        )
        .await
    }

    /// Every page, fetched lazily as the stream is polled.
    pub fn into_pages(self) -> PageStream<T> {
        let shared = Shared::new(self.concurrency);
        let stats = Arc::clone(&shared);
        let ctx = match self.spec {
            Ok(mut spec) => {
                spec.on_attempt = Some(shared.observer());
                Arc::new(ListContext {
                    client: self.client,
                    spec,
                })
            }
            Err(e) => {
                return PageStream {
                    inner: stream::once(ready(Err(e))).boxed(),
                    stats,
                }
            }
        };
        let prefetch = self.concurrency.prefetches();
        let inner = stream::once(fetch_page::<T>(Arc::clone(&ctx), None))
            .flat_map(move |first| -> BoxStream<'static, Result<Page<T>>> {
                let page = match first {
                    Ok(page) => page,
                    Err(e) => return stream::once(ready(Err(e))).boxed(),
                };
                let step = page.next_step();
                let total = page.meta.and_then(|m| m.total_pages);
                let head = stream::once(ready(Ok(page)));
                match (step, total) {
                    (NextStep::Done, _) => head.boxed(),
                    (NextStep::Stuck(e), _) => {
                        let e = e.with_operation(ctx.spec.operation());
                        head.chain(stream::once(ready(Err(e)))).boxed()
                    }
                    (NextStep::Fetch(next), Some(total)) if prefetch => head
                        .chain(prefetched(
                            Arc::clone(&ctx),
                            next,
                            total,
                            Arc::clone(&shared),
                        ))
                        .boxed(),
                    (NextStep::Fetch(next), _) => {
                        head.chain(sequential(Arc::clone(&ctx), next)).boxed()
                    }
                }
            })
            .boxed();
        PageStream { inner, stats }
    }

    /// Every item of every page, fetched lazily as the stream is polled.
    pub fn into_stream(self) -> ItemStream<T> {
        let pages = self.into_pages();
        let stats = Arc::clone(&pages.stats);
        let inner = pages
            .flat_map(|page| match page {
                Ok(page) => stream::iter(page.data.into_iter().map(Ok)).left_stream(),
                Err(e) => stream::once(ready(Err(e))).right_stream(),
            })
            .boxed();
        ItemStream { inner, stats }
    }
}

/// Every page of a list, from [`ListRequest::into_pages`]: a `Stream` of `Result<Page<T>>`
/// that also tells what it observed ([`stats`](PageStream::stats)).
#[must_use = "a stream does nothing unless polled"]
pub struct PageStream<T> {
    inner: BoxStream<'static, Result<Page<T>>>,
    stats: Arc<Shared>,
}

/// Every item of a list, from [`ListRequest::into_stream`]: a `Stream` of `Result<T>` that
/// also tells what it observed ([`stats`](ItemStream::stats)).
#[must_use = "a stream does nothing unless polled"]
pub struct ItemStream<T> {
    inner: BoxStream<'static, Result<T>>,
    stats: Arc<Shared>,
}

impl<T> PageStream<T> {
    /// What the stream observed so far: requests, 429/503 answers, errors, the prefetch
    /// depth now and the deepest it went.
    pub fn stats(&self) -> PrefetchStats {
        self.stats.stats()
    }
}

impl<T> ItemStream<T> {
    /// What the stream observed so far: requests, 429/503 answers, errors, the prefetch
    /// depth now and the deepest it went.
    pub fn stats(&self) -> PrefetchStats {
        self.stats.stats()
    }
}

impl<T> Stream for PageStream<T> {
    type Item = Result<Page<T>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("stats", &self.stats())
            .finish()
    }
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("stats", &self.stats())
            .finish()
    }
}

/// Pages `next`, `next + 1`, ... one at a time, following each page's `meta`.
fn sequential<T: DeserializeOwned + Send + 'static>(
    ctx: Arc<ListContext>,
    next: u64,
) -> BoxStream<'static, Result<Page<T>>> {
    enum State {
        Fetch(Arc<ListContext>, u64),
        Fail(Error),
        Done,
    }
    stream::unfold(State::Fetch(ctx, next), |state| async move {
        match state {
            State::Done => None,
            State::Fail(e) => Some((Err(e), State::Done)),
            State::Fetch(ctx, n) => match fetch_page::<T>(Arc::clone(&ctx), Some(n)).await {
                Err(e) => Some((Err(e), State::Done)),
                Ok(page) if page.data.is_empty() => None,
                Ok(page) => {
                    let following = match page.next_step() {
                        NextStep::Done => State::Done,
                        NextStep::Fetch(m) => State::Fetch(ctx, m),
                        NextStep::Stuck(e) => State::Fail(e.with_operation(ctx.spec.operation())),
                    };
                    Some((Ok(page), following))
                }
            },
        }
    })
    .boxed()
}

/// Pages `next..=total`, fetched ahead as deep as `shared`'s controller allows, in order;
/// ends after an error or an empty page (see `prefetch/stream.rs`).
fn prefetched<T: DeserializeOwned + Send + 'static>(
    ctx: Arc<ListContext>,
    next: u64,
    total: u64,
    shared: Arc<Shared>,
) -> BoxStream<'static, Result<Page<T>>> {
    let fetch = Arc::new(move |n: u64| -> BoxFuture<Result<Page<T>>> {
        Box::pin(fetch_page::<T>(Arc::clone(&ctx), Some(n)))
    });
    PrefetchStream::new(
        fetch,
        |page: &Page<T>| page.data.is_empty(),
        next,
        total,
        shared,
    )
    .boxed()
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for ListRequest<T> {
    type Output = Result<Page<T>>;
    type IntoFuture = BoxFuture<Result<Page<T>>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
