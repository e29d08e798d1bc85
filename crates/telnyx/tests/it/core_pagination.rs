//! Pagination over real HTTP (wiremock): termination, filters, guards and prefetch.
//!
//! Every test starts its own server with `MockServer::builder().start()`, never the pooled
//! `MockServer::start()`: a pooled server is handed to the next test, and a request still in
//! flight from a dropped prefetching stream then lands in that test's request log.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;
use telnyx::{Client, ErrorKind, ListRequest, Query};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request as Received, Respond, ResponseTemplate};

use crate::common::retrying_client as client;

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct Item {
    id: u64,
}

/// Serves `total_items` items `per_page` at a time, reading `page[number]` from the query.
struct Pager {
    total_items: u64,
    per_page: u64,
    /// Always answer page 1 (a server that ignores `page[number]`).
    stale: bool,
    /// Leave `meta` out.
    omit_meta: bool,
}

impl Pager {
    fn new(total_items: u64, per_page: u64) -> Pager {
        Pager {
            total_items,
            per_page,
            stale: false,
            omit_meta: false,
        }
    }
}

impl Respond for Pager {
    fn respond(&self, request: &Received) -> ResponseTemplate {
        let asked = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page[number]")
            .map(|(_, v)| v.parse::<u64>().unwrap())
            .unwrap_or(1);
        let number = if self.stale { 1 } else { asked };
        let total_pages = self.total_items.div_ceil(self.per_page);
        let start = (number - 1) * self.per_page;
        let end = (start + self.per_page).min(self.total_items);
        let data: Vec<_> = (start..end.max(start))
            .map(|id| json!({"id": id, "extra": "x"}))
            .collect();
        let mut body = json!({ "data": data });
        if !self.omit_meta {
            body["meta"] = json!({
                "page_number": number,
                "page_size": self.per_page,
                "total_pages": total_pages,
                "total_results": self.total_items,
            });
        }
        ResponseTemplate::new(200).set_body_json(body)
    }
}

fn list(client: &Client, query: Query) -> ListRequest<Item> {
    ListRequest::new(client.clone(), "/audit_events", query)
}

async fn mount(server: &MockServer, pager: Pager, expected: u64) {
    Mock::given(method("GET"))
        .and(path("/v2/audit_events"))
        .respond_with(pager)
        .expect(expected)
        .mount(server)
        .await;
}

/// Collects a stream, failing the test instead of hanging.
async fn collect<S: futures::Stream<Item = telnyx::Result<Item>>>(
    stream: S,
) -> (Vec<u64>, Option<telnyx::Error>) {
    tokio::time::timeout(Duration::from_secs(10), async {
        let mut ids = Vec::new();
        let mut stream = std::pin::pin!(stream);
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => ids.push(item.id),
                Err(e) => {
                    assert!(
                        stream.next().await.is_none(),
                        "stream continued after an error"
                    );
                    return (ids, Some(e));
                }
            }
        }
        (ids, None)
    })
    .await
    .expect("pagination did not terminate")
}

async fn raw_queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn three_pages_in_order() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(7, 3), 3).await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(ids, (0..7).collect::<Vec<_>>());
    assert_eq!(
        raw_queries(&server).await,
        ["", "page%5Bnumber%5D=2", "page%5Bnumber%5D=3"]
    );
}

#[tokio::test]
async fn awaiting_gives_the_first_page_and_next_page_walks() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(5, 2), 3).await;
    let first = list(&client(&server), Query::new()).await.unwrap();
    assert_eq!(first.data.len(), 2);
    assert_eq!(first.total_results(), Some(5));
    assert!(first.has_next_page());
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(second.meta.unwrap().page_number, Some(2));
    let third = second.next_page().await.unwrap().unwrap();
    assert_eq!(third.data, vec![Item { id: 4 }]);
    assert!(!third.has_next_page());
    assert!(third.next_page().await.unwrap().is_none());
}

#[tokio::test]
async fn pages_stream_yields_pages() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(6, 2), 3).await;
    let pages: Vec<_> = list(&client(&server), Query::new())
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    let numbers: Vec<_> = pages
        .iter()
        .map(|p| p.meta.unwrap().page_number.unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
}

