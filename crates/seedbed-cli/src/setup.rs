//! The scenario, overrides and seed shared by `run` and `bench`.

use std::path::Path;

use clap::Args;
use seedbed_model::Scenario;
use seedbed_model::schema::{Value, set_path};
use seedbed_scenario::{ScenarioError, builtin, resolve, validate};

use crate::fail::Failure;

/// The seed used when neither `--seed` nor a `# seed = N` line gives one.
pub const DEFAULT_SEED: u64 = 42;

/// Options that change what is simulated.
#[derive(Args, Debug, Clone, Default)]
pub struct Overrides {
    /// Master random seed [default: the `# seed = N` first line of a scenario file written by
    /// `seedbed run`, else 42].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Number of months to simulate, overriding `run.months` (1 to 1200).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub months: Option<i64>,
    /// Scale of the city, overriding `run.scale` (0.0001 to 4): 0.01 is a 1% sample city.
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub scale: Option<f64>,
}

/// A scenario ready to run.
#[derive(Debug, Clone)]
pub struct Setup {
    pub scenario: Scenario,
    pub seed: u64,
}

impl Setup {
    /// Resolves `name_or_path`, applies the overrides (range-checked) and picks the seed.
    pub fn new(name_or_path: &str, o: &Overrides) -> Result<Setup, Failure> {
        let mut scenario = resolve(name_or_path)?;
        if let Some(months) = o.months {
            apply(&mut scenario, "--months", "run.months", Value::Int(months))?;
        }
        if let Some(scale) = o.scale {
            apply(&mut scenario, "--scale", "run.scale", Value::Real(scale))?;
        }
        let problems = validate(&scenario);
        if !problems.is_empty() {
            return Err(ScenarioError::new(name_or_path, None, problems).into());
        }
        let seed = o.seed.or_else(|| seed_line(name_or_path)).unwrap_or(DEFAULT_SEED);
        Ok(Setup { scenario, seed })
    }

    /// The first simulated month, `YYYY-MM`.
    pub fn start(&self) -> String {
        month_label(&self.scenario, 0)
    }

    /// The last simulated month, `YYYY-MM`.
    pub fn end(&self) -> String {
        month_label(&self.scenario, i64::from(self.scenario.run.months) - 1)
    }
}

/// Sets `path` from option `option`; an invalid value is bad input naming the option.
fn apply(s: &mut Scenario, option: &str, path: &str, v: Value) -> Result<(), Failure> {
    let shown = v.to_string();
    set_path(s, path, v).map_err(|e| Failure::input(format!("invalid value {shown} for {option}: {e}")))
}

/// The seed of a `# seed = N` first line of a scenario file (as `seedbed run` writes into
/// `scenario.toml`); `None` for built-in names, other files and unreadable files.
pub fn seed_line(name_or_path: &str) -> Option<u64> {
    if builtin(name_or_path).is_some() {
        return None;
    }
    let text = std::fs::read_to_string(Path::new(name_or_path)).ok()?;
    parse_seed_line(text.lines().next()?)
}

/// `Some(N)` for a line `# seed = N` (spaces optional).
pub fn parse_seed_line(line: &str) -> Option<u64> {
    let rest = line.trim().strip_prefix('#')?.trim_start().strip_prefix("seed")?;
    rest.trim_start().strip_prefix('=')?.trim().parse().ok()
}

/// `YYYY-MM` of month `index` of the run (0 = the first simulated month).
pub fn month_label(s: &Scenario, index: i64) -> String {
    calendar_label(s.run.start_year, s.run.start_month, index)
}

/// `YYYY-MM` of the month `index` months after `start_year`-`start_month`.
pub fn calendar_label(start_year: u32, start_month: u32, index: i64) -> String {
    let t = i64::from(start_year) * 12 + i64::from(start_month) - 1 + index;
    format!("{:04}-{:02}", t.div_euclid(12), t.rem_euclid(12) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_lines() {
        assert_eq!(parse_seed_line("# seed = 7"), Some(7));
        assert_eq!(parse_seed_line("#seed=18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_seed_line("# seeds = 7"), None);
        assert_eq!(parse_seed_line("# Seedbed scenario"), None);
        assert_eq!(parse_seed_line("seed = 7"), None);
        assert_eq!(seed_line("hangzhou-2025"), None);
    }

    #[test]
    fn months() {
        let s = Scenario::default();
        assert_eq!(month_label(&s, 0), format!("{}-{:02}", s.run.start_year, s.run.start_month));
        let mut t = s.clone();
        t.run.start_year = 2025;
        t.run.start_month = 11;
        assert_eq!(month_label(&t, 2), "2026-01");
        assert_eq!(month_label(&t, 13), "2026-12");
    }

    #[test]
    fn overrides_are_range_checked() {
        let o = Overrides { months: Some(0), ..Overrides::default() };
        let e = Setup::new("hangzhou-2025", &o).unwrap_err();
        assert_eq!(e.code(), 2);
        let Failure::Input(r) = e else { panic!() };
        let text = r.to_string();
        assert!(text.contains("--months") && text.contains("1 to 1200"), "{text}");
        let o = Overrides { scale: Some(0.5), months: Some(3), seed: Some(9) };
        let s = Setup::new("no-pilots", &o).unwrap();
        assert_eq!((s.scenario.run.scale, s.scenario.run.months, s.seed), (0.5, 3, 9));
    }
}
