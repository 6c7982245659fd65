//! Seedbed reports: what an analyst looks at after a run, an ensemble or a comparison.
//!
//! [`load`] reads a run directory (`seedbed run`) or an experiment directory (`seedbed
//! ensemble`, `seedbed compare`) into a [`Dataset`]: the headline series by year (with the
//! median and 5-95% band over runs for experiments), the headline table of the last year and
//! the scenario(s) as run. [`html`] turns a dataset into one self-contained HTML page with
//! inline SVG charts (nothing is fetched from the network); the web dashboard (`seedbed-server`)
//! sends the same dataset to the browser as JSON ([`Dataset::to_json`]).
//!
//! Nothing is computed twice: single runs are read from their `summary.json` and
//! `city.parquet`, experiments from the result tables of `seedbed-experiments` (`summary.parquet`,
//! `compare.parquet`) and their members' files; bands use the same quantiles
//! (`seedbed_experiments::stats::summarize`).

mod chart;
mod data;
mod page;

pub use chart::svg_chart;
pub use data::{Chart, Dataset, Kind, Line, Table, TableRow, load};
pub use page::{decimal, format_value, html, thousands};

use std::path::PathBuf;

/// Why a report could not be made.
#[derive(Debug)]
pub enum ReportError {
    /// The directory is not a run or experiment directory: which file is missing, or what is wrong.
    NotARunDir { dir: PathBuf, message: String },
    /// A file could not be read or parsed.
    Read { path: PathBuf, message: String },
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::NotARunDir { dir, message } => {
                write!(f, "{} is not a run directory: {message}", dir.display())
            }
            ReportError::Read { path, message } => write!(f, "cannot read {}: {message}", path.display()),
        }
    }
}

impl std::error::Error for ReportError {}
