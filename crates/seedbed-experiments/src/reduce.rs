//! The reduction: the members' yearly headline tables turned into the result tables of an
//! experiment. Everything is read back from the members' `years.parquet`, in manifest order,
//! so the tables are byte-identical whatever the thread count, the completion order, or how
//! often the experiment was interrupted and resumed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use seedbed_model::frame::{Column, Data, Frame};
use seedbed_output::read_parquet;

use crate::experiment::{Experiment, Kind, SensitivityDesign};
use crate::fsutil::write_table_atomic;
use crate::member::figures;
use crate::sensitivity::{MorrisIndex, SobolIndex, morris_indices, ranks, sobol_indices};
use crate::stats::{Paired, Summary, mean, paired, summarize};

/// Which direction of a headline figure is better, for "B beats A".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }
}

/// Headline figures where less is better: failures, unemployment and public spending. Every
/// other figure (firms, breakthroughs, jobs, output, investment, ...) is better higher.
pub const LOWER_IS_BETTER: [&str; 5] =
    ["deaths", "unemployment_rate", "policy_spend_bn", "policy_spend_total_bn", "spend_per_breakthrough_bn"];

/// The better direction of `figure`.
pub fn better(figure: &str) -> Better {
    if LOWER_IS_BETTER.contains(&figure) { Better::Lower } else { Better::Higher }
}

/// The distribution of a figure in a year over runs.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureSummary {
    pub figure: String,
    pub unit: &'static str,
    pub year: i64,
    pub stats: Summary,
}

/// The paired difference B - A of a figure in a year.
#[derive(Clone, Debug, PartialEq)]
pub struct FigurePaired {
    pub figure: String,
    pub unit: &'static str,
    pub better: Better,
    pub year: i64,
    pub stats: Paired,
}

/// The summaries of one sweep point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointSummary {
    pub point: usize,
    pub values: Vec<f64>,
    pub rows: Vec<FigureSummary>,
}

/// A sensitivity index of one parameter for one figure.
#[derive(Clone, Debug, PartialEq)]
pub enum Index {
    Morris(MorrisIndex),
    /// With the design rows used.
    Sobol(SobolIndex, usize),
}

/// How much one parameter moves one figure (final year, mean over seeds).
#[derive(Clone, Debug, PartialEq)]
pub struct Influence {
    pub figure: String,
    pub unit: &'static str,
    pub parameter: String,
    /// 1 = most influential for this figure (by mu* or ST).
    pub rank: usize,
    pub index: Index,
}

/// What an experiment found (the content of its result tables).
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    Ensemble(Vec<FigureSummary>),
    Compare(Vec<FigurePaired>),
    Sweep(Vec<PointSummary>),
    Sensitivity { method: &'static str, rows: Vec<Influence> },
}

type Res<T> = Result<T, seedbed_output::Error>;

