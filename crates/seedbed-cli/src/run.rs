//! `seedbed run`: simulate a scenario and write its outputs atomically.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use clap::{Args, ValueEnum};
use seedbed_model::{Column, Frame, Observation, Simulation};
use seedbed_output::{Format, RunDir, TableWriter, default_run_name, write_json_atomic, write_text_atomic};
use seedbed_scenario::{DEFAULT_NAME, to_toml};

use crate::fail::Failure;
use crate::progress::Progress;
use crate::setup::{Overrides, Setup};
use crate::summary::{headline_table, summary_json};

/// Options of `seedbed run`.
#[derive(Args, Debug)]
#[command(after_help = "\
Outputs (in a new directory, written under a hidden `.<name>.partial-<pid>` name and renamed into place \
only when complete, so an interrupted run never leaves a directory at the final path):
  city.parquet        one row per month: the city's aggregates
  industries.parquet  one row per industry and month
  events.parquet      one row per event (founded, failed, funded, certified, listed, ...)
  firms.parquet       one row per firm alive at the end
  deals.parquet       one row per venture capital deal
  years.parquet       one row per calendar year: the headline figures
  summary.json        scenario, seed, scale, months and the headline figures per year
  scenario.toml       the scenario as run (overrides applied), with `# seed = N` as first line
`seedbed docs outputs` documents every column.

Reproducibility: the same scenario and seed give byte-identical outputs, whatever the number of threads \
(RAYON_NUM_THREADS). `seedbed run DIR/scenario.toml --seed N` reproduces a run exactly; without --seed the \
seed is read from the file's `# seed = N` line.

Exit codes: 0 success; 2 bad input (unknown scenario, invalid file, bad option value, output directory \
already exists); 1 the run failed (the city could not be built, outputs could not be written).")]
pub struct RunArgs {
    /// Built-in scenario name (see `seedbed scenarios`) or path to a scenario TOML file.
    #[arg(value_name = "SCENARIO", default_value = DEFAULT_NAME)]
    pub scenario: String,
    #[command(flatten)]
    pub overrides: Overrides,
    /// Output directory; must not exist yet [default: runs/<scenario>-s<seed>-<YYYYMMDD>-<HHMMSS> (UTC)].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar and no results table: print only the output directory.
    #[arg(long, short)]
    pub quiet: bool,
    /// File format of the tables.
    #[arg(long, value_enum, default_value_t = TableFormat::Parquet)]
    pub format: TableFormat,
}

/// Table file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Apache Parquet (snappy), with each column's unit and meaning in the schema.
    Parquet,
    /// Comma-separated values with a header row.
    Csv,
}

impl TableFormat {
    fn format(self) -> Format {
        match self {
            TableFormat::Parquet => Format::Parquet,
            TableFormat::Csv => Format::Csv,
        }
    }
}

/// Runs `seedbed run`.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let setup = Setup::new(&args.scenario, &args.overrides)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&setup));
    let dir = RunDir::create(&out)?;
    let started = Instant::now();
    match simulate(&dir, &setup, args) {
        Ok(years) => {
            let path = dir.commit()?;
            finish_message(args, &setup, &years, &path, started);
            Ok(())
        }
        Err(e) => {
            let _ = dir.abandon();
            Err(e)
        }
    }
}

/// `runs/<scenario>-s<seed>-<date>-<time>` under the current directory.
fn default_out(setup: &Setup) -> PathBuf {
    let name = default_run_name(&setup.scenario.run.name, setup.seed, SystemTime::now());
    Path::new("runs").join(name)
}

/// Builds the city, simulates every month streaming the monthly tables, then writes the
/// end-of-run tables, `summary.json` and `scenario.toml`. Returns the yearly headline table.
fn simulate(dir: &RunDir, setup: &Setup, args: &RunArgs) -> Result<Frame, Failure> {
    let format = args.format.format();
    let progress = Progress::new(!args.quiet, &setup.scenario);
    let mut sim = Simulation::new(&setup.scenario, setup.seed)
        .map_err(|e| Failure::run(format!("cannot build the city of `{}`: {e}", args.scenario)))?;
    let first = sim.step();
    progress.update(&sim);
    let mut streams = Streams::create(dir, format, &first.events.columns)?;
    streams.write(&first)?;
    while !sim.done() {
        let obs = sim.step();
        streams.write(&obs)?;
        progress.update(&sim);
    }
    streams.finish()?;
    progress.finish();
    let years = sim.years_frame();
    write_table(dir, format, "firms", &sim.firms_frame())?;
    write_table(dir, format, "deals", &sim.deals_frame())?;
    write_table(dir, format, "years", &years)?;
    write_json_atomic(&dir.path_for("summary.json"), &summary_json(setup, &years))?;
    write_text_atomic(&dir.path_for("scenario.toml"), &scenario_file(setup))?;
    Ok(years)
}

/// `scenario.toml`: the seed line, then the scenario as run.
pub fn scenario_file(setup: &Setup) -> String {
    format!(
        "# seed = {seed}\n# Rerun exactly: `seedbed run <this file> --seed {seed}` (without --seed the line above is used).\n{}",
        to_toml(&setup.scenario),
        seed = setup.seed
    )
}

/// The three tables written month by month.
struct Streams {
    city: TableWriter,
    industries: TableWriter,
    events: TableWriter,
}

impl Streams {
    fn create(dir: &RunDir, format: Format, event_columns: &[Column]) -> Result<Streams, Failure> {
        let path = |name: &str| dir.path_for(&format!("{name}.{}", format.extension()));
        Ok(Streams {
            city: TableWriter::create(&path("city"), format)?,
            industries: TableWriter::create(&path("industries"), format)?,
            events: TableWriter::create_with_columns(&path("events"), format, event_columns)?,
        })
    }

    fn write(&mut self, obs: &Observation) -> Result<(), Failure> {
        self.city.write(&obs.city)?;
        self.industries.write(&obs.industries)?;
        self.events.write(&obs.events)?;
        Ok(())
    }

    fn finish(self) -> Result<(), Failure> {
        self.city.finish()?;
        self.industries.finish()?;
        self.events.finish()?;
        Ok(())
    }
}

/// Writes a whole table `name` (its schema even when it has no rows).
fn write_table(dir: &RunDir, format: Format, name: &str, frame: &Frame) -> Result<(), Failure> {
    let path = dir.path_for(&format!("{name}.{}", format.extension()));
    let mut w = TableWriter::create_with_columns(&path, format, &frame.columns)?;
    w.write(frame)?;
    w.finish()?;
    Ok(())
}

/// After a committed run: the output directory (alone with --quiet), else the results table,
/// the wall time and the directory.
fn finish_message(args: &RunArgs, setup: &Setup, years: &Frame, path: &Path, started: Instant) {
    if args.quiet {
        crate::emit(&format!("{}\n", path.display()));
        return;
    }
    let run = &setup.scenario.run;
    let mut text = format!(
        "Scenario {}, seed {}, scale {}, {} months ({} to {}): built and simulated in {:.1} s.\n\n",
        run.name,
        setup.seed,
        run.scale,
        run.months,
        setup.start(),
        setup.end(),
        started.elapsed().as_secs_f64()
    );
    text.push_str(&headline_table(setup, years));
    text.push_str(&format!("\nOutputs: {}\n", path.display()));
    crate::emit(&text);
}
