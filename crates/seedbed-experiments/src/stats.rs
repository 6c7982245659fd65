//! Statistics of many runs: quantiles, summaries, paired differences with t-based confidence
//! intervals, and percentile bootstrap intervals.
//!
//! Non-finite values (a figure that is NaN in a run, e.g. spending per breakthrough before the
//! first breakthrough) are left out of every statistic; the count of values used is reported
//! alongside, so a statistic over fewer runs than asked for is visible.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The finite values of `values`, sorted ascending.
pub fn finite_sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q`-quantile (0 ≤ q ≤ 1) of ascending `sorted` values by linear interpolation between
/// order statistics (Hyndman and Fan's type 7, the default of R and NumPy). NaN if empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Arithmetic mean; NaN if empty.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { f64::NAN } else { values.iter().sum::<f64>() / values.len() as f64 }
}

/// Sample standard deviation (divisor n - 1); NaN with fewer than two values.
pub fn sample_sd(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return f64::NAN;
    }
    let m = mean(values);
    let ss: f64 = values.iter().map(|x| (x - m) * (x - m)).sum();
    (ss / (values.len() - 1) as f64).sqrt()
}

/// Population variance (divisor n); NaN if empty.
pub fn population_var(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let m = mean(values);
    values.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / values.len() as f64
}

/// The distribution of one figure over runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Finite values used.
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (NaN below two values).
    pub sd: f64,
    pub median: f64,
    /// 5% quantile.
    pub p05: f64,
    /// 95% quantile.
    pub p95: f64,
}

/// Summarises the finite values of `values`.
pub fn summarize(values: &[f64]) -> Summary {
    let v = finite_sorted(values);
    Summary {
        n: v.len(),
        mean: mean(&v),
        sd: sample_sd(&v),
        median: quantile_sorted(&v, 0.5),
        p05: quantile_sorted(&v, 0.05),
        p95: quantile_sorted(&v, 0.95),
    }
}

/// The `p`-quantile of Student's t distribution with `df` degrees of freedom.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// Paired differences B - A over seeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paired {
    /// Pairs where both values are finite.
    pub n: usize,
    pub mean_a: f64,
    pub mean_b: f64,
    /// Mean of B - A.
    pub diff: f64,
    /// Sample standard deviation of B - A.
    pub sd: f64,
    /// 95% confidence interval of the mean difference: diff ± t(0.975, n-1) sd / sqrt(n).
    /// NaN with fewer than two pairs.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Share of pairs where B is strictly better than A.
    pub share_b_beats_a: f64,
    /// Share of pairs where B equals A exactly.
    pub share_equal: f64,
}

/// Paired comparison of `b` against `a` (same length, pair i = seed i); `higher_is_better`
/// says which direction "B beats A" means.
pub fn paired(a: &[f64], b: &[f64], higher_is_better: bool) -> Paired {
    assert_eq!(a.len(), b.len(), "paired samples of different lengths");
    let pairs: Vec<(f64, f64)> =
        a.iter().zip(b).map(|(&x, &y)| (x, y)).filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    let n = pairs.len();
    let d: Vec<f64> = pairs.iter().map(|(x, y)| y - x).collect();
    let diff = mean(&d);
    let sd = sample_sd(&d);
    let half = if n >= 2 { t_quantile(0.975, (n - 1) as f64) * sd / (n as f64).sqrt() } else { f64::NAN };
    let beats = pairs.iter().filter(|(x, y)| if higher_is_better { y > x } else { y < x }).count();
    let equal = pairs.iter().filter(|(x, y)| x == y).count();
    let share = |k: usize| if n > 0 { k as f64 / n as f64 } else { f64::NAN };
    Paired {
        n,
        mean_a: mean(&pairs.iter().map(|p| p.0).collect::<Vec<_>>()),
        mean_b: mean(&pairs.iter().map(|p| p.1).collect::<Vec<_>>()),
        diff,
        sd,
        ci_low: diff - half,
        ci_high: diff + half,
        share_b_beats_a: share(beats),
        share_equal: share(equal),
    }
}

/// The central `level` (e.g. 0.95) percentile interval of bootstrap replicates; NaN bounds if
/// no replicate is finite.
pub fn percentile_interval(replicates: &[f64], level: f64) -> (f64, f64) {
    let v = finite_sorted(replicates);
    let tail = (1.0 - level) / 2.0;
    (quantile_sorted(&v, tail), quantile_sorted(&v, 1.0 - tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_r_type_7() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile_sorted(&v, 0.5), 3.0);
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 10.0);
        // R: quantile(c(1,2,3,4,10), c(.05,.95)) = 1.2, 8.8
        assert!((quantile_sorted(&v, 0.05) - 1.2).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.95) - 8.8).abs() < 1e-12);
        assert!(quantile_sorted(&[], 0.5).is_nan());
        assert_eq!(quantile_sorted(&[7.0], 0.95), 7.0);
    }

    #[test]
    fn summaries_skip_non_finite_values() {
        let s = summarize(&[3.0, f64::NAN, 1.0, 2.0, f64::INFINITY]);
        assert_eq!(s.n, 3);
        assert_eq!(s.median, 2.0);
        assert_eq!(s.mean, 2.0);
        assert!((s.sd - 1.0).abs() < 1e-12);
        let empty = summarize(&[f64::NAN]);
        assert_eq!(empty.n, 0);
        assert!(empty.median.is_nan() && empty.sd.is_nan());
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Standard tables: t(0.975; 1) = 12.706, t(0.975; 9) = 2.262, t(0.975; 29) = 2.045.
        assert!((t_quantile(0.975, 1.0) - 12.7062).abs() < 1e-3);
        assert!((t_quantile(0.975, 9.0) - 2.2622).abs() < 1e-3);
        assert!((t_quantile(0.975, 29.0) - 2.0452).abs() < 1e-3);
        assert!((t_quantile(0.975, 1e6) - 1.95996).abs() < 1e-3);
    }

    #[test]
    fn paired_difference_and_interval() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 2.0, 5.0, 4.5];
        let p = paired(&a, &b, true);
        assert_eq!(p.n, 4);
        assert!((p.diff - 0.875).abs() < 1e-12);
        // d = 1, 0, 2, 0.5: sd = 0.8539; t(0.975; 3) = 3.1824; half = 1.3588
        assert!((p.sd - 0.853_912_563).abs() < 1e-6);
        assert!((p.ci_high - p.diff - 1.358_76).abs() < 1e-3);
        assert!((p.ci_low + p.ci_high - 2.0 * p.diff).abs() < 1e-12);
        assert_eq!(p.share_b_beats_a, 0.75);
        assert_eq!(p.share_equal, 0.25);
        let lower = paired(&a, &b, false);
        assert_eq!(lower.share_b_beats_a, 0.0);
        let with_nan = paired(&[1.0, f64::NAN], &[2.0, 3.0], true);
        assert_eq!(with_nan.n, 1);
        assert!(with_nan.ci_low.is_nan());
    }

    #[test]
    fn percentile_intervals() {
        let r: Vec<f64> = (0..=100).map(f64::from).collect();
        let (lo, hi) = percentile_interval(&r, 0.95);
        assert!((lo - 2.5).abs() < 1e-12 && (hi - 97.5).abs() < 1e-12);
    }
}
