//! Pieces shared by the resource modules: enum macros, common parameter types,
//! date-time formatting, validation helpers and lenient number decoding.

use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::query::Query;

use crate::violation::{Rule, Violation};
use crate::Money;

/// Declares a server enum: known wire values plus `Unknown(String)`, which keeps any value
/// this SDK version does not know (so a new server value never breaks decoding).
macro_rules! server_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::resources::shared::WireValue for $name {
            fn wire(&self) -> String {
                self.as_str().to_owned()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // Matched on the borrowed text: no `String` for known values.
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        let value = $name::from(v);
                        if let $name::Unknown(raw) = &value {
                            // Under `strict::check`: a marker that finds its path later.
                            if let Some(marker) = $crate::strict::note_unknown(stringify!($name), raw) {
                                return Ok($name::Unknown(marker));
                            }
                        }
                        Ok(value)
                    }
                    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<$name, E> {
                        match std::str::from_utf8(v) {
                            Ok(s) => self.visit_str(s),
                            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
                        }
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}
pub(crate) use server_enum;

/// Declares a closed parameter enum (values we send): `as_str`, `Display`, and a `FromStr`
/// that names the accepted values when it fails.
macro_rules! param_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( Self::$variant, )+ ];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::resources::shared::ParseParamError;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $( $wire => Ok(Self::$variant), )+
                    other => Err($crate::resources::shared::ParseParamError::new(format!(
                        "{other:?} is not a valid {}: expected one of {}",
                        stringify!($name),
                        [$( $wire ),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::resources::shared::WireValue for $name {
            fn wire(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}
pub(crate) use param_enum;

/// A parameter value as sent in a query string (before percent-encoding).
pub(crate) trait WireValue {
    /// The value on the wire, e.g. `2021-01-09T00:00:00Z` for a date-time.
    fn wire(&self) -> String;
}

impl WireValue for String {
    fn wire(&self) -> String {
        self.clone()
    }
}

impl WireValue for u32 {
    fn wire(&self) -> String {
        self.to_string()
    }
}

impl WireValue for NaiveDate {
    fn wire(&self) -> String {
        self.to_string()
    }
}

impl WireValue for DateTime<Utc> {
    fn wire(&self) -> String {
        format_date_time(self)
    }
}

/// A parameter whose query pairs are not one `key=value` (e.g. detail record field filters,
/// whose keys are `filter[FIELD][OP]`).
pub(crate) trait QueryField {
    /// Appends this parameter's pairs to `query`; `wire` is the declared key pattern.
    fn push_to(&self, wire: &'static str, query: Query) -> Query;
}

/// Declares a parameter struct in which each field's wire key is part of its declaration:
/// the struct, one setter per field, and `query_pairs()` (the pairs in declaration order,
/// which is the official SDKs' order) all come from the same line, so they cannot drift.
///
/// Each field is `KIND name: Type = "wire key",` where KIND is
/// - `opt`: an `Option<Type>`, setter `name(Type)`, sent when set;
/// - `opt_into`: an `Option<Type>`, setter `name(impl Into<Type>)`, sent when set;
/// - `list`: a `Vec<Type>`, setter `name(impl IntoIterator<Item: Into<Type>>)` replacing it,
///   sent comma-joined when not empty;
/// - `req`: a required `Type` set by the constructor (no setter), always sent;
/// - `custom`: a `Type: QueryField` that pushes its own pairs (setters written by hand).
macro_rules! query_params {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $field:ident : $ty:ty = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $crate::resources::shared::query_params!(@type $kind $ty), )+
        }

        impl $name {
            $( $crate::resources::shared::query_params!(@setter $kind $field $ty, $wire); )+

            /// The query pairs in declaration order (the official SDKs' order), unchecked.
            #[allow(unused_imports)]
            pub(crate) fn query_pairs(&self) -> $crate::query::Query {
                use $crate::resources::shared::{QueryField as _, WireValue as _};
                let query = $crate::query::Query::new();
                $( let query = $crate::resources::shared::query_params!(@push $kind self.$field, $wire, query); )+
                query
            }
        }
    };
    (@type opt $ty:ty) => { Option<$ty> };
    (@type opt_into $ty:ty) => { Option<$ty> };
    (@type list $ty:ty) => { Vec<$ty> };
    (@type req $ty:ty) => { $ty };
    (@type custom $ty:ty) => { $ty };
    (@setter opt $field:ident $ty:ty, $wire:literal) => {
        #[doc = concat!("Sets `", stringify!($field), "` (`", $wire, "`).")]
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = Some(value);
            self
        }
    };
    (@setter opt_into $field:ident $ty:ty, $wire:literal) => {
        #[doc = concat!("Sets `", stringify!($field), "` (`", $wire, "`).")]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (@setter list $field:ident $ty:ty, $wire:literal) => {
        #[doc = concat!("Replaces `", stringify!($field), "` (`", $wire, "`, comma-joined).")]
        pub fn $field<S: Into<$ty>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
            self.$field = values.into_iter().map(Into::into).collect();
            self
        }
    };
    (@setter req $field:ident $ty:ty, $wire:literal) => {};
    (@setter custom $field:ident $ty:ty, $wire:literal) => {};
    (@push opt $value:expr, $wire:literal, $query:ident) => {
        $query.push_opt($wire, $value.as_ref().map(|v| v.wire()))
    };
    (@push opt_into $value:expr, $wire:literal, $query:ident) => {
        $query.push_opt($wire, $value.as_ref().map(|v| v.wire()))
    };
    (@push list $value:expr, $wire:literal, $query:ident) => {
        $query.push_opt(
            $wire,
            (!$value.is_empty()).then(|| {
                $value.iter().map(|v| v.wire()).collect::<Vec<_>>().join(",")
            }),
        )
    };
    (@push req $value:expr, $wire:literal, $query:ident) => {
        $query.push($wire, $value.wire())
    };
    (@push custom $value:expr, $wire:literal, $query:ident) => {
        $value.push_to($wire, $query)
    };
}
pub(crate) use query_params;

/// The reason a string is not a valid parameter value (from a `FromStr` impl).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseParamError {
    message: String,
}

