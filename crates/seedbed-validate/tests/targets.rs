//! Targets files: the shipped one loads; mistakes are reported with file:line:column and key.

use seedbed_model::Scenario;
use seedbed_validate::calibrate::parse_targets;
use seedbed_validate::moments;

fn err(text: &str) -> String {
    parse_targets(text, "t.toml", &Scenario::default()).unwrap_err().to_string()
}

#[test]
fn shipped_targets_load() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/targets/hangzhou-2025.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let t = parse_targets(&text, "hangzhou-2025.toml", &Scenario::default()).unwrap();
    // Every moment the model reports is a target, each once.
    let mut names: Vec<&str> = t.moments.iter().map(|m| m.name.as_str()).collect();
    names.sort();
    let mut all = moments::names();
    all.sort();
    assert_eq!(names, all);
    assert_eq!(t.parameters.len(), 2);
    let exit = t.moments.iter().find(|m| m.name == "exit_rate").unwrap();
    assert_eq!(exit.band, Some((0.08, 0.10)));
}

#[test]
fn unknown_moment_is_located_with_suggestions() {
    let e = err("[[moment]]\nname = \"enterprize\"\ntarget = 1\n");
    assert!(e.starts_with("t.toml:2:8: moment.enterprize.name: unknown moment `enterprize`"), "{e}");
    assert!(e.contains("did you mean `enterprises`"), "{e}");
}

#[test]
fn bad_values_and_keys() {
    let e = err("[[moment]]\nname = \"gdp_bn\"\ntarget = \"big\"\n");
    assert!(e.contains("t.toml:3:10") && e.contains("moment.gdp_bn.target") && e.contains("must be a number"), "{e}");
    let e = err("[[moment]]\nname = \"gdp_bn\"\ntarget = 1\nwieght = 2\n");
    assert!(e.contains("t.toml:4:1") && e.contains("unknown key `wieght`"), "{e}");
    let e = err("[[moment]]\nname = \"gdp_bn\"\ntarget = 1\nweight = -1\n");
    assert!(e.contains("t.toml:4:10") && e.contains("0 or more"), "{e}");
    let e = err("[[moment]]\nname = \"gdp_bn\"\ntarget = 1\nband = [3, 1]\n");
    assert!(e.contains("t.toml:4:8") && e.contains("lo <= hi"), "{e}");
    let e = err("[[moment]]\nname = \"gdp_bn\"\n");
    assert!(e.contains("needs a `target`"), "{e}");
    let e = err("[[moment]]\nname = \"gdp_bn\"\ntarget = 1\n[[moment]]\nname = \"gdp_bn\"\ntarget = 2\n");
    assert!(e.contains("t.toml:5:8") && e.contains("listed twice"), "{e}");
    let e = err("[[moment]\nname = 1\n");
    assert!(e.contains("t.toml:1:") && e.contains("TOML syntax error"), "{e}");
    let e = err("seeds = 3\n");
    assert!(e.contains("t.toml:1:1") && e.contains("unknown key `seeds`"), "{e}");
    assert!(err("").contains("no `[[moment]]`"));
}

#[test]
fn bad_parameters() {
    let head = "[[moment]]\nname = \"gdp_bn\"\ntarget = 1\n";
    let e = err(&format!("{head}[[parameter]]\npath = \"entrepreneurship.base_hazrd\"\nlo = 0\nhi = 0.01\n"));
    assert!(e.contains("t.toml:5:8") && e.contains("unknown parameter path `entrepreneurship.base_hazrd`"), "{e}");
    assert!(e.contains("`entrepreneurship.base_hazard`"), "{e}");
    let e = err(&format!("{head}[[parameter]]\npath = \"exit.closure_hazard\"\nlo = 0.5\nhi = 2\n"));
    assert!(e.contains("t.toml:5:8") && e.contains("out of range"), "{e}");
    let e = err(&format!("{head}[[parameter]]\npath = \"exit.closure_hazard\"\n"));
    assert!(e.contains("needs `lo` and `hi`"), "{e}");
}
