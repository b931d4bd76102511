//! Tornado charts as standalone SVG (plotters' SVG backend, in the report's chart style): one
//! per decision metric, one bar per input from its low end to its high end, largest swing on
//! top. The bars show the recommended plan's lead over the runner-up; a bar that crosses the
//! red zero line is an input whose range holds a break-even.
//!
//! No statistics here and no file I/O.

use crate::{InputResult, Sensitivity};
use plotters::prelude::*;

const SIZE: (u32, u32) = (900, 520);
const LOW: RGBColor = RGBColor(0, 114, 178);
const HIGH: RGBColor = RGBColor(213, 94, 0);
/// Most inputs drawn: more would not be read.
const MAX_BARS: usize = 12;

/// The charts: (file name under `charts/`, title, SVG).
pub fn charts(s: &Sensitivity) -> Vec<(String, String, String)> {
    let dual = |i: &InputResult, role: &str| {
        i.points
            .iter()
            .find(|p| p.role == role)
            .map_or(0.0, |p| 100.0 * p.d_dual_success.mean)
    };
    let loss = |i: &InputResult, role: &str| {
        i.points
            .iter()
            .find(|p| p.role == role)
            .map_or(0.0, |p| -p.d_expected_loss.mean)
    };
    vec![
        (
            "tornado-dual-success.svg".to_string(),
            format!(
                "Lead of {} over {} in P(dual success), points",
                s.recommended, s.runner_up
            ),
            draw(s, "P(dual success) lead, points", &dual),
        ),
        (
            "tornado-expected-loss.svg".to_string(),
            format!(
                "Expected-loss saving of {} over {}, {}",
                s.recommended, s.runner_up, s.currency
            ),
            draw(s, &format!("expected-loss saving, {}", s.currency), &loss),
        ),
    ]
}

fn draw(s: &Sensitivity, axis: &str, value: &dyn Fn(&InputResult, &str) -> f64) -> String {
    let mut ranked: Vec<&InputResult> = s.inputs.iter().collect();
    ranked.sort_by(|a, b| {
        let w = |i: &InputResult| (value(i, "high") - value(i, "low")).abs();
        w(b).total_cmp(&w(a))
    });
    ranked.truncate(MAX_BARS);
    let mut buf = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let base = ranked.first().map_or(0.0, |i| value(i, "base"));
        let mut lo = ranked
            .iter()
            .flat_map(|i| [value(i, "low"), value(i, "high")])
            .fold(base.min(0.0), f64::min);
        let mut hi = ranked
            .iter()
            .flat_map(|i| [value(i, "low"), value(i, "high")])
            .fold(base.max(0.0), f64::max);
        let pad = ((hi - lo) * 0.08).max(1e-9);
        lo -= pad;
        hi += pad;
        let n = ranked.len().max(1) as f64;
        let names: Vec<String> = ranked.iter().map(|i| i.name.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "What moves the decision: {} vs {}",
                    s.recommended, s.runner_up
                ),
                ("sans-serif", 18),
            )
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(330)
            .build_cartesian_2d(lo..hi, -0.5..(n - 0.5))?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 13))
            .x_desc(axis)
            .y_labels(ranked.len().max(1))
            .y_label_formatter(&|y: &f64| {
                let k = y.round();
                if (y - k).abs() > 1e-6 || k < 0.0 {
                    return String::new();
                }
                // Row 0 at the top.
                let j = (n - 1.0 - k) as usize;
                names.get(j).cloned().unwrap_or_default()
            })
            .disable_y_mesh()
            .draw()?;
        for (j, i) in ranked.iter().enumerate() {
            let y = n - 1.0 - j as f64;
            for (role, color) in [("low", LOW), ("high", HIGH)] {
                let v = value(i, role);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(base.min(v), y - 0.32), (base.max(v), y + 0.32)],
                    color.mix(0.85).filled(),
                )))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(base, -0.5), (base, n - 0.5)],
            BLACK.stroke_width(1),
        )))?;
        if lo < 0.0 && hi > 0.0 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, -0.5), (0.0, n - 0.5)],
                    RED.stroke_width(2),
                )))?
                .label(format!("0: {} overtakes {}", s.runner_up, s.recommended))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED.stroke_width(2)));
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("input at the low end")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], LOW.filled()));
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("input at the high end")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], HIGH.filled()));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()?;
        root.present()?;
        Ok(())
    })();
    match drawn {
        Ok(()) => buf,
        Err(e) => format!(
            "<svg width=\"{}\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"20\" y=\"40\" font-family=\"sans-serif\" font-size=\"14\">tornado chart could not be drawn: {}</text></svg>\n",
            SIZE.0,
            SIZE.1,
            e.to_string().replace(['<', '>', '&'], " ")
        ),
    }
}
