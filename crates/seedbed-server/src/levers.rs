//! The main policy levers as form controls, and building a scenario from a request: a
//! built-in name or an uploaded TOML text, then levers, months and scale, each range-checked
//! against the parameter schema and the server's limits.

use seedbed_model::Scenario;
use seedbed_model::schema::{Kind, Value, get_path, set_path};
use seedbed_scenario::{Problem, ScenarioError, builtin, builtin_names, load_str, validate};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::Limits;
use crate::error::ApiError;

/// Levers that map one-to-one onto a parameter: path, group, label.
const SIMPLE: [(&str, &str, &str); 10] = [
    ("policy.founder_insurance.months", "Founder insurance", "Months of benefit"),
    ("policy.founder_insurance.replacement_rate", "Founder insurance", "Replacement rate"),
    ("policy.compute_vouchers.rate", "Compute vouchers", "Voucher rate"),
    ("policy.compute_vouchers.cap_m_per_firm_year", "Compute vouchers", "Cap per firm and year"),
    ("policy.guidance_fund.size_m", "Guidance fund", "Fund size"),
    ("policy.guidance_fund.share_cap", "Guidance fund", "Share cap in a GP fund"),
    ("policy.platform_openness.openness", "Platforms", "Platform openness"),
    ("policy.talent_subsidies.subsidy_m_per_graduate", "Talent subsidies", "Subsidy per graduate"),
    ("policy.talent_subsidies.budget_m_per_year", "Talent subsidies", "Budget a year"),
    ("policy.pilots.contract_m", "Pilots", "Contract value of a pilot"),
];

/// Lever: total pilot slots a year over every industry (each industry's share kept).
pub const PILOT_SLOTS: &str = "industries.*.pilot_slots_per_year";
/// Lever: drone sites added each year.
pub const DRONE_SITES: &str = "policy.drone_infrastructure.sites_added_by_year";
/// Lever: air routes added each year.
pub const DRONE_ROUTES: &str = "policy.drone_infrastructure.routes_added_by_year";

/// Every lever of `s` with its current value, unit, range and documentation, in form order.
pub fn levers(s: &Scenario) -> Vec<Json> {
    let mut out = Vec::new();
    let mut push = |path: String, group: &str, label: String, value: f64, unit: &str, min: f64, max: f64, doc: &str| {
        out.push(json!({
            "path": path, "group": group, "label": label, "value": value, "unit": unit,
            "min": min, "max": if max.is_finite() && max < 1e12 { json!(max) } else { Json::Null }, "doc": doc,
        }));
    };
    let total = s.government.budget_m_by_year.first().copied().unwrap_or(0.0);
    for p in &s.government.packages {
        push(
            package_path(&p.id),
            "Package budgets",
            format!("Budget: {}", p.id),
            p.budget_share * total,
            "CNY m/year",
            0.0,
            1e9,
            "The package's budget in the first year (its share of the policy budget times the budget); new budgets \
             set the shares and the total, later years keep their growth",
        );
    }
    for (path, group, label) in SIMPLE {
        match get_path(s, path) {
            Some((f, Value::Real(v))) => {
                let (min, max) = range(f.kind);
                push(path.into(), group, label.into(), v, f.unit, min, max, f.doc);
            }
            Some((f, Value::RealList(v))) => {
                let (min, max) = range(f.kind);
                push(path.into(), group, label.into(), v.first().copied().unwrap_or(0.0), f.unit, min, max, f.doc);
            }
            _ => {}
        }
    }
    let slots: f64 = s.industries.iter().map(|i| i.pilot_slots_per_year).sum();
    push(
        PILOT_SLOTS.into(),
        "Pilots",
        "Pilot slots a year (all industries)".into(),
        slots,
        "slots/year",
        0.0,
        1e6,
        "Pilot slots a year in application scenarios at full scale, summed over industries; a new total keeps each \
         industry's share (equal shares if all were 0)",
    );
    for (path, label) in [(DRONE_SITES, "Drone sites added a year"), (DRONE_ROUTES, "Air routes added a year")] {
        if let Some((f, Value::RealList(v))) = get_path(s, path) {
            let (min, max) = range(f.kind);
            push(path.into(), "Low-altitude", label.into(), v.first().copied().unwrap_or(0.0), f.unit, min, max, f.doc);
        }
    }
    out
}

