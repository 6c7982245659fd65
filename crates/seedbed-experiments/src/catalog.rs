//! The run catalog: `catalog.sqlite` in the output root records every run (its scenario hash,
//! seed, program version, status, start, end, duration and output directory).
//!
//! A run's row is inserted as `running` before it starts and set to `done` (or `failed`) once
//! its directory is committed, so a process killed in between leaves a `running` row that the
//! next attempt at the same experiment marks `interrupted`; a done run whose directory went
//! missing, or is removed to be computed again, becomes `replaced`. Runs of an identical (scenario
//! hash, seed, version) are looked up here so they are not computed twice.
//!
//! SQLite in WAL mode with a busy timeout: several seedbed processes may share one catalog.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use seedbed_output::UtcDateTime;

use crate::member::is_complete_run;

/// The catalog file's name in the output root.
pub const CATALOG_FILE: &str = "catalog.sqlite";

/// A catalog error: the file and what went wrong.
#[derive(Debug)]
pub struct CatalogError(pub String);

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CatalogError {}

type Result<T> = std::result::Result<T, CatalogError>;

/// The status of a catalogued run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Running,
    Done,
    Failed,
    Interrupted,
    /// A done run whose directory went missing or was removed to be computed again.
    Replaced,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Interrupted => "interrupted",
            Status::Replaced => "replaced",
        }
    }
}

/// What is known about a run when it starts.
#[derive(Clone, Debug)]
pub struct NewRun {
    /// `run`, `ensemble`, `compare`, `sweep` or `sensitivity`.
    pub kind: String,
    /// The experiment directory (absolute), for members of experiments.
    pub experiment: Option<PathBuf>,
    /// The member's name within its experiment.
    pub member: Option<String>,
    /// The scenario's name (`run.name`).
    pub scenario: String,
    /// SHA-256 of the scenario's TOML text.
    pub scenario_hash: String,
    pub seed: u64,
    /// The program version (`crate::version::program_version`).
    pub version: String,
    /// `parquet` or `csv`.
    pub format: String,
    /// The run's final directory (absolute).
    pub outputs: PathBuf,
}

/// A row of the catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub id: i64,
    pub kind: String,
    pub experiment: Option<String>,
    pub member: Option<String>,
    pub scenario: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub version: String,
    pub format: String,
    pub status: String,
    /// The run whose outputs were linked instead of computing this one.
    pub reused_from: Option<i64>,
    pub pid: i64,
    pub started: String,
    pub ended: Option<String>,
    pub duration_s: Option<f64>,
    pub outputs: String,
    pub error: Option<String>,
}

/// The catalog of an output root. Methods take `&self`: the connection sits behind a mutex,
/// so worker threads can record their runs directly.
pub struct Catalog {
    path: PathBuf,
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    experiment    TEXT,
    member        TEXT,
    scenario      TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    seed          TEXT NOT NULL,
    version       TEXT NOT NULL,
    format        TEXT NOT NULL,
    status        TEXT NOT NULL,
    reused_from   INTEGER,
    pid           INTEGER NOT NULL,
    started       TEXT NOT NULL,
    ended         TEXT,
    duration_s    REAL,
    outputs       TEXT NOT NULL,
    error         TEXT
);
CREATE INDEX IF NOT EXISTS runs_identity ON runs (scenario_hash, seed, version, status);
CREATE INDEX IF NOT EXISTS runs_outputs ON runs (outputs);
CREATE INDEX IF NOT EXISTS runs_experiment ON runs (experiment, status);
";

const COLUMNS: &str = "id, kind, experiment, member, scenario, scenario_hash, seed, version, format, status, \
                       reused_from, pid, started, ended, duration_s, outputs, error";

impl Catalog {
    /// Opens (creating the root directory and the file if needed) `root/catalog.sqlite`.
    pub fn open(root: &Path) -> Result<Catalog> {
        std::fs::create_dir_all(root)
            .map_err(|e| CatalogError(format!("cannot create the output root {}: {e}", root.display())))?;
        let path = root.join(CATALOG_FILE);
        let conn = Connection::open(&path).map_err(|e| err(&path, e))?;
        Self::setup(path, conn, true)
    }

    /// Opens an existing catalog (for listing; nothing is created); `None` if `root` has none.
    pub fn open_existing(root: &Path) -> Result<Option<Catalog>> {
        let path = root.join(CATALOG_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let conn =
            Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| err(&path, e))?;
        Self::setup(path, conn, false).map(Some)
    }

