//! Loading scenario files: errors with locations, paths and allowed values; bases; list overrides.

use seedbed_scenario::{Problem, Scenario, ScenarioError, load_file, load_str, resolve};

fn err(text: &str) -> ScenarioError {
    match load_str(text, "test.toml") {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

fn only(e: &ScenarioError) -> &Problem {
    assert_eq!(e.problems().len(), 1, "expected one problem, got:\n{e}");
    &e.problems()[0]
}

#[test]
fn empty_file_is_the_default_scenario() {
    assert_eq!(load_str("", "empty.toml").unwrap(), Scenario::default());
    assert_eq!(load_str("# just a comment\n", "c.toml").unwrap(), Scenario::default());
}

#[test]
fn unknown_key_suggests_the_nearest_and_points_at_it() {
    let text = "[run]\nmonths = 12\n\n[labour]\n  graduates_per_yer = 1.0\n";
    let e = err(text);
    let p = only(&e);
    assert_eq!(p.path, "labour.graduates_per_yer");
    assert!(p.message.contains("did you mean `graduates_per_year`?"), "{}", p.message);
    assert!(p.message.contains("seedbed show"), "{}", p.message);
    let l = p.location.as_ref().unwrap();
    assert_eq!((l.line, l.column), (5, 3));
    assert_eq!(&text[l.span.clone()], "graduates_per_yer");
    let shown = e.to_string();
    assert!(shown.starts_with("test.toml:5:3: labour.graduates_per_yer: unknown key `graduates_per_yer`; did you mean `graduates_per_year`?"), "{shown}");
}

#[test]
fn unknown_section_and_unknown_key_in_list_item() {
    let e = err("[labor]\nquit_hazard = 0.01\n");
    let p = only(&e);
    assert_eq!(p.path, "labor");
    assert!(p.message.contains("did you mean `labour`?"), "{}", p.message);

    let text = "[[industries]]\nid = \"general-ai\"\ngraduate_share = 1.0\ndemand_bn_per_yr = 3.0\n";
    let e = err(text);
    let p = &e.problems()[0];
    assert_eq!(p.path, "industries.general-ai.demand_bn_per_yr");
    assert!(p.message.contains("`demand_bn_per_year`"), "{}", p.message);
    assert_eq!(p.location.as_ref().unwrap().line, 4);
    // The new list drops industries that instruments of the base scenario name.
    let dropped =
        e.problems().iter().find(|p| p.path == "policy.low_altitude_fund.industries").expect("dangling reference");
    assert!(dropped.location.is_none());
    assert!(dropped.message.contains("unknown industry `low-altitude`; allowed: general-ai"), "{}", dropped.message);
    assert!(dropped.message.contains("from base scenario `hangzhou-2025`"), "{}", dropped.message);
}

#[test]
fn wrong_type_says_what_was_expected_and_found() {
    let e = err("[labour]\ngraduates_per_year = \"many\"\n");
    let p = only(&e);
    assert_eq!(p.path, "labour.graduates_per_year");
    assert_eq!(p.message, "expected a number, found a string");
    let l = p.location.as_ref().unwrap();
    assert_eq!((l.line, l.column), (2, 22));

    let e = err("[run]\nmonths = 12.5\n");
    assert_eq!(only(&e).message, "expected an integer, found a decimal number");
    let e = err("[policy.pilots]\nenabled = 1\n");
    assert_eq!(only(&e).message, "expected true or false, found an integer");
    let e = err("[policy.guidance_fund]\nmode = 3\n");
    assert_eq!(only(&e).message, "expected one of \"lp\", \"direct\", found an integer");
    let e = err("[finance]\ndilution = 0.2\n");
    assert_eq!(only(&e).message, "expected an array of numbers, found a decimal number");
    let e = err("[policy.rd_grants]\ntiers = [\"tech-sme\", 3]\n");
    assert_eq!(only(&e).message, "element 1: expected a string, found an integer");
    let e = err("labour = 3\n");
    assert!(only(&e).message.contains("expected a table"), "{e}");
    let e = err("industries = 3\n");
    assert!(only(&e).message.contains("expected an array of tables"), "{e}");
}

#[test]
fn integers_are_accepted_for_reals_and_whole_floats_for_integers() {
    let s = load_str("[labour]\ngraduates_per_year = 400000\n[run]\nmonths = 24.0\n", "t").unwrap();
    assert_eq!(s.labour.graduates_per_year, 400_000.0);
    assert_eq!(s.run.months, 24);
    let s = load_str("[finance]\nround_min_m = [1, 5, 30, 200, 500]\n", "t").unwrap();
    assert_eq!(s.finance.round_min_m, vec![1.0, 5.0, 30.0, 200.0, 500.0]);
}

#[test]
fn out_of_range_gives_path_and_range() {
    let e = err("[labour]\nquit_hazard = 1.5\n");
    let p = only(&e);
    assert_eq!(p.path, "labour.quit_hazard");
    assert!(p.message.contains("1.5 is out of range: allowed 0 to 1"), "{}", p.message);
    assert!(e.to_string().contains("test.toml:2:15: labour.quit_hazard: 1.5 is out of range: allowed 0 to 1"), "{e}");

    let e = err("[run]\nmonths = 0\n");
    assert!(only(&e).message.contains("allowed 1 to 1200"), "{e}");
    let e = err("[labour]\ngraduates_per_year = -5\n");
    assert!(only(&e).message.contains("allowed 0 to infinity"), "{e}");
    let e = err("[labour]\ngraduates_per_year = nan\n");
    assert!(only(&e).message.contains("out of range"), "{e}");
    let e = err("[policy.guidance_fund]\nmode = \"indirect\"\n");
    assert!(only(&e).message.contains("\"lp\", \"direct\""), "{e}");
    let e = err("[finance]\ndilution = [0.2, 0.2, 1.5, 0.15, 0.1]\n");
    assert!(only(&e).message.contains("element 2"), "{e}");
}

#[test]
fn shares_not_summing_to_one_are_reported() {
    let text = "[[government.packages]]\nid = \"science-education-talent\"\n\n[[government.packages]]\nid = \"advanced-manufacturing\"\n";
    let e = err(text);
    let p = e.problems().iter().find(|p| p.path == "government.packages").expect("share problem");
    assert!(p.message.contains("sum to 0.38"), "{}", p.message);
    assert!(p.message.contains("must sum to 1"), "{}", p.message);
    let l = p.location.as_ref().unwrap();
    assert_eq!((l.line, l.column), (1, 1));

    let e = err("[[industries]]\nid = \"general-ai\"\n");
    let p = e.problems().iter().find(|p| p.path == "industries").expect("graduate share problem");
    assert!(p.message.contains("graduate_share") && p.message.contains("0.04"), "{}", p.message);
}

#[test]
fn list_item_with_base_id_starts_from_base_item() {
    let text = "[[industries]]\nid = \"general-ai\"\ngraduate_share = 0.5\n\n\
                [[industries]]\nid = \"robots-2\"\nclass = \"future-x\"\ngraduate_share = 0.5\n\n\
                [policy.low_altitude_fund]\nindustries = [\"general-ai\"]\n\
                [policy.manufacturing_support]\nindustries = []\n";
    let s = load_str(text, "t").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.industries.len(), 2, "the list is replaced wholesale");
    let base = &Scenario::default().industries[3];
    assert_eq!(base.id, "general-ai");
    let ai = &s.industries[0];
    assert_eq!(ai.graduate_share, 0.5);
    assert_eq!(ai.demand_bn_per_year, base.demand_bn_per_year);
    assert_eq!(ai.class, "future-5");
    let new = &s.industries[1];
    assert_eq!(new.id, "robots-2");
    assert_eq!(new.class, "future-x");
    assert_eq!(new.firms_start, 1000.0, "a new id starts from the item type's default");
}

#[test]
fn inline_arrays_of_tables_and_dotted_keys_work() {
    let text = "labour.quit_hazard = 0.02\npolicy.pilots = { enabled = false }\n";
    let s = load_str(text, "t").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.labour.quit_hazard, 0.02);
    assert!(!s.policy.pilots.enabled);
}

