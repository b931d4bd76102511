//! The latency CDF chart of one flow: the share of messages delivered within x ms before the
//! patch window and after it under each plan, with the flow's deadline.
//!
//! This module is not the latency measurement (the engine's histograms); it draws them.

use super::*;

struct Curve {
    label: String,
    color: RGBColor,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

/// Cumulative distribution from a latency histogram in microseconds, as (ms, share) points.
fn cdf_points(h: &Histogram<u64>) -> Vec<(f64, f64)> {
    let n = h.len();
    if n == 0 {
        return Vec::new();
    }
    let mut points = Vec::new();
    let mut cum = 0u64;
    for (k, v) in h.iter_recorded().enumerate() {
        let x = (v.value_iterated_to() as f64 / 1000.0).max(0.001);
        if k == 0 {
            let start = (h.lowest_equivalent(v.value_iterated_to()) as f64 / 1000.0).max(0.001);
            points.push((start, 0.0));
        }
        cum += v.count_at_value();
        points.push((x, cum as f64 / n as f64));
    }
    points
}

pub(super) fn latency_cdf(summary: &Summary, run: &RunResult, s: &Scenario, i: usize) -> Chart {
    let flow = &s.flows[i];
    let deadline_ms = flow.deadline.as_nanos() as f64 / 1e6;
    let mut curves = Vec::new();
    // The baseline window comes before any change; plans usually share it exactly (common
    // random numbers), and then it is drawn once.
    let before: Vec<_> = run
        .plans
        .iter()
        .map(|r| r.flows[i].latency_histogram())
        .collect();
    let all_same = before.iter().all(|h| **h == *before[0]);
    for (j, r) in run.plans.iter().enumerate() {
        if all_same && j > 0 {
            break;
        }
        let points = cdf_points(&before[j]);
        if points.is_empty() {
            continue;
        }
        curves.push(Curve {
            label: if all_same {
                "before changes (all plans)".into()
            } else {
                format!("{} — before", r.plan)
            },
            color: if all_same {
                RGBColor(90, 90, 90)
            } else {
                plan_color(j)
            },
            dashed: !all_same,
            points,
        });
    }
    for (j, (r, p)) in run.plans.iter().zip(&summary.plans).enumerate() {
        if p.timing.after.is_none() {
            continue;
        }
        let points = cdf_points(&r.flows_after[i].latency_histogram());
        if points.is_empty() {
            continue;
        }
        curves.push(Curve {
            label: format!("{} — after", r.plan),
            color: plan_color(j),
            dashed: false,
            points,
        });
    }
    let names: Vec<String> = curves.iter().map(|c| c.label.clone()).collect();
    let mut labels = names.clone();
    let series: Vec<&[(f64, f64)]> = curves.iter().map(|c| c.points.as_slice()).collect();
    mark_identical(&names, &mut labels, &series);
    for (c, l) in curves.iter_mut().zip(labels) {
        c.label = l;
    }
    let (from, to) = flow_direction(s, i);
    let title = format!("Latency of {} ({from} → {to})", flow.id);
    let caption = format!(
        "Share of {} completed within a given latency (log scale), before the plans' changes \
         and after them; the red dashed line is the {} deadline. A curve further right, or \
         reaching its top later, means slower communication. Messages that never completed \
         are not in the curves; they count in the miss rate of the timing table.",
        match flow.kind {
            patchtwin_model::FlowKind::Poll => "polls",
            patchtwin_model::FlowKind::Publish => "publications",
        },
        ms_label(&deadline_ms) + " ms"
    );
    let svg = render(&title, |root| {
        let lo = curves
            .iter()
            .filter_map(|c| c.points.first().map(|p| p.0))
            .fold(deadline_ms, f64::min)
            / 1.5;
        let hi = curves
            .iter()
            .filter_map(|c| c.points.last().map(|p| p.0))
            .fold(deadline_ms, f64::max)
            * 1.5;
        let mut chart = ChartBuilder::on(root)
            .caption(&title, caption_font())
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d((lo..hi).log_scale(), 0f64..1.0)?;
        chart
            .configure_mesh()
            .label_style(axis_font())
            .axis_desc_style(axis_font())
            .x_desc("latency, ms (log scale)")
            .y_desc("share completed within")
            .x_label_formatter(&ms_label)
            .y_label_formatter(&pct_label)
            .light_line_style(NO_LIGHT_LINES)
            .draw()?;
        if curves.is_empty() {
            chart.draw_series(std::iter::once(Text::new(
                "no message completed in any observation window",
                (lo * 1.2, 0.5),
                ("sans-serif", font_px(MIN_TEXT_PX + 1.0)).into_font(),
            )))?;
        }
        for c in &curves {
            let style = c.color.stroke_width(2);
            let color = c.color;
            if c.dashed {
                chart
                    .draw_series(DashedLineSeries::new(c.points.clone(), 6, 4, style))?
                    .label(c.label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
            } else {
                chart
                    .draw_series(LineSeries::new(c.points.clone(), style))?
                    .label(c.label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
            }
        }
        let red = RGBColor(200, 0, 0);
        chart
            .draw_series(DashedLineSeries::new(
                vec![(deadline_ms, 0.0), (deadline_ms, 1.0)],
                8,
                5,
                red.stroke_width(2),
            ))?
            .label(format!("deadline {} ms", ms_label(&deadline_ms)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], red.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(160, 160, 160))
            .label_font(legend_font())
            .draw()?;
        Ok(())
    });
    Chart {
        kind: ChartKind::LatencyCdf(i),
        file: format!("latency-cdf-{}.svg", file_safe(&flow.id, i)),
        title,
        caption,
        svg,
    }
}

/// The assets of flow `i` in the direction its messages start: a poll from the consumer that
/// asks to the producer that answers, a publication from the producer to the consumer.
pub fn flow_direction(s: &Scenario, i: usize) -> (&str, &str) {
    let f = &s.flows[i];
    let producer = s.assets[f.producer.ix()].id.as_str();
    let consumer = s.assets[f.consumer.ix()].id.as_str();
    match f.kind {
        patchtwin_model::FlowKind::Poll => (consumer, producer),
        patchtwin_model::FlowKind::Publish => (producer, consumer),
    }
}
