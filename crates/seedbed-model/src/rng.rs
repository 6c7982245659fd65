//! Random streams. Every draw comes from a Xoshiro256++ stream keyed by
//! (master seed, phase, month, agent or slot id), so a firm's innovation draw in a month does not
//! depend on how many threads ran, on the order firms were visited, or on what other agents did:
//! two scenarios run with the same seed share their random numbers wherever their agents coincide
//! (common random numbers).

use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Beta, Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

pub type Stream = Xoshiro256PlusPlus;

/// Named phases (stream families). Changing a number changes every result: keep them stable.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Phase {
    Init = 1,
    Arrivals = 2,
    Retirement = 3,
    Outflow = 4,
    Quits = 5,
    Hiring = 6,
    Founding = 7,
    FoundingPerson = 8,
    Innovation = 9,
    Pilots = 10,
    Market = 11,
    Finance = 12,
    FundFormation = 13,
    Exit = 14,
    Entrant = 15,
    Scaling = 16,
    Spinoff = 17,
    Layoff = 18,
    Acquisition = 19,
    FoundingSwitch = 20,
    FoundingIndustry = 21,
    InnovationStep = 22,
    Imitation = 23,
    OutsideDeals = 24,
    MarketShock = 25,
}

/// SplitMix64 finaliser: a bijective 64-bit mix.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The draws of one (seed, phase, month) for any agent id. The key of (seed, phase, month, id),
/// what a stream is seeded with, is `mix(mix(mix(seed ^ phase C) ^ month) ^ id)`; its first two
/// steps do not depend on the agent, so a pass over a million firms takes them once, not once
/// per firm. Its streams are the same as [`stream`]'s.
#[derive(Clone, Copy, Debug)]
pub struct Family(u64);

impl Family {
    #[inline]
    pub fn new(seed: u64, phase: Phase, month: u32) -> Family {
        Family(mix(mix(seed ^ (phase as u64).wrapping_mul(0xA076_1D64_78BD_642F)) ^ u64::from(month)))
    }

    /// The key of agent `id`.
    #[inline]
    fn key(self, id: u64) -> u64 {
        mix(self.0 ^ id)
    }

    /// The stream of agent `id`.
    #[inline]
    pub fn stream(self, id: u64) -> Stream {
        seeded(self.key(id))
    }

    /// One uniform in [0, 1) for agent `id`, without building a stream: the SplitMix64
    /// finaliser (Steele, Lea, Flood 2014) applied to the key, a counter-based draw. For the
    /// many agents that need a single number a month.
    #[inline]
    pub fn uniform(self, id: u64) -> f64 {
        unit(mix(self.key(id)))
    }
}

/// The stream of (seed, phase, month, id).
#[inline]
pub fn stream(seed: u64, phase: Phase, month: u32, id: u64) -> Stream {
    Family::new(seed, phase, month).stream(id)
}

/// SplitMix64's increment: the state words of a stream seeded with `k` are `mix(k + i G)`.
const G: u64 = 0x9E37_79B9_7F4A_7C15;

/// `Stream::seed_from_u64(k)` without going through a byte-filling generator: the state is the
/// first four outputs of SplitMix64 seeded with `k`, exactly as `seed_from_u64` makes it.
#[inline]
fn seeded(k: u64) -> Stream {
    let mut seed = [0u8; 32];
    for i in 0..4u64 {
        let word = mix(k.wrapping_add(i.wrapping_mul(G)));
        seed[8 * i as usize..8 * i as usize + 8].copy_from_slice(&word.to_le_bytes());
    }
    Stream::from_seed(seed)
}

/// A 64-bit word as a uniform in [0, 1): its top 53 bits, as `rand` makes an `f64`.
#[inline]
fn unit(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Convenience draws on any stream.
pub trait Draw: Rng {
    /// Uniform in [0, 1).
    #[inline]
    fn unif(&mut self) -> f64 {
        self.random::<f64>()
    }
    /// Uniform in (0, 1]: safe for logarithms.
    #[inline]
    fn unif_pos(&mut self) -> f64 {
        1.0 - self.random::<f64>()
    }
    #[inline]
    fn normal(&mut self) -> f64 {
        StandardNormal.sample(self)
    }
    #[inline]
    fn bernoulli(&mut self, p: f64) -> bool {
        self.unif() < p
    }
    /// Exponential with mean 1.
    #[inline]
    fn exp1(&mut self) -> f64 {
        -self.unif_pos().ln()
    }
    /// Pareto with minimum 1 and exponent `alpha`.
    #[inline]
    fn pareto(&mut self, alpha: f64) -> f64 {
        self.unif_pos().powf(-1.0 / alpha)
    }
    /// Beta(a, b); falls back to the mean if the parameters are degenerate.
    fn beta(&mut self, a: f64, b: f64) -> f64 {
        match Beta::new(a, b) {
            Ok(d) => d.sample(self),
            Err(_) => a / (a + b),
        }
    }
    /// Poisson count with mean `lambda` (exact: inversion for small means, normal tail
    /// correction via the PTRS-free Knuth split for large ones).
    fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 || !lambda.is_finite() {
            return 0;
        }
        if lambda < 30.0 {
            let l = (-lambda).exp();
            let mut k = 0u64;
            let mut p = 1.0;
            loop {
                p *= self.unif();
                if p <= l {
                    return k;
                }
                k += 1;
            }
        }
        match rand_distr::Poisson::new(lambda) {
            Ok(d) => {
                let x: f64 = d.sample(self);
                x as u64
            }
            Err(_) => lambda.round() as u64,
        }
    }
    /// Rounds `x` up or down at random so that the expectation is `x` (seeded stochastic rounding).
    #[inline]
    fn round_stochastic(&mut self, x: f64) -> u64 {
        if x <= 0.0 {
            return 0;
        }
        let f = x.floor();
        f as u64 + u64::from(self.unif() < x - f)
    }
    /// Number of failures before the next success of a Bernoulli(p) sequence (geometric skip).
    /// Used to visit the members of a large population that an event with probability `p`
    /// touches without drawing for every member: exact in distribution.
    #[inline]
    fn geometric_skip(&mut self, ln_1mp: f64) -> u64 {
        if ln_1mp >= 0.0 {
            return u64::MAX;
        }
        let g = (self.unif_pos().ln() / ln_1mp).floor();
        if g >= 1.8e19 { u64::MAX } else { g as u64 }
    }
}

