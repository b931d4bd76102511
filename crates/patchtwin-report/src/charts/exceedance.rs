//! The loss exceedance chart (issue 17): per plan, P(loss over the horizon > x) against x,
//! every plan over the same runs, read off `summary.json`'s `loss_exceedance` curves; the loss
//! axis is logarithmic when the losses span two decades or more. When the scenario states a
//! risk appetite, its tolerance and materiality are dashed lines and its limit is a marker at
//! (tolerance, max_probability): a plan meets the appetite when its curve passes at or below
//! the marker. The caption carries the appetite's sentence in plain words. Legend below the
//! plot.
//!
//! Not here: the curves themselves (`appetite`, from `patchtwin_mc`'s exact loss counts).

use super::legend::{self, Entry, Swatch};
use super::*;
use plotters::element::DashedPathElement;

/// Tolerance line and appetite marker.
const LIMIT: RGBColor = RGBColor(200, 0, 0);
/// Materiality line.
const MATERIAL: RGBColor = RGBColor(90, 90, 90);

/// P(loss > x) of an exceedance curve (`[x_k, P(loss > x_k)]`, x increasing, starting at the
/// smallest loss): 1 below the smallest loss, else the value at the largest x_k ≤ x.
pub fn exceedance_at(curve: &[[f64; 2]], x: f64) -> f64 {
    curve
        .iter()
        .take_while(|p| p[0] <= x)
        .last()
        .map_or(if curve.is_empty() { 0.0 } else { 1.0 }, |p| p[1])
}

/// The curve as the step function drawn over `[from, to]`: (x, P(loss > x)) points, with a
/// vertical step at every loss of the curve inside the interval.
pub fn exceedance_steps(curve: &[[f64; 2]], from: f64, to: f64) -> Vec<(f64, f64)> {
    let mut out = vec![(from, exceedance_at(curve, from))];
    for p in curve.iter().filter(|p| p[0] > from && p[0] <= to) {
        let before = out.last().map_or(1.0, |q| q.1);
        out.push((p[0], before));
        out.push((p[0], p[1]));
    }
    out.push((to, exceedance_at(curve, to)));
    out
}

/// Money on the loss axis, short: `250k`, `1.5M`.
fn short_money(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{}M", trim_zeros(format!("{:.2}", x / 1e6)))
    } else if a >= 1e5 {
        format!("{:.0}k", x / 1e3)
    } else if a >= 1e3 {
        format!("{}k", trim_zeros(format!("{:.1}", x / 1e3)))
    } else {
        trim_zeros(format!("{x:.0}"))
    }
}

