//! Phase 3, labour market (MODEL.md): graduates and migrants arrive, with inflow rising with
//! talent subsidies and the city's vacancy rate; people retire, and the unemployed leave by a
//! hazard rising with unemployment duration; employees quit; firms above their desired
//! employment lay off (last in, first out); firms below it post vacancies, filled through a
//! Cobb-Douglas matching function (Petrongolo and Pissarides 2001) from job seekers in their
//! field, better skill first (tournament), then from other fields.

use rayon::prelude::*;

use crate::config::{Config, Instrument};
use crate::par::Col;
use crate::rng::{Draw, Family, Phase, Stream, bernoulli_indices, stream};
use crate::state::*;
use crate::world::World;

/// The person and firm columns that moves (hires, separations, changes of state) write, with
/// what they read. Built over the whole world, for one move at a time or for one pass per field.
///
/// Soundness of the per-field passes ([`per_field`]): a move of person `p` touches `p`'s rows,
/// the rows of `p`'s neighbours in the employee list of `p`'s employer, that employer's rows, and
/// the pool of `p`'s field (and the row of the job seeker moved within it). Every person in the
/// pool of field `k` has field `k` (`enter_state` files job seekers under their field; a field
/// changes only for people in no pool and no list: at hiring, after leaving the pool, and for
/// founders), and every person in the employee list of firm `f` has the field of `f`'s industry
/// (only `hire` links people into lists, and it sets their field to the firm's industry). So a
/// pass of field `k` moving people of field `k` touches only rows of field `k`'s people, of
/// industry `k`'s firms and pool `k`: passes of different fields touch disjoint entries of every
/// `Col`, and each entry is read and written by one thread only.
///
/// Three passes also move people who are in no pool and no list, each in the work of one field
/// only: arrivals (new rows nothing refers to yet) join the pool of their field; cross-field
/// hires, already taken out of their pools by the sequential draws, are linked into the list of
/// a firm of the pass's industry; and the founders of closing firms join the pool of their
/// firm's industry. None touches another field's pool, list or firm.
pub struct Cols<'a> {
    hot: Col<'a, Person>,
    head: Col<'a, u32>,
    employees: Col<'a, u32>,
    skill_sum: Col<'a, f64>,
    wage_sum: Col<'a, f64>,
    industry: &'a [u16],
    firm_flags: &'a [u8],
    ln_a: &'a [f64],
    cfg: &'a Config,
    frontier: &'a [f64],
    month: i32,
}

/// One field's side of its moves: its pool, the changes of the city-wide counts, the leavers.
pub struct Side<'p> {
    k: usize,
    pool: &'p mut Vec<u32>,
    /// Change of the people by state.
    count: [i64; 4],
    /// Change of the people employed outside the enterprise sector.
    outside: i64,
    /// People who left, in the order they left.
    left: Vec<u32>,
}

/// The world split into the columns moves write and the tallies they change.
struct Parts<'a> {
    c: Cols<'a>,
    pools: &'a mut [Vec<u32>],
    free: &'a mut Vec<u32>,
    count: &'a mut [u64; 4],
    outside: &'a mut u64,
}

impl Parts<'_> {
    fn split(w: &mut World) -> Parts<'_> {
        let World { people, firms, cfg, ind, month, .. } = w;
        let People { hot, free, pools, outside_count, count, .. } = people;
        let c = Cols {
            hot: Col::new(hot),
            head: Col::new(&mut firms.head),
            employees: Col::new(&mut firms.employees),
            skill_sum: Col::new(&mut firms.skill_sum),
            wage_sum: Col::new(&mut firms.wage_sum),
            industry: &firms.industry,
            firm_flags: &firms.flags,
            ln_a: &firms.ln_a,
            cfg,
            frontier: &ind.frontier,
            month: *month,
        };
        Parts { c, pools, free, count, outside: outside_count }
    }

    /// Adds a side's changes of the counts.
    fn apply(&mut self, count: [i64; 4], outside: i64) {
        for (c, d) in self.count.iter_mut().zip(count) {
            *c = c.checked_add_signed(d).expect("people by state stay non-negative");
        }
        *self.outside = self.outside.checked_add_signed(outside).expect("outside employment stays non-negative");
    }
}

/// Runs `mv` on person `p` alone (the moves of the other phases and of the sequential steps).
fn with_person<R>(w: &mut World, p: u32, mv: impl FnOnce(&Cols<'_>, &mut Side<'_>) -> R) -> R {
    let k = w.people.hot[p as usize].field as usize;
    let mut parts = Parts::split(w);
    let left = std::mem::take(parts.free);
    let mut side = Side { k, pool: &mut parts.pools[k], count: [0; 4], outside: 0, left };
    let r = mv(&parts.c, &mut side);
    let Side { count, outside, left, .. } = side;
    *parts.free = left;
    parts.apply(count, outside);
    r
}

