//! The blocking client (feature `blocking`, enabled for tests by the package's self
//! dev-dependency) against the real emulator over real HTTP: every operation, paging as
//! iterators over items and pages, the same errors and retry rules.
//!
//! The tests are plain `#[test]` functions: the blocking client needs no runtime of the
//! caller's. Only the emulator runs on a (multi-threaded) tokio runtime, owned by the test
//! and never entered by the test thread, so it keeps serving while the client blocks.

use std::time::Duration;

use crate::common::{self, next_month};

use telnyx::blocking::Client;
use telnyx::{
    AuditEventListParams, AutoRechargePrefUpdate, ChargesBreakdownParams, ChargesSummaryParams,
    DetailRecord, DetailRecordListParams, ErrorKind, InvoiceAction, InvoiceListParams, Money, Rule,
    SortDirection, UserTagListParams, WebhookDeliveryListParams, WebhookDeliveryStatus,
};
use telnyx_emulator::{Emulator, EmulatorConfig};

/// A running emulator and the runtime serving it.
struct Served {
    emulator: Emulator,
    _runtime: tokio::runtime::Runtime,
}

fn serve() -> Served {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime
        .block_on(Emulator::start(EmulatorConfig::default()))
        .unwrap();
    Served {
        emulator,
        _runtime: runtime,
    }
}

fn client(served: &Served, key: &str) -> Client {
    let inner = common::emulator::builder(&served.emulator, key)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    Client::from_async(inner).unwrap()
}

#[test]
fn balance_payment_and_auto_recharge() {
    let served = serve();
    let c = client(&served, "KEY_blocking_payments");
    let before = c.balance().retrieve().send().unwrap();
    assert_eq!(before.currency.as_deref(), Some("USD"));

    let tx = c
        .payment()
        .create_stored_payment_transaction("12.34")
        .idempotency_key("blocking-pay-1")
        .send()
        .unwrap();
    assert_eq!(tx.amount_cents, Some(1234));
    // The same key again: the same transaction, no second credit.
    let replay = c
        .payment()
        .create_stored_payment_transaction("12.34")
        .idempotency_key("blocking-pay-1")
        .send()
        .unwrap();
    assert_eq!(replay, tx);
    let (after, response) = c.balance().retrieve().with_response().unwrap();
    assert_eq!(
        after.balance.unwrap().to_decimal(),
        before.balance.unwrap().to_decimal() + telnyx::Decimal::new(1234, 2)
    );
    assert_eq!(response.status(), 200);
    assert!(response.request_id().is_some());

    let prefs = c.payment().auto_recharge_prefs();
    let current = prefs.list().send().unwrap();
    let threshold = Money::parse("77.25").unwrap();
    let updated = prefs
        .update(
            AutoRechargePrefUpdate::default()
                .threshold_amount(threshold.clone())
                .enabled(!current.enabled.unwrap_or(false)),
        )
        .send()
        .unwrap();
    assert_eq!(updated.threshold_amount, Some(threshold));
    assert_eq!(prefs.list().send().unwrap(), updated);
}

#[test]
fn invoices_list_retrieve_pdf_and_charges() {
    let served = serve();
    let c = client(&served, "KEY_blocking_invoices");
    let params = InvoiceListParams::default().page_size(2);
    let invoices: Vec<_> = c
        .invoices()
        .list(params.clone())
        .items()
        .collect::<telnyx::Result<_>>()
        .unwrap();
    let first = c.invoices().list(params.clone()).send().unwrap();
    assert_eq!(invoices.len() as u64, first.total_results().unwrap());
    assert!(invoices.len() > 2, "more than one page");
    // Prefetching yields the same items in the same order.
    let prefetched: Vec<_> = c
        .invoices()
        .list(params)
        .concurrency(3)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(prefetched, invoices);

    let id = invoices[0].invoice_id.as_deref().unwrap();
    let linked = c
        .invoices()
        .retrieve(id, Some(InvoiceAction::Link))
        .send()
        .unwrap();
    assert!(linked.download_url.is_some());
    let pdf = c.invoices().download_pdf(id).send().unwrap();
    assert!(pdf.starts_with(b"%PDF"));

    let start = invoices[0].period_start.unwrap();
    let end = next_month(start);
    let summary = c
        .charges_summary()
        .retrieve(ChargesSummaryParams::new(start, end))
        .send()
        .unwrap();
    assert_eq!(summary.start_date, start);
    let breakdown = c
        .charges_breakdown()
        .retrieve(ChargesBreakdownParams::new(start).end_date(end))
        .send()
        .unwrap();
    assert_eq!(breakdown.start_date, start);
    let csv = c
        .charges_breakdown()
        .retrieve_csv(ChargesBreakdownParams::new(start).end_date(end))
        .send()
        .unwrap();
    assert!(csv.lines().count() >= 1, "{csv}");
}

