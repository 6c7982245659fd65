//! Atomic run directories and default run names.
//!
//! A run writes into a hidden sibling `.<name>.partial-<pid>` of its final directory and
//! renames it into place only when everything is written and fsynced, so a directory at
//! the final path is always a complete run. An interrupted run (crash, Ctrl-C, error,
//! or a `RunDir` dropped without `commit`) leaves the partial directory, whose name says
//! what it is, for inspection; `abandon` removes it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::atomic::{parent_dir, sync_dir, sync_tree, temp_sibling};
use crate::error::{Error, Result};

/// A run directory being written. See the module documentation.
#[derive(Debug)]
pub struct RunDir {
    final_path: PathBuf,
    temp_path: PathBuf,
}

impl RunDir {
    /// Starts a run that will end up at `final_path`.
    ///
    /// Refuses (`Error::AlreadyExists`) if `final_path` exists. Creates missing parent
    /// directories, then the partial directory `.<final name>.partial-<pid>` next to
    /// `final_path`; fails if that exists too (a leftover of an interrupted run).
    pub fn create(final_path: &Path) -> Result<RunDir> {
        if fs::symlink_metadata(final_path).is_ok() {
            return Err(Error::AlreadyExists { path: final_path.to_path_buf() });
        }
        let temp_path = temp_sibling(final_path, "partial")?;
        let parent = parent_dir(final_path);
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        fs::create_dir(&temp_path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                let msg = "partial run directory already exists (left by an interrupted run?); remove it";
                Error::io(&temp_path, std::io::Error::new(e.kind(), msg))
            } else {
                Error::io(&temp_path, e)
            }
        })?;
        Ok(RunDir { final_path: final_path.to_path_buf(), temp_path })
    }

    /// Where a file named `name` goes while the run is written (inside the partial
    /// directory; after `commit` it is at `final_path().join(name)`).
    pub fn path_for(&self, name: &str) -> PathBuf {
        self.temp_path.join(name)
    }

    /// The partial directory being written.
    pub fn path(&self) -> &Path {
        &self.temp_path
    }

    /// Where the run will be once committed.
    pub fn final_path(&self) -> &Path {
        &self.final_path
    }

    /// Fsyncs every file and directory of the run, renames the partial directory to the
    /// final path, fsyncs the parent, and returns the final path.
    ///
    /// Fails with `Error::AlreadyExists` if something appeared at the final path meanwhile
    /// (the partial directory is then kept). The check and the rename are two steps, so
    /// two processes racing for one final path are not excluded; runs use distinct names.
    /// Writers (e.g. `TableWriter`) must be finished before committing.
    pub fn commit(self) -> Result<PathBuf> {
        sync_tree(&self.temp_path)?;
        if fs::symlink_metadata(&self.final_path).is_ok() {
            return Err(Error::AlreadyExists { path: self.final_path });
        }
        fs::rename(&self.temp_path, &self.final_path).map_err(|e| Error::io(&self.final_path, e))?;
        sync_dir(parent_dir(&self.final_path))?;
        Ok(self.final_path)
    }

    /// Deletes the partial directory and everything in it.
    pub fn abandon(self) -> Result<()> {
        fs::remove_dir_all(&self.temp_path).map_err(|e| Error::io(&self.temp_path, e))
    }
}

/// The default directory name of a run: `<scenario>-s<seed>-<YYYYMMDD>-<HHMMSS>` in UTC,
/// e.g. `hangzhou-2025-s42-20261130-101500`.
///
/// Characters of `scenario` other than ASCII letters, digits, `-`, `_` and `.` become `-`,
/// and leading dots are dropped, so the name is a plain, visible directory name.
pub fn default_run_name(scenario: &str, seed: u64, now: SystemTime) -> String {
    let t = UtcDateTime::from_system_time(now);
    format!(
        "{}-s{seed}-{:04}{:02}{:02}-{:02}{:02}{:02}",
        sanitize_name(scenario),
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second
    )
}

/// `s` reduced to characters safe in a directory name (see `default_run_name`).
fn sanitize_name(s: &str) -> String {
    let clean: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    let clean = clean.trim_start_matches('.');
    if clean.is_empty() { "run".to_owned() } else { clean.to_owned() }
}

/// A UTC calendar date and time of day (proleptic Gregorian calendar), to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcDateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl UtcDateTime {
    /// The UTC date and time `secs` seconds after 1970-01-01T00:00:00Z (negative: before).
    pub fn from_unix(secs: i64) -> Self {
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400) as u32;
        UtcDateTime { year, month, day, hour: sod / 3600, minute: sod / 60 % 60, second: sod % 60 }
    }

    /// The UTC date and time of `t`, truncated to the second (towards the past).
    pub fn from_system_time(t: SystemTime) -> Self {
        let secs = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => {
                let d = e.duration();
                -(d.as_secs() as i64) - i64::from(d.subsec_nanos() > 0)
            }
        };
        Self::from_unix(secs)
    }
}

