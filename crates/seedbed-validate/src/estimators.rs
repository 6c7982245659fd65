//! Estimators behind the stylized facts: power-law tails (Clauset, Shalizi, Newman 2009),
//! Laplace against Gaussian by likelihood, Kaplan-Meier survival with Greenwood intervals,
//! the size-volatility slope (Stanley et al. 1996), concentration shares and quantiles.

/// A power-law tail fitted by maximum likelihood above `xmin`, with `xmin` chosen to minimise
/// the Kolmogorov-Smirnov distance between the tail and the fit.
#[derive(Clone, Debug, PartialEq)]
pub struct PowerLaw {
    /// The start of the tail.
    pub xmin: f64,
    /// Exponent of the density, p(x) ~ x^-alpha.
    pub alpha: f64,
    /// Exponent of the complementary CDF, P(X >= x) ~ x^-(alpha - 1): the Zipf exponent
    /// (Axtell 2001 reports 1.06 for US firms by employees).
    pub tail: f64,
    /// Standard error of `alpha` (and of `tail`): (alpha - 1) / sqrt(n_tail).
    pub se: f64,
    /// Observations at or above `xmin`.
    pub n_tail: usize,
    /// Kolmogorov-Smirnov distance of the tail to the fit.
    pub ks: f64,
}

/// Fewest observations allowed in a tail.
pub const MIN_TAIL: usize = 50;

/// Fits a power law to the positive values of `data` (Clauset et al. 2009). `discrete`: the
/// values are integers (employees), fitted with the approximation alpha = 1 + n / sum
/// ln(x / (xmin - 1/2)) (their eq. 3.7), good for xmin of about 6 and more; else the continuous
/// estimator alpha = 1 + n / sum ln(x / xmin) (eq. 3.1). `xmin` is searched among at most
/// `candidates` distinct values (quantile-spaced) leaving at least [`MIN_TAIL`] observations
/// in the tail. `None` if there are too few positive values.
pub fn fit_power_law(data: &[f64], discrete: bool, candidates: usize) -> Option<PowerLaw> {
    let mut x: Vec<f64> = data.iter().copied().filter(|v| v.is_finite() && *v > 0.0).collect();
    if discrete {
        x.retain(|&v| v >= 1.0);
    }
    if x.len() < MIN_TAIL {
        return None;
    }
    x.sort_by(f64::total_cmp);
    let n = x.len();
    // Distinct values with enough observations above them.
    let mut distinct: Vec<usize> = Vec::new(); // index of the first occurrence
    for i in 0..n {
        if (i == 0 || x[i] != x[i - 1]) && n - i >= MIN_TAIL && (!discrete || x[i] >= 2.0) {
            distinct.push(i);
        }
    }
    if distinct.is_empty() {
        return None;
    }
    let step = (distinct.len() as f64 / candidates.max(1) as f64).max(1.0);
    let mut chosen: Vec<usize> = Vec::new();
    let mut t = 0.0;
    while (t as usize) < distinct.len() {
        chosen.push(distinct[t as usize]);
        t += step;
    }
    // Suffix sums of ln x for the MLE.
    let mut best: Option<PowerLaw> = None;
    for &start in &chosen {
        let xmin = x[start];
        let tail = &x[start..];
        let fit = fit_at(tail, xmin, discrete);
        if best.as_ref().is_none_or(|b| fit.ks < b.ks) {
            best = Some(fit);
        }
    }
    best
}

/// The maximum-likelihood fit of the sorted tail `tail` (all >= `xmin`) and its KS distance.
pub fn fit_at(tail: &[f64], xmin: f64, discrete: bool) -> PowerLaw {
    let n = tail.len();
    let base = if discrete { xmin - 0.5 } else { xmin };
    let s: f64 = tail.iter().map(|&v| (v / base).ln()).sum();
    let alpha = 1.0 + n as f64 / s.max(1e-300);
    // KS: the empirical CCDF against the fitted one at each distinct value.
    let mut ks: f64 = 0.0;
    let mut i = 0;
    while i < n {
        let v = tail[i];
        let mut j = i;
        while j < n && tail[j] == v {
            j += 1;
        }
        let emp_ge = (n - i) as f64 / n as f64; // P(X >= v)
        let emp_gt = (n - j) as f64 / n as f64; // P(X > v)
        let fit_ge = if discrete { ((v - 0.5) / base).powf(1.0 - alpha) } else { (v / base).powf(1.0 - alpha) };
        let fit_gt = if discrete { ((v + 0.5) / base).powf(1.0 - alpha) } else { fit_ge };
        ks = ks.max((emp_ge - fit_ge).abs()).max((emp_gt - fit_gt).abs());
        i = j;
    }
    PowerLaw { xmin, alpha, tail: alpha - 1.0, se: (alpha - 1.0) / (n as f64).sqrt(), n_tail: n, ks }
}

