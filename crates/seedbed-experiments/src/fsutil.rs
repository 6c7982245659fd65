//! Files written atomically, the experiment lock, and leftovers of interrupted runs.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use seedbed_model::{Column, Frame};
use seedbed_output::{Format, TableWriter};

/// A hidden sibling of `path`: `.<name>.<tag>-<pid>`.
pub fn temp_sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    parent(path).join(format!(".{name}.{tag}-{}", std::process::id()))
}

/// `path`'s directory (`.` for a bare name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Fsyncs a directory so that renames in it survive a crash.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes a Parquet table atomically: `columns`, then every frame of `frames`, into a hidden
/// temporary file that is fsynced and renamed over `path`. Frames are streamed: only one is
/// in memory at a time.
pub fn write_table_atomic<I>(path: &Path, columns: &[Column], frames: I) -> Result<(), seedbed_output::Error>
where
    I: IntoIterator<Item = Result<Frame, seedbed_output::Error>>,
{
    let tmp = temp_sibling(path, "tmp");
    let result = (|| {
        let mut w = TableWriter::create_with_columns(&tmp, Format::Parquet, columns)?;
        for frame in frames {
            w.write(&frame?)?;
        }
        w.finish()?;
        let io = |e| seedbed_output::Error::Io { path: path.to_path_buf(), source: e };
        File::open(&tmp).and_then(|f| f.sync_all()).map_err(io)?;
        fs::rename(&tmp, path).map_err(io)?;
        sync_dir(parent(path)).map_err(io)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// An exclusive lock on an experiment directory, held while the value lives (and released by
/// the operating system if the process dies).
pub struct Lock {
    _file: File,
}

/// Takes `dir/.lock`; `Ok(None)` if another process holds it.
pub fn try_lock(dir: &Path) -> std::io::Result<Option<Lock>> {
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(".lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: file })),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Removes what interrupted attempts left in `dir`: hidden `.NAME.partial-PID` run
/// directories, `.NAME.stale-PID` directories being deleted and `.NAME.tmp-PID` files.
/// Only call it while holding the experiment's lock. Returns how many entries were removed.
pub fn remove_leftovers(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    let Ok(entries) = fs::read_dir(dir) else { return Ok(0) };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let leftover = name.starts_with('.') && [".partial-", ".stale-", ".tmp-"].iter().any(|tag| name.contains(tag));
        if !leftover {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(&path)?
        } else {
            fs::remove_file(&path)?
        }
        removed += 1;
    }
    Ok(removed)
}

/// Removes a committed directory so that it can be written again: renamed to a hidden
/// `.NAME.stale-PID` first (one atomic step: the final path is then free, whatever happens
/// next), then deleted.
pub fn remove_dir_atomic(dir: &Path) -> std::io::Result<()> {
    let stale = temp_sibling(dir, "stale");
    fs::rename(dir, &stale)?;
    sync_dir(parent(dir))?;
    fs::remove_dir_all(&stale)
}
