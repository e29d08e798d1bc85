//! Test-only helper shared by the workspace's browser tests (the emulator's console tests and
//! the CLI's chart-versus-report test): Debian's chromium, headless, driven through
//! chromedriver (WebDriver over plain HTTP on 127.0.0.1) by [`fantoccini`].
//!
//! Policy: where chromium or chromedriver is missing a test skips with a message, and fails
//! when `CI=true` or `TELNYX_REQUIRE_BROWSER=1`. [`run`] saves a screenshot under
//! `target/console-screenshots/` at the end of every test (`NAME.png`, to look at) and on a
//! failure (`NAME-failed.png`).
#![allow(clippy::unwrap_used)] // test support: a failure here is a test failure

use std::future::Future;
use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub use fantoccini;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use futures::FutureExt;
use serde_json::{json, Value};

/// True when a missing browser is a failure: `CI=true` or `TELNYX_REQUIRE_BROWSER=1`.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("TELNYX_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// The first of `names` found on `PATH`.
fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// `target/console-screenshots/` of the workspace (created if missing).
pub fn screenshot_dir() -> PathBuf {
    // crates/browser-test -> the workspace root.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap_or(Path::new("."));
    let dir = root.join("target/console-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Saves the window as `target/console-screenshots/{file}.png`; its path (or `None` when the
/// browser could not take it: a screenshot is evidence, not an assertion).
pub async fn screenshot(client: &Client, file: &str) -> Option<PathBuf> {
    let png = client.screenshot().await.ok()?;
    let path = screenshot_dir().join(format!("{file}.png"));
    std::fs::write(&path, png).ok()?;
    eprintln!("screenshot: {}", path.display());
    Some(path)
}

/// A chromedriver process of this test (killed on drop) and a fresh chromium profile.
struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver and a headless chromium session, or explains why not (skip or fail).
async fn browser() -> Option<(Driver, Client)> {
    let (Some(chromium), Some(driver)) = (
        find(&["chromium", "chromium-browser", "google-chrome"]),
        find(&["chromedriver"]),
    ) else {
        let why = "chromium and chromedriver are needed for the browser tests \
                   (Debian: apt-get install chromium chromium-driver)";
        assert!(
            !required(),
            "{why}; CI=true or TELNYX_REQUIRE_BROWSER=1 makes them required"
        );
        eprintln!("skipping: {why}");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn chromedriver");
    let d = Driver {
        child,
        port,
        profile: tempfile::tempdir().expect("profile dir"),
    };
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", d.profile.path().display()),
            ]
        }
    });
    let Value::Object(caps) = caps else {
        unreachable!("an object literal")
    };
    let url = format!("http://127.0.0.1:{}", d.port);
    let mut last = None;
    // chromedriver takes a moment to listen: up to 10 s of attempts (a guard, not a timing).
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return Some((d, c)),
            Err(e) => last = Some(e.to_string()),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start a session: {last:?}");
}

/// Runs a browser test in a fresh headless chromium: skips (or fails, see [`required`]) when
/// there is none; on a failure saves `NAME-failed.png` and fails; at the end saves `NAME.png`.
pub async fn run<F, Fut>(name: &str, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some((_driver, client)) = browser().await else {
        return;
    };
    let outcome = AssertUnwindSafe(body(client.clone())).catch_unwind().await;
    let file = match outcome {
        Ok(()) => name.to_string(),
        Err(_) => format!("{name}-failed"),
    };
    screenshot(&client, &file).await;
    let _ = client.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A Chrome DevTools Protocol command sent through chromedriver
/// (`POST /session/{id}/goog/cdp/execute`).
#[derive(Debug)]
pub struct Cdp {
    /// The CDP method, e.g. `Emulation.setEmulatedMedia`.
    pub cmd: &'static str,
    /// Its parameters.
    pub params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Emulates CSS media features for the session's page (and the pages it loads next), e.g.
/// `[("prefers-color-scheme", "dark")]`. Each call replaces the previous one's features; an
/// empty list returns to the browser's defaults.
pub async fn emulate_media(client: &Client, features: &[(&str, &str)]) {
    let features: Vec<Value> = features
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    client
        .issue_cmd(Cdp {
            cmd: "Emulation.setEmulatedMedia",
            params: json!({ "features": features }),
        })
        .await
        .unwrap_or_else(|e| panic!("Emulation.setEmulatedMedia {features:?}: {e}"));
}

/// True when the page now matches the media query `query` (e.g. `(prefers-color-scheme: dark)`).
pub async fn matches_media(client: &Client, query: &str) -> bool {
    client
        .execute(
            "return window.matchMedia(arguments[0]).matches",
            vec![json!(query)],
        )
        .await
        .unwrap_or_else(|e| panic!("matchMedia({query}): {e}"))
        .as_bool()
        .unwrap_or(false)
}
