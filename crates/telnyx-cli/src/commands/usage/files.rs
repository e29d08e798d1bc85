//! Part files: written to a temporary name in their partition directory, fsynced, renamed into
//! place. One writer per format; all hold the same columns ([`super::rows`]).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::rows::{Cell, Column};
use super::sink::{RowSink, RowVisitor};

pub use crate::cli::usage::Format;

struct CsvSink {
    w: csv::Writer<BufWriter<File>>,
}

impl RowSink for CsvSink {
    fn push(&mut self, row: Vec<Cell>) -> io::Result<()> {
        self.w
            .write_record(row.iter().map(Cell::text))
            .map_err(io::Error::other)
    }
    fn finish(self: Box<Self>) -> io::Result<File> {
        let buf = self.w.into_inner().map_err(|e| e.into_error())?;
        buf.into_inner().map_err(|e| e.into_error())
    }
}

struct JsonlSink {
    names: Vec<String>,
    w: BufWriter<File>,
}

impl RowSink for JsonlSink {
    fn push(&mut self, row: Vec<Cell>) -> io::Result<()> {
        let obj: serde_json::Map<String, serde_json::Value> = self
            .names
            .iter()
            .zip(&row)
            .map(|(n, c)| (n.clone(), c.json()))
            .collect();
        serde_json::to_writer(&mut self.w, &obj)?;
        self.w.write_all(b"\n")
    }
    fn finish(self: Box<Self>) -> io::Result<File> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// A part file being written: rows go to `tmp`, [`PartFile::commit`] makes it `path`.
pub struct PartFile {
    /// Final path.
    pub path: PathBuf,
    tmp: PathBuf,
    sink: Box<dyn RowSink>,
    /// Rows written.
    pub rows: u64,
}

impl PartFile {
    /// Starts `dir/part-<n>.<ext>` (via `dir/.part-<n>.<ext>.tmp`).
    pub fn create(dir: &Path, n: u64, format: Format, columns: &[Column]) -> io::Result<PartFile> {
        fs::create_dir_all(dir)?;
        let name = format!("part-{n:06}.{}", format.ext());
        let tmp = dir.join(format!(".{name}.tmp"));
        let file = File::create(&tmp)?;
        let sink: Box<dyn RowSink> = match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(BufWriter::new(file));
                w.write_record(columns.iter().map(|c| c.name.as_str()))
                    .map_err(io::Error::other)?;
                Box::new(CsvSink { w })
            }
            Format::Jsonl => Box::new(JsonlSink {
                names: columns.iter().map(|c| c.name.clone()).collect(),
                w: BufWriter::new(file),
            }),
            Format::Parquet => parquet_sink(file, columns)?,
        };
        Ok(PartFile {
            path: dir.join(name),
            tmp,
            sink,
            rows: 0,
        })
    }

    /// Appends one row.
    pub fn push(&mut self, row: Vec<Cell>) -> io::Result<()> {
        self.rows += 1;
        self.sink.push(row)
    }

    /// Completes the file, fsyncs it, renames it into place and fsyncs the directory.
    /// Returns its size in bytes.
    pub fn commit(self) -> io::Result<u64> {
        let file = self.sink.finish()?;
        file.sync_all()?;
        let bytes = file.metadata()?.len();
        drop(file);
        fs::rename(&self.tmp, &self.path)?;
        if let Some(dir) = self.path.parent() {
            sync_dir(dir)?;
        }
        Ok(bytes)
    }
}

/// Makes a rename in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(feature = "parquet")]
fn parquet_sink(file: File, columns: &[Column]) -> io::Result<Box<dyn RowSink>> {
    Ok(Box::new(super::parquet::ParquetSink::new(file, columns)?))
}

#[cfg(not(feature = "parquet"))]
fn parquet_sink(_file: File, _columns: &[Column]) -> io::Result<Box<dyn RowSink>> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "this telnyx was built without the `parquet` feature: use --format csv or jsonl, \
         or rebuild with default features",
    ))
}

/// Reads a part file back as `(column name, text)` rows for reports: decimals exact, times
/// RFC 3339 UTC, null as absent. Parquet decodes only the columns in `needed` (all if empty).
pub fn read_rows(
    path: &Path,
    format: Format,
    needed: &[&str],
    each: &mut RowVisitor<'_>,
) -> Result<(), String> {
    let what = |e: &dyn std::fmt::Display| format!("reading {}: {e}", path.display());
    match format {
        Format::Csv => {
            let mut r = csv::Reader::from_path(path).map_err(|e| what(&e))?;
            let headers = r.headers().map_err(|e| what(&e))?.clone();
            for rec in r.records() {
                let rec = rec.map_err(|e| what(&e))?;
                let get = |n: &str| {
                    headers
                        .iter()
                        .position(|h| h == n)
                        .and_then(|i| rec.get(i))
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                each(&get)?;
            }
            Ok(())
        }
        Format::Jsonl => {
            let text = fs::File::open(path).map_err(|e| what(&e))?;
            for line in io::BufRead::lines(io::BufReader::new(text)) {
                let line = line.map_err(|e| what(&e))?;
                if line.trim().is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| what(&e))?;
                let get = |n: &str| match v.get(n) {
                    None | Some(serde_json::Value::Null) => None,
                    Some(serde_json::Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                };
                each(&get)?;
            }
            Ok(())
        }
        Format::Parquet => read_parquet(path, needed, each),
    }
}

#[cfg(feature = "parquet")]
fn read_parquet(path: &Path, needed: &[&str], each: &mut RowVisitor<'_>) -> Result<(), String> {
    super::parquet::read(path, needed, each)
}

#[cfg(not(feature = "parquet"))]
fn read_parquet(path: &Path, _needed: &[&str], _each: &mut RowVisitor<'_>) -> Result<(), String> {
    Err(format!(
        "{} is Parquet, and this telnyx was built without the `parquet` feature",
        path.display()
    ))
}
