//! The console's page shell and the small formatters every page shares (money, days, times,
//! keys, pixel positions).
//!
//! The formatters are `maud::Render` types that write straight into the page: their text is
//! digits, signs, `.`, `-`, `:` and letters only, so it needs no escaping and no `String` of
//! its own (a chart has hundreds of them; see the `console` rows of BENCHMARKS.md).

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use maud::{html, Markup, Render, DOCTYPE};
use rust_decimal::Decimal;

/// A whole page: the shell (header, skip link, live region) around `body`.
pub fn page(title: &str, body: Markup) -> Markup {
    live_page(title, None, body)
}

/// A page whose `[data-live]` regions follow the event stream at `events`.
pub fn live_page(title: &str, events: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) " · Telnyx emulator console" }
                link rel="stylesheet" href="/console/assets/console.css";
                script src="/console/assets/console.js" defer {}
            }
            body data-events=[events] {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a href="/console" { "Telnyx emulator console" }
                    " "
                    span.hint { "Everything here is the emulator's own state; the API answers the same figures." }
                }
                main #main tabindex="-1" { (body) }
                div #live.visually-hidden aria-live="polite" role="status" {}
            }
        }
    }
}

/// Writes `d` exactly with at least `min_scale` decimals (only zeros are added).
fn write_amount(buf: &mut String, d: Decimal, min_scale: u32) {
    let mut d = d.normalize();
    if d.scale() < min_scale {
        d.rescale(min_scale);
    }
    let _ = write!(buf, "{d}");
}

/// An exact amount as the API writes it (`money`: at least two decimals, never rounded):
/// `12.004`, `-0.50`.
#[derive(Debug, Clone, Copy)]
pub struct Amount(pub Decimal);

impl Render for Amount {
    fn render_to(&self, buf: &mut String) {
        write_amount(buf, self.0, 2);
    }
}

/// An exact amount for a column of figures: at least four decimals, so the points line up
/// (`172.2860`, `-0.0040`); never rounded.
#[derive(Debug, Clone, Copy)]
pub struct Figure(pub Decimal);

impl Render for Figure {
    fn render_to(&self, buf: &mut String) {
        write_amount(buf, self.0, 4);
    }
}

/// An amount with its sign and currency: `-12.004 USD` (exact, never rounded); `.figure()`
/// for a column (at least four decimals).
#[derive(Debug, Clone, Copy)]
pub struct Usd(pub Decimal);

impl Usd {
    /// The same amount in a column's format: `-12.0040 USD`.
    pub fn figure(self) -> UsdFigure {
        UsdFigure(self.0, false)
    }
}

impl Render for Usd {
    fn render_to(&self, buf: &mut String) {
        Amount(self.0).render_to(buf);
        buf.push_str(" USD");
    }
}

/// An amount with an explicit sign for credits: `+25.00 USD`, `-0.004 USD`; `.figure()` for a
/// column.
#[derive(Debug, Clone, Copy)]
pub struct SignedUsd(pub Decimal);

impl SignedUsd {
    /// The same amount in a column's format: `+25.0000 USD`.
    pub fn figure(self) -> UsdFigure {
        UsdFigure(self.0, true)
    }
}

impl Render for SignedUsd {
    fn render_to(&self, buf: &mut String) {
        if self.0 > Decimal::ZERO {
            buf.push('+');
        }
        Usd(self.0).render_to(buf);
    }
}

/// [`Usd`] or [`SignedUsd`] (the flag) with at least four decimals.
#[derive(Debug, Clone, Copy)]
pub struct UsdFigure(Decimal, bool);

impl Render for UsdFigure {
    fn render_to(&self, buf: &mut String) {
        if self.1 && self.0 > Decimal::ZERO {
            buf.push('+');
        }
        Figure(self.0).render_to(buf);
        buf.push_str(" USD");
    }
}

/// A day, ISO 8601: `2026-03-05`.
#[derive(Debug, Clone, Copy)]
pub struct Day(pub NaiveDate);

