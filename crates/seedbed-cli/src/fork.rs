//! Checkpoints and forks: `seedbed run ... --until YYYY-MM --checkpoint FILE` runs the city to a
//! policy date once; `seedbed fork FILE [--with variant.toml] [--set PATH=VALUE]...` branches
//! what-ifs from there. A fork without changes writes the same run directory, byte for byte, as
//! the unbroken `seedbed run` of the scenario and seed.
//!
//! The checkpoint (the model's format, `seedbed_model::checkpoint`) carries the world, the exact
//! scenario, `scenario.toml`'s text, and as its extra bytes the monthly city, industry and event
//! tables of the months simulated so far: the fork writes them first, then goes on.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use clap::Args;
use seedbed_experiments::member::{scenario_file, write_end_of_run};
use seedbed_model::checkpoint::{self, from_bytes, scenario_changes, to_bytes};
use seedbed_model::schema::{Kind, Value, get_path, set_path};
use seedbed_model::{Frame, Observation, Scenario, Simulation};
use seedbed_output::{Format, RunDir, TableWriter, default_run_name};
use seedbed_scenario::{ScenarioError, load_file, validate};

use crate::fail::Failure;
use crate::progress::Progress;
use crate::run::{RunArgs, TableFormat};
use crate::setup::{Setup, month_label};
use crate::summary::headline_table;

/// Options of `seedbed fork`.
#[derive(Args, Debug)]
#[command(after_help = "\
Write a checkpoint with `seedbed run SCENARIO [--scale X] [--months N] [--seed N] --until YYYY-MM \
--checkpoint FILE`: the run stops after month YYYY-MM and writes FILE instead of a run directory.

What the fork runs:
  no --with, no --set  the checkpoint's own scenario: the output directory is byte for byte the one \
the unbroken `seedbed run` writes
  --with FILE          a scenario file, read like `seedbed run FILE` (it starts from its `base` built-in, \
not from the checkpoint's scenario, so it must repeat run.scale and the run's other settings)
  --set PATH=VALUE     one parameter changed, on top of the checkpoint's scenario (or of --with's); \
repeatable. VALUE is a number, true/false, a word, or a list `a,b` / `[1.5, 2]`.
The seed is the checkpoint's. The fork must keep the industries and packages (ids and order), \
run.scale and the start month; everything else may change and applies from the month after the \
checkpoint. Parameters read only when the city is built (the start population, firm counts, the \
guidance fund's size, ...) have no effect, and the current year's package budgets stay as opened in \
January (fork at a December for a clean policy year).

Outputs: the run directory of `seedbed run` (city, industries and events hold the checkpoint's months too).

Exit codes: 0 success; 2 bad input (not a checkpoint, a checkpoint from another Seedbed version, an \
invalid variant or --set, a scenario that cannot continue the checkpoint, existing output directory); \
1 the run failed.")]
pub struct ForkArgs {
    /// Checkpoint file written by `seedbed run ... --until YYYY-MM --checkpoint FILE`.
    #[arg(value_name = "FILE")]
    pub checkpoint: PathBuf,
    /// Continue with this scenario file instead of the checkpoint's scenario.
    #[arg(long, value_name = "FILE")]
    pub with: Option<PathBuf>,
    /// Change a parameter by dotted path, e.g. `--set policy.pilots.enabled=false` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Months of the whole run, counted from its start (overrides run.months; more than the checkpoint's).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub months: Option<i64>,
    /// Output directory; must not exist yet [default: runs/<scenario>-s<seed>-<YYYYMMDD>-<HHMMSS> (UTC)].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar and no results table: print only the output directory.
    #[arg(long, short)]
    pub quiet: bool,
    /// File format of the tables.
    #[arg(long, value_enum, default_value_t = TableFormat::Parquet)]
    pub format: TableFormat,
    /// Not allowed: a fork continues the checkpoint's seed.
    #[arg(long, value_name = "N", hide = true)]
    pub seed: Option<u64>,
    /// Not allowed: a fork keeps the checkpoint's scale.
    #[arg(long, value_name = "X", hide = true, allow_negative_numbers = true)]
    pub scale: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// seedbed run --until --checkpoint

/// `seedbed run ... --until YYYY-MM --checkpoint FILE`: simulates up to and including `until`
/// and writes the checkpoint atomically (no run directory).
pub fn run_until(args: &RunArgs, until: &str, file: &Path) -> Result<(), Failure> {
    let setup = Setup::new(&args.scenario, &args.overrides)?;
    let last = until_index(&setup.scenario, until)?;
    if file.exists() {
        return Err(Failure::input(format!(
            "checkpoint file {} already exists: remove it or choose another name",
            file.display()
        )));
    }
    let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Failure::input(format!(
            "cannot write checkpoint {}: no directory {}",
            file.display(),
            parent.display()
        )));
    }
    let started = Instant::now();
    let progress = Progress::new(!args.quiet, &setup.scenario);
    let mut sim = Simulation::new(&setup.scenario, setup.seed)
        .map_err(|e| Failure::run(format!("cannot build the city of `{}`: {e}", args.scenario)))?;
    let mut months: Vec<Observation> = Vec::with_capacity(last + 1);
    while months.len() <= last {
        months.push(sim.step());
        progress.update(&sim);
    }
    progress.finish();
    let bytes = sim.checkpoint(&scenario_file(&setup.scenario, setup.seed), &to_bytes(&months));
    write_bytes_atomic(file, &bytes)?;
    if args.quiet {
        crate::emit(&format!("{}\n", file.display()));
    } else {
        let run = &setup.scenario.run;
        crate::emit(&format!(
            "Scenario {}, seed {}, scale {}: simulated {} months ({} to {}) in {:.1} s.\n\
             Checkpoint: {} ({:.1} MB)\n\
             Continue with `seedbed fork {}` (add --with FILE or --set PATH=VALUE for a what-if).\n",
            run.name,
            setup.seed,
            run.scale,
            last + 1,
            setup.start(),
            until,
            started.elapsed().as_secs_f64(),
            file.display(),
            bytes.len() as f64 / 1e6,
            file.display(),
        ));
    }
    Ok(())
}

