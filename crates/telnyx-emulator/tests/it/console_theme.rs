//! The console's look under the user's preferences, in chromium (CSS media features emulated
//! through the DevTools protocol, see `browser_test::emulate_media`): light and dark colour
//! schemes keep text at WCAG AA contrast (4.5:1) and chart bars at WCAG 1.4.11 non-text
//! contrast (3:1) on every page; `prefers-reduced-motion: reduce` stops every transition and
//! animation. Full-page screenshots: `target/console-screenshots/{light,dark}-*.png`.

use browser_test::fantoccini::Client;
use serde_json::Value;
use telnyx_emulator::Advance;

use crate::common::Harness;
use crate::console_browser::{home_url, run, KEY};

/// WCAG 2 AA contrast for body-size text.
const TEXT_CONTRAST: f64 = 4.5;
/// WCAG 2.1 SC 1.4.11: graphical objects needed to understand content (the chart's bars).
const BAR_CONTRAST: f64 = 3.0;

/// Reads the page's colours (after opening every `<details>`, so the charts' data tables are
/// rendered): the body's text and background luminance, then, for every rendered element
/// with text of its own, its text colour's contrast with the background behind it (the
/// nearest opaque background up the tree, translucent layers composited over it), and for
/// every chart bar its fill's contrast with the background behind it. WCAG 2 formulas.
const LOOK_JS: &str = r#"
const parse = (s) => {
  const m = /^rgba?\(([^)]*)\)$/.exec(String(s).trim());
  if (!m) throw new Error('unexpected colour ' + s);
  const p = m[1].split(/[\s,\/]+/).filter((x) => x.length).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
const background = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  if (!layers.length || layers[layers.length - 1][3] < 1) {
    throw new Error('no opaque background behind ' + el.tagName);
  }
  return layers.reverse().reduce((under, top) => over(top, under));
};
const lum = (c) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
};
const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const classes = (el) => {
  const c = typeof el.className === 'string' ? el.className : (el.className && el.className.baseVal) || '';
  return c.trim() ? '.' + c.trim().split(/\s+/).join('.') : '';
};
document.querySelectorAll('details').forEach((d) => { d.open = true; });
const texts = [];
for (const el of document.body.querySelectorAll('*')) {
  const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own || !el.getClientRects().length) continue;
  const st = getComputedStyle(el);
  if (st.visibility !== 'visible') continue;
  const bg = background(el);
  const fg = over(parse(el instanceof SVGElement ? st.fill : st.color), bg);
  texts.push({
    what: el.tagName.toLowerCase() + classes(el) + ' "' + el.textContent.trim().slice(0, 40) + '"',
    tag: el.tagName.toLowerCase(),
    chart_data: !!el.closest('figure.chart'),
    ratio: ratio(fg, bg),
  });
}
const bars = [...document.querySelectorAll('rect.bar')].map((r) => ({
  product: r.dataset.product,
  // Behind the bar is its chart (the bar's own `background` only colours legend swatches).
  ratio: ratio(parse(getComputedStyle(r).fill), background(r.parentElement)),
}));
const bodyBg = background(document.body);
return {
  bg_luminance: lum(bodyBg),
  fg_luminance: lum(over(parse(getComputedStyle(document.body).color), bodyBg)),
  texts,
  bars,
};
"#;

/// Every element (and its `::before`/`::after`) whose computed transition or animation lasts
/// longer than 0 s, and the root's `scroll-behavior`. First adds a probe that asks for motion
/// through the CSSOM (not a style attribute: the CSP forbids those), as a page's own script
/// would: a transition of 0.3 s and an animation of 0.4 s.
const MOTION_JS: &str = r#"
let probe = document.getElementById('motion-probe');
if (!probe) {
  probe = document.createElement('div');
  probe.id = 'motion-probe';
  probe.textContent = 'motion probe';
  document.body.appendChild(probe);
}
probe.style.transition = 'opacity 0.3s ease-in';
probe.style.animation = 'motion-probe 0.4s linear infinite';
const secs = (v) => v.split(',').map((x) => {
  x = x.trim();
  if (x === 'auto') return 0;
  const n = parseFloat(x);
  if (Number.isNaN(n)) throw new Error('unexpected duration ' + v);
  return x.endsWith('ms') ? n / 1000 : n;
});
const moving = [];
for (const el of document.querySelectorAll('*')) {
  for (const pseudo of [null, '::before', '::after']) {
    const st = getComputedStyle(el, pseudo);
    const t = Math.max(...secs(st.transitionDuration));
    const a = Math.max(...secs(st.animationDuration));
    if (t > 0 || a > 0) {
      moving.push({ what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (pseudo || ''), transition: t, animation: a });
    }
  }
}
return { moving, scroll: getComputedStyle(document.documentElement).scrollBehavior };
"#;

