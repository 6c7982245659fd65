//! Experiments end to end: `ensemble`, `compare`, `sweep`, `sensitivity`, `runs`; the run
//! catalog, reuse of identical runs, determinism, bad arguments, and kill -9 then --resume.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use common::*;
use seedbed_model::{Data, Frame};
use seedbed_output::read_parquet;

/// A small, fast city: every run takes a few hundredths of a second.
const SMALL: [&str; 4] = ["--scale", "0.002", "--months", "14"];

fn args<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(SMALL.iter()).chain(tail).copied().collect()
}

fn table(path: &Path) -> Frame {
    read_parquet(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn texts(f: &Frame, name: &str) -> Vec<String> {
    match f.get(name) {
        Some(Data::Text(v)) => v.clone(),
        other => panic!("column {name}: {other:?}"),
    }
}

fn reals(f: &Frame, name: &str) -> Vec<f64> {
    (0..f.rows()).map(|r| f.value(name, r).unwrap_or_else(|| panic!("column {name}"))).collect()
}

/// Asserts `seedbed args` exits with code 2 and returns its stderr.
fn bad_input(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "seedbed {args:?} should be bad input: {stderr}");
    stderr
}

/// Every member directory of an experiment, and every file in them, byte for byte.
fn assert_same_members(a: &Path, b: &Path) {
    let names = file_names(&a.join("runs"));
    assert_eq!(names, file_names(&b.join("runs")), "member directories differ");
    for n in &names {
        assert_eq!(file_names(&a.join("runs").join(n)), RUN_FILES, "{n} is not a complete run");
        assert_same_files(&a.join("runs").join(n), &b.join("runs").join(n));
    }
}

/// The rows of `seedbed runs` for one experiment: (status, outputs).
fn catalog_rows(dir: &Path, root: &str, experiment: &str) -> Vec<(String, String)> {
    let out = ok(dir, &["runs", "--root", root, "--experiment", experiment]);
    text(&out.stdout)
        .lines()
        .skip(1)
        .map(|l| {
            let cols: Vec<&str> = l.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
            (cols[2].to_string(), cols.last().unwrap().to_string())
        })
        .collect()
}

#[test]
fn ensemble_writes_member_runs_and_tables() {
    let tmp = TempDir::new("ensemble");
    let out = ok(tmp.path(), &args(&["ensemble", "no-policy", "--runs", "4", "--seed", "3"], &["-q", "--out", "e"]));
    assert_eq!(text(&out.stdout).trim(), "e");
    let e = tmp.join("e");
    assert_eq!(
        file_names(&e),
        [".lock", "ensemble.parquet", "experiment.json", "runs", "scenario.toml", "summary.parquet"]
    );
    assert_eq!(file_names(&e.join("runs")), ["s3", "s4", "s5", "s6"]);
    for m in ["s3", "s6"] {
        assert_eq!(file_names(&e.join("runs").join(m)), RUN_FILES);
    }
    // Each member is the run `seedbed run` writes for its seed, byte for byte.
    ok(tmp.path(), &args(&["run", "no-policy", "--seed", "5"], &["-q", "--out", "single"]));
    assert_same_files(&e.join("runs/s5"), &tmp.join("single"));

    let runs = table(&e.join("ensemble.parquet"));
    assert_eq!(runs.rows(), 4 * 2, "4 runs x 2 years");
    assert_eq!(&runs.columns[0].name, "member");
    assert_eq!(&runs.columns[1].name, "seed");
    assert_eq!(&runs.columns[2].name, "year");
    assert_eq!(texts(&runs, "member")[..3], ["s3", "s3", "s4"]);
    let years = table(&e.join("runs/s4/years.parquet"));
    let figures = years.columns.len() - 1;
    assert_eq!(runs.columns.len(), 2 + 1 + figures, "every headline figure");
    assert_eq!(runs.value("firms", 2), years.value("firms", 0), "s4's first year");

    let summary = table(&e.join("summary.parquet"));
    assert_eq!(summary.rows(), figures * 2);
    let names: Vec<&str> = summary.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["figure", "unit", "year", "runs", "mean", "sd", "median", "p05", "p95"]);
    let r = texts(&summary, "figure").iter().position(|f| f == "firms").unwrap() + 1; // the second year
    let firms: Vec<f64> = (0..4).map(|i| runs.value("firms", 2 * i + 1).unwrap()).collect();
    let mut sorted = firms.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(summary.value("runs", r), Some(4.0));
    assert_eq!(summary.value("median", r), Some((sorted[1] + sorted[2]) / 2.0));
    assert!(summary.value("p05", r).unwrap() <= summary.value("median", r).unwrap());
    assert!(summary.value("p95", r).unwrap() >= summary.value("median", r).unwrap());

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(e.join("experiment.json")).unwrap()).unwrap();
    assert_eq!(manifest["spec"]["kind"], "ensemble");
    assert_eq!(manifest["members"].as_array().unwrap().len(), 4);
    // Recorded in the default root's catalog.
    let rows = catalog_rows(tmp.path(), "runs", "e");
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|(status, _)| status == "done"), "{rows:?}");
}

