//! Phase 3, labour market (MODEL.md): graduates and migrants arrive, with inflow rising with
//! talent subsidies and the city's vacancy rate; people retire, and the unemployed leave by a
//! hazard rising with unemployment duration; employees quit; firms above their desired
//! employment lay off (last in, first out); firms below it post vacancies, filled through a
//! Cobb-Douglas matching function (Petrongolo and Pissarides 2001) from job seekers in their
//! field, better skill first (tournament), then from other fields.

use crate::config::Instrument;
use crate::rng::{Draw, Phase, bernoulli_indices, stream};
use crate::state::*;
use crate::world::World;

/// Moves person `p` into `new` state, keeping state counts, pools and free slots consistent.
pub fn enter_state(w: &mut World, p: u32, new: u8) {
    let i = p as usize;
    let ppl = &mut w.people;
    let old = ppl.state[i];
    if old == pstate::UNEMPLOYED && ppl.pos[i] != NONE {
        let field = ppl.field[i] as usize;
        let pos = ppl.pos[i] as usize;
        let pool = &mut ppl.pools[field];
        pool.swap_remove(pos);
        if pos < pool.len() {
            let moved = pool[pos] as usize;
            ppl.pos[moved] = pos as u32;
        }
        ppl.pos[i] = NONE;
    }
    if old != pstate::LEFT && ppl.employer[i] != NONE && old != pstate::FOUNDER {
        // callers separate employees first; this keeps the invariant if one forgot
        debug_assert!(false, "person {p} changed state while employed");
    }
    if old != pstate::LEFT {
        ppl.count[old as usize] -= 1;
    }
    ppl.state[i] = new;
    ppl.since[i] = w.month;
    match new {
        pstate::UNEMPLOYED => {
            let field = ppl.field[i] as usize;
            ppl.pos[i] = ppl.pools[field].len() as u32;
            ppl.pools[field].push(p);
            ppl.count[new as usize] += 1;
        }
        pstate::LEFT => {
            ppl.free.push(p);
        }
        _ => ppl.count[new as usize] += 1,
    }
}

/// The wage (at wage index 1) a firm of industry `k` with technology `ln_a` pays a person of skill `h`.
pub fn offered_wage(w: &World, k: usize, ln_a: f64, h: f32) -> f32 {
    let l = &w.cfg.s.labour;
    let rel = ln_a - (w.ind.frontier[k] - w.cfg.ind.initial_gap_mean[k]);
    (w.cfg.ind.wage[k] * f64::from(h).powf(l.wage_skill_elasticity) * (l.wage_productivity_elasticity * rel).exp())
        as f32
}

/// Hires job seeker `p` into `firm` (head of its employee list).
pub fn hire(w: &mut World, p: u32, firm: u32) {
    let (i, f) = (p as usize, firm as usize);
    let k = w.firms.industry[f] as usize;
    enter_state(w, p, pstate::EMPLOYED);
    let wage = offered_wage(w, k, w.firms.ln_a[f], w.people.skill[i]);
    let ppl = &mut w.people;
    ppl.field[i] = k as u16;
    ppl.employer[i] = firm;
    ppl.wage[i] = wage;
    let head = w.firms.head[f];
    ppl.next[i] = head;
    ppl.prev[i] = NONE;
    if head != NONE {
        ppl.prev[head as usize] = p;
    }
    w.firms.head[f] = p;
    w.firms.employees[f] += 1;
    w.firms.skill_sum[f] += f64::from(ppl.skill[i]);
    w.firms.wage_sum[f] += f64::from(wage);
}

/// Hires job seeker `p` into the sector outside the enterprises (public sector, self-employed).
pub fn hire_outside(w: &mut World, p: u32) {
    let i = p as usize;
    enter_state(w, p, pstate::EMPLOYED);
    let k = w.people.field[i] as usize;
    let wage = (w.cfg.ind.wage[k] * f64::from(w.people.skill[i]).powf(w.cfg.s.labour.wage_skill_elasticity)) as f32;
    w.people.employer[i] = OUTSIDE;
    w.people.wage[i] = wage;
    w.people.outside_count += 1;
}

