//! Strict decoding: what a response holds that this version of the SDK does not model.
//!
//! Normal decoding is lenient by design: unknown fields are ignored and unknown enum values
//! land in an `Unknown(String)` arm, so a new server field or value never breaks a program.
//! [`check`] decodes a JSON value the same way and also reports every such case, each with
//! its JSON path: fields the model does not have, enum values it maps to `Unknown`, and the
//! decode failure if there is one. `telnyx doctor`'s drift check is built on it; use it in
//! your own tests to learn early that the API sends something new.
//!
//! ```
//! use telnyx::strict::{check, FindingKind};
//!
//! let json = serde_json::json!({
//!     "balance": "300.00", "currency": "USD", "record_type": "balance", "new_field": 1
//! });
//! let (balance, findings) = check::<telnyx::Balance>(&json);
//! assert!(balance.is_some());
//! assert_eq!(findings[0].path, "$.new_field");
//! assert!(matches!(findings[0].kind, FindingKind::UnknownField { json_type: "number" }));
//! ```
//!
//! Findings never carry the data's values (only JSON types, enum values and redacted decode
//! messages), so a report can be shared. A detail record whose `record_type` has no schema
//! (kept as raw JSON in [`DetailRecord::Other`](crate::DetailRecord::Other)) is not
//! reported: it is modeled as raw JSON on purpose.

use std::cell::RefCell;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Prefix of the placeholder an unknown enum value is decoded to during [`check`]: it makes
/// the value findable, with its path, in the re-serialized model.
const MARKER: &str = "\u{1}telnyx-strict-unknown:";

/// What strict decoding found on one thread while [`check`] runs.
#[derive(Default)]
struct Log {
    /// `(enum type, wire value)` of each value decoded to `Unknown`.
    unknown: Vec<(&'static str, String)>,
    /// The path inside a buffered sub-value (a detail record) where decoding failed.
    nested_error_path: Option<String>,
}

thread_local! {
    static LOG: RefCell<Option<Log>> = const { RefCell::new(None) };
}

/// Called by the server enums for a value they do not know: during [`check`], the value to
/// keep in `Unknown` instead (a marker); otherwise `None` (the value is kept as is).
pub(crate) fn note_unknown(enum_type: &'static str, value: &str) -> Option<String> {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        let log = log.as_mut()?;
        log.unknown.push((enum_type, value.to_string()));
        Some(format!("{MARKER}{}", log.unknown.len() - 1))
    })
}

/// Called where a sub-value is decoded on its own (a detail record by its `record_type`):
/// during [`check`], remembers the path of the failure inside it.
pub(crate) fn note_nested_error(path: &str) {
    LOG.with(|log| {
        if let Some(log) = log.borrow_mut().as_mut() {
            log.nested_error_path = Some(path.to_string());
        }
    });
}

/// One thing a strict decode found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Where, as a JSON path from the checked value: `$`, `$.field`, `$.items[2].status`.
    pub path: String,
    /// What.
    #[serde(flatten)]
    pub kind: FindingKind,
}

/// What a [`Finding`] is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FindingKind {
    /// A field the model does not have (its value is not kept: only its JSON type).
    UnknownField {
        /// `string`, `number`, `boolean`, `object` or `array`.
        json_type: &'static str,
    },
    /// An enum value the SDK maps to `Unknown`.
    UnknownEnumValue {
        /// The Rust enum, e.g. `InvoiceStatus`.
        enum_type: &'static str,
        /// The value the server sent.
        value: String,
    },
    /// The value does not decode into the model at all (a normal decode fails too).
    DecodeError {
        /// serde's reason, with quoted values redacted.
        message: String,
    },
}

/// Decodes `value` as `T` like the SDK does, and lists what `T` does not model: fields it
/// does not have (non-null ones), enum values it maps to `Unknown`, or why it does not decode
/// (then the model is `None`). The findings are sorted by path.
pub fn check<T: DeserializeOwned + Serialize>(value: &Value) -> (Option<T>, Vec<Finding>) {
    let previous = LOG.with(|log| log.borrow_mut().replace(Log::default()));
    let decoded = serde_path_to_error::deserialize::<_, T>(value);
    let log = LOG
        .with(|log| std::mem::replace(&mut *log.borrow_mut(), previous))
        .unwrap_or_default();
    let mut findings = Vec::new();
    let model = match decoded {
        Err(e) => {
            let mut path = json_path(&e.path().to_string());
            let mut message = e.inner().to_string();
            if let Some(inner) = &log.nested_error_path {
                path = join(&path, &json_path(inner));
                // The nested message repeats the path ("<type> at .<path>: <reason>").
                if let Some((_, reason)) = message.split_once(": ") {
                    message = reason.to_string();
                }
            }
            findings.push(Finding {
                path,
                kind: FindingKind::DecodeError {
                    message: redact(&message),
                },
            });
            None
        }
        Ok(model) => Some(model),
    };
    if let Some(model) = &model {
        match serde_json::to_value(model) {
            Ok(back) => {
                unknown_fields(value, &back, "$", &mut findings);
                markers(&back, "$", &log.unknown, &mut findings);
            }
            Err(e) => findings.push(Finding {
                path: "$".into(),
                kind: FindingKind::DecodeError {
                    message: format!(
                        "the model does not serialize back: {}",
                        redact(&e.to_string())
                    ),
                },
            }),
        }
    }
    findings.sort_by(|a, b| a.path.cmp(&b.path));
    // Decoded with markers in place of unknown values: decode again, leniently, for the caller.
    let model = model.and_then(|_| serde_json::from_value(value.clone()).ok());
    (model, findings)
}