#[test]
fn results_do_not_depend_on_threads_and_identical_runs_are_reused() {
    let tmp = TempDir::new("ensemble-jobs");
    ok(tmp.path(), &args(&["ensemble", "--runs", "4"], &["-q", "-j", "1", "--root", "r1", "--out", "one"]));
    ok(tmp.path(), &args(&["ensemble", "--runs", "4"], &["-q", "-j", "2", "--root", "r2", "--out", "two"]));
    for t in ["ensemble.parquet", "summary.parquet"] {
        assert_eq!(fs::read(tmp.join("one").join(t)).unwrap(), fs::read(tmp.join("two").join(t)).unwrap(), "{t}");
    }
    assert_same_members(&tmp.join("one"), &tmp.join("two"));

    // The same runs again under root r1: linked from the catalog, not simulated.
    let out = ok(tmp.path(), &args(&["ensemble", "--runs", "5"], &["--root", "r1", "--out", "again"]));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1 runs simulated, 4 reused from the run catalog, 0 already done"), "{stdout}");
    let rows = catalog_rows(tmp.path(), "r1", "again");
    assert_eq!(rows.iter().filter(|(s, _)| s.starts_with("reused #")).count(), 4, "{rows:?}");
    assert_same_files(&tmp.join("again/runs/s2"), &tmp.join("one/runs/s2"));
    // --force computes them all.
    let out = ok(tmp.path(), &args(&["ensemble", "--runs", "5"], &["--root", "r1", "--out", "forced", "--force"]));
    assert!(text(&out.stdout).contains("5 runs simulated, 0 reused"), "{}", text(&out.stdout));
    assert_same_members(&tmp.join("again"), &tmp.join("forced"));
}

#[test]
fn common_random_numbers_narrow_the_intervals() {
    let tmp = TempDir::new("compare");
    let run = |extra: &[&str], out: &str| {
        let mut a = vec!["compare", "hangzhou-2025", "no-policy", "--runs", "8", "--scale", "0.002", "--months", "24"];
        a.extend_from_slice(extra);
        a.extend_from_slice(&["-q", "--out", out]);
        ok(tmp.path(), &a);
        table(&tmp.join(out).join("compare.parquet"))
    };
    let crn = run(&[], "crn");
    let indep = run(&["--independent"], "indep");
    assert_eq!(file_names(&tmp.join("crn/runs")).len(), 16);
    assert!(file_names(&tmp.join("indep/runs")).contains(&"b-s16".to_string()), "B runs on seeds 9 to 16");
    let names: Vec<&str> = crn.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "figure",
            "unit",
            "better",
            "year",
            "pairs",
            "mean_a",
            "mean_b",
            "diff",
            "diff_sd",
            "ci_low",
            "ci_high",
            "share_b_beats_a",
            "share_equal"
        ]
    );
    // Paired differences: diff = mean_b - mean_a, the interval around it, shares in [0, 1].
    for r in 0..crn.rows() {
        let (a, b, d) =
            (crn.value("mean_a", r).unwrap(), crn.value("mean_b", r).unwrap(), crn.value("diff", r).unwrap());
        if d.is_finite() {
            assert!((b - a - d).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs())), "row {r}");
            assert!(crn.value("ci_low", r).unwrap() <= d && d <= crn.value("ci_high", r).unwrap());
            assert!((0.0..=1.0).contains(&crn.value("share_b_beats_a", r).unwrap()));
        }
    }
    // Interval widths in the last year: common random numbers give narrower intervals for
    // most figures whose width differs, and much narrower ones for jobs and GDP.
    let year = reals(&crn, "year").into_iter().fold(f64::MIN, f64::max);
    let width = |f: &Frame, fig: &str| {
        let figs = texts(f, "figure");
        let r = (0..f.rows()).find(|&r| figs[r] == fig && f.value("year", r) == Some(year)).unwrap();
        f.value("ci_high", r).unwrap() - f.value("ci_low", r).unwrap()
    };
    let figures: BTreeSet<String> = texts(&crn, "figure").into_iter().collect();
    let (mut narrower, mut wider) = (0, 0);
    for f in &figures {
        let (c, i) = (width(&crn, f), width(&indep, f));
        if c.is_finite() && i.is_finite() && c != i {
            if c < i { narrower += 1 } else { wider += 1 }
        }
    }
    assert!(narrower >= 3 * wider && narrower >= 8, "CRN narrower for {narrower} figures, wider for {wider}");
    for f in ["jobs", "gdp_bn"] {
        let (c, i) = (width(&crn, f), width(&indep, f));
        assert!(c < 0.5 * i, "{f}: CRN interval width {c}, independent seeds {i}");
    }
}