/// Writes the result tables of `exp` into `dir` from its members' runs.
pub fn reduce(exp: &Experiment, dir: &Path) -> Res<(Vec<PathBuf>, Report)> {
    let years = load_years(exp, dir)?;
    let table = |name: &str| dir.join(name);
    let mut written = Vec::new();
    let report = match exp.kind {
        Kind::Ensemble => {
            let per_run = table("ensemble.parquet");
            write_runs_table(exp, &years, &per_run, RunsTable::Ensemble)?;
            let rows = summaries(&years, &(0..years.len()).collect::<Vec<_>>());
            let summary = table("summary.parquet");
            write_table_atomic(&summary, &summary_columns(exp, false), [Ok(summary_frame(&rows, None, exp))])?;
            written.extend([per_run, summary]);
            Report::Ensemble(rows)
        }
        Kind::Compare => {
            let per_run = table("members.parquet");
            write_runs_table(exp, &years, &per_run, RunsTable::Compare)?;
            let rows = compare(exp, &years);
            let out = table("compare.parquet");
            write_table_atomic(&out, &compare_frame(&[]).columns, [Ok(compare_frame(&rows))])?;
            written.extend([per_run, out]);
            Report::Compare(rows)
        }
        Kind::Sweep => {
            let per_run = table("sweep.parquet");
            write_runs_table(exp, &years, &per_run, RunsTable::Sweep)?;
            let points: Vec<PointSummary> = (0..exp.points.len())
                .map(|p| {
                    let members: Vec<usize> = member_indices(exp, p);
                    PointSummary { point: p, values: exp.points[p].values.clone(), rows: summaries(&years, &members) }
                })
                .collect();
            let out = table("summary.parquet");
            let frames: Vec<Res<Frame>> = points.iter().map(|p| Ok(summary_frame(&p.rows, Some(p), exp))).collect();
            write_table_atomic(&out, &summary_columns(exp, true), frames)?;
            written.extend([per_run, out]);
            Report::Sweep(points)
        }
        Kind::Sensitivity => {
            let per_run = table("members.parquet");
            write_runs_table(exp, &years, &per_run, RunsTable::FinalYear)?;
            let (method, rows) = sensitivity(exp, &years);
            let out = table("sensitivity.parquet");
            write_table_atomic(&out, &sensitivity_frame(method, &[]).columns, [Ok(sensitivity_frame(method, &rows))])?;
            written.extend([per_run, out]);
            Report::Sensitivity { method, rows }
        }
    };
    Ok((written, report))
}

/// Every member's yearly headline table, in manifest order; all with the same columns.
fn load_years(exp: &Experiment, dir: &Path) -> Res<Vec<Frame>> {
    let mut out: Vec<Frame> = Vec::with_capacity(exp.members.len());
    for m in &exp.members {
        let path = dir.join("runs").join(&m.name).join("years.parquet");
        let f = read_parquet(&path)?;
        if let Some(first) = out.first() {
            let names = |f: &Frame| f.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
            if names(first) != names(&f) {
                return Err(seedbed_output::Error::Schema {
                    path,
                    message: format!("headline columns differ from those of {}", exp.members[0].name),
                });
            }
        }
        out.push(f);
    }
    Ok(out)
}

/// Indices of the members of point `p`.
fn member_indices(exp: &Experiment, p: usize) -> Vec<usize> {
    exp.members.iter().enumerate().filter(|(_, m)| m.point == p).map(|(i, _)| i).collect()
}

/// The calendar years of `frames` (sorted union).
fn years_of<'a>(frames: impl IntoIterator<Item = &'a Frame>) -> Vec<i64> {
    let mut set = BTreeSet::new();
    for f in frames {
        if let Some(Data::Int(v)) = f.get("year") {
            set.extend(v.iter().copied());
        }
    }
    set.into_iter().collect()
}

/// The value of column `figure` in `year` (NaN if the run has no such year).
fn value_in(f: &Frame, figure: &str, year: i64) -> f64 {
    let Some(Data::Int(years)) = f.get("year") else { return f64::NAN };
    years.iter().position(|&y| y == year).and_then(|r| f.value(figure, r)).unwrap_or(f64::NAN)
}

/// The headline columns (all but `year`) of the first frame: name and unit.
fn figure_columns(frames: &[Frame]) -> Vec<(String, &'static str)> {
    frames.first().map_or_else(Vec::new, |f| figures(f).into_iter().map(|(c, _)| (c.name.clone(), c.unit)).collect())
}

/// Summaries of every figure and year over the members `members`.
fn summaries(years: &[Frame], members: &[usize]) -> Vec<FigureSummary> {
    let picked: Vec<&Frame> = members.iter().map(|&i| &years[i]).collect();
    let ys = years_of(picked.iter().copied());
    let mut rows = Vec::new();
    for (figure, unit) in figure_columns(years) {
        for &year in &ys {
            let v: Vec<f64> = picked.iter().map(|f| value_in(f, &figure, year)).collect();
            rows.push(FigureSummary { figure: figure.clone(), unit, year, stats: summarize(&v) });
        }
    }
    rows
}