fn range(k: Kind) -> (f64, f64) {
    match k {
        Kind::Real { min, max } | Kind::RealList { min, max } => (min, max),
        Kind::Int { min, max } => (min as f64, max as f64),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    }
}

/// The lever of a package's budget (CNY m in the first year).
fn package_path(id: &str) -> String {
    format!("government.packages.{id}.budget_m_per_year")
}

/// The package of a package budget lever.
fn package_of(path: &str) -> Option<&str> {
    path.strip_prefix("government.packages.")?.strip_suffix(".budget_m_per_year")
}

/// Sets package budgets (CNY m in the first year) together: the packages' shares become their
/// budgets over the new total, and the budget of every year is scaled by the new total over
/// the old (so shares still add up to 1).
fn set_package_budgets(s: &mut Scenario, budgets: &[(&str, f64)]) -> Result<(), String> {
    let total0 = s.government.budget_m_by_year.first().copied().unwrap_or(0.0);
    let mut new: Vec<f64> = s.government.packages.iter().map(|p| p.budget_share * total0).collect();
    for (id, v) in budgets {
        let path = package_path(id);
        let i = s.government.packages.iter().position(|p| p.id == *id).ok_or_else(|| format!("no package `{id}`"))?;
        if !(v.is_finite() && (0.0..=1e9).contains(v)) {
            return Err(format!("`{path}`: {v} is out of range: allowed 0 to 1000000000"));
        }
        new[i] = *v;
    }
    let total: f64 = new.iter().sum();
    if total <= 0.0 {
        return Err("the package budgets add up to 0: at least one must be positive".into());
    }
    for (p, b) in s.government.packages.iter_mut().zip(&new) {
        p.budget_share = b / total;
    }
    let years = &mut s.government.budget_m_by_year;
    if total0 > 0.0 {
        years.iter_mut().for_each(|y| *y *= total / total0);
    } else {
        *years = vec![total];
    }
    Ok(())
}

/// Sets lever `path` to `v`; the error names the lever and the allowed range.
fn set_lever(s: &mut Scenario, path: &str, v: f64) -> Result<(), String> {
    if let Some(id) = package_of(path) {
        return set_package_budgets(s, &[(id, v)]);
    }
    if path == PILOT_SLOTS {
        if !(v.is_finite() && (0.0..=1e6).contains(&v)) {
            return Err(format!("`{path}`: {v} is out of range: allowed 0 to 1000000"));
        }
        let total: f64 = s.industries.iter().map(|i| i.pilot_slots_per_year).sum();
        let n = s.industries.len().max(1) as f64;
        for i in &mut s.industries {
            i.pilot_slots_per_year = if total > 0.0 { i.pilot_slots_per_year / total * v } else { v / n };
        }
        return Ok(());
    }
    match get_path(s, path) {
        Some((_, Value::RealList(old))) if path == DRONE_SITES || path == DRONE_ROUTES => {
            // Sites and routes added each year: the same number every listed year.
            set_path(s, path, Value::RealList(vec![v; old.len().max(1)])).map_err(|e| e.replace("element 0: ", ""))
        }
        Some(_) if is_lever(path) => set_path(s, path, Value::Real(v)),
        _ => Err(format!("`{path}` is not a lever of the dashboard")),
    }
}

fn is_lever(path: &str) -> bool {
    SIMPLE.iter().any(|(p, _, _)| *p == path)
}

/// One scenario of a request: a built-in name or a TOML text, and lever values.
#[derive(Debug, Default, Deserialize)]
pub struct ScenarioSpec {
    /// A built-in scenario name.
    #[serde(default)]
    pub scenario: Option<String>,
    /// A scenario file's text (uploaded or edited in the page).
    #[serde(default)]
    pub toml: Option<String>,
    /// Lever values by path (see [`levers`]).
    #[serde(default)]
    pub levers: std::collections::BTreeMap<String, f64>,
}

/// The name under which uploaded text is reported in errors.
pub const UPLOADED: &str = "scenario.toml";

