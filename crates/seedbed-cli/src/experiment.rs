//! `seedbed ensemble`, `compare`, `sweep` and `sensitivity`: experiments of many runs, run by
//! `seedbed_experiments::runner` with a progress bar, and their results printed.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Instant, SystemTime};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use seedbed_experiments::experiment::{Experiment, Method, SweepDesign, seeds};
use seedbed_experiments::member::headline_names;
use seedbed_experiments::reduce::{FigurePaired, FigureSummary, Index, Report};
use seedbed_experiments::runner::{self, Event, Options, Outcome};
use seedbed_experiments::vary::levers;
use seedbed_experiments::{Catalog, program_version};
use seedbed_model::Scenario;
use seedbed_model::schema::nearest;
use seedbed_output::UtcDateTime;
use seedbed_scenario::DEFAULT_NAME;

use crate::emit;
use crate::fail::Failure;
use crate::setup::{Overrides, Setup};
use crate::summary::{SHOWN, thousands};

/// A command's own help followed by what every experiment shares.
macro_rules! with_common_help {
    ($own:literal) => {
        concat!(
            $own,
            "\n\n",
            "Seeds: the runs use seeds S, S+1, ..., S+N-1 (S = --seed, default 1); every design point of a sweep or \
sensitivity analysis uses the same seeds.

Outputs: the experiment directory (--out) holds experiment.json (what the experiment is: scenarios, \
design points, runs), the base scenario(s) as TOML, runs/<run>/ with the files of `seedbed run` for \
every run, and the result tables at its top. Every file and run directory is written atomically. \
Every run is recorded in the run catalog <root>/catalog.sqlite (`seedbed runs` lists it); a run of an \
identical scenario, seed and program version found there is not computed again but linked (--force \
computes it anyway).

Interruptions: an experiment stopped at any moment (Ctrl-C, kill -9, a crash) continues with the same \
command plus --resume and --out DIR; it ends with exactly the runs and tables of an uninterrupted one. \
Results are byte-identical whatever --jobs and however often the experiment was resumed.

Exit codes: 0 success; 2 bad input (unknown scenario, option or parameter path, an existing \
experiment directory without --resume, an experiment directory holding another experiment); 1 a run \
failed (the others are kept: --resume runs the failed ones)."
        )
    };
}

/// Options shared by every experiment.
#[derive(Args, Debug, Clone)]
pub struct Common {
    /// First seed: the runs use seeds S, S+1, ..., S+N-1.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Number of months to simulate, overriding `run.months` (1 to 1200).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub months: Option<i64>,
    /// Scale of the city, overriding `run.scale` (0.0001 to 4): 0.01 is a 1% sample city.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub scale: Option<f64>,
    /// Experiment directory; must not exist yet unless --resume
    /// [default: <root>/<kind>-<scenario>-<YYYYMMDD>-<HHMMSS> (UTC)].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output root: holds the run catalog `catalog.sqlite` and the default --out.
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub root: PathBuf,
    /// Runs simulated at once [default: the number of cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Continue the experiment in --out DIR (started by the same command and interrupted), or
    /// start it there if it does not exist yet.
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Compute every run, even those the catalog already holds for this program version.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no results table: print only the experiment directory.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `seedbed ensemble`.
#[derive(Args, Debug)]
#[command(after_help = ENSEMBLE_HELP)]
pub struct EnsembleArgs {
    /// Built-in scenario name or path to a scenario TOML file.
    #[arg(value_name = "SCENARIO", default_value = DEFAULT_NAME)]
    pub scenario: String,
    /// Number of runs (seeds).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub runs: u32,
    #[command(flatten)]
    pub common: Common,
}

const ENSEMBLE_HELP: &str = with_common_help!(
    "Tables: ensemble.parquet (every headline figure of years.parquet per run and year: member, seed, year, \
figures) and summary.parquet (per figure and year: runs, mean, sd, median, 5% and 95% quantiles)."
);

/// Options of `seedbed compare`.
#[derive(Args, Debug)]
#[command(after_help = COMPARE_HELP)]
pub struct CompareArgs {
    /// Scenario A, the reference (built-in name or TOML file).
    #[arg(value_name = "A")]
    pub a: String,
    /// Scenario B, compared against A.
    #[arg(value_name = "B")]
    pub b: String,
    /// Number of seeds; each is run with A and with B.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub runs: u32,
    /// Run B on its own seeds (S+N to S+2N-1) instead of A's: no common random numbers. For
    /// checking how much they narrow the intervals.
    #[arg(long)]
    pub independent: bool,
    #[command(flatten)]
    pub common: Common,
}

const COMPARE_HELP: &str = with_common_help!(
    "Common random numbers: A and B run on the same seeds, and the model keys every random draw by \
(seed, phase, month, agent), so the two runs of a seed share their draws wherever their agents coincide: \
the paired difference B - A measures the policy, not the luck.

Tables: compare.parquet (per figure and year: better direction, pairs, mean of A and B, mean difference \
B - A, its sd, its 95% confidence interval (t-based), the share of seeds where B beats A and where they \
are equal) and members.parquet (every headline figure per run and year, with scenario a or b). Less is \
better for deaths, unemployment_rate, policy_spend_bn, policy_spend_total_bn and spend_per_breakthrough_bn; \
more for every other figure."
);

/// Sweep designs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DesignArg {
    /// Every combination of --points equally spaced values per parameter (points^parameters).
    Grid,
    /// A Latin hypercube of --points points (seeded by --design-seed).
    Lhs,
}

