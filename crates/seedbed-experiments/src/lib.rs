//! Seedbed experiments: analysts decide from many runs, not one.
//!
//! - ensembles: one scenario on many seeds, with the median and 5-95% band of every headline
//!   figure;
//! - comparisons: two scenarios on the same seeds (common random numbers: the model keys every
//!   random draw by seed, phase, month and agent), with paired differences, t-based 95%
//!   confidence intervals and the share of seeds where B beats A;
//! - sweeps: any numeric parameters by dotted path over a grid or a Latin hypercube;
//! - sensitivity: Morris elementary effects and Sobol indices (Saltelli design, Saltelli 2010
//!   and Jansen estimators) with bootstrap intervals;
//! - the run catalog (`catalog.sqlite`), reuse of identical runs, and experiments that resume
//!   exactly after being killed at any moment.
//!
//! Nothing here prints: the command line (`seedbed-cli`) adds the subcommands and progress
//! bars on top of [`runner::run`].

pub mod catalog;
pub mod design;
pub mod experiment;
mod fsutil;
pub mod member;
pub mod reduce;
pub mod runner;
pub mod sensitivity;
pub mod stats;
pub mod vary;
pub mod version;

pub use catalog::{CATALOG_FILE, Catalog};
pub use experiment::{Experiment, Kind, Method, SweepDesign, seeds};
pub use reduce::Report;
pub use runner::{Event, Options, Outcome, run};
pub use version::{program_version, scenario_hash};

#[cfg(test)]
mod test_util;
