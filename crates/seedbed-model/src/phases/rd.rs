//! Phase 5, R&D and compute (MODEL.md): firms spend on R&D (a share of revenue, or of a round
//! while they burn it); compute-intensive work must buy compute, cleared in the city's compute
//! market with vouchers paying part of eligible bills. Then innovation and imitation after K+S
//! (Dosi, Fagiolo, Roventini 2010) and Nelson-Winter (1982):
//! innovation succeeds with probability 1 - exp(-zeta_in RD_eff), and ln A rises by a Beta(a, b)
//! draw rescaled to [x_min, x_max] (or, rarely, a Pareto radical jump); imitation succeeds with
//! probability (1 - exp(-zeta_im RD_eff)) exp(-gap / g0) and closes part of the gap to the
//! industry's best. RD_eff is researcher-months x skill x compute factor x knowledge x platform.

use crate::config::{Instrument, stage};
use crate::par;
use crate::phases::compute;
use crate::rng::{Draw, Family, Phase};
use crate::state::*;
use crate::world::{Neumaier, World};

/// What one firm decides and draws this month (computed in parallel, applied in id order).
#[derive(Clone, Copy, Debug)]
pub struct RdPlan {
    pub rd: f64,
    pub compute_budget: f64,
    pub gross: f64,
    pub access: bool,
    /// Voucher class, an index into [`voucher_rates`].
    pub class: u8,
}

/// Whether firm `f` uses an open platform this month.
pub fn platform_access(w: &World, f: usize) -> bool {
    let k = w.firms.industry[f] as usize;
    let max_age = w.cfg.s.policy.platform_openness.max_firm_age_months;
    f64::from(w.firms.platform_u[f]) < w.openness
        && f64::from(w.firms.age(f, w.month)) <= max_age
        && w.firms.flags[f] & fflag::PLATFORM == 0
        && w.cfg.platform_elig.admits(k, 0)
}

/// The voucher rate of each voucher class: 0 none, 1 the rate, 2 the small-contract rate.
fn voucher_rates(w: &World) -> [f64; 3] {
    let v = &w.cfg.s.policy.compute_vouchers;
    [0.0, v.rate, v.small_rate]
}

/// Gross compute spending per CNY m of compute budget by voucher class: a firm expects the
/// voucher rate times the share of claims the budget pays this year.
fn gross_per_net(w: &World) -> [f64; 3] {
    let payout = w.budget.payout_ratio[Instrument::ComputeVouchers as usize];
    voucher_rates(w).map(|rate| 1.0 / (1.0 - rate * payout).max(0.05))
}

fn plan(w: &World, gross_per_net: [f64; 3], f: usize) -> RdPlan {
    let k = w.firms.industry[f] as usize;
    let inn = &w.cfg.s.innovation;
    let mut rd = w.cfg.ind.rd_share[k] * f64::from(w.firms.rd_mult[f]) * w.firms.revenue_prev[f];
    let st = w.firms.stage[f];
    let cash = w.firms.cash[f];
    if (stage::SEED..=stage::GROWTH).contains(&st) && cash > 0.0 {
        let since = f64::from(w.month - w.firms.last_round[f]);
        if since < inn.burn_months {
            rd = rd.max(inn.rd_share_of_burn * w.firms.last_round_m[f] / inn.burn_months);
        }
    }
    rd = rd.min(cash.max(0.0) + w.firms.revenue_prev[f]);
    let budget = w.cfg.ind.compute_intensity[k] * rd;
    let mut class = 0;
    if w.cfg.on(Instrument::ComputeVouchers) && w.cfg.voucher_elig.admits(k, w.firms.tiers[f]) {
        let v = &w.cfg.s.policy.compute_vouchers;
        if w.firms.voucher_ytd[f] < v.cap_m_per_firm_year {
            class = if 12.0 * budget <= v.small_contract_m_per_year { 2 } else { 1 };
        }
    }
    // The compute budget is net of the voucher the firm expects: gross = budget / (1 - expected).
    let gross = if budget > 0.0 { budget * gross_per_net[class] } else { 0.0 };
    RdPlan { rd, compute_budget: budget, gross, access: platform_access(w, f), class: class as u8 }
}

/// What the R&D phase needs that is the same for every firm of an industry this month.
struct Ctx {
    /// Compute bought per CNY m of gross compute spending: ration / price.
    bought_per_m: f64,
    price: f64,
    /// Effective researcher-months per CNY m of R&D outlay, before skill, compute and
    /// platform: knowledge factor (K/K0)^elasticity / (researcher-month cost x difficulty),
    /// by industry.
    per_m: Vec<f64>,
    /// Compute factor (1 - c) + c (bought/need)^alpha by industry and voucher class (none, rate, small rate).
    compute: Vec<[f64; 3]>,
    platform: f64,
    /// This month's draws: innovation success, its size, imitation success.
    innovation: Family,
    step: Family,
    imitation: Family,
}

