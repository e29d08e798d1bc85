//! The dataset's rows: one typed row per detail record, its columns fixed per record type.
//!
//! Every file starts with four common columns, the same for every record type: `id` (the
//! record's id, `uuid` for messaging), `usage_at` (UTC timestamp: `created_at`, or the type's
//! own time field), `cost` (`DECIMAL(38,12)`: `cost`, verify `verify_usage_fee`, SIM card
//! `data_cost`) and `currency`. Then the type's own fields, named as in the API: typed record
//! types get the SDK model's fields; the others (call control, fax, ...) get the fields of the
//! first record seen (kinds inferred from its values, kept in the checkpoint so every file of
//! a type has the same columns) plus `raw_json`, the whole record.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use telnyx::DetailRecord;

/// Decimal columns: `DECIMAL(PRECISION, SCALE)`.
pub const PRECISION: u32 = 38;
/// Fractional digits kept by every decimal column (the API's money has 4 to 6).
pub const SCALE: u32 = 12;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// UTF-8 text (enums too).
    Str,
    /// 64-bit integer.
    Int,
    /// Boolean.
    Bool,
    /// UTC timestamp, microseconds.
    Time,
    /// Exact decimal, `DECIMAL(38,12)`.
    Dec,
    /// A JSON array or object, as compact JSON text.
    Json,
}

/// One column: its name and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Name, as the API names the field.
    pub name: String,
    /// Type.
    pub kind: Kind,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Absent.
    Null,
    /// Text.
    Str(String),
    /// Integer.
    Int(i64),
    /// Boolean.
    Bool(bool),
    /// Timestamp.
    Time(DateTime<Utc>),
    /// Exact decimal, as the API wrote it.
    Dec(Decimal),
}

impl Cell {
    /// The text form used by CSV and reports (decimals as written, times RFC 3339 UTC).
    pub fn text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Str(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::Time(t) => time_text(*t),
            Cell::Dec(d) => d.to_string(),
        }
    }

    /// The JSON form used by JSONL files (decimals as strings, never floats).
    pub fn json(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Int(i) => Value::from(*i),
            Cell::Bool(b) => Value::Bool(*b),
            other => Value::String(other.text()),
        }
    }
}

/// RFC 3339 UTC with `Z`, microseconds only when present.
pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The field a record type is dated by on the server (filters and order), and that
/// [`DetailRecord::created_at`] reads.
pub fn time_field(record_type: &str) -> &'static str {
    match record_type {
        "call-control" | "conference" => "started_at",
        "conference-participant" => "joined_at",
        "amd" => "invoked_at",
        _ => "created_at",
    }
}

/// The common columns every file starts with.
pub fn common_columns() -> Vec<Column> {
    [
        ("id", Kind::Str),
        ("usage_at", Kind::Time),
        ("cost", Kind::Dec),
        ("currency", Kind::Str),
    ]
    .iter()
    .map(|(n, k)| Column {
        name: (*n).to_string(),
        kind: *k,
    })
    .collect()
}

/// Fields never repeated after the common columns (`record_type` and `date` are the Hive
/// partition columns: the path holds them).
const SKIP: &[&str] = &["id", "cost", "currency", "record_type", "date"];

/// Kind of a field of the SDK's typed records (all others are text).
fn typed_kind(name: &str) -> Kind {
    match name {
        n if n.ends_with("_at") => Kind::Time,
        "cost" | "rate" | "carrier_fee" | "verify_usage_fee" | "data_cost" | "data_rate"
        | "downlink_data" | "uplink_data" => Kind::Dec,
        "parts" | "call_sec" | "billed_sec" | "participant_call_sec" | "participant_count" => {
            Kind::Int
        }
        "fteu" | "on_net" | "is_telnyx_billable" => Kind::Bool,
        "errors" => Kind::Json,
        _ => Kind::Str,
    }
}

/// An empty typed record of a wire `record_type` that has an SDK model.
fn empty_typed(wire: &str) -> Option<DetailRecord> {
    let r: DetailRecord =
        serde_json::from_value(serde_json::json!({ "record_type": wire })).ok()?;
    (!matches!(r, DetailRecord::Other(_))).then_some(r)
}

