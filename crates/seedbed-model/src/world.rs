//! The world: every agent's columns plus the city-level state, and how the city is built at
//! the start of a run (MODEL.md "Agents and their state", "Clarifications: Owners, Scaling").

use crate::config::{Config, Instrument, stage};
use crate::events::Events;
use crate::rng::{Draw, Phase, stream};
use crate::state::*;

/// Counters of the current month, reset by the calendar phase.
#[derive(Clone, Debug, Default)]
pub struct Month {
    pub arrivals: u64,
    pub graduates: u64,
    pub departures: u64,
    pub retirements: u64,
    pub quits: u64,
    pub hires: u64,
    pub layoffs: u64,
    pub births: u64,
    pub deaths: u64,
    pub closures: u64,
    pub spinoffs: u64,
    pub vc_invested: f64,
    /// Invested by GP funds outside the city.
    pub vc_outside: f64,
    pub vc_deals: u64,
    pub gf_direct: f64,
    pub loans: f64,
    pub taxes: f64,
    pub vat: f64,
    pub wages: f64,
    pub value_added: f64,
    pub revenue: f64,
    pub rd: f64,
    pub new_frontier: u64,
    pub listings: u64,
    pub acquisitions: u64,
    pub pilots_awarded: u64,
    pub vacancies: f64,
    pub insured: u64,
    pub founding_capped: u64,
    pub bank_losses: f64,
    pub fees: f64,
    pub distributions: f64,
    pub births_by_ind: Vec<u64>,
    pub deaths_by_ind: Vec<u64>,
    pub vc_by_ind: Vec<f64>,
}

/// The compute market's state.
#[derive(Clone, Debug, Default)]
pub struct ComputeMarket {
    pub capacity: f64,
    pub baseline: f64,
    pub price: f64,
    /// Compute used by firms, EFLOPS-months.
    pub used_firms: f64,
    pub utilisation: f64,
    pub rationed: bool,
}

/// Aggregates the market pass leaves for observation (recomputed every month).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub firms: Vec<u64>,
    pub employment: Vec<u64>,
    pub revenue: Vec<f64>,
    pub value_added: Vec<f64>,
    pub rd: Vec<f64>,
    pub compute: Vec<f64>,
    /// Compute bought by firms eligible for compute vouchers (whether or not vouchers run).
    pub compute_eligible: f64,
    pub frontier: Vec<u64>,
    pub unicorns: Vec<u64>,
    pub high_tech: Vec<u64>,
    pub mean_ln_a: Vec<f64>,
    pub tier_counts: [u64; 5],
    pub listed: u64,
    pub acquired: u64,
    pub vc_backed: u64,
    pub pilots_active: u64,
    pub cash: f64,
    pub debt: f64,
    pub unicorns_total: u64,
    pub frontier_total: u64,
}

/// The whole simulated city.
pub struct World {
    pub cfg: Config,
    pub seed: u64,
    /// Index of the month being simulated (0 = first).
    pub month: i32,
    pub people: People,
    pub firms: Firms,
    pub holdings: Vec<Holding>,
    pub funds: Vec<Fund>,
    pub gf: GuidanceFund,
    pub sectors: Sectors,
    pub ind: IndustryState,
    pub budget: Budget,
    pub claims: Vec<Claims>,
    pub compute: ComputeMarket,
    /// City wage index (1 at the start).
    pub wage_index: f64,
    pub sites: f64,
    pub routes: f64,
    /// Openness of platforms to startups this month.
    pub openness: f64,
    pub events: Events,
    pub m: Month,
    pub tally: Tally,
    /// Founders receiving insurance.
    pub insured: Vec<u32>,
    /// Mean monthly wage of employees last month (CNY m).
    pub mean_wage: f64,
    pub vacancy_rate: f64,
    /// Total VC dry powder (uncalled commitments in their investment period) at the start.
    pub dry_powder_start: f64,
    pub dry_powder: f64,
    /// TVPI of active funds, for private LP supply.
    pub fund_tvpi: f64,
    /// Scratch buffers reused every month.
    pub scratch_f64: Vec<f64>,
    /// The labour market's per-field scratch.
    pub labour_work: Vec<crate::phases::labour::FieldWork>,
    pub cumulative: Cumulative,
    pub year_acc: crate::phases::observe::YearAcc,
    /// Headline figures at the end of each calendar year.
    pub years: Vec<(i32, crate::phases::observe::Row)>,
    /// Share of the population employed outside the enterprise sector at the start.
    pub outside_share_start: f64,
    /// Guidance-fund approvals owed by its annual capacity and not yet made (carried month to month).
    pub gf_pipeline: f64,
    /// Private LP money offered and not yet committed (at most a year's supply).
    pub lp_pool: f64,
    /// Demand-shock sd by firm size: shock_sd x (units + 1)^-beta for sizes up to its length, with
    /// units = whole `market.shock_size_unit_m_per_month` of the firm's demand.
    pub shock_sd_by_size: Vec<f64>,
}

