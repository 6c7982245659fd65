//! The same scenario and seed give identical results with one thread and with two.

mod common;
use common::*;

fn run_with_threads(threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        // 0.02 of the city: about 20,000 firms, several chunks of every parallel pass.
        let (sim, obs) = run(&small(0.02, 14), 11);
        let mut s = String::new();
        for o in &obs {
            s += &fingerprint(&o.city);
            s += &fingerprint(&o.industries);
            s += &fingerprint(&o.events);
        }
        s += &fingerprint(&sim.firms_frame());
        s += &fingerprint(&sim.deals_frame());
        s += &fingerprint(&sim.years_frame());
        s
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
