//! The web console in a real browser: Debian's chromium driven through chromedriver (WebDriver)
//! by fantoccini, through the workspace's `browser-test` helper. Where chromium or chromedriver
//! is missing the tests skip with a message, and fail when `CI=true` or
//! `TELNYX_REQUIRE_BROWSER=1`. A failing test saves a screenshot under
//! `target/console-screenshots/`, and so does each test at its end (to look at).

use std::future::Future;
use std::time::Duration;

use browser_test::fantoccini::key::Key;
use browser_test::fantoccini::{Client, Locator};
use telnyx_emulator::{parse_start_time, Advance, EmulatorConfig, WebhookOptions};

use crate::common::{start_with, Harness};

pub(crate) const KEY: &str = "KEY_test_browser_0123456789beef";

fn config() -> EmulatorConfig {
    EmulatorConfig {
        seed: 11,
        start_time: parse_start_time("2026-03-20T00:00:00Z").ok(),
        webhooks: WebhookOptions {
            retry_delays: vec![Duration::from_millis(50), Duration::from_millis(50)],
            ..Default::default()
        },
        ..Default::default()
    }
}

/// Runs a browser test (see [`browser_test::run`]) against a fresh emulator of [`config`].
pub(crate) async fn run<F, Fut>(name: &str, body: F)
where
    F: FnOnce(Harness, Client) -> Fut,
    Fut: Future<Output = ()>,
{
    browser_test::run(name, |client| async move {
        let h = start_with(config()).await;
        assert_eq!(h.get(KEY, "balance").await.status, 200);
        body(h, client).await
    })
    .await
}

pub(crate) async fn home_url(h: &Harness) -> String {
    let list = h
        .send(reqwest::Method::GET, "", "/console", None, &[])
        .await;
    let path = crate::console::attrs(&list.text, "href")
        .into_iter()
        .find(|p| p.starts_with("/console/accounts/"))
        .expect("account link");
    format!("{}{}", h.origin, path)
}

async fn attr(c: &Client, css: &str, name: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .attr(name)
        .await
        .expect("attr")
        .unwrap_or_default()
}

async fn api_balance(h: &Harness) -> String {
    h.get(KEY, "balance").await.json()["data"]["balance"]
        .as_str()
        .expect("balance")
        .to_string()
}

/// The attribute now, or `None` while the element is missing or being replaced.
async fn try_attr(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()?
}

/// Waits (up to 15 s) until the attribute of `css` is `want`.
async fn until_attr(c: &Client, css: &str, name: &str, want: &str) {
    let mut seen = None;
    for _ in 0..150 {
        seen = try_attr(c, css, name).await;
        if seen.as_deref() == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} {name} stayed {seen:?} (want {want})");
}

/// Waits (up to 15 s) until the page's balance is `want`.
async fn until_balance(c: &Client, want: &str) {
    until_attr(c, "[data-field=balance]", "data-amount", want).await;
}

#[tokio::test]
async fn the_home_page_balance_is_what_get_balance_answers() {
    run("home", |h, c| async move {
        c.goto(&home_url(&h).await).await.expect("goto");
        let api = h.get(KEY, "balance").await.json();
        for name in ["balance", "available_credit", "pending", "credit_limit"] {
            let shown = attr(&c, &format!("[data-field={name}]"), "data-amount").await;
            assert_eq!(shown, api["data"][name].as_str().expect("field"), "{name}");
            let text = c
                .find(Locator::Css(&format!("[data-field={name}]")))
                .await
                .expect("figure")
                .text()
                .await
                .expect("text");
            assert_eq!(
                text,
                format!("{} USD", api["data"][name].as_str().expect("f"))
            );
        }
        // The chart is drawn: its bars have a box, and the stylesheet coloured them.
        let bars = c.find_all(Locator::Css("rect.bar")).await.expect("bars");
        assert!(!bars.is_empty());
        let fill = c
            .execute(
                "return getComputedStyle(document.querySelector('rect.bar')).fill",
                vec![],
            )
            .await
            .expect("style");
        assert!(
            fill.as_str().is_some_and(|f| f.starts_with("rgb")),
            "{fill}"
        );
        // The ledger page, reached by its link: the newest entry's running balance is the
        // balance, and the balance chart has a point per day.
        c.find(Locator::LinkText("Ledger"))
            .await
            .expect("link")
            .click()
            .await
            .expect("click");
        c.wait()
            .for_element(Locator::Css("#ledger"))
            .await
            .expect("ledger page");
        assert_eq!(
            attr(&c, "#ledger td[data-balance]", "data-balance").await,
            api["data"]["balance"].as_str().expect("balance")
        );
        let points = c
            .find_all(Locator::Css("circle.point"))
            .await
            .expect("points");
        assert_eq!(points.len(), 90);
    })
    .await;
}

