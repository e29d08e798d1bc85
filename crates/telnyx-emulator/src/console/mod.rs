//! The web console (`/console`): server-rendered pages over the same domain functions and the
//! same write path as the API and the control API, charts as inline SVG, assets embedded in the
//! binary. Safe on a developer's machine: every request must name the bound host (DNS
//! rebinding), every POST must be same-origin, and every answer carries a strict
//! Content-Security-Policy (no inline script or style, no eval, nothing from another host).

mod accounts;
mod assets;
mod chart;
mod controls;
mod faults;
mod form;
mod ledger;
mod live;
mod records;
mod view;
mod webhooks;

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};

use crate::state::App;
use crate::store::Account;

/// The console's Content-Security-Policy: scripts, styles and connections from this origin
/// only; no inline script or style, no eval, no frames, forms post only here.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The console's routes (mounted outside the API's middleware: no fault rules, no request log).
pub fn router(app: Arc<App>) -> Router<Arc<App>> {
    Router::new()
        .route("/console", get(accounts::list))
        .route("/console/", get(accounts::list))
        .route("/console/assets/{file}", get(assets::get))
        .route("/console/faults", get(faults::show).post(faults::add))
        .route("/console/faults/clear", post(faults::clear))
        .route("/console/accounts/{hash}", get(accounts::home))
        .route("/console/accounts/{hash}/ledger", get(ledger::list))
        .route(
            "/console/accounts/{hash}/invoices/{id}",
            get(accounts::invoice),
        )
        .route("/console/accounts/{hash}/ledger.csv", get(ledger::csv))
        .route("/console/accounts/{hash}/events", get(live::events))
        .route("/console/accounts/{hash}/records", get(records::show))
        .route("/console/accounts/{hash}/webhooks", get(webhooks::show))
        .route(
            "/console/accounts/{hash}/webhooks/endpoint",
            post(webhooks::set_endpoint),
        )
        .route(
            "/console/accounts/{hash}/webhooks/trigger",
            post(webhooks::trigger),
        )
        .route(
            "/console/accounts/{hash}/webhooks/{id}/redeliver",
            post(webhooks::redeliver),
        )
        .route("/console/accounts/{hash}/advance", post(controls::advance))
        .route("/console/accounts/{hash}/traffic", post(controls::traffic))
        .route(
            "/console/accounts/{hash}/reset",
            get(controls::confirm_reset).post(controls::reset),
        )
        .layer(middleware::from_fn_with_state(app, guard))
}

/// A handler argument: the account the path's `{hash}` names, with its key (for the mask and
/// for reset; it never reaches a page, and `Found` has no `Debug`). The rejection is the 404
/// page. One lookup under the store's read locks, no copy of the other accounts.
pub(crate) struct Found {
    hash: String,
    key: String,
    acct: Arc<Account>,
}

impl FromRequestParts<Arc<App>> for Found {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Found, Response> {
        let params = RawPathParams::from_request_parts(parts, app)
            .await
            .map_err(|_| no_account())?;
        let hash = params
            .iter()
            .find_map(|(name, value)| (name == "hash").then_some(value))
            .ok_or_else(no_account)?;
        let (key, acct) = app.store.find_by_hash(hash).ok_or_else(no_account)?;
        Ok(Found {
            hash: hash.to_string(),
            key,
            acct,
        })
    }
}

/// The 404 page of an unknown account id.
fn no_account() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "No such account",
        "This emulator holds no account with that id (it may have been reset). Open the accounts list.",
    )
}

/// An HTML answer.
fn html_response(status: StatusCode, body: Markup) -> Response {
    let mut r = Response::new(Body::from(body.into_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// A page that says one thing (an error, a refusal).
fn message_page(status: StatusCode, title: &str, detail: &str) -> Response {
    html_response(
        status,
        view::page(
            title,
            html! {
                h1 { (title) }
                p #message role="alert" { (detail) }
                p { a href="/console" { "Accounts" } }
            },
        ),
    )
}

/// The host names this console answers to: the bound address, `localhost`, and (when bound to
/// every interface) any IP literal, each with the bound port. A DNS name pointing at this
/// machine (a rebinding attack) is refused.
fn host_allowed(app: &App, host: &str) -> bool {
    let port = app.origin.rsplit(':').next().unwrap_or("");
    let bound = app.origin.trim_start_matches("http://");
    if host.eq_ignore_ascii_case(bound) {
        return true;
    }
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    if p != port {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let ip = name.trim_start_matches('[').trim_end_matches(']');
    app.config.bind.ip().is_unspecified() && ip.parse::<IpAddr>().is_ok()
}

/// Why a request may not proceed, if it may not: the Host check on every request, and on a POST
/// the same-origin check (`Origin` equal to this origin, or `Sec-Fetch-Site: same-origin`).
fn refusal(app: &App, method: &Method, headers: &HeaderMap) -> Option<String> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(app, host) {
        return Some(format!(
            "The Host header {host:?} is not this emulator's address ({}); open the console at {}/console.",
            app.origin.trim_start_matches("http://"),
            app.origin
        ));
    }
    if method == Method::GET || method == Method::HEAD {
        return None;
    }
    let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
    let site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    let same = match (origin, site) {
        (Some(o), _) => o.eq_ignore_ascii_case(&format!("http://{host}")),
        (None, Some(s)) => s == "same-origin",
        (None, None) => false,
    };
    (!same).then(|| {
        format!(
            "This form was sent from another site (Origin {}): the console accepts changes only from its own pages at {}. To script changes, use the control API (/_emulator/).",
            origin.unwrap_or("absent"),
            app.origin
        )
    })
}

async fn guard(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let mut resp = match refusal(&app, req.method(), req.headers()) {
        Some(why) => message_page(StatusCode::FORBIDDEN, "Refused", &why),
        None => next.run(req).await,
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // `same-origin`, not `no-referrer`: with `no-referrer` Chromium sends `Origin: null` on
    // the console's own form POSTs, which the same-origin check must then refuse.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}
