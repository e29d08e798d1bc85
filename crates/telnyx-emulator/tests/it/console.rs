//! The web console over real HTTP (no browser): page HTML for an empty, a fresh and a year-old
//! account, the security headers, the form POSTs and their refusals. The browser tests are in
//! `console_browser.rs`.

use rust_decimal::Decimal;
use std::str::FromStr;
use telnyx_emulator::{parse_start_time, Advance, EmulatorConfig};

use crate::common::{start_with, Harness, Resp};

const KEY: &str = "KEY_test_console_0123456789a1f3";
const START: &str = "2026-01-10T00:00:00Z";

fn config() -> EmulatorConfig {
    EmulatorConfig {
        seed: 7,
        start_time: parse_start_time(START).ok(),
        ..Default::default()
    }
}

/// Every value of attribute `attr` in `html`, in order.
pub fn attrs(html: &str, attr: &str) -> Vec<String> {
    let pat = format!("{attr}=\"");
    html.split(&pat)
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or("").to_string())
        .collect()
}

/// The `data-amount` of the element with `data-field="name"`.
pub fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("data-field=\"{name}\""))
        .unwrap_or_else(|| panic!("no data-field {name} in page"));
    attrs(&html[at..], "data-amount")[0].clone()
}

/// `(day, product, amount)` of every bar of the spend chart.
pub fn bars(html: &str) -> Vec<(String, String, Decimal)> {
    html.split("<rect ")
        .skip(1)
        .map(|r| {
            let a = |n| attrs(r, n).first().cloned().unwrap_or_default();
            (
                a("data-day"),
                a("data-product"),
                Decimal::from_str(&a("data-amount")).expect("exact decimal"),
            )
        })
        .collect()
}

async fn page(h: &Harness, path: &str) -> Resp {
    h.send(reqwest::Method::GET, "", path, None, &[]).await
}

async fn form(h: &Harness, path: &str, body: &str, headers: &[(&str, &str)]) -> Resp {
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}{}", h.origin, path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .headers(
            headers
                .iter()
                .map(|(k, v)| {
                    (
                        reqwest::header::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                        reqwest::header::HeaderValue::from_str(v).expect("value"),
                    )
                })
                .collect(),
        )
        .body(body.to_string())
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    Resp {
        status,
        headers,
        text: r.text().await.expect("body"),
    }
}

/// A same-origin form POST, as the console's own pages send it.
async fn submit(h: &Harness, path: &str, body: &str) -> Resp {
    let origin = h.origin.clone();
    form(h, path, body, &[("Origin", &origin)]).await
}

fn account_path(html: &str) -> String {
    attrs(html, "href")
        .into_iter()
        .find(|h| h.starts_with("/console/accounts/"))
        .expect("an account link")
}

async fn open_account(h: &Harness, key: &str) -> String {
    assert_eq!(h.get(key, "balance").await.status, 200);
    let list = page(h, "/console").await;
    assert_eq!(list.status, 200);
    account_path(&list.text)
}

fn assert_secure(r: &Resp) {
    let csp = r.header("content-security-policy").expect("CSP");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(r.header("referrer-policy").as_deref(), Some("same-origin"));
}

fn assert_no_inline_code(html: &str) {
    assert!(!html.contains(" style="), "inline style");
    assert!(!html.contains("<style"), "style element");
    for s in html.split("<script").skip(1) {
        let tag = s.split('>').next().unwrap_or("");
        assert!(
            tag.contains("src=\"/console/assets/"),
            "inline or remote script: {tag}"
        );
    }
    for attr in ["onclick=", "onload=", "onsubmit=", "http://", "https://"] {
        assert!(!html.contains(attr) || attr.starts_with("http"), "{attr}");
    }
    assert!(!html.contains("https://"), "a reference to another host");
}