#[test]
fn list_items_need_unique_ids() {
    let text = "[[government.packages]]\nid = \"a\"\nbudget_share = 0.5\n\n[[government.packages]]\nid = \"a\"\nbudget_share = 0.5\n";
    let e = err(text);
    let dup = e.problems().iter().find(|p| p.message.contains("duplicate id")).expect("duplicate");
    assert_eq!(dup.path, "government.packages.a.id");
    assert_eq!(dup.location.as_ref().unwrap().line, 6);
    assert_eq!(e.problems().iter().filter(|p| p.message.contains("duplicate id")).count(), 1, "{e}");

    let e = err("[[industries]]\ngraduate_share = 1.0\n");
    let missing = e.problems().iter().find(|p| p.message.contains("has no `id`")).expect("missing id");
    assert_eq!(missing.path, "industries[0]");
    assert_eq!(missing.location.as_ref().unwrap().line, 1);
}

#[test]
fn base_selects_a_builtin() {
    let s = load_str("base = \"no-policy\"\n[labour]\nquit_hazard = 0.02\n", "t").unwrap();
    assert!(!s.policy.rd_grants.enabled && !s.policy.guidance_fund.enabled);
    assert_eq!(s.run.name, "no-policy");
    assert_eq!(s.labour.quit_hazard, 0.02);
    let s = load_str("base = \"closed-platforms\"\n[policy.platform_openness]\nenabled = true\n", "t").unwrap();
    assert!(s.policy.platform_openness.enabled);
    assert_eq!(s.platforms.baseline_openness, 0.0);
}

