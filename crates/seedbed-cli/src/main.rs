//! `seedbed`: run, inspect and benchmark Seedbed scenarios from the command line.
//!
//! Exit codes: 0 success; 2 bad input (unknown scenario, invalid scenario file, bad option
//! value, an output directory that already exists); 1 a run that failed (the city could not be
//! built, an I/O error while writing outputs).

mod bench;
mod catalog;
mod docs;
mod experiment;
mod fail;
mod fork;
mod progress;
mod report;
mod run;
mod runs;
mod serve;
mod setup;
mod summary;
mod validate;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Seedbed: an agent-based policy simulator of Hangzhou's innovation ecosystem.
#[derive(Parser, Debug)]
#[command(
    name = "seedbed",
    version,
    about = "Seedbed: an agent-based policy simulator of Hangzhou's innovation ecosystem.",
    long_about = "Seedbed: an agent-based policy simulator of Hangzhou's innovation ecosystem.\n\n\
        Firms, founders, workers, venture funds and the city government interact month by month; \
        a scenario (built-in or a TOML file) sets every parameter and policy instrument.",
    after_help = "Start with `seedbed scenarios`, then `seedbed run` (the default scenario, \
        hangzhou-2025, at full scale) or `seedbed run no-policy --scale 0.05`.\n\
        Exit codes: 0 success, 2 bad input (scenario, options, existing output directory), 1 failed run."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario and write its outputs (tables, summary, scenario) to a new run directory.
    Run(run::RunArgs),
    /// List the built-in scenarios with a one-line description each.
    Scenarios,
    /// Print a scenario as a commented TOML file (every parameter with unit and range).
    ///
    /// Save it, edit it and run it: `seedbed show no-pilots > mine.toml`, then
    /// `seedbed run mine.toml`.
    Show {
        /// Built-in scenario name or path to a scenario TOML file.
        #[arg(value_name = "SCENARIO")]
        scenario: String,
    },
    /// Check scenario files (or built-in names) without running them.
    ///
    /// Prints `FILE: ok` for each valid scenario and a report with the line, column and
    /// parameter of every problem otherwise. Exit code 2 if any is invalid.
    Check {
        /// Scenario TOML files or built-in scenario names.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<String>,
    },
    /// Continue a checkpoint written by `seedbed run ... --until YYYY-MM --checkpoint FILE`,
    /// unchanged or as a what-if (`--with variant.toml`, `--set PATH=VALUE`), into a new run directory.
    Fork(fork::ForkArgs),
    /// Run a scenario on many seeds in parallel: every headline figure per run and year, with
    /// the median and 5-95% band.
    Ensemble(experiment::EnsembleArgs),
    /// Compare scenario B against A on the same seeds (common random numbers): paired differences
    /// B - A with 95% confidence intervals and the share of seeds where B beats A.
    Compare(experiment::CompareArgs),
    /// Sweep numeric parameters (by dotted path) over a grid or a Latin hypercube.
    Sweep(experiment::SweepArgs),
    /// Rank levers by Morris elementary effects or Sobol indices, with bootstrap intervals.
    Sensitivity(experiment::SensitivityArgs),
    /// Check the model against every stylized fact of MODEL.md on an ensemble (and two experiments):
    /// a table of facts, targets, medians with 90% bands; validation.json and one SVG per fact.
    /// Exit code 0 only if every fact holds, 1 if one does not.
    Validate(validate::ValidateArgs),
    /// Fit parameters to a targets file by the method of simulated moments (Nelder-Mead, common
    /// random numbers); writes the calibrated scenario and a fit table.
    Calibrate(validate::CalibrateArgs),
    /// List the runs recorded in the run catalog (`<root>/catalog.sqlite`).
    Runs(runs::RunsArgs),
    /// Time a run in memory, writing nothing: build and run time, throughput, time per phase, peak memory.
    Bench(bench::BenchArgs),
    /// Serve the web dashboard: scenarios, policy levers, runs with live progress, charts, the run catalog.
    Serve(serve::ServeArgs),
    /// Write a self-contained HTML report (inline SVG charts) of a run, an ensemble or a comparison.
    Report(report::ReportArgs),
    /// Print documentation generated from the model itself (Markdown, to stdout).
    Docs {
        /// What to document.
        #[arg(value_enum)]
        topic: DocTopic,
    },
}

/// Topics of `seedbed docs`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum DocTopic {
    /// Every column of every output table (city, industries, events, firms, deals, years).
    Outputs,
}

fn main() -> ExitCode {
    install_report_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Fork(args) => fork::fork(&args),
        Command::Ensemble(args) => experiment::ensemble(&args),
        Command::Compare(args) => experiment::compare(&args),
        Command::Sweep(args) => experiment::sweep(&args),
        Command::Sensitivity(args) => experiment::sensitivity(&args),
        Command::Validate(args) => validate::validate_cmd(&args),
        Command::Calibrate(args) => validate::calibrate_cmd(&args),
        Command::Runs(args) => runs::runs(&args),
        Command::Scenarios => catalog::scenarios(),
        Command::Show { scenario } => catalog::show(&scenario),
        Command::Check { files } => catalog::check(&files),
        Command::Bench(args) => bench::bench(&args),
        Command::Serve(args) => serve::serve(&args),
        Command::Report(args) => report::report(&args),
        Command::Docs { topic: DocTopic::Outputs } => docs::outputs(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Error reports: miette's graphical handler, without line wrapping when stderr is not a
/// terminal (so logs and tests see each message on one line).
fn install_report_hook() {
    let terminal = std::io::stderr().is_terminal();
    let _ = miette::set_hook(Box::new(move |_| {
        let opts = miette::MietteHandlerOpts::new();
        let opts = if terminal { opts } else { opts.wrap_lines(false).terminal_links(false).color(false) };
        Box::new(opts.build())
    }));
}

/// Writes `text` to stdout. A closed pipe (`seedbed show x | head`) is not an error worth a panic.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
