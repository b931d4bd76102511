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
//!
//! Submodules, one per chart kind: `latency` (CDF of one flow), `exposure` (P(compromised by
//! t)), `risk` (exposure versus operations) and `downtime` (unplanned downtime classes); and
//! two helpers they share: `legend` (legends in a band below the plot, never on the data) and
//! `ticks` (decade ticks of a log axis). Issue 17's charts: `exceedance` (loss exceedance per
//! plan with the risk appetite) and `tornado` (sensitivity), with the same `legend`. This module holds the rest of what they share: sizes, palette, fonts,
//! axis labels and the SVG rendering.

mod downtime;
mod exceedance;
mod exposure;
mod latency;
mod legend;
mod risk;
mod ticks;
mod tornado;

use downtime::downtime;
pub use downtime::{downtime_class_labels, downtime_classes};
pub use exceedance::{exceedance_at, exceedance_steps};
use exposure::exposure_over_time;
pub use exposure::{WINDOW_FILL, WINDOW_MIN_PX, WINDOW_OPACITY};
pub use latency::flow_direction;
use latency::latency_cdf;
use risk::exposure_vs_operations;
pub use tornado::{tornado_chart, tornado_charts};

pub use crate::blocks::{Chart, ChartKind};
use crate::{FlowTiming, Summary};
use hdrhistogram::Histogram;
use patchtwin_mc::RunResult;
use patchtwin_model::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
    charts.extend(exceedance::loss_exceedance(summary));
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
    render_with_legend(title, &[], draw)
}

/// [`render`] with a legend: the chart is drawn at [`SIZE`] and `legend` in a band below it
/// (`legend`), outside the plot area, so no entry covers the data.
fn render_with_legend(
    title: &str,
    entries: &[legend::Entry],
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
) -> String {
    let mut buf = String::new();
    let band = legend::height(entries, SIZE.0);
    let outcome = {
        let root = SVGBackend::with_string(&mut buf, (SIZE.0, SIZE.1 + band)).into_drawing_area();
        let (plot, below) = root.split_vertically(SIZE.1);
        let drawn = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|()| draw(&plot).map_err(|e| e.to_string()))
            .and_then(|()| legend::draw(&below, entries).map_err(|e| e.to_string()));
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
/// Smallest text a chart draws, in rendered pixels (issue 16: axis text at 9.7 px was unreadable).
pub const MIN_TEXT_PX: f64 = 12.0;

/// The plotters font size that renders as `px` pixels: its SVG backend writes text at 1/1.24 of
/// the size it is given.
fn font_px(px: f64) -> f64 {
    px * 1.24
}

/// Legend text.
fn legend_font() -> TextStyle<'static> {
    ("sans-serif", font_px(MIN_TEXT_PX + 0.5))
        .into_font()
        .into()
}

fn axis_font() -> TextStyle<'static> {
    ("sans-serif", font_px(MIN_TEXT_PX + 0.5))
        .into_font()
        .color(&RGBColor(40, 40, 40))
}

fn caption_font() -> TextStyle<'static> {
    ("sans-serif", font_px(15.0)).into_font().color(&BLACK)
}

/// Space between a chart's title and its plot where a label names a line or band at the
/// plot's top edge (the deadline, the first maintenance window), pixels.
const TITLE_GAP: u32 = 26;

/// Upper end of a probability axis: a little above the largest value, at least 5%, at most 1.
fn prob_axis_max(largest: f64) -> f64 {
    (largest * 1.15).clamp(0.05, 1.0)
}

/// Issue 16: identical series hide each other (5 plans, 4 visible lines) with nothing saying
/// so. Appends " (same as NAME)" to the label of every series whose points equal an earlier
/// series', naming the first such series; `names[k]` is how series `k` is referred to.
pub fn mark_identical(names: &[String], labels: &mut [String], series: &[&[(f64, f64)]]) {
    for j in 1..series.len() {
        if let Some(k) = (0..j).find(|&k| series[k] == series[j]) {
            labels[j] = format!("{} (same as {})", labels[j], names[k]);
        }
    }
}

#[cfg(test)]
mod identical_series_tests {
    use super::mark_identical;

    #[test]
    fn a_series_equal_to_an_earlier_one_names_the_first() {
        let a = [(0.0, 0.1), (1.0, 0.5)];
        let b = [(0.0, 0.1), (1.0, 0.6)];
        let names: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let mut labels = names.clone();
        mark_identical(&names, &mut labels, &[&a, &b, &a, &b]);
        assert_eq!(labels, ["a", "b", "c (same as a)", "d (same as b)"]);
        let mut one = vec!["x".to_string()];
        mark_identical(&names[..1], &mut one, &[&a]);
        assert_eq!(one, ["x"]);
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
