//! Charts in the terminal: horizontal bars and sparklines drawn with Unicode block
//! characters, as pure functions of exact decimals, labels, a width and color on/off.
//!
//! The bar is only the picture: every bar carries its exact amount as text. Lengths are
//! computed in eighths of a cell with decimal arithmetic (never floats), rounded down, so a
//! bar never claims more than its share; a positive amount always shows at least one eighth.

use rust_decimal::Decimal;

/// Eighths of a cell, from one eighth to seven (a full cell is `█`).
const PARTIAL: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];
/// A full cell.
const FULL: char = '█';
/// Sparkline levels, lowest first.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Narrowest bar area drawn; below it the chart is bars of this width anyway (the text
/// stays whole: a narrow terminal wraps, it does not lose amounts).
const MIN_BAR: usize = 10;

/// One bar: what it is, how much (drawn), and the exact text printed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// The label left of the bar (a group, a day).
    pub label: String,
    /// The amount the bar's length is drawn from; zero and negative amounts draw no bar.
    pub value: Decimal,
    /// The exact amount as printed right of the bar, e.g. `12.3400 USD (17)`.
    pub text: String,
}

/// Horizontal bars, one line each, scaled so the largest value fills the bar area; the whole
/// line (label, bar, text) fits in `width` columns when it can.
pub fn bars(items: &[Bar], width: usize, color: bool) -> String {
    let label_w = items
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let text_w = items
        .iter()
        .map(|b| b.text.chars().count())
        .max()
        .unwrap_or(0);
    // label, space, bar, space, text
    let bar_w = width.saturating_sub(label_w + text_w + 2).max(MIN_BAR);
    let max = items
        .iter()
        .map(|b| b.value)
        .fold(Decimal::ZERO, Decimal::max);
    let mut out = String::new();
    for b in items {
        let eighths = eighths(b.value, max, bar_w);
        let bar = bar_text(eighths);
        let pad = bar_w - bar.chars().count();
        let painted = if color && !bar.is_empty() {
            format!("\x1b[36m{bar}\x1b[0m")
        } else {
            bar
        };
        out.push_str(&format!(
            "{label:<label_w$} {painted}{blank} {text}",
            label = b.label,
            blank = " ".repeat(pad),
            text = b.text
        ));
        // No trailing spaces on a line.
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

/// The bar's length in eighths of a cell for `value` out of `max` over `cells` cells:
/// floor(value / max * cells * 8), at least 1 for a positive value.
pub fn eighths(value: Decimal, max: Decimal, cells: usize) -> usize {
    if value <= Decimal::ZERO || max <= Decimal::ZERO {
        return 0;
    }
    let total = Decimal::from(cells as u64) * Decimal::from(8u8);
    let scaled = (value * total / max).floor();
    let n: usize = scaled.try_into().unwrap_or(cells * 8);
    n.clamp(1, cells * 8)
}

fn bar_text(eighths: usize) -> String {
    let mut s: String = std::iter::repeat_n(FULL, eighths / 8).collect();
    if !eighths.is_multiple_of(8) {
        s.push(PARTIAL[eighths % 8 - 1]);
    }
    s
}

/// A sparkline: one character per value, `▁` for zero or less and `▂`..`█` for positive
/// values in proportion to the largest (ceil(value / max * 7) levels up: any spend shows).
pub fn sparkline(values: &[Decimal]) -> String {
    let max = values.iter().copied().fold(Decimal::ZERO, Decimal::max);
    values
        .iter()
        .map(|v| {
            if *v <= Decimal::ZERO || max <= Decimal::ZERO {
                return LEVELS[0];
            }
            let level = (*v * Decimal::from(7u8) / max).ceil();
            let level: usize = level.try_into().unwrap_or(7);
            LEVELS[level.clamp(1, 7)]
        })
        .collect()
}

/// The width to draw for: `COLUMNS` when set to a number, else the terminal's width when
/// stdout is one, else 80.
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    console::Term::stdout()
        .size_checked()
        .map_or(80, |(_, cols)| usize::from(cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn bar(label: &str, v: &str) -> Bar {
        Bar {
            label: label.into(),
            value: d(v),
            text: format!("{v} USD"),
        }
    }

    #[test]
    fn bars_snapshot() {
        let items = [
            bar("messaging", "12.5000"),
            bar("call", "100.00"),
            bar("verify", "0.0001"),
            bar("sim", "0"),
            bar("credit", "-3.00"),
        ];
        let expected = "\
messaging ████                             12.5000 USD
call      ████████████████████████████████ 100.00 USD
verify    ▏                                0.0001 USD
sim                                        0 USD
credit                                     -3.00 USD
";
        assert_eq!(bars(&items, 54, false), expected);
    }

    #[test]
    fn bars_color_wraps_only_the_bar() {
        let s = bars(&[bar("a", "1"), bar("b", "0")], 30, true);
        assert_eq!(
            s,
            "a \x1b[36m██████████████████████\x1b[0m 1 USD\nb                        0 USD\n"
        );
        assert!(!bars(&[bar("a", "1")], 30, false).contains('\x1b'));
    }

    #[test]
    fn narrow_width_keeps_a_minimum_bar_and_the_whole_text() {
        let s = bars(&[bar("messaging", "2"), bar("call", "1")], 5, false);
        assert_eq!(
            s,
            "messaging ██████████ 2 USD\ncall      █████      1 USD\n"
        );
    }

    #[test]
    fn eighths_are_exact_and_floor() {
        assert_eq!(eighths(d("1"), d("3"), 3), 8); // 24/3
        assert_eq!(eighths(d("2"), d("3"), 3), 16);
        assert_eq!(eighths(d("0.0000001"), d("1000000"), 10), 1);
        assert_eq!(eighths(d("5"), d("5"), 7), 56);
        assert_eq!(eighths(d("0"), d("5"), 7), 0);
        assert_eq!(eighths(d("1"), d("0"), 7), 0);
        // 0.1 + 0.2 is exactly 0.3 here: one third of 0.9 over 3 cells is exactly 8 eighths.
        assert_eq!(eighths(d("0.1") + d("0.2"), d("0.9"), 3), 8);
    }

    #[test]
    fn sparkline_snapshot() {
        let v: Vec<Decimal> = ["0", "1", "2", "3", "4", "5", "6", "7", "-1", "0.5"]
            .iter()
            .map(|s| d(s))
            .collect();
        assert_eq!(sparkline(&v), "▁▂▃▄▅▆▇█▁▂");
        assert_eq!(sparkline(&[d("0"), d("0")]), "▁▁");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[d("0.01"), d("100")]), "▂█");
    }
}
