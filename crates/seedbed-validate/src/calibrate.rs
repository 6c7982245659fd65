//! Calibration by the method of simulated moments (Grazzini and Richiardi 2015): parameters
//! chosen to minimise a weighted distance between the model's moments and their targets.
//!
//! - The targets file (TOML, e.g. `scenarios/targets/hangzhou-2025.toml`) lists `[[moment]]`
//!   tables (`name`, `target`, optional `weight` (default 1) and `band = [lo, hi]`) and
//!   `[[parameter]]` tables (`path`, `lo`, `hi`) to fit.
//! - The distance is `sum w_i ((m_i - t_i) / |t_i|)^2 / sum w_i`: relative deviations, so
//!   moments in different units weigh alike.
//! - Every evaluation runs the same seeds (common random numbers) and averages each moment
//!   over them, so the distance is a smooth-ish function of the parameters.
//! - Nelder-Mead searches over unbounded coordinates z with parameter = lo + (hi - lo) *
//!   logistic(z), which keeps every evaluation inside the bounds.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use seedbed_experiments::vary::{Lever, levers};
use seedbed_model::schema::nearest;
use seedbed_model::{Frame, Scenario, Simulation};
use seedbed_scenario::{Location, Problem, ScenarioError};
use toml_edit::{Document, Item};

use crate::moments::{self, MOMENTS};
use crate::optim::{self, Minimum};

/// Records a problem: its key path, message and span in the file.
type Report<'a> = dyn FnMut(&str, String, Option<Range<usize>>) + 'a;

/// A target moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub name: String,
    pub target: f64,
    pub weight: f64,
    pub band: Option<(f64, f64)>,
}

/// A targets file: the moments and the parameters to fit.
#[derive(Clone, Debug)]
pub struct Targets {
    pub moments: Vec<Target>,
    pub parameters: Vec<Lever>,
}

/// Reads a targets file; `base` checks the parameter paths and bounds. Errors carry the file,
/// line, column and key.
pub fn load_targets(path: &Path, base: &Scenario) -> Result<Targets, ScenarioError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        ScenarioError::new(&origin, None, vec![Problem::new("", format!("cannot read the targets file: {e}"))])
    })?;
    parse_targets(&text, &origin, base)
}