    fn setup(path: PathBuf, conn: Connection, write: bool) -> Result<Catalog> {
        conn.busy_timeout(Duration::from_secs(30)).map_err(|e| err(&path, e))?;
        if write {
            conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| err(&path, e))?;
            conn.pragma_update(None, "synchronous", "FULL").map_err(|e| err(&path, e))?;
            conn.execute_batch(SCHEMA).map_err(|e| err(&path, e))?;
        }
        Ok(Catalog { path, conn: Mutex::new(conn) })
    }

    /// The catalog file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn).map_err(|e| err(&self.path, e))
    }

    /// Records a run that starts now (`running`); returns its id.
    pub fn begin(&self, run: &NewRun, started: SystemTime) -> Result<i64> {
        self.insert(run, Status::Running, started, None)
    }

    fn insert(&self, run: &NewRun, status: Status, started: SystemTime, reused_from: Option<i64>) -> Result<i64> {
        self.with(|c| {
            c.execute(
                "INSERT INTO runs (kind, experiment, member, scenario, scenario_hash, seed, version, format, status, \
                 reused_from, pid, started, outputs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    run.kind,
                    run.experiment.as_ref().map(|p| p.to_string_lossy().into_owned()),
                    run.member,
                    run.scenario,
                    run.scenario_hash,
                    seed_sql(run.seed),
                    run.version,
                    run.format,
                    status.as_str(),
                    reused_from,
                    i64::from(std::process::id()),
                    iso(started),
                    run.outputs.to_string_lossy(),
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Ends run `id` with `status` (`done` or `failed`, with the error).
    pub fn finish(&self, id: i64, status: Status, started: SystemTime, error: Option<&str>) -> Result<()> {
        let now = SystemTime::now();
        let secs = now.duration_since(started).map_or(0.0, |d| d.as_secs_f64());
        self.with(|c| {
            c.execute(
                "UPDATE runs SET status = ?1, ended = ?2, duration_s = ?3, error = ?4 WHERE id = ?5",
                params![status.as_str(), iso(now), secs, error, id],
            )
            .map(|_| ())
        })
    }

    /// Records a run whose outputs were linked from run `from` (done, no time spent computing).
    pub fn record_reused(&self, run: &NewRun, from: i64, started: SystemTime) -> Result<i64> {
        let id = self.insert(run, Status::Running, started, Some(from))?;
        self.finish(id, Status::Done, started, None)?;
        Ok(id)
    }

    /// The most recent done run of (`hash`, `seed`, `version`) in Parquet whose directory is
    /// still complete: its id and directory.
    pub fn find_reusable(&self, hash: &str, seed: u64, version: &str) -> Result<Option<(i64, PathBuf)>> {
        let candidates: Vec<(i64, String)> = self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, outputs FROM runs WHERE scenario_hash = ?1 AND seed = ?2 AND version = ?3 \
                 AND status = 'done' AND format = 'parquet' ORDER BY id DESC",
            )?;
            st.query_map(params![hash, seed_sql(seed), version], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
        })?;
        Ok(candidates.into_iter().map(|(id, p)| (id, PathBuf::from(p))).find(|(_, p)| is_complete_run(p)))
    }

    /// Whether a done run of (`hash`, `seed`, `version`) is recorded at directory `outputs`.
    pub fn is_done_at(&self, outputs: &Path, hash: &str, seed: u64, version: &str) -> Result<bool> {
        self.with(|c| {
            c.query_row(
                "SELECT id FROM runs WHERE outputs = ?1 AND scenario_hash = ?2 AND seed = ?3 AND version = ?4 \
                 AND status = 'done' LIMIT 1",
                params![outputs.to_string_lossy(), hash, seed_sql(seed), version],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|id| id.is_some())
        })
    }

    /// Marks every `running` row of `experiment` as `interrupted` (the caller holds the
    /// experiment's lock, so none of them is still running); returns how many.
    pub fn mark_interrupted(&self, experiment: &Path) -> Result<usize> {
        self.with(|c| {
            c.execute(
                "UPDATE runs SET status = 'interrupted' WHERE experiment = ?1 AND status = 'running'",
                params![experiment.to_string_lossy()],
            )
        })
    }

    /// Marks done rows recorded at `outputs` as `replaced` (their directory is missing or is
    /// being computed again); returns how many.
    pub fn retire_outputs(&self, outputs: &Path) -> Result<usize> {
        self.with(|c| {
            c.execute(
                "UPDATE runs SET status = 'replaced' WHERE outputs = ?1 AND status = 'done'",
                params![outputs.to_string_lossy()],
            )
        })
    }

    /// Rows in id order, filtered: only those of `experiment` if given, only the last `limit`.
    pub fn list(&self, experiment: Option<&Path>, limit: Option<usize>) -> Result<Vec<Record>> {
        let exp = experiment.map(|p| p.to_string_lossy().into_owned());
        let limit = limit.map_or(-1, |l| l as i64);
        let mut rows = self.with(|c| {
            let sql =
                format!("SELECT {COLUMNS} FROM runs WHERE (?1 IS NULL OR experiment = ?1) ORDER BY id DESC LIMIT ?2");
            let mut st = c.prepare(&sql)?;
            st.query_map(params![exp, limit], record)?.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        rows.reverse();
        Ok(rows)
    }
}

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.get(0)?,
        kind: r.get(1)?,
        experiment: r.get(2)?,
        member: r.get(3)?,
        scenario: r.get(4)?,
        scenario_hash: r.get(5)?,
        seed: seed_from_sql(r.get(6)?),
        version: r.get(7)?,
        format: r.get(8)?,
        status: r.get(9)?,
        reused_from: r.get(10)?,
        pid: r.get(11)?,
        started: r.get(12)?,
        ended: r.get(13)?,
        duration_s: r.get(14)?,
        outputs: r.get(15)?,
        error: r.get(16)?,
    })
}

