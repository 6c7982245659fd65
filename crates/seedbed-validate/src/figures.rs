//! One SVG figure per fact, drawn with plotters. Logarithmic axes are drawn as log10 of the
//! values on linear axes (the axis label says so).

use std::path::Path;

use plotters::prelude::*;

use crate::data::{Outcome, RunData};
use crate::estimators::{KaplanMeier, fit_power_law, hazard_by_band, laplace_vs_gauss, size_volatility_slope};

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Line,
    Points,
    /// A horizontal or vertical reference: drawn dashed-looking (thin, grey).
    Reference,
}

/// A named series of points.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub style: Style,
}

impl Series {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>, style: Style) -> Series {
        Series {
            name: name.into(),
            points: points.into_iter().filter(|p| p.0.is_finite() && p.1.is_finite()).collect(),
            style,
        }
    }
}

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// Draws `series` into an SVG file at `path` (written to a temporary file and renamed).
pub fn chart(path: &Path, title: &str, xlabel: &str, ylabel: &str, series: &[Series]) -> Result<(), String> {
    let all: Vec<(f64, f64)> = series.iter().flat_map(|s| s.points.iter().copied()).collect();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in &all {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    let pad = |a: f64, b: f64| {
        let d = if b > a { (b - a) * 0.05 } else { 0.5 };
        (a - d, b + d)
    };
    let (x0, x1) = pad(x0, x1);
    let (y0, y1) = pad(y0, y1);
    let tmp = path.with_extension("svg.tmp");
    {
        let root = SVGBackend::new(&tmp, (720, 480)).into_drawing_area();
        let e = |e: &dyn std::fmt::Display| format!("drawing {}: {e}", path.display());
        root.fill(&WHITE).map_err(|x| e(&x))?;
        let mut c = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|x| e(&x))?;
        c.configure_mesh().x_desc(xlabel).y_desc(ylabel).light_line_style(WHITE).draw().map_err(|x| e(&x))?;
        // A series without a name continues the previous one's colour (points over its line).
        let mut next = 0;
        let mut color = COLORS[0];
        for s in series {
            if !s.name.is_empty() || next == 0 {
                color = COLORS[next % COLORS.len()];
                next += 1;
            }
            match s.style {
                Style::Line => {
                    let a =
                        c.draw_series(LineSeries::new(s.points.clone(), color.stroke_width(2))).map_err(|x| e(&x))?;
                    if !s.name.is_empty() {
                        a.label(s.name.clone())
                            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2)));
                    }
                }
                Style::Points => {
                    let a = c
                        .draw_series(s.points.iter().map(|&p| Circle::new(p, 2, color.filled())))
                        .map_err(|x| e(&x))?;
                    if !s.name.is_empty() {
                        a.label(s.name.clone()).legend(move |(x, y)| Circle::new((x + 8, y), 3, color.filled()));
                    }
                }
                Style::Reference => {
                    let grey = RGBColor(120, 120, 120);
                    let a =
                        c.draw_series(LineSeries::new(s.points.clone(), grey.stroke_width(1))).map_err(|x| e(&x))?;
                    if !s.name.is_empty() {
                        a.label(s.name.clone())
                            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], grey.stroke_width(1)));
                    }
                }
            }
        }
        c.configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|x| e(&x))?;
        root.present().map_err(|x| e(&x))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn log10_pts(p: &[(f64, f64)]) -> Vec<(f64, f64)> {
    p.iter().filter(|(x, y)| *x > 0.0 && *y > 0.0).map(|(x, y)| (x.log10(), y.log10())).collect()
}

/// Horizontal band lines at `lo` and `hi` over `x0..x1`.
fn hband(name: &str, lo: f64, hi: f64, x0: f64, x1: f64) -> Vec<Series> {
    vec![
        Series::new(name, vec![(x0, lo), (x1, lo)], Style::Reference),
        Series::new("", vec![(x0, hi), (x1, hi)], Style::Reference),
    ]
}

