//! Output formats: aligned tables, pretty JSON, JSON lines and CSV.
//!
//! JSON and JSONL print the SDK models as they serialize (their wire shape, money as the wire
//! string); tables and CSV print [`Col`]umns, functions of the typed model (see
//! [`crate::columns`]); CSV of a single object, and of lists whose fields are not known in
//! advance, flattens the wire shape into `a.b` columns. Lists are written one item at a time ([`ListWriter`]): memory stays constant whatever the
//! number of items (tables buffer the first [`TABLE_SAMPLE`] rows to size the columns), and
//! every write is one or more whole lines.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::cli::OutputFormat;
use crate::columns::{cell, Col, ListSpec};
use crate::exit::CliError;
use crate::export::Target;

/// Rows buffered to compute table column widths before streaming the rest.
pub const TABLE_SAMPLE: usize = 200;
/// Widest table cell; longer values are cut with `…`.
pub const MAX_CELL: usize = 60;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Whether to emit ANSI escape codes.
    pub color: bool,
}

impl Style {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    /// Bold text.
    pub fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    /// Red text (failures).
    pub fn red(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    /// Green text (success).
    pub fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    /// Dim text (secondary).
    pub fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    /// Colors a status word: failures red, successes green, anything else plain.
    pub fn status(&self, s: &str) -> String {
        match s {
            "failed" | "error" | "false" | "unpaid" => self.red(s),
            "delivered" | "completed" | "success" | "paid" | "true" => self.green(s),
            _ => s.to_string(),
        }
    }
}

/// Follows a dotted path (`a.b.c`) through a wire-shape value; only for the flattened CSV
/// columns of items whose fields are not known in advance (the paths come from the data).
fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Flattens an object into `(dotted.path, value)` leaves; arrays stay whole.
fn flatten(v: &Value) -> Vec<(String, &Value)> {
    fn go<'v>(prefix: &str, v: &'v Value, out: &mut Vec<(String, &'v Value)>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    go(&key, x, out);
                }
            }
            _ => out.push((prefix.to_string(), v)),
        }
    }
    let mut out = Vec::new();
    go("", v, &mut out);
    out
}

/// An item's wire shape, for the flattened CSV of objects and of untyped lists.
fn wire_value<T: Serialize + ?Sized>(item: &T) -> Result<Value, CliError> {
    serde_json::to_value(item).map_err(|e| CliError::Other(format!("encoding an item: {e}")))
}

fn truncate(s: &str, max: usize) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut t: String = one_line.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Renders rows as aligned columns: bold header, two spaces between columns, no trailing pad.
pub fn render_table(
    style: &Style,
    headers: &[&str],
    rows: &[Vec<String>],
    status_cols: &[bool],
) -> String {
    let widths = column_widths(headers, rows);
    let mut out = String::new();
    out.push_str(&render_row(
        style,
        headers
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .as_slice(),
        &widths,
        &[],
        true,
    ));
    for r in rows {
        out.push_str(&render_row(style, r, &widths, status_cols, false));
    }
    out
}

fn column_widths(headers: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(c));
            }
        }
    }
    widths
}

fn render_row(
    style: &Style,
    cells: &[String],
    widths: &[usize],
    status_cols: &[bool],
    header: bool,
) -> String {
    let mut line = String::new();
    let last = cells.len().saturating_sub(1);
    for (i, c) in cells.iter().enumerate() {
        let w = widths.get(i).copied().unwrap_or(0);
        let pad = if i == last {
            0
        } else {
            w.saturating_sub(width(c))
        };
        let shown = if header {
            style.bold(c)
        } else if status_cols.get(i).copied().unwrap_or(false) {
            style.status(c)
        } else {
            c.clone()
        };
        line.push_str(&shown);
        if i != last {
            line.push_str(&" ".repeat(pad + 2));
        }
    }
    let trimmed = line.trim_end().to_string();
    trimmed + "\n"
}

/// A table whose rows arrive one at a time (`webhooks listen`), so its column widths are
/// fixed in advance: each cell is cut to its column's width (with `…`) and padded to it,
/// the last column unpadded. Rows otherwise look like [`render_table`]'s.
pub struct FixedTable<T> {
    cols: Vec<Col<T>>,
    widths: Vec<usize>,
}

