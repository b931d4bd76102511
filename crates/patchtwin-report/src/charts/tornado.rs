//! Tornado charts of a sensitivity analysis (issue 17): one per decision metric, one bar per
//! input, largest swing on top. A bar is the recommended plan's lead over the runner-up with
//! the input at the low end of its range (upper half, blue) and at the high end (lower half,
//! orange), drawn from the lead at the scenario's values (black line); a bar that crosses the
//! red dashed line at 0 is an input whose range holds a break-even. The legend is below the
//! plot, never over the bars.
//!
//! Not here: the sweep (`patchtwin-sensitivity`) or the ranking of the inputs (the view comes
//! ranked); this module only draws a [`Tornado`](crate::robustness::Tornado).

use super::legend::{self, Entry, Swatch};
use super::*;
use crate::robustness::{Robustness, Tornado};
use plotters::element::DashedPathElement;

/// Low end of the range: the first palette colour.
const LOW: RGBColor = RGBColor(0, 114, 178);
/// High end of the range: the second.
const HIGH: RGBColor = RGBColor(213, 94, 0);
/// Break-even line.
const ZERO: RGBColor = RGBColor(200, 0, 0);
/// Most bars drawn: more would not be read.
pub const MAX_BARS: usize = 12;
/// Longest input label drawn, characters (the table gives the full names).
const MAX_LABEL: usize = 38;

/// A tick label of the lead: thousands as `k`, millions as `M` for money, one decimal for
/// points, always with its sign.
fn lead_label(money: bool, x: f64) -> String {
    let sign = if x < 0.0 {
        "−"
    } else if x > 0.0 {
        "+"
    } else {
        ""
    };
    let a = x.abs();
    let body = if !money {
        trim_zeros(format!("{a:.1}"))
    } else if a >= 1e6 {
        format!("{}M", trim_zeros(format!("{:.2}", a / 1e6)))
    } else if a >= 1e3 {
        format!("{}k", trim_zeros(format!("{:.1}", a / 1e3)))
    } else {
        trim_zeros(format!("{a:.0}"))
    };
    format!("{sign}{body}")
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_string()
    } else {
        let cut: String = label.chars().take(MAX_LABEL - 1).collect();
        format!("{cut}…")
    }
}

/// The `k`-th tornado of `r` as a chart of the report.
pub fn tornado_chart(r: &Robustness, k: usize) -> Chart {
    let t = &r.tornadoes[k];
    let title = format!(
        "What moves the decision: lead of {} over {} in {}",
        r.recommended, r.runner_up, t.metric
    );
    let caption = format!(
        "Each bar is one input moved over its range, the others held at their scenario values: \
         {}'s lead over {} in {} with the input at the low end (upper half, blue) and at the \
         high end (lower half, orange), from the lead at the scenario's values (black line). \
         A bar crossing the red dashed line at 0 holds a break-even.{}",
        r.recommended,
        r.runner_up,
        t.metric,
        if t.decisive {
            " The recommendation was decided on this metric."
        } else {
            " The recommendation was not decided on this metric; it is shown for completeness."
        }
    );
    let svg = render(&title, |root| draw(root, &title, t, r));
    Chart {
        kind: ChartKind::Tornado(k),
        file: t.file.clone(),
        title,
        caption,
        svg,
    }
}

