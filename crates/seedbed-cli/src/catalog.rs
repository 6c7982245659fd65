//! `seedbed scenarios`, `seedbed show` and `seedbed check`.

use seedbed_scenario::{ScenarioError, builtin, builtin_names, resolve, to_toml, validate};

use crate::emit;
use crate::fail::Failure;

/// Lists the built-in scenarios, names aligned.
pub fn scenarios() -> Result<(), Failure> {
    emit(&scenario_list());
    Ok(())
}

/// One line per built-in scenario: name and description.
pub fn scenario_list() -> String {
    let names = builtin_names();
    let width = names.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    names.iter().map(|(name, description)| format!("{name:<width$}  {description}\n")).collect()
}

/// Prints a scenario (built-in or file) as TOML.
pub fn show(name_or_path: &str) -> Result<(), Failure> {
    let s = resolve(name_or_path)?;
    emit(&to_toml(&s));
    Ok(())
}

/// Checks each scenario; prints `NAME: ok` or the report. Bad input (2) if any is invalid.
pub fn check(names: &[String]) -> Result<(), Failure> {
    let mut bad = 0;
    for name in names {
        match check_one(name) {
            Ok(()) => emit(&format!("{name}: ok\n")),
            Err(e) => {
                bad += 1;
                eprintln!("{:?}", miette::Report::new(e));
            }
        }
    }
    if bad == 0 {
        Ok(())
    } else {
        if names.len() > 1 {
            eprintln!("{bad} of {} scenarios are invalid", names.len());
        }
        Err(Failure::Reported)
    }
}

/// Loads (and for built-ins, validates) one scenario.
fn check_one(name: &str) -> Result<(), ScenarioError> {
    let s = resolve(name)?;
    if builtin(name).is_some() {
        let problems = validate(&s);
        if !problems.is_empty() {
            return Err(ScenarioError::new(name, None, problems));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_aligned() {
        let list = scenario_list();
        assert_eq!(list.lines().count(), builtin_names().len());
        let cols: Vec<usize> = list
            .lines()
            .map(|l| {
                let name_end = l.find(' ').unwrap();
                name_end + l[name_end..].find(|c: char| c != ' ').unwrap()
            })
            .collect();
        assert!(cols.windows(2).all(|w| w[0] == w[1]), "{list}");
    }

    #[test]
    fn builtins_check() {
        for (name, _) in builtin_names() {
            check_one(name).unwrap();
        }
        assert!(check_one("no-such-scenario").is_err());
    }
}
