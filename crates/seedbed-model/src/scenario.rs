//! Every parameter of the model, with unit, range, default and source.
//! The defaults are the built-in `hangzhou-2025` scenario; a scenario file overrides any of them.
//! Money is in million yuan (CNY m); shares are in [0, 1]; hazards are per month.

use crate::params;
use crate::schema::*;

const CLASSES: Kind = Kind::Choice(&["traditional", "future-5", "future-x"]);
const GF_MODES: Kind = Kind::Choice(&["lp", "direct"]);

fn s(x: &str) -> String {
    x.to_string()
}
fn v(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| x.to_string()).collect()
}

params! {
    /// A whole scenario: the city, its agents' behaviour and its policies.
    pub struct Scenario {
        /// Name, horizon and scale of the run.
        run: Run = Run::default(), SECTION, "";
        /// The labour force at the start.
        population: Population = Population::default(), SECTION, "";
        /// Arrivals, departures, vacancies, matching, quits and layoffs.
        labour: Labour = Labour::default(), SECTION, "";
        /// Who founds a firm, and what the new firm starts with.
        entrepreneurship: Entrepreneurship = Entrepreneurship::default(), SECTION, "";
        /// Each field's public knowledge pool.
        knowledge: Knowledge = Knowledge::default(), SECTION, "";
        /// R&D, innovation and imitation (K+S, Nelson-Winter).
        innovation: Innovation = Innovation::default(), SECTION, "";
        /// The city's compute market.
        compute: Compute = Compute::default(), SECTION, "";
        /// Product markets: replicator dynamics, capacity, costs.
        market: Market = Market::default(), SECTION, "";
        /// Venture capital funds and the bank.
        finance: Finance = Finance::default(), SECTION, "";
        /// Failure, listing and acquisition.
        exit: Exit = Exit::default(), SECTION, "";
        /// The tiered cultivation system's thresholds.
        tiers: Tiers = Tiers::default(), SECTION, "";
        /// Annual budget, taxes and the '8+4' packages.
        government: Government = Government::default(), SECTION, "";
        /// Big-tech platform firms (Alibaba-like).
        platforms: Platforms = Platforms::default(), SECTION, "";
        /// Low-altitude economy demand drivers.
        low_altitude: LowAltitude = LowAltitude::default(), SECTION, "";
        /// The policy instruments, each in its package.
        policy: Policy = Policy::default(), SECTION, "";
        /// The industries; each firm and person belongs to one.
        industries: Vec<Industry> = default_industries(), LIST, "";
    }

    /// Name, horizon and scale of the run.
    pub struct Run {
        /// Scenario name, shown in outputs.
        name: String = s("hangzhou-2025"), TEXT, "";
        /// One line on what the scenario is.
        description: String = s("Hangzhou 2025: the city and its 2025 '8+4' policies (default)."), TEXT, "";
        /// Calendar year of the first simulated month.
        start_year: u32 = 2025, int(1990, 2100), "year";
        /// Calendar month (1-12) of the first simulated month.
        start_month: u32 = 1, int(1, 12), "month";
        /// Number of monthly steps. Default: 2025-01 to 2034-12.
        months: u32 = 120, int(1, 1200), "months";
        /// Multiplies every population, count and budget; 0.01 is a 1% sample city. Amounts per entity do not scale.
        scale: f64 = 1.0, real(0.0001, 4.0), "share of the full city";
    }

    /// The labour force at the start.
    pub struct Population {
        /// People in the labour force at the start. Source: Hangzhou 2024 statistics (7.72 m).
        labour_force: f64 = 7_720_000.0, real(1.0, 1e9), "people";
        /// Standard deviation of log skill `h` (log-normal, mean log skill 0). Source: dispersion of Chinese urban log wages (about 0.5-0.6).
        skill_log_sd: f64 = 0.5, real(0.0, 3.0), "log points";
        /// Standard deviation of log entrepreneurial propensity (a hazard multiplier, mean 1). Assumption, calibrated to registrations.
        propensity_log_sd: f64 = 0.8, real(0.0, 3.0), "log points";
        /// Share of the labour force unemployed at the start. Source: surveyed urban unemployment about 4-5%.
        unemployment_rate: f64 = 0.045, SHARE, "share";
        /// Share of the labour force employed by enterprises (not owners) at the start; the rest work outside the firm sector (public sector, self-employed). Assumption from Hangzhou employment structure.
        firm_employment_share: f64 = 0.62, SHARE, "share";
        /// Pareto exponent of initial firm size (employees + 1). Source: Axtell 2001 (Zipf, about 1.06).
        firm_size_pareto_alpha: f64 = 1.06, real(0.3, 5.0), "exponent";
        /// Largest initial firm, employees.
        firm_size_max: f64 = 60_000.0, real(1.0, 1e7), "people";
        /// Listed companies at the start: the firms with the most revenue start listed (at scale, rounded). Source: Hangzhou 2024, 310 listed companies.
        initial_listed_firms: f64 = 310.0, real(0.0, 1e6), "firms";
        /// Share of digital-commerce employees at the start who are platform alumni. Assumption.
        alumni_share: f64 = 0.08, SHARE, "share";
    }

    /// Arrivals, departures, vacancies, matching, quits and layoffs.
    pub struct Labour {
        /// Young graduates attracted a year, at baseline. Source: Hangzhou 2020-24 (350 k a year).
        graduates_per_year: f64 = 350_000.0, NONNEG, "people/year";
        /// Other working-age migrants arriving a year. Assumption: population grows by 1-2% a year.
        migrants_per_year: f64 = 120_000.0, NONNEG, "people/year";
        /// Log skill premium of new graduates over the labour-force mean.
        graduate_skill_premium: f64 = 0.15, real(-2.0, 2.0), "log points";
        /// Monthly retirement hazard of every person (working life of about 38 years).
        retirement_hazard: f64 = 0.0022, SHARE, "1/month";
        /// Monthly hazard that an unemployed person leaves the city, at zero months unemployed.
        outflow_hazard_base: f64 = 0.006, SHARE, "1/month";
        /// Increase of that hazard per month of unemployment. Source: MODEL.md (outflow rises with duration).
        outflow_hazard_per_month_unemployed: f64 = 0.002, SHARE, "1/month per month";
        /// Upper bound of the outflow hazard.
        outflow_hazard_max: f64 = 0.08, SHARE, "1/month";
        /// Monthly quit hazard of employees (job-to-job moves go through the matching pool). Source: Chinese urban turnover about 15% a year.
        quit_hazard: f64 = 0.012, SHARE, "1/month";
        /// Matching efficiency mu in M = mu U^e V^(1-e), per industry and month. Source: Petrongolo and Pissarides 2001.
        match_efficiency: f64 = 0.55, real(0.0, 10.0), "matches/month";
        /// Elasticity e of matches with respect to the unemployed. Source: Petrongolo and Pissarides 2001 (0.5).
        match_elasticity_unemployed: f64 = 0.5, SHARE, "elasticity";
        /// Job seekers compared for each hire (the best skill of this many random seekers is hired).
        tournament_size: u32 = 3, int(1, 100), "people";
        /// Share of an industry's unfilled vacancies open to job seekers from other fields.
        cross_field_share: f64 = 0.25, SHARE, "share";
        /// Largest monthly hiring of a firm, as a share of its employees (plus `hire_min`).
        hire_rate_max: f64 = 0.25, real(0.0, 10.0), "share/month";
        /// Hires a firm can always make in a month.
        hire_min: f64 = 3.0, NONNEG, "people/month";
        /// A firm lays off when employees exceed desired employment by this share.
        layoff_slack: f64 = 0.15, real(0.0, 10.0), "share";
        /// Largest monthly layoff, as a share of employees.
        layoff_rate_max: f64 = 0.2, SHARE, "share/month";
        /// Elasticity of talent inflow to (talent subsidy per head / annual wage). Source: MODEL.md clarification; assumption.
        talent_subsidy_elasticity: f64 = 0.6, NONNEG, "elasticity";
        /// Elasticity of inflow to the city's vacancy rate relative to `vacancy_rate_reference`.
        vacancy_inflow_elasticity: f64 = 0.3, NONNEG, "elasticity";
        /// Vacancy rate at which the vacancy factor of inflow is 1.
        vacancy_rate_reference: f64 = 0.02, real(1e-6, 1.0), "share";
        /// Elasticity of a person's wage to skill h.
        wage_skill_elasticity: f64 = 1.0, real(0.0, 5.0), "elasticity";
        /// Elasticity of wages to the employer's productivity relative to its industry (rent sharing). Source: Card et al. 2018 (0.05-0.15 on value added; here on log productivity).
        wage_productivity_elasticity: f64 = 0.1, real(0.0, 2.0), "elasticity";
        /// Nominal wage growth a year. Source: Hangzhou average wage growth about 5%.
        wage_growth_per_year: f64 = 0.05, real(-0.5, 1.0), "1/year";
    }

    /// Who founds a firm, and what the new firm starts with.
    pub struct Entrepreneurship {
        /// Monthly founding hazard of an employed person with skill 1, propensity 1 and no extra drivers. Calibrated to 145 k registrations a year.
        base_hazard: f64 = 0.00165, SHARE, "1/month";
        /// Upper bound of any person's founding hazard (used to draw candidates; exact thinning).
        max_hazard: f64 = 0.03, real(1e-9, 1.0), "1/month";
        /// Elasticity of the hazard to skill h. Source: Lazear 2005; assumption.
        skill_elasticity: f64 = 0.5, real(-5.0, 5.0), "elasticity";
        /// Hazard multiplier for unemployed people.
        unemployed_multiplier: f64 = 1.0, NONNEG, "multiplier";
        /// Hazard multiplier for platform alumni ("Alibaba-affiliated" founders). Source: seed article; assumption.
        alumni_multiplier: f64 = 2.5, NONNEG, "multiplier";
        /// Weight of the field's opportunity (demand growth and recent VC per firm) in the log hazard.
        opportunity_weight: f64 = 1.0, real(0.0, 20.0), "per unit of opportunity";
        /// Weight of the city's VC dry powder relative to the start in the log hazard.
        capital_weight: f64 = 0.3, real(0.0, 5.0), "elasticity";
        /// Coefficient of relative risk aversion of would-be founders (CRRA).
        risk_aversion: f64 = 2.0, real(0.0, 10.0), "CRRA";
        /// Perceived probability that a new firm succeeds.
        perceived_success_probability: f64 = 0.4, SHARE, "probability";
        /// Income in the good outcome, as a multiple of the current wage.
        success_income_multiple: f64 = 2.0, real(0.0, 100.0), "multiple of wage";
        /// Income in the bad outcome without insurance, as a share of the wage (unemployment benefit, savings).
        failure_income_share: f64 = 0.25, real(0.0, 1.0), "share of wage";
        /// Months over which a failed founder's bad outcome lasts (job search), for the floor calculation.
        failure_spell_months: f64 = 18.0, real(1.0, 240.0), "months";
        /// Weight of the certainty-equivalent gain of founding in the log hazard.
        gain_weight: f64 = 0.6, real(0.0, 50.0), "per unit of gain";
        /// Probability that a founder starts in an industry other than his own field, chosen by opportunity.
        switch_industry_probability: f64 = 0.08, SHARE, "probability";
        /// Founder's savings put into the firm, in months of wage (median).
        savings_months: f64 = 10.0, NONNEG, "months of wage";
        /// Log standard deviation of founders' savings.
        savings_log_sd: f64 = 0.8, real(0.0, 5.0), "log points";
        /// Standard deviation of a new firm's log technology around the field's public knowledge.
        entrant_technology_sd: f64 = 0.15, real(0.0, 5.0), "log points";
        /// Elasticity of a new firm's technology to the founder's skill.
        entrant_skill_elasticity: f64 = 0.1, real(-5.0, 5.0), "elasticity";
        /// Technology bonus per earlier exit (IPO or acquisition) of the founder. Source: Gompers et al. 2010.
        serial_success_bonus: f64 = 0.1, real(-5.0, 5.0), "log points";
        /// Technology bonus per earlier failure of the founder (about zero, Gompers et al. 2010).
        serial_failure_bonus: f64 = 0.0, real(-5.0, 5.0), "log points";
    }

    /// Each field's public knowledge pool.
    pub struct Knowledge {
        /// Annual decay of the pool (obsolescence). Source: Hall, Jaffe, Trajtenberg 2005 (15%); here 10%.
        decay_per_year: f64 = 0.10, SHARE, "1/year";
        /// Share of firms' R&D spending that enters the public pool (spillover).
        spillover_share: f64 = 0.2, SHARE, "share";
        /// Months of flow at the start: the pool starts at `university research x 12 x this` (steady state).
        initial_pool_years: f64 = 10.0, real(0.0, 100.0), "years";
        /// Elasticity of the gap between public knowledge and the frontier to the pool (a larger pool, a smaller gap).
        gap_elasticity: f64 = 0.3, real(0.0, 5.0), "elasticity";
        /// Gap between the public knowledge level and the global frontier when the pool is at its start value.
        public_gap: f64 = 0.9, NONNEG, "log points";
    }

    /// R&D, innovation and imitation, after Dosi, Fagiolo, Roventini (2010) and Nelson-Winter.
    pub struct Innovation {
        /// zeta_in: innovation probability is 1 - exp(-zeta_in x RD_eff), RD_eff in researcher-months.
        zeta_innovation: f64 = 0.02, NONNEG, "1/researcher-month";
        /// zeta_im: imitation probability is 1 - exp(-zeta_im x RD_eff) x exp(-gap / imitation_gap_scale).
        zeta_imitation: f64 = 0.005, NONNEG, "1/researcher-month";
        /// Parameter a of the Beta(a, b) innovation draw. Source: K+S (Dosi et al. 2010: 3).
        beta_a: f64 = 3.0, real(0.01, 100.0), "";
        /// Parameter b of the Beta(a, b) innovation draw. Source: K+S (3).
        beta_b: f64 = 3.0, real(0.01, 100.0), "";
        /// Lower end of the rescaled innovation draw, in years of the industry's frontier growth (a draw below zero is discarded: the firm keeps its technology).
        x_min: f64 = -0.5, real(-50.0, 50.0), "years of frontier growth";
        /// Upper end of the rescaled innovation draw, in years of the industry's frontier growth. A firm that innovates every month then about keeps pace with the frontier; catching up takes radical jumps.
        x_max: f64 = 0.6, real(-50.0, 50.0), "years of frontier growth";
        /// Scale of a radical jump: the jump is `scale x (Pareto(alpha) draw)` with minimum `scale`.
        radical_jump_scale: f64 = 0.15, NONNEG, "log points";
        /// Largest radical jump: the Pareto tail is truncated here (an untruncated tail lets one firm become many times more productive than its industry at once and take all its demand).
        radical_jump_max: f64 = 1.0, NONNEG, "log points";
        /// Share of the technology gap to the industry's best closed by a successful imitation.
        imitation_step: f64 = 0.3, SHARE, "share of gap";
        /// Gap at which imitation is e times harder.
        imitation_gap_scale: f64 = 0.25, real(1e-6, 100.0), "log points";
        /// theta: innovation and imitation use RD_eff^theta, decreasing returns to the scale of R&D (a firm with 100 times the researchers is not 100 times as likely to innovate). Source: Cohen and Klepper 1996.
        rd_scale_elasticity: f64 = 0.5, real(0.0, 1.0), "elasticity";
        /// Share of R&D spending that is researchers' pay (the rest is materials and compute).
        researcher_share_of_rd: f64 = 0.6, SHARE, "share";
        /// Elasticity of RD_eff to compute bought relative to need, in compute-intensive work.
        compute_elasticity: f64 = 0.7, real(0.0, 5.0), "elasticity";
        /// Elasticity of RD_eff to the field's public knowledge pool relative to its start.
        knowledge_elasticity: f64 = 0.3, real(0.0, 5.0), "elasticity";
        /// RD_eff multiplier for firms with access to an open platform, per unit of openness. Source: seed article (Alibaba's middle platform); assumption.
        platform_spillover: f64 = 0.5, real(0.0, 10.0), "per unit of openness";
        /// Share of a VC-funded firm's monthly burn that is R&D.
        rd_share_of_burn: f64 = 0.5, SHARE, "share";
        /// Smallest initial gap to the frontier, as a share of the industry's mean gap (gap = mean x (share + (1 - share) x Exp(1))).
        initial_gap_min_share: f64 = 0.5, SHARE, "share of mean gap";
        /// Log standard deviation of firms' R&D propensity (a multiplier of the industry's R&D share, mean 1).
        rd_propensity_log_sd: f64 = 1.0, real(0.0, 5.0), "log points";
        /// Months over which a funded firm plans to spend a round (burn = cash / this).
        burn_months: f64 = 18.0, real(1.0, 240.0), "months";
    }

    /// The city's compute market.
    pub struct Compute {
        /// Compute capacity at the start. Source: Hangzhou targets 50 EFLOPS by end-2025 from about 30 in 2024.
        capacity_eflops_start: f64 = 32.0, NONNEG, "EFLOPS";
        /// Market growth of capacity a year without public investment.
        baseline_growth_per_year: f64 = 0.10, real(-1.0, 10.0), "1/year";
        /// Price of one EFLOPS for one month at low utilisation. Source: GPU cloud rent, about 3,200 A100-class cards per EFLOPS at about 9 yuan/hour.
        price_base_m_per_eflops_month: f64 = 21.0, real(1e-6, 1e6), "CNY m/EFLOPS-month";
        /// Steepness of the supply price: p = p_base (1 + steepness u / (1 - u)). Source: MODEL.md (price rises steeply near capacity).
        price_steepness: f64 = 0.25, NONNEG, "";
        /// Highest utilisation; demand beyond it is rationed pro rata.
        utilisation_max: f64 = 0.97, real(0.01, 0.999), "share";
        /// Share of capacity used by users outside the firm sector (government, platforms' own services, other cities).
        outside_use_share: f64 = 0.2, real(0.0, 0.99), "share";
    }

    /// Product markets: replicator dynamics, capacity, costs.
    pub struct Market {
        /// chi: replicator speed, share growth per unit of relative competitiveness a month. Source: K+S (Dosi et al. 2010).
        replicator_chi: f64 = 0.03, NONNEG, "1/month";
        /// A new firm's initial market share, as a share of the industry's mean share.
        entrant_share_of_mean: f64 = 0.15, NONNEG, "share of mean";
        /// Weight of the unit labour cost in competitiveness (technology has weight 1).
        cost_weight: f64 = 0.5, NONNEG, "";
        /// Competitiveness bonus of a firm with a validated pilot.
        pilot_competitiveness_bonus: f64 = 0.15, NONNEG, "log points";
        /// Probability a month that a firm's demand takes a shock (a customer won or lost).
        shock_events_per_month: f64 = 0.1, SHARE, "1/month";
        /// Standard deviation of one demand shock of the smallest business (size unit below).
        shock_sd: f64 = 0.5, NONNEG, "log points";
        /// Exponent beta in shock sd = shock_sd x (units+1)^-beta, units = whole `shock_size_unit_m_per_month` of last month's demand. Calibrated so that the slope of growth volatility on sales is about -0.2 (Stanley et al. 1996): steeper than that slope, because capacity steps and the replicator add volatility that does not fall with size.
        shock_size_exponent: f64 = 0.35, real(0.0, 2.0), "exponent";
        /// Size unit of the demand shock: monthly sales of the smallest business (a firm below it has the full `shock_sd`).
        shock_size_unit_m_per_month: f64 = 0.01, real(1e-6, 1e6), "CNY m/month";
        /// Spare capacity of the firm sector at the start: labour productivity is set so capacity = demand x (1 + this).
        spare_capacity_start: f64 = 0.05, real(0.0, 10.0), "share";
        /// Firms plan employment for expected sales x (1 + this).
        employment_buffer: f64 = 0.05, real(0.0, 5.0), "share";
        /// Share of a bootstrapped or listed firm's profit after tax paid out each month (owner's draw, dividends).
        payout_share: f64 = 0.5, SHARE, "share";
        /// Cash of a firm at the start, in months of its costs.
        initial_cash_months: f64 = 3.0, NONNEG, "months of costs";
        /// Mean age of the firms alive at the start (exponential).
        initial_age_mean_years: f64 = 8.0, NONNEG, "years";
    }

    /// Venture capital funds and the bank.
    pub struct Finance {
        /// GP funds active in the city at the start. Assumption: a few hundred VC/PE funds investing in Hangzhou.
        vc_funds_start: f64 = 500.0, NONNEG, "funds";
        /// Median committed size of a GP fund. Source: AMAC median VC fund size.
        fund_size_median_m: f64 = 600.0, real(1.0, 1e7), "CNY m";
        /// Log standard deviation of GP fund sizes.
        fund_size_log_sd: f64 = 0.9, real(0.0, 5.0), "log points";
        /// Share of a start-of-run fund's commitment already invested (funds of mixed vintages).
        start_invested_share: f64 = 0.4, SHARE, "share";
        /// Dispersion of a start-of-run venture-backed firm's valuation around its revenue multiple (log sd). Calibrated to 24 unicorns (Hurun 2024).
        start_valuation_log_sd: f64 = 1.45, real(0.0, 3.0), "log points";
        /// Investment period of a GP fund. Source: MODEL.md (5 years).
        investment_period_years: f64 = 5.0, real(0.1, 50.0), "years";
        /// Life of a GP fund. Source: MODEL.md (10 years).
        fund_life_years: f64 = 10.0, real(0.1, 50.0), "years";
        /// GP funds invest `deploy_share` of their commitments evenly over this many years from their vintage: in the city's firms as deals come, and outside the city for the rest (funds invest across China). Calibrated to the guidance fund's 72.5 bn invested in 2.5 years.
        deployment_years: f64 = 2.75, real(0.1, 50.0), "years";
        /// Share of its commitments a GP fund invests (the rest pays fees and is held in reserve).
        deploy_share: f64 = 0.8, SHARE, "share";
        /// Median multiple at which a fund's investments outside the city come back at the end of its life. Assumption: median VC fund multiples of about 1.5 (Cambridge Associates benchmarks).
        outside_multiple_median: f64 = 1.5, NONNEG, "multiple";
        /// Dispersion across funds of the outside multiple (log sd).
        outside_multiple_log_sd: f64 = 0.5, real(0.0, 5.0), "log points";
        /// Management fee, per year, on commitments. Source: MODEL.md (2%).
        management_fee_per_year: f64 = 0.02, SHARE, "1/year";
        /// GP carried interest over the hurdle. Source: MODEL.md (20%).
        carry: f64 = 0.20, SHARE, "share";
        /// Hurdle rate for carry. Source: MODEL.md (8%).
        hurdle_per_year: f64 = 0.08, real(0.0, 1.0), "1/year";
        /// Deals a GP fund examines a month.
        screening_capacity_per_month: f64 = 6.0, NONNEG, "deals/month";
        /// Standard deviation of due-diligence noise on a firm's quality signal, for a GP of skill 0.
        dd_noise_sd: f64 = 0.6, NONNEG, "quality units";
        /// Standard deviation of GP skill across funds (skill reduces noise and raises the bar).
        gp_skill_sd: f64 = 0.3, NONNEG, "quality units";
        /// A fund invests when the signal of quality exceeds this bar.
        investment_bar: f64 = 0.3, real(-10.0, 10.0), "quality units";
        /// Smallest round by stage: seed, A, B, C, growth. Source: MODEL.md (seed 0.5-3 m, A 5-30 m, B 30-200 m).
        round_min_m: Vec<f64> = vec![0.5, 5.0, 30.0, 200.0, 500.0], reals(0.0, 1e6), "CNY m";
        /// Largest round by stage: seed, A, B, C, growth.
        round_max_m: Vec<f64> = vec![3.0, 30.0, 200.0, 800.0, 3000.0], reals(0.0, 1e6), "CNY m";
        /// Share of the firm sold in a round, by stage: seed, A, B, C, growth. Source: Carta dilution medians (15-20%).
        dilution: Vec<f64> = vec![0.2, 0.2, 0.18, 0.15, 0.1], reals(0.001, 0.99), "share";
        /// A firm seeks money when its runway (cash / burn) is below this.
        runway_trigger_months: f64 = 6.0, NONNEG, "months";
        /// A firm may raise at most one round in this many months.
        months_between_rounds: f64 = 9.0, NONNEG, "months";
        /// Private LP money (social capital) offered to new GP funds a year at baseline returns, full scale. Assumption fitted to the guidance fund's 135 bn leveraged in 2.5 years plus purely private funds.
        private_lp_supply_m_per_year: f64 = 80_000.0, NONNEG, "CNY m/year";
        /// Elasticity of private LP supply to recent fund returns (TVPI of active funds).
        lp_return_elasticity: f64 = 1.0, real(0.0, 10.0), "elasticity";
        /// Bounds of the LP supply's response to returns: the factor (TVPI)^elasticity is kept in [min, max].
        lp_return_factor_min: f64 = 0.25, real(0.0, 100.0), "multiple";
        /// Upper bound of the LP supply's return factor.
        lp_return_factor_max: f64 = 2.0, real(0.0, 100.0), "multiple";
        /// Bank loan rate a year. Source: 1-year LPR 3.1-3.45% plus a small-firm spread.
        loan_rate_per_year: f64 = 0.045, real(0.0, 1.0), "1/year";
        /// Largest loan as a multiple of monthly revenue.
        loan_to_monthly_revenue: f64 = 3.0, NONNEG, "months of revenue";
        /// Largest loan to one firm.
        loan_max_m: f64 = 100.0, NONNEG, "CNY m";
        /// Term of a loan, repaid in equal principal instalments.
        loan_term_months: f64 = 36.0, real(1.0, 600.0), "months";
        /// A firm must be this old to borrow.
        loan_min_age_months: f64 = 12.0, NONNEG, "months";
    }

    /// Failure, listing and acquisition.
    pub struct Exit {
        /// Monthly hazard that a firm closes for reasons outside the model (owner retires, moves). Calibrated to exits of 8-10% a year.
        closure_hazard: f64 = 0.007, SHARE, "1/month";
        /// Monthly hazard that an early-stage venture (its last round a seed or A round) closes: the product or the team fails. Later stages close at `closure_hazard`. Calibrated so that 55-65% of VC deals lose money (Kerr, Nanda, Rhodes-Kropf 2014) both in the full city (64%) and at scale 0.1 (56%): the share rises with the city's size (docs/model.md, known gaps).
        venture_closure_hazard: f64 = 0.0075, SHARE, "1/month";
        /// Smallest valuation to list (IPO).
        ipo_min_valuation_m: f64 = 3_000.0, NONNEG, "CNY m";
        /// Smallest annual revenue to list. Source: STAR market and main-board thresholds (100 m and more).
        ipo_min_revenue_m_per_year: f64 = 200.0, NONNEG, "CNY m/year";
        /// Monthly probability that a qualifying firm lists.
        ipo_hazard: f64 = 0.02, SHARE, "1/month";
        /// Share of its stake an investor sells at the IPO (the rest later, at the market value).
        ipo_sale_share: f64 = 1.0, SHARE, "share";
        /// Monthly probability that a VC-backed firm with revenue is acquired.
        acquisition_hazard: f64 = 0.002, SHARE, "1/month";
        /// Price paid in an acquisition as a multiple of the last valuation (quality moves it).
        acquisition_multiple: f64 = 1.0, NONNEG, "multiple";
    }

    /// The tiered cultivation system's thresholds, applied in January on the previous year's accounts.
    pub struct Tiers {
        /// Tech SME: at most this many employees. Source: MOST tech-SME rules (under 500).
        tech_sme_max_employees: f64 = 500.0, NONNEG, "people";
        /// Tech SME: at most this revenue a year. Source: MOST tech-SME rules (under 200 m).
        tech_sme_max_revenue_m: f64 = 200.0, NONNEG, "CNY m/year";
        /// Tech SME: at least this R&D intensity. Calibrated to the provincial stock of about 34 k (2025).
        tech_sme_min_rd_intensity: f64 = 0.055, SHARE, "share of revenue";
        /// High-tech enterprise: R&D intensity for revenue under 50 m. Source: HNTE rules (5%).
        high_tech_rd_small: f64 = 0.05, SHARE, "share of revenue";
        /// High-tech enterprise: R&D intensity for revenue 50-200 m (4%).
        high_tech_rd_medium: f64 = 0.04, SHARE, "share of revenue";
        /// High-tech enterprise: R&D intensity above 200 m (3%).
        high_tech_rd_large: f64 = 0.03, SHARE, "share of revenue";
        /// High-tech enterprise: at least this many employees (the national rules set no minimum; calibrated to about 16 k in 2024).
        high_tech_min_employees: f64 = 1.0, NONNEG, "people";
        /// High-tech enterprise: at least this revenue a year (a going business; calibrated to about 16 k in 2024).
        high_tech_min_revenue_m: f64 = 0.5, NONNEG, "CNY m/year";
        /// Years a high-tech certification lasts. Source: HNTE rules (3 years).
        high_tech_years: f64 = 3.0, real(1.0, 50.0), "years";
        /// Little giant: at least this revenue a year. Source: MIIT little-giant rules (100 m).
        little_giant_min_revenue_m: f64 = 100.0, NONNEG, "CNY m/year";
        /// Little giant: at most this revenue a year (an SME).
        little_giant_max_revenue_m: f64 = 4_000.0, NONNEG, "CNY m/year";
        /// Little giant: at least this R&D intensity (3%).
        little_giant_min_rd_intensity: f64 = 0.03, SHARE, "share of revenue";
        /// Little giant: at least this revenue growth over the year before (5%).
        little_giant_min_growth: f64 = 0.05, real(-1.0, 100.0), "share";
        /// Unicorn: valuation at least this (1 bn USD at 7.2 yuan). Source: Hurun.
        unicorn_min_valuation_m: f64 = 7_200.0, NONNEG, "CNY m";
        /// Unicorn: younger than this.
        unicorn_max_age_years: f64 = 10.0, NONNEG, "years";
        /// Leading enterprise: revenue at the top-500 private enterprises threshold. Source: ACFIC 2023 (27.58 bn).
        leading_min_revenue_m: f64 = 27_580.0, NONNEG, "CNY m/year";
    }

    /// Annual budget, taxes and the '8+4' packages.
    pub struct Government {
        /// Municipal policy budget by year from the start year; later years grow at `budget_growth_per_year`. Source: seed article (50.2 bn in 2025, 49.0 bn in 2024).
        budget_m_by_year: Vec<f64> = vec![50_200.0], reals(0.0, 1e9), "CNY m/year";
        /// Growth of the budget a year after the listed years (49.0 to 50.2 bn is +2.4%).
        budget_growth_per_year: f64 = 0.024, real(-1.0, 1.0), "1/year";
        /// Corporate income tax rate. Source: PRC CIT law (25%).
        profit_tax_rate: f64 = 0.25, SHARE, "share of profit";
        /// Corporate income tax rate of certified high-tech enterprises. Source: PRC CIT law (15%).
        high_tech_tax_rate: f64 = 0.15, SHARE, "share of profit";
        /// Effective value-added tax on value added. Assumption (13%, 9%, 6% bands, net of input credits).
        vat_rate: f64 = 0.06, SHARE, "share of value added";
        /// Smallest share of industrial-policy instrument money reserved for future industries. Source: seed article (15% rule; 15.72% in 2025).
        future_industry_share_min: f64 = 0.1572, SHARE, "share";
        /// The policy packages ('8+4'): each instrument names its package.
        packages: Vec<Package> = default_packages(), LIST, "";
    }

    /// A policy package: a share of the annual budget.
    pub struct Package {
        /// Package id, referenced by instruments.
        id: String = s("package"), TEXT, "";
        /// Share of the annual policy budget.
        budget_share: f64 = 0.0, SHARE, "share";
        /// True for packages whose instruments count as industrial policy (for the future-industry rule).
        industrial: bool = false, BOOL, "";
    }

    /// Big-tech platform firms (Alibaba-like).
    pub struct Platforms {
        /// Number of platform firms: the largest digital-commerce firms at the start.
        count: f64 = 3.0, NONNEG, "firms";
        /// Openness of their technology middle platform to startups without policy (commercial cloud).
        baseline_openness: f64 = 0.15, SHARE, "share";
        /// A platform employee who leaves after at least this many months is a platform alumnus.
        alumni_min_months: f64 = 12.0, NONNEG, "months";
    }

    /// Low-altitude economy demand drivers.
    pub struct LowAltitude {
        /// Public drone take-off and landing sites at the start. Assumption.
        sites_start: f64 = 20.0, real(1.0, 1e6), "sites";
        /// Low-altitude air routes at the start. Assumption.
        routes_start: f64 = 100.0, real(1.0, 1e6), "routes";
        /// e1: elasticity of low-altitude demand to sites. Source: MODEL.md clarification; assumption.
        site_elasticity: f64 = 0.3, real(0.0, 5.0), "elasticity";
        /// e2: elasticity of low-altitude demand to routes.
        route_elasticity: f64 = 0.2, real(0.0, 5.0), "elasticity";
    }

    /// The policy instruments, each in its package.
    pub struct Policy {
        /// R&D grants: a share of eligible firms' R&D.
        rd_grants: RdGrants = RdGrants::default(), SECTION, "";
        /// Compute vouchers: a share of eligible firms' compute bills.
        compute_vouchers: ComputeVouchers = ComputeVouchers::default(), SECTION, "";
        /// Talent subsidies: a one-off payment to each arriving graduate.
        talent_subsidies: TalentSubsidies = TalentSubsidies::default(), SECTION, "";
        /// Insurance for failed founders.
        founder_insurance: FounderInsurance = FounderInsurance::default(), SECTION, "";
        /// One-off awards on certification to a tier.
        tier_awards: TierAwards = TierAwards::default(), SECTION, "";
        /// Application scenarios ("city brain" and other testbeds): pilot contracts.
        pilots: Pilots = Pilots::default(), SECTION, "";
        /// Public investment in compute capacity.
        compute_capacity: ComputeCapacity = ComputeCapacity::default(), SECTION, "";
        /// Drone sites and routes.
        drone_infrastructure: DroneInfrastructure = DroneInfrastructure::default(), SECTION, "";
        /// Payments to platforms for opening their middle platform to startups.
        platform_openness: PlatformOpenness = PlatformOpenness::default(), SECTION, "";
        /// Land and manufacturing support: a share of eligible firms' rent.
        manufacturing_support: ManufacturingSupport = ManufacturingSupport::default(), SECTION, "";
        /// The state guidance fund (Hangzhou Capital).
        guidance_fund: GuidanceFund = GuidanceFund::default(), SECTION, "";
        /// The low-altitude industrial fund, a GP fund with the city as LP.
        low_altitude_fund: LowAltitudeFund = LowAltitudeFund::default(), SECTION, "";
    }

    /// R&D grants: a share of eligible firms' R&D spending.
    pub struct RdGrants {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("science-education-talent"), TEXT, "";
        /// Share of R&D spending paid.
        rate: f64 = 0.10, SHARE, "share of R&D";
        /// Cap per firm and year.
        cap_m_per_firm_year: f64 = 5.0, NONNEG, "CNY m/year";
        /// Instrument budget a year (at full scale).
        budget_m_per_year: f64 = 2_500.0, NONNEG, "CNY m/year";
        /// Eligible tiers (any one): tech-sme, high-tech, little-giant, unicorn, leading. Empty: all firms.
        tiers: Vec<String> = v(&["tech-sme", "high-tech", "little-giant"]), TEXTS, "";
        /// Eligible industries (ids). Empty: all.
        industries: Vec<String> = vec![], TEXTS, "";
        /// Eligible industry classes. Empty: all.
        classes: Vec<String> = vec![], TEXTS, "";
    }

    /// Compute vouchers. Source: Hangzhou compute-voucher rules 2024-25.
    pub struct ComputeVouchers {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("science-education-talent"), TEXT, "";
        /// Share of the bill paid. Source: 30%.
        rate: f64 = 0.30, SHARE, "share of bill";
        /// Share paid for small contracts. Source: 50% for contracts up to 0.5 m.
        small_rate: f64 = 0.50, SHARE, "share of bill";
        /// Annual contract value up to which the small rate applies. Source: 0.5 m.
        small_contract_m_per_year: f64 = 0.5, NONNEG, "CNY m/year";
        /// Cap per firm and year. Source: 8 m.
        cap_m_per_firm_year: f64 = 8.0, NONNEG, "CNY m/year";
        /// Voucher budget a year. Source: 250 m.
        budget_m_per_year: f64 = 250.0, NONNEG, "CNY m/year";
        /// Eligible tiers (any one). Empty: all firms.
        tiers: Vec<String> = vec![], TEXTS, "";
        /// Eligible industries. Empty: all.
        industries: Vec<String> = vec![], TEXTS, "";
        /// Eligible classes. Empty: all. Source: Hangzhou's vouchers target AI and other future-industry firms.
        classes: Vec<String> = v(&["future-5", "future-x"]), TEXTS, "";
    }

    /// Talent subsidies: a one-off payment to each arriving graduate; raises inflow.
    pub struct TalentSubsidies {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("science-education-talent"), TEXT, "";
        /// Subsidy per arriving graduate. Source: Hangzhou living subsidies (10 k bachelor, 30 k master, 50-100 k PhD).
        subsidy_m_per_graduate: f64 = 0.02, NONNEG, "CNY m/person";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 4_000.0, NONNEG, "CNY m/year";
    }

    /// Insurance for failed founders. Source: seed article (18 months of unemployment insurance).
    pub struct FounderInsurance {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("science-education-talent"), TEXT, "";
        /// Months of benefit after a failure. Source: seed article (18).
        months: f64 = 18.0, real(0.0, 240.0), "months";
        /// Benefit as a share of the founder's previous wage.
        replacement_rate: f64 = 0.5, SHARE, "share of wage";
        /// Cap of the monthly benefit.
        cap_m_per_month: f64 = 0.008, NONNEG, "CNY m/month";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 500.0, NONNEG, "CNY m/year";
    }

    /// One-off awards on first certification to a tier.
    pub struct TierAwards {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("science-education-talent"), TEXT, "";
        /// Award to a new tech SME.
        tech_sme_m: f64 = 0.05, NONNEG, "CNY m";
        /// Award to a new high-tech enterprise. Source: Hangzhou districts, 0.2-0.5 m.
        high_tech_m: f64 = 0.3, NONNEG, "CNY m";
        /// Award to a new little giant.
        little_giant_m: f64 = 1.0, NONNEG, "CNY m";
        /// Award to a new unicorn.
        unicorn_m: f64 = 5.0, NONNEG, "CNY m";
        /// Award to a new leading enterprise.
        leading_m: f64 = 10.0, NONNEG, "CNY m";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 1_500.0, NONNEG, "CNY m/year";
    }

    /// Application scenarios: quarterly calls award pilot contracts (INFSO-SKIN style).
    pub struct Pilots {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("effective-investment"), TEXT, "";
        /// Contract value of a pilot, paid monthly over its duration.
        contract_m: f64 = 3.0, NONNEG, "CNY m";
        /// Duration of a pilot contract.
        duration_months: f64 = 12.0, real(1.0, 120.0), "months";
        /// Months a validation keeps raising competitiveness and the investor signal.
        validation_months: f64 = 36.0, NONNEG, "months";
        /// Investor signal bonus of a validated firm.
        signal_bonus: f64 = 0.3, NONNEG, "quality units";
        /// Standard deviation of the noise in the selection signal.
        selection_noise_sd: f64 = 0.2, NONNEG, "log points";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 3_000.0, NONNEG, "CNY m/year";
    }

    /// Public investment in compute capacity. Source: Hangzhou compute plan (50 EFLOPS by end-2025, 100 by 2027).
    pub struct ComputeCapacity {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("effective-investment"), TEXT, "";
        /// Capacity targets at the end of each year from the start year; later years keep the baseline growth.
        target_eflops_by_year_end: Vec<f64> = vec![50.0, 75.0, 100.0], reals(0.0, 1e9), "EFLOPS";
        /// Public subsidy per EFLOPS added above the market's own growth.
        subsidy_m_per_eflops: f64 = 60.0, NONNEG, "CNY m/EFLOPS";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 3_000.0, NONNEG, "CNY m/year";
    }

    /// Drone sites and routes. Source: seed article (10 public sites and 100 routes).
    pub struct DroneInfrastructure {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("transportation-investment"), TEXT, "";
        /// Public take-off and landing sites added each year from the start year.
        sites_added_by_year: Vec<f64> = vec![10.0], reals(0.0, 1e6), "sites/year";
        /// Air routes added each year from the start year.
        routes_added_by_year: Vec<f64> = vec![100.0], reals(0.0, 1e6), "routes/year";
        /// Cost of a site.
        cost_m_per_site: f64 = 15.0, NONNEG, "CNY m";
        /// Cost of a route.
        cost_m_per_route: f64 = 0.5, NONNEG, "CNY m";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 500.0, NONNEG, "CNY m/year";
    }

    /// Payments to platforms for opening their middle platform to startups.
    pub struct PlatformOpenness {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("modern-services"), TEXT, "";
        /// Openness (share of eligible startups served) when the policy runs; without it, the platforms' baseline.
        openness: f64 = 0.5, SHARE, "share";
        /// Fee paid to platforms per startup served a month.
        fee_m_per_startup_month: f64 = 0.002, NONNEG, "CNY m/month";
        /// A startup is served up to this age.
        max_firm_age_months: f64 = 60.0, NONNEG, "months";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 1_000.0, NONNEG, "CNY m/year";
        /// Industries served. Empty: all.
        industries: Vec<String> = vec![], TEXTS, "";
    }

    /// Land and manufacturing support: a share of eligible firms' rent and equipment costs.
    pub struct ManufacturingSupport {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays.
        package: String = s("advanced-manufacturing"), TEXT, "";
        /// Share of rent and equipment costs paid.
        rate: f64 = 0.15, SHARE, "share of rent";
        /// Cap per firm and year.
        cap_m_per_firm_year: f64 = 3.0, NONNEG, "CNY m/year";
        /// A firm needs at least this many employees.
        min_employees: f64 = 10.0, NONNEG, "people";
        /// Instrument budget a year.
        budget_m_per_year: f64 = 6_000.0, NONNEG, "CNY m/year";
        /// Eligible industries. Empty: all.
        industries: Vec<String> = v(&["manufacturing"]), TEXTS, "";
        /// Eligible classes. Empty: all.
        classes: Vec<String> = v(&["future-5", "future-x"]), TEXTS, "";
    }

    /// The state guidance fund (Hangzhou Capital, 200 bn): a fund-of-funds that commits to GP funds as LP.
    pub struct GuidanceFund {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package it reports under (its capital is state capital, not the annual budget).
        package: String = s("effective-investment"), TEXT, "";
        /// "lp": commits to market-run GP funds; "direct": invests in firms itself.
        mode: String = s("lp"), GF_MODES, "";
        /// Total capital. Source: seed article (200 bn).
        size_m: f64 = 200_000.0, NONNEG, "CNY m";
        /// Approvals a year (total size of GP funds). Source: seed article (185 bn approved in 2.5 years).
        approval_capacity_m_per_year: f64 = 74_000.0, NONNEG, "CNY m/year";
        /// Largest share of any GP fund it takes. Source: MODEL.md (30%).
        share_cap: f64 = 0.30, real(0.0, 1.0), "share";
        /// Share of approved funds with a future-industry mandate.
        future_mandate_share: f64 = 0.5, SHARE, "share";
        /// Share of its profits above cost ceded to private LPs (profit concession).
        profit_concession: f64 = 0.2, SHARE, "share";
        /// Share of its capital kept for direct investment.
        direct_share: f64 = 0.05, SHARE, "share";
        /// Private LP supply multiplier per unit of public share (certification: a public LP vouches for the GP). Source: Brander, Du, Hellmann 2015.
        certification_effect: f64 = 3.0, NONNEG, "per unit of share";
        /// Fall in the GP skill bar per unit of public share above `moderate_share` (weaker selection). Source: Brander, Du, Hellmann 2015.
        selection_loss: f64 = 3.0, NONNEG, "skill units per unit of share";
        /// Public share up to which selection is not weakened.
        moderate_share: f64 = 0.3, SHARE, "share";
        /// Skill bar a GP must pass to raise a fund from private LPs (in units of the GP skill sd).
        gp_skill_bar: f64 = 0.0, real(-10.0, 10.0), "skill sd";
        /// Deals the fund examines a month for its direct investments.
        direct_screening_per_month: f64 = 60.0, NONNEG, "deals/month";
        /// Due-diligence noise of the fund's own direct deals, as a multiple of a GP's.
        direct_noise_multiple: f64 = 1.5, NONNEG, "multiple";
    }

    /// The low-altitude industrial fund: a GP fund with the city as its only LP. Source: seed article (3 bn).
    pub struct LowAltitudeFund {
        /// Whether the instrument runs.
        enabled: bool = true, BOOL, "";
        /// Package that pays its capital calls.
        package: String = s("transportation-investment"), TEXT, "";
        /// Fund size.
        size_m: f64 = 3_000.0, NONNEG, "CNY m";
        /// Largest capital calls a year (its budget line in the package).
        budget_m_per_year: f64 = 1_000.0, NONNEG, "CNY m/year";
        /// Industries it invests in.
        industries: Vec<String> = v(&["low-altitude"]), TEXTS, "";
    }

    /// One industry.
    pub struct Industry {
        /// Industry id.
        id: String = s("industry"), TEXT, "";
        /// traditional, future-5 (the five future industries) or future-x (the cutting-edge fields).
        class: String = s("traditional"), CLASSES, "";
        /// Firms at the start (full scale).
        firms_start: f64 = 1000.0, NONNEG, "firms";
        /// Demand reachable by the city's firms at the start (full scale), a year.
        demand_bn_per_year: f64 = 1.0, NONNEG, "CNY bn/year";
        /// Growth of demand a year.
        demand_growth_per_year: f64 = 0.05, real(-0.9, 10.0), "1/year";
        /// Value added as a share of revenue (the rest is bought-in inputs).
        value_added_share: f64 = 0.4, real(0.01, 1.0), "share";
        /// R&D spending as a share of revenue of a firm with revenue.
        rd_share_of_revenue: f64 = 0.03, SHARE, "share of revenue";
        /// Share of R&D that must be compute.
        compute_intensity: f64 = 0.05, SHARE, "share of R&D";
        /// Innovation difficulty: divides the innovation and imitation rates.
        difficulty: f64 = 1.0, real(0.01, 1000.0), "";
        /// Probability that a successful innovation is a radical jump.
        radical_probability: f64 = 0.002, SHARE, "probability";
        /// Pareto exponent of radical jumps.
        radical_alpha: f64 = 1.5, real(0.1, 20.0), "exponent";
        /// Mean monthly wage at skill 1.
        wage_m_per_month: f64 = 0.01, NONNEG, "CNY m/month";
        /// Rent and equipment cost per worker a month (capital intensity).
        rent_m_per_worker_month: f64 = 0.002, NONNEG, "CNY m/month";
        /// Growth of the global technology frontier, log points a year.
        frontier_growth_per_year: f64 = 0.02, real(-1.0, 10.0), "log points/year";
        /// Mean gap between a firm's technology and the frontier at the start (exponential).
        initial_gap_mean: f64 = 1.0, NONNEG, "log points";
        /// Public research flowing into the field's knowledge pool a month (universities, labs), full scale.
        university_research_m_per_month: f64 = 10.0, NONNEG, "CNY m/month";
        /// Share of graduates and migrants in this field.
        graduate_share: f64 = 0.05, SHARE, "share";
        /// Lab spin-offs a year (founders from universities and labs), full scale.
        spinoffs_per_year: f64 = 0.0, NONNEG, "firms/year";
        /// Pilot slots a year in application scenarios, full scale.
        pilot_slots_per_year: f64 = 0.0, NONNEG, "slots/year";
        /// Valuation as a multiple of annual revenue.
        revenue_multiple: f64 = 3.0, NONNEG, "multiple";
        /// Share of new firms that are venture-type (aim to grow, may seek VC). Source: Hurst and Pugsley 2011 (most small businesses do not aim to grow).
        venture_share: f64 = 0.05, SHARE, "share";
    }
}