#[test]
fn sweeps_over_a_grid_and_a_latin_hypercube() {
    let tmp = TempDir::new("sweep");
    let grid = [
        "sweep",
        "no-policy",
        "--vary",
        "labour.graduates_per_year=100000..500000",
        "--vary",
        "run.months=12..14",
        "--points",
        "2",
        "--runs",
        "2",
        "--scale",
        "0.002",
        "--months",
        "12",
        "-q",
        "--out",
        "g",
    ];
    ok(tmp.path(), &grid);
    let names = file_names(&tmp.join("g/runs"));
    assert_eq!(names.len(), 8);
    assert_eq!(names[0], "p000-s1");
    assert_eq!(names[7], "p003-s2");
    let runs = table(&tmp.join("g/sweep.parquet"));
    let cols: Vec<&str> = runs.columns.iter().take(6).map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["point", "labour.graduates_per_year", "run.months", "member", "seed", "year"]);
    // Point 3 is (500000, 14): 14 months span two calendar years.
    let last = runs.rows() - 1;
    assert_eq!(runs.value("point", last), Some(3.0));
    assert_eq!(runs.value("labour.graduates_per_year", last), Some(500_000.0));
    assert_eq!(runs.value("run.months", last), Some(14.0));
    let toml = fs::read_to_string(tmp.join("g/runs/p003-s2/scenario.toml")).unwrap();
    assert!(toml.contains("graduates_per_year = 500000") && toml.contains("months = 14"), "{toml}");
    let summary = table(&tmp.join("g/summary.parquet"));
    let s_cols: Vec<&str> = summary.columns.iter().take(4).map(|c| c.name.as_str()).collect();
    assert_eq!(s_cols, ["point", "labour.graduates_per_year", "run.months", "figure"]);
    let figs = texts(&summary, "figure");
    let runs_per_row = reals(&summary, "runs");
    assert!((0..summary.rows()).filter(|&r| figs[r] == "firms").all(|r| runs_per_row[r] == 2.0));
    assert!(runs_per_row.iter().all(|&n| n <= 2.0), "NaN values (no breakthrough yet) are not counted");

    let lhs = [
        "sweep",
        "no-policy",
        "--vary",
        "labour.graduates_per_year=100000..500000",
        "--design",
        "lhs",
        "--points",
        "3",
        "--scale",
        "0.002",
        "--months",
        "12",
        "-q",
        "--out",
        "l",
    ];
    ok(tmp.path(), &lhs);
    let runs = table(&tmp.join("l/sweep.parquet"));
    let mut strata: Vec<usize> = reals(&runs, "labour.graduates_per_year")
        .iter()
        .map(|x| ((x - 100_000.0) / 400_000.0 * 3.0) as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, [0, 1, 2], "one point in each third of the range");
}