/// Options of `seedbed sweep`.
#[derive(Args, Debug)]
#[command(after_help = SWEEP_HELP)]
pub struct SweepArgs {
    /// Built-in scenario name or path to a scenario TOML file.
    #[arg(value_name = "SCENARIO")]
    pub scenario: String,
    /// A numeric parameter and its range, by dotted path: `labour.graduates_per_year=300000..400000`
    /// (repeatable; `seedbed show SCENARIO` lists every parameter).
    #[arg(long, value_name = "PATH=LO..HI", required = true)]
    pub vary: Vec<String>,
    /// How the points are placed.
    #[arg(long, value_enum, default_value_t = DesignArg::Grid)]
    pub design: DesignArg,
    /// Grid: values per parameter (LO to HI, equally spaced); lhs: points in all.
    #[arg(long, value_name = "K", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub points: u32,
    /// Seeds per point.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub runs: u32,
    /// Seed of the Latin hypercube.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub design_seed: u64,
    #[command(flatten)]
    pub common: Common,
}

const SWEEP_HELP: &str = with_common_help!(
    "Integer parameters take rounded values. Unknown paths, non-numeric parameters, values outside a \
parameter's allowed range and scenarios made invalid by a point are bad input (exit code 2); an \
unknown path lists the closest valid ones.

Tables: sweep.parquet (every headline figure per run and year, with the point and its parameter values) \
and summary.parquet (per point, figure and year: runs, mean, sd, median, 5% and 95% quantiles)."
);

/// Sensitivity methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Morris elementary effects: mu*, mu and sigma per parameter (trajectories x (parameters + 1) points).
    Morris,
    /// Sobol first- and total-order indices from a Saltelli design (samples x (parameters + 2) points).
    Sobol,
}

