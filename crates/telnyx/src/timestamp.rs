//! Fast decoding of the API's RFC 3339 timestamps.
//!
//! Every `Option<DateTime<FixedOffset>>` field of the models is decoded through
//! [`option`] (`#[serde(default, deserialize_with = "crate::timestamp::option")]`). The common
//! shape `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (1 to 9 fraction digits) is read directly;
//! anything else — other separators, lowercase letters, `UTC`, leap seconds, more than nine
//! fraction digits, invalid dates — goes to chrono's own parser, so the result (or the error
//! message) is always exactly what chrono's `Deserialize` would give.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use serde::de::{self, Deserializer, Visitor};

/// Parses `s` as chrono's `DateTime<FixedOffset>::from_str` does, with a fast path for the
/// fixed format. `None` from the fast path means "not that shape", never "invalid".
pub(crate) fn parse(s: &str) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    match parse_fixed(s.as_bytes()) {
        Some(t) => Ok(t),
        None => DateTime::<FixedOffset>::from_str(s),
    }
}

/// Two ASCII digits at `b[i..i + 2]`.
#[inline]
fn two(b: &[u8], i: usize) -> Option<u32> {
    let (h, l) = (
        b.get(i)?.wrapping_sub(b'0'),
        b.get(i + 1)?.wrapping_sub(b'0'),
    );
    (h < 10 && l < 10).then_some(u32::from(h) * 10 + u32::from(l))
}

/// The fast path: `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`, seconds 0-59.
fn parse_fixed(b: &[u8]) -> Option<DateTime<FixedOffset>> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' {
        return None;
    }
    let year = two(b, 0)? * 100 + two(b, 2)?;
    let (month, day) = (two(b, 5)?, two(b, 8)?);
    let (hour, minute, second) = (two(b, 11)?, two(b, 14)?, two(b, 17)?);
    if second > 59 {
        return None; // leap seconds: chrono's rules
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start == 9 {
                return None; // more than nine digits: chrono's rules
            }
            nanos = nanos * 10 + u32::from(b[i] - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - digits as u32);
    }
    let offset_secs: i32 = match &b[i..] {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (two(b, i + 1)?, two(b, i + 4)?);
            if h > 23 || m > 59 {
                return None;
            }
            let secs = (h * 3600 + m * 60) as i32;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let naive = NaiveDate::from_ymd_opt(year as i32, month, day)?
        .and_hms_nano_opt(hour, minute, second, nanos)?;
    FixedOffset::east_opt(offset_secs)?
        .from_local_datetime(&naive)
        .single()
}

struct OptionVisitor;

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<DateTime<FixedOffset>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(ValueVisitor).map(Some)
    }
}

struct ValueVisitor;

impl Visitor<'_> for ValueVisitor {
    type Value = DateTime<FixedOffset>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        parse(value).map_err(E::custom)
    }
}

