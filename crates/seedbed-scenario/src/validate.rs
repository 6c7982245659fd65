//! Semantic checks of a whole scenario: ranges, shares, references between sections, orderings.

use std::collections::HashSet;

use seedbed_model::scenario::Scenario;
use seedbed_model::schema::{Child, Node, Value, leaves};

use crate::error::Problem;
use crate::load::unknown_name_message;

/// Industry classes an instrument may name in `classes`.
pub const CLASSES: &[&str] = &["traditional", "future-5", "future-x"];
/// Tiers an instrument may name in `tiers`.
pub const TIERS: &[&str] = &["tech-sme", "high-tech", "little-giant", "unicorn", "leading"];
/// Stages of the finance round lists.
pub const STAGES: &[&str] = &["seed", "A", "B", "C", "growth"];
/// How far a sum of shares may be from one.
pub const SHARE_TOLERANCE: f64 = 1e-6;

/// Every semantic problem of a scenario (empty when it is valid). Problems carry the dotted
/// path of the offending parameter; [`crate::load_str`] adds the file location.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    check_ranges(s, &mut out);
    check_industries(s, &mut out);
    check_packages(s, &mut out);
    check_instruments(s, &mut out);
    check_finance(s, &mut out);
    check_orderings(s, &mut out);
    if s.government.budget_m_by_year.is_empty() {
        out.push(Problem::new("government.budget_m_by_year", "must list at least one year's budget"));
    }
    out
}

/// Every leaf within its kind's range (scenarios built in code skip the loader's checks).
fn check_ranges(s: &Scenario, out: &mut Vec<Problem>) {
    let mut all = Vec::new();
    leaves(s, "", &mut all);
    for l in all {
        if let Err(m) = l.field.kind.check(&l.value) {
            out.push(Problem::new(l.path, m));
        }
    }
}

/// Ids of a list: non-empty and unique; `path` is the list's path.
fn check_ids<'a>(path: &str, ids: impl Iterator<Item = &'a str>, out: &mut Vec<Problem>) {
    let mut seen = HashSet::new();
    for id in ids {
        if id.trim().is_empty() {
            out.push(Problem::new(format!("{path}.{id}.id"), "an id must not be empty"));
        } else if !seen.insert(id) {
            out.push(Problem::new(
                format!("{path}.{id}.id"),
                format!("duplicate id `{id}`: each item of `[[{path}]]` needs its own id"),
            ));
        }
    }
}

/// A sum of shares is one within [`SHARE_TOLERANCE`].
fn check_sum(path: &str, what: &str, shares: &[f64], out: &mut Vec<Problem>) {
    let sum: f64 = shares.iter().sum();
    if (sum - 1.0).abs() > SHARE_TOLERANCE {
        // `+ 0.0` turns the -0 of an empty sum into 0.
        let shown = (sum * 1e9).round() / 1e9 + 0.0;
        out.push(Problem::new(path, format!("{what} sum to {shown}, but must sum to 1 (within {SHARE_TOLERANCE:e})")));
    }
}

/// Industries: at least one, one with firms, unique ids, graduate shares summing to one.
fn check_industries(s: &Scenario, out: &mut Vec<Problem>) {
    if s.industries.is_empty() {
        out.push(Problem::new("industries", "there must be at least one industry"));
        return;
    }
    if !s.industries.iter().any(|i| i.firms_start > 0.0) {
        out.push(Problem::new("industries", "at least one industry must have `firms_start` above 0"));
    }
    check_ids("industries", s.industries.iter().map(|i| i.id.as_str()), out);
    let shares: Vec<f64> = s.industries.iter().map(|i| i.graduate_share).collect();
    check_sum("industries", "the industries' `graduate_share` values", &shares, out);
}

/// Packages: unique ids, budget shares summing to one.
fn check_packages(s: &Scenario, out: &mut Vec<Problem>) {
    let packages = &s.government.packages;
    check_ids("government.packages", packages.iter().map(|p| p.id.as_str()), out);
    let shares: Vec<f64> = packages.iter().map(|p| p.budget_share).collect();
    check_sum("government.packages", "the packages' `budget_share` values", &shares, out);
}

/// Every policy instrument names an existing package, and existing industries, classes and tiers.
fn check_instruments(s: &Scenario, out: &mut Vec<Problem>) {
    let packages: Vec<&str> = s.government.packages.iter().map(|p| p.id.as_str()).collect();
    let industries: Vec<&str> = s.industries.iter().map(|i| i.id.as_str()).collect();
    for f in s.policy.fields() {
        let Some(Child::Section(inst)) = s.policy.child(f.key) else {
            continue;
        };
        let path = format!("policy.{}", f.key);
        if let Some(Value::Text(p)) = inst.get("package") {
            check_names(&format!("{path}.package"), "package", &[p], &packages, out);
        }
        let lists =
            [("industries", "industry", &industries[..]), ("classes", "class", CLASSES), ("tiers", "tier", TIERS)];
        for (key, what, valid) in lists {
            if let Some(Value::TextList(names)) = inst.get(key) {
                check_names(&format!("{path}.{key}"), what, &names, valid, out);
            }
        }
    }
}

