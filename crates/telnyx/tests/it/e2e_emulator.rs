//! End to end: every SDK operation over real HTTP against the real emulator
//! (`telnyx_emulator::Emulator`), with the typed models. Proves the SDK decodes everything
//! the emulator sends and the emulator accepts everything the SDK sends.
//!
//! Each test starts its own emulator on 127.0.0.1:0 and uses its own API key (one isolated
//! account per key), so the tests run in parallel; every stream is wrapped in a timeout so a
//! paging bug fails instead of hanging.

use std::collections::HashSet;
use std::future::IntoFuture;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, Utc};
use futures::TryStreamExt;
use serde_json::{json, Value};
use telnyx::{
    AuditEventListParams, AutoRechargePrefUpdate, ChargesBreakdownParams, ChargesSummaryParams,
    Client, DateRange, Decimal, DetailRecord, DetailRecordListParams, ErrorKind, FieldFilter,
    FilterOp, InvoiceAction, InvoiceListParams, InvoiceSort, ListRequest, Money,
    RechargePreference, SortDirection, UserTagListParams, WebhookDeliveryListParams,
    WebhookDeliveryStatus,
};
use telnyx_emulator::{Emulator, EmulatorConfig, SeedRequest};

use crate::common::emulator::{add_fault, client};
use crate::common::next_month;

/// Upper bound for any single await: a hang is a failure.
const LIMIT: Duration = Duration::from_secs(30);

async fn within<F: IntoFuture>(what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(LIMIT, fut.into_future()).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no result within {LIMIT:?} (hung?)"),
    }
}

async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.unwrap()
}

/// `http://127.0.0.1:PORT`, where the control API lives.
fn origin(emu: &Emulator) -> String {
    format!("http://{}", emu.addr())
}

/// Every item of a list, across pages, or the first error.
async fn all<T: serde::de::DeserializeOwned + Send + 'static>(
    what: &str,
    req: ListRequest<T>,
) -> Vec<T> {
    within(what, req.into_stream().try_collect::<Vec<T>>())
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The emulator's request log (`/v2` requests, oldest first).
async fn request_log(emu: &Emulator) -> Vec<Value> {
    let url = format!("{}/_emulator/requests?limit=1000", origin(emu));
    let v = get_json(reqwest::Client::new().get(url)).await;
    v["data"].as_array().unwrap().clone()
}

async fn get_json(req: reqwest::RequestBuilder) -> Value {
    let resp = req.send().await.unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

fn logged<'a>(log: &'a [Value], method: &str, path: &str) -> Vec<&'a Value> {
    log.iter()
        .filter(|e| e["method"] == method && e["path"] == path)
        .collect()
}

fn dec(m: &Option<Money>) -> Decimal {
    m.as_ref().expect("money field present").to_decimal()
}

#[tokio::test]
async fn balance_and_stored_payments_credit_exactly_once() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_payments");

    let before = c.balance().retrieve().await.unwrap();
    assert_eq!(before.currency.as_deref(), Some("USD"));
    assert_eq!(before.record_type.as_deref(), Some("balance"));
    assert_eq!(
        dec(&before.available_credit),
        dec(&before.balance) + dec(&before.credit_limit),
        "available_credit = balance + credit_limit"
    );

    // A keyed payment credits the balance by exactly its amount.
    let tx = c
        .payment()
        .create_stored_payment_transaction("12.34")
        .idempotency_key("e2e-pay-1")
        .await
        .unwrap();
    assert_eq!(tx.amount_cents, Some(1234));
    assert_eq!(tx.amount_currency.as_deref(), Some("USD"));
    assert!(tx.id.as_deref().is_some_and(|id| !id.is_empty()));
    assert!(tx.created_at.is_some());
    let after = c.balance().retrieve().await.unwrap();
    assert_eq!(
        dec(&after.balance),
        dec(&before.balance) + Decimal::new(1234, 2)
    );
    assert_eq!(
        dec(&after.available_credit),
        dec(&before.available_credit) + Decimal::new(1234, 2)
    );

    // The same key and body again: the same transaction, no second credit.
    let replay = c
        .payment()
        .create_stored_payment_transaction("12.34")
        .idempotency_key("e2e-pay-1")
        .await
        .unwrap();
    assert_eq!(replay, tx, "a replay answers the first response");
    let after_replay = c.balance().retrieve().await.unwrap();
    assert_eq!(after_replay.balance, after.balance, "replay did not credit");

    // The same key with another amount: 422, nothing credited.
    let err = c
        .payment()
        .create_stored_payment_transaction("99.00")
        .idempotency_key("e2e-pay-1")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity, "{err}");
    assert_eq!(err.status(), Some(422));
    assert!(!err.is_retryable());
    let detail = &err.errors()[0];
    assert_eq!(detail.code.as_deref(), Some("10015"));
    assert_eq!(detail.title.as_deref(), Some("Idempotency key reused"));
    let shown = err.to_string();
    assert!(
        shown.contains("10015") && shown.contains("Idempotency key reused"),
        "{shown}"
    );
    assert!(err.request_id().is_some(), "emulator sends x-request-id");

    // A keyless payment is credited too, and a bad amount never leaves the SDK.
    c.payment()
        .create_stored_payment_transaction("0.66")
        .await
        .unwrap();
    let bad = c
        .payment()
        .create_stored_payment_transaction("1.5")
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidRequest);
    let end = c.balance().retrieve().await.unwrap();
    assert_eq!(
        dec(&end.balance),
        dec(&before.balance) + Decimal::new(1300, 2)
    );
    let log = request_log(&emu).await;
    assert_eq!(
        logged(&log, "POST", "/v2/payment/stored_payment_transactions").len(),
        4,
        "three accepted/replayed/refused keyed calls + one keyless; the invalid one was not sent"
    );
}