#[tokio::test]
async fn empty_first_page_ends_at_once() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "meta": {"page_number": 1, "page_size": 20, "total_pages": 0, "total_results": 0}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert!(ids.is_empty());
    assert!(err.is_none());
}

#[tokio::test]
async fn empty_later_page_ends_the_stream() {
    let server = MockServer::builder().start().await;
    // meta claims 5 pages but page 2 is empty.
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("page[number]", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "meta": {"page_number": 2, "total_pages": 5}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 1}], "meta": {"page_number": 1, "total_pages": 5}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert_eq!(ids, [1]);
    assert!(err.is_none());
}

#[tokio::test]
async fn missing_meta_yields_items_then_an_error() {
    let server = MockServer::builder().start().await;
    let pager = Pager {
        omit_meta: true,
        ..Pager::new(10, 3)
    };
    mount(&server, pager, 1).await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert_eq!(ids, [0, 1, 2]);
    let err = err.expect("an error after the items");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("no `meta`"), "{err}");
}

#[tokio::test]
async fn missing_meta_on_an_empty_page_is_just_the_end() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert!(ids.is_empty());
    assert!(err.is_none());
}

#[tokio::test]
async fn stale_page_number_ends_with_an_error() {
    let server = MockServer::builder().start().await;
    let pager = Pager {
        stale: true,
        ..Pager::new(10, 3)
    };
    mount(&server, pager, 2).await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert_eq!(ids, [0, 1, 2]);
    let err = err.expect("an error instead of a loop");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string()
            .contains("server did not advance pagination: asked for page 2, got page 1"),
        "{err}"
    );
}

#[tokio::test]
async fn stale_page_number_with_prefetch_ends_with_an_error() {
    let server = MockServer::builder().start().await;
    let pager = Pager {
        stale: true,
        ..Pager::new(10, 3)
    };
    Mock::given(method("GET"))
        .respond_with(pager)
        .mount(&server)
        .await;
    let (ids, err) = collect(
        list(&client(&server), Query::new())
            .concurrency(3)
            .into_stream(),
    )
    .await;
    assert_eq!(ids, [0, 1, 2]);
    assert!(err
        .unwrap()
        .to_string()
        .contains("asked for page 2, got page 1"));
}

#[tokio::test]
async fn filters_are_kept_on_later_pages() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(5, 2), 3).await;
    let query = Query::new()
        .push("filter[created_after]", "2021-01-09T00:00:00Z")
        .push("sort", "desc")
        .push("page[size]", "2");
    let (ids, err) = collect(list(&client(&server), query).into_stream()).await;
    assert!(err.is_none());
    assert_eq!(ids.len(), 5);
    let base = "filter%5Bcreated_after%5D=2021-01-09T00%3A00%3A00Z&sort=desc&page%5Bsize%5D=2";
    assert_eq!(
        raw_queries(&server).await,
        [
            base.to_owned(),
            format!("{base}&page%5Bnumber%5D=2"),
            format!("{base}&page%5Bnumber%5D=3"),
        ]
    );
}

#[tokio::test]
async fn a_caller_page_number_is_replaced_in_place() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(6, 2), 2).await;
    let query = Query::new()
        .push("page[number]", "2")
        .push("page[size]", "2");
    let (ids, _) = collect(list(&client(&server), query).into_stream()).await;
    assert_eq!(ids, [2, 3, 4, 5]);
    assert_eq!(
        raw_queries(&server).await,
        [
            "page%5Bnumber%5D=2&page%5Bsize%5D=2",
            "page%5Bnumber%5D=3&page%5Bsize%5D=2"
        ]
    );
}

#[tokio::test]
async fn prefetch_yields_the_same_items_in_order() {
    let sequential = {
        let server = MockServer::builder().start().await;
        mount(&server, Pager::new(20, 3), 7).await;
        collect(list(&client(&server), Query::new()).into_stream()).await
    };
    let prefetched = {
        let server = MockServer::builder().start().await;
        mount(&server, Pager::new(20, 3), 7).await;
        collect(
            list(&client(&server), Query::new())
                .concurrency(4)
                .into_stream(),
        )
        .await
    };
    assert!(sequential.1.is_none() && prefetched.1.is_none());
    assert_eq!(sequential.0, (0..20).collect::<Vec<_>>());
    assert_eq!(prefetched.0, sequential.0);
}