#[tokio::test]
async fn an_empty_emulator_says_how_to_get_an_account() {
    let h = start_with(config()).await;
    let r = page(&h, "/console").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_secure(&r);
    assert_no_inline_code(&r.text);
    assert!(r.text.contains("id=\"no-accounts\""));
    assert!(r.text.contains("Wall clock (ISO 8601, UTC)"));
    assert!(!r.text.contains("<table"));
}

#[tokio::test]
async fn an_unknown_account_is_the_404_page_on_every_route_and_nothing_changes() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let before = h.emu.clock(KEY).expect("clock");
    let gone = "/console/accounts/0123456789abcdef0123456789abcdef";
    for path in [
        gone.to_string(),
        format!("{gone}/ledger"),
        format!("{gone}/ledger.csv"),
        format!("{gone}/records"),
        format!("{gone}/webhooks"),
        format!("{gone}/events"),
        format!("{gone}/reset"),
        format!("{gone}/invoices/inv_1"),
    ] {
        let r = page(&h, &path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.text.contains("No such account"), "{path}: {}", r.text);
        assert_secure(&r);
    }
    for (path, body) in [
        ("advance", "days=31"),
        ("traffic", "per_day.messaging=5"),
        ("reset", "confirm=yes"),
    ] {
        let r = submit(&h, &format!("{gone}/{path}"), body).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.text.contains("No such account"), "{path}");
    }
    // The known account is untouched, and still found by the same extractor.
    assert_eq!(h.emu.clock(KEY).expect("clock"), before);
    assert_eq!(page(&h, &home).await.status, 200);
    assert_eq!(page(&h, &format!("{home}/reset")).await.status, 200);
}

#[tokio::test]
async fn a_fresh_account_shows_what_the_api_answers_and_never_its_key() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let list = page(&h, "/console").await;
    assert!(list.text.contains("KEY…a1f3"));
    assert!(!list.text.contains(KEY));
    assert!(
        list.text
            .contains("<time datetime=\"2026-01-10T00:00:00Z\">"),
        "virtual clock"
    );
    let r = page(&h, &home).await;
    assert_eq!(r.status, 200);
    assert_secure(&r);
    assert_no_inline_code(&r.text);
    assert!(!r.text.contains(KEY));
    let balance = h.get(KEY, "balance").await.json();
    for name in ["balance", "available_credit", "pending", "credit_limit"] {
        assert_eq!(
            field(&r.text, name),
            balance["data"][name].as_str().expect("a string"),
            "{name}"
        );
    }
    // The chart: role=img with a title, a data table beside it, 30 days by default.
    assert!(
        r.text
            .contains("<svg role=\"img\" aria-labelledby=\"spend-title\""),
        "the page says so"
    );
    assert!(r.text.contains("data-days=\"30\""));
    assert!(r.text.contains("<caption>Spend per day by product"));
    assert!(r.text.contains("scope=\"col\""));
    for b in bars(&r.text) {
        assert!(
            b.0.as_str() <= "2026-01-10" && b.0.as_str() >= "2025-12-12",
            "{b:?}"
        );
    }
    // Auto-recharge: the settings and an estimate of the next one.
    assert!(r.text.contains("when the balance falls below"));
    // The estimate is at the current traffic (each type's rate and its average cost so far).
    assert!(r
        .text
        .contains("At the current traffic (call-control 40 a day at about "));
    assert!(r
        .text
        .contains("the next recharge fires around <time id=\"next-recharge\" datetime=\"2026-"));
    // The month-to-date figure is the charges summary's grand total for the same days.
    let summary = h
        .get(
            KEY,
            "charges_summary?start_date=2026-01-01&end_date=2026-01-11",
        )
        .await
        .json();
    assert_eq!(
        field(&r.text, "month_to_date"),
        summary["data"]["total"]["grand_total"]
            .as_str()
            .expect("grand_total")
    );
}

