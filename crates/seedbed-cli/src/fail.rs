//! How a command fails: bad input (exit code 2) or a failed run (exit code 1), with a report.

use std::process::ExitCode;

use miette::Report;

/// A command's failure, with the report printed to stderr.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: unknown scenario, invalid scenario file, bad option value, existing output
    /// directory. Exit code 2.
    Input(Report),
    /// The run itself failed: the city could not be built, or writing outputs failed. Exit code 1.
    Run(Report),
    /// The reports were already printed (e.g. `check` with several files). Exit code 2.
    Reported,
}

impl Failure {
    /// Bad input described by `message`.
    pub fn input(message: impl std::fmt::Display) -> Self {
        Failure::Input(miette::miette!("{message}"))
    }

    /// A failed run described by `message`.
    pub fn run(message: impl std::fmt::Display) -> Self {
        Failure::Run(miette::miette!("{message}"))
    }

    /// The report's text (empty if already reported).
    pub fn message(&self) -> String {
        match self {
            Failure::Input(r) | Failure::Run(r) => r.to_string(),
            Failure::Reported => String::new(),
        }
    }

    /// The exit code: 2 for bad input, 1 for a failed run.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Input(_) | Failure::Reported => 2,
            Failure::Run(_) => 1,
        }
    }

    /// Prints the report to stderr and returns the exit code.
    pub fn report(self) -> ExitCode {
        let code = self.code();
        match self {
            Failure::Input(r) | Failure::Run(r) => eprintln!("{r:?}"),
            Failure::Reported => {}
        }
        ExitCode::from(code)
    }
}

impl From<seedbed_scenario::ScenarioError> for Failure {
    fn from(e: seedbed_scenario::ScenarioError) -> Self {
        Failure::Input(Report::new(e))
    }
}

/// An output error: an existing output directory is bad input, anything else a failed run.
impl From<seedbed_output::Error> for Failure {
    fn from(e: seedbed_output::Error) -> Self {
        match e {
            seedbed_output::Error::AlreadyExists { .. } => Failure::input(e),
            other => Failure::run(format!("writing outputs failed: {other}")),
        }
    }
}

/// A run's failure: writing its outputs (as above) or building its city (a failed run).
impl From<seedbed_experiments::member::RunError> for Failure {
    fn from(e: seedbed_experiments::member::RunError) -> Self {
        match e {
            seedbed_experiments::member::RunError::Output(e) => Failure::from(e),
            build => Failure::run(build.to_string()),
        }
    }
}

/// An experiment's failure: bad input (2) or a failed run (1).
impl From<seedbed_experiments::runner::Error> for Failure {
    fn from(e: seedbed_experiments::runner::Error) -> Self {
        match e {
            seedbed_experiments::runner::Error::Input(m) => Failure::input(m),
            seedbed_experiments::runner::Error::Run(m) => Failure::run(m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Failure::input("x").code(), 2);
        assert_eq!(Failure::run("x").code(), 1);
        let exists = seedbed_output::Error::AlreadyExists { path: "r".into() };
        assert_eq!(Failure::from(exists).code(), 2);
    }
}