impl Keyed for Industry {
    fn id(&self) -> &str {
        &self.id
    }
}
impl Keyed for Package {
    fn id(&self) -> &str {
        &self.id
    }
}

fn pkg(id: &str, share: f64, industrial: bool) -> Package {
    Package { id: s(id), budget_share: share, industrial }
}

/// The '8+4' packages. Names of four come from the seed article; the budget shares are
/// assumptions (the article gives only the 50.2 bn total).
pub fn default_packages() -> Vec<Package> {
    vec![
        pkg("science-education-talent", 0.18, true),
        pkg("advanced-manufacturing", 0.20, true),
        pkg("transportation-investment", 0.14, false),
        pkg("effective-investment", 0.16, true),
        pkg("modern-services", 0.10, true),
        pkg("consumption", 0.08, false),
        pkg("foreign-trade", 0.06, false),
        pkg("livelihood", 0.08, false),
    ]
}

#[allow(clippy::too_many_arguments)]
fn ind(
    id: &str,
    class: &str,
    firms: f64,
    demand_bn: f64,
    growth: f64,
    va: f64,
    rd: f64,
    compute: f64,
    difficulty: f64,
    wage: f64,
    frontier: f64,
    gap: f64,
    research: f64,
    grads: f64,
    spinoffs: f64,
    pilots: f64,
    multiple: f64,
) -> Industry {
    Industry {
        id: s(id),
        class: s(class),
        firms_start: firms,
        demand_bn_per_year: demand_bn,
        demand_growth_per_year: growth,
        value_added_share: va,
        rd_share_of_revenue: rd,
        compute_intensity: compute,
        difficulty,
        radical_probability: if class == "traditional" { 0.001 } else { 0.004 },
        radical_alpha: 1.5,
        wage_m_per_month: wage,
        rent_m_per_worker_month: if id == "manufacturing" { 0.004 } else { 0.002 },
        frontier_growth_per_year: frontier,
        initial_gap_mean: gap,
        university_research_m_per_month: research,
        graduate_share: grads,
        spinoffs_per_year: spinoffs,
        pilot_slots_per_year: pilots,
        revenue_multiple: multiple,
        venture_share: match class {
            "traditional" if id == "digital-commerce" => 0.08,
            "traditional" => 0.01,
            _ => 0.6,
        },
    }
}

