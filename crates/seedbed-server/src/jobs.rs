//! Jobs: a run, an ensemble or a comparison asked for from the page. Each goes through the same
//! code as the command line (`member::write_run` and the catalog for a run,
//! `seedbed_experiments::runner` for experiments) into the server's output root, so it shows in
//! `seedbed runs`. Jobs wait in a queue of bounded length; at most `max_concurrent` run at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use seedbed_experiments::catalog::{Catalog, NewRun, Status};
use seedbed_experiments::experiment::{Experiment, seeds};
use seedbed_experiments::member::write_run;
use seedbed_experiments::runner::{self, Event, Options};
use seedbed_experiments::{program_version, scenario_hash};
use seedbed_model::Scenario;
use seedbed_output::{Format, RunDir, default_run_name};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, watch};

/// What a job is doing, as sent to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    /// Waiting for a free slot.
    Queued,
    /// Running: `done` of `total` steps (months of a run, runs of an experiment).
    Running {
        done: u64,
        total: u64,
        what: String,
    },
    /// Finished: the result's id (`r12` a run, `e12` an experiment).
    Done {
        result: String,
    },
    Failed {
        error: String,
    },
}

impl State {
    /// The state as JSON: `{state, done?, total?, what?, result?, error?}`.
    pub fn to_json(&self) -> Value {
        match self {
            State::Queued => json!({"state": "queued"}),
            State::Running { done, total, what } => {
                json!({"state": "running", "done": done, "total": total, "what": what})
            }
            State::Done { result } => json!({"state": "done", "result": result}),
            State::Failed { error } => json!({"state": "failed", "error": error}),
        }
    }

    /// Whether the job has ended.
    pub fn is_final(&self) -> bool {
        matches!(self, State::Done { .. } | State::Failed { .. })
    }
}

/// What to run.
pub enum Work {
    Run { scenario: Box<Scenario>, seed: u64 },
    Ensemble { scenario: Box<Scenario>, seeds: Vec<u64> },
    Compare { a: Box<Scenario>, b: Box<Scenario>, seeds: Vec<u64> },
}

impl Work {
    /// An ensemble of `runs` seeds from `seed`.
    pub fn ensemble(scenario: Scenario, seed: u64, runs: usize) -> Result<Work, String> {
        Ok(Work::Ensemble { scenario: Box::new(scenario), seeds: seeds(seed, runs)? })
    }

    /// A comparison on `runs` common seeds from `seed`.
    pub fn compare(a: Scenario, b: Scenario, seed: u64, runs: usize) -> Result<Work, String> {
        Ok(Work::Compare { a: Box::new(a), b: Box::new(b), seeds: seeds(seed, runs)? })
    }
}

/// The jobs of a server.
pub struct Jobs {
    root: PathBuf,
    next: AtomicU64,
    /// Jobs queued or running.
    active: Arc<AtomicUsize>,
    queue_cap: usize,
    slots: Arc<Semaphore>,
    states: Mutex<BTreeMap<u64, watch::Receiver<State>>>,
}

impl Jobs {
    /// Jobs writing under `root`, at most `max_concurrent` at once and `queue_cap` queued or running.
    pub fn new(root: PathBuf, max_concurrent: usize, queue_cap: usize) -> Jobs {
        Jobs {
            root,
            next: AtomicU64::new(1),
            active: Arc::new(AtomicUsize::new(0)),
            queue_cap: queue_cap.max(1),
            slots: Arc::new(Semaphore::new(max_concurrent.max(1))),
            states: Mutex::new(BTreeMap::new()),
        }
    }

