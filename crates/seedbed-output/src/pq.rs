//! Parquet: frames to Arrow record batches and back, the streaming sink, and `read_parquet`.
//!
//! Columns map to Arrow types `Int` → `Int64`, `Real` → `Float64`, `Text` → `Utf8`, all
//! non-nullable. Each field carries Arrow metadata `unit` and `doc` (both always present,
//! possibly empty), which Parquet stores in the file's embedded Arrow schema, so a file
//! documents itself and `read_parquet` restores the columns exactly.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type};
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use seedbed_model::frame::{ColType, Column, Data, Frame};

use crate::error::{Error, Result};

/// The Arrow field metadata key holding a column's unit.
pub const UNIT_KEY: &str = "unit";
/// The Arrow field metadata key holding a column's meaning.
pub const DOC_KEY: &str = "doc";

/// The Arrow schema for `columns`.
pub(crate) fn arrow_schema(columns: &[Column]) -> SchemaRef {
    let fields: Vec<Field> = columns.iter().map(arrow_field).collect();
    Arc::new(Schema::new(fields))
}

/// The Arrow field for one column, with `unit` and `doc` metadata.
fn arrow_field(c: &Column) -> Field {
    let ty = match c.ty {
        ColType::Int => DataType::Int64,
        ColType::Real => DataType::Float64,
        ColType::Text => DataType::Utf8,
    };
    Field::new(c.name.clone(), ty, false).with_metadata([(UNIT_KEY, c.unit), (DOC_KEY, c.doc)])
}

/// Writer properties: snappy, `row_group_rows` rows per row group, nothing time-dependent.
///
/// parquet-rs writes no timestamps; the only identifying field is `created_by`
/// ("parquet-rs version 60.x"), fixed for a given build, so equal input gives equal bytes.
fn writer_properties(row_group_rows: usize) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(row_group_rows))
        .set_max_row_group_bytes(None)
        .build()
}

/// Rows `start..end` of `data` as an Arrow array.
fn slice_array(data: &Data, start: usize, end: usize) -> ArrayRef {
    match data {
        Data::Int(v) => Arc::new(Int64Array::from(v[start..end].to_vec())),
        Data::Real(v) => Arc::new(Float64Array::from(v[start..end].to_vec())),
        Data::Text(v) => Arc::new(StringArray::from_iter_values(v[start..end].iter())),
        Data::Labels(l) => Arc::new(StringArray::from_iter_values(l.rows(start..end))),
    }
}

/// A Parquet file being streamed. The Arrow writer is created once the schema is known
/// (from `create_with_columns` or the first frame); until then the open file waits.
pub(crate) struct ParquetSink {
    file: Option<File>,
    writer: Option<ArrowWriter<File>>,
    schema: Option<SchemaRef>,
    row_group_rows: usize,
}

impl ParquetSink {
    /// A sink on the open `file`, flushing a row group every `row_group_rows` rows.
    pub(crate) fn new(file: File, row_group_rows: usize) -> Self {
        ParquetSink { file: Some(file), writer: None, schema: None, row_group_rows }
    }

    /// Fixes the schema and starts the Parquet file (writes its magic number).
    pub(crate) fn start(&mut self, path: &Path, columns: &[Column]) -> Result<()> {
        let file = self.file.take().expect("ParquetSink::start called twice");
        let schema = arrow_schema(columns);
        let props = writer_properties(self.row_group_rows);
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| Error::parquet(path, e))?;
        self.writer = Some(writer);
        self.schema = Some(schema);
        Ok(())
    }

    /// Appends a checked frame, converting at most `row_group_rows` rows at a time so that
    /// the copy made for Arrow stays small even for a million-row frame. The Arrow writer
    /// encodes rows as they come and flushes a row group whenever it holds `row_group_rows`.
    pub(crate) fn write(&mut self, path: &Path, frame: &Frame) -> Result<()> {
        let (Some(writer), Some(schema)) = (self.writer.as_mut(), self.schema.as_ref()) else {
            unreachable!("ParquetSink::write before start");
        };
        let rows = frame.rows();
        let mut start = 0;
        while start < rows {
            let end = rows.min(start + self.row_group_rows);
            let arrays = frame.data.iter().map(|d| slice_array(d, start, end)).collect();
            let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| Error::arrow(path, e))?;
            writer.write(&batch).map_err(|e| Error::parquet(path, e))?;
            start = end;
        }
        Ok(())
    }

    /// Number of row groups already written to the file.
    #[cfg(test)]
    pub(crate) fn flushed_row_groups(&self) -> usize {
        self.writer.as_ref().map_or(0, |w| w.flushed_row_groups().len())
    }

    /// Flushes the last row group and writes the footer.
    pub(crate) fn finish(self, path: &Path) -> Result<()> {
        let writer = self.writer.expect("ParquetSink::finish before start");
        writer.close().map_err(|e| Error::parquet(path, e))?;
        Ok(())
    }
}

