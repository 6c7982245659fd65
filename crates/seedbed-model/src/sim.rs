//! One run: the world and its monthly schedule (MODEL.md "Monthly schedule").

use crate::config::{Config, Instrument, stage, tier};
use crate::frame::Frame;
use crate::phases::{self, observe::Observation};
use crate::scenario::Scenario;
use crate::state::{Investor, NONE, OUTSIDE, fflag, pstate};
use crate::world::{BuildError, World};

/// Phase names in schedule order (for timing and documentation).
pub const PHASES: [&str; 12] = [
    "calendar",
    "knowledge",
    "labour",
    "entrepreneurship",
    "rd_compute",
    "pilots",
    "product_market",
    "finance",
    "exit",
    "tiers",
    "government",
    "observe",
];

/// A run in progress.
pub struct Simulation {
    pub world: World,
    /// Wall time spent in each phase, seconds (for `seedbed bench`).
    pub phase_seconds: [f64; 12],
    /// Measure phase times (costs a clock read per phase).
    pub timing: bool,
}

impl Simulation {
    /// Builds the city of `scenario` with master seed `seed`.
    pub fn new(scenario: &Scenario, seed: u64) -> Result<Simulation, BuildError> {
        let cfg = Config::new(scenario);
        Ok(Simulation { world: World::new(cfg, seed)?, phase_seconds: [0.0; 12], timing: false })
    }

    pub fn months_total(&self) -> u32 {
        self.world.cfg.months
    }
    /// Months simulated so far.
    pub fn months_done(&self) -> u32 {
        self.world.month as u32
    }
    pub fn done(&self) -> bool {
        self.months_done() >= self.months_total()
    }

    /// Simulates one month and returns its observation.
    pub fn step(&mut self) -> Observation {
        for i in 0..PHASES.len() - 1 {
            let t = self.timing.then(std::time::Instant::now);
            self.run_phase(i);
            if let Some(t) = t {
                self.phase_seconds[i] += t.elapsed().as_secs_f64();
            }
        }
        let t = self.timing.then(std::time::Instant::now);
        let w = &mut self.world;
        let obs = phases::observe::observe(w);
        w.month += 1;
        if w.month as u32 >= w.cfg.months {
            phases::market::release_buffers();
            phases::rd::release_buffers();
        }
        if let Some(t) = t {
            self.phase_seconds[PHASES.len() - 1] += t.elapsed().as_secs_f64();
        }
        obs
    }

    /// Runs phase `i` of the month (index into [`PHASES`]; the last, observation, is run by
    /// [`Simulation::step`], which also advances the month). For benchmarks of one phase.
    pub fn run_phase(&mut self, i: usize) {
        let w = &mut self.world;
        match i {
            0 => phases::calendar::calendar(w),
            1 => phases::knowledge::knowledge(w),
            2 => phases::labour::labour_market(w),
            3 => phases::entrepreneurship::entrepreneurship(w),
            4 => phases::rd::rd_and_compute(w),
            5 => phases::pilots::pilots(w),
            6 => phases::market::product_market(w),
            7 => phases::finance::finance(w),
            8 => phases::exit::exits(w),
            9 => phases::tiers::tiers(w),
            10 => phases::government::government(w),
            _ => {
                phases::observe::observe(w);
            }
        }
    }

    /// Every firm alive now, one row each (for distributions).
    pub fn firms_frame(&self) -> Frame {
        self.firms_frame_of(&self.world.firms.live)
    }