/// One firm's R&D this month: what it pays and what its innovation and imitation draws give.
#[derive(Clone, Copy, Debug)]
struct Outcome {
    bill: f64,
    other: f64,
    used: f64,
    ln_a: f64,
    how: u8,
}

fn outcome(w: &World, f: usize, pl: &RdPlan, c: &Ctx, ln_a: f64, how: u8) -> Outcome {
    let k = w.firms.industry[f] as usize;
    let q = if pl.gross > 0.0 { pl.gross * c.bought_per_m } else { 0.0 };
    let bill = q * c.price;
    let other = (pl.rd - pl.compute_budget).max(0.0);
    let outlay = bill + other;
    // Effective R&D in researcher-months.
    let n = w.firms.employees[f];
    let skill = if n > 0 { w.firms.skill_sum[f] / f64::from(n) } else { f64::from(w.firms.founder_skill[f]) };
    let cf = if pl.compute_budget > 0.0 {
        c.compute[k][usize::from(pl.class)]
    } else {
        1.0 - w.cfg.ind.compute_intensity[k]
    };
    let pf = if pl.access { c.platform } else { 1.0 };
    let eff = outlay * c.per_m[k] * skill * cf * pf;
    let d = draw(w, c, f, eff, ln_a, how);
    Outcome { bill, other, used: q, ln_a: d.ln_a, how: d.how }
}