#[tokio::test]
async fn clicking_advance_31_days_changes_the_balance_and_adds_an_invoice() {
    run("advance", |h, c| async move {
        c.goto(&home_url(&h).await).await.expect("goto");
        let before = attr(&c, "[data-field=balance]", "data-amount").await;
        let invoices = c
            .find_all(Locator::Css("[data-invoice]"))
            .await
            .expect("rows")
            .len();
        c.find(Locator::Css("button[name=days][value='31']"))
            .await
            .expect("the advance 31 days button")
            .click()
            .await
            .expect("click");
        until_attr(
            &c,
            "#virtual-clock time",
            "datetime",
            "2026-04-20T00:00:00Z",
        )
        .await;
        let now = api_balance(&h).await;
        assert_ne!(now, before, "31 days of traffic moved the balance");
        until_balance(&c, &now).await;
        let after = c
            .find_all(Locator::Css("[data-invoice]"))
            .await
            .expect("rows")
            .len();
        assert_eq!(after, invoices + 1, "the month closed into an invoice");
    })
    .await;
}

#[tokio::test]
async fn an_open_page_follows_an_advance_without_a_reload() {
    run("live", |h, c| async move {
        c.goto(&home_url(&h).await).await.expect("goto");
        // A mark on the document: a reload would lose it.
        c.execute(
            "document.documentElement.dataset.mark = 'kept'; return 1",
            vec![],
        )
        .await
        .expect("mark");
        // Wait for the event stream to be open before changing anything.
        tokio::time::sleep(Duration::from_millis(500)).await;
        h.emu
            .advance_clock(KEY, Advance::Days(3))
            .await
            .expect("advance");
        until_balance(&c, &api_balance(&h).await).await;
        let mark = c
            .execute("return document.documentElement.dataset.mark || ''", vec![])
            .await
            .expect("mark");
        assert_eq!(mark, "kept", "updated in place, not reloaded");
        let said = c
            .find(Locator::Css("#live"))
            .await
            .expect("live region")
            .text()
            .await
            .expect("text");
        assert!(said.starts_with("Updated: balance"), "{said}");
        assert_eq!(attr(&c, "#live", "aria-live").await, "polite");
    })
    .await;
}

#[tokio::test]
async fn a_cross_origin_form_post_is_refused() {
    run("cross-origin", |h, c| async move {
        let target = format!("{}/advance", home_url(&h).await);
        // Another origin (another port on 127.0.0.1) serves a form that posts to the console.
        let page = format!(
            "<!doctype html><title>elsewhere</title><form method=post action='{target}'>\
             <input type=hidden name=days value=31><button id=go>go</button></form>"
        );
        let other = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let other_url = format!("http://{}/", other.local_addr().expect("addr"));
        let app = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let page = page.clone();
                async move { axum::response::Html(page) }
            }),
        );
        tokio::spawn(async move { axum::serve(other, app).await });
        c.goto(&other_url).await.expect("goto other origin");
        c.find(Locator::Id("go"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        let msg = c
            .wait()
            .for_element(Locator::Css("#message"))
            .await
            .expect("the refusal page")
            .text()
            .await
            .expect("text");
        assert!(msg.contains("another site"), "{msg}");
        assert_eq!(
            h.emu.clock(KEY).expect("clock").to_rfc3339(),
            "2026-03-20T00:00:00+00:00",
            "nothing changed"
        );
    })
    .await;
}