#[test]
fn detail_records_page_by_page_and_item_by_item() {
    let served = serve();
    let c = client(&served, "KEY_blocking_cdrs");
    let params = DetailRecordListParams::new("messaging")
        .sort(["-created_at"])
        .page_size(7);
    let pages: Vec<_> = c
        .detail_records()
        .list(params.clone())
        .pages()
        .map(Result::unwrap)
        .collect();
    assert!(pages.len() > 1, "several pages");
    let total = pages[0].total_results().unwrap();
    assert_eq!(
        pages.iter().map(|p| p.data.len() as u64).sum::<u64>(),
        total
    );
    for (n, page) in pages.iter().enumerate() {
        assert_eq!(page.meta.unwrap().page_number, Some(n as u64 + 1));
        assert_eq!(page.response().status(), 200);
    }
    let items: Vec<_> = c
        .detail_records()
        .list(params.clone())
        .items()
        .map(Result::unwrap)
        .collect();
    let from_pages: Vec<_> = pages.into_iter().flat_map(|p| p.into_data()).collect();
    assert_eq!(items, from_pages);
    assert!(items.iter().all(|r| matches!(r, DetailRecord::Message(_))));

    // next_page walks the same sequence.
    let first = c.detail_records().list(params).send().unwrap();
    let second = first.next_page().unwrap().unwrap();
    assert_eq!(second.meta.unwrap().page_number, Some(2));
    assert_eq!(second.data[0], items[7]);
}

#[test]
fn adaptive_prefetch_works_blocking_too() {
    let served = serve();
    let c = client(&served, "KEY_blocking_auto");
    let params = DetailRecordListParams::new("messaging")
        .sort(["-created_at"])
        .page_size(5);
    let sequential: Vec<_> = c
        .detail_records()
        .list(params.clone())
        .items()
        .map(Result::unwrap)
        .collect();
    let mut auto = c
        .detail_records()
        .list(params)
        .concurrency(telnyx::Concurrency::Auto)
        .items();
    let items: Vec<_> = auto.by_ref().map(Result::unwrap).collect();
    assert_eq!(items, sequential, "same items, same order");
    let stats = auto.stats();
    let pages = sequential.len().div_ceil(5) as u64;
    assert!(stats.requests >= pages, "{stats:?} for {pages} pages");
    assert!((1..=telnyx::DEFAULT_MAX_AUTO_DEPTH).contains(&stats.max_depth));
    assert_eq!(stats.rate_limited, 0);
}

#[test]
fn audit_events_webhook_deliveries_and_user_tags() {
    let served = serve();
    let c = client(&served, "KEY_blocking_misc");
    let asc: Vec<_> = c
        .audit_events()
        .list(AuditEventListParams::default().sort(SortDirection::Asc))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut desc: Vec<_> = c
        .audit_events()
        .list(AuditEventListParams::default().sort(SortDirection::Desc))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    desc.reverse();
    assert!(!asc.is_empty());
    assert_eq!(asc, desc);

    let failed: Vec<_> = c
        .webhook_deliveries()
        .list(
            WebhookDeliveryListParams::default()
                .status(WebhookDeliveryStatus::Failed)
                .page_size(3),
        )
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(!failed.is_empty());
    assert!(failed
        .iter()
        .all(|d| d.status == Some(WebhookDeliveryStatus::Failed)));
    let one = c
        .webhook_deliveries()
        .retrieve(failed[0].id.as_deref().unwrap())
        .send()
        .unwrap();
    assert_eq!(one, failed[0]);

    let tags = c
        .user_tags()
        .list(UserTagListParams::default())
        .send()
        .unwrap();
    assert!(!tags.number_tags.is_empty());
}

#[test]
fn the_same_errors_as_the_async_client() {
    let served = serve();
    let c = client(&served, "KEY_blocking_errors");
    // An API error, typed.
    let err = c
        .webhook_deliveries()
        .retrieve("00000000-0000-4000-8000-000000000000")
        .send()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    // A violation, before any I/O.
    let err = c
        .payment()
        .create_stored_payment_transaction("1.5")
        .send()
        .unwrap_err();
    assert_eq!(err.violation().unwrap().rule(), &Rule::DollarsAndCents);
    // A list's violation is the iterator's only item.
    let results: Vec<_> = c
        .invoices()
        .list(InvoiceListParams::default().page_size(0))
        .into_iter()
        .collect();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]
            .as_ref()
            .unwrap_err()
            .violation()
            .unwrap()
            .parameter(),
        "page_size"
    );
    // A refused connection is retried, then a connection error.
    let unreachable = Client::from_async(
        telnyx::Client::builder()
            .api_key("k")
            .base_url("http://api.example.invalid/v2")
            .initial_retry_delay(Duration::from_millis(1))
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = unreachable.balance().retrieve().send().unwrap_err();
    assert!(err.is_connect(), "{err:?}");
}

#[test]
fn it_works_from_async_code_and_from_many_threads() {
    let served = serve();
    let c = client(&served, "KEY_blocking_threads");
    // Inside a caller's runtime (it blocks that thread, but neither panics nor deadlocks).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let inside = runtime.block_on(async { c.balance().retrieve().send() });
    assert!(inside.is_ok(), "{inside:?}");
    // From several threads at once, sharing one client.
    let balances: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| c.balance().retrieve().send().unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(balances.windows(2).all(|w| w[0] == w[1]));
}
