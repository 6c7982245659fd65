//! Exit codes and messages on bad input; `scenarios`, `show`, `check`, `bench`, `docs`.

mod common;

use std::fs;

use common::*;

const BUILTINS: [&str; 9] = [
    "hangzhou-2025",
    "no-policy",
    "no-failure-insurance",
    "no-compute-vouchers",
    "closed-platforms",
    "no-talent-subsidies",
    "no-pilots",
    "no-guidance-fund",
    "guidance-fund-direct",
];

/// Asserts `seedbed args` exits with `code` and returns its stderr.
fn fails(dir: &std::path::Path, args: &[&str], code: i32) -> String {
    let out = run_in(dir, args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "seedbed {args:?}: {stderr}");
    stderr
}

#[test]
fn unknown_scenario_is_bad_input_listing_builtins() {
    let tmp = TempDir::new("unknown");
    let stderr = fails(tmp.path(), &["run", "no-polcy", "--scale", "0.002", "--months", "1"], 2);
    assert!(stderr.contains("did you mean `no-policy`"), "{stderr}");
    for name in BUILTINS {
        assert!(stderr.contains(name), "{name} not listed: {stderr}");
    }
    assert!(file_names(tmp.path()).is_empty(), "nothing written");
}

#[test]
fn unknown_key_is_bad_input_with_line_and_nearest_key() {
    let tmp = TempDir::new("badkey");
    fs::write(tmp.join("bad.toml"), "base = \"no-pilots\"\n[labour]\ngraduates_per_yer = 3\n").unwrap();
    let stderr = fails(tmp.path(), &["run", "bad.toml", "--months", "1"], 2);
    assert!(stderr.contains("bad.toml:3:1"), "{stderr}");
    assert!(stderr.contains("did you mean `graduates_per_year`"), "{stderr}");
    let stderr = fails(tmp.path(), &["check", "bad.toml"], 2);
    assert!(stderr.contains("bad.toml:3:1"), "{stderr}");
}

#[test]
fn out_of_range_options_are_bad_input_naming_the_range() {
    let tmp = TempDir::new("ranges");
    let stderr = fails(tmp.path(), &["run", "--scale", "0"], 2);
    assert!(stderr.contains("--scale") && stderr.contains("0.0001 to 4"), "{stderr}");
    let stderr = fails(tmp.path(), &["run", "--months", "0"], 2);
    assert!(stderr.contains("--months") && stderr.contains("1 to 1200"), "{stderr}");
    let stderr = fails(tmp.path(), &["bench", "--months", "-1"], 2);
    assert!(stderr.contains("--months") && stderr.contains("1 to 1200"), "{stderr}");
    fails(tmp.path(), &["run", "--scale", "abc"], 2);
    fails(tmp.path(), &["run", "--format", "xlsx"], 2);
    assert!(file_names(tmp.path()).is_empty(), "nothing written");
}

#[test]
fn existing_output_directory_is_bad_input() {
    let tmp = TempDir::new("exists");
    fs::create_dir(tmp.join("r")).unwrap();
    fs::write(tmp.join("r/keep.txt"), "mine").unwrap();
    let stderr = fails(tmp.path(), &["run", "--scale", "0.002", "--months", "1", "--out", "r"], 2);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(file_names(&tmp.join("r")), ["keep.txt"], "existing directory untouched");
    assert_eq!(file_names(tmp.path()), ["r"], "no partial directory left");
}

#[test]
fn scenarios_lists_every_builtin() {
    let tmp = TempDir::new("scenarios");
    let stdout = text(&ok(tmp.path(), &["scenarios"]).stdout);
    let names: Vec<&str> = stdout.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(names, BUILTINS);
    assert!(stdout.lines().all(|l| l.split_whitespace().count() > 1), "each has a description");
}

#[test]
fn show_output_checks_ok() {
    let tmp = TempDir::new("show");
    let shown = ok(tmp.path(), &["show", "hangzhou-2025"]).stdout;
    fs::write(tmp.join("s.toml"), &shown).unwrap();
    let stdout = text(&ok(tmp.path(), &["check", "s.toml", "no-pilots"]).stdout);
    assert_eq!(stdout, "s.toml: ok\nno-pilots: ok\n");
    fails(tmp.path(), &["show", "nope"], 2);
    let stderr = fails(tmp.path(), &["check", "s.toml", "missing.toml"], 2);
    assert!(stderr.contains("missing.toml"), "{stderr}");
}

#[test]
fn bench_reports_phases_and_memory() {
    let tmp = TempDir::new("bench");
    let stdout = text(&ok(tmp.path(), &["bench", "--scale", "0.002", "--months", "2"]).stdout);
    for needle in ["Build:", "Run:", "agent-months/s", "calendar", "observe", "total", "Peak memory", "identities"] {
        assert!(stdout.contains(needle), "missing {needle:?} in\n{stdout}");
    }
    assert!(file_names(tmp.path()).is_empty(), "bench writes nothing");
}

#[test]
fn docs_outputs_documents_every_table() {
    let tmp = TempDir::new("docs");
    let stdout = text(&ok(tmp.path(), &["docs", "outputs"]).stdout);
    for table in ["city", "industries", "events", "firms", "deals", "years"] {
        assert!(stdout.contains(&format!("## {table}.parquet")), "{table} missing");
    }
    assert!(stdout.contains("| `frontier_firms` |"), "{stdout}");
}

#[test]
fn help_documents_commands_and_reproduction() {
    let tmp = TempDir::new("help");
    let top = text(&ok(tmp.path(), &["--help"]).stdout);
    for cmd in ["run", "scenarios", "show", "check", "bench", "docs"] {
        assert!(top.contains(&format!("  {cmd} ")), "{cmd} missing from --help");
    }
    let run = text(&ok(tmp.path(), &["run", "--help"]).stdout);
    assert!(run.contains("scenario.toml --seed N"), "{run}");
    fails(tmp.path(), &["frobnicate"], 2);
}
