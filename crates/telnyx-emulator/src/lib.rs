//! A stateful local Telnyx Account API server for offline development and tests.
//!
//! Every distinct bearer key is an isolated account, created on first use and seeded
//! deterministically from the key and [`EmulatorConfig::seed`]. Reads are served from memory
//! (one lock per account, never a global write lock); with [`EmulatorConfig::db_path`] every
//! acknowledged write is committed to SQLite before the response is sent.
//!
//! Embedding it in a test:
//!
//! ```no_run
//! use telnyx_emulator::{Emulator, EmulatorConfig};
//!
//! # async fn demo() -> Result<(), telnyx_emulator::EmulatorError> {
//! let emu = Emulator::start(EmulatorConfig::default()).await?; // binds 127.0.0.1:0
//! let base = emu.base_url(); // "http://127.0.0.1:PORT/v2"
//! // ... point a client at `base` with any bearer key ...
//! # let _ = base;
//! emu.shutdown().await;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod args;
pub mod config;
pub(crate) mod console;
pub(crate) mod control;
pub(crate) mod delivery;
pub(crate) mod domain;
pub(crate) mod error;
pub(crate) mod ledger;
pub(crate) mod model;
pub(crate) mod query;
pub(crate) mod response;
pub(crate) mod routes;
pub(crate) mod seed;
pub(crate) mod server;
pub(crate) mod state;
pub(crate) mod store;
pub(crate) mod util;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A typed client of a running emulator's control API (`/_emulator/...`).
pub use control::client as control_client;

pub use args::ServerArgs;
pub use config::{
    parse_advance, parse_rate_limit, parse_start_time, parse_webhook_timeout, Advance,
    AdvanceReport, EmulatorConfig, EmulatorError, SeedReport, SeedRequest, WebhookOptions,
    WebhookSigningKey, DEFAULT_WEBHOOK_QUEUE, DEFAULT_WEBHOOK_TIMEOUT, DEMO_API_KEY,
};

/// A running emulator. Dropping it also stops the server.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    app: Arc<state::App>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Binds, and returns once the server is ready to serve.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        let store = store::Store::open(config.db_path.as_deref(), config.seed, config.start_time)?;
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr()?;
        let deliveries = delivery::Deliveries::new(config.webhooks.clone(), config.seed)?;
        let app = Arc::new(state::App::new(config, store, addr, deliveries));
        app.deliveries.start(&app.store);
        let router = server::router(app.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let res = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = res {
                tracing::error!(error = %e, "server error");
            }
        });
        Ok(Emulator {
            addr,
            app,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL, `http://127.0.0.1:PORT/v2`.
    pub fn base_url(&self) -> String {
        format!("{}/v2", self.app.origin)
    }

    /// The web console's URL, `http://127.0.0.1:PORT/console` (`None` with `--no-console`).
    pub fn console_url(&self) -> Option<String> {
        self.app
            .config
            .console
            .then(|| format!("{}/console", self.app.origin))
    }

    /// Stops accepting connections and waits (up to 5 s) for in-flight requests; then stops
    /// webhook delivery, waiting up to [`WebhookOptions::drain_timeout`] for queued events
    /// and recording those still unsent as failed deliveries with no attempt.
    pub async fn shutdown(mut self) {
        self.app.stopping.send_replace(true);
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        self.app.deliveries.shutdown().await;
    }

    /// (Re)seeds the account of `api_key` at the requested size, replacing its state.
    pub async fn seed_account(
        &self,
        api_key: &str,
        req: SeedRequest,
    ) -> Result<SeedReport, EmulatorError> {
        let app = self.app.clone();
        let key = api_key.to_string();
        tokio::task::spawn_blocking(move || app.store.reseed(&key, req))
            .await
            .map_err(|e| EmulatorError::Io(std::io::Error::other(e.to_string())))?
    }
}

impl Emulator {
    /// Sets the traffic profile of the account of `api_key` (records per virtual day by
    /// `filter[record_type]` name, e.g. `[("messaging", 500)]`); types not listed generate none.
    pub async fn set_traffic(
        &self,
        api_key: &str,
        per_day: &[(&str, u32)],
    ) -> Result<(), EmulatorError> {
        let acct = self.app.control_account(api_key).map_err(invalid)?;
        let pairs: Vec<(String, i64)> = per_day
            .iter()
            .map(|(k, v)| ((*k).to_string(), i64::from(*v)))
            .collect();
        self.app
            .store
            .set_traffic(&acct, &pairs)
            .map(|_| ())
            .map_err(invalid)
    }

    /// Moves the clock of the account of `api_key`, generating the interval; the same report
    /// as `POST /_emulator/clock/advance`.
    pub async fn advance_clock(
        &self,
        api_key: &str,
        by: Advance,
    ) -> Result<AdvanceReport, EmulatorError> {
        let acct = self.app.control_account(api_key).map_err(invalid)?;
        let to = match by {
            Advance::Days(n) => domain::clock::AdvanceTo::Days(n),
            Advance::To(t) => domain::clock::AdvanceTo::At(t),
        };
        let app = self.app.clone();
        tokio::task::spawn_blocking(move || app.advance(&acct, to))
            .await
            .map_err(|e| EmulatorError::Io(std::io::Error::other(e.to_string())))?
            .map_err(invalid)
    }

    /// The clock of the account of `api_key`.
    pub fn clock(&self, api_key: &str) -> Result<chrono::DateTime<chrono::Utc>, EmulatorError> {
        let acct = self.app.control_account(api_key).map_err(invalid)?;
        let now = acct.read().now;
        Ok(now)
    }
}

fn invalid(e: domain::StoreError) -> EmulatorError {
    match e {
        domain::StoreError::Storage(s) => EmulatorError::Database(s),
        other => EmulatorError::InvalidArgument(other.to_string()),
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            self.app.stopping.send_replace(true);
            let _ = tx.send(());
            self.app.deliveries.stop();
        }
    }
}
