//! What an experiment is: its scenarios, design points and member runs, and the manifest
//! (`experiment.json`) that pins them down so an interrupted experiment resumes exactly.

use seedbed_model::Scenario;
use seedbed_scenario::validate;
use serde_json::{Map, Value, json};

use crate::design::{MorrisDesign, SaltelliDesign, grid, latin_hypercube, morris, saltelli};
use crate::vary::Lever;
use crate::version::scenario_hash;

/// The kinds of experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ensemble,
    Compare,
    Sweep,
    Sensitivity,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ensemble => "ensemble",
            Kind::Compare => "compare",
            Kind::Sweep => "sweep",
            Kind::Sensitivity => "sensitivity",
        }
    }
}

/// How a sweep places its points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepDesign {
    /// `points` levels per parameter, every combination (`points ^ parameters` points).
    Grid,
    /// A Latin hypercube of `points` points.
    Lhs,
}

/// A sensitivity method and its design size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Morris screening: `trajectories` trajectories on a grid of `levels` levels.
    Morris { trajectories: usize, levels: usize },
    /// Sobol indices from a Saltelli design with `samples` base rows.
    Sobol { samples: usize },
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Morris { .. } => "morris",
            Method::Sobol { .. } => "sobol",
        }
    }
}

/// The design behind a sensitivity analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum SensitivityDesign {
    Morris(MorrisDesign),
    Sobol(SaltelliDesign),
}

/// A design point: a base scenario and the values of the varied parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Index into `Experiment::bases`.
    pub base: usize,
    /// Parameter values, one per lever.
    pub values: Vec<f64>,
    /// SHA-256 of the point's scenario.
    pub hash: String,
}

/// One run of an experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Directory name under `runs/`: `s7`, `a-s7`, `p003-s7`.
    pub name: String,
    /// Index into `Experiment::points`.
    pub point: usize,
    pub seed: u64,
}

/// An experiment: everything that decides which runs it has and how they are reduced.
#[derive(Clone, Debug)]
pub struct Experiment {
    pub kind: Kind,
    /// The base scenarios with their labels (`scenario`; `a` and `b` for a comparison).
    pub bases: Vec<(String, Scenario)>,
    pub levers: Vec<Lever>,
    pub points: Vec<Point>,
    /// Point-major, seeds in order within a point.
    pub members: Vec<Member>,
    /// Seeds per point (the same list for every point, except B's own seeds in an
    /// independent comparison).
    pub runs: usize,
    /// Sensitivity: the method's design and the bootstrap resamples.
    pub sensitivity: Option<(SensitivityDesign, usize, u64)>,
    /// The defining parameters, as stored in the manifest.
    pub spec: Map<String, Value>,
}

/// The first error found, as one message (bad input).
pub type Invalid = String;

/// `runs` consecutive seeds from `first`; an error if they overflow.
pub fn seeds(first: u64, runs: usize) -> Result<Vec<u64>, Invalid> {
    if runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    let last = first.checked_add(runs as u64 - 1).ok_or_else(|| {
        format!("seeds {first} and {runs} runs overflow the largest seed {}; choose a smaller --seed", u64::MAX)
    })?;
    Ok((first..=last).collect())
}

impl Experiment {
    /// `runs` seeds of one scenario.
    pub fn ensemble(base: Scenario, seeds: &[u64]) -> Result<Experiment, Invalid> {
        let mut spec = Map::new();
        seeds_spec(&mut spec, seeds);
        let mut e = Experiment::new(Kind::Ensemble, vec![("scenario".into(), base)], vec![], spec);
        e.add_point(0, vec![])?;
        e.members = seeds.iter().map(|&seed| Member { name: format!("s{seed}"), point: 0, seed }).collect();
        e.runs = seeds.len();
        Ok(e)
    }

    /// Scenarios A and B on the same seeds (common random numbers), or, if `independent`, B on
    /// the `seeds.len()` seeds that follow A's.
    pub fn compare(a: Scenario, b: Scenario, seeds: &[u64], independent: bool) -> Result<Experiment, Invalid> {
        let seeds_b = if independent {
            let last = seeds.last().copied().unwrap_or(0);
            self::seeds(last.checked_add(1).ok_or("the seeds of B overflow; choose a smaller --seed")?, seeds.len())?
        } else {
            seeds.to_vec()
        };
        let mut spec = Map::new();
        seeds_spec(&mut spec, seeds);
        spec.insert("independent".into(), json!(independent));
        let mut e = Experiment::new(Kind::Compare, vec![("a".into(), a), ("b".into(), b)], vec![], spec);
        e.add_point(0, vec![])?;
        e.add_point(1, vec![])?;
        for (label, point, list) in [("a", 0, seeds), ("b", 1, &seeds_b[..])] {
            e.members.extend(list.iter().map(|&seed| Member { name: format!("{label}-s{seed}"), point, seed }));
        }
        e.runs = seeds.len();
        Ok(e)
    }

