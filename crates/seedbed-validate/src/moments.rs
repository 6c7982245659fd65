//! Model moments for calibration: the quantities of MODEL.md's "Calibration targets" table
//! that a run outputs, at full-city scale (counts, budgets and amounts divided by the run's
//! `scale`), measured in the run's first calendar year unless said otherwise.

use std::collections::BTreeMap;

use seedbed_model::{Data, Frame};

/// A moment the model can report.
pub struct MomentDef {
    pub name: &'static str,
    pub unit: &'static str,
    pub doc: &'static str,
}

/// Every moment, by name.
pub const MOMENTS: [MomentDef; 23] = [
    MomentDef { name: "labour_force", unit: "people", doc: "labour force at the end of the first year" },
    MomentDef { name: "enterprises", unit: "firms", doc: "firms alive at the end of the first year" },
    MomentDef { name: "registrations", unit: "firms/year", doc: "firms founded in the first year" },
    MomentDef {
        name: "exit_rate",
        unit: "share/year",
        doc: "firms failed or closed in the first year / firms at its end",
    },
    MomentDef {
        name: "high_tech",
        unit: "firms",
        doc: "certified national high-tech enterprises, end of the first year",
    },
    MomentDef { name: "tech_smes", unit: "firms", doc: "certified tech SMEs, end of the first year" },
    MomentDef { name: "little_giants", unit: "firms", doc: "little giants, end of the first year" },
    MomentDef { name: "unicorns", unit: "firms", doc: "unicorns, end of the first year" },
    MomentDef { name: "leading", unit: "firms", doc: "leading enterprises, end of the first year" },
    MomentDef { name: "listed", unit: "firms", doc: "listed firms, end of the first year" },
    MomentDef { name: "gdp_bn", unit: "CNY bn/year", doc: "GDP proxy (firms' value added) in the first year" },
    MomentDef {
        name: "digital_core_bn",
        unit: "CNY bn/year",
        doc: "value added of the digital-commerce industry in the first year",
    },
    MomentDef { name: "rd_intensity", unit: "share", doc: "R&D / GDP proxy in the first year" },
    MomentDef { name: "graduates", unit: "people/year", doc: "young graduates arriving in the first year" },
    MomentDef { name: "gf_approved_bn", unit: "CNY bn", doc: "guidance fund approvals after 30 months" },
    MomentDef { name: "gf_leveraged_bn", unit: "CNY bn", doc: "social capital leveraged after 30 months" },
    MomentDef { name: "gf_invested_bn", unit: "CNY bn", doc: "guidance-fund capital invested after 30 months" },
    MomentDef {
        name: "future_industry_share",
        unit: "share",
        doc: "share of industrial-policy spending to future industries in the first year",
    },
    MomentDef { name: "compute_vouchers_m", unit: "CNY m/year", doc: "compute voucher spending in the first year" },
    MomentDef { name: "policy_budget_bn", unit: "CNY bn/year", doc: "policy budget of the first year" },
    MomentDef {
        name: "drone_sites_added",
        unit: "sites",
        doc: "public drone sites added from the end of the first month to the end of the first year",
    },
    MomentDef {
        name: "drone_routes_added",
        unit: "routes",
        doc: "low-altitude routes added from the end of the first month to the end of the first year",
    },
    MomentDef {
        name: "low_altitude_output_bn",
        unit: "CNY bn/year",
        doc: "sales of the low-altitude industry in the first year",
    },
];

/// The names of every moment.
pub fn names() -> Vec<&'static str> {
    MOMENTS.iter().map(|m| m.name).collect()
}

fn col(f: &Frame, name: &str) -> Vec<f64> {
    match f.get(name) {
        Some(Data::Real(v)) => v.clone(),
        Some(Data::Int(v)) => v.iter().map(|&x| x as f64).collect(),
        _ => Vec::new(),
    }
}

fn text(f: &Frame, name: &str) -> Vec<String> {
    match f.get(name) {
        Some(Data::Text(v)) => v.clone(),
        _ => Vec::new(),
    }
}

/// Appends the rows of `b` to `a` (same columns); an empty `a` takes `b`.
pub fn append(a: &mut Frame, b: &Frame) {
    if a.columns.is_empty() {
        *a = b.clone();
        return;
    }
    for (x, y) in a.data.iter_mut().zip(&b.data) {
        match (x, y) {
            (Data::Real(x), Data::Real(y)) => x.extend_from_slice(y),
            (Data::Int(x), Data::Int(y)) => x.extend_from_slice(y),
            (Data::Text(x), Data::Text(y)) => x.extend_from_slice(y),
            _ => {}
        }
    }
}

/// Every moment of a run from its yearly, monthly city and monthly industry tables; a moment
/// the run is too short for is NaN.
pub fn compute(years: &Frame, city: &Frame, industries: &Frame, scale: f64) -> BTreeMap<&'static str, f64> {
    let y = |name: &str| col(years, name).first().copied().unwrap_or(f64::NAN);
    let first_year_months = {
        let ci = col(city, "year");
        let y0 = ci.first().copied().unwrap_or(f64::NAN);
        ci.iter().take_while(|&&v| v == y0).count()
    };
    let city_sum = |name: &str| -> f64 { col(city, name).iter().take(first_year_months).sum::<f64>() };
    let city_at = |name: &str, m: usize| col(city, name).get(m).copied().unwrap_or(f64::NAN);
    let ind_sum = |industry: &str, name: &str| -> f64 {
        let ids = text(industries, "industry");
        let mi = col(industries, "month_index");
        let v = col(industries, name);
        ids.iter()
            .zip(&mi)
            .zip(&v)
            .filter(|((id, m), _)| id.as_str() == industry && (**m as usize) < first_year_months)
            .map(|(_, x)| *x)
            .sum()
    };
    let mut m = BTreeMap::new();
    m.insert("labour_force", y("population") / scale);
    m.insert("enterprises", y("firms") / scale);
    m.insert("registrations", y("births") / scale);
    m.insert("exit_rate", y("deaths") / y("firms"));
    for k in ["high_tech", "tech_smes", "little_giants", "unicorns", "leading", "listed"] {
        m.insert(k, y(k) / scale);
    }
    m.insert("gdp_bn", y("gdp_bn") / scale);
    m.insert("digital_core_bn", ind_sum("digital-commerce", "value_added_m") / 1000.0 / scale);
    m.insert("rd_intensity", y("rd_intensity"));
    m.insert("graduates", y("graduates") / scale);
    m.insert("gf_approved_bn", city_at("gf_approved_m", 29) / 1000.0 / scale);
    m.insert("gf_leveraged_bn", city_at("gf_leveraged_m", 29) / 1000.0 / scale);
    m.insert("gf_invested_bn", city_at("gf_invested_m", 29) / 1000.0 / scale);
    m.insert("future_industry_share", city_at("future_industry_share", first_year_months.saturating_sub(1)));
    m.insert("compute_vouchers_m", city_sum("spend_compute_vouchers_m") / scale);
    m.insert("policy_budget_bn", city_at("policy_budget_year_m", 0) / 1000.0 / scale);
    let last = first_year_months.saturating_sub(1);
    // Drone sites and routes are full-city counts already.
    m.insert("drone_sites_added", city_at("drone_sites", last) - city_at("drone_sites", 0));
    m.insert("drone_routes_added", city_at("drone_routes", last) - city_at("drone_routes", 0));
    m.insert("low_altitude_output_bn", ind_sum("low-altitude", "revenue_m") / 1000.0 / scale);
    m
}