/// Options of `seedbed sensitivity`.
#[derive(Args, Debug)]
#[command(after_help = SENSITIVITY_HELP)]
pub struct SensitivityArgs {
    /// Built-in scenario name or path to a scenario TOML file.
    #[arg(value_name = "SCENARIO")]
    pub scenario: String,
    /// The method.
    #[arg(long, value_enum, default_value_t = MethodArg::Morris)]
    pub method: MethodArg,
    /// A numeric parameter and its range, by dotted path (repeatable; at least one).
    #[arg(long, value_name = "PATH=LO..HI", required = true)]
    pub vary: Vec<String>,
    /// Morris: number of trajectories.
    #[arg(long, value_name = "R", default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub trajectories: u32,
    /// Morris: grid levels per parameter (even).
    #[arg(long, value_name = "P", default_value_t = 4, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub levels: u32,
    /// Sobol: base sample size N of the Saltelli design.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub samples: u32,
    /// Seeds per design point (the output at a point is the mean over its seeds).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub runs: u32,
    /// Bootstrap resamples for the 95% intervals.
    #[arg(long, value_name = "B", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub bootstrap: u32,
    /// Seed of the design and of the bootstrap.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub design_seed: u64,
    /// Headline figure whose ranking is printed (repeatable; the table has every figure).
    #[arg(long, value_name = "NAME", default_values_t = ["frontier_firms".to_string()])]
    pub figure: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

const SENSITIVITY_HELP: &str = with_common_help!(
    "The output analysed is each headline figure in the last year of the run, averaged over the seeds of \
a design point. Parameters are scaled to their range: a Morris effect is the change of the figure when \
the parameter moves across its whole range LO..HI. Morris: mu* (mean absolute effect) ranks the levers, \
sigma shows non-linearity and interactions, with a 95% bootstrap interval of mu* over trajectories. \
Sobol: S1 (the parameter alone) and ST (with its interactions), Saltelli 2010 and Jansen estimators, \
95% bootstrap intervals over design rows; levers ranked by ST.

Tables: sensitivity.parquet (per figure and parameter: rank and indices with intervals) and \
members.parquet (the last year's headline figures of every run, with its point and parameter values)."
);

/// Runs `seedbed ensemble`.
pub fn ensemble(args: &EnsembleArgs) -> Result<(), Failure> {
    let c = &args.common;
    let setup = scenario(&args.scenario, c)?;
    let seeds = seeds(c.seed, args.runs as usize).map_err(Failure::input)?;
    let exp = Experiment::ensemble(setup.scenario.clone(), &seeds).map_err(Failure::input)?;
    let name = format!("ensemble-{}", setup.scenario.run.name);
    let (outcome, secs) = execute(&exp, c, &name)?;
    if c.quiet {
        return quiet(&outcome);
    }
    let mut text = header(
        &format!("Ensemble of {} runs of {}", args.runs, setup.scenario.run.name),
        &setup.scenario,
        &seeds,
        &outcome,
        secs,
    );
    if let Report::Ensemble(rows) = &outcome.report {
        text.push_str(&ensemble_table(rows));
    }
    text.push_str(&footer(
        &outcome,
        &[
            ("ensemble.parquet", "every headline figure per run and year"),
            ("summary.parquet", "median, 5-95% band, mean and sd per figure and year"),
        ],
    ));
    emit(&text);
    Ok(())
}

/// Runs `seedbed compare`.
pub fn compare(args: &CompareArgs) -> Result<(), Failure> {
    let c = &args.common;
    let a = scenario(&args.a, c)?;
    let b = scenario(&args.b, c)?;
    let seeds = seeds(c.seed, args.runs as usize).map_err(Failure::input)?;
    let exp = Experiment::compare(a.scenario.clone(), b.scenario.clone(), &seeds, args.independent)
        .map_err(Failure::input)?;
    let name = format!("compare-{}-vs-{}", a.scenario.run.name, b.scenario.run.name);
    let (outcome, secs) = execute(&exp, c, &name)?;
    if c.quiet {
        return quiet(&outcome);
    }
    let how = if args.independent { "independent seeds" } else { "common random numbers" };
    let title = format!(
        "Comparison of B = {} against A = {}, {} seeds ({how})",
        b.scenario.run.name, a.scenario.run.name, args.runs
    );
    let mut text = header(&title, &a.scenario, &seeds, &outcome, secs);
    if let Report::Compare(rows) = &outcome.report {
        text.push_str(&compare_table(rows));
    }
    text.push_str(&footer(
        &outcome,
        &[
            (
                "compare.parquet",
                "B - A per figure and year with its 95% interval and the share of seeds where B beats A",
            ),
            ("members.parquet", "every headline figure per run and year"),
        ],
    ));
    emit(&text);
    Ok(())
}

/// Runs `seedbed sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    let c = &args.common;
    let setup = scenario(&args.scenario, c)?;
    let levers = levers(&setup.scenario, &args.vary, false).map_err(Failure::input)?;
    let seeds = seeds(c.seed, args.runs as usize).map_err(Failure::input)?;
    let design = match args.design {
        DesignArg::Grid => SweepDesign::Grid,
        DesignArg::Lhs => SweepDesign::Lhs,
    };
    let exp = Experiment::sweep(setup.scenario.clone(), levers, design, args.points as usize, args.design_seed, &seeds)
        .map_err(Failure::input)?;
    let name = format!("sweep-{}", setup.scenario.run.name);
    let (outcome, secs) = execute(&exp, c, &name)?;
    if c.quiet {
        return quiet(&outcome);
    }
    let title = format!("Sweep of {} over {} points x {} seeds", setup.scenario.run.name, exp.points.len(), args.runs);
    let mut text = header(&title, &setup.scenario, &seeds, &outcome, secs);
    if let Report::Sweep(points) = &outcome.report {
        text.push_str(&sweep_table(&exp, points));
    }
    text.push_str(&footer(
        &outcome,
        &[
            ("sweep.parquet", "every headline figure per run and year, with its point"),
            ("summary.parquet", "median, 5-95% band, mean and sd per point, figure and year"),
        ],
    ));
    emit(&text);
    Ok(())
}

/// Runs `seedbed sensitivity`.
pub fn sensitivity(args: &SensitivityArgs) -> Result<(), Failure> {
    let c = &args.common;
    let setup = scenario(&args.scenario, c)?;
    let levers = levers(&setup.scenario, &args.vary, true).map_err(Failure::input)?;
    let names = headline_names(&setup.scenario)
        .map_err(|e| Failure::run(format!("cannot build the city of `{}`: {e}", args.scenario)))?;
    for f in &args.figure {
        if !names.contains(f) {
            let close = nearest(f, names.iter().map(String::as_str), 3);
            return Err(Failure::input(format!(
                "--figure {f}: no such headline figure; did you mean {}? The figures: {}",
                close.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                names.join(", ")
            )));
        }
    }
    let seeds = seeds(c.seed, args.runs as usize).map_err(Failure::input)?;
    let method = match args.method {
        MethodArg::Morris => Method::Morris { trajectories: args.trajectories as usize, levels: args.levels as usize },
        MethodArg::Sobol => Method::Sobol { samples: args.samples as usize },
    };
    let exp = Experiment::sensitivity(
        setup.scenario.clone(),
        levers,
        method,
        args.design_seed,
        &seeds,
        args.bootstrap as usize,
    )
    .map_err(Failure::input)?;
    let name = format!("sensitivity-{}", setup.scenario.run.name);
    let (outcome, secs) = execute(&exp, c, &name)?;
    if c.quiet {
        return quiet(&outcome);
    }
    let title = format!(
        "Sensitivity ({}) of {} to {} parameters: {} points x {} seeds",
        method.name(),
        setup.scenario.run.name,
        exp.levers.len(),
        exp.points.len(),
        args.runs
    );
    let mut text = header(&title, &setup.scenario, &seeds, &outcome, secs);
    if let Report::Sensitivity { rows, .. } = &outcome.report {
        for f in &args.figure {
            text.push_str(&sensitivity_table(method, f, rows));
        }
    }
    text.push_str(&footer(
        &outcome,
        &[
            ("sensitivity.parquet", "indices and ranks per figure and parameter"),
            ("members.parquet", "the last year's headline figures of every run"),
        ],
    ));
    emit(&text);
    Ok(())
}

/// Resolves a scenario with --months and --scale applied (range-checked, validated).
fn scenario(name: &str, c: &Common) -> Result<Setup, Failure> {
    Setup::new(name, &Overrides { seed: Some(c.seed), months: c.months, scale: c.scale })
}

/// Opens the catalog, runs the experiment with a progress bar; returns the outcome and the
/// wall time.
fn execute(exp: &Experiment, c: &Common, name: &str) -> Result<(Outcome, f64), Failure> {
    let dir = c.out.clone().unwrap_or_else(|| c.root.join(default_name(name)));
    let catalog = Catalog::open(&c.root).map_err(|e| Failure::run(e.to_string()))?;
    let jobs = c.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    let opts = Options {
        dir,
        catalog: &catalog,
        version: program_version().to_string(),
        jobs,
        resume: c.resume,
        force: c.force,
    };
    let bar = Bar::new(!c.quiet);
    let started = Instant::now();
    let outcome = runner::run(exp, &opts, &|e| bar.event(&e));
    bar.finish();
    Ok((outcome?, started.elapsed().as_secs_f64()))
}

/// `<kind>-<scenario>-<YYYYMMDD>-<HHMMSS>` (UTC), with characters other than letters, digits,
/// `-`, `_` and `.` replaced by `-`.
pub(crate) fn default_name(name: &str) -> String {
    let t = UtcDateTime::from_system_time(SystemTime::now());
    let clean: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    format!(
        "{}-{:04}{:02}{:02}-{:02}{:02}{:02}",
        clean.trim_start_matches('.'),
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second
    )
}

fn quiet(outcome: &Outcome) -> Result<(), Failure> {
    emit(&format!("{}\n", shown(&outcome.dir)));
    Ok(())
}

/// `path` relative to the current directory when it lies below it.
pub(crate) fn shown(path: &std::path::Path) -> String {
    let cwd = std::env::current_dir().ok();
    cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path).display().to_string()
}

