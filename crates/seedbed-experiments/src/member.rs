//! One run written to a run directory: the files of `seedbed run`, shared by the command and
//! by the members of experiments (which call it from worker threads, without a progress bar).

use std::fs;
use std::path::Path;

use seedbed_model::{ColType, frame::Data};
use seedbed_model::{Column, Frame, Observation, Scenario, Simulation};
use seedbed_output::{Format, RunDir, TableWriter, write_json_atomic, write_text_atomic};
use seedbed_scenario::to_toml;
use serde_json::{Map, Value, json};

/// Every file of a run directory in Parquet format, sorted.
pub const RUN_FILES: [&str; 8] = [
    "city.parquet",
    "deals.parquet",
    "events.parquet",
    "firms.parquet",
    "industries.parquet",
    "scenario.toml",
    "summary.json",
    "years.parquet",
];

/// Why a run failed.
#[derive(Debug)]
pub enum RunError {
    /// The city could not be built from the scenario.
    Build(String),
    /// Writing an output failed.
    Output(seedbed_output::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Build(e) => write!(f, "cannot build the city: {e}"),
            RunError::Output(e) => write!(f, "writing outputs failed: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<seedbed_output::Error> for RunError {
    fn from(e: seedbed_output::Error) -> Self {
        RunError::Output(e)
    }
}

/// Builds the city of `scenario` with `seed`, simulates every month streaming the monthly
/// tables into `dir`, then writes the end-of-run tables, `summary.json` and `scenario.toml`.
/// `after_step` is called after every month (progress bars). Returns the yearly headline table.
/// The caller commits (or abandons) `dir`.
pub fn write_run(
    dir: &RunDir,
    scenario: &Scenario,
    seed: u64,
    format: Format,
    after_step: &mut dyn FnMut(&Simulation),
) -> Result<Frame, RunError> {
    let mut sim = Simulation::new(scenario, seed).map_err(|e| RunError::Build(e.to_string()))?;
    let first = sim.step();
    after_step(&sim);
    let mut streams = Streams::create(dir, format, &first.events.columns)?;
    // The monthly tables are encoded on a thread of their own, at most two months behind the
    // simulation, so that writing overlaps the simulation's sequential steps. The files are the
    // same: one writer takes the months in order. If writing fails, the writer stops, the
    // simulation stops at its next month, and the writer's error is returned.
    let (months, received) = std::sync::mpsc::sync_channel::<Observation>(2);
    let writer = std::thread::spawn(move || -> Result<(), RunError> {
        for obs in received {
            streams.write(&obs)?;
        }
        streams.finish()
    });
    let mut writing = months.send(first).is_ok();
    while writing && !sim.done() {
        let obs = sim.step();
        after_step(&sim);
        writing = months.send(obs).is_ok();
    }
    drop(months);
    match writer.join() {
        Ok(done) => done?,
        Err(panic) => std::panic::resume_unwind(panic),
    }
    write_end_of_run(dir, format, &sim, scenario, seed)
}

/// Firms written per part of the end-of-run firms table.
const FIRM_ROWS_PER_PART: usize = 65_536;

/// The tables and files written once a run has ended: firms (streamed in parts), deals, years,
/// `summary.json` and `scenario.toml`. Returns the yearly headline table.
pub fn write_end_of_run(
    dir: &RunDir,
    format: Format,
    sim: &Simulation,
    scenario: &Scenario,
    seed: u64,
) -> Result<Frame, RunError> {
    let years = sim.years_frame();
    let path = dir.path_for(&format!("firms.{}", format.extension()));
    // One thread builds the parts of the firms table while this one writes them (at most two
    // parts wait), so building and encoding overlap; the parts are written in order.
    std::thread::scope(|scope| -> Result<(), RunError> {
        let (parts, received) = std::sync::mpsc::sync_channel::<Frame>(2);
        scope.spawn(move || {
            for part in sim.firms_frames(FIRM_ROWS_PER_PART) {
                if parts.send(part).is_err() {
                    break;
                }
            }
        });
        let first = received.recv().expect("the firms table has at least one part");
        let mut firms = TableWriter::create_with_columns(&path, format, &first.columns)?;
        firms.write(&first)?;
        drop(first);
        for part in received {
            firms.write(&part)?;
        }
        firms.finish()?;
        Ok(())
    })?;
    write_table(dir, format, "deals", &sim.deals_frame())?;
    write_table(dir, format, "years", &years)?;
    write_json_atomic(&dir.path_for("summary.json"), &summary_json(scenario, seed, &years))?;
    write_text_atomic(&dir.path_for("scenario.toml"), &scenario_file(scenario, seed))?;
    Ok(years)
}

/// Fills `dir` with the files of the complete run directory `from` (hard links where the file
/// system allows, else copies): a run that need not be computed again.
pub fn link_run(from: &Path, dir: &RunDir) -> std::io::Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let target = dir.path_for(&entry.file_name().to_string_lossy());
        if fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Whether `dir` holds every file of a Parquet run.
pub fn is_complete_run(dir: &Path) -> bool {
    RUN_FILES.iter().all(|f| dir.join(f).is_file())
}

/// `scenario.toml`: the seed line, then the scenario as run.
pub fn scenario_file(scenario: &Scenario, seed: u64) -> String {
    format!(
        "# seed = {seed}\n# Rerun exactly: `seedbed run <this file> --seed {seed}` (without --seed the line above is used).\n{}",
        to_toml(scenario)
    )
}

/// The contents of `summary.json`. Nothing depends on the clock: the same scenario and seed
/// give the same summary, byte for byte.
pub fn summary_json(scenario: &Scenario, seed: u64, years: &Frame) -> Value {
    let rows: Vec<Value> = (0..years.rows()).map(|r| Value::Object(year_row(years, r))).collect();
    let units: Map<String, Value> =
        years.columns.iter().filter(|c| c.name != "year").map(|c| (c.name.clone(), json!(c.unit))).collect();
    let run = &scenario.run;
    json!({
        "seedbed_version": env!("CARGO_PKG_VERSION"),
        "scenario": run.name,
        "seed": seed,
        "scale": run.scale,
        "months": run.months,
        "start": month_label(scenario, 0),
        "end": month_label(scenario, i64::from(run.months) - 1),
        "final": rows.last().cloned().unwrap_or(Value::Null),
        "years": rows,
        "units": units,
    })
}

/// Row `r` of the headline table as a JSON object; integer columns stay integers, NaN and
/// infinities become `null`.
fn year_row(years: &Frame, r: usize) -> Map<String, Value> {
    let mut m = Map::new();
    for c in &years.columns {
        let v = match (c.ty, years.value(&c.name, r)) {
            (ColType::Int, Some(x)) => json!(x as i64),
            (_, Some(x)) if x.is_finite() => json!(x),
            _ => Value::Null,
        };
        m.insert(c.name.clone(), v);
    }
    m
}

/// `YYYY-MM` of month `index` of the run (0 = the first simulated month).
pub fn month_label(s: &Scenario, index: i64) -> String {
    calendar_label(s.run.start_year, s.run.start_month, index)
}

/// `YYYY-MM` of the month `index` months after `start_year`-`start_month`.
pub fn calendar_label(start_year: u32, start_month: u32, index: i64) -> String {
    let t = i64::from(start_year) * 12 + i64::from(start_month) - 1 + index;
    format!("{:04}-{:02}", t.div_euclid(12), t.rem_euclid(12) + 1)
}

/// The three tables written month by month.
struct Streams {
    city: TableWriter,
    industries: TableWriter,
    events: TableWriter,
}

impl Streams {
    fn create(dir: &RunDir, format: Format, event_columns: &[Column]) -> Result<Streams, RunError> {
        let path = |name: &str| dir.path_for(&format!("{name}.{}", format.extension()));
        Ok(Streams {
            city: TableWriter::create(&path("city"), format)?,
            industries: TableWriter::create(&path("industries"), format)?,
            events: TableWriter::create_with_columns(&path("events"), format, event_columns)?,
        })
    }

    fn write(&mut self, obs: &Observation) -> Result<(), RunError> {
        self.city.write(&obs.city)?;
        self.industries.write(&obs.industries)?;
        self.events.write(&obs.events)?;
        Ok(())
    }

    fn finish(self) -> Result<(), RunError> {
        self.city.finish()?;
        self.industries.finish()?;
        self.events.finish()?;
        Ok(())
    }
}

/// Writes a whole table `name` (its schema even when it has no rows).
fn write_table(dir: &RunDir, format: Format, name: &str, frame: &Frame) -> Result<(), RunError> {
    let path = dir.path_for(&format!("{name}.{}", format.extension()));
    let mut w = TableWriter::create_with_columns(&path, format, &frame.columns)?;
    w.write(frame)?;
    w.finish()?;
    Ok(())
}

/// The names of the headline figures (the columns of `years.parquet` but `year`), found by
/// running one month of `s` at a tiny scale.
pub fn headline_names(s: &Scenario) -> Result<Vec<String>, RunError> {
    let mut tiny = s.clone();
    tiny.run.months = 1;
    tiny.run.scale = s.run.scale.min(0.001);
    // A city too small to build at that scale is tried at the scenario's own.
    let mut sim = Simulation::new(&tiny, 1)
        .or_else(|_| {
            tiny.run.scale = s.run.scale;
            Simulation::new(&tiny, 1)
        })
        .map_err(|e| RunError::Build(e.to_string()))?;
    while !sim.done() {
        sim.step();
    }
    Ok(sim.years_frame().columns.into_iter().map(|c| c.name).filter(|n| n != "year").collect())
}

/// The headline figures of a yearly table: every column but `year`, as reals.
pub fn figures(years: &Frame) -> Vec<(&Column, Vec<f64>)> {
    years
        .columns
        .iter()
        .zip(&years.data)
        .filter(|(c, _)| c.name != "year")
        .map(|(c, d)| {
            let v = match d {
                Data::Real(v) => v.clone(),
                Data::Int(v) => v.iter().map(|&x| x as f64).collect(),
                Data::Text(_) | Data::Labels(_) => vec![f64::NAN; d.len()],
            };
            (c, v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_names_come_from_the_model() {
        let names = headline_names(&Scenario::default()).unwrap();
        assert!(names.iter().any(|n| n == "frontier_firms"), "{names:?}");
        assert!(!names.iter().any(|n| n == "year"));
    }

    #[test]
    fn month_labels() {
        assert_eq!(calendar_label(2025, 11, 2), "2026-01");
        assert_eq!(calendar_label(2025, 1, -1), "2024-12");
        let s = Scenario::default();
        assert_eq!(month_label(&s, 0), format!("{}-{:02}", s.run.start_year, s.run.start_month));
    }
}