impl ScenarioSpec {
    /// The base scenario: the uploaded text, else the built-in name. Never a file path.
    pub fn base(&self) -> Result<(Scenario, String), ApiError> {
        match (&self.toml, &self.scenario) {
            (Some(text), _) if !text.trim().is_empty() => {
                load_str(text, UPLOADED).map(|s| (s, UPLOADED.to_string())).map_err(|e| ApiError::scenario(&e))
            }
            (_, Some(name)) => builtin(name).map(|s| (s, name.clone())).ok_or_else(|| {
                let names: Vec<&str> = builtin_names().iter().map(|(n, _)| *n).collect();
                ApiError::bad_request(format!(
                    "unknown scenario `{name}`; the built-in scenarios: {}",
                    names.join(", ")
                ))
            }),
            _ => Err(ApiError::bad_request("give a built-in scenario name or a scenario TOML text")),
        }
    }

    /// The scenario to run: base, levers, months and scale applied, validated, within `limits`.
    pub fn build(&self, months: Option<i64>, scale: Option<f64>, limits: &Limits) -> Result<Scenario, ApiError> {
        let (mut s, origin) = self.base()?;
        let mut problems = Vec::new();
        // Package budgets together (their shares depend on each other), then the rest.
        let budgets: Vec<(&str, f64)> = self.levers.iter().filter_map(|(p, v)| Some((package_of(p)?, *v))).collect();
        if !budgets.is_empty()
            && let Err(e) = set_package_budgets(&mut s, &budgets)
        {
            problems.push(Problem::new("government.packages", e));
        }
        for (path, v) in self.levers.iter().filter(|(p, _)| package_of(p).is_none()) {
            if let Err(e) = set_lever(&mut s, path, *v) {
                problems.push(Problem::new(path.clone(), e));
            }
        }
        if let Some(m) = months
            && let Err(e) = set_path(&mut s, "run.months", Value::Int(m))
        {
            problems.push(Problem::new("run.months", e));
        }
        if let Some(x) = scale
            && let Err(e) = set_path(&mut s, "run.scale", Value::Real(x))
        {
            problems.push(Problem::new("run.scale", e));
        }
        if problems.is_empty() {
            problems = validate(&s);
        }
        if !problems.is_empty() {
            return Err(ApiError::scenario(&ScenarioError::new(&origin, None, problems)));
        }
        if s.run.scale > limits.max_scale {
            return Err(ApiError::bad_request(format!(
                "scale {} is above this server's limit of {} (seedbed serve --max-scale)",
                s.run.scale, limits.max_scale
            )));
        }
        if s.run.months > limits.max_months {
            return Err(ApiError::bad_request(format!(
                "{} months is above this server's limit of {} (seedbed serve --max-months)",
                s.run.months, limits.max_months
            )));
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lever_reads_and_writes() {
        let s = builtin("hangzhou-2025").unwrap();
        let ls = levers(&s);
        assert!(ls.len() >= 8 + SIMPLE.len() + 3, "{}", ls.len());
        let mut t = s.clone();
        for l in &ls {
            let path = l["path"].as_str().unwrap();
            set_lever(&mut t, path, l["value"].as_f64().unwrap()).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
        assert!(validate(&t).is_empty());
        set_lever(&mut t, PILOT_SLOTS, 100.0).unwrap();
        let total: f64 = t.industries.iter().map(|i| i.pilot_slots_per_year).sum();
        assert!((total - 100.0).abs() < 1e-9);
        let budget = t.government.budget_m_by_year[0];
        let p0 = t.government.packages[0].budget_share * budget;
        let path = package_path(&t.government.packages[0].id);
        set_lever(&mut t, &path, 2.0 * p0).unwrap();
        assert!((t.government.budget_m_by_year[0] - budget - p0).abs() < 1e-6, "the total grows by the change");
        assert!(validate(&t).is_empty(), "shares still add up to 1");
        set_lever(&mut t, DRONE_SITES, 7.0).unwrap();
        assert_eq!(t.policy.drone_infrastructure.sites_added_by_year[0], 7.0);
        let e = set_lever(&mut t, "policy.compute_vouchers.rate", 1.5).unwrap_err();
        assert!(e.contains("allowed 0 to 1"), "{e}");
        assert!(set_lever(&mut t, "run.seed_path", 1.0).is_err());
    }
}
