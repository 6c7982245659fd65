//! Running an experiment: its members in parallel, each committed atomically and recorded in
//! the catalog, resumable after an interruption at any moment; then the reduction.
//!
//! The experiment directory:
//!
//! ```text
//! DIR/experiment.json   the manifest: spec, design points, members (written before any run)
//! DIR/scenario.toml     the base scenario(s) (`a.toml`, `b.toml` for a comparison)
//! DIR/runs/<member>/    each member's run directory (the files of `seedbed run`)
//! DIR/*.parquet         the result tables, written when every member is done
//! DIR/.lock             held while a process works on the experiment
//! ```
//!
//! Crash safety. A member is written under a hidden partial name and renamed into place when
//! complete (`RunDir`), then its catalog row is set to `done`. A member counts as done only if
//! both its directory exists and its row says `done` for this scenario, seed and program
//! version; anything else is removed and run again. Result tables are written to temporary
//! files and renamed. So a kill at any moment, followed by `--resume`, ends with exactly the
//! members and tables of an uninterrupted run.
//!
//! Memory. Members stream their monthly tables to disk; at most `jobs` simulations are in
//! memory at once, whatever the number of members. The reduction keeps only the yearly
//! headline rows of the members (a few kilobytes each) and streams the per-run tables.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use rayon::prelude::*;
use seedbed_output::{Format, RunDir, write_json_atomic, write_text_atomic};
use seedbed_scenario::to_toml;
use serde_json::{Value, json};

use crate::catalog::{Catalog, NewRun, Status};
use crate::experiment::{Experiment, Member, manifest_mismatch};
use crate::fsutil::{remove_dir_atomic, remove_leftovers, try_lock};
use crate::member::{is_complete_run, link_run, write_run};
use crate::reduce::{Report, reduce};

/// The manifest's file name.
pub const MANIFEST: &str = "experiment.json";

/// How to run an experiment.
pub struct Options<'a> {
    /// The experiment directory.
    pub dir: PathBuf,
    /// Where runs are recorded.
    pub catalog: &'a Catalog,
    /// The program version recorded with each run (`crate::version::program_version`).
    pub version: String,
    /// Members simulated at once (at least 1).
    pub jobs: usize,
    /// Continue the experiment in `dir` if it exists.
    pub resume: bool,
    /// Compute every member, even those the catalog holds already.
    pub force: bool,
}

/// Progress of an experiment.
#[derive(Debug)]
pub enum Event<'a> {
    /// The members are planned: `total` in all, `done` of them already done (resumed).
    Start { total: usize, done: usize },
    /// A member is done: computed, or linked from an identical catalogued run (`reused`).
    Finished { member: &'a Member, reused: bool, seconds: f64 },
    /// A member failed.
    Failed { member: &'a Member, error: &'a str },
    /// Every member is done; the result tables are being written.
    Reducing,
}

