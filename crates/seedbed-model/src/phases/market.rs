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

#[derive(Clone, Copy, Debug, Default)]
struct Pre {
    /// Competitiveness.
    e: f64,
    /// Log demand shock.
    shock: f64,
    /// Capacity, CNY m/month.
    cap: f64,
}

/// Productivity multiple of firm `f` relative to its industry's reference technology.
#[inline]
pub fn productivity(w: &World, f: usize) -> f64 {
    let k = w.firms.industry[f] as usize;
    w.ind.output_per_worker[k] * (w.firms.ln_a[f] - w.ind.reference[k]).exp()
}

fn pre(w: &World, f: usize) -> Pre {
    let m = &w.cfg.s.market;
    let n = f64::from(w.firms.employees[f]) + 1.0;
    let bonus = if w.firms.pilot_until[f] > w.month { m.pilot_competitiveness_bonus } else { 0.0 };
    let sd = match w.shock_sd_by_size.get(w.firms.employees[f] as usize) {
        Some(&sd) => sd,
        None => m.shock_sd * n.powf(-m.shock_size_exponent),
    };
    let mut r = stream(w.seed, Phase::Market, w.month as u32, f as u64);
    Pre { e: w.firms.ln_a[f] + bonus, shock: sd * r.normal() - 0.5 * sd * sd, cap: n * productivity(w, f) }
}

/// Phase 7.
pub fn product_market(w: &mut World) {
    let n_ind = w.cfg.n_ind;
    let mut pres: Vec<Pre> = Vec::new();
    {
        let wr: &World = w;
        wr.firms.live.par_iter().map(|&f| pre(wr, f as usize)).collect_into_vec(&mut pres);
    }
    let live = std::mem::take(&mut w.firms.live);
    // Share-weighted mean competitiveness by industry.
    let mut se = vec![Neumaier::default(); n_ind];
    let mut sf = vec![Neumaier::default(); n_ind];
    for (j, &f) in live.iter().enumerate() {
        let fi = f as usize;
        let k = w.firms.industry[fi] as usize;
        se[k].add(w.firms.share[fi] * pres[j].e);
        sf[k].add(w.firms.share[fi]);
    }
    let mean_e: Vec<f64> =
        (0..n_ind).map(|k| if sf[k].sum() > 0.0 { se[k].sum() / sf[k].sum() } else { 0.0 }).collect();
    let chi = w.cfg.s.market.replicator_chi;
    let mut total = vec![Neumaier::default(); n_ind];
    for (j, &f) in live.iter().enumerate() {
        let fi = f as usize;
        let k = w.firms.industry[fi] as usize;
        let s = (w.firms.share[fi] * (1.0 + chi * (pres[j].e - mean_e[k]))).max(0.0) * pres[j].shock.exp();
        w.firms.share[fi] = s;
        total[k].add(s);
    }
    // Sales capped by capacity; unserved demand to firms with spare capacity.
    let mut unserved = vec![0.0; n_ind];
    let mut spare = vec![0.0; n_ind];
    for (j, &f) in live.iter().enumerate() {
        let fi = f as usize;
        let k = w.firms.industry[fi] as usize;
        let t = total[k].sum();
        let s = if t > 0.0 { w.firms.share[fi] / t } else { 0.0 };
        let want = s * w.ind.demand[k];
        let sales = want.min(pres[j].cap);
        unserved[k] += want - sales;
        spare[k] += pres[j].cap - sales;
        w.firms.revenue_prev[fi] = w.firms.revenue[fi];
        w.firms.revenue[fi] = sales;
        pres[j].cap -= sales;
    }
    let mut sold = vec![Neumaier::default(); n_ind];
    for (j, &f) in live.iter().enumerate() {
        let fi = f as usize;
        let k = w.firms.industry[fi] as usize;
        if unserved[k] > 0.0 && spare[k] > 0.0 {
            w.firms.revenue[fi] += unserved[k].min(spare[k]) * pres[j].cap / spare[k];
        }
        sold[k].add(w.firms.revenue[fi]);
    }
    for &f in &live {
        let fi = f as usize;
        let k = w.firms.industry[fi] as usize;
        let t = sold[k].sum();
        w.firms.share[fi] = if t > 0.0 { w.firms.revenue[fi] / t } else { 0.0 };
    }
    w.firms.live = live;
    accounts(w);
    tally(w);
}

