//! Phase 7, product market (MODEL.md; K+S, Dosi et al. 2010): each industry's demand is shared
//! by replicator dynamics on competitiveness, f_i' = f_i (1 + chi (E_i - E_mean)), with E the
//! log technology plus a pilot validation bonus, times an idiosyncratic demand shock whose
//! standard deviation falls with size as (n+1)^-beta (Stanley et al. 1996). Sales are capped by
//! capacity (workers x productivity); demand above capacity goes to competitors with spare
//! capacity. Revenue pays bought-in inputs, wages, rent, interest and taxes; profitable
//! bootstrapped and listed firms pay out part of profit. Firms then plan next month's employment.

use rayon::prelude::*;

use crate::config::{Instrument, stage, tier};
use crate::events::Kind;
use crate::rng::{Draw, Phase, stream};
use crate::state::*;
use crate::world::{Neumaier, World};

/// One firm's market quantities this month (a row per live firm, in live order).
#[derive(Clone, Copy, Debug, Default)]
struct Row {
    k: usize,
    /// Competitiveness.
    e: f64,
    /// Log demand shock.
    shock: f64,
    /// Labour productivity, CNY m per worker-month.
    prod: f64,
    /// Capacity, then spare capacity after sales, CNY m/month.
    cap: f64,
    /// Market share: last month's, then the replicator's (unnormalised).
    share: f64,
    /// Sales this month.
    sales: f64,
    /// Demand for the firm's output this month (its share of the industry's demand, before
    /// the capacity cap): what it plans employment for.
    demand: f64,
}

/// Productivity multiple of firm `f` relative to its industry's reference technology.
#[inline]
pub fn productivity(w: &World, f: usize) -> f64 {
    let k = w.firms.industry[f] as usize;
    w.ind.output_per_worker[k] * (w.firms.ln_a[f] - w.ind.reference[k]).exp()
}

fn row(w: &World, f: usize) -> Row {
    let m = &w.cfg.s.market;
    let k = w.firms.industry[f] as usize;
    let n = f64::from(w.firms.employees[f]) + 1.0;
    let bonus = if w.firms.pilot_until[f] > w.month { m.pilot_competitiveness_bonus } else { 0.0 };
    let sd = match w.shock_sd_by_size.get(w.firms.employees[f] as usize) {
        Some(&sd) => sd,
        None => m.shock_sd * n.powf(-m.shock_size_exponent),
    };
    let mut r = stream(w.seed, Phase::Market, w.month as u32, f as u64);
    let prod = productivity(w, f);
    Row {
        k,
        e: w.firms.ln_a[f] + bonus,
        shock: sd * r.normal() - 0.5 * sd * sd,
        prod,
        cap: n * prod,
        share: w.firms.share[f],
        sales: 0.0,
        demand: 0.0,
    }
}

/// Sums `value(row)` by industry, in row order (deterministic whatever the thread count).
fn by_industry(rows: &[Row], n_ind: usize, value: impl Fn(&Row) -> f64) -> Vec<f64> {
    let mut s = vec![Neumaier::default(); n_ind];
    for r in rows {
        s[r.k].add(value(r));
    }
    s.iter().map(Neumaier::sum).collect()
}