/// Every tornado of `r`, in order.
pub fn tornado_charts(r: &Robustness) -> Vec<Chart> {
    (0..r.tornadoes.len())
        .map(|k| tornado_chart(r, k))
        .collect()
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    title: &str,
    t: &Tornado,
    r: &Robustness,
) -> DrawResult {
    let bars = &t.bars[..t.bars.len().min(MAX_BARS)];
    let entry = |swatch, label: String| Entry { label, swatch };
    let legend = vec![
        entry(
            Swatch::Fill(LOW, 0.9),
            "input at the low end of its range".to_string(),
        ),
        entry(Swatch::Fill(HIGH, 0.9), "at the high end".to_string()),
        entry(
            Swatch::Line(BLACK),
            "lead at the scenario's values".to_string(),
        ),
        entry(
            Swatch::Dashed(ZERO),
            format!("0: {} overtakes {}", r.runner_up, r.recommended),
        ),
    ];
    let (w, h) = root.dim_in_pixel();
    let (plot, strip) = root.split_vertically(h - legend::height(&legend, w));
    let mut lo = bars
        .iter()
        .flat_map(|b| [b.low, b.high])
        .fold(t.base.min(0.0), f64::min);
    let mut hi = bars
        .iter()
        .flat_map(|b| [b.low, b.high])
        .fold(t.base.max(0.0), f64::max);
    let pad = ((hi - lo) * 0.06).max(1e-9);
    lo -= pad;
    hi += pad;
    let n = bars.len().max(1);
    let labels: Vec<String> = bars.iter().map(|b| short(&b.label)).collect();
    let label_w = labels
        .iter()
        .map(|l| (l.chars().count() as f64 * 0.6 * (MIN_TEXT_PX + 0.5)).ceil() as u32)
        .max()
        .unwrap_or(0);
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, caption_font())
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(label_w + 14)
        .build_cartesian_2d(lo..hi, 0f64..n as f64)?;
    let money = t.money;
    chart
        .configure_mesh()
        .label_style(axis_font())
        .axis_desc_style(axis_font())
        .x_desc(t.axis.as_str())
        .x_label_formatter(&|x| lead_label(money, *x))
        .y_label_formatter(&|_| String::new())
        .y_labels(0)
        .disable_y_mesh()
        .light_line_style(NO_LIGHT_LINES)
        .draw()?;
    let right = Pos::new(HPos::Right, VPos::Center);
    for (j, b) in bars.iter().enumerate() {
        let y = (n - 1 - j) as f64;
        chart.draw_series([
            Rectangle::new(
                [(t.base.min(b.low), y + 0.5), (t.base.max(b.low), y + 0.88)],
                LOW.mix(0.9).filled(),
            ),
            Rectangle::new(
                [
                    (t.base.min(b.high), y + 0.12),
                    (t.base.max(b.high), y + 0.5),
                ],
                HIGH.mix(0.9).filled(),
            ),
        ])?;
        let (px, py) = chart.backend_coord(&(lo, y + 0.5));
        root.draw(&Text::new(
            labels[j].clone(),
            (px - 8, py),
            axis_font().pos(right),
        ))?;
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(t.base, 0.0), (t.base, n as f64)],
        BLACK.stroke_width(2),
    )))?;
    if lo < 0.0 && hi > 0.0 {
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(0.0, 0.0), (0.0, n as f64)],
            6,
            4,
            ZERO.stroke_width(2),
        )))?;
    }
    legend::draw(&strip, &legend)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robustness::TornadoBar;

    #[test]
    fn tick_labels_read_as_leads() {
        assert_eq!(lead_label(true, 1_250_000.0), "+1.25M");
        assert_eq!(lead_label(true, -48_000.0), "−48k");
        assert_eq!(lead_label(true, 0.0), "0");
        assert_eq!(lead_label(false, 12.34), "+12.3");
        assert_eq!(lead_label(false, -3.0), "−3");
    }

    #[test]
    fn the_chart_names_every_input_and_keeps_text_readable() {
        let r = Robustness {
            sentence: String::new(),
            recommended: "keep".into(),
            runner_up: "disable".into(),
            metric_reason: String::new(),
            ranges: String::new(),
            how: String::new(),
            evpi_explanation: String::new(),
            currency: "EUR".into(),
            tornadoes: vec![Tornado {
                file: "tornado-expected-loss.svg".into(),
                metric: "expected loss".into(),
                axis: "expected-loss saving, EUR".into(),
                money: true,
                base: 100_000.0,
                bars: vec![
                    TornadoBar {
                        label: "fault rate of plc-kiln".into(),
                        low: -150_000.0,
                        high: 400_000.0,
                    },
                    TornadoBar {
                        label: "impact cost of kiln".into(),
                        low: 160_000.0,
                        high: -20_000.0,
                    },
                ],
                decisive: true,
            }],
            inputs: Vec::new(),
        };
        let c = tornado_chart(&r, 0);
        assert_eq!(c.kind, ChartKind::Tornado(0));
        assert!(
            c.svg.starts_with("<svg"),
            "{}",
            &c.svg[..200.min(c.svg.len())]
        );
        assert!(!c.svg.contains("could not be drawn"), "{}", c.svg);
        for needle in [
            "fault rate of plc-kiln",
            "impact cost of kiln",
            "0: disable overtakes keep",
            "input at the low end of its range",
        ] {
            assert!(c.svg.contains(needle), "{needle} missing");
        }
        // Every text at least MIN_TEXT_PX (plotters writes font-size in pixels).
        for part in c.svg.split("font-size=\"").skip(1) {
            let px: f64 = part[..part.find('"').unwrap()].parse().unwrap();
            assert!(px >= MIN_TEXT_PX - 1e-9, "text at {px} px");
        }
    }
}