/// ISO 8601, e.g. `2026-11-30T10:15:00Z`.
impl std::fmt::Display for UtcDateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The (year, month 1–12, day 1–31) of the day `days` after 1970-01-01.
///
/// Howard Hinnant's `civil_from_days`: shift to a calendar starting on 1 March (so the leap
/// day is last), split into 400-year eras of 146,097 days, then year of era, day of year,
/// and month from a linear formula (153 days per 5 months).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // month from March: [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TestDir;
    use std::time::Duration;

    fn utc(secs: i64) -> String {
        UtcDateTime::from_unix(secs).to_string()
    }

    #[test]
    fn known_dates() {
        // Reference values from `date -u -d '<date> UTC' +%s`.
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_796_033_700), "2026-11-30T10:15:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_709_208_000), "2024-02-29T12:00:00Z");
        assert_eq!(utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(utc(-2_203_891_200), "1900-03-01T00:00:00Z");
        assert_eq!(utc(4_133_980_799), "2100-12-31T23:59:59Z");
    }

    fn is_leap(y: i64) -> bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    fn month_len(y: i64, m: u32) -> u32 {
        match m {
            2 if is_leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    #[test]
    fn consecutive_days_walk_the_calendar() {
        // From 1600-01-01 to about 2400, every day follows the previous one by the rules of
        // the Gregorian calendar (month lengths, leap years including 1700/1900/2000/2100).
        let start = -135_140; // 1600-01-01
        assert_eq!(civil_from_days(start), (1600, 1, 1));
        let mut prev = civil_from_days(start);
        for days in start + 1..start + 300_000 {
            let (y, m, d) = prev;
            let expected = if d < month_len(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            let got = civil_from_days(days);
            assert_eq!(got, expected, "day {days}");
            prev = got;
        }
    }

    #[test]
    fn run_name() {
        let t = UNIX_EPOCH + Duration::from_secs(1_796_033_700) + Duration::from_millis(999);
        assert_eq!(default_run_name("hangzhou-2025", 42, t), "hangzhou-2025-s42-20261130-101500");
        assert_eq!(default_run_name("../my scenario", 7, UNIX_EPOCH), "-my-scenario-s7-19700101-000000");
        assert_eq!(default_run_name("", 0, UNIX_EPOCH - Duration::from_millis(1)), "run-s0-19691231-235959");
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        v.sort();
        v
    }

    #[test]
    fn commit_renames_partial_into_place() {
        let root = TestDir::new("rundir-commit");
        let final_path = root.path().join("runs").join("r1");
        let run = RunDir::create(&final_path).unwrap();
        let partial = format!(".r1.partial-{}", std::process::id());
        assert_eq!(run.path(), root.path().join("runs").join(&partial));
        assert!(!final_path.exists());
        fs::write(run.path_for("summary.json"), "{}").unwrap();
        fs::create_dir(run.path_for("sub")).unwrap();
        fs::write(run.path_for("sub/x.csv"), "a\n1\n").unwrap();
        assert_eq!(run.commit().unwrap(), final_path);
        assert_eq!(entries(&root.path().join("runs")), ["r1"]);
        assert_eq!(fs::read_to_string(final_path.join("summary.json")).unwrap(), "{}");
        assert_eq!(fs::read_to_string(final_path.join("sub/x.csv")).unwrap(), "a\n1\n");
    }

    #[test]
    fn existing_final_path_is_refused() {
        let root = TestDir::new("rundir-exists");
        let final_path = root.path().join("r1");
        fs::create_dir(&final_path).unwrap();
        let err = RunDir::create(&final_path).unwrap_err();
        assert!(matches!(err, Error::AlreadyExists { .. }));
        assert!(err.to_string().contains("already exists; choose another --out or remove it"), "{err}");
        assert_eq!(entries(root.path()), ["r1"], "no partial directory created");
    }

    #[test]
    fn dropped_run_leaves_only_a_partial_directory() {
        let root = TestDir::new("rundir-drop");
        let final_path = root.path().join("r1");
        {
            let run = RunDir::create(&final_path).unwrap();
            fs::write(run.path_for("city.parquet"), "half").unwrap();
        }
        assert!(!final_path.exists());
        let partial = format!(".r1.partial-{}", std::process::id());
        assert_eq!(entries(root.path()), [partial]);
        // A second attempt in the same process reports the leftover instead of reusing it.
        let err = RunDir::create(&final_path).unwrap_err();
        assert!(err.to_string().contains("partial run directory already exists"), "{err}");
    }

    #[test]
    fn abandon_removes_everything() {
        let root = TestDir::new("rundir-abandon");
        let final_path = root.path().join("r1");
        let run = RunDir::create(&final_path).unwrap();
        fs::write(run.path_for("city.parquet"), "half").unwrap();
        run.abandon().unwrap();
        assert!(entries(root.path()).is_empty());
    }

    #[test]
    fn commit_refuses_if_final_path_appeared() {
        let root = TestDir::new("rundir-race");
        let final_path = root.path().join("r1");
        let run = RunDir::create(&final_path).unwrap();
        fs::create_dir(&final_path).unwrap();
        assert!(matches!(run.commit(), Err(Error::AlreadyExists { .. })));
        assert_eq!(entries(&final_path).len(), 0, "existing directory untouched");
    }
}
