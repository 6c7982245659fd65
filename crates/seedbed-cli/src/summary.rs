//! `summary.json` and the table of headline results printed after a run.
//!
//! Both come from the model's yearly headline table (`Simulation::years_frame`). Nothing
//! here depends on the clock: the same scenario and seed give the same summary, byte for byte.

use seedbed_model::Frame;

use crate::setup::Setup;

/// Headline figures shown after a run: column of the yearly table and label.
pub(crate) const SHOWN: [(&str, &str); 16] = [
    ("frontier_firms", "Frontier firms"),
    ("breakthroughs_total", "Breakthroughs since the start"),
    ("unicorns", "Unicorns"),
    ("high_tech", "High-tech enterprises"),
    ("firms", "Firms alive"),
    ("jobs", "Jobs (employees and founders)"),
    ("births", "Firms founded in the year"),
    ("deaths", "Firms failed or closed in the year"),
    ("gdp_bn", "GDP proxy (firms' value added)"),
    ("rd_intensity", "R&D intensity (R&D / GDP proxy)"),
    ("vc_invested_bn", "Venture capital invested"),
    ("gf_approved_bn", "Guidance fund: approved"),
    ("gf_leveraged_bn", "Guidance fund: social capital leveraged"),
    ("gf_invested_bn", "Guidance fund: invested"),
    ("policy_spend_total_bn", "Policy spending since the start"),
    ("spend_per_breakthrough_bn", "Policy spending per breakthrough"),
];

/// The headline results of the last (possibly partial) year as an aligned text table.
pub fn headline_table(setup: &Setup, years: &Frame) -> String {
    let Some(last) = years.rows().checked_sub(1) else {
        return "No yearly results.\n".to_string();
    };
    let year = years.value("year", last).map_or_else(|| "?".to_string(), |y| format!("{y}"));
    let end = setup.end();
    let partial = if end.ends_with("-12") { String::new() } else { format!(", to {end}") };
    let mut lines = Vec::new();
    for (name, label) in SHOWN {
        let Some(col) = years.columns.iter().find(|c| c.name == name) else { continue };
        let (value, unit) = format_value(years.value(name, last), col.unit);
        lines.push((label, value, unit));
    }
    let w0 = lines.iter().map(|l| l.0.len()).max().unwrap_or(0);
    let w1 = lines.iter().map(|l| l.1.len()).max().unwrap_or(0);
    let mut out = format!("Results for {year}{partial}:\n");
    for (label, value, unit) in lines {
        out.push_str(format!("  {label:<w0$}  {value:>w1$}  {unit}").trim_end());
        out.push('\n');
    }
    out
}

/// A value and its unit for display: counts as integers with thousands separators, shares as
/// percentages, money with two decimals, NaN as `n/a`.
pub(crate) fn format_value(v: Option<f64>, unit: &str) -> (String, String) {
    match v {
        None => ("n/a".into(), unit.into()),
        Some(x) if !x.is_finite() => ("n/a".into(), unit.into()),
        Some(x) if unit == "share" => (format!("{:.2}", x * 100.0), "%".into()),
        Some(x) if is_count(unit) => (thousands(x.round() as i64), unit.into()),
        Some(x) => (decimal(x), unit.into()),
    }
}

/// Units of things counted in whole numbers.
fn is_count(unit: &str) -> bool {
    let base = unit.split('/').next().unwrap_or(unit);
    matches!(base, "firms" | "people" | "pilots" | "deals" | "funds" | "jobs")
}

pub use seedbed_report::{decimal, thousands};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::{Overrides, Setup};

    fn years() -> Frame {
        let mut f = Frame::new();
        f.int("year", "year", "Calendar year", vec![2025, 2026])
            .real("firms", "firms", "Firms alive", vec![1234.0, 2345.0])
            .real("rd_intensity", "share", "R&D / GDP", vec![0.02, 0.031])
            .real("spend_per_breakthrough_bn", "CNY bn/firm", "per breakthrough", vec![f64::NAN, 1.5]);
        f
    }

    fn setup() -> Setup {
        Setup::new("hangzhou-2025", &Overrides { months: Some(14), seed: Some(3), ..Overrides::default() }).unwrap()
    }

    #[test]
    fn json_has_final_years_units_and_null_for_nan() {
        let s = setup();
        let v = seedbed_experiments::member::summary_json(&s.scenario, s.seed, &years());
        assert_eq!(v["seed"], 3);
        assert_eq!(v["months"], 14);
        assert_eq!(v["start"], "2025-01");
        assert_eq!(v["end"], "2026-02");
        assert_eq!(v["final"]["year"], 2026);
        assert_eq!(v["final"]["firms"], 2345.0);
        assert_eq!(v["years"][0]["spend_per_breakthrough_bn"], serde_json::Value::Null);
        assert_eq!(v["units"]["rd_intensity"], "share");
        assert!(v["units"].get("year").is_none());
        assert!(serde_json::to_string(&v).unwrap().contains("null"));
    }

    #[test]
    fn table_formats_counts_shares_and_nan() {
        let t = headline_table(&setup(), &years());
        assert!(t.starts_with("Results for 2026, to 2026-02:"), "{t}");
        assert!(t.contains("2,345  firms"), "{t}");
        assert!(t.contains("3.10  %"), "{t}");
        assert!(t.contains("1.50  CNY bn/firm"), "{t}");
        assert_eq!(thousands(-1_234_567), "-1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(format_value(Some(f64::NAN), "x").0, "n/a");
        assert_eq!(decimal(0.03359), "0.0336");
        assert_eq!(decimal(0.5), "0.500");
        assert_eq!(decimal(12.345), "12.35");
        assert_eq!(decimal(-4321.6), "-4,322");
        assert_eq!(decimal(0.0), "0.00");
    }
}
