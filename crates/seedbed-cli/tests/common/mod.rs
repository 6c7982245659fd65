//! Helpers for the integration tests: the built binary and self-removing temporary directories.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The `seedbed` binary built for these tests.
pub fn seedbed() -> Command {
    Command::new(env!("CARGO_BIN_EXE_seedbed"))
}

/// Runs `seedbed args...` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    seedbed().args(args).current_dir(dir).output().expect("spawn seedbed")
}

/// Runs `seedbed args...` and asserts success.
pub fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = run_in(dir, args);
    assert!(out.status.success(), "seedbed {args:?} failed: {}\n{}", out.status, text(&out.stderr));
    out
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("seedbed-cli-{name}-{}-{n}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Asserts two run directories hold the same files with the same bytes.
pub fn assert_same_files(a: &Path, b: &Path) {
    let names = file_names(a);
    assert_eq!(names, file_names(b), "{} and {} hold different files", a.display(), b.display());
    for name in names {
        let (x, y) = (fs::read(a.join(&name)).unwrap(), fs::read(b.join(&name)).unwrap());
        assert!(x == y, "{name} differs between {} and {}", a.display(), b.display());
    }
}

/// Every file a Parquet run writes.
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