/// Why an experiment failed.
#[derive(Debug)]
pub enum Error {
    /// Bad input: an existing directory without `--resume`, an experiment that does not
    /// match its manifest, a locked experiment.
    Input(String),
    /// A failed run, or an I/O or catalog error.
    Run(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Input(m) | Error::Run(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// How the members came to be done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Simulated now.
    pub computed: usize,
    /// Linked from identical catalogued runs.
    pub reused: usize,
    /// Already done in the experiment directory (a resumed experiment).
    pub resumed: usize,
}

/// A finished experiment.
#[derive(Debug)]
pub struct Outcome {
    /// The experiment directory (absolute).
    pub dir: PathBuf,
    pub counts: Counts,
    /// The result tables written, in the experiment directory.
    pub tables: Vec<PathBuf>,
    pub report: Report,
}

fn run_err(e: impl std::fmt::Display) -> Error {
    Error::Run(e.to_string())
}

/// Runs (or resumes) `exp` in `opts.dir`, reporting progress to `on_event`.
pub fn run(exp: &Experiment, opts: &Options<'_>, on_event: &(dyn Fn(Event<'_>) + Sync)) -> Result<Outcome, Error> {
    let dir = std::path::absolute(&opts.dir).map_err(|e| Error::Input(format!("{}: {e}", opts.dir.display())))?;
    let runs_dir = dir.join("runs");
    if dir.exists() && !opts.resume {
        return Err(Error::Input(format!(
            "experiment directory {} already exists; choose another --out, or add --resume to continue the experiment in it",
            dir.display()
        )));
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Input(format!("{} exists and is not a directory", dir.display())));
    }
    fs::create_dir_all(&runs_dir).map_err(|e| run_err(format!("cannot create {}: {e}", runs_dir.display())))?;
    let _lock =
        try_lock(&dir).map_err(|e| run_err(format!("cannot lock {}: {e}", dir.display())))?.ok_or_else(|| {
            Error::Input(format!(
                "experiment {} is being run by another seedbed process (it holds {}); wait for it or stop it",
                dir.display(),
                dir.join(".lock").display()
            ))
        })?;
    prepare(exp, &dir, opts)?;

    // Which members are done; remove what interrupted attempts left.
    remove_leftovers(&runs_dir).map_err(run_err)?;
    remove_leftovers(&dir).map_err(run_err)?;
    opts.catalog.mark_interrupted(&dir).map_err(run_err)?;
    let mut todo = Vec::new();
    let mut counts = Counts::default();
    for m in &exp.members {
        let path = runs_dir.join(&m.name);
        if !path.exists() {
            opts.catalog.retire_outputs(&path).map_err(run_err)?;
        } else {
            let hash = &exp.points[m.point].hash;
            let done =
                opts.catalog.is_done_at(&path, hash, m.seed, &opts.version).map_err(run_err)? && is_complete_run(&path);
            if done {
                counts.resumed += 1;
                continue;
            }
            opts.catalog.retire_outputs(&path).map_err(run_err)?;
            remove_dir_atomic(&path).map_err(|e| run_err(format!("cannot remove {}: {e}", path.display())))?;
        }
        todo.push(m);
    }
    on_event(Event::Start { total: exp.members.len(), done: counts.resumed });

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .thread_name(|i| format!("seedbed-member-{i}"))
        .build()
        .map_err(run_err)?;
    let results: Vec<Result<bool, String>> = pool.install(|| {
        todo.par_iter()
            .map(|m| {
                let started = Instant::now();
                let r = run_member(exp, m, &dir, opts);
                match &r {
                    Ok(reused) => on_event(Event::Finished {
                        member: m,
                        reused: *reused,
                        seconds: started.elapsed().as_secs_f64(),
                    }),
                    Err(e) => on_event(Event::Failed { member: m, error: e }),
                }
                r
            })
            .collect()
    });
    let mut failed = Vec::new();
    for (m, r) in todo.iter().zip(results) {
        match r {
            Ok(true) => counts.reused += 1,
            Ok(false) => counts.computed += 1,
            Err(e) => failed.push(format!("{}: {e}", m.name)),
        }
    }
    if !failed.is_empty() {
        let shown: Vec<&str> = failed.iter().take(5).map(String::as_str).collect();
        let more = if failed.len() > 5 { format!(" (and {} more)", failed.len() - 5) } else { String::new() };
        return Err(Error::Run(format!(
            "{} of {} runs failed: {}{more}. The others are kept: fix the cause and add --resume to run the failed ones",
            failed.len(),
            exp.members.len(),
            shown.join("; ")
        )));
    }

    on_event(Event::Reducing);
    let (tables, report) = reduce(exp, &dir).map_err(run_err)?;
    Ok(Outcome { dir, counts, tables, report })
}

