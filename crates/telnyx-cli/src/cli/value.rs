//! Value parsers for flags: durations, times, traffic rates. Pure functions of the text.

use std::time::Duration;

/// Parses `messaging=500/day` (or `messaging=500`).
pub fn parse_rate(s: &str) -> Result<(String, u32), String> {
    let (name, rate) = s
        .split_once('=')
        .ok_or_else(|| format!("expected TYPE=N/day like 'messaging=500/day', got '{s}'"))?;
    let n = rate.trim().strip_suffix("/day").unwrap_or(rate.trim());
    let n = n.parse::<u32>().map_err(|_| {
        format!("expected a whole number of records per day in '{s}', e.g. 'messaging=500/day'")
    })?;
    Ok((name.trim().to_string(), n))
}

/// The most pages `--prefetch N` may keep in flight.
pub const MAX_PREFETCH: usize = 64;

/// Parses `--prefetch`: `auto` (adaptive, up to 16 pages in flight) or a fixed depth `1`..=64.
pub fn parse_prefetch(s: &str) -> Result<telnyx::Concurrency, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("auto") {
        return Ok(telnyx::Concurrency::Auto);
    }
    match t.parse::<usize>() {
        Ok(n) if (1..=MAX_PREFETCH).contains(&n) => Ok(telnyx::Concurrency::Fixed(n)),
        _ => Err(format!(
            "expected 'auto' or a number of pages from 1 to {MAX_PREFETCH}, got '{s}'"
        )),
    }
}

/// Parses `30`, `30s`, `500ms`, `2m` into a duration.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let value: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (try 30, 30s, 500ms or 2m)"))?;
    let secs = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("unknown unit {unit:?} in {s:?} (use ms, s or m)")),
    };
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(format!("{s:?} is out of range (more than 0, at most 24h)"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Parses an RFC 3339 timestamp or a `YYYY-MM-DD` date (midnight UTC).
pub fn parse_datetime(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    Err(format!(
        "{s:?} is not a time: use RFC 3339 (2025-05-01T12:00:00Z) or a date (2025-05-01)"
    ))
}
