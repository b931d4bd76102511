//! The report's charts as standalone SVG documents, drawn with plotters' SVG backend:
//! latency CDFs of the flows that matter, exposure over time (P(compromised by t)), exposure
//! versus operational risk with 95% interval bars, and the distribution of unplanned downtime.
//!
//! Text is written as SVG `<text>` elements that the viewer renders with its own sans-serif
//! font, so no font library or system font is needed here (plotters is built without `ttf`;
//! its layout estimates text widths).
//!
//! This module does no file I/O (`write_all` in the crate root writes the charts) and computes
//! no statistics: it reads counts off the merged histograms of a [`RunResult`] and the
//! estimates of a [`Summary`]. A chart that plotters cannot draw becomes a small SVG that says
//! so, rather than failing the whole report.

use crate::{FlowTiming, Summary};
use hdrhistogram::Histogram;
use patchtwin_mc::RunResult;
use patchtwin_model::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What a chart shows, so that a report can place it in the right section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartKind {
    /// Latency CDF of one flow (index into the scenario's flows).
    LatencyCdf(usize),
    /// P(compromised by t) per plan.
    ExposureOverTime,
    /// P(compromise) versus P(process trip) per plan, with interval bars.
    ExposureVsOperations,
    /// Distribution of unplanned downtime per plan.
    Downtime,
}

/// One chart: a standalone SVG document and the words that go with it.
#[derive(Debug, Clone)]
pub struct Chart {
    /// What it shows.
    pub kind: ChartKind,
    /// File name under `charts/`, e.g. `exposure-over-time.svg`.
    pub file: String,
    /// Title.
    pub title: String,
    /// How to read it, one or two sentences.
    pub caption: String,
    /// The SVG document (starts with `<svg`).
    pub svg: String,
}

/// Width and height of every chart, pixels.
const SIZE: (u32, u32) = (760, 440);

/// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// The colour of the `j`-th plan in every chart.
pub fn plan_color(j: usize) -> RGBColor {
    PALETTE[j % PALETTE.len()]
}

/// Most latency CDF charts drawn: more would not be read.
pub const MAX_FLOW_CHARTS: usize = 6;

/// The flows that matter for timing, worst first: ranked by the largest ratio of p99 latency to
/// deadline over every plan and phase (a flow where nothing completed ranks first), then by
/// deadline-miss rate, then by id. At most `n` indices into the scenario's flows.
pub fn key_flows(summary: &Summary, n: usize) -> Vec<usize> {
    let Some(first) = summary.plans.first() else {
        return Vec::new();
    };
    let score = |f: &FlowTiming| {
        (
            f.latency_ms
                .as_ref()
                .map_or(f64::INFINITY, |l| l.p99 / f.deadline_ms.max(1e-9)),
            f.deadline_miss_rate,
        )
    };
    let mut ranked: Vec<(usize, f64, f64)> = (0..first.timing.flows.len())
        .map(|i| {
            let mut worst = (0.0f64, 0.0f64);
            for p in &summary.plans {
                let phases = std::iter::once(&p.timing.flows).chain(p.timing.after.as_ref());
                for flows in phases {
                    if let Some(f) = flows.get(i) {
                        let (r, m) = score(f);
                        worst = (worst.0.max(r), worst.1.max(m));
                    }
                }
            }
            (i, worst.0, worst.1)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then_with(|| first.timing.flows[a.0].id.cmp(&first.timing.flows[b.0].id))
    });
    ranked.into_iter().take(n).map(|(i, _, _)| i).collect()
}