/// Running totals since the start.
#[derive(Clone, Debug, Default)]
pub struct Cumulative {
    pub births: u64,
    pub deaths: u64,
    pub breakthroughs: u64,
    pub vc_invested: f64,
    pub spend: f64,
    pub taxes: f64,
    pub arrivals: u64,
    pub departures: u64,
}

impl World {
    /// Calendar year and month (1-12) of month index `m`.
    pub fn calendar(&self, m: i32) -> (i32, i32) {
        let start = self.cfg.s.run.start_year as i32 * 12 + self.cfg.s.run.start_month as i32 - 1;
        let t = start + m;
        (t.div_euclid(12), t.rem_euclid(12) + 1)
    }

    /// Sum of every account: firms, funds, the guidance fund and the outside sectors. The money
    /// identity says it never changes (it starts at zero).
    pub fn money_total(&self) -> f64 {
        let mut s = Neumaier::default();
        for &f in &self.firms.live {
            s.add(self.firms.cash[f as usize]);
        }
        for f in &self.funds {
            s.add(f.cash);
        }
        s.add(self.gf.cash);
        for x in self.sectors.balances() {
            s.add(x);
        }
        s.sum()
    }

    /// Largest absolute amount in any account: the scale for the money identity's tolerance.
    pub fn money_scale(&self) -> f64 {
        let mut m: f64 = 1.0;
        for x in self.sectors.balances() {
            m = m.max(x.abs());
        }
        m
    }
}

/// Compensated (Neumaier) summation: sums of a million balances stay exact to well under a yuan.
#[derive(Clone, Copy, Debug, Default)]
pub struct Neumaier {
    sum: f64,
    c: f64,
}

impl Neumaier {
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.c += (self.sum - t) + x;
        } else {
            self.c += (x - t) + self.sum;
        }
        self.sum = t;
    }
    pub fn sum(&self) -> f64 {
        self.sum + self.c
    }
    /// Adds another accumulator's sum and carried error (combining partial sums in order).
    #[inline]
    pub fn merge(&mut self, o: &Neumaier) {
        self.add(o.sum);
        self.c += o.c;
    }
}

/// Errors building a world from a scenario that passed validation but cannot be built.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BuildError {}

