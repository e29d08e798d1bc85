//! Shared helpers for the emulator's HTTP tests.
#![allow(dead_code, clippy::unwrap_used)]

use reqwest::header::HeaderMap;
use serde_json::Value;
use telnyx_emulator::{Emulator, EmulatorConfig};

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
    /// The first error's code.
    pub fn code(&self) -> String {
        self.json()["errors"][0]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

pub struct Harness {
    pub emu: Emulator,
    pub http: reqwest::Client,
    pub origin: String,
}

pub async fn start() -> Harness {
    start_with(EmulatorConfig::default()).await
}

pub async fn start_with(config: EmulatorConfig) -> Harness {
    let emu = Emulator::start(config).await.expect("start");
    let origin = emu.base_url().trim_end_matches("/v2").to_string();
    Harness {
        emu,
        http: reqwest::Client::new(),
        origin,
    }
}

impl Harness {
    /// `GET {origin}/v2/{path}` with a bearer key.
    pub async fn get(&self, key: &str, path: &str) -> Resp {
        self.send(reqwest::Method::GET, key, path, None, &[]).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        key: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = if path.starts_with('/') {
            format!("{}{}", self.origin, path)
        } else {
            format!("{}/v2/{}", self.origin, path)
        };
        let mut rb = self.http.request(method, url);
        if !key.is_empty() {
            rb = rb.header("Authorization", format!("Bearer {key}"));
        }
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        if let Some(b) = body {
            rb = rb
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let r = rb.send().await.expect("send");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        Resp {
            status,
            headers,
            text,
        }
    }

    pub async fn post(&self, key: &str, path: &str, body: &str) -> Resp {
        self.send(reqwest::Method::POST, key, path, Some(body), &[])
            .await
    }

    pub async fn patch(&self, key: &str, path: &str, body: &str) -> Resp {
        self.send(reqwest::Method::PATCH, key, path, Some(body), &[])
            .await
    }

    /// Every item of a paginated list, following pages like the official SDKs do.
    pub async fn all_pages(&self, key: &str, path_with_query: &str) -> Vec<Value> {
        let sep = if path_with_query.contains('?') {
            '&'
        } else {
            '?'
        };
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let r = self
                .get(
                    key,
                    &format!("{path_with_query}{sep}page%5Bnumber%5D={page}"),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            let v = r.json();
            let data = v["data"].as_array().cloned().unwrap_or_default();
            assert_eq!(
                v["meta"]["page_number"], page,
                "meta echoes the served page"
            );
            if data.is_empty() {
                break;
            }
            out.extend(data);
            if v["meta"]["page_number"].as_u64() >= v["meta"]["total_pages"].as_u64() {
                break;
            }
            page += 1;
            assert!(page < 10_000, "pagination does not terminate");
        }
        out
    }
}

/// Skips an official-SDK test with a message, unless `TELNYX_REQUIRE_OFFICIAL_SDKS` is set
/// (CI sets it after installing the SDKs): then a missing SDK fails instead of passing silently.
pub fn skip_official_sdk_test(why: &str) {
    assert!(
        std::env::var_os("TELNYX_REQUIRE_OFFICIAL_SDKS").is_none(),
        "official SDK required but unavailable: {why}"
    );
    println!("skipped: {why}");
}

/// Makes the account of `key` a living one for the official SDK smoke scripts (45 virtual days
/// of light traffic, a closed month, an auto-recharge) and returns what the scripts must then
/// see, as the `TELNYX_EXPECT_JSON` they read.
pub async fn advanced_expectations(emu: &Emulator, key: &str) -> String {
    emu.set_traffic(key, &[("messaging", 20), ("call-control", 2)])
        .await
        .unwrap();
    // The advance's usage is delivered as webhooks, so the SDKs list live deliveries too.
    let _receiver = live_webhooks(emu, key).await;
    let origin = emu.base_url();
    let http = reqwest::Client::new();
    let r = http
        .patch(format!("{origin}/payment/auto_recharge_prefs"))
        .bearer_auth(key)
        .body(r#"{"threshold_amount":"295.00"}"#)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let report = emu
        .advance_clock(key, telnyx_emulator::Advance::Days(45))
        .await
        .unwrap();
    assert!(
        report.auto_recharges > 0 && report.invoices_closed > 0,
        "{report:?}"
    );
    let get = |path: &str| {
        let req = http.get(format!("{origin}/{path}")).bearer_auth(key).send();
        async move { serde_json::from_str::<Value>(&req.await.unwrap().text().await.unwrap()).unwrap() }
    };
    let emitted = webhooks_settled(emu, key).await;
    assert!(emitted > 0);
    let balance = get("balance").await;
    let total = |v: Value| v["meta"]["total_results"].clone();
    // A delivery that failed over once: a 500 from the primary, then a 200 from the failover.
    // (The receiver's every-ninth 500 is counted across the delivery lanes, so under load a
    // failover attempt can get the 500 too: such deliveries are skipped.)
    let failed_over =
        get("webhook_deliveries?filter[attempts][contains]=/failover&page[size]=250").await;
    let failed_over = failed_over["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| {
            let attempts = d["attempts"].as_array().map_or(&[][..], Vec::as_slice);
            d["status"] == "delivered"
                && attempts.len() == 2
                && attempts[0]["http"]["response"]["status"] == 200
                && attempts[1]["http"]["response"]["status"] == 500
        })
        .map(|d| d["id"].clone())
        .expect("a delivery that failed over once");
    serde_json::json!({
        "balance": balance["data"]["balance"],
        "available_credit": balance["data"]["available_credit"],
        "audit_events": total(get("audit_events").await),
        "messaging": total(get("detail_records?filter[record_type]=messaging").await),
        "invoices": total(get("invoices").await),
        "webhook_deliveries": total(get("webhook_deliveries").await),
        "failed_over_delivery": failed_over,
    })
    .to_string()
}

/// What a test webhook receiver answers to its `n`th request (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// This status, at once, body "ok".
    Status(u16),
    /// 302 to this URL.
    Redirect(String),
    /// 200 after this many milliseconds.
    Slow(u64),
    /// Never answer (the connection stays open).
    Hang,
}

/// One request a [`Receiver`] got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: axum::http::HeaderMap,
    pub body: bytes::Bytes,
}