/// Every chart of the report, in the order the report shows them: exposure over time,
/// exposure versus operations, downtime, then the latency CDFs of [`key_flows`].
pub fn all(summary: &Summary, run: &RunResult, s: &Scenario) -> Vec<Chart> {
    let mut charts = vec![
        exposure_over_time(summary, run, s),
        exposure_vs_operations(summary),
        downtime(summary, run),
    ];
    for i in key_flows(summary, MAX_FLOW_CHARTS) {
        charts.push(latency_cdf(summary, run, s, i));
    }
    charts
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws into a fresh white SVG; on failure returns a small SVG naming the error.
fn render(
    title: &str,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
) -> String {
    let mut buf = String::new();
    let outcome = {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|()| draw(&root).map_err(|e| e.to_string()));
        let presented = root.present().map_err(|e| e.to_string());
        drawn.and(presented)
    };
    match outcome {
        Ok(()) => buf,
        Err(e) => format!(
            "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
             xmlns=\"http://www.w3.org/2000/svg\">\n<text x=\"20\" y=\"40\" \
             font-family=\"sans-serif\" font-size=\"14\">{}</text>\n</svg>\n",
            xml_escape(&format!("{title}: the chart could not be drawn ({e})")),
            w = SIZE.0,
            h = SIZE.1
        ),
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A file-name-safe form of an id that keeps distinct ids distinct, even on file systems that
/// ignore case: lower-case ASCII letters, digits, `-` and `_` stay as they are; every other
/// byte of the id's UTF-8 (upper-case letters included) becomes `.` and two lower-case hex
/// digits (`scada.poll` → `scada.2epoll`, `PLC` → `.50.4c.43`). A `.` is always followed by
/// exactly two hex digits, so the mapping is injective. Ids whose form would be longer than
/// 100 bytes are cut there and end in `..` and `index`, the id's position in its list (a `..`
/// never occurs otherwise), so file names stay short and still distinct.
pub fn file_safe(id: &str, index: usize) -> String {
    const MAX: usize = 100;
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!(".{b:02x}"));
        }
    }
    if out.len() > MAX {
        // Cut before an escape sequence, never inside one.
        let mut cut = MAX;
        while out[..cut].ends_with('.') || out[..cut.saturating_sub(1)].ends_with('.') {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(&format!("..{index}"));
    }
    out
}

/// Drops a trailing `.0` (or `.00`…) that float formatting leaves on whole numbers.
fn trim_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn pct_label(y: &f64) -> String {
    format!("{}%", trim_zeros(format!("{:.1}", 100.0 * y)))
}

fn ms_label(x: &f64) -> String {
    trim_zeros(if *x >= 100.0 {
        format!("{x:.0}")
    } else if *x >= 1.0 {
        format!("{x:.1}")
    } else if *x >= 0.01 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    })
}

/// Minor grid lines are not drawn: they crowd the chart and bloat the file.
const NO_LIGHT_LINES: RGBAColor = RGBAColor(255, 255, 255, 0.0);

/// Tick labels and axis names: 14 px in the 760-px-wide SVG, so at least 12 px wherever the
/// report shows the chart at 85% of its size or more (plotters' default is 9.7 px).
fn axis_font() -> TextStyle<'static> {
    ("sans-serif", 14).into_font().color(&RGBColor(40, 40, 40))
}

fn caption_font() -> TextStyle<'static> {
    ("sans-serif", 18).into_font().color(&BLACK)
}

/// Upper end of a probability axis: a little above the largest value, at least 5%, at most 1.
fn prob_axis_max(largest: f64) -> f64 {
    (largest * 1.15).clamp(0.05, 1.0)
}

// ---------------------------------------------------------------------------------------------
// (1) latency CDF of one flow

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

