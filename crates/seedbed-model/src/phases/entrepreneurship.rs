//! Phase 4, entrepreneurship (MODEL.md): employed and unemployed people found firms. The monthly
//! hazard is base x h^beta x propensity x (alumni) x exp(w_o x opportunity + w_c x ln(capital))
//! x exp(kappa x G), where G is the certainty-equivalent gain of founding over staying, in
//! months of wage, for a CRRA founder: success pays a multiple of the wage, failure pays the
//! floor (unemployment income, raised by founder insurance while it lasts). Lab spin-offs arrive
//! as founders. A new firm starts with the founder's savings and a technology drawn around the
//! field's public knowledge, the founder's skill and history (serial founders, Gompers et al. 2010).

use crate::config::Instrument;
use crate::events::Kind;
use crate::phases::labour;
use crate::rng::{Draw, Family, Phase, Stream, stream};
use crate::state::*;
use crate::world::World;

/// CRRA utility of monthly income `c` (in wages) with relative risk aversion `g`.
fn crra(c: f64, g: f64) -> f64 {
    let c = c.max(1e-9);
    if (g - 1.0).abs() < 1e-9 { c.ln() } else { c.powf(1.0 - g) / (1.0 - g) }
}

fn crra_inverse(u: f64, g: f64) -> f64 {
    if (g - 1.0).abs() < 1e-9 { u.exp() } else { (u * (1.0 - g)).max(1e-300).powf(1.0 / (1.0 - g)) }
}

/// Certainty equivalent of founding, in wages: success with probability p pays `success`;
/// failure pays the insured floor for `insured_months` of the `spell` and `floor` after.
pub fn founding_certainty_equivalent(
    p: f64,
    success: f64,
    floor: f64,
    insured_floor: f64,
    insured_months: f64,
    spell: f64,
    gamma: f64,
) -> f64 {
    let share = (insured_months / spell).clamp(0.0, 1.0);
    let bad = share * crra(insured_floor.max(floor), gamma) + (1.0 - share) * crra(floor, gamma);
    crra_inverse(p * crra(success, gamma) + (1.0 - p) * bad, gamma)
}

/// The public knowledge level of field `k`: frontier minus a gap that shrinks as the pool grows.
pub fn public_level(w: &World, k: usize) -> f64 {
    let kn = &w.cfg.s.knowledge;
    let ratio = (w.ind.knowledge[k] / w.ind.knowledge_start[k].max(1e-12)).max(1e-12);
    w.ind.frontier[k] - kn.public_gap * ratio.powf(-kn.gap_elasticity)
}

/// The bucket of a skill for [`skill_power_bounds`]: its binary exponent (the f32 exponent
/// field; the sign bit is ignored, skills are positive).
#[inline]
fn skill_bucket(skill: f32) -> usize {
    ((skill.to_bits() >> 23) & 0xff) as usize
}

/// For each [`skill_bucket`], an upper bound of skill^elasticity over the skills in it: the
/// larger of the power at the bucket's two ends, raised by a relative 1e-9, far more than the
/// rounding of `powf` and of the products that use it (a few units in 1e-16). Infinite where
/// the power is unbounded (zero skill with a negative elasticity) or for infinities and NaN,
/// so that those skills always get the exact power.
fn skill_power_bounds(elasticity: f64) -> [f64; 256] {
    let mut b = [f64::INFINITY; 256];
    for (e, x) in b.iter_mut().enumerate().take(255) {
        // Bucket e holds [2^(e-127), 2^(e-126)) (for e = 0, the subnormals and zero: [0, 2^-126)).
        let lo = if e == 0 { 0.0 } else { 2f64.powi(e as i32 - 127) };
        let hi = 2f64.powi(e as i32 - 126);
        let m = lo.powf(elasticity).max(hi.powf(elasticity));
        if m.is_finite() {
            *x = m * (1.0 + 1e-9);
        }
    }
    b
}

/// Field opportunity: demand growth (a year) plus log(1 + VC per firm over the last year).
fn opportunity(w: &World, k: usize) -> f64 {
    let g = w.cfg.s.industries[k].demand_growth_per_year;
    let firms = w.ind.firms[k].max(1) as f64;
    g + (1.0 + w.ind.vc_last_year(k) / firms).ln()
}