/// Ends person `p`'s job (the person stays in their state until the caller moves them).
pub fn separate(w: &mut World, p: u32) {
    let i = p as usize;
    let e = w.people.employer[i];
    if e == NONE {
        return;
    }
    w.people.employer[i] = NONE;
    if e == OUTSIDE {
        w.people.outside_count -= 1;
        return;
    }
    let f = e as usize;
    let (next, prev) = (w.people.next[i], w.people.prev[i]);
    if prev != NONE {
        w.people.next[prev as usize] = next;
    } else {
        w.firms.head[f] = next;
    }
    if next != NONE {
        w.people.prev[next as usize] = prev;
    }
    w.people.next[i] = NONE;
    w.people.prev[i] = NONE;
    w.firms.employees[f] -= 1;
    if w.firms.employees[f] == 0 {
        w.firms.skill_sum[f] = 0.0;
        w.firms.wage_sum[f] = 0.0;
    } else {
        w.firms.skill_sum[f] -= f64::from(w.people.skill[i]);
        w.firms.wage_sum[f] -= f64::from(w.people.wage[i]);
    }
    if w.firms.flags[f] & fflag::PLATFORM != 0
        && f64::from(w.month - w.people.since[i]) >= w.cfg.s.platforms.alumni_min_months
    {
        w.people.flags[i] |= pflag::ALUMNUS;
    }
}

/// Employee `p` loses the job and looks for work in the city.
pub fn to_unemployed(w: &mut World, p: u32) {
    separate(w, p);
    enter_state(w, p, pstate::UNEMPLOYED);
}

/// Person `p` leaves the city.
pub fn leave(w: &mut World, p: u32) {
    separate(w, p);
    enter_state(w, p, pstate::LEFT);
    w.m.departures += 1;
}

/// Phase 3: the whole labour market of one month.
pub fn labour_market(w: &mut World) {
    retirements(w);
    unemployed_outflow(w);
    quits(w);
    arrivals(w);
    layoffs(w);
    matching(w);
}

/// Every person but a founder of a live firm retires with a constant monthly hazard.
fn retirements(w: &mut World) {
    let mut rng = stream(w.seed, Phase::Retirement, w.month as u32, 0);
    let n = w.people.len();
    let mut hits = std::mem::take(&mut w.scratch_u32);
    hits.clear();
    bernoulli_indices(&mut rng, n, w.cfg.s.labour.retirement_hazard, |i, _| hits.push(i as u32));
    for &p in &hits {
        let s = w.people.state[p as usize];
        if s == pstate::EMPLOYED || s == pstate::UNEMPLOYED {
            leave(w, p);
            w.m.retirements += 1;
        }
    }
    w.scratch_u32 = hits;
}

/// The unemployed leave the city with a hazard that rises with months unemployed (exact
/// thinning: candidates at the maximum hazard, accepted with h(d) / h_max).
fn unemployed_outflow(w: &mut World) {
    let l = w.cfg.s.labour.clone();
    let hmax = l.outflow_hazard_max;
    if hmax <= 0.0 {
        return;
    }
    let mut hits = std::mem::take(&mut w.scratch_u32);
    hits.clear();
    for k in 0..w.cfg.n_ind {
        let mut rng = stream(w.seed, Phase::Outflow, w.month as u32, k as u64);
        let pool = &w.people.pools[k];
        let since = &w.people.since;
        let month = w.month;
        bernoulli_indices(&mut rng, pool.len(), hmax, |j, r| {
            let p = pool[j];
            let d = f64::from(month - since[p as usize]).max(0.0);
            let h = (l.outflow_hazard_base + l.outflow_hazard_per_month_unemployed * d).min(hmax);
            if r.unif() * hmax < h {
                hits.push(p);
            }
        });
    }
    for &p in &hits {
        leave(w, p);
    }
    w.scratch_u32 = hits;
}

/// Employees (of firms and of the outside sector) quit into job search.
fn quits(w: &mut World) {
    let mut rng = stream(w.seed, Phase::Quits, w.month as u32, 0);
    let mut hits = std::mem::take(&mut w.scratch_u32);
    hits.clear();
    bernoulli_indices(&mut rng, w.people.len(), w.cfg.s.labour.quit_hazard, |i, _| hits.push(i as u32));
    for &p in &hits {
        if w.people.state[p as usize] == pstate::EMPLOYED {
            to_unemployed(w, p);
            w.m.quits += 1;
        }
    }
    w.scratch_u32 = hits;
}