fn latency_cdf(summary: &Summary, run: &RunResult, s: &Scenario, i: usize) -> Chart {
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
    let title = format!(
        "Latency of {} ({} → {})",
        flow.id,
        consumer(s, i),
        producer(s, i)
    );
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
                ("sans-serif", 16).into_font(),
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
            .label_font(("sans-serif", 13))
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

fn consumer(s: &Scenario, i: usize) -> &str {
    &s.assets[s.flows[i].consumer.ix()].id
}

fn producer(s: &Scenario, i: usize) -> &str {
    &s.assets[s.flows[i].producer.ix()].id
}

// ---------------------------------------------------------------------------------------------
// (2) exposure over time

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

fn exposure_over_time(summary: &Summary, run: &RunResult, s: &Scenario) -> Chart {
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
    let title = "Exposure over time: P(compromised by day t)".to_string();
    let caption = format!(
        "For each plan, the share of simulated runs in which the attacker has reached a target \
         by day t of the {horizon_days:.0}-day horizon. Lower is better; a curve that flattens \
         early means the plan closed the exposure early. Grey bands are maintenance windows."
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
    let svg = render(&title, |root| {
        let top = prob_axis_max(
            curves
                .iter()
                .filter_map(|c| c.1.last().map(|p| p.1))
                .fold(0.0, f64::max),
        );
        let mut chart = ChartBuilder::on(root)
            .caption(&title, caption_font())
            .margin(12)
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
        let grey = RGBColor(215, 215, 215);
        for (k, (a, b)) in windows.iter().enumerate() {
            let band = chart.draw_series(std::iter::once(Rectangle::new(
                [
                    (*a, 0.0),
                    ((*b).min(horizon_days).max(*a + horizon_days / 400.0), top),
                ],
                grey.filled(),
            )))?;
            if k == 0 {
                band.label("maintenance window").legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 20, y + 5)], grey.filled())
                });
            }
        }
        for (j, (label, points)) in curves.iter().enumerate() {
            let color = plan_color(j);
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
                .label(label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(160, 160, 160))
            .label_font(("sans-serif", 13))
            .draw()?;
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

// ---------------------------------------------------------------------------------------------
// (3) exposure versus operational risk

fn exposure_vs_operations(summary: &Summary) -> Chart {
    let title = "Exposure versus operational risk".to_string();
    let caption =
        "Each plan as a point: P(a target is compromised) against P(an unplanned process \
                   trip), both over the horizon, with 95% intervals as bars. Lower left is \
                   better on both counts; a plan that moves down but right trades exposure for \
                   operational risk."
            .to_string();
    let points: Vec<(String, crate::Est, crate::Est)> = summary
        .plans
        .iter()
        .map(|p| (p.id.clone(), p.operations.p_trip, p.exposure.p_compromise))
        .collect();
    let svg = render(&title, |root| {
        let xmax = prob_axis_max(points.iter().map(|p| p.1.hi).fold(0.0, f64::max));
        let ymax = prob_axis_max(points.iter().map(|p| p.2.hi).fold(0.0, f64::max));
        let mut chart = ChartBuilder::on(root)
            .caption(&title, caption_font())
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..xmax, 0f64..ymax)?;
        chart
            .configure_mesh()
            .label_style(axis_font())
            .axis_desc_style(axis_font())
            .x_desc("P(unplanned process trip)")
            .y_desc("P(compromise)")
            .x_label_formatter(&pct_label)
            .y_label_formatter(&pct_label)
            .light_line_style(NO_LIGHT_LINES)
            .draw()?;
        let (cap_x, cap_y) = (xmax / 120.0, ymax / 70.0);
        for (j, (_, x, y)) in points.iter().enumerate() {
            let color = plan_color(j);
            let bar = color.stroke_width(2);
            let (xm, ym) = (x.mean, y.mean);
            let (xl, xh) = (x.lo.max(0.0), x.hi.min(1.0));
            let (yl, yh) = (y.lo.max(0.0), y.hi.min(1.0));
            chart.draw_series([
                PathElement::new(vec![(xl, ym), (xh, ym)], bar),
                PathElement::new(vec![(xl, ym - cap_y), (xl, ym + cap_y)], bar),
                PathElement::new(vec![(xh, ym - cap_y), (xh, ym + cap_y)], bar),
                PathElement::new(vec![(xm, yl), (xm, yh)], bar),
                PathElement::new(vec![(xm - cap_x, yl), (xm + cap_x, yl)], bar),
                PathElement::new(vec![(xm - cap_x, yh), (xm + cap_x, yh)], bar),
            ])?;
            chart.draw_series(std::iter::once(Circle::new((xm, ym), 6, color.filled())))?;
        }
        // Plan names beside their points, each at the first of a few spots that overlaps no
        // earlier name and no point (widths estimated at 0.6 em per character).
        let centres: Vec<(i32, i32)> = points
            .iter()
            .map(|(_, x, y)| chart.backend_coord(&(x.mean, y.mean)))
            .collect();
        let mut placed: Vec<(i32, i32, i32, i32)> = centres
            .iter()
            .map(|&(x, y)| (x - 7, y - 7, x + 7, y + 7))
            .collect();
        for (j, ((id, _, _), &(cx, cy))) in points.iter().zip(&centres).enumerate() {
            let w = (id.chars().count() as f64 * 8.4).ceil() as i32;
            let h = 16;
            let spots = [
                (cx + 10, cy - h - 4),
                (cx + 10, cy + 4),
                (cx - 10 - w, cy - h - 4),
                (cx - 10 - w, cy + 4),
                (cx - w / 2, cy - h - 14),
                (cx - w / 2, cy + 14),
            ];
            let free = |&(x, y): &(i32, i32)| {
                placed
                    .iter()
                    .all(|&(a, b, c, d)| x + w < a || x > c || y + h < b || y > d)
            };
            let (x, y) = spots.iter().copied().find(free).unwrap_or(spots[0]);
            placed.push((x, y, x + w, y + h));
            let style = ("sans-serif", 14)
                .into_font()
                .color(&plan_color(j))
                .pos(Pos::new(HPos::Left, VPos::Top));
            root.draw(&Text::new(id.clone(), (x, y), style))?;
        }
        Ok(())
    });
    Chart {
        kind: ChartKind::ExposureVsOperations,
        file: "exposure-vs-operations.svg".into(),
        title,
        caption,
        svg,
    }
}

