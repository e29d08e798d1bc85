//! Parquet part files with the `parquet` crate's low-level writer (no Arrow): snappy, one
//! row group per [`ROW_GROUP`] rows, so memory stays bounded whatever the file's size.
//!
//! Types: text `BYTE_ARRAY (STRING)`, integers `INT64`, booleans `BOOLEAN`, timestamps
//! `INT64 (TIMESTAMP(MICROS, isAdjustedToUTC=true))`, decimals
//! `FIXED_LEN_BYTE_ARRAY(16) (DECIMAL(38,12))`; every column `OPTIONAL`.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType, Int64Type,
};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::record::Field;
use parquet::schema::types::Type;
use rust_decimal::Decimal;

use super::rows::{time_text, Cell, Column, Kind, PRECISION, SCALE};
use super::sink::{RowSink, RowVisitor};

/// Rows per row group (bounds the writer's memory).
pub const ROW_GROUP: usize = 32_768;

fn err(e: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(e.to_string())
}

/// The Parquet schema of `columns`.
pub fn schema(columns: &[Column]) -> io::Result<Type> {
    let mut fields = Vec::with_capacity(columns.len());
    for c in columns {
        let b = match c.kind {
            Kind::Str | Kind::Json => Type::primitive_type_builder(&c.name, Physical::BYTE_ARRAY)
                .with_logical_type(Some(LogicalType::String)),
            Kind::Int => Type::primitive_type_builder(&c.name, Physical::INT64),
            Kind::Bool => Type::primitive_type_builder(&c.name, Physical::BOOLEAN),
            Kind::Time => Type::primitive_type_builder(&c.name, Physical::INT64).with_logical_type(
                Some(LogicalType::Timestamp {
                    is_adjusted_to_u_t_c: true,
                    unit: TimeUnit::MICROS,
                }),
            ),
            Kind::Dec => Type::primitive_type_builder(&c.name, Physical::FIXED_LEN_BYTE_ARRAY)
                .with_length(16)
                .with_logical_type(Some(LogicalType::Decimal {
                    scale: SCALE as i32,
                    precision: PRECISION as i32,
                }))
                .with_precision(PRECISION as i32)
                .with_scale(SCALE as i32),
        };
        let t = b
            .with_repetition(Repetition::OPTIONAL)
            .build()
            .map_err(err)?;
        fields.push(Arc::new(t));
    }
    Type::group_type_builder("detail_record")
        .with_fields(fields)
        .build()
        .map_err(err)
}

/// A decimal as the unscaled `i128` of `DECIMAL(38,12)`.
pub fn unscaled(d: &Decimal) -> io::Result<i128> {
    let scale = d.scale();
    let up = SCALE
        .checked_sub(scale)
        .and_then(|s| 10i128.checked_pow(s))
        .ok_or_else(|| io::Error::other(format!("{d} has more than {SCALE} decimal places")))?;
    d.mantissa()
        .checked_mul(up)
        .filter(|v| v.unsigned_abs() < 10u128.pow(PRECISION))
        .ok_or_else(|| io::Error::other(format!("{d} does not fit DECIMAL(38,{SCALE})")))
}

/// Buffers one row group column by column.
pub struct ParquetSink {
    writer: SerializedFileWriter<File>,
    kinds: Vec<Kind>,
    buf: Vec<Vec<Cell>>,
    rows: usize,
}

impl ParquetSink {
    /// A writer of `columns` into `file`.
    pub fn new(file: File, columns: &[Column]) -> io::Result<ParquetSink> {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_size(ROW_GROUP)
            .set_created_by(format!("telnyx-cli {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = SerializedFileWriter::new(file, Arc::new(schema(columns)?), Arc::new(props))
            .map_err(err)?;
        Ok(ParquetSink {
            writer,
            kinds: columns.iter().map(|c| c.kind).collect(),
            buf: columns.iter().map(|_| Vec::with_capacity(1024)).collect(),
            rows: 0,
        })
    }

    fn flush_group(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group().map_err(err)?;
        for (kind, cells) in self.kinds.iter().zip(&mut self.buf) {
            let mut col = group.next_column().map_err(err)?.ok_or_else(|| {
                io::Error::other("parquet schema has fewer columns than the rows")
            })?;
            let defs: Vec<i16> = cells.iter().map(|c| i16::from(*c != Cell::Null)).collect();
            match kind {
                Kind::Str | Kind::Json => {
                    let v: Vec<ByteArray> = cells
                        .drain(..)
                        .filter_map(|c| match c {
                            Cell::Null => None,
                            Cell::Str(s) => Some(ByteArray::from(s.into_bytes())),
                            other => Some(ByteArray::from(other.text().into_bytes())),
                        })
                        .collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&v, Some(&defs), None)
                        .map_err(err)?;
                }
                Kind::Int => {
                    let v: Vec<i64> = cells
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Int(i) => Some(*i),
                            _ => None,
                        })
                        .collect();
                    col.typed::<Int64Type>()
                        .write_batch(&v, Some(&defs), None)
                        .map_err(err)?;
                }
                Kind::Bool => {
                    let v: Vec<bool> = cells
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Bool(b) => Some(*b),
                            _ => None,
                        })
                        .collect();
                    col.typed::<BoolType>()
                        .write_batch(&v, Some(&defs), None)
                        .map_err(err)?;
                }
                Kind::Time => {
                    let v: Vec<i64> = cells
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Time(t) => Some(t.timestamp_micros()),
                            _ => None,
                        })
                        .collect();
                    col.typed::<Int64Type>()
                        .write_batch(&v, Some(&defs), None)
                        .map_err(err)?;
                }
                Kind::Dec => {
                    let mut v = Vec::with_capacity(cells.len());
                    for c in cells.iter() {
                        if let Cell::Dec(d) = c {
                            let bytes = unscaled(d)?.to_be_bytes().to_vec();
                            v.push(FixedLenByteArray::from(ByteArray::from(bytes)));
                        }
                    }
                    col.typed::<FixedLenByteArrayType>()
                        .write_batch(&v, Some(&defs), None)
                        .map_err(err)?;
                }
            }
            col.close().map_err(err)?;
            cells.clear();
        }
        group.close().map_err(err)?;
        self.rows = 0;
        Ok(())
    }
}

