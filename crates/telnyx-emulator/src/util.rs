//! Small helpers shared by the emulator: stable hashing, money formatting, ids and time.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;

/// FNV-1a 64-bit over `bytes`, continuing from `state` (start with [`FNV_OFFSET`]).
pub fn fnv1a(mut state: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        state ^= u64::from(*b);
        state = state.wrapping_mul(0x0000_0100_0000_01b3);
    }
    state
}

/// The FNV-1a 64-bit offset basis.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// A stable 64-bit hash of a string (FNV-1a), independent of process and platform.
pub fn stable_hash(s: &str) -> u64 {
    fnv1a(FNV_OFFSET, s.as_bytes())
}

/// A stable string fingerprint of arbitrary bytes (for idempotency).
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = FNV_OFFSET;
    for p in parts {
        h = fnv1a(h, p);
        h = fnv1a(h, &[0xff]);
    }
    format!("{h:016x}{:016x}", stable_hash(&format!("{h}")))
}

/// A short, stable, non-reversible fingerprint of an API key for logs and storage.
///
/// Two independent FNV-1a variants give 128 bits, printed as 32 hex digits.
pub fn key_hash(key: &str) -> String {
    let a = fnv1a(FNV_OFFSET, key.as_bytes());
    let b = fnv1a(0x6c62_272e_07bb_0142, key.as_bytes()).rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15;
    format!("{a:016x}{b:016x}")
}

/// A random (v4 layout) UUID drawn from a deterministic generator.
pub fn uuid_from(rng: &mut fastrand::Rng) -> String {
    let bytes = rng.u128(..).to_le_bytes();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Formats integer cents as a decimal string with two decimals (`30000` -> `"300.00"`).
pub fn cents_str(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Formats a decimal with exactly `scale` decimals (`0.004` at 4 -> `"0.0040"`).
pub fn dec_str(d: Decimal, scale: u32) -> String {
    let mut d = d.round_dp(scale);
    d.rescale(scale);
    d.to_string()
}

/// An exact amount as the API shows money: every significant decimal, and at least two
/// (`300` -> `"300.00"`, `0.004` -> `"0.004"`, `-1.2340` -> `"-1.234"`).
pub fn money(d: Decimal) -> String {
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

/// RFC 3339 timestamp with second precision and a `Z` suffix.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// RFC 3339 timestamp with millisecond precision and a `Z` suffix.
pub fn ts_ms(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an RFC 3339 date-time, or a bare `YYYY-MM-DD` date (midnight UTC).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Some clients send a space instead of `T`, or a decoded `+` that became a space.
    if let Ok(t) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc())
}

/// Parses a strict `YYYY-MM-DD` date: four-digit year, no sign (chrono's `%Y` alone would take
/// `+999-01-01` and `-999-01-01`, which are also ten characters long).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if !is_full_date(s) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// `DDDD-DD-DD` with ASCII digits: the shape of an RFC 3339 full-date (`format: date`).
pub fn is_full_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// Parses a money amount with at most two decimals into cents (`"104.5"` -> `10450`).
///
/// Accepts only `digits[.d[d]]`; no sign, exponent or float.
pub fn parse_money_cents(s: &str) -> Option<i64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() || int.len() > 12 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || (s.contains('.') && frac.is_empty())
    {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let mut f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    if frac.len() == 1 {
        f *= 10;
    }
    whole.checked_mul(100)?.checked_add(f)
}

/// The first day of the month containing `d`.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day0(0).unwrap_or(d)
}

/// The first day of the month after the one containing `d`.
pub fn next_month_start(d: NaiveDate) -> NaiveDate {
    let m = month_start(d);
    m.checked_add_months(chrono::Months::new(1)).unwrap_or(m)
}

/// Midnight (UTC) of `d`.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .map(|x| x.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

use chrono::Datelike as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        assert_eq!(cents_str(30000), "300.00");
        assert_eq!(cents_str(-505), "-5.05");
        assert_eq!(parse_money_cents("120.00"), Some(12000));
        assert_eq!(parse_money_cents("104.5"), Some(10450));
        assert_eq!(parse_money_cents("7"), Some(700));
        assert_eq!(parse_money_cents("1.234"), None);
        assert_eq!(parse_money_cents("-1.00"), None);
        assert_eq!(parse_money_cents("1."), None);
        assert_eq!(parse_money_cents("abc"), None);
        assert_eq!(dec_str(Decimal::new(4, 3), 4), "0.0040");
        assert_eq!(money(Decimal::new(300, 0)), "300.00");
        assert_eq!(money(Decimal::new(40, 4)), "0.004");
        assert_eq!(money(Decimal::new(-12340, 4)), "-1.234");
        assert_eq!(money(Decimal::new(-5, 1)), "-0.50");
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(stable_hash(""), FNV_OFFSET);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(key_hash("KEY").len(), 32);
        assert_ne!(key_hash("KEY_a"), key_hash("KEY_b"));
    }
}
