//! Timing estimated over observation windows converges as the windows grow: for every flow of a
//! shipped plant, the mean latency measured over a 4× longer window lies inside the shorter
//! window's confidence interval, and the interval narrows.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

mod common;

/// Per flow: (mean over replications of the per-replication mean latency, 99.9% half-width).
fn estimate(
    model: &Compiled,
    observe_s: u64,
    seeds: std::ops::Range<u64>,
) -> Vec<Option<(f64, f64)>> {
    let settings = model.run_settings(observe_s * 1_000_000_000);
    let per_rep: Vec<Vec<Option<f64>>> = seeds
        .map(|seed| {
            let (out, _) =
                Replication::new(model, 0, settings, Pcg64Mcg::seed_from_u64(seed)).run();
            out.flows.iter().map(|f| f.mean_latency_ns()).collect()
        })
        .collect();
    (0..model.flows.len())
        .map(|fi| {
            let xs: Vec<f64> = per_rep.iter().filter_map(|r| r[fi]).collect();
            if xs.len() < per_rep.len() {
                return None;
            }
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            Some((mean, 3.29 * (var / n).sqrt()))
        })
        .collect()
}

#[test]
fn timing_converges_as_windows_grow() {
    let model = common::shipped("ews-actively-exploited.yaml");
    let short = estimate(&model, 10, 0..24);
    let long = estimate(&model, 40, 100..124);
    let mut compared = 0;
    let mut narrower = 0;
    for (fi, (s, l)) in short.iter().zip(&long).enumerate() {
        let (Some((ms, hs)), Some((ml, hl))) = (s, l) else {
            continue;
        };
        let id = &model.scenario.flows[fi].id;
        // Both are estimates; their difference must lie within the combined interval.
        let combined = (hs * hs + hl * hl).sqrt();
        assert!(
            (ms - ml).abs() <= combined.max(1.0),
            "flow {id}: mean latency {ms:.0} ns over 10 s vs {ml:.0} ns over 40 s (±{combined:.0})"
        );
        compared += 1;
        if hl <= hs {
            narrower += 1;
        }
    }
    assert!(compared >= 10, "only {compared} flows compared");
    // With 4× the samples the interval should halve; allow sampling noise on a few flows.
    assert!(
        narrower * 10 >= compared * 8,
        "only {narrower} of {compared} intervals narrowed"
    );
}

/// Polls or publications a periodic flow fires in a window of `window` ns: at `phase`,
/// `phase + period`, … while before the window's end.
fn fires_in_window(phase: u64, period: u64, window: u64) -> u64 {
    if phase >= window {
        0
    } else {
        (window - phase).div_ceil(period)
    }
}

/// The substation with its IPS signature (`vpatch-wan`, the plan `virtual-patch-now`)
/// tuned in `deploy_time` and never failing: in force while the baseline window runs.
fn substation_with_a_quick_virtual_patch(deploy_time: &str) -> Compiled {
    let text =
        std::fs::read_to_string(common::shipped_path("substation.yaml")).expect("substation.yaml");
    let slow = "deploy_time: {triangular: {min: 2h, mode: 8h, max: 2d}}   # tune in alert mode, then block\n    failure_probability: 0.05";
    assert!(
        text.contains(slow),
        "substation.yaml changed: update this test"
    );
    let text = text.replace(
        slow,
        &format!("deploy_time: {deploy_time}\n    failure_probability: 0.0"),
    );
    let loaded = load_str(&text, "substation.yaml", &ModelLibrary::builtin())
        .unwrap_or_else(|d| panic!("{}", d.render()));
    Compiled::new(Arc::new(loaded.scenario))
}

/// The "after" window never overlaps the baseline window. Here the virtual patch is in force
/// 0.5 s into a 2 s baseline window: both windows must still be whole, each flow firing
/// exactly as often as its period and phase say (hand count) — not a baseline cut short at
/// 0.5 s and an "after" window with every flow firing twice over.
#[test]
fn after_window_waits_for_the_baseline_window() {
    let model = substation_with_a_quick_virtual_patch("500ms");
    let plan = common::plan_index(&model, "virtual-patch-now");
    let window = 2_000_000_000;
    let settings = model.run_settings(window);
    let (out, _) = Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(5)).run();
    assert_eq!(
        out.ops.changes_done_at,
        Some(500_000_000),
        "the virtual patch is in force 0.5 s in, inside the baseline window"
    );
    let mut checked = 0;
    for (fi, f) in model.flows.iter().enumerate() {
        if f.poisson {
            continue;
        }
        let expected = fires_in_window(f.phase_ns, f.period_ns, window);
        let id = &model.scenario.flows[fi].id;
        let (before, after) = (&out.flows[fi], &out.flows_after[fi]);
        // A poll is not sent while the previous one is unanswered; these plants answer well
        // within the period, so every period sends one.
        assert_eq!(before.sent, expected, "{id}: baseline window");
        assert_eq!(after.sent, expected, "{id}: after window");
        assert!(
            before.completed > 0 && after.completed > 0,
            "{id}: traffic in both windows"
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} periodic flows checked");
}

/// A plan of controls has made its change when the control is in force, not when it is
/// switched on: the substation's IPS signature takes hours of tuning, and the "after" window
/// must see its inspection latency. `changes_done_at` is the time the trace says it took
/// effect.
#[test]
fn a_control_counts_as_done_when_it_is_in_force() {
    let model = common::shipped("substation.yaml");
    let plan = common::plan_index(&model, "virtual-patch-now");
    let settings = model.run_settings(2_000_000_000);
    let mut effective_runs = 0;
    for seed in 0..8 {
        let (out, trace) = Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(seed))
            .with_trace()
            .run();
        let in_force = trace
            .iter()
            .find(|l| l.entity == "vpatch-wan" && l.text.starts_with("in effect"))
            .map(|l| l.time);
        let failed = trace
            .iter()
            .any(|l| l.entity == "vpatch-wan" && l.text.contains("failed"));
        if failed {
            // Switching on failed: nothing more will happen, the action is over at once.
            assert_eq!(out.ops.changes_done_at, Some(0), "seed {seed}");
        } else {
            let t = in_force.unwrap_or_else(|| panic!("seed {seed}: no 'in effect' line"));
            assert!(
                t >= 2 * 3_600_000_000_000,
                "seed {seed}: tuning takes at least 2 h"
            );
            assert_eq!(out.ops.changes_done_at, Some(t), "seed {seed}");
            effective_runs += 1;
        }
    }
    assert!(
        effective_runs >= 6,
        "only {effective_runs} runs put the control in force"
    );
}