impl ParseParamError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseParamError {}

param_enum! {
    /// Sort order by creation time (audit events).
    pub enum SortDirection {
        /// Oldest first (`asc`).
        Asc = "asc",
        /// Newest first (`desc`).
        Desc = "desc",
    }
}

/// Formats a date-time as the official SDKs do: RFC 3339 in UTC with `Z`, whole seconds
/// unless sub-seconds are present (`2021-01-09T00:00:00Z`, `2021-01-09T00:00:00.250Z`).
pub(crate) fn format_date_time(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An `InvalidRequest` error: a documented rule was broken, detected before any I/O.
pub(crate) fn invalid(violation: Violation) -> crate::Error {
    crate::Error::invalid_request(violation)
}

/// Checks `page[number] >= 1` and `min <= page[size] <= max` (no upper bound when `max` is `None`).
pub(crate) fn check_page(
    operation: &'static str,
    page_number: Option<u32>,
    page_size: Option<u32>,
    max_size: Option<u32>,
) -> Result<(), Violation> {
    if page_number == Some(0) {
        return Err(Violation::new(
            operation,
            "page_number",
            Rule::AtLeast { min: 1 },
            "page_number must be at least 1 (pages are 1-based)",
        )
        .with_value(0));
    }
    if let Some(size) = page_size {
        match max_size {
            Some(max) if !(1..=max).contains(&size) => {
                return Err(Violation::new(
                    operation,
                    "page_size",
                    Rule::Between {
                        min: 1,
                        max: max.into(),
                    },
                    format!("page_size must be between 1 and {max}, got {size}"),
                )
                .with_value(size));
            }
            None if size == 0 => {
                return Err(Violation::new(
                    operation,
                    "page_size",
                    Rule::AtLeast { min: 1 },
                    "page_size must be at least 1, got 0",
                )
                .with_value(0));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Decodes an optional exact decimal that the spec types as a JSON `number`
/// (for example SIM card usage `data_cost`, `uplink_data`).
///
/// Strings and integers are taken exactly. A JSON number with a fraction arrives from the JSON
/// parser as a binary float; it is converted through its shortest round-trip representation,
/// which reproduces the literal the server sent (up to 15 significant digits), and is then
/// stored as an exact [`Money`]: no float is kept in the model.
pub(crate) mod lenient_decimal {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};

    use crate::Money;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Money>, D::Error> {
        deserializer.deserialize_any(DecimalVisitor)
    }

    struct DecimalVisitor;

    impl<'de> Visitor<'de> for DecimalVisitor {
        type Value = Option<Money>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number or decimal string")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(DecimalVisitor)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Money::parse(v).map(Some).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Money::from_decimal(v.into())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Money::from_decimal(v.into())))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if !v.is_finite() {
                return Err(E::custom("a non-finite number is not a decimal"));
            }
            // Rust's float Display is the shortest round-trip form and never uses exponents.
            Money::parse(&v.to_string()).map(Some).map_err(E::custom)
        }
    }
}

/// The longest range the charges endpoints accept, in days.
pub const MAX_CHARGES_RANGE_DAYS: i64 = 31;

/// Checks that `end` is after `start` and at most 31 days later.
pub(crate) fn check_range(
    operation: &'static str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<(), Violation> {
    let days = (end - start).num_days();
    if days <= 0 {
        return Err(Violation::new(
            operation,
            "end_date",
            Rule::After {
                parameter: "start_date",
            },
            format!("end_date ({end}) must be after start_date ({start}); end_date is exclusive"),
        )
        .with_value(end));
    }
    if days > MAX_CHARGES_RANGE_DAYS {
        return Err(Violation::new(
            operation,
            "end_date",
            Rule::WithinDaysOf {
                parameter: "start_date",
                days: MAX_CHARGES_RANGE_DAYS as u32,
            },
            format!(
                "the range from {start} to {end} is {days} days; it can be at most \
                 {MAX_CHARGES_RANGE_DAYS} days"
            ),
        )
        .with_value(end));
    }
    Ok(())
}

/// Decodes a buffered value into a typed variant; the error names the field that failed.
pub(crate) fn typed<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
    variant: &str,
) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        crate::strict::note_nested_error(&err.path().to_string());
        E::custom(format!("{variant} at .{}: {}", err.path(), err.inner()))
    })
}

