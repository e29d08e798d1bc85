//! Live updates: `GET /console/accounts/{hash}/events`, a Server-Sent Events stream that sends a
//! `change` event (with a sentence for the screen-reader live region) whenever the account's
//! state moves: an advance, a payment, a delivery, a traffic change. `console.js` then re-fetches
//! the page and swaps its `[data-live]` regions. The stream ends when the server stops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

use super::{found, no_account, Found};
use crate::model::AccountData;
use crate::state::App;
use crate::store::Account;
use crate::util::{money, ts};

/// How often a stream looks at its account (a few integer reads under the read lock).
const POLL: Duration = Duration::from_millis(250);

/// What a page shows moves when one of these does (each O(1)).
fn fingerprint(app: &App, d: &AccountData) -> [i64; 9] {
    let n = |x: usize| i64::try_from(x).unwrap_or(i64::MAX);
    let c = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
    let stats = app.deliveries.stats(&d.key_hash);
    [
        n(d.ledger.entries().len()),
        d.now.timestamp(),
        n(d.invoices.len()),
        n(d.pending.len()),
        n(d.transactions.len()),
        n(d.webhook.live.len()),
        c(stats.emitted),
        c(stats.delivered + stats.failed),
        d.traffic.values().map(|v| i64::from(*v)).sum(),
    ]
}

/// The sentence announced politely after a change.
fn sentence(d: &AccountData) -> String {
    format!(
        "Updated: balance {} USD, clock {}.",
        money(d.ledger.balance()),
        ts(d.now)
    )
}

/// A stream's state: the app, the account, what it last sent, the stop signal.
type State4 = (
    Arc<App>,
    Arc<Account>,
    [i64; 9],
    tokio::sync::watch::Receiver<bool>,
);

/// `GET /console/accounts/{hash}/events`.
pub async fn events(State(app): State<Arc<App>>, Path(hash): Path<String>) -> Response {
    let Some(Found { acct, .. }) = found(&app, &hash) else {
        return no_account();
    };
    let last = fingerprint(&app, &acct.read());
    let stop = app.stopping.subscribe();
    let stream = futures::stream::unfold(
        (app, acct, last, stop),
        |(app, acct, mut last, mut stop): State4| async move {
            loop {
                if *stop.borrow() {
                    return None;
                }
                tokio::select! {
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stop.changed() => return None,
                }
                let (now, said) = {
                    let d = acct.read();
                    (fingerprint(&app, &d), sentence(&d))
                };
                if now != last {
                    last = now;
                    let ev = Event::default().event("change").data(said);
                    return Some((Ok::<_, Infallible>(ev), (app, acct, last, stop)));
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