/// A webhook receiver on 127.0.0.1:0 that records every request.
pub struct Receiver {
    pub url: String,
    hits: std::sync::Arc<std::sync::Mutex<Vec<Hit>>>,
    _task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Receiver {
        use axum::response::IntoResponse;
        let hits: std::sync::Arc<std::sync::Mutex<Vec<Hit>>> = Default::default();
        let reply = std::sync::Arc::new(reply);
        let h2 = hits.clone();
        let app = axum::Router::new().fallback(
            move |uri: axum::http::Uri, headers: axum::http::HeaderMap, body: bytes::Bytes| {
                let hits = h2.clone();
                let reply = reply.clone();
                async move {
                    let n = {
                        let mut h = hits.lock().unwrap();
                        h.push(Hit {
                            path: uri.path().to_string(),
                            headers,
                            body,
                        });
                        h.len() - 1
                    };
                    match reply(n) {
                        Reply::Status(s) => {
                            let status = axum::http::StatusCode::from_u16(s).unwrap();
                            (status, [("x-receiver", "test")], "ok").into_response()
                        }
                        Reply::Redirect(to) => {
                            (axum::http::StatusCode::FOUND, [("location", to)], "moved")
                                .into_response()
                        }
                        Reply::Slow(ms) => {
                            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                            "ok".into_response()
                        }
                        Reply::Hang => {
                            std::future::pending::<()>().await;
                            unreachable!()
                        }
                    }
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url,
            hits,
            _task: task,
        }
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Waits (at most 20 s) until it has seen `n` requests.
    pub async fn wait_for(&self, n: usize) -> Vec<Hit> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let h = self.hits();
            if h.len() >= n {
                return h;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "receiver saw {} requests, expected {n}",
                h.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

impl Harness {
    /// A control request with a JSON body.
    pub async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Resp {
        self.send(method, "", path, Some(&body.to_string()), &[])
            .await
    }

    /// Polls `GET /v2/webhook_deliveries/{id}` (at most 20 s) until `done` holds for it.
    pub async fn wait_delivery(&self, key: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let r = self.get(key, &format!("webhook_deliveries/{id}")).await;
            if r.status == 200 {
                let v = r.json()["data"].clone();
                if done(&v) {
                    return v;
                }
            }
            assert!(
                std::time::Instant::now() < deadline,
                "delivery {id} did not reach the expected state: {} {}",
                r.status,
                r.text
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

/// An emulator configuration whose webhook retries wait 10 ms instead of 1 s and 2 s.
pub fn fast_webhooks() -> EmulatorConfig {
    EmulatorConfig {
        webhooks: telnyx_emulator::WebhookOptions {
            retry_delays: vec![std::time::Duration::from_millis(10); 2],
            drain_timeout: std::time::Duration::from_millis(200),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Points the account's webhooks at a new receiver on 127.0.0.1 that answers 500 to every
/// ninth request (so some deliveries fail over to `/failover`, which then answers 200).
pub async fn live_webhooks(emu: &Emulator, key: &str) -> Receiver {
    let rx = Receiver::start(|n| {
        if n % 9 == 4 {
            Reply::Status(500)
        } else {
            Reply::Status(200)
        }
    })
    .await;
    let origin = emu.base_url().trim_end_matches("/v2").to_string();
    let failover = rx.url.replace("/hooks", "/failover");
    let r = reqwest::Client::new()
        .put(format!("{origin}/_emulator/webhooks"))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({ "api_key": key, "url": rx.url, "failover_url": failover })
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    rx
}

/// Waits (at most 60 s) until every webhook event emitted for the account has its final
/// delivery recorded; returns how many were emitted.
pub async fn webhooks_settled(emu: &Emulator, key: &str) -> u64 {
    let origin = emu.base_url().trim_end_matches("/v2").to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let text = reqwest::get(format!("{origin}/_emulator/webhooks?api_key={key}"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let s = &v["stats"];
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        if n("delivered") + n("failed") == n("emitted") && v["queue"]["queued"] == 0 {
            return n("emitted");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "webhooks not settled: {v}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
