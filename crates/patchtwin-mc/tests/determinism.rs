//! Bit-identical results for any thread count: the same scenario and seed must give the same
//! merged statistics with 1, 2 and 8 worker threads — per flow, per plan, and the paired
//! differences against the baseline and between every pair of plans. On failure the message
//! names the first flow, plan or pair and the field that differ.

use patchtwin_mc::estimate::Moments;
use patchtwin_mc::{McSettings, PlanResult, RunResult, run};
use patchtwin_scenario::load_file;
use patchtwin_sim::Compiled;
use std::path::Path;
use std::sync::Arc;

mod common;

/// Every exact field of every flow, as (flow id, field, value) rows.
fn digest(model: &Compiled, results: &[PlanResult]) -> Vec<(String, &'static str, String)> {
    let mut rows = Vec::new();
    for r in results {
        for (f, st) in model.scenario.flows.iter().zip(&r.flows) {
            let id = format!("{}/{}", r.plan, f.id);
            let h = st.latency_histogram();
            let fields: [(&'static str, String); 9] = [
                ("sent", st.sent.to_string()),
                ("completed", st.completed.to_string()),
                ("timeouts", st.timeouts.to_string()),
                ("deadline_misses", st.deadline_misses.to_string()),
                ("latency_sum_ns", st.latency_sum_ns.to_string()),
                ("latency_sumsq_ns", st.latency_sumsq_ns.to_string()),
                (
                    "latency_min_max_ns",
                    format!("{} {}", st.latency_min_ns, st.latency_max_ns),
                ),
                (
                    "histogram",
                    format!(
                        "{} {} {} {}",
                        h.len(),
                        h.value_at_quantile(0.5),
                        h.value_at_quantile(0.99),
                        h.max()
                    ),
                ),
                (
                    "lost/stale/comm_fail",
                    format!("{} {} {}", st.lost, st.stale_events, st.comm_fail_events),
                ),
            ];
            for (name, v) in fields {
                rows.push((id.clone(), name, v));
            }
        }
        rows.push((r.plan.clone(), "events", r.events.to_string()));
    }
    rows
}

fn moments(m: &Moments) -> String {
    format!("{} {} {}", m.n, m.sum, m.sumsq)
}

/// Every exact accumulator of the paired differences, as (pair, field, value) rows: each plan
/// against the baseline, then every pair of plans.
fn paired_digest(r: &RunResult) -> Vec<(String, &'static str, String)> {
    let mut rows = Vec::new();
    for c in &r.comparisons {
        let id = format!("{} − {}", c.plan_a, c.plan_b);
        for (name, m) in [
            ("d_compromise", &c.d_compromise),
            ("d_trip", &c.d_trip),
            ("d_downtime_h", &c.d_downtime_h),
            ("d_loss", &c.d_loss),
            ("d_dual_success", &c.d_dual_success),
        ] {
            rows.push((id.clone(), name, moments(m)));
        }
    }
    for w in &r.pairwise {
        let id = format!("{} − {}", w.plan_a, w.plan_b);
        for (name, m) in [
            ("d_compromise", &w.d_compromise),
            ("d_trip", &w.d_trip),
            ("d_downtime_h", &w.d_downtime_h),
            ("d_loss", &w.d_loss),
            ("d_dual_success", &w.d_dual_success),
        ] {
            rows.push((id.clone(), name, moments(m)));
        }
    }
    rows
}

/// Every exact accumulator of a run: flows, plans and paired differences.
fn full_digest(model: &Compiled, r: &RunResult) -> Vec<(String, &'static str, String)> {
    let mut rows = digest(model, &r.plans);
    for p in &r.plans {
        for (name, value) in [
            (
                "runs_dual_success",
                p.exposure.runs_dual_success.to_string(),
            ),
            ("runs_compromised", p.exposure.runs_compromised.to_string()),
            ("loss", moments(&p.exposure.loss)),
            ("downtime_h", moments(&p.ops.downtime_h)),
        ] {
            rows.push((p.plan.clone(), name, value));
        }
    }
    rows.extend(paired_digest(r));
    rows
}

#[test]
fn results_are_identical_for_1_2_and_8_threads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/water-treatment.yaml");
    let loaded = load_file(&root).unwrap_or_else(|d| panic!("{}", d.render()));
    let model = Compiled::new(Arc::new(loaded.scenario));
    // Every plan, so that the pairs include two alternatives, neither of them the baseline.
    let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
    assert!(plans.len() >= 3);
    let at = |threads| {
        let settings = McSettings {
            threads,
            ..common::mc_settings(24, 42, 5_000_000_000)
        };
        full_digest(
            &model,
            &run(&model, &plans, settings, &|_| {}).expect("run"),
        )
    };
    let one = at(1);
    assert!(
        one.iter().filter(|row| row.0.contains(" − ")).count() >= 5 * (3 + 6),
        "the digest holds every comparison and every pair"
    );
    for threads in [2, 8] {
        let other = at(threads);
        assert_eq!(one.len(), other.len());
        if let Some((a, b)) = one.iter().zip(&other).find(|(a, b)| a != b) {
            panic!(
                "{threads} threads differ from 1 thread first at {} `{}`: {} vs {}",
                a.0, a.1, a.2, b.2
            );
        }
    }
}

