//! The two experiments of MODEL.md, run with common random numbers (the same seeds in every
//! arm) by the experiments crate's comparison and sweep:
//!
//! - founder insurance on against off: entry rises; entrants' quality and survival stay the
//!   same (Hombert, Schoar, Sraer, Thesmar 2020);
//! - the guidance fund's LP share cap swept from 0 to 100%: a moderate public share crowds
//!   private capital in, a high share does worse (Brander, Du, Hellmann 2015).

use std::collections::BTreeMap;

use crate::data::RunData;
use crate::estimators::KaplanMeier;
use crate::facts::{Fact, Rule};
use crate::figures::{Series, Style, chart};

/// The path swept in the guidance-fund experiment.
pub const SHARE_PATH: &str = "policy.guidance_fund.share_cap";
/// The path switched in the insurance experiment.
pub const INSURANCE_PATH: &str = "policy.founder_insurance.enabled";
/// Shares of the sweep (grid of five points from 0 to 1).
pub const SHARES: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

/// Entrants, share of entrants raising VC, and their 3-year Kaplan-Meier survival.
type EntrantStats = (f64, f64, f64);

fn entrant_stats(r: &RunData) -> EntrantStats {
    let n = r.entrants.len() as f64;
    let funded = r.entrant_funded.iter().filter(|&&f| f).count() as f64 / n.max(1.0);
    let obs: Vec<(f64, bool)> = r.entrants.iter().map(|e| (e.1, e.2)).collect();
    (n, funded, KaplanMeier::fit(&obs).at(3.0).0)
}

/// The insurance facts from pairs (insurance off, insurance on) of the same seed.
pub fn insurance_facts(pairs: &[(RunData, RunData)], fig: Option<&std::path::Path>) -> Result<Vec<Fact>, String> {
    let stats: Vec<(EntrantStats, EntrantStats)> =
        pairs.iter().map(|(off, on)| (entrant_stats(off), entrant_stats(on))).collect();
    let entry: Vec<f64> = stats.iter().map(|(a, b)| b.0 / a.0 - 1.0).collect();
    let quality: Vec<f64> = stats.iter().map(|(a, b)| b.1 / a.1 - 1.0).collect();
    let survival: Vec<f64> = stats.iter().map(|(a, b)| b.2 - a.2).collect();
    let src = "Hombert, Schoar, Sraer, Thesmar 2020 (France, 2002)";
    let facts = vec![
        Fact::new(
            "insurance-entry",
            "founder insurance raises entry",
            "firms founded in the run, insurance on / off - 1 (paired seeds)",
            "> 0",
            Rule::Above(0.0),
            src,
            entry.clone(),
            format!("{} paired seeds", pairs.len()),
        ),
        Fact::new(
            "insurance-quality",
            "founder insurance: entrants' quality unchanged",
            "share of entrants raising VC, insurance on / off - 1 (paired seeds)",
            "about 0 (-10% to +10%)",
            Rule::Between(-0.1, 0.1),
            src,
            quality.clone(),
            String::new(),
        ),
        Fact::new(
            "insurance-survival",
            "founder insurance: entrants' survival unchanged",
            "3-year Kaplan-Meier survival of entrants, insurance on minus off (paired seeds)",
            "about 0 (-5 to +5 points)",
            Rule::Between(-0.05, 0.05),
            src,
            survival.clone(),
            String::new(),
        ),
    ];
    if let Some(dir) = fig {
        let idx = |v: &[f64]| v.iter().enumerate().map(|(i, x)| ((i + 1) as f64, *x)).collect::<Vec<_>>();
        let n = pairs.len() as f64 + 1.0;
        chart(
            &dir.join("insurance.svg"),
            "Founder insurance on against off, per seed",
            "paired seed",
            "change (on against off)",
            &[
                Series::new("entry: relative change", idx(&entry), Style::Points),
                Series::new("quality (share raising VC): relative change", idx(&quality), Style::Points),
                Series::new("3-year survival: difference", idx(&survival), Style::Points),
                Series::new("no change", vec![(0.0, 0.0), (n, 0.0)], Style::Reference),
            ],
        )?;
    }
    Ok(facts)
}

/// Private capital invested in the city's firms over the run (CNY m) when the guidance fund
/// takes `share` of each GP fund it backs: purely private funds' deals, plus the private LPs'
/// part of guidance-backed funds' deals (calls are pro rata to commitments); the guidance
/// fund's direct deals are public money.
fn private_vc(r: &RunData, share: f64) -> f64 {
    r.vc_cost_by_backer[0] + (1.0 - share) * r.vc_cost_by_backer[1]
}