/// Index of month `YYYY-MM` in the run; bad input if malformed or outside the run.
fn until_index(s: &Scenario, until: &str) -> Result<usize, Failure> {
    let parsed = until
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i64>().ok()?, m.parse::<i64>().ok()?)))
        .filter(|&(y, m)| (1..=12).contains(&m) && (0..=9999).contains(&y) && until.len() == 7);
    let Some((y, m)) = parsed else {
        return Err(Failure::input(format!("invalid value {until:?} for --until: expected a month YYYY-MM")));
    };
    let index = y * 12 + m - 1 - (i64::from(s.run.start_year) * 12 + i64::from(s.run.start_month) - 1);
    if index < 0 || index >= i64::from(s.run.months) {
        return Err(Failure::input(format!(
            "--until {until} is outside the run, which simulates {} to {}",
            month_label(s, 0),
            month_label(s, i64::from(s.run.months) - 1)
        )));
    }
    Ok(index as usize)
}

/// Writes `bytes` to a hidden sibling, fsyncs it and renames it to `path`: the checkpoint is
/// either absent or complete.
fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path.file_name().ok_or_else(|| Failure::input(format!("{} is not a file name", path.display())))?;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = parent.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        #[cfg(unix)]
        File::open(parent)?.sync_all()?;
        Ok(())
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Failure::run(format!("cannot write checkpoint {}: {e}", path.display()))
    })
}

// ---------------------------------------------------------------------------------------------
// seedbed fork

