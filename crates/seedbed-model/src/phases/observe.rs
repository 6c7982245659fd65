//! Phase 12, observe (MODEL.md): this month's aggregates for the city and each industry, the
//! events, and the yearly headline figures.

use crate::config::Instrument;
use crate::frame::Frame;
use crate::state::pstate;
use crate::world::World;

/// What one month hands to writers.
#[derive(Clone, Debug)]
pub struct Observation {
    pub city: Frame,
    pub industries: Frame,
    pub events: Frame,
}

/// Sums over the current calendar year, for the yearly summary.
#[derive(Clone, Debug, Default)]
pub struct YearAcc {
    pub births: f64,
    pub deaths: f64,
    pub gdp: f64,
    pub rd: f64,
    pub vc: f64,
    pub spend: f64,
    pub taxes: f64,
    pub arrivals: f64,
    pub graduates: f64,
    pub breakthroughs: f64,
    pub listings: f64,
    pub pilots: f64,
    pub loans: f64,
}

/// A yearly headline row: (name, unit, meaning, value).
pub type Row = Vec<(&'static str, &'static str, &'static str, f64)>;

fn frame_row(f: &mut Frame, name: &str, unit: &'static str, doc: &'static str, x: f64, int: bool) {
    if int {
        f.int(name, unit, doc, vec![x.round() as i64]);
    } else {
        f.real(name, unit, doc, vec![x]);
    }
}

/// Phase 12.
pub fn observe(w: &mut World) -> Observation {
    let (year, month) = w.calendar(w.month);
    let t = &w.tally;
    let m = &w.m;
    let ppl = &w.people;
    let employed_firms: u64 = t.employment.iter().sum();
    let gdp: f64 = t.value_added.iter().sum();
    let spend: f64 = w.budget.month_line.iter().sum();
    w.cumulative.births += m.births;
    w.cumulative.deaths += m.deaths;
    w.cumulative.breakthroughs += m.new_frontier;
    w.cumulative.vc_invested += m.vc_invested + m.gf_direct;
    w.cumulative.spend += spend;
    w.cumulative.taxes += m.taxes;
    w.cumulative.arrivals += m.arrivals;
    w.cumulative.departures += m.departures;
    let labour = ppl.population() as f64;
    let unemployed = ppl.count[pstate::UNEMPLOYED as usize] as f64;
    w.mean_wage = if employed_firms > 0 { m.wages / employed_firms as f64 } else { w.mean_wage };
    let period = (w.cfg.s.finance.investment_period_years * 12.0) as i32;
    let funds_active = w.funds.iter().filter(|f| w.month - f.vintage < period).count();
    let mut c = Frame::new();
    c.int("month_index", "month", "Months since the start (0 = first simulated month)", vec![i64::from(w.month)])
        .int("year", "year", "Calendar year", vec![i64::from(year)])
        .int("month", "month", "Calendar month 1-12", vec![i64::from(month)]);
    let rows: [(&str, &'static str, &'static str, f64, bool); 64] = [
        ("population", "people", "People in the city's labour force", labour, true),
        ("employed_firms", "people", "Employees of firms (owners not included)", employed_firms as f64, true),
        ("employed_outside", "people", "People employed outside the enterprise sector", ppl.outside_count as f64, true),
        ("unemployed", "people", "Job seekers", unemployed, true),
        ("founders", "people", "Founders and owners of live firms", ppl.count[pstate::FOUNDER as usize] as f64, true),
        (
            "unemployment_rate",
            "share",
            "Unemployed / population",
            if labour > 0.0 { unemployed / labour } else { 0.0 },
            false,
        ),
        ("arrivals", "people/month", "Graduates, migrants and lab founders arriving", m.arrivals as f64, true),
        ("graduates", "people/month", "Young graduates arriving", m.graduates as f64, true),
        ("departures", "people/month", "People leaving the city (retirement or outflow)", m.departures as f64, true),
        ("hires", "people/month", "Hires by firms and the outside sector", m.hires as f64, true),
        ("layoffs", "people/month", "Layoffs", m.layoffs as f64, true),
        ("quits", "people/month", "Quits", m.quits as f64, true),
        ("vacancies", "jobs", "Open vacancies at the start of matching", m.vacancies, true),
        ("firms", "firms", "Firms alive", t.firms.iter().sum::<u64>() as f64, true),
        ("births", "firms/month", "Firms founded (including lab spin-offs)", m.births as f64, true),
        ("deaths", "firms/month", "Firms that failed or closed", m.deaths as f64, true),
        ("closures", "firms/month", "Of which closed for reasons outside the model", m.closures as f64, true),
        ("spinoffs", "firms/month", "Lab spin-offs founded", m.spinoffs as f64, true),
        (
            "frontier_firms",
            "firms",
            "Future-industry firms at or beyond the global frontier (the model's DeepSeeks)",
            t.frontier_total as f64,
            true,
        ),
        ("breakthroughs", "firms/month", "Firms reaching the frontier for the first time", m.new_frontier as f64, true),
        (
            "unicorns",
            "firms",
            "Unlisted firms valued at 1 bn USD or more, under 10 years old",
            t.unicorns_total as f64,
            true,
        ),
        ("tech_smes", "firms", "Certified tech SMEs", t.tier_counts[0] as f64, true),
        ("high_tech", "firms", "Certified national high-tech enterprises", t.tier_counts[1] as f64, true),
        ("little_giants", "firms", "Certified little giants", t.tier_counts[2] as f64, true),
        ("leading", "firms", "Leading enterprises (top-500 private threshold)", t.tier_counts[4] as f64, true),
        ("listed", "firms", "Listed firms", t.listed as f64, true),
        ("acquired", "firms", "Firms acquired by outside acquirers, still operating", t.acquired as f64, true),
        ("vc_backed", "firms", "Firms with venture capital", t.vc_backed as f64, true),
        ("pilots_active", "firms", "Firms with a running pilot contract", t.pilots_active as f64, true),
        ("pilots_awarded", "pilots/month", "Pilot slots awarded", m.pilots_awarded as f64, true),
        ("mean_wage_m", "CNY m/month", "Mean monthly wage of firm employees", w.mean_wage, false),
        ("wage_bill_m", "CNY m/month", "Wages paid by firms", m.wages, false),
        ("gdp_m", "CNY m/month", "GDP proxy: value added of firms", gdp, false),
        ("revenue_m", "CNY m/month", "Sales of firms", m.revenue, false),
        ("rd_m", "CNY m/month", "R&D spending of firms (compute included)", m.rd, false),
        ("rd_intensity", "share", "R&D / GDP proxy", if gdp > 0.0 { m.rd / gdp } else { 0.0 }, false),
        ("compute_capacity_eflops", "EFLOPS", "Compute capacity of the city", w.compute.capacity, false),
        ("compute_used_eflops", "EFLOPS", "Compute bought by firms", w.compute.used_firms, false),
        (
            "compute_eligible_eflops",
            "EFLOPS",
            "Compute bought by firms eligible for compute vouchers",
            t.compute_eligible,
            false,
        ),
        ("compute_price_m", "CNY m/EFLOPS-month", "Compute price", w.compute.price, false),
        ("compute_utilisation", "share", "Utilisation of the capacity open to firms", w.compute.utilisation, false),
        ("vc_invested_m", "CNY m/month", "Venture capital invested by GP funds", m.vc_invested, false),
        (
            "vc_invested_outside_m",
            "CNY m/month",
            "Invested by the city's GP funds in firms outside the city (the pace of deployment the city's deal flow did not take)",
            m.vc_outside,
            false,
        ),
        (
            "vc_deals",
            "deals/month",
            "Rounds closed (GP funds and the guidance fund's direct arm)",
            m.vc_deals as f64,
            true,
        ),
        ("vc_dry_powder_m", "CNY m", "Uncalled commitments of funds in their investment period", w.dry_powder, false),
        ("funds_active", "funds", "GP funds in their investment period", funds_active as f64, true),
        (
            "gf_approved_m",
            "CNY m",
            "Guidance fund: total size of GP funds it committed to, since the start",
            w.gf.approved,
            false,
        ),
        (
            "gf_leveraged_m",
            "CNY m",
            "Guidance fund: private LPs' commitments in those funds (social capital leveraged)",
            w.gf.leveraged,
            false,
        ),
        (
            "gf_invested_m",
            "CNY m",
            "Guidance fund: capital invested in firms by its funds and directly, since the start",
            w.gf.invested,
            false,
        ),
        (
            "gf_direct_invested_m",
            "CNY m",
            "Guidance fund: direct investments since the start",
            w.gf.direct_invested,
            false,
        ),
        ("gf_cash_m", "CNY m", "Guidance fund: capital not yet paid out", w.gf.cash, false),
        ("bank_loans_m", "CNY m/month", "New bank loans", m.loans, false),
        ("bank_outstanding_m", "CNY m", "Outstanding bank loans", t.debt, false),
        ("bank_losses_m", "CNY m/month", "Loans written off", m.bank_losses, false),
        ("policy_spend_m", "CNY m/month", "Spending of all policy instruments", spend, false),
        ("policy_budget_year_m", "CNY m/year", "This year's policy budget", w.budget.annual_total, false),
        (
            "future_industry_share",
            "share",
            "Share of industrial-policy instrument spending to future industries, year to date",
            if w.budget.industrial_spent > 0.0 { w.budget.industrial_future / w.budget.industrial_spent } else { 0.0 },
            false,
        ),
        ("taxes_m", "CNY m/month", "Taxes collected (VAT and income tax)", m.taxes, false),
        ("insured_founders", "people", "Failed founders receiving insurance", m.insured as f64, true),
        ("platform_openness", "share", "Openness of platforms to startups", w.openness, false),
        ("drone_sites", "sites", "Public drone take-off and landing sites (full-city count)", w.sites, false),
        ("drone_routes", "routes", "Low-altitude air routes (full-city count)", w.routes, false),
        ("firm_cash_m", "CNY m", "Cash held by firms", t.cash, false),
        (
            "money_residual_m",
            "CNY m",
            "Sum of all accounts (the money identity: always 0 up to rounding)",
            w.money_total(),
            false,
        ),
    ];
    for (name, unit, doc, x, int) in rows {
        frame_row(&mut c, name, unit, doc, x, int);
    }
    for (i, p) in w.cfg.packages.iter().enumerate() {
        c.real(
            format!("spend_{}_m", p.replace('-', "_")),
            "CNY m/month",
            "Spending of the package's instruments",
            vec![w.budget.month_package[i]],
        );
    }
    for inst in Instrument::ALL {
        c.real(
            format!("spend_{}_m", inst.name()),
            "CNY m/month",
            "Spending of the instrument",
            vec![w.budget.month_line[inst as usize]],
        );
    }
    let industries = industry_frame(w, year, month);
    let events = w.events.frame(i64::from(w.month), i64::from(year), i64::from(month), &w.cfg.ind.ids, &w.firms.id);
    let acc = &mut w.year_acc;
    acc.births += m.births as f64;
    acc.deaths += m.deaths as f64;
    acc.gdp += gdp;
    acc.rd += m.rd;
    acc.vc += m.vc_invested + m.gf_direct;
    acc.spend += spend;
    acc.taxes += m.taxes;
    acc.arrivals += m.arrivals as f64;
    acc.graduates += m.graduates as f64;
    acc.breakthroughs += m.new_frontier as f64;
    acc.listings += m.listings as f64;
    acc.pilots += m.pilots_awarded as f64;
    acc.loans += m.loans;
    if month == 12 || w.month + 1 == w.cfg.months as i32 {
        let row = headline(w, year);
        w.years.push((year, row));
        w.year_acc = YearAcc::default();
    }
    for v in w.budget.month_line.iter_mut() {
        *v = 0.0;
    }
    for v in w.budget.month_package.iter_mut() {
        *v = 0.0;
    }
    Observation { city: c, industries, events }
}

fn industry_frame(w: &World, year: i32, month: i32) -> Frame {
    let n = w.cfg.n_ind;
    let t = &w.tally;
    let col = |v: &Vec<u64>| v.iter().map(|&x| x as i64).collect::<Vec<i64>>();
    let mut f = Frame::new();
    f.int("month_index", "month", "Months since the start", vec![i64::from(w.month); n])
        .int("year", "year", "Calendar year", vec![i64::from(year); n])
        .int("month", "month", "Calendar month 1-12", vec![i64::from(month); n])
        .text("industry", "", "Industry id", w.cfg.ind.ids.clone())
        .text(
            "class",
            "",
            "traditional, future-5 or future-x",
            w.cfg.ind.class.iter().map(|c| c.name().to_string()).collect(),
        )
        .int("firms", "firms", "Firms alive", col(&t.firms))
        .int("births", "firms/month", "Firms founded", w.m.births_by_ind.iter().map(|&x| x as i64).collect())
        .int(
            "deaths",
            "firms/month",
            "Firms that failed or closed",
            w.m.deaths_by_ind.iter().map(|&x| x as i64).collect(),
        )
        .int("employment", "people", "Employees of the industry's firms", col(&t.employment))
        .int(
            "unemployed",
            "people",
            "Job seekers in the field",
            w.people.pools.iter().map(|p| p.len() as i64).collect(),
        )
        .real("demand_m", "CNY m/month", "Demand reachable by the city's firms", w.ind.demand.clone())
        .real("revenue_m", "CNY m/month", "Sales", t.revenue.clone())
        .real("value_added_m", "CNY m/month", "Value added", t.value_added.clone())
        .real("rd_m", "CNY m/month", "R&D spending", t.rd.clone())
        .real("compute_eflops", "EFLOPS", "Compute bought", t.compute.clone())
        .real("vc_invested_m", "CNY m/month", "Venture capital invested", w.m.vc_by_ind.clone())
        .real("frontier_ln_a", "log productivity", "Global technology frontier ln A*", w.ind.frontier.clone())
        .real(
            "best_ln_a",
            "log productivity",
            "Best firm's ln A",
            w.ind.best_ln_a.iter().map(|&x| if x.is_finite() { x } else { f64::NAN }).collect(),
        )
        .real("mean_ln_a", "log productivity", "Mean ln A of firms", t.mean_ln_a.clone())
        .real("knowledge", "CNY m", "Public knowledge pool", w.ind.knowledge.clone())
        .int("frontier_firms", "firms", "Firms at or beyond the frontier (future industries)", col(&t.frontier))
        .int("unicorns", "firms", "Unicorns", col(&t.unicorns))
        .int("high_tech", "firms", "Certified high-tech enterprises", col(&t.high_tech));
    f
}

/// The headline figures at the end of `year`.
fn headline(w: &World, year: i32) -> Row {
    let t = &w.tally;
    let a = &w.year_acc;
    let future_jobs: u64 = (0..w.cfg.n_ind).filter(|&k| w.cfg.ind.class[k].is_future()).map(|k| t.employment[k]).sum();
    let employment: u64 = t.employment.iter().sum();
    let labour = w.people.population() as f64;
    let unemployed = w.people.count[pstate::UNEMPLOYED as usize] as f64;
    let _ = year;
    vec![
        ("frontier_firms", "firms", "Firms at the global frontier at year end", t.frontier_total as f64),
        ("breakthroughs", "firms", "Firms reaching the frontier for the first time in the year", a.breakthroughs),
        ("breakthroughs_total", "firms", "Breakthroughs since the start", w.cumulative.breakthroughs as f64),
        ("unicorns", "firms", "Unicorns at year end", t.unicorns_total as f64),
        ("high_tech", "firms", "Certified high-tech enterprises", t.tier_counts[1] as f64),
        ("tech_smes", "firms", "Certified tech SMEs", t.tier_counts[0] as f64),
        ("little_giants", "firms", "Certified little giants", t.tier_counts[2] as f64),
        ("leading", "firms", "Leading enterprises", t.tier_counts[4] as f64),
        ("listed", "firms", "Listed firms", t.listed as f64),
        ("firms", "firms", "Firms alive at year end", t.firms.iter().sum::<u64>() as f64),
        ("births", "firms/year", "Firms founded in the year", a.births),
        ("deaths", "firms/year", "Firms that failed or closed in the year", a.deaths),
        (
            "jobs",
            "people",
            "Employees of firms plus founders",
            (employment + w.people.count[pstate::FOUNDER as usize]) as f64,
        ),
        ("jobs_future_industries", "people", "Employees of future-industry firms", future_jobs as f64),
        ("population", "people", "Labour force at year end", labour),
        (
            "unemployment_rate",
            "share",
            "Unemployment rate at year end",
            if labour > 0.0 { unemployed / labour } else { 0.0 },
        ),
        ("graduates", "people/year", "Young graduates arriving in the year", a.graduates),
        ("gdp_bn", "CNY bn/year", "GDP proxy (firms' value added) in the year", a.gdp / 1000.0),
        ("rd_intensity", "share", "R&D / GDP proxy in the year", if a.gdp > 0.0 { a.rd / a.gdp } else { 0.0 }),
        (
            "vc_invested_bn",
            "CNY bn/year",
            "Venture capital invested in the year (GP funds and the guidance fund directly)",
            a.vc / 1000.0,
        ),
        ("gf_approved_bn", "CNY bn", "Guidance fund approvals since the start", w.gf.approved / 1000.0),
        ("gf_leveraged_bn", "CNY bn", "Social capital leveraged since the start", w.gf.leveraged / 1000.0),
        ("gf_invested_bn", "CNY bn", "Guidance-fund capital invested since the start", w.gf.invested / 1000.0),
        ("policy_spend_bn", "CNY bn/year", "Policy instrument spending in the year", a.spend / 1000.0),
        ("policy_spend_total_bn", "CNY bn", "Policy instrument spending since the start", w.cumulative.spend / 1000.0),
        (
            "spend_per_breakthrough_bn",
            "CNY bn/firm",
            "Policy spending since the start per breakthrough (NaN if none)",
            if w.cumulative.breakthroughs > 0 {
                w.cumulative.spend / 1000.0 / w.cumulative.breakthroughs as f64
            } else {
                f64::NAN
            },
        ),
        ("taxes_bn", "CNY bn/year", "Taxes collected in the year", a.taxes / 1000.0),
        ("listings", "firms/year", "IPOs in the year", a.listings),
        ("pilots_awarded", "pilots/year", "Pilot contracts awarded in the year", a.pilots),
        ("vc_backed", "firms", "Firms with venture capital at year end", t.vc_backed as f64),
        ("acquired", "firms", "Acquired firms at year end", t.acquired as f64),
        ("compute_capacity_eflops", "EFLOPS", "Compute capacity at year end", w.compute.capacity),
    ]
}