/// Per-field scratch of the labour market's passes, reused month to month (not state).
#[derive(Clone, Debug, Default)]
pub struct FieldWork {
    /// People to move.
    people: Vec<u32>,
    /// Firms with a count (vacancies, layoffs), or closing firms with their founder.
    firms: Vec<(u32, u32)>,
    /// Vacancies left after hiring within the field.
    unfilled: Vec<(u32, u32)>,
    /// Cross-field hires to book: (person, employer firm or `OUTSIDE`).
    hires: Vec<(u32, u32)>,
    /// Candidates drawn at a maximum hazard, with the uniform that accepts or rejects them.
    candidates: Vec<(u32, f64)>,
    /// Leavers of the last pass, in order.
    left: Vec<u32>,
    count: [i64; 4],
    outside: i64,
    /// Moves made by the last pass (hires, layoffs).
    moves: u64,
    /// The hiring stream where this field's draws start, and its hires per vacancy.
    rng: Option<Stream>,
    ratio: f64,
    /// Expected work of the pass (larger fields are started first).
    weight: usize,
}

/// Runs `body` once per field, in parallel, each with its own pool and scratch (see [`Cols`]
/// for why this is sound); then adds every field's changes of the counts, in field order.
fn per_field(w: &mut World, work: &mut [FieldWork], body: impl Fn(&Cols<'_>, &mut Side<'_>, &mut FieldWork) + Sync) {
    let mut parts = Parts::split(w);
    {
        let Parts { c, pools, .. } = &mut parts;
        let c: &Cols<'_> = c;
        let mut jobs: Vec<(usize, &mut Vec<u32>, &mut FieldWork)> =
            pools.iter_mut().zip(work.iter_mut()).enumerate().map(|(k, (p, f))| (k, p, f)).collect();
        jobs.sort_by_key(|j| std::cmp::Reverse(j.2.weight));
        jobs.into_par_iter().with_max_len(1).for_each(|(k, pool, fw)| {
            let mut left = std::mem::take(&mut fw.left);
            left.clear();
            let mut side = Side { k, pool, count: [0; 4], outside: 0, left };
            body(c, &mut side, fw);
            fw.count = side.count;
            fw.outside = side.outside;
            fw.left = side.left;
        });
    }
    for fw in work.iter() {
        parts.apply(fw.count, fw.outside);
    }
}

/// The labour market's per-field scratch, one entry per field.
fn field_work(w: &mut World) -> Vec<FieldWork> {
    let mut work = std::mem::take(&mut w.labour_work);
    work.resize_with(w.cfg.n_ind, FieldWork::default);
    for fw in &mut work {
        fw.people.clear();
        fw.firms.clear();
        fw.unfilled.clear();
        fw.hires.clear();
        fw.moves = 0;
        fw.rng = None;
        fw.weight = 0;
    }
    work
}