/// Costs, taxes, payouts and next month's employment plan of every firm.
fn accounts(w: &mut World) {
    let g = w.cfg.s.government.clone();
    let mk = w.cfg.s.market.clone();
    let inn_burn = w.cfg.s.innovation.burn_months;
    let rd_burn = w.cfg.s.innovation.rd_share_of_burn;
    let r_month = w.cfg.s.finance.loan_rate_per_year / 12.0;
    let support_on = w.cfg.on(Instrument::ManufacturingSupport);
    let sup = w.cfg.s.policy.manufacturing_support.clone();
    let wi = w.wage_index;
    let (mut outside, mut households, mut bank, mut gov, mut acquirers) =
        (Neumaier::default(), Neumaier::default(), Neumaier::default(), Neumaier::default(), Neumaier::default());
    let mm = &mut w.m;
    let live = std::mem::take(&mut w.firms.live);
    for &f in &live {
        let fi = f as usize;
        let fm = &mut w.firms;
        let k = fm.industry[fi] as usize;
        let rev = fm.revenue[fi];
        let n = f64::from(fm.employees[fi]);
        let inputs = (1.0 - w.cfg.ind.va_share[k]) * rev;
        let wages = fm.wage_sum[fi] * wi;
        let rent = w.cfg.ind.rent[k] * (n + 1.0);
        let interest = fm.debt[fi] * r_month;
        let principal = fm.debt_step[fi].min(fm.debt[fi]);
        let va = rev - inputs;
        let vat = g.vat_rate * va;
        let pre_tax = rev - inputs - wages - rent - interest - fm.rd[fi] - vat;
        let rate = if fm.tiers[fi] & tier::HIGH_TECH != 0 { g.high_tech_tax_rate } else { g.profit_tax_rate };
        let tax = rate * pre_tax.max(0.0);
        let profit = pre_tax - tax;
        fm.cash[fi] += rev - inputs - wages - rent - interest - principal - vat - tax;
        fm.debt[fi] -= principal;
        if fm.debt[fi] <= 1e-12 {
            fm.debt[fi] = 0.0;
            fm.debt_step[fi] = 0.0;
        }
        outside.add(inputs + rent - rev);
        households.add(wages);
        bank.add(interest + principal);
        gov.add(vat + tax);
        mm.taxes += vat + tax;
        mm.vat += vat;
        mm.wages += wages;
        mm.revenue += rev;
        mm.value_added += va;
        mm.rd += fm.rd[fi];
        fm.profit[fi] = profit;
        fm.rev_ytd[fi] += rev;
        let st = fm.stage[fi];
        if profit > 0.0
            && fm.cash[fi] > 0.0
            && (st == stage::BOOTSTRAPPED || st == stage::LISTED || st == stage::ACQUIRED)
        {
            let d = (mk.payout_share * profit).min(fm.cash[fi]);
            fm.cash[fi] -= d;
            if st == stage::ACQUIRED {
                acquirers.add(d);
            } else {
                households.add(d);
            }
        }
        if support_on && n >= sup.min_employees && w.cfg.support_elig.admits(k, 0) {
            let claim = (sup.rate * rent).min((sup.cap_m_per_firm_year - fm.support_ytd[fi]).max(0.0));
            if claim > 0.0 {
                w.claims[Instrument::ManufacturingSupport as usize].items.push((
                    f,
                    claim,
                    w.cfg.ind.class[k].is_future(),
                ));
            }
        }
        // Employment plan: expected sales at the current share trend, at this productivity.
        let trend = if fm.revenue_prev[fi] > 0.0 { (rev / fm.revenue_prev[fi]).clamp(0.5, 2.0) } else { 1.0 };
        let prod = w.ind.output_per_worker[k] * (fm.ln_a[fi] - w.ind.reference[k]).exp();
        let mut desired = if prod > 0.0 { rev * trend * (1.0 + mk.employment_buffer) / prod - 1.0 } else { 0.0 };
        if (stage::SEED..=stage::GROWTH).contains(&st)
            && f64::from(w.month - fm.last_round[fi]) < inn_burn
            && fm.cash[fi] > 0.0
        {
            let funded = fm.last_round_m[fi] / inn_burn * (1.0 - rd_burn) / (w.cfg.ind.wage[k] * wi);
            desired = desired.max(funded);
        }
        fm.desired[fi] = desired.max(0.0) as f32;
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
