//! Experimental designs in the unit hypercube [0, 1]^d: full grids, Latin hypercubes, Morris
//! trajectories and Saltelli's matrices for Sobol indices. Each varied parameter maps a unit
//! coordinate u to `lo + u (hi - lo)` (`crate::vary::Lever::value`).
//!
//! Random designs draw from a Xoshiro256++ generator seeded with the design seed, so a design is
//! the same on every machine and every run.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The seeded generator of the designs; `stream` separates independent uses of one seed.
pub fn design_rng(seed: u64, stream: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Streams of `design_rng`.
pub mod streams {
    pub const LHS: u64 = 1;
    pub const MORRIS: u64 = 2;
    pub const SALTELLI: u64 = 3;
    pub const BOOTSTRAP: u64 = 4;
}

/// A full factorial grid with `k` equally spaced levels per dimension (0, 1/(k-1), ..., 1; the
/// midpoint 0.5 when `k` is 1): `k^dims` points, the last dimension varying fastest.
pub fn grid(dims: usize, k: usize) -> Vec<Vec<f64>> {
    let level = |j: usize| if k <= 1 { 0.5 } else { j as f64 / (k - 1) as f64 };
    let total = k.checked_pow(dims as u32).unwrap_or(usize::MAX);
    (0..total)
        .map(|mut index| {
            let mut p = vec![0.0; dims];
            for slot in p.iter_mut().rev() {
                *slot = level(index % k);
                index /= k;
            }
            p
        })
        .collect()
}

/// A Latin hypercube of `k` points: in every dimension each of the `k` equal strata holds
/// exactly one point, placed uniformly at random within it; strata are matched across
/// dimensions by independent random permutations (McKay, Beckman and Conover 1979).
pub fn latin_hypercube(dims: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = design_rng(seed, streams::LHS);
    let mut points = vec![vec![0.0; dims]; k];
    for d in 0..dims {
        let mut strata: Vec<usize> = (0..k).collect();
        shuffle(&mut strata, &mut rng);
        for (p, &s) in points.iter_mut().zip(&strata) {
            let u: f64 = rng.random();
            p[d] = (s as f64 + u) / k as f64;
        }
    }
    points
}

/// Fisher-Yates shuffle.
fn shuffle<T>(v: &mut [T], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
}

/// Morris's one-at-a-time design (Morris 1991, with the randomised orientation of Campolongo,
/// Cariboni and Saltelli 2007): `r` trajectories of `dims + 1` points on a grid of `levels`
/// levels; consecutive points differ in one coordinate by ±`delta` = levels / (2 (levels - 1)).
#[derive(Clone, Debug, PartialEq)]
pub struct MorrisDesign {
    pub dims: usize,
    pub levels: usize,
    pub delta: f64,
    pub trajectories: Vec<Trajectory>,
}

/// One Morris trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    /// `dims + 1` points.
    pub points: Vec<Vec<f64>>,
    /// `order[s]` is the coordinate changed between points `s` and `s + 1`.
    pub order: Vec<usize>,
    /// `step[s]` is the signed change (+delta or -delta) of that coordinate.
    pub step: Vec<f64>,
}

impl MorrisDesign {
    /// Every point, trajectory after trajectory.
    pub fn points(&self) -> Vec<Vec<f64>> {
        self.trajectories.iter().flat_map(|t| t.points.iter().cloned()).collect()
    }
}

/// A Morris design; `levels` must be even and at least 2.
pub fn morris(dims: usize, r: usize, levels: usize, seed: u64) -> MorrisDesign {
    assert!(levels >= 2 && levels.is_multiple_of(2), "Morris levels must be even and at least 2");
    let mut rng = design_rng(seed, streams::MORRIS);
    let span = (levels - 1) as f64;
    let jump = levels / 2; // delta in grid steps
    let delta = jump as f64 / span;
    let trajectories = (0..r)
        .map(|_| {
            let up: Vec<bool> = (0..dims).map(|_| rng.random_bool(0.5)).collect();
            // The start level leaves room for the jump in the chosen direction.
            let mut x: Vec<f64> = up
                .iter()
                .map(|&u| {
                    let l = rng.random_range(0..levels - jump);
                    (if u { l } else { l + jump }) as f64 / span
                })
                .collect();
            let mut order: Vec<usize> = (0..dims).collect();
            shuffle(&mut order, &mut rng);
            let mut points = vec![x.clone()];
            let mut step = Vec::with_capacity(dims);
            for &i in &order {
                let s = if up[i] { delta } else { -delta };
                x[i] = (x[i] + s).clamp(0.0, 1.0);
                step.push(s);
                points.push(x.clone());
            }
            Trajectory { points, order, step }
        })
        .collect();
    MorrisDesign { dims, levels, delta, trajectories }
}

