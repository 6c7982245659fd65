//! Reading a run or experiment directory into the series and tables of a report.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use seedbed_experiments::stats::summarize;
use seedbed_model::frame::{Data, Frame};
use seedbed_output::read_parquet;
use serde_json::{Value, json};

use crate::ReportError;
use crate::page::format_value;

/// What a directory holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One run (`seedbed run`).
    Run,
    /// One scenario on many seeds (`seedbed ensemble`).
    Ensemble,
    /// Scenario B against A on the same seeds (`seedbed compare`).
    Compare,
}

impl Kind {
    /// `run`, `ensemble` or `compare`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Ensemble => "ensemble",
            Kind::Compare => "compare",
        }
    }
}

/// One line of a chart: a value per year, with the 5-95% band over runs for experiments.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    /// The value (a run) or the median over runs (an experiment), per year; NaN where missing.
    pub values: Vec<f64>,
    /// The 5% quantile over runs per year (experiments of several runs).
    pub low: Option<Vec<f64>>,
    /// The 95% quantile over runs per year.
    pub high: Option<Vec<f64>>,
}

/// A chart: one or more lines over the years of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// A stable identifier (`frontier_firms`, `births_deaths`, `spend_by_package`).
    pub id: String,
    pub title: String,
    pub unit: String,
    pub lines: Vec<Line>,
}

/// A row of the headline table.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRow {
    /// The headline figure (a column of `years.parquet`).
    pub figure: String,
    pub label: String,
    pub unit: String,
    /// One value per column of the table.
    pub values: Vec<f64>,
}

/// The headline table of the last year.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The calendar year shown.
    pub year: i64,
    /// Column headings after figure and unit.
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
}

/// Everything a report shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub kind: Kind,
    pub title: String,
    /// Seeds, scale, months, period.
    pub facts: Vec<(String, String)>,
    /// The calendar years of the series.
    pub years: Vec<i64>,
    pub charts: Vec<Chart>,
    pub table: Table,
    /// The scenario(s) as run: label and TOML text.
    pub scenarios: Vec<(String, String)>,
}

/// The headline figures of the table: column of the yearly table and label.
pub const TABLE_FIGURES: [(&str, &str); 16] = [
    ("frontier_firms", "Frontier firms"),
    ("breakthroughs_total", "Breakthroughs since the start"),
    ("unicorns", "Unicorns"),
    ("high_tech", "High-tech enterprises"),
    ("firms", "Firms alive"),
    ("births", "Firms founded in the year"),
    ("deaths", "Firms failed or closed in the year"),
    ("jobs", "Jobs (employees and founders)"),
    ("unemployment_rate", "Unemployment rate"),
    ("gdp_bn", "GDP proxy (firms' value added)"),
    ("vc_invested_bn", "Venture capital invested in the year"),
    ("gf_approved_bn", "Guidance fund: approved"),
    ("gf_leveraged_bn", "Guidance fund: social capital leveraged"),
    ("gf_invested_bn", "Guidance fund: invested"),
    ("policy_spend_bn", "Policy spending in the year"),
    ("policy_spend_total_bn", "Policy spending since the start"),
];

/// A chart of headline figures: id, title, and the figures drawn (column, line label).
type ChartSpec = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

/// The charts of headline figures.
const CHARTS: [ChartSpec; 7] = [
    ("frontier_firms", "Frontier firms", &[("frontier_firms", "frontier firms")]),
    ("unicorns", "Unicorns", &[("unicorns", "unicorns")]),
    ("high_tech", "High-tech enterprises", &[("high_tech", "high-tech enterprises")]),
    ("births_deaths", "Firm births and deaths", &[("births", "births"), ("deaths", "deaths")]),
    ("jobs", "Jobs (employees and founders)", &[("jobs", "jobs")]),
    ("vc_invested", "Venture capital invested", &[("vc_invested_bn", "VC invested")]),
    (
        "guidance_fund",
        "Guidance fund since the start",
        &[("gf_approved_bn", "approved"), ("gf_leveraged_bn", "leveraged"), ("gf_invested_bn", "invested")],
    ),
];

