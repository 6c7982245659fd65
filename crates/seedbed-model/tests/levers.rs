//! Each policy lever moves its direct target the right way, over several seeds at small scale,
//! with common random numbers (the same seeds on and off).

mod common;
use common::*;
use seedbed_model::{Data, Scenario};

const SEEDS: [u64; 3] = [1, 2, 3];

/// Sum over seeds of a city column's monthly total, lever on and lever off.
fn compare(months: u32, col: &str, off: impl Fn(&mut Scenario)) -> (f64, f64) {
    let on = small(0.01, months);
    let mut o = on.clone();
    off(&mut o);
    let mut sums = (0.0, 0.0);
    for seed in SEEDS {
        sums.0 += total(&run(&on, seed).1, col);
        sums.1 += total(&run(&o, seed).1, col);
    }
    sums
}

#[test]
fn compute_vouchers_raise_compute_bought() {
    let (on, off) = compare(12, "compute_eligible_eflops", |s| s.policy.compute_vouchers.enabled = false);
    assert!(on > off, "vouchers on {on} <= off {off}");
}

#[test]
fn founder_insurance_raises_founding() {
    let (on, off) = compare(24, "births", |s| s.policy.founder_insurance.enabled = false);
    assert!(on > off, "births with insurance {on} <= without {off}");
}

#[test]
fn talent_subsidies_raise_inflow() {
    let (on, off) = compare(12, "graduates", |s| s.policy.talent_subsidies.enabled = false);
    assert!(on > off, "graduates with subsidies {on} <= without {off}");
}

#[test]
fn the_guidance_fund_raises_vc_capital() {
    let on = small(0.01, 24);
    let mut off = on.clone();
    off.policy.guidance_fund.enabled = false;
    let (mut a, mut b) = (0.0, 0.0);
    for seed in SEEDS {
        a += run(&on, seed).0.world.funds.iter().map(|f| f.committed).sum::<f64>();
        b += run(&off, seed).0.world.funds.iter().map(|f| f.committed).sum::<f64>();
    }
    assert!(a > b, "fund commitments with the guidance fund {a} <= without {b}");
}

#[test]
fn pilots_raise_piloted_firms_revenue() {
    let on = small(0.01, 18);
    let mut off = on.clone();
    off.policy.pilots.enabled = false;
    let (mut with, mut without) = (0.0, 0.0);
    for seed in SEEDS {
        let (sim_on, obs_on) = run(&on, seed);
        let (sim_off, _) = run(&off, seed);
        // Firms awarded a pilot in the first year, compared with themselves in the run without pilots.
        let mut piloted = Vec::new();
        for o in obs_on.iter().take(12) {
            if let (Some(kind), Some(Data::Int(firm))) = (o.events.get("event"), o.events.get("firm")) {
                for (i, f) in firm.iter().enumerate() {
                    if kind.text(i) == Some("pilot_awarded") {
                        piloted.push(*f as usize);
                    }
                }
            }
        }
        assert!(!piloted.is_empty(), "no pilots were awarded");
        for f in piloted {
            let (a, b) = (&sim_on.world.firms, &sim_off.world.firms);
            if f < b.len() {
                with += a.rev_ytd[f] + a.rev_last_year[f];
                without += b.rev_ytd[f] + b.rev_last_year[f];
            }
        }
    }
    assert!(with > without, "piloted firms' revenue with pilots {with} <= without {without}");
}

#[test]
fn no_policy_spends_nothing() {
    let mut s = small(0.01, 14);
    let p = &mut s.policy;
    for e in [
        &mut p.rd_grants.enabled,
        &mut p.compute_vouchers.enabled,
        &mut p.talent_subsidies.enabled,
        &mut p.founder_insurance.enabled,
        &mut p.tier_awards.enabled,
        &mut p.pilots.enabled,
        &mut p.compute_capacity.enabled,
        &mut p.drone_infrastructure.enabled,
        &mut p.platform_openness.enabled,
        &mut p.manufacturing_support.enabled,
        &mut p.guidance_fund.enabled,
        &mut p.low_altitude_fund.enabled,
    ] {
        *e = false;
    }
    let (_, obs) = run(&s, 5);
    assert_eq!(total(&obs, "policy_spend_m"), 0.0);
    assert_eq!(total(&obs, "gf_approved_m"), 0.0);
    let (_, with) = run(&small(0.01, 14), 5);
    assert!(total(&with, "policy_spend_m") > 0.0, "the default scenario spends");
}