/// Share of the guidance-backed deals 3+ years old that return at least their cost.
fn guidance_success(r: &RunData) -> f64 {
    let d = &r.guidance_deals;
    if d.is_empty() { f64::NAN } else { d.iter().filter(|(c, v)| v >= c).count() as f64 / d.len() as f64 }
}

/// Pooled multiple (total value / total cost) of the guidance-backed deals 3+ years old.
fn guidance_multiple(r: &RunData) -> f64 {
    let (c, v) = r.guidance_deals.iter().fold((0.0, 0.0), |a, d| (a.0 + d.0, a.1 + d.1));
    if c > 0.0 { v / c } else { f64::NAN }
}

/// The guidance-fund facts from runs keyed by (seed, share).
pub fn guidance_facts(
    runs: &BTreeMap<(u64, u64), RunData>,
    fig: Option<&std::path::Path>,
) -> Result<Vec<Fact>, String> {
    let key = |s: f64| (s * 1000.0).round() as u64;
    let seeds: Vec<u64> = {
        let mut v: Vec<u64> = runs.keys().map(|k| k.0).collect();
        v.dedup();
        v
    };
    let at = |seed: u64, s: f64, f: &dyn Fn(&RunData) -> f64| runs.get(&(seed, key(s))).map_or(f64::NAN, f);
    let mut crowd = Vec::new();
    let mut high = Vec::new();
    let mut multiple = Vec::new();
    // Relative change of `f` at a 100% share cap against the better of 25% and 50%.
    let high_vs_moderate =
        |seed: u64, f: &dyn Fn(&RunData) -> f64| at(seed, 1.0, f) / at(seed, 0.25, f).max(at(seed, 0.5, f)) - 1.0;
    for &seed in &seeds {
        let private = |s: f64| at(seed, s, &|r: &RunData| private_vc(r, s));
        let p0 = private(0.0);
        let moderate = private(0.25).max(private(0.5));
        crowd.push(moderate / p0 - 1.0);
        high.push(high_vs_moderate(seed, &guidance_success));
        multiple.push(high_vs_moderate(seed, &guidance_multiple));
    }
    let finite: Vec<f64> = multiple.iter().copied().filter(|x| x.is_finite()).collect();
    let multiple_note = if finite.is_empty() {
        String::new()
    } else {
        format!(
            "pooled multiple of the same deals, 100% against the better of 25%/50%: median {:+.1}%, seeds from {:+.1}% to {:+.1}% (heavy-tailed: a few deals carry most of the value)",
            100.0 * crate::estimators::quantile(&finite, 0.5),
            100.0 * finite.iter().copied().fold(f64::INFINITY, f64::min),
            100.0 * finite.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        )
    };
    let src = "Brander, Du, Hellmann 2015";
    let facts = vec![
        Fact::new(
            "gvc-crowd-in",
            "government VC: a moderate public LP share crowds in",
            "private capital invested in the city's firms over the run at the better of 25%/50% share cap / at 0% - 1 (paired seeds)",
            "> 0",
            Rule::Above(0.0),
            src,
            crowd,
            format!("share cap {SHARE_PATH} swept over {SHARES:?}"),
        ),
        Fact::new(
            "gvc-high-share",
            "government VC: a high public share underperforms",
            "share of guidance-backed deals returning their cost at 100% share cap / at the better of 25%/50% - 1 (paired seeds)",
            "< 0",
            Rule::Below(0.0),
            src,
            high,
            multiple_note,
        ),
    ];
    if let Some(dir) = fig {
        let mut pv = Vec::new();
        let mut tv = Vec::new();
        for s in SHARES {
            let p: Vec<f64> = seeds.iter().map(|&seed| at(seed, s, &|r: &RunData| private_vc(r, s))).collect();
            let t: Vec<f64> =
                seeds.iter().map(|&seed| at(seed, s, &guidance_success)).filter(|x| x.is_finite()).collect();
            let p0: Vec<f64> = seeds.iter().map(|&seed| at(seed, 0.0, &|r: &RunData| private_vc(r, 0.0))).collect();
            let rel: Vec<f64> = p.iter().zip(&p0).map(|(a, b)| a / b).collect();
            pv.push((s, crate::estimators::quantile(&rel, 0.5)));
            if !t.is_empty() {
                tv.push((s, crate::estimators::quantile(&t, 0.5)));
            }
        }
        chart(
            &dir.join("guidance-fund.svg"),
            "Guidance fund LP share cap (medians over seeds)",
            "share cap of the guidance fund in GP funds",
            "ratio",
            &[
                Series::new("private VC invested / at 0%", pv.clone(), Style::Line),
                Series::new("", pv, Style::Points),
                Series::new("share of guidance-backed deals returning their cost", tv.clone(), Style::Line),
                Series::new("", tv, Style::Points),
            ],
        )?;
    }
    Ok(facts)
}