#[tokio::test]
async fn auto_recharge_update_round_trips_and_is_audited() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_autorecharge");
    let prefs = c.payment().auto_recharge_prefs();

    let current = prefs.list().await.unwrap();
    let new_threshold = Money::from_decimal(dec(&current.threshold_amount) + Decimal::new(1725, 2));
    let new_pref = match current.preference {
        Some(RechargePreference::Ach) => RechargePreference::CreditPaypal,
        _ => RechargePreference::Ach,
    };
    let updated = prefs
        .update(
            AutoRechargePrefUpdate::default()
                .threshold_amount(new_threshold.clone())
                .preference(new_pref.clone()),
        )
        .await
        .unwrap();
    assert_eq!(updated.threshold_amount, Some(new_threshold.clone()));
    assert_eq!(updated.preference, Some(new_pref.clone()));
    assert_eq!(
        updated.recharge_amount, current.recharge_amount,
        "untouched"
    );
    assert_eq!(updated.enabled, current.enabled, "untouched");

    let listed = prefs.list().await.unwrap();
    assert_eq!(listed, updated, "list shows the update");

    // The audit log has an event whose changes name exactly those two fields.
    let events = all(
        "audit events",
        c.audit_events()
            .list(AuditEventListParams::default().sort(SortDirection::Desc)),
    )
    .await;
    let event = events
        .iter()
        .find(|e| {
            let fields: HashSet<&str> = e
                .changes
                .iter()
                .flatten()
                .filter_map(|ch| ch.field.as_deref())
                .collect();
            fields == HashSet::from(["threshold_amount", "preference"])
        })
        .unwrap_or_else(|| panic!("no audit event for the update in {events:#?}"));
    let change = |name: &str| {
        event
            .changes
            .iter()
            .flatten()
            .find(|ch| ch.field.as_deref() == Some(name))
            .unwrap()
            .clone()
    };
    assert_eq!(change("threshold_amount").to, json!(new_threshold.as_str()));
    assert_eq!(
        change("threshold_amount").from,
        json!(current.threshold_amount.as_ref().unwrap().as_str())
    );
    assert_eq!(change("preference").to, json!(new_pref.as_str()));
    assert_eq!(event.resource_id, current.id);
    assert!(event.created_at.is_some());

    // An empty update is accepted and changes nothing (and logs no event).
    let same = prefs
        .update(AutoRechargePrefUpdate::default())
        .await
        .unwrap();
    assert_eq!(same, updated);
    let events_after = all(
        "audit events",
        c.audit_events().list(AuditEventListParams::default()),
    )
    .await;
    assert_eq!(events_after.len(), events.len());
}

