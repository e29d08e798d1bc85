//! The two seams between the dataset code and a file format: a [`RowSink`] writes the rows
//! of one part file, a [`RowVisitor`] gets the rows read back. Each format
//! ([`super::files`] for CSV and JSONL, `parquet`) implements them; nothing here knows one.

use std::fs::File;
use std::io;

use super::rows::Cell;

/// Writes the rows of one part file.
pub trait RowSink {
    /// Appends one row.
    fn push(&mut self, row: Vec<Cell>) -> io::Result<()>;
    /// Writes what is buffered and the file's footer; the file is then complete (not synced).
    fn finish(self: Box<Self>) -> io::Result<File>;
}

/// A lookup of one row's values by column name (text; `None` when null or absent).
pub type FieldLookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Called once per row read back.
pub type RowVisitor<'a> = dyn FnMut(&FieldLookup<'_>) -> Result<(), String> + 'a;