/// Runs `seedbed fork`.
pub fn fork(args: &ForkArgs) -> Result<(), Failure> {
    let shown = args.checkpoint.display().to_string();
    let bytes = fs::read(&args.checkpoint).map_err(|e| Failure::input(format!("cannot read {shown}: {e}")))?;
    let info = checkpoint::inspect(&bytes).map_err(|e| Failure::input(format!("{shown}: {e}")))?;
    if let Some(seed) = args.seed {
        return Err(Failure::input(format!(
            "--seed {seed} is not allowed: a fork continues the checkpoint's seed ({})",
            info.seed
        )));
    }
    if args.scale.is_some() {
        return Err(Failure::input(format!(
            "--scale is not allowed: a fork keeps the checkpoint's scale ({})",
            info.scenario.run.scale
        )));
    }
    let scenario = fork_scenario(args, &info.scenario)?;
    checkpoint::check_fork(&info.scenario, &scenario, info.months_done)
        .map_err(|e| Failure::input(format!("{shown}: {e}")))?;
    let done: Vec<Observation> = from_bytes(&info.extra).map_err(|_| {
        Failure::input(format!("{shown}: it holds no monthly tables (was it written by `seedbed run --until`?)"))
    })?;
    if done.len() != info.months_done as usize || done.is_empty() {
        return Err(Failure::input(format!(
            "{shown}: it holds {} months of tables for {} months simulated",
            done.len(),
            info.months_done
        )));
    }
    let (mut sim, _) = Simulation::fork(&bytes, &scenario).map_err(|e| Failure::input(format!("{shown}: {e}")))?;
    let setup = Setup { scenario, seed: info.seed };
    let out = args.out.clone().unwrap_or_else(|| {
        Path::new("runs").join(default_run_name(&setup.scenario.run.name, setup.seed, SystemTime::now()))
    });
    let dir = RunDir::create(&out)?;
    let started = Instant::now();
    match continue_run(&dir, &setup, args, &done, &mut sim) {
        Ok(years) => {
            let path = dir.commit()?;
            if args.quiet {
                crate::emit(&format!("{}\n", path.display()));
            } else {
                let changes = describe_changes(&info.scenario, &setup.scenario);
                let mut text = format!(
                    "Fork of {shown} after {} (scenario {}, seed {}, scale {}): simulated {} to {} in {:.1} s.\n{changes}\n",
                    month_label(&info.scenario, i64::from(info.months_done) - 1),
                    info.scenario.run.name,
                    setup.seed,
                    setup.scenario.run.scale,
                    month_label(&setup.scenario, i64::from(info.months_done)),
                    setup.end(),
                    started.elapsed().as_secs_f64(),
                );
                text.push_str(&headline_table(&setup, &years));
                text.push_str(&format!("\nOutputs: {}\n", path.display()));
                crate::emit(&text);
            }
            Ok(())
        }
        Err(e) => {
            let _ = dir.abandon();
            Err(e)
        }
    }
}

/// The scenario the fork runs: `--with`'s file or the checkpoint's scenario, then `--set`s,
/// then `--months`; validated.
fn fork_scenario(args: &ForkArgs, base: &Scenario) -> Result<Scenario, Failure> {
    let (mut s, origin) = match &args.with {
        Some(path) => (load_file(path)?, path.display().to_string()),
        None => (base.clone(), "the checkpoint's scenario".to_string()),
    };
    for spec in &args.set {
        apply_set(&mut s, spec)?;
    }
    if let Some(months) = args.months {
        set_path(&mut s, "run.months", Value::Int(months))
            .map_err(|e| Failure::input(format!("invalid value {months} for --months: {e}")))?;
    }
    let problems = validate(&s);
    if !problems.is_empty() {
        return Err(ScenarioError::new(&origin, None, problems).into());
    }
    Ok(s)
}

/// Applies `--set PATH=VALUE`, reading VALUE as the parameter's kind.
pub fn apply_set(s: &mut Scenario, spec: &str) -> Result<(), Failure> {
    let bad = |e: String| Failure::input(format!("--set {spec}: {e}"));
    let (path, raw) = spec.split_once('=').ok_or_else(|| bad("expected PATH=VALUE".into()))?;
    let (path, raw) = (path.trim(), raw.trim());
    let Some((field, _)) = get_path(s, path) else {
        // Let the schema say what is wrong with the path (unknown key, a table, a missing id).
        let e = set_path(s, path, Value::Text(raw.to_string())).err();
        return Err(bad(e.unwrap_or_else(|| format!("unknown parameter path `{path}`"))));
    };
    let v = parse_value(field.kind, raw).map_err(bad)?;
    set_path(s, path, v).map_err(bad)
}

/// VALUE read as a value of `kind`.
fn parse_value(kind: Kind, raw: &str) -> Result<Value, String> {
    let real = |x: &str| x.trim().parse::<f64>().map_err(|_| format!("{x:?} is not a number"));
    let word = |x: &str| x.trim().trim_matches('"').trim_matches('\'').to_string();
    let list = |x: &str| -> Vec<String> {
        let inner = x.trim().strip_prefix('[').and_then(|y| y.strip_suffix(']')).unwrap_or(x);
        inner.split(',').map(str::trim).filter(|y| !y.is_empty()).map(str::to_string).collect()
    };
    Ok(match kind {
        Kind::Real { .. } => Value::Real(real(raw)?),
        Kind::Int { .. } => Value::Int(raw.parse().map_err(|_| format!("{raw:?} is not an integer"))?),
        Kind::Bool => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(format!("{raw:?} is not true or false")),
        },
        Kind::Text | Kind::Choice(_) => Value::Text(word(raw)),
        Kind::TextList => Value::TextList(list(raw).iter().map(|x| word(x)).collect()),
        Kind::RealList { .. } => Value::RealList(list(raw).iter().map(|x| real(x)).collect::<Result<_, _>>()?),
        Kind::Section | Kind::List => return Err("is a table, not a parameter".into()),
    })
}

