//! Phase 9, exit (MODEL.md): a firm with negative cash and no financing fails; its employees
//! become unemployed, and so does its founder, with insurance months if the policy holds.
//! Unlisted firms also close for reasons outside the model at a constant hazard: when the owner
//! retires or moves, and early-stage ventures (seed or A round, at a higher hazard) when the
//! product or the team fails, so that most VC deals lose money (Kerr, Nanda, Rhodes-Kropf 2014).
//! Venture-backed firms that qualify may list (IPO) or be acquired; proceeds go to the cap table.

use crate::config::{Instrument, stage};
use crate::events::Kind;
use crate::phases::{finance, labour};
use crate::rng::{Draw, Family, Phase, stream};
use crate::state::*;
use crate::world::World;

/// Phase 9.
pub fn exits(w: &mut World) {
    let ex = &w.cfg.s.exit;
    let month = w.month as u32;
    /// What happens to a firm this month.
    enum Fate {
        Fail(u32, &'static str),
        List(u32),
        Sell(u32),
    }
    // Who fails, lists or is sold: a parallel scan (the fates are then carried out in id order).
    let wr: &World = w;
    let (closure, acquisition) =
        (Family::new(wr.seed, Phase::Exit, month), Family::new(wr.seed, Phase::Acquisition, month));
    let fates = crate::par::select_live(&wr.firms.live, |fi, out| {
        let f = fi as u32;
        if wr.firms.cash[fi] < 0.0 {
            out.push(Fate::Fail(f, "insolvent"));
            return;
        }
        let st = wr.firms.stage[fi];
        let u = closure.uniform(wr.firms.key(fi));
        let hazard = if matches!(st, stage::SEED | stage::A) { ex.venture_closure_hazard } else { ex.closure_hazard };
        if st < stage::LISTED && wr.firms.flags[fi] & fflag::PLATFORM == 0 && u < hazard {
            out.push(Fate::Fail(f, "closed"));
            return;
        }
        if (stage::SEED..=stage::GROWTH).contains(&st) {
            let annual = 12.0 * wr.firms.revenue[fi];
            if wr.firms.valuation[fi] >= ex.ipo_min_valuation_m
                && annual >= ex.ipo_min_revenue_m_per_year
                && u < ex.ipo_hazard
            {
                out.push(Fate::List(f));
            } else if wr.firms.revenue[fi] > 0.0 && acquisition.uniform(wr.firms.key(fi)) < ex.acquisition_hazard {
                out.push(Fate::Sell(f));
            }
        }
    });
    let fail = fates.iter().filter_map(|x| if let Fate::Fail(f, why) = x { Some((*f, *why)) } else { None });
    let fail: Vec<(u32, &'static str)> = fail.collect();
    let list: Vec<u32> = fates.iter().filter_map(|x| if let Fate::List(f) = x { Some(*f) } else { None }).collect();
    let sell: Vec<u32> = fates.iter().filter_map(|x| if let Fate::Sell(f) = x { Some(*f) } else { None }).collect();
    // The books close in order (the sums of money depend on it); the people's moves are then
    // made per field in parallel (`labour::release_people`), before any acquisition's founder
    // looks for work. Failing firms are scattered: their rows, then their founder's, are
    // requested a few closures ahead (hints, without effect on results).
    const AHEAD: usize = 8;
    for (j, &(f, why)) in fail.iter().enumerate() {
        if let Some(&(g, _)) = fail.get(j + 2 * AHEAD) {
            prefetch_firm(w, g as usize);
        }
        if let Some(&(g, _)) = fail.get(j + AHEAD) {
            let p = w.firms.founder[g as usize];
            if p != NONE {
                w.people.prefetch(p as usize);
            }
        }
        close(w, f, why);
    }
    let closing: Vec<(u32, u32)> = fail.iter().map(|&(f, _)| (f, w.firms.founder[f as usize])).collect();
    labour::release_people(w, &closing);
    for f in list {
        ipo(w, f);
    }
    for f in sell {
        acquire(w, f);
    }
    w.firms.live.retain(|&f| w.firms.alive[f as usize]);
}

/// Asks for the rows of firm `f` that a closure reads first (a hint).
fn prefetch_firm(w: &World, f: usize) {
    use crate::par::prefetch;
    let fm = &w.firms;
    prefetch(&fm.cash[f]);
    prefetch(&fm.debt[f]);
    prefetch(&fm.holdings[f]);
    prefetch(&fm.head[f]);
    prefetch(&fm.founder[f]);
    prefetch(&fm.industry[f]);
    prefetch(&fm.alive[f]);
}

/// Pays every open holding of firm `f` its stake of `value` (from `payer`), and closes them.
fn pay_cap_table(w: &mut World, f: u32, value: f64, close_holdings: bool) -> f64 {
    let mut paid = 0.0;
    let mut h = w.firms.holdings[f as usize];
    while h != NONE {
        let hi = h as usize;
        h = w.holdings[hi].next;
        if !w.holdings[hi].open {
            continue;
        }
        let amount = w.holdings[hi].stake * value;
        if amount > 0.0 {
            finance::pay_holding(w, hi, amount);
            paid += amount;
        }
        if close_holdings {
            w.holdings[hi].open = false;
        }
    }
    paid
}

/// The firm fails or closes: creditors take the losses (its workers and founder lose their
/// work in [`labour::release_people`], which the caller runs after closing its firms).
fn close(w: &mut World, f: u32, why: &'static str) {
    let fi = f as usize;
    let k = w.firms.industry[fi] as usize;
    // Cash first repays the bank; a negative balance is unpaid suppliers' loss.
    let cash = w.firms.cash[fi];
    if cash < 0.0 {
        w.sectors.outside += cash;
    } else {
        let repay = cash.min(w.firms.debt[fi]);
        w.sectors.bank += repay;
        let rest = cash - repay;
        // What is left is paid out to the cap table by stake, the rest to the founder.
        let investors = pay_cap_table(w, f, rest, false);
        w.sectors.households += rest - investors;
    }
    w.m.bank_losses += (w.firms.debt[fi] - cash.max(0.0)).max(0.0);
    w.firms.cash[fi] = 0.0;
    w.firms.debt[fi] = 0.0;
    let mut h = w.firms.holdings[fi];
    while h != NONE {
        w.holdings[h as usize].open = false;
        h = w.holdings[h as usize].next;
    }
    let founder = w.firms.founder[fi];
    if founder != NONE {
        let p = founder as usize;
        w.people.failed[p] = w.people.failed[p].saturating_add(1);
        if w.cfg.on(Instrument::FounderInsurance) {
            let months = w.cfg.s.policy.founder_insurance.months.round() as i32;
            if months > 0 {
                w.people.insured_until[p] = w.month + 1 + months;
                w.insured.push(founder);
            }
        }
    }
    w.firms.alive[fi] = false;
    w.ind.firms[k] = w.ind.firms[k].saturating_sub(1);
    if why == "closed" {
        w.m.closures += 1;
    }
    w.m.deaths += 1;
    w.m.deaths_by_ind[k] += 1;
    w.events.push(Kind::Failed, f, Some(founder).filter(|&p| p != NONE), None, k as u16, cash, why);
}

/// Listing: investors sell their stakes at the listing valuation to public markets.
fn ipo(w: &mut World, f: u32) {
    let fi = f as usize;
    let k = w.firms.industry[fi];
    let value = w.firms.valuation[fi] * w.cfg.s.exit.ipo_sale_share;
    let paid = pay_cap_table(w, f, value, true);
    w.sectors.acquirers -= paid;
    w.firms.stage[fi] = stage::LISTED;
    let founder = w.firms.founder[fi];
    if founder != NONE {
        w.people.exited[founder as usize] = w.people.exited[founder as usize].saturating_add(1);
    }
    w.m.listings += 1;
    w.events.push(Kind::Listed, f, Some(founder).filter(|&p| p != NONE), None, k, w.firms.valuation[fi], "");
}

/// Acquisition: an outside acquirer buys the whole firm; investors and the founder are paid,
/// the founder leaves, the firm goes on as part of the acquirer.
fn acquire(w: &mut World, f: u32) {
    let fi = f as usize;
    let k = w.firms.industry[fi];
    let mut r = stream(w.seed, Phase::Exit, w.month as u32, w.firms.key(fi) | (1 << 40));
    let value = w.firms.valuation[fi] * w.cfg.s.exit.acquisition_multiple * (0.5 * r.normal()).exp();
    let paid = pay_cap_table(w, f, value, true);
    let mut stakes = 0.0;
    let mut h = w.firms.holdings[fi];
    while h != NONE {
        stakes += w.holdings[h as usize].stake;
        h = w.holdings[h as usize].next;
    }
    let founder_part = (1.0 - stakes).max(0.0) * value;
    w.sectors.acquirers -= paid + founder_part;
    w.sectors.households += founder_part;
    w.firms.stage[fi] = stage::ACQUIRED;
    w.firms.valuation[fi] = value;
    let founder = w.firms.founder[fi];
    if founder != NONE {
        let p = founder as usize;
        w.people.exited[p] = w.people.exited[p].saturating_add(1);
        w.people.hot[p].employer = NONE;
        w.people.hot[p].field = k;
        labour::enter_state(w, founder, pstate::UNEMPLOYED);
        w.firms.founder[fi] = NONE;
        w.firms.founder_skill[fi] = 1.0;
    }
    w.m.acquisitions += 1;
    w.events.push(Kind::Acquired, f, Some(founder).filter(|&p| p != NONE), None, k, value, "");
}