/// An account whose chart uses every colour: five usage types with a cost, numbers (the
/// month closes on 1 April) over 40 days.
async fn colourful(h: &Harness) {
    h.emu
        .set_traffic(
            KEY,
            &[
                ("messaging", 40),
                ("call-control", 8),
                ("verify", 4),
                ("amd", 3),
                ("wireless", 2),
                ("conference-participant", 2),
                ("media_storage", 1),
            ],
        )
        .await
        .expect("traffic");
    h.emu
        .advance_clock(KEY, Advance::Days(40))
        .await
        .expect("advance");
}

/// The pages checked: the accounts list, the home (30 and 365 days), the ledger, the
/// webhooks and the detail records; (name, url).
async fn pages(h: &Harness) -> Vec<(&'static str, String)> {
    let home = home_url(h).await;
    vec![
        ("accounts", format!("{}/console", h.origin)),
        ("home", home.clone()),
        ("home-365", format!("{home}?days=365")),
        ("ledger", format!("{home}/ledger")),
        ("webhooks", format!("{home}/webhooks")),
        ("records", format!("{home}/records")),
    ]
}

/// A screenshot of the whole page (the window made as tall as the document, then put back).
async fn full_page_screenshot(c: &Client, file: &str) {
    let height = c
        .execute("return document.documentElement.scrollHeight", Vec::new())
        .await
        .expect("height")
        .as_u64()
        .unwrap_or(900)
        .clamp(900, 8000);
    c.set_window_size(1280, u32::try_from(height).unwrap_or(900))
        .await
        .expect("resize");
    browser_test::screenshot(c, file).await;
    c.set_window_size(1280, 900).await.expect("resize back");
}

/// Checks every page in colour scheme `scheme` (`light` or `dark`): the body's colours go the
/// scheme's way, all text reaches 4.5:1 (body text, table cells, links and the charts' data
/// among it) and every bar 3:1 against what is behind it.
async fn check_scheme(h: &Harness, c: &Client, scheme: &str) {
    browser_test::emulate_media(c, &[("prefers-color-scheme", scheme)]).await;
    for (name, url) in pages(h).await {
        c.goto(&url).await.expect("goto");
        assert!(
            browser_test::matches_media(c, &format!("(prefers-color-scheme: {scheme})")).await,
            "{name}: the emulated scheme holds after a navigation"
        );
        let look = c.execute(LOOK_JS, Vec::new()).await.expect("the look");
        let num = |v: &Value| v.as_f64().expect("a number");
        let (bg, fg) = (num(&look["bg_luminance"]), num(&look["fg_luminance"]));
        if scheme == "dark" {
            assert!(
                bg < 0.05 && fg > 0.6,
                "{name}: dark background ({bg}), light text ({fg})"
            );
        } else {
            assert!(
                bg > 0.9 && fg < 0.05,
                "{name}: light background ({bg}), dark text ({fg})"
            );
        }
        let texts = look["texts"].as_array().expect("texts");
        let low: Vec<String> = texts
            .iter()
            .filter(|t| num(&t["ratio"]) < TEXT_CONTRAST)
            .map(|t| format!("{} {:.2}:1", t["what"], num(&t["ratio"])))
            .collect();
        assert!(
            low.is_empty(),
            "{scheme} {name}: text below 4.5:1: {low:#?}"
        );
        let count = |f: &dyn Fn(&Value) -> bool| texts.iter().filter(|t| f(t)).count();
        let tag = |t: &Value, names: &[&str]| names.iter().any(|n| t["tag"] == *n);
        assert!(count(&|t| tag(t, &["a"])) > 0, "{name}: links checked");
        assert!(
            count(&|t| tag(t, &["p", "dd", "dt", "h1", "h2", "li", "span"])) > 0,
            "{name}: body text checked"
        );
        if name != "accounts" {
            assert!(
                count(&|t| tag(t, &["td", "th"])) > 0,
                "{name}: table cells checked"
            );
        }
        if name.starts_with("home") || name == "ledger" {
            assert!(
                count(&|t| t["chart_data"] == true && tag(t, &["td", "th"])) > 0,
                "{name}: the chart's data table checked"
            );
        }
        let bars = look["bars"].as_array().expect("bars");
        if name.starts_with("home") {
            let products: std::collections::BTreeSet<&str> =
                bars.iter().filter_map(|b| b["product"].as_str()).collect();
            assert!(
                products.len() >= 6,
                "{name}: most colours drawn: {products:?}"
            );
        }
        let faint: std::collections::BTreeSet<String> = bars
            .iter()
            .filter(|b| num(&b["ratio"]) < BAR_CONTRAST)
            .map(|b| {
                format!(
                    "{} {:.2}:1",
                    b["product"].as_str().unwrap_or("?"),
                    num(&b["ratio"])
                )
            })
            .collect();
        assert!(
            faint.is_empty(),
            "{scheme} {name}: bars below 3:1: {faint:?}"
        );
        let lowest = texts
            .iter()
            .min_by(|a, b| num_ratio(a).total_cmp(&num_ratio(b)))
            .map(|t| format!("{:.2}:1, {}", num_ratio(t), t["what"]))
            .unwrap_or_default();
        let faintest_bar = match bars.iter().map(num_ratio).reduce(f64::min) {
            Some(r) => format!(" (lowest {r:.2}:1)"),
            None => String::new(),
        };
        eprintln!(
            "{scheme} {name}: {} texts (lowest {lowest}), {} bars{faintest_bar}",
            texts.len(),
            bars.len()
        );
        if matches!(name, "home" | "ledger") {
            full_page_screenshot(c, &format!("{scheme}-{name}")).await;
        }
    }
}

