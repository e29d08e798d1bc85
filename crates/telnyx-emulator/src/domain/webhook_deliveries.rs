//! Webhook deliveries, stored newest first, and lookup by id.

use chrono::{DateTime, Utc};

use super::{Page, StoreError};
use crate::model::{AccountData, Webhook};

/// The typed input of `GET /webhook_deliveries`. "Is any filter set" is [`Self::is_empty`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookFilter {
    /// `delivered` or `failed`.
    pub status: Option<&'static str>,
    /// Any of these event types (empty: any).
    pub event_types: Vec<String>,
    /// Substring of the serialized `webhook` object.
    pub webhook_contains: Option<String>,
    /// Substring of the serialized `attempts`.
    pub attempts_contains: Option<String>,
    /// `started_at >= t`.
    pub started_gte: Option<DateTime<Utc>>,
    /// `started_at <= t`.
    pub started_lte: Option<DateTime<Utc>>,
    /// `finished_at >= t`.
    pub finished_gte: Option<DateTime<Utc>>,
    /// `finished_at <= t`.
    pub finished_lte: Option<DateTime<Utc>>,
}

impl WebhookFilter {
    /// True when no filter is set (every delivery matches).
    pub fn is_empty(&self) -> bool {
        *self == WebhookFilter::default()
    }

    /// Whether `w` passes every set filter.
    pub fn keeps(&self, w: &Webhook) -> bool {
        self.status.is_none_or(|s| w.status == s)
            && (self.event_types.is_empty()
                || self.event_types.iter().any(|e| **e == *w.event_type))
            && self
                .webhook_contains
                .as_deref()
                .is_none_or(|s| w.webhook_text().contains(s))
            && self
                .attempts_contains
                .as_deref()
                .is_none_or(|s| w.attempts_text().contains(s))
            && self.started_gte.is_none_or(|t| w.started_at >= t)
            && self.started_lte.is_none_or(|t| w.started_at <= t)
            && self.finished_gte.is_none_or(|t| w.finished_at >= t)
            && self.finished_lte.is_none_or(|t| w.finished_at <= t)
    }
}

/// Every delivery, newest first: those the emulator made, then the seeded ones.
fn newest_first(d: &AccountData) -> impl Iterator<Item = &Webhook> {
    d.webhook.live.iter().rev().chain(d.webhooks.iter())
}

/// The total and the deliveries on `page`, newest first.
pub fn list<'a>(d: &'a AccountData, f: &WebhookFilter, page: Page) -> (usize, Vec<&'a Webhook>) {
    if !f.is_empty() {
        return page.collect(newest_first(d).filter(|w| f.keeps(w)));
    }
    // Unfiltered: the page is a window over the two slices, no scan.
    let live = &d.webhook.live;
    let total = live.len() + d.webhooks.len();
    let window = page.window(total);
    let items = window
        .map(|i| match i.checked_sub(live.len()) {
            None => &live[live.len() - 1 - i],
            Some(j) => &d.webhooks[j],
        })
        .collect();
    (total, items)
}

/// One delivery by id (lowercase UUID).
pub fn retrieve<'a>(d: &'a AccountData, id: &str) -> Result<&'a Webhook, StoreError> {
    d.webhook(id)
        .ok_or_else(|| StoreError::NotFound(format!("Webhook delivery {id} not found.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_lookup() {
        let d = crate::seed::test_account();
        let all = Page {
            number: 1,
            size: 250,
        };
        let failed = WebhookFilter {
            status: Some("failed"),
            ..Default::default()
        };
        assert!(!failed.is_empty());
        let (n, items) = list(&d, &failed, all);
        assert!(n > 0 && n < d.webhooks.len());
        assert!(items.iter().all(|w| w.status == "failed"));
        let first = &d.webhooks[0];
        assert_eq!(retrieve(&d, &first.id).map(|w| &w.id), Ok(&first.id));
        assert!(matches!(
            retrieve(&d, "00000000-0000-4000-8000-000000000000"),
            Err(StoreError::NotFound(_))
        ));
    }
}