/// The columns of files holding records like `first`: fixed for the SDK's typed records
/// (their model's fields), inferred from `first`'s values otherwise (plus `raw_json`).
pub fn columns_for(first: &DetailRecord) -> Vec<Column> {
    let mut cols = common_columns();
    let typed = first.record_type().and_then(empty_typed);
    let fields: Vec<(String, Kind)> = match (&typed, first) {
        (Some(empty), _) => match serde_json::to_value(empty) {
            Ok(Value::Object(m)) => m.keys().map(|k| (k.clone(), typed_kind(k))).collect(),
            _ => Vec::new(),
        },
        (None, DetailRecord::Other(Value::Object(m))) => {
            m.iter().map(|(k, v)| (k.clone(), infer_kind(v))).collect()
        }
        (None, _) => Vec::new(),
    };
    for (name, kind) in fields {
        if !SKIP.contains(&name.as_str()) {
            cols.push(Column { name, kind });
        }
    }
    if typed.is_none() {
        cols.push(Column {
            name: "raw_json".into(),
            kind: Kind::Json,
        });
    }
    cols
}

/// The kind of a raw field from one value of it.
fn infer_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_i64() => Kind::Int,
        Value::Number(_) => Kind::Dec,
        Value::String(s) if parse_time(s).is_some() && s.len() >= 20 => Kind::Time,
        Value::String(s) if looks_decimal(s) => Kind::Dec,
        Value::Array(_) | Value::Object(_) => Kind::Json,
        _ => Kind::Str,
    }
}

fn looks_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    match digits.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Parses an RFC 3339 date-time into UTC.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A decimal that fits `DECIMAL(38,12)` exactly, or why not.
pub fn exact_decimal(text: &str) -> Result<Decimal, String> {
    let d: Decimal = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a decimal number"))?;
    if d.scale() > SCALE && d.normalize().scale() > SCALE {
        return Err(format!(
            "{text:?} has more than {SCALE} decimal places: DECIMAL({PRECISION},{SCALE}) cannot hold it exactly"
        ));
    }
    Ok(d)
}

fn cell_of(v: &Value, kind: Kind, strict: bool, name: &str) -> Result<Cell, String> {
    let bad = || format!("field {name}: {v} is not a {kind:?} value");
    Ok(match (kind, v) {
        (_, Value::Null) => Cell::Null,
        (Kind::Str, Value::String(s)) => Cell::Str(s.clone()),
        (Kind::Str, other) => Cell::Str(other.to_string()),
        (Kind::Json, other) => Cell::Str(other.to_string()),
        (Kind::Int, Value::Number(n)) if n.is_i64() => Cell::Int(n.as_i64().unwrap_or(0)),
        (Kind::Bool, Value::Bool(b)) => Cell::Bool(*b),
        (Kind::Time, Value::String(s)) => match parse_time(s) {
            Some(t) => Cell::Time(t),
            None if strict => return Err(bad()),
            None => Cell::Null,
        },
        (Kind::Dec, Value::String(s)) => match exact_decimal(s) {
            Ok(d) => Cell::Dec(d),
            Err(e) if strict => return Err(format!("field {name}: {e}")),
            Err(_) => Cell::Null,
        },
        (Kind::Dec, Value::Number(n)) => match exact_decimal(&n.to_string()) {
            Ok(d) => Cell::Dec(d),
            Err(e) if strict => return Err(format!("field {name}: {e}")),
            Err(_) => Cell::Null,
        },
        _ if strict => return Err(bad()),
        _ => Cell::Null,
    })
}