impl Cols<'_> {
    /// Moves person `p` into `new` state, keeping state counts, pools and free slots consistent.
    fn enter_state(&self, s: &mut Side<'_>, p: u32, new: u8) {
        let i = p as usize;
        let me = self.hot.get(i);
        debug_assert_eq!(me.field as usize, s.k, "person {p} moved with another field's pool");
        let old = me.state;
        if old == pstate::UNEMPLOYED && me.pos != NONE {
            let pos = me.pos as usize;
            s.pool.swap_remove(pos);
            if pos < s.pool.len() {
                let moved = s.pool[pos] as usize;
                self.hot.update(moved, |h| h.pos = pos as u32);
            }
        }
        if old != pstate::LEFT && me.employer != NONE && old != pstate::FOUNDER {
            // callers separate employees first; this keeps the invariant if one forgot
            debug_assert!(false, "person {p} changed state while employed");
        }
        if old != pstate::LEFT {
            s.count[old as usize] -= 1;
        }
        let pos = if new == pstate::UNEMPLOYED { s.pool.len() as u32 } else { NONE };
        self.hot.update(i, |h| {
            h.state = new;
            h.since = self.month;
            h.pos = pos;
        });
        match new {
            pstate::UNEMPLOYED => {
                s.pool.push(p);
                s.count[new as usize] += 1;
            }
            pstate::LEFT => s.left.push(p),
            _ => s.count[new as usize] += 1,
        }
    }

    /// Hires job seeker `p` into `firm` (head of its employee list).
    fn hire(&self, s: &mut Side<'_>, p: u32, firm: u32) {
        self.enter_state(s, p, pstate::EMPLOYED);
        self.join(p, firm);
    }

    /// Links person `p`, just moved to the employed, into `firm`'s employee list (at its head)
    /// with the wage the firm offers, and adds `p` to the firm's counts.
    fn join(&self, p: u32, firm: u32) {
        let (i, f) = (p as usize, firm as usize);
        let k = self.industry[f] as usize;
        let skill = self.hot.get(i).skill;
        let wage = wage_of(self.cfg, self.frontier, k, self.ln_a[f], skill);
        let head = self.head.get(f);
        self.hot.update(i, |h| {
            h.field = k as u16;
            h.employer = firm;
            h.wage = wage;
            h.next = head;
            h.prev = NONE;
        });
        if head != NONE {
            self.hot.update(head as usize, |h| h.prev = p);
        }
        self.head.set(f, p);
        self.employees.set(f, self.employees.get(f) + 1);
        self.skill_sum.set(f, self.skill_sum.get(f) + f64::from(skill));
        self.wage_sum.set(f, self.wage_sum.get(f) + f64::from(wage));
    }

    /// Books person `p`, just moved to the employed, as employed outside the enterprises
    /// (public sector, self-employed) at the wage of their field.
    fn join_outside(&self, s: &mut Side<'_>, p: u32) {
        let l = &self.cfg.s.labour;
        self.hot.update(p as usize, |h| {
            h.wage = (self.cfg.ind.wage[h.field as usize] * skill_factor(l.wage_skill_elasticity, h.skill)) as f32;
            h.employer = OUTSIDE;
        });
        s.outside += 1;
    }

    /// Requests firm `f`'s rows that a hire reads and writes (a hint).
    fn prefetch_firm(&self, f: usize) {
        crate::par::prefetch(&self.industry[f]);
        crate::par::prefetch(&self.ln_a[f]);
        self.head.prefetch(f);
        self.employees.prefetch(f);
        self.skill_sum.prefetch(f);
        self.wage_sum.prefetch(f);
    }

    /// Requests the rows a move of person `p` touches besides `p`'s record, as
    /// [`prefetch_move`] does, within a field's pass (a hint; it reads `p`'s record).
    fn prefetch_move(&self, s: &Side<'_>, p: u32) {
        let me = self.hot.get(p as usize);
        if me.employer != NONE && me.employer != OUTSIDE {
            let f = me.employer as usize;
            self.prefetch_firm(f);
            crate::par::prefetch(&self.firm_flags[f]);
            for q in [me.prev, me.next] {
                if q != NONE {
                    self.hot.prefetch(q as usize);
                }
            }
        }
        if me.state == pstate::UNEMPLOYED && me.pos != NONE {
            if let (Some(at), Some(&last)) = (s.pool.get(me.pos as usize), s.pool.last()) {
                crate::par::prefetch(at);
                self.hot.prefetch(last as usize);
            }
        }
    }

    /// Makes `mv` for each of `people` in order. The people are scattered, so each one's rows
    /// are requested a few moves ahead, in two steps (the record, then what the move touches,
    /// which the record points to); hints only, the moves are the same.
    fn move_each(&self, s: &mut Side<'_>, people: &[u32], mv: impl Fn(&Self, &mut Side<'_>, u32)) {
        const AHEAD: usize = 8;
        for (j, &p) in people.iter().enumerate() {
            if let Some(&q) = people.get(j + 2 * AHEAD) {
                self.hot.prefetch(q as usize);
            }
            if let Some(&q) = people.get(j + AHEAD) {
                self.prefetch_move(s, q);
            }
            mv(self, s, p);
        }
    }

    /// Ends person `p`'s job (the person stays in their state until the caller moves them).
    fn separate(&self, s: &mut Side<'_>, p: u32) {
        let i = p as usize;
        let me = self.hot.get(i);
        let e = me.employer;
        if e == NONE {
            return;
        }
        if e == OUTSIDE {
            self.hot.update(i, |h| h.employer = NONE);
            s.outside -= 1;
            return;
        }
        let f = e as usize;
        debug_assert_eq!(self.industry[f], me.field, "employee {p} of another industry");
        let (next, prev) = (me.next, me.prev);
        if prev != NONE {
            self.hot.update(prev as usize, |h| h.next = next);
        } else {
            self.head.set(f, next);
        }
        if next != NONE {
            self.hot.update(next as usize, |h| h.prev = prev);
        }
        let alumnus = self.firm_flags[f] & fflag::PLATFORM != 0
            && f64::from(self.month - me.since) >= self.cfg.s.platforms.alumni_min_months;
        self.hot.update(i, |h| {
            h.employer = NONE;
            h.next = NONE;
            h.prev = NONE;
            if alumnus {
                h.flags |= pflag::ALUMNUS;
            }
        });
        let n = self.employees.get(f) - 1;
        self.employees.set(f, n);
        if n == 0 {
            self.skill_sum.set(f, 0.0);
            self.wage_sum.set(f, 0.0);
        } else {
            self.skill_sum.set(f, self.skill_sum.get(f) - f64::from(me.skill));
            self.wage_sum.set(f, self.wage_sum.get(f) - f64::from(me.wage));
        }
    }

    /// Employee `p` loses the job and looks for work in the city.
    fn to_unemployed(&self, s: &mut Side<'_>, p: u32) {
        self.separate(s, p);
        self.enter_state(s, p, pstate::UNEMPLOYED);
    }

    /// Person `p` leaves the city.
    fn leave(&self, s: &mut Side<'_>, p: u32) {
        self.separate(s, p);
        self.enter_state(s, p, pstate::LEFT);
    }
}

