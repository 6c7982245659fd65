//! Deterministic parallel passes over the live firms.
//!
//! A pass splits its rows into chunks of a fixed size ([`CHUNK`]), independent of the thread
//! count; each chunk folds its own partial sums, and the partials are combined in chunk order.
//! So a sum is the same number whether one thread or eight ran the pass, and results stay
//! byte-identical across machines.
//!
//! [`Col`] lets a parallel pass write one firm's entry of a column while other threads write
//! other firms' entries. It is sound because every pass that uses it visits each firm id at most
//! once (the live list holds distinct ids in ascending order). The labour market's per-field
//! passes use it over person and firm columns, each field touching only its own rows (the
//! argument is in `phases::labour::Cols`).

use rayon::prelude::*;

use crate::rng::{Phase, bernoulli_indices, stream};
use crate::world::Neumaier;

/// Rows per chunk of a parallel pass. Fixed, so that partial sums do not depend on the number
/// of threads; large enough that per-chunk bookkeeping is negligible.
pub const CHUNK: usize = 4096;

/// Per-industry compensated sums of `N` quantities, one accumulator per chunk.
#[derive(Clone, Debug)]
pub struct IndustrySums<const N: usize> {
    s: Vec<[Neumaier; N]>,
}

impl<const N: usize> IndustrySums<N> {
    pub fn new(n_ind: usize) -> Self {
        IndustrySums { s: vec![[Neumaier::default(); N]; n_ind] }
    }
    #[inline]
    pub fn add(&mut self, k: usize, x: [f64; N]) {
        for (a, v) in self.s[k].iter_mut().zip(x) {
            a.add(v);
        }
    }
    /// The sums by industry, quantity `q`.
    pub fn get(&self, q: usize) -> Vec<f64> {
        self.s.iter().map(|a| a[q].sum()).collect()
    }
    /// Combines chunk partials in chunk order.
    pub fn combine(n_ind: usize, parts: &[Self]) -> Self {
        let mut t = Self::new(n_ind);
        for p in parts {
            t.merge(p);
        }
        t
    }
    fn merge(&mut self, other: &Self) {
        for (a, b) in self.s.iter_mut().zip(&other.s) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
}

/// Runs `body` on every row in parallel with its firm (`rows[j]` is firm `live[j]`'s), chunk by
/// chunk, each chunk folding per-industry sums; returns the sums combined in chunk order
/// (deterministic whatever the thread count).
pub fn for_each_sum<T: Send, const N: usize>(
    rows: &mut [T],
    live: &[u32],
    n_ind: usize,
    body: impl Fn(&mut T, usize, &mut IndustrySums<N>) + Sync,
) -> IndustrySums<N> {
    let parts: Vec<IndustrySums<N>> = rows
        .par_chunks_mut(CHUNK)
        .zip(live.par_chunks(CHUNK))
        .map(|(chunk, ids)| {
            let mut s = IndustrySums::new(n_ind);
            for (r, &f) in chunk.iter_mut().zip(ids) {
                body(r, f as usize, &mut s);
            }
            s
        })
        .collect();
    IndustrySums::combine(n_ind, &parts)
}

/// Fills `out` with `make(j, live[j])` in parallel, chunk by chunk, each chunk folding its own
/// accumulator `A`; returns the chunk accumulators in chunk order for the caller to combine.
/// `out`'s allocation is reused and its rows are written once (not zeroed first).
pub fn fill_fold<T: Send, A: Send>(
    live: &[u32],
    out: &mut Vec<T>,
    init: impl Fn() -> A + Sync,
    make: impl Fn(usize, usize, &mut A) -> T + Sync,
) -> Vec<A> {
    let n = live.len();
    out.clear();
    out.reserve(n);
    let parts = out.spare_capacity_mut()[..n]
        .par_chunks_mut(CHUNK)
        .zip(live.par_chunks(CHUNK))
        .enumerate()
        .map(|(c, (o, ids))| {
            let mut a = init();
            for (i, (slot, &f)) in o.iter_mut().zip(ids).enumerate() {
                slot.write(make(c * CHUNK + i, f as usize, &mut a));
            }
            a
        })
        .collect();
    // SAFETY: the pass above wrote each of the first `n` slots (the chunks of `out` and of
    // `live` pair up one to one and have equal lengths); had `make` panicked, the panic would
    // have propagated before this line and `out` would have stayed empty.
    unsafe { out.set_len(n) };
    parts
}

/// Folds over the live firms in parallel, chunk by chunk; returns the chunk accumulators in
/// chunk order.
pub fn fold_live<A: Send>(
    live: &[u32],
    init: impl Fn() -> A + Sync,
    body: impl Fn(usize, usize, &mut A) + Sync,
) -> Vec<A> {
    live.par_chunks(CHUNK)
        .enumerate()
        .map(|(c, ids)| {
            let mut a = init();
            for (i, &f) in ids.iter().enumerate() {
                body(c * CHUNK + i, f as usize, &mut a);
            }
            a
        })
        .collect()
}

/// Scans the live firms in parallel; `body` pushes what it selects from firm `f` into `out`.
/// Returns everything selected, in live order (as a sequential scan would).
pub fn select_live<T: Send>(live: &[u32], body: impl Fn(usize, &mut Vec<T>) + Sync) -> Vec<T> {
    let parts = fold_live(live, Vec::new, |_, f, out| body(f, out));
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        all.extend(p);
    }
    all
}

