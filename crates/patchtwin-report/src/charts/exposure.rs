//! The exposure-over-time chart: P(compromised by day t) per plan, read off the merged
//! time-to-compromise histograms.
//!
//! This module is not the exposure estimate itself (`patchtwin-mc`); it draws its histogram.

use super::*;

/// P(compromised by t) as a step function over days: (0, 0), then one step per recorded
/// time-to-compromise, then flat to the horizon.
fn exposure_steps(ttc_minutes: &Histogram<u64>, runs: u64, horizon_days: f64) -> Vec<(f64, f64)> {
    let mut points = vec![(0.0, 0.0)];
    if runs == 0 {
        points.push((horizon_days, 0.0));
        return points;
    }
    let mut cum = 0u64;
    for v in ttc_minutes.iter_recorded() {
        let t = (v.value_iterated_to() as f64 / 1440.0).min(horizon_days);
        points.push((t, cum as f64 / runs as f64));
        cum += v.count_at_value();
        points.push((t, cum as f64 / runs as f64));
    }
    points.push((horizon_days, cum as f64 / runs as f64));
    points
}

/// Fill of a maintenance-window band: lavender, unlike the grid (grey) and every plan colour.
pub const WINDOW_FILL: RGBColor = RGBColor(150, 110, 230);
/// Its opacity, so curves stay visible through it.
pub const WINDOW_OPACITY: f64 = 0.35;
/// Narrowest a window band is drawn, in pixels (a 4-hour window on a 90-day horizon would be
/// 1 px wide, invisible on a gridline).
pub const WINDOW_MIN_PX: f64 = 6.0;

pub(super) fn exposure_over_time(summary: &Summary, run: &RunResult, s: &Scenario) -> Chart {
    let horizon_days = summary.settings.horizon_s / 86_400.0;
    let curves: Vec<(String, Vec<(f64, f64)>)> = run
        .plans
        .iter()
        .map(|r| {
            let e = &r.exposure;
            let points = exposure_steps(&e.ttc_minutes, e.runs, horizon_days);
            let last = points.last().map_or(0.0, |p| p.1);
            (
                format!("{} — {} by day {horizon_days:.0}", r.plan, pct_label(&last)),
                points,
            )
        })
        .collect();
    let names: Vec<String> = run.plans.iter().map(|r| r.plan.clone()).collect();
    let mut labels: Vec<String> = curves.iter().map(|c| c.0.clone()).collect();
    let series: Vec<&[(f64, f64)]> = curves.iter().map(|c| c.1.as_slice()).collect();
    mark_identical(&names, &mut labels, &series);
    let curves: Vec<(String, Vec<(f64, f64)>)> = labels
        .into_iter()
        .zip(curves.iter().map(|c| c.1.clone()))
        .collect();
    let title = "Exposure over time: P(compromised by day t)".to_string();
    let caption = format!(
        "For each plan, the share of simulated runs in which the attacker has reached a target \
         by day t of the {horizon_days:.0}-day horizon. Lower is better; a curve that flattens \
         early means the plan closed the exposure early. Lavender bands are maintenance windows."
    );
    let windows: Vec<(f64, f64)> = s
        .windows
        .iter()
        .flat_map(|w| {
            w.starts.iter().map(move |t| {
                let a = t.0 as f64 / 8.64e13;
                (a, a + w.duration.as_nanos() as f64 / 8.64e13)
            })
        })
        .filter(|(a, _)| *a < horizon_days)
        .collect();
    let mut entries = Vec::new();
    if !windows.is_empty() {
        entries.push(legend::Entry {
            label: "maintenance window".into(),
            swatch: legend::Swatch::Fill(WINDOW_FILL, WINDOW_OPACITY),
        });
    }
    entries.extend(
        curves
            .iter()
            .enumerate()
            .map(|(j, (label, _))| legend::Entry {
                label: label.clone(),
                swatch: legend::Swatch::Line(plan_color(j)),
            }),
    );
    let svg = render_with_legend(&title, &entries, |root| {
        let top = prob_axis_max(
            curves
                .iter()
                .filter_map(|c| c.1.last().map(|p| p.1))
                .fold(0.0, f64::max),
        );
        // A text line between the title and the plot, for the first window's label.
        let below_title = root.titled(&title, caption_font())?;
        let mut chart = ChartBuilder::on(&below_title)
            .margin(12)
            .margin_top(TITLE_GAP)
            .margin_right(20)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..horizon_days.max(1e-9), 0f64..top)?;
        chart
            .configure_mesh()
            .label_style(axis_font())
            .axis_desc_style(axis_font())
            .x_desc("day")
            .y_desc("P(compromised by day t)")
            .y_label_formatter(&pct_label)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .light_line_style(NO_LIGHT_LINES)
            .draw()?;
        // Windows as shaded bands in their own colour, at least WINDOW_MIN_PX wide however
        // short the window is against the horizon, named in the legend and above the first.
        let x0 = chart.backend_coord(&(0.0, top)).0;
        let x1 = chart.backend_coord(&(horizon_days, top)).0;
        let min_days = WINDOW_MIN_PX * horizon_days / f64::from((x1 - x0).max(1));
        for (k, (a, b)) in windows.iter().enumerate() {
            let end = (*b).min(horizon_days).max(*a + min_days);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(*a, 0.0), (end, top)],
                WINDOW_FILL.mix(WINDOW_OPACITY).filled(),
            )))?;
            if k == 0 {
                let (bx, by) = chart.backend_coord(&(*a, top));
                let style = axis_font().pos(Pos::new(HPos::Left, VPos::Bottom));
                root.draw(&Text::new("window", (bx + 2, by - 4), style))?;
            }
        }
        for (j, (_, points)) in curves.iter().enumerate() {
            chart.draw_series(LineSeries::new(
                points.clone(),
                plan_color(j).stroke_width(2),
            ))?;
        }
        Ok(())
    });
    Chart {
        kind: ChartKind::ExposureOverTime,
        file: "exposure-over-time.svg".into(),
        title,
        caption,
        svg,
    }
}
