//! Live updates: `GET /console/accounts/{hash}/events`, a Server-Sent Events stream that sends a
//! `change` event (with a sentence for the screen-reader live region) whenever the account's
//! state moves: an advance, a payment, a delivery, a traffic change. `console.js` then re-fetches
//! the page and swaps its `[data-live]` regions. The stream ends when the server stops.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};

use super::Found;
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

/// The state a page was rendered from, as a short token: the page passes it to its stream
/// (`events?v=`), which sends a change at once when the account has moved since (a change
/// between rendering the page and opening the stream is not missed).
pub fn version(app: &App, d: &AccountData) -> String {
    let f = fingerprint(app, d);
    let text: Vec<String> = f.iter().map(i64::to_string).collect();
    format!("{:016x}", crate::util::stable_hash(&text.join(",")))
}

/// The URL of the account's event stream for a page rendered from `d`.
pub fn events_url(app: &App, d: &AccountData) -> String {
    format!(
        "/console/accounts/{}/events?v={}",
        d.key_hash,
        version(app, d)
    )
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
pub async fn events(
    State(app): State<Arc<App>>,
    Found { acct, .. }: Found,
    RawQuery(q): RawQuery,
) -> Response {
    let (now, now_version) = {
        let d = acct.read();
        (fingerprint(&app, &d), version(&app, &d))
    };
    let seen = crate::query::Params::parse(q.as_deref())
        .ok()
        .and_then(|p| p.get("v").map(str::to_string));
    // A page rendered before the latest change gets a change event at once.
    let last = if seen.is_some_and(|v| v != now_version) {
        [i64::MIN; 9]
    } else {
        now
    };
    let stop = app.stopping.subscribe();
    let stream = futures::stream::unfold(
        (app, acct, last, stop),
        |(app, acct, mut last, mut stop): State4| async move {
            loop {
                if *stop.borrow() {
                    return None;
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
                tokio::select! {
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stop.changed() => return None,
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