/// `deserialize_with` for `Option<DateTime<FixedOffset>>` fields (`null` is `None`).
/// Use with `#[serde(default)]` so that a missing field is `None` too.
pub(crate) fn option<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    d.deserialize_option(OptionVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    fn same_as_chrono(s: &str) {
        let ours = parse(s).map_err(|e| e.to_string());
        let chrono = DateTime::<FixedOffset>::from_str(s).map_err(|e| e.to_string());
        assert_eq!(ours, chrono, "input {s:?}");
        // Same offset too (DateTime equality compares instants only).
        if let (Ok(a), Ok(b)) = (&ours, &chrono) {
            assert_eq!(a.offset(), b.offset(), "input {s:?}");
            assert_eq!(a.to_rfc3339(), b.to_rfc3339(), "input {s:?}");
        }
        // And through serde, as the models decode it, including the error text.
        let json = serde_json::to_string(s).unwrap();
        let ours: Result<Option<DateTime<FixedOffset>>, String> =
            option(&mut serde_json::Deserializer::from_str(&json)).map_err(|e| e.to_string());
        let theirs: Result<Option<DateTime<FixedOffset>>, String> =
            serde_json::from_str(&json).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "input {s:?}");
    }

    #[test]
    fn fixed_inputs_match_chrono() {
        let inputs = [
            "2026-11-28T23:58:26.648Z",
            "2026-11-28T23:58:26Z",
            "2026-11-28T23:58:26.6Z",
            "2026-11-28T23:58:26.123456789Z",
            "2026-11-28T23:58:26.1234567891Z",
            "2026-11-28T23:58:26.000000000000000001Z",
            "2026-11-28T23:58:26.Z",
            "2026-11-28T23:58:26+05:30",
            "2026-11-28T23:58:26.5-08:00",
            "2026-11-28T23:58:26-00:00",
            "2026-11-28T23:58:26+23:59",
            "2026-11-28T23:58:26+24:00",
            "2026-11-28T23:58:26+05:60",
            "2026-11-28T23:58:26+0530",
            "2026-11-28T23:58:26+05",
            "2026-11-28T23:58:26 +05:30",
            "2026-11-28T23:58:26z",
            "2026-11-28t23:58:26Z",
            "2026-11-28 23:58:26Z",
            "2026-11-28T23:58:26UTC",
            "2026-11-28T23:58:26",
            "2026-11-28T23:58:26ZZ",
            "2026-11-28T23:58:26Z ",
            " 2026-11-28T23:58:26Z",
            "2025-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2024-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-00-01T00:00:00Z",
            "2025-01-00T00:00:00Z",
            "2025-01-32T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T23:60:00Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60.5Z",
            "2016-12-31T23:59:61Z",
            "2025-06-30T23:59:60+01:00",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "9999-12-31T23:59:59.999999999-23:59",
            "+12345-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "2025-1-01T00:00:00Z",
            "2025-01-01T0:00:00Z",
            "２０２５-01-01T00:00:00Z",
            "2025-01-01T00:00:00.１Z",
            "2025-01-01T00:00:00+0５:00",
            "",
            "Z",
            "not a date",
            "2025-01-01",
        ];
        for s in inputs {
            same_as_chrono(s);
        }
    }

    #[test]
    fn fast_path_is_taken_for_the_common_shapes() {
        for s in [
            "2026-11-28T23:58:26.648Z",
            "2026-11-28T23:58:26Z",
            "2026-11-28T23:58:26.123456789+05:30",
            "2026-11-28T23:58:26-08:00",
        ] {
            assert!(parse_fixed(s.as_bytes()).is_some(), "{s}");
        }
        for s in [
            "2016-12-31T23:59:60Z",
            "2025-02-30T00:00:00Z",
            "2026-11-28 23:58:26Z",
        ] {
            assert!(parse_fixed(s.as_bytes()).is_none(), "{s}");
        }
    }

    #[test]
    fn null_missing_and_wrong_types() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct T {
            #[serde(default, deserialize_with = "option")]
            at: Option<DateTime<FixedOffset>>,
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct C {
            at: Option<DateTime<FixedOffset>>,
        }
        for json in [
            r#"{}"#,
            r#"{"at":null}"#,
            r#"{"at":"2026-11-28T23:58:26Z"}"#,
            r#"{"at":5}"#,
            r#"{"at":"nope"}"#,
            r#"{"at":["2026-11-28T23:58:26Z"]}"#,
        ] {
            let ours = serde_json::from_str::<T>(json)
                .map(|t| t.at)
                .map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<C>(json)
                .map(|c| c.at)
                .map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{json}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn generated_timestamps_match_chrono(
            y in 0u32..10000, mo in 0u32..14, d in 0u32..33,
            h in 0u32..26, mi in 0u32..62, s in 0u32..62,
            frac in proptest::option::of("[0-9]{0,11}"),
            off in prop_oneof![
                Just("Z".to_owned()),
                (any::<bool>(), 0u32..26, 0u32..62)
                    .prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
            ],
        ) {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let input = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}");
            same_as_chrono(&input);
        }

        #[test]
        fn arbitrary_strings_match_chrono(s in "[0-9T:.Zz+ -]{0,32}") {
            same_as_chrono(&s);
        }
    }
}