impl World {
    /// Builds the city at the start of the run (MODEL.md "Agents and their state").
    pub fn new(cfg: Config, seed: u64) -> Result<World, BuildError> {
        let n_ind = cfg.n_ind;
        if n_ind == 0 {
            return Err(BuildError("the scenario has no industries".into()));
        }
        if n_ind > 64 {
            return Err(BuildError(format!("at most 64 industries are supported, the scenario has {n_ind}")));
        }
        let mut w = World {
            seed,
            month: 0,
            people: People::default(),
            firms: Firms::default(),
            holdings: Vec::new(),
            funds: Vec::new(),
            gf: GuidanceFund::default(),
            sectors: Sectors::default(),
            ind: IndustryState::default(),
            budget: Budget::default(),
            claims: vec![Claims::default(); Instrument::COUNT],
            compute: ComputeMarket::default(),
            wage_index: 1.0,
            sites: cfg.s.low_altitude.sites_start,
            routes: cfg.s.low_altitude.routes_start,
            openness: 0.0,
            events: Events::default(),
            m: Month::default(),
            tally: Tally::default(),
            insured: Vec::new(),
            mean_wage: 0.0,
            vacancy_rate: cfg.s.labour.vacancy_rate_reference,
            dry_powder_start: 0.0,
            dry_powder: 0.0,
            fund_tvpi: 1.0,
            scratch_f64: Vec::new(),
            labour_work: Vec::new(),
            cumulative: Cumulative::default(),
            year_acc: Default::default(),
            years: Vec::new(),
            outside_share_start: 0.0,
            gf_pipeline: 0.0,
            lp_pool: 0.0,
            shock_sd_by_size: Vec::new(),
            cfg,
        };
        let m = &w.cfg.s.market;
        w.shock_sd_by_size = (0..4096).map(|n| m.shock_sd * f64::from(n + 1).powf(-m.shock_size_exponent)).collect();
        w.init_industries();
        w.init_firms_and_people()?;
        w.outside_share_start = w.people.outside_count as f64 / (w.people.population().max(1)) as f64;
        w.init_market();
        w.init_listed();
        w.init_funds();
        crate::phases::tiers::certify(&mut w, false);
        let s = &w.cfg.s;
        if w.cfg.on(Instrument::GuidanceFund) {
            let size = s.policy.guidance_fund.size_m * w.cfg.scale;
            w.gf.size = size;
            w.gf.cash = size;
            w.sectors.state_capital = -size;
        }
        w.compute.capacity = s.compute.capacity_eflops_start * w.cfg.scale;
        w.compute.baseline = w.compute.capacity;
        w.compute.price = s.compute.price_base_m_per_eflops_month;
        w.budget.payout_ratio = vec![1.0; Instrument::COUNT];
        let year = w.calendar(0).0;
        crate::phases::government::open_year(&mut w, year);
        w.mean_wage = w.estimate_mean_wage();
        crate::phases::market::tally(&mut w);
        Ok(w)
    }

    fn estimate_mean_wage(&self) -> f64 {
        let mut n = 0u64;
        let mut sum = 0.0;
        for &f in &self.firms.live {
            n += u64::from(self.firms.employees[f as usize]);
            sum += self.firms.wage_sum[f as usize];
        }
        if n > 0 { sum / n as f64 * self.wage_index } else { 0.01 }
    }

    fn init_industries(&mut self) {
        let n = self.cfg.n_ind;
        let c = &self.cfg;
        let k = &c.s.knowledge;
        self.ind.demand = c.ind.demand_m_per_month.clone();
        self.ind.frontier = vec![0.0; n];
        self.ind.reference = c.ind.initial_gap_mean.iter().map(|g| -g).collect();
        self.ind.output_per_worker = vec![0.0; n];
        self.ind.knowledge = c.ind.research_m_per_month.iter().map(|r| r * 12.0 * k.initial_pool_years).collect();
        self.ind.knowledge_start = self.ind.knowledge.clone();
        self.ind.best_ln_a = vec![f64::NEG_INFINITY; n];
        self.ind.vc_ring = vec![[0.0; 12]; n];
        self.ind.firms = vec![0; n];
        self.ind.rd_total = vec![0.0; n];
        self.m.births_by_ind = vec![0; n];
        self.m.deaths_by_ind = vec![0; n];
        self.m.vc_by_ind = vec![0.0; n];
        self.people.pools = vec![Vec::new(); n];
    }

    /// Draws a person's skill and propensity.
    fn new_person_traits(&self, rng: &mut crate::rng::Stream, premium: f64) -> (f32, f32) {
        let p = &self.cfg.s.population;
        let skill = (premium + p.skill_log_sd * rng.normal()).exp();
        let sd = p.propensity_log_sd;
        let prop = (sd * rng.normal() - 0.5 * sd * sd).exp();
        (skill as f32, prop as f32)
    }

