//! Helpers shared by the scenario-level tests.
#![allow(dead_code)]

use seedbed_model::{Data, Frame, Observation, Scenario, Simulation};

pub fn small(scale: f64, months: u32) -> Scenario {
    let mut s = Scenario::default();
    s.run.scale = scale;
    s.run.months = months;
    s
}

/// Runs a scenario and returns every month's observation.
pub fn run(s: &Scenario, seed: u64) -> (Simulation, Vec<Observation>) {
    let mut sim = Simulation::new(s, seed).expect("builds");
    let mut obs = Vec::new();
    while !sim.done() {
        obs.push(sim.step());
    }
    (sim, obs)
}

/// Sum over months of a city column.
pub fn total(obs: &[Observation], col: &str) -> f64 {
    obs.iter().map(|o| o.city.value(col, 0).unwrap_or_else(|| panic!("no column {col}"))).sum()
}

/// A frame as text with exact float bits, for byte-for-byte comparisons (NaN-safe).
pub fn fingerprint(f: &Frame) -> String {
    let mut s = String::new();
    for (c, d) in f.columns.iter().zip(&f.data) {
        s.push_str(&c.name);
        s.push(':');
        match d {
            Data::Int(v) => s.push_str(&format!("{v:?}")),
            Data::Real(v) => s.push_str(&format!("{:?}", v.iter().map(|x| x.to_bits()).collect::<Vec<_>>())),
            Data::Text(v) => s.push_str(&format!("{v:?}")),
            Data::Labels(l) => s.push_str(&format!("{:?}", l.iter().collect::<Vec<_>>())),
        }
        s.push('\n');
    }
    s
}
