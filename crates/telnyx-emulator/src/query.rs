//! Query-string decoding (`%20` and `+`, encoded brackets, comma lists) and pagination.

use percent_encoding::percent_decode;
use serde_json::{json, Value};

use crate::error::ApiError;

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

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub number: u64,
    /// Page size.
    pub size: u64,
}

/// Largest page number accepted (the spec declares page numbers as int32).
pub const MAX_PAGE_NUMBER: u64 = i32::MAX as u64;

impl Page {
    /// Reads `page[number]` and `page[size]` with default size 20 and the given maximum size.
    pub fn parse(p: &Params, max_size: u64) -> Result<Page, ApiError> {
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

    /// The slice of `items` on this page.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        &items[self.window(items.len())]
    }

    /// The positions on this page in a result of `total` items (empty past the end).
    pub fn window(&self, total: usize) -> std::ops::Range<usize> {
        let start = (self.number - 1).saturating_mul(self.size);
        let start = usize::try_from(start).unwrap_or(usize::MAX).min(total);
        let end = start
            .saturating_add(usize::try_from(self.size).unwrap_or(usize::MAX))
            .min(total);
        start..end
    }

    /// One pass over a result in order: its total count and the items on this page (only
    /// those are kept).
    pub fn collect<T>(&self, items: impl Iterator<Item = T>) -> (usize, Vec<T>) {
        let start = (self.number - 1).saturating_mul(self.size);
        let start = usize::try_from(start).unwrap_or(usize::MAX);
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        let mut total = 0usize;
        let mut page = Vec::new();
        for item in items {
            if total >= start && total - start < size {
                page.push(item);
            }
            total += 1;
        }
        (total, page)
    }

    /// The `meta` object for a result of `total` items.
    pub fn meta(&self, total: usize) -> Value {
        let total = total as u64;
        json!({
            "page_number": self.number,
            "page_size": self.size,
            "total_pages": total.div_ceil(self.size),
            "total_results": total,
        })
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
        let e = Page::parse(&p, 250).unwrap_err();
        assert!(e.detail.contains("between 1 and 250"));
        let p = Params::parse(Some("page%5Bnumber%5D=99999999999999999999")).unwrap();
        assert!(Page::parse(&p, 250).is_err());
        let page = Page { number: 3, size: 2 };
        assert_eq!(page.slice(&[1, 2, 3, 4, 5]), &[5]);
        assert_eq!(page.window(5), 4..5);
        assert_eq!(page.window(3), 3..3);
        let huge = Page {
            number: MAX_PAGE_NUMBER,
            size: 250,
        };
        assert_eq!(huge.window(10), 10..10);
        assert_eq!(huge.collect(0..10), (10, vec![]));
        assert_eq!(page.collect(0..5), (5, vec![4]));
        assert_eq!(page.collect(0..4), (4, vec![]));
        let first = Page { number: 1, size: 2 };
        assert_eq!(first.collect(0..5), (5, vec![0, 1]));
        assert_eq!(page.meta(5)["total_pages"], 3);
    }
}