#[tokio::test]
async fn the_whole_flow_works_with_the_keyboard_alone() {
    run("keyboard", |h, c| async move {
        c.goto(&format!("{}/console", h.origin)).await.expect("goto");
        let tab = |c: Client| async move {
            c.active_element()
                .await
                .expect("focus")
                .send_keys(&Key::Tab.to_string())
                .await
                .expect("tab");
        };
        let focused = |c: Client| async move {
            c.execute(
                "const e = document.activeElement; return (e.textContent || '').trim() + '|' + (e.getAttribute('href') || e.getAttribute('value') || '')",
                vec![],
            )
            .await
            .expect("active")
            .as_str()
            .unwrap_or("")
            .to_string()
        };
        // Tab from the top: the skip link first, then to the account's link; Enter opens it.
        tab(c.clone()).await;
        assert!(focused(c.clone()).await.starts_with("Skip to content"));
        let mut steps = 0;
        while !focused(c.clone()).await.contains("/console/accounts/") {
            tab(c.clone()).await;
            steps += 1;
            assert!(steps < 20, "the account link is reachable by Tab");
        }
        c.active_element().await.expect("focus").send_keys(&Key::Enter.to_string()).await.expect("enter");
        c.wait().for_element(Locator::Css("#virtual-clock")).await.expect("home page");
        // Tab to "Advance 7 days" and press Enter.
        let mut steps = 0;
        while !focused(c.clone()).await.starts_with("Advance 7 days") {
            tab(c.clone()).await;
            steps += 1;
            assert!(steps < 40, "the advance button is reachable by Tab");
        }
        // The focused control shows a visible focus ring.
        let outline = c
            .execute("return getComputedStyle(document.activeElement).outlineStyle", vec![])
            .await
            .expect("style");
        assert_eq!(outline, "solid");
        c.active_element().await.expect("focus").send_keys(&Key::Enter.to_string()).await.expect("enter");
        for _ in 0..100 {
            if h.emu.clock(KEY).expect("clock").to_rfc3339() == "2026-03-27T00:00:00+00:00" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(h.emu.clock(KEY).expect("clock").to_rfc3339(), "2026-03-27T00:00:00+00:00");
        until_balance(&c, &api_balance(&h).await).await;
    })
    .await;
}

/// A receiver on 127.0.0.1 that answers 500 to its first request and 200 after.
async fn flaky_receiver() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let seen = std::sync::Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let seen = seen.clone();
            async move {
                if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                    (
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        "down for a moment",
                    )
                } else {
                    (axum::http::StatusCode::OK, "thanks")
                }
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", l.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(l, app).await });
    url
}

#[tokio::test]
async fn a_trigger_shows_both_attempts_and_redeliver_adds_one() {
    run("webhooks", |h, c| async move {
        let receiver = flaky_receiver().await;
        c.goto(&format!("{}/webhooks", home_url(&h).await)).await.expect("goto");
        let url = c.find(Locator::Id("url")).await.expect("url field");
        url.clear().await.expect("clear");
        url.send_keys(&receiver).await.expect("type");
        c.find(Locator::XPath("//button[text()='Save endpoint']"))
            .await
            .expect("save")
            .click()
            .await
            .expect("click");
        c.wait().for_element(Locator::XPath(&format!("//dd[@id='endpoint-url'][text()='{receiver}']"))).await.expect("saved");
        c.find(Locator::XPath("//button[text()='Trigger']"))
            .await
            .expect("trigger")
            .click()
            .await
            .expect("click");
        // The first attempt got 500, the second 200: the open page shows both by itself.
        until_attr(&c, "article.delivery table.attempts", "data-attempts", "2").await;
        let statuses = c
            .execute(
                "return [...document.querySelector('article.delivery').querySelectorAll('[data-response-status]')].map(e => e.dataset.responseStatus).join(',')",
                vec![],
            )
            .await
            .expect("statuses");
        assert_eq!(statuses, "200,500", "newest first");
        let code = c
            .find(Locator::Css("article.delivery tbody tr:last-child td:nth-child(5)"))
            .await
            .expect("error cell")
            .text()
            .await
            .expect("text");
        assert_eq!(code, "75499", "a non-2xx status is error 75499");
        c.find(Locator::Css("article.delivery button"))
            .await
            .expect("redeliver")
            .click()
            .await
            .expect("click");
        until_attr(&c, "article.delivery table.attempts", "data-attempts", "3").await;
    })
    .await;
}
