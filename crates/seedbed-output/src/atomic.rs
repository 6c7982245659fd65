//! Atomic small-file writes and fsync helpers.
//!
//! A file written with `write_text_atomic` or `write_json_atomic` is either absent, or the
//! old version, or complete: the content goes to a temporary sibling `.<name>.tmp-<pid>`,
//! is fsynced, then renamed over `path`, and the directory is fsynced.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `value` to `path` as pretty-printed JSON with a final newline, atomically.
pub fn write_json_atomic(path: &Path, value: &serde_json::Value) -> Result<()> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|source| Error::Json { path: path.to_path_buf(), source })?;
    text.push('\n');
    write_text_atomic(path, &text)
}

/// Writes `text` to `path` atomically.
pub fn write_text_atomic(path: &Path, text: &str) -> Result<()> {
    let tmp = temp_sibling(path, "tmp")?;
    let result =
        write_synced(&tmp, text.as_bytes()).and_then(|()| fs::rename(&tmp, path).map_err(|e| Error::io(path, e)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    sync_dir(parent_dir(path))
}

/// `path`'s directory (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A hidden sibling of `path`: `.<file name>.<tag>-<pid>`.
pub(crate) fn temp_sibling(path: &Path, tag: &str) -> Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        Error::io(path, std::io::Error::new(std::io::ErrorKind::InvalidInput, "path has no file name"))
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{tag}-{}", std::process::id()));
    Ok(parent_dir(path).join(tmp_name))
}

/// Creates `path` with `bytes` and fsyncs it.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

/// Fsyncs a directory, so renames and new entries in it survive a crash.
/// A no-op where directories cannot be opened (Windows).
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Fsyncs every file under `dir` (recursively), then the directories themselves.
pub(crate) fn sync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ty = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ty.is_dir() {
            sync_tree(&path)?;
        } else if ty.is_file() {
            File::open(&path).and_then(|f| f.sync_all()).map_err(|e| Error::io(&path, e))?;
        }
    }
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TestDir;

    #[test]
    fn json_is_pretty_and_replaces_atomically() {
        let dir = TestDir::new("atomic-json");
        let path = dir.path().join("summary.json");
        write_json_atomic(&path, &serde_json::json!({"a": 1, "b": [true]})).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{\n  \"a\": 1,\n  \"b\": [\n    true\n  ]\n}\n");
        write_text_atomic(&path, "replaced").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "replaced");
        // Only the target is left: no temporary file.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["summary.json"]);
    }

    #[test]
    fn failed_write_leaves_no_temp_file() {
        let dir = TestDir::new("atomic-fail");
        // The target is a non-empty directory: the rename must fail.
        let path = dir.path().join("taken");
        fs::create_dir_all(path.join("inside")).unwrap();
        assert!(write_text_atomic(&path, "x").is_err());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["taken"]);
    }
}
