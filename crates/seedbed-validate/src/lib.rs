//! Seedbed validation: is the model faithful?
//!
//! - [`validate`]: every stylized fact of MODEL.md estimated from an ensemble (and the two
//!   experiments: founder insurance on against off, the guidance fund's LP share swept), each
//!   held against its target range, with one SVG figure per fact and `validation.json`;
//! - [`calibrate`]: the method of simulated moments (a weighted distance between model moments
//!   and the targets of a TOML file, averaged over seeds with common random numbers, minimised
//!   by Nelder-Mead over bounded parameters);
//! - [`estimators`]: power-law tails (Clauset, Shalizi, Newman 2009), Laplace against Gaussian,
//!   Kaplan-Meier with Greenwood intervals, the size-volatility slope, concentration shares.

pub mod calibrate;
pub mod data;
pub mod estimators;
pub mod experiments;
pub mod facts;
pub mod figures;
pub mod moments;
pub mod optim;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use seedbed_experiments::experiment::{Experiment, SweepDesign};
use seedbed_experiments::runner::{self, Error, Event, Options};
use seedbed_experiments::vary::levers;
use seedbed_experiments::{Catalog, Kind};
use seedbed_model::Scenario;
use seedbed_output::{write_json_atomic, write_text_atomic};
use serde_json::json;

use crate::data::RunData;
use crate::facts::{Fact, ensemble_facts};

/// The file with every fact's result.
pub const JSON_FILE: &str = "validation.json";
/// The facts table as Markdown.
pub const TABLE_FILE: &str = "validation.md";

/// How to validate.
pub struct ValidateOptions<'a> {
    /// The scenario (scale and months applied).
    pub scenario: Scenario,
    pub seeds: Vec<u64>,
    /// The validation directory; must not exist unless `resume`.
    pub dir: PathBuf,
    pub catalog: &'a Catalog,
    pub version: String,
    pub jobs: usize,
    pub resume: bool,
    pub force: bool,
    /// Run the two experiments (insurance, guidance-fund share) too.
    pub experiments: bool,
}

/// A finished validation.
#[derive(Debug)]
pub struct Validation {
    pub dir: PathBuf,
    pub facts: Vec<Fact>,
    /// SVG files written in `dir`.
    pub figures: Vec<String>,
    /// Runs simulated, reused from the catalog, already done.
    pub counts: (usize, usize, usize),
}

impl Validation {
    /// Whether every fact holds.
    pub fn all_hold(&self) -> bool {
        self.facts.iter().all(|f| f.holds)
    }
}

fn run_err(e: impl std::fmt::Display) -> Error {
    Error::Run(e.to_string())
}

/// Runs the ensemble (and the experiments), computes the facts, writes the figures,
/// `validation.json` and `validation.md`. `on_event` gets each experiment's progress with its
/// name (`ensemble`, `insurance`, `guidance-fund`).
pub fn validate(opts: &ValidateOptions<'_>, on_event: &(dyn Fn(&str, Event<'_>) + Sync)) -> Result<Validation, Error> {
    let dir = std::path::absolute(&opts.dir).map_err(|e| Error::Input(format!("{}: {e}", opts.dir.display())))?;
    if dir.exists() && !opts.resume {
        return Err(Error::Input(format!(
            "validation directory {} already exists; choose another --out, or add --resume to continue it",
            dir.display()
        )));
    }
    std::fs::create_dir_all(&dir).map_err(|e| run_err(format!("cannot create {}: {e}", dir.display())))?;
    let mut counts = (0, 0, 0);
    let mut run = |name: &str, exp: &Experiment| -> Result<PathBuf, Error> {
        let o = Options {
            dir: dir.join(name),
            catalog: opts.catalog,
            version: opts.version.clone(),
            jobs: opts.jobs,
            resume: true,
            force: opts.force,
        };
        let out = runner::run(exp, &o, &|e| on_event(name, e))?;
        counts.0 += out.counts.computed;
        counts.1 += out.counts.reused;
        counts.2 += out.counts.resumed;
        Ok(out.dir)
    };
    let load = |exp: &Experiment, d: &Path| -> Result<Vec<RunData>, Error> {
        exp.members
            .par_iter()
            .map(|m| RunData::load(&d.join("runs").join(&m.name), m.seed))
            .collect::<Result<Vec<_>, String>>()
            .map_err(run_err)
    };

    let ens = Experiment::ensemble(opts.scenario.clone(), &opts.seeds).map_err(Error::Input)?;
    let ens_dir = run("ensemble", &ens)?;
    let runs = load(&ens, &ens_dir)?;
    let mut facts = ensemble_facts(&runs);
    let mut figures = figures::ensemble_figures(&dir, &runs).map_err(run_err)?;
    drop(runs);

    if opts.experiments {
        let mut off = opts.scenario.clone();
        let mut on = opts.scenario.clone();
        seedbed_model::schema::set_path(
            &mut off,
            experiments::INSURANCE_PATH,
            seedbed_model::schema::Value::Bool(false),
        )
        .map_err(Error::Input)?;
        seedbed_model::schema::set_path(&mut on, experiments::INSURANCE_PATH, seedbed_model::schema::Value::Bool(true))
            .map_err(Error::Input)?;
        let cmp = Experiment::compare(off, on, &opts.seeds, false).map_err(Error::Input)?;
        let cmp_dir = run("insurance", &cmp)?;
        let all = load(&cmp, &cmp_dir)?;
        let n = opts.seeds.len();
        let mut it = all.into_iter();
        let a: Vec<RunData> = it.by_ref().take(n).collect();
        let pairs: Vec<(RunData, RunData)> = a.into_iter().zip(it).collect();
        facts.extend(experiments::insurance_facts(&pairs, Some(&dir)).map_err(run_err)?);
        figures.push("insurance.svg".into());
        drop(pairs);

        let hi = experiments::SHARES[experiments::SHARES.len() - 1];
        let spec = format!("{}={}..{hi}", experiments::SHARE_PATH, experiments::SHARES[0]);
        let l = levers(&opts.scenario, &[spec], false).map_err(Error::Input)?;
        let sweep =
            Experiment::sweep(opts.scenario.clone(), l, SweepDesign::Grid, experiments::SHARES.len(), 1, &opts.seeds)
                .map_err(Error::Input)?;
        debug_assert_eq!(sweep.kind, Kind::Sweep);
        let sweep_dir = run("guidance-fund", &sweep)?;
        let all = load(&sweep, &sweep_dir)?;
        let mut keyed = BTreeMap::new();
        for (m, r) in sweep.members.iter().zip(all) {
            let share = sweep.points[m.point].values[0];
            keyed.insert((m.seed, (share * 1000.0).round() as u64), r);
        }
        facts.extend(experiments::guidance_facts(&keyed, Some(&dir)).map_err(run_err)?);
        figures.push("guidance-fund.svg".into());
    }

    let v = Validation { dir: dir.clone(), facts, figures, counts };
    write_json_atomic(&dir.join(JSON_FILE), &to_json(&v, &opts.scenario, &opts.seeds)).map_err(run_err)?;
    write_text_atomic(&dir.join(TABLE_FILE), &markdown(&v)).map_err(run_err)?;
    Ok(v)
}