impl<T> FixedTable<T> {
    /// The columns and their widths.
    pub fn new(cols: Vec<(Col<T>, usize)>) -> FixedTable<T> {
        let (cols, widths) = cols.into_iter().unzip();
        FixedTable { cols, widths }
    }

    /// The header line.
    pub fn header(&self, style: &Style) -> String {
        let cells: Vec<String> = self.cols.iter().map(|c| c.header.to_string()).collect();
        render_row(style, &cells, &self.widths, &[], true)
    }

    /// One item's line.
    pub fn row(&self, style: &Style, item: &T) -> String {
        let cells: Vec<String> = self
            .cols
            .iter()
            .zip(&self.widths)
            .map(|(c, w)| truncate(&c.text(item), *w))
            .collect();
        let status: Vec<bool> = self.cols.iter().map(|c| c.status).collect();
        render_row(style, &cells, &self.widths, &status, false)
    }
}

/// Renders `label  value` pairs with aligned labels (for single objects).
pub fn render_kv(style: &Style, pairs: &[(&str, String)]) -> String {
    render_kv_width(style, pairs, 0)
}

/// [`render_kv`] with labels padded to at least `min_width` characters, so that blocks
/// printed apart (before and after a wait) line up.
pub fn render_kv_width(style: &Style, pairs: &[(&str, String)], min_width: usize) -> String {
    let w = pairs
        .iter()
        .map(|(k, _)| width(k))
        .max()
        .unwrap_or(0)
        .max(min_width);
    let mut out = String::new();
    for (k, v) in pairs {
        let pad = " ".repeat(w - width(k) + 2);
        out.push_str(format!("{}{pad}{}", style.bold(k), v).trim_end());
        out.push('\n');
    }
    out
}

/// Where command output goes, and in which format.
pub struct Output {
    /// The chosen format.
    pub format: OutputFormat,
    /// Colors for tables.
    pub style: Style,
    /// stdout or an atomic file.
    pub target: Target,
}

impl Output {
    /// Writes a single object: `table` is the human rendering; JSON/JSONL print the value,
    /// CSV prints a header of flattened fields and one row.
    pub fn object<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        table: impl FnOnce(&Style) -> String,
    ) -> Result<(), CliError> {
        let text = match self.format {
            OutputFormat::Table => table(&self.style),
            OutputFormat::Json => pretty(value)? + "\n",
            OutputFormat::Jsonl => compact(value)? + "\n",
            OutputFormat::Csv => {
                let value = wire_value(value)?;
                let flat = flatten(&value);
                let headers: Vec<&str> = flat.iter().map(|(k, _)| k.as_str()).collect();
                let row: Vec<String> = flat.iter().map(|(_, v)| cell(*v)).collect();
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(&headers).map_err(csv_err)?;
                w.write_record(&row).map_err(csv_err)?;
                String::from_utf8_lossy(
                    &w.into_inner().map_err(|e| CliError::Other(e.to_string()))?,
                )
                .into_owned()
            }
        };
        self.write_str(&text)
    }

    /// Writes raw text as is.
    pub fn write_str(&mut self, text: &str) -> Result<(), CliError> {
        self.target
            .write_all(text.as_bytes())
            .map_err(|e| CliError::io(format!("writing to {}", self.target.name()), e))
    }

    /// Flushes what was written so far (a first part printed before a wait).
    pub fn flush(&mut self) -> Result<(), CliError> {
        std::io::Write::flush(&mut self.target)
            .map_err(|e| CliError::io(format!("writing to {}", self.target.name()), e))
    }

    /// Starts a streaming list.
    pub fn list<T: Serialize>(&mut self, spec: ListSpec<T>) -> ListWriter<'_, T> {
        ListWriter::new(self, spec)
    }
}

fn csv_err(e: csv::Error) -> CliError {
    CliError::Other(format!("CSV: {e}"))
}

/// Pretty JSON.
pub fn pretty<T: Serialize + ?Sized>(v: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(v).map_err(|e| CliError::Other(format!("JSON: {e}")))
}

/// One-line JSON.
pub fn compact<T: Serialize + ?Sized>(v: &T) -> Result<String, CliError> {
    serde_json::to_string(v).map_err(|e| CliError::Other(format!("JSON: {e}")))
}