#[tokio::test]
async fn invoices_stream_retrieve_and_errors() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_invoices");

    let params = InvoiceListParams::default()
        .sort(InvoiceSort::PeriodStart)
        .page_size(2);
    let first = within("first page", c.invoices().list(params.clone()))
        .await
        .unwrap();
    let total = first.total_results().unwrap();
    assert!(
        total >= 3,
        "seeded invoices span several pages of 2: {total}"
    );
    let sequential = all("invoices", c.invoices().list(params.clone())).await;
    let concurrent = all("invoices x4", c.invoices().list(params).concurrency(4)).await;
    assert_eq!(sequential.len() as u64, total);
    assert_eq!(concurrent, sequential, "same items, same order");
    let starts: Vec<NaiveDate> = sequential.iter().map(|i| i.period_start.unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "sorted: {starts:?}");
    let ids: HashSet<_> = sequential.iter().map(|i| i.invoice_id.clone()).collect();
    assert_eq!(ids.len(), sequential.len(), "no duplicates across pages");

    // Default order is newest first; the reverse of the ascending stream.
    let desc = all(
        "invoices desc",
        c.invoices()
            .list(InvoiceListParams::default().sort(InvoiceSort::PeriodStartDesc)),
    )
    .await;
    assert_eq!(desc, sequential.iter().rev().cloned().collect::<Vec<_>>());

    let inv = &sequential[0];
    let id = inv.invoice_id.as_deref().unwrap();
    let plain = c.invoices().retrieve(id, None).await.unwrap();
    assert_eq!(plain.download_url, None);
    let linked = c
        .invoices()
        .retrieve(id, Some(InvoiceAction::Link))
        .await
        .unwrap();
    assert_eq!(linked.invoice_id.as_deref(), Some(id));
    assert_eq!(linked.period_start, inv.period_start);
    assert_eq!(linked.period_end, inv.period_end);
    assert_eq!(linked.file_id, inv.file_id);
    assert_eq!(linked.paid, inv.paid);
    let url = linked.download_url.unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with(".pdf"),
        "{url}"
    );

    let json_action = c
        .invoices()
        .retrieve(id, Some(InvoiceAction::Json))
        .await
        .unwrap();
    assert_eq!(json_action, plain);

    let err = c
        .invoices()
        .retrieve("00000000-0000-4000-8000-000000000000", None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(err.errors()[0].code.as_deref(), Some("10005"));

    let err = c.invoices().retrieve("not-a-uuid", None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest, "{err}");
    assert_eq!(err.errors()[0].code.as_deref(), Some("10006"));
    assert!(err.to_string().contains("10006"), "{err}");
}

