//! `seedbed bench`: times a run in memory (nothing written).

use std::time::Instant;

use clap::Args;
use seedbed_model::Simulation;
use seedbed_model::sim::PHASES;
use seedbed_scenario::DEFAULT_NAME;

use crate::emit;
use crate::fail::Failure;
use crate::progress::Progress;
use crate::setup::{Overrides, Setup};
use crate::summary::thousands;

/// Options of `seedbed bench`.
#[derive(Args, Debug)]
#[command(after_help = "\
Reports the wall time of building the city and of the run, agent-months per second (people plus firms \
alive, summed over the months), the time of each of the twelve monthly phases and its share of a month, \
and the peak resident memory (VmHWM). Set RAYON_NUM_THREADS to compare thread counts. Without --scale the \
scenario's own scale is used (1, the full city, for every built-in). Exit code 1 if the accounting \
identities fail at the end.")]
pub struct BenchArgs {
    /// Built-in scenario name or path to a scenario TOML file.
    #[arg(value_name = "SCENARIO", default_value = DEFAULT_NAME)]
    pub scenario: String,
    #[command(flatten)]
    pub overrides: Overrides,
}

/// What a benchmark measured.
struct Measured {
    build_s: f64,
    run_s: f64,
    agent_months: u128,
    people_start: u64,
    firms_start: usize,
    phase_s: [f64; 12],
    identities: Result<(), String>,
}

/// Runs `seedbed bench`.
pub fn bench(args: &BenchArgs) -> Result<(), Failure> {
    let setup = Setup::new(&args.scenario, &args.overrides)?;
    let m = measure(&setup, &args.scenario)?;
    let mut text = header(&setup, &m);
    text.push_str(&phase_table(&m, setup.scenario.run.months));
    text.push_str(&format!("\nPeak memory (VmHWM): {}\n", peak_memory()));
    match &m.identities {
        Ok(()) => text.push_str("Accounting identities at the end: ok\n"),
        Err(e) => text.push_str(&format!("Accounting identities at the end: BROKEN: {e}\n")),
    }
    emit(&text);
    m.identities.map_err(|e| Failure::run(format!("accounting identity broken: {e}")))
}

/// Builds and runs the scenario with phase timing, discarding observations.
fn measure(setup: &Setup, name: &str) -> Result<Measured, Failure> {
    let progress = Progress::new(true, &setup.scenario);
    let t = Instant::now();
    let mut sim = Simulation::new(&setup.scenario, setup.seed)
        .map_err(|e| Failure::run(format!("cannot build the city of `{name}`: {e}")))?;
    let build_s = t.elapsed().as_secs_f64();
    let (people_start, firms_start) = (sim.world.people.population(), sim.world.firms.live.len());
    sim.timing = true;
    let mut agent_months: u128 = 0;
    let t = Instant::now();
    while !sim.done() {
        let _ = sim.step();
        agent_months += u128::from(sim.world.people.population()) + sim.world.firms.live.len() as u128;
        progress.update(&sim);
    }
    let run_s = t.elapsed().as_secs_f64();
    progress.finish();
    let identities = sim.check_identities();
    Ok(Measured { build_s, run_s, agent_months, people_start, firms_start, phase_s: sim.phase_seconds, identities })
}

/// Scenario, build, run and throughput lines.
fn header(setup: &Setup, m: &Measured) -> String {
    let run = &setup.scenario.run;
    let months = f64::from(run.months.max(1));
    let rate = if m.run_s > 0.0 { m.agent_months as f64 / m.run_s } else { f64::NAN };
    format!(
        "Scenario {}, seed {}, scale {}, {} months ({} to {}), {} threads\n\
         Build:      {:>9.3} s   ({} people, {} firms)\n\
         Run:        {:>9.3} s   ({:.3} s per month)\n\
         Throughput: {:>9.3} M agent-months/s ({} agent-months: people + firms alive, summed over months)\n\n",
        run.name,
        setup.seed,
        run.scale,
        run.months,
        setup.start(),
        setup.end(),
        rayon::current_num_threads(),
        m.build_s,
        thousands(m.people_start as i64),
        thousands(m.firms_start as i64),
        m.run_s,
        m.run_s / months,
        rate / 1e6,
        thousands(m.agent_months.min(i64::MAX as u128) as i64)
    )
}

/// Time per phase: total seconds, milliseconds per month, share of a month.
fn phase_table(m: &Measured, months: u32) -> String {
    let total: f64 = m.phase_s.iter().sum();
    let months = f64::from(months.max(1));
    let width = PHASES.iter().map(|p| p.len()).max().unwrap_or(5).max(5);
    let mut out = format!("{:<width$}  {:>10}  {:>10}  {:>6}\n", "phase", "total s", "ms/month", "share");
    let line = |name: &str, s: f64| {
        let share = if total > 0.0 { 100.0 * s / total } else { 0.0 };
        format!("{name:<width$}  {s:>10.3}  {:>10.2}  {share:>5.1}%\n", 1000.0 * s / months)
    };
    for (name, s) in PHASES.iter().zip(m.phase_s) {
        out.push_str(&line(name, s));
    }
    out.push_str(&line("total", total));
    out
}

/// Peak resident set size of this process, from `VmHWM` in /proc/self/status.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| parse_vmhwm(&s))
        .map_or_else(|| "unknown".to_string(), human_bytes)
}

/// `VmHWM` in bytes.
fn parse_vmhwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut parts = line["VmHWM:".len()..].split_whitespace();
    let n: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") | None => Some(n * 1024),
        _ => None,
    }
}

/// Bytes as MiB or GiB.
fn human_bytes(b: u64) -> String {
    let mib = b as f64 / (1024.0 * 1024.0);
    if mib >= 1024.0 { format!("{:.2} GiB", mib / 1024.0) } else { format!("{mib:.1} MiB") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vmhwm() {
        assert_eq!(parse_vmhwm("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS: 1 kB\n"), Some(2048 * 1024));
        assert_eq!(parse_vmhwm("Name:\tx\n"), None);
        assert_eq!(human_bytes(3 * 1024 * 1024 * 1024), "3.00 GiB");
        assert_eq!(human_bytes(1536 * 1024), "1.5 MiB");
    }

    #[test]
    fn phases_table_has_every_phase_and_total() {
        let m = Measured {
            build_s: 0.0,
            run_s: 1.0,
            agent_months: 10,
            people_start: 1,
            firms_start: 1,
            phase_s: [0.5; 12],
            identities: Ok(()),
        };
        let t = phase_table(&m, 2);
        assert_eq!(t.lines().count(), 14);
        assert!(t.contains("total") && t.contains("observe"));
        assert!(t.lines().nth(1).unwrap().contains("8.3%"), "{t}");
    }
}