#[test]
fn sensitivity_morris_and_sobol_rank_the_levers() {
    let tmp = TempDir::new("sensitivity");
    let vary = ["--vary", "labour.graduates_per_year=100000..600000", "--vary", "policy.pilots.contract_m=1..10"];
    let morris: Vec<&str> = [&["sensitivity", "hangzhou-2025", "--method", "morris", "--trajectories", "3"][..], &vary]
        .concat()
        .into_iter()
        .chain(SMALL)
        .chain(["--bootstrap", "50", "-q", "--out", "m"])
        .collect();
    ok(tmp.path(), &morris);
    assert_eq!(file_names(&tmp.join("m/runs")).len(), 3 * 3, "3 trajectories of 3 points");
    let t = table(&tmp.join("m/sensitivity.parquet"));
    let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        cols,
        [
            "method",
            "figure",
            "unit",
            "parameter",
            "rank",
            "mu",
            "mu_star",
            "mu_star_low",
            "mu_star_high",
            "sigma",
            "effects"
        ]
    );
    let figs = texts(&t, "figure");
    let r = figs.iter().position(|f| f == "jobs").unwrap();
    let mut ranks = [t.value("rank", r).unwrap(), t.value("rank", r + 1).unwrap()];
    ranks.sort_by(f64::total_cmp);
    assert_eq!(ranks, [1.0, 2.0]);
    assert_eq!(t.value("effects", r), Some(3.0));
    let members = table(&tmp.join("m/members.parquet"));
    assert_eq!(members.rows(), 9, "one row (the last year) per run");

    let sobol: Vec<&str> = [&["sensitivity", "hangzhou-2025", "--method", "sobol", "--samples", "3"][..], &vary]
        .concat()
        .into_iter()
        .chain(SMALL)
        .chain(["--bootstrap", "50", "-q", "--out", "s"])
        .collect();
    ok(tmp.path(), &sobol);
    assert_eq!(file_names(&tmp.join("s/runs")).len(), 3 * (2 + 2), "N (d + 2) points");
    let t = table(&tmp.join("s/sensitivity.parquet"));
    let cols: Vec<&str> = t.columns.iter().skip(5).map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["s1", "s1_low", "s1_high", "st", "st_low", "st_high", "samples"]);
    assert_eq!(texts(&t, "method")[0], "sobol");
}

