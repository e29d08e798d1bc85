//! The pieces every answer shares: money with its currency, the period used, the list window
//! (`has_more`, `total`, an opaque cursor) and the size cap.

use base64::Engine;
use chrono::{Datelike, Months, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use telnyx::{Decimal, Money};

use crate::error::ToolError;

/// Rows a list returns when the caller does not ask for a number.
pub const DEFAULT_ROWS: u32 = 20;
/// The most rows one answer carries.
pub const MAX_ROWS: u32 = 50;
/// An answer's JSON is cut (rows dropped, `truncated: true`) above this many bytes.
pub const MAX_ANSWER_BYTES: usize = 20_000;
/// The longest period the charges endpoints accept, in days.
pub const MAX_PERIOD_DAYS: i64 = 31;

/// An exact amount of money: a decimal string and its currency. Never a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Amount {
    /// Exact decimal, e.g. "12.3400".
    pub amount: String,
    /// ISO 4217 code, e.g. "USD".
    pub currency: String,
}

impl Amount {
    /// `value` in `currency`, normalised (no trailing zeros beyond two decimals).
    pub fn new(value: Decimal, currency: &str) -> Amount {
        Amount {
            amount: decimal_text(value),
            currency: currency.to_string(),
        }
    }

    /// A wire [`Money`] in `currency`, as Telnyx wrote it.
    pub fn money(value: &Money, currency: &str) -> Amount {
        Amount {
            amount: value.as_str().to_string(),
            currency: currency.to_string(),
        }
    }
}

/// `value` as text with at least two decimals and no needless trailing zeros ("12.5" -> "12.50").
pub fn decimal_text(value: Decimal) -> String {
    let mut v = value.normalize();
    if v.scale() < 2 {
        v.rescale(2);
    }
    v.to_string()
}

/// A percentage change as an exact decimal string with two places, `None` when `from` is zero.
pub fn percent_change(from: Decimal, to: Decimal) -> Option<String> {
    if from.is_zero() {
        return None;
    }
    let mut pct = ((to - from) * Decimal::ONE_HUNDRED / from.abs()).round_dp(2);
    pct.rescale(2);
    Some(pct.to_string())
}

/// A period the caller may give: both dates optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodInput {
    /// First day (YYYY-MM-DD). Default: the first day of the current month (UTC).
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    /// Day after the last day (exclusive, YYYY-MM-DD). Default: one month after start_date. At most 31 days after start_date.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
}

/// The period an answer covers: `[start_date, end_date)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    /// First day (YYYY-MM-DD).
    pub start_date: NaiveDate,
    /// Day after the last day (exclusive).
    pub end_date: NaiveDate,
}

/// The first day of `today`'s month.
pub fn month_start(today: NaiveDate) -> NaiveDate {
    today.with_day(1).unwrap_or(today)
}

impl PeriodInput {
    /// The period these dates mean (defaults filled in from `today`), checked.
    pub fn resolve(&self, today: NaiveDate, what: &str) -> Result<Period, ToolError> {
        let start = self.start_date.unwrap_or_else(|| month_start(today));
        let end = match self.end_date {
            Some(end) => end,
            None => start.checked_add_months(Months::new(1)).ok_or_else(|| {
                ToolError::invalid(format!("{what}.start_date {start} is out of range"))
            })?,
        };
        let days = (end - start).num_days();
        if days <= 0 {
            return Err(ToolError::invalid(format!(
                "{what}: end_date {end} must be after start_date {start} (end_date is exclusive: \
                 send the day after the last day)"
            )));
        }
        if days > MAX_PERIOD_DAYS {
            return Err(ToolError::invalid(format!(
                "{what}: {start}..{end} is {days} days; Telnyx reports at most {MAX_PERIOD_DAYS} \
                 days at a time: send an end_date at most {MAX_PERIOD_DAYS} days after start_date"
            )));
        }
        Ok(Period {
            start_date: start,
            end_date: end,
        })
    }
}

impl Period {
    /// The period of the same length ending where this one starts (the month before for a
    /// whole month).
    pub fn previous(&self) -> Period {
        let is_month = self.start_date.day() == 1
            && self.start_date.checked_add_months(Months::new(1)) == Some(self.end_date);
        let start = if is_month {
            self.start_date
                .checked_sub_months(Months::new(1))
                .unwrap_or(self.start_date)
        } else {
            self.start_date - (self.end_date - self.start_date)
        };
        Period {
            start_date: start,
            end_date: self.start_date,
        }
    }
}

/// The paging part of every list answer.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ListInfo {
    /// How many items match in all.
    pub total: u64,
    /// Rows in this answer.
    pub returned: u64,
    /// Whether more rows follow: send `next_cursor` as `cursor` to get them.
    pub has_more: bool,
    /// Opaque; send it back unchanged as `cursor` with the same other arguments.
    pub next_cursor: Option<String>,
    /// True when rows were dropped to keep the answer under about 20 KB.
    pub truncated: bool,
    #[serde(skip)]
    #[schemars(skip)]
    window: Window,
}