thread_local! {
    /// The market's per-firm rows and accounts, reused by the thread that runs the phase.
    static BUFFERS: std::cell::RefCell<(Vec<Row>, Vec<Account>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Frees the reused buffers (at the end of a run, before the end-of-run tables are built).
pub fn release_buffers() {
    BUFFERS.with(|b| *b.borrow_mut() = (Vec::new(), Vec::new()));
}

/// Phase 7.
pub fn product_market(w: &mut World) {
    let n_ind = w.cfg.n_ind;
    // Buffers are kept from month to month: a million rows are not allocated and zeroed anew.
    let (mut rows, mut acc) = BUFFERS.with(|b| std::mem::take(&mut *b.borrow_mut()));
    {
        let wr: &World = w;
        wr.firms.live.par_iter().map(|&f| row(wr, f as usize)).collect_into_vec(&mut rows);
    }
    // Replicator: shares move with competitiveness relative to the share-weighted mean.
    let se = by_industry(&rows, n_ind, |r| r.share * r.e);
    let sf = by_industry(&rows, n_ind, |r| r.share);
    let mean_e: Vec<f64> = (0..n_ind).map(|k| if sf[k] > 0.0 { se[k] / sf[k] } else { 0.0 }).collect();
    let chi = w.cfg.s.market.replicator_chi;
    rows.par_iter_mut().for_each(|r| r.share = (r.share * (1.0 + chi * (r.e - mean_e[r.k]))).max(0.0) * r.shock.exp());
    let total = by_industry(&rows, n_ind, |r| r.share);
    // Sales capped by capacity; unserved demand goes to firms with spare capacity.
    let demand = &w.ind.demand;
    rows.par_iter_mut().for_each(|r| {
        let want = if total[r.k] > 0.0 { r.share / total[r.k] * demand[r.k] } else { 0.0 };
        r.sales = want.min(r.cap);
        r.demand = want;
        r.share = want - r.sales; // now: unserved demand of this firm
        r.cap -= r.sales;
    });
    let unserved = by_industry(&rows, n_ind, |r| r.share);
    let spare = by_industry(&rows, n_ind, |r| r.cap);
    rows.par_iter_mut().for_each(|r| {
        if unserved[r.k] > 0.0 && spare[r.k] > 0.0 {
            r.sales += unserved[r.k].min(spare[r.k]) * r.cap / spare[r.k];
        }
    });
    let sold = by_industry(&rows, n_ind, |r| r.sales);
    {
        let wr: &World = w;
        let ctx = AccountCtx::new(wr);
        wr.firms
            .live
            .par_iter()
            .zip(rows.par_iter())
            .map(|(&f, r)| account(wr, &ctx, f as usize, r))
            .collect_into_vec(&mut acc);
    }
    apply_accounts(w, &rows, &acc, &sold);
    BUFFERS.with(|b| *b.borrow_mut() = (rows, acc));
    tally(w);
}

/// Parameters of the accounts, read once a month.
struct AccountCtx {
    g: crate::scenario::Government,
    payout_share: f64,
    buffer: f64,
    burn_months: f64,
    rd_burn: f64,
    r_month: f64,
    wage_index: f64,
    support: Option<crate::scenario::ManufacturingSupport>,
}

impl AccountCtx {
    fn new(w: &World) -> AccountCtx {
        AccountCtx {
            g: w.cfg.s.government.clone(),
            payout_share: w.cfg.s.market.payout_share,
            buffer: w.cfg.s.market.employment_buffer,
            burn_months: w.cfg.s.innovation.burn_months,
            rd_burn: w.cfg.s.innovation.rd_share_of_burn,
            r_month: w.cfg.s.finance.loan_rate_per_year / 12.0,
            wage_index: w.wage_index,
            support: w.cfg.on(Instrument::ManufacturingSupport).then(|| w.cfg.s.policy.manufacturing_support.clone()),
        }
    }
}

/// One firm's monthly accounts: costs, taxes, payout, support claim and employment plan.
#[derive(Clone, Copy, Debug, Default)]
struct Account {
    inputs: f64,
    wages: f64,
    rent: f64,
    interest: f64,
    principal: f64,
    vat: f64,
    tax: f64,
    profit: f64,
    /// Payout to owners (households, or the acquirer for acquired firms).
    payout: f64,
    support_claim: f64,
    desired: f32,
}

/// Revenue pays bought-in inputs, wages, rent, interest and VAT; profit is taxed (15% for
/// high-tech enterprises); profitable bootstrapped, listed and acquired firms pay out a share;
/// the firm plans employment for expected sales at its productivity (or what a round pays for).
fn account(w: &World, c: &AccountCtx, f: usize, r: &Row) -> Account {
    let fm = &w.firms;
    let k = r.k;
    let rev = r.sales;
    let n = f64::from(fm.employees[f]);
    let inputs = (1.0 - w.cfg.ind.va_share[k]) * rev;
    let wages = fm.wage_sum[f] * c.wage_index;
    let rent = w.cfg.ind.rent[k] * (n + 1.0);
    let interest = fm.debt[f] * c.r_month;
    let principal = fm.debt_step[f].min(fm.debt[f]);
    let vat = c.g.vat_rate * (rev - inputs);
    let pre_tax = rev - inputs - wages - rent - interest - fm.rd[f] - vat;
    let rate = if fm.tiers[f] & tier::HIGH_TECH != 0 { c.g.high_tech_tax_rate } else { c.g.profit_tax_rate };
    let tax = rate * pre_tax.max(0.0);
    let profit = pre_tax - tax;
    let cash = fm.cash[f] + rev - inputs - wages - rent - interest - principal - vat - tax;
    let st = fm.stage[f];
    let payout = if profit > 0.0 && cash > 0.0 && matches!(st, stage::BOOTSTRAPPED | stage::LISTED | stage::ACQUIRED) {
        (c.payout_share * profit).min(cash)
    } else {
        0.0
    };
    let support_claim = match &c.support {
        Some(s) if n >= s.min_employees && w.cfg.support_elig.admits(k, 0) => {
            (s.rate * rent).min((s.cap_m_per_firm_year - fm.support_ytd[f]).max(0.0))
        }
        _ => 0.0,
    };
    // Employment is planned for the demand the firm faces, not for sales its capacity capped:
    // otherwise a firm short of workers sells less, plans fewer workers, and spirals down.
    let expected = r.demand.max(rev);
    let mut desired = if r.prod > 0.0 { expected * (1.0 + c.buffer) / r.prod - 1.0 } else { 0.0 };
    if (stage::SEED..=stage::GROWTH).contains(&st)
        && f64::from(w.month - fm.last_round[f]) < c.burn_months
        && cash > 0.0
    {
        let funded = fm.last_round_m[f] / c.burn_months * (1.0 - c.rd_burn) / (w.cfg.ind.wage[k] * c.wage_index);
        desired = desired.max(funded);
    }
    Account {
        inputs,
        wages,
        rent,
        interest,
        principal,
        vat,
        tax,
        profit,
        payout,
        support_claim,
        desired: desired.max(0.0) as f32,
    }
}

/// Writes the month's sales and accounts in firm-id order and books the flows to the sectors.
fn apply_accounts(w: &mut World, rows: &[Row], acc: &[Account], sold: &[f64]) {
    let (mut outside, mut households, mut bank, mut gov, mut acquirers) =
        (Neumaier::default(), Neumaier::default(), Neumaier::default(), Neumaier::default(), Neumaier::default());
    let live = std::mem::take(&mut w.firms.live);
    let mm = &mut w.m;
    let fm = &mut w.firms;
    for (j, &f) in live.iter().enumerate() {
        let fi = f as usize;
        let (r, a) = (&rows[j], &acc[j]);
        let rev = r.sales;
        fm.share[fi] = if sold[r.k] > 0.0 { rev / sold[r.k] } else { 0.0 };
        fm.revenue_prev[fi] = fm.revenue[fi];
        fm.revenue[fi] = rev;
        fm.cash[fi] += rev - a.inputs - a.wages - a.rent - a.interest - a.principal - a.vat - a.tax - a.payout;
        fm.debt[fi] -= a.principal;
        if fm.debt[fi] <= 1e-12 {
            fm.debt[fi] = 0.0;
            fm.debt_step[fi] = 0.0;
        }
        fm.profit[fi] = a.profit;
        fm.rev_ytd[fi] += rev;
        fm.desired[fi] = a.desired;
        outside.add(a.inputs + a.rent - rev);
        households.add(a.wages);
        bank.add(a.interest + a.principal);
        gov.add(a.vat + a.tax);
        if fm.stage[fi] == stage::ACQUIRED {
            acquirers.add(a.payout);
        } else {
            households.add(a.payout);
        }
        mm.taxes += a.vat + a.tax;
        mm.vat += a.vat;
        mm.wages += a.wages;
        mm.revenue += rev;
        mm.value_added += rev - a.inputs;
        mm.rd += fm.rd[fi];
        if a.support_claim > 0.0 {
            let future = w.cfg.ind.class[r.k].is_future();
            w.claims[Instrument::ManufacturingSupport as usize].items.push((f, a.support_claim, future));
        }
    }
    w.firms.live = live;
    w.sectors.outside += outside.sum();
    w.sectors.households += households.sum();
    w.sectors.bank += bank.sum();
    w.sectors.government += gov.sum();
    w.sectors.acquirers += acquirers.sum();
}

/// Valuations, frontier status, breakthroughs and the month's aggregates by industry.
pub fn tally(w: &mut World) {
    let n_ind = w.cfg.n_ind;
    let t = &mut w.tally;
    for v in [&mut t.firms, &mut t.employment, &mut t.frontier, &mut t.unicorns, &mut t.high_tech] {
        v.clear();
        v.resize(n_ind, 0);
    }
    for v in [&mut t.revenue, &mut t.value_added, &mut t.rd, &mut t.compute, &mut t.mean_ln_a] {
        v.clear();
        v.resize(n_ind, 0.0);
    }
    t.tier_counts = [0; 5];
    t.listed = 0;
    t.acquired = 0;
    t.vc_backed = 0;
    t.pilots_active = 0;
    t.compute_eligible = 0.0;
    let mut cash = Neumaier::default();
    let mut debt = 0.0;
    let tiers = w.cfg.s.tiers.clone();
    let unicorn_age = (tiers.unicorn_max_age_years * 12.0) as i32;
    let mut best = vec![f64::NEG_INFINITY; n_ind];
    let live = std::mem::take(&mut w.firms.live);
    for &f in &live {
        let fi = f as usize;
        let fm = &mut w.firms;
        let k = fm.industry[fi] as usize;
        let st = fm.stage[fi];
        // Valuation: the last round's post-money while recent, else a revenue multiple.
        if st != stage::BOOTSTRAPPED {
            let by_rev = w.cfg.ind.revenue_multiple[k] * 12.0 * fm.revenue[fi];
            let recent = w.month - fm.last_round[fi] < 24;
            fm.valuation[fi] = if recent { fm.valuation[fi].max(by_rev) } else { by_rev.max(0.5 * fm.valuation[fi]) };
        }
        let is_unicorn = st != stage::BOOTSTRAPPED
            && st != stage::LISTED
            && st != stage::ACQUIRED
            && fm.valuation[fi] >= tiers.unicorn_min_valuation_m
            && fm.age(fi, w.month) < unicorn_age;
        if w.cfg.ind.class[k].is_future() && fm.ln_a[fi] >= w.ind.frontier[k] {
            fm.flags[fi] |= fflag::FRONTIER;
            t.frontier[k] += 1;
            if fm.flags[fi] & fflag::EVER_FRONTIER == 0 {
                fm.flags[fi] |= fflag::EVER_FRONTIER;
                fm.frontier_month[fi] = w.month;
                w.m.new_frontier += 1;
                let h = crate::state::how::NAMES[fm.how[fi] as usize];
                w.events.push(
                    Kind::Breakthrough,
                    f,
                    Some(fm.founder[fi]).filter(|&p| p != NONE),
                    None,
                    k as u16,
                    0.0,
                    h,
                );
            }
        } else {
            fm.flags[fi] &= !fflag::FRONTIER;
        }
        t.firms[k] += 1;
        t.employment[k] += u64::from(fm.employees[fi]);
        t.revenue[k] += fm.revenue[fi];
        t.value_added[k] += fm.revenue[fi] * w.cfg.ind.va_share[k];
        t.rd[k] += fm.rd[fi];
        t.compute[k] += fm.compute_used[fi];
        if w.cfg.voucher_elig.admits(k, fm.tiers[fi]) {
            t.compute_eligible += fm.compute_used[fi];
        }
        t.mean_ln_a[k] += fm.ln_a[fi];
        if is_unicorn {
            t.unicorns[k] += 1;
        }
        if fm.tiers[fi] & tier::HIGH_TECH != 0 {
            t.high_tech[k] += 1;
        }
        for (i, (bit, _)) in tier::NAMES.iter().enumerate() {
            if fm.tiers[fi] & bit != 0 {
                t.tier_counts[i] += 1;
            }
        }
        match st {
            stage::LISTED => t.listed += 1,
            stage::ACQUIRED => t.acquired += 1,
            _ => {}
        }
        if fm.flags[fi] & fflag::VC_BACKED != 0 {
            t.vc_backed += 1;
        }
        if fm.contract_until[fi] > w.month {
            t.pilots_active += 1;
        }
        cash.add(fm.cash[fi]);
        debt += fm.debt[fi];
        best[k] = best[k].max(fm.ln_a[fi]);
    }
    w.firms.live = live;
    for k in 0..n_ind {
        if t.firms[k] > 0 {
            t.mean_ln_a[k] /= t.firms[k] as f64;
        }
        w.ind.firms[k] = t.firms[k];
    }
    t.unicorns_total = t.unicorns.iter().sum();
    t.frontier_total = t.frontier.iter().sum();
    t.cash = cash.sum();
    t.debt = debt;
    w.ind.best_ln_a = best;
}