/// The first lines: what ran, how the runs came to be done, and how long it took.
fn header(title: &str, s: &Scenario, seeds: &[u64], o: &Outcome, secs: f64) -> String {
    let run = &s.run;
    let seeds = match (seeds.first(), seeds.last()) {
        (Some(a), Some(b)) if a != b => format!("seeds {a} to {b}"),
        (Some(a), _) => format!("seed {a}"),
        _ => String::new(),
    };
    let n = o.counts;
    format!(
        "{title}: {seeds}, scale {}, {} months from {:04}-{:02}.\n\
         {} runs simulated, {} reused from the run catalog, {} already done; {:.1} s.\n\n",
        run.scale, run.months, run.start_year, run.start_month, n.computed, n.reused, n.resumed, secs
    )
}

/// The tables written and the run directories.
fn footer(o: &Outcome, tables: &[(&str, &str)]) -> String {
    let mut text = String::from("\nTables:\n");
    let paths: Vec<String> = tables.iter().map(|(name, _)| shown(&o.dir.join(name))).collect();
    let w = paths.iter().map(String::len).max().unwrap_or(0);
    for (path, (_, what)) in paths.iter().zip(tables) {
        text.push_str(&format!("  {path:<w$}  {what}\n"));
    }
    text.push_str(&format!(
        "Runs: {}/ ({} run directories)\n",
        shown(&o.dir.join("runs")),
        o.counts.computed + o.counts.reused + o.counts.resumed
    ));
    text
}