/// Paired differences B - A for every figure and year.
fn compare(exp: &Experiment, years: &[Frame]) -> Vec<FigurePaired> {
    let a: Vec<&Frame> = member_indices(exp, 0).into_iter().map(|i| &years[i]).collect();
    let b: Vec<&Frame> = member_indices(exp, 1).into_iter().map(|i| &years[i]).collect();
    let ys = years_of(a.iter().chain(&b).copied());
    let mut rows = Vec::new();
    for (figure, unit) in figure_columns(years) {
        let dir = better(&figure);
        for &year in &ys {
            let va: Vec<f64> = a.iter().map(|f| value_in(f, &figure, year)).collect();
            let vb: Vec<f64> = b.iter().map(|f| value_in(f, &figure, year)).collect();
            let stats = paired(&va, &vb, dir == Better::Higher);
            rows.push(FigurePaired { figure: figure.clone(), unit, better: dir, year, stats });
        }
    }
    rows
}

/// Sensitivity indices of every parameter for every figure (final-year values, mean over
/// each point's seeds).
fn sensitivity(exp: &Experiment, years: &[Frame]) -> (&'static str, Vec<Influence>) {
    let Some((design, bootstrap, seed)) = &exp.sensitivity else { return ("", vec![]) };
    let mut rows = Vec::new();
    let method = match design {
        SensitivityDesign::Morris(_) => "morris",
        SensitivityDesign::Sobol(_) => "sobol",
    };
    let point_members: Vec<Vec<usize>> = (0..exp.points.len()).map(|p| member_indices(exp, p)).collect();
    for (figure, unit) in figure_columns(years) {
        let y: Vec<f64> = point_members
            .iter()
            .map(|ms| {
                let v: Vec<f64> =
                    ms.iter().map(|&i| final_value(&years[i], &figure)).filter(|x| x.is_finite()).collect();
                mean(&v)
            })
            .collect();
        let indices: Vec<Index> = match design {
            SensitivityDesign::Morris(d) => {
                morris_indices(d, &y, *bootstrap, *seed).into_iter().map(Index::Morris).collect()
            }
            SensitivityDesign::Sobol(d) => {
                let (idx, used) = sobol_indices(d.n, d.dims, &y, *bootstrap, *seed);
                idx.into_iter().map(|s| Index::Sobol(s, used)).collect()
            }
        };
        let scores: Vec<f64> = indices
            .iter()
            .map(|i| match i {
                Index::Morris(m) => m.mu_star,
                Index::Sobol(s, _) => s.st,
            })
            .collect();
        for ((lever, index), rank) in exp.levers.iter().zip(indices).zip(ranks(&scores)) {
            rows.push(Influence { figure: figure.clone(), unit, parameter: lever.path.clone(), rank, index });
        }
    }
    (method, rows)
}

/// A figure's value in the last year of a run.
fn final_value(f: &Frame, figure: &str) -> f64 {
    f.rows().checked_sub(1).and_then(|r| f.value(figure, r)).unwrap_or(f64::NAN)
}

/// The per-run tables.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RunsTable {
    /// member, seed, year, figures.
    Ensemble,
    /// scenario (a or b), member, seed, year, figures.
    Compare,
    /// point, parameters, member, seed, year, figures.
    Sweep,
    /// point, parameters, member, seed, final year and figures in it.
    FinalYear,
}

/// Writes a per-run table, one member at a time.
fn write_runs_table(exp: &Experiment, years: &[Frame], path: &Path, kind: RunsTable) -> Res<()> {
    let frames = exp.members.iter().zip(years).map(|(m, y)| {
        let y = if kind == RunsTable::FinalYear { last_row(y) } else { y.clone() };
        let n = y.rows();
        let mut f = Frame::new();
        if kind == RunsTable::Compare {
            f.text("scenario", "", "a or b: the scenario of the run", vec![exp.bases[m.point].0.clone(); n]);
        }
        if matches!(kind, RunsTable::Sweep | RunsTable::FinalYear) {
            f.int("point", "", "Design point (index)", vec![m.point as i64; n]);
            for (l, &v) in exp.levers.iter().zip(&exp.points[m.point].values) {
                f.real(l.path.clone(), l.unit, "Value of the varied parameter", vec![v; n]);
            }
        }
        f.text("member", "", "Run directory under runs/", vec![m.name.clone(); n]);
        f.int("seed", "", "Master random seed of the run", vec![m.seed as i64; n]);
        f.columns.extend(y.columns);
        f.data.extend(y.data);
        Ok(f)
    });
    let mut columns = Vec::new();
    if let Some(first) = frames.clone().next() {
        columns = first?.columns;
    }
    write_table_atomic(path, &columns, frames)
}

