//! Rules of single mechanisms, checked on a small city: each test changes one parameter or one
//! firm and looks at what the phase does with it.

mod common;

use seedbed_model::Simulation;
use seedbed_model::config::stage;
use seedbed_model::state::fflag;

/// Live firms of `sim`: (bootstrapped, early-stage ventures whose last round was a seed or A
/// round), platforms left out.
fn by_stage(sim: &Simulation) -> (usize, usize) {
    let f = &sim.world.firms;
    let (mut boot, mut venture) = (0, 0);
    for &i in &f.live {
        let i = i as usize;
        if f.flags[i] & fflag::PLATFORM != 0 {
            continue;
        }
        match f.stage[i] {
            stage::BOOTSTRAPPED => boot += 1,
            stage::SEED | stage::A => venture += 1,
            _ => {}
        }
    }
    (boot, venture)
}

/// One month of a 0.5% city with the given exit hazards and no listings or acquisitions.
fn month_with_hazards(closure: f64, venture: f64) -> Simulation {
    let mut s = common::small(0.005, 1);
    s.exit.closure_hazard = closure;
    s.exit.venture_closure_hazard = venture;
    s.exit.ipo_hazard = 0.0;
    s.exit.acquisition_hazard = 0.0;
    let mut sim = Simulation::new(&s, 7).expect("builds");
    sim.step();
    sim
}

#[test]
fn early_ventures_close_at_their_own_hazard() {
    let kept = month_with_hazards(0.0, 0.0);
    let closed = month_with_hazards(0.0, 1.0);
    let (boot_kept, venture_kept) = by_stage(&kept);
    let (boot_closed, venture_closed) = by_stage(&closed);
    assert!(venture_kept > 10, "the city has early-stage ventures: {venture_kept}");
    assert_eq!(venture_closed, 0, "every early-stage venture closes at hazard 1");
    // The venture hazard leaves bootstrapped firms alone (the months are identical up to exit).
    assert_eq!(boot_closed, boot_kept);
}

#[test]
fn bootstrapped_firms_close_at_the_closure_hazard() {
    let (boot, venture) = by_stage(&month_with_hazards(1.0, 0.0));
    assert_eq!(boot, 0, "every bootstrapped firm closes at hazard 1");
    assert!(venture > 10, "early-stage ventures are left: {venture}");
}

#[test]
fn without_shock_events_the_shock_size_does_not_matter() {
    let run = |events: f64, sd: f64| {
        let mut s = common::small(0.002, 3);
        s.market.shock_events_per_month = events;
        s.market.shock_sd = sd;
        let (sim, _) = common::run(&s, 3);
        common::fingerprint(&sim.firms_frame())
    };
    assert_eq!(run(0.0, 0.1), run(0.0, 0.9));
    // With events, it does.
    assert_ne!(run(0.1, 0.1), run(0.1, 0.9));
}

#[test]
fn productivity_follows_technology() {
    // Ten times the innovation and imitation rates, so that many firms' ln A moves in two years.
    let mut s = common::small(0.005, 24);
    s.innovation.zeta_innovation *= 10.0;
    s.innovation.zeta_imitation *= 10.0;
    let (sim, _) = common::run(&s, 5);
    let (w, f) = (&sim.world, &sim.world.firms);
    let moved = f.how.iter().filter(|&&h| h != seedbed_model::state::how::ENTRY).count();
    assert!(moved > 100, "only {moved} firms changed technology");
    for i in 0..f.alive.len() {
        let want = w.productivity_at(f.industry[i] as usize, f.ln_a[i]);
        assert_eq!(f.productivity[i].to_bits(), want.to_bits(), "firm {i}");
    }
}

#[test]
fn a_firm_short_of_capacity_keeps_its_customers() {
    let mut s = common::small(0.005, 2);
    s.market.shock_events_per_month = 0.0;
    let mut sim = Simulation::new(&s, 11).expect("builds");
    sim.step();
    // The firm with the largest share: cut its productivity so that it can serve almost nothing.
    let w = &mut sim.world;
    let f = *w
        .firms
        .live
        .iter()
        .max_by(|&&a, &&b| w.firms.share[a as usize].total_cmp(&w.firms.share[b as usize]))
        .unwrap() as usize;
    let share = w.firms.share[f];
    let k = w.firms.industry[f] as usize;
    w.set_ln_a(f, w.firms.ln_a[f] - 6.0);
    let market = seedbed_model::sim::PHASES.iter().position(|&p| p == "product_market").unwrap();
    for i in 0..=market {
        sim.run_phase(i);
    }
    let w = &sim.world;
    let demand = share * w.ind.demand[k];
    assert!(w.firms.revenue[f] < 0.1 * demand, "capacity binds: sales {} of demand {demand}", w.firms.revenue[f]);
    // Its share falls by the replicator's step for its lower technology (chi x 6 = 18%), not to its sales.
    assert!(w.firms.share[f] > 0.6 * share, "share {} was {share}", w.firms.share[f]);
}

#[test]
fn funds_invest_at_their_pace_in_the_city_first_then_outside() {
    let mut s = common::small(0.01, 14);
    s.finance.deployment_years = 2.0;
    let (sim, obs) = common::run(&s, 5);
    let w = &sim.world;
    let fin = &s.finance;
    let period = (fin.investment_period_years * 12.0) as i32;
    let mut checked = 0;
    for f in w.funds.iter().filter(|f| f.sponsor != seedbed_model::state::Sponsor::City) {
        let age = w.month - 1 - f.vintage;
        if age < 0 || age >= period {
            continue;
        }
        let due = fin.deploy_share * f.committed * (f64::from(age + 1) / 24.0).min(1.0);
        // At the pace, unless the commitment ran out.
        assert!(f.invested + f.outside_cost >= due - 1e-6 || f.uncalled() < 1e-6, "fund behind its pace");
        // Outside, never more than the pace (the city's deals came first).
        assert!(f.outside_cost <= due + 1e-6, "fund ahead of its pace outside the city");
        checked += 1;
    }
    assert!(checked > 5, "funds checked: {checked}");
    assert!(common::total(&obs, "vc_invested_outside_m") > 0.0);
}

#[test]
fn a_faster_pace_invests_more_of_the_guidance_fund() {
    let run = |years: f64| {
        let mut s = common::small(0.01, 24);
        s.finance.deployment_years = years;
        let (sim, _) = common::run(&s, 5);
        sim.world.gf.invested
    };
    let (slow, fast) = (run(5.0), run(1.5));
    assert!(fast > 1.2 * slow, "fast {fast} slow {slow}");
}