/// Laplace and Gaussian fitted by maximum likelihood to the same sample.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeFit {
    pub n: usize,
    /// Laplace location (the median) and scale b (the mean absolute deviation from it).
    pub laplace_mu: f64,
    pub laplace_b: f64,
    /// Gaussian mean and standard deviation (maximum likelihood: divided by n).
    pub gauss_mu: f64,
    pub gauss_sigma: f64,
    /// Mean log-likelihood per observation of each fit.
    pub ll_laplace: f64,
    pub ll_gauss: f64,
    /// Vuong's statistic for Laplace against Gaussian: sqrt(n) mean(d) / sd(d), with d the
    /// per-observation log-likelihood difference; above 1.645 favours Laplace at 5%.
    pub vuong: f64,
}

impl ShapeFit {
    /// Whether the Laplace fits better (a larger likelihood).
    pub fn laplace_wins(&self) -> bool {
        self.ll_laplace > self.ll_gauss
    }
}

/// Fits both shapes to the finite values of `data`; `None` with fewer than 10.
pub fn laplace_vs_gauss(data: &[f64]) -> Option<ShapeFit> {
    let x: Vec<f64> = data.iter().copied().filter(|v| v.is_finite()).collect();
    let n = x.len();
    if n < 10 {
        return None;
    }
    let mu_l = quantile(&x, 0.5);
    let b = (x.iter().map(|v| (v - mu_l).abs()).sum::<f64>() / n as f64).max(1e-12);
    let mu_g = x.iter().sum::<f64>() / n as f64;
    let sigma = (x.iter().map(|v| (v - mu_g).powi(2)).sum::<f64>() / n as f64).sqrt().max(1e-12);
    let ll_l = |v: f64| -(2.0 * b).ln() - (v - mu_l).abs() / b;
    let ll_g =
        |v: f64| -0.5 * (2.0 * std::f64::consts::PI * sigma * sigma).ln() - (v - mu_g).powi(2) / (2.0 * sigma * sigma);
    let d: Vec<f64> = x.iter().map(|&v| ll_l(v) - ll_g(v)).collect();
    let md = d.iter().sum::<f64>() / n as f64;
    let sd = (d.iter().map(|v| (v - md).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    Some(ShapeFit {
        n,
        laplace_mu: mu_l,
        laplace_b: b,
        gauss_mu: mu_g,
        gauss_sigma: sigma,
        ll_laplace: x.iter().map(|&v| ll_l(v)).sum::<f64>() / n as f64,
        ll_gauss: x.iter().map(|&v| ll_g(v)).sum::<f64>() / n as f64,
        vuong: if sd > 0.0 { (n as f64).sqrt() * md / sd } else { 0.0 },
    })
}

/// One step of a Kaplan-Meier curve.
#[derive(Clone, Debug, PartialEq)]
pub struct KmStep {
    /// Time of the events.
    pub time: f64,
    /// At risk just before `time`.
    pub at_risk: usize,
    pub events: usize,
    /// Survival just after `time`.
    pub survival: f64,
    /// Greenwood standard error of `survival`.
    pub se: f64,
}

/// A Kaplan-Meier estimate.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct KaplanMeier {
    pub n: usize,
    pub steps: Vec<KmStep>,
}

impl KaplanMeier {
    /// Estimates survival from `(duration, event)` pairs: `event` false means censored at
    /// `duration`. Events are counted before censorings at the same time.
    pub fn fit(obs: &[(f64, bool)]) -> KaplanMeier {
        let mut o: Vec<(f64, bool)> = obs.iter().copied().filter(|(t, _)| t.is_finite()).collect();
        o.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let n = o.len();
        let mut steps = Vec::new();
        let (mut s, mut green) = (1.0, 0.0);
        let mut at_risk = n;
        let mut i = 0;
        while i < n {
            let t = o[i].0;
            let (mut d, mut c) = (0, 0);
            while i < n && o[i].0 == t {
                if o[i].1 {
                    d += 1
                } else {
                    c += 1
                }
                i += 1;
            }
            if d > 0 {
                s *= 1.0 - d as f64 / at_risk as f64;
                if at_risk > d {
                    green += d as f64 / (at_risk as f64 * (at_risk - d) as f64);
                }
                steps.push(KmStep { time: t, at_risk, events: d, survival: s, se: s * green.sqrt() });
            }
            at_risk -= d + c;
        }
        KaplanMeier { n, steps }
    }

    /// S(t) and its Greenwood standard error.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let mut out = (1.0, 0.0);
        for s in &self.steps {
            if s.time > t {
                break;
            }
            out = (s.survival, s.se);
        }
        out
    }

    /// Whether anyone was still at risk at `t` (the estimate at `t` is not extrapolated).
    pub fn observed_until(&self, obs_max: f64, t: f64) -> bool {
        obs_max >= t
    }
}

