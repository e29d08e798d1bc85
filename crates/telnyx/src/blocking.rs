//! A blocking client (cargo feature `blocking`): the same operations, errors and retries as
//! the async [`Client`](crate::Client), for a plain `fn main` with no async runtime.
//!
//! ```no_run
//! use telnyx::blocking::Client;
//! use telnyx::AuditEventListParams;
//!
//! fn main() -> telnyx::Result<()> {
//!     let client = Client::from_env()?;
//!     let balance = client.balance().retrieve().send()?;
//!     println!("balance: {:?}", balance.balance);
//!     // A list is an Iterator over every item across pages (or `.pages()` for pages).
//!     for event in client.audit_events().list(AuditEventListParams::default()) {
//!         println!("{:?}", event?.change_type);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! The client owns a single-threaded tokio runtime on its own thread (like
//! `reqwest::blocking`) and runs each call there, so every rule of the async client holds
//! unchanged (retries, idempotency keys, timeouts, paging guards, [`Error`] and its
//! predicates). It is cheap to clone and may be shared across threads; the runtime thread
//! stops when the last clone is dropped. It works from any thread; in async code prefer the
//! async [`Client`](crate::Client), since a blocking call holds its thread.

use std::collections::VecDeque;
use std::fmt;
use std::future::IntoFuture;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::options::{request_option_setters, RequestOptions};
use crate::prefetch::PrefetchStats;
use crate::resources::{
    AuditEvent, AuditEventListParams, AutoRechargePref, AutoRechargePrefUpdate, Balance,
    ChargesBreakdown, ChargesBreakdownParams, ChargesSummary, ChargesSummaryParams, DetailRecord,
    DetailRecordListParams, Invoice, InvoiceAction, InvoiceDetail, InvoiceListParams,
    StoredPaymentTransaction, UserTagListParams, UserTags, WebhookDelivery,
    WebhookDeliveryListParams,
};
use crate::response::ResponseMeta;

/// Runs futures on the client's own runtime, on its own thread, and waits for them.
#[derive(Clone)]
struct Runner {
    handle: tokio::runtime::Handle,
    _thread: Arc<RuntimeThread>,
}

/// The thread driving the runtime; it stops when the last clone of the client is dropped.
struct RuntimeThread {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    join: Option<std::thread::JoinHandle<()>>,
}

impl Drop for RuntimeThread {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(join) = self.join.take() {
            let _ = join.join();
        }
    }
}

impl Runner {
    fn new() -> Result<Runner> {
        let failed = |e: std::io::Error| {
            Error::setup(format!(
                "could not start the blocking client's runtime: {e}"
            ))
            .with_source(e)
        };
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let join = std::thread::Builder::new()
            .name("telnyx-blocking".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        let _ = handle_tx.send(Ok(runtime.handle().clone()));
                        // Serves spawned calls (and idle connections) until told to stop.
                        runtime.block_on(async {
                            let _ = stopped.await;
                        });
                    }
                    Err(e) => {
                        let _ = handle_tx.send(Err(e));
                    }
                }
            })
            .map_err(failed)?;
        let handle = match handle_rx.recv() {
            Ok(Ok(handle)) => handle,
            Ok(Err(e)) => return Err(failed(e)),
            Err(_) => {
                return Err(Error::setup(
                    "the blocking client's runtime thread exited before starting",
                ))
            }
        };
        Ok(Runner {
            handle,
            _thread: Arc::new(RuntimeThread {
                stop: Some(stop),
                join: Some(join),
            }),
        })
    }

    /// Runs `future` on the runtime thread and blocks this thread until it is done. Works
    /// from any thread, an async runtime's included (where it blocks that worker, as any
    /// blocking call does).
    fn run<F, T>(&self, future: F) -> Result<T>
    where
        F: IntoFuture<Output = Result<T>>,
        F::IntoFuture: Send + 'static,
        T: Send + 'static,
    {
        let task = self.handle.spawn(future.into_future());
        match futures::executor::block_on(task) {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(Error::connection(
                "the blocking client's runtime stopped before the call finished",
                e,
            )),
        }
    }
}

/// A blocking Telnyx API client: [`crate::Client`]'s operations, each returning a request
/// that runs when you call `.send()` (or iterate it, for lists).
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runner: Runner,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}

impl Client {
    /// A client for the production API with this key (see [`crate::Client::new`]).
    pub fn new(api_key: impl Into<String>) -> Result<Client> {
        Client::from_async(crate::Client::new(api_key)?)
    }

