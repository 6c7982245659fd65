//! `seedbed validate` and `seedbed calibrate`: thin wrappers over `seedbed_validate`.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use seedbed_experiments::experiment::seeds;
use seedbed_experiments::vary::levers;
use seedbed_experiments::{Catalog, program_version};
use seedbed_output::{RunDir, write_json_atomic, write_text_atomic};
use seedbed_scenario::{DEFAULT_NAME, to_toml};
use seedbed_validate::calibrate::{self, Step};
use seedbed_validate::{ValidateOptions, table, validate};
use serde_json::json;

use crate::emit;
use crate::experiment::{Bar, Common, default_name, shown};
use crate::fail::Failure;
use crate::setup::{Overrides, Setup};

/// Scale of a validation when --scale is not given.
pub const VALIDATE_SCALE: f64 = 0.1;

/// Options of `seedbed validate`.
#[derive(Args, Debug)]
#[command(after_help = "\
Facts (MODEL.md, \"Stylized facts\"): the firm size tail (Pareto exponent by maximum likelihood above the \
xmin that minimises the Kolmogorov-Smirnov distance, Clauset, Shalizi and Newman 2009); growth rates \
(Laplace against Gaussian by likelihood; slope of volatility on size); new-firm survival (exit hazard by \
age; Kaplan-Meier survival at 5 years); VC outcomes (share of deals losing money; share of value from the \
top 5% of deals); innovation value (share of the top 10%); serial founders (success by the outcome of the \
previous firm); founder insurance on against off (entry, entrants' quality and survival, paired seeds); the \
guidance fund's LP share cap swept over 0, 25, 50, 75, 100% (crowding in; high share). docs/validation.md \
explains each estimator, pass rule and source.

Pass rule: a fact holds when the ensemble median of its statistic lies in its target range; the band \
shown is the 5% to 95% quantiles over runs.

Outputs (in --out): validation.json (every fact: statistic, target, pass rule, median, band, per-run \
values, holds), validation.md (the table), one SVG figure per fact, and the experiments ensemble/, \
insurance/ and guidance-fund/ with every run. Runs are recorded in the run catalog and reused; an \
interrupted validation continues with the same command plus --resume and --out.

Exit codes: 0 every fact holds; 1 some fact does not hold (the table says which) or a run failed; \
2 bad input.")]
pub struct ValidateArgs {
    /// Built-in scenario name or path to a scenario TOML file.
    #[arg(value_name = "SCENARIO", default_value = DEFAULT_NAME)]
    pub scenario: String,
    /// Number of runs (seeds) of the ensemble, and of each arm of the experiments.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub runs: u32,
    /// Skip the two experiments (founder insurance, guidance-fund share): only the ensemble's facts.
    #[arg(long)]
    pub no_experiments: bool,
    #[command(flatten)]
    pub common: Common,
}

/// `seedbed validate`.
pub fn validate_cmd(args: &ValidateArgs) -> Result<(), Failure> {
    let c = &args.common;
    let setup = Setup::new(
        &args.scenario,
        &Overrides { seed: Some(c.seed), months: c.months, scale: Some(c.scale.unwrap_or(VALIDATE_SCALE)) },
    )?;
    let seeds = seeds(c.seed, args.runs as usize).map_err(Failure::input)?;
    let dir =
        c.out.clone().unwrap_or_else(|| c.root.join(default_name(&format!("validate-{}", setup.scenario.run.name))));
    let catalog = Catalog::open(&c.root).map_err(|e| Failure::run(e.to_string()))?;
    let jobs = c.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    let opts = ValidateOptions {
        scenario: setup.scenario.clone(),
        seeds: seeds.clone(),
        dir,
        catalog: &catalog,
        version: program_version().to_string(),
        jobs,
        resume: c.resume,
        force: c.force,
        experiments: !args.no_experiments,
    };
    let bar = Bar::new(!c.quiet);
    let started = Instant::now();
    let v = validate(&opts, &|_, e| bar.event(&e));
    bar.finish();
    let v = v?;
    let held = v.facts.iter().filter(|f| f.holds).count();
    if c.quiet {
        emit(&format!("{}\n", shown(&v.dir)));
    } else {
        let s = &setup.scenario.run;
        emit(&format!(
            "Validation of {}: {} runs (seeds {} to {}), scale {}, {} months; {} runs simulated, {} reused, {} already done; {:.1} s.\n\n{}\n{held} of {} facts hold (pass rule: the ensemble median in the target range; band: 5% to 95% over runs).\n\nFiles: {}/ (validation.json, validation.md, {} figures)\n",
            s.name,
            seeds.len(),
            seeds[0],
            seeds[seeds.len() - 1],
            s.scale,
            s.months,
            v.counts.0,
            v.counts.1,
            v.counts.2,
            started.elapsed().as_secs_f64(),
            table(&v),
            v.facts.len(),
            shown(&v.dir),
            v.figures.len()
        ));
    }
    if v.all_hold() {
        Ok(())
    } else {
        let failing: Vec<&str> = v.facts.iter().filter(|f| !f.holds).map(|f| f.id).collect();
        Err(Failure::run(format!("{} of {} facts do not hold: {}", failing.len(), v.facts.len(), failing.join(", "))))
    }
}

/// Options of `seedbed calibrate`.
#[derive(Args, Debug)]
#[command(after_help = "\
Method of simulated moments: the distance sum w_i ((m_i - t_i) / |t_i|)^2 / sum w_i between the model's \
moments m_i (full-city values, averaged over --seeds seeds, the same seeds at every evaluation: common \
random numbers) and the targets t_i of the targets file, minimised by Nelder-Mead over the parameters \
(each kept within its bounds by a logistic transform).

Targets file (TOML): [[moment]] tables with name, target, optional weight (default 1) and band = [lo, hi]; \
[[parameter]] tables with path, lo and hi (or --fit PATH=LO..HI instead). scenarios/targets/hangzhou-2025.toml \
holds MODEL.md's calibration targets with their sources.

Outputs (in --out, written atomically): scenario.toml (the calibrated scenario, at the scenario's own scale \
and months), fit.csv and fit.md (each moment: target, band, weight, start, calibrated, relative deviation; \
each parameter: start and calibrated), calibration.json (every evaluation).

Exit codes: 0 success; 2 bad input (targets file with file:line:column, unknown parameter path); 1 a run failed.")]
pub struct CalibrateArgs {
    /// Built-in scenario name or path to a scenario TOML file.
    #[arg(value_name = "SCENARIO")]
    pub scenario: String,
    /// The targets file.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// A parameter to fit, by dotted path, with its bounds (repeatable; replaces the file's [[parameter]] list).
    #[arg(long, value_name = "PATH=LO..HI")]
    pub fit: Vec<String>,
    /// Seeds averaged at every evaluation (S, S+1, ...).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub seeds: u32,
    /// First seed.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Most objective evaluations (each runs every seed).
    #[arg(long, value_name = "N", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub evaluations: u32,
    /// Scale of the calibration runs [default: 0.02].
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub scale: Option<f64>,
    /// Months of the calibration runs, overriding `run.months` (the moments need 30).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub months: Option<i64>,
    /// Output directory; must not exist yet [default: runs/calibrate-<scenario>-<YYYYMMDD>-<HHMMSS> (UTC)].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Threads [default: the number of cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// No progress lines and no table: print only the output directory.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `seedbed calibrate`.
pub fn calibrate_cmd(args: &CalibrateArgs) -> Result<(), Failure> {
    let original = Setup::new(&args.scenario, &Overrides::default())?;
    let setup = Setup::new(
        &args.scenario,
        &Overrides { seed: Some(args.seed), months: args.months, scale: Some(args.scale.unwrap_or(0.02)) },
    )?;
    let mut targets = calibrate::load_targets(&args.targets, &setup.scenario)?;
    if !args.fit.is_empty() {
        targets.parameters = levers(&setup.scenario, &args.fit, true).map_err(Failure::input)?;
    }
    if targets.parameters.is_empty() {
        return Err(Failure::input(format!(
            "nothing to fit: {} lists no [[parameter]] and no --fit PATH=LO..HI was given",
            args.targets.display()
        )));
    }
    let seeds = seeds(args.seed, args.seeds as usize).map_err(Failure::input)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("runs").join(default_name(&format!("calibrate-{}", setup.scenario.run.name))));
    let rd = RunDir::create(&out)?;
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| Failure::run(e.to_string()))?;
    let paths: Vec<String> = targets.parameters.iter().map(|l| l.path.clone()).collect();
    let quiet = args.quiet;
    let total = args.evaluations;
    let mut progress = |s: &Step| {
        if !quiet {
            let ps: Vec<String> =
                paths.iter().zip(&s.params).map(|(p, v)| format!("{p} = {}", seedbed_validate::num(*v))).collect();
            eprintln!(
                "evaluation {}/{total}: distance {} (best {})  {}",
                s.evaluation,
                seedbed_validate::num(s.distance),
                seedbed_validate::num(s.best),
                ps.join(", ")
            );
        }
    };
    let fit = pool.install(|| calibrate::calibrate(&setup.scenario, &targets, &seeds, total as usize, &mut progress));
    let fit = match fit {
        Ok(f) => f,
        Err(e) => {
            let _ = rd.abandon();
            return Err(Failure::run(e));
        }
    };
    let mut calibrated = fit.scenario.clone();
    calibrated.run.scale = original.scenario.run.scale;
    calibrated.run.months = original.scenario.run.months;
    let write = || -> seedbed_output::Result<()> {
        write_text_atomic(&rd.path_for("scenario.toml"), &to_toml(&calibrated))?;
        write_text_atomic(&rd.path_for("fit.csv"), &calibrate::fit_csv(&fit))?;
        write_text_atomic(&rd.path_for("fit.md"), &calibrate::fit_markdown(&fit))?;
        let history: Vec<_> = fit
            .history
            .iter()
            .map(|s| json!({"evaluation": s.evaluation, "params": s.params, "distance": s.distance}))
            .collect();
        write_json_atomic(
            &rd.path_for("calibration.json"),
            &json!({
                "scenario": setup.scenario.run.name,
                "targets": args.targets.display().to_string(),
                "seeds": seeds,
                "scale": setup.scenario.run.scale,
                "months": setup.scenario.run.months,
                "parameters": paths,
                "distance_start": fit.distance_start,
                "distance": fit.distance,
                "evaluations": fit.evaluations,
                "converged": fit.converged,
                "history": history,
            }),
        )
    };
    if let Err(e) = write() {
        let _ = rd.abandon();
        return Err(e.into());
    }
    let dir = rd.commit()?;
    if quiet {
        emit(&format!("{}\n", shown(&dir)));
    } else {
        emit(&format!(
            "{}\nFiles: {}/ (scenario.toml, fit.csv, fit.md, calibration.json)\n",
            calibrate::fit_markdown(&fit),
            shown(&dir)
        ));
    }
    Ok(())
}