    /// The firms table in parts of at most `rows` firms each, in id order: a writer streams
    /// them, so the whole table never sits in memory (at full scale it would add about half a
    /// GiB at the end of a run).
    pub fn firms_frames(&self, rows: usize) -> impl Iterator<Item = Frame> + '_ {
        let live = &self.world.firms.live;
        let rows = rows.max(1);
        // An empty city still yields one (empty) part, so the table gets its columns.
        let parts = live.len().div_ceil(rows).max(1);
        (0..parts).map(move |i| {
            let start = (i * rows).min(live.len());
            self.firms_frame_of(&live[start..(start + rows).min(live.len())])
        })
    }

    /// One row for each firm of `live` (live firm ids).
    fn firms_frame_of(&self, live: &[u32]) -> Frame {
        let w = &self.world;
        let f = &w.firms;
        let ids = &w.cfg.ind.ids;
        let i64s = |g: &dyn Fn(usize) -> i64| live.iter().map(|&x| g(x as usize)).collect::<Vec<i64>>();
        let f64s = |g: &dyn Fn(usize) -> f64| live.iter().map(|&x| g(x as usize)).collect::<Vec<f64>>();
        let mut out = Frame::new();
        out.int("firm", "id", "Firm id", i64s(&|i| i64::from(f.id[i])))
            .text(
                "industry",
                "",
                "Industry id",
                live.iter().map(|&x| ids[f.industry[x as usize] as usize].clone()).collect(),
            )
            .int(
                "birth_month_index",
                "month",
                "Month founded (negative: before the start)",
                i64s(&|i| i64::from(f.birth[i])),
            )
            .int("age_months", "months", "Age at the end", i64s(&|i| i64::from(w.month - f.birth[i])))
            .int("employees", "people", "Employees (owner not included)", i64s(&|i| i64::from(f.employees[i])))
            .real("revenue_m", "CNY m/month", "Sales in the last month", f64s(&|i| f.revenue[i]))
            .real(
                "revenue_last_year_m",
                "CNY m/year",
                "Sales in the last full calendar year",
                f64s(&|i| f.rev_last_year[i]),
            )
            .real(
                "revenue_year_before_m",
                "CNY m/year",
                "Sales in the calendar year before the last full one (growth rates)",
                f64s(&|i| f.rev_year_before[i]),
            )
            .real("rd_m", "CNY m/month", "R&D in the last month", f64s(&|i| f.rd[i]))
            .real("profit_m", "CNY m/month", "Profit after tax in the last month", f64s(&|i| f.profit[i]))
            .real("cash_m", "CNY m", "Cash", f64s(&|i| f.cash[i]))
            .real("debt_m", "CNY m", "Bank debt", f64s(&|i| f.debt[i]))
            .real(
                "market_share",
                "share",
                "Share of the industry's demand (its customers; sales can be less when capacity binds)",
                f64s(&|i| f.share[i]),
            )
            .real("ln_a", "log productivity", "Technology ln A", f64s(&|i| f.ln_a[i]))
            .real(
                "gap_to_frontier",
                "log points",
                "ln A* - ln A (negative: beyond the frontier)",
                f64s(&|i| w.ind.frontier[f.industry[i] as usize] - f.ln_a[i]),
            )
            .text(
                "tier",
                "",
                "Highest certification held",
                live.iter().map(|&x| tier::highest(f.tiers[x as usize]).to_string()).collect(),
            )
            .int(
                "tiers",
                "bits",
                "Certifications held: 1 tech SME, 2 high-tech, 4 little giant, 8 unicorn, 16 leading",
                i64s(&|i| i64::from(f.tiers[i])),
            )
            .text(
                "stage",
                "",
                "Funding stage",
                live.iter().map(|&x| stage::NAMES[f.stage[x as usize] as usize].to_string()).collect(),
            )
            .real("raised_m", "CNY m", "Venture capital raised in total", f64s(&|i| f.raised[i]))
            .real("valuation_m", "CNY m", "Valuation (0 if never valued)", f64s(&|i| f.valuation[i]))
            .int(
                "frontier",
                "flag",
                "1 if at or beyond the frontier",
                i64s(&|i| i64::from(f.flags[i] & fflag::FRONTIER != 0)),
            )
            .int(
                "frontier_month_index",
                "month",
                "Month it first reached the frontier, -1 if never",
                i64s(&|i| if f.frontier_month[i] == i32::MIN { -1 } else { i64::from(f.frontier_month[i]) }),
            )
            .real(
                "innovation_value_m",
                "CNY m",
                "Value of the firm's innovations in the run: each success's rise of ln A times annual sales then",
                f64s(&|i| f.innovation_value[i]),
            )
            .int("venture", "flag", "1 if venture-type", i64s(&|i| i64::from(f.flags[i] & fflag::VENTURE != 0)))
            .int("platform", "flag", "1 if a platform firm", i64s(&|i| i64::from(f.flags[i] & fflag::PLATFORM != 0)))
            .int(
                "pilot",
                "flag",
                "1 if its pilot validation is running",
                i64s(&|i| i64::from(f.pilot_until[i] > w.month)),
            )
            .int(
                "founder",
                "id",
                "Founder's person id, -1 if none",
                i64s(&|i| if f.founder[i] == NONE { -1 } else { i64::from(f.founder[i]) }),
            )
            .int(
                "founder_firms_founded",
                "firms",
                "Firms the founder has founded",
                i64s(&|i| founder_stat(w, i, &w.people.founded)),
            )
            .int(
                "founder_failures",
                "firms",
                "Earlier failures of the founder",
                i64s(&|i| founder_stat(w, i, &w.people.failed)),
            )
            .int(
                "founder_exits",
                "firms",
                "Exits (IPO, acquisition) of the founder",
                i64s(&|i| founder_stat(w, i, &w.people.exited)),
            );
        out
    }

    /// Every VC deal (holding) with its outcome so far, for the VC stylized facts.
    pub fn deals_frame(&self) -> Frame {
        let w = &self.world;
        let hs = &w.holdings;
        let mut out = Frame::new();
        out.int("firm", "id", "Firm id", hs.iter().map(|h| i64::from(h.firm)).collect())
            .int(
                "investor",
                "id",
                "GP fund id, -1 the guidance fund directly",
                hs.iter().map(|h| h.investor.code()).collect(),
            )
            .int(
                "month_index",
                "month",
                "Month of the round (-1: before the start)",
                hs.iter().map(|h| i64::from(h.month)).collect(),
            )
            .real("cost_m", "CNY m", "Amount invested", hs.iter().map(|h| h.cost).collect())
            .real("stake", "share", "Stake held now", hs.iter().map(|h| h.stake).collect())
            .real("proceeds_m", "CNY m", "Cash received", hs.iter().map(|h| h.proceeds).collect())
            .real(
                "value_m",
                "CNY m",
                "Proceeds plus the open stake at the firm's valuation",
                hs.iter()
                    .map(|h| {
                        h.proceeds
                            + match w.firms.slot_of(h.firm) {
                                Some(f) if h.open && w.firms.alive[f] => h.stake * w.firms.valuation[f],
                                _ => 0.0,
                            }
                    })
                    .collect(),
            )
            .int("open", "flag", "1 if the stake is still held", hs.iter().map(|h| i64::from(h.open)).collect())
            .int(
                "guidance",
                "flag",
                "1 if the guidance fund is an LP of the investor or invested directly",
                hs.iter()
                    .map(|h| {
                        i64::from(match h.investor {
                            Investor::GuidanceDirect => true,
                            Investor::Fund(f) => w.funds[f as usize].sponsor == crate::state::Sponsor::Guidance,
                        })
                    })
                    .collect(),
            );
        out
    }

    /// Headline figures per year, as a table.
    pub fn years_frame(&self) -> Frame {
        let w = &self.world;
        let mut f = Frame::new();
        f.int("year", "year", "Calendar year", w.years.iter().map(|y| i64::from(y.0)).collect());
        if let Some((_, first)) = w.years.first() {
            for (j, (name, unit, doc, _)) in first.iter().enumerate() {
                f.real(*name, unit, doc, w.years.iter().map(|y| y.1[j].3).collect());
            }
        }
        f
    }

    /// Checks MODEL.md's accounting identities now; the error names the first broken one.
    pub fn check_identities(&self) -> Result<(), String> {
        let w = &self.world;
        // Money: every account sums to zero (it starts at zero), up to f64 rounding: half a yuan
        // plus 1e-12 of the largest account (a few yuan at full scale after ten years).
        let total = w.money_total();
        let tol = 0.5e-6 + 1e-12 * w.money_scale();
        if total.abs() > tol {
            return Err(format!("money: accounts sum to {total:e} CNY m, not 0 (tolerance {tol:e})"));
        }
        // People: states are consistent and every employee's employer exists and counts them.
        let p = &w.people;
        let mut counts = [0u64; 4];
        let mut by_firm = vec![0u32; w.firms.len()];
        let mut outside = 0u64;
        for i in 0..p.len() {
            let s = p.hot[i].state;
            counts[s as usize] += 1;
            match (s, p.hot[i].employer) {
                (pstate::EMPLOYED, OUTSIDE) => outside += 1,
                (pstate::EMPLOYED, NONE) => return Err(format!("people: employed person {i} has no employer")),
                (pstate::EMPLOYED, e) => {
                    if !w.firms.alive[e as usize] {
                        return Err(format!("people: person {i} works for dead firm {e}"));
                    }
                    by_firm[e as usize] += 1;
                }
                (pstate::FOUNDER, e) => {
                    if e == NONE
                        || e == OUTSIDE
                        || !w.firms.alive[e as usize]
                        || w.firms.founder[e as usize] != i as u32
                    {
                        return Err(format!("people: founder {i} does not own a live firm"));
                    }
                    if w.firms.founder_skill[e as usize] != p.hot[i].skill {
                        return Err(format!("firms: firm {e} keeps a founder skill other than its founder {i}'s"));
                    }
                }
                (_, NONE) => {}
                (s, e) => return Err(format!("people: person {i} in state {s} has employer {e}")),
            }
        }
        for s in 0..3 {
            if counts[s] != p.count[s] {
                return Err(format!(
                    "people: {} people are {} but the count says {}",
                    counts[s],
                    pstate::NAMES[s],
                    p.count[s]
                ));
            }
        }
        if outside != p.outside_count {
            return Err(format!("people: {outside} employed outside, count says {}", p.outside_count));
        }
        let pooled: usize = p.pools.iter().map(Vec::len).sum();
        if pooled as u64 != counts[pstate::UNEMPLOYED as usize] {
            return Err(format!("people: {pooled} in job-seeker pools, {} unemployed", counts[1]));
        }
        for &f in &w.firms.live {
            let fi = f as usize;
            if by_firm[fi] != w.firms.employees[fi] {
                return Err(format!(
                    "people: firm {f} counts {} employees, {} people work there",
                    w.firms.employees[fi], by_firm[fi]
                ));
            }
        }
        if (p.len() - p.free.len()) as u64 != counts[0] + counts[1] + counts[2] {
            return Err("people: free slots and people in the city do not add up".into());
        }
        // Funds: committed = called + uncalled, never more called than committed, no negative cash.
        for (i, f) in w.funds.iter().enumerate() {
            if f.called > f.committed * (1.0 + 1e-12) + 1e-9 || f.cash < -1e-9 || f.invested > f.called + 1e-9 {
                return Err(format!(
                    "funds: fund {i} committed {} called {} invested {} cash {}",
                    f.committed, f.called, f.invested, f.cash
                ));
            }
        }
        if w.gf.cash < -1e-6 || w.gf.committed > w.gf.size + 1e-6 {
            return Err(format!("guidance fund: cash {} committed {} of {}", w.gf.cash, w.gf.committed, w.gf.size));
        }
        // Budget: spending never exceeds a package's or an instrument's budget.
        let b = &w.budget;
        for (i, (&spent, &budget)) in b.package_spent.iter().zip(&b.package_budget).enumerate() {
            if spent > budget * (1.0 + 1e-12) + 1e-9 {
                return Err(format!("budget: package {} spent {spent} of {budget}", w.cfg.packages[i]));
            }
        }
        for inst in Instrument::ALL {
            let spent = b.line_spent[inst as usize];
            let budget = w.cfg.lines[inst as usize].budget_m_per_year;
            if spent > budget * (1.0 + 1e-12) + 1e-9 {
                return Err(format!("budget: {} spent {spent} of {budget}", inst.name()));
            }
        }
        Ok(())
    }
}

fn founder_stat(w: &World, f: usize, col: &[u8]) -> i64 {
    let p = w.firms.founder[f];
    if p == NONE { -1 } else { i64::from(col[p as usize]) }
}