/// Writes list items one by one in the chosen format. Call [`ListWriter::finish`] at the end
/// (also after an interruption, to close a JSON array or print buffered table rows).
pub struct ListWriter<'o, T> {
    out: &'o mut Output,
    spec: ListSpec<T>,
    count: u64,
    table_buf: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
    /// CSV: whether the header was written.
    csv_header: bool,
    /// CSV without declared columns: the flattened fields of the first item.
    csv_flat: Option<Vec<String>>,
}

impl<'o, T: Serialize> ListWriter<'o, T> {
    fn new(out: &'o mut Output, spec: ListSpec<T>) -> Self {
        ListWriter {
            out,
            spec,
            count: 0,
            table_buf: Vec::new(),
            widths: None,
            csv_header: false,
            csv_flat: None,
        }
    }

    /// Items written so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Writes one item (whole lines only).
    pub fn push(&mut self, item: &T) -> Result<(), CliError> {
        self.count += 1;
        match self.out.format {
            OutputFormat::Jsonl => {
                let line = compact(item)? + "\n";
                self.out.write_str(&line)
            }
            OutputFormat::Json => {
                let body = pretty(item)?;
                let mut text = String::with_capacity(body.len() + 16);
                text.push_str(if self.count == 1 { "[\n" } else { ",\n" });
                for (i, l) in body.lines().enumerate() {
                    if i > 0 {
                        text.push('\n');
                    }
                    text.push_str("  ");
                    text.push_str(l);
                }
                self.out.write_str(&text)
            }
            OutputFormat::Csv if self.spec.csv.is_empty() => {
                let value = wire_value(item)?;
                if self.csv_flat.is_none() {
                    let cols: Vec<String> = flatten(&value).into_iter().map(|(k, _)| k).collect();
                    self.write_csv_record(&cols)?;
                    self.csv_flat = Some(cols);
                }
                let row: Vec<String> = self
                    .csv_flat
                    .iter()
                    .flatten()
                    .map(|c| cell(&lookup(&value, c)))
                    .collect();
                self.write_csv_record(&row)
            }
            OutputFormat::Csv => {
                self.write_csv_header()?;
                let row: Vec<String> = self.spec.csv.iter().map(|c| c.text(item)).collect();
                self.write_csv_record(&row)
            }
            OutputFormat::Table => {
                let row: Vec<String> = self
                    .spec
                    .table
                    .iter()
                    .map(|c| truncate(&c.text(item), MAX_CELL))
                    .collect();
                match &self.widths {
                    Some(w) => {
                        let w = w.clone();
                        let line =
                            render_row(&self.out.style, &row, &w, &self.status_cols(), false);
                        self.out.write_str(&line)
                    }
                    None => {
                        self.table_buf.push(row);
                        if self.table_buf.len() >= TABLE_SAMPLE {
                            self.flush_table()?;
                        }
                        Ok(())
                    }
                }
            }
        }
    }

    fn status_cols(&self) -> Vec<bool> {
        self.spec.table.iter().map(|c| c.status).collect()
    }

    /// The declared CSV header, once.
    fn write_csv_header(&mut self) -> Result<(), CliError> {
        if !self.csv_header {
            self.csv_header = true;
            let headers: Vec<&str> = self.spec.csv.iter().map(|c| c.header).collect();
            self.write_csv_record(&headers)?;
        }
        Ok(())
    }

    /// Encodes one record (quoting as needed) and writes it as one whole line.
    fn write_csv_record<S: AsRef<[u8]>>(&mut self, fields: &[S]) -> Result<(), CliError> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(256));
        w.write_record(fields).map_err(csv_err)?;
        let bytes = w
            .into_inner()
            .map_err(|e| CliError::Other(format!("CSV: {e}")))?;
        self.out
            .target
            .write_all(&bytes)
            .map_err(|e| CliError::io(format!("writing to {}", self.out.target.name()), e))
    }

    fn flush_table(&mut self) -> Result<(), CliError> {
        let headers: Vec<&str> = self.spec.table.iter().map(|c| c.header).collect();
        let text = render_table(
            &self.out.style,
            &headers,
            &self.table_buf,
            &self.status_cols(),
        );
        self.widths = Some(column_widths(&headers, &self.table_buf));
        self.table_buf.clear();
        self.out.write_str(&text)
    }

    /// Ends the list: closes the JSON array, prints buffered table rows (or "no ... found").
    pub fn finish(mut self) -> Result<u64, CliError> {
        match self.out.format {
            OutputFormat::Json => {
                let end = if self.count == 0 { "[]\n" } else { "\n]\n" };
                self.out.write_str(end)?;
            }
            OutputFormat::Table => {
                if self.count == 0 {
                    let msg = format!("(no {} found)\n", self.spec.noun);
                    self.out.write_str(&msg)?;
                } else if self.widths.is_none() || !self.table_buf.is_empty() {
                    self.flush_table()?;
                }
            }
            // An empty list still gets its header, when its columns are known.
            OutputFormat::Csv if !self.spec.csv.is_empty() => self.write_csv_header()?,
            OutputFormat::Csv | OutputFormat::Jsonl => {}
        }
        Ok(self.count)
    }
}