/// Which rows of a list an answer carries, and how to name the next ones.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Window {
    /// The tool the cursor belongs to.
    pub tool: &'static str,
    /// A fingerprint of the other arguments.
    pub fingerprint: u64,
    /// Index of the first row.
    pub offset: u64,
    /// Rows asked for.
    pub limit: u32,
}

#[derive(Serialize, Deserialize)]
struct CursorState {
    t: String,
    o: u64,
    f: u64,
}

impl Window {
    /// The window an argument set asks for: `limit` (default 20, at most 50) rows from the
    /// cursor's offset (0 without one). `args` is everything but `cursor` and `limit`.
    pub fn new(
        tool: &'static str,
        args: &impl Serialize,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Window, ToolError> {
        let limit = limit.unwrap_or(DEFAULT_ROWS);
        if limit == 0 || limit > MAX_ROWS {
            return Err(ToolError::invalid(format!(
                "limit {limit} is out of range: send 1 to {MAX_ROWS}, or leave it out for {DEFAULT_ROWS}"
            )));
        }
        let fingerprint = fingerprint(args);
        let offset = match cursor {
            None => 0,
            Some(text) => {
                let state = decode_cursor(text).ok_or_else(|| {
                    ToolError::invalid(format!(
                        "cursor is not one this server made: send the next_cursor of a previous \
                         {tool} answer unchanged, or leave cursor out to start from the first row"
                    ))
                })?;
                if state.t != tool {
                    return Err(ToolError::invalid(format!(
                        "this cursor belongs to {}, not {tool}: call {} with it, or leave cursor out",
                        state.t, state.t
                    )));
                }
                if state.f != fingerprint {
                    return Err(ToolError::invalid(
                        "this cursor was made for different arguments: send the same arguments as \
                         the call that returned it (only cursor and limit may change), or leave \
                         cursor out to start over",
                    ));
                }
                state.o
            }
        };
        Ok(Window {
            tool,
            fingerprint,
            offset,
            limit,
        })
    }

    /// Whether item number `index` (0-based, in list order) belongs in this answer.
    pub fn contains(&self, index: u64) -> bool {
        index >= self.offset && index < self.offset + u64::from(self.limit)
    }

    /// The paging info for `returned` rows out of `total`.
    pub fn info(&self, total: u64, returned: usize) -> ListInfo {
        let mut info = ListInfo {
            total,
            returned: 0,
            has_more: false,
            next_cursor: None,
            truncated: false,
            window: self.clone(),
        };
        info.set_returned(returned);
        info
    }

    fn cursor_at(&self, offset: u64) -> String {
        let state = CursorState {
            t: self.tool.to_string(),
            o: offset,
            f: self.fingerprint,
        };
        let json = serde_json::to_vec(&state).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }
}

impl ListInfo {
    /// Recomputes `returned`, `has_more` and `next_cursor` for `returned` rows.
    pub fn set_returned(&mut self, returned: usize) {
        let returned = returned as u64;
        let next = self.window.offset + returned;
        self.returned = returned;
        self.has_more = next < self.total;
        self.next_cursor = self.has_more.then(|| self.window.cursor_at(next));
    }
}

fn decode_cursor(text: &str) -> Option<CursorState> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// FNV-1a over the arguments' JSON: ties a cursor to the arguments it was made for (not a
/// security measure: a forged cursor can only ask for other rows of the caller's own account).
fn fingerprint(args: &impl Serialize) -> u64 {
    let text = serde_json::to_string(args).unwrap_or_default();
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An answer that can be cut to fit [`MAX_ANSWER_BYTES`] by dropping its last rows.
pub trait Capped: Serialize {
    /// Drops the last row and updates the paging info; false when there is none to drop.
    fn drop_last_row(&mut self) -> bool {
        false
    }
}

/// The answer as JSON, with rows dropped from the end (and `truncated: true`) until it fits.
pub fn capped_json<T: Capped>(mut answer: T) -> Result<serde_json::Value, ToolError> {
    loop {
        let text = serde_json::to_string(&answer)
            .map_err(|e| ToolError::internal(format!("answer did not serialize: {e}")))?;
        if text.len() <= MAX_ANSWER_BYTES || !answer.drop_last_row() {
            return serde_json::from_str(&text)
                .map_err(|e| ToolError::internal(format!("answer did not serialize: {e}")));
        }
    }
}

/// Implements [`Capped`] for an answer with `rows: Vec<_>` and `list: ListInfo`.
#[macro_export]
#[doc(hidden)]
macro_rules! capped_rows {
    ($t:ty) => {
        impl $crate::answer::Capped for $t {
            fn drop_last_row(&mut self) -> bool {
                if self.rows.pop().is_none() {
                    return false;
                }
                self.list.set_returned(self.rows.len());
                self.list.truncated = true;
                true
            }
        }
    };
}

/// Counts of a string key, sorted by count (then name), as `{value, count}` rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Count {
    /// The value counted ("(none)" when absent).
    pub value: String,
    /// How many items had it.
    pub count: u64,
}

/// A counter that keeps insertion-independent, deterministic output.
#[derive(Debug, Default)]
pub struct Counter(std::collections::HashMap<String, u64>);

impl Counter {
    /// Counts one `value` (`None` counts as "(none)").
    pub fn add(&mut self, value: Option<&str>) {
        *self
            .0
            .entry(value.unwrap_or("(none)").to_string())
            .or_default() += 1;
    }

