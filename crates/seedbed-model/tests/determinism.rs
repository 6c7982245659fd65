//! The same scenario and seed give identical results with one thread and with two, and
//! whether or not the firm slots are compacted.

mod common;
use common::*;
use seedbed_model::{Observation, Simulation};

/// A month's tables as text with exact float bits.
fn month_tables(o: &Observation) -> String {
    fingerprint(&o.city) + &fingerprint(&o.industries) + &fingerprint(&o.events)
}

/// The end-of-run tables as text with exact float bits.
fn end_tables(sim: &Simulation) -> String {
    fingerprint(&sim.firms_frame()) + &fingerprint(&sim.deals_frame()) + &fingerprint(&sim.years_frame())
}

fn run_with_threads(threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        // 0.02 of the city: about 20,000 firms, several chunks of every parallel pass.
        let (sim, obs) = run(&small(0.02, 14), 11);
        obs.iter().map(month_tables).collect::<String>() + &end_tables(&sim)
    })
}

#[test]
fn one_two_and_four_threads_agree_bit_for_bit() {
    let a = run_with_threads(1);
    let b = run_with_threads(2);
    assert!(a == b, "outputs differ between 1 and 2 threads");
    let c = run_with_threads(4);
    assert!(a == c, "outputs differ between 1 and 4 threads");
}

#[test]
fn different_seeds_differ() {
    let (_, a) = run(&small(0.005, 6), 1);
    let (_, b) = run(&small(0.005, 6), 2);
    assert_ne!(fingerprint(&a[5].city), fingerprint(&b[5].city));
}

/// Every month's tables and the end-of-run tables of a run that compacts the firm slots at the
/// start of every month (`every_month`) or only when dead slots pile up (the default), with the
/// accounting identities checked after each month. The compacting run is also written to a
/// checkpoint half-way and resumed from it.
fn run_compacting(every_month: bool) -> (String, Simulation) {
    let mut sim = Simulation::new(&small(0.01, 30), 5).unwrap();
    let mut s = String::new();
    while !sim.done() {
        if every_month {
            // A checkpoint is taken between months, when last month's events still name slots;
            // the compaction then runs where the calendar runs it, before any event of the month.
            if sim.months_done() == 15 {
                sim = Simulation::resume(&sim.checkpoint("", b"")).expect("resumes").0;
            }
            seedbed_model::compact::compact(&mut sim.world);
            let f = &sim.world.firms;
            assert_eq!(f.len(), f.live.len(), "a compaction leaves only live rows");
        }
        let o = sim.step();
        sim.check_identities().unwrap_or_else(|e| panic!("month {}: {e}", sim.months_done()));
        s += &month_tables(&o);
    }
    s += &end_tables(&sim);
    (s, sim)
}

#[test]
fn compacting_firm_slots_changes_no_result() {
    let (a, sim) = run_compacting(false);
    let f = &sim.world.firms;
    assert!(
        f.len() < f.next_id as usize,
        "the default run compacts at least once ({} slots, {} firms founded)",
        f.len(),
        f.next_id
    );
    let (b, _) = run_compacting(true);
    assert!(a == b, "outputs differ when the firm slots are compacted every month");
}