/// Each of `names` is one of `valid`; the problem lists the valid names and the nearest one.
fn check_names(path: &str, what: &str, names: &[String], valid: &[&str], out: &mut Vec<Problem>) {
    for name in names {
        if valid.contains(&name.as_str()) {
            continue;
        }
        out.push(Problem::new(path, unknown_name_message(what, name, valid)));
    }
}

/// Round sizes and dilution: one value per stage, and minimum <= maximum.
fn check_finance(s: &Scenario, out: &mut Vec<Problem>) {
    let f = &s.finance;
    let lists = [("round_min_m", &f.round_min_m), ("round_max_m", &f.round_max_m), ("dilution", &f.dilution)];
    for (key, xs) in lists {
        if xs.len() != STAGES.len() {
            out.push(Problem::new(
                format!("finance.{key}"),
                format!("must have exactly {} elements ({}), found {}", STAGES.len(), STAGES.join(", "), xs.len()),
            ));
        }
    }
    for (i, (lo, hi)) in f.round_min_m.iter().zip(&f.round_max_m).enumerate() {
        if lo > hi {
            let stage = STAGES.get(i).copied().unwrap_or("?");
            out.push(Problem::new(
                "finance.round_min_m",
                format!("element {i} ({stage}) is {lo}, above `round_max_m` element {i} ({hi}); the smallest round must not exceed the largest"),
            ));
        }
    }
}

/// Pairs where one value must not exceed another: (path of the first, path of the second).
fn check_orderings(s: &Scenario, out: &mut Vec<Problem>) {
    let pairs = [
        ("innovation.x_min", s.innovation.x_min, "innovation.x_max", s.innovation.x_max, true),
        (
            "finance.investment_period_years",
            s.finance.investment_period_years,
            "finance.fund_life_years",
            s.finance.fund_life_years,
            false,
        ),
        (
            "entrepreneurship.base_hazard",
            s.entrepreneurship.base_hazard,
            "entrepreneurship.max_hazard",
            s.entrepreneurship.max_hazard,
            false,
        ),
        (
            "labour.outflow_hazard_base",
            s.labour.outflow_hazard_base,
            "labour.outflow_hazard_max",
            s.labour.outflow_hazard_max,
            false,
        ),
        (
            "tiers.little_giant_min_revenue_m",
            s.tiers.little_giant_min_revenue_m,
            "tiers.little_giant_max_revenue_m",
            s.tiers.little_giant_max_revenue_m,
            false,
        ),
    ];
    for (a, x, b, y, strict) in pairs {
        let bad = if strict { x >= y } else { x > y };
        if bad {
            let rel = if strict { "below" } else { "at most" };
            out.push(Problem::new(a, format!("is {x}, but must be {rel} `{b}` ({y})")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(s: &Scenario) -> Vec<String> {
        validate(s).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn default_is_valid() {
        assert_eq!(validate(&Scenario::default()), vec![]);
    }

    #[test]
    fn finds_bad_references() {
        let mut s = Scenario::default();
        s.policy.rd_grants.package = "nope".into();
        s.policy.compute_vouchers.tiers = vec!["giant".into()];
        s.policy.manufacturing_support.classes = vec!["future-9".into()];
        s.policy.low_altitude_fund.industries = vec!["drones".into()];
        let p = paths(&s);
        for want in [
            "policy.rd_grants.package",
            "policy.compute_vouchers.tiers",
            "policy.manufacturing_support.classes",
            "policy.low_altitude_fund.industries",
        ] {
            assert!(p.contains(&want.to_string()), "{want} missing from {p:?}");
        }
    }

    #[test]
    fn finds_orderings_and_lengths() {
        let mut s = Scenario::default();
        s.innovation.x_min = s.innovation.x_max;
        s.finance.investment_period_years = 11.0;
        s.entrepreneurship.base_hazard = 0.5;
        s.tiers.little_giant_min_revenue_m = 5_000.0;
        s.finance.dilution.pop();
        s.finance.round_min_m[0] = 10.0;
        s.government.budget_m_by_year.clear();
        let p = paths(&s);
        for want in [
            "innovation.x_min",
            "finance.investment_period_years",
            "entrepreneurship.base_hazard",
            "tiers.little_giant_min_revenue_m",
            "finance.dilution",
            "finance.round_min_m",
            "government.budget_m_by_year",
        ] {
            assert!(p.contains(&want.to_string()), "{want} missing from {p:?}");
        }
    }

    #[test]
    fn finds_bad_industry_lists() {
        let mut s = Scenario::default();
        for i in &mut s.industries {
            i.firms_start = 0.0;
        }
        s.industries[1].id = s.industries[0].id.clone();
        s.government.packages[0].budget_share += 0.01;
        let p = validate(&s);
        assert!(p.iter().any(|p| p.message.contains("firms_start")));
        assert!(p.iter().any(|p| p.message.contains("duplicate id")));
        assert!(p.iter().any(|p| p.path == "government.packages" && p.message.contains("1.01")));
        s.industries.clear();
        assert!(validate(&s).iter().any(|p| p.message.contains("at least one industry")));
    }

    #[test]
    fn out_of_range_values_in_code_are_found() {
        let mut s = Scenario::default();
        s.labour.quit_hazard = 2.0;
        assert_eq!(paths(&s), vec!["labour.quit_hazard".to_string()]);
    }
}
