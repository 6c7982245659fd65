//! The scenario turned into what the monthly loop reads: scaled counts, per-industry columns,
//! instrument switches and budget lines resolved to indices. Built once per run; no string
//! lookups or parameter paths in the loop.

use crate::scenario::Scenario;

/// Industry class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Traditional,
    Future5,
    FutureX,
}

impl Class {
    pub fn parse(s: &str) -> Class {
        match s {
            "future-5" => Class::Future5,
            "future-x" => Class::FutureX,
            _ => Class::Traditional,
        }
    }
    pub fn is_future(self) -> bool {
        self != Class::Traditional
    }
    pub fn name(self) -> &'static str {
        match self {
            Class::Traditional => "traditional",
            Class::Future5 => "future-5",
            Class::FutureX => "future-x",
        }
    }
}

/// Certifications of the tiered cultivation system, as bits of `Firms::tiers`.
pub mod tier {
    pub const TECH_SME: u8 = 1;
    pub const HIGH_TECH: u8 = 2;
    pub const LITTLE_GIANT: u8 = 4;
    pub const UNICORN: u8 = 8;
    pub const LEADING: u8 = 16;
    pub const NAMES: [(u8, &str); 5] = [
        (TECH_SME, "tech-sme"),
        (HIGH_TECH, "high-tech"),
        (LITTLE_GIANT, "little-giant"),
        (UNICORN, "unicorn"),
        (LEADING, "leading"),
    ];
    /// Bits of a list of tier names (unknown names were rejected when the scenario was checked).
    pub fn mask(names: &[String]) -> u8 {
        names.iter().map(|n| NAMES.iter().find(|(_, m)| m == n).map_or(0, |(b, _)| *b)).fold(0, |a, b| a | b)
    }
    /// The highest tier held, for display.
    pub fn highest(bits: u8) -> &'static str {
        NAMES.iter().rev().find(|(b, _)| bits & b != 0).map_or("none", |(_, n)| n)
    }
}

/// Funding stage of a firm.
pub mod stage {
    pub const BOOTSTRAPPED: u8 = 0;
    pub const SEED: u8 = 1;
    pub const A: u8 = 2;
    pub const B: u8 = 3;
    pub const C: u8 = 4;
    pub const GROWTH: u8 = 5;
    pub const LISTED: u8 = 6;
    pub const ACQUIRED: u8 = 7;
    pub const NAMES: [&str; 8] = ["bootstrapped", "seed", "A", "B", "C", "growth", "listed", "acquired"];
}

/// The policy instruments, in the order the government pays them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Instrument {
    ComputeVouchers = 0,
    RdGrants,
    TalentSubsidies,
    FounderInsurance,
    TierAwards,
    Pilots,
    ComputeCapacity,
    DroneInfrastructure,
    PlatformOpenness,
    ManufacturingSupport,
    LowAltitudeFund,
    GuidanceFund,
}

impl Instrument {
    pub const ALL: [Instrument; 12] = [
        Instrument::ComputeVouchers,
        Instrument::RdGrants,
        Instrument::TalentSubsidies,
        Instrument::FounderInsurance,
        Instrument::TierAwards,
        Instrument::Pilots,
        Instrument::ComputeCapacity,
        Instrument::DroneInfrastructure,
        Instrument::PlatformOpenness,
        Instrument::ManufacturingSupport,
        Instrument::LowAltitudeFund,
        Instrument::GuidanceFund,
    ];
    pub const COUNT: usize = 12;
    pub fn name(self) -> &'static str {
        match self {
            Instrument::ComputeVouchers => "compute_vouchers",
            Instrument::RdGrants => "rd_grants",
            Instrument::TalentSubsidies => "talent_subsidies",
            Instrument::FounderInsurance => "founder_insurance",
            Instrument::TierAwards => "tier_awards",
            Instrument::Pilots => "pilots",
            Instrument::ComputeCapacity => "compute_capacity",
            Instrument::DroneInfrastructure => "drone_infrastructure",
            Instrument::PlatformOpenness => "platform_openness",
            Instrument::ManufacturingSupport => "manufacturing_support",
            Instrument::LowAltitudeFund => "low_altitude_fund",
            Instrument::GuidanceFund => "guidance_fund",
        }
    }
}