/// Asks for the rows a move of person `p` (a separation, a change of state) touches besides
/// `p`'s own: the employer's, the neighbours' in its employee list, the job seeker that fills
/// `p`'s place in the pool. A hint, without effect on results; it reads `p`'s record, so call it
/// after [`crate::state::People::prefetch`] had time to bring that in.
pub fn prefetch_move(w: &World, p: u32) {
    use crate::par::prefetch;
    let me = &w.people.hot[p as usize];
    if me.employer != NONE && me.employer != OUTSIDE {
        let f = me.employer as usize;
        prefetch_firm(w, f);
        prefetch(&w.firms.flags[f]);
        for q in [me.prev, me.next] {
            if q != NONE {
                prefetch(&w.people.hot[q as usize]);
            }
        }
    }
    if me.state == pstate::UNEMPLOYED && me.pos != NONE {
        let pool = &w.people.pools[me.field as usize];
        if let (Some(at), Some(&last)) = (pool.get(me.pos as usize), pool.last()) {
            prefetch(at);
            prefetch(&w.people.hot[last as usize]);
        }
    }
}

/// Moves person `p` into `new` state, keeping state counts, pools and free slots consistent.
pub fn enter_state(w: &mut World, p: u32, new: u8) {
    with_person(w, p, |c, s| c.enter_state(s, p, new));
}

/// The wage (at wage index 1) a firm of industry `k` with technology `ln_a` pays a person of skill `h`.
pub fn offered_wage(w: &World, k: usize, ln_a: f64, h: f32) -> f32 {
    wage_of(&w.cfg, &w.ind.frontier, k, ln_a, h)
}

/// [`offered_wage`] from the configuration and the industries' frontiers.
fn wage_of(cfg: &Config, frontier: &[f64], k: usize, ln_a: f64, h: f32) -> f32 {
    let l = &cfg.s.labour;
    let rel = ln_a - (frontier[k] - cfg.ind.initial_gap_mean[k]);
    (cfg.ind.wage[k] * skill_factor(l.wage_skill_elasticity, h) * (l.wage_productivity_elasticity * rel).exp()) as f32
}

/// A wage's skill factor h^elasticity. At the default elasticity of 1 the power is skipped:
/// `powf(h, 1.0)` returns h itself (the exact result is representable, and the power is
/// accurate to well within half a unit in the last place; checked for every positive f32).
#[inline]
fn skill_factor(elasticity: f64, h: f32) -> f64 {
    if elasticity == 1.0 { f64::from(h) } else { f64::from(h).powf(elasticity) }
}

/// The people of closing firms, given as (firm, founder or `NONE`) in closing order: the
/// employees lose their jobs (from the head of the list), then the founder looks for work in
/// the firm's field. The moves are made per field of the firm in parallel, each field's in
/// closing order, as one sequential pass would make them (a founder is in no pool and no list).
pub fn release_people(w: &mut World, closing: &[(u32, u32)]) {
    let mut work = field_work(w);
    for &(f, founder) in closing {
        let fw = &mut work[w.firms.industry[f as usize] as usize];
        fw.firms.push((f, founder));
        fw.weight += w.firms.employees[f as usize] as usize + 1;
    }
    per_field(w, &mut work, |c, s, fw| {
        const AHEAD: usize = 8;
        for (j, &(f, founder)) in fw.firms.iter().enumerate() {
            if let Some(&(g, _)) = fw.firms.get(j + 2 * AHEAD) {
                c.prefetch_firm(g as usize);
            }
            if let Some(&(g, q)) = fw.firms.get(j + AHEAD) {
                for p in [c.head.get(g as usize), q] {
                    if p != NONE {
                        c.hot.prefetch(p as usize);
                    }
                }
            }
            loop {
                let p = c.head.get(f as usize);
                if p == NONE {
                    break;
                }
                c.to_unemployed(s, p);
            }
            if founder != NONE {
                c.hot.update(founder as usize, |h| {
                    h.employer = NONE;
                    h.field = s.k as u16;
                });
                c.enter_state(s, founder, pstate::UNEMPLOYED);
            }
        }
    });
    w.labour_work = work;
}

/// Hires job seeker `p` into `firm` (head of its employee list).
pub fn hire(w: &mut World, p: u32, firm: u32) {
    with_person(w, p, |c, s| c.hire(s, p, firm));
}

/// Hires job seeker `p` into the sector outside the enterprises (public sector, self-employed).
pub fn hire_outside(w: &mut World, p: u32) {
    with_person(w, p, |c, s| {
        c.enter_state(s, p, pstate::EMPLOYED);
        c.join_outside(s, p);
    });
}

/// Ends person `p`'s job (the person stays in their state until the caller moves them).
pub fn separate(w: &mut World, p: u32) {
    with_person(w, p, |c, s| c.separate(s, p));
}

/// Employee `p` loses the job and looks for work in the city.
pub fn to_unemployed(w: &mut World, p: u32) {
    with_person(w, p, |c, s| c.to_unemployed(s, p));
}