/// The parameters the fork changes, one a line (at most 20).
fn describe_changes(old: &Scenario, new: &Scenario) -> String {
    let changes = scenario_changes(old, new);
    if changes.is_empty() {
        return "No parameter changed: the fork continues the checkpointed run.\n".into();
    }
    let show = |v: &Option<Value>| v.as_ref().map_or("(none)".to_string(), Value::to_string);
    let mut text = format!("Changed from the checkpoint's scenario ({}):\n", changes.len());
    for (path, a, b) in changes.iter().take(20) {
        text.push_str(&format!("  {path}: {} -> {}\n", show(a), show(b)));
    }
    if changes.len() > 20 {
        text.push_str(&format!("  ... and {} more\n", changes.len() - 20));
    }
    text
}

/// Writes the checkpoint's months, simulates the rest, then the end-of-run tables, exactly as
/// `seedbed run` does (`seedbed_experiments::member::write_run`; the end-to-end test compares
/// the two directories byte for byte). Returns the yearly headline table.
fn continue_run(
    dir: &RunDir,
    setup: &Setup,
    args: &ForkArgs,
    done: &[Observation],
    sim: &mut Simulation,
) -> Result<Frame, Failure> {
    let format = match args.format {
        TableFormat::Parquet => Format::Parquet,
        TableFormat::Csv => Format::Csv,
    };
    let progress = Progress::new(!args.quiet, &setup.scenario);
    let path = |name: &str| dir.path_for(&format!("{name}.{}", format.extension()));
    let mut city = TableWriter::create(&path("city"), format)?;
    let mut industries = TableWriter::create(&path("industries"), format)?;
    let mut events = TableWriter::create_with_columns(&path("events"), format, &done[0].events.columns)?;
    let mut write = |obs: &Observation| -> Result<(), Failure> {
        city.write(&obs.city)?;
        industries.write(&obs.industries)?;
        events.write(&obs.events)?;
        Ok(())
    };
    for obs in done {
        write(obs)?;
    }
    progress.update(sim);
    while !sim.done() {
        write(&sim.step())?;
        progress.update(sim);
    }
    city.finish()?;
    industries.finish()?;
    events.finish()?;
    progress.finish();
    Ok(write_end_of_run(dir, format, sim, &setup.scenario, setup.seed)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_values_by_kind() {
        let mut s = Scenario::default();
        apply_set(&mut s, "policy.pilots.enabled=false").unwrap();
        assert!(!s.policy.pilots.enabled);
        apply_set(&mut s, "labour.quit_hazard = 0.02").unwrap();
        assert_eq!(s.labour.quit_hazard, 0.02);
        apply_set(&mut s, "run.months=30").unwrap();
        assert_eq!(s.run.months, 30);
        apply_set(&mut s, "policy.rd_grants.tiers=[\"high-tech\", little-giant]").unwrap();
        assert_eq!(s.policy.rd_grants.tiers, ["high-tech", "little-giant"]);
        apply_set(&mut s, "government.budget_m_by_year=1,2.5").unwrap();
        assert_eq!(s.government.budget_m_by_year, [1.0, 2.5]);
        apply_set(&mut s, "policy.guidance_fund.mode=direct").unwrap();
        assert_eq!(s.policy.guidance_fund.mode, "direct");
        for bad in ["policy.pilots.enabled=maybe", "run.months=-3", "nope.x=1", "policy.pilots=1", "labour.quit_hazard"]
        {
            let e = apply_set(&mut s, bad).unwrap_err();
            assert_eq!(e.code(), 2, "{bad}");
        }
    }

    #[test]
    fn until_months() {
        let mut s = Scenario::default();
        s.run.start_year = 2025;
        s.run.start_month = 1;
        s.run.months = 24;
        assert_eq!(until_index(&s, "2025-01").unwrap(), 0);
        assert_eq!(until_index(&s, "2025-10").unwrap(), 9);
        assert_eq!(until_index(&s, "2026-12").unwrap(), 23);
        for bad in ["2027-01", "2024-12", "2025-13", "2025-1", "soon", "2025-00"] {
            assert_eq!(until_index(&s, bad).unwrap_err().code(), 2, "{bad}");
        }
    }
}
