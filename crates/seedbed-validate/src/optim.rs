//! Nelder-Mead simplex minimisation (Nelder and Mead 1965, with the standard coefficients of
//! Lagarias et al. 1998: reflection 1, expansion 2, contraction 1/2, shrink 1/2).

/// The result of a minimisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    pub x: Vec<f64>,
    pub f: f64,
    /// Objective evaluations used.
    pub evaluations: usize,
    /// Whether the simplex converged (spread of values below `ftol` and size below `xtol`)
    /// before the evaluation budget ran out.
    pub converged: bool,
}

/// Options of [`nelder_mead`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Initial simplex: `x0` plus `step[i]` along each axis.
    pub step: Vec<f64>,
    pub max_evaluations: usize,
    pub ftol: f64,
    pub xtol: f64,
}

/// Minimises `f` from `x0`. `progress` is called after every evaluation with (evaluations,
/// best point, best value).
pub fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> f64,
    x0: &[f64],
    opts: &Options,
    progress: &mut dyn FnMut(usize, &[f64], f64),
) -> Minimum {
    let n = x0.len();
    let mut evals = 0;
    let mut best = (x0.to_vec(), f64::INFINITY);
    let max = opts.max_evaluations.max(1);
    // Past the budget a point is not evaluated (it counts as infinitely bad, so the step is rejected).
    let mut eval = |x: &[f64], evals: &mut usize, best: &mut (Vec<f64>, f64)| -> f64 {
        if *evals >= max {
            return f64::INFINITY;
        }
        let v = f(x);
        let v = if v.is_nan() { f64::INFINITY } else { v };
        *evals += 1;
        if v < best.1 {
            *best = (x.to_vec(), v);
        }
        progress(*evals, &best.0, best.1);
        v
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    let v0 = eval(x0, &mut evals, &mut best);
    simplex.push((x0.to_vec(), v0));
    for i in 0..n {
        let mut x = x0.to_vec();
        x[i] += opts.step.get(i).copied().unwrap_or(0.1);
        let v = eval(&x, &mut evals, &mut best);
        simplex.push((x, v));
    }
    let mut converged = false;
    while evals < opts.max_evaluations {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (lo, hi) = (simplex[0].1, simplex[n].1);
        let size = simplex[1..].iter().map(|(x, _)| dist(x, &simplex[0].0)).fold(0.0, f64::max);
        if (hi - lo).abs() <= opts.ftol * (1.0 + lo.abs()) && size <= opts.xtol {
            converged = true;
            break;
        }
        let centroid: Vec<f64> = (0..n).map(|j| simplex[..n].iter().map(|p| p.0[j]).sum::<f64>() / n as f64).collect();
        let along =
            |t: f64| -> Vec<f64> { (0..n).map(|j| centroid[j] + t * (simplex[n].0[j] - centroid[j])).collect() };
        let xr = along(-1.0);
        let fr = eval(&xr, &mut evals, &mut best);
        if fr < simplex[0].1 {
            let xe = along(-2.0);
            let fe = eval(&xe, &mut evals, &mut best);
            simplex[n] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (xr, fr);
        } else {
            let (xc, fc) = if fr < simplex[n].1 {
                let xc = along(-0.5);
                let fc = eval(&xc, &mut evals, &mut best);
                (xc, fc)
            } else {
                let xc = along(0.5);
                let fc = eval(&xc, &mut evals, &mut best);
                (xc, fc)
            };
            if fc < simplex[n].1.min(fr) {
                simplex[n] = (xc, fc);
            } else {
                let x0 = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    let x: Vec<f64> = (0..n).map(|j| x0[j] + 0.5 * (p.0[j] - x0[j])).collect();
                    let v = eval(&x, &mut evals, &mut best);
                    *p = (x, v);
                }
            }
        }
    }
    Minimum { x: best.0, f: best.1, evaluations: evals, converged }
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock() {
        let mut f = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let opts = Options { step: vec![0.5, 0.5], max_evaluations: 2000, ftol: 1e-12, xtol: 1e-8 };
        let m = nelder_mead(&mut f, &[-1.2, 1.0], &opts, &mut |_, _, _| {});
        assert!((m.x[0] - 1.0).abs() < 1e-3 && (m.x[1] - 1.0).abs() < 1e-3, "{m:?}");
        assert!(m.converged, "{m:?}");
        assert!(m.evaluations <= 2000);
    }

    #[test]
    fn one_dimension_and_budget() {
        let mut f = |x: &[f64]| (x[0] - 3.0).powi(2);
        let opts = Options { step: vec![1.0], max_evaluations: 200, ftol: 1e-12, xtol: 1e-9 };
        let m = nelder_mead(&mut f, &[0.0], &opts, &mut |_, _, _| {});
        assert!((m.x[0] - 3.0).abs() < 1e-4, "{m:?}");
        let opts = Options { max_evaluations: 5, ..opts };
        let m = nelder_mead(&mut f, &[0.0], &opts, &mut |_, _, _| {});
        assert!(!m.converged && m.evaluations == 5, "{m:?}");
    }
}
