//! The downtime chart: the distribution of unplanned downtime per plan in fixed classes
//! (`downtime_classes`, shared with the CSV tables).
//!
//! This module is not the downtime measurement (the engine's histograms); it bins and draws them.

use super::*;

/// Downtime classes in minutes (inclusive upper bounds) and their labels.
const DOWNTIME_BINS: [(u64, &str); 7] = [
    (0, "none"),
    (60, "≤ 1 h"),
    (240, "1–4 h"),
    (720, "4–12 h"),
    (1440, "12–24 h"),
    (4320, "1–3 days"),
    (u64::MAX, "> 3 days"),
];

/// Replications per downtime class. Each recorded histogram bucket goes to exactly one class
/// (by its highest equivalent value), so the counts add up to the replications.
pub fn downtime_classes(h: &Histogram<u64>) -> [u64; DOWNTIME_BINS.len()] {
    let mut counts = [0u64; DOWNTIME_BINS.len()];
    for v in h.iter_recorded() {
        let m = v.value_iterated_to();
        let k = DOWNTIME_BINS
            .iter()
            .position(|(hi, _)| m <= *hi)
            .unwrap_or(DOWNTIME_BINS.len() - 1);
        counts[k] += v.count_at_value();
    }
    counts
}

/// Labels of the classes of [`downtime_classes`].
pub fn downtime_class_labels() -> [&'static str; DOWNTIME_BINS.len()] {
    DOWNTIME_BINS.map(|(_, l)| l)
}

pub(super) fn downtime(summary: &Summary, run: &RunResult) -> Chart {
    let title = "Unplanned downtime per run".to_string();
    let caption = "How often each plan ends the horizon with how much unplanned downtime of the \
                   process units: the share of simulated runs in each class, per plan. Most \
                   weight on \"none\" is best; weight on the right means long outages."
        .to_string();
    let shares: Vec<Vec<f64>> = run
        .plans
        .iter()
        .map(|r| {
            let n = r.ops.downtime_minutes.len().max(1) as f64;
            downtime_classes(&r.ops.downtime_minutes)
                .iter()
                .map(|c| *c as f64 / n)
                .collect()
        })
        .collect();
    let labels = downtime_class_labels();
    let nb = labels.len();
    let entries: Vec<legend::Entry> = run
        .plans
        .iter()
        .enumerate()
        .map(|(j, r)| {
            let mean = summary
                .plans
                .get(j)
                .map_or(0.0, |p| p.operations.downtime_h.mean);
            legend::Entry {
                label: format!("{} (mean {mean:.1} h)", r.plan),
                swatch: legend::Swatch::Fill(plan_color(j), 1.0),
            }
        })
        .collect();
    let svg = render_with_legend(&title, &entries, |root| {
        let top = prob_axis_max(shares.iter().flatten().copied().fold(0.0, f64::max));
        let mut chart = ChartBuilder::on(root)
            .caption(&title, caption_font())
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..nb as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .label_style(axis_font())
            .axis_desc_style(axis_font())
            .disable_x_mesh()
            .x_labels(0)
            .x_desc("unplanned downtime in the run")
            .y_desc("share of runs")
            .y_label_formatter(&pct_label)
            .light_line_style(NO_LIGHT_LINES)
            .draw()?;
        // Class names under the bar groups (plotters places numeric ticks only).
        let style = ("sans-serif", font_px(MIN_TEXT_PX + 0.5))
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top));
        for (b, label) in labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(b as f64 + 0.5, 0.0));
            root.draw(&Text::new(*label, (x, y + 6), style.clone()))?;
        }
        let k = shares.len().max(1) as f64;
        let width = 0.8 / k;
        for (j, plan_shares) in shares.iter().enumerate() {
            let color = plan_color(j);
            chart.draw_series(plan_shares.iter().enumerate().map(|(b, share)| {
                let x0 = b as f64 + 0.1 + j as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width * 0.92, *share)], color.filled())
            }))?;
        }
        Ok(())
    });
    Chart {
        kind: ChartKind::Downtime,
        file: "downtime.svg".into(),
        title,
        caption,
        svg,
    }
}
