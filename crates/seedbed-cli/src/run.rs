//! `seedbed run`: simulate a scenario and write its outputs atomically.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use clap::{Args, ValueEnum};
use seedbed_experiments::catalog::{Catalog, CatalogError, NewRun, Status};
use seedbed_experiments::member::{RunError, write_run};
use seedbed_experiments::{program_version, scenario_hash};
use seedbed_model::Frame;
use seedbed_output::{Format, RunDir, default_run_name};
use seedbed_scenario::DEFAULT_NAME;

use crate::fail::Failure;
use crate::progress::Progress;
use crate::setup::{Overrides, Setup};
use crate::summary::headline_table;

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
    /// Stop after month YYYY-MM (inclusive) and write a checkpoint instead of a run directory
    /// (needs --checkpoint); continue it, or branch what-ifs from it, with `seedbed fork FILE`.
    #[arg(long, value_name = "YYYY-MM", requires = "checkpoint", conflicts_with = "out")]
    pub until: Option<String>,
    /// Checkpoint file written at --until (must not exist yet).
    #[arg(long, value_name = "FILE", requires = "until")]
    pub checkpoint: Option<PathBuf>,
    /// Output root whose run catalog (`catalog.sqlite`, listed by `seedbed runs`) records the run.
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub root: PathBuf,
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
    if let (Some(until), Some(file)) = (&args.until, &args.checkpoint) {
        return crate::fork::run_until(args, until, file);
    }
    let setup = Setup::new(&args.scenario, &args.overrides)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&setup));
    let dir = RunDir::create(&out)?;
    let record = Record::begin(args, &setup, &out);
    let started = Instant::now();
    match simulate(&dir, &setup, args) {
        Ok(years) => {
            let path = dir.commit()?;
            record.end(Status::Done, None);
            finish_message(args, &setup, &years, &path, started);
            Ok(())
        }
        Err(e) => {
            let _ = dir.abandon();
            record.end(Status::Failed, Some(&e.message()));
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
    let progress = Progress::new(!args.quiet, &setup.scenario);
    let years = write_run(dir, &setup.scenario, setup.seed, args.format.format(), &mut |sim| progress.update(sim))
        .map_err(|e| match e {
            RunError::Build(e) => Failure::run(format!("cannot build the city of `{}`: {e}", args.scenario)),
            RunError::Output(e) => Failure::from(e),
        })?;
    progress.finish();
    Ok(years)
}

/// The run's row in the catalog of `--root` (`seedbed runs` lists it). Recording is best
/// effort: a catalog that cannot be opened or written is reported as a warning on stderr and
/// the run goes on.
struct Record {
    entry: Option<(Catalog, i64)>,
    started: SystemTime,
}

impl Record {
    fn begin(args: &RunArgs, setup: &Setup, out: &Path) -> Record {
        let started = SystemTime::now();
        let entry = || -> Result<(Catalog, i64), CatalogError> {
            let catalog = Catalog::open(&args.root)?;
            let run = NewRun {
                kind: "run".into(),
                experiment: None,
                member: None,
                scenario: setup.scenario.run.name.clone(),
                scenario_hash: scenario_hash(&setup.scenario),
                seed: setup.seed,
                version: program_version().to_string(),
                format: args.format.format().extension().into(),
                outputs: std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf()),
            };
            let id = catalog.begin(&run, started)?;
            Ok((catalog, id))
        };
        let entry = entry().map_err(|e| eprintln!("warning: the run is not recorded in the run catalog: {e}")).ok();
        Record { entry, started }
    }

    fn end(&self, status: Status, error: Option<&str>) {
        if let Some((catalog, id)) = &self.entry
            && let Err(e) = catalog.finish(*id, status, self.started, error)
        {
            eprintln!("warning: the end of the run is not recorded in the run catalog: {e}");
        }
    }
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