impl RowSink for ParquetSink {
    fn push(&mut self, row: Vec<Cell>) -> io::Result<()> {
        for ((cells, kind), cell) in self.buf.iter_mut().zip(&self.kinds).zip(row) {
            // A cell of another kind than its column (never expected) is stored as null.
            let fits = matches!(
                (kind, &cell),
                (_, Cell::Null)
                    | (Kind::Str | Kind::Json, Cell::Str(_))
                    | (Kind::Int, Cell::Int(_))
                    | (Kind::Bool, Cell::Bool(_))
                    | (Kind::Time, Cell::Time(_))
                    | (Kind::Dec, Cell::Dec(_))
            );
            cells.push(if fits { cell } else { Cell::Null });
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP {
            self.flush_group()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<File> {
        self.flush_group()?;
        self.writer.into_inner().map_err(err)
    }
}

/// Reads every row of a Parquet part file as `(column, text)` lookups; only the columns in
/// `needed` are decoded (all when `needed` is empty).
pub fn read(path: &Path, needed: &[&str], each: &mut RowVisitor<'_>) -> Result<(), String> {
    let what = |e: &dyn std::fmt::Display| format!("reading {}: {e}", path.display());
    let file = File::open(path).map_err(|e| what(&e))?;
    let reader = SerializedFileReader::new(file).map_err(|e| what(&e))?;
    let projection = if needed.is_empty() {
        None
    } else {
        let fields: Vec<_> = reader
            .metadata()
            .file_metadata()
            .schema()
            .get_fields()
            .iter()
            .filter(|f| needed.contains(&f.name()))
            .cloned()
            .collect();
        Some(
            Type::group_type_builder("detail_record")
                .with_fields(fields)
                .build()
                .map_err(|e| what(&e))?,
        )
    };
    let rows = reader.get_row_iter(projection).map_err(|e| what(&e))?;
    for row in rows {
        let row = row.map_err(|e| what(&e))?;
        let get = |name: &str| {
            row.get_column_iter()
                .find(|(n, _)| n.as_str() == name)
                .and_then(|(_, f)| field_text(f))
        };
        each(&get)?;
    }
    Ok(())
}

fn field_text(f: &Field) -> Option<String> {
    Some(match f {
        Field::Null => return None,
        Field::Str(s) => s.clone(),
        Field::Long(i) => i.to_string(),
        Field::Bool(b) => b.to_string(),
        Field::TimestampMicros(us) => time_text(chrono::DateTime::from_timestamp_micros(*us)?),
        Field::Decimal(d) => {
            let bytes: [u8; 16] = d.data().try_into().ok()?;
            let v = i128::from_be_bytes(bytes);
            Decimal::try_from_i128_with_scale(v, d.scale() as u32)
                .ok()?
                .normalize()
                .to_string()
        }
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::usage::rows::common_columns;

    #[test]
    fn round_trips_exact_decimals_and_times() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.parquet");
        let cols = common_columns();
        let mut sink = Box::new(ParquetSink::new(File::create(&path).unwrap(), &cols).unwrap());
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-02T10:00:00.123456Z")
            .unwrap()
            .to_utc();
        for i in 0..(ROW_GROUP + 3) {
            sink.push(vec![
                Cell::Str(format!("id{i}")),
                Cell::Time(t),
                if i % 2 == 0 {
                    Cell::Dec("0.0080".parse().unwrap())
                } else {
                    Cell::Null
                },
                Cell::Str("USD".into()),
            ])
            .unwrap();
        }
        sink.finish().unwrap();
        let mut n = 0;
        let mut costs = Decimal::ZERO;
        read(&path, &[], &mut |get| {
            n += 1;
            assert_eq!(
                get("usage_at").as_deref(),
                Some("2026-11-02T10:00:00.123456Z")
            );
            if let Some(c) = get("cost") {
                costs += c.parse::<Decimal>().unwrap();
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(n, ROW_GROUP + 3);
        assert_eq!(
            costs,
            Decimal::new(8, 3) * Decimal::from((ROW_GROUP + 4) / 2)
        );
        assert!(unscaled(&"1e-13".parse::<Decimal>().unwrap_or(Decimal::new(1, 13))).is_err());
    }
}