/// People per block of [`bernoulli_blocks`]. Fixed: the draws do not depend on the thread count.
pub const PEOPLE_BLOCK: usize = 1 << 16;

/// Visits each index of `0..n` independently with probability `p`, in parallel by fixed blocks
/// of indices, each block drawing its visits from its own stream (seed, phase, month, block)
/// by geometric skips (exact in distribution); `body` pushes what it selects from a visited
/// index into its block's output. Returns everything selected, in index order.
pub fn bernoulli_blocks<T: Send>(
    seed: u64,
    phase: Phase,
    month: u32,
    n: usize,
    p: f64,
    touch: impl Fn(usize) + Sync,
    body: impl Fn(usize, &mut Vec<T>) + Sync,
) -> Vec<T> {
    const AHEAD: usize = 8;
    let blocks = n.div_ceil(PEOPLE_BLOCK);
    let parts: Vec<Vec<T>> = (0..blocks)
        .into_par_iter()
        .map(|b| {
            let mut out = Vec::new();
            let start = b * PEOPLE_BLOCK;
            let len = PEOPLE_BLOCK.min(n - start);
            let mut rng = stream(seed, phase, month, b as u64);
            // The block's hits first, then the body over them with the rows of the hit
            // `AHEAD` places on requested early: scattered rows, so their misses overlap.
            let mut hits = Vec::new();
            bernoulli_indices(&mut rng, len, p, |i, _| hits.push(start + i));
            for (j, &i) in hits.iter().enumerate() {
                if let Some(&next) = hits.get(j + AHEAD) {
                    touch(next);
                }
                body(i, &mut out);
            }
            out
        })
        .collect();
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        all.extend(part);
    }
    all
}

/// Asks the processor to load `x`'s cache line soon (a hint, without effect on results).
#[inline]
pub fn prefetch<T>(x: &T) {
    prefetch_ptr(x as *const T);
}

/// [`prefetch`] of an address: reads nothing, so the address need not be valid.
#[inline]
fn prefetch_ptr<T>(x: *const T) {
    // SAFETY: SSE is part of every x86_64 target; a prefetch never faults, whatever the
    // address, and changes nothing but the cache.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(x.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// A column that a parallel pass writes at distinct indices.
pub struct Col<'a, T> {
    ptr: *mut T,
    len: usize,
    _borrow: std::marker::PhantomData<&'a mut [T]>,
}

