//! The comparison table printed on stdout: per plan P(compromise), P(dual success), time to
//! compromise and expected loss; paired differences against the baseline; operations; then per
//! plan the flows closest to their deadline, the BOD 26-04 lines and the recommendation.
//!
//! This module is not the report (`document`) and computes nothing: it lays out the summary's
//! numbers in fixed-width columns.

use crate::{Est, FlowTiming, PlanSummary, Summary, bod, recommend};
use std::fmt::Write as _;

/// One plan's timing for stdout. With an "after" window, what the engineer rehearsing the plan
/// needs: the flows closest to their deadline once the changes are in, each with its baseline
/// p99 beside it. Without one (the plan changes nothing, or its changes did not complete a
/// whole window before the horizon), the baseline window: the plant before the plan's changes
/// (the same under every plan, unless a change takes effect inside the baseline window).
fn plan_timing(out: &mut String, p: &PlanSummary, rows_per_plan: usize) {
    let (shown, before) = match &p.timing.after {
        Some(after) => {
            let completed = p.operations.changes_completed;
            let _ = writeln!(
                out,
                "  timing after the plan's changes{}, with the baseline p99 beside it",
                if completed < 1.0 {
                    // Rounded down: 99.96% must not read "100%".
                    format!(
                        " (from the {:.1}% of runs where every change completed)",
                        (1000.0 * completed).floor() / 10.0
                    )
                } else {
                    String::new()
                }
            );
            (after, Some(&p.timing.flows))
        }
        None => {
            let _ = writeln!(
                out,
                "  baseline timing (no after window: the plan changes nothing, or its changes \
                 did not complete a whole window before the horizon)"
            );
            (&p.timing.flows, None)
        }
    };
    let fw = shown
        .iter()
        .map(|f| f.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(34);
    let _ = writeln!(
        out,
        "  {:<fw$} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}{}",
        "flow (closest to deadline first)",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "deadline",
        "miss %",
        "timeouts",
        if before.is_some() {
            format!(" {:>11}", "p99 before")
        } else {
            String::new()
        }
    );
    // Flows in order of their p99 relative to the deadline, worst first; a flow with nothing
    // completed first of all.
    let key = |f: &FlowTiming| {
        f.latency_ms
            .as_ref()
            .map_or(f64::INFINITY, |l| l.p99 / f.deadline_ms.max(1e-9))
    };
    let mut order: Vec<usize> = (0..shown.len()).collect();
    order.sort_by(|&a, &b| {
        key(&shown[b])
            .total_cmp(&key(&shown[a]))
            .then_with(|| shown[a].id.cmp(&shown[b].id))
    });
    let q = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x:.3}"));
    for &i in order.iter().take(rows_per_plan) {
        let f = &shown[i];
        let l = f.latency_ms.as_ref();
        let _ = writeln!(
            out,
            "  {:<fw$} {:>9} {:>9} {:>9} {:>9} {:>9.3} {:>7.2}% {:>9}{}",
            f.id,
            q(l.map(|l| l.p50)),
            q(l.map(|l| l.p95)),
            q(l.map(|l| l.p99)),
            q(l.map(|l| l.max)),
            f.deadline_ms,
            100.0 * f.deadline_miss_rate,
            f.timeouts,
            before.map_or(String::new(), |b| format!(
                " {:>11}",
                q(b[i].latency_ms.as_ref().map(|l| l.p99))
            ))
        );
    }
    if shown.len() > rows_per_plan {
        let _ = writeln!(
            out,
            "  … {} more flows in summary.json",
            shown.len() - rows_per_plan
        );
    }
}

/// The comparison table for stdout: per plan, the flows closest to their deadline. Plan ids
/// are shown whole (the column is as wide as the longest); money carries the scenario's
/// currency; the abbreviations are explained under the tables that use them.
pub fn table(summary: &Summary, rows_per_plan: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scenario {}  ·  {} runs per plan  ·  seed {}  ·  timing observed over {}s per run  ·  {} {}",
        summary.scenario.name,
        summary.settings.runs,
        summary.settings.seed,
        summary.settings.observe_s,
        summary.tool.name,
        summary.tool.version
    );
    if !summary.plans_not_run.is_empty() {
        let _ = writeln!(
            out,
            "plans not rehearsed (left out with --plans): {}",
            summary.plans_not_run.join(", ")
        );
    }
    let cur = if summary.scenario.currency.is_empty() {
        String::new()
    } else {
        format!(" {}", summary.scenario.currency)
    };
    let w = summary
        .plans
        .iter()
        .map(|p| p.id.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    plans_table(&mut out, summary, w, &cur);
    comparisons_table(&mut out, summary, w);
    operations_table(&mut out, summary, w, &cur);
    let _ = writeln!(
        out,
        "\nlatencies in ms: p50/p95/p99 are read off a histogram of 2 significant digits (each \
         the top of its bucket, at most 0.8% above the exact value); max is exact"
    );
    for p in &summary.plans {
        let _ = writeln!(
            out,
            "\nplan {}{}",
            p.id,
            if p.description.is_empty() {
                String::new()
            } else {
                format!(" — {}", p.description)
            }
        );
        plan_timing(&mut out, p, rows_per_plan);
    }
    out.push_str(&crate::rollout::text(summary));
    out.push_str(&bod::text(summary));
    if let Some(r) = &summary.recommendation {
        out.push_str(&recommend::text(r));
    }
    out
}