#[tokio::test]
async fn invoice_pdf_downloads_from_the_emulator() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_pdf");
    let page = c
        .invoices()
        .list(InvoiceListParams::default().page_size(1))
        .await
        .unwrap();
    let id = page.data[0].invoice_id.clone().unwrap();
    let pdf = within("pdf", c.invoices().download_pdf(&id)).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "{:?}", &pdf[..pdf.len().min(16)]);
    assert!(pdf.len() > 100);

    let err = c
        .invoices()
        .download_pdf("00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

#[tokio::test]
async fn charges_agree_with_invoices() {
    let emu = emulator(EmulatorConfig::default()).await;
    let key = "KEY_e2e_charges";
    let c = client(&emu, key);
    let invoices = all("invoices", c.invoices().list(InvoiceListParams::default())).await;
    assert!(!invoices.is_empty());

    // The emulator's extension field `total` (not in the spec, so not in the SDK model).
    let raw = get_json(
        reqwest::Client::new()
            .get(format!("{}/invoices?page%5Bsize%5D=250", emu.base_url()))
            .bearer_auth(key),
    )
    .await;
    let raw_totals: Vec<(String, Decimal)> = raw["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["invoice_id"].as_str().unwrap().to_owned(),
                i["total"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();

    let mut nonzero = 0;
    for inv in &invoices {
        let start = inv.period_start.unwrap();
        let end = next_month(start);
        assert_eq!(start.day(), 1, "invoices are monthly");
        assert_eq!(inv.period_end.unwrap().succ_opt().unwrap(), end);

        let summary = c
            .charges_summary()
            .retrieve(ChargesSummaryParams::new(start, end))
            .await
            .unwrap();
        assert_eq!((summary.start_date, summary.end_date), (start, end));
        assert_eq!(summary.currency, "USD");
        let t = &summary.total;
        let grand = t.grand_total.to_decimal();
        assert_eq!(
            grand,
            t.new_mrc.to_decimal()
                + t.existing_mrc.to_decimal()
                + t.new_otc.to_decimal()
                + t.other.to_decimal()
                + t.credits.to_decimal()
                + t.ledger_adjustments.to_decimal(),
            "{start}: total parts"
        );
        let adjustments: Decimal = summary
            .summary
            .adjustments
            .iter()
            .map(|a| a.amount.to_decimal())
            .sum();
        assert_eq!(adjustments, t.credits.to_decimal(), "{start}: credits");

        let invoice_id = inv.invoice_id.as_deref().unwrap();
        let raw_total = raw_totals
            .iter()
            .find(|(id, _)| id == invoice_id)
            .map(|(_, t)| *t)
            .unwrap();
        assert_eq!(
            raw_total, grand,
            "{start}: invoice total == summary grand_total"
        );

        let breakdown = c
            .charges_breakdown()
            .retrieve(ChargesBreakdownParams::new(start).end_date(end))
            .await
            .unwrap();
        assert_eq!((breakdown.start_date, breakdown.end_date), (start, end));
        let services: Decimal = breakdown
            .results
            .iter()
            .flat_map(|n| &n.services)
            .map(|s| s.cost.to_decimal())
            .sum();
        // Usage is billed per product (a `simple` summary line each), not per number.
        let usage: Decimal = summary
            .summary
            .lines
            .iter()
            .filter_map(|l| match l {
                telnyx::SummaryLine::Simple(s)
                    if [
                        "messaging",
                        "call-control",
                        "conference-participant",
                        "amd",
                        "verify",
                        "wireless",
                        "media_storage",
                    ]
                    .contains(&s.alias.as_str()) =>
                {
                    Some(s.amount.to_decimal())
                }
                _ => None,
            })
            .sum();
        assert_eq!(
            services + usage + t.credits.to_decimal(),
            grand,
            "{start}: breakdown services + usage lines + credits == grand_total"
        );
        if grand != Decimal::ZERO {
            nonzero += 1;
        }

        let csv = c
            .charges_breakdown()
            .retrieve_csv(ChargesBreakdownParams::new(start).end_date(end))
            .await
            .unwrap();
        let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().unwrap();
        assert!(header.starts_with("tn,"), "{header}");
        let pairs: usize = breakdown.results.iter().map(|n| n.services.len()).sum();
        assert_eq!(
            lines.count(),
            pairs,
            "{start}: one CSV row per (number, service)"
        );
    }
    assert!(nonzero > 0, "some month has charges");
}

#[tokio::test]
async fn detail_records_decode_as_typed_variants_for_every_seeded_type() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_cdr_types");
    type Check = fn(&DetailRecord) -> bool;
    let cases: [(&str, &str, Check); 8] = [
        ("messaging", "message_detail_record", |r| {
            matches!(r, DetailRecord::Message(_))
        }),
        ("call-control", "call_control_detail_record", |r| {
            matches!(r, DetailRecord::Other(_))
        }),
        ("conference", "conference_detail_record", |r| {
            matches!(r, DetailRecord::Conference(_))
        }),
        (
            "conference-participant",
            "conference_participant_detail_record",
            |r| matches!(r, DetailRecord::ConferenceParticipant(_)),
        ),
        ("amd", "amd_detail_record", |r| {
            matches!(r, DetailRecord::Amd(_))
        }),
        ("verify", "verification_detail_record", |r| {
            matches!(r, DetailRecord::Verify(_))
        }),
        ("wireless", "sim_card_usage", |r| {
            matches!(r, DetailRecord::SimCardUsage(_))
        }),
        ("media_storage", "media_storage", |r| {
            matches!(r, DetailRecord::MediaStorage(_))
        }),
    ];
    for (filter, wire, is_variant) in cases {
        let params = DetailRecordListParams::new(filter).page_size(15);
        let first = c.detail_records().list(params.clone()).await.unwrap();
        let total = first.total_results().unwrap();
        assert!(total > 15, "{filter}: several pages seeded ({total})");
        let records = all(filter, c.detail_records().list(params).concurrency(3)).await;
        assert_eq!(
            records.len() as u64,
            total,
            "{filter}: stream = total_results"
        );
        for r in &records {
            assert!(is_variant(r), "{filter}: wrong variant {r:?}");
            assert_eq!(r.record_type(), Some(wire), "{filter}");
        }
        assert_eq!(&records[..first.data.len()], &first.data[..]);
    }
    // Typed fields came through, e.g. money and enums of a message record.
    let msgs = c
        .detail_records()
        .list(DetailRecordListParams::new("messaging"))
        .await
        .unwrap();
    let DetailRecord::Message(m) = &msgs.data[0] else {
        panic!("not a message record")
    };
    assert!(m.cost.is_some() && m.created_at.is_some() && m.direction.is_some());
}

#[tokio::test]
async fn detail_record_filters_sort_and_paging() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_cdr_filters");
    let message = |r: &DetailRecord| match r {
        DetailRecord::Message(m) => m.clone(),
        other => panic!("not a message: {other:?}"),
    };

    let everything = all(
        "messaging",
        c.detail_records()
            .list(DetailRecordListParams::new("messaging").page_size(50)),
    )
    .await;

    // sort=-created_at: descending across every page.
    let sorted: Vec<_> = all(
        "sorted",
        c.detail_records().list(
            DetailRecordListParams::new("messaging")
                .sort(["-created_at"])
                .page_size(7),
        ),
    )
    .await
    .iter()
    .map(message)
    .collect();
    assert_eq!(sorted.len(), everything.len());
    let times: Vec<_> = sorted.iter().map(|m| m.created_at.unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "descending: {times:?}"
    );
    assert!(times.first() > times.last(), "not all equal");

    // date_range last_7_days: [today - 7, tomorrow), UTC.
    let today = Utc::now().date_naive();
    let lo = (today - chrono::Duration::days(7))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let hi = (today + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let recent: Vec<_> = all(
        "last 7 days",
        c.detail_records().list(
            DetailRecordListParams::new("messaging")
                .date_range(DateRange::LastNDays(7))
                .page_size(5),
        ),
    )
    .await
    .iter()
    .map(message)
    .collect();
    let expected = everything
        .iter()
        .map(message)
        .filter(|m| (lo..hi).contains(&m.created_at.unwrap().to_utc()))
        .count();
    assert_eq!(recent.len(), expected, "same records as filtering locally");
    assert!(
        expected > 0 && expected < everything.len(),
        "a real filter ({expected})"
    );
    for m in &recent {
        let t = m.created_at.unwrap().to_utc();
        assert!(lo <= t && t < hi, "{t} outside [{lo}, {hi})");
    }

    // cld contains: a substring of one record's number.
    let cld = message(&everything[0]).cld.unwrap();
    let needle = &cld[cld.len() - 4..];
    let matching: Vec<_> = all(
        "cld contains",
        c.detail_records().list(
            DetailRecordListParams::new("messaging").filter(FieldFilter::new(
                "cld",
                Some(FilterOp::Contains),
                needle,
            )),
        ),
    )
    .await
    .iter()
    .map(message)
    .collect();
    let expected: Vec<_> = everything
        .iter()
        .map(message)
        .filter(|m| m.cld.as_deref().is_some_and(|v| v.contains(needle)))
        .collect();
    assert!(!matching.is_empty());
    assert_eq!(matching, expected, "server filter == local filter");
    // The same filter through the parser the CLI uses.
    let parsed = all(
        "cld parsed",
        c.detail_records().list(
            DetailRecordListParams::new("messaging")
                .filter(FieldFilter::parse(&format!("cld[contains]={needle}")).unwrap()),
        ),
    )
    .await;
    assert_eq!(parsed.len(), matching.len());
}

#[tokio::test]
async fn webhook_deliveries_filter_and_retrieve() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_webhooks");
    let every = all(
        "deliveries",
        c.webhook_deliveries()
            .list(WebhookDeliveryListParams::default().page_size(9)),
    )
    .await;
    let params = WebhookDeliveryListParams::default()
        .status(WebhookDeliveryStatus::Failed)
        .page_size(4);
    let first = c.webhook_deliveries().list(params.clone()).await.unwrap();
    let failed = all("failed", c.webhook_deliveries().list(params)).await;
    assert_eq!(failed.len() as u64, first.total_results().unwrap());
    assert!(
        !failed.is_empty() && failed.len() < every.len(),
        "a real filter"
    );
    assert!(failed
        .iter()
        .all(|d| d.status == Some(WebhookDeliveryStatus::Failed)));
    let expected = every
        .iter()
        .filter(|d| d.status == Some(WebhookDeliveryStatus::Failed))
        .count();
    assert_eq!(failed.len(), expected);

    for d in [&failed[0], every.last().unwrap()] {
        let id = d.id.as_deref().unwrap();
        let one = c.webhook_deliveries().retrieve(id).await.unwrap();
        assert_eq!(&one, d, "retrieve == list item");
    }
    assert!(!failed[0].attempts.is_empty());

    let err = c
        .webhook_deliveries()
        .retrieve("00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
}

#[tokio::test]
async fn user_tags_starts_with() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_tags");
    let every = c
        .user_tags()
        .list(UserTagListParams::default())
        .await
        .unwrap();
    assert!(!every.number_tags.is_empty() && !every.outbound_profile_tags.is_empty());
    let tag = &every.outbound_profile_tags[0];
    let prefix: String = tag.chars().take(3).collect();
    let some = c
        .user_tags()
        .list(UserTagListParams::default().starts_with(prefix.to_uppercase()))
        .await
        .unwrap();
    let keep = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|t| t.to_lowercase().starts_with(&prefix.to_lowercase()))
            .cloned()
            .collect()
    };
    assert!(some.outbound_profile_tags.contains(tag));
    assert_eq!(
        some.outbound_profile_tags,
        keep(&every.outbound_profile_tags)
    );
    assert_eq!(some.number_tags, keep(&every.number_tags));
    assert!(
        some.outbound_profile_tags.len() + some.number_tags.len()
            < every.outbound_profile_tags.len() + every.number_tags.len(),
        "a real filter"
    );
}

