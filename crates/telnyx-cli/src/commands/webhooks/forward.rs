//! `webhooks listen --forward-to URL`: each verified request sent on unchanged (same body,
//! same headers but the hop-by-hop ones), and the endpoint's answer relayed as the listener's.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::exit::CliError;

/// How long a forwarded request may take when `--timeout` is not given.
const DEFAULT_FORWARD_TIMEOUT: Duration = Duration::from_secs(10);

/// What happened to a verified event sent on to `--forward-to`.
#[derive(Debug, Clone)]
pub enum Forwarded {
    /// The endpoint answered with this status.
    Status(u16),
    /// It could not be reached or did not answer in time (the error goes to stderr).
    Failed,
}

/// The `--forward-to` endpoint and the client that calls it (no redirects followed).
pub struct Forwarder {
    client: reqwest::Client,
    /// The endpoint, checked to be an http(s) URL.
    pub url: String,
}

impl Forwarder {
    /// The forwarder for `--forward-to TEXT`, each request cut at `timeout` (default 10 s).
    pub fn new(text: &str, timeout: Option<Duration>) -> Result<Forwarder, CliError> {
        let url = forward_url(text)?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout.unwrap_or(DEFAULT_FORWARD_TIMEOUT))
            .build()
            .map_err(|e| CliError::Other(format!("building the forwarding client: {e}")))?;
        Ok(Forwarder { client, url })
    }

    /// Sends a verified request on; the endpoint's answer as ours, and what to show for it.
    /// A failure is reported on stderr (naming `event_id`) and answered with 502.
    pub async fn relay(
        &self,
        event_id: &str,
        headers: &HeaderMap,
        body: Bytes,
    ) -> (Response, Forwarded) {
        let url = &self.url;
        match forward(&self.client, url, headers, body).await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                (resp, Forwarded::Status(status))
            }
            Err(e) => {
                eprintln!("forwarding {event_id} to {url} failed: {e}");
                let resp = (
                    StatusCode::BAD_GATEWAY,
                    format!("could not forward to {url}: {e}\n"),
                )
                    .into_response();
                (resp, Forwarded::Failed)
            }
        }
    }
}

/// Headers not passed on when forwarding (hop-by-hop, or recomputed by the client).
const NOT_FORWARDED: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
];

/// `--forward-to`, checked to be an http(s) URL.
fn forward_url(text: &str) -> Result<String, CliError> {
    let url = reqwest::Url::parse(text).map_err(|e| {
        CliError::Usage(format!(
            "--forward-to {text:?} is not a URL ({e}): use e.g. http://127.0.0.1:3000/webhooks"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CliError::Usage(format!(
            "--forward-to {text:?} must be an http:// or https:// URL"
        )));
    }
    Ok(url.to_string())
}

/// Sends the verified request on, unchanged, and turns the answer into ours.
async fn forward(
    client: &reqwest::Client,
    url: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response, String> {
    let mut outgoing = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if !NOT_FORWARDED.contains(&name.as_str()) {
            outgoing.append(name.clone(), value.clone());
        }
    }
    let resp = client
        .post(url)
        .headers(outgoing)
        .body(body)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = resp.headers().get(header::CONTENT_TYPE).cloned();
    let bytes = resp.bytes().await.map_err(|e| describe(&e))?;
    let mut out = (status, bytes).into_response();
    if let Some(ct) = content_type {
        out.headers_mut().insert(header::CONTENT_TYPE, ct);
    } else {
        out.headers_mut().remove(header::CONTENT_TYPE);
    }
    Ok(out)
}

/// A reqwest error with its innermost cause ("Connection refused").
fn describe(e: &reqwest::Error) -> String {
    let mut msg = if e.is_timeout() {
        "no answer in time (raise it with --timeout)".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        e.to_string()
    };
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(c) = cur {
        last = Some(c.to_string());
        cur = c.source();
    }
    if let Some(cause) = last {
        msg.push_str(&format!(": {cause}"));
    }
    msg
}
