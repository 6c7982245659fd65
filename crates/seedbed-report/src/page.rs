//! The self-contained HTML report: inline style, inline SVG charts, no scripts, nothing fetched.

use crate::chart::svg_chart;
use crate::data::{Dataset, Kind};

/// A value for display: shares as percentages, counts as whole numbers with thousands
/// separators, other figures with two decimals (three significant digits below 1), NaN as `n/a`.
pub fn format_value(x: f64, unit: &str) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if unit == "share" {
        return format!("{:.2}%", x * 100.0);
    }
    let base = unit.split('/').next().unwrap_or(unit);
    if matches!(base, "firms" | "people" | "pilots" | "deals" | "funds" | "jobs") && (x - x.round()).abs() < 1e-9 {
        return thousands(x.round() as i64);
    }
    decimal(x)
}

/// A real for display: two decimals from 1 to 1000, three significant digits below 1,
/// whole numbers with separators from 1000.
pub fn decimal(x: f64) -> String {
    let a = x.abs();
    if a >= 1000.0 {
        thousands(x.round() as i64)
    } else if a >= 1.0 || a == 0.0 {
        format!("{x:.2}")
    } else {
        let digits = (2 - a.log10().floor() as i64).clamp(2, 8) as usize;
        format!("{x:.digits$}")
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}table{border-collapse:collapse}\
td,th{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}\
td.unit{text-align:left;color:#666}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:1em}\
pre{background:#f6f6f6;padding:1em;overflow:auto;max-height:30em;font-size:.85em}.facts td{text-align:left}\
footer{margin-top:2em;color:#777;font-size:.85em}";

/// The report of `d` as one HTML document: title and facts, the headline table of the last
/// year, every chart as inline SVG, and the scenario(s) as run.
pub fn html(d: &Dataset) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str(&format!("<title>Seedbed report: {}</title><style>{STYLE}</style></head><body>\n", esc(&d.title)));
    h.push_str(&format!("<h1>Seedbed report: {}</h1>\n<table class=\"facts\">", esc(&d.title)));
    for (k, v) in &d.facts {
        h.push_str(&format!("<tr><td>{}</td><td>{}</td></tr>", esc(k), esc(v)));
    }
    h.push_str("</table>\n");
    let band = match d.kind {
        Kind::Run => "",
        Kind::Ensemble => " Charts show the median over runs with the 5-95% band.",
        Kind::Compare => " Charts show A and B: the median over seeds with the 5-95% band.",
    };
    h.push_str(&format!("<h2>Headline results for {}</h2>\n<table id=\"headline\"><tr><th>figure</th>", d.table.year));
    for c in &d.table.columns {
        h.push_str(&format!("<th>{}</th>", esc(c)));
    }
    h.push_str("<th>unit</th></tr>\n");
    for r in &d.table.rows {
        h.push_str(&format!("<tr data-figure=\"{}\"><td>{}</td>", esc(&r.figure), esc(&r.label)));
        for (i, v) in r.values.iter().enumerate() {
            h.push_str(&format!("<td>{}</td>", esc(&format_value(*v, d.cell_unit(r, i)))));
        }
        h.push_str(&format!("<td class=\"unit\">{}</td></tr>\n", esc(&r.unit)));
    }
    h.push_str("</table>\n");
    h.push_str(&format!(
        "<h2>Headline series</h2><p>Calendar years; the last may be partial.{band}</p>\n<div class=\"charts\">\n"
    ));
    for c in &d.charts {
        h.push_str(&format!("<figure id=\"chart-{}\">", esc(&c.id)));
        h.push_str(&svg_chart(c, &d.years, 580, 320));
        h.push_str("</figure>\n");
    }
    h.push_str("</div>\n");
    for (label, toml) in &d.scenarios {
        h.push_str(&format!("<h2>Scenario {}</h2>\n<pre>{}</pre>\n", esc(label), esc(toml)));
    }
    h.push_str(&format!(
        "<footer>Written by seedbed {}. Self-contained: no scripts, nothing fetched.</footer>\n</body></html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(format_value(1234.0, "firms"), "1,234");
        assert_eq!(format_value(0.0412, "share"), "4.12%");
        assert_eq!(format_value(12.345, "CNY bn/year"), "12.35");
        assert_eq!(format_value(0.03359, "CNY bn"), "0.0336");
        assert_eq!(format_value(f64::NAN, "firms"), "n/a");
        assert_eq!(format_value(2.5, "firms"), "2.50");
        assert_eq!(esc("<a&'\">"), "&lt;a&amp;&#39;&quot;&gt;");
    }
}
