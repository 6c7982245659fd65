//! Built-in scenarios: valid, and each round-trips through `to_toml`.

use seedbed_scenario::{Scenario, builtin, builtin_names, load_str, to_toml, validate};

#[test]
fn every_builtin_passes_validate() {
    for (name, _) in builtin_names() {
        let s = builtin(name).unwrap();
        assert_eq!(validate(&s), vec![], "{name}");
    }
}

#[test]
fn every_builtin_round_trips_through_to_toml() {
    for (name, description) in builtin_names() {
        let s = builtin(name).unwrap();
        assert_eq!(s.run.description, *description);
        let text = to_toml(&s);
        let back = load_str(&text, name).unwrap_or_else(|e| panic!("{name} does not load back:\n{e}"));
        assert!(back == s, "{name} does not round-trip");
    }
}

#[test]
fn edited_scenarios_round_trip_too() {
    let mut s = Scenario::default();
    s.run.name = "my \"quoted\" run\\".into();
    s.run.description = "line one\nline two\ttab".into();
    s.labour.graduates_per_year = 0.1 + 0.2;
    s.labour.graduate_skill_premium = -1.0e-7;
    s.population.labour_force = 123_456_789.123_456_79;
    s.industries[0].graduate_share -= 0.1 / 3.0;
    s.industries[1].graduate_share += 0.1 / 3.0;
    let mut new = s.industries[4].clone();
    new.id = "new-field".into();
    new.graduate_share = 0.0;
    s.industries.push(new);
    s.policy.rd_grants.tiers.clear();
    s.policy.compute_capacity.target_eflops_by_year_end.clear();
    let back = load_str(&to_toml(&s), "t").unwrap_or_else(|e| panic!("{e}"));
    assert!(back == s);
}

#[test]
fn empty_lists_are_written_and_read_back() {
    let mut s = Scenario::default();
    s.government.packages.clear();
    let text = to_toml(&s);
    assert!(text.contains("\npackages = []\n"), "empty list written as []");
    let e = load_str(&text, "t").unwrap_err();
    assert!(e.to_string().contains("government.packages: the packages' `budget_share` values sum to 0,"), "{e}");
    assert!(e.to_string().contains("unknown package `science-education-talent`; allowed: (none)"), "{e}");
    assert!(
        e.problems().iter().all(|p| p.path.starts_with("government.packages") || p.path.starts_with("policy.")),
        "{e}"
    );
}

#[test]
fn to_toml_comments_every_parameter() {
    let text = to_toml(&Scenario::default());
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let is_param = !line.starts_with('#') && !line.starts_with('[') && line.contains(" = ");
        if is_param && !line.starts_with("base = ") {
            assert!(
                lines[i - 1].starts_with("# ") && lines[i - 1].contains("allowed: "),
                "no unit/range comment before `{line}`"
            );
            assert!(lines[i - 2].starts_with('#'), "no doc comment before `{line}`");
        }
    }
}