#[tokio::test]
async fn audit_events_sort_directions_are_reversed() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_audit");
    let asc = all(
        "asc",
        c.audit_events().list(
            AuditEventListParams::default()
                .sort(SortDirection::Asc)
                .page_size(6),
        ),
    )
    .await;
    let desc = all(
        "desc",
        c.audit_events().list(
            AuditEventListParams::default()
                .sort(SortDirection::Desc)
                .page_size(6)
                .clone(),
        ),
    )
    .await;
    assert!(asc.len() > 6, "several pages: {}", asc.len());
    let times: Vec<_> = asc.iter().map(|e| e.created_at.unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "ascending");
    let ids = |v: &[telnyx::AuditEvent]| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
    let mut reversed = ids(&desc);
    reversed.reverse();
    assert_eq!(ids(&asc), reversed);

    // created_after narrows to a suffix of the ascending list.
    let cut = asc[asc.len() / 2].created_at.unwrap().to_utc();
    let after = all(
        "after",
        c.audit_events().list(
            AuditEventListParams::default()
                .created_after(cut)
                .sort(SortDirection::Asc),
        ),
    )
    .await;
    assert!(!after.is_empty() && after.len() < asc.len());
    assert!(after.iter().all(|e| e.created_at.unwrap().to_utc() >= cut));
}

