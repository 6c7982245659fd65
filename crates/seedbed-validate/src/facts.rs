//! The stylized facts of MODEL.md ("Stylized facts the model must reproduce"): one function per
//! fact computes a statistic from one run; the ensemble's median is held against the target
//! range (the pass rule), and the 5% and 95% quantiles over runs give the 90% band.

use serde_json::{Value, json};

use crate::data::{Outcome, RunData};
use crate::estimators::{
    KaplanMeier, band, fit_power_law, hazard_by_band, laplace_vs_gauss, size_volatility_slope, top_share,
};

/// The pass rule: the range the ensemble median must fall in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// lo <= median <= hi.
    Between(f64, f64),
    /// median >= lo.
    AtLeast(f64),
    /// median > x.
    Above(f64),
    /// median < x.
    Below(f64),
}

impl Rule {
    pub fn holds(self, x: f64) -> bool {
        if !x.is_finite() {
            return false;
        }
        match self {
            Rule::Between(lo, hi) => (lo..=hi).contains(&x),
            Rule::AtLeast(lo) => x >= lo,
            Rule::Above(v) => x > v,
            Rule::Below(v) => x < v,
        }
    }

    /// How far `x` is outside the range (0 inside; NaN if `x` is not finite).
    pub fn miss(self, x: f64) -> f64 {
        if !x.is_finite() {
            return f64::NAN;
        }
        match self {
            Rule::Between(lo, hi) => (lo - x).max(x - hi).max(0.0),
            Rule::AtLeast(lo) | Rule::Above(lo) => (lo - x).max(0.0),
            Rule::Below(v) => (x - v).max(0.0),
        }
    }

    pub fn describe(self) -> String {
        let f = seedbed_model::schema::fmt_num;
        match self {
            Rule::Between(lo, hi) => format!("{} to {}", f(lo), f(hi)),
            Rule::AtLeast(lo) => format!(">= {}", f(lo)),
            Rule::Above(v) => format!("> {}", f(v)),
            Rule::Below(v) => format!("< {}", f(v)),
        }
    }
}

/// A fact evaluated over an ensemble.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Short identifier, also the figure's file name (`<id>.svg`).
    pub id: &'static str,
    /// The fact, as MODEL.md words it.
    pub fact: &'static str,
    /// The statistic compared with the target.
    pub statistic: &'static str,
    /// The target as MODEL.md states it.
    pub target: &'static str,
    pub rule: Rule,
    pub source: &'static str,
    /// The statistic in each run (NaN where a run had too little data).
    pub values: Vec<f64>,
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
    pub holds: bool,
    /// Extra information (sample sizes, why no value).
    pub note: String,
}

impl Fact {
    /// A fact from its per-run values (the ensemble median against `rule`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: &'static str,
        fact: &'static str,
        statistic: &'static str,
        target: &'static str,
        rule: Rule,
        source: &'static str,
        values: Vec<f64>,
        note: String,
    ) -> Fact {
        let (median, p05, p95) = band(&values);
        let holds = rule.holds(median);
        Fact { id, fact, statistic, target, rule, source, values, median, p05, p95, holds, note }
    }

    pub fn to_json(&self) -> Value {
        let num = |x: f64| if x.is_finite() { json!(x) } else { Value::Null };
        json!({
            "id": self.id,
            "fact": self.fact,
            "statistic": self.statistic,
            "target": self.target,
            "pass_rule": format!("ensemble median {}", self.rule.describe()),
            "source": self.source,
            "median": num(self.median),
            "p05": num(self.p05),
            "p95": num(self.p95),
            "miss": num(self.rule.miss(self.median)),
            "holds": self.holds,
            "runs": self.values.iter().map(|&x| num(x)).collect::<Vec<_>>(),
            "note": self.note,
        })
    }
}

/// The tail exponent of the firm size distribution (employees of firms alive at the end).
pub fn firm_size(runs: &[RunData]) -> Fact {
    let fits: Vec<_> = runs.iter().map(|r| fit_power_law(&r.employees, true, 200)).collect();
    let values = fits.iter().map(|f| f.as_ref().map_or(f64::NAN, |f| f.tail)).collect();
    let note = fits
        .iter()
        .flatten()
        .next()
        .map(|f| format!("run 1: xmin {} employees, {} firms in the tail, KS {:.3}", f.xmin, f.n_tail, f.ks))
        .unwrap_or_else(|| "too few firms".into());
    Fact::new(
        "firm-size",
        "firm size distribution: Pareto (Zipf) tail",
        "exponent of P(size >= s) ~ s^-z, MLE above the KS-optimal xmin",
        "0.9 to 1.2",
        Rule::Between(0.9, 1.2),
        "Axtell 2001; Clauset, Shalizi, Newman 2009 (estimator)",
        values,
        note,
    )
}