/// Person `p` leaves the city.
pub fn leave(w: &mut World, p: u32) {
    with_person(w, p, |c, s| c.leave(s, p));
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
    let hazard = w.cfg.s.labour.retirement_hazard;
    // Retirees' slots are freed in draw order.
    let mut work = movers_by_field(
        w,
        Phase::Retirement,
        hazard,
        |s| s == pstate::EMPLOYED || s == pstate::UNEMPLOYED,
        |w, p| {
            w.people.free.push(p);
            w.m.retirements += 1;
            w.m.departures += 1;
        },
    );
    per_field(w, &mut work, |c, s, fw| c.move_each(s, &fw.people, Cols::leave));
    w.labour_work = work;
}

/// The people a rare monthly event of `phase` hits (each person with probability `hazard`)
/// whose state `moves`, by field in draw order; `on_hit` is called for each, in draw order.
/// The hits are drawn in parallel by fixed blocks of people, each block its own stream
/// (`par::bernoulli_blocks`): exact in distribution, and the same whatever the thread count.
fn movers_by_field(
    w: &mut World,
    phase: Phase,
    hazard: f64,
    moves: impl Fn(u8) -> bool + Sync,
    mut on_hit: impl FnMut(&mut World, u32),
) -> Vec<FieldWork> {
    let hot = &w.people.hot;
    let touch = |i: usize| crate::par::prefetch(&hot[i]);
    let hits = crate::par::bernoulli_blocks(w.seed, phase, w.month as u32, hot.len(), hazard, touch, |i, out| {
        let h = &hot[i];
        if moves(h.state) {
            out.push((i as u32, h.field));
        }
    });
    let mut work = field_work(w);
    for &(p, k) in &hits {
        work[k as usize].people.push(p);
        on_hit(w, p);
    }
    for fw in &mut work {
        fw.weight = fw.people.len();
    }
    work
}

/// The unemployed leave the city with a hazard that rises with months unemployed (exact
/// thinning: candidates at the maximum hazard, accepted with h(d) / h_max).
fn unemployed_outflow(w: &mut World) {
    let l = w.cfg.s.labour.clone();
    let hmax = l.outflow_hazard_max;
    if hmax <= 0.0 {
        return;
    }
    let (seed, month) = (w.seed, w.month);
    let mut work = field_work(w);
    for (fw, pool) in work.iter_mut().zip(&w.people.pools) {
        fw.weight = pool.len();
    }
    // Each field draws from its own stream; its leavers' slots are freed field by field.
    per_field(w, &mut work, |c, s, fw| {
        let mut rng = stream(seed, Phase::Outflow, month as u32, s.k as u64);
        let pool = &*s.pool;
        // The candidates and their acceptance draws first (the stream's order), then the
        // acceptances, reading each candidate's record with the record of the candidate
        // `AHEAD` places on requested early (scattered rows, so their misses overlap).
        const AHEAD: usize = 8;
        fw.candidates.clear();
        bernoulli_indices(&mut rng, pool.len(), hmax, |j, r| fw.candidates.push((pool[j], r.unif())));
        for (j, &(p, u)) in fw.candidates.iter().enumerate() {
            if let Some(&(q, _)) = fw.candidates.get(j + AHEAD) {
                c.hot.prefetch(q as usize);
            }
            let d = f64::from(month - c.hot.get(p as usize).since).max(0.0);
            let h = (l.outflow_hazard_base + l.outflow_hazard_per_month_unemployed * d).min(hmax);
            if u * hmax < h {
                fw.people.push(p);
            }
        }
        c.move_each(s, &fw.people, Cols::leave);
    });
    for fw in &work {
        w.people.free.extend_from_slice(&fw.left);
        w.m.departures += fw.left.len() as u64;
    }
    w.labour_work = work;
}

