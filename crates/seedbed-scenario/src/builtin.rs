//! The built-in scenarios: the default city and one counterfactual per policy lever.

use std::path::Path;

use seedbed_model::scenario::Scenario;
use seedbed_model::schema::{ChildMut, Node, Value};

use crate::error::{Problem, ScenarioError};
use crate::load::{load_file, unknown_builtin_message};

/// Name of the default built-in scenario.
pub const DEFAULT_NAME: &str = "hangzhou-2025";

/// Every built-in scenario: name and one-line description.
static BUILTINS: [(&str, &str); 9] = [
    (DEFAULT_NAME, "Hangzhou 2025: the city and its 2025 '8+4' policies (default)."),
    ("no-policy", "The same city with every policy instrument off: the counterfactual."),
    ("no-failure-insurance", "Hangzhou 2025 without insurance for failed founders."),
    ("no-compute-vouchers", "Hangzhou 2025 without compute vouchers."),
    (
        "closed-platforms",
        "Hangzhou 2025 with platforms' middle platforms closed to startups (no openness payments, baseline openness 0).",
    ),
    ("no-talent-subsidies", "Hangzhou 2025 without talent subsidies for arriving graduates."),
    ("no-pilots", "Hangzhou 2025 without pilot contracts in application scenarios."),
    ("no-guidance-fund", "Hangzhou 2025 without the state guidance fund."),
    ("guidance-fund-direct", "Hangzhou 2025 with the guidance fund investing in firms directly instead of as an LP."),
];

/// Names and one-line descriptions of the built-in scenarios, the default first.
pub fn builtin_names() -> &'static [(&'static str, &'static str)] {
    &BUILTINS
}

/// The built-in scenario `name`, with `run.name` and `run.description` set; `None` if unknown.
pub fn builtin(name: &str) -> Option<Scenario> {
    let (name, description) = BUILTINS.iter().find(|(n, _)| *n == name)?;
    let mut s = Scenario::default();
    apply_lever(name, &mut s);
    s.run.name = name.to_string();
    s.run.description = description.to_string();
    Some(s)
}

/// Switches off the lever(s) of the built-in scenario `name`.
fn apply_lever(name: &str, s: &mut Scenario) {
    let p = &mut s.policy;
    match name {
        "no-policy" => disable_all_instruments(s),
        "no-failure-insurance" => p.founder_insurance.enabled = false,
        "no-compute-vouchers" => p.compute_vouchers.enabled = false,
        "closed-platforms" => {
            p.platform_openness.enabled = false;
            s.platforms.baseline_openness = 0.0;
        }
        "no-talent-subsidies" => p.talent_subsidies.enabled = false,
        "no-pilots" => p.pilots.enabled = false,
        "no-guidance-fund" => p.guidance_fund.enabled = false,
        "guidance-fund-direct" => p.guidance_fund.mode = "direct".to_string(),
        _ => {}
    }
}

/// Sets `enabled = false` on every instrument under `policy` (found through the schema, so a
/// new instrument is covered without editing this list).
fn disable_all_instruments(s: &mut Scenario) {
    let keys: Vec<&str> = s.policy.fields().iter().map(|f| f.key).collect();
    for key in keys {
        if let Some(ChildMut::Section(inst)) = s.policy.child_mut(key)
            && inst.get("enabled").is_some()
        {
            // `enabled` is a bool field of every instrument; a set cannot fail.
            let _ = inst.set("enabled", Value::Bool(false));
        }
    }
}

/// A built-in scenario by name, or else a scenario file by path.
/// If neither exists, the error lists the built-in names and the nearest one.
pub fn resolve(arg: &str) -> Result<Scenario, ScenarioError> {
    if let Some(s) = builtin(arg) {
        return Ok(s);
    }
    let path = Path::new(arg);
    if path.is_file() {
        return load_file(path);
    }
    let message = if path.exists() {
        "is a directory, not a scenario file".to_string()
    } else {
        format!("no such scenario file, and {}", unknown_builtin_message(arg))
    };
    Err(ScenarioError::new(arg, None, vec![Problem::new("", message)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_builtin_is_the_default_scenario() {
        assert_eq!(builtin(DEFAULT_NAME), Some(Scenario::default()));
        assert_eq!(builtin_names()[0].0, DEFAULT_NAME);
    }

    #[test]
    fn every_builtin_differs_from_the_default_in_its_lever() {
        let d = Scenario::default();
        for (name, _) in &builtin_names()[1..] {
            let mut s = builtin(name).expect("listed builtin exists");
            assert_eq!(s.run.name, *name);
            s.run = d.run.clone();
            assert_ne!(s, d, "{name} changes nothing");
        }
    }

    #[test]
    fn no_policy_disables_every_instrument() {
        let s = builtin("no-policy").unwrap();
        let p = &s.policy;
        let enabled = [
            p.rd_grants.enabled,
            p.compute_vouchers.enabled,
            p.talent_subsidies.enabled,
            p.founder_insurance.enabled,
            p.tier_awards.enabled,
            p.pilots.enabled,
            p.compute_capacity.enabled,
            p.drone_infrastructure.enabled,
            p.platform_openness.enabled,
            p.manufacturing_support.enabled,
            p.guidance_fund.enabled,
            p.low_altitude_fund.enabled,
        ];
        assert!(enabled.iter().all(|e| !e));
    }

    #[test]
    fn single_levers() {
        assert!(!builtin("closed-platforms").unwrap().policy.platform_openness.enabled);
        assert_eq!(builtin("closed-platforms").unwrap().platforms.baseline_openness, 0.0);
        assert!(!builtin("no-failure-insurance").unwrap().policy.founder_insurance.enabled);
        assert!(!builtin("no-compute-vouchers").unwrap().policy.compute_vouchers.enabled);
        assert!(!builtin("no-talent-subsidies").unwrap().policy.talent_subsidies.enabled);
        assert!(!builtin("no-pilots").unwrap().policy.pilots.enabled);
        assert!(!builtin("no-guidance-fund").unwrap().policy.guidance_fund.enabled);
        let direct = builtin("guidance-fund-direct").unwrap();
        assert_eq!(direct.policy.guidance_fund.mode, "direct");
        assert!(direct.policy.guidance_fund.enabled);
        assert_eq!(builtin("nope"), None);
    }

    #[test]
    fn resolve_unknown_names_nearest_builtin() {
        let e = resolve("no-polcy").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("did you mean `no-policy`?"), "{text}");
        assert!(text.contains("hangzhou-2025") && text.contains("guidance-fund-direct"), "{text}");
        assert_eq!(resolve("no-pilots").unwrap().run.name, "no-pilots");
    }
}
