//! `seedbed runs`: the runs recorded in the run catalog of an output root.

use std::path::{Path, PathBuf};

use clap::Args;
use seedbed_experiments::Catalog;
use seedbed_experiments::catalog::{CATALOG_FILE, Record, process_alive};

use crate::emit;
use crate::fail::Failure;

/// Options of `seedbed runs`.
#[derive(Args, Debug)]
#[command(after_help = "\
Columns: id, kind (run, ensemble, compare, sweep, sensitivity), status (running, done, failed, replaced, \
interrupted; `reused #N` when the outputs were linked from run N instead of computed), scenario name, \
the first 12 hex digits of the scenario hash (SHA-256 of its TOML), seed, program version, start (UTC), \
duration and output directory. A run still marked running whose process is gone is shown as \
interrupted. The catalog is an SQLite file: query it directly for more (table `runs`).")]
pub struct RunsArgs {
    /// Output root holding `catalog.sqlite`.
    #[arg(long, value_name = "DIR", default_value = "runs")]
    pub root: PathBuf,
    /// Only the runs of this experiment directory.
    #[arg(long, value_name = "DIR")]
    pub experiment: Option<PathBuf>,
    /// Only the last N runs.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
}

/// Runs `seedbed runs`.
pub fn runs(args: &RunsArgs) -> Result<(), Failure> {
    if !args.root.is_dir() {
        return Err(Failure::input(format!(
            "no output root {}: no run has been written there (choose it with --root DIR)",
            args.root.display()
        )));
    }
    let Some(catalog) = Catalog::open_existing(&args.root).map_err(|e| Failure::run(e.to_string()))? else {
        emit(&format!("No runs recorded: {} has no {CATALOG_FILE}.\n", args.root.display()));
        return Ok(());
    };
    let experiment = match &args.experiment {
        Some(p) => Some(std::path::absolute(p).map_err(|e| Failure::input(format!("{}: {e}", p.display())))?),
        None => None,
    };
    let rows =
        catalog.list(experiment.as_deref(), args.limit.map(|l| l as usize)).map_err(|e| Failure::run(e.to_string()))?;
    if rows.is_empty() {
        emit("No runs recorded.\n");
        return Ok(());
    }
    emit(&table(&rows));
    Ok(())
}

/// The rows as an aligned table.
fn table(rows: &[Record]) -> String {
    let cwd = std::env::current_dir().ok();
    let mut cells = vec![
        ["id", "kind", "status", "scenario", "hash", "seed", "version", "started", "seconds", "outputs"]
            .map(String::from)
            .to_vec(),
    ];
    for r in rows {
        let status = match (r.status.as_str(), r.reused_from) {
            ("running", _) if !process_alive(r.pid) => "interrupted".to_string(),
            ("done", Some(from)) => format!("reused #{from}"),
            (s, _) => s.to_string(),
        };
        cells.push(vec![
            r.id.to_string(),
            r.kind.clone(),
            status,
            r.scenario.clone(),
            r.scenario_hash.chars().take(12).collect(),
            r.seed.to_string(),
            r.version.clone(),
            r.started.clone(),
            r.duration_s.map_or_else(String::new, |d| format!("{d:.2}")),
            shown_path(Path::new(&r.outputs), cwd.as_deref()),
        ]);
    }
    let widths: Vec<usize> =
        (0..cells[0].len()).map(|j| cells.iter().map(|r| r[j].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &cells {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let w = widths[j];
                if matches!(j, 0 | 5 | 8) { format!("{c:>w$}") } else { format!("{c:<w$}") }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `path` relative to the current directory when it lies below it.
fn shown_path(path: &Path, cwd: Option<&Path>) -> String {
    cwd.and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path).display().to_string()
}