/// Employees (of firms and of the outside sector) quit into job search.
fn quits(w: &mut World) {
    let hazard = w.cfg.s.labour.quit_hazard;
    let mut work = movers_by_field(w, Phase::Quits, hazard, |s| s == pstate::EMPLOYED, |w, _| w.m.quits += 1);
    per_field(w, &mut work, |c, s, fw| c.move_each(s, &fw.people, Cols::to_unemployed));
    w.labour_work = work;
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
    // Each arrival's draws come from its own stream, so they are drawn in parallel.
    let (family, cfg) = (Family::new(w.seed, Phase::Arrivals, w.month as u32), &w.cfg);
    let p = &cfg.s.population;
    let draws: Vec<(usize, f32, f32)> = (0..(grads + migrants) as usize)
        .into_par_iter()
        .with_min_len(crate::par::CHUNK)
        .map(|i| {
            let i = i as u64;
            let mut r = family.stream(i);
            let field = cfg.field_of(r.unif());
            let skill = ((if i < grads { premium } else { 0.0 }) + p.skill_log_sd * r.normal()).exp() as f32;
            let sd = p.propensity_log_sd;
            let prop = (sd * r.normal() - 0.5 * sd * sd).exp() as f32;
            (field, skill, prop)
        })
        .collect();
    // The arrivals take their slots in order, as `World::add_person` gives them: free slots,
    // the last freed first, then new ones at the end. Their rows are written in parallel (the
    // slots are distinct); then each field's arrivals join its pool in arrival order.
    let slots = w.people.take_slots(draws.len());
    let month = w.month;
    {
        let People { hot, propensity, prev_wage, insured_until, founded, failed, exited, .. } = &mut w.people;
        let (hot, propensity, prev_wage) = (Col::new(hot), Col::new(propensity), Col::new(prev_wage));
        let (insured_until, founded, failed, exited) =
            (Col::new(insured_until), Col::new(founded), Col::new(failed), Col::new(exited));
        slots.par_iter().zip(&draws).enumerate().with_min_len(crate::par::CHUNK).for_each(
            |(i, (&slot, &(field, skill, prop)))| {
                let j = slot as usize;
                let flags = if (i as u64) < grads { pflag::GRADUATE } else { 0 };
                hot.set(j, Person::arriving(field, skill, flags, month));
                propensity.set(j, prop);
                prev_wage.set(j, 0.0);
                insured_until.set(j, i32::MIN);
                founded.set(j, 0);
                failed.set(j, 0);
                exited.set(j, 0);
            },
        );
    }
    let mut work = field_work(w);
    for (&slot, &(field, ..)) in slots.iter().zip(&draws) {
        work[field].people.push(slot);
    }
    for fw in &mut work {
        fw.weight = fw.people.len();
    }
    per_field(w, &mut work, |c, s, fw| c.move_each(s, &fw.people, |c, s, p| c.enter_state(s, p, pstate::UNEMPLOYED)));
    w.labour_work = work;
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
    let mut work = field_work(w);
    for (f, k) in over {
        let fw = &mut work[w.firms.industry[f as usize] as usize];
        fw.firms.push((f, k));
        fw.weight += k as usize;
    }
    // Each field lets go its firms' most recent hires, firm by firm (a firm's employees share its field).
    per_field(w, &mut work, |c, s, fw| {
        // The walks follow scattered lists: each firm's head is requested a few firms ahead.
        const AHEAD: usize = 8;
        for (j, &(f, k)) in fw.firms.iter().enumerate() {
            if let Some(&(g, _)) = fw.firms.get(j + 2 * AHEAD) {
                c.head.prefetch(g as usize);
            }
            if let Some(&(g, _)) = fw.firms.get(j + AHEAD) {
                let h = c.head.get(g as usize);
                if h != NONE {
                    c.hot.prefetch(h as usize);
                }
            }
            let mut p = c.head.get(f as usize);
            for _ in 0..k {
                if p == NONE {
                    break;
                }
                fw.people.push(p);
                p = c.hot.get(p as usize).next;
            }
        }
        c.move_each(s, &fw.people, Cols::to_unemployed);
        fw.moves = fw.people.len() as u64;
    });
    for fw in &work {
        w.m.layoffs += fw.moves;
    }
    w.labour_work = work;
}

/// Draws the best-skilled of `t` random job seekers of `pool`.
fn tournament(pool: &[u32], skill: impl Fn(u32) -> f32, t: u32, r: &mut crate::rng::Stream) -> u32 {
    let mut best = pool[(r.unif() * pool.len() as f64) as usize % pool.len()];
    let mut best_skill = skill(best);
    for _ in 1..t {
        let c = pool[(r.unif() * pool.len() as f64) as usize % pool.len()];
        let h = skill(c);
        if h > best_skill {
            (best, best_skill) = (c, h);
        }
    }
    best
}

/// Replays a field's hiring draws a few hires ahead of the hiring, to request early the rows
/// the coming tournaments and hires read: the pool entries of the candidates, then their
/// records, and the vacancy's firm. Only hints: the replay follows the same stream and pool
/// sizes as the hiring, and if a swap in the pool makes it request another row, nothing but
/// the cache changes.
struct Lookahead<'a> {
    rng: Stream,
    firms: &'a [(u32, u32)],
    ratio: f64,
    t: u32,
    /// The next firm whose hires the replay draws, and the hires it has left to replay.
    firm: usize,
    left: u64,
    /// The pool's size when the replayed hire happens.
    len: usize,
    /// Pool positions of the candidates of the replayed hires not yet made, `t` per hire.
    queue: std::collections::VecDeque<u32>,
}

impl<'a> Lookahead<'a> {
    /// Hires replayed ahead of the hiring.
    const DISTANCE: usize = 8;

    fn new(rng: Stream, firms: &'a [(u32, u32)], ratio: f64, t: u32, len: usize) -> Self {
        let queue = std::collections::VecDeque::with_capacity((Self::DISTANCE + 1) * t as usize);
        Lookahead { rng, firms, ratio, t, firm: 0, left: 0, len, queue }
    }

    /// Replays the first hires.
    fn start(&mut self, c: &Cols<'_>, pool: &[u32]) {
        for _ in 0..Self::DISTANCE {
            self.replay(c, pool);
        }
    }

