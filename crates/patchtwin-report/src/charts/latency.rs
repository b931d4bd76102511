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

/// The curves of flow `i`'s chart: the window before any change (once when every plan shares
/// it exactly, as common random numbers usually make it), then each plan's window after its
/// changes, identical curves drawn once with one entry naming them all.
fn latency_curves(summary: &Summary, run: &RunResult, i: usize) -> Vec<Curve> {
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
    group_identical(curves)
}

/// Identical curves drawn once, with one legend entry naming them all: a curve equal to an
/// earlier one is dropped and its name joins the earlier one's label — "defer, patch-now —
/// before" when they share the part after " — ", else "defer — before (same curve: x —
/// after)" — so that a chart of six plans does not list a dozen entries for a few lines.
fn group_identical(curves: Vec<Curve>) -> Vec<Curve> {
    let mut kept: Vec<(Curve, Vec<String>)> = Vec::new();
    for c in curves {
        match kept.iter_mut().find(|(k, _)| k.points == c.points) {
            Some((_, also)) => also.push(c.label),
            None => kept.push((c, Vec::new())),
        }
    }
    kept.into_iter()
        .map(|(mut c, also)| {
            if also.is_empty() {
                return c;
            }
            let split = |l: &str| {
                l.rsplit_once(" — ")
                    .map(|(a, b)| (a.to_string(), b.to_string()))
            };
            let parts: Option<Vec<(String, String)>> = std::iter::once(&c.label)
                .chain(&also)
                .map(|l| split(l))
                .collect();
            c.label = match parts {
                Some(p) if p.iter().all(|(_, tail)| *tail == p[0].1) => {
                    let heads: Vec<&str> = p.iter().map(|(h, _)| h.as_str()).collect();
                    format!("{} — {}", heads.join(", "), p[0].1)
                }
                _ => format!("{} (same curve: {})", c.label, also.join(", ")),
            };
            c
        })
        .collect()
}

/// The legend of a latency chart: one entry per curve and the deadline.
fn latency_legend(curves: &[Curve], deadline_ms: f64, red: RGBColor) -> Vec<legend::Entry> {
    let mut entries: Vec<legend::Entry> = curves
        .iter()
        .map(|c| legend::Entry {
            label: c.label.clone(),
            swatch: if c.dashed {
                legend::Swatch::Dashed(c.color)
            } else {
                legend::Swatch::Line(c.color)
            },
        })
        .collect();
    entries.push(legend::Entry {
        label: format!("deadline {} ms", ms_label(&deadline_ms)),
        swatch: legend::Swatch::Dashed(red),
    });
    entries
}

pub(super) fn latency_cdf(summary: &Summary, run: &RunResult, s: &Scenario, i: usize) -> Chart {
    let flow = &s.flows[i];
    let deadline_ms = flow.deadline.as_nanos() as f64 / 1e6;
    let curves = latency_curves(summary, run, i);
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
    let red = RGBColor(200, 0, 0);
    let entries = latency_legend(&curves, deadline_ms, red);
    let svg = render_with_legend(&title, &entries, |root| {
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
        // A text line between the title and the plot, for the deadline's label.
        let below_title = root.titled(&title, caption_font())?;
        let mut chart = ChartBuilder::on(&below_title)
            .margin(12)
            .margin_top(TITLE_GAP)
            .margin_right(20)
            .x_label_area_size(48)
            .y_label_area_size(60)
            .build_cartesian_2d((lo..hi).log_scale(), 0f64..1.0)?;
        chart
            .configure_mesh()
            .label_style(axis_font())
            .axis_desc_style(axis_font())
            .x_desc("latency, ms (log scale)")
            .y_desc("share completed within")
            .x_labels(0)
            .x_label_formatter(&|_| String::new())
            .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
            .disable_x_mesh()
            .y_label_formatter(&pct_label)
            .light_line_style(NO_LIGHT_LINES)
            .draw()?;
        // Decade ticks (and 2/5 between them on a short range), drawn here: plotters puts too
        // few on a log axis (issue 16: two labels).
        let grid = RGBColor(220, 220, 220);
        let tick_style = axis_font().pos(Pos::new(HPos::Center, VPos::Top));
        for t in ticks::log_ticks(lo, hi) {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(t, 0.0), (t, 1.0)],
                grid.stroke_width(1),
            )))?;
            let (x, y) = chart.backend_coord(&(t, 0.0));
            root.draw(&PathElement::new(
                vec![(x, y), (x, y + 5)],
                BLACK.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                ticks::tick_label(t),
                (x, y + 7),
                tick_style.clone(),
            ))?;
        }
        if curves.is_empty() {
            chart.draw_series(std::iter::once(Text::new(
                "no message completed in any observation window",
                (lo * 1.2, 0.5),
                ("sans-serif", font_px(MIN_TEXT_PX + 1.0)).into_font(),
            )))?;
        }
        for c in &curves {
            let style = c.color.stroke_width(2);
            if c.dashed {
                chart.draw_series(DashedLineSeries::new(c.points.clone(), 6, 4, style))?;
            } else {
                chart.draw_series(LineSeries::new(c.points.clone(), style))?;
            }
        }
        chart.draw_series(DashedLineSeries::new(
            vec![(deadline_ms, 0.0), (deadline_ms, 1.0)],
            8,
            5,
            red.stroke_width(2),
        ))?;
        // The deadline's label above the plot, at the line: never on a curve.
        let (dx, dy) = chart.backend_coord(&(deadline_ms, 1.0));
        let (x_end, _) = chart.backend_coord(&(hi, 1.0));
        let text = format!("deadline {} ms", ms_label(&deadline_ms));
        let w = (text.chars().count() as f64 * 0.6 * (MIN_TEXT_PX + 0.5)).ceil() as i32;
        let (anchor, x) = if dx + w / 2 > x_end {
            (HPos::Right, dx + 4)
        } else {
            (HPos::Center, dx)
        };
        root.draw(&Text::new(
            text,
            (x, dy - 4),
            axis_font().color(&red).pos(Pos::new(anchor, VPos::Bottom)),
        ))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(label: &str, y: f64) -> Curve {
        Curve {
            label: label.into(),
            color: BLACK,
            dashed: false,
            points: vec![(1.0, y), (2.0, 1.0)],
        }
    }

    /// Review finding 21: the substation's latency charts listed twelve entries, five of them
    /// "same as defer — before". Equal curves are now one line and one entry.
    #[test]
    fn identical_curves_share_one_line_and_one_entry() {
        let grouped = group_identical(vec![
            curve("defer — before", 0.1),
            curve("virtual — before", 0.2),
            curve("patch — before", 0.1),
            curve("patch — after", 0.3),
            curve("virtual — after", 0.2),
        ]);
        let labels: Vec<&str> = grouped.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "defer, patch — before",
                "virtual — before (same curve: virtual — after)",
                "patch — after"
            ]
        );
    }
}