/// A seed as stored: its decimal text (seeds are unsigned 64-bit, beyond SQLite's integers).
fn seed_sql(seed: u64) -> Sql {
    Sql::Text(seed.to_string())
}

fn seed_from_sql(v: Sql) -> u64 {
    match v {
        Sql::Text(t) => t.parse().unwrap_or(0),
        Sql::Integer(i) => i as u64,
        _ => 0,
    }
}

fn err(path: &Path, e: rusqlite::Error) -> CatalogError {
    CatalogError(format!("run catalog {}: {e}", path.display()))
}

/// ISO 8601 UTC, to the second.
pub fn iso(t: SystemTime) -> String {
    UtcDateTime::from_system_time(t).to_string()
}

/// Whether process `pid` is alive (Linux: `/proc/PID` exists); `true` where unknown.
pub fn process_alive(pid: i64) -> bool {
    if cfg!(target_os = "linux") { Path::new(&format!("/proc/{pid}")).exists() } else { true }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TestDir;

    fn new_run(dir: &Path, seed: u64) -> NewRun {
        NewRun {
            kind: "ensemble".into(),
            experiment: Some(dir.join("e")),
            member: Some(format!("s{seed}")),
            scenario: "no-policy".into(),
            scenario_hash: "abc".into(),
            seed,
            version: "v1".into(),
            format: "parquet".into(),
            outputs: dir.join(format!("e/runs/s{seed}")),
        }
    }

    #[test]
    fn records_runs_and_finds_reusable_ones() {
        let tmp = TestDir::new("catalog");
        let cat = Catalog::open(tmp.path()).unwrap();
        let t0 = SystemTime::now();
        let run = new_run(tmp.path(), u64::MAX);
        let id = cat.begin(&run, t0).unwrap();
        assert_eq!(cat.find_reusable("abc", u64::MAX, "v1").unwrap(), None, "not done yet");
        cat.finish(id, Status::Done, t0, None).unwrap();
        assert_eq!(cat.find_reusable("abc", u64::MAX, "v1").unwrap(), None, "no directory");
        std::fs::create_dir_all(&run.outputs).unwrap();
        for f in crate::member::RUN_FILES {
            std::fs::write(run.outputs.join(f), "x").unwrap();
        }
        assert_eq!(cat.find_reusable("abc", u64::MAX, "v1").unwrap(), Some((id, run.outputs.clone())));
        assert_eq!(cat.find_reusable("abc", u64::MAX, "v2").unwrap(), None, "another version");
        assert!(cat.is_done_at(&run.outputs, "abc", u64::MAX, "v1").unwrap());
        let rows = cat.list(None, None).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].seed, u64::MAX);
        assert_eq!(rows[0].status, "done");
        assert!(rows[0].duration_s.unwrap() >= 0.0);

        let other = new_run(tmp.path(), 2);
        let id2 = cat.begin(&other, t0).unwrap();
        assert_eq!(cat.mark_interrupted(&tmp.path().join("e")).unwrap(), 1);
        let rows = cat.list(Some(&tmp.path().join("e")), Some(1)).unwrap();
        assert_eq!((rows[0].id, rows[0].status.as_str()), (id2, "interrupted"));
        assert_eq!(cat.retire_outputs(&run.outputs).unwrap(), 1);
        assert_eq!(cat.list(None, None).unwrap()[0].status, "replaced");
        assert!(!cat.is_done_at(&run.outputs, "abc", u64::MAX, "v1").unwrap());

        drop(cat);
        let ro = Catalog::open_existing(tmp.path()).unwrap().unwrap();
        assert_eq!(ro.list(None, None).unwrap().len(), 2);
        assert!(Catalog::open_existing(&tmp.path().join("none")).unwrap().is_none());
    }
}
