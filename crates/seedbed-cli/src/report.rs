//! `seedbed report`: one self-contained HTML file for a run, an ensemble or a comparison.

use std::path::PathBuf;

use clap::Args;
use seedbed_report::ReportError;

use crate::fail::Failure;

/// Options of `seedbed report`.
#[derive(Args, Debug)]
#[command(after_help = "\
RUN_DIR is a run directory of `seedbed run` (summary.json, scenario.toml, city.parquet) or an experiment \
directory of `seedbed ensemble` or `seedbed compare` (experiment.json, its result tables and runs). The report \
holds the scenario, the headline table of the last year and the headline charts (with the median and 5-95% band \
for experiments) as inline SVG: one file, no scripts, nothing fetched from the network.

Exit codes: 0 success; 2 not a run or experiment directory (the missing file is named); 1 a file could not be \
read or the report could not be written.")]
pub struct ReportArgs {
    /// Run or experiment directory.
    #[arg(value_name = "RUN_DIR")]
    pub dir: PathBuf,
    /// Output file [default: RUN_DIR/report.html].
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Runs `seedbed report`.
pub fn report(args: &ReportArgs) -> Result<(), Failure> {
    let data = seedbed_report::load(&args.dir).map_err(|e| match e {
        ReportError::NotARunDir { .. } => Failure::input(e),
        ReportError::Read { .. } => Failure::run(e),
    })?;
    let out = args.out.clone().unwrap_or_else(|| args.dir.join("report.html"));
    seedbed_output::write_text_atomic(&out, &seedbed_report::html(&data))
        .map_err(|e| Failure::run(format!("cannot write {}: {e}", out.display())))?;
    crate::emit(&format!("{}\n", out.display()));
    Ok(())
}