#[tokio::test]
async fn each_page_is_retried() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("page[number]", "2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mount(&server, Pager::new(4, 2), 2).await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(ids, [0, 1, 2, 3]);
}

#[tokio::test]
async fn an_error_on_a_later_page_ends_the_stream() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("page[number]", "2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "errors": [{"code": "10005", "title": "Resource not found"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    mount(&server, Pager::new(4, 2), 1).await;
    let (ids, err) = collect(list(&client(&server), Query::new()).into_stream()).await;
    assert_eq!(ids, [0, 1]);
    assert_eq!(err.unwrap().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn invalid_list_yields_its_error_without_io() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(4, 2), 0).await;
    let c = client(&server);
    let bad =
        || ListRequest::<Item>::invalid(c.clone(), telnyx::Client::builder().build().unwrap_err());
    assert!(bad().await.is_err());
    let (ids, err) = collect(bad().into_stream()).await;
    assert!(ids.is_empty());
    assert_eq!(err.unwrap().kind(), ErrorKind::Configuration);
}

#[test]
fn streams_are_send_and_static() {
    fn check<S: futures::Stream + Send + 'static>(_: S) {}
    let client = Client::new("KEY_TEST").unwrap();
    check(list(&client, Query::new()).into_stream());
    check(list(&client, Query::new()).into_pages());
    fn check_fut<F: std::future::IntoFuture<IntoFuture = I>, I: Send + 'static>(_: F) {}
    check_fut(list(&client, Query::new()));
}

#[tokio::test]
async fn next_page_after_a_page_without_meta_is_an_error() {
    let server = MockServer::builder().start().await;
    let pager = Pager {
        omit_meta: true,
        ..Pager::new(10, 3)
    };
    mount(&server, pager, 1).await;
    let first = list(&client(&server), Query::new()).await.unwrap();
    assert_eq!(first.data.len(), 3);
    assert!(!first.has_next_page());
    let err = first.next_page().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn single_page_with_total_pages_one_ends() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(3, 5), 1).await;
    let (ids, err) = collect(
        list(&client(&server), Query::new())
            .concurrency(4)
            .into_stream(),
    )
    .await;
    assert_eq!(ids, [0, 1, 2]);
    assert!(err.is_none());
}

// On a multi-thread runtime, prefetched pages are fetched and decoded in spawned tasks on
// several workers: items must still come out in order, and the guards must still hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefetch_on_a_multi_thread_runtime_keeps_order() {
    let server = MockServer::builder().start().await;
    mount(&server, Pager::new(200, 3), 67).await;
    let (ids, err) = collect(
        list(&client(&server), Query::new())
            .concurrency(4)
            .into_stream(),
    )
    .await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(ids, (0..200).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_page_number_with_prefetch_on_a_multi_thread_runtime() {
    let server = MockServer::builder().start().await;
    let pager = Pager {
        stale: true,
        ..Pager::new(30, 3)
    };
    Mock::given(method("GET"))
        .respond_with(pager)
        .mount(&server)
        .await;
    let (ids, err) = collect(
        list(&client(&server), Query::new())
            .concurrency(4)
            .into_stream(),
    )
    .await;
    assert_eq!(ids, [0, 1, 2]);
    assert!(err
        .unwrap()
        .to_string()
        .contains("asked for page 2, got page 1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_prefetching_stream_stops_fetching() {
    let server = MockServer::builder().start().await;
    Mock::given(method("GET"))
        .respond_with(Pager::new(300, 3))
        .mount(&server)
        .await;
    let mut stream = Box::pin(
        list(&client(&server), Query::new())
            .concurrency(4)
            .into_stream(),
    );
    // The first page, then the first item of page 2 (prefetch has started by then).
    for _ in 0..4 {
        stream.next().await.unwrap().unwrap();
    }
    drop(stream);
    // 100 pages are there to fetch: a stream that kept going after the drop would pass the
    // bound well within this wait. (No equality between two later counts: on a loaded
    // machine a request already in flight at the drop may be logged late.)
    tokio::time::sleep(Duration::from_millis(500)).await;
    let later = server.received_requests().await.unwrap().len();
    assert!(
        later <= 1 + 4 + 1,
        "{later} requests for at most 2 consumed pages"
    );
}