    /// A client from `TELNYX_API_KEY` and `TELNYX_BASE_URL` (see [`crate::Client::from_env`]).
    pub fn from_env() -> Result<Client> {
        Client::from_async(crate::Client::from_env()?)
    }

    /// A blocking client with the settings of `client` (build it with
    /// [`crate::Client::builder`] for full control).
    pub fn from_async(client: crate::Client) -> Result<Client> {
        Ok(Client {
            inner: client,
            runner: Runner::new()?,
        })
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }
}

/// An async call and its blocking counterpart, which runs it on the client's runtime.
trait IntoBlocking {
    /// The blocking type.
    type Blocking;
    /// Wraps the async call.
    fn into_blocking(self, runner: &Runner) -> Self::Blocking;
}

impl<T> IntoBlocking for crate::Request<T> {
    type Blocking = Request<T>;
    fn into_blocking(self, runner: &Runner) -> Request<T> {
        Request {
            inner: self,
            runner: runner.clone(),
        }
    }
}

impl<T> IntoBlocking for crate::ListRequest<T> {
    type Blocking = ListRequest<T>;
    fn into_blocking(self, runner: &Runner) -> ListRequest<T> {
        ListRequest {
            inner: self,
            runner: runner.clone(),
        }
    }
}

impl IntoBlocking for crate::InvoicePdfRequest {
    type Blocking = InvoicePdfRequest;
    fn into_blocking(self, runner: &Runner) -> InvoicePdfRequest {
        InvoicePdfRequest {
            inner: self,
            runner: runner.clone(),
        }
    }
}