#[tokio::test]
async fn rate_limit_is_a_typed_error_with_headers() {
    let emu = emulator(EmulatorConfig {
        rate_limit: Some(2),
        ..EmulatorConfig::default()
    })
    .await;
    let c = Client::builder()
        .api_key("KEY_e2e_ratelimit")
        .base_url(emu.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    // A fixed 1 s window: the third call in a window is refused. If a window boundary falls
    // between the calls, the counting restarts; at most one restart fits in 5 quick calls.
    let mut failure = None;
    for n in 1..=5 {
        match c.balance().retrieve().await {
            Ok(_) => continue,
            Err(e) => {
                failure = Some((n, e));
                break;
            }
        }
    }
    let (n, err) = failure.expect("no 429 in 5 calls with a limit of 2/s");
    assert!(n >= 3, "refused call {n}: the first two are allowed");
    assert_eq!(err.kind(), ErrorKind::RateLimit, "{err}");
    assert_eq!(err.status(), Some(429));
    assert!(err.is_retryable());
    let wait = err.retry_after().expect("Retry-After");
    assert!(wait <= Duration::from_secs(1), "{wait:?}");
    let rl = err.rate_limit().expect("x-ratelimit-* headers");
    assert_eq!(rl.limit, Some(2));
    assert_eq!(rl.remaining, Some(0));
    assert_eq!(err.errors()[0].code.as_deref(), Some("10011"));

    // Another key has its own budget.
    let other = Client::builder()
        .api_key("KEY_e2e_ratelimit_other")
        .base_url(emu.base_url())
        .max_retries(0)
        .build()
        .unwrap();
    other.balance().retrieve().await.unwrap();
}

#[tokio::test]
async fn injected_503s_on_a_get_are_retried() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_fault_get");
    add_fault(
        &emu,
        json!({"method": "GET", "path_prefix": "/v2/balance", "status": 503, "times": 2}),
    )
    .await;
    let balance = within("balance", c.balance().retrieve()).await.unwrap();
    assert!(balance.balance.is_some());
    let log = request_log(&emu).await;
    let statuses: Vec<_> = logged(&log, "GET", "/v2/balance")
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [503, 503, 200]);

    // With retries off the fault surfaces as a typed error.
    add_fault(
        &emu,
        json!({"method": "GET", "path_prefix": "/v2/balance", "status": 503, "times": 1}),
    )
    .await;
    let err = c.balance().retrieve().max_retries(0).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer, "{err}");
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn injected_500_on_a_payment_is_retried_only_with_a_key() {
    let emu = emulator(EmulatorConfig::default()).await;
    let c = client(&emu, "KEY_e2e_fault_pay");
    let path = "/v2/payment/stored_payment_transactions";
    let start = dec(&c.balance().retrieve().await.unwrap().balance);

    // No key: one attempt only, whatever max_retries says.
    add_fault(
        &emu,
        json!({"method": "POST", "path_prefix": path, "status": 500, "times": 1}),
    )
    .await;
    let err = c
        .payment()
        .create_stored_payment_transaction("5.00")
        .max_retries(3)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer, "{err}");
    let log = request_log(&emu).await;
    assert_eq!(
        logged(&log, "POST", path).len(),
        1,
        "no retry, no double charge"
    );
    assert_eq!(
        dec(&c.balance().retrieve().await.unwrap().balance),
        start,
        "the faulted request never reached the handler"
    );

    // With a key: retried (same key every attempt) and credited exactly once.
    add_fault(
        &emu,
        json!({"method": "POST", "path_prefix": path, "status": 500, "times": 1}),
    )
    .await;
    let tx = c
        .payment()
        .create_stored_payment_transaction("5.00")
        .idempotency_key("e2e-fault-key")
        .await
        .unwrap();
    assert_eq!(tx.amount_cents, Some(500));
    let log = request_log(&emu).await;
    let posts = logged(&log, "POST", path);
    assert_eq!(posts.len(), 3, "1 unkeyed + 2 keyed attempts");
    let keyed: Vec<_> = posts[1..]
        .iter()
        .map(|e| (e["status"].as_u64().unwrap(), e["idempotency_key"].clone()))
        .collect();
    assert_eq!(
        keyed,
        [(500, json!("e2e-fault-key")), (200, json!("e2e-fault-key"))]
    );
    assert_eq!(
        dec(&c.balance().retrieve().await.unwrap().balance),
        start + Decimal::new(500, 2)
    );
}