/// Renders `items` as a table with `cols` (a section of a human view, e.g. a summary's lines).
pub fn render_cols<T>(style: &Style, cols: &[Col<T>], items: &[T]) -> String {
    let headers: Vec<&str> = cols.iter().map(|c| c.header).collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| cols.iter().map(|c| c.text(i)).collect())
        .collect();
    let status: Vec<bool> = cols.iter().map(|c| c.status).collect();
    render_table(style, &headers, &rows, &status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{cell, Col};
    use serde_json::json;

    #[derive(Serialize)]
    struct Event {
        event_type: Option<String>,
    }

    #[derive(Serialize)]
    struct Thing {
        id: String,
        amount: telnyx::Money,
        webhook: Option<Event>,
        tags: Vec<String>,
    }

    fn thing(id: &str, amount: &str, event: Option<&str>, tags: &[&str]) -> Thing {
        Thing {
            id: id.into(),
            amount: telnyx::Money::parse(amount).unwrap(),
            webhook: event.map(|e| Event {
                event_type: Some(e.into()),
            }),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn mem_output(format: OutputFormat) -> Output {
        Output {
            format,
            style: Style { color: false },
            target: Target::memory(),
        }
    }

    fn event_type(t: &Thing) -> String {
        cell(&t.webhook.as_ref().map(|w| &w.event_type))
    }

    fn spec() -> ListSpec<Thing> {
        ListSpec {
            table: vec![
                Col::new("ID", |t: &Thing| t.id.clone()),
                Col::new("AMOUNT", |t: &Thing| cell(&t.amount)),
                Col::new("EVENT", event_type),
            ],
            csv: vec![
                Col::new("id", |t: &Thing| t.id.clone()),
                Col::new("amount", |t: &Thing| cell(&t.amount)),
                Col::new("webhook.event_type", event_type),
                Col::new("tags", |t: &Thing| cell(&t.tags)),
            ],
            noun: "things",
        }
    }

    fn items() -> Vec<Thing> {
        vec![
            thing("a", "0.0040", Some("call.initiated"), &["x", "y"]),
            thing("bbbbbb", "120.00", Some("x"), &[]),
        ]
    }

    fn run(format: OutputFormat) -> String {
        let mut out = mem_output(format);
        {
            let mut w = out.list(spec());
            for i in items() {
                w.push(&i).unwrap();
            }
            assert_eq!(w.finish().unwrap(), 2);
        }
        out.target.memory_contents()
    }

    #[test]
    fn fixed_table_cells_are_cut_and_padded() {
        // (Moved from `webhooks listen`'s own renderer, which this replaced.)
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("a\nb", 90), "a b");
        let table = FixedTable::new(vec![
            (Col::new("A", |s: &(String, String)| s.0.clone()), 3),
            (Col::new("B", |s: &(String, String)| s.1.clone()), 5),
        ]);
        let plain = Style { color: false };
        assert_eq!(table.row(&plain, &("x".into(), "y".into())), "x    y\n");
        assert_eq!(
            table.row(&plain, &("abcdef".into(), "y".into())),
            "ab…  y\n"
        );
        assert_eq!(table.header(&plain), "A    B\n");
    }

    #[test]
    fn lookup_and_flatten_of_the_wire_shape() {
        let v = json!({"a": {"b": [1, {"c": "0.10"}]}, "n": null, "t": true});
        assert_eq!(cell(&lookup(&v, "a.b.1.c")), "0.10");
        assert_eq!(cell(&lookup(&v, "a.b.0")), "1");
        assert_eq!(cell(&lookup(&v, "n")), "");
        assert_eq!(cell(&lookup(&v, "missing.x")), "");
        assert_eq!(cell(&lookup(&v, "t")), "true");
        let flat: Vec<String> = flatten(&v).into_iter().map(|(k, _)| k).collect();
        assert_eq!(flat, vec!["a.b", "n", "t"]);
    }

    #[test]
    fn table_is_aligned_and_keeps_money_strings() {
        let t = run(OutputFormat::Table);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "ID      AMOUNT  EVENT");
        assert_eq!(lines[1], "a       0.0040  call.initiated");
        assert_eq!(lines[2], "bbbbbb  120.00  x");
    }

    #[test]
    fn long_tables_stream_after_the_sample() {
        let mut out = mem_output(OutputFormat::Table);
        {
            let mut w = out.list(spec());
            for i in 0..(TABLE_SAMPLE + 50) {
                w.push(&thing(&format!("id{i}"), "1.00", None, &[]))
                    .unwrap();
            }
            w.finish().unwrap();
        }
        let text = out.target.memory_contents();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), TABLE_SAMPLE + 51, "header + every row once");
        // Rows after the sample keep the sampled column widths.
        let col = lines[1].find("1.00").unwrap();
        assert_eq!(lines.last().unwrap().find("1.00").unwrap(), col);
        assert!(lines
            .last()
            .unwrap()
            .starts_with(&format!("id{}", TABLE_SAMPLE + 49)));
    }

    #[test]
    fn json_is_a_valid_array() {
        let t = run(OutputFormat::Json);
        let v: Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(v[0]["amount"], "0.0040");
        assert_eq!(v[0]["webhook"]["event_type"], "call.initiated");
        let mut out = mem_output(OutputFormat::Json);
        out.list(spec()).finish().unwrap();
        assert_eq!(out.target.memory_contents(), "[]\n");
    }

    #[test]
    fn jsonl_one_object_per_line() {
        let t = run(OutputFormat::Jsonl);
        let lines: Vec<Value> = t
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["id"], "bbbbbb");
    }

    #[test]
    fn csv_flattens_nested_fields() {
        let t = run(OutputFormat::Csv);
        let mut r = csv::Reader::from_reader(t.as_bytes());
        assert_eq!(
            r.headers().unwrap(),
            vec!["id", "amount", "webhook.event_type", "tags"]
        );
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(&rows[0][1], "0.0040");
        assert_eq!(&rows[0][2], "call.initiated");
        assert_eq!(&rows[0][3], "x;y");
        assert_eq!(&rows[1][3], "");
        // An empty list still has its header.
        let mut out = mem_output(OutputFormat::Csv);
        out.list(spec()).finish().unwrap();
        assert_eq!(
            out.target.memory_contents(),
            "id,amount,webhook.event_type,tags\n"
        );
    }

    #[test]
    fn csv_auto_columns_from_first_item() {
        let mut out = mem_output(OutputFormat::Csv);
        let mut s = spec();
        s.csv.clear();
        {
            let mut w = out.list(s);
            w.push(&thing("a", "1.50", Some("x"), &["t"])).unwrap();
            w.push(&thing("b", "2", None, &[])).unwrap();
            w.finish().unwrap();
        }
        assert_eq!(
            out.target.memory_contents(),
            // Flattened columns come in name order (the wire shape as a JSON object).
            "amount,id,tags,webhook.event_type\n1.50,a,t,x\n2,b,,\n"
        );
    }

    #[test]
    fn single_object_formats() {
        let v = json!({"balance": "300.00", "currency": "USD"});
        let mut out = mem_output(OutputFormat::Csv);
        out.object(&v, |_| String::new()).unwrap();
        assert_eq!(
            out.target.memory_contents(),
            "balance,currency\n300.00,USD\n"
        );
        let mut out = mem_output(OutputFormat::Table);
        out.object(&v, |s| {
            render_kv(
                s,
                &[("Balance", "300.00".into()), ("Currency", "USD".into())],
            )
        })
        .unwrap();
        assert_eq!(
            out.target.memory_contents(),
            "Balance   300.00\nCurrency  USD\n"
        );
    }

    #[test]
    fn colors_only_when_enabled() {
        let s = Style { color: true };
        assert_eq!(s.status("failed"), "\x1b[31mfailed\x1b[0m");
        assert_eq!(Style { color: false }.status("failed"), "failed");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
