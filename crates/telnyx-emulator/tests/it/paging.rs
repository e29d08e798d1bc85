//! Pages of sorted and filtered lists equal the same page of a naive computation (full stable
//! sort / filter of the complete list), including deep pages, the last page and past the end.
//!
//! The list handlers select and window instead of sorting and collecting everything; these
//! tests recompute the expected order independently from the default-order listing.

use crate::common;

use std::cmp::Ordering;

use common::{start, Harness};
use rust_decimal::Decimal;
use serde_json::Value;

const K: &str = "KEY_paging";
const MSG: &str = "detail_records?filter%5Brecord_type%5D=messaging";

async fn seed(h: &Harness) {
    let r = h
        .post(
            "",
            "/_emulator/seed",
            &format!(
                r#"{{"api_key":"{K}","detail_records":2000,"detail_record_type":"messaging","webhook_deliveries":700,"audit_events":600}}"#
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|r| {
            r.get("uuid")
                .or_else(|| r.get("id"))
                .and_then(Value::as_str)
                .expect("id")
                .to_string()
        })
        .collect()
}

/// One page: its items and `meta.total_results`.
async fn page(h: &Harness, path: &str, number: u64, size: u64) -> (Vec<Value>, u64) {
    let r = h
        .get(
            K,
            &format!("{path}&page%5Bnumber%5D={number}&page%5Bsize%5D={size}"),
        )
        .await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    let v = r.json();
    assert_eq!(v["meta"]["page_number"], number);
    assert_eq!(v["meta"]["page_size"], size);
    let total = v["meta"]["total_results"].as_u64().expect("total_results");
    assert_eq!(v["meta"]["total_pages"], total.div_ceil(size));
    (v["data"].as_array().cloned().expect("data"), total)
}

/// Checks pages 1, 2, a middle one, the last two and one past the end against `expected`.
async fn check_pages(h: &Harness, path: &str, size: u64, expected: &[Value]) {
    let n = expected.len() as u64;
    let last = n.div_ceil(size).max(1);
    let mut numbers = vec![
        1,
        2,
        last / 2 + 1,
        last.saturating_sub(1).max(1),
        last,
        last + 1,
    ];
    numbers.dedup();
    for number in numbers {
        let (items, total) = page(h, path, number, size).await;
        assert_eq!(total, n, "{path}: total_results");
        let start = ((number - 1) * size).min(n) as usize;
        let end = (number * size).min(n) as usize;
        assert_eq!(
            ids(&items),
            ids(&expected[start..end]),
            "{path}: page {number} of size {size}"
        );
    }
}

fn text<'a>(r: &'a Value, f: &str) -> &'a str {
    r[f].as_str().expect("a string field")
}

fn dec(r: &Value, f: &str) -> Decimal {
    text(r, f).parse().expect("a decimal string")
}

type Cmp = fn(&Value, &Value) -> Ordering;
type Keep = fn(&Value) -> bool;

