//! The one blocking HTTP helper of the bench (control calls, touches, fetching a page), on a
//! private current-thread runtime, and the emulator's control API on top of it.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::error::BenchError;

/// A blocking HTTP client for calls made from the orchestrating thread.
pub struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

/// One answer: status, body and the time from sending to the end of the body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub url: String,
    pub status: u16,
    pub text: String,
    pub ms: f64,
}

impl Reply {
    /// This reply if its status is 2xx; otherwise an error carrying the body.
    pub fn success(self) -> Result<Reply, BenchError> {
        if (200..300).contains(&self.status) {
            return Ok(self);
        }
        Err(BenchError::Invalid(format!(
            "{} answered {}: {}",
            self.url, self.status, self.text
        )))
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<Value, BenchError> {
        serde_json::from_str(&self.text)
            .map_err(|e| BenchError::Failed(format!("answer is not JSON ({e}): {}", self.text)))
    }
}

impl Http {
    /// A client with a 10-minute timeout per call (a large seed takes seconds).
    pub fn new() -> Result<Http, BenchError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| BenchError::Failed(format!("tokio runtime: {e}")))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()
            .map_err(|e| BenchError::Failed(format!("HTTP client: {e}")))?;
        Ok(Http { rt, client })
    }

    /// Sends one request; any status is an answer.
    pub fn send(
        &self,
        method: Method,
        url: &str,
        bearer: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply, BenchError> {
        let mut rb = self.client.request(method, url);
        if let Some(b) = bearer {
            rb = rb.bearer_auth(b);
        }
        if let Some(v) = body {
            rb = rb
                .header("Content-Type", "application/json")
                .body(v.to_string());
        }
        self.rt.block_on(async move {
            let t0 = Instant::now();
            let r = rb
                .send()
                .await
                .map_err(|e| BenchError::Failed(format!("{url}: {e}")))?;
            let status = r.status().as_u16();
            let text = r
                .text()
                .await
                .map_err(|e| BenchError::Failed(format!("{url}: reading the body: {e}")))?;
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            Ok(Reply {
                url: url.to_string(),
                status,
                text,
                ms,
            })
        })
    }

    /// `GET url` (with an API key), any status.
    pub fn get(&self, url: &str, bearer: Option<&str>) -> Result<Reply, BenchError> {
        self.send(Method::GET, url, bearer, None)
    }
}

/// The emulator's control API (`/_emulator/...`, no auth) of the emulator at `api` (`.../v2`).
pub struct Control<'a> {
    http: &'a Http,
    root: String,
}

impl<'a> Control<'a> {
    /// The control API of the emulator whose API base URL is `api`.
    pub fn new(http: &'a Http, api: &str) -> Control<'a> {
        let root = api
            .trim_end_matches('/')
            .trim_end_matches("/v2")
            .to_string();
        Control { http, root }
    }

    fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Reply, BenchError> {
        let url = format!("{}{path}", self.root);
        self.http.send(method, &url, None, body)?.success()
    }

    /// `POST /_emulator/seed`; the reply's `ms` is the seed's wall time.
    pub fn seed(&self, body: &Value) -> Result<Reply, BenchError> {
        let r = self
            .call(Method::POST, "/_emulator/seed", Some(body))
            .map_err(|e| BenchError::Invalid(format!("seed {body}: {e}")))?;
        eprintln!("seeded {body} in {:.0} ms", r.ms);
        Ok(r)
    }

    /// `PUT /_emulator/traffic`: `messages_per_day` messaging records a day for `key`.
    pub fn traffic(&self, key: &str, messages_per_day: u64) -> Result<Reply, BenchError> {
        let body = json!({"api_key": key, "per_day": {"messaging": messages_per_day}});
        self.call(Method::PUT, "/_emulator/traffic", Some(&body))
    }

    /// `PUT /_emulator/webhooks`: deliver `key`'s events to `url`.
    pub fn webhook_url(&self, key: &str, url: &str) -> Result<Reply, BenchError> {
        let body = json!({"api_key": key, "url": url});
        self.call(Method::PUT, "/_emulator/webhooks", Some(&body))
    }

    /// `GET /_emulator/webhooks?api_key=`: delivery settings and counts.
    pub fn webhook_stats(&self, key: &str) -> Result<Value, BenchError> {
        self.call(
            Method::GET,
            &format!("/_emulator/webhooks?api_key={key}"),
            None,
        )?
        .json()
    }

    /// `POST /_emulator/clock/advance` by `days` for `key`.
    pub fn advance(&self, key: &str, days: u64) -> Result<Reply, BenchError> {
        let body = json!({"api_key": key, "days": days});
        self.call(Method::POST, "/_emulator/clock/advance", Some(&body))
    }

    /// `POST /_emulator/faults`: a latency-only rule on `GET path_prefix...`.
    pub fn add_latency(&self, path_prefix: &str, latency_ms: u64) -> Result<Reply, BenchError> {
        let body = json!({"method": "GET", "path_prefix": path_prefix, "latency_ms": latency_ms});
        self.call(Method::POST, "/_emulator/faults", Some(&body))
    }

    /// `DELETE /_emulator/faults`: every fault rule removed.
    pub fn clear_faults(&self) -> Result<Reply, BenchError> {
        self.call(Method::DELETE, "/_emulator/faults", None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_root_drops_the_api_version() {
        let http = Http::new().unwrap();
        assert_eq!(
            Control::new(&http, "http://127.0.0.1:9/v2").root,
            "http://127.0.0.1:9"
        );
        assert_eq!(
            Control::new(&http, "http://127.0.0.1:9/v2/").root,
            "http://127.0.0.1:9"
        );
    }

    #[test]
    fn a_refused_connection_is_a_failure_naming_the_url() {
        let http = Http::new().unwrap();
        let port = crate::child::free_port().unwrap();
        let url = format!("http://127.0.0.1:{port}/x");
        let e = http.get(&url, None).unwrap_err();
        assert!(
            matches!(e, BenchError::Failed(_)) && e.to_string().contains(&url),
            "{e}"
        );
    }
}