/// The label of a figure (the run table's wording where it has one).
fn label(figure: &str) -> String {
    SHOWN.iter().find(|(n, _)| *n == figure).map_or_else(|| figure.to_string(), |(_, l)| l.to_string())
}

/// A number for a table: shares as percentages, whole numbers with thousands separators,
/// otherwise three significant digits (two decimals from 1 to 100); `n/a` if not finite.
fn num(x: f64, unit: &str) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let x = if unit == "share" { x * 100.0 } else { x };
    let a = x.abs();
    if a >= 1000.0 || (x.fract() == 0.0 && a < 1e15) {
        thousands(x.round() as i64)
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        let digits = (2 - a.log10().floor() as i64).clamp(2, 8) as usize;
        format!("{x:.digits$}")
    }
}

fn unit_label(unit: &str) -> &str {
    if unit == "share" { "%" } else { unit }
}

/// Aligned columns: column j is left-aligned if `align[j]` is `l`, else right-aligned.
fn render(rows: &[Vec<String>], align: &str) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|j| rows.iter().map(|r| r.get(j).map_or(0, |c| c.chars().count())).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (j, cell) in r.iter().enumerate() {
            let w = widths[j];
            if align.as_bytes().get(j) == Some(&b'l') {
                line.push_str(&format!("  {cell:<w$}"));
            } else {
                line.push_str(&format!("  {cell:>w$}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The last year of a set of rows.
fn last_year<T>(rows: &[T], year: impl Fn(&T) -> i64) -> Option<i64> {
    rows.iter().map(year).max()
}

/// The shown figures in the last year: median and 5-95% band.
fn ensemble_table(rows: &[FigureSummary]) -> String {
    let Some(year) = last_year(rows, |r| r.year) else { return String::new() };
    let mut table = vec![vec!["".into(), "median".into(), "5%".into(), "95%".into(), "".into()]];
    for (figure, _) in SHOWN {
        if let Some(r) = rows.iter().find(|r| r.year == year && r.figure == figure) {
            let s = &r.stats;
            table.push(vec![
                label(figure),
                num(s.median, r.unit),
                num(s.p05, r.unit),
                num(s.p95, r.unit),
                unit_label(r.unit).into(),
            ]);
        }
    }
    let n = rows.first().map_or(0, |r| r.stats.n);
    format!("Results for {year} over {n} runs:\n{}", render(&table, "lrrrl"))
}

/// The shown figures in the last year: means, paired difference, interval, share B beats A.
fn compare_table(rows: &[FigurePaired]) -> String {
    let Some(year) = last_year(rows, |r| r.year) else { return String::new() };
    let mut table = vec![vec![
        "".into(),
        "A".into(),
        "B".into(),
        "B - A".into(),
        "95% interval".into(),
        "B better".into(),
        "".into(),
    ]];
    for (figure, _) in SHOWN {
        if let Some(r) = rows.iter().find(|r| r.year == year && r.figure == figure) {
            let p = &r.stats;
            table.push(vec![
                label(figure),
                num(p.mean_a, r.unit),
                num(p.mean_b, r.unit),
                num(p.diff, r.unit),
                format!("[{}, {}]", num(p.ci_low, r.unit), num(p.ci_high, r.unit)),
                if p.share_b_beats_a.is_finite() {
                    format!("{}%", num(p.share_b_beats_a, "share"))
                } else {
                    "n/a".into()
                },
                unit_label(r.unit).into(),
            ]);
        }
    }
    format!(
        "Results for {year}: means over seeds, the paired difference B - A with its 95% confidence interval, \
         and the share of seeds where B is better:\n{}",
        render(&table, "lrrrrrl")
    )
}

/// Figures shown per sweep point.
const SWEEP_SHOWN: [&str; 4] = ["frontier_firms", "unicorns", "firms", "jobs"];

/// Medians of a few figures in each point's last year (the first 50 points).
fn sweep_table(exp: &Experiment, points: &[seedbed_experiments::reduce::PointSummary]) -> String {
    let last: Vec<Option<i64>> = points.iter().map(|p| last_year(&p.rows, |r| r.year)).collect();
    let mut years: Vec<i64> = last.iter().flatten().copied().collect();
    years.dedup();
    let one_year = years.len() == 1;
    let mut head = vec!["point".to_string()];
    head.extend(exp.levers.iter().map(|l| l.path.clone()));
    if !one_year {
        head.push("year".into());
    }
    head.extend(SWEEP_SHOWN.iter().map(|f| label(f)));
    head.push(String::new());
    let mut table = vec![head];
    for (p, year) in points.iter().zip(&last).take(50) {
        let Some(year) = *year else { continue };
        let mut row = vec![p.point.to_string()];
        row.extend(p.values.iter().map(|v| num(*v, "")));
        if !one_year {
            row.push(year.to_string());
        }
        for f in SWEEP_SHOWN {
            let r = p.rows.iter().find(|r| r.year == year && r.figure == f);
            row.push(r.map_or_else(|| "n/a".into(), |r| num(r.stats.median, r.unit)));
        }
        row.push(String::new());
        table.push(row);
    }
    let more = if points.len() > 50 { format!("  ... and {} more points\n", points.len() - 50) } else { String::new() };
    let when = if one_year { format!("in {}", years[0]) } else { "in the last year of each point".into() };
    let align = format!("{}l", "r".repeat(table[0].len() - 1));
    format!("Medians over seeds {when}:\n{}{more}", render(&table, &align))
}

/// The levers ranked for one figure.
fn sensitivity_table(method: Method, figure: &str, rows: &[seedbed_experiments::reduce::Influence]) -> String {
    let mut mine: Vec<&seedbed_experiments::reduce::Influence> = rows.iter().filter(|r| r.figure == figure).collect();
    mine.sort_by_key(|r| r.rank);
    let Some(first) = mine.first() else { return String::new() };
    let unit = first.unit;
    let mut table = match method {
        Method::Morris { .. } => vec![vec![
            "rank".into(),
            "parameter".into(),
            "mu*".into(),
            "95% interval".into(),
            "mu".into(),
            "sigma".into(),
            "".into(),
        ]],
        Method::Sobol { .. } => vec![vec![
            "rank".into(),
            "parameter".into(),
            "ST".into(),
            "95% interval".into(),
            "S1".into(),
            "95% interval".into(),
            "".into(),
        ]],
    };
    for r in &mine {
        let row = match &r.index {
            Index::Morris(m) => vec![
                r.rank.to_string(),
                r.parameter.clone(),
                num(m.mu_star, unit),
                format!("[{}, {}]", num(m.mu_star_low, unit), num(m.mu_star_high, unit)),
                num(m.mu, unit),
                num(m.sigma, unit),
                String::new(),
            ],
            Index::Sobol(s, _) => vec![
                r.rank.to_string(),
                r.parameter.clone(),
                num(s.st, ""),
                format!("[{}, {}]", num(s.st_low, ""), num(s.st_high, "")),
                num(s.s1, ""),
                format!("[{}, {}]", num(s.s1_low, ""), num(s.s1_high, "")),
                String::new(),
            ],
        };
        table.push(row);
    }
    let what = match method {
        Method::Morris { .. } => {
            format!("effects in {} per move of a parameter across its range; ranked by mu*", unit_label(unit))
        }
        Method::Sobol { .. } => "shares of the variance; ranked by ST".to_string(),
    };
    format!("{} ({figure}) in the last year: {what}\n{}", label(figure), render(&table, "rlrrrrl"))
}

/// The progress bar of an experiment: runs done of all, reused and failed counts, ETA.
/// Shown only on a terminal and without --quiet.
pub(crate) struct Bar {
    bar: Option<ProgressBar>,
    reused: AtomicUsize,
    failed: AtomicUsize,
}

impl Bar {
    pub(crate) fn new(show: bool) -> Bar {
        let bar = (show && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let template = "{elapsed_precise} [{wide_bar:.cyan/blue}] {pos}/{len} runs{msg}, ETA {eta}";
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(", planning");
            bar.enable_steady_tick(std::time::Duration::from_millis(250));
            bar
        });
        Bar { bar, reused: AtomicUsize::new(0), failed: AtomicUsize::new(0) }
    }

    pub(crate) fn event(&self, e: &Event<'_>) {
        let Some(bar) = &self.bar else { return };
        match e {
            Event::Start { total, done } => {
                bar.set_length(*total as u64);
                bar.set_position(*done as u64);
                bar.reset_eta();
                bar.set_message(if *done > 0 { format!(", {done} already done") } else { String::new() });
            }
            Event::Finished { reused, .. } => {
                if *reused {
                    self.reused.fetch_add(1, Ordering::Relaxed);
                }
                bar.inc(1);
                bar.set_message(self.message());
            }
            Event::Failed { member, error } => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                bar.println(format!("run {} failed: {error}", member.name));
                bar.inc(1);
                bar.set_message(self.message());
            }
            Event::Reducing => bar.set_message(", writing the result tables"),
        }
    }

    fn message(&self) -> String {
        let (r, f) = (self.reused.load(Ordering::Relaxed), self.failed.load(Ordering::Relaxed));
        let mut m = String::new();
        if r > 0 {
            m.push_str(&format!(", {r} reused"));
        }
        if f > 0 {
            m.push_str(&format!(", {f} failed"));
        }
        m
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_tables() {
        assert_eq!(num(12.0, "firms"), "12");
        assert_eq!(num(12345.6, "people"), "12,346");
        assert_eq!(num(2088.5, "firms"), "2,089");
        assert_eq!(num(0.0312, "share"), "3.12");
        assert_eq!(num(-0.25, "firms"), "-0.250");
        assert_eq!(num(f64::NAN, "x"), "n/a");
        assert_eq!(num(150.25, "x"), "150.2");
    }

    #[test]
    fn default_names_are_plain() {
        let n = default_name("compare-a/b-vs-c");
        assert!(n.starts_with("compare-a-b-vs-c-2"), "{n}");
    }

    #[test]
    fn tables_align() {
        let t =
            render(&[vec!["a".into(), "1".into(), "x".into()], vec!["bbb".into(), "100".into(), "y".into()]], "lrl");
        assert_eq!(t, "  a      1  x\n  bbb  100  y\n");
    }
}