/// One run's figures: per figure, a value per year of `years`.
struct Member {
    years: Vec<i64>,
    figures: BTreeMap<String, Vec<f64>>,
    units: BTreeMap<String, String>,
    summary: Value,
}

fn read_err(path: &Path, e: impl std::fmt::Display) -> ReportError {
    ReportError::Read { path: path.to_path_buf(), message: e.to_string() }
}

fn missing(dir: &Path, file: &str, what: &str) -> ReportError {
    ReportError::NotARunDir { dir: dir.to_path_buf(), message: format!("{file} is missing ({what})") }
}

fn read_json(path: &Path) -> Result<Value, ReportError> {
    let text = fs::read_to_string(path).map_err(|e| read_err(path, e))?;
    serde_json::from_str(&text).map_err(|e| read_err(path, e))
}

fn read_text(path: &Path) -> Result<String, ReportError> {
    fs::read_to_string(path).map_err(|e| read_err(path, e))
}

/// Reads a run directory (`summary.json`, `scenario.toml`, `city.parquet`) or an experiment
/// directory of an ensemble or a comparison (`experiment.json`, its result tables and members).
pub fn load(dir: &Path) -> Result<Dataset, ReportError> {
    if !dir.is_dir() {
        return Err(ReportError::NotARunDir { dir: dir.to_path_buf(), message: "no such directory".into() });
    }
    if dir.join("experiment.json").is_file() {
        return load_experiment(dir);
    }
    if !dir.join("summary.json").is_file() {
        return Err(missing(
            dir,
            "summary.json",
            "a run directory of `seedbed run` holds summary.json and scenario.toml; an experiment directory \
             holds experiment.json",
        ));
    }
    load_run(dir)
}

fn load_run(dir: &Path) -> Result<Dataset, ReportError> {
    let scenario_path = dir.join("scenario.toml");
    if !scenario_path.is_file() {
        return Err(missing(dir, "scenario.toml", "a run directory of `seedbed run` holds it"));
    }
    let m = read_member(dir)?;
    let scenario = read_text(&scenario_path)?;
    let s = &m.summary;
    let spend = package_spend(dir, &scenario)?;
    let charts = charts(&m.years, &[(String::new(), vec![&m])], &[(String::new(), vec![spend])]);
    let year = *m.years.last().unwrap_or(&0);
    let rows = TABLE_FIGURES
        .iter()
        .filter(|(f, _)| m.figures.contains_key(*f))
        .map(|(f, label)| TableRow {
            figure: f.to_string(),
            label: label.to_string(),
            unit: m.units.get(*f).cloned().unwrap_or_default(),
            values: vec![s["final"][*f].as_f64().unwrap_or(f64::NAN)],
        })
        .collect();
    let title = format!("Run of {}, seed {}", str_of(&s["scenario"]), num_of(&s["seed"]));
    Ok(Dataset {
        kind: Kind::Run,
        title,
        facts: facts(s, &[num_of(&s["seed"])]),
        years: m.years.clone(),
        charts,
        table: Table { year, columns: vec!["value".into()], rows },
        scenarios: vec![(str_of(&s["scenario"]), scenario)],
    })
}

/// Yearly spending per package (CNY bn/year) of one run, from `city.parquet`; empty if the run
/// has no Parquet city table (a CSV run).
type PackageSpend = Vec<(String, BTreeMap<i64, f64>)>;

fn package_spend(dir: &Path, scenario: &str) -> Result<PackageSpend, ReportError> {
    let path = dir.join("city.parquet");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let packages: Vec<String> = match seedbed_scenario::load_str(scenario, "scenario.toml") {
        Ok(s) => s.government.packages.iter().map(|p| p.id.clone()).collect(),
        Err(e) => return Err(read_err(&dir.join("scenario.toml"), e)),
    };
    let city = read_parquet(&path).map_err(|e| read_err(&path, e))?;
    let Some(Data::Int(years)) = city.get("year") else {
        return Err(read_err(&path, "no year column"));
    };
    let mut out = Vec::new();
    for p in packages {
        let col = format!("spend_{}_m", p.replace('-', "_"));
        let mut by_year = BTreeMap::new();
        for (r, y) in years.iter().enumerate() {
            let v = city.value(&col, r).unwrap_or(f64::NAN);
            *by_year.entry(*y).or_insert(0.0) += v / 1000.0;
        }
        out.push((p, by_year));
    }
    Ok(out)
}