/// Reads a whole Parquet file into a `Frame`.
///
/// Integer columns (`Int64`, `Int32`) become `Int`, floating columns (`Float64`, `Float32`)
/// `Real`, string columns (`Utf8`, `LargeUtf8`) `Text`; other types and null values are
/// errors. A column's unit and doc come from its Arrow field metadata (`""` when absent).
///
/// `Column::unit` and `Column::doc` are `&'static str`, so the strings read back are leaked,
/// once per distinct string per process (they are interned): reading many files with the
/// same columns does not grow memory. This is meant for tests and analysis, not for
/// reading untrusted files with ever-new metadata in a long-lived process.
pub fn read_parquet(path: &Path) -> Result<Frame> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| Error::parquet(path, e))?;
    let rows = usize::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let columns = builder.schema().fields().iter().map(|f| column_from_field(path, f)).collect::<Result<Vec<_>>>()?;
    let mut data: Vec<Data> = columns.iter().map(|c| empty_data(c.ty, rows)).collect();
    let reader = builder.build().map_err(|e| Error::parquet(path, e))?;
    for batch in reader {
        let batch = batch.map_err(|e| Error::arrow(path, e))?;
        for ((d, c), array) in data.iter_mut().zip(&columns).zip(batch.columns()) {
            append_array(d, array).map_err(|m| Error::schema(path, format!("column {:?}: {m}", c.name)))?;
        }
    }
    Ok(Frame { columns, data })
}

/// The column an Arrow field describes.
fn column_from_field(path: &Path, f: &Field) -> Result<Column> {
    let ty = match f.data_type() {
        DataType::Int64 | DataType::Int32 => ColType::Int,
        DataType::Float64 | DataType::Float32 => ColType::Real,
        DataType::Utf8 | DataType::LargeUtf8 => ColType::Text,
        other => {
            return Err(Error::schema(path, format!("column {:?} has unsupported type {other}", f.name())));
        }
    };
    let meta = |key: &str| f.metadata().get(key).map_or("", |s| intern(s));
    Ok(Column { name: f.name().clone(), ty, unit: meta(UNIT_KEY), doc: meta(DOC_KEY) })
}

/// An empty `Data` of type `ty` with room for `rows` values.
fn empty_data(ty: ColType, rows: usize) -> Data {
    match ty {
        ColType::Int => Data::Int(Vec::with_capacity(rows)),
        ColType::Real => Data::Real(Vec::with_capacity(rows)),
        ColType::Text => Data::Text(Vec::with_capacity(rows)),
    }
}

/// Appends the values of `array` to `data`; `array`'s type matches `data`'s by construction
/// (both come from the same field).
fn append_array(data: &mut Data, array: &ArrayRef) -> Result<(), String> {
    if array.null_count() > 0 {
        return Err(format!("{} null values (Seedbed tables have none)", array.null_count()));
    }
    match (data, array.data_type()) {
        (Data::Int(v), DataType::Int64) => v.extend(array.as_primitive::<Int64Type>().values().iter()),
        (Data::Int(v), DataType::Int32) => {
            v.extend(array.as_primitive::<Int32Type>().values().iter().map(|&x| i64::from(x)))
        }
        (Data::Real(v), DataType::Float64) => v.extend(array.as_primitive::<Float64Type>().values().iter()),
        (Data::Real(v), DataType::Float32) => {
            v.extend(array.as_primitive::<Float32Type>().values().iter().map(|&x| f64::from(x)))
        }
        (Data::Text(v), DataType::Utf8) => {
            v.extend(array.as_string::<i32>().iter().map(|s| s.unwrap_or("").to_owned()))
        }
        (Data::Text(v), DataType::LargeUtf8) => {
            v.extend(array.as_string::<i64>().iter().map(|s| s.unwrap_or("").to_owned()))
        }
        (_, other) => return Err(format!("unexpected Arrow type {other} in a record batch")),
    }
    Ok(())
}

/// A `'static` copy of `s`, leaked once per distinct string (see `read_parquet`).
fn intern(s: &str) -> &'static str {
    if s.is_empty() {
        return "";
    }
    static SEEN: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = seen.get(s) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_returns_the_same_allocation() {
        let a = intern(&String::from("thousand CNY per month"));
        let b = intern(&String::from("thousand CNY per month"));
        assert_eq!(a, "thousand CNY per month");
        assert!(std::ptr::eq(a, b));
        assert_eq!(intern(""), "");
    }

    #[test]
    fn schema_has_types_and_metadata() {
        let cols = [
            Column { name: "n".into(), ty: ColType::Int, unit: "firms", doc: "count" },
            Column { name: "x".into(), ty: ColType::Real, unit: "", doc: "" },
            Column { name: "s".into(), ty: ColType::Text, unit: "", doc: "label" },
        ];
        let schema = arrow_schema(&cols);
        let types: Vec<_> = schema.fields().iter().map(|f| f.data_type().clone()).collect();
        assert_eq!(types, [DataType::Int64, DataType::Float64, DataType::Utf8]);
        assert_eq!(schema.field(0).metadata().get(UNIT_KEY).map(String::as_str), Some("firms"));
        assert_eq!(schema.field(2).metadata().get(DOC_KEY).map(String::as_str), Some("label"));
        assert!(schema.fields().iter().all(|f| !f.is_nullable()));
    }
}