/// Phase 4.
pub fn entrepreneurship(w: &mut World) {
    let e = w.cfg.s.entrepreneurship.clone();
    let n_ind = w.cfg.n_ind;
    let ins = &w.cfg.s.policy.founder_insurance;
    let (ins_months, ins_rate) = if w.cfg.on(Instrument::FounderInsurance) {
        (ins.months, ins.replacement_rate * w.budget.payout_ratio[Instrument::FounderInsurance as usize])
    } else {
        (0.0, 0.0)
    };
    let ce = founding_certainty_equivalent(
        e.perceived_success_probability,
        e.success_income_multiple,
        e.failure_income_share,
        ins_rate,
        ins_months,
        e.failure_spell_months,
        e.risk_aversion,
    );
    // Gain over staying: an employee gives up the wage (1), a job seeker the floor.
    let gain_emp = (e.gain_weight * (ce - 1.0)).exp();
    let gain_unemp = (e.gain_weight * (ce - e.failure_income_share)).exp() * e.unemployed_multiplier;
    let capital = if w.dry_powder_start > 0.0 {
        (w.dry_powder / w.dry_powder_start).max(1e-6).powf(e.capital_weight)
    } else {
        1.0
    };
    let mut opp = vec![0.0; n_ind];
    let mut pick_cum = vec![0.0; n_ind];
    let mut acc = 0.0;
    for k in 0..n_ind {
        let o = opportunity(w, k);
        opp[k] = (e.opportunity_weight * o).exp() * capital;
        acc += opp[k] * (w.ind.firms[k] as f64 + 1.0);
        pick_cum[k] = acc;
    }
    let hmax = e.max_hazard;
    let ppl = &w.people;
    let month = w.month as u32;
    let seed = w.seed;
    // Candidates at the maximum hazard, accepted with h / h_max (exact thinning), drawn in
    // parallel by fixed blocks of people. Each selected entry: (person, industry, capped).
    let skill_bound = skill_power_bounds(e.skill_elasticity);
    // A candidate's record and propensity are requested a few candidates ahead (the candidates
    // are about 33 people apart, too far for the processor to see a stream).
    let touch = |i: usize| {
        crate::par::prefetch(&ppl.hot[i]);
        crate::par::prefetch(&ppl.propensity[i]);
    };
    let (accept, switch, pick) = (
        Family::new(seed, Phase::FoundingPerson, month),
        Family::new(seed, Phase::FoundingSwitch, month),
        Family::new(seed, Phase::FoundingIndustry, month),
    );
    let picked = crate::par::bernoulli_blocks(seed, Phase::Founding, month, ppl.len(), hmax, touch, |i, out| {
        let person = ppl.hot[i];
        let s = person.state;
        if s != pstate::EMPLOYED && s != pstate::UNEMPLOYED {
            return;
        }
        let k = person.field as usize;
        // The hazard given the skill term skill^elasticity.
        let hazard = |skill_term: f64| {
            let mut h = e.base_hazard * skill_term * f64::from(ppl.propensity[i]) * opp[k];
            h *= if s == pstate::UNEMPLOYED { gain_unemp } else { gain_emp };
            if person.flags & pflag::ALUMNUS != 0 {
                h *= e.alumni_multiplier;
            }
            h
        };
        // The acceptance draw is the person's own: common random numbers.
        let u = accept.uniform(i as u64) * hmax;
        // Most candidates are rejected: an upper bound of the hazard with the skill term from
        // a table decides them without the power; the others get the exact hazard below.
        let bound = hazard(skill_bound[skill_bucket(person.skill)]);
        if bound <= hmax && u >= bound {
            return;
        }
        let h = hazard(f64::from(person.skill).powf(e.skill_elasticity));
        let capped = h > hmax;
        let founds = u < h;
        if founds || capped {
            let mut k_new = k;
            if founds && switch.uniform(i as u64) < e.switch_industry_probability {
                let x = pick.uniform(i as u64) * acc;
                k_new = pick_cum.iter().position(|&c| x < c).unwrap_or(n_ind - 1);
            }
            out.push((i as u32, k_new, founds, capped));
        }
    });
    let capped = picked.iter().filter(|x| x.3).count() as u64;
    let founders: Vec<(u32, usize)> = picked.iter().filter(|x| x.2).map(|x| (x.0, x.1)).collect();
    w.m.founding_capped += capped;
    // Founders are scattered: their rows are requested a few foundings ahead, in two steps
    // (the record, then what a move touches, which the record points to).
    const AHEAD: usize = 8;
    for (j, &(p, k)) in founders.iter().enumerate() {
        if let Some(&(q, _)) = founders.get(j + 2 * AHEAD) {
            w.people.prefetch(q as usize);
        }
        if let Some(&(q, _)) = founders.get(j + AHEAD) {
            labour::prefetch_move(w, q);
        }
        let mut r = stream(w.seed, Phase::Entrant, w.month as u32, u64::from(p));
        found(w, p, k, 0, &mut r);
    }
    spinoffs(w);
}

/// Lab spin-offs: researchers from universities and labs arrive and found a firm in their field.
fn spinoffs(w: &mut World) {
    for k in 0..w.cfg.n_ind {
        let lambda = w.cfg.ind.spinoffs_per_month[k];
        if lambda <= 0.0 {
            continue;
        }
        let mut rng = stream(w.seed, Phase::Spinoff, w.month as u32, k as u64);
        let n = rng.poisson(lambda);
        for _ in 0..n {
            let p = &w.cfg.s.population;
            let skill = (w.cfg.s.labour.graduate_skill_premium * 2.0 + p.skill_log_sd * rng.normal()).exp() as f32;
            let sd = p.propensity_log_sd;
            let prop = (sd * rng.normal() - 0.5 * sd * sd).exp() as f32;
            let person = w.add_person(k, pstate::UNEMPLOYED, skill, prop, pflag::GRADUATE);
            w.m.arrivals += 1;
            w.m.spinoffs += 1;
            found(w, person, k, fflag::SPINOFF, &mut rng);
        }
    }
}

