//! Hand-made summaries the recommendation and the derivation tests read.

use patchtwin_report::{
    Comparison, EngineInfo, Est, Exposure, Operations, PairDifference, PlanSummary, ScenarioInfo,
    SettingsInfo, Summary, Timing, TtcDays,
};

pub(crate) fn est(mean: f64, lo: f64, hi: f64) -> Est {
    Est { mean, lo, hi }
}

/// A plan with P(dual success) `dual` [`lo`, `hi`] and expected loss `loss`; the rest follows.
pub(crate) fn plan_summary(id: &str, dual: f64, lo: f64, hi: f64, loss: f64) -> PlanSummary {
    let p = |x: f64| est(x, (x - 0.02).max(0.0), (x + 0.02).min(1.0));
    let n = |x: f64| est(x, 0.9 * x, 1.1 * x);
    PlanSummary {
        id: id.into(),
        description: String::new(),
        timing: Timing {
            flows: vec![],
            after: None,
            link_messages: vec![],
        },
        operations: Operations {
            p_trip: p(0.8 * (1.0 - dual)),
            downtime_h: n(30.0 * (1.0 - dual)),
            downtime_cost: n(0.2 * loss),
            p_patch_failure: if id == "defer" { p(0.0) } else { p(0.2) },
            deployment_failure_rate: p(0.1),
            p_window_overrun: p(0.0),
            window_overrun_h: n(0.0),
            loss_of_view_h: n(0.0),
            loss_of_control_h: n(0.0),
            historian_gap_h: n(0.0),
            faults_per_run: 0.0,
            deployments_per_run: 2.0,
            changes_completed: 1.0,
        },
        exposure: Exposure {
            p_compromise: p(1.0 - dual),
            ttc_days: TtcDays {
                p5: Some(3.0),
                p50: Some(25.0),
                p95: Some(80.0),
            },
            exposure_days: n(40.0),
            p_detected_before_impact: p(0.1),
            foothold_share: 0.9,
            impact_cost: n(0.8 * loss),
        },
        saturated_queues: Vec::new(),
        consequences: None,
        rollout: Default::default(),
        dual_success: est(dual, lo, hi),
        expected_loss: n(loss),
    }
}

pub(crate) fn comparison(
    plan: &str,
    d_comp: Est,
    d_trip: Est,
    d_loss: Est,
    d_dual: Est,
) -> Comparison {
    Comparison {
        plan: plan.into(),
        baseline: "defer".into(),
        delta_p_compromise: d_comp,
        delta_p_trip: d_trip,
        delta_downtime_h: est(-20.0, -22.0, -18.0),
        delta_expected_loss: d_loss,
        delta_dual_success: d_dual,
    }
}

pub(crate) fn summary(plans: Vec<PlanSummary>, comparisons: Vec<Comparison>) -> Summary {
    Summary {
        format: "patchtwin-summary/0.1",
        tool: patchtwin_report::TOOL,
        scenario: ScenarioInfo {
            name: "hand-made".into(),
            sha256: String::new(),
            currency: "EUR".into(),
        },
        plans_not_run: vec![],
        settings: SettingsInfo {
            runs: 1000,
            seed: 1,
            horizon_s: 90.0 * 86400.0,
            observe_s: 60.0,
            stop: "fixed".into(),
        },
        engine: EngineInfo {
            events: 0,
            wall_s: 0.0,
            threads: 1,
        },
        plans,
        comparisons,
        pairwise: vec![],
        ssvc: vec![],
        bod_26_04: vec![],
        provenance: patchtwin_report::provenance::Provenance::new("", 1, 1000, vec![]),
        recommendation: None,
        loss_exceedance: patchtwin_report::appetite::LossExceedance {
            plans: vec![],
            appetite: None,
        },
    }
}

/// The paired differences `a − b` of two plans, as `pairwise` carries them.
pub(crate) fn pair(a: &str, b: &str, d_dual: Est, d_loss: Est) -> PairDifference {
    PairDifference {
        plan_a: a.into(),
        plan_b: b.into(),
        delta_dual_success: d_dual,
        delta_expected_loss: d_loss,
        delta_p_compromise: est(0.0, -0.01, 0.01),
        delta_p_trip: est(0.0, -0.01, 0.01),
        delta_downtime_h: est(0.0, -1.0, 1.0),
    }
}

/// `e` taken the other way round.
pub(crate) fn neg(e: Est) -> Est {
    est(-e.mean, -e.hi, -e.lo)
}

pub(crate) fn three_plans() -> Summary {
    let mut s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_489_711.0),
            plan_summary("patch-now", 0.84, 0.815, 0.86, 1_214_943.0),
            plan_summary("controls-then-window", 0.959, 0.945, 0.970, 302_807.0),
        ],
        vec![
            comparison(
                "patch-now",
                est(-0.572, -0.603, -0.541),
                est(-0.561, -0.592, -0.530),
                est(-4.27e6, -4.6e6, -3.9e6),
                est(0.572, 0.541, 0.603),
            ),
            comparison(
                "controls-then-window",
                est(-0.692, -0.721, -0.663),
                est(0.001, -0.004, 0.006),
                est(-5.19e6, -5.5e6, -4.9e6),
                est(0.689, 0.66, 0.72),
            ),
        ],
    );
    s.pairwise = vec![
        pair(
            "defer",
            "patch-now",
            est(-0.572, -0.603, -0.541),
            est(4.27e6, 3.9e6, 4.6e6),
        ),
        pair(
            "defer",
            "controls-then-window",
            est(-0.689, -0.72, -0.66),
            est(5.19e6, 4.9e6, 5.5e6),
        ),
        pair(
            "patch-now",
            "controls-then-window",
            est(-0.119, -0.137, -0.101),
            est(912_136.0, 800_000.0, 1_020_000.0),
        ),
    ];
    s
}

/// Two alternatives, neither the baseline, whose separate intervals for P(dual success)
/// overlap: `fast` 96.0% [94.5–97.2], `cheap` 95.0% [93.4–96.3] (1000 rehearsals each). `cheap`
/// loses less. The paired difference `fast − cheap` is `d_dual`; the plans are listed in
/// `order`, and `pairwise` holds each pair once, earlier plan minus later, as patchtwin writes it.
pub(crate) fn fast_and_cheap(order: [&str; 3], d_dual: Est, d_loss: Est) -> Summary {
    let plan = |id: &str| match id {
        "defer" => plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
        "fast" => plan_summary("fast", 0.96, 0.945, 0.972, 900_000.0),
        _ => plan_summary("cheap", 0.95, 0.934, 0.963, 300_000.0),
    };
    let mut s = summary(order.iter().map(|id| plan(id)).collect(), vec![]);
    // Against defer: both far ahead, clearly.
    let vs_defer = |id: &str| {
        let (dual, loss) = if id == "fast" {
            (0.69, -4_100_000.0)
        } else {
            (0.68, -4_700_000.0)
        };
        (
            est(dual, dual - 0.03, dual + 0.03),
            est(loss, loss - 300_000.0, loss + 300_000.0),
        )
    };
    for (i, a) in order.iter().enumerate() {
        for b in &order[i + 1..] {
            // Differences `x − y` for the pair, from the facts above.
            let (dual, loss) = match (*a, *b) {
                ("fast", "cheap") => (d_dual, d_loss),
                ("cheap", "fast") => (neg(d_dual), neg(d_loss)),
                ("defer", x) => {
                    let (d, l) = vs_defer(x);
                    (neg(d), neg(l))
                }
                (x, _) => vs_defer(x),
            };
            s.pairwise.push(pair(a, b, dual, loss));
        }
    }
    s
}