/// The industries of MODEL.md. Firm counts, demand and wages are assumptions fitted to
/// Hangzhou's 2024 figures (GDP 2,186 bn, digital-economy core value added 630.5 bn,
/// low-altitude output 32.9 bn with 400+ firms); see docs/model.md.
pub fn default_industries() -> Vec<Industry> {
    vec![
        //  id                     class        firms    demand  growth  va    rd     compute diff wage   frontier gap  research grads spin pilots mult
        ind(
            "digital-commerce",
            "traditional",
            230_000.0,
            1_300.0,
            0.07,
            0.50,
            0.025,
            0.03,
            1.0,
            0.016,
            0.04,
            1.0,
            150.0,
            0.30,
            20.0,
            40.0,
            4.0,
        ),
        ind(
            "manufacturing",
            "traditional",
            260_000.0,
            1_600.0,
            0.04,
            0.30,
            0.012,
            0.02,
            1.0,
            0.009,
            0.02,
            1.0,
            120.0,
            0.20,
            20.0,
            20.0,
            1.5,
        ),
        ind(
            "services",
            "traditional",
            520_000.0,
            1_950.0,
            0.05,
            0.52,
            0.003,
            0.02,
            1.0,
            0.008,
            0.01,
            1.0,
            40.0,
            0.369,
            0.0,
            20.0,
            1.5,
        ),
        ind(
            "general-ai",
            "future-5",
            6_000.0,
            70.0,
            0.35,
            0.55,
            0.12,
            0.50,
            2.0,
            0.028,
            0.12,
            0.8,
            120.0,
            0.04,
            60.0,
            80.0,
            12.0,
        ),
        ind(
            "low-altitude",
            "future-5",
            420.0,
            32.9,
            0.25,
            0.35,
            0.05,
            0.05,
            1.5,
            0.014,
            0.08,
            0.8,
            30.0,
            0.008,
            15.0,
            40.0,
            6.0,
        ),
        ind(
            "humanoid-robots",
            "future-5",
            600.0,
            15.0,
            0.40,
            0.35,
            0.1,
            0.20,
            2.0,
            0.02,
            0.10,
            0.8,
            40.0,
            0.01,
            20.0,
            40.0,
            10.0,
        ),
        ind(
            "brain-like",
            "future-5",
            150.0,
            3.0,
            0.30,
            0.40,
            0.15,
            0.30,
            3.0,
            0.022,
            0.10,
            0.9,
            40.0,
            0.003,
            10.0,
            15.0,
            10.0,
        ),
        ind(
            "synthetic-biology",
            "future-5",
            500.0,
            10.0,
            0.20,
            0.40,
            0.12,
            0.10,
            2.5,
            0.018,
            0.08,
            0.9,
            50.0,
            0.01,
            15.0,
            15.0,
            8.0,
        ),
        ind(
            "metaverse",
            "future-x",
            1_200.0,
            12.0,
            0.15,
            0.45,
            0.08,
            0.20,
            1.5,
            0.018,
            0.06,
            0.8,
            15.0,
            0.01,
            5.0,
            10.0,
            6.0,
        ),
        ind(
            "future-networks",
            "future-x",
            900.0,
            25.0,
            0.15,
            0.40,
            0.08,
            0.10,
            2.0,
            0.02,
            0.06,
            0.8,
            30.0,
            0.01,
            5.0,
            10.0,
            5.0,
        ),
        ind(
            "quantum", "future-x", 60.0, 1.5, 0.25, 0.40, 0.2, 0.15, 4.0, 0.025, 0.10, 1.0, 30.0, 0.002, 4.0, 5.0, 12.0,
        ),
        ind(
            "advanced-energy",
            "future-x",
            1_500.0,
            60.0,
            0.15,
            0.30,
            0.04,
            0.03,
            1.5,
            0.013,
            0.05,
            0.8,
            40.0,
            0.015,
            8.0,
            15.0,
            4.0,
        ),
        ind(
            "new-materials",
            "future-x",
            1_800.0,
            70.0,
            0.10,
            0.30,
            0.035,
            0.03,
            1.5,
            0.012,
            0.04,
            0.8,
            40.0,
            0.015,
            8.0,
            10.0,
            3.0,
        ),
        ind(
            "commercial-aerospace",
            "future-x",
            80.0,
            4.0,
            0.25,
            0.35,
            0.12,
            0.10,
            3.0,
            0.022,
            0.08,
            0.9,
            20.0,
            0.002,
            3.0,
            5.0,
            10.0,
        ),
        ind(
            "autonomous-driving",
            "future-x",
            400.0,
            15.0,
            0.25,
            0.40,
            0.12,
            0.30,
            2.5,
            0.024,
            0.10,
            0.8,
            30.0,
            0.006,
            6.0,
            20.0,
            10.0,
        ),
    ]
}