#[tokio::test]
async fn sorted_and_filtered_detail_record_pages_match_a_full_stable_sort() {
    let h = start().await;
    seed(&h).await;
    let today = chrono::Utc::now().date_naive();
    let newest_first = h.all_pages(K, &format!("{MSG}&page%5Bsize%5D=50")).await;
    assert_eq!(newest_first.len(), 2000);
    check_pages(&h, MSG, 50, &newest_first).await;
    // Stored (and tie) order is oldest first: the default listing reversed.
    let mut stored = newest_first.clone();
    stored.reverse();
    let created = |r: &Value| text(r, "created_at").to_string();
    assert!(stored.windows(2).all(|w| created(&w[0]) <= created(&w[1])));

    let sorts: [(&str, Cmp); 5] = [
        ("-created_at%2Ccld", |a, b| {
            text(b, "created_at")
                .cmp(text(a, "created_at"))
                .then_with(|| text(a, "cld").cmp(text(b, "cld")))
        }),
        ("cld", |a, b| text(a, "cld").cmp(text(b, "cld"))),
        ("direction%2C-parts%2Cstatus", |a, b| {
            text(a, "direction")
                .cmp(text(b, "direction"))
                .then_with(|| b["parts"].as_i64().cmp(&a["parts"].as_i64()))
                .then_with(|| text(a, "status").cmp(text(b, "status")))
        }),
        ("-cost%2Ccarrier", |a, b| {
            dec(b, "cost")
                .cmp(&dec(a, "cost"))
                .then_with(|| text(a, "carrier").cmp(text(b, "carrier")))
        }),
        ("fteu%2C-cli", |a, b| {
            a["fteu"]
                .as_bool()
                .cmp(&b["fteu"].as_bool())
                .then_with(|| text(b, "cli").cmp(text(a, "cli")))
        }),
    ];
    let filters: [(&str, Keep); 3] = [
        ("", |_| true),
        ("&filter%5Bcld%5D%5Bcontains%5D=456", |r| {
            text(r, "cld").contains("456")
        }),
        (
            "&filter%5Bparts%5D%5Bgte%5D=2&filter%5Bdirection%5D=outbound",
            |r| r["parts"].as_i64().unwrap() >= 2 && text(r, "direction") == "outbound",
        ),
    ];
    for (fq, keep) in filters {
        let matching: Vec<Value> = stored.iter().filter(|r| keep(r)).cloned().collect();
        assert!(!matching.is_empty(), "{fq}");
        let mut newest: Vec<Value> = matching.clone();
        newest.reverse();
        check_pages(&h, &format!("{MSG}{fq}"), 7, &newest).await;
        for (sq, cmp) in sorts {
            let mut expected = matching.clone();
            expected.sort_by(cmp); // stable: ties keep stored order
            let path = format!("{MSG}{fq}&sort={sq}");
            check_pages(&h, &path, 50, &expected).await;
            check_pages(&h, &path, 7, &expected).await;
        }
    }

    // `filter[date_range]` (binary-searched on the stored order) with and without a sort.
    let from = (today - chrono::Duration::days(7)).to_string();
    let to = (today + chrono::Duration::days(1)).to_string();
    let in_range: Vec<Value> = stored
        .iter()
        .filter(|r| {
            let c = text(r, "created_at");
            c >= from.as_str() && c < to.as_str()
        })
        .cloned()
        .collect();
    if chrono::Utc::now().date_naive() == today {
        assert!(!in_range.is_empty() && in_range.len() < stored.len());
        let mut newest = in_range.clone();
        newest.reverse();
        let range = format!("{MSG}&filter%5Bdate_range%5D=last_7_days");
        check_pages(&h, &range, 50, &newest).await;
        let mut by_cld = in_range.clone();
        by_cld.sort_by(|a, b| text(b, "cld").cmp(text(a, "cld")));
        check_pages(&h, &format!("{range}&sort=-cld"), 9, &by_cld).await;
    }
}

#[tokio::test]
async fn filtered_webhook_and_audit_pages_match_the_full_list() {
    let h = start().await;
    seed(&h).await;
    let all = h
        .all_pages(K, "webhook_deliveries?page%5Bsize%5D=250")
        .await;
    assert_eq!(all.len(), 700);
    check_pages(&h, "webhook_deliveries?x=1", 250, &all).await;
    check_pages(&h, "webhook_deliveries?x=1", 33, &all).await;
    let cases: [(&str, Keep); 3] = [
        ("filter%5Bstatus%5D%5Beq%5D=failed", |w| {
            w["status"] == "failed"
        }),
        ("filter%5Bevent_type%5D=call.hangup%2Cmessage.sent", |w| {
            let e = &w["webhook"]["event_type"];
            e == "call.hangup" || e == "message.sent"
        }),
        ("filter%5Battempts%5D%5Bcontains%5D=failover", |w| {
            w["attempts"].to_string().contains("failover")
        }),
    ];
    for (q, keep) in cases {
        let expected: Vec<Value> = all.iter().filter(|w| keep(w)).cloned().collect();
        assert!(!expected.is_empty(), "{q}");
        check_pages(&h, &format!("webhook_deliveries?{q}"), 25, &expected).await;
    }
    let id = text(&all[400], "id");
    let one = h.get(K, &format!("webhook_deliveries/{id}")).await.json();
    assert_eq!(one["data"], all[400]);

    let desc = h.all_pages(K, "audit_events?page%5Bsize%5D=250").await;
    assert_eq!(desc.len(), 600);
    let mut asc = desc.clone();
    asc.reverse();
    let mid = text(&asc[200], "created_at").to_string();
    let end = text(&asc[450], "created_at").to_string();
    let window: Vec<Value> = asc
        .iter()
        .filter(|e| {
            let c = text(e, "created_at");
            c >= mid.as_str() && c < end.as_str()
        })
        .cloned()
        .collect();
    assert!(window.len() >= 240);
    let q =
        format!("audit_events?filter%5Bcreated_after%5D={mid}&filter%5Bcreated_before%5D={end}");
    check_pages(&h, &format!("{q}&sort=asc"), 40, &window).await;
    let mut newest = window.clone();
    newest.reverse();
    check_pages(&h, &q, 40, &newest).await;
    check_pages(&h, "audit_events?sort=asc", 250, &asc).await;
}
