//! Every response, success and error, validated against the response schema that
//! `openapi-account.json` declares for its operation and status. Independent of the
//! emulator's own types: the spec is loaded from `tests/fixtures` at test time.
//!
//! The spec's `DetailRecord` is a `oneOf` with an OpenAPI `discriminator` on `record_type`,
//! which plain JSON Schema ignores (and the variants overlap, so a bare `oneOf` can never
//! pass). It is rewritten here into what the discriminator means: the variant whose
//! `record_type` default matches is applied; unknown record types need only `record_type`.
//! Statuses that the spec declares without a body (or not at all) are checked against the
//! generic Telnyx error schema (`billing_Errors`, which requires `code` and `title`).

use crate::common;

use serde_json::{json, Value};

const K: &str = "KEY_schema";

struct Spec {
    doc: Value,
    components: Value,
}

fn load() -> Spec {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/openapi-account.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("spec fixture"))
        .expect("spec JSON");
    let mut components = doc["components"].clone();
    let schemas = components["schemas"].as_object_mut().expect("schemas");
    let variants: Vec<String> = schemas["DetailRecord"]["oneOf"]
        .as_array()
        .expect("DetailRecord.oneOf")
        .iter()
        .map(|v| v["$ref"].as_str().expect("$ref").to_string())
        .collect();
    let mut all_of = Vec::new();
    for r in variants {
        let name = r.rsplit('/').next().expect("name");
        let wire = schemas[name]["properties"]["record_type"]["default"]
            .as_str()
            .expect("record_type default")
            .to_string();
        all_of.push(json!({
            "if": { "properties": { "record_type": { "const": wire } }, "required": ["record_type"] },
            "then": { "$ref": r }
        }));
    }
    schemas.insert(
        "DetailRecord".into(),
        json!({ "type": "object", "required": ["record_type"], "allOf": all_of }),
    );
    Spec { doc, components }
}