/// Laplace against Gaussian for annual log growth of sales.
pub fn growth_shape(runs: &[RunData]) -> Fact {
    let fits: Vec<_> =
        runs.iter().map(|r| laplace_vs_gauss(&r.growth.iter().map(|g| g.1).collect::<Vec<_>>())).collect();
    let values = fits.iter().map(|f| f.as_ref().map_or(f64::NAN, |f| f.ll_laplace - f.ll_gauss)).collect();
    let note = fits
        .iter()
        .flatten()
        .next()
        .map(|f| {
            format!(
                "run 1: {} firms, Laplace b {:.3}, Gaussian sigma {:.3}, Vuong z {:.1}",
                f.n, f.laplace_b, f.gauss_sigma, f.vuong
            )
        })
        .unwrap_or_else(|| "too few firms with sales in both years".into());
    Fact::new(
        "growth-shape",
        "firm growth rates: Laplace (tent) shape",
        "log-likelihood per firm, Laplace minus Gaussian (annual log growth of sales)",
        "Laplace fits better (> 0)",
        Rule::Above(0.0),
        "Stanley et al. 1996",
        values,
        note,
    )
}

/// The slope of ln(sd of growth) on ln(size).
pub fn growth_volatility(runs: &[RunData]) -> Fact {
    let values = runs.iter().map(|r| size_volatility_slope(&r.growth, 10).map_or(f64::NAN, |s| s.0)).collect();
    Fact::new(
        "growth-volatility",
        "firm growth rates: volatility falls with size",
        "slope of ln sd(growth) on ln sales, 10 size bins",
        "about -0.2 (-0.3 to -0.1)",
        Rule::Between(-0.3, -0.1),
        "Stanley et al. 1996",
        values,
        String::new(),
    )
}

/// The age year (1 = first year) with the highest exit hazard among the first five.
pub fn exit_peak(runs: &[RunData]) -> Fact {
    let values = runs
        .iter()
        .map(|r| {
            let obs: Vec<(f64, bool)> = r.entrants.iter().map(|e| (e.1, e.2)).collect();
            let h = hazard_by_band(&obs, 1.0, 5);
            h.iter()
                .enumerate()
                .filter(|(_, x)| x.0.is_finite())
                .max_by(|a, b| a.1.0.total_cmp(&b.1.0))
                .map_or(f64::NAN, |(k, _)| (k + 1) as f64)
        })
        .collect();
    Fact::new(
        "exit-peak",
        "new-firm survival: exits peak in years 2-3",
        "age year (1 = first) with the highest exit hazard, years 1-5 (life table of entrants)",
        "year 2 or 3",
        Rule::Between(2.0, 3.0),
        "SAIC 2013",
        values,
        {
            let obs: Vec<(f64, bool)> = runs.iter().flat_map(|r| r.entrants.iter().map(|e| (e.1, e.2))).collect();
            let h: Vec<String> = hazard_by_band(&obs, 1.0, 5).iter().map(|x| format!("{:.3}", x.0)).collect();
            format!("exits per firm-year at ages 1-5, all runs: {}", h.join(", "))
        },
    )
}

/// Kaplan-Meier survival of entrants to five years.
pub fn survival_5y(runs: &[RunData]) -> Fact {
    let values = runs
        .iter()
        .map(|r| {
            let obs: Vec<(f64, bool)> = r.entrants.iter().map(|e| (e.1, e.2)).collect();
            let longest = obs.iter().map(|o| o.0).fold(0.0, f64::max);
            if longest < 5.0 { f64::NAN } else { KaplanMeier::fit(&obs).at(5.0).0 }
        })
        .collect();
    let n: usize = runs.iter().map(|r| r.entrants.len()).sum();
    Fact::new(
        "survival",
        "new-firm survival: 50-70% survive 5 years",
        "Kaplan-Meier survival of firms founded in the run at 5 years",
        "50% to 70%",
        Rule::Between(0.5, 0.7),
        "SAIC 2013; BLS Business Employment Dynamics",
        values,
        format!("{n} entrants in all runs"),
    )
}

/// Share of deals returning less than their cost.
pub fn vc_losses(runs: &[RunData]) -> Fact {
    let values = runs
        .iter()
        .map(|r| {
            if r.deals.len() < 10 {
                f64::NAN
            } else {
                r.deals.iter().filter(|(c, v)| v < c).count() as f64 / r.deals.len() as f64
            }
        })
        .collect();
    let n: usize = runs.iter().map(|r| r.deals.len()).sum();
    Fact::new(
        "vc-losses",
        "VC outcomes: 55-65% of deals lose money",
        "share of deals with value (proceeds + open stake at valuation) below cost, deals 3+ years old",
        "55% to 65%",
        Rule::Between(0.55, 0.65),
        "Kerr, Nanda, Rhodes-Kropf 2014; Correlation Ventures",
        values,
        {
            let all: Vec<&(f64, f64)> = runs.iter().flat_map(|r| r.deals.iter()).collect();
            let zero = all.iter().filter(|d| d.1 <= 0.0).count();
            let below = all.iter().filter(|d| d.1 < d.0).count();
            format!("{n} deals in all runs; {below} below cost, of which {zero} worth nothing")
        },
    )
}