#[test]
fn unknown_base_lists_the_builtins() {
    let e = err("base = \"no-polcy\"\n");
    let p = only(&e);
    assert_eq!(p.path, "base");
    assert!(p.message.contains("unknown built-in scenario `no-polcy`; did you mean `no-policy`?"), "{}", p.message);
    assert!(p.message.contains("hangzhou-2025") && p.message.contains("guidance-fund-direct"), "{}", p.message);
    assert_eq!(p.location.as_ref().unwrap().column, 8);
    let e = err("base = 3\n");
    assert!(only(&e).message.contains("expected a string"), "{e}");
}

#[test]
fn all_errors_of_a_file_are_reported_in_file_order() {
    let text = "base = \"hangzhou-2025\"\n\
                [labour]\n\
                graduates_per_yer = 1\n\
                quit_hazard = \"often\"\n\
                [policy.rd_grants]\n\
                rate = 7\n\
                package = \"nope\"\n\
                [innovation]\n\
                x_min = 0.9\n";
    let e = err(text);
    let paths: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "labour.graduates_per_yer",
            "labour.quit_hazard",
            "policy.rd_grants.rate",
            "policy.rd_grants.package",
            "innovation.x_min"
        ]
    );
    let lines: Vec<usize> = e.problems().iter().map(|p| p.location.as_ref().unwrap().line).collect();
    assert_eq!(lines, [3, 4, 6, 7, 9]);
    let shown = e.to_string();
    assert!(shown.starts_with("5 problems in test.toml:\n"), "{shown}");
    assert!(
        shown.contains(
            "test.toml:7:1: policy.rd_grants.package: unknown package `nope`; allowed: science-education-talent, "
        ),
        "{shown}"
    );
    assert!(
        shown.contains("test.toml:9:1: innovation.x_min: is 0.9, but must be below `innovation.x_max` (0.6)"),
        "{shown}"
    );
}

#[test]
fn semantic_problems_point_at_the_file() {
    let text = "[finance]\nround_min_m = [0.5, 5.0, 30.0]\n[policy.manufacturing_support]\nclasses = [\"future-6\"]\n";
    let e = err(text);
    let rounds = e.problems().iter().find(|p| p.path == "finance.round_min_m").unwrap();
    assert!(rounds.message.contains("exactly 5 elements"), "{}", rounds.message);
    assert_eq!(rounds.location.as_ref().unwrap().line, 2);
    let classes = e.problems().iter().find(|p| p.path == "policy.manufacturing_support.classes").unwrap();
    assert!(classes.message.contains("traditional, future-5, future-x"), "{}", classes.message);
    assert_eq!(classes.location.as_ref().unwrap().line, 4);
}

#[test]
fn syntax_errors_have_a_location() {
    let e = err("[labour]\nquit_hazard = = 3\n");
    let p = only(&e);
    assert!(p.message.starts_with("TOML syntax error"), "{}", p.message);
    assert_eq!(p.location.as_ref().unwrap().line, 2);
    let e = err("[labour]\nquit_hazard = 1\nquit_hazard = 2\n");
    assert!(only(&e).message.contains("duplicate key"), "{e}");
}

#[test]
fn diagnostic_labels_every_located_problem() {
    use miette::Diagnostic;
    let e = err("[labour]\nx = 1\ny = 2\n");
    assert!(e.source_code().is_some());
    assert_eq!(e.labels().map(|l| l.count()), Some(2));
    let mut out = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut out, &e)
        .unwrap();
    assert!(out.contains("y = 2") && out.contains("labour.y") && out.contains("╰── unknown key `y`"), "{out}");
}

#[test]
fn files_and_resolve() {
    let dir = std::env::temp_dir().join(format!("seedbed-scenario-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("my.toml");
    std::fs::write(&path, "base = \"no-pilots\"\n[run]\nmonths = 24\n").unwrap();
    let s = resolve(path.to_str().unwrap()).unwrap();
    assert_eq!((s.run.months, s.policy.pilots.enabled), (24, false));
    assert_eq!(load_file(&path).unwrap(), s);

    std::fs::write(&path, "[run]\nmonths = 0\n").unwrap();
    let e = resolve(path.to_str().unwrap()).unwrap_err();
    assert!(e.to_string().contains("my.toml:2:10: run.months"), "{e}");

    let missing = dir.join("missing.toml");
    let e = load_file(&missing).unwrap_err();
    assert!(e.to_string().contains("cannot read"), "{e}");
    let e = resolve(missing.to_str().unwrap()).unwrap_err();
    assert!(e.to_string().contains("no such scenario file") && e.to_string().contains("hangzhou-2025"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