/// A run's `summary.json`: years and headline figures.
fn read_member(dir: &Path) -> Result<Member, ReportError> {
    let path = dir.join("summary.json");
    let summary = read_json(&path)?;
    let rows = summary["years"].as_array().ok_or_else(|| read_err(&path, "no `years` array"))?;
    let years: Vec<i64> = rows.iter().map(|r| r["year"].as_i64().unwrap_or(0)).collect();
    let mut figures = BTreeMap::new();
    let mut units = BTreeMap::new();
    if let Some(u) = summary["units"].as_object() {
        for (name, unit) in u {
            units.insert(name.clone(), unit.as_str().unwrap_or("").to_string());
            figures.insert(name.clone(), rows.iter().map(|r| r[name].as_f64().unwrap_or(f64::NAN)).collect());
        }
    }
    Ok(Member { years, figures, units, summary })
}

/// Scale, months, period and seeds of a summary.
fn facts(s: &Value, seeds: &[String]) -> Vec<(String, String)> {
    let seeds = match seeds {
        [one] => one.clone(),
        [first, .., last] => format!("{first} to {last} ({} runs)", seeds.len()),
        [] => String::new(),
    };
    vec![
        ("scenario".into(), str_of(&s["scenario"])),
        ("seeds".into(), seeds),
        ("scale".into(), num_of(&s["scale"])),
        ("months".into(), num_of(&s["months"])),
        ("period".into(), format!("{} to {}", str_of(&s["start"]), str_of(&s["end"]))),
        ("seedbed version".into(), str_of(&s["seedbed_version"])),
    ]
}