    /// The `top` most frequent values, most first (ties by name).
    pub fn top(&self, top: usize) -> Vec<Count> {
        let mut rows: Vec<Count> = self
            .0
            .iter()
            .map(|(value, count)| Count {
                value: value.clone(),
                count: *count,
            })
            .collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        rows.truncate(top);
        rows
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn default_period_is_the_current_month() {
        let p = PeriodInput::default()
            .resolve(d("2026-02-14"), "period")
            .unwrap();
        assert_eq!(
            (p.start_date, p.end_date),
            (d("2026-02-01"), d("2026-03-01"))
        );
        assert_eq!(p.previous().start_date, d("2026-01-01"));
        assert_eq!(p.previous().end_date, d("2026-02-01"));
    }

    #[test]
    fn bad_periods_say_what_to_send() {
        let long = PeriodInput {
            start_date: Some(d("2026-01-01")),
            end_date: Some(d("2026-03-01")),
        };
        let e = long.resolve(d("2026-01-01"), "period").unwrap_err();
        assert_eq!(e.kind, "invalid_argument");
        assert!(e.message.contains("at most 31 days"), "{}", e.message);
        let backwards = PeriodInput {
            start_date: Some(d("2026-01-05")),
            end_date: Some(d("2026-01-05")),
        };
        let e = backwards.resolve(d("2026-01-01"), "current").unwrap_err();
        assert!(e.message.starts_with("current: end_date"), "{}", e.message);
    }

    #[test]
    fn cursors_round_trip_and_are_bound_to_tool_and_arguments() {
        let w = Window::new("list_invoices", &("a", 1), Some(2), None).unwrap();
        let info = w.info(5, 2);
        assert!(info.has_more);
        let cursor = info.next_cursor.unwrap();
        let next = Window::new("list_invoices", &("a", 1), Some(2), Some(&cursor)).unwrap();
        assert_eq!(next.offset, 2);
        assert!(next.contains(3) && !next.contains(4) && !next.contains(1));
        let other_args = Window::new("list_invoices", &("b", 1), Some(2), Some(&cursor));
        assert!(other_args
            .unwrap_err()
            .message
            .contains("different arguments"));
        let other_tool = Window::new("list_audit_events", &("a", 1), Some(2), Some(&cursor));
        assert!(other_tool
            .unwrap_err()
            .message
            .contains("belongs to list_invoices"));
        let garbage = Window::new("list_invoices", &("a", 1), None, Some("%%%"));
        assert!(garbage.unwrap_err().message.contains("leave cursor out"));
        assert!(Window::new("x", &(), Some(0), None).is_err());
        assert!(Window::new("x", &(), Some(51), None).is_err());
        assert_eq!(w.info(2, 2).next_cursor, None);
    }

    #[test]
    fn money_text_is_exact() {
        assert_eq!(decimal_text("12.5".parse().unwrap()), "12.50");
        assert_eq!(decimal_text("0.004000".parse().unwrap()), "0.004");
        assert_eq!(
            percent_change("10".parse().unwrap(), "20".parse().unwrap()).unwrap(),
            "100.00"
        );
        assert_eq!(
            percent_change("3".parse().unwrap(), "2".parse().unwrap()).unwrap(),
            "-33.33"
        );
        assert_eq!(percent_change(Decimal::ZERO, Decimal::ONE), None);
    }

    #[derive(Serialize)]
    struct Rows {
        rows: Vec<String>,
        list: ListInfo,
    }
    capped_rows!(Rows);

    #[test]
    fn big_answers_are_cut_and_say_so() {
        let w = Window::new("t", &(), Some(50), None).unwrap();
        let rows: Vec<String> = (0..50).map(|_| "x".repeat(1000)).collect();
        let answer = Rows {
            list: w.info(80, rows.len()),
            rows,
        };
        let v = capped_json(answer).unwrap();
        assert!(v.to_string().len() <= MAX_ANSWER_BYTES);
        assert_eq!(v["list"]["truncated"], true);
        let n = v["rows"].as_array().unwrap().len() as u64;
        assert!(n < 50 && n > 10);
        assert_eq!(v["list"]["returned"], n);
        assert_eq!(v["list"]["has_more"], true);
    }
}
