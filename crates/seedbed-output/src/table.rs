//! `TableWriter`: streams the frames of one table (city, industries, events, firms) to a
//! Parquet or CSV file.

use std::fs::File;
use std::path::{Path, PathBuf};

use seedbed_model::frame::{Column, Frame};

use crate::columns::{check_columns, check_frame, check_same_columns};
use crate::csv::CsvSink;
use crate::error::{Error, Result};
use crate::pq::ParquetSink;

/// An output file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Apache Parquet, snappy-compressed, with units and descriptions in the schema.
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
}

impl Format {
    /// The file extension, without the dot: `parquet` or `csv`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// Tuning for `TableWriter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableOptions {
    /// Parquet: rows per row group. The writer holds at most one row group (encoded and
    /// compressed) in memory and flushes it when it is full, so this bounds memory.
    /// Also the largest slice of a frame converted to Arrow at once. 0 is taken as 1.
    pub row_group_rows: usize,
}

impl TableOptions {
    /// The default number of rows per Parquet row group.
    pub const DEFAULT_ROW_GROUP_ROWS: usize = 65_536;
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions { row_group_rows: Self::DEFAULT_ROW_GROUP_ROWS }
    }
}

/// Where rows go.
enum Sink {
    /// Boxed: the Arrow writer is large, the CSV sink small.
    Parquet(Box<ParquetSink>),
    Csv(CsvSink),
}

/// Streams one table to a file, frame after frame.
///
/// The first frame (or the columns given to `create_with_columns`) fixes the schema; a later
/// frame with other columns (names, order, types, units or descriptions) is an
/// `Error::Schema`, as is an internally inconsistent frame. A frame without columns carries
/// nothing and is ignored. Frames with zero rows are fine.
///
/// Call `finish` to complete the file: a Parquet file dropped unfinished has no footer and
/// is unreadable (inside a `RunDir`, such a run is never committed).
pub struct TableWriter {
    path: PathBuf,
    columns: Option<Vec<Column>>,
    sink: Sink,
    rows: u64,
}

impl TableWriter {
    /// Creates (or truncates) `path`; the first frame written fixes the schema.
    pub fn create(path: &Path, format: Format) -> Result<TableWriter> {
        Self::create_with_options(path, format, None, TableOptions::default())
    }

    /// Creates `path` with a known schema, so the file is complete and typed even if no
    /// frame (or only zero-row frames) is ever written, e.g. a run without events.
    pub fn create_with_columns(path: &Path, format: Format, columns: &[Column]) -> Result<TableWriter> {
        Self::create_with_options(path, format, Some(columns), TableOptions::default())
    }

    /// Creates `path` with optional known columns and explicit options.
    pub fn create_with_options(
        path: &Path,
        format: Format,
        columns: Option<&[Column]>,
        options: TableOptions,
    ) -> Result<TableWriter> {
        if let Some(columns) = columns {
            check_columns(columns).map_err(|m| Error::schema(path, m))?;
        }
        let file = File::create(path).map_err(|e| Error::io(path, e))?;
        let sink = match format {
            Format::Parquet => Sink::Parquet(Box::new(ParquetSink::new(file, options.row_group_rows.max(1)))),
            Format::Csv => Sink::Csv(CsvSink::new(file)),
        };
        let mut writer = TableWriter { path: path.to_path_buf(), columns: None, sink, rows: 0 };
        if let Some(columns) = columns {
            writer.start(columns)?;
        }
        Ok(writer)
    }

    /// Fixes the schema and starts the file.
    fn start(&mut self, columns: &[Column]) -> Result<()> {
        match &mut self.sink {
            Sink::Parquet(s) => s.start(&self.path, columns)?,
            Sink::Csv(s) => s.start(&self.path, columns)?,
        }
        self.columns = Some(columns.to_vec());
        Ok(())
    }

    /// Appends the rows of `frame`.
    pub fn write(&mut self, frame: &Frame) -> Result<()> {
        if frame.columns.is_empty() && frame.data.is_empty() {
            return Ok(());
        }
        check_frame(frame).map_err(|m| Error::schema(&self.path, m))?;
        match &self.columns {
            Some(columns) => check_same_columns(columns, &frame.columns).map_err(|m| Error::schema(&self.path, m))?,
            None => {
                check_columns(&frame.columns).map_err(|m| Error::schema(&self.path, m))?;
                self.start(&frame.columns)?;
            }
        }
        match &mut self.sink {
            Sink::Parquet(s) => s.write(&self.path, frame)?,
            Sink::Csv(s) => s.write(&self.path, frame)?,
        }
        self.rows += frame.rows() as u64;
        Ok(())
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The table's columns, once known.
    pub fn columns(&self) -> Option<&[Column]> {
        self.columns.as_deref()
    }

    /// Rows written so far.
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Completes the file (last row group and footer for Parquet; flush for CSV).
    ///
    /// If the schema never became known (created with `create`, and no frame with columns
    /// was written) there is nothing to describe the file with: the empty file is removed
    /// and an `Error::Schema` returned. Use `create_with_columns` for tables that may stay
    /// empty.
    pub fn finish(self) -> Result<()> {
        if self.columns.is_none() {
            drop(self.sink);
            // Best effort: the error below is what matters.
            let _ = std::fs::remove_file(&self.path);
            return Err(Error::schema(
                &self.path,
                "no frame was written and no columns were given, so the table has no schema",
            ));
        }
        match self.sink {
            Sink::Parquet(s) => s.finish(&self.path),
            Sink::Csv(s) => s.finish(&self.path),
        }
    }

    /// Number of Parquet row groups already flushed to disk (0 for CSV).
    #[cfg(test)]
    pub(crate) fn flushed_row_groups(&self) -> usize {
        match &self.sink {
            Sink::Parquet(s) => s.flushed_row_groups(),
            Sink::Csv(_) => 0,
        }
    }
}
