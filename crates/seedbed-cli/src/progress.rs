//! The progress bar on stderr (only when stderr is a terminal).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use seedbed_model::{Scenario, Simulation};

use crate::setup::calendar_label;
use crate::summary::thousands;

/// Shows months done, the month just simulated, firms alive and the ETA; does nothing when
/// hidden (`--quiet`, or stderr not a terminal).
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over the months of `scenario`, shown only if `show` and stderr is a terminal.
    pub fn new(show: bool, scenario: &Scenario) -> Progress {
        if !show || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let (year, month) = (scenario.run.start_year, scenario.run.start_month);
        let bar = ProgressBar::with_draw_target(Some(u64::from(scenario.run.months)), ProgressDrawTarget::stderr());
        let template = "{elapsed_precise} [{wide_bar:.cyan/blue}] {pos}/{len} months, {month}{msg}, ETA {eta}";
        // The month shown is computed from the position, so the two always agree.
        let month_key = move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = match state.pos() {
                0 => w.write_str("building the city"),
                done => w.write_str(&calendar_label(year, month, done as i64 - 1)),
            };
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.with_key("month", month_key).progress_chars("=> "));
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(250));
        Progress { bar: Some(bar) }
    }

    /// Updates the bar after a step.
    pub fn update(&self, sim: &Simulation) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(", {} firms alive", thousands(sim.world.firms.live.len() as i64)));
            bar.set_position(u64::from(sim.months_done()));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