/// Parses targets from `text` (`origin` names it in errors).
pub fn parse_targets(text: &str, origin: &str, base: &Scenario) -> Result<Targets, ScenarioError> {
    let mut problems = Vec::new();
    let at = |span: Option<Range<usize>>| span.map(|s| Location::from_span(text, s));
    let mut problem = |path: &str, msg: String, span: Option<Range<usize>>| {
        problems.push(Problem { path: path.to_string(), message: msg, location: at(span) });
    };
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            problem("", format!("TOML syntax error: {}", e.message().trim_end()), e.span());
            return Err(ScenarioError::new(origin, Some(text), problems));
        }
    };
    let root = doc.as_table();
    for (key, item) in root.iter() {
        if key != "moment" && key != "parameter" {
            let span = root.key(key).and_then(|k| k.span()).or_else(|| item.span());
            problem(
                key,
                format!("unknown key `{key}`; a targets file has `[[moment]]` and `[[parameter]]` tables"),
                span,
            );
        }
    }
    let tables = |key: &str, problem: &mut Report| -> Vec<toml_edit::Table> {
        match root.get(key) {
            None => Vec::new(),
            Some(Item::ArrayOfTables(a)) => a.iter().cloned().collect(),
            Some(other) => {
                problem(key, format!("`{key}` must be an array of tables (`[[{key}]]`)"), other.span());
                Vec::new()
            }
        }
    };
    let number = |t: &toml_edit::Table, key: &str, path: &str, problem: &mut Report| {
        let item = t.get(key)?;
        let v = item.as_float().or_else(|| item.as_integer().map(|i| i as f64));
        if v.is_none() {
            problem(&format!("{path}.{key}"), format!("`{key}` must be a number"), item.span());
        }
        v.filter(|x| x.is_finite())
    };
    let valid = moments::names();
    let mut out = Targets { moments: Vec::new(), parameters: Vec::new() };
    for (i, t) in tables("moment", &mut problem).iter().enumerate() {
        let path = format!("moment[{i}]");
        let span = t.span();
        for (k, item) in t.iter() {
            if !["name", "target", "weight", "band"].contains(&k) {
                let s = t.key(k).and_then(|x| x.span()).or_else(|| item.span());
                problem(
                    &format!("{path}.{k}"),
                    format!("unknown key `{k}`; a moment has name, target, weight and band"),
                    s,
                );
            }
        }
        let Some(name_item) = t.get("name") else {
            problem(&path, "a moment needs a `name`".into(), span);
            continue;
        };
        let Some(name) = name_item.as_str() else {
            problem(&format!("{path}.name"), "`name` must be a string".into(), name_item.span());
            continue;
        };
        let path = format!("moment.{name}");
        if !valid.contains(&name) {
            let close = nearest(name, valid.iter().copied(), 3);
            problem(
                &format!("{path}.name"),
                format!(
                    "unknown moment `{name}`; did you mean {}? The moments: {}",
                    close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
                    valid.join(", ")
                ),
                name_item.span(),
            );
            continue;
        }
        if out.moments.iter().any(|m| m.name == name) {
            problem(&format!("{path}.name"), format!("moment `{name}` is listed twice"), name_item.span());
            continue;
        }
        let Some(target) = number(t, "target", &path, &mut problem) else {
            if t.get("target").is_none() {
                problem(&path, format!("moment `{name}` needs a `target`"), name_item.span());
            }
            continue;
        };
        if target == 0.0 {
            problem(
                &format!("{path}.target"),
                "`target` must not be 0 (deviations are relative)".into(),
                t.get("target").and_then(Item::span),
            );
            continue;
        }
        let weight = if t.contains_key("weight") { number(t, "weight", &path, &mut problem) } else { Some(1.0) };
        let Some(weight) = weight else { continue };
        if weight < 0.0 {
            problem(
                &format!("{path}.weight"),
                format!("`weight` must be 0 or more, not {weight}"),
                t.get("weight").and_then(Item::span),
            );
            continue;
        }
        let band = match t.get("band") {
            None => None,
            Some(item) => {
                let arr = item.as_array();
                let v: Option<Vec<f64>> = arr.map(|a| {
                    a.iter().filter_map(|x| x.as_float().or_else(|| x.as_integer().map(|i| i as f64))).collect()
                });
                match v {
                    Some(v) if v.len() == 2 && arr.is_some_and(|a| a.len() == 2) && v[0] <= v[1] => Some((v[0], v[1])),
                    _ => {
                        problem(&format!("{path}.band"), "`band` must be [lo, hi] with lo <= hi".into(), item.span());
                        continue;
                    }
                }
            }
        };
        out.moments.push(Target { name: name.to_string(), target, weight, band });
    }
    for (i, t) in tables("parameter", &mut problem).iter().enumerate() {
        let path = format!("parameter[{i}]");
        for (k, item) in t.iter() {
            if !["path", "lo", "hi"].contains(&k) {
                let s = t.key(k).and_then(|x| x.span()).or_else(|| item.span());
                problem(&format!("{path}.{k}"), format!("unknown key `{k}`; a parameter has path, lo and hi"), s);
            }
        }
        let Some(p) = t.get("path").and_then(Item::as_str) else {
            problem(
                &path,
                "a parameter needs a `path` (a string)".into(),
                t.get("path").and_then(Item::span).or(t.span()),
            );
            continue;
        };
        let (Some(lo), Some(hi)) = (number(t, "lo", &path, &mut problem), number(t, "hi", &path, &mut problem)) else {
            if !(t.contains_key("lo") && t.contains_key("hi")) {
                problem(&path, format!("parameter `{p}` needs `lo` and `hi`"), t.get("path").and_then(Item::span));
            }
            continue;
        };
        match levers(base, &[format!("{p}={lo}..{hi}")], true) {
            Ok(mut l) => out.parameters.append(&mut l),
            Err(e) => problem(&format!("parameter.{p}"), e, t.get("path").and_then(Item::span)),
        }
    }
    if out.moments.is_empty() && problems.is_empty() {
        problems.push(Problem::new("moment", "the file lists no `[[moment]]`: nothing to fit to"));
    }
    if problems.is_empty() { Ok(out) } else { Err(ScenarioError::new(origin, Some(text), problems)) }
}