    /// A sweep of `levers` over a grid or a Latin hypercube, each point run with `seeds`.
    pub fn sweep(
        base: Scenario,
        levers: Vec<Lever>,
        design: SweepDesign,
        points: usize,
        design_seed: u64,
        seeds: &[u64],
    ) -> Result<Experiment, Invalid> {
        if levers.is_empty() {
            return Err("give at least one --vary PATH=LO..HI".into());
        }
        if points == 0 {
            return Err("--points must be at least 1".into());
        }
        let unit = match design {
            SweepDesign::Grid => {
                let total = points.checked_pow(levers.len() as u32).filter(|&t| t <= MAX_POINTS).ok_or_else(|| {
                    format!(
                        "a grid of {points} points on each of {} parameters has more than {MAX_POINTS} points; \
                         use fewer --points or --design lhs",
                        levers.len()
                    )
                })?;
                debug_assert!(total > 0);
                grid(levers.len(), points)
            }
            SweepDesign::Lhs => {
                if points > MAX_POINTS {
                    return Err(format!("--points {points} is above the limit of {MAX_POINTS} design points"));
                }
                latin_hypercube(levers.len(), points, design_seed)
            }
        };
        let mut spec = Map::new();
        seeds_spec(&mut spec, seeds);
        spec.insert("vary".into(), levers_spec(&levers));
        spec.insert("design".into(), json!(if design == SweepDesign::Grid { "grid" } else { "lhs" }));
        spec.insert("points".into(), json!(points));
        if design == SweepDesign::Lhs {
            spec.insert("design-seed".into(), json!(design_seed));
        }
        let mut e = Experiment::new(Kind::Sweep, vec![("scenario".into(), base)], levers, spec);
        e.add_unit_points(&unit, seeds)?;
        Ok(e)
    }

    /// A Morris or Sobol analysis of `levers`, each design point run with `seeds` (the output
    /// at a point is the mean over its seeds).
    pub fn sensitivity(
        base: Scenario,
        levers: Vec<Lever>,
        method: Method,
        design_seed: u64,
        seeds: &[u64],
        bootstrap: usize,
    ) -> Result<Experiment, Invalid> {
        if levers.is_empty() {
            return Err("give at least one --vary PATH=LO..HI".into());
        }
        let d = levers.len();
        let (design, unit) = match method {
            Method::Morris { trajectories, levels } => {
                if trajectories < 2 {
                    return Err("--trajectories must be at least 2 (sigma needs two effects)".into());
                }
                if levels < 2 || !levels.is_multiple_of(2) {
                    return Err(format!("--levels {levels}: Morris levels must be even and at least 2"));
                }
                let m = morris(d, trajectories, levels, design_seed);
                let unit = m.points();
                (SensitivityDesign::Morris(m), unit)
            }
            Method::Sobol { samples } => {
                if samples < 2 {
                    return Err("--samples must be at least 2".into());
                }
                let s = saltelli(d, samples, design_seed);
                let unit = s.points.clone();
                (SensitivityDesign::Sobol(s), unit)
            }
        };
        if unit.len() > MAX_POINTS {
            return Err(format!(
                "the {} design has {} points, above the limit of {MAX_POINTS}; use a smaller design",
                method.name(),
                unit.len()
            ));
        }
        let mut spec = Map::new();
        seeds_spec(&mut spec, seeds);
        spec.insert("vary".into(), levers_spec(&levers));
        spec.insert("method".into(), json!(method.name()));
        match method {
            Method::Morris { trajectories, levels } => {
                spec.insert("trajectories".into(), json!(trajectories));
                spec.insert("levels".into(), json!(levels));
            }
            Method::Sobol { samples } => {
                spec.insert("samples".into(), json!(samples));
            }
        }
        spec.insert("design-seed".into(), json!(design_seed));
        spec.insert("bootstrap".into(), json!(bootstrap));
        let mut e = Experiment::new(Kind::Sensitivity, vec![("scenario".into(), base)], levers, spec);
        e.add_unit_points(&unit, seeds)?;
        e.sensitivity = Some((design, bootstrap, design_seed));
        Ok(e)
    }