/// Person `p` founds a firm in industry `k`.
pub fn found(w: &mut World, p: u32, k: usize, flags: u8, r: &mut Stream) -> u32 {
    let e = w.cfg.s.entrepreneurship.clone();
    let i = p as usize;
    let wage_now = if w.people.hot[i].employer != NONE {
        f64::from(w.people.hot[i].wage)
    } else {
        f64::from(labour::offered_wage(w, k, public_level(w, k), w.people.hot[i].skill))
    };
    if w.people.hot[i].state == pstate::EMPLOYED {
        labour::separate(w, p);
    }
    labour::enter_state(w, p, pstate::FOUNDER);
    w.people.prev_wage[i] = wage_now as f32;
    w.people.insured_until[i] = i32::MIN;
    let savings = e.savings_months * wage_now * w.wage_index * (e.savings_log_sd * r.normal()).exp();
    let history =
        f64::from(w.people.exited[i]) * e.serial_success_bonus + f64::from(w.people.failed[i]) * e.serial_failure_bonus;
    let ln_a = public_level(w, k)
        + e.entrant_skill_elasticity * f64::from(w.people.hot[i].skill).ln()
        + e.entrant_technology_sd * r.normal()
        + history;
    let mut fl = flags;
    if r.unif() < w.cfg.ind.venture_share[k] {
        fl |= fflag::VENTURE;
    }
    let firm = w.add_firm(k, p, ln_a, savings, fl);
    let fi = firm as usize;
    w.sectors.households -= savings;
    w.firms.platform_u[fi] = r.unif() as f32;
    w.firms.rd_mult[fi] = w.draw_rd_mult(r);
    let mean_share = 1.0 / (w.ind.firms[k].max(1) as f64);
    w.firms.share[fi] = w.cfg.s.market.entrant_share_of_mean * mean_share;
    w.people.hot[i].employer = firm;
    w.people.founded[i] = w.people.founded[i].saturating_add(1);
    w.m.births += 1;
    w.m.births_by_ind[k] += 1;
    w.events.push(
        Kind::Founded,
        firm,
        Some(p),
        None,
        k as u16,
        savings,
        if fl & fflag::SPINOFF != 0 { "spinoff" } else { "" },
    );
    firm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skill_bounds_bound_the_power() {
        let mut r = crate::rng::stream(11, crate::rng::Phase::Init, 0, 0);
        for elasticity in [0.5, 1.0, 0.0, -0.7, 2.3] {
            let b = skill_power_bounds(elasticity);
            for _ in 0..100_000 {
                let skill = (3.0 * r.normal()).exp() as f32;
                let p = f64::from(skill).powf(elasticity);
                assert!(p <= b[skill_bucket(skill)], "{skill}^{elasticity} = {p} > {}", b[skill_bucket(skill)]);
                // Tight enough to decide most candidates: within a factor 2^|elasticity| (and the slack).
                assert!(b[skill_bucket(skill)] <= p * 2f64.powf(elasticity.abs()) * (1.0 + 1e-8));
            }
            for skill in [f32::MIN_POSITIVE, 1.0, 1.999_999_9, 2.0, f32::MAX] {
                assert!(f64::from(skill).powf(elasticity) <= b[skill_bucket(skill)]);
            }
        }
        assert!(skill_power_bounds(-1.0)[0].is_infinite());
    }

    #[test]
    fn insurance_raises_the_certainty_equivalent() {
        let without = founding_certainty_equivalent(0.4, 2.0, 0.25, 0.0, 0.0, 18.0, 2.0);
        let with = founding_certainty_equivalent(0.4, 2.0, 0.25, 0.5, 18.0, 18.0, 2.0);
        assert!(with > without, "{with} <= {without}");
    }

    #[test]
    fn risk_neutral_certainty_equivalent_is_the_mean() {
        let ce = founding_certainty_equivalent(0.5, 2.0, 0.2, 0.0, 0.0, 18.0, 0.0);
        assert!((ce - 1.1).abs() < 1e-12);
    }

    #[test]
    fn more_risk_aversion_lowers_the_certainty_equivalent() {
        let a = founding_certainty_equivalent(0.4, 2.0, 0.25, 0.0, 0.0, 18.0, 1.0);
        let b = founding_certainty_equivalent(0.4, 2.0, 0.25, 0.0, 0.0, 18.0, 3.0);
        assert!(b < a);
    }
}