// ---------------------------------------------------------------------------------------------
// (4) downtime distribution

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

fn downtime(summary: &Summary, run: &RunResult) -> Chart {
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
    let svg = render(&title, |root| {
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
        let style = ("sans-serif", 13)
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
            let mean = summary
                .plans
                .get(j)
                .map_or(0.0, |p| p.operations.downtime_h.mean);
            chart
                .draw_series(plan_shares.iter().enumerate().map(|(b, share)| {
                    let x0 = b as f64 + 0.1 + j as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width * 0.92, *share)], color.filled())
                }))?
                .label(format!("{} (mean {mean:.1} h)", run.plans[j].plan))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 20, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(160, 160, 160))
            .label_font(("sans-serif", 13))
            .draw()?;
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

#[cfg(test)]
mod file_name_tests {
    use super::file_safe;
    use std::collections::HashSet;

    #[test]
    fn safe_ids_keep_their_name_and_others_are_escaped() {
        assert_eq!(file_safe("scada_poll", 0), "scada_poll");
        assert_eq!(file_safe("scada.poll", 1), "scada.2epoll");
        assert_eq!(file_safe("PLC", 2), ".50.4c.43");
        assert_eq!(file_safe("a/b", 3), "a.2fb");
        assert_eq!(file_safe("é", 4), ".c3.a9");
    }

    /// The collision (`scada.poll` and `scada_poll` wrote the same chart) and its
    /// relatives, including ids that differ only in case (one file on macOS and Windows):
    /// all distinct, also after lower-casing.
    #[test]
    fn distinct_ids_give_distinct_names_even_ignoring_case() {
        let long_a = format!("{}a", "x.".repeat(80));
        let long_b = format!("{}b", "x.".repeat(80));
        let ids = [
            "scada.poll",
            "scada_poll",
            "scada-poll",
            "scada poll",
            "Scada_poll",
            "scada_Poll",
            "scada.2epoll",
            "plc",
            "PLC",
            "Plc",
            "a..0",
            long_a.as_str(),
            long_b.as_str(),
        ];
        let names: HashSet<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| file_safe(id, i).to_lowercase())
            .collect();
        assert_eq!(names.len(), ids.len(), "{names:?}");
        for n in &names {
            assert!(n.len() <= 110, "{n}");
            assert!(
                n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')),
                "{n}"
            );
        }
    }
}