/// Switch, package and annual budget of one instrument.
#[derive(Clone, Debug)]
pub struct InstrumentLine {
    pub enabled: bool,
    pub package: usize,
    /// Annual budget at this run's scale, CNY m.
    pub budget_m_per_year: f64,
}

/// Eligibility of firms for an instrument.
#[derive(Clone, Debug, Default)]
pub struct Eligibility {
    /// Required tier bits (any one); 0 = all firms.
    pub tiers: u8,
    /// Eligible industries by index; empty = all.
    pub industries: Vec<bool>,
}

impl Eligibility {
    pub fn new(s: &Scenario, tiers: &[String], industries: &[String], classes: &[String]) -> Eligibility {
        let n = s.industries.len();
        let any = industries.is_empty() && classes.is_empty();
        let inds = (0..n)
            .map(|k| {
                let ind = &s.industries[k];
                any || industries.contains(&ind.id) || classes.contains(&ind.class)
            })
            .collect();
        Eligibility { tiers: crate::config::tier::mask(tiers), industries: inds }
    }
    #[inline]
    pub fn admits(&self, industry: usize, tiers: u8) -> bool {
        self.industries.get(industry).copied().unwrap_or(false) && (self.tiers == 0 || tiers & self.tiers != 0)
    }
}

/// Per-industry columns (index = industry id order of the scenario).
#[derive(Clone, Debug, Default)]
pub struct IndustryColumns {
    pub ids: Vec<String>,
    pub class: Vec<Class>,
    pub firms_start: Vec<f64>,
    pub demand_m_per_month: Vec<f64>,
    pub demand_growth_per_month: Vec<f64>,
    pub va_share: Vec<f64>,
    pub rd_share: Vec<f64>,
    pub compute_intensity: Vec<f64>,
    pub difficulty: Vec<f64>,
    pub radical_probability: Vec<f64>,
    pub radical_alpha: Vec<f64>,
    pub wage: Vec<f64>,
    pub rent: Vec<f64>,
    pub frontier_growth_per_month: Vec<f64>,
    pub initial_gap_mean: Vec<f64>,
    pub research_m_per_month: Vec<f64>,
    pub graduate_share_cum: Vec<f64>,
    pub spinoffs_per_month: Vec<f64>,
    pub pilot_slots_per_quarter: Vec<f64>,
    pub revenue_multiple: Vec<f64>,
    pub venture_share: Vec<f64>,
}

/// Everything the loop reads, derived from a scenario.
#[derive(Clone, Debug)]
pub struct Config {
    pub s: Scenario,
    pub scale: f64,
    pub months: u32,
    pub n_ind: usize,
    pub ind: IndustryColumns,
    pub low_altitude: Option<usize>,
    pub packages: Vec<String>,
    pub package_share: Vec<f64>,
    pub package_industrial: Vec<bool>,
    pub lines: Vec<InstrumentLine>,
    pub voucher_elig: Eligibility,
    pub grant_elig: Eligibility,
    pub platform_elig: Eligibility,
    pub support_elig: Eligibility,
    pub la_fund_elig: Eligibility,
    pub gf_direct_mode: bool,
}

