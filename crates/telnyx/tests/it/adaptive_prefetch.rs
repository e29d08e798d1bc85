//! `Concurrency::Auto` against the real emulator over real HTTP: under its `--rate-limit`
//! (`x-ratelimit-*` headers, 429 with `Retry-After`) and its latency and 503 fault rules,
//! an adaptive stream finishes complete, in the order of a one-page-at-a-time read, with few
//! 429s. Nothing here asserts a duration.

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::json;
use telnyx::{Concurrency, DetailRecord, DetailRecordListParams, ItemStream};
use telnyx_emulator::{Emulator, EmulatorConfig, SeedRequest};

use crate::common::emulator::{add_fault, builder};

/// Upper bound for a whole stream: a hang is a failure, not a slow pass.
const LIMIT: Duration = Duration::from_secs(120);

async fn seeded(config: EmulatorConfig, key: &str, messaging: u64) -> Emulator {
    let emu = Emulator::start(config).await.unwrap();
    emu.seed_account(
        key,
        SeedRequest {
            detail_records: Some(messaging),
            detail_record_type: Some("messaging".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    emu
}

fn params() -> DetailRecordListParams {
    DetailRecordListParams::new("messaging")
        .sort(["created_at"])
        .page_size(50)
}

/// Every item of `stream` (or the first error), and the stream's stats at the end.
async fn drain(mut stream: ItemStream<DetailRecord>) -> (Vec<DetailRecord>, telnyx::PrefetchStats) {
    let mut items = Vec::new();
    let result = tokio::time::timeout(LIMIT, async {
        while let Some(item) = stream.try_next().await.unwrap() {
            items.push(item);
        }
    })
    .await;
    assert!(result.is_ok(), "the stream did not finish within {LIMIT:?}");
    (items, stream.stats())
}

fn ids(records: &[DetailRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.id().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_the_rate_limit_auto_finishes_in_order_with_few_429s() {
    let key = "KEY_auto_rate_limit";
    let emu = seeded(
        EmulatorConfig {
            rate_limit: Some(20),
            ..EmulatorConfig::default()
        },
        key,
        1_500,
    )
    .await;
    let client = builder(&emu, key).max_retries(5).build().unwrap();

    let (auto, stats) = drain(
        client
            .detail_records()
            .list(params())
            .concurrency(Concurrency::Auto)
            .into_stream(),
    )
    .await;
    assert_eq!(auto.len(), 1_500, "every record: {stats:?}");
    // 30 pages at 20 requests/s: the pacing from x-ratelimit-limit keeps the stream under
    // the limit; a window boundary may still cost one or two.
    assert!(stats.requests >= 30, "{stats:?}");
    assert!(stats.rate_limited <= 2, "too many 429s: {stats:?}");

    // The same items in the same order as one page at a time.
    let (sequential, _) = drain(client.detail_records().list(params()).into_stream()).await;
    assert_eq!(ids(&auto), ids(&sequential));
    let unique: std::collections::HashSet<_> = ids(&auto).into_iter().collect();
    assert_eq!(unique.len(), 1_500, "no record twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_latency_per_page_auto_deepens_and_keeps_order() {
    let key = "KEY_auto_latency";
    let emu = seeded(EmulatorConfig::default(), key, 2_000).await;
    add_fault(
        &emu,
        json!({"method": "GET", "path_prefix": "/v2/detail_records", "latency_ms": 40}),
    )
    .await;
    let client = builder(&emu, key).build().unwrap();

    let (auto, stats) = drain(
        client
            .detail_records()
            .list(params())
            .concurrency(Concurrency::AutoUpTo(8))
            .into_stream(),
    )
    .await;
    assert_eq!(auto.len(), 2_000, "{stats:?}");
    // The consumer only waits on the network here, so the controller went past its start
    // depth of 2, and never past the bound.
    assert!(stats.max_depth > 2, "never deepened: {stats:?}");
    assert!(stats.max_depth <= 8, "{stats:?}");
    assert_eq!(stats.rate_limited, 0, "{stats:?}");

    let (fixed, _) = drain(
        client
            .detail_records()
            .list(params())
            .concurrency(4)
            .into_stream(),
    )
    .await;
    assert_eq!(ids(&auto), ids(&fixed), "same items, same order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_with_retry_after_is_waited_out_and_counted() {
    let key = "KEY_auto_503";
    let emu = seeded(EmulatorConfig::default(), key, 600).await;
    let client = builder(&emu, key).max_retries(3).build().unwrap();
    let first = client.detail_records().list(params()).await.unwrap();
    assert_eq!(first.meta.and_then(|m| m.total_pages), Some(12));
    add_fault(
        &emu,
        json!({"method": "GET", "path_prefix": "/v2/detail_records", "status": 503,
               "headers": {"Retry-After": "1"}, "times": 2}),
    )
    .await;
    let (auto, stats) = drain(
        client
            .detail_records()
            .list(params())
            .concurrency(Concurrency::Auto)
            .into_stream(),
    )
    .await;
    assert_eq!(auto.len(), 600, "{stats:?}");
    assert_eq!(stats.throttled, 2, "both 503s were seen: {stats:?}");
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert_eq!(
        stats.requests,
        12 + 2,
        "12 pages and 2 retried answers: {stats:?}"
    );
    assert_eq!(&auto[..50], &first.data[..]);
}
