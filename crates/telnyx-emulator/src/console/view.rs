//! The console's page shell and the small formatters every page shares (money, times, keys).

use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};
use rust_decimal::Decimal;

use crate::util::money;

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
                // htmx may not inject styles or evaluate strings (the CSP forbids both).
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;
                title { (title) " · Telnyx emulator console" }
                link rel="stylesheet" href="/console/assets/console.css";
                script src="/console/assets/htmx.min.js" defer {}
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

/// An amount with its sign and currency: `-12.0040 USD` (exact, never rounded).
pub fn usd(d: Decimal) -> String {
    format!("{} USD", money(d))
}

/// An amount with an explicit sign for credits: `+25.00 USD`, `-0.004 USD`.
pub fn signed_usd(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{} USD", money(d))
    } else {
        usd(d)
    }
}

/// An ISO 8601 time with its zone, inside `<time>`.
pub fn time(t: DateTime<Utc>) -> Markup {
    let s = crate::util::ts(t);
    html! { time datetime=(s) { (s) } }
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

    #[test]
    fn amounts_keep_sign_and_currency() {
        assert_eq!(usd(Decimal::new(-40, 4)), "-0.004 USD");
        assert_eq!(signed_usd(Decimal::new(2500, 2)), "+25.00 USD");
        assert_eq!(signed_usd(Decimal::ZERO), "0.00 USD");
    }
}