/// The row of `record` under `columns`. Typed records must convert exactly (an error names
/// the field); a raw record's value that does not fit its column's kind is left null there
/// (its `raw_json` keeps it).
pub fn row_of(record: &DetailRecord, columns: &[Column]) -> Result<Vec<Cell>, String> {
    let typed = !matches!(record, DetailRecord::Other(_));
    let wire = serde_json::to_value(record).map_err(|e| format!("encoding a record: {e}"))?;
    let mut row = Vec::with_capacity(columns.len());
    for c in columns {
        let cell = match c.name.as_str() {
            "id" => record.id().map_or(Cell::Null, |s| Cell::Str(s.to_string())),
            "usage_at" => record
                .created_at()
                .map_or(Cell::Null, |t| Cell::Time(t.with_timezone(&Utc))),
            "cost" => match record.cost() {
                Some(m) => Cell::Dec(exact_decimal(m.as_str()).map_err(|e| format!("cost: {e}"))?),
                None => Cell::Null,
            },
            "currency" => record
                .currency()
                .map_or(Cell::Null, |s| Cell::Str(s.to_string())),
            "raw_json" if !typed => Cell::Str(wire.to_string()),
            name => cell_of(wire.get(name).unwrap_or(&Value::Null), c.kind, typed, name)?,
        };
        row.push(cell);
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(v: Value) -> DetailRecord {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn typed_columns_are_the_model_fields_with_their_kinds() {
        let m = record(serde_json::json!({"record_type": "message_detail_record"}));
        let cols = columns_for(&m);
        let kind = |n: &str| cols.iter().find(|c| c.name == n).map(|c| c.kind);
        assert_eq!(&cols[..4], &common_columns()[..]);
        assert_eq!(kind("parts"), Some(Kind::Int));
        assert_eq!(kind("rate"), Some(Kind::Dec));
        assert_eq!(kind("sent_at"), Some(Kind::Time));
        assert_eq!(kind("direction"), Some(Kind::Str));
        assert_eq!(kind("uuid"), Some(Kind::Str));
        assert_eq!(kind("record_type"), None);
        assert_eq!(kind("raw_json"), None);
        // Every non-common field of every typed model is a column.
        for wire in [
            "message_detail_record",
            "conference_detail_record",
            "conference_participant_detail_record",
            "amd_detail_record",
            "verification_detail_record",
            "sim_card_usage",
            "media_storage",
        ] {
            let r = empty_typed(wire).unwrap();
            let cols = columns_for(&r);
            let Value::Object(m) = serde_json::to_value(&r).unwrap() else {
                panic!()
            };
            for k in m.keys().filter(|k| !SKIP.contains(&k.as_str())) {
                assert!(cols.iter().any(|c| &c.name == k), "{wire}: {k} missing");
            }
        }
    }

    #[test]
    fn rows_keep_exact_decimals_and_utc_times() {
        let m = record(serde_json::json!({"record_type": "message_detail_record",
            "uuid": "u", "created_at": "2026-11-02T10:00:00+02:00", "cost": "0.0080",
            "currency": "USD", "parts": 2, "errors": ["40008"]}));
        let cols = columns_for(&m);
        let row = row_of(&m, &cols).unwrap();
        let get = |n: &str| row[cols.iter().position(|c| c.name == n).unwrap()].clone();
        assert_eq!(get("id"), Cell::Str("u".into()));
        assert_eq!(get("usage_at").text(), "2026-11-02T08:00:00Z");
        assert_eq!(get("cost").text(), "0.0080");
        assert_eq!(get("parts"), Cell::Int(2));
        assert_eq!(get("errors"), Cell::Str("[\"40008\"]".into()));
        let too_fine = record(serde_json::json!({"record_type": "message_detail_record",
            "cost": "0.0000000000001"}));
        assert!(row_of(&too_fine, &cols)
            .unwrap_err()
            .contains("decimal places"));
    }

    #[test]
    fn raw_records_get_inferred_columns_and_raw_json() {
        let cc = record(
            serde_json::json!({"record_type": "call_control_detail_record",
            "id": "c", "started_at": "2026-11-02T10:00:00Z", "call_sec": 61, "cost": "0.0140",
            "rate": "0.0070", "is_telnyx_billable": true, "cli": "+1312"}),
        );
        let cols = columns_for(&cc);
        let kind = |n: &str| cols.iter().find(|c| c.name == n).map(|c| c.kind);
        assert_eq!(kind("started_at"), Some(Kind::Time));
        assert_eq!(kind("call_sec"), Some(Kind::Int));
        assert_eq!(kind("rate"), Some(Kind::Dec));
        assert_eq!(kind("is_telnyx_billable"), Some(Kind::Bool));
        assert_eq!(kind("cli"), Some(Kind::Str));
        assert_eq!(kind("raw_json"), Some(Kind::Json));
        // A later record with a value of another kind: null in that column, kept in raw_json.
        let odd = record(
            serde_json::json!({"record_type": "call_control_detail_record",
            "id": "d", "call_sec": "sixty"}),
        );
        let row = row_of(&odd, &cols).unwrap();
        let at = cols.iter().position(|c| c.name == "call_sec").unwrap();
        assert_eq!(row[at], Cell::Null);
        assert!(row.last().unwrap().text().contains("sixty"));
    }
}
