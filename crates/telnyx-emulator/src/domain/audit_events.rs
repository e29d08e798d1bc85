//! Audit events: a time window over the events stored oldest first, newest first by default.

use chrono::{DateTime, Utc};

use super::Page;
use crate::model::AccountData;

/// The typed input of `GET /audit_events`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditEventFilter {
    /// `filter[created_after]` (inclusive).
    pub created_after: Option<DateTime<Utc>>,
    /// `filter[created_before]` (exclusive).
    pub created_before: Option<DateTime<Utc>>,
    /// Oldest first (`sort=asc`) instead of newest first.
    pub ascending: bool,
}

/// The total and the serialized events on `page`.
pub fn list<'a>(d: &'a AccountData, f: &AuditEventFilter, page: Page) -> (usize, Vec<&'a str>) {
    // Stored oldest first, so each bound is a binary search and the result a contiguous run.
    let events = &d.audit_events;
    let lo = f
        .created_after
        .map_or(0, |t| events.partition_point(|e| e.created_at < t));
    let hi = f.created_before.map_or(events.len(), |t| {
        events.partition_point(|e| e.created_at < t)
    });
    let run = &events[lo..hi.max(lo)];
    let w = page.window(run.len());
    let items = if f.ascending {
        run[w].iter().map(|e| &*e.json).collect()
    } else {
        run.iter()
            .rev()
            .skip(w.start)
            .take(w.len())
            .map(|e| &*e.json)
            .collect()
    };
    (run.len(), items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_and_order() {
        let d = crate::seed::test_account();
        let all = Page {
            number: 1,
            size: 250,
        };
        let (n, newest_first) = list(&d, &AuditEventFilter::default(), all);
        assert_eq!(n, d.audit_events.len());
        let asc = AuditEventFilter {
            ascending: true,
            ..Default::default()
        };
        let (_, oldest_first) = list(&d, &asc, all);
        let mut rev = oldest_first.clone();
        rev.reverse();
        assert_eq!(rev, newest_first);
        let mid = d.audit_events[n / 2].created_at;
        let after = AuditEventFilter {
            created_after: Some(mid),
            ..Default::default()
        };
        let (k, _) = list(&d, &after, all);
        let expect = d
            .audit_events
            .iter()
            .filter(|e| e.created_at >= mid)
            .count();
        assert_eq!(k, expect);
    }
}