/// Writes the manifest and base scenarios of a new experiment, or checks that the stored
/// manifest is the experiment asked for.
fn prepare(exp: &Experiment, dir: &Path, opts: &Options<'_>) -> Result<(), Error> {
    let path = dir.join(MANIFEST);
    let mut manifest = exp.manifest();
    let catalog = opts.catalog.path().to_string_lossy().into_owned();
    if path.exists() {
        let text = fs::read_to_string(&path).map_err(|e| run_err(format!("{}: {e}", path.display())))?;
        let stored: Value = serde_json::from_str(&text)
            .map_err(|e| Error::Input(format!("{} is not a valid experiment manifest: {e}", path.display())))?;
        if let Some(why) = manifest_mismatch(&stored, &manifest) {
            return Err(Error::Input(format!(
                "cannot resume {}: it holds another experiment ({why}); repeat the arguments it was started with, \
                 or choose another --out",
                dir.display()
            )));
        }
        if let Some(was) = stored["catalog"].as_str()
            && was != catalog
        {
            let root = Path::new(was).parent().map_or_else(|| was.to_string(), |p| p.display().to_string());
            return Err(Error::Input(format!(
                "cannot resume {}: its runs are recorded in {was}, not {catalog}; add --root {root}",
                dir.display()
            )));
        }
        return Ok(());
    }
    for (label, s) in &exp.bases {
        let file = if exp.bases.len() == 1 { "scenario.toml".to_string() } else { format!("{label}.toml") };
        write_text_atomic(&dir.join(file), &to_toml(s)).map_err(run_err)?;
    }
    if let Value::Object(m) = &mut manifest {
        m.insert("seedbed_version".into(), json!(env!("CARGO_PKG_VERSION")));
        m.insert("catalog".into(), json!(catalog));
    }
    // Written last: a directory without a manifest holds nothing but scenarios.
    write_json_atomic(&path, &manifest).map_err(run_err)
}

/// Runs one member into `dir/runs/<name>`: links an identical catalogued run unless forced,
/// else simulates. Returns whether it was reused.
fn run_member(exp: &Experiment, m: &Member, dir: &Path, opts: &Options<'_>) -> Result<bool, String> {
    let final_path = dir.join("runs").join(&m.name);
    let point = &exp.points[m.point];
    let scenario = exp.scenario(m.point);
    let record = NewRun {
        kind: exp.kind.as_str().to_string(),
        experiment: Some(dir.to_path_buf()),
        member: Some(m.name.clone()),
        scenario: scenario.run.name.clone(),
        scenario_hash: point.hash.clone(),
        seed: m.seed,
        version: opts.version.clone(),
        format: "parquet".into(),
        outputs: final_path.clone(),
    };
    let started = SystemTime::now();
    let cat = opts.catalog;
    if !opts.force
        && let Some((from, source)) =
            cat.find_reusable(&point.hash, m.seed, &opts.version).map_err(|e| e.to_string())?
    {
        let rd = RunDir::create(&final_path).map_err(|e| e.to_string())?;
        if let Err(e) = link_run(&source, &rd) {
            let _ = rd.abandon();
            return Err(format!("cannot link the outputs of {}: {e}", source.display()));
        }
        rd.commit().map_err(|e| e.to_string())?;
        cat.record_reused(&record, from, started).map_err(|e| e.to_string())?;
        return Ok(true);
    }
    let id = cat.begin(&record, started).map_err(|e| e.to_string())?;
    let rd = RunDir::create(&final_path).map_err(|e| e.to_string())?;
    match write_run(&rd, &scenario, m.seed, Format::Parquet, &mut |_| {}) {
        Ok(_) => {
            rd.commit().map_err(|e| e.to_string())?;
            cat.finish(id, Status::Done, started, None).map_err(|e| e.to_string())?;
            Ok(false)
        }
        Err(e) => {
            let _ = rd.abandon();
            let msg = e.to_string();
            let _ = cat.finish(id, Status::Failed, started, Some(&msg));
            Err(msg)
        }
    }
}