impl Render for Day {
    fn render_to(&self, buf: &mut String) {
        let d = self.0;
        let _ = write!(buf, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
    }
}

/// A time, RFC 3339 to the second with its zone: `2026-03-05T12:00:00Z` (what `util::ts`
/// writes).
#[derive(Debug, Clone, Copy)]
pub struct Instant(pub DateTime<Utc>);

impl Render for Instant {
    fn render_to(&self, buf: &mut String) {
        let t = self.0;
        Day(t.date_naive()).render_to(buf);
        let _ = write!(buf, "T{:02}:{:02}:{:02}Z", t.hour(), t.minute(), t.second());
    }
}

/// An ISO 8601 time with its zone, inside `<time>`.
pub fn time(t: DateTime<Utc>) -> Markup {
    html! { time datetime=(Instant(t)) { (Instant(t)) } }
}

/// A pixel position in hundredths of a pixel, written as the shortest decimal: `183.8`, `-4`,
/// `16.03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Px(pub i64);

impl Render for Px {
    fn render_to(&self, buf: &mut String) {
        if self.0 < 0 {
            buf.push('-');
        }
        let v = self.0.unsigned_abs();
        let (int, frac) = (v / 100, v % 100);
        let _ = match frac {
            0 => write!(buf, "{int}"),
            f if f % 10 == 0 => write!(buf, "{int}.{}", f / 10),
            f => write!(buf, "{int}.{f:02}"),
        };
    }
}

/// A key as the console shows it: `KEY…a1f3` (first three and last four characters), or only
/// the last two of a short key. The full key never appears on a page.
pub fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() >= 12 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    } else {
        let tail: String = chars[chars.len().saturating_sub(2)..].iter().collect();
        format!("…{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked() {
        assert_eq!(mask_key("KEY_test_0123456789abcdefa1f3"), "KEY…a1f3");
        assert_eq!(mask_key("KEY_DEMO"), "…MO");
        assert_eq!(mask_key(""), "…");
    }

    fn text(r: impl Render) -> String {
        r.render().into_string()
    }

    #[test]
    fn amounts_keep_sign_and_currency() {
        assert_eq!(text(Usd(Decimal::new(-40, 4))), "-0.004 USD");
        assert_eq!(text(SignedUsd(Decimal::new(2500, 2))), "+25.00 USD");
        assert_eq!(text(SignedUsd(Decimal::ZERO)), "0.00 USD");
        assert_eq!(text(Amount(Decimal::new(-5, 1))), "-0.50");
        assert_eq!(text(Figure(Decimal::new(172_286, 3))), "172.2860");
        assert_eq!(text(Figure(Decimal::new(-123_456, 5))), "-1.23456");
        assert_eq!(
            text(SignedUsd(Decimal::new(25, 0)).figure()),
            "+25.0000 USD"
        );
        assert_eq!(text(Usd(Decimal::new(-4, 3)).figure()), "-0.0040 USD");
    }

    #[test]
    fn days_and_times_are_what_the_api_writes() {
        use chrono::TimeZone;
        let t = Utc
            .with_ymd_and_hms(2026, 3, 5, 7, 8, 9)
            .single()
            .unwrap_or_default();
        assert_eq!(text(Instant(t)), crate::util::ts(t));
        assert_eq!(text(Day(t.date_naive())), t.date_naive().to_string());
        assert_eq!(
            time(t).into_string(),
            "<time datetime=\"2026-03-05T07:08:09Z\">2026-03-05T07:08:09Z</time>"
        );
    }

    #[test]
    fn pixels_are_the_shortest_decimal() {
        let all: Vec<String> = [0, 18380, 1603, -400, 5, -1250, 7]
            .into_iter()
            .map(|v| text(Px(v)))
            .collect();
        assert_eq!(all, ["0", "183.8", "16.03", "-4", "0.05", "-12.5", "0.07"]);
    }

    proptest::proptest! {
        #[test]
        fn amounts_render_as_money_does(m in proptest::num::i64::ANY, scale in 0u32..12) {
            let d = Decimal::new(m, scale);
            proptest::prop_assert_eq!(text(Amount(d)), crate::util::money(d));
        }
    }
}