    /// A firm's R&D propensity (log-normal, mean 1).
    pub fn draw_rd_mult(&self, r: &mut crate::rng::Stream) -> f32 {
        let sd = self.cfg.s.innovation.rd_propensity_log_sd;
        (sd * r.normal() - 0.5 * sd * sd).exp() as f32
    }

    /// Adds a person in `state` and returns the id (reusing a free slot).
    pub fn add_person(&mut self, field: usize, state: u8, skill: f32, propensity: f32, flags: u8) -> u32 {
        let p = &mut self.people;
        let hot = Person::arriving(field, skill, flags, self.month);
        let id = p.free.pop().unwrap_or_else(|| p.grow(1));
        let i = id as usize;
        p.hot[i] = hot;
        p.propensity[i] = propensity;
        p.prev_wage[i] = 0.0;
        p.insured_until[i] = i32::MIN;
        p.founded[i] = 0;
        p.failed[i] = 0;
        p.exited[i] = 0;
        crate::phases::labour::enter_state(self, id, state);
        id
    }

    /// Adds a firm with neutral values in a new slot and returns the slot (its id, the next one, is
    /// `firms.id[slot]`).
    pub fn add_firm(&mut self, industry: usize, founder: u32, ln_a: f64, cash: f64, flags: u8) -> u32 {
        let productivity = self.productivity_at(industry, ln_a);
        let f = &mut self.firms;
        let slot = f.alive.len() as u32;
        f.id.push(f.next_id);
        f.next_id += 1;
        f.alive.push(true);
        f.industry.push(industry as u16);
        f.stage.push(stage::BOOTSTRAPPED);
        f.tiers.push(0);
        f.flags.push(flags);
        f.birth.push(self.month);
        f.founder.push(founder);
        f.founder_skill.push(if founder == NONE { 1.0 } else { self.people.hot[founder as usize].skill });
        f.employees.push(0);
        f.skill_sum.push(0.0);
        f.wage_sum.push(0.0);
        f.head.push(NONE);
        f.ln_a.push(ln_a);
        f.productivity.push(productivity);
        f.how.push(how::ENTRY);
        f.cash.push(cash);
        f.debt.push(0.0);
        f.debt_step.push(0.0);
        f.share.push(0.0);
        f.revenue.push(0.0);
        f.revenue_prev.push(0.0);
        f.rd.push(0.0);
        f.compute_bill.push(0.0);
        f.compute_used.push(0.0);
        f.compute_budget.push(0.0);
        f.profit.push(0.0);
        f.desired.push(0.0);
        f.valuation.push(0.0);
        f.last_round.push(i32::MIN / 2);
        f.last_round_m.push(0.0);
        f.raised.push(0.0);
        f.pilot_until.push(i32::MIN);
        f.contract_until.push(i32::MIN);
        f.high_tech_until.push(i32::MIN);
        f.rev_ytd.push(0.0);
        f.rd_ytd.push(0.0);
        f.rev_last_year.push(0.0);
        f.rd_last_year.push(0.0);
        f.rev_year_before.push(0.0);
        f.voucher_ytd.push(0.0);
        f.grant_ytd.push(0.0);
        f.support_ytd.push(0.0);
        f.holdings.push(NONE);
        f.platform_u.push(0.0);
        f.rd_mult.push(1.0);
        f.frontier_month.push(i32::MIN);
        f.innovation_value.push(0.0);
        f.live.push(slot);
        self.ind.firms[industry] += 1;
        slot
    }

