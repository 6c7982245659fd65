//! Seedbed run outputs: tables streamed month by month to Parquet or CSV, read back from
//! Parquet, summary JSON written atomically, atomic run directories, and Markdown
//! documentation of output columns.
//!
//! A run typically looks like:
//!
//! ```no_run
//! # use seedbed_output::*;
//! # use seedbed_model::frame::Frame;
//! # fn months() -> Vec<Frame> { vec![] }
//! # fn main() -> Result<()> {
//! let run = RunDir::create(std::path::Path::new("runs/hangzhou-2025-s42-20261130-101500"))?;
//! let mut city = TableWriter::create(&run.path_for("city.parquet"), Format::Parquet)?;
//! for frame in months() {
//!     city.write(&frame)?;
//! }
//! city.finish()?;
//! write_json_atomic(&run.path_for("summary.json"), &serde_json::json!({"months": 120}))?;
//! let final_dir = run.commit()?;
//! # Ok(()) }
//! ```

mod atomic;
mod columns;
mod csv;
mod docs;
mod error;
mod pq;
mod rundir;
mod table;

pub use atomic::{write_json_atomic, write_text_atomic};
pub use docs::describe_columns;
pub use error::{Error, Result};
pub use pq::{DOC_KEY, UNIT_KEY, read_parquet};
pub use rundir::{RunDir, UtcDateTime, default_run_name};
pub use table::{Format, TableOptions, TableWriter};

#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests;