/// The figure of a fact, if one was written.
pub fn figure_of(v: &Validation, id: &str) -> Option<String> {
    let name = match id {
        "serial-failure" => "serial-success".to_string(),
        x if x.starts_with("insurance-") => "insurance".to_string(),
        x if x.starts_with("gvc-") => "guidance-fund".to_string(),
        x => x.to_string(),
    };
    let file = format!("{name}.svg");
    v.figures.contains(&file).then_some(file)
}

/// `validation.json`: the scenario, seeds, and every fact with its per-run values.
pub fn to_json(v: &Validation, s: &Scenario, seeds: &[u64]) -> serde_json::Value {
    let facts: Vec<serde_json::Value> = v
        .facts
        .iter()
        .map(|f| {
            let mut j = f.to_json();
            j["figure"] = figure_of(v, f.id).map_or(serde_json::Value::Null, serde_json::Value::from);
            j["shown"] = json!({"median": num(f.median), "band": format!("[{}, {}]", num(f.p05), num(f.p95))});
            j
        })
        .collect();
    json!({
        "seedbed_version": env!("CARGO_PKG_VERSION"),
        "scenario": s.run.name,
        "scale": s.run.scale,
        "months": s.run.months,
        "seeds": seeds,
        "pass_rule": "a fact holds when the ensemble median of its statistic lies in the target range",
        "all_hold": v.all_hold(),
        "holding": v.facts.iter().filter(|f| f.holds).count(),
        "facts": facts,
    })
}

/// A statistic as shown in the table: three significant digits.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let a = x.abs();
    if a < 1e-9 {
        "0".into()
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else {
        let digits = (2 - a.log10().floor() as i64).clamp(0, 6) as usize;
        format!("{x:.digits$}")
    }
}

/// The table's rows: fact, target, median, 90% band, holds, miss.
pub fn rows(v: &Validation) -> Vec<[String; 6]> {
    v.facts
        .iter()
        .map(|f| {
            [
                f.fact.to_string(),
                f.target.to_string(),
                num(f.median),
                format!("[{}, {}]", num(f.p05), num(f.p95)),
                if f.holds { "yes".into() } else { "NO".into() },
                if f.holds { String::new() } else { num(f.rule.miss(f.median)) },
            ]
        })
        .collect()
}

const HEAD: [&str; 6] = ["fact", "target", "median", "90% band", "holds", "off by"];

/// The facts table as aligned text.
pub fn table(v: &Validation) -> String {
    let mut all = vec![HEAD.map(String::from)];
    all.extend(rows(v));
    let w: Vec<usize> = (0..6).map(|j| all.iter().map(|r| r[j].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &all {
        let mut line = String::new();
        for j in 0..6 {
            let pad = w[j] - r[j].chars().count();
            if j >= 2 && j != 4 {
                line.push_str(&format!("  {}{}", " ".repeat(pad), r[j]));
            } else {
                line.push_str(&format!("  {}{}", r[j], " ".repeat(pad)));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `validation.md`: the table, the statistic and source of each fact.
pub fn markdown(v: &Validation) -> String {
    let mut s = String::from("# Validation\n\n");
    s.push_str(&format!(
        "{} of {} facts hold. Pass rule: the ensemble median of the statistic lies in the target range; \
         the band is the 5% to 95% quantiles over runs.\n\n",
        v.facts.iter().filter(|f| f.holds).count(),
        v.facts.len()
    ));
    s.push_str(&format!("| {} |\n|{}\n", HEAD.join(" | "), "---|".repeat(6)));
    for r in rows(v) {
        s.push_str(&format!("| {} |\n", r.join(" | ")));
    }
    s.push_str("\n| fact | statistic | pass rule | source | figure | note |\n|---|---|---|---|---|---|\n");
    for f in &v.facts {
        s.push_str(&format!(
            "| {} | {} | median {} | {} | {} | {} |\n",
            f.id,
            f.statistic,
            f.rule.describe(),
            f.source,
            figure_of(v, f.id).unwrap_or_default(),
            f.note
        ));
    }
    s
}
