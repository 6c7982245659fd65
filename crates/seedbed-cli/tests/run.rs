//! `seedbed run`: outputs, determinism, reproduction from `scenario.toml`, atomicity.

mod common;

use std::fs;
use std::time::{Duration, Instant};

use common::*;

#[test]
fn run_writes_every_output() {
    let tmp = TempDir::new("run");
    let out = ok(tmp.path(), &["run", "--scale", "0.002", "--months", "14", "--quiet", "--out", "r"]);
    assert_eq!(text(&out.stdout).trim(), "r", "--quiet prints only the output directory");
    let dir = tmp.join("r");
    assert_eq!(file_names(&dir), RUN_FILES);

    let city = seedbed_output::read_parquet(&dir.join("city.parquet")).unwrap();
    assert_eq!(city.rows(), 14);
    assert_eq!(city.value("month_index", 13), Some(13.0));
    for table in ["industries", "events", "firms", "deals", "years"] {
        let f = seedbed_output::read_parquet(&dir.join(format!("{table}.parquet"))).unwrap();
        assert!(!f.columns.is_empty(), "{table} has no schema");
    }
    let years = seedbed_output::read_parquet(&dir.join("years.parquet")).unwrap();
    assert_eq!(years.rows(), 2, "2025 and the partial 2026");

    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 42);
    assert_eq!(summary["months"], 14);
    assert_eq!(summary["scenario"], "hangzhou-2025");
    assert_eq!(summary["start"], "2025-01");
    assert_eq!(summary["end"], "2026-02");
    assert_eq!(summary["years"].as_array().unwrap().len(), 2);
    assert_eq!(summary["final"]["year"], 2026);
    assert!(summary["final"]["firms"].as_f64().unwrap() > 0.0);
    assert_eq!(summary["units"]["firms"], "firms");
    let toml = fs::read_to_string(dir.join("scenario.toml")).unwrap();
    assert!(toml.starts_with("# seed = 42\n"), "{}", &toml[..80]);
}

#[test]
fn run_prints_headline_results() {
    let tmp = TempDir::new("run-table");
    let out = ok(tmp.path(), &["run", "no-policy", "--scale", "0.002", "--months", "3", "--out", "r"]);
    let stdout = text(&out.stdout);
    for needle in
        ["Frontier firms", "Unicorns", "GDP proxy", "R&D intensity", "Policy spending per breakthrough", "Outputs: r"]
    {
        assert!(stdout.contains(needle), "missing {needle:?} in\n{stdout}");
    }
    assert!(text(&out.stderr).is_empty(), "no progress bar when stderr is not a terminal: {}", text(&out.stderr));
}

#[test]
fn csv_format_writes_csv_tables() {
    let tmp = TempDir::new("run-csv");
    ok(tmp.path(), &["run", "--scale", "0.002", "--months", "3", "--quiet", "--format", "csv", "--out", "r"]);
    let names = file_names(&tmp.join("r"));
    let expected: Vec<String> = RUN_FILES.iter().map(|f| f.replace(".parquet", ".csv")).collect();
    assert_eq!(names, expected);
    let city = fs::read_to_string(tmp.join("r/city.csv")).unwrap();
    assert_eq!(city.lines().count(), 4, "header and 3 months");
}

#[test]
fn outputs_do_not_depend_on_the_number_of_threads() {
    let tmp = TempDir::new("threads");
    for threads in ["1", "2"] {
        let out = seedbed()
            .args(["run", "--scale", "0.002", "--months", "14", "--seed", "11", "--quiet", "--out", threads])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert_same_files(&tmp.join("1"), &tmp.join("2"));
}

#[test]
fn scenario_toml_and_seed_reproduce_the_run() {
    let tmp = TempDir::new("rerun");
    ok(tmp.path(), &["run", "no-pilots", "--scale", "0.002", "--months", "14", "--seed", "7", "-q", "--out", "a"]);
    ok(tmp.path(), &["run", "a/scenario.toml", "--seed", "7", "-q", "--out", "b"]);
    assert_same_files(&tmp.join("a"), &tmp.join("b"));
    // Without --seed, the `# seed = 7` line of the file is used.
    ok(tmp.path(), &["run", "a/scenario.toml", "-q", "--out", "c"]);
    assert_same_files(&tmp.join("a"), &tmp.join("c"));
}

#[test]
fn default_output_directory_is_under_runs() {
    let tmp = TempDir::new("default-out");
    let out = ok(tmp.path(), &["run", "--scale", "0.002", "--months", "1", "--seed", "3", "-q"]);
    let path = text(&out.stdout).trim().to_string();
    assert!(path.starts_with("runs/hangzhou-2025-s3-"), "{path}");
    assert_eq!(file_names(&tmp.join(&path)), RUN_FILES);
}

#[test]
fn an_interrupted_run_leaves_no_final_directory() {
    let tmp = TempDir::new("interrupt");
    let final_path = tmp.join("r");
    // Far more work than the test waits for: the run is killed long before it ends.
    let mut child = seedbed()
        .args(["run", "--scale", "0.01", "--months", "1200", "--quiet", "--out", "r"])
        .current_dir(tmp.path())
        .spawn()
        .unwrap();
    let partial = tmp.join(&format!(".r.partial-{}", child.id()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !partial.join("city.parquet").exists() && Instant::now() < deadline {
        assert!(child.try_wait().unwrap().is_none(), "run ended before it was interrupted");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(partial.join("city.parquet").exists(), "the run never started writing");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "run ended before it was interrupted; give it more work");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!final_path.exists(), "an interrupted run left {}", final_path.display());
    assert!(partial.exists(), "the partial directory is left for inspection");
}

/// A write that fails while months are still being simulated (the file-size limit stops the
/// tables the writer thread encodes) ends the run with the writer's error, exit code 1 and no
/// output directory, not with a panic or a silently truncated table.
#[cfg(unix)]
#[test]
fn a_failed_write_during_the_run_is_a_clear_error() {
    let tmp = TempDir::new("run-full");
    // With SIGXFSZ ignored, a write past the limit (100 blocks) fails with EFBIG instead of
    // killing the process.
    let out = std::process::Command::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 100; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_seedbed"))
        .args(["run", "--scale", "0.01", "--months", "36", "--quiet", "--out", "r"])
        .current_dir(tmp.path())
        .output()
        .expect("spawn sh");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("writing outputs failed"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!tmp.join("r").exists(), "no output directory for a failed run");
}