/// Graduates and migrants arrive as job seekers. Inflow = baseline x (1 + elasticity x subsidy
/// per head / annual wage) x (vacancy rate / reference)^e (MODEL.md clarification).
fn arrivals(w: &mut World) {
    let l = &w.cfg.s.labour;
    let scale = w.cfg.scale;
    let subsidy_on = w.cfg.on(Instrument::TalentSubsidies);
    let subsidy = if subsidy_on {
        w.cfg.s.policy.talent_subsidies.subsidy_m_per_graduate
            * w.budget.payout_ratio[Instrument::TalentSubsidies as usize]
    } else {
        0.0
    };
    let annual_wage = (12.0 * w.mean_wage).max(1e-9);
    let talent = 1.0 + l.talent_subsidy_elasticity * subsidy / annual_wage;
    let vac = (w.vacancy_rate.max(1e-4) / l.vacancy_rate_reference).powf(l.vacancy_inflow_elasticity);
    let mut rng = stream(w.seed, Phase::Arrivals, w.month as u32, u64::MAX);
    let grads = rng.poisson(l.graduates_per_year * scale / 12.0 * talent * vac);
    let migrants = rng.poisson(l.migrants_per_year * scale / 12.0 * vac);
    let premium = l.graduate_skill_premium;
    for i in 0..(grads + migrants) {
        let mut r = stream(w.seed, Phase::Arrivals, w.month as u32, i);
        let grad = i < grads;
        let field = w.cfg.field_of(r.unif());
        let p = &w.cfg.s.population;
        let skill = ((if grad { premium } else { 0.0 }) + p.skill_log_sd * r.normal()).exp() as f32;
        let sd = p.propensity_log_sd;
        let prop = (sd * r.normal() - 0.5 * sd * sd).exp() as f32;
        w.add_person(field, pstate::UNEMPLOYED, skill, prop, if grad { pflag::GRADUATE } else { 0 });
    }
    w.m.arrivals += grads + migrants;
    w.m.graduates += grads;
    if subsidy_on && grads > 0 {
        let amount = grads as f64 * w.cfg.s.policy.talent_subsidies.subsidy_m_per_graduate;
        w.claims[Instrument::TalentSubsidies as usize].items.push((NONE, amount, false));
    }
}

/// Firms employing more than (1 + slack) x desired lay off the most recent hires.
fn layoffs(w: &mut World) {
    let l = &w.cfg.s.labour;
    let (slack, rate) = (l.layoff_slack, l.layoff_rate_max);
    // The firms above their desired size, and how many each lets go: a parallel scan.
    let wr: &World = w;
    let over = crate::par::select_live(&wr.firms.live, |fi, out: &mut Vec<(u32, u32)>| {
        let n = f64::from(wr.firms.employees[fi]);
        let d = f64::from(wr.firms.desired[fi]).max(0.0);
        if n > d * (1.0 + slack) + 1.0 {
            out.push((fi as u32, ((n - d).min(rate * n).max(1.0)) as u32));
        }
    });
    let mut fire = std::mem::take(&mut w.scratch_u32);
    fire.clear();
    for (f, k) in over {
        let mut p = w.firms.head[f as usize];
        for _ in 0..k {
            if p == NONE {
                break;
            }
            fire.push(p);
            p = w.people.next[p as usize];
        }
    }
    for &p in &fire {
        to_unemployed(w, p);
        w.m.layoffs += 1;
    }
    w.scratch_u32 = fire;
}

/// Draws the best-skilled of `t` random job seekers of `pool`.
fn tournament(pool: &[u32], skill: &[f32], t: u32, r: &mut crate::rng::Stream) -> u32 {
    let mut best = pool[(r.unif() * pool.len() as f64) as usize % pool.len()];
    for _ in 1..t {
        let c = pool[(r.unif() * pool.len() as f64) as usize % pool.len()];
        if skill[c as usize] > skill[best as usize] {
            best = c;
        }
    }
    best
}