    /// Queues `work`; its id, or `None` if the queue is full.
    pub fn submit(&self, work: Work) -> Option<u64> {
        let active = self.active.fetch_add(1, Ordering::SeqCst);
        if active >= self.queue_cap {
            self.active.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = watch::channel(State::Queued);
        self.states.lock().unwrap_or_else(|e| e.into_inner()).insert(id, rx);
        let slots = self.slots.clone();
        let active = self.active.clone();
        let root = self.root.clone();
        tokio::spawn(async move {
            let permit = slots.acquire_owned().await;
            let tx2 = tx.clone();
            let result = tokio::task::spawn_blocking(move || execute(&root, id, work, &tx2)).await;
            drop(permit);
            let end = match result {
                Ok(Ok(result)) => State::Done { result },
                Ok(Err(error)) => State::Failed { error },
                Err(e) => State::Failed { error: format!("the job stopped unexpectedly: {e}") },
            };
            let _ = tx.send(end);
            active.fetch_sub(1, Ordering::SeqCst);
        });
        Some(id)
    }

    /// A receiver of job `id`'s state.
    pub fn watch(&self, id: u64) -> Option<watch::Receiver<State>> {
        self.states.lock().unwrap_or_else(|e| e.into_inner()).get(&id).cloned()
    }
}

/// A new directory name under `root`: `base`, else `base-2`, `base-3`, ...
fn fresh(root: &Path, base: &str) -> PathBuf {
    let mut path = root.join(base);
    let mut n = 2;
    while path.exists() {
        path = root.join(format!("{base}-{n}"));
        n += 1;
    }
    path
}

/// A scenario name cut to a reasonable length for a directory name.
fn short_name(s: &Scenario) -> String {
    s.run.name.chars().take(48).collect()
}

/// Runs a job on the current (blocking) thread; the result's id.
fn execute(root: &Path, job: u64, work: Work, tx: &watch::Sender<State>) -> Result<String, String> {
    let catalog = Catalog::open(root).map_err(|e| e.to_string())?;
    match work {
        Work::Run { scenario, seed } => run_one(root, &catalog, &scenario, seed, tx),
        Work::Ensemble { scenario, seeds } => {
            let exp = Experiment::ensemble((*scenario).clone(), &seeds)?;
            let name = format!("ensemble-{}", default_run_name(&short_name(&scenario), seeds[0], SystemTime::now()));
            run_experiment(root, &catalog, &exp, &name, tx)
        }
        Work::Compare { a, b, seeds } => {
            let exp = Experiment::compare((*a).clone(), (*b).clone(), &seeds, false)?;
            let label = format!("{}-vs-{}", short_name(&a), short_name(&b));
            let name = format!("compare-{}", default_run_name(&label, seeds[0], SystemTime::now()));
            run_experiment(root, &catalog, &exp, &name, tx)
        }
    }
    .map_err(|e| format!("job {job}: {e}"))
}

/// One run, as `seedbed run` does it: catalog row `running`, the run directory written
/// atomically, then the row set to done or failed.
fn run_one(
    root: &Path,
    catalog: &Catalog,
    s: &Scenario,
    seed: u64,
    tx: &watch::Sender<State>,
) -> Result<String, String> {
    let out = fresh(root, &default_run_name(&short_name(s), seed, SystemTime::now()));
    let dir = RunDir::create(&out).map_err(|e| e.to_string())?;
    let started = SystemTime::now();
    let record = NewRun {
        kind: "run".into(),
        experiment: None,
        member: None,
        scenario: s.run.name.clone(),
        scenario_hash: scenario_hash(s),
        seed,
        version: program_version().to_string(),
        format: Format::Parquet.extension().into(),
        outputs: std::path::absolute(&out).unwrap_or_else(|_| out.clone()),
    };
    let id = catalog.begin(&record, started).map_err(|e| e.to_string())?;
    let total = u64::from(s.run.months);
    let _ = tx.send(State::Running { done: 0, total, what: "months".into() });
    let result = write_run(&dir, s, seed, Format::Parquet, &mut |sim| {
        let _ = tx.send(State::Running { done: u64::from(sim.months_done()), total, what: "months".into() });
    });
    match result {
        Ok(_) => {
            dir.commit().map_err(|e| e.to_string())?;
            catalog.finish(id, Status::Done, started, None).map_err(|e| e.to_string())?;
            Ok(format!("r{id}"))
        }
        Err(e) => {
            let _ = dir.abandon();
            let msg = e.to_string();
            let _ = catalog.finish(id, Status::Failed, started, Some(&msg));
            Err(msg)
        }
    }
}

/// An experiment, as `seedbed ensemble` and `seedbed compare` do it.
fn run_experiment(
    root: &Path,
    catalog: &Catalog,
    exp: &Experiment,
    name: &str,
    tx: &watch::Sender<State>,
) -> Result<String, String> {
    let dir = fresh(root, name);
    let opts = Options {
        dir: dir.clone(),
        catalog,
        version: program_version().to_string(),
        jobs: 1,
        resume: false,
        force: false,
    };
    let total = exp.members.len() as u64;
    let done = AtomicU64::new(0);
    let _ = tx.send(State::Running { done: 0, total, what: "runs".into() });
    let outcome = runner::run(exp, &opts, &|e| match e {
        Event::Start { done: d, .. } => {
            done.store(d as u64, Ordering::SeqCst);
        }
        Event::Finished { .. } => {
            let d = done.fetch_add(1, Ordering::SeqCst) + 1;
            let _ = tx.send(State::Running { done: d, total, what: "runs".into() });
        }
        _ => {}
    })
    .map_err(|e| e.to_string())?;
    let rows = catalog.list(Some(&outcome.dir), None).map_err(|e| e.to_string())?;
    let first = rows.first().ok_or("the experiment recorded no runs in the catalog")?;
    Ok(format!("e{}", first.id))
}