fn num_ratio(t: &Value) -> f64 {
    t["ratio"].as_f64().unwrap_or(f64::NAN)
}

#[tokio::test]
async fn dark_mode_pages_are_dark_with_readable_text_and_visible_bars() {
    run("dark", |h, c| async move {
        colourful(&h).await;
        check_scheme(&h, &c, "dark").await;
    })
    .await;
}

#[tokio::test]
async fn light_mode_pages_have_readable_text_and_visible_bars() {
    run("light", |h, c| async move {
        colourful(&h).await;
        check_scheme(&h, &c, "light").await;
    })
    .await;
}

#[tokio::test]
async fn reduced_motion_stops_every_transition_and_animation() {
    run("reduced-motion", |h, c| async move {
        let home = home_url(&h).await;
        let motion = |c: Client| async move {
            let v = c.execute(MOTION_JS, Vec::new()).await.expect("motion");
            let moving: Vec<String> = v["moving"]
                .as_array()
                .expect("moving")
                .iter()
                .map(|m| {
                    let what = m["what"].as_str().unwrap_or("?");
                    format!("{what} {}s/{}s", m["transition"], m["animation"])
                })
                .collect();
            (moving, v["scroll"].as_str().unwrap_or_default().to_string())
        };
        // By default the motion a page asks for happens: the check sees it.
        browser_test::emulate_media(&c, &[("prefers-reduced-motion", "no-preference")]).await;
        c.goto(&home).await.expect("goto");
        let (moving, _) = motion(c.clone()).await;
        assert!(
            moving.contains(&"div#motion-probe 0.3s/0.4s".to_string()),
            "{moving:?}"
        );
        eprintln!("moving by default: {moving:?}");
        // Reduced: nothing moves, on the home page (with a probe asking for motion) and on the
        // ledger.
        browser_test::emulate_media(&c, &[("prefers-reduced-motion", "reduce")]).await;
        for url in [home.clone(), format!("{home}/ledger")] {
            c.goto(&url).await.expect("goto");
            assert!(browser_test::matches_media(&c, "(prefers-reduced-motion: reduce)").await);
            let (moving, scroll) = motion(c.clone()).await;
            assert!(moving.is_empty(), "{url}: still moving: {moving:?}");
            assert_eq!(scroll, "auto", "{url}: no smooth scrolling");
        }
    })
    .await;
}