// SAFETY: `Col` is only handed to passes that write each index from at most one thread (see
// the module documentation); the borrow of the column lasts as long as the `Col`.
unsafe impl<T: Send> Send for Col<'_, T> {}
unsafe impl<T: Send> Sync for Col<'_, T> {}

impl<'a, T: Copy> Col<'a, T> {
    pub fn new(v: &'a mut [T]) -> Self {
        Col { ptr: v.as_mut_ptr(), len: v.len(), _borrow: std::marker::PhantomData }
    }
    /// Reads entry `i`. The caller must be the only thread touching entry `i` in this pass.
    #[inline]
    pub fn get(&self, i: usize) -> T {
        assert!(i < self.len);
        // SAFETY: in bounds; no other thread writes entry `i` during the pass.
        unsafe { *self.ptr.add(i) }
    }
    /// Asks the processor to load entry `i` soon (a hint; reads nothing).
    #[inline]
    pub fn prefetch(&self, i: usize) {
        if i < self.len {
            // `wrapping_add` stays in bounds here; no reference to the entry is made.
            prefetch_ptr(self.ptr.wrapping_add(i));
        }
    }
    /// Writes entry `i`. The caller must be the only thread touching entry `i` in this pass.
    #[inline]
    pub fn set(&self, i: usize, v: T) {
        assert!(i < self.len);
        // SAFETY: in bounds; no other thread reads or writes entry `i` during the pass.
        unsafe { *self.ptr.add(i) = v }
    }
    /// Changes entry `i` in place (one field of a record, say). The caller must be the only
    /// thread touching entry `i` in this pass, and `change` must not touch entry `i` through
    /// this `Col`.
    #[inline]
    pub fn update<R>(&self, i: usize, change: impl FnOnce(&mut T) -> R) -> R {
        assert!(i < self.len);
        // SAFETY: in bounds; no other thread touches entry `i` during the pass, and no caller
        // reaches entry `i` again from inside `change`, so the reference is unique while it lives.
        change(unsafe { &mut *self.ptr.add(i) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_do_not_depend_on_the_thread_count() {
        let mut rows: Vec<(usize, f64)> = (0..50_000).map(|i| (i % 7, 1.0 / (1.0 + i as f64))).collect();
        let live: Vec<u32> = (0..50_000).map(|i| 2 * i).collect();
        let run = |threads: usize, rows: &mut Vec<(usize, f64)>| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                for_each_sum::<_, 1>(rows, &live, 7, |r, f, s| {
                    // Each row comes with its own firm.
                    assert_eq!(r.0, (f / 2) % 7);
                    s.add(r.0, [r.1]);
                })
                .get(0)
            })
        };
        let a = run(1, &mut rows);
        let b = run(3, &mut rows);
        assert_eq!(
            a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            b.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        let direct: f64 = rows.iter().filter(|r| r.0 == 3).map(|r| r.1).sum();
        assert!((a[3] - direct).abs() < 1e-12);
    }

    #[test]
    fn fill_fold_keeps_row_order() {
        let live: Vec<u32> = (0..20_000).map(|i| i * 3).collect();
        let mut out: Vec<u64> = Vec::new();
        let parts = fill_fold(
            &live,
            &mut out,
            || 0u64,
            |j, f, a| {
                *a += 1;
                (j * 10_000 + f) as u64
            },
        );
        assert_eq!(parts.iter().sum::<u64>(), 20_000);
        assert!(out.iter().enumerate().all(|(j, &v)| v == (j * 10_000 + j * 3) as u64));
    }

    #[test]
    fn col_writes_distinct_entries_in_parallel() {
        let mut v = vec![0u32; 100_000];
        let live: Vec<u32> = (0..100_000).step_by(2).collect();
        {
            let c = Col::new(&mut v);
            fold_live(&live, || (), |_, f, _| c.set(f, f as u32 + 1));
        }
        assert!(v.iter().enumerate().all(|(i, &x)| x == if i % 2 == 0 { i as u32 + 1 } else { 0 }));
    }
}