/// The chart, or `None` when no plan ran.
pub(super) fn loss_exceedance(summary: &Summary) -> Option<Chart> {
    let le = &summary.loss_exceedance;
    if le.plans.is_empty() {
        return None;
    }
    let cur = &summary.scenario.currency;
    let appetite = le.appetite.as_ref();
    let mut marks: Vec<f64> = Vec::new();
    if let Some(a) = appetite {
        marks.push(a.tolerance);
        marks.extend(a.materiality);
    }
    let positive = le
        .plans
        .iter()
        .flat_map(|p| p.curve.iter().map(|q| q[0]))
        .chain(marks.iter().copied())
        .filter(|x| *x > 0.0);
    let (min_pos, max) = positive.fold((f64::INFINITY, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
    let log = max > 0.0 && max / min_pos >= 100.0;
    let (from, to) = if log {
        (min_pos / 10f64.powf(0.2), max * 10f64.powf(0.1))
    } else {
        (0.0, if max > 0.0 { max * 1.05 } else { 1.0 })
    };
    let names: Vec<String> = le.plans.iter().map(|p| p.plan.clone()).collect();
    let series: Vec<Vec<(f64, f64)>> = le
        .plans
        .iter()
        .map(|p| exceedance_steps(&p.curve, from, to))
        .collect();
    let mut labels: Vec<String> = le
        .plans
        .iter()
        .map(|p| match p.p_exceed_tolerance {
            Some(e) => format!("{} — P(loss > tolerance) {}", p.plan, pct_label(&e.mean)),
            None => p.plan.clone(),
        })
        .collect();
    let refs: Vec<&[(f64, f64)]> = series.iter().map(Vec::as_slice).collect();
    mark_identical(&names, &mut labels, &refs);
    let title = "Loss exceedance: P(loss over the horizon > x)".to_string();
    let caption = format!(
        "For each plan, the share of the same simulated runs whose loss (downtime cost plus \
         impact cost, {cur}) exceeds x{}. Lower and further left is better. {}",
        if log {
            "; the loss axis is logarithmic"
        } else {
            ""
        },
        match appetite {
            Some(a) => format!(
                "The dashed red line is the risk appetite's tolerance and the red marker its \
                 limit: a plan meets the appetite when its curve passes at or below the \
                 marker. {}",
                a.sentence
            ),
            None => "The scenario states no risk appetite.".into(),
        }
    );
    let tx = |x: f64| if log { x.log10() } else { x };
    let svg = render(&title, |root| {
        let mut legend: Vec<Entry> = labels
            .iter()
            .enumerate()
            .map(|(j, l)| Entry {
                label: l.clone(),
                swatch: Swatch::Line(plan_color(j)),
            })
            .collect();
        if let Some(a) = appetite {
            legend.push(Entry {
                label: format!(
                    "tolerance {}; limit P ≤ {}",
                    crate::format::money(a.tolerance, cur),
                    pct_label(&a.max_probability)
                ),
                swatch: Swatch::Dashed(LIMIT),
            });
            if let Some(m) = a.materiality {
                legend.push(Entry {
                    label: format!("materiality {}", crate::format::money(m, cur)),
                    swatch: Swatch::Dashed(MATERIAL),
                });
            }
        }
        let (w, h) = root.dim_in_pixel();
        let (plot, strip) = root.split_vertically(h - legend::height(&legend, w));
        let top = prob_axis_max(
            series
                .iter()
                .flat_map(|s| s.iter().map(|p| p.1))
                .chain(appetite.map(|a| a.max_probability))
                .fold(0.0, f64::max),
        );
        let mut chart = ChartBuilder::on(&plot)
            .caption(&title, caption_font())
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(60)
            .build_cartesian_2d(tx(from)..tx(to), 0f64..top)?;
        chart
            .configure_mesh()
            .label_style(axis_font())
            .axis_desc_style(axis_font())
            .x_desc(format!(
                "loss over the horizon, {cur}{}",
                if log { " (log scale)" } else { "" }
            ))
            .y_desc("P(loss > x)")
            .y_label_formatter(&pct_label)
            .x_label_formatter(&|v| short_money(if log { 10f64.powf(*v) } else { *v }))
            .light_line_style(NO_LIGHT_LINES)
            .draw()?;
        if let Some(a) = appetite {
            let mut lines = vec![(a.tolerance, LIMIT)];
            lines.extend(a.materiality.map(|m| (m, MATERIAL)));
            for (x, c) in lines {
                chart.draw_series(std::iter::once(DashedPathElement::new(
                    vec![(tx(x), 0.0), (tx(x), top)],
                    6,
                    4,
                    c.stroke_width(2),
                )))?;
            }
            chart.draw_series(std::iter::once(Cross::new(
                (tx(a.tolerance), a.max_probability),
                7,
                LIMIT.stroke_width(3),
            )))?;
        }
        for (j, s) in series.iter().enumerate() {
            chart.draw_series(LineSeries::new(
                s.iter().map(|&(x, p)| (tx(x), p)),
                plan_color(j).stroke_width(2),
            ))?;
        }
        legend::draw(&strip, &legend)?;
        Ok(())
    });
    Some(Chart {
        kind: ChartKind::LossExceedance,
        file: "loss-exceedance.svg".into(),
        title,
        caption,
        svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The drawn steps at every x equal the empirical exceedance of the losses, counted by
    /// brute force.
    #[test]
    fn the_steps_are_the_empirical_exceedance() {
        let losses = [
            0.0, 0.0, 0.0, 50.0, 50.0, 120.0, 4000.0, 4000.0, 9000.0, 0.0,
        ];
        let n = losses.len() as f64;
        let mut distinct = losses.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let curve: Vec<[f64; 2]> = distinct
            .iter()
            .map(|&x| [x, losses.iter().filter(|&&l| l > x).count() as f64 / n])
            .collect();
        let steps = exceedance_steps(&curve, 0.0, 10_000.0);
        let brute = |x: f64| losses.iter().filter(|&&l| l > x).count() as f64 / n;
        for x in [
            0.0, 1.0, 49.9, 50.0, 119.0, 120.0, 3999.0, 4000.0, 8999.0, 9000.0, 1e4,
        ] {
            assert_eq!(exceedance_at(&curve, x), brute(x), "at {x}");
        }
        // Between consecutive vertices the drawn value is the exceedance just right of the
        // left vertex (steps are flat, then drop at a loss).
        for w in steps.windows(2) {
            if w[0].0 < w[1].0 {
                assert_eq!(w[0].1, w[1].1, "{w:?}");
                assert_eq!(w[0].1, brute(w[0].0), "{w:?}");
            }
        }
        // From a start below the smallest loss on a log axis, P(loss > from) is P(loss > 0).
        let positive: Vec<[f64; 2]> = curve.iter().copied().filter(|p| p[0] > 0.0).collect();
        assert_eq!(exceedance_steps(&positive, 30.0, 1e4)[0], (30.0, 1.0));
        assert_eq!(exceedance_steps(&curve, 30.0, 1e4)[0], (30.0, brute(30.0)));
        assert!(exceedance_steps(&[], 0.0, 1.0).iter().all(|p| p.1 == 0.0));
    }

    #[test]
    fn money_ticks_are_short() {
        assert_eq!(short_money(250_000.0), "250k");
        assert_eq!(short_money(316_227.8), "316k");
        assert_eq!(short_money(31_622.8), "31.6k");
        assert_eq!(short_money(1_500_000.0), "1.5M");
        assert_eq!(short_money(40.0), "40");
    }
}