#[tokio::test]
async fn a_year_old_account_charts_every_day_to_the_cent() {
    let h = start_with(config()).await;
    h.emu
        .set_traffic(KEY, &[("messaging", 200), ("call-control", 20)])
        .await
        .expect("traffic");
    h.emu
        .advance_clock(KEY, Advance::Days(365))
        .await
        .expect("advance");
    let home = open_account(&h, KEY).await;
    let r = page(&h, &format!("{home}?days=365")).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("data-days=\"365\""));
    let b = bars(&r.text);
    assert!(b.iter().any(|x| x.1 == "messaging") && b.iter().any(|x| x.1 == "call-control"));
    // December 2026, whole: the bars add up to the charges summary's grand total.
    let dec: Decimal = b
        .iter()
        .filter(|x| x.0.starts_with("2026-12-"))
        .map(|x| x.2)
        .sum();
    let summary = h
        .get(
            KEY,
            "charges_summary?start_date=2026-12-01&end_date=2027-01-01",
        )
        .await
        .json();
    let grand = Decimal::from_str(
        summary["data"]["total"]["grand_total"]
            .as_str()
            .expect("total"),
    )
    .expect("decimal");
    assert_eq!(dec, grand);
    assert_eq!(
        Decimal::from_str(&field(&r.text, "last_month")).expect("decimal"),
        grand
    );
    // Invoices: one per closed month, each with its PDF link.
    let n = h.all_pages(KEY, "invoices").await.len();
    assert!(n >= 12, "{n} invoices");
    assert_eq!(attrs(&r.text, "data-invoice").len(), n);
    // Each invoice's page: its lines add up to its total.
    let links: Vec<String> = attrs(&r.text, "href")
        .into_iter()
        .filter(|h| h.starts_with("/console/") && h.contains("/invoices/"))
        .collect();
    assert_eq!(links.len(), n, "an invoice page per invoice");
    for link in &links {
        let inv = page(&h, link).await;
        assert_eq!(inv.status, 200);
        let (head, lines) = inv.text.split_once("id=\"invoice-lines\"").expect("lines");
        let total = Decimal::from_str(&attrs(head, "data-amount")[0]).expect("total");
        let sum: Decimal = attrs(lines, "data-amount")
            .iter()
            .map(|a| Decimal::from_str(a).expect("decimal"))
            .sum();
        assert_eq!(sum, total, "{link}: the lines add up to the total");
    }
    assert!(r.text.contains("/_emulator/files/invoices/"));
}