fn str_of(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

fn num_of(v: &Value) -> String {
    v.to_string()
}

/// The charts from groups of runs (one group for a run or an ensemble, A and B for a
/// comparison): each figure's value, or median and band for groups of several runs.
fn charts(years: &[i64], groups: &[(String, Vec<&Member>)], spend: &[(String, Vec<PackageSpend>)]) -> Vec<Chart> {
    let mut out = Vec::new();
    for (id, title, figures) in CHARTS {
        let mut lines = Vec::new();
        let mut unit = String::new();
        for (group, members) in groups {
            for (figure, label) in figures.iter() {
                let Some(first) = members.first() else { continue };
                unit = first.units.get(*figure).cloned().unwrap_or_default();
                let per_run: Vec<Vec<f64>> =
                    members.iter().map(|m| aligned(years, &m.years, m.figures.get(*figure))).collect();
                lines.push(line(&label_of(group, label, figures.len()), &per_run));
            }
        }
        out.push(Chart { id: id.into(), title: title.into(), unit, lines });
    }
    let mut lines = Vec::new();
    for (group, runs) in spend {
        let Some(first) = runs.first() else { continue };
        for (i, (package, _)) in first.iter().enumerate() {
            let per_run: Vec<Vec<f64>> = runs
                .iter()
                .map(|r| {
                    years.iter().map(|y| r.get(i).and_then(|(_, m)| m.get(y).copied()).unwrap_or(f64::NAN)).collect()
                })
                .collect();
            lines.push(line(&label_of(group, package, 2), &per_run));
        }
    }
    if !lines.is_empty() {
        out.push(Chart {
            id: "spend_by_package".into(),
            title: "Policy spending by package".into(),
            unit: "CNY bn/year".into(),
            lines,
        });
    }
    out
}

/// A line label: the figure's label, prefixed by the group (A, B) in comparisons.
fn label_of(group: &str, label: &str, figures: usize) -> String {
    match (group.is_empty(), figures) {
        (true, _) => label.to_string(),
        (false, 1) => group.to_string(),
        (false, _) => format!("{group}: {label}"),
    }
}

/// A member's values on the calendar years `years`.
fn aligned(years: &[i64], own: &[i64], values: Option<&Vec<f64>>) -> Vec<f64> {
    years
        .iter()
        .map(|y| {
            own.iter().position(|o| o == y).and_then(|i| values.and_then(|v| v.get(i).copied())).unwrap_or(f64::NAN)
        })
        .collect()
}

/// One run: the values; several: median and 5-95% band per year.
fn line(label: &str, per_run: &[Vec<f64>]) -> Line {
    if per_run.len() == 1 {
        return Line { label: label.into(), values: per_run[0].clone(), low: None, high: None };
    }
    let n = per_run.first().map_or(0, Vec::len);
    let stats: Vec<_> = (0..n).map(|i| summarize(&per_run.iter().map(|r| r[i]).collect::<Vec<_>>())).collect();
    Line {
        label: label.into(),
        values: stats.iter().map(|s| s.median).collect(),
        low: Some(stats.iter().map(|s| s.p05).collect()),
        high: Some(stats.iter().map(|s| s.p95).collect()),
    }
}

/// An ensemble or comparison directory.
fn load_experiment(dir: &Path) -> Result<Dataset, ReportError> {
    let manifest = read_json(&dir.join("experiment.json"))?;
    let kind = match manifest["spec"]["kind"].as_str() {
        Some("ensemble") => Kind::Ensemble,
        Some("compare") => Kind::Compare,
        other => {
            return Err(ReportError::NotARunDir {
                dir: dir.to_path_buf(),
                message: format!(
                    "it holds {} experiment; reports cover runs, ensembles and comparisons",
                    other.map_or_else(|| "an unknown".to_string(), |k| format!("a {k}"))
                ),
            });
        }
    };
    let table_file = if kind == Kind::Ensemble { "summary.parquet" } else { "compare.parquet" };
    if !dir.join(table_file).is_file() {
        return Err(missing(dir, table_file, "the experiment is not finished: continue it with --resume"));
    }
    let labels: Vec<&str> = if kind == Kind::Ensemble { vec![""] } else { vec!["A", "B"] };
    let members_json = manifest["members"].as_array().cloned().unwrap_or_default();
    let mut groups: Vec<(String, Vec<(PathBuf, u64)>)> = labels.iter().map(|l| (l.to_string(), Vec::new())).collect();
    for m in &members_json {
        let (Some(name), Some(point)) = (m["name"].as_str(), m["point"].as_u64()) else { continue };
        if name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        if let Some(g) = groups.get_mut(point as usize) {
            g.1.push((dir.join("runs").join(name), m["seed"].as_u64().unwrap_or(0)));
        }
    }
    let mut loaded: Vec<(String, Vec<Member>, Vec<PackageSpend>, String)> = Vec::new();
    for (label, runs) in &groups {
        let mut members = Vec::new();
        let mut spends = Vec::new();
        let mut scenario_text = String::new();
        for (path, _) in runs {
            let rel = path.strip_prefix(dir).unwrap_or(path).display().to_string();
            if !path.join("summary.json").is_file() {
                return Err(missing(
                    dir,
                    &format!("{rel}/summary.json"),
                    "the experiment is not finished: continue it with --resume",
                ));
            }
            let text = read_text(&path.join("scenario.toml"))?;
            spends.push(package_spend(path, &text)?);
            members.push(read_member(path)?);
            if scenario_text.is_empty() {
                scenario_text = text;
            }
        }
        if members.is_empty() {
            return Err(ReportError::NotARunDir {
                dir: dir.to_path_buf(),
                message: "experiment.json lists no runs".into(),
            });
        }
        loaded.push((label.clone(), members, spends, scenario_text));
    }
    let years = loaded[0].1[0].years.clone();
    let groups_ref: Vec<(String, Vec<&Member>)> =
        loaded.iter().map(|(l, m, _, _)| (l.clone(), m.iter().collect())).collect();
    let spend: Vec<(String, Vec<PackageSpend>)> = loaded.iter().map(|(l, _, s, _)| (l.clone(), s.clone())).collect();
    let charts = charts(&years, &groups_ref, &spend);
    let first = &loaded[0].1[0].summary;
    let seeds: Vec<String> = groups[0].1.iter().map(|(_, s)| s.to_string()).collect();
    let year = *years.last().unwrap_or(&0);
    let names: Vec<String> = loaded.iter().map(|(_, m, _, _)| str_of(&m[0].summary["scenario"])).collect();
    let (title, table) = if kind == Kind::Ensemble {
        (
            format!("Ensemble of {} runs of {}", seeds.len(), names[0]),
            ensemble_table(&dir.join(table_file), year, &loaded[0].1[0].units)?,
        )
    } else {
        (
            format!("Comparison of B = {} against A = {}, {} seeds", names[1], names[0], seeds.len()),
            compare_table(&dir.join(table_file), year, &loaded[0].1[0].units)?,
        )
    };
    let mut facts = facts(first, &seeds);
    if kind == Kind::Compare {
        facts[0] = ("scenarios".into(), format!("A = {}, B = {}", names[0], names[1]));
    }
    let scenarios = loaded
        .iter()
        .zip(&names)
        .map(|((l, _, _, t), n)| (if l.is_empty() { n.clone() } else { format!("{l}: {n}") }, t.clone()))
        .collect();
    Ok(Dataset { kind, title, facts, years, charts, table, scenarios })
}

/// Rows of a result table (`figure`, `year` and numeric columns) for the last year, in
/// [`TABLE_FIGURES`] order.
fn result_rows(
    path: &Path,
    year: i64,
    columns: &[&str],
    units: &BTreeMap<String, String>,
) -> Result<Vec<TableRow>, ReportError> {
    let f: Frame = read_parquet(path).map_err(|e| read_err(path, e))?;
    let (Some(Data::Text(figures)), Some(Data::Int(years))) = (f.get("figure"), f.get("year")) else {
        return Err(read_err(path, "no figure or year column"));
    };
    let mut rows = Vec::new();
    for (figure, label) in TABLE_FIGURES {
        let Some(r) = (0..f.rows()).find(|&r| figures[r] == figure && years[r] == year) else { continue };
        rows.push(TableRow {
            figure: figure.into(),
            label: label.into(),
            unit: units.get(figure).cloned().unwrap_or_default(),
            values: columns.iter().map(|c| f.value(c, r).unwrap_or(f64::NAN)).collect(),
        });
    }
    Ok(rows)
}

fn ensemble_table(path: &Path, year: i64, units: &BTreeMap<String, String>) -> Result<Table, ReportError> {
    let rows = result_rows(path, year, &["median", "p05", "p95"], units)?;
    Ok(Table { year, columns: vec!["median".into(), "5%".into(), "95%".into()], rows })
}

fn compare_table(path: &Path, year: i64, units: &BTreeMap<String, String>) -> Result<Table, ReportError> {
    let rows = result_rows(path, year, &["mean_a", "mean_b", "diff", "ci_low", "ci_high", "share_b_beats_a"], units)?;
    let columns = ["A (mean)", "B (mean)", "B - A", "95% CI low", "95% CI high", "share of seeds B better"];
    Ok(Table { year, columns: columns.map(String::from).to_vec(), rows })
}

impl Dataset {
    /// The unit of cell `i` of row `r` (a comparison's last column is a share).
    pub fn cell_unit<'a>(&self, r: &'a TableRow, i: usize) -> &'a str {
        if self.kind == Kind::Compare && i == 5 { "share" } else { &r.unit }
    }

    /// The dataset as JSON for the dashboard (NaN as `null`).
    pub fn to_json(&self) -> Value {
        let nums =
            |v: &[f64]| Value::Array(v.iter().map(|x| if x.is_finite() { json!(x) } else { Value::Null }).collect());
        json!({
            "kind": self.kind.as_str(),
            "title": self.title,
            "facts": self.facts.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "years": self.years,
            "charts": self.charts.iter().map(|c| json!({
                "id": c.id,
                "title": c.title,
                "unit": c.unit,
                "lines": c.lines.iter().map(|l| json!({
                    "label": l.label,
                    "values": nums(&l.values),
                    "low": l.low.as_deref().map(nums),
                    "high": l.high.as_deref().map(nums),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "table": {
                "year": self.table.year,
                "columns": self.table.columns,
                "rows": self.table.rows.iter().map(|r| json!({
                    "figure": r.figure, "label": r.label, "unit": r.unit, "values": nums(&r.values),
                    "shown": r.values.iter().enumerate().map(|(i, v)| format_value(*v, self.cell_unit(r, i))).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            },
            "scenarios": self.scenarios.iter().map(|(l, t)| json!({"label": l, "toml": t})).collect::<Vec<_>>(),
        })
    }
}
