//! An account's webhooks, without I/O: which URLs may receive them ([`endpoint`]), what events
//! an advance emits and their payloads ([`events`]), and how an attempt becomes part of the
//! delivery recorded in `GET /webhook_deliveries` ([`attempts`]). The sending is
//! `crate::delivery`.

pub(crate) mod attempts;
pub(crate) mod endpoint;
pub(crate) mod events;

pub use self::attempts::{
    delivery_object, record, redelivery, with_attempt, Attempt, AttemptError, AttemptResponse,
    MAX_RECORDED_BYTES,
};
pub use self::endpoint::{attempt_url, check_endpoint, derived_signing_seed, endpoint_json};
pub use self::events::{body, emissions, event_data, new_event, record_payload, Emission};

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use serde_json::{json, Value};

    use super::attempts::*;
    use super::endpoint::*;
    use super::events::*;
    use crate::domain::clock;
    use crate::model::Endpoint;
    use crate::util::ts_ms;

    #[test]
    fn urls_are_loopback_only_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8787/hook",
            "http://127.9.0.1/",
            "http://localhost:3000/x",
            "https://LOCALHOST/",
            "http://[::1]:9000/w",
        ] {
            assert!(check_url("url", ok, &[]).is_ok(), "{ok}");
        }
        for (bad, rule) in [
            (
                "https://hooks.example.invalid/x",
                "--allow-webhook-host hooks.example.invalid",
            ),
            ("http://10.0.0.1/", "loopback"),
            ("http://[::2]/", "loopback"),
            ("ftp://127.0.0.1/", "http or https"),
            ("http://user:pw@127.0.0.1/", "credentials"),
            ("127.0.0.1:8787", "not an absolute URL"),
        ] {
            let e = check_url("url", bad, &[])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.contains(rule), "{bad}: {e}");
        }
        let allow = vec!["Hooks.Example.Invalid".to_string()];
        assert!(check_url("url", "https://hooks.example.invalid/x", &allow).is_ok());
        assert!(check_url("url", "https://other.example.invalid/x", &allow).is_err());
    }

    #[test]
    fn attempts_alternate_with_a_failover() {
        let e = Endpoint {
            url: "http://127.0.0.1/a".into(),
            failover_url: Some("http://127.0.0.1/b".into()),
        };
        let urls: Vec<&str> = (1..=3).map(|n| attempt_url(&e, n)).collect();
        assert_eq!(
            urls,
            [
                "http://127.0.0.1/a",
                "http://127.0.0.1/b",
                "http://127.0.0.1/a"
            ]
        );
        let solo = Endpoint {
            failover_url: None,
            ..e
        };
        assert_eq!(attempt_url(&solo, 2), "http://127.0.0.1/a");
    }

    #[test]
    fn event_type_names() {
        assert!(valid_event_type("message.finalized"));
        assert!(valid_event_type("number_order.status_update"));
        for bad in ["message", "Message.sent", "a..b", ".a", "a.b c", ""] {
            assert!(!valid_event_type(bad), "{bad}");
        }
    }

    #[test]
    fn keys_differ_per_account_and_seed() {
        assert_eq!(
            derived_signing_seed(1, "abc"),
            derived_signing_seed(1, "abc")
        );
        assert_ne!(
            derived_signing_seed(1, "abc"),
            derived_signing_seed(2, "abc")
        );
        assert_ne!(
            derived_signing_seed(1, "abc"),
            derived_signing_seed(1, "abd")
        );
    }

    #[test]
    fn an_advance_emits_message_and_call_events_from_its_records_in_time_order() {
        let mut d = crate::seed::test_account();
        let to = d.now + Duration::days(2);
        let out = clock::advance(&mut d, to);
        let em = emissions(&d, &out.events);
        assert!(em.windows(2).all(|w| w[0].at <= w[1].at));
        let count = |t: &str| em.iter().filter(|e| e.event_type == t).count();
        assert!(count("message.sent") > 0 && count("message.sent") == count("message.finalized"));
        assert!(count("call.initiated") > 0);
        assert_eq!(count("call.initiated"), count("call.hangup"));
        // A finalized message carries its record's id and cost.
        let fin = em
            .iter()
            .find(|e| e.event_type == "message.finalized")
            .copied();
        let fin = fin.unwrap_or_else(|| panic!("no message.finalized"));
        let p = record_payload(&d, &fin);
        assert_eq!(p["id"], json_of(&d, fin.ty, fin.row, "uuid"));
        assert_eq!(p["cost"]["amount"], json_of(&d, fin.ty, fin.row, "cost"));
        assert_eq!(
            p["to"][0]["phone_number"],
            json_of(&d, fin.ty, fin.row, "cld")
        );
    }

    #[test]
    fn a_delivery_grows_newest_attempt_first_and_takes_its_status() {
        let mut d = crate::seed::test_account();
        let before = d.webhooks.len();
        let t0 = d.now;
        let data = event_data("ev1", "message.sent", t0, json!({}));
        let attempt = |n: i64, error: Option<AttemptError>| Attempt {
            started_at: t0 + Duration::seconds(n),
            finished_at: t0 + Duration::seconds(n) + Duration::milliseconds(5),
            url: "http://127.0.0.1/a".into(),
            request_headers: vec![("telnyx-timestamp".into(), "1".into())],
            response: Some(AttemptResponse {
                status: if error.is_some() { 500 } else { 200 },
                headers: vec![],
                body: "x".into(),
            }),
            error,
        };
        let id = "00000000-0000-4000-8000-00000000abcd";
        let v = with_attempt(
            &d,
            id,
            &data,
            Some(&attempt(0, Some(AttemptError::Status))),
            t0,
        );
        record(&mut d, &v);
        assert_eq!(d.webhook(id).map(|w| w.status), Some("failed"));
        let v = with_attempt(&d, id, &data, Some(&attempt(1, None)), t0);
        record(&mut d, &v);
        let w = d
            .webhook(id)
            .map(|w| w.json().to_string())
            .unwrap_or_default();
        let w: Value = serde_json::from_str(&w).unwrap_or_default();
        assert_eq!(w["status"], "delivered");
        assert_eq!(w["attempts"].as_array().map(Vec::len), Some(2));
        assert_eq!(w["attempts"][0]["status"], "delivered");
        assert_eq!(w["attempts"][1]["errors"], json!([ERROR_STATUS]));
        assert_eq!(w["started_at"], ts_ms(t0));
        assert_eq!(d.webhook.live.len(), 1);
        assert_eq!(d.webhooks.len(), before);
        // Newest first in the list, ahead of the seeded deliveries.
        let page = crate::domain::Page { number: 1, size: 2 };
        let (total, items) = crate::domain::webhook_deliveries::list(&d, &Default::default(), page);
        assert_eq!(total, before + 1);
        assert_eq!(items[0].id, id);
        assert_eq!(items[1].id, d.webhooks[0].id);
    }
}
