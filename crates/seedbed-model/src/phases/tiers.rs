//! Phase 10, tiers (MODEL.md; January, on the previous calendar year's accounts): the tiered
//! cultivation system certifies tech SMEs, national high-tech enterprises (R&D intensity by
//! revenue band, three-year validity), little giants, unicorns (Hurun: 1 bn USD, unlisted,
//! under 10 years) and leading enterprises (top-500 private threshold). A first certification
//! earns a one-off award where the policy holds.

use crate::config::{Instrument, stage, tier};
use crate::events::Kind;
use crate::world::World;

/// Phase 10 (only in January, after the first month).
pub fn tiers(w: &mut World) {
    let (_, month) = w.calendar(w.month);
    if month == 1 && w.month > 0 {
        certify(w, true);
    }
}

/// Certifies every firm on last year's accounts; with `award`, new certifications claim awards
/// and are logged.
pub fn certify(w: &mut World, award: bool) {
    let t = w.cfg.s.tiers.clone();
    let a = w.cfg.s.policy.tier_awards.clone();
    let awards_on = award && w.cfg.on(Instrument::TierAwards);
    let ht_months = (t.high_tech_years * 12.0).round() as i32;
    let unicorn_age = (t.unicorn_max_age_years * 12.0) as i32;
    let live = std::mem::take(&mut w.firms.live);
    for &f in &live {
        let fi = f as usize;
        let fm = &mut w.firms;
        let rev = fm.rev_last_year[fi];
        let rd = fm.rd_last_year[fi];
        let intensity = if rev > 0.0 { rd / rev } else { 0.0 };
        let n = f64::from(fm.employees[fi]);
        let growth = if fm.rev_year_before[fi] > 0.0 { rev / fm.rev_year_before[fi] - 1.0 } else { 0.0 };
        let st = fm.stage[fi];
        let mut bits = 0u8;
        if n <= t.tech_sme_max_employees
            && rev <= t.tech_sme_max_revenue_m
            && intensity >= t.tech_sme_min_rd_intensity
            && rev > 0.0
        {
            bits |= tier::TECH_SME;
        }
        let ht_rd = if rev < 50.0 {
            t.high_tech_rd_small
        } else if rev <= 200.0 {
            t.high_tech_rd_medium
        } else {
            t.high_tech_rd_large
        };
        let renew = fm.high_tech_until[fi] <= w.month;
        if fm.high_tech_until[fi] > w.month {
            bits |= tier::HIGH_TECH;
        } else if renew && intensity >= ht_rd && n >= t.high_tech_min_employees && rev >= t.high_tech_min_revenue_m {
            bits |= tier::HIGH_TECH;
            fm.high_tech_until[fi] = w.month + ht_months;
        }
        if rev >= t.little_giant_min_revenue_m
            && rev <= t.little_giant_max_revenue_m
            && intensity >= t.little_giant_min_rd_intensity
            && growth >= t.little_giant_min_growth
        {
            bits |= tier::LITTLE_GIANT;
        }
        if st != stage::BOOTSTRAPPED
            && st != stage::LISTED
            && st != stage::ACQUIRED
            && fm.valuation[fi] >= t.unicorn_min_valuation_m
            && fm.age(fi, w.month) < unicorn_age
        {
            bits |= tier::UNICORN;
        }
        if rev >= t.leading_min_revenue_m {
            bits |= tier::LEADING;
        }
        let new = bits & !fm.tiers[fi];
        fm.tiers[fi] = bits;
        if !award || new == 0 {
            continue;
        }
        let k = fm.industry[fi] as usize;
        for (bit, name) in tier::NAMES {
            if new & bit == 0 {
                continue;
            }
            let amount = match bit {
                tier::TECH_SME => a.tech_sme_m,
                tier::HIGH_TECH => a.high_tech_m,
                tier::LITTLE_GIANT => a.little_giant_m,
                tier::UNICORN => a.unicorn_m,
                _ => a.leading_m,
            };
            w.events.push(Kind::Certified, f, None, None, k as u16, if awards_on { amount } else { 0.0 }, name);
            if awards_on && amount > 0.0 {
                w.claims[Instrument::TierAwards as usize].items.push((f, amount, w.cfg.ind.class[k].is_future()));
            }
        }
    }
    w.firms.live = live;
}