#[tokio::test]
async fn streaming_an_empty_list_terminates() {
    let emu = emulator(EmulatorConfig::default()).await;
    let key = "KEY_e2e_empty";
    emu.seed_account(
        key,
        SeedRequest {
            webhook_deliveries: Some(0),
            audit_events: Some(0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let c = client(&emu, key);
    let none = all(
        "empty deliveries",
        c.webhook_deliveries()
            .list(WebhookDeliveryListParams::default())
            .concurrency(4),
    )
    .await;
    assert!(none.is_empty());
    let page = c
        .webhook_deliveries()
        .list(WebhookDeliveryListParams::default())
        .await
        .unwrap();
    assert_eq!(page.total_results(), Some(0));
    assert!(!page.has_next_page());
    let none = all(
        "empty audit events",
        c.audit_events().list(AuditEventListParams::default()),
    )
    .await;
    assert!(none.is_empty());
    // A filter that matches nothing, on a seeded type.
    let none = all(
        "no match",
        c.detail_records().list(
            DetailRecordListParams::new("messaging").filter(FieldFilter::new(
                "cld",
                Some(FilterOp::Contains),
                "no-such-number",
            )),
        ),
    )
    .await;
    assert!(none.is_empty());
    // Paging past the end is an empty page, not a loop.
    let past = c
        .invoices()
        .list(InvoiceListParams::default().page_number(9999))
        .await
        .unwrap();
    assert!(past.data.is_empty());
    assert!(!past.has_next_page());
}