impl<R: Rng + ?Sized> Draw for R {}

/// Visits each index in `0..n` independently with probability `p`, in increasing order,
/// drawing only as many numbers as there are visits (plus one).
pub fn bernoulli_indices(rng: &mut Stream, n: usize, p: f64, mut visit: impl FnMut(usize, &mut Stream)) {
    if p <= 0.0 || n == 0 {
        return;
    }
    if p >= 1.0 {
        for i in 0..n {
            visit(i, rng);
        }
        return;
    }
    let ln_1mp = (1.0 - p).ln();
    let mut i = rng.geometric_skip(ln_1mp);
    while (i as usize) < n && i != u64::MAX {
        visit(i as usize, rng);
        let skip = rng.geometric_skip(ln_1mp);
        i = match i.checked_add(skip).and_then(|x| x.checked_add(1)) {
            Some(x) => x,
            None => break,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(1, Phase::Market, 3, 7).random();
        let b: u64 = stream(1, Phase::Market, 3, 7).random();
        let c: u64 = stream(1, Phase::Market, 3, 8).random();
        let d: u64 = stream(2, Phase::Market, 3, 7).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn direct_seeding_equals_seed_from_u64() {
        for k in [0u64, 1, 42, u64::MAX, 0x0123_4567_89AB_CDEF] {
            let mut a = seeded(k);
            let mut b = Stream::seed_from_u64(k);
            for _ in 0..8 {
                assert_eq!(a.random::<u64>(), b.random::<u64>());
            }
        }
    }

    /// The key written out in one piece, as it was before `Family` split it.
    fn key_in_one_piece(seed: u64, phase: Phase, month: u32, id: u64) -> u64 {
        mix(mix(mix(seed ^ (phase as u64).wrapping_mul(0xA076_1D64_78BD_642F)) ^ u64::from(month)) ^ id)
    }

    #[test]
    fn a_family_draws_the_same_numbers_as_the_keyed_functions() {
        let mut r = stream(6, Phase::Init, 0, 0);
        for _ in 0..10_000 {
            let (seed, month, id) = (r.random::<u64>(), r.random::<u32>(), r.random::<u64>());
            for phase in [Phase::Market, Phase::Exit, Phase::Innovation] {
                let fam = Family::new(seed, phase, month);
                let k = key_in_one_piece(seed, phase, month, id);
                assert_eq!(fam.key(id), k);
                assert_eq!(fam.uniform(id).to_bits(), unit(mix(k)).to_bits());
                let (mut a, mut b) = (fam.stream(id), Stream::seed_from_u64(k));
                assert_eq!(a.random::<u64>(), b.random::<u64>());
                assert_eq!(a.random::<u64>(), b.random::<u64>());
            }
        }
    }

    #[test]
    fn bernoulli_indices_has_the_right_rate() {
        let mut rng = stream(9, Phase::Init, 0, 0);
        let mut hits = 0usize;
        let mut last = None;
        bernoulli_indices(&mut rng, 1_000_000, 0.01, |i, _| {
            assert!(last.is_none_or(|l| i > l));
            last = Some(i);
            hits += 1;
        });
        // mean 10,000, sd about 99.5
        assert!((hits as f64 - 10_000.0).abs() < 500.0, "{hits}");
    }

    #[test]
    fn poisson_mean() {
        let mut rng = stream(3, Phase::Init, 0, 0);
        for lambda in [0.5, 12.0, 400.0] {
            let n = 20_000;
            let s: u64 = (0..n).map(|_| rng.poisson(lambda)).sum();
            let mean = s as f64 / n as f64;
            assert!((mean - lambda).abs() < 5.0 * (lambda / n as f64).sqrt() + 1e-9, "{lambda} {mean}");
        }
    }

    #[test]
    fn stochastic_rounding_is_unbiased() {
        let mut rng = stream(4, Phase::Init, 0, 0);
        let n = 100_000;
        let s: u64 = (0..n).map(|_| rng.round_stochastic(2.3)).sum();
        assert!((s as f64 / n as f64 - 2.3).abs() < 0.01);
    }
}
