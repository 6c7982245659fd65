//! Each estimator recovers known parameters from synthetic samples, within stated tolerances.

use seedbed_validate::estimators::{KaplanMeier, fit_power_law, laplace_vs_gauss, size_volatility_slope, top_share};

/// SplitMix64 uniforms in (0, 1): reproducible, no dependency.
struct Uniform(u64);

impl Uniform {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        (-2.0 * self.next().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.next()).cos()
    }
    fn laplace(&mut self, b: f64) -> f64 {
        let u = self.next() - 0.5;
        -b * u.signum() * (1.0 - 2.0 * u.abs()).ln()
    }
    /// Continuous Pareto above `xmin` with density exponent `alpha`.
    fn pareto(&mut self, xmin: f64, alpha: f64) -> f64 {
        xmin * self.next().powf(-1.0 / (alpha - 1.0))
    }
}

/// Tolerance on the tail exponent: 0.08 (about five standard errors at n = 5000).
const TAIL_TOL: f64 = 0.08;

#[test]
fn pareto_exponent_and_xmin_continuous() {
    let mut u = Uniform(1);
    // 5000 tail values above xmin = 10 (tail exponent 1.1) over a body of 5000 below it.
    let mut x: Vec<f64> = (0..5000).map(|_| u.pareto(10.0, 2.1)).collect();
    x.extend((0..5000).map(|_| 1.0 + 9.0 * u.next().powi(2)));
    let f = fit_power_law(&x, false, 400).unwrap();
    assert!((f.tail - 1.1).abs() < TAIL_TOL, "{f:?}");
    // The KS-optimal xmin sits at or a little above the true start (Clauset et al. 2009, fig. 3).
    assert!((8.0..=16.0).contains(&f.xmin), "xmin {f:?}");
    assert!(f.ks < 0.03, "{f:?}");
    assert!((f.alpha - f.tail - 1.0).abs() < 1e-12);
}

#[test]
fn pareto_exponent_discrete() {
    let mut u = Uniform(2);
    // Integer sizes (employees): a continuous Pareto tail rounded down, Zipf exponent 1.0.
    let x: Vec<f64> = (0..5000).map(|_| u.pareto(10.0, 2.0).floor()).collect();
    let f = fit_power_law(&x, true, 400).unwrap();
    assert!((f.tail - 1.0).abs() < TAIL_TOL, "{f:?}");
    assert!(fit_power_law(&[1.0; 10], true, 10).is_none(), "too few values");
}

#[test]
fn laplace_against_gauss() {
    let mut u = Uniform(3);
    let l: Vec<f64> = (0..5000).map(|_| 0.1 + u.laplace(0.3)).collect();
    let f = laplace_vs_gauss(&l).unwrap();
    assert!(f.laplace_wins() && f.vuong > 3.0, "{f:?}");
    // Laplace scale within 5%: its standard error is b / sqrt(n), about 1.4%.
    assert!((f.laplace_b / 0.3 - 1.0).abs() < 0.05, "{f:?}");
    assert!((f.laplace_mu - 0.1).abs() < 0.02, "{f:?}");
    let g: Vec<f64> = (0..5000).map(|_| 2.0 * u.normal()).collect();
    let f = laplace_vs_gauss(&g).unwrap();
    assert!(!f.laplace_wins() && f.vuong < -3.0, "{f:?}");
    assert!((f.gauss_sigma / 2.0 - 1.0).abs() < 0.05, "{f:?}");
}

#[test]
fn kaplan_meier_exponential_hazard() {
    let mut u = Uniform(4);
    let lambda = 0.2;
    // Exponential lifetimes, censored by uniform follow-up on [0, 10].
    let obs: Vec<(f64, bool)> = (0..5000)
        .map(|_| {
            let t = -u.next().ln() / lambda;
            let c = 10.0 * u.next();
            if t <= c { (t, true) } else { (c, false) }
        })
        .collect();
    let km = KaplanMeier::fit(&obs);
    for t in [1.0, 3.0, 5.0] {
        let (s, se) = km.at(t);
        let truth = (-lambda * t).exp();
        // Within the 99.7% Greenwood band, and the band is narrow.
        assert!((s - truth).abs() < 3.0 * se, "t {t}: {s} vs {truth}, se {se}");
        assert!(se < 0.015, "se {se}");
    }
}

#[test]
fn size_volatility_slope_and_shares() {
    let mut u = Uniform(5);
    // Growth sd proportional to size^-0.2, sizes log-uniform over four decades.
    let pairs: Vec<(f64, f64)> = (0..20000)
        .map(|_| {
            let s = 10f64.powf(4.0 * u.next());
            (s, 0.5 * s.powf(-0.2) * u.normal())
        })
        .collect();
    let (slope, bins) = size_volatility_slope(&pairs, 10).unwrap();
    assert_eq!(bins.len(), 10);
    assert!((slope + 0.2).abs() < 0.03, "slope {slope}");
    // Top 10% of a Pareto sample with tail exponent 1.1 hold more than half of the total.
    let x: Vec<f64> = (0..5000).map(|_| u.pareto(1.0, 2.1)).collect();
    assert!(top_share(&x, 0.1) > 0.5);
    assert!((top_share(&vec![1.0; 100], 0.1) - 0.1).abs() < 1e-12);
}
