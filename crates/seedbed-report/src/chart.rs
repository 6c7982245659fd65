//! Charts as inline SVG (plotters' SVG backend; text as SVG `<text>`, no fonts embedded).

use plotters::prelude::*;

use crate::data::Chart;

/// Line colours, in order.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// The colour of line `i` (the dashboard uses the same order).
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `chart` over `years` as an SVG document of `width` x `height` pixels: lines, with the 5-95%
/// band shaded where the chart has one, and a legend.
pub fn svg_chart(chart: &Chart, years: &[i64], width: u32, height: u32) -> String {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        if let Err(e) = draw(&root, chart, years) {
            // A chart that cannot be drawn is shown as its error, not a missing report.
            let _ = root.fill(&WHITE);
            let _ = root.draw(&Text::new(format!("chart not drawn: {e}"), (10, 20), ("sans-serif", 14)));
        }
        let _ = root.present();
    }
    out
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>, chart: &Chart, years: &[i64]) -> DrawResult {
    root.fill(&WHITE)?;
    let xs: Vec<f64> = years.iter().map(|&y| y as f64).collect();
    let (x0, x1) = match (xs.first(), xs.last()) {
        (Some(&a), Some(&b)) if b > a => (a - 0.2, b + 0.2),
        (Some(&a), _) => (a - 1.0, a + 1.0),
        _ => (0.0, 1.0),
    };
    let all = chart.lines.iter().flat_map(|l| {
        l.values.iter().chain(l.low.iter().flatten()).chain(l.high.iter().flatten()).copied().filter(|v| v.is_finite())
    });
    let (mut lo, mut hi) = all.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    if hi - lo <= 0.0 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.06;
    if lo < 0.0 {
        lo -= pad;
    }
    hi += pad;
    let title = if chart.unit.is_empty() { chart.title.clone() } else { format!("{} ({})", chart.title, chart.unit) };
    let mut ctx = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 16))
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, lo..hi)?;
    ctx.configure_mesh()
        .x_labels(xs.len().clamp(2, 12))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&|y| short_number(*y))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    for (i, line) in chart.lines.iter().enumerate() {
        let c = colour(i);
        if let (Some(low), Some(high)) = (&line.low, &line.high) {
            let mut poly: Vec<(f64, f64)> = Vec::new();
            let idx: Vec<usize> = (0..xs.len()).filter(|&k| low[k].is_finite() && high[k].is_finite()).collect();
            poly.extend(idx.iter().map(|&k| (xs[k], high[k])));
            poly.extend(idx.iter().rev().map(|&k| (xs[k], low[k])));
            if poly.len() >= 3 {
                ctx.draw_series(std::iter::once(Polygon::new(poly, c.mix(0.18).filled())))?;
            }
        }
        let points: Vec<(f64, f64)> =
            xs.iter().zip(&line.values).filter(|(_, v)| v.is_finite()).map(|(&x, &v)| (x, v)).collect();
        ctx.draw_series(LineSeries::new(points.clone(), c.stroke_width(2)))?
            .label(line.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2)));
        ctx.draw_series(points.iter().map(|&p| Circle::new(p, 2, c.filled())))?;
    }
    if chart.lines.len() > 1 || chart.lines.iter().any(|l| l.low.is_some()) {
        ctx.configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 12))
            .draw()?;
    }
    Ok(())
}

/// A tick label: `1.2k`, `3.4M`, or the number with at most three significant digits.
fn short_number(y: f64) -> String {
    let a = y.abs();
    if a >= 1e9 {
        format!("{:.3}G", y / 1e9).trim_end_matches('0').trim_end_matches('.').to_string()
    } else if a >= 1e6 {
        trim(format!("{:.2}", y / 1e6)) + "M"
    } else if a >= 1e4 {
        trim(format!("{:.1}", y / 1e3)) + "k"
    } else if a >= 10.0 || a == 0.0 {
        trim(format!("{y:.1}"))
    } else {
        trim(format!("{y:.3}"))
    }
}

fn trim(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Line;

    #[test]
    fn draws_lines_bands_and_labels() {
        let chart = Chart {
            id: "x".into(),
            title: "Unicorns".into(),
            unit: "firms".into(),
            lines: vec![Line {
                label: "median".into(),
                values: vec![1.0, 2.0, f64::NAN],
                low: Some(vec![0.5, 1.0, 1.0]),
                high: Some(vec![2.0, 3.0, 4.0]),
            }],
        };
        let svg = svg_chart(&chart, &[2025, 2026, 2027], 400, 200);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Unicorns (firms)"));
        assert!(svg.contains("<polygon") || svg.contains("<path"), "band drawn");
        assert!(svg.contains("2026"));
        assert_eq!(short_number(12_345.0), "12.3k");
        assert_eq!(short_number(2_500_000.0), "2.5M");
        assert_eq!(short_number(0.25), "0.25");
    }
}