/// True when `amount` is dollars and cents: digits, a point, exactly two decimals, above zero.
pub(crate) fn is_dollars_and_cents(amount: &str) -> bool {
    let Some((int, cents)) = amount.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && cents.len() == 2
        && digits(cents)
        && Money::parse(amount).is_ok_and(|m| m.to_decimal() > crate::Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    server_enum! {
        /// Test enum.
        pub enum Color {
            /// Red.
            Red = "red",
        }
    }

    #[test]
    fn server_enum_keeps_unknown_values() {
        let c: Color = serde_json::from_str("\"red\"").unwrap();
        assert_eq!(c, Color::Red);
        let u: Color = serde_json::from_str("\"mauve\"").unwrap();
        assert_eq!(u, Color::Unknown("mauve".into()));
        assert_eq!(serde_json::to_string(&u).unwrap(), "\"mauve\"");
    }

    #[test]
    fn param_enum_parse_names_choices() {
        assert_eq!(
            "desc".parse::<SortDirection>().unwrap(),
            SortDirection::Desc
        );
        let err = "down".parse::<SortDirection>().unwrap_err().to_string();
        assert!(err.contains("asc, desc"), "{err}");
    }

    #[test]
    fn date_times_format_like_the_sdks() {
        let t = Utc.with_ymd_and_hms(2021, 1, 9, 0, 0, 0).unwrap();
        assert_eq!(format_date_time(&t), "2021-01-09T00:00:00Z");
        let t = t + chrono::Duration::milliseconds(250);
        assert_eq!(format_date_time(&t), "2021-01-09T00:00:00.250Z");
    }

    #[test]
    fn dollars_and_cents() {
        for ok in ["120.00", "0.01", "5.50"] {
            assert!(is_dollars_and_cents(ok), "{ok}");
        }
        for bad in [
            "120", "120.0", "120.000", "-1.00", "0.00", "1,000.00", ".50", "a.bc", "",
        ] {
            assert!(!is_dollars_and_cents(bad), "{bad}");
        }
    }

    #[test]
    fn lenient_decimal_keeps_the_literal() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "lenient_decimal::deserialize")]
            v: Option<Money>,
        }
        let t: T = serde_json::from_str(r#"{"v":0.029283}"#).unwrap();
        assert_eq!(t.v.unwrap().as_str(), "0.029283");
        let t: T = serde_json::from_str(r#"{"v":"0.7653"}"#).unwrap();
        assert_eq!(t.v.unwrap().as_str(), "0.7653");
        let t: T = serde_json::from_str(r#"{"v":null}"#).unwrap();
        assert!(t.v.is_none());
        let t: T = serde_json::from_str(r#"{}"#).unwrap();
        assert!(t.v.is_none());
    }
}
