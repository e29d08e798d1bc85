//! Progress bars on stderr for long work, only when stderr is a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing (piped stderr, short work).
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Whether bars can be shown at all: stderr is a terminal.
    pub fn available() -> bool {
        use std::io::IsTerminal;
        std::io::stderr().is_terminal()
    }

    /// A bar labelled `label`, shown only if `enabled`. The total can come later
    /// ([`Progress::set_total`], e.g. from the first page's `total_results`).
    pub fn new(enabled: bool, label: &str, total: Option<u64>) -> Progress {
        if !enabled {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
        bar.set_style(style(total.is_some()));
        bar.set_message(label.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    /// Sets the expected number of items (enables the bar and the ETA).
    pub fn set_total(&self, total: u64) {
        if let Some(b) = &self.bar {
            b.set_length(total);
            b.set_style(style(true));
        }
    }

    /// Counts `n` more items.
    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn style(with_total: bool) -> ProgressStyle {
    let template = if with_total {
        "{spinner} {msg} {wide_bar} {human_pos}/{human_len} {rate} eta {eta}"
    } else {
        "{spinner} {msg} {human_pos} {rate}"
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                // Same thousands separators as the counts next to it: 42,110/s.
                let _ = write!(
                    w,
                    "{}/s",
                    thousands(state.per_sec().max(0.0).round() as u64)
                );
            },
        )
        .progress_chars("=> ")
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(30800), "30,800");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }

    use super::*;

    #[test]
    fn hidden_progress_is_a_no_op() {
        let p = Progress::new(false, "x", Some(10));
        p.inc(3);
        p.set_total(5);
        p.finish();
        assert!(p.bar.is_none());
        // Templates are valid.
        let _ = style(true);
        let _ = style(false);
    }
}