#[tokio::test]
async fn the_ledger_page_pages_filters_and_downloads() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let r = page(&h, &format!("{home}/ledger")).await;
    assert_eq!(r.status, 200);
    assert_secure(&r);
    let balance = h.get(KEY, "balance").await.json();
    assert_eq!(
        attrs(&r.text, "data-balance")[0],
        balance["data"]["balance"].as_str().expect("balance"),
        "the newest entry's running balance is the balance"
    );
    assert_eq!(attrs(&r.text, "data-balance").len(), 50);
    assert!(r.text.contains("rel=\"next\""));
    let mrc = page(&h, &format!("{home}/ledger?kind=mrc")).await;
    assert!(mrc.text.contains("<td>mrc</td>"));
    assert!(!mrc.text.contains("<td>usage</td>"));
    let bad = page(&h, &format!("{home}/ledger?kind=nope")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("Field kind"));
    let csv = page(&h, &format!("{home}/ledger.csv")).await;
    assert_eq!(
        csv.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let last = csv.text.lines().last().expect("rows");
    assert!(
        last.ends_with(&format!(
            ",{},USD",
            balance["data"]["balance"].as_str().expect("b")
        )),
        "{last}"
    );
    let ledger = h
        .send(
            reqwest::Method::GET,
            "",
            &format!("/_emulator/ledger?api_key={KEY}"),
            None,
            &[],
        )
        .await
        .json();
    assert_eq!(
        csv.text.lines().count() as u64 - 1,
        ledger["entries"].as_u64().expect("entries")
    );

    // The default view sums each day's usage per product: every such row equals the CSV's
    // entries of that day and product, to the last digit, and says how many records.
    let mut by_day: std::collections::BTreeMap<(String, String), (Decimal, u32)> =
        Default::default();
    for line in csv.text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols[1] == "usage" {
            let product = cols[2].trim_end_matches(" usage").to_string();
            let slot = by_day
                .entry((cols[0][..10].to_string(), product))
                .or_default();
            slot.0 += Decimal::from_str(cols[3]).expect("amount");
            slot.1 += 1;
        }
    }
    let rows: Vec<&str> = r.text.split("<tr>").skip(1).collect();
    let mut usage_rows = 0;
    for row in &rows {
        let Some(what) = row
            .split(" usage, ")
            .next()
            .and_then(|s| s.rsplit("<td>").next())
        else {
            continue;
        };
        if !row.contains(" usage, ") || !row.contains("(the day)") {
            continue;
        }
        let day = attrs(row, "datetime")[0].clone();
        let records: u32 = row
            .split(" usage, ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a record count");
        let amount = Decimal::from_str(&attrs(row, "data-amount")[0]).expect("amount");
        assert_eq!(
            by_day.get(&(day.clone(), what.to_string())),
            Some(&(amount, records)),
            "{day} {what}"
        );
        usage_rows += 1;
    }
    assert!(usage_rows >= 3, "{usage_rows} usage rows on the first page");
    // Balances run through the statement: each row's balance after is the next older row's
    // plus this row's amount.
    let after: Vec<Decimal> = attrs(&r.text, "data-balance")
        .iter()
        .map(|b| Decimal::from_str(b).expect("balance"))
        .collect();
    let amounts: Vec<Decimal> = rows
        .iter()
        .filter(|row| row.contains("data-balance"))
        .map(|row| Decimal::from_str(&attrs(row, "data-amount")[0]).expect("amount"))
        .collect();
    for i in 1..after.len() {
        assert_eq!(after[i], after[i - 1] - amounts[i - 1], "row {i}");
    }
    // Every record, one row each, on request; a bad view is refused with its field named.
    let each = page(&h, &format!("{home}/ledger?usage=records")).await;
    assert!(each.text.contains("<td>messaging usage</td>"));
    assert!(!each.text.contains("(the day)"));
    assert!(each.text.contains("ledger?page=2&amp;usage=records\""));
    let bad = page(&h, &format!("{home}/ledger?usage=weekly")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("Field usage"));
    // The seeded ACH payment is pending: listed apart, with the amount GET /balance counts.
    let pending = attrs(
        r.text
            .split("<table id=\"pending\"")
            .nth(1)
            .expect("a pending table"),
        "data-amount",
    );
    assert_eq!(
        Decimal::from_str(&pending[0]).ok(),
        Decimal::from_str(balance["data"]["pending"].as_str().expect("pending")).ok()
    );
}

#[tokio::test]
async fn advancing_by_form_moves_the_clock_and_closes_a_month() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let before = h.get(KEY, "invoices").await.json()["data"]
        .as_array()
        .map_or(0, Vec::len);
    let r = submit(&h, &format!("{home}/advance"), "days=31").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location").as_deref(), Some(home.as_str()));
    assert_eq!(
        h.emu.clock(KEY).expect("clock").to_rfc3339(),
        "2026-02-10T00:00:00+00:00"
    );
    let after = h.get(KEY, "invoices").await.json()["data"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(after, before + 1);
    let r = submit(&h, &format!("{home}/advance"), "to=2026-03-01").await;
    assert_eq!(r.status, 303);
    assert_eq!(
        h.emu.clock(KEY).expect("clock").to_rfc3339(),
        "2026-03-01T00:00:00+00:00"
    );
    let r = submit(
        &h,
        &format!("{home}/traffic"),
        "per_day.messaging=300&per_day.verify=",
    )
    .await;
    assert_eq!(r.status, 303);
    let page_now = page(&h, &home).await;
    assert!(
        page_now
            .text
            .contains("name=\"per_day.messaging\" value=\"300\""),
        "the page says so"
    );
}