thread_local! {
    /// The phase's per-firm plans, reused by the thread that runs the phase.
    static BUFFERS: std::cell::RefCell<Vec<RdPlan>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Frees the reused buffers (at the end of a run, before the end-of-run tables are built).
pub fn release_buffers() {
    BUFFERS.with(|b| *b.borrow_mut() = Vec::new());
}

/// The firm columns the outcome pass writes, taken out of the world for the pass.
struct Written {
    cash: Vec<f64>,
    rd: Vec<f64>,
    rd_ytd: Vec<f64>,
    compute_bill: Vec<f64>,
    compute_used: Vec<f64>,
    compute_budget: Vec<f64>,
    ln_a: Vec<f64>,
    productivity: Vec<f64>,
    how: Vec<u8>,
    innovation_value: Vec<f64>,
}

/// One chunk's part of the month's R&D flows (combined in chunk order).
struct Part {
    to_compute: Neumaier,
    to_households: Neumaier,
    used: f64,
    served: u64,
    rd_by_ind: Vec<f64>,
    vouchers: Vec<(u32, f64, bool)>,
    grants: Vec<(u32, f64, bool)>,
}

/// Phase 5: a parallel pass plans every firm's R&D (and sums the compute wanted), the compute
/// market clears, and a second parallel pass draws innovation and imitation and books the
/// outlays; claims and flows are combined in firm-id order.
pub fn rd_and_compute(w: &mut World) {
    // Buffers are kept from month to month: a million rows are not allocated and zeroed anew.
    let mut plans = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    let spend = {
        let wr: &World = w;
        let gross_per_net = gross_per_net(wr);
        let parts = par::fill_fold(&wr.firms.live, &mut plans, Neumaier::default, |_, f, s| {
            let p = plan(wr, gross_per_net, f);
            s.add(p.gross);
            p
        });
        let mut spend = Neumaier::default();
        for p in &parts {
            spend.merge(p);
        }
        spend.sum()
    };
    // Compute market.
    let c = w.cfg.s.compute.clone();
    let firm_capacity = w.compute.capacity * (1.0 - c.outside_use_share);
    let clr =
        compute::clear(spend, firm_capacity, c.price_base_m_per_eflops_month, c.price_steepness, c.utilisation_max);
    w.compute.price = clr.price;
    w.compute.utilisation = clr.utilisation;
    w.compute.rationed = clr.ration < 1.0;
    let ctx = context(w, &clr, c.price_base_m_per_eflops_month);
    let n_ind = w.cfg.n_ind;
    let fm = &mut w.firms;
    let mut wr_cols = Written {
        cash: std::mem::take(&mut fm.cash),
        rd: std::mem::take(&mut fm.rd),
        rd_ytd: std::mem::take(&mut fm.rd_ytd),
        compute_bill: std::mem::take(&mut fm.compute_bill),
        compute_used: std::mem::take(&mut fm.compute_used),
        compute_budget: std::mem::take(&mut fm.compute_budget),
        ln_a: std::mem::take(&mut fm.ln_a),
        productivity: std::mem::take(&mut fm.productivity),
        how: std::mem::take(&mut fm.how),
        innovation_value: std::mem::take(&mut fm.innovation_value),
    };
    let parts = {
        let wc = &mut wr_cols;
        let (cash, rd, rd_ytd) =
            (par::Col::new(&mut wc.cash), par::Col::new(&mut wc.rd), par::Col::new(&mut wc.rd_ytd));
        let (bill, used, budget) = (
            par::Col::new(&mut wc.compute_bill),
            par::Col::new(&mut wc.compute_used),
            par::Col::new(&mut wc.compute_budget),
        );
        let (ln_a, productivity, how) =
            (par::Col::new(&mut wc.ln_a), par::Col::new(&mut wc.productivity), par::Col::new(&mut wc.how));
        let innovation_value = par::Col::new(&mut wc.innovation_value);
        let wr: &World = w;
        let grants_on = wr.cfg.on(Instrument::RdGrants);
        let g = &wr.cfg.s.policy.rd_grants;
        let v = &wr.cfg.s.policy.compute_vouchers;
        let rates = voucher_rates(wr);
        let init = || Part {
            to_compute: Neumaier::default(),
            to_households: Neumaier::default(),
            used: 0.0,
            served: 0,
            rd_by_ind: vec![0.0; n_ind],
            vouchers: Vec::new(),
            grants: Vec::new(),
        };
        par::fold_live(&wr.firms.live, init, |j, f, p| {
            let pl = &plans[j];
            let k = wr.firms.industry[f] as usize;
            let o = outcome(wr, f, pl, &ctx, ln_a.get(f), how.get(f));
            let outlay = o.bill + o.other;
            cash.set(f, cash.get(f) - outlay);
            rd.set(f, outlay);
            rd_ytd.set(f, rd_ytd.get(f) + outlay);
            bill.set(f, o.bill);
            used.set(f, o.used);
            budget.set(f, pl.compute_budget);
            // The value of an innovation: the rise in ln A times a year's sales (for validation).
            let before = ln_a.get(f);
            if o.ln_a > before && (o.how == crate::state::how::INNOVATION || o.how == crate::state::how::RADICAL) {
                innovation_value.set(f, innovation_value.get(f) + (o.ln_a - before) * 12.0 * wr.firms.revenue[f]);
            }
            if o.ln_a != before {
                ln_a.set(f, o.ln_a);
                productivity.set(f, wr.productivity_at(k, o.ln_a));
            }
            how.set(f, o.how);
            p.to_compute.add(o.bill);
            p.to_households.add(o.other);
            p.used += o.used;
            p.rd_by_ind[k] += outlay;
            let future = wr.cfg.ind.class[k].is_future();
            let tiers = wr.firms.tiers[f];
            let voucher_rate = rates[usize::from(pl.class)];
            if voucher_rate > 0.0 && o.bill > 0.0 {
                let claim = (voucher_rate * o.bill).min((v.cap_m_per_firm_year - wr.firms.voucher_ytd[f]).max(0.0));
                if claim > 0.0 {
                    p.vouchers.push((f as u32, claim, future));
                }
            }
            if grants_on && outlay > 0.0 && wr.cfg.grant_elig.admits(k, tiers) {
                let claim = (g.rate * outlay).min((g.cap_m_per_firm_year - wr.firms.grant_ytd[f]).max(0.0));
                if claim > 0.0 {
                    p.grants.push((f as u32, claim, future));
                }
            }
            if pl.access {
                p.served += 1;
            }
        })
    };
    let fm = &mut w.firms;
    fm.cash = wr_cols.cash;
    fm.rd = wr_cols.rd;
    fm.rd_ytd = wr_cols.rd_ytd;
    fm.compute_bill = wr_cols.compute_bill;
    fm.compute_used = wr_cols.compute_used;
    fm.compute_budget = wr_cols.compute_budget;
    fm.ln_a = wr_cols.ln_a;
    fm.productivity = wr_cols.productivity;
    fm.how = wr_cols.how;
    fm.innovation_value = wr_cols.innovation_value;
    // Combine the chunks in order.
    let (mut to_compute, mut to_households) = (Neumaier::default(), Neumaier::default());
    let (mut used, mut served) = (0.0, 0u64);
    let mut rd_by_ind = vec![0.0; n_ind];
    for p in &parts {
        to_compute.merge(&p.to_compute);
        to_households.merge(&p.to_households);
        used += p.used;
        served += p.served;
        for (a, b) in rd_by_ind.iter_mut().zip(&p.rd_by_ind) {
            *a += b;
        }
        w.claims[Instrument::ComputeVouchers as usize].items.extend_from_slice(&p.vouchers);
        w.claims[Instrument::RdGrants as usize].items.extend_from_slice(&p.grants);
    }
    w.sectors.compute_providers += to_compute.sum();
    w.sectors.households += to_households.sum();
    w.compute.used_firms = used;
    w.ind.rd_total = rd_by_ind;
    let fee = w.cfg.s.policy.platform_openness.fee_m_per_startup_month;
    if w.cfg.on(Instrument::PlatformOpenness) && served > 0 && fee > 0.0 {
        let platform =
            w.firms.live.iter().copied().find(|&f| w.firms.flags[f as usize] & fflag::PLATFORM != 0).unwrap_or(NONE);
        w.claims[Instrument::PlatformOpenness as usize].items.push((platform, served as f64 * fee, false));
    }
    BUFFERS.with(|b| *b.borrow_mut() = plans);
}

/// Industry-level factors of effective R&D this month.
fn context(w: &World, clr: &compute::Clearing, p0: f64) -> Ctx {
    let inn = &w.cfg.s.innovation;
    let payout = w.budget.payout_ratio[Instrument::ComputeVouchers as usize];
    let n = w.cfg.n_ind;
    // Compute bought relative to need: (gross / budget) (p0 / price) x ration, gross / budget = 1 / (1 - expected voucher).
    let bought = |rate: f64| (p0 / clr.price * clr.ration / (1.0 - rate * payout).max(0.05)).min(2.0);
    let classes = voucher_rates(w).map(|rate| bought(rate).powf(inn.compute_elasticity));
    Ctx {
        bought_per_m: clr.ration / clr.price,
        price: clr.price,
        per_m: (0..n)
            .map(|k| {
                let knowledge = (w.ind.knowledge[k] / w.ind.knowledge_start[k].max(1e-12))
                    .max(1e-12)
                    .powf(inn.knowledge_elasticity);
                knowledge / (w.cfg.ind.wage[k] * w.wage_index * w.cfg.ind.difficulty[k])
            })
            .collect(),
        compute: (0..n)
            .map(|k| {
                let ci = w.cfg.ind.compute_intensity[k];
                classes.map(|x| (1.0 - ci) + ci * x)
            })
            .collect(),
        platform: 1.0 + inn.platform_spillover * w.openness,
        innovation: Family::new(w.seed, Phase::Innovation, w.month as u32),
        step: Family::new(w.seed, Phase::InnovationStep, w.month as u32),
        imitation: Family::new(w.seed, Phase::Imitation, w.month as u32),
    }
}

/// Outcome of one firm's innovation and imitation draws.
#[derive(Clone, Copy, Debug)]
struct Draws {
    ln_a: f64,
    how: u8,
}

fn draw(w: &World, c: &Ctx, f: usize, eff: f64, ln_a0: f64, how0: u8) -> Draws {
    let inn = &w.cfg.s.innovation;
    let k = w.firms.industry[f] as usize;
    let mut ln_a = ln_a0;
    let mut how = how0;
    if eff <= 0.0 {
        return Draws { ln_a, how };
    }
    let eff = match inn.rd_scale_elasticity {
        t if t == 0.5 => eff.sqrt(),
        t if t == 1.0 => eff,
        t => eff.powf(t),
    };
    // Success draws are single uniforms; 1 - exp(-x) <= x lets most firms skip the exponential.
    let x_in = inn.zeta_innovation * eff;
    let u = c.innovation.uniform(w.firms.key(f));
    if u < x_in && u < 1.0 - (-x_in).exp() {
        let mut r = c.step.stream(w.firms.key(f));
        let x = if r.unif() < w.cfg.ind.radical_probability[k] {
            how = crate::state::how::RADICAL;
            (inn.radical_jump_scale * r.pareto(w.cfg.ind.radical_alpha[k])).min(inn.radical_jump_max)
        } else {
            let g = w.cfg.ind.frontier_growth_per_month[k] * 12.0;
            g * (inn.x_min + (inn.x_max - inn.x_min) * r.beta(inn.beta_a, inn.beta_b))
        };
        if x > 0.0 {
            ln_a += x;
            if how != crate::state::how::RADICAL {
                how = crate::state::how::INNOVATION;
            }
        } else if how == crate::state::how::RADICAL {
            how = how0;
        }
    }
    let gap = w.ind.best_ln_a[k] - ln_a;
    let x_im = inn.zeta_imitation * eff;
    if gap > 0.0 {
        let u = c.imitation.uniform(w.firms.key(f));
        if u < x_im && u < (1.0 - (-x_im).exp()) * (-gap / inn.imitation_gap_scale).exp() {
            ln_a += inn.imitation_step * gap;
            how = crate::state::how::IMITATION;
        }
    }
    Draws { ln_a, how }
}
