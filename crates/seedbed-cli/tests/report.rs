//! `seedbed report`: one self-contained HTML file for a run, an ensemble and a comparison;
//! a directory that is not a run is bad input naming the missing file.

mod common;

use std::fs;

use common::{TempDir, ok, run_in, text};

/// Checks that `html` is one self-contained page: inline SVG charts, nothing fetched.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100.min(html.len())]);
    assert!(html.matches("<svg").count() >= 7, "charts drawn as inline SVG");
    for bad in ["<script", "src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(bad), "the report refers to the network or runs scripts: {bad}");
    }
}

#[test]
fn run_ensemble_and_comparison_reports() {
    let tmp = TempDir::new("report");
    let base = ["--scale", "0.005", "--months", "14"];
    ok(tmp.path(), &[&["run", "no-policy", "--quiet", "--seed", "3", "--out", "r"][..], &base].concat());
    let out = ok(tmp.path(), &["report", "r", "-o", "run.html"]);
    assert_eq!(text(&out.stdout).trim(), "run.html");
    let html = fs::read_to_string(tmp.join("run.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("Run of no-policy, seed 3"), "title");
    assert!(html.contains("Policy spending by package"), "spend by package chart");
    // The headline table shows the summary's figures.
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.join("r/summary.json")).unwrap()).unwrap();
    let firms = summary["final"]["firms"].as_f64().unwrap() as i64;
    let row = html.split("data-figure=\"firms\"").nth(1).expect("firms row");
    let shown: String = row.split("</tr>").next().unwrap().to_string();
    let digits: String = shown.split("<td>").nth(2).unwrap().split("</td>").next().unwrap().replace(',', "");
    assert_eq!(digits.parse::<i64>().unwrap(), firms, "{shown}");
    // Default output file: RUN_DIR/report.html.
    ok(tmp.path(), &["report", "r"]);
    assert!(tmp.join("r/report.html").is_file());

    let e = &["--root", "root", "--jobs", "2", "--quiet", "--runs", "2"];
    ok(tmp.path(), &[&["ensemble", "no-policy", "--out", "ens"][..], e, &base].concat());
    ok(tmp.path(), &["report", "ens", "-o", "ens.html"]);
    let html = fs::read_to_string(tmp.join("ens.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("Ensemble of 2 runs of no-policy") && html.contains("<th>median</th>"), "ensemble");

    ok(tmp.path(), &[&["compare", "no-policy", "hangzhou-2025", "--out", "cmp"][..], e, &base].concat());
    ok(tmp.path(), &["report", "cmp", "-o", "cmp.html"]);
    let html = fs::read_to_string(tmp.join("cmp.html")).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("B = hangzhou-2025 against A = no-policy") && html.contains("<th>B - A</th>"), "compare");
}

#[test]
fn not_a_run_directory_is_bad_input() {
    let tmp = TempDir::new("report-bad");
    fs::create_dir(tmp.join("empty")).unwrap();
    let out = run_in(tmp.path(), &["report", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("not a run directory") && err.contains("summary.json is missing"), "{err}");
    fs::write(tmp.join("empty/summary.json"), "{}").unwrap();
    let out = run_in(tmp.path(), &["report", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("scenario.toml is missing"), "{}", text(&out.stderr));
    let out = run_in(tmp.path(), &["report", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no such directory"));
}