/// Vacancies, matching and hiring.
fn matching(w: &mut World) {
    let l = w.cfg.s.labour.clone();
    let n_ind = w.cfg.n_ind;
    // Vacancies by firm, grouped by industry (firm ids ascending within each industry).
    let wr: &World = w;
    let open = crate::par::select_live(&wr.firms.live, |fi, out: &mut Vec<(u32, u32)>| {
        let n = f64::from(wr.firms.employees[fi]);
        let gap = f64::from(wr.firms.desired[fi]) - n;
        // Vacancies round the gap to whole workers (a gap of half a worker or more is a vacancy).
        if gap >= 0.5 {
            let v = gap.min(l.hire_rate_max * n + l.hire_min).round() as u32;
            if v > 0 {
                out.push((fi as u32, v));
            }
        }
    });
    let mut vac: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n_ind];
    let mut v_tot = vec![0u64; n_ind];
    for (f, v) in open {
        let k = w.firms.industry[f as usize] as usize;
        vac[k].push((f, v));
        v_tot[k] += u64::from(v);
    }
    // The outside sector keeps its share of the population.
    let pop = w.people.population() as f64;
    let outside_target = w.outside_share_start * pop;
    let outside_vac = (outside_target - w.people.outside_count as f64).max(0.0).floor() as u64;
    let total_vac: u64 = v_tot.iter().sum::<u64>() + outside_vac;
    w.m.vacancies = total_vac as f64;
    let emp = (w.people.count[pstate::EMPLOYED as usize]) as f64;
    w.vacancy_rate = total_vac as f64 / (emp + total_vac as f64).max(1.0);
    let mut rng = stream(w.seed, Phase::Hiring, w.month as u32, 0);
    let e = l.match_elasticity_unemployed;
    let t = l.tournament_size.max(1);
    let mut unfilled: Vec<(u32, u32)> = Vec::new();
    for k in 0..n_ind {
        let u = w.people.pools[k].len() as f64;
        let v = v_tot[k] as f64;
        if v <= 0.0 {
            continue;
        }
        let m = (l.match_efficiency * u.powf(e) * v.powf(1.0 - e)).min(u).min(v);
        let m = rng.round_stochastic(m) as f64;
        let ratio = if v > 0.0 { m / v } else { 0.0 };
        let list = std::mem::take(&mut vac[k]);
        for &(f, vf) in &list {
            let h = rng.round_stochastic(f64::from(vf) * ratio).min(u64::from(vf)) as u32;
            let mut got = 0;
            for _ in 0..h {
                if w.people.pools[k].is_empty() {
                    break;
                }
                let p = tournament(&w.people.pools[k], &w.people.skill, t, &mut rng);
                hire(w, p, f);
                got += 1;
            }
            w.m.hires += u64::from(got);
            if got < vf {
                unfilled.push((f, vf - got));
            }
        }
        vac[k] = list;
    }
    // Cross-field hiring: a share of unfilled vacancies (and the outside sector's) are open to any field.
    let total_pool: usize = w.people.pools.iter().map(Vec::len).sum();
    if total_pool == 0 {
        return;
    }
    let open: u64 = unfilled.iter().map(|x| u64::from(x.1)).sum();
    let open_cross = l.cross_field_share * open as f64;
    let wanted = open_cross + outside_vac as f64;
    if wanted <= 0.0 {
        return;
    }
    let m =
        (l.match_efficiency * (total_pool as f64).powf(e) * wanted.powf(1.0 - e)).min(total_pool as f64).min(wanted);
    let m = rng.round_stochastic(m);
    let share_firms = open_cross / wanted;
    for _ in 0..m {
        let total_pool: usize = w.people.pools.iter().map(Vec::len).sum();
        if total_pool == 0 {
            break;
        }
        // a seeker from a field drawn in proportion to pool sizes
        let mut x = (rng.unif() * total_pool as f64) as usize % total_pool;
        let mut field = 0;
        while x >= w.people.pools[field].len() {
            x -= w.people.pools[field].len();
            field += 1;
        }
        let p = tournament(&w.people.pools[field], &w.people.skill, t, &mut rng);
        if rng.unif() < share_firms && !unfilled.is_empty() {
            let j = (rng.unif() * unfilled.len() as f64) as usize % unfilled.len();
            let (f, left) = unfilled[j];
            hire(w, p, f);
            if left <= 1 {
                unfilled.swap_remove(j);
            } else {
                unfilled[j].1 -= 1;
            }
        } else {
            hire_outside(w, p);
        }
        w.m.hires += 1;
    }
}
