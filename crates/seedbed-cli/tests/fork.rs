//! `seedbed run --until --checkpoint` and `seedbed fork`: an unchanged fork writes the unbroken
//! run's directory byte for byte; what-ifs change only the months after the checkpoint; bad
//! checkpoints and options are bad input (exit code 2).

mod common;

use std::fs;

use common::*;

const RUN: [&str; 7] = ["run", "hangzhou-2025", "--scale", "0.003", "--months", "24", "--seed"];

/// `seedbed run` of the test city, with `extra` options.
fn run_args<'a>(seed: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = RUN.to_vec();
    v.push(seed);
    v.extend_from_slice(extra);
    v
}

fn failure(dir: &std::path::Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert_eq!(out.status.code(), Some(2), "seedbed {args:?}: {}\n{}", out.status, text(&out.stderr));
    text(&out.stderr)
}

#[test]
fn an_unchanged_fork_reproduces_the_unbroken_run_byte_for_byte() {
    let tmp = TempDir::new("fork-same");
    ok(tmp.path(), &run_args("5", &["--quiet", "--out", "whole"]));
    let out = ok(tmp.path(), &run_args("5", &["--quiet", "--until", "2025-10", "--checkpoint", "c.ckpt"]));
    assert_eq!(text(&out.stdout).trim(), "c.ckpt");
    let names: Vec<String> = file_names(tmp.path()).into_iter().filter(|n| n != "runs").collect();
    assert_eq!(names, ["c.ckpt", "whole"], "the checkpoint is written atomically, without leftovers");
    let out = ok(tmp.path(), &["fork", "c.ckpt", "--quiet", "--out", "forked"]);
    assert_eq!(text(&out.stdout).trim(), "forked");
    assert_eq!(file_names(&tmp.join("forked")), RUN_FILES);
    assert_same_files(&tmp.join("whole"), &tmp.join("forked"));

    // CSV too, and a second fork of the same checkpoint.
    ok(tmp.path(), &run_args("5", &["--quiet", "--format", "csv", "--out", "whole-csv"]));
    ok(tmp.path(), &["fork", "c.ckpt", "--quiet", "--format", "csv", "--out", "forked-csv"]);
    assert_same_files(&tmp.join("whole-csv"), &tmp.join("forked-csv"));
}

#[test]
fn a_fork_with_changes_keeps_the_months_before_the_checkpoint() {
    let tmp = TempDir::new("fork-what-if");
    ok(tmp.path(), &run_args("8", &["--quiet", "--out", "whole"]));
    ok(tmp.path(), &run_args("8", &["--quiet", "--until", "2025-10", "--checkpoint", "c.ckpt"]));
    let out = ok(
        tmp.path(),
        &["fork", "c.ckpt", "--set", "policy.rd_grants.enabled=false", "--months", "30", "--out", "no-grants"],
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("policy.rd_grants.enabled: true -> false"), "{stdout}");
    assert!(stdout.contains("run.months: 24 -> 30"), "{stdout}");
    assert!(stdout.contains("Outputs: no-grants"), "{stdout}");

    let read = |d: &str| seedbed_output::read_parquet(&tmp.join(d).join("city.parquet")).unwrap();
    let (whole, fork) = (read("whole"), read("no-grants"));
    assert_eq!(fork.rows(), 30);
    let spend = |f: &seedbed_model::Frame, r: usize| f.value("spend_rd_grants_m", r).unwrap();
    for r in 0..10 {
        assert_eq!(spend(&whole, r).to_bits(), spend(&fork, r).to_bits(), "month {r} is the checkpoint's");
    }
    assert!((10..24).any(|r| spend(&whole, r) > 0.0), "the base run pays R&D grants");
    assert!((10..30).all(|r| spend(&fork, r) == 0.0), "the fork pays none after the checkpoint");
    let toml = fs::read_to_string(tmp.join("no-grants/scenario.toml")).unwrap();
    assert!(toml.starts_with("# seed = 8\n"), "the fork keeps the checkpoint's seed");

    // A variant file: a whole scenario (from its base), here matching the checkpoint's run.
    fs::write(
        tmp.join("variant.toml"),
        "[run]\nname = \"no-grants\"\nscale = 0.003\nmonths = 24\n\n[policy.rd_grants]\nenabled = false\n",
    )
    .unwrap();
    ok(tmp.path(), &["fork", "c.ckpt", "--with", "variant.toml", "-q", "--out", "variant"]);
    let v = read("variant");
    assert_eq!(v.rows(), 24);
    for r in 0..24 {
        assert_eq!(spend(&fork, r).to_bits(), spend(&v, r).to_bits(), "--with and --set agree at month {r}");
    }
    // A variant at another scale cannot continue the checkpoint.
    fs::write(tmp.join("big.toml"), "[policy.rd_grants]\nenabled = false\n").unwrap();
    let e = failure(tmp.path(), &["fork", "c.ckpt", "--with", "big.toml", "-q", "--out", "big"]);
    assert!(e.contains("run.scale must be the checkpoint's (0.003)"), "{e}");
    assert!(!tmp.join("big").exists());
}

