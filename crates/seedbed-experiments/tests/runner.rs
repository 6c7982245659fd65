//! The runner in process: states an interruption can leave behind are repaired by a resume,
//! a locked experiment is refused, results do not depend on the number of workers.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use seedbed_experiments::runner::{Counts, Error, Event, Options, run};
use seedbed_experiments::{Catalog, Experiment, Report, program_version, seeds};
use seedbed_model::Scenario;

struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Tmp {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "seedbed-exp-it-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Tmp(p)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn small() -> Scenario {
    let mut s = seedbed_scenario::builtin("no-policy").unwrap();
    s.run.months = 14;
    s.run.scale = 0.002;
    s
}

fn ensemble(n: usize) -> Experiment {
    Experiment::ensemble(small(), &seeds(1, n).unwrap()).unwrap()
}

fn go(exp: &Experiment, dir: &Path, catalog: &Catalog, jobs: usize, resume: bool) -> Result<Counts, Error> {
    let opts =
        Options { dir: dir.to_path_buf(), catalog, version: program_version().to_string(), jobs, resume, force: false };
    let events = AtomicUsize::new(0);
    let out = run(exp, &opts, &|e| {
        if matches!(e, Event::Finished { .. }) {
            events.fetch_add(1, Ordering::Relaxed);
        }
    })?;
    assert_eq!(events.load(Ordering::Relaxed), out.counts.computed + out.counts.reused);
    assert!(matches!(out.report, Report::Ensemble(_)));
    Ok(out.counts)
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn same_bytes(a: &Path, b: &Path) {
    assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap(), "{} and {} differ", a.display(), b.display());
}

fn sql(catalog: &Path, statement: &str) -> usize {
    let c = rusqlite::Connection::open(catalog).unwrap();
    c.execute(statement, []).unwrap()
}

fn count(catalog: &Path, query: &str) -> i64 {
    let c = rusqlite::Connection::open(catalog).unwrap();
    c.query_row(query, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_resume_repairs_every_state_an_interruption_leaves() {
    let tmp = Tmp::new("repair");
    let exp = ensemble(4);
    let reference = Catalog::open(&tmp.0.join("ref-root")).unwrap();
    let counts = go(&exp, &tmp.0.join("ref"), &reference, 2, false).unwrap();
    assert_eq!(counts, Counts { computed: 4, reused: 0, resumed: 0 });

    let root = tmp.0.join("root");
    let catalog = Catalog::open(&root).unwrap();
    let e = tmp.0.join("e");
    go(&exp, &e, &catalog, 1, false).unwrap();
    let db = root.join("catalog.sqlite");
    let runs = e.join("runs");
    // s1: done. s2: its directory never committed (killed while simulating), with the
    // hidden partial directory left behind. s3: committed but killed before its catalog row
    // said done. s4: done, but the tables were never written (killed while reducing).
    fs::remove_dir_all(runs.join("s2")).unwrap();
    fs::create_dir(runs.join(".s2.partial-999999")).unwrap();
    fs::write(runs.join(".s2.partial-999999/city.parquet"), "half").unwrap();
    let s3 = std::path::absolute(runs.join("s3")).unwrap();
    assert_eq!(sql(&db, &format!("UPDATE runs SET status = 'running' WHERE outputs = '{}'", s3.display())), 1);
    fs::remove_file(e.join("ensemble.parquet")).unwrap();
    fs::write(e.join(".summary.parquet.tmp-999999"), "half").unwrap();

    let counts = go(&exp, &e, &catalog, 2, true).unwrap();
    assert_eq!(counts, Counts { computed: 2, reused: 0, resumed: 2 }, "s2 and s3 run again");
    assert_eq!(names(&runs), ["s1", "s2", "s3", "s4"]);
    assert_eq!(names(&e), names(&tmp.0.join("ref")), "no leftovers");
    for t in ["ensemble.parquet", "summary.parquet", "scenario.toml"] {
        same_bytes(&e.join(t), &tmp.0.join("ref").join(t));
    }
    for m in ["s1", "s2", "s3", "s4"] {
        for f in names(&runs.join(m)) {
            same_bytes(&runs.join(m).join(&f), &tmp.0.join("ref/runs").join(m).join(&f));
        }
    }
    let exp_dir = std::path::absolute(&e).unwrap();
    let q = |status: &str| {
        count(
            &db,
            &format!("SELECT COUNT(*) FROM runs WHERE experiment = '{}' AND status = '{status}'", exp_dir.display()),
        )
    };
    assert_eq!(q("done"), 4, "one done row per member");
    assert_eq!(q("interrupted"), 1, "s3's first attempt");
    assert_eq!(q("replaced"), 1, "s2's first run, whose directory went missing");
    assert_eq!(q("running"), 0);
}

#[test]
fn a_locked_experiment_is_refused() {
    let tmp = Tmp::new("lock");
    let exp = ensemble(1);
    let catalog = Catalog::open(&tmp.0.join("root")).unwrap();
    let e = tmp.0.join("e");
    fs::create_dir_all(&e).unwrap();
    let lock = fs::OpenOptions::new().create(true).truncate(false).write(true).open(e.join(".lock")).unwrap();
    lock.lock().unwrap();
    // flock locks belong to the open file description: another open in this process conflicts.
    match go(&exp, &e, &catalog, 1, true) {
        Err(Error::Input(m)) => assert!(m.contains("being run by another seedbed process"), "{m}"),
        other => panic!("{other:?}"),
    }
    drop(lock);
    assert_eq!(go(&exp, &e, &catalog, 1, true).unwrap().computed, 1);
}

#[test]
fn a_new_experiment_refuses_an_existing_directory() {
    let tmp = Tmp::new("exists");
    let catalog = Catalog::open(&tmp.0.join("root")).unwrap();
    fs::create_dir_all(tmp.0.join("e")).unwrap();
    match go(&ensemble(1), &tmp.0.join("e"), &catalog, 1, false) {
        Err(Error::Input(m)) => assert!(m.contains("already exists"), "{m}"),
        other => panic!("{other:?}"),
    }
}