impl Config {
    pub fn new(s: &Scenario) -> Config {
        let scale = s.run.scale;
        let n_ind = s.industries.len();
        let mut ind = IndustryColumns::default();
        let gsum: f64 = s.industries.iter().map(|i| i.graduate_share).sum::<f64>().max(1e-300);
        let mut cum = 0.0;
        for i in &s.industries {
            ind.ids.push(i.id.clone());
            ind.class.push(Class::parse(&i.class));
            ind.firms_start.push(i.firms_start * scale);
            ind.demand_m_per_month.push(i.demand_bn_per_year * 1000.0 / 12.0 * scale);
            ind.demand_growth_per_month.push((1.0 + i.demand_growth_per_year).powf(1.0 / 12.0) - 1.0);
            ind.va_share.push(i.value_added_share);
            ind.rd_share.push(i.rd_share_of_revenue);
            ind.compute_intensity.push(i.compute_intensity);
            ind.difficulty.push(i.difficulty);
            ind.radical_probability.push(i.radical_probability);
            ind.radical_alpha.push(i.radical_alpha);
            ind.wage.push(i.wage_m_per_month);
            ind.rent.push(i.rent_m_per_worker_month);
            ind.frontier_growth_per_month.push(i.frontier_growth_per_year / 12.0);
            ind.initial_gap_mean.push(i.initial_gap_mean);
            ind.research_m_per_month.push(i.university_research_m_per_month * scale);
            cum += i.graduate_share / gsum;
            ind.graduate_share_cum.push(cum);
            ind.spinoffs_per_month.push(i.spinoffs_per_year * scale / 12.0);
            ind.pilot_slots_per_quarter.push(i.pilot_slots_per_year * scale / 4.0);
            ind.revenue_multiple.push(i.revenue_multiple);
            ind.venture_share.push(i.venture_share);
        }
        if let Some(last) = ind.graduate_share_cum.last_mut() {
            *last = 1.0;
        }
        let packages: Vec<String> = s.government.packages.iter().map(|p| p.id.clone()).collect();
        let pkg = |id: &str| packages.iter().position(|p| p == id).unwrap_or(0);
        let p = &s.policy;
        let line = |enabled: bool, package: &str, budget: f64| InstrumentLine {
            enabled,
            package: pkg(package),
            budget_m_per_year: budget * scale,
        };
        let lines = vec![
            line(p.compute_vouchers.enabled, &p.compute_vouchers.package, p.compute_vouchers.budget_m_per_year),
            line(p.rd_grants.enabled, &p.rd_grants.package, p.rd_grants.budget_m_per_year),
            line(p.talent_subsidies.enabled, &p.talent_subsidies.package, p.talent_subsidies.budget_m_per_year),
            line(p.founder_insurance.enabled, &p.founder_insurance.package, p.founder_insurance.budget_m_per_year),
            line(p.tier_awards.enabled, &p.tier_awards.package, p.tier_awards.budget_m_per_year),
            line(p.pilots.enabled, &p.pilots.package, p.pilots.budget_m_per_year),
            line(p.compute_capacity.enabled, &p.compute_capacity.package, p.compute_capacity.budget_m_per_year),
            line(
                p.drone_infrastructure.enabled,
                &p.drone_infrastructure.package,
                p.drone_infrastructure.budget_m_per_year,
            ),
            line(p.platform_openness.enabled, &p.platform_openness.package, p.platform_openness.budget_m_per_year),
            line(
                p.manufacturing_support.enabled,
                &p.manufacturing_support.package,
                p.manufacturing_support.budget_m_per_year,
            ),
            line(p.low_altitude_fund.enabled, &p.low_altitude_fund.package, p.low_altitude_fund.budget_m_per_year),
            // The guidance fund's capital is state capital, not the annual budget: no annual line.
            line(p.guidance_fund.enabled, &p.guidance_fund.package, 0.0),
        ];
        Config {
            scale,
            months: s.run.months,
            n_ind,
            low_altitude: s.industries.iter().position(|i| i.id == "low-altitude"),
            package_share: s.government.packages.iter().map(|p| p.budget_share).collect(),
            package_industrial: s.government.packages.iter().map(|p| p.industrial).collect(),
            packages,
            lines,
            voucher_elig: Eligibility::new(
                s,
                &p.compute_vouchers.tiers,
                &p.compute_vouchers.industries,
                &p.compute_vouchers.classes,
            ),
            grant_elig: Eligibility::new(s, &p.rd_grants.tiers, &p.rd_grants.industries, &p.rd_grants.classes),
            platform_elig: Eligibility::new(s, &[], &p.platform_openness.industries, &[]),
            support_elig: Eligibility::new(
                s,
                &[],
                &p.manufacturing_support.industries,
                &p.manufacturing_support.classes,
            ),
            la_fund_elig: Eligibility::new(s, &[], &p.low_altitude_fund.industries, &[]),
            gf_direct_mode: p.guidance_fund.mode == "direct",
            ind,
            s: s.clone(),
        }
    }

    #[inline]
    pub fn on(&self, i: Instrument) -> bool {
        self.lines[i as usize].enabled
    }

    /// The industry of a uniform draw, by graduate shares.
    #[inline]
    pub fn field_of(&self, u: f64) -> usize {
        self.ind.graduate_share_cum.iter().position(|&c| u < c).unwrap_or(self.n_ind - 1)
    }
}