    /// Firms, their owners, employees, the unemployed and the outside sector at the start.
    fn init_firms_and_people(&mut self) -> Result<(), BuildError> {
        let seed = self.seed;
        let scale = self.cfg.scale;
        let pop = self.cfg.s.population.clone();
        let n_ind = self.cfg.n_ind;
        let mut rng = stream(seed, Phase::Init, 0, 0);
        // Firm counts by industry (seeded stochastic rounding) and sizes (discrete Pareto, Axtell 2001).
        let mut plan: Vec<(usize, f64)> = Vec::new();
        for k in 0..n_ind {
            let n = rng.round_stochastic(self.cfg.ind.firms_start[k]);
            for _ in 0..n {
                let size = (rng.pareto(pop.firm_size_pareto_alpha).floor() - 1.0).min(pop.firm_size_max);
                plan.push((k, size));
            }
        }
        let labour_force = rng.round_stochastic(pop.labour_force * scale) as f64;
        let owners = plan.len() as f64;
        let unemployed = (labour_force * pop.unemployment_rate).round();
        let target_employees =
            (labour_force * pop.firm_employment_share).min(labour_force - owners - unemployed).max(0.0);
        let drawn: f64 = plan.iter().map(|p| p.1).sum();
        let thin = if drawn > target_employees && drawn > 0.0 { target_employees / drawn } else { 1.0 };
        if owners > labour_force {
            return Err(BuildError(format!(
                "the scenario has {owners} firms but a labour force of only {labour_force} at scale {scale}: every firm needs an owner"
            )));
        }
        self.people.hot.reserve(labour_force as usize + labour_force as usize / 4);
        let gap_mean = self.cfg.ind.initial_gap_mean.clone();
        let age_mean = self.cfg.s.market.initial_age_mean_years * 12.0;
        for (idx, &(k, size)) in plan.iter().enumerate() {
            let mut r = stream(seed, Phase::Init, 1, idx as u64);
            let min = self.cfg.s.innovation.initial_gap_min_share;
            let gap = gap_mean[k] * (min + (1.0 - min) * r.exp1());
            let (skill, prop) = self.new_person_traits(&mut r, 0.0);
            let founder = self.add_person(k, pstate::FOUNDER, skill, prop, 0);
            let firm = self.add_firm(k, founder, -gap, 0.0, 0);
            let fi = firm as usize;
            self.people.hot[founder as usize].employer = firm;
            self.people.founded[founder as usize] = 1;
            self.firms.birth[fi] = -((age_mean * r.exp1()).round() as i32);
            self.people.hot[founder as usize].since = self.firms.birth[fi];
            self.firms.platform_u[fi] = r.unif() as f32;
            self.firms.rd_mult[fi] = self.draw_rd_mult(&mut r);
            if r.unif() < self.cfg.ind.venture_share[k] {
                self.firms.flags[fi] |= fflag::VENTURE;
            }
            let n = r.round_stochastic(size * thin);
            for _ in 0..n {
                let (skill, prop) = self.new_person_traits(&mut r, 0.0);
                let alumni = if self.cfg.ind.ids[k] == "digital-commerce" && r.unif() < pop.alumni_share {
                    pflag::ALUMNUS
                } else {
                    0
                };
                let p = self.add_person(k, pstate::UNEMPLOYED, skill, prop, alumni);
                crate::phases::labour::hire(self, p, firm);
                let age = self.firms.birth[fi];
                self.people.hot[p as usize].since = age.max(-((120.0 * r.unif()) as i32));
            }
        }
        // Platform firms: the largest digital-commerce firms.
        if let Some(dc) = self.cfg.ind.ids.iter().position(|i| i == "digital-commerce") {
            let count = self.cfg.s.platforms.count.round().max(0.0) as usize;
            let mut cands: Vec<u32> =
                self.firms.live.iter().copied().filter(|&f| self.firms.industry[f as usize] as usize == dc).collect();
            cands.sort_by_key(|&f| (std::cmp::Reverse(self.firms.employees[f as usize]), f));
            for &f in cands.iter().take(count) {
                self.firms.flags[f as usize] |= fflag::PLATFORM;
            }
        }
        // The unemployed and people working outside the enterprise sector.
        let rest = (labour_force - self.people.population() as f64).max(0.0);
        let n_unemp = unemployed.min(rest) as u64;
        let n_out = (rest as u64).saturating_sub(n_unemp);
        for i in 0..(n_unemp + n_out) {
            let mut r = stream(seed, Phase::Init, 2, i);
            let field = self.cfg.field_of(r.unif());
            let (skill, prop) = self.new_person_traits(&mut r, 0.0);
            if i < n_unemp {
                let p = self.add_person(field, pstate::UNEMPLOYED, skill, prop, 0);
                self.people.hot[p as usize].since = -((12.0 * r.exp1()) as i32);
            } else {
                let p = self.add_person(field, pstate::UNEMPLOYED, skill, prop, 0);
                crate::phases::labour::hire_outside(self, p);
            }
        }
        Ok(())
    }