#[test]
fn different_seeds_give_different_draws() {
    // Guards the test above against a stream that ignores its seed.
    use rand::Rng;
    let first = |seed, i| patchtwin_mc::stream(seed, i).next_u64();
    assert_ne!(first(1, 0), first(2, 0));
    assert_ne!(first(1, 0), first(1, 1));
    assert_eq!(first(1, 0), first(1, 0));
}

#[test]
fn any_split_into_parts_merges_to_the_same_bits() {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/ews-actively-exploited.yaml");
    let loaded = load_file(&root).unwrap_or_else(|d| panic!("{}", d.render()));
    let model = Compiled::new(Arc::new(loaded.scenario));
    let plans: Vec<usize> = (0..model.scenario.plans.len()).collect();
    let settings = common::mc_settings(48, 8, 1_000_000_000);
    let whole = run(&model, &plans, settings, &|_| {}).expect("run");
    for cuts in [vec![17u64], vec![1, 30, 47], vec![24]] {
        let mut bounds = vec![0];
        bounds.extend(cuts.iter().copied());
        bounds.push(48);
        let mut merged: Option<patchtwin_mc::RunResult> = None;
        // Merge in reverse order too: exact accumulators do not care.
        for w in bounds.windows(2).rev() {
            let part = patchtwin_mc::run_range(&model, &plans, w[0]..w[1], settings, &|_| {})
                .expect("part");
            match &mut merged {
                None => merged = Some(part),
                Some(m) => m.merge(&part),
            }
        }
        let merged = merged.expect("parts");
        let (a, b) = (full_digest(&model, &whole), full_digest(&model, &merged));
        if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
            panic!(
                "split at {cuts:?} differs first at {} `{}`: {} vs {}",
                x.0, x.1, x.2, y.2
            );
        }
        for (x, y) in whole.plans.iter().zip(&merged.plans) {
            assert_eq!(
                x.ops.downtime_h, y.ops.downtime_h,
                "{}: downtime moments",
                x.plan
            );
            assert_eq!(x.exposure.runs_compromised, y.exposure.runs_compromised);
            assert_eq!(x.exposure.ttc_minutes, y.exposure.ttc_minutes);
        }
        for (x, y) in whole.comparisons.iter().zip(&merged.comparisons) {
            assert_eq!(
                (x.d_compromise, x.d_downtime_h, x.d_loss),
                (y.d_compromise, y.d_downtime_h, y.d_loss),
                "{}: paired moments",
                x.plan_a
            );
        }
    }
}

#[test]
fn target_ci_stops_when_intervals_are_narrow_enough_or_at_the_cap() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/packaging-line.yaml");
    let model = Compiled::new(Arc::new(
        load_file(&root)
            .unwrap_or_else(|d| panic!("{}", d.render()))
            .scenario,
    ));
    let plans = vec![0, 1];
    let settings = common::mc_settings(0, 8, 100_000_000);
    let (r, why) = patchtwin_mc::merge::run_until(&model, &plans, settings, 0.3, 50, 2000, &|_| {})
        .expect("run");
    match why {
        patchtwin_mc::merge::StopReason::TargetReached { runs, widest } => {
            assert!(widest < 0.3 && runs < 2000, "{runs} runs, widest {widest}");
            assert!(r.widest_headline().0 < 0.3);
        }
        other => panic!("a 0.3 width is reachable well before 2000 runs: {other:?}"),
    }
    let (_, why) = patchtwin_mc::merge::run_until(&model, &plans, settings, 1e-6, 50, 100, &|_| {})
        .expect("run");
    assert!(
        matches!(
            why,
            patchtwin_mc::merge::StopReason::CapReached { runs: 100, .. }
        ),
        "{why:?}"
    );
}