/// The last row of `f`.
fn last_row(f: &Frame) -> Frame {
    let Some(r) = f.rows().checked_sub(1) else { return f.clone() };
    let data = f
        .data
        .iter()
        .map(|d| match d {
            Data::Int(v) => Data::Int(vec![v[r]]),
            Data::Real(v) => Data::Real(vec![v[r]]),
            Data::Text(v) => Data::Text(vec![v[r].clone()]),
            Data::Labels(l) => Data::Text(vec![l.get(r).to_string()]),
        })
        .collect();
    Frame { columns: f.columns.clone(), data }
}

/// Columns of a summary table: (for a sweep, point and parameters,) figure, unit, year,
/// statistics.
fn summary_columns(exp: &Experiment, sweep: bool) -> Vec<Column> {
    let empty = PointSummary { point: 0, values: vec![0.0; exp.levers.len()], rows: vec![] };
    summary_frame(&[], sweep.then_some(&empty), exp).columns
}

/// A summary table; with `point`, prefixed by the point and its parameter values.
fn summary_frame(rows: &[FigureSummary], point: Option<&PointSummary>, exp: &Experiment) -> Frame {
    let n = rows.len();
    let mut f = Frame::new();
    if let Some(p) = point {
        f.int("point", "", "Design point (index)", vec![p.point as i64; n]);
        for (l, &v) in exp.levers.iter().zip(&p.values) {
            f.real(l.path.clone(), l.unit, "Value of the varied parameter", vec![v; n]);
        }
    }
    let col = |g: fn(&Summary) -> f64| rows.iter().map(|r| g(&r.stats)).collect::<Vec<f64>>();
    f.text(
        "figure",
        "",
        "Headline figure (a column of years.parquet)",
        rows.iter().map(|r| r.figure.clone()).collect(),
    )
    .text("unit", "", "Unit of the figure", rows.iter().map(|r| r.unit.to_string()).collect())
    .int("year", "year", "Calendar year", rows.iter().map(|r| r.year).collect())
    .int("runs", "runs", "Runs with a finite value", rows.iter().map(|r| r.stats.n as i64).collect())
    .real("mean", "unit of the figure", "Mean over runs", col(|s| s.mean))
    .real("sd", "unit of the figure", "Standard deviation over runs", col(|s| s.sd))
    .real("median", "unit of the figure", "Median over runs", col(|s| s.median))
    .real("p05", "unit of the figure", "5% quantile over runs (type 7)", col(|s| s.p05))
    .real("p95", "unit of the figure", "95% quantile over runs (type 7)", col(|s| s.p95));
    f
}