/// Runs `s` with `seed` in memory and returns its moments.
pub fn simulate_moments(s: &Scenario, seed: u64) -> Result<BTreeMap<&'static str, f64>, String> {
    let mut sim = Simulation::new(s, seed).map_err(|e| format!("cannot build the city: {e}"))?;
    let (mut city, mut ind) = (Frame::new(), Frame::new());
    while !sim.done() {
        let o = sim.step();
        moments::append(&mut city, &o.city);
        moments::append(&mut ind, &o.industries);
    }
    Ok(moments::compute(&sim.years_frame(), &city, &ind, s.run.scale))
}

/// Moments averaged over `seeds` (run in parallel).
pub fn mean_moments(s: &Scenario, seeds: &[u64]) -> Result<BTreeMap<&'static str, f64>, String> {
    let all: Vec<BTreeMap<&'static str, f64>> =
        seeds.par_iter().map(|&seed| simulate_moments(s, seed)).collect::<Result<_, _>>()?;
    let mut mean = BTreeMap::new();
    for m in MOMENTS.iter() {
        let v: Vec<f64> = all.iter().map(|a| a[m.name]).collect();
        mean.insert(m.name, v.iter().sum::<f64>() / v.len().max(1) as f64);
    }
    Ok(mean)
}

/// The weighted distance of `moments` to `targets` (NaN moments count as a deviation of 10).
pub fn distance(targets: &[Target], moments: &BTreeMap<&'static str, f64>) -> f64 {
    let total: f64 = targets.iter().map(|t| t.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    targets
        .iter()
        .map(|t| {
            let m = moments.get(t.name.as_str()).copied().unwrap_or(f64::NAN);
            let d = if m.is_finite() { (m - t.target) / t.target.abs() } else { 10.0 };
            t.weight * d * d
        })
        .sum::<f64>()
        / total
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Parameter values from optimiser coordinates.
pub fn to_params(levers: &[Lever], z: &[f64]) -> Vec<f64> {
    levers.iter().zip(z).map(|(l, &z)| l.value(logistic(z))).collect()
}

/// Optimiser coordinates of parameter values (clamped inside the bounds).
pub fn to_coords(levers: &[Lever], x: &[f64]) -> Vec<f64> {
    levers
        .iter()
        .zip(x)
        .map(|(l, &x)| {
            let u = ((x - l.lo) / (l.hi - l.lo)).clamp(0.02, 0.98);
            (u / (1.0 - u)).ln()
        })
        .collect()
}

/// One evaluation, for progress reports.
#[derive(Clone, Debug)]
pub struct Step {
    pub evaluation: usize,
    pub params: Vec<f64>,
    pub distance: f64,
    pub best: f64,
}

/// The calibrated scenario and the fit.
#[derive(Clone, Debug)]
pub struct Fit {
    pub scenario: Scenario,
    pub params: Vec<(String, f64, f64)>, // path, start, calibrated
    pub distance_start: f64,
    pub distance: f64,
    /// (target, model moment at the start, model moment calibrated).
    pub moments: Vec<(Target, f64, f64)>,
    pub evaluations: usize,
    pub converged: bool,
    pub history: Vec<Step>,
}

/// Fits `targets.parameters` of `base` to `targets.moments`.
pub fn calibrate(
    base: &Scenario,
    targets: &Targets,
    seeds: &[u64],
    max_evaluations: usize,
    progress: &mut dyn FnMut(&Step),
) -> Result<Fit, String> {
    if targets.parameters.is_empty() {
        return Err("no parameters to fit: list `[[parameter]]` tables in the targets file or give --fit".into());
    }
    let ls = &targets.parameters;
    let start: Vec<f64> = ls
        .iter()
        .map(|l| {
            seedbed_model::schema::get_path(base, &l.path)
                .and_then(|(_, v)| match v {
                    seedbed_model::schema::Value::Real(x) => Some(x),
                    seedbed_model::schema::Value::Int(i) => Some(i as f64),
                    _ => None,
                })
                .unwrap_or((l.lo + l.hi) / 2.0)
        })
        .collect();
    let build = |x: &[f64]| -> Result<Scenario, String> {
        let mut s = base.clone();
        for (l, &v) in ls.iter().zip(x) {
            l.set(&mut s, v)?;
        }
        Ok(s)
    };
    let mut error: Option<String> = None;
    let mut history: Vec<Step> = Vec::new();
    let mut best = f64::INFINITY;
    let z0 = to_coords(ls, &start);
    let x_start = to_params(ls, &z0);
    let m_start = mean_moments(&build(&x_start)?, seeds)?;
    let d_start = distance(&targets.moments, &m_start);
    let mut objective = |z: &[f64]| -> f64 {
        let x = to_params(ls, z);
        let d = match build(&x).and_then(|s| mean_moments(&s, seeds)) {
            Ok(m) => distance(&targets.moments, &m),
            Err(e) => {
                error.get_or_insert(e);
                f64::INFINITY
            }
        };
        best = best.min(d);
        let step = Step { evaluation: history.len() + 1, params: x, distance: d, best };
        progress(&step);
        history.push(step);
        d
    };
    let opts = optim::Options { step: vec![1.0; ls.len()], max_evaluations, ftol: 1e-4, xtol: 1e-3 };
    let Minimum { x: z, evaluations, converged, .. } =
        optim::nelder_mead(&mut objective, &z0, &opts, &mut |_, _, _| {});
    if let Some(e) = error {
        return Err(e);
    }
    let x = to_params(ls, &z);
    let scenario = build(&x)?;
    let m_end = mean_moments(&scenario, seeds)?;
    let d_end = distance(&targets.moments, &m_end);
    Ok(Fit {
        scenario,
        params: ls.iter().zip(start.iter().zip(&x)).map(|(l, (a, b))| (l.path.clone(), *a, *b)).collect(),
        distance_start: d_start,
        distance: d_end,
        moments: targets
            .moments
            .iter()
            .map(|t| (t.clone(), m_start[t.name.as_str()], m_end[t.name.as_str()]))
            .collect(),
        evaluations,
        converged,
        history,
    })
}

/// The fit table as CSV: one row per moment, then one per parameter.
pub fn fit_csv(f: &Fit) -> String {
    let mut s = String::from("kind,name,target,band_lo,band_hi,weight,start,calibrated,rel_deviation,in_band\n");
    for (t, a, b) in &f.moments {
        let (lo, hi) = t.band.map_or((String::new(), String::new()), |(l, h)| (l.to_string(), h.to_string()));
        let inb = t.band.map_or(String::new(), |(l, h)| ((l..=h).contains(b)).to_string());
        s.push_str(&format!(
            "moment,{},{},{lo},{hi},{},{a},{b},{},{inb}\n",
            t.name,
            t.target,
            t.weight,
            (b - t.target) / t.target.abs()
        ));
    }
    for (p, a, b) in &f.params {
        s.push_str(&format!("parameter,{p},,,,,{a},{b},,\n"));
    }
    s
}

/// The fit table as Markdown.
pub fn fit_markdown(f: &Fit) -> String {
    let n = |x: f64| crate::num(x);
    let mut s = format!(
        "# Calibration\n\nDistance {} at the start, {} calibrated ({} evaluations{}).\n\n\
         | parameter | start | calibrated |\n|---|---|---|\n",
        n(f.distance_start),
        n(f.distance),
        f.evaluations,
        if f.converged { ", converged" } else { ", evaluation budget reached" }
    );
    for (p, a, b) in &f.params {
        s.push_str(&format!("| {p} | {} | {} |\n", n(*a), n(*b)));
    }
    s.push_str(
        "\n| moment | target | band | weight | start | calibrated | deviation |\n|---|---|---|---|---|---|---|\n",
    );
    for (t, a, b) in &f.moments {
        let band = t.band.map_or(String::new(), |(l, h)| format!("[{}, {}]", n(l), n(h)));
        s.push_str(&format!(
            "| {} | {} | {band} | {} | {} | {} | {}% |\n",
            t.name,
            n(t.target),
            n(t.weight),
            n(*a),
            n(*b),
            n(100.0 * (b - t.target) / t.target.abs())
        ));
    }
    s
}