/// Declares the blocking resource handles. Each wraps the async handle of the same name
/// (reached the same way, from the client or from a parent handle) and each method calls
/// the async method of the same name and wraps its call with [`IntoBlocking`]: no
/// operation is written twice.
macro_rules! blocking_handles {
    ($(
        $(#[$meta:meta])*
        $parent:ident :: $accessor:ident => $api:ident {
            $( $(#[$fmeta:meta])* fn $method:ident ( $($arg:ident : $ty:ty),* ) -> $out:ty; )*
        }
    )+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        pub struct $api<'a> {
            inner: crate::$api<'a>,
            client: &'a Client,
        }

        blocking_handles!(@accessor $parent $accessor $api $(#[$meta])*);

        impl $api<'_> {
            $(
                $(#[$fmeta])*
                pub fn $method(&self, $($arg: $ty),*) -> $out {
                    self.inner.$method($($arg),*).into_blocking(&self.client.runner)
                }
            )*
        }
    )+};
    (@accessor Client $accessor:ident $api:ident $(#[$meta:meta])*) => {
        impl Client {
            $(#[$meta])*
            pub fn $accessor(&self) -> $api<'_> {
                $api { inner: self.inner.$accessor(), client: self }
            }
        }
    };
    (@accessor $parent:ident $accessor:ident $api:ident $(#[$meta:meta])*) => {
        impl<'a> $parent<'a> {
            $(#[$meta])*
            pub fn $accessor(&self) -> $api<'a> {
                $api { inner: self.inner.$accessor(), client: self.client }
            }
        }
    };
}

blocking_handles! {
    /// The balance endpoint.
    Client::balance => BalanceApi {
        /// `GET /balance` (see [`crate::BalanceApi::retrieve`]).
        fn retrieve() -> Request<Balance>;
    }

    /// The charges summary endpoint.
    Client::charges_summary => ChargesSummaryApi {
        /// `GET /charges_summary` (see [`crate::ChargesSummaryApi::retrieve`]).
        fn retrieve(params: ChargesSummaryParams) -> Request<ChargesSummary>;
    }

    /// The charges breakdown endpoint.
    Client::charges_breakdown => ChargesBreakdownApi {
        /// `GET /charges_breakdown` (see [`crate::ChargesBreakdownApi::retrieve`]).
        fn retrieve(params: ChargesBreakdownParams) -> Request<ChargesBreakdown>;
        /// `GET /charges_breakdown?format=csv` (see [`crate::ChargesBreakdownApi::retrieve_csv`]).
        fn retrieve_csv(params: ChargesBreakdownParams) -> Request<String>;
    }

    /// The audit events endpoint.
    Client::audit_events => AuditEventsApi {
        /// `GET /audit_events` (see [`crate::AuditEventsApi::list`]).
        fn list(params: AuditEventListParams) -> ListRequest<AuditEvent>;
    }

    /// The detail records endpoint.
    Client::detail_records => DetailRecordsApi {
        /// `GET /detail_records` (see [`crate::DetailRecordsApi::list`]).
        fn list(params: DetailRecordListParams) -> ListRequest<DetailRecord>;
    }

    /// The webhook deliveries endpoint.
    Client::webhook_deliveries => WebhookDeliveriesApi {
        /// `GET /webhook_deliveries` (see [`crate::WebhookDeliveriesApi::list`]).
        fn list(params: WebhookDeliveryListParams) -> ListRequest<WebhookDelivery>;
        /// `GET /webhook_deliveries/{id}` (see [`crate::WebhookDeliveriesApi::retrieve`]).
        fn retrieve(id: &str) -> Request<WebhookDelivery>;
    }

    /// The user tags endpoint.
    Client::user_tags => UserTagsApi {
        /// `GET /user_tags` (see [`crate::UserTagsApi::list`]).
        fn list(params: UserTagListParams) -> Request<UserTags>;
    }

    /// The invoices endpoint.
    Client::invoices => InvoicesApi {
        /// `GET /invoices` (see [`crate::InvoicesApi::list`]).
        fn list(params: InvoiceListParams) -> ListRequest<Invoice>;
        /// `GET /invoices/{id}` (see [`crate::InvoicesApi::retrieve`]).
        fn retrieve(id: &str, action: Option<InvoiceAction>) -> Request<InvoiceDetail>;
        /// The invoice's PDF bytes (see [`crate::InvoicesApi::download_pdf`]).
        fn download_pdf(id: &str) -> InvoicePdfRequest;
    }

    /// The payment endpoints.
    Client::payment => PaymentApi {
        /// `POST /payment/stored_payment_transactions` (see
        /// [`crate::PaymentApi::create_stored_payment_transaction`]); pass an idempotency key.
        fn create_stored_payment_transaction(amount: impl Into<String>) -> Request<StoredPaymentTransaction>;
    }

    /// Auto-recharge preferences.
    PaymentApi::auto_recharge_prefs => AutoRechargePrefsApi {
        /// `GET /payment/auto_recharge_prefs` (see [`crate::AutoRechargePrefsApi::list`]).
        fn list() -> Request<AutoRechargePref>;
        /// `PATCH /payment/auto_recharge_prefs`: changes the set fields only (see
        /// [`crate::AutoRechargePrefsApi::update`]).
        fn update(update: AutoRechargePrefUpdate) -> Request<AutoRechargePref>;
    }
}

/// One blocking API call, built but not sent: [`send`](Request::send) it.
#[must_use = "a request does nothing until it is sent"]
pub struct Request<T> {
    inner: crate::Request<T>,
    runner: Runner,
}

impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<T: Send + 'static> Request<T> {
    fn map_options(self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        let options = f(RequestOptions::new());
        Request {
            inner: self.inner.options(&options),
            runner: self.runner,
        }
    }

    request_option_setters!();

    /// Sends `Idempotency-Key: <key>` on every attempt (see
    /// [`crate::Request::idempotency_key`]).
    pub fn idempotency_key(self, key: impl AsRef<str>) -> Self {
        Request {
            inner: self.inner.idempotency_key(key),
            runner: self.runner,
        }
    }

    /// Sends the request (with retries) and decodes the response.
    pub fn send(self) -> Result<T> {
        self.runner.run(self.inner)
    }

    /// Sends the request and returns the value with its [`ResponseMeta`].
    pub fn with_response(self) -> Result<(T, ResponseMeta)> {
        self.runner.run(self.inner.with_response())
    }
}

/// The blocking download of an invoice PDF, from [`InvoicesApi::download_pdf`].
#[must_use = "a request does nothing until it is sent"]
pub struct InvoicePdfRequest {
    inner: crate::InvoicePdfRequest,
    runner: Runner,
}

impl fmt::Debug for InvoicePdfRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl InvoicePdfRequest {
    fn map_options(self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        let options = f(RequestOptions::new());
        InvoicePdfRequest {
            inner: self.inner.options(&options),
            runner: self.runner,
        }
    }

    request_option_setters!();

    /// Sends both requests and returns the PDF bytes.
    pub fn send(self) -> Result<Bytes> {
        self.runner.run(self.inner)
    }
}

/// A blocking paginated call: [`send`](ListRequest::send) for the first page, or iterate
/// every item ([`items`](ListRequest::items), also `for item in list`) or every page
/// ([`pages`](ListRequest::pages)), fetched lazily as the iterator advances.
#[must_use = "a list request does nothing until it is sent or iterated"]
pub struct ListRequest<T> {
    inner: crate::ListRequest<T>,
    runner: Runner,
}

impl<T> fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    fn map_options(self, f: impl FnOnce(RequestOptions) -> RequestOptions) -> Self {
        let options = f(RequestOptions::new());
        ListRequest {
            inner: self.inner.options(&options),
            runner: self.runner,
        }
    }

    request_option_setters!();

    /// How many pages to fetch ahead of the consumer: a number or
    /// [`Concurrency::Auto`](crate::Concurrency::Auto) (see
    /// [`crate::ListRequest::concurrency`]).
    pub fn concurrency(self, pages: impl Into<crate::Concurrency>) -> Self {
        ListRequest {
            inner: self.inner.concurrency(pages),
            runner: self.runner,
        }
    }

    /// Fetches the first page.
    pub fn send(self) -> Result<Page<T>> {
        let runner = self.runner.clone();
        self.runner
            .run(self.inner)
            .map(|inner| Page { inner, runner })
    }

    /// Every page, fetched as the iterator advances; it ends after the first error.
    pub fn pages(self) -> Pages<T> {
        let stream = self.inner.into_pages();
        Pages {
            stats: stream.stats(),
            stream: Some(stream),
            runner: self.runner,
        }
    }

    /// Every item of every page, fetched as the iterator advances; it ends after the first
    /// error.
    pub fn items(self) -> Items<T> {
        Items {
            pages: self.pages(),
            current: VecDeque::new(),
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoIterator for ListRequest<T> {
    type Item = Result<T>;
    type IntoIter = Items<T>;

    fn into_iter(self) -> Items<T> {
        self.items()
    }
}

/// One page of a blocking list: its items, `meta` and [`ResponseMeta`] (through `Deref` to
/// [`crate::Page`]), and a blocking [`next_page`](Page::next_page).
pub struct Page<T> {
    inner: crate::Page<T>,
    runner: Runner,
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<T> std::ops::Deref for Page<T> {
    type Target = crate::Page<T>;
    fn deref(&self) -> &crate::Page<T> {
        &self.inner
    }
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    /// Fetches the following page: `Ok(None)` after the last one.
    pub fn next_page(&self) -> Result<Option<Page<T>>> {
        let next = self.runner.run(self.inner.next_page_owned())?;
        Ok(next.map(|inner| Page {
            inner,
            runner: self.runner.clone(),
        }))
    }

    /// The items of this page.
    pub fn into_data(self) -> Vec<T> {
        self.inner.data
    }
}

/// Every page of a blocking list, from [`ListRequest::pages`].
pub struct Pages<T> {
    stream: Option<crate::PageStream<T>>,
    /// The stream's stats after the last step (kept when the stream ends).
    stats: PrefetchStats,
    runner: Runner,
}

impl<T> Pages<T> {
    /// What the list observed so far (see [`crate::PageStream::stats`]).
    pub fn stats(&self) -> PrefetchStats {
        self.stream.as_ref().map_or(self.stats, |s| s.stats())
    }
}

impl<T> Items<T> {
    /// What the list observed so far (see [`crate::ItemStream::stats`]).
    pub fn stats(&self) -> PrefetchStats {
        self.pages.stats()
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("done", &self.stream.is_none())
            .finish()
    }
}

impl<T: Send + 'static> Iterator for Pages<T> {
    type Item = Result<Page<T>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut stream = self.stream.take()?;
        // The stream travels to the runtime thread for one step and comes back.
        let step = self
            .runner
            .run(async move { Ok((stream.next().await, stream)) });
        if let Ok((_, stream)) = &step {
            self.stats = stream.stats();
        }
        match step {
            Ok((Some(Ok(inner)), stream)) => {
                self.stream = Some(stream);
                Some(Ok(Page {
                    inner,
                    runner: self.runner.clone(),
                }))
            }
            Ok((Some(Err(e)), _)) | Err(e) => Some(Err(e)),
            Ok((None, _)) => None,
        }
    }
}

/// Every item of a blocking list, from [`ListRequest::items`].
pub struct Items<T> {
    pages: Pages<T>,
    current: VecDeque<T>,
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.current.len())
            .field("pages", &self.pages)
            .finish()
    }
}

impl<T: Send + 'static> Iterator for Items<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        loop {
            if let Some(item) = self.current.pop_front() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.current = page.inner.data.into(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