#[tokio::test]
async fn bad_form_input_names_the_field_and_changes_nothing() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let traffic_before = attrs(&page(&h, &home).await.text, "value");
    for (path, body, field) in [
        ("advance", "days=abc", "days"),
        ("advance", "days=-3", "days"),
        ("advance", "to=2025-01-01", "to"),
        ("advance", "to=tomorrow", "to"),
        (
            "traffic",
            "per_day.messaging=10&per_day.verify=-1",
            "per_day.verify",
        ),
        ("traffic", "per_day.messaging=lots", "per_day.messaging"),
    ] {
        let r = submit(&h, &format!("{home}/{path}"), body).await;
        assert_eq!(r.status, 400, "{body}");
        assert!(
            r.text.contains(&format!("data-field=\"{field}\"")),
            "{body}: the refused field is named"
        );
        assert!(r.text.contains("role=\"alert\""));
        assert_eq!(
            h.emu.clock(KEY).expect("clock").to_rfc3339(),
            "2026-01-10T00:00:00+00:00",
            "{body}"
        );
    }
    // The traffic with one bad rate did not set the good one either.
    let traffic_after = attrs(&page(&h, &home).await.text, "value");
    assert_eq!(traffic_before, traffic_after, "nothing half-applied");
}

#[tokio::test]
async fn a_cross_origin_post_is_refused() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let path = format!("{home}/advance");
    for headers in [
        vec![("Origin", "http://evil.example")],
        vec![("Sec-Fetch-Site", "cross-site")],
        vec![],
        vec![("Origin", "null")],
    ] {
        let r = form(&h, &path, "days=31", &headers).await;
        assert_eq!(r.status, 403, "{headers:?}");
        assert_secure(&r);
        assert!(r.text.contains("another site"));
    }
    let r = form(&h, &path, "days=1", &[("Sec-Fetch-Site", "same-origin")]).await;
    assert_eq!(r.status, 303, "same-origin by Sec-Fetch-Site");
    assert_eq!(
        h.emu.clock(KEY).expect("clock").to_rfc3339(),
        "2026-01-11T00:00:00+00:00",
        "only the same-origin POST applied"
    );
}

#[tokio::test]
async fn a_foreign_host_is_refused_dns_rebinding() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let port = h.emu.addr().port();
    let evil = format!("rebind.example:{port}");
    let evil_origin = format!("http://{evil}");
    let r = form(
        &h,
        &format!("{home}/advance"),
        "days=31",
        &[("Host", &evil), ("Origin", &evil_origin)],
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.text.contains("Host header"));
    let r = h
        .send(
            reqwest::Method::GET,
            "",
            "/console",
            None,
            &[("Host", &evil)],
        )
        .await;
    assert_eq!(r.status, 403, "reading is refused too");
    assert_eq!(
        h.emu.clock(KEY).expect("clock").to_rfc3339(),
        "2026-01-10T00:00:00+00:00"
    );
    let localhost = format!("localhost:{port}");
    let r = h
        .send(
            reqwest::Method::GET,
            "",
            "/console",
            None,
            &[("Host", &localhost)],
        )
        .await;
    assert_eq!(
        r.status, 200,
        "localhost with the bound port is this emulator"
    );
}

#[tokio::test]
async fn reset_needs_confirmation() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    h.emu
        .advance_clock(KEY, Advance::Days(3))
        .await
        .expect("advance");
    let confirm = page(&h, &format!("{home}/reset")).await;
    assert!(confirm.text.contains("name=\"confirm\""));
    let r = submit(&h, &format!("{home}/reset"), "").await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("data-field=\"confirm\""));
    assert_eq!(
        h.emu.clock(KEY).expect("clock").to_rfc3339(),
        "2026-01-13T00:00:00+00:00"
    );
    let r = submit(&h, &format!("{home}/reset"), "confirm=yes").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location").as_deref(), Some("/console"));
    assert_eq!(
        h.emu.clock(KEY).expect("clock").to_rfc3339(),
        "2026-01-10T00:00:00+00:00"
    );
}

