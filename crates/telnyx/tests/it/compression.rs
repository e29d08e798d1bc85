//! Response compression (wiremock): the SDK advertises gzip and deflate and decodes a
//! gzip-encoded body, for a single object and for every page of a list.

use crate::common;
use std::io::Write;

use futures::TryStreamExt;
use serde_json::json;
use telnyx::AuditEventListParams;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

fn gzip(body: &serde_json::Value) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder
        .write_all(serde_json::to_string(body).unwrap().as_bytes())
        .unwrap();
    encoder.finish().unwrap()
}

fn gzipped(body: &serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-encoding", "gzip")
        .insert_header("content-type", "application/json")
        .set_body_raw(gzip(body), "application/json")
}

#[tokio::test]
async fn a_gzip_body_is_decoded_and_gzip_is_asked_for() {
    let server = common::mock_server().await;
    let body = json!({"data": {"balance": "300.00", "currency": "USD", "pending": "1.25"}});
    let compressed = gzip(&body);
    // The compressed bytes are not JSON: only a decoding client can read them.
    assert!(serde_json::from_slice::<serde_json::Value>(&compressed).is_err());
    Mock::given(method("GET"))
        .and(path("/v2/balance"))
        .respond_with(gzipped(&body))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let balance = client.balance().retrieve().await.unwrap();
    assert_eq!(balance.balance.unwrap().as_str(), "300.00");
    assert_eq!(balance.pending.unwrap().as_str(), "1.25");

    let requests = server.received_requests().await.unwrap();
    let accept = requests[0].headers["accept-encoding"].to_str().unwrap();
    assert!(
        accept.contains("gzip") && accept.contains("deflate"),
        "{accept}"
    );
}

#[tokio::test]
async fn every_page_of_a_list_may_be_compressed() {
    let server = common::mock_server().await;
    for n in [1u64, 2] {
        let page = json!({
            "data": [{"id": format!("e{n}")}],
            "meta": {"page_number": n, "total_pages": 2}
        });
        let mock = Mock::given(method("GET")).and(path("/v2/audit_events"));
        let mock = if n == 1 {
            mock.and(query_param_is_missing("page[number]"))
        } else {
            mock.and(query_param("page[number]", "2"))
        };
        mock.respond_with(gzipped(&page))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = common::client(&server);
    let ids: Vec<_> = client
        .audit_events()
        .list(AuditEventListParams::default())
        .into_stream()
        .map_ok(|e| e.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["e1", "e2"]);
    for request in server.received_requests().await.unwrap() {
        let accept = request.headers["accept-encoding"].to_str().unwrap();
        assert!(accept.contains("gzip"), "{accept}");
    }
}
