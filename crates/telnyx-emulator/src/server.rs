//! The router and the middleware pipeline: request id and log, fault rules, authentication,
//! rate limiting.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::Value;

use crate::error::{default_for_status, error_body, ApiError};
use crate::response::{method_not_allowed, route_not_found};
use crate::routes::{self, Acct};
use crate::state::{App, FaultRule, LogEntry};
use crate::util::{key_hash, ts_ms};

fn fault_response(rule: &FaultRule) -> Option<Response> {
    let status = StatusCode::from_u16(rule.status?).ok()?;
    let (body, ctype) = match &rule.body {
        Some(Value::String(s)) => (s.clone().into_bytes(), "text/plain"),
        Some(v) => (
            serde_json::to_vec(v).unwrap_or_default(),
            "application/json",
        ),
        None => {
            let (code, title) = default_for_status(status);
            let b = error_body(
                code,
                title,
                &format!("Injected fault (rule {}).", rule.id),
                None,
            );
            (
                serde_json::to_vec(&b).unwrap_or_default(),
                "application/json",
            )
        }
    };
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static(ctype),
    );
    for (k, v) in &rule.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            r.headers_mut().append(n, v);
        }
    }
    Some(r)
}

fn bearer(req: &Request) -> Result<String, ApiError> {
    let v = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::unauthorized(
                "The Authorization header is missing; send 'Authorization: Bearer <API key>'.",
            )
        })?;
    let malformed = || {
        ApiError::unauthorized("Could not understand the provided credentials; send 'Authorization: Bearer <API key>'.")
    };
    let s = v.to_str().map_err(|_| malformed())?;
    let (scheme, token) = s.trim().split_once(' ').ok_or_else(malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer")
        || token.is_empty()
        || token.len() > 1024
        || token.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(malformed());
    }
    Ok(token.to_string())
}

async fn pipeline(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let seq = app.seq.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = format!("emu-{seq:012x}");
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let control = path.starts_with("/_emulator");
    let query = req.uri().query().map(str::to_string);
    let idempotency_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(255).collect());
    let body_size = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0u64);
    let mut key_hash_opt = None;
    let mut fault_id = None;
    let mut rate_headers = None;

    let mut resp = 'done: {
        if control {
            break 'done next.run(req).await;
        }
        if let Some(rule) = app.take_fault(&method, &path) {
            fault_id = Some(rule.id);
            if rule.latency_ms > 0 {
                tokio::time::sleep(Duration::from_millis(rule.latency_ms.min(600_000))).await;
            }
            if let Some(r) = fault_response(&rule) {
                break 'done r;
            }
        }
        if path.starts_with("/v2/") || path == "/v2" {
            let key = match bearer(&req) {
                Ok(k) => k,
                Err(e) => break 'done e.into_response(),
            };
            if !app.allowed.is_empty() && !app.allowed.contains(&key) {
                break 'done ApiError::unauthorized(
                    "The API key is not accepted by this emulator (see --api-key).",
                )
                .into_response();
            }
            let hash = key_hash(&key);
            if let Some(limit) = app.config.rate_limit {
                let (ok, limit, remaining, reset) = app.rate_check(&hash, limit);
                rate_headers = Some((limit, remaining, reset));
                if !ok {
                    key_hash_opt = Some(hash);
                    break 'done ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "10011",
                        "Too many requests",
                        format!("Rate limit of {limit} requests per second exceeded; retry after {reset} s."),
                    )
                    .header(axum::http::header::RETRY_AFTER, HeaderValue::from(reset))
                    .into_response();
                }
            }
            key_hash_opt = Some(hash);
            match app.store.account(&key) {
                Ok(acct) => {
                    req.extensions_mut().insert(Acct(acct));
                }
                Err(e) => break 'done ApiError::from(e).into_response(),
            }
        }
        next.run(req).await
    };

    if let Some((limit, remaining, reset)) = rate_headers {
        let h = resp.headers_mut();
        h.insert("x-ratelimit-limit", HeaderValue::from(limit));
        h.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
        h.insert("x-ratelimit-reset", HeaderValue::from(reset));
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    if !control {
        let entry = LogEntry {
            seq,
            at: ts_ms(chrono::Utc::now()),
            request_id,
            method,
            path,
            query,
            status: resp.status().as_u16(),
            api_key_hash: key_hash_opt,
            idempotency_key,
            body_size,
            duration_us: u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
            fault_id,
        };
        finish_log(&app, entry);
    }
    resp
}

fn finish_log(app: &App, entry: LogEntry) {
    if app.config.log_requests {
        let q = entry
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let key = entry
            .api_key_hash
            .as_deref()
            .map(|h| &h[..8.min(h.len())])
            .unwrap_or("-");
        eprintln!(
            "{} {}{} -> {} {}us key={}",
            entry.method, entry.path, q, entry.status, entry.duration_us, key
        );
    }
    app.push_log(entry);
}

/// Builds the full router: the API and the control API behind the request pipeline, and the
/// web console (unless `--no-console`) beside it, with its own guard.
pub fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .merge(routes::router())
        .merge(crate::control::router())
        .route(
            "/_emulator/files/invoices/{hash}/{file}",
            axum::routing::get(routes::invoices::pdf),
        )
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), pipeline));
    let routes = if app.config.console {
        api.merge(crate::console::router(app.clone()))
    } else {
        api
    };
    routes
        // Outermost, so fault-rule and error bodies are compressed too: gzip only when the
        // client sends `Accept-Encoding: gzip` (the npm SDK does, and ours since it decodes).
        .layer(compression())
        .with_state(app)
}

/// Smallest body worth compressing: below it gzip saves a few bytes and costs both sides a
/// compressor's setup (a `GET /balance` answer is ~300 B).
const COMPRESS_MIN_BYTES: u16 = 1024;

/// gzip at the fastest level for bodies of at least [`COMPRESS_MIN_BYTES`]: a local emulator's
/// CPU is what compression costs, and level 1 keeps most of the saving on JSON (figures in
/// BENCHMARKS.md, "gzip level").
///
/// The console's HTML pages are never compressed: they go to a browser on this machine, where
/// gzip saves nothing on the wire and cost the page twice its render time (0.34 ms against
/// 0.15 ms for the account home, both ends counted; BENCHMARKS.md, target 24).
fn compression() -> tower_http::compression::CompressionLayer<
    tower_http::compression::predicate::And<
        tower_http::compression::predicate::And<
            tower_http::compression::predicate::DefaultPredicate,
            tower_http::compression::predicate::SizeAbove,
        >,
        tower_http::compression::predicate::NotForContentType,
    >,
> {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    use tower_http::compression::{CompressionLayer, CompressionLevel, DefaultPredicate};
    CompressionLayer::new()
        .gzip(true)
        .quality(CompressionLevel::Fastest)
        .compress_when(
            DefaultPredicate::new()
                .and(SizeAbove::new(COMPRESS_MIN_BYTES))
                .and(NotForContentType::const_new("text/html")),
        )
}
