//! The domain layer: pure functions over [`crate::model::AccountData`] and typed inputs, no HTTP.
//!
//! Each resource has its module (the same name as its route file). Handlers parse a request
//! into the typed input of one of these functions and turn its result into a response; the
//! functions never see a query string, a header or a status code. Errors are [`StoreError`]s,
//! which the HTTP layer converts into its error type in one `From`.

pub(crate) mod audit_events;
pub(crate) mod balance;
pub(crate) mod billing;
pub(crate) mod charges;
pub(crate) mod clock;
pub(crate) mod detail_records;
pub(crate) mod events;
pub(crate) mod forecast;
pub(crate) mod generate;
#[cfg(test)]
mod invariants;
pub(crate) mod invoices;
pub(crate) mod payment;
pub(crate) mod user_tags;
pub(crate) mod webhook_deliveries;
pub(crate) mod webhooks;

use serde_json::{json, Value};

/// A failure of a domain operation or of storing its result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// An input field is invalid; nothing was changed.
    #[error("{field}: {detail}")]
    Invalid {
        /// The field (a body member or parameter name).
        field: String,
        /// What was wrong and what is accepted.
        detail: String,
    },
    /// Durable storage failed; nothing was acknowledged.
    #[error("storage failed: {0}")]
    Storage(String),
    /// The request conflicts with the account's state (e.g. no webhook URL is set).
    #[error("{detail}")]
    Conflict {
        /// Error code (`emulator_no_webhook`).
        code: &'static str,
        /// What is wrong and what to do.
        detail: String,
    },
    /// Temporarily unable (e.g. the webhook queue is full); retry after a second.
    #[error("{0}")]
    Busy(String),
}

impl StoreError {
    /// An [`StoreError::Invalid`] for `field`.
    pub fn invalid(field: &str, detail: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.to_string(),
            detail: detail.into(),
        }
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
    fn page_windows() {
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
