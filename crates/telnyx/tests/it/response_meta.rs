//! Response metadata on success (wiremock): status, headers, request id and rate-limit
//! figures with the decoded value, and per page of a list.

use crate::common;
use futures::TryStreamExt;
use serde_json::json;
use telnyx::{AuditEventListParams, RateLimit};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn with_response_gives_the_value_and_its_response() {
    let server = common::mock_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/balance"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"balance": "12.50", "currency": "USD"}}))
                .insert_header("x-request-id", "req-balance-1")
                .insert_header("x-ratelimit-limit", "100")
                .insert_header("x-ratelimit-remaining", "41")
                .insert_header("x-ratelimit-reset", "17")
                .insert_header("x-custom", "kept"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let (balance, response) = client.balance().retrieve().with_response().await.unwrap();
    assert_eq!(balance.balance.unwrap().as_str(), "12.50");
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req-balance-1"));
    assert_eq!(
        response.rate_limit(),
        Some(&RateLimit {
            limit: Some(100),
            remaining: Some(41),
            reset: Some(17),
        })
    );
    assert_eq!(response.headers()["x-custom"], "kept");
    // Debug shows header names, never their values.
    let debug = format!("{response:?}");
    assert!(
        debug.contains("x-custom") && !debug.contains("kept"),
        "{debug}"
    );
}

#[tokio::test]
async fn a_response_without_those_headers_has_none() {
    let (_server, client) = common::serve(
        "GET",
        "/v2/user_tags",
        json!({"data": {"number_tags": ["a"]}}),
    )
    .await;
    let (tags, response) = client
        .user_tags()
        .list(Default::default())
        .with_response()
        .await
        .unwrap();
    assert_eq!(tags.number_tags, ["a"]);
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), None);
    assert_eq!(response.rate_limit(), None);
}

#[tokio::test]
async fn each_page_carries_its_own_response() {
    let server = common::mock_server().await;
    for (n, remaining) in [(1, 9), (2, 8)] {
        let page = json!({
            "data": [{"id": format!("e{n}")}],
            "meta": {"page_number": n, "total_pages": 2, "page_size": 1, "total_results": 2}
        });
        let mock = Mock::given(method("GET")).and(path("/v2/audit_events"));
        let mock = if n == 1 {
            mock.and(query_param_is_missing("page[number]"))
        } else {
            mock.and(query_param("page[number]", "2"))
        };
        mock.respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page)
                .insert_header("x-request-id", format!("req-page-{n}").as_str())
                .insert_header("x-ratelimit-remaining", remaining.to_string().as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    }
    let client = common::client(&server);
    let pages: Vec<_> = client
        .audit_events()
        .list(AuditEventListParams::default().page_size(1))
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    let seen: Vec<_> = pages
        .iter()
        .map(|p| {
            (
                p.response().request_id().unwrap().to_owned(),
                p.response().rate_limit().unwrap().remaining,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("req-page-1".to_owned(), Some(9)),
            ("req-page-2".to_owned(), Some(8))
        ]
    );
}