    /// Labour productivity, market shares, revenue and cash at the start: capacity exceeds
    /// demand by the spare-capacity share in every industry (K+S: output tied to capacity).
    /// The city's listed companies at the start: the firms with the most revenue.
    fn init_listed(&mut self) {
        let n = (self.cfg.s.population.initial_listed_firms * self.cfg.scale).round() as usize;
        let mut by_revenue = self.firms.live.clone();
        let n = n.min(by_revenue.len());
        if n == 0 {
            return;
        }
        let rev = &self.firms.revenue;
        let larger = |a: &u32, b: &u32| rev[*b as usize].total_cmp(&rev[*a as usize]).then(a.cmp(b));
        by_revenue.select_nth_unstable_by(n - 1, larger);
        for &f in &by_revenue[..n] {
            self.firms.stage[f as usize] = stage::LISTED;
        }
    }

    /// Labour productivity (CNY m per worker-month) of a firm of industry `k` with technology
    /// `ln_a`: output per worker x exp(ln A - reference ln A). Zero before the market is set up.
    #[inline]
    pub fn productivity_at(&self, k: usize, ln_a: f64) -> f64 {
        self.ind.output_per_worker[k] * (ln_a - self.ind.reference[k]).exp()
    }

    /// Sets firm `f`'s technology ln A, and its productivity with it.
    pub fn set_ln_a(&mut self, f: usize, ln_a: f64) {
        self.firms.ln_a[f] = ln_a;
        self.firms.productivity[f] = self.productivity_at(self.firms.industry[f] as usize, ln_a);
    }

    fn init_market(&mut self) {
        let n_ind = self.cfg.n_ind;
        let mut cap = vec![0.0; n_ind];
        for &f in &self.firms.live {
            let f = f as usize;
            let k = self.firms.industry[f] as usize;
            cap[k] += f64::from(self.firms.employees[f] + 1) * (self.firms.ln_a[f] - self.ind.reference[k]).exp();
        }
        let spare = self.cfg.s.market.spare_capacity_start;
        for k in 0..n_ind {
            self.ind.output_per_worker[k] =
                if cap[k] > 0.0 { self.ind.demand[k] * (1.0 + spare) / cap[k] } else { 0.0 };
        }
        // The firms of the initial city were added before output per worker was known.
        for i in 0..self.firms.live.len() {
            let f = self.firms.live[i] as usize;
            self.set_ln_a(f, self.firms.ln_a[f]);
        }
        let months = self.cfg.s.market.initial_cash_months;
        let mut households = 0.0;
        let live = self.firms.live.clone();
        for f in live {
            let f = f as usize;
            let k = self.firms.industry[f] as usize;
            let c = f64::from(self.firms.employees[f] + 1) * (self.firms.ln_a[f] - self.ind.reference[k]).exp();
            let share = if cap[k] > 0.0 { c / cap[k] } else { 0.0 };
            self.firms.share[f] = share;
            let rev = share * self.ind.demand[k];
            self.firms.revenue[f] = rev;
            self.firms.revenue_prev[f] = rev;
            self.firms.rev_last_year[f] = 12.0 * rev;
            self.firms.rev_year_before[f] = 12.0 * rev / (1.0 + self.cfg.s.industries[k].demand_growth_per_year);
            let rd = self.cfg.ind.rd_share[k] * f64::from(self.firms.rd_mult[f]) * rev;
            self.firms.rd[f] = rd;
            self.firms.rd_last_year[f] = 12.0 * rd;
            let costs = rev * (1.0 - self.cfg.ind.va_share[k])
                + self.firms.wage_sum[f] * self.wage_index
                + self.cfg.ind.rent[k] * f64::from(self.firms.employees[f] + 1)
                + rd;
            let cash = months * costs;
            self.firms.cash[f] = cash;
            households -= cash;
            let desired = f64::from(self.firms.employees[f]);
            self.firms.desired[f] = desired as f32;
        }
        self.sectors.households += households;
    }