    /// Called before each hire: drops that hire's candidates, replays one hire further, and
    /// requests the records of the candidates half the distance ahead.
    fn next(&mut self, c: &Cols<'_>, pool: &[u32]) {
        let t = self.t as usize;
        for _ in 0..t.min(self.queue.len()) {
            self.queue.pop_front();
        }
        self.replay(c, pool);
        let half = (Self::DISTANCE / 2) * t;
        for &j in self.queue.range(half.min(self.queue.len())..(half + t).min(self.queue.len())) {
            if let Some(&p) = pool.get(j as usize) {
                c.hot.prefetch(p as usize);
            }
        }
    }

    /// Draws the next hire as the hiring will (the same stream and pool size), and requests
    /// its candidates' pool entries and, at a new firm, the firm's rows.
    fn replay(&mut self, c: &Cols<'_>, pool: &[u32]) {
        while self.left == 0 {
            let Some(&(f, vf)) = self.firms.get(self.firm) else { return };
            self.firm += 1;
            self.left = self.rng.round_stochastic(f64::from(vf) * self.ratio).min(u64::from(vf));
            if self.left > 0 {
                c.prefetch_firm(f as usize);
            }
        }
        if self.len == 0 {
            return;
        }
        for _ in 0..self.t {
            let j = (self.rng.unif() * self.len as f64) as usize % self.len;
            if let Some(x) = pool.get(j) {
                crate::par::prefetch(x);
            }
            self.queue.push_back(j as u32);
        }
        self.len -= 1;
        self.left -= 1;
    }
}

/// The cross-field hiring's [`Lookahead`]: replays its draws (field, tournament, firm or
/// outside sector) a few hires ahead, with its own copy of the pool sizes and of the unfilled
/// vacancies, and requests the rows the coming draws and pool removals read. Hints only.
struct CrossLookahead {
    rng: Stream,
    lens: Vec<usize>,
    unfilled: Vec<(u32, u32)>,
    t: u32,
    share_firms: f64,
    /// Hires left to replay.
    left: u64,
    /// (field, pool position) of the candidates of the replayed hires not yet made, `t` per hire.
    queue: std::collections::VecDeque<(u16, u32)>,
}

impl CrossLookahead {
    const DISTANCE: usize = 8;

    fn new(rng: &Stream, w: &World, unfilled: &[(u32, u32)], t: u32, share_firms: f64, m: u64) -> Self {
        CrossLookahead {
            rng: rng.clone(),
            lens: w.people.pools.iter().map(Vec::len).collect(),
            unfilled: unfilled.to_vec(),
            t,
            share_firms,
            left: m,
            queue: std::collections::VecDeque::with_capacity((Self::DISTANCE + 1) * t as usize),
        }
    }

    fn start(&mut self, w: &World) {
        for _ in 0..Self::DISTANCE {
            self.replay(w);
        }
    }

    /// Called before each hire: as [`Lookahead::next`].
    fn next(&mut self, w: &World) {
        let t = self.t as usize;
        for _ in 0..t.min(self.queue.len()) {
            self.queue.pop_front();
        }
        self.replay(w);
        let half = (Self::DISTANCE / 2) * t;
        for &(k, j) in self.queue.range(half.min(self.queue.len())..(half + t).min(self.queue.len())) {
            if let Some(&p) = w.people.pools[k as usize].get(j as usize) {
                w.people.prefetch_record(p as usize);
            }
        }
    }

    /// Draws the next hire as the hiring will.
    fn replay(&mut self, w: &World) {
        let total: usize = self.lens.iter().sum();
        if self.left == 0 || total == 0 {
            return;
        }
        self.left -= 1;
        let mut x = (self.rng.unif() * total as f64) as usize % total;
        let mut field = 0;
        while x >= self.lens[field] {
            x -= self.lens[field];
            field += 1;
        }
        let len = self.lens[field];
        let pool = &w.people.pools[field];
        for _ in 0..self.t {
            let j = (self.rng.unif() * len as f64) as usize % len;
            if let Some(x) = pool.get(j) {
                crate::par::prefetch(x);
            }
            self.queue.push_back((field as u16, j as u32));
        }
        // The hire fills its place in the pool with the pool's last seeker then, whose record
        // it updates: the seeker now `len` places in, unless a swap moves it before.
        if let Some(&last) = pool.get(len - 1) {
            w.people.prefetch_record(last as usize);
        }
        self.lens[field] -= 1;
        if self.rng.unif() < self.share_firms && !self.unfilled.is_empty() {
            let j = (self.rng.unif() * self.unfilled.len() as f64) as usize % self.unfilled.len();
            let (_, left) = self.unfilled[j];
            if left <= 1 {
                self.unfilled.swap_remove(j);
            } else {
                self.unfilled[j].1 -= 1;
            }
        }
    }
}