#[test]
fn bad_arguments_are_precise() {
    let tmp = TempDir::new("bad");
    let e = bad_input(tmp.path(), &args(&["sweep", "no-policy", "--vary", "labour.graduates_per_yer=1..2"], &[]));
    assert!(e.contains("unknown parameter path `labour.graduates_per_yer`"), "{e}");
    assert!(e.contains("the closest valid paths: `labour.graduates_per_year`"), "{e}");
    let e = bad_input(tmp.path(), &args(&["sweep", "no-policy", "--vary", "labour.graduates_per_year"], &[]));
    assert!(e.contains("expected PATH=LO..HI"), "{e}");
    let e = bad_input(tmp.path(), &args(&["sweep", "no-policy", "--vary", "run.months=0..5"], &[]));
    assert!(e.contains("1 to 1200"), "{e}");
    let e = bad_input(tmp.path(), &args(&["sweep", "no-policy", "--vary", "run.name=1..5"], &[]));
    assert!(e.contains("not a number"), "{e}");
    let e = bad_input(tmp.path(), &args(&["sensitivity", "no-policy", "--vary", "run.months=5..5"], &[]));
    assert!(e.contains("sensitivity needs LO < HI"), "{e}");
    let e = bad_input(
        tmp.path(),
        &args(&["sensitivity", "no-policy", "--vary", "run.months=5..6", "--figure", "jbos"], &[]),
    );
    assert!(e.contains("--figure jbos") && e.contains("`jobs`"), "{e}");
    let e =
        bad_input(tmp.path(), &args(&["sensitivity", "no-policy", "--vary", "run.months=5..6", "--levels", "3"], &[]));
    assert!(e.contains("even"), "{e}");
    bad_input(tmp.path(), &args(&["ensemble", "--runs", "0"], &[]));
    bad_input(tmp.path(), &args(&["ensemble", "--jobs", "0"], &[]));
    let e = bad_input(tmp.path(), &args(&["ensemble", "--resume"], &[]));
    assert!(e.contains("--out"), "{e}");
    let e = bad_input(tmp.path(), &args(&["ensemble", "--seed", "18446744073709551615", "--runs", "2"], &[]));
    assert!(e.contains("overflow"), "{e}");
    let e = bad_input(tmp.path(), &args(&["compare", "no-policy", "no-polcy"], &[]));
    assert!(e.contains("did you mean `no-policy`"), "{e}");
    let e = bad_input(tmp.path(), &["ensemble", "--scale", "0"]);
    assert!(e.contains("--scale") && e.contains("0.0001 to 4"), "{e}");
    assert!(!tmp.join("runs").exists(), "bad input writes nothing");

    // An existing experiment directory, and resuming with other arguments.
    ok(tmp.path(), &args(&["ensemble", "--runs", "2"], &["-q", "--out", "e"]));
    let e = bad_input(tmp.path(), &args(&["ensemble", "--runs", "2"], &["--out", "e"]));
    assert!(e.contains("already exists") && e.contains("--resume"), "{e}");
    let e = bad_input(tmp.path(), &args(&["ensemble", "--runs", "3"], &["--out", "e", "--resume"]));
    assert!(e.contains("--runs was 2, now 3"), "{e}");
    let e = bad_input(tmp.path(), &args(&["ensemble", "no-pilots", "--runs", "2"], &["--out", "e", "--resume"]));
    assert!(e.contains("scenario 1 was `hangzhou-2025`, now `no-pilots`"), "{e}");
    let e = bad_input(
        tmp.path(),
        &["ensemble", "--runs", "2", "--scale", "0.002", "--months", "15", "--out", "e", "--resume"],
    );
    assert!(e.contains("scenario `hangzhou-2025` has changed"), "{e}");
    let e =
        bad_input(tmp.path(), &args(&["ensemble", "--runs", "2"], &["--out", "e", "--resume", "--root", "elsewhere"]));
    assert!(e.contains("--root"), "{e}");
    // A complete experiment resumed: nothing to do, the same tables.
    let before = fs::read(tmp.join("e/ensemble.parquet")).unwrap();
    let out = ok(tmp.path(), &args(&["ensemble", "--runs", "2"], &["--out", "e", "--resume"]));
    assert!(text(&out.stdout).contains("0 runs simulated, 0 reused from the run catalog, 2 already done"));
    assert_eq!(fs::read(tmp.join("e/ensemble.parquet")).unwrap(), before);
}

#[test]
fn runs_lists_the_catalog() {
    let tmp = TempDir::new("runs");
    let out = run_in(tmp.path(), &["runs"]);
    assert_eq!(out.status.code(), Some(2), "no output root: {}", text(&out.stderr));
    ok(tmp.path(), &args(&["run", "no-policy", "--seed", "9"], &["-q", "--out", "r"]));
    ok(tmp.path(), &args(&["ensemble", "--runs", "2"], &["-q", "--out", "e"]));
    let listing = text(&ok(tmp.path(), &["runs"]).stdout);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 4, "{listing}");
    assert!(lines[0].starts_with("id  kind") && lines[0].contains("hash") && lines[0].contains("version"), "{listing}");
    assert!(lines[1].contains("run") && lines[1].contains("no-policy") && lines[1].contains(" 9 "), "{listing}");
    assert!(lines[1].trim_end().ends_with(" r"), "{listing}");
    // The ensemble's members run concurrently: their rows come in either order.
    let members: Vec<&str> = lines[2..].iter().copied().filter(|l| l.contains("ensemble")).collect();
    assert_eq!(members.len(), 2, "{listing}");
    assert!(
        members.iter().any(|l| l.contains("e/runs/s1")) && members.iter().any(|l| l.contains("e/runs/s2")),
        "{listing}"
    );
    let listing = text(&ok(tmp.path(), &["runs", "--limit", "1"]).stdout);
    assert_eq!(listing.lines().count(), 2);
}

/// Starts `seedbed args` in `dir`.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    seedbed()
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Committed member directories (hidden partial ones excluded).
fn committed(dir: &Path) -> usize {
    fs::read_dir(dir.join("runs"))
        .map_or(0, |d| d.filter(|e| !e.as_ref().unwrap().file_name().to_string_lossy().starts_with('.')).count())
}

