//! [`Money`]: an exact decimal amount that keeps the string the server sent.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal amount of money, as Telnyx sends it (`"300.00"`, `"0.0040"`).
///
/// It keeps the wire string verbatim (so `"0.0040"` prints as `"0.0040"`, not `"0.004"`)
/// and compares by value. There is no float anywhere: arithmetic goes through
/// [`Money::to_decimal`].
///
/// ```
/// use telnyx::Money;
/// let a: Money = "120.00".parse()?;
/// let b = Money::parse("120")?;
/// assert_eq!(a, b);
/// assert_eq!(a.as_str(), "120.00");
/// assert_eq!(a.to_decimal() * telnyx::Decimal::from(2), "240.00".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Money {
    raw: String,
    value: Decimal,
}

/// The reason a string is not a decimal amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a decimal amount: write digits with an optional sign and decimal point, like \"120.00\"")]
pub struct ParseMoneyError {
    input: String,
}

impl Money {
    /// Parses a decimal string such as `"120.00"`, `"-3.5"` or `"0.0040"`.
    ///
    /// Exponents, thousands separators, currency signs and blanks are rejected.
    pub fn parse(s: &str) -> Result<Money, ParseMoneyError> {
        let err = || ParseMoneyError {
            input: s.chars().take(64).collect(),
        };
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        let mut parts = digits.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        let int_ok = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit());
        let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
        if !int_ok || !frac_ok {
            return Err(err());
        }
        let value = Decimal::from_str_exact(s).map_err(|_| err())?;
        Ok(Money {
            raw: s.to_owned(),
            value,
        })
    }

    /// Wraps a decimal value; the wire string is its canonical form.
    pub fn from_decimal(value: Decimal) -> Money {
        Money {
            raw: value.to_string(),
            value,
        }
    }

    /// The string exactly as received (or as built).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The exact decimal value, for arithmetic.
    pub fn to_decimal(&self) -> Decimal {
        self.value
    }

    /// Number of digits after the decimal point in the wire string.
    pub fn scale(&self) -> u32 {
        self.value.scale()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.raw)
    }
}

impl FromStr for Money {
    type Err = ParseMoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl From<Decimal> for Money {
    fn from(value: Decimal) -> Self {
        Money::from_decimal(value)
    }
}

impl PartialEq for Money {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl Eq for Money {}

impl Hash for Money {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.normalize().hash(state);
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Money {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal amount as a string, like \"120.00\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v).map_err(E::custom)
            }
            // Some services send integers; they are exact, so accept them. Floats are not.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                Ok(Money::from_decimal(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                Ok(Money::from_decimal(Decimal::from(v)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_wire_string_and_compares_by_value() {
        let a = Money::parse("0.0040").unwrap();
        assert_eq!(a.to_string(), "0.0040");
        assert_eq!(a, Money::parse("0.004").unwrap());
        assert!(Money::parse("10.00").unwrap() > Money::parse("9.99").unwrap());
    }

    #[test]
    fn rejects_non_decimals() {
        for bad in [
            "", "1e3", "1,000.00", "$5", " 5", "5.", ".5", "--1", "abc", "1.2.3", "NaN",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn serde_round_trip_as_string() {
        let m: Money = serde_json::from_str("\"300.00\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"300.00\"");
        let i: Money = serde_json::from_str("12").unwrap();
        assert_eq!(i.as_str(), "12");
        assert!(serde_json::from_str::<Money>("1.5").is_err());
    }
}