/// Requests firm `f`'s rows that a hire or a separation reads and writes (a hint).
fn prefetch_firm(w: &World, f: usize) {
    use crate::par::prefetch;
    let fm = &w.firms;
    prefetch(&fm.industry[f]);
    prefetch(&fm.ln_a[f]);
    prefetch(&fm.head[f]);
    prefetch(&fm.employees[f]);
    prefetch(&fm.skill_sum[f]);
    prefetch(&fm.wage_sum[f]);
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
    let mut work = field_work(w);
    let mut v_tot = vec![0u64; n_ind];
    for (f, v) in open {
        let k = w.firms.industry[f as usize] as usize;
        work[k].firms.push((f, v));
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
    // Hiring within each field draws from one stream, field after field: the field's matches,
    // then for each vacancy its hires and `t` draws per hire (the tournament). A hire in field k
    // takes a seeker from pool k only, so how many draws field k makes follows from the pool's
    // size and the hire counts alone: this pass advances the stream through every field's draws
    // and keeps where each field's start, so the fields can then hire in parallel with exactly
    // the draws of one sequential pass.
    for (k, fw) in work.iter_mut().enumerate() {
        let u = w.people.pools[k].len() as f64;
        let v = v_tot[k] as f64;
        if v <= 0.0 {
            continue;
        }
        let m = (l.match_efficiency * u.powf(e) * v.powf(1.0 - e)).min(u).min(v);
        let m = rng.round_stochastic(m) as f64;
        let ratio = if v > 0.0 { m / v } else { 0.0 };
        fw.rng = Some(rng.clone());
        fw.ratio = ratio;
        fw.weight = m as usize;
        let mut seekers = w.people.pools[k].len() as u64;
        for &(_, vf) in &fw.firms {
            let h = rng.round_stochastic(f64::from(vf) * ratio).min(u64::from(vf));
            let hired = h.min(seekers);
            seekers -= hired;
            for _ in 0..hired * u64::from(t) {
                rng.unif();
            }
        }
    }
    per_field(w, &mut work, |c, s, fw| {
        let Some(mut rng) = fw.rng.take() else { return };
        let mut ahead = Lookahead::new(rng.clone(), &fw.firms, fw.ratio, t, s.pool.len());
        ahead.start(c, s.pool);
        for &(f, vf) in &fw.firms {
            let h = rng.round_stochastic(f64::from(vf) * fw.ratio).min(u64::from(vf)) as u32;
            let mut got = 0;
            for _ in 0..h {
                if s.pool.is_empty() {
                    break;
                }
                ahead.next(c, s.pool);
                let p = tournament(s.pool, |p| c.hot.get(p as usize).skill, t, &mut rng);
                c.hire(s, p, f);
                got += 1;
            }
            fw.moves += u64::from(got);
            if got < vf {
                fw.unfilled.push((f, vf - got));
            }
        }
    });
    let mut unfilled: Vec<(u32, u32)> = Vec::with_capacity(work.iter().map(|fw| fw.unfilled.len()).sum());
    for fw in &work {
        w.m.hires += fw.moves;
        unfilled.extend_from_slice(&fw.unfilled);
    }
    w.labour_work = work;
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
    let mut ahead = CrossLookahead::new(&rng, w, &unfilled, t, share_firms, m);
    ahead.start(w);
    // The draws and the seekers' leaving their pools are one sequential pass (each draw depends
    // on the pools the earlier hires left); booking the hires (wage, employee list, the firm's
    // counts) is then done per field of the employer, in draw order, in parallel: a hire of
    // person p by firm f touches p's record, f's rows and f's head employee, and p is in no
    // pool and no list by then (see `Cols`).
    let mut work = field_work(w);
    for _ in 0..m {
        ahead.next(w);
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
        let hot = &w.people.hot;
        let p = tournament(&w.people.pools[field], |p| hot[p as usize].skill, t, &mut rng);
        enter_state(w, p, pstate::EMPLOYED);
        if rng.unif() < share_firms && !unfilled.is_empty() {
            let j = (rng.unif() * unfilled.len() as f64) as usize % unfilled.len();
            let (f, left) = unfilled[j];
            work[w.firms.industry[f as usize] as usize].hires.push((p, f));
            if left <= 1 {
                unfilled.swap_remove(j);
            } else {
                unfilled[j].1 -= 1;
            }
        } else {
            work[field].hires.push((p, OUTSIDE));
        }
        w.m.hires += 1;
    }
    for fw in &mut work {
        fw.weight = fw.hires.len();
    }
    per_field(w, &mut work, |c, s, fw| {
        const AHEAD: usize = 8;
        for (j, &(p, e)) in fw.hires.iter().enumerate() {
            if let Some(&(q, g)) = fw.hires.get(j + 2 * AHEAD) {
                c.hot.prefetch(q as usize);
                if g != OUTSIDE {
                    c.prefetch_firm(g as usize);
                }
            }
            if let Some(&(_, g)) = fw.hires.get(j + AHEAD).filter(|x| x.1 != OUTSIDE) {
                let head = c.head.get(g as usize);
                if head != NONE {
                    c.hot.prefetch(head as usize);
                }
            }
            if e == OUTSIDE { c.join_outside(s, p) } else { c.join(p, e) }
        }
    });
    w.labour_work = work;
}