    /// GP funds active at the start, with the cap tables of venture-backed firms younger than
    /// ten years (stage by size), so the run starts with a realistic VC portfolio.
    fn init_funds(&mut self) {
        let fin = self.cfg.s.finance.clone();
        let mut rng = stream(self.seed, Phase::Init, 3, 0);
        let n = rng.round_stochastic(fin.vc_funds_start * self.cfg.scale);
        for _ in 0..n {
            let size = fin.fund_size_median_m * (fin.fund_size_log_sd * rng.normal()).exp();
            let vintage = -((fin.investment_period_years * 12.0 * rng.unif()) as i32);
            let skill = fin.gp_skill_sd * rng.normal();
            self.funds.push(Fund::new(vintage, Sponsor::Private, size, 0.0, skill, u64::MAX));
        }
        if self.funds.is_empty() {
            return;
        }
        let live = self.firms.live.clone();
        let age_limit = (self.cfg.s.tiers.unicorn_max_age_years * 12.0) as i32;
        for f in live {
            let fi = f as usize;
            if self.firms.flags[fi] & fflag::VENTURE == 0
                || self.firms.age(fi, 0) > age_limit
                || self.firms.stage[fi] == stage::LISTED
            {
                continue;
            }
            let e = self.firms.employees[fi];
            let st = match e {
                e if e >= 500 => stage::GROWTH,
                e if e >= 100 => stage::C,
                e if e >= 30 => stage::B,
                e if e >= 10 => stage::A,
                e if e >= 3 => stage::SEED,
                _ => stage::BOOTSTRAPPED,
            };
            if st == stage::BOOTSTRAPPED {
                continue;
            }
            let mut r = stream(self.seed, Phase::Init, 4, self.firms.key(f as usize));
            for s in stage::SEED..=st {
                let i = (s - 1) as usize;
                let amount = (fin.round_min_m[i] * fin.round_max_m[i]).sqrt();
                let fund = (r.unif() * self.funds.len() as f64) as usize;
                let fund = fund.min(self.funds.len() - 1);
                if self.funds[fund].uncalled() * fin.start_invested_share < amount {
                    continue;
                }
                crate::phases::finance::invest_initial(self, f, fund as u32, amount, fin.dilution[i], s);
            }
            let k = self.firms.industry[fi] as usize;
            let by_revenue = self.cfg.ind.revenue_multiple[k]
                * 12.0
                * self.firms.revenue[fi]
                * (fin.start_valuation_log_sd * r.normal()).exp();
            self.firms.valuation[fi] = self.firms.valuation[fi].max(by_revenue);
        }
        // What the funds have invested outside the city so far, at the pace of deployment
        // (paid by their private LPs before the run, like the city portfolio).
        for fd in &mut self.funds {
            let due = crate::phases::finance::deployment_due(&fin, fd.committed, f64::from(-fd.vintage));
            let outside = (due - fd.invested).min(fd.uncalled()).max(0.0);
            fd.outside_cost = outside;
            fd.called += outside;
        }
        self.dry_powder_start = self.funds.iter().map(|f| f.uncalled()).sum();
        self.dry_powder = self.dry_powder_start;
    }
}