#[test]
fn bad_checkpoints_and_options_are_bad_input() {
    let tmp = TempDir::new("fork-errors");
    // --until and --checkpoint go together; --until is a month of the run.
    failure(tmp.path(), &run_args("1", &["--until", "2025-03"]));
    failure(tmp.path(), &run_args("1", &["--checkpoint", "c.ckpt"]));
    failure(tmp.path(), &run_args("1", &["--until", "2025-03", "--checkpoint", "c.ckpt", "--out", "x"]));
    let e = failure(tmp.path(), &run_args("1", &["--until", "2027-01", "--checkpoint", "c.ckpt"]));
    assert!(e.contains("outside the run, which simulates 2025-01 to 2026-12"), "{e}");
    let e = failure(tmp.path(), &run_args("1", &["--until", "March", "--checkpoint", "c.ckpt"]));
    assert!(e.contains("expected a month YYYY-MM"), "{e}");
    assert!(!tmp.join("c.ckpt").exists());

    ok(tmp.path(), &["run", "--scale", "0.002", "--months", "4", "-q", "--until", "2025-02", "--checkpoint", "c.ckpt"]);
    let e = failure(
        tmp.path(),
        &["run", "--scale", "0.002", "--months", "4", "-q", "--until", "2025-02", "--checkpoint", "c.ckpt"],
    );
    assert!(e.contains("already exists"), "{e}");

    // Not a checkpoint; missing; another version; truncated.
    fs::write(tmp.join("notes.txt"), "hello").unwrap();
    let e = failure(tmp.path(), &["fork", "notes.txt", "-q", "--out", "f"]);
    assert!(e.contains("notes.txt: not a Seedbed checkpoint"), "{e}");
    let e = failure(tmp.path(), &["fork", "missing.ckpt", "-q", "--out", "f"]);
    assert!(e.contains("cannot read missing.ckpt"), "{e}");
    let bytes = fs::read(tmp.join("c.ckpt")).unwrap();
    let n = u32::from_le_bytes(bytes[15..19].try_into().unwrap()) as usize;
    let mut other = bytes[..15].to_vec();
    other.extend_from_slice(&5u32.to_le_bytes());
    other.extend_from_slice(b"9.9.9");
    other.extend_from_slice(&bytes[19 + n..]);
    fs::write(tmp.join("old.ckpt"), other).unwrap();
    let e = failure(tmp.path(), &["fork", "old.ckpt", "-q", "--out", "f"]);
    let this = env!("CARGO_PKG_VERSION");
    assert!(e.contains(&format!("checkpoint from Seedbed 9.9.9, this is {this}")), "{e}");
    fs::write(tmp.join("cut.ckpt"), &bytes[..bytes.len() / 2]).unwrap();
    let e = failure(tmp.path(), &["fork", "cut.ckpt", "-q", "--out", "f"]);
    assert!(e.contains("truncated checkpoint"), "{e}");

    // Options a fork cannot take.
    let e = failure(tmp.path(), &["fork", "c.ckpt", "--seed", "3", "-q", "--out", "f"]);
    assert!(e.contains("--seed 3 is not allowed"), "{e}");
    let e = failure(tmp.path(), &["fork", "c.ckpt", "--scale", "0.5", "-q", "--out", "f"]);
    assert!(e.contains("--scale is not allowed"), "{e}");
    let e = failure(tmp.path(), &["fork", "c.ckpt", "--months", "2", "-q", "--out", "f"]);
    assert!(e.contains("run.months > 2"), "{e}");
    let e = failure(tmp.path(), &["fork", "c.ckpt", "--set", "policy.pilots.enabled=maybe", "-q", "--out", "f"]);
    assert!(e.contains("--set policy.pilots.enabled=maybe"), "{e}");
    let e = failure(tmp.path(), &["fork", "c.ckpt", "--set", "labour.quit_hazard=7", "-q", "--out", "f"]);
    assert!(e.contains("out of range"), "{e}");
    assert!(!tmp.join("f").exists());
    // The checkpoint at the last month continues only with more months.
    ok(
        tmp.path(),
        &["run", "--scale", "0.002", "--months", "2", "-q", "--until", "2025-02", "--checkpoint", "end.ckpt"],
    );
    failure(tmp.path(), &["fork", "end.ckpt", "-q", "--out", "f"]);
    ok(tmp.path(), &["fork", "end.ckpt", "--months", "3", "-q", "--out", "f"]);
    let city = seedbed_output::read_parquet(&tmp.join("f/city.parquet")).unwrap();
    assert_eq!(city.rows(), 3);
}

#[test]
fn help_documents_checkpoints_and_forks() {
    let tmp = TempDir::new("fork-help");
    let out = ok(tmp.path(), &["run", "--help"]);
    let help = text(&out.stdout);
    assert!(help.contains("--until <YYYY-MM>") && help.contains("--checkpoint <FILE>"), "{help}");
    let out = ok(tmp.path(), &["fork", "--help"]);
    let help = text(&out.stdout);
    for needle in ["--with <FILE>", "--set <PATH=VALUE>", "--months <N>", "byte for byte"] {
        assert!(help.contains(needle), "missing {needle:?} in\n{help}");
    }
    assert!(!help.contains("--seed <N>") && !help.contains("--scale <X>"), "--seed and --scale are hidden: {help}");
}