/// The comparison table.
fn compare_frame(rows: &[FigurePaired]) -> Frame {
    let col = |g: fn(&Paired) -> f64| rows.iter().map(|r| g(&r.stats)).collect::<Vec<f64>>();
    let mut f = Frame::new();
    f.text(
        "figure",
        "",
        "Headline figure (a column of years.parquet)",
        rows.iter().map(|r| r.figure.clone()).collect(),
    )
    .text("unit", "", "Unit of the figure", rows.iter().map(|r| r.unit.to_string()).collect())
    .text(
        "better",
        "",
        "Which direction is better: higher or lower",
        rows.iter().map(|r| r.better.as_str().into()).collect(),
    )
    .int("year", "year", "Calendar year", rows.iter().map(|r| r.year).collect())
    .int(
        "pairs",
        "runs",
        "Seeds with a finite value in both scenarios",
        rows.iter().map(|r| r.stats.n as i64).collect(),
    )
    .real("mean_a", "unit of the figure", "Mean in scenario A", col(|p| p.mean_a))
    .real("mean_b", "unit of the figure", "Mean in scenario B", col(|p| p.mean_b))
    .real("diff", "unit of the figure", "Mean paired difference B - A", col(|p| p.diff))
    .real("diff_sd", "unit of the figure", "Standard deviation of the paired differences", col(|p| p.sd))
    .real("ci_low", "unit of the figure", "95% confidence interval of B - A: lower end (t-based)", col(|p| p.ci_low))
    .real("ci_high", "unit of the figure", "95% confidence interval of B - A: upper end (t-based)", col(|p| p.ci_high))
    .real("share_b_beats_a", "share", "Share of seeds where B is strictly better than A", col(|p| p.share_b_beats_a))
    .real("share_equal", "share", "Share of seeds where B equals A", col(|p| p.share_equal));
    f
}

/// The sensitivity table.
fn sensitivity_frame(method: &'static str, rows: &[Influence]) -> Frame {
    let mut f = Frame::new();
    let n = rows.len();
    f.text("method", "", "morris or sobol", vec![method.to_string(); n])
        .text(
            "figure",
            "",
            "Headline figure (final year, mean over seeds)",
            rows.iter().map(|r| r.figure.clone()).collect(),
        )
        .text("unit", "", "Unit of the figure", rows.iter().map(|r| r.unit.to_string()).collect())
        .text("parameter", "", "Varied parameter path", rows.iter().map(|r| r.parameter.clone()).collect())
        .int(
            "rank",
            "",
            "Rank of the parameter for the figure (1 = most influential)",
            rows.iter().map(|r| r.rank as i64).collect(),
        );
    let morris = |g: fn(&MorrisIndex) -> f64| {
        rows.iter().map(|r| if let Index::Morris(m) = &r.index { g(m) } else { f64::NAN }).collect::<Vec<f64>>()
    };
    let sobol = |g: fn(&SobolIndex) -> f64| {
        rows.iter().map(|r| if let Index::Sobol(s, _) = &r.index { g(s) } else { f64::NAN }).collect::<Vec<f64>>()
    };
    if method == "morris" {
        let per = "unit of the figure per range";
        f.real("mu", per, "Mean elementary effect (change over the parameter's whole range)", morris(|m| m.mu))
            .real("mu_star", per, "Mean absolute elementary effect", morris(|m| m.mu_star))
            .real("mu_star_low", per, "95% bootstrap interval of mu*: lower end", morris(|m| m.mu_star_low))
            .real("mu_star_high", per, "95% bootstrap interval of mu*: upper end", morris(|m| m.mu_star_high))
            .real("sigma", per, "Standard deviation of the elementary effects", morris(|m| m.sigma))
            .int(
                "effects",
                "",
                "Finite elementary effects",
                rows.iter().map(|r| if let Index::Morris(m) = &r.index { m.effects as i64 } else { 0 }).collect(),
            );
    } else {
        f.real("s1", "share", "First-order Sobol index", sobol(|s| s.s1))
            .real("s1_low", "share", "95% bootstrap interval of S1: lower end", sobol(|s| s.s1_low))
            .real("s1_high", "share", "95% bootstrap interval of S1: upper end", sobol(|s| s.s1_high))
            .real("st", "share", "Total-order Sobol index", sobol(|s| s.st))
            .real("st_low", "share", "95% bootstrap interval of ST: lower end", sobol(|s| s.st_low))
            .real("st_high", "share", "95% bootstrap interval of ST: upper end", sobol(|s| s.st_high))
            .int(
                "samples",
                "",
                "Design rows with finite outputs",
                rows.iter().map(|r| if let Index::Sobol(_, n) = &r.index { *n as i64 } else { 0 }).collect(),
            );
    }
    f
}
