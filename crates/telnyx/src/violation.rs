//! [`Violation`]: a rule a request (or the client's configuration) broke, as data.
//!
//! Every request the SDK refuses to send ([`ErrorKind::InvalidRequest`]) and every bad client
//! setting ([`ErrorKind::Configuration`]) carries one, reachable with [`Error::violation`]:
//! the operation, the parameter, the [`Rule`] and the offending value. A program decides
//! what to do from those fields, never from the message text:
//!
//! ```
//! use telnyx::{ChargesSummaryParams, Rule};
//! # async fn run(client: telnyx::Client) {
//! let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
//! let end = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
//! let err = client.charges_summary().retrieve(ChargesSummaryParams::new(start, end)).await.unwrap_err();
//! let v = err.violation().expect("rejected before sending");
//! assert_eq!(v.parameter(), "end_date");
//! assert!(matches!(v.rule(), Rule::WithinDaysOf { days: 31, .. }));
//! # }
//! ```
//!
//! [`ErrorKind::InvalidRequest`]: crate::ErrorKind::InvalidRequest
//! [`ErrorKind::Configuration`]: crate::ErrorKind::Configuration
//! [`Error::violation`]: crate::Error::violation

use std::fmt;

/// The rule a parameter broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The value must not be empty (a string, an id, a list entry, a required setting).
    NotEmpty,
    /// A number of at least `min`.
    AtLeast {
        /// The smallest accepted value.
        min: u64,
    },
    /// A number from `min` to `max`, both included.
    Between {
        /// The smallest accepted value.
        min: u64,
        /// The largest accepted value.
        max: u64,
    },
    /// A date strictly after the date given as `parameter` (`end_date` after `start_date`).
    After {
        /// The parameter this one is compared with.
        parameter: &'static str,
    },
    /// A date at most `days` days after the date given as `parameter`.
    WithinDaysOf {
        /// The parameter this one is compared with.
        parameter: &'static str,
        /// The longest accepted distance, in days.
        days: u32,
    },
    /// An amount of dollars and cents above zero: digits, a point, two decimals (`"120.00"`).
    DollarsAndCents,
    /// One of these wire values (for this method).
    OneOf {
        /// The accepted values.
        allowed: &'static [&'static str],
    },
    /// The value must not contain this character.
    Excludes {
        /// The refused character.
        character: char,
    },
    /// A value of a given form.
    Format {
        /// The form, in words, e.g. `"1 to 255 characters of A-Z a-z 0-9 _ : -"`.
        expected: &'static str,
    },
    /// This value must be set through another parameter.
    UseParameter {
        /// The parameter to use instead.
        parameter: &'static str,
    },
    /// A name the SDK sets itself and does not let a caller set.
    Reserved,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::NotEmpty => f.write_str("must not be empty"),
            Rule::AtLeast { min } => write!(f, "must be at least {min}"),
            Rule::Between { min, max } => write!(f, "must be between {min} and {max}"),
            Rule::After { parameter } => write!(f, "must be after {parameter}"),
            Rule::WithinDaysOf { parameter, days } => {
                write!(f, "must be at most {days} days after {parameter}")
            }
            Rule::DollarsAndCents => f.write_str("must be dollars and cents above zero"),
            Rule::OneOf { allowed } => write!(f, "must be one of {}", allowed.join(", ")),
            Rule::Excludes { character } => write!(f, "must not contain {character:?}"),
            Rule::Format { expected } => write!(f, "must be {expected}"),
            Rule::UseParameter { parameter } => write!(f, "must be set through {parameter}"),
            Rule::Reserved => f.write_str("is set by the SDK"),
        }
    }
}

/// How many characters of an offending value a [`Violation`] keeps.
const VALUE_CHARS: usize = 64;

/// What was wrong with a request the SDK refused to send, or with a client setting.
///
/// Its `Display` is the human explanation (what is wrong and what to do), without the
/// operation; [`Error`](crate::Error)'s `Display` adds the operation in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    operation: &'static str,
    parameter: &'static str,
    rule: Rule,
    value: Option<String>,
    explanation: String,
}

impl Violation {
    /// A violation of `rule` by `parameter` of `operation`; `explanation` says what is wrong
    /// and what to do, in words.
    pub(crate) fn new(
        operation: &'static str,
        parameter: &'static str,
        rule: Rule,
        explanation: impl Into<String>,
    ) -> Violation {
        Violation {
            operation,
            parameter,
            rule,
            value: None,
            explanation: explanation.into(),
        }
    }

    /// Records the offending value (at most 64 characters of it are kept). Never pass a secret.
    pub(crate) fn with_value(mut self, value: impl fmt::Display) -> Violation {
        let text = value.to_string();
        let mut kept: String = text.chars().take(VALUE_CHARS).collect();
        if text.chars().count() > VALUE_CHARS {
            kept.push('…');
        }
        self.value = Some(kept);
        self
    }

    /// The SDK operation that refused the request, e.g. `"charges_summary.retrieve"` or
    /// `"ClientBuilder::build"`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The parameter (or setting) at fault, as named by the SDK: `"end_date"`, `"page_size"`,
    /// `"amount"`, `"idempotency_key"`, `"base_url"`, ...
    pub fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// The rule it broke.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The offending value as given (shortened to 64 characters), when there was one and it
    /// is not a secret.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// What is wrong and what to do, in words (the `Display` text).
    pub fn explanation(&self) -> &str {
        &self.explanation
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_shortened() {
        let v = Violation::new("op", "p", Rule::NotEmpty, "x").with_value("a".repeat(100));
        assert_eq!(v.value().unwrap().chars().count(), VALUE_CHARS + 1);
        let v = Violation::new("op", "p", Rule::NotEmpty, "x").with_value("short");
        assert_eq!(v.value(), Some("short"));
    }

    #[test]
    fn rules_read_as_sentences() {
        assert_eq!(
            Rule::Between { min: 1, max: 250 }.to_string(),
            "must be between 1 and 250"
        );
        assert_eq!(
            Rule::OneOf {
                allowed: &["json", "csv"]
            }
            .to_string(),
            "must be one of json, csv"
        );
    }
}
