//! The report's comparison, exposure and operations sections: the plans side by side with
//! paired differences against the baseline, then P(compromise) and time to compromise, then
//! trips, downtime and patch outcomes, each with its chart.
//!
//! This module is not the timing or SSVC section (`timing`, `decisions`) and computes no
//! statistics; every number comes from the summary.

use super::*;

pub(super) fn comparison_section(summary: &Summary, s: &Scenario, charts: &[Chart]) -> Vec<Block> {
    let cur = &s.currency;
    let mut blocks = vec![heading(2, "The plans side by side", "plans")];
    blocks.push(Block::Para(vec![t(
        "Each figure is the share (or average) over all simulated runs of the plan, with its 95% \
         interval in brackets.",
    )]));
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "P(dual success)".into(),
            format!("expected loss ({cur})"),
            "P(compromise)".into(),
            "P(process trip)".into(),
            "unplanned downtime".into(),
            "P(patch rollback)".into(),
        ],
        right: vec![false, true, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                vec![
                    vec![code(&p.id)],
                    cell(pct_ci(&p.dual_success)),
                    cell(money_ci(&p.expected_loss)),
                    cell(pct_ci(&p.exposure.p_compromise)),
                    cell(pct_ci(&p.operations.p_trip)),
                    cell(hours_ci(&p.operations.downtime_h)),
                    cell(pct_ci(&p.operations.p_patch_failure)),
                ]
            })
            .collect(),
    });
    if let Some(c0) = summary.comparisons.first() {
        blocks.push(heading(
            3,
            "Differences against the baseline",
            "differences",
        ));
        blocks.push(Block::Para(vec![
            t("Each plan minus the baseline "),
            code(&c0.baseline),
            t(
                ", computed run by run on the same simulated attacks, failures and delays (common \
                 random numbers), which makes these intervals much narrower than comparing the \
                 columns above. An interval that excludes 0 is a clear difference.",
            ),
        ]));
        blocks.push(Block::Table {
            head: vec![
                "plan".into(),
                "Δ P(dual success)".into(),
                "Δ P(compromise)".into(),
                "Δ P(process trip)".into(),
                "Δ unplanned downtime".into(),
                format!("Δ expected loss ({cur})"),
            ],
            right: vec![false, true, true, true, true, true],
            rows: summary
                .comparisons
                .iter()
                .map(|c| {
                    vec![
                        vec![code(&c.plan)],
                        cell(delta_pt(&c.delta_dual_success)),
                        cell(delta_pt(&c.delta_p_compromise)),
                        cell(delta_pt(&c.delta_p_trip)),
                        cell(delta_hours(&c.delta_downtime_h)),
                        cell(delta_money(&c.delta_expected_loss)),
                    ]
                })
                .collect(),
        });
    }
    blocks.extend(figure(charts, &ChartKind::ExposureVsOperations));
    blocks
}

pub(super) fn exposure_section(summary: &Summary, s: &Scenario, charts: &[Chart]) -> Vec<Block> {
    let mut blocks = vec![heading(2, "Exposure to attack", "exposure")];
    blocks.push(Block::Para(vec![t(
        "How far the simulated attacker gets under each plan. Time to compromise is counted \
         from the start of the horizon, over the runs in which a target was reached. \
         Exposure-days count each vulnerable asset while an attacker has any chance of \
         reaching it, so controls that only lower that chance (a residual hit rate, \
         allowlisting, monitoring) do not reduce them: their effect shows in P(compromise) \
         and time to compromise.",
    )]));
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "P(compromise)".into(),
            "time to compromise, days: 5% / median / 95%".into(),
            "exposure-days".into(),
            "P(detected before impact)".into(),
            "foothold share".into(),
            format!("impact cost ({})", s.currency),
        ],
        right: vec![false, true, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                let e = &p.exposure;
                vec![
                    vec![code(&p.id)],
                    cell(pct_ci(&e.p_compromise)),
                    cell(if e.ttc_days.p50.is_some() {
                        format!(
                            "{} / {} / {}",
                            days(e.ttc_days.p5),
                            days(e.ttc_days.p50),
                            days(e.ttc_days.p95)
                        )
                    } else {
                        "never reached".into()
                    }),
                    cell(if bounded(&e.exposure_days) {
                        format!(
                            "{:.1} [{:.1}–{:.1}]",
                            e.exposure_days.mean,
                            e.exposure_days.lo.max(0.0),
                            e.exposure_days.hi
                        )
                    } else {
                        format!("{:.1}", e.exposure_days.mean)
                    }),
                    cell(pct_ci(&e.p_detected_before_impact)),
                    cell(pct(e.foothold_share)),
                    cell(money_ci(&e.impact_cost)),
                ]
            })
            .collect(),
    });
    blocks.extend(figure(charts, &ChartKind::ExposureOverTime));
    blocks
}

pub(super) fn operations_section(summary: &Summary, s: &Scenario, charts: &[Chart]) -> Vec<Block> {
    let mut blocks = vec![heading(
        2,
        "Operations: production and the changes themselves",
        "operations",
    )];
    blocks.push(Block::Para(vec![t(
        "What each plan does to production (trips and downtime outside planned shutdowns) and \
         how its changes go (failed deployments are rolled back).",
    )]));
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "P(process trip)".into(),
            "unplanned downtime".into(),
            format!("downtime cost ({})", s.currency),
            "P(window overrun)".into(),
            "window overrun".into(),
        ],
        right: vec![false, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                let o = &p.operations;
                vec![
                    vec![code(&p.id)],
                    cell(pct_ci(&o.p_trip)),
                    cell(hours_ci(&o.downtime_h)),
                    cell(money_ci(&o.downtime_cost)),
                    cell(pct_ci(&o.p_window_overrun)),
                    cell(hours_ci(&o.window_overrun_h)),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Table {
        head: vec![
            "plan".into(),
            "deployments per run".into(),
            "P(patch rollback)".into(),
            "deployments failing".into(),
            "changes completed".into(),
            "loss of view".into(),
            "loss of control".into(),
            "historian gap".into(),
        ],
        right: vec![false, true, true, true, true, true, true, true],
        rows: summary
            .plans
            .iter()
            .map(|p| {
                let o = &p.operations;
                vec![
                    vec![code(&p.id)],
                    cell(format!("{:.2}", o.deployments_per_run)),
                    cell(pct_ci(&o.p_patch_failure)),
                    cell(if o.deployments_per_run > 0.0 {
                        pct_ci(&o.deployment_failure_rate)
                    } else {
                        "—".into()
                    }),
                    cell(pct(o.changes_completed)),
                    cell(hours_ci(&o.loss_of_view_h)),
                    cell(hours_ci(&o.loss_of_control_h)),
                    cell(hours_ci(&o.historian_gap_h)),
                ]
            })
            .collect(),
    });
    blocks.extend(figure(charts, &ChartKind::Downtime));
    blocks
}