impl Spec {
    /// The JSON schema for (path, method, status), or the generic error schema.
    fn schema(&self, path: &str, method: &str, status: u16) -> Value {
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "no operation {method} {path} in the spec");
        let responses = &op["responses"];
        let mut resp = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(r) = resp.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().expect("name");
            resp = self.doc["components"]["responses"][name].clone();
        }
        match resp.pointer("/content/application~1json/schema") {
            Some(s) => s.clone(),
            None => {
                assert!(
                    status >= 400,
                    "{method} {path} {status}: success without a declared schema"
                );
                json!({ "$ref": "#/components/schemas/billing_Errors" })
            }
        }
    }

    fn errors(&self, path: &str, method: &str, status: u16, body: &Value) -> Vec<String> {
        let mut schema = self.schema(path, method, status);
        let obj = schema.as_object_mut().expect("schema object");
        obj.insert("components".into(), self.components.clone());
        let v = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("compile schema");
        v.iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(5)
            .collect()
    }

    fn check(&self, path: &str, method: &str, status: u16, body: &Value) {
        let errors = self.errors(path, method, status, body);
        assert!(
            errors.is_empty(),
            "{method} {path} {status}: {errors:#?}\nbody: {body}"
        );
        if status >= 400 {
            // Telnyx-shaped error everywhere, whatever the operation's declared schema says.
            let e = &body["errors"][0];
            assert!(
                e["code"]
                    .as_str()
                    .is_some_and(|c| c.chars().all(|c| c.is_ascii_digit())),
                "{body}"
            );
            assert!(e["title"].is_string() && e["detail"].is_string(), "{body}");
            assert!(
                e["meta"]["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(e["code"].as_str().unwrap_or("-"))),
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn every_response_matches_the_spec() {
    let spec = load();
    let h = common::start_with(common::fast_webhooks()).await;
    // validate the living account: after auto-recharges, closed months and generated usage,
    // its webhooks really delivered (some failing over)
    let _receiver = common::live_webhooks(&h.emu, K).await;
    // A tenth of the default traffic keeps the deliveries to a few thousand.
    h.emu
        .set_traffic(K, &[("messaging", 40), ("call-control", 4), ("verify", 1)])
        .await
        .unwrap();
    let r = h
        .patch(
            K,
            "payment/auto_recharge_prefs",
            r#"{"threshold_amount":"299.00"}"#,
        )
        .await;
    assert_eq!(r.status, 200);
    let report = h
        .emu
        .advance_clock(K, telnyx_emulator::Advance::Days(40))
        .await
        .unwrap();
    assert!(
        report.auto_recharges > 0 && report.invoices_closed > 0,
        "{report:?}"
    );
    assert!(common::webhooks_settled(&h.emu, K).await > 0);
    let failed_over = h
        .get(
            K,
            "webhook_deliveries?filter%5Battempts%5D%5Bcontains%5D=/failover",
        )
        .await
        .json()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // ... and one that never got a response: every attempt refused (a closed loopback port).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let set = h
        .control(
            reqwest::Method::PUT,
            "/_emulator/webhooks",
            serde_json::json!({ "api_key": K, "url": format!("http://127.0.0.1:{port}/") }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    let refused = h
        .control(
            reqwest::Method::POST,
            "/_emulator/events",
            serde_json::json!({ "api_key": K, "event_type": "call.answered" }),
        )
        .await
        .json()["delivery_id"]
        .as_str()
        .unwrap()
        .to_string();
    h.wait_delivery(K, &refused, |v| {
        v["attempts"].as_array().map_or(0, Vec::len) == 3
    })
    .await;
    let invoice_id = h.get(K, "invoices").await.json()["data"][0]["invoice_id"]
        .as_str()
        .unwrap()
        .to_string();
    let webhook_id = h.get(K, "webhook_deliveries").await.json()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let this_month = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-01")
        .to_string();

    // (spec path, method, request path, body, expected status)
    let mut cases: Vec<(&str, &str, String, Option<&str>, u16)> = vec![
        ("/audit_events", "get", "audit_events".into(), None, 200),
        (
            "/audit_events",
            "get",
            "audit_events?page%5Bsize%5D=250&sort=asc".into(),
            None,
            200,
        ),
        (
            "/audit_events",
            "get",
            "audit_events?page%5Bsize%5D=0".into(),
            None,
            400,
        ),
        ("/balance", "get", "balance".into(), None, 200),
        (
            "/charges_breakdown",
            "get",
            format!("charges_breakdown?start_date={this_month}"),
            None,
            200,
        ),
        (
            "/charges_breakdown",
            "get",
            "charges_breakdown?start_date=2025-05-01&end_date=2025-06-01&format=json".into(),
            None,
            200,
        ),
        (
            "/charges_breakdown",
            "get",
            "charges_breakdown".into(),
            None,
            400,
        ),
        (
            "/charges_summary",
            "get",
            "charges_summary?start_date=2025-05-01&end_date=2025-06-01".into(),
            None,
            200,
        ),
        (
            "/charges_summary",
            "get",
            "charges_summary?start_date=2025-05-01&end_date=2025-08-01".into(),
            None,
            400,
        ),
        ("/detail_records", "get", "detail_records".into(), None, 400),
        (
            "/detail_records",
            "get",
            "detail_records?filter%5Brecord_type%5D=fax".into(),
            None,
            200,
        ),
        (
            "/detail_records",
            "get",
            "detail_records?filter%5Brecord_type%5D=messaging&sort=-bogus".into(),
            None,
            400,
        ),
        (
            "/invoices",
            "get",
            "invoices?page%5Bsize%5D=250".into(),
            None,
            200,
        ),
        (
            "/invoices",
            "get",
            "invoices?page%5Bsize%5D=251".into(),
            None,
            400,
        ),
        (
            "/invoices/{id}",
            "get",
            format!("invoices/{invoice_id}"),
            None,
            200,
        ),
        (
            "/invoices/{id}",
            "get",
            format!("invoices/{invoice_id}?action=link"),
            None,
            200,
        ),
        (
            "/invoices/{id}",
            "get",
            "invoices/a%20b%2Fc%3Fd".into(),
            None,
            400,
        ),
        (
            "/invoices/{id}",
            "get",
            "invoices/182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e".into(),
            None,
            404,
        ),
        (
            "/payment/auto_recharge_prefs",
            "get",
            "payment/auto_recharge_prefs".into(),
            None,
            200,
        ),
        (
            "/payment/auto_recharge_prefs",
            "patch",
            "payment/auto_recharge_prefs".into(),
            Some("{}"),
            200,
        ),
        (
            "/payment/auto_recharge_prefs",
            "patch",
            "payment/auto_recharge_prefs".into(),
            Some(
                r#"{"enabled":true,"invoice_enabled":false,"preference":"ach","recharge_amount":"104.00","threshold_amount":"50.00"}"#,
            ),
            200,
        ),
        (
            "/payment/auto_recharge_prefs",
            "patch",
            "payment/auto_recharge_prefs".into(),
            Some(r#"{"preference":"gold"}"#),
            422,
        ),
        (
            "/payment/auto_recharge_prefs",
            "patch",
            "payment/auto_recharge_prefs".into(),
            Some("{"),
            400,
        ),
        ("/user_tags", "get", "user_tags".into(), None, 200),
        (
            "/user_tags",
            "get",
            "user_tags?filter%5Bstarts_with%5D=my-tag".into(),
            None,
            200,
        ),
        (
            "/v2/payment/stored_payment_transactions",
            "post",
            "v2/payment/stored_payment_transactions".into(),
            Some(r#"{"amount":"120.00"}"#),
            200,
        ),
        (
            "/v2/payment/stored_payment_transactions",
            "post",
            "payment/stored_payment_transactions".into(),
            Some(r#"{"amount":"120"}"#),
            422,
        ),
        (
            "/webhook_deliveries",
            "get",
            "webhook_deliveries?page%5Bsize%5D=250".into(),
            None,
            200,
        ),
        (
            "/webhook_deliveries",
            "get",
            "webhook_deliveries?filter%5Bstatus%5D%5Beq%5D=nope".into(),
            None,
            400,
        ),
        (
            "/webhook_deliveries/{id}",
            "get",
            format!("webhook_deliveries/{webhook_id}"),
            None,
            200,
        ),
        (
            "/webhook_deliveries/{id}",
            "get",
            format!("webhook_deliveries/{failed_over}"),
            None,
            200,
        ),
        (
            "/webhook_deliveries/{id}",
            "get",
            format!("webhook_deliveries/{refused}"),
            None,
            200,
        ),
        (
            "/webhook_deliveries/{id}",
            "get",
            "webhook_deliveries/C9C0797E-901D-4349-A33C-C2C8F31A92C2".into(),
            None,
            404,
        ),
        (
            "/webhook_deliveries/{id}",
            "get",
            "webhook_deliveries/xyz".into(),
            None,
            400,
        ),
    ];
    for t in [
        "messaging",
        "call-control",
        "conference",
        "conference-participant",
        "amd",
        "verify",
        "wireless",
        "media_storage",
    ] {
        cases.push((
            "/detail_records",
            "get",
            format!("detail_records?filter%5Brecord_type%5D={t}&page%5Bsize%5D=50"),
            None,
            200,
        ));
    }
    let mut checked = 0;
    for (spec_path, method, path, body, expect) in &cases {
        let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = h.send(m, K, path, *body, &[]).await;
        assert_eq!(r.status, *expect, "{method} {path}: {}", r.text);
        let v = r.json();
        if r.status == 200 {
            let data = &v["data"];
            assert!(!data.is_null(), "{path}");
            if let Some(items) = data.as_array() {
                if !path.contains("fax") {
                    assert!(
                        !items.is_empty(),
                        "{path}: validate real items, not an empty list"
                    );
                }
            }
        }
        spec.check(spec_path, method, r.status, &v);
        checked += 1;
    }
    // 401 for every operation, 429 and 405 and 404 routes too.
    for (spec_path, method, path) in [
        ("/audit_events", "get", "audit_events"),
        ("/balance", "get", "balance"),
        (
            "/charges_breakdown",
            "get",
            "charges_breakdown?start_date=2025-05-01",
        ),
        (
            "/charges_summary",
            "get",
            "charges_summary?start_date=2025-05-01&end_date=2025-06-01",
        ),
        (
            "/detail_records",
            "get",
            "detail_records?filter%5Brecord_type%5D=messaging",
        ),
        ("/invoices", "get", "invoices"),
        (
            "/invoices/{id}",
            "get",
            "invoices/182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
        ),
        (
            "/payment/auto_recharge_prefs",
            "get",
            "payment/auto_recharge_prefs",
        ),
        (
            "/payment/auto_recharge_prefs",
            "patch",
            "payment/auto_recharge_prefs",
        ),
        ("/user_tags", "get", "user_tags"),
        (
            "/v2/payment/stored_payment_transactions",
            "post",
            "v2/payment/stored_payment_transactions",
        ),
        ("/webhook_deliveries", "get", "webhook_deliveries"),
        (
            "/webhook_deliveries/{id}",
            "get",
            "webhook_deliveries/182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
        ),
    ] {
        let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = h.send(m, "", path, None, &[]).await;
        assert_eq!(r.status, 401, "{path}");
        spec.check(spec_path, method, 401, &r.json());
        checked += 1;
    }
    let r = h
        .send(reqwest::Method::DELETE, K, "balance", None, &[])
        .await;
    spec.check("/balance", "get", r.status, &r.json());
    let r = h.get(K, "/_stainless_unknown_path").await;
    spec.check("/balance", "get", r.status, &r.json());

    let limited = common::start_with(telnyx_emulator::EmulatorConfig {
        rate_limit: Some(1),
        ..Default::default()
    })
    .await;
    // Two requests in one one-second window: the second is limited. A pair that straddles a
    // window's end (a slow, loaded machine) is tried again.
    let mut r = limited.get(K, "balance").await;
    for _ in 0..5 {
        r = limited.get(K, "balance").await;
        if r.status == 429 {
            break;
        }
    }
    assert_eq!(r.status, 429);
    spec.check("/balance", "get", 429, &r.json());
    assert!(checked >= 50, "{checked}");
}

#[test]
fn the_validator_rejects_broken_bodies() {
    let spec = load();
    let bad = [
        (
            "/balance",
            "get",
            200,
            json!({"data": {"balance": 300.0, "record_type": "balance"}}),
        ),
        (
            "/balance",
            "get",
            200,
            json!({"data": {"record_type": "wallet"}}),
        ),
        (
            "/invoices",
            "get",
            200,
            json!({"data": [{"period_start": "Nov 2023"}], "meta": {"page_number": 1}}),
        ),
        (
            "/invoices",
            "get",
            200,
            json!({"data": [], "meta": {"page_number": "1"}}),
        ),
        (
            "/detail_records",
            "get",
            200,
            json!({"data": [{"record_type": "message_detail_record", "parts": "2"}]}),
        ),
        (
            "/detail_records",
            "get",
            200,
            json!({"data": [{"record_type": "verification_detail_record", "id": "not-a-uuid"}]}),
        ),
        (
            "/detail_records",
            "get",
            200,
            json!({"data": [{"cost": "1.00"}]}),
        ),
        (
            "/charges_summary",
            "get",
            200,
            json!({"data": {"currency": "USD"}}),
        ),
        (
            "/webhook_deliveries/{id}",
            "get",
            200,
            json!({"data": {"attempts": [{"errors": [{"code": "1"}]}]}}),
        ),
        (
            "/audit_events",
            "get",
            200,
            json!({"data": [{"change_made_by": "robot"}]}),
        ),
        (
            "/v2/payment/stored_payment_transactions",
            "post",
            200,
            json!({"data": {"amount_cents": "12000"}}),
        ),
        (
            "/balance",
            "get",
            401,
            json!({"errors": [{"detail": "no code or title"}]}),
        ),
    ];
    for (path, method, status, body) in bad {
        assert!(
            !spec.errors(path, method, status, &body).is_empty(),
            "{path} {status} should reject {body}"
        );
    }
    assert!(spec
        .errors(
            "/detail_records",
            "get",
            200,
            &json!({"data": [{"record_type": "call_control_detail_record", "x": 1}]})
        )
        .is_empty());
}
