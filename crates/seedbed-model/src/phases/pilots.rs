//! Phase 6, application scenarios (MODEL.md; INFSO-SKIN calls, Gilbert et al. 2015): each
//! quarter, every industry's pilot slots go to the applicants with the best signal (technology
//! plus noise). A pilot brings a contract paid monthly by the city and a validation that raises
//! the firm's competitiveness and its signal to investors.

use rayon::prelude::*;

use crate::config::Instrument;
use crate::events::Kind;
use crate::par;
use crate::rng::{Draw, Phase, stream};
use crate::world::World;

/// Phase 6 (runs in the last month of each quarter; contracts are claimed every month).
pub fn pilots(w: &mut World) {
    if !w.cfg.on(Instrument::Pilots) {
        return;
    }
    let p = w.cfg.s.policy.pilots.clone();
    let monthly = p.contract_m / p.duration_months;
    // Running contracts claim their monthly payment (a parallel scan, claims in id order).
    let wr: &World = w;
    let running = par::select_live(&wr.firms.live, |fi, out| {
        if wr.firms.contract_until[fi] > wr.month {
            let k = wr.firms.industry[fi] as usize;
            out.push((fi as u32, monthly, wr.cfg.ind.class[k].is_future()));
        }
    });
    w.claims[Instrument::Pilots as usize].items.extend(running);
    let (_, month) = w.calendar(w.month);
    if month % 3 != 0 {
        return;
    }
    let n_ind = w.cfg.n_ind;
    // Applicants and their signals: a parallel scan by chunks of the live firms. An industry
    // awards at most ceil(slots) pilots (the slots are rounded stochastically below), so each
    // chunk keeps only its best ceil(slots) applicants of each industry: the winners, chosen
    // below in a total order (signal, then id), are the same as from the full list.
    let keep: Vec<usize> =
        w.cfg.ind.pilot_slots_per_quarter.iter().map(|&x| if x > 0.0 { x.ceil() as usize } else { 0 }).collect();
    let wr: &World = w;
    let noise = crate::rng::Family::new(wr.seed, Phase::Pilots, wr.month as u32);
    let parts: Vec<Vec<Vec<(f64, u32)>>> = wr
        .firms
        .live
        .par_chunks(par::CHUNK)
        .map(|ids| {
            let mut by_ind: Vec<Vec<(f64, u32)>> = vec![Vec::new(); n_ind];
            for &f in ids {
                let fi = f as usize;
                if wr.firms.contract_until[fi] > wr.month {
                    continue;
                }
                let k = wr.firms.industry[fi] as usize;
                if keep[k] == 0 {
                    continue;
                }
                let mut r = noise.stream(wr.firms.key(fi));
                by_ind[k].push((wr.firms.ln_a[fi] + p.selection_noise_sd * r.normal(), f));
            }
            for (list, &n) in by_ind.iter_mut().zip(&keep) {
                keep_best(list, n);
            }
            by_ind
        })
        .collect();
    let mut applicants: Vec<Vec<(f64, u32)>> = vec![Vec::new(); n_ind];
    for part in parts {
        for (list, chunk) in applicants.iter_mut().zip(part) {
            list.extend(chunk);
        }
    }
    let mut rng = stream(w.seed, Phase::Pilots, w.month as u32, u64::MAX);
    for (k, list) in applicants.iter_mut().enumerate() {
        let slots = rng.round_stochastic(w.cfg.ind.pilot_slots_per_quarter[k]) as usize;
        if slots == 0 || list.is_empty() {
            continue;
        }
        keep_best(list, slots);
        list.sort_by(by_signal);
        for &(_, f) in list.iter() {
            let fi = f as usize;
            w.firms.contract_until[fi] = w.month + p.duration_months.round() as i32;
            w.firms.pilot_until[fi] = w.month + p.validation_months.round() as i32;
            w.m.pilots_awarded += 1;
            w.events.push(Kind::PilotAwarded, f, None, None, k as u16, p.contract_m, "");
        }
    }
}

/// The order of applicants: the higher signal first, then the lower firm id (a total order,
/// so the winners do not depend on the order applicants were listed in).
fn by_signal(a: &(f64, u32), b: &(f64, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// Keeps the best `n` applicants of `list` (in no particular order).
fn keep_best(list: &mut Vec<(f64, u32)>, n: usize) {
    if n < list.len() {
        if n > 0 {
            list.select_nth_unstable_by(n - 1, by_signal);
        }
        list.truncate(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Draw, Phase, stream};

    #[test]
    fn the_best_of_each_chunk_hold_the_best_of_all() {
        let mut r = stream(5, Phase::Init, 0, 0);
        for n in [0usize, 1, 3, 10, 200] {
            // Signals with ties, so that the id breaks them.
            let all: Vec<(f64, u32)> = (0..5000u32).map(|i| ((r.unif() * 50.0).floor(), i)).collect();
            let mut direct = all.clone();
            keep_best(&mut direct, n);
            direct.sort_by(by_signal);
            let mut merged = Vec::new();
            for chunk in all.chunks(333) {
                let mut c = chunk.to_vec();
                keep_best(&mut c, n);
                merged.extend(c);
            }
            keep_best(&mut merged, n);
            merged.sort_by(by_signal);
            assert_eq!(direct.len(), n);
            assert_eq!(direct, merged, "n = {n}");
            let mut sorted = all.clone();
            sorted.sort_by(by_signal);
            assert_eq!(direct[..], sorted[..n]);
        }
    }
}