/// Kills (SIGKILL) `child` once `at_least` members are committed in `dir` and a further
/// `delay` has passed; false if it finished first.
fn kill_when(child: &mut Child, dir: &Path, at_least: usize, delay: Duration) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed(dir) < at_least && Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(delay);
    let alive = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    alive
}

#[test]
fn an_ensemble_killed_at_any_moment_resumes_exactly() {
    let tmp = TempDir::new("kill");
    // About a tenth of a second per run on two cores: enough to kill it mid-way.
    let cmd = ["ensemble", "no-policy", "--runs", "16", "--scale", "0.01", "--months", "60", "-j", "2"];
    let with = |extra: &[&str]| -> Vec<String> { cmd.iter().chain(extra).map(|s| s.to_string()).collect() };
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    // Uninterrupted, under its own root (nothing to reuse).
    ok(tmp.path(), &refs(&with(&["-q", "--root", "ref-root", "--out", "ref"])));

    // Killed three times at different moments, resumed each time, then finished.
    let resumed = with(&["-q", "--root", "root", "--out", "e", "--resume"]);
    let mut kills = 0;
    for (round, delay) in [(1, 0), (4, 37), (8, 111)] {
        let mut child = spawn(tmp.path(), &refs(&resumed));
        if kill_when(&mut child, &tmp.join("e"), round, Duration::from_millis(delay)) {
            kills += 1;
        }
    }
    assert!(kills >= 2, "the experiment ended before it could be killed; give it more work");
    let out = ok(tmp.path(), &refs(&resumed));
    assert_eq!(text(&out.stdout).trim(), "e");

    // Exactly the runs and tables of the uninterrupted experiment: no run lost, none twice,
    // nothing half-written left behind.
    assert_same_members(&tmp.join("e"), &tmp.join("ref"));
    for t in ["ensemble.parquet", "summary.parquet", "scenario.toml"] {
        assert_eq!(fs::read(tmp.join("e").join(t)).unwrap(), fs::read(tmp.join("ref").join(t)).unwrap(), "{t}");
    }
    assert_eq!(file_names(&tmp.join("e")), file_names(&tmp.join("ref")), "no temporary files left");
    let runs = table(&tmp.join("e/ensemble.parquet"));
    let members: BTreeSet<String> = texts(&runs, "member").into_iter().collect();
    assert_eq!(members.len(), 16);
    assert_eq!(runs.rows(), 16 * 5, "16 runs x 5 years, none twice");
    // The catalog: one done row per member; killed attempts are marked interrupted.
    let rows = catalog_rows(tmp.path(), "root", "e");
    let done: Vec<&String> =
        rows.iter().filter(|(s, _)| s == "done" || s.starts_with("reused")).map(|(_, o)| o).collect();
    let unique: BTreeSet<&String> = done.iter().copied().collect();
    assert_eq!((done.len(), unique.len()), (16, 16), "{rows:?}");
    assert!(rows.iter().all(|(s, _)| s == "done" || s == "interrupted" || s.starts_with("reused")), "{rows:?}");
}

#[test]
fn a_sensitivity_analysis_killed_resumes_exactly() {
    let tmp = TempDir::new("kill-sens");
    let base = [
        "sensitivity",
        "no-policy",
        "--method",
        "morris",
        "--trajectories",
        "4",
        "--vary",
        "labour.graduates_per_year=100000..600000",
        "--vary",
        "labour.migrants_per_year=50000..200000",
        "--scale",
        "0.01",
        "--months",
        "60",
        "-j",
        "2",
        "--bootstrap",
        "100",
        "-q",
        "--force",
    ];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        base.iter().chain(extra).copied().collect()
    }
    ok(tmp.path(), &with(&base, &["--out", "ref"]));
    let mut child = spawn(tmp.path(), &with(&base, &["--out", "s", "--resume"]));
    let killed = kill_when(&mut child, &tmp.join("s"), 3, Duration::from_millis(20));
    assert!(killed, "the analysis ended before it could be killed; give it more work");
    ok(tmp.path(), &with(&base, &["--out", "s", "--resume"]));
    assert_same_members(&tmp.join("s"), &tmp.join("ref"));
    for t in ["sensitivity.parquet", "members.parquet"] {
        assert_eq!(fs::read(tmp.join("s").join(t)).unwrap(), fs::read(tmp.join("ref").join(t)).unwrap(), "{t}");
    }
}
