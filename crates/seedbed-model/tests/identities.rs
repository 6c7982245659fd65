//! MODEL.md's accounting identities hold every month of a small run: money, people, funds,
//! budgets. A yuan or a person that appears or vanishes fails the test.

use seedbed_model::{Scenario, Simulation};

fn small(months: u32) -> Scenario {
    let mut s = Scenario::default();
    s.run.scale = 0.01;
    s.run.months = months;
    s
}

#[test]
fn identities_hold_every_month() {
    let mut sim = Simulation::new(&small(36), 7).unwrap();
    sim.check_identities().unwrap();
    let mut pop = sim.world.people.population() as i64;
    while !sim.done() {
        let obs = sim.step();
        sim.check_identities().unwrap_or_else(|e| panic!("month {}: {e}", sim.months_done()));
        let now = sim.world.people.population() as i64;
        let arrivals = obs.city.value("arrivals", 0).unwrap() as i64;
        let departures = obs.city.value("departures", 0).unwrap() as i64;
        assert_eq!(now - pop, arrivals - departures, "people: arrivals - departures = change in population");
        pop = now;
    }
}

#[test]
fn a_yuan_that_appears_is_caught() {
    let mut sim = Simulation::new(&small(3), 7).unwrap();
    sim.step();
    sim.check_identities().unwrap();
    let f = sim.world.firms.live[0] as usize;
    sim.world.firms.cash[f] += 1e-6;
    assert!(sim.check_identities().unwrap_err().starts_with("money"));
}

#[test]
fn a_person_that_vanishes_is_caught() {
    let mut sim = Simulation::new(&small(3), 7).unwrap();
    sim.step();
    let f = *sim.world.firms.live.iter().find(|&&f| sim.world.firms.employees[f as usize] > 0).unwrap() as usize;
    sim.world.firms.employees[f] -= 1;
    assert!(sim.check_identities().unwrap_err().starts_with("people"));
}