#[tokio::test]
async fn assets_are_served_from_the_binary_and_no_console_turns_it_off() {
    let h = start_with(config()).await;
    for (file, ctype) in [
        ("console.css", "text/css"),
        ("console.js", "text/javascript"),
    ] {
        let r = page(&h, &format!("/console/assets/{file}")).await;
        assert_eq!(r.status, 200, "{file}");
        assert!(r
            .header("content-type")
            .unwrap_or_default()
            .starts_with(ctype));
        assert!(r.text.len() > 100);
    }
    assert_eq!(page(&h, "/console/assets/nope.js").await.status, 404);
    // No framework is shipped or loaded: every page names exactly its two assets.
    assert_eq!(page(&h, "/console/assets/htmx.min.js").await.status, 404);
    let list = page(&h, "/console").await.text;
    let refs: Vec<&str> = list
        .split("/console/assets/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(refs, ["console.css", "console.js"]);
    assert!(h.emu.console_url().is_some_and(|u| u.ends_with("/console")));
    let off = start_with(EmulatorConfig {
        console: false,
        ..config()
    })
    .await;
    assert_eq!(page(&off, "/console").await.status, 404);
    assert_eq!(off.emu.console_url(), None);
}

#[tokio::test]
async fn the_webhook_forms_set_the_endpoint_trigger_and_redeliver() {
    let h = start_with(EmulatorConfig {
        webhooks: telnyx_emulator::WebhookOptions {
            retry_delays: vec![std::time::Duration::from_millis(20)],
            ..Default::default()
        },
        ..config()
    })
    .await;
    let home = open_account(&h, KEY).await;
    let hook = format!("{}/_emulator/health", h.origin);
    // Bad input names the field and changes nothing.
    let r = submit(
        &h,
        &format!("{home}/webhooks/endpoint"),
        "url=ftp%3A%2F%2Fx",
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("data-field=\"url\""));
    let r = submit(
        &h,
        &format!("{home}/webhooks/trigger"),
        "event_type=message.finalized",
    )
    .await;
    assert_eq!(r.status, 400, "no endpoint yet");
    let body = format!(
        "url={}",
        url::form_urlencoded::byte_serialize(hook.as_bytes()).collect::<String>()
    );
    let r = submit(&h, &format!("{home}/webhooks/endpoint"), &body).await;
    assert_eq!(r.status, 303);
    let r = submit(
        &h,
        &format!("{home}/webhooks/trigger"),
        "event_type=message.finalized&payload=%5B1%5D",
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("data-field=\"payload\""));
    let r = submit(
        &h,
        &format!("{home}/webhooks/trigger"),
        "event_type=message.finalized",
    )
    .await;
    assert_eq!(r.status, 303);
    // GET /_emulator/health answers POST with 405: every attempt fails, both are recorded.
    let mut delivery = serde_json::Value::Null;
    for _ in 0..200 {
        let list = h
            .get(KEY, "webhook_deliveries?filter[status][eq]=failed")
            .await
            .json();
        delivery = list["data"][0].clone();
        if delivery["attempts"].as_array().map_or(0, Vec::len) == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        delivery["attempts"].as_array().map_or(0, Vec::len),
        2,
        "{delivery}"
    );
    let id = delivery["id"].as_str().expect("id").to_string();
    // The home page's latest events start with this one: its type, its status, its time.
    let home_now = page(&h, &home).await.text;
    let first = home_now
        .split("<table id=\"events\"")
        .nth(1)
        .and_then(|t| t.split("<tr data-event=").nth(1))
        .expect("an events table with a row");
    assert!(first.starts_with("\"message.finalized\""), "{first}");
    assert!(first.contains("<td>failed</td>"), "{first}");
    let started = delivery["started_at"].as_str().expect("started_at");
    assert!(
        first.contains(&format!("datetime=\"{}Z\"", &started[..19])),
        "{started}: {first}"
    );
    let page_now = page(&h, &format!("{home}/webhooks?status=failed")).await;
    assert!(page_now.text.contains(&format!("data-delivery=\"{id}\"")));
    assert!(page_now.text.contains("data-attempts=\"2\""));
    let r = submit(&h, &format!("{home}/webhooks/{id}/redeliver"), "").await;
    assert_eq!(r.status, 303);
    for _ in 0..200 {
        let d = h.get(KEY, &format!("webhook_deliveries/{id}")).await.json();
        if d["data"]["attempts"].as_array().map_or(0, Vec::len) == 3 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("redeliver added no attempt");
}

#[tokio::test]
async fn the_records_browser_answers_what_the_api_answers() {
    let h = start_with(config()).await;
    let home = open_account(&h, KEY).await;
    let api = h
        .get(
            KEY,
            "detail_records?filter[record_type]=messaging&filter[status][eq]=delivered&page[size]=20",
        )
        .await
        .json();
    let r = page(
        &h,
        &format!(
            "{home}/records?filter%5Brecord_type%5D=messaging&field=status&op=eq&value=delivered"
        ),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        attrs(&r.text, "data-total")[0],
        api["meta"]["total_results"].to_string(),
        "same total as the API"
    );
    for row in api["data"].as_array().expect("rows") {
        let id = row["uuid"].as_str().expect("uuid");
        assert!(r.text.contains(&format!("<td>{id}</td>")), "{id} listed");
    }
    // A filter the API refuses is refused here with the parameter named.
    let bad = page(&h, &format!("{home}/records?field=nope&value=1")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("data-field=\"filter[nope][eq]\""));
}

#[tokio::test]
async fn fault_rules_are_listed_added_and_cleared() {
    let h = start_with(config()).await;
    let r = page(&h, "/console/faults").await;
    assert!(r.text.contains("id=\"no-faults\""));
    let r = submit(
        &h,
        "/console/faults",
        "path_prefix=%2Fv2%2Fbalance&status=700",
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("data-field=\"status\""));
    let r = submit(
        &h,
        "/console/faults",
        "path_prefix=%2Fv2%2Fbalance&status=&latency_ms=",
    )
    .await;
    assert_eq!(r.status, 400, "a status or a latency");
    let list = h
        .send(reqwest::Method::GET, "", "/_emulator/faults", None, &[])
        .await
        .json();
    assert_eq!(
        list["data"].as_array().map(Vec::len),
        Some(0),
        "nothing half-applied"
    );
    let r = submit(
        &h,
        "/console/faults",
        "method=get&path_prefix=%2Fv2%2Fbalance&status=503&times=1&retry_after=2",
    )
    .await;
    assert_eq!(r.status, 303);
    let page_now = page(&h, "/console/faults").await;
    assert_eq!(attrs(&page_now.text, "data-fault").len(), 1);
    let hit = h.get(KEY, "balance").await;
    assert_eq!(hit.status, 503, "the rule applies to the API");
    assert_eq!(hit.header("retry-after").as_deref(), Some("2"));
    assert_eq!(h.get(KEY, "balance").await.status, 200, "times=1");
    submit(&h, "/console/faults", "path_prefix=%2Fv2&latency_ms=1").await;
    let r = submit(&h, "/console/faults/clear", "").await;
    assert_eq!(r.status, 303);
    let list = h
        .send(reqwest::Method::GET, "", "/_emulator/faults", None, &[])
        .await
        .json();
    assert_eq!(list["data"].as_array().map(Vec::len), Some(0));
}
