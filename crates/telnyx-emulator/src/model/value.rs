//! Field values of detail records ([`Fv`], typed by [`Kind`]) and the string interner seeding shares them through.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Timelike, Utc};
use rust_decimal::Decimal;
use serde_json::{Number, Value};

use crate::util::{dec_str, ts};

/// The type of a detail-record field, which decides how filters compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Str,
    /// Integer.
    Int,
    /// JSON number (only where the schema says `number`).
    Num,
    /// Boolean.
    Bool,
    /// RFC 3339 date-time.
    Time,
    /// Decimal string (money and rates).
    Dec,
    /// Array of strings.
    Arr,
}

/// One field value of a detail record.
///
/// Kept small (24 bytes): strings are shared `Arc<str>` (seeding interns the repeated ones),
/// arrays are boxed slices.
#[derive(Debug, Clone, PartialEq)]
pub enum Fv {
    /// String.
    S(Arc<str>),
    /// Integer.
    I(i64),
    /// Number, carried as a decimal so it is exact.
    N(Decimal),
    /// Boolean.
    B(bool),
    /// Timestamp.
    T(DateTime<Utc>),
    /// Decimal string with the given scale.
    D(Decimal, u32),
    /// String array.
    A(Box<[String]>),
}

impl Fv {
    /// The JSON form.
    pub fn to_json(&self) -> Value {
        match self {
            Fv::S(s) => Value::String(s.to_string()),
            Fv::I(i) => Value::Number((*i).into()),
            Fv::N(d) => {
                let f: f64 = d.to_string().parse().unwrap_or(0.0);
                Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
            Fv::B(b) => Value::Bool(*b),
            Fv::T(t) => Value::String(ts(*t)),
            Fv::D(d, s) => Value::String(dec_str(*d, *s)),
            Fv::A(a) => Value::Array(a.iter().cloned().map(Value::String).collect()),
        }
    }

    /// Appends the text form used by `contains`/`starts_with`/`ends_with` to `out` without allocating (beyond growing `out`).
    pub fn write_text(&self, out: &mut String) {
        match self {
            Fv::S(s) => out.push_str(s),
            Fv::I(i) => {
                let _ = write!(out, "{i}");
            }
            Fv::N(d) => {
                let _ = write!(out, "{}", d.normalize());
            }
            Fv::B(b) => out.push_str(if *b { "true" } else { "false" }),
            Fv::T(t) => write_ts(out, *t),
            Fv::D(d, s) => {
                let mut d = d.round_dp(*s);
                d.rescale(*s);
                let _ = write!(out, "{d}");
            }
            Fv::A(a) => {
                for (i, s) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(s);
                }
            }
        }
    }
}

/// Appends `ts(t)` (RFC 3339, seconds, `Z`) to `out`; allocation-free for years 0-9999.
fn write_ts(out: &mut String, t: DateTime<Utc>) {
    let year = t.year();
    if (0..=9999).contains(&year) && t.nanosecond() < 1_000_000_000 {
        let _ = write!(
            out,
            "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
    } else {
        out.push_str(&ts(t));
    }
}

/// Shares one `Arc<str>` per distinct string (seeding: most record fields repeat a few values).
#[derive(Debug, Default)]
pub struct Interner {
    map: HashMap<Box<str>, Arc<str>, std::hash::BuildHasherDefault<WordHasher>>,
    /// The last result per input address (mostly literals): checked by content, so only a
    /// shortcut past hashing.
    recent: Vec<Option<Arc<str>>>,
}

/// A word-at-a-time multiplicative hasher (the interner's keys are short and trusted).
#[derive(Debug, Default, Clone, Copy)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let mut w = [0u8; 8];
        let tail = chunks.remainder();
        w[..tail.len()].copy_from_slice(tail);
        self.add(u64::from_le_bytes(w) ^ ((tail.len() as u64) << 56));
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Interner {
    /// The shared copy of `s`.
    pub fn get(&mut self, s: &str) -> Arc<str> {
        const RECENT: usize = 64;
        if self.recent.len() != RECENT {
            self.recent = vec![None; RECENT];
        }
        let slot = ((s.as_ptr() as usize >> 3).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) % RECENT;
        if let Some(a) = &self.recent[slot] {
            if **a == *s {
                return a.clone();
            }
        }
        let a = match self.map.get(s) {
            Some(a) => a.clone(),
            None => {
                let a: Arc<str> = Arc::from(s);
                self.map.insert(s.into(), a.clone());
                a
            }
        };
        self.recent[slot] = Some(a.clone());
        a
    }
}