/// Every ensemble fact's figure, into `dir`. Returns the files written.
pub fn ensemble_figures(dir: &Path, runs: &[RunData]) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    let Some(r) = runs.first() else { return Ok(written) };
    let mut put = |name: &str, title: &str, xl: &str, yl: &str, s: Vec<Series>| -> Result<(), String> {
        chart(&dir.join(format!("{name}.svg")), title, xl, yl, &s)?;
        written.push(format!("{name}.svg"));
        Ok(())
    };

    // Firm sizes: the CCDF on log-log axes with the fitted tail.
    let mut e: Vec<f64> = r.employees.iter().copied().filter(|x| *x >= 1.0).collect();
    e.sort_by(|a, b| b.total_cmp(a));
    let n = e.len() as f64;
    // One point per distinct size: P(size >= s).
    let mut ccdf: Vec<(f64, f64)> = Vec::new();
    for (i, &x) in e.iter().enumerate() {
        if i + 1 == e.len() || e[i + 1] != x {
            ccdf.push((x, (i + 1) as f64 / n));
        }
    }
    let mut s = vec![Series::new(format!("firms (seed {})", r.seed), log10_pts(&ccdf), Style::Points)];
    if let Some(f) = fit_power_law(&r.employees, true, 200) {
        let share = f.n_tail as f64 / n;
        let xmax = e.first().copied().unwrap_or(f.xmin);
        let line = [f.xmin, xmax.max(f.xmin * 1.01)]
            .iter()
            .map(|&x| (x, share * ((x - 0.5) / (f.xmin - 0.5)).powf(-f.tail)))
            .collect::<Vec<_>>();
        s.push(Series::new(
            format!("Pareto fit, exponent {:.2}, xmin {}", f.tail, f.xmin),
            log10_pts(&line),
            Style::Line,
        ));
    }
    put("firm-size", "Firm size distribution (complementary CDF)", "log10 employees", "log10 P(size >= s)", s)?;

    // Growth rates: log density with both fits.
    let g: Vec<f64> = r.growth.iter().map(|x| x.1).collect();
    if let Some(fit) = laplace_vs_gauss(&g) {
        let lo = crate::estimators::quantile(&g, 0.005);
        let hi = crate::estimators::quantile(&g, 0.995);
        let bins = 40;
        let w = ((hi - lo) / bins as f64).max(1e-9);
        let mut counts = vec![0usize; bins];
        for &x in &g {
            if x >= lo && x < hi {
                counts[((x - lo) / w) as usize % bins] += 1;
            }
        }
        let dens: Vec<(f64, f64)> = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(k, &c)| (lo + (k as f64 + 0.5) * w, (c as f64 / (g.len() as f64 * w)).log10()))
            .collect();
        let xs: Vec<f64> = (0..=200).map(|i| lo + (hi - lo) * i as f64 / 200.0).collect();
        let lap: Vec<(f64, f64)> = xs
            .iter()
            .map(|&x| (x, ((-(x - fit.laplace_mu).abs() / fit.laplace_b).exp() / (2.0 * fit.laplace_b)).log10()))
            .collect();
        let gau: Vec<(f64, f64)> = xs
            .iter()
            .map(|&x| {
                let z = (x - fit.gauss_mu) / fit.gauss_sigma;
                (x, ((-0.5 * z * z).exp() / (fit.gauss_sigma * (2.0 * std::f64::consts::PI).sqrt())).log10())
            })
            .collect();
        let floor = dens.iter().map(|d| d.1).fold(f64::INFINITY, f64::min) - 0.5;
        let clip = |v: Vec<(f64, f64)>| v.into_iter().filter(|p| p.1 >= floor).collect::<Vec<_>>();
        put(
            "growth-shape",
            "Annual growth rates of sales",
            "log growth of sales",
            "log10 density",
            vec![
                Series::new(format!("firms (seed {})", r.seed), dens, Style::Points),
                Series::new(format!("Laplace, b = {:.3}", fit.laplace_b), clip(lap), Style::Line),
                Series::new(format!("Gaussian, sigma = {:.3}", fit.gauss_sigma), clip(gau), Style::Line),
            ],
        )?;
    }
    if let Some((slope, pts)) = size_volatility_slope(&r.growth, 10) {
        let lp = log10_pts(&pts);
        let (mx, my) = (
            lp.iter().map(|p| p.0).sum::<f64>() / lp.len() as f64,
            lp.iter().map(|p| p.1).sum::<f64>() / lp.len() as f64,
        );
        let ends = [lp.first().map_or(0.0, |p| p.0), lp.last().map_or(1.0, |p| p.0)];
        let fit = ends.iter().map(|&x| (x, my + slope * (x - mx))).collect();
        let target = ends.iter().map(|&x| (x, my - 0.2 * (x - mx))).collect();
        put(
            "growth-volatility",
            "Volatility of growth against size",
            "log10 sales in the earlier of the two years (CNY m/year)",
            "log10 sd of log growth",
            vec![
                Series::new("size bins", lp, Style::Points),
                Series::new(format!("fit, slope {slope:.2}"), fit, Style::Line),
                Series::new("slope -0.2", target, Style::Reference),
            ],
        )?;
    }

    // Survival by cohort (birth year of the run) and the exit hazard by age.
    let mut s = Vec::new();
    for cohort in 0..(r.months / 12) {
        let obs: Vec<(f64, bool)> = r.entrants.iter().filter(|e| e.0 / 12 == cohort).map(|e| (e.1, e.2)).collect();
        if obs.len() < 20 {
            continue;
        }
        let km = KaplanMeier::fit(&obs);
        let mut pts = vec![(0.0, 1.0)];
        let mut last = 1.0;
        for st in &km.steps {
            pts.push((st.time, last));
            pts.push((st.time, st.survival));
            last = st.survival;
        }
        let end = obs.iter().map(|o| o.0).fold(0.0, f64::max);
        pts.push((end, last));
        if cohort % 2 == 0 {
            s.push(Series::new(format!("founded in year {}", cohort + 1), pts, Style::Line));
        }
    }
    s.extend(hband("target at 5 years: 50-70%", 0.5, 0.7, 4.8, 5.2));
    put("survival", "Survival of new firms by cohort (Kaplan-Meier)", "age (years)", "share surviving", s)?;
    let obs: Vec<(f64, bool)> = runs.iter().flat_map(|r| r.entrants.iter().map(|e| (e.1, e.2))).collect();
    let h = hazard_by_band(&obs, 1.0, 8);
    let pts: Vec<(f64, f64)> = h.iter().enumerate().map(|(k, x)| ((k + 1) as f64, x.0)).collect();
    put(
        "exit-peak",
        "Exit hazard of new firms by age (all runs)",
        "age year (1 = first)",
        "exits per firm-year",
        // The one-point reference keeps 0 on the axis.
        vec![
            Series::new("hazard", pts.clone(), Style::Line),
            Series::new("", pts, Style::Points),
            Series::new("", vec![(1.0, 0.0)], Style::Reference),
        ],
    )?;

    // VC multiples.
    let mult: Vec<f64> = runs.iter().flat_map(|r| r.deals.iter().map(|d| d.1 / d.0)).collect();
    let mut m: Vec<f64> = mult.iter().map(|x| x.max(1e-3).log10()).collect();
    m.sort_by(f64::total_cmp);
    let nm = m.len() as f64;
    let every = (m.len() / 1000).max(1);
    let cdf: Vec<(f64, f64)> = m
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || i + 1 == m.len())
        .map(|(i, &x)| (x, (i + 1) as f64 / nm))
        .collect();
    put(
        "vc-losses",
        "Distribution of deal multiples (value / cost, all runs)",
        "log10 multiple (0 = money back; -3 = total loss)",
        "share of deals at or below",
        vec![
            Series::new("deals", cdf, Style::Line),
            Series::new("money back", vec![(0.0, 0.0), (0.0, 1.0)], Style::Reference),
            Series::new("55-65% lose money", vec![(-3.0, 0.55), (1.0, 0.55)], Style::Reference),
            Series::new("", vec![(-3.0, 0.65), (1.0, 0.65)], Style::Reference),
        ],
    )?;
    let lorenz = |v: &[f64]| -> Vec<(f64, f64)> {
        let mut v: Vec<f64> = v.iter().copied().filter(|x| *x > 0.0).collect();
        v.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = v.iter().sum();
        let n = v.len() as f64;
        let mut acc = 0.0;
        let mut out = vec![(0.0, 0.0)];
        let every = (v.len() / 1000).max(1);
        for (i, x) in v.iter().enumerate() {
            acc += x;
            if i % every == 0 || i + 1 == v.len() {
                out.push(((i + 1) as f64 / n, acc / total));
            }
        }
        out
    };
    let values: Vec<f64> = runs.iter().flat_map(|r| r.deals.iter().map(|d| d.1)).collect();
    put(
        "vc-top",
        "Concentration of VC returns (all runs)",
        "share of deals, most valuable first",
        "share of total value",
        vec![
            Series::new("deals", lorenz(&values), Style::Line),
            Series::new("top 5%", vec![(0.05, 0.0), (0.05, 1.0)], Style::Reference),
            Series::new("half of the value", vec![(0.0, 0.5), (1.0, 0.5)], Style::Reference),
        ],
    )?;
    if let Some(v) = r.innovation_values.as_ref() {
        put(
            "innovation",
            "Concentration of innovation value",
            "share of innovating firms, most valuable first",
            "share of total value",
            vec![
                Series::new(format!("seed {}", r.seed), lorenz(v), Style::Line),
                Series::new("top 10%", vec![(0.1, 0.0), (0.1, 1.0)], Style::Reference),
                Series::new("half of the value", vec![(0.0, 0.5), (1.0, 0.5)], Style::Reference),
            ],
        )?;
    }

    // Serial founders: success rates by history, pooled over runs.
    let mut pts = Vec::new();
    for (k, sel) in [None, Some(Outcome::Success), Some(Outcome::Failure)].into_iter().enumerate() {
        let ended: Vec<bool> = runs
            .iter()
            .flat_map(|r| r.serial.iter())
            .filter(|(p, o)| *p == sel && *o != Outcome::Open)
            .map(|(_, o)| *o == Outcome::Success)
            .collect();
        if !ended.is_empty() {
            let rate = ended.iter().filter(|&&s| s).count() as f64 / ended.len() as f64;
            pts.push(((k + 1) as f64, rate));
        }
    }
    let stems: Vec<Series> = pts.iter().map(|&(x, y)| Series::new("", vec![(x, 0.0), (x, y)], Style::Line)).collect();
    let mut s = vec![Series::new("1 first-timers, 2 after a success, 3 after a failure", pts.clone(), Style::Points)];
    s.extend(stems);
    put("serial-success", "Success rate of founders by their previous firm (all runs)", "history", "success rate", s)?;
    Ok(written)
}
