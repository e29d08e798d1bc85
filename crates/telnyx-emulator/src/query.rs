//! Query-string decoding (`%20` and `+`, encoded brackets, comma lists), page parsing, and the
//! [`Query`] extractor that parses an endpoint's query into its typed input.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use percent_encoding::percent_decode;

use crate::domain::{Page, MAX_PAGE_NUMBER};
use crate::error::ApiError;
use crate::util::parse_time;

/// Decoded query parameters in wire order.
#[derive(Debug, Default, Clone)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

fn decode(s: &str) -> Result<String, ApiError> {
    let replaced = s.replace('+', " ");
    percent_decode(replaced.as_bytes())
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| {
            ApiError::bad_request("The query string is not valid UTF-8 after percent-decoding.")
        })
}

impl Params {
    /// Parses a raw query string (without the `?`).
    pub fn parse(raw: Option<&str>) -> Result<Params, ApiError> {
        let mut pairs = Vec::new();
        if let Some(raw) = raw {
            for part in raw.split('&') {
                if part.is_empty() {
                    continue;
                }
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                pairs.push((decode(k)?, decode(v)?));
            }
        }
        Ok(Params { pairs })
    }

    /// The last value given for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The last value for `key`, with empty values treated as absent.
    pub fn get_nonempty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.trim().is_empty())
    }

    /// All pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A 400 naming the first `filter[...]` parameter not in `known`, and the known ones, so a
    /// misspelt filter fails loudly instead of silently matching everything.
    pub fn reject_unknown_filters(&self, known: &[&str]) -> Result<(), ApiError> {
        match self
            .iter()
            .find(|(k, _)| k.starts_with("filter[") && !known.contains(k))
        {
            Some((k, _)) => Err(ApiError::invalid_param(
                k,
                format!("Unknown filter '{k}'. Supported: {}.", known.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// A 400 naming the first parameter family (`name[...]`) this endpoint does not take, and
    /// the parameters it takes.
    /// A name ending in `[` admits that whole family (e.g. `filter[` for field filters).
    pub fn allow_only(&self, known: &[&str]) -> Result<(), ApiError> {
        let ok = |k: &str| {
            known
                .iter()
                .any(|n| *n == k || (n.ends_with('[') && k.starts_with(n)))
        };
        // Plain unknown names (`_=1` cache busters) pass; a bracketed family is never a typo
        // to ignore.
        match self.iter().find(|(k, _)| k.contains('[') && !ok(k)) {
            Some((k, _)) => {
                let shown: Vec<String> = known
                    .iter()
                    .map(|n| {
                        if n.ends_with('[') {
                            format!("{n}...]")
                        } else {
                            (*n).to_string()
                        }
                    })
                    .collect();
                let k = crate::error::truncate(k, 100);
                Err(ApiError::invalid_param(
                    &k,
                    format!("Unknown parameter '{k}'. Supported: {}.", shown.join(", ")),
                ))
            }
            None => Ok(()),
        }
    }

    /// Every value for `key`, comma lists split, empty items dropped.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Reads `page[number]` and `page[size]` with default size 20 and the given maximum size.
pub fn parse_page(p: &Params, max_size: u64) -> Result<Page, ApiError> {
    let number = match p.get("page[number]") {
        None => 1,
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if (1..=MAX_PAGE_NUMBER).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_param(
                    "page[number]",
                    format!("page[number] must be an integer between 1 and {MAX_PAGE_NUMBER}."),
                ))
            }
        },
    };
    let size = match p.get("page[size]") {
        None => 20.min(max_size),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if (1..=max_size).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid_param(
                    "page[size]",
                    format!("page[size] must be an integer between 1 and {max_size}."),
                ))
            }
        },
    };
    Ok(Page { number, size })
}

/// The typed input of one endpoint, parsed once from its query string.
pub trait FromParams: Sized {
    /// Parses and validates the decoded parameters.
    fn from_params(p: &Params) -> Result<Self, ApiError>;
}

/// An axum extractor: the query string parsed into the endpoint's typed input `T`.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: FromParams> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let p = Params::parse(parts.uri.query())?;
        T::from_params(&p).map(Query)
    }
}

/// A paged list's input: its maximum page size.
pub trait Paged {
    /// Largest `page[size]` accepted.
    const MAX_PAGE_SIZE: u64;
}

/// The page parameters every list takes.
pub const PAGE_PARAMS: [&str; 2] = ["page[number]", "page[size]"];

impl<F: FromParams + Paged> FromParams for (F, Page) {
    fn from_params(p: &Params) -> Result<Self, ApiError> {
        if let Some((k, _)) = p
            .iter()
            .find(|(k, _)| k.starts_with("page[") && !PAGE_PARAMS.contains(k))
        {
            let k = crate::error::truncate(k, 100);
            return Err(ApiError::invalid_param(
                &k,
                format!("Unknown page parameter '{k}'. Supported: page[number], page[size]."),
            ));
        }
        let page = parse_page(p, F::MAX_PAGE_SIZE)?;
        Ok((F::from_params(p)?, page))
    }
}

/// A closed set of values for the parameter `name`: the value's position in `allowed`, the
/// default for an absent one, and a 400 naming the parameter and the allowed values otherwise.
/// An empty value is a 400 too.
pub fn one_of(p: &Params, name: &str, allowed: &[&str], default: usize) -> Result<usize, ApiError> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => allowed.iter().position(|a| *a == v).ok_or_else(|| {
            ApiError::invalid_param(
                name,
                format!(
                    "{name} must be one of: {}; got '{}'.",
                    allowed.join(", "),
                    crate::error::truncate(v, 100)
                ),
            )
        }),
    }
}

/// An optional RFC 3339 time parameter (empty is absent).
pub fn time_param(p: &Params, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match p.get_nonempty(name) {
        None => Ok(None),
        Some(v) => parse_time(v).map(Some).ok_or_else(|| {
            ApiError::invalid_param(name, format!("{name} must be an RFC 3339 date-time."))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent() {
        let p =
            Params::parse(Some("filter%5Bstarts_with%5D=a+b%2Bc%26d%3D%C3%A9&x=a%20b")).unwrap();
        assert_eq!(p.get("filter[starts_with]"), Some("a b+c&d=é"));
        assert_eq!(p.get("x"), Some("a b"));
        let p = Params::parse(Some("sort=-created_at%2Ccld")).unwrap();
        assert_eq!(p.list("sort"), vec!["-created_at", "cld"]);
    }

    #[test]
    fn page_bounds() {
        let p = Params::parse(Some("page%5Bsize%5D=251")).unwrap();
        let e = parse_page(&p, 250).unwrap_err();
        assert!(e.detail.contains("between 1 and 250"));
        let p = Params::parse(Some("page%5Bnumber%5D=99999999999999999999")).unwrap();
        assert!(parse_page(&p, 250).is_err());
    }
}
