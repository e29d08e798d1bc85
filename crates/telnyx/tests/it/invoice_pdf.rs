//! `InvoicesApi::download_pdf` over real HTTP (wiremock): the API key goes to the download
//! URL only on the API's own origin; errors for a missing link, a failed download and a
//! body that is not a PDF; retries and timeouts like every GET.

use crate::common;
use std::time::Duration;

use serde_json::json;
use telnyx::{Client, ErrorKind};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "48eff763-ea80-4345-b688-78249eb165a8";
const KEY: &str = "KEY_pdf_secret";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn client(api: &MockServer) -> Client {
    common::builder_with_key(api, KEY)
        .default_header("x-team", "billing")
        .build()
        .unwrap()
}

/// The API answers the `action=link` retrieve with `download_url`.
async fn link_to(api: &MockServer, download_url: Option<&str>) {
    let mut data =
        json!({"invoice_id": ID, "period_start": "2025-05-01", "period_end": "2025-05-31"});
    if let Some(url) = download_url {
        data["download_url"] = json!(url);
    }
    Mock::given(method("GET"))
        .and(path(format!("/v2/invoices/{ID}")))
        .and(query_param("action", "link"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": data })))
        .expect(1..)
        .mount(api)
        .await;
}

fn pdf_response() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/pdf")
        .set_body_bytes(PDF)
}

/// The requests a server received for `p`.
async fn received(server: &MockServer, p: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

#[tokio::test]
async fn same_origin_download_carries_the_key() {
    let api = MockServer::builder().start().await;
    link_to(&api, Some(&format!("{}/files/{ID}.pdf?sig=abc", api.uri()))).await;
    Mock::given(method("GET"))
        .and(path(format!("/files/{ID}.pdf")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(pdf_response())
        .expect(1)
        .mount(&api)
        .await;

    let pdf = client(&api).invoices().download_pdf(ID).await.unwrap();
    assert_eq!(&pdf[..], PDF);
    let got = received(&api, &format!("/files/{ID}.pdf")).await;
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].url.query(),
        Some("sig=abc"),
        "the link is used as given"
    );
    assert_eq!(got[0].headers["x-team"], "billing");
    assert_eq!(got[0].headers["accept"], "application/pdf");
}

#[tokio::test]
async fn other_origin_download_never_sees_the_key() {
    let api = MockServer::builder().start().await;
    let storage = MockServer::builder().start().await; // another port: another origin
    link_to(
        &api,
        Some(&format!("{}/signed/{ID}.pdf?X-Sig=s3cr3t", storage.uri())),
    )
    .await;
    Mock::given(method("GET"))
        .and(path(format!("/signed/{ID}.pdf")))
        .respond_with(pdf_response())
        .expect(1)
        .mount(&storage)
        .await;

    let pdf = client(&api).invoices().download_pdf(ID).await.unwrap();
    assert_eq!(&pdf[..], PDF);
    let got = received(&storage, &format!("/signed/{ID}.pdf")).await;
    assert_eq!(got.len(), 1);
    let headers = &got[0].headers;
    assert!(headers.get("authorization").is_none(), "{headers:?}");
    assert!(
        headers.get("x-team").is_none(),
        "default headers stay on the API origin"
    );
    for (_, value) in headers.iter() {
        assert!(!value.to_str().unwrap_or("").contains(KEY), "{headers:?}");
    }
    // The API itself still got the key.
    let api_reqs = received(&api, &format!("/v2/invoices/{ID}")).await;
    assert_eq!(
        api_reqs[0].headers["authorization"],
        format!("Bearer {KEY}").as_str()
    );
}

#[tokio::test]
async fn same_port_other_host_is_another_origin() {
    // The API is http://127.0.0.1:A; a link to http://localhost:A names another host.
    let api = MockServer::builder().start().await;
    let other_host = api.uri().replace("127.0.0.1", "localhost");
    link_to(&api, Some(&format!("{other_host}/files/{ID}.pdf"))).await;
    Mock::given(method("GET"))
        .and(path(format!("/files/{ID}.pdf")))
        .respond_with(pdf_response())
        .mount(&api)
        .await;
    let pdf = client(&api).invoices().download_pdf(ID).await.unwrap();
    assert_eq!(&pdf[..], PDF);
    let got = received(&api, &format!("/files/{ID}.pdf")).await;
    assert!(got[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn missing_link_failed_download_and_non_pdf_are_errors() {
    // No download_url.
    let api = MockServer::builder().start().await;
    link_to(&api, None).await;
    let err = client(&api).invoices().download_pdf(ID).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("no download_url"), "{err}");

    // An expired link: 403 from the storage host, not retried.
    let api = MockServer::builder().start().await;
    let storage = MockServer::builder().start().await;
    link_to(
        &api,
        Some(&format!("{}/x.pdf?sig=topsecret", storage.uri())),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/x.pdf"))
        .respond_with(ResponseTemplate::new(403).set_body_string("<Error>AccessDenied</Error>"))
        .expect(1)
        .mount(&storage)
        .await;
    let err = client(&api).invoices().download_pdf(ID).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
    assert_eq!(err.status(), Some(403));
    let shown = err.to_string();
    assert!(
        shown.contains("AccessDenied") && shown.contains("/x.pdf"),
        "{shown}"
    );
    assert!(
        !shown.contains("topsecret"),
        "the signature is not printed: {shown}"
    );

    // A 200 that is not a PDF (a proxy's HTML page).
    let api = MockServer::builder().start().await;
    link_to(&api, Some(&format!("{}/y.pdf", api.uri()))).await;
    Mock::given(method("GET"))
        .and(path("/y.pdf"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>please log in</html>", "text/html"),
        )
        .mount(&api)
        .await;
    let err = client(&api).invoices().download_pdf(ID).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    let shown = err.to_string();
    assert!(
        shown.contains("not a PDF") && shown.contains("text/html"),
        "{shown}"
    );

    // A link that is not http(s).
    let api = MockServer::builder().start().await;
    link_to(&api, Some("ftp://files.example.com/z.pdf")).await;
    let err = client(&api).invoices().download_pdf(ID).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");

    // An empty id never leaves the SDK.
    let err = client(&api).invoices().download_pdf("").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
}

#[tokio::test]
async fn download_is_retried_and_timed_like_other_gets() {
    let api = MockServer::builder().start().await;
    let storage = MockServer::builder().start().await;
    link_to(&api, Some(&format!("{}/r.pdf", storage.uri()))).await;
    Mock::given(method("GET"))
        .and(path("/r.pdf"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&storage)
        .await;
    Mock::given(method("GET"))
        .and(path("/r.pdf"))
        .respond_with(pdf_response())
        .expect(1)
        .mount(&storage)
        .await;
    let pdf = client(&api).invoices().download_pdf(ID).await.unwrap();
    assert_eq!(&pdf[..], PDF);

    // A slow download hits the per-attempt timeout.
    let api = MockServer::builder().start().await;
    link_to(&api, Some(&format!("{}/slow.pdf", api.uri()))).await;
    Mock::given(method("GET"))
        .and(path("/slow.pdf"))
        .respond_with(pdf_response().set_delay(Duration::from_secs(5)))
        .mount(&api)
        .await;
    let err = client(&api)
        .invoices()
        .download_pdf(ID)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
}