    fn new(kind: Kind, bases: Vec<(String, Scenario)>, levers: Vec<Lever>, mut spec: Map<String, Value>) -> Self {
        let mut full = Map::new();
        full.insert("kind".into(), json!(kind.as_str()));
        let scenarios: Vec<Value> = bases
            .iter()
            .map(|(label, s)| json!({"label": label, "name": s.run.name, "hash": scenario_hash(s)}))
            .collect();
        full.insert("scenarios".into(), Value::Array(scenarios));
        full.append(&mut spec);
        Experiment { kind, bases, levers, points: vec![], members: vec![], runs: 0, sensitivity: None, spec: full }
    }

    /// Adds points at unit coordinates `unit`, each with every seed of `seeds`.
    fn add_unit_points(&mut self, unit: &[Vec<f64>], seeds: &[u64]) -> Result<(), Invalid> {
        let width = unit.len().saturating_sub(1).to_string().len().max(3);
        for u in unit {
            let values: Vec<f64> = self.levers.iter().zip(u).map(|(l, &x)| l.value(x)).collect();
            let p = self.add_point(0, values)?;
            self.members.extend(seeds.iter().map(|&seed| Member {
                name: format!("p{p:0width$}-s{seed}"),
                point: p,
                seed,
            }));
        }
        self.runs = seeds.len();
        Ok(())
    }

    /// Adds a point, checking its scenario; returns its index.
    fn add_point(&mut self, base: usize, values: Vec<f64>) -> Result<usize, Invalid> {
        let index = self.points.len();
        let s =
            self.build(base, &values).map_err(|e| format!("design point {index} ({}): {e}", self.describe(&values)))?;
        self.points.push(Point { base, values, hash: scenario_hash(&s) });
        Ok(index)
    }

    fn build(&self, base: usize, values: &[f64]) -> Result<Scenario, String> {
        let mut s = self.bases[base].1.clone();
        for (l, &x) in self.levers.iter().zip(values) {
            l.set(&mut s, x)?;
        }
        let problems = validate(&s);
        if let Some(p) = problems.first() {
            return Err(format!("the scenario is invalid: {p}"));
        }
        Ok(s)
    }

    /// `path = value, ...` of a point's values.
    pub fn describe(&self, values: &[f64]) -> String {
        self.levers.iter().zip(values).map(|(l, x)| format!("{} = {x}", l.path)).collect::<Vec<_>>().join(", ")
    }

    /// The scenario of point `p`.
    pub fn scenario(&self, p: usize) -> Scenario {
        let point = &self.points[p];
        self.build(point.base, &point.values).expect("checked when the point was added")
    }

    /// The manifest: the spec, the points and the members.
    pub fn manifest(&self) -> Value {
        let points: Vec<Value> =
            self.points.iter().map(|p| json!({"base": p.base, "values": p.values, "hash": p.hash})).collect();
        let members: Vec<Value> =
            self.members.iter().map(|m| json!({"name": m.name, "point": m.point, "seed": m.seed})).collect();
        json!({
            "spec": Value::Object(self.spec.clone()),
            "points": points,
            "members": members,
        })
    }
}

/// Design points allowed in one experiment.
pub const MAX_POINTS: usize = 100_000;

/// `seed` (the first) and `runs`, named like the options that set them.
fn seeds_spec(spec: &mut Map<String, Value>, seeds: &[u64]) {
    spec.insert("seed".into(), json!(seeds.first()));
    spec.insert("runs".into(), json!(seeds.len()));
}

fn levers_spec(levers: &[Lever]) -> Value {
    Value::Array(levers.iter().map(|l| json!({"path": l.path, "lo": l.lo, "hi": l.hi})).collect())
}

/// Why a stored manifest does not describe the experiment asked for, or `None` if it does.
pub fn manifest_mismatch(stored: &Value, now: &Value) -> Option<String> {
    let (Some(a), Some(b)) = (stored["spec"].as_object(), now["spec"].as_object()) else {
        return Some("its experiment.json has no spec".into());
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let null = Value::Null;
    let diffs: Vec<String> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let (was, is) = (a.get(k).unwrap_or(&null), b.get(k).unwrap_or(&null));
            match k.as_str() {
                "scenarios" => scenario_change(was, is),
                "kind" => format!("it is {} experiment, not {} one", article(was), article(is)),
                _ => format!("--{k} was {}, now {}", shown(was), shown(is)),
            }
        })
        .collect();
    if !diffs.is_empty() {
        return Some(diffs.join("; "));
    }
    if stored["points"] != now["points"] || stored["members"] != now["members"] {
        return Some("its design points or runs differ (was it written by another version of seedbed?)".into());
    }
    None
}

