//! Columns of tables and CSV files as functions of the SDK's typed models.
//!
//! A [`Col<T>`] is a header and a plain `fn(&T) -> String`: the compiler checks every field a
//! column reads. [`cell`] turns a model field into its cell text the same way for every
//! column (strings and money verbatim, times in RFC 3339 as on the wire, nothing for `None`),
//! and [`cell_or_dash`] shows `-` for nothing in human views. A [`ListSpec<T>`] gathers the
//! table columns, the CSV columns and the noun of a list; it is what `Output::list` and
//! `Ctx::stream_list` take.
//!
//! ```ignore
//! Col::new("STATUS", |d: &WebhookDelivery| cell(&d.status)).status()
//! ```

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use serde::Serialize;
use serde_json::Value;

/// One column: a header and a function of the item.
pub struct Col<T> {
    /// Header text (in CSV: the flattened wire name, e.g. `webhook.event_type`).
    pub header: &'static str,
    get: fn(&T) -> String,
    /// Color the cell as a status word in tables.
    pub status: bool,
}

// Manual impls: a derive would demand `T: Clone`, but only a function pointer is copied.
impl<T> Clone for Col<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Col<T> {}

impl<T> Col<T> {
    /// A column whose text is `get(item)`.
    pub const fn new(header: &'static str, get: fn(&T) -> String) -> Col<T> {
        Col {
            header,
            get,
            status: false,
        }
    }

    /// The same column, colored as a status in tables.
    pub const fn status(mut self) -> Col<T> {
        self.status = true;
        self
    }

    /// This column's text for an item.
    pub fn text(&self, item: &T) -> String {
        (self.get)(item)
    }
}

/// What a list looks like in each format (JSON and JSONL are always the item's wire shape).
pub struct ListSpec<T> {
    /// Columns of the human table.
    pub table: Vec<Col<T>>,
    /// CSV columns; empty = every field of the first item's wire shape, flattened
    /// (`a.b` columns), for items whose fields are not known in advance.
    pub csv: Vec<Col<T>>,
    /// Word for the items in messages ("invoices").
    pub noun: &'static str,
}

/// How a model field reads in a cell.
pub trait CellText {
    /// The cell text; empty for nothing.
    fn cell_text(&self) -> String;
}

/// The cell text of a field: strings and money verbatim (`"0.0040"` stays `0.0040`), numbers
/// and booleans as written, dates as `YYYY-MM-DD`, times as RFC 3339 (`Z` for UTC, as the
/// JSON output writes them), lists of strings joined with `;`, nothing for `None`.
pub fn cell<V: CellText + ?Sized>(value: &V) -> String {
    value.cell_text()
}

/// [`cell`], or `-` when there is nothing to show (human views).
pub fn cell_or_dash<V: CellText + ?Sized>(value: &V) -> String {
    let text = value.cell_text();
    if text.is_empty() {
        "-".to_string()
    } else {
        text
    }
}

/// A nested model as compact JSON, for a CSV cell holding a list of objects.
pub fn json_text<V: Serialize + ?Sized>(value: &V) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl<T: CellText + ?Sized> CellText for &T {
    fn cell_text(&self) -> String {
        (**self).cell_text()
    }
}

impl<T: CellText> CellText for Option<T> {
    fn cell_text(&self) -> String {
        self.as_ref().map(CellText::cell_text).unwrap_or_default()
    }
}

impl CellText for str {
    fn cell_text(&self) -> String {
        self.to_string()
    }
}

impl CellText for DateTime<FixedOffset> {
    fn cell_text(&self) -> String {
        // Exactly chrono's serde form, so a table shows the same text as `--output json`.
        self.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

impl CellText for [String] {
    fn cell_text(&self) -> String {
        self.join(";")
    }
}

impl CellText for Vec<String> {
    fn cell_text(&self) -> String {
        self.join(";")
    }
}

/// Raw JSON (fields the SDK keeps untyped): strings verbatim, null as nothing, strings
/// joined with `;` for a list of strings, compact JSON otherwise.
impl CellText for Value {
    fn cell_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(a) if a.iter().all(Value::is_string) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(";"),
            other => other.to_string(),
        }
    }
}

/// Types whose `Display` is their cell text (for the SDK's enums: the wire value).
macro_rules! display_cell {
    ($($t:ty),+ $(,)?) => {
        $(impl CellText for $t {
            fn cell_text(&self) -> String {
                self.to_string()
            }
        })+
    };
}

display_cell!(
    String,
    bool,
    u16,
    u32,
    u64,
    i64,
    usize,
    NaiveDate,
    telnyx::Money,
    telnyx::WebhookDeliveryStatus,
    telnyx::ChangeMadeBy,
    telnyx::CostType,
    telnyx::RechargePreference,
    telnyx::MessageDirection,
    telnyx::MessageType,
    telnyx::MessageStatus,
    telnyx::AmdFeature,
    telnyx::VerifyChannelType,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_of_model_fields() {
        let t: DateTime<FixedOffset> = "2025-05-01T12:00:00+00:00".parse().unwrap();
        assert_eq!(cell(&Some(t)), "2025-05-01T12:00:00Z");
        let t: DateTime<FixedOffset> = "2025-05-01T12:00:00.250+02:00".parse().unwrap();
        assert_eq!(cell(&t), "2025-05-01T12:00:00.250+02:00");
        assert_eq!(
            cell(&Some(telnyx::Money::parse("0.0040").unwrap())),
            "0.0040"
        );
        assert_eq!(cell(&None::<String>), "");
        assert_eq!(cell_or_dash(&None::<u64>), "-");
        assert_eq!(cell_or_dash(&Some(String::new())), "-");
        assert_eq!(cell(&vec!["x".to_string(), "y".to_string()]), "x;y");
        assert_eq!(cell(&serde_json::json!([75499])), "[75499]");
        assert_eq!(cell(&serde_json::json!(null)), "");
        assert_eq!(cell(&telnyx::WebhookDeliveryStatus::Failed), "failed");
        assert_eq!(
            cell(&telnyx::WebhookDeliveryStatus::Unknown("retrying".into())),
            "retrying"
        );
    }

    #[test]
    fn columns_are_functions_of_the_item() {
        struct Item {
            n: u64,
        }
        let col = Col::new("N", |i: &Item| cell(&i.n)).status();
        assert!(col.status);
        assert_eq!(col.text(&Item { n: 7 }), "7");
    }
}
