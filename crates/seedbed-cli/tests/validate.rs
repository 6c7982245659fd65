//! `seedbed validate` and `seedbed calibrate` end to end, at a tiny scale.

mod common;

use std::fs;

use common::*;
use serde_json::Value;

#[test]
fn validate_writes_facts_figures_and_json_matching_the_table() {
    let tmp = TempDir::new("validate");
    let root = tmp.join("runs");
    let out = tmp.join("runs/v");
    let (root_s, out_s) = (root.to_str().unwrap(), out.to_str().unwrap());
    let args = [
        "validate",
        "hangzhou-2025",
        "--runs",
        "2",
        "--scale",
        "0.01",
        "--months",
        "72",
        "--root",
        root_s,
        "--out",
        out_s,
        "-j",
        "2",
    ];
    let o = run_in(tmp.path(), &args);
    let code = o.status.code().unwrap();
    let stdout = text(&o.stdout);
    let json: Value = serde_json::from_str(&fs::read_to_string(out.join("validation.json")).unwrap()).unwrap();
    // Exit code 0 exactly when every fact holds, else 1.
    let all = json["all_hold"].as_bool().unwrap();
    assert_eq!(code, if all { 0 } else { 1 }, "{stdout}\n{}", text(&o.stderr));
    if !all {
        assert!(text(&o.stderr).contains("facts do not hold"), "{}", text(&o.stderr));
    }
    let facts = json["facts"].as_array().unwrap();
    assert_eq!(facts.len(), 15, "ten ensemble facts and five from the experiments");
    for f in facts {
        // The printed row carries the JSON's fact, target, median, band and verdict.
        let row = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(f["fact"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("no row for {} in\n{stdout}", f["fact"]));
        let words: Vec<&str> = row.split("  ").map(str::trim).filter(|w| !w.is_empty()).collect();
        assert_eq!(words[1], f["target"].as_str().unwrap(), "{row}");
        assert_eq!(words[2], f["shown"]["median"].as_str().unwrap(), "{row}");
        assert_eq!(words[3], f["shown"]["band"].as_str().unwrap(), "{row}");
        assert_eq!(words[4], if f["holds"].as_bool().unwrap() { "yes" } else { "NO" }, "{row}");
        assert_eq!(f["runs"].as_array().unwrap().len(), 2);
        if let Some(fig) = f["figure"].as_str() {
            let svg = fs::read_to_string(out.join(fig)).unwrap();
            assert!(svg.starts_with("<svg") && svg.len() > 1000, "{fig}");
        }
    }
    for fig in
        ["firm-size.svg", "growth-shape.svg", "survival.svg", "vc-losses.svg", "insurance.svg", "guidance-fund.svg"]
    {
        assert!(out.join(fig).is_file(), "{fig} missing");
    }
    assert!(fs::read_to_string(out.join("validation.md")).unwrap().contains("| fact | target | median"));

    // Resumed: nothing is simulated again and the facts are the same.
    let mut again = args.to_vec();
    again.push("--resume");
    let o2 = run_in(tmp.path(), &again);
    assert_eq!(o2.status.code().unwrap(), code);
    assert!(text(&o2.stdout).contains("0 runs simulated, 0 reused"), "{}", text(&o2.stdout));
    let json2: Value = serde_json::from_str(&fs::read_to_string(out.join("validation.json")).unwrap()).unwrap();
    assert_eq!(json["facts"], json2["facts"]);

    // Bad input: the directory exists; an unknown scenario; no runs.
    let o3 = run_in(tmp.path(), &args);
    assert_eq!(o3.status.code(), Some(2), "{}", text(&o3.stderr));
    assert!(text(&o3.stderr).contains("already exists"));
    let o4 = run_in(tmp.path(), &["validate", "hangzhou-2052", "--runs", "1"]);
    assert_eq!(o4.status.code(), Some(2));
    let o5 = run_in(tmp.path(), &["validate", "--runs", "0"]);
    assert_eq!(o5.status.code(), Some(2));
}

#[test]
fn calibrate_recovers_a_known_parameter() {
    use seedbed_model::schema::{Value as V, set_path};
    let tmp = TempDir::new("calibrate");
    // The target: registrations produced by the model itself with base_hazard = 0.0016.
    let mut s = seedbed_scenario::builtin("hangzhou-2025").unwrap();
    s.run.scale = 0.01;
    s.run.months = 12;
    set_path(&mut s, "entrepreneurship.base_hazard", V::Real(0.0016)).unwrap();
    let m = seedbed_validate::calibrate::mean_moments(&s, &[1, 2]).unwrap();
    let target = m["registrations"];
    fs::write(tmp.join("t.toml"), format!("[[moment]]\nname = \"registrations\"\ntarget = {target}\n")).unwrap();
    let out = tmp.join("cal");
    let o = ok(
        tmp.path(),
        &[
            "calibrate",
            "hangzhou-2025",
            "--targets",
            "t.toml",
            "--fit",
            "entrepreneurship.base_hazard=0.0005..0.003",
            "--seeds",
            "2",
            "--scale",
            "0.01",
            "--months",
            "12",
            "--evaluations",
            "30",
            "--out",
            out.to_str().unwrap(),
            "-j",
            "2",
        ],
    );
    assert!(text(&o.stderr).contains("evaluation 1/30: distance"), "progress: {}", text(&o.stderr));
    assert_eq!(file_names(&out), ["calibration.json", "fit.csv", "fit.md", "scenario.toml"]);
    let cal = seedbed_scenario::load_file(&out.join("scenario.toml")).unwrap();
    let got = cal.entrepreneurship.base_hazard;
    assert!((got / 0.0016 - 1.0).abs() < 0.1, "calibrated base_hazard {got}, truth 0.0016");
    // Written at the scenario's own scale and length, not the calibration's.
    assert_eq!((cal.run.scale, cal.run.months), (1.0, 120));
    let csv = fs::read_to_string(out.join("fit.csv")).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("moment,registrations,")), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("parameter,entrepreneurship.base_hazard,")), "{csv}");

    // A bad targets file: file:line:column and key, exit code 2.
    fs::write(tmp.join("bad.toml"), "[[moment]]\nname = \"registratoins\"\ntarget = 1\n").unwrap();
    let o = run_in(
        tmp.path(),
        &["calibrate", "hangzhou-2025", "--targets", "bad.toml", "--fit", "exit.closure_hazard=0.001..0.01"],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("bad.toml:2:8") && e.contains("did you mean `registrations`"), "{e}");
    let o = run_in(
        tmp.path(),
        &["calibrate", "hangzhou-2025", "--targets", "t.toml", "--fit", "exit.closur_hazard=0.001..0.01"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("`exit.closure_hazard`"), "{}", text(&o.stderr));
    let o = run_in(tmp.path(), &["calibrate", "hangzhou-2025", "--targets", "missing.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot read the targets file"), "{}", text(&o.stderr));
}