/// Share of deals' total value from the best 5% of deals.
pub fn vc_top(runs: &[RunData]) -> Fact {
    let values = runs
        .iter()
        .map(|r| {
            if r.deals.len() < 20 {
                f64::NAN
            } else {
                top_share(&r.deals.iter().map(|d| d.1).collect::<Vec<_>>(), 0.05)
            }
        })
        .collect();
    Fact::new(
        "vc-top",
        "VC outcomes: the top ~5% of deals give half or more of returns",
        "share of all deals' value from the 5% most valuable deals",
        ">= 50%",
        Rule::AtLeast(0.5),
        "Correlation Ventures; Kerr, Nanda, Rhodes-Kropf 2014",
        values,
        String::new(),
    )
}

/// Share of innovation value from the top 10%.
pub fn innovation(runs: &[RunData]) -> Fact {
    let recorded = runs.iter().any(|r| r.innovation_values.is_some());
    let values = runs.iter().map(|r| r.innovation_values.as_ref().map_or(f64::NAN, |v| top_share(v, 0.10))).collect();
    Fact::new(
        "innovation",
        "innovation value: the top 10% take about half or more",
        "share of the value of innovations held by the top 10% of innovating firms",
        ">= 50%",
        Rule::AtLeast(0.5),
        "Scherer and Harhoff 2000",
        values,
        if recorded { String::new() } else { "the runs do not record innovation values".into() },
    )
}

/// Success rates of founders by the outcome of their previous firm.
fn serial_rates(r: &RunData) -> (f64, f64, f64, [usize; 3]) {
    let rate = |sel: &dyn Fn(Option<Outcome>) -> bool| {
        let v: Vec<bool> = r
            .serial
            .iter()
            .filter(|(p, o)| sel(*p) && *o != Outcome::Open)
            .map(|(_, o)| *o == Outcome::Success)
            .collect();
        let n = v.len();
        (if n == 0 { f64::NAN } else { v.iter().filter(|&&s| s).count() as f64 / n as f64 }, n)
    };
    let (first, n1) = rate(&|p| p.is_none());
    let (after_s, n2) = rate(&|p| p == Some(Outcome::Success));
    let (after_f, n3) = rate(&|p| p == Some(Outcome::Failure));
    (first, after_s, after_f, [n1, n2, n3])
}

/// Serial founders: success after a success against after a failure.
pub fn serial_success(runs: &[RunData]) -> Fact {
    let rates: Vec<_> = runs.iter().map(serial_rates).collect();
    let values = rates.iter().map(|r| r.1 - r.2).collect();
    let n = rates.iter().fold([0; 3], |a, r| [a[0] + r.3[0], a[1] + r.3[1], a[2] + r.3[2]]);
    Fact::new(
        "serial-success",
        "serial founders: success after a success > after a failure",
        "success rate (IPO or acquisition among ended firms) after a success minus after a failure",
        "> 0",
        Rule::Above(0.0),
        "Gompers, Kovner, Lerner, Scharfstein 2010",
        values,
        format!("ended firms in all runs: {} first-timers, {} after a success, {} after a failure", n[0], n[1], n[2]),
    )
}

/// Serial founders: after a failure about as successful as first-timers.
pub fn serial_failure(runs: &[RunData]) -> Fact {
    let values = runs.iter().map(serial_rates).map(|r| r.2 / r.0).collect();
    Fact::new(
        "serial-failure",
        "serial founders: success after a failure ≈ first-timers",
        "success rate after a failure / success rate of first-timers",
        "about 1 (0.75 to 1.33)",
        Rule::Between(0.75, 1.33),
        "Gompers, Kovner, Lerner, Scharfstein 2010",
        values,
        String::new(),
    )
}

/// Every fact computed from one ensemble's runs.
pub fn ensemble_facts(runs: &[RunData]) -> Vec<Fact> {
    vec![
        firm_size(runs),
        growth_shape(runs),
        growth_volatility(runs),
        exit_peak(runs),
        survival_5y(runs),
        vc_losses(runs),
        vc_top(runs),
        innovation(runs),
        serial_success(runs),
        serial_failure(runs),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(Rule::Between(0.9, 1.2).holds(1.0));
        assert!(!Rule::Between(0.9, 1.2).holds(f64::NAN));
        assert!((Rule::Between(0.9, 1.2).miss(1.5) - 0.3).abs() < 1e-12);
        assert_eq!(Rule::AtLeast(0.5).miss(0.7), 0.0);
        assert!(Rule::Above(0.0).holds(0.1) && !Rule::Above(0.0).holds(0.0));
        assert_eq!(Rule::Between(0.5, 0.7).describe(), "0.5 to 0.7");
    }
}