/// "a sweep", "an ensemble".
fn article(kind: &Value) -> String {
    let k = kind.as_str().unwrap_or("another");
    if k.starts_with(['a', 'e', 'i', 'o', 'u']) { format!("an {k}") } else { format!("a {k}") }
}

/// A spec value as it would be typed: plain numbers and words, `PATH=LO..HI` for levers.
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "not set".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match (i["path"].as_str(), i["lo"].as_f64(), i["hi"].as_f64()) {
                    (Some(p), Some(lo), Some(hi)) => format!("{p}={lo}..{hi}"),
                    _ => shown(i),
                })
                .collect();
            parts.join(" ")
        }
        other => other.to_string(),
    }
}

fn scenario_change(was: &Value, is: &Value) -> String {
    let list = |v: &Value| -> Vec<(String, String)> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        (s["name"].as_str().unwrap_or("?").to_string(), s["hash"].as_str().unwrap_or("").to_string())
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (list(was), list(is));
    let mut parts = Vec::new();
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x.0 != y.0 {
            parts.push(format!("scenario {} was `{}`, now `{}`", i + 1, x.0, y.0));
        } else if x.1 != y.1 {
            let short = |h: &str| h.chars().take(12).collect::<String>();
            parts.push(format!(
                "scenario `{}` has changed (hash {} when started, now {}: other parameters, --months or --scale)",
                x.0,
                short(&x.1),
                short(&y.1)
            ));
        }
    }
    if a.len() != b.len() {
        parts.push(format!("{} scenarios when started, now {}", a.len(), b.len()));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vary::levers;

    fn small() -> Scenario {
        let mut s = seedbed_scenario::builtin("no-policy").unwrap();
        s.run.months = 3;
        s.run.scale = 0.002;
        s
    }

    #[test]
    fn members_and_names() {
        let e = Experiment::ensemble(small(), &seeds(5, 3).unwrap()).unwrap();
        assert_eq!(e.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["s5", "s6", "s7"]);
        let c = Experiment::compare(small(), small(), &seeds(1, 2).unwrap(), true).unwrap();
        let names: Vec<&str> = c.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a-s1", "a-s2", "b-s3", "b-s4"]);
        let l = levers(&small(), &["run.months=2..4".to_string()], false).unwrap();
        let s = Experiment::sweep(small(), l, SweepDesign::Grid, 3, 1, &seeds(1, 2).unwrap()).unwrap();
        assert_eq!(s.members.len(), 6);
        assert_eq!(s.members[5].name, "p002-s2");
        assert_eq!(s.points.iter().map(|p| p.values[0]).collect::<Vec<_>>(), [2.0, 3.0, 4.0]);
        assert_eq!(s.scenario(2).run.months, 4);
        assert!(seeds(u64::MAX, 2).unwrap_err().contains("overflow"));
        assert!(seeds(1, 0).is_err());
    }

    #[test]
    fn manifests_explain_what_changed() {
        let a = Experiment::ensemble(small(), &seeds(1, 3).unwrap()).unwrap().manifest();
        assert_eq!(manifest_mismatch(&a, &a), None);
        let b = Experiment::ensemble(small(), &seeds(1, 4).unwrap()).unwrap().manifest();
        let why = manifest_mismatch(&a, &b).unwrap();
        assert_eq!(why, "--runs was 3, now 4");
        let s = Experiment::compare(small(), small(), &seeds(1, 3).unwrap(), false).unwrap().manifest();
        let why = manifest_mismatch(&a, &s).unwrap();
        assert!(why.contains("it is an ensemble experiment, not a compare one"), "{why}");
        let mut other = small();
        other.run.months = 4;
        let c = Experiment::ensemble(other, &seeds(1, 3).unwrap()).unwrap().manifest();
        let why = manifest_mismatch(&a, &c).unwrap();
        assert!(why.contains("scenario `no-policy` has changed"), "{why}");
    }

    #[test]
    fn grids_are_bounded() {
        let l = levers(
            &small(),
            &[
                "run.months=2..4".to_string(),
                "labour.graduates_per_year=1..2".to_string(),
                "run.scale=0.001..0.002".to_string(),
            ],
            false,
        )
        .unwrap();
        let e = Experiment::sweep(small(), l, SweepDesign::Grid, 1000, 1, &[1]).unwrap_err();
        assert!(e.contains("more than"), "{e}");
    }
}
