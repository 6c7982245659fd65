//! Phase 11, government (MODEL.md): pays each instrument's claims within its own annual budget
//! and its package's budget, pro rata when oversubscribed and never above either; industrial
//! instruments keep a reserved share of their budget for future industries (the 15% rule).
//! Taxes were collected where they arose (product market). Also the budget year (phase 1).

use crate::config::Instrument;
use crate::state::NONE;
use crate::world::World;

/// Opens the budget year: the annual budget, package budgets and future-industry reserves.
pub fn open_year(w: &mut World, year: i32) {
    let g = &w.cfg.s.government;
    let y = (year - w.cfg.s.run.start_year as i32).max(0) as usize;
    let by_year = &g.budget_m_by_year;
    let total = match by_year.get(y) {
        Some(&b) => b,
        None => {
            let last = by_year.last().copied().unwrap_or(0.0);
            let extra = (y + 1).saturating_sub(by_year.len()) as i32;
            last * (1.0 + g.budget_growth_per_year).powi(extra)
        }
    } * w.cfg.scale;
    let np = w.cfg.packages.len();
    let b = &mut w.budget;
    b.year = year;
    b.annual_total = total;
    b.package_budget = w.cfg.package_share.iter().map(|s| s * total).collect();
    b.package_spent = vec![0.0; np];
    b.line_spent = vec![0.0; Instrument::COUNT];
    b.future_pot =
        w.cfg
            .lines
            .iter()
            .map(|l| {
                if w.cfg.package_industrial[l.package] {
                    g.future_industry_share_min * l.budget_m_per_year
                } else {
                    0.0
                }
            })
            .collect();
    b.industrial_spent = 0.0;
    b.industrial_future = 0.0;
    if b.month_package.len() != np {
        b.month_package = vec![0.0; np];
        b.total_package = vec![0.0; np];
    }
    if b.month_line.len() != Instrument::COUNT {
        b.month_line = vec![0.0; Instrument::COUNT];
    }
    if b.payout_ratio.len() != Instrument::COUNT {
        b.payout_ratio = vec![1.0; Instrument::COUNT];
    }
}

/// Money an instrument can still pay this year for a claim from a future-industry recipient
/// (`future`) or another one.
pub fn available(w: &World, i: Instrument, future: bool) -> f64 {
    let line = &w.cfg.lines[i as usize];
    if !line.enabled {
        return 0.0;
    }
    let b = &w.budget;
    let mut own = line.budget_m_per_year - b.line_spent[i as usize];
    if !future {
        own -= b.future_pot[i as usize];
    }
    let pkg = b.package_budget[line.package] - b.package_spent[line.package];
    own.min(pkg).max(0.0)
}

/// Pays up to `amount` from instrument `i`'s budget now; returns what was paid (the caller
/// credits the recipient). The government's account is debited.
pub fn pay_now(w: &mut World, i: Instrument, amount: f64, future: bool) -> f64 {
    let paid = amount.min(available(w, i, future)).max(0.0);
    if paid <= 0.0 {
        return 0.0;
    }
    let line = w.cfg.lines[i as usize].package;
    let industrial = w.cfg.package_industrial[line];
    let b = &mut w.budget;
    b.line_spent[i as usize] += paid;
    b.package_spent[line] += paid;
    b.month_line[i as usize] += paid;
    b.month_package[line] += paid;
    b.total_package[line] += paid;
    if industrial {
        b.industrial_spent += paid;
        if future {
            b.industrial_future += paid;
            let pot = &mut b.future_pot[i as usize];
            *pot = (*pot - paid).max(0.0);
        }
    }
    w.sectors.government -= paid;
    paid
}

/// Phase 11: founder insurance claims, then every instrument's claims in a fixed order.
pub fn government(w: &mut World) {
    insurance_claims(w);
    for inst in Instrument::ALL {
        pay_claims(w, inst);
    }
}

/// Failed founders still unemployed and within their benefit months claim
/// min(replacement x previous wage, cap) a month.
fn insurance_claims(w: &mut World) {
    if !w.cfg.on(Instrument::FounderInsurance) {
        w.insured.clear();
        return;
    }
    let p = &w.cfg.s.policy.founder_insurance;
    let mut total = 0.0;
    let mut count = 0u64;
    let month = w.month;
    let wi = w.wage_index;
    let ppl = &w.people;
    w.insured.retain(|&id| {
        let i = id as usize;
        let active = ppl.hot[i].state == crate::state::pstate::UNEMPLOYED && month < ppl.insured_until[i];
        if active {
            total += (p.replacement_rate * f64::from(ppl.prev_wage[i]) * wi).min(p.cap_m_per_month);
            count += 1;
        }
        active
    });
    w.m.insured = count;
    if total > 0.0 {
        w.claims[Instrument::FounderInsurance as usize].items.push((NONE, total, false));
    }
}

fn pay_claims(w: &mut World, inst: Instrument) {
    let mut items = std::mem::take(&mut w.claims[inst as usize].items);
    // Claims of firms that failed this month lapse.
    items.retain(|&(firm, _, _)| firm == NONE || w.firms.alive[firm as usize]);
    if items.is_empty() {
        w.claims[inst as usize].items = items;
        return;
    }
    let (mut fut, mut other) = (0.0, 0.0);
    for &(_, a, f) in &items {
        if f {
            fut += a;
        } else {
            other += a;
        }
    }
    let paid_f = if fut > 0.0 { pay_now(w, inst, fut, true) } else { 0.0 };
    let paid_o = if other > 0.0 { pay_now(w, inst, other, false) } else { 0.0 };
    let rf = if fut > 0.0 { paid_f / fut } else { 1.0 };
    let ro = if other > 0.0 { paid_o / other } else { 1.0 };
    w.budget.payout_ratio[inst as usize] = (paid_f + paid_o) / (fut + other);
    for &(firm, a, f) in &items {
        let x = a * if f { rf } else { ro };
        if x <= 0.0 {
            continue;
        }
        if firm == NONE {
            w.sectors.households += x;
            continue;
        }
        let fi = firm as usize;
        w.firms.cash[fi] += x;
        match inst {
            Instrument::ComputeVouchers => w.firms.voucher_ytd[fi] += x,
            Instrument::RdGrants => w.firms.grant_ytd[fi] += x,
            Instrument::ManufacturingSupport => w.firms.support_ytd[fi] += x,
            Instrument::Pilots => {
                w.firms.revenue[fi] += x;
                w.firms.rev_ytd[fi] += x;
            }
            _ => {}
        }
    }
    items.clear();
    w.claims[inst as usize].items = items;
}