/// A probability with its interval, in percent, for the fixed-width tables.
fn pct(e: &Est) -> String {
    format!(
        "{:>5.1}% [{:.1}–{:.1}]",
        100.0 * e.mean,
        100.0 * e.lo,
        100.0 * e.hi
    )
}

/// A non-negative quantity with its interval (the lower end clamped at 0).
fn num(e: &Est) -> String {
    format!("{:>7.2} [{:.2}–{:.2}]", e.mean, e.lo.max(0.0), e.hi)
}

/// Per plan: P(compromise), P(dual success), TTC and expected loss. `w` is the plan column's
/// width, `cur` the currency suffix.
fn plans_table(out: &mut String, summary: &Summary, w: usize, cur: &str) {
    let _ = writeln!(out, "\nper plan (95% intervals)");
    let _ = writeln!(
        out,
        "  {:<w$} {:>22} {:>22} {:>14} {:>20}",
        "plan",
        "P(compromise)",
        "P(dual success)",
        "TTC days p50",
        format!("expected loss{cur}")
    );
    for p in &summary.plans {
        let ttc = p
            .exposure
            .ttc_days
            .p50
            .map_or("never".to_string(), |d| format!("{d:.1}"));
        let _ = writeln!(
            out,
            "  {:<w$} {:>22} {:>22} {:>14} {:>20}",
            p.id,
            pct(&p.exposure.p_compromise),
            pct(&p.dual_success),
            ttc,
            format!("{}{cur}", crate::format::thousands(p.expected_loss.mean))
        );
    }
    let _ = writeln!(
        out,
        "  TTC = time to compromise: days from the start until an attacker reaches a target, \
         median over the runs where one does (\"never\": in no run)"
    );
}

/// Each plan minus the baseline, paired (nothing when there is no comparison).
fn comparisons_table(out: &mut String, summary: &Summary, w: usize) {
    if !summary.comparisons.is_empty() {
        let base = &summary.comparisons[0].baseline;
        let sign = |e: &Est, scale: f64, unit: &str| {
            format!(
                "{:+.1}{unit} [{:+.1}, {:+.1}]",
                scale * e.mean,
                scale * e.lo,
                scale * e.hi
            )
        };
        let _ = writeln!(
            out,
            "\neach plan minus `{base}`, paired over the same replications (95% intervals)"
        );
        let _ = writeln!(
            out,
            "  {:<w$} {:>26} {:>26} {:>26}",
            "plan", "Δ P(compromise)", "Δ P(trip)", "Δ downtime h"
        );
        for c in &summary.comparisons {
            let _ = writeln!(
                out,
                "  {:<w$} {:>26} {:>26} {:>26}",
                c.plan,
                sign(&c.delta_p_compromise, 100.0, " pt"),
                sign(&c.delta_p_trip, 100.0, " pt"),
                sign(&c.delta_downtime_h, 1.0, "")
            );
        }
        let _ = writeln!(
            out,
            "  pt = percentage points: the difference of two percentages (30% against 20% is +10 pt)"
        );
    }
}

/// Per plan: P(process trip), unplanned downtime, its cost, P(patch rollback), P(window
/// overrun).
fn operations_table(out: &mut String, summary: &Summary, w: usize, cur: &str) {
    let _ = writeln!(out, "\noperations per plan (95% intervals)");
    let _ = writeln!(
        out,
        "  {:<w$} {:>22} {:>24} {:>18} {:>22} {:>22}",
        "plan",
        "P(process trip)",
        "unplanned downtime h",
        format!("cost{cur}"),
        "P(patch rollback)",
        "P(window overrun)"
    );
    for p in &summary.plans {
        let o = &p.operations;
        let _ = writeln!(
            out,
            "  {:<w$} {:>22} {:>24} {:>18} {:>22} {:>22}",
            p.id,
            pct(&o.p_trip),
            num(&o.downtime_h),
            format!("{}{cur}", crate::format::thousands(o.downtime_cost.mean)),
            pct(&o.p_patch_failure),
            pct(&o.p_window_overrun)
        );
    }
}