/// serde_path_to_error's path (`.`, `data[0].status`, `?`) as a JSON path.
fn json_path(p: &str) -> String {
    match p.trim_start_matches('.') {
        "" | "?" => "$".into(),
        rest if rest.starts_with('[') => format!("${rest}"),
        rest => format!("$.{rest}"),
    }
}

/// `outer` then `inner` (both JSON paths from `$`).
fn join(outer: &str, inner: &str) -> String {
    format!("{outer}{}", inner.trim_start_matches('$'))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn key_path(path: &str, key: &str) -> String {
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// Non-null members of `wire` that the re-serialized model `back` does not have.
fn unknown_fields(wire: &Value, back: &Value, path: &str, out: &mut Vec<Finding>) {
    match (wire, back) {
        (Value::Object(w), Value::Object(b)) => {
            for (k, v) in w {
                let p = key_path(path, k);
                match b.get(k) {
                    Some(bv) => unknown_fields(v, bv, &p, out),
                    None if !v.is_null() => out.push(Finding {
                        path: p,
                        kind: FindingKind::UnknownField {
                            json_type: json_type(v),
                        },
                    }),
                    None => {}
                }
            }
        }
        (Value::Array(w), Value::Array(b)) => {
            for (i, (v, bv)) in w.iter().zip(b).enumerate() {
                unknown_fields(v, bv, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The unknown enum values, found by their markers in the re-serialized model.
fn markers(back: &Value, path: &str, unknown: &[(&'static str, String)], out: &mut Vec<Finding>) {
    match back {
        Value::String(s) => {
            let found = s
                .strip_prefix(MARKER)
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| unknown.get(i));
            if let Some((enum_type, value)) = found {
                out.push(Finding {
                    path: path.to_string(),
                    kind: FindingKind::UnknownEnumValue {
                        enum_type,
                        value: value.clone(),
                    },
                });
            }
        }
        Value::Object(m) => {
            for (k, v) in m {
                markers(v, &key_path(path, k), unknown, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                markers(v, &format!("{path}[{i}]"), unknown, out);
            }
        }
        _ => {}
    }
}

/// A decode message without the data: quoted and back-ticked values become `…`.
fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c == '"' || c == '`' {
            out.push(c);
            out.push('…');
            for d in chars.by_ref() {
                if d == c {
                    break;
                }
            }
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_known_record_has_no_findings() {
        let v = json!({"balance": "1.00", "currency": "USD", "record_type": "balance", "pending": null});
        let (b, f) = check::<crate::Balance>(&v);
        assert!(b.is_some());
        assert_eq!(f, vec![]);
    }

    #[test]
    fn unknown_fields_enum_values_and_failures_have_paths() {
        let v = json!({
            "id": "d1", "status": "teleported", "extra": {"a": 1},
            "webhook": {"event_type": "message.sent", "new_thing": [1]},
        });
        let (d, f) = check::<crate::WebhookDelivery>(&v);
        let d = d.unwrap();
        assert_eq!(
            d.status,
            Some(crate::WebhookDeliveryStatus::Unknown("teleported".into())),
            "the model the caller gets has the real value, not the marker"
        );
        let paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["$.extra", "$.status", "$.webhook.new_thing"]);
        assert_eq!(
            f[1].kind,
            FindingKind::UnknownEnumValue {
                enum_type: "WebhookDeliveryStatus",
                value: "teleported".into()
            }
        );
        assert_eq!(f[2].kind, FindingKind::UnknownField { json_type: "array" });

        let v = json!({"id": "d1", "status": 42});
        let (d, f) = check::<crate::WebhookDelivery>(&v);
        assert!(d.is_none());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "$.status");
        let FindingKind::DecodeError { message } = &f[0].kind else {
            panic!("{f:?}")
        };
        assert!(!message.contains("42"), "redacted: {message}");
    }

    #[test]
    fn a_detail_record_failure_names_the_field_inside_it() {
        let v = json!({"record_type": "message_detail_record", "id": "m1", "cost": {"no": 1}});
        let (d, f) = check::<crate::DetailRecord>(&v);
        assert!(d.is_none());
        assert_eq!(f[0].path, "$.cost", "{f:?}");
        let v = json!({"record_type": "message_detail_record", "id": "m1", "brand_new": "x"});
        let (_, f) = check::<crate::DetailRecord>(&v);
        assert_eq!(f[0].path, "$.brand_new", "{f:?}");
    }

    #[test]
    fn outside_check_unknown_values_are_kept_verbatim() {
        let s: crate::WebhookDeliveryStatus = serde_json::from_value(json!("teleported")).unwrap();
        assert_eq!(
            s,
            crate::WebhookDeliveryStatus::Unknown("teleported".into())
        );
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("invalid type: string \"secret\", expected `x` at 3"),
            "invalid type: string \"…\", expected `…` at 3"
        );
    }
}
