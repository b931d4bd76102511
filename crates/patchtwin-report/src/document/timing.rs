//! The report's communication-timing section: latency quantiles, deadline misses, timeouts
//! (and skipped poll arrivals, when any) of the key flows before and after each plan, with
//! their CDF charts.
//!
//! This module is not the latency measurement (the engine's histograms, read off in the
//! crate root's `flow_timing`); it lays out what the summary holds.

use super::*;

fn same_timing(a: &FlowTiming, b: &FlowTiming) -> bool {
    a.latency_ms == b.latency_ms
        && a.deadline_miss_rate == b.deadline_miss_rate
        && a.timeouts == b.timeouts
        && a.sent == b.sent
        && a.skipped == b.skipped
        && a.completed == b.completed
}

/// A row of the table; with `skipped`, the column of poll arrivals skipped.
fn timing_row(flow: &FlowTiming, when: Line, skipped: bool) -> Vec<Line> {
    let l = flow.latency_ms.as_ref();
    let q = |v: Option<f64>| v.map_or("—".to_string(), ms);
    let mut row = vec![
        vec![code(&flow.id)],
        when,
        cell(q(l.map(|l| l.p50))),
        cell(q(l.map(|l| l.p95))),
        cell(q(l.map(|l| l.p99))),
        cell(q(l.map(|l| l.max))),
        cell(q(l.map(|l| l.mean))),
        cell(ms(flow.deadline_ms)),
        cell(format!("{:.2}%", 100.0 * flow.deadline_miss_rate)),
        cell(flow.timeouts.to_string()),
    ];
    if skipped {
        row.push(cell(flow.skipped.to_string()));
    }
    row
}

pub(super) fn timing_section(summary: &Summary, charts: &[Chart]) -> Vec<Block> {
    let mut blocks = vec![heading(
        2,
        "Communication timing before and after",
        "timing",
    )];
    let Some(first) = summary.plans.first() else {
        return blocks;
    };
    let nflows = first.timing.flows.len();
    let key = key_flows(summary, MAX_FLOW_CHARTS);
    blocks.push(Block::Para(vec![t(format!(
        "Message-level traffic is simulated in an observation window of {}s per run before any \
         change, and in a second window of the same length once all of a plan's changes are \
         done — patches installed and assets back, controls in force — and the first window is \
         over (\"after\"). Shown: the {} of {nflows} flows closest to their deadline (largest \
         p99 latency relative to the deadline); every flow of every plan is in flows.csv. \
         Latencies in milliseconds: max and mean are exact; p50, p95 and p99 are read off a \
         histogram of 2 significant digits, each the top of its bucket, so they may read up to \
         0.8% high (0.4 ms at 80 ms) and never low.",
        summary.settings.observe_s,
        key.len()
    ))]));
    // The skipped-polls column only when a flow shown skipped any.
    let skipped = summary.plans.iter().any(|p| {
        key.iter().any(|&i| {
            let after = p.timing.after.as_ref().and_then(|a| a.get(i));
            p.timing
                .flows
                .get(i)
                .into_iter()
                .chain(after)
                .any(|f| f.skipped > 0)
        })
    });
    let mut rows = Vec::new();
    for &i in &key {
        let befores: Vec<&FlowTiming> = summary
            .plans
            .iter()
            .filter_map(|p| p.timing.flows.get(i))
            .collect();
        if befores.iter().all(|f| same_timing(f, befores[0])) {
            rows.push(timing_row(befores[0], cell("before (all plans)"), skipped));
        } else {
            for (p, f) in summary.plans.iter().zip(&befores) {
                rows.push(timing_row(f, vec![t("before, "), code(&p.id)], skipped));
            }
        }
        for p in &summary.plans {
            if let Some(f) = p.timing.after.as_ref().and_then(|a| a.get(i)) {
                rows.push(timing_row(f, vec![t("after, "), code(&p.id)], skipped));
            }
        }
    }
    let mut head: Vec<String> = [
        "flow",
        "when",
        "p50",
        "p95",
        "p99",
        "max",
        "mean",
        "deadline",
        "miss rate",
        "timeouts",
    ]
    .map(String::from)
    .to_vec();
    let mut right = vec![false, false, true, true, true, true, true, true, true, true];
    if skipped {
        head.push("skipped".to_string());
        right.push(true);
    }
    blocks.push(Block::Table { head, right, rows });
    if skipped {
        blocks.push(Block::Para(vec![t(
            "skipped: poll arrivals the master let pass because its previous request was still \
             outstanding (it keeps one request in flight): at Poisson arrivals of rate λ and a \
             busy time B per poll it sends λ / (1 + λ·B), not λ.",
        )]));
    }
    let without_after: Vec<&str> = summary
        .plans
        .iter()
        .filter(|p| p.timing.after.is_none())
        .map(|p| p.id.as_str())
        .collect();
    if !without_after.is_empty() {
        let mut line = vec![t("No \"after\" window for ")];
        for (k, id) in without_after.iter().enumerate() {
            if k > 0 {
                line.push(t(", "));
            }
            line.push(code(*id));
        }
        line.push(t(
            ": the plan changes nothing on the network, or its changes did not complete within \
             the horizon in any run.",
        ));
        blocks.push(Block::Para(line));
    }
    blocks.extend(crate::deadline::blocks(summary));
    for c in charts {
        if matches!(c.kind, ChartKind::LatencyCdf(_)) {
            blocks.push(Block::Figure(c.clone()));
        }
    }
    blocks
}
