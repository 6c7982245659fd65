//! `cargo bench -p seedbed-model`: each monthly phase timed on its own.
//!
//! The city (the default scenario at scale 0.02: 154,000 people, 20,000 firms) runs 12 months;
//! its state is checkpointed, and each sample restores it, runs the phases before the one
//! measured (untimed), then times that phase. Scale up with `SEEDBED_BENCH_SCALE=0.1`.

use seedbed_model::sim::PHASES;
use seedbed_model::{Scenario, Simulation};

fn main() {
    divan::main();
}

fn checkpoint() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let scale = std::env::var("SEEDBED_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(0.02);
        let mut s = Scenario::default();
        s.run.scale = scale;
        s.run.months = 120;
        let mut sim = Simulation::new(&s, 42).expect("the default scenario builds");
        for _ in 0..12 {
            sim.step();
        }
        sim.checkpoint("", &[])
    })
}

#[divan::bench(args = PHASES, sample_count = 20, sample_size = 1)]
fn phase(bencher: divan::Bencher, name: &str) {
    let i = PHASES.iter().position(|p| *p == name).expect("a phase name");
    let bytes = checkpoint();
    bencher
        .with_inputs(|| {
            let (mut sim, _) = Simulation::resume(bytes).expect("the checkpoint restores");
            for j in 0..i {
                sim.run_phase(j);
            }
            sim
        })
        .bench_local_values(|mut sim| {
            sim.run_phase(i);
            sim
        });
}

/// A whole month, for the total.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn month(bencher: divan::Bencher) {
    let bytes = checkpoint();
    bencher.with_inputs(|| Simulation::resume(bytes).expect("the checkpoint restores").0).bench_local_values(
        |mut sim| {
            sim.step();
            sim
        },
    );
}