/// Exit hazard by age band from `(duration, event)` pairs: for each band [k w, (k+1) w),
/// events in the band divided by the time at risk in it (a life table), per unit of time.
pub fn hazard_by_band(obs: &[(f64, bool)], width: f64, bands: usize) -> Vec<(f64, usize)> {
    let mut exposure = vec![0.0; bands];
    let mut events = vec![0usize; bands];
    for &(t, e) in obs {
        if !t.is_finite() || t < 0.0 {
            continue;
        }
        for (k, ex) in exposure.iter_mut().enumerate() {
            let lo = k as f64 * width;
            if t <= lo {
                break;
            }
            *ex += (t - lo).min(width);
        }
        let k = (t / width) as usize;
        if e && k < bands {
            events[k] += 1;
        }
    }
    (0..bands).map(|k| (if exposure[k] > 0.0 { events[k] as f64 / exposure[k] } else { f64::NAN }, events[k])).collect()
}

/// The size-volatility relation: firms are grouped into `bins` bins of equal count by size;
/// the slope of ln(sd of growth) on ln(mean size) across bins by least squares (Stanley et al.
/// 1996 find about -0.15 to -0.2). `pairs` are (size, growth rate); sizes must be positive.
pub fn size_volatility_slope(pairs: &[(f64, f64)], bins: usize) -> Option<(f64, Vec<(f64, f64)>)> {
    let mut p: Vec<(f64, f64)> =
        pairs.iter().copied().filter(|(s, g)| s.is_finite() && *s > 0.0 && g.is_finite()).collect();
    if bins < 3 || p.len() < bins * 10 {
        return None;
    }
    p.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut pts = Vec::new();
    for k in 0..bins {
        let chunk = &p[k * p.len() / bins..(k + 1) * p.len() / bins];
        let m = chunk.len() as f64;
        let size = (chunk.iter().map(|c| c.0.ln()).sum::<f64>() / m).exp();
        let mg = chunk.iter().map(|c| c.1).sum::<f64>() / m;
        let sd = (chunk.iter().map(|c| (c.1 - mg).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
        if sd > 0.0 {
            pts.push((size, sd));
        }
    }
    let xy: Vec<(f64, f64)> = pts.iter().map(|(s, v)| (s.ln(), v.ln())).collect();
    Some((ols_slope(&xy)?, pts))
}

/// Least-squares slope of y on x; `None` if x does not vary.
pub fn ols_slope(xy: &[(f64, f64)]) -> Option<f64> {
    let n = xy.len() as f64;
    if xy.len() < 2 {
        return None;
    }
    let mx = xy.iter().map(|p| p.0).sum::<f64>() / n;
    let my = xy.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = xy.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = xy.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The share of the total of the positive `values` held by the largest `top` fraction of them
/// (at least one value). NaN if there is no positive value.
pub fn top_share(values: &[f64], top: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite() && *x > 0.0).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let k = ((top * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[..k].iter().sum::<f64>() / v.iter().sum::<f64>()
}

/// The `q` quantile of the finite values (linear interpolation, type 7); NaN if none.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// Median and the 5% and 95% quantiles (the 90% band) of the finite values.
pub fn band(values: &[f64]) -> (f64, f64, f64) {
    (quantile(values, 0.5), quantile(values, 0.05), quantile(values, 0.95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_shares() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.25), 1.25);
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(top_share(&[1.0, 1.0, 1.0, 7.0], 0.25), 0.7);
        assert_eq!(ols_slope(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]), Some(2.0));
    }

    #[test]
    fn kaplan_meier_by_hand() {
        // Classic example: times 1, 2+, 3, 3, 4+.
        let km = KaplanMeier::fit(&[(1.0, true), (2.0, false), (3.0, true), (3.0, true), (4.0, false)]);
        assert_eq!(km.steps.len(), 2);
        assert!((km.at(1.0).0 - 0.8).abs() < 1e-12);
        assert!((km.at(3.0).0 - 0.8 * (1.0 - 2.0 / 3.0)).abs() < 1e-12);
        assert_eq!(km.at(0.5).0, 1.0);
    }

    #[test]
    fn hazards_by_band() {
        // Two firms: one exits at 1.5, one censored at 3.
        let h = hazard_by_band(&[(1.5, true), (3.0, false)], 1.0, 3);
        assert_eq!(h[0], (0.0, 0));
        assert!((h[1].0 - 1.0 / 1.5).abs() < 1e-12);
        assert_eq!(h[2].0, 0.0);
    }
}