/// Saltelli's design for Sobol indices (Saltelli et al. 2010): two independent uniform
/// matrices A and B of `n` rows, and for each dimension i the matrix A_B^i, A with column i
/// taken from B. Row j contributes `dims + 2` points in the order A_j, B_j, A_B^0_j, ...,
/// A_B^{dims-1}_j, so `n (dims + 2)` points in all.
#[derive(Clone, Debug, PartialEq)]
pub struct SaltelliDesign {
    pub dims: usize,
    pub n: usize,
    pub points: Vec<Vec<f64>>,
}

/// A Saltelli design with base sample size `n` (A and B drawn by plain Monte Carlo).
pub fn saltelli(dims: usize, n: usize, seed: u64) -> SaltelliDesign {
    let mut rng = design_rng(seed, streams::SALTELLI);
    let mut points = Vec::with_capacity(n * (dims + 2));
    for _ in 0..n {
        let a: Vec<f64> = (0..dims).map(|_| rng.random()).collect();
        let b: Vec<f64> = (0..dims).map(|_| rng.random()).collect();
        points.push(a.clone());
        points.push(b.clone());
        for i in 0..dims {
            let mut ab = a.clone();
            ab[i] = b[i];
            points.push(ab);
        }
    }
    SaltelliDesign { dims, n, points }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_cover_every_combination() {
        let g = grid(2, 3);
        assert_eq!(g.len(), 9);
        assert_eq!(g[0], [0.0, 0.0]);
        assert_eq!(g[1], [0.0, 0.5]);
        assert_eq!(g[8], [1.0, 1.0]);
        assert_eq!(grid(3, 1), [[0.5, 0.5, 0.5]]);
    }

    #[test]
    fn latin_hypercube_fills_each_stratum_once() {
        let k = 17;
        let p = latin_hypercube(3, k, 5);
        assert_eq!(p.len(), k);
        for d in 0..3 {
            let mut strata: Vec<usize> = p.iter().map(|x| (x[d] * k as f64) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..k).collect::<Vec<_>>());
        }
        assert_eq!(p, latin_hypercube(3, k, 5), "seeded");
        assert_ne!(p, latin_hypercube(3, k, 6));
    }

    #[test]
    fn morris_trajectories_move_one_coordinate_by_delta() {
        let m = morris(4, 20, 4, 1);
        assert!((m.delta - 2.0 / 3.0).abs() < 1e-12);
        for t in &m.trajectories {
            assert_eq!(t.points.len(), 5);
            let mut seen = t.order.clone();
            seen.sort();
            assert_eq!(seen, [0, 1, 2, 3]);
            for s in 0..4 {
                for d in 0..4 {
                    let change = t.points[s + 1][d] - t.points[s][d];
                    if d == t.order[s] {
                        assert!((change - t.step[s]).abs() < 1e-12 && (change.abs() - m.delta).abs() < 1e-12);
                    } else {
                        assert_eq!(change, 0.0);
                    }
                }
            }
            assert!(t.points.iter().flatten().all(|&x| (0.0..=1.0).contains(&x)));
        }
    }

    #[test]
    fn saltelli_rows_share_columns_with_a_and_b() {
        let s = saltelli(3, 4, 9);
        assert_eq!(s.points.len(), 4 * 5);
        for j in 0..4 {
            let row = &s.points[j * 5..(j + 1) * 5];
            for i in 0..3 {
                let expected: Vec<f64> = (0..3).map(|d| if d == i { row[1][d] } else { row[0][d] }).collect();
                assert_eq!(row[2 + i], expected);
            }
        }
    }
}
