//! The `summary.json` contract: every block of the `Summary` (scenario, tool, settings, engine,
//! per-plan estimates, comparisons, pairwise differences, timing, saturated queues) and how it
//! is built from merged results ([`summary`], [`flow_timing`]). Its JSON Schema is derived from
//! these types (`summary_schema` in the crate root).
//!
//! This module is not a statistics module: it copies the estimates `patchtwin-mc` computed and
//! reads quantiles off merged histograms; the human renderings of it live elsewhere (`table`,
//! `document`, `csv`).

use crate::{bod, provenance, recommend, ssvc};
use patchtwin_mc::{Pairwise, PlanResult};
use patchtwin_model::{FlowKind, Scenario};
use patchtwin_sim::FlowStats;
use serde::Serialize;

/// `scenario` block.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// SHA-256 of the scenario file.
    pub sha256: String,
    /// Currency of every cost and loss below (as the scenario names it; empty when it names
    /// none).
    pub currency: String,
}

/// `tool` block: what wrote the file.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ToolInfo {
    /// Program name.
    pub name: &'static str,
    /// Its version (the crate version it was built from).
    pub version: &'static str,
}

/// This build of patchtwin.
pub const TOOL: ToolInfo = ToolInfo {
    name: "patchtwin",
    version: env!("CARGO_PKG_VERSION"),
};

/// `settings` block.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SettingsInfo {
    /// Replications per plan.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
    /// Horizon in seconds.
    pub horizon_s: f64,
    /// Observation window for message-level timing, seconds.
    pub observe_s: f64,
    /// How the number of replications was decided (fixed, or `--target-ci` and why it stopped).
    pub stop: String,
}

/// `engine` block.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct EngineInfo {
    /// Events processed over all plans and replications.
    pub events: u64,
    /// Wall-clock seconds of the simulation (measured by the caller, not the engine).
    pub wall_s: f64,
    /// Worker threads.
    pub threads: usize,
}

/// Latency of one flow in milliseconds: the exact mean and maximum, and quantiles read off a
/// histogram.
///
/// The quantiles are not exact: latencies are recorded in whole microseconds (rounded up) in
/// a histogram of `quantile_significant_digits` significant digits (2: buckets at most 1/128
/// of their value wide, 0.8%), and each quantile is reported as the top of its bucket. A
/// reported quantile is therefore never below the latency at that rank and at most 0.8%
/// (plus 1 µs) above it: at 79 ms up to 0.36 ms. `mean` and `max` are exact (kept in
/// nanoseconds by the engine), and a bucket top above the exact `max` is reported as `max`
/// (no latency exceeds it), so `p50 ≤ p95 ≤ p99 ≤ max` always holds.
#[derive(Debug, Serialize, schemars::JsonSchema, PartialEq)]
pub struct LatencyMs {
    /// Median (top of its histogram bucket; see above).
    pub p50: f64,
    /// 95th percentile (top of its histogram bucket).
    pub p95: f64,
    /// 99th percentile (top of its histogram bucket).
    pub p99: f64,
    /// Largest observed, exact.
    pub max: f64,
    /// Mean of all completed messages, exact.
    pub mean: f64,
    /// Significant digits of the histogram the quantiles are read from (their resolution).
    pub quantile_significant_digits: u8,
}

/// One flow's timing.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FlowTiming {
    /// Flow id.
    pub id: String,
    /// `poll` or `publish`.
    #[schemars(with = "String")]
    pub kind: FlowKind,
    /// Consumer asset id.
    pub consumer: String,
    /// Producer asset id.
    pub producer: String,
    /// Latency quantiles (null when nothing completed).
    pub latency_ms: Option<LatencyMs>,
    /// Deadline in milliseconds.
    pub deadline_ms: f64,
    /// Share of polls/publications that missed the deadline or never completed.
    pub deadline_miss_rate: f64,
    /// The flow's deadline target (`deadline_p_max`) against this window, with an exact
    /// interval (`deadline` module); null when the flow has none.
    pub deadline_target: Option<crate::deadline::DeadlineTarget>,
    /// Attempts that timed out (all replications).
    pub timeouts: u64,
    /// Polls issued or publications sent.
    pub sent: u64,
    /// Poll arrivals the master let pass because its previous request was still outstanding
    /// (it keeps one request in flight): with Poisson arrivals at rate λ and a busy time B it
    /// sends λ / (1 + λ·B). Always 0 for publications.
    pub skipped: u64,
    /// Completed.
    pub completed: u64,
    /// Comm-fail declarations.
    pub comm_fail_events: u64,
    /// Stale-data declarations.
    pub stale_events: u64,
    /// What the flow suffered while the attacker held its controller stopped, counted apart
    /// from the figures above (which measure the plant and the plan's changes); null when
    /// nothing was.
    pub while_attacker_stopped: Option<WhileAttackerStopped>,
}

/// A flow's failures while the attacker held a controller of its route stopped.
#[derive(Debug, Serialize, schemars::JsonSchema, Clone, Copy, PartialEq, Eq)]
pub struct WhileAttackerStopped {
    /// Polls issued or publications sent meanwhile.
    pub sent: u64,
    /// Attempts that timed out.
    pub timeouts: u64,
    /// Polls that failed after every retry.
    pub failed_polls: u64,
    /// Comm-fail declarations.
    pub comm_fail_events: u64,
    /// Stale-data declarations.
    pub stale_events: u64,
    /// Messages lost.
    pub lost: u64,
}

/// `timing` block of a plan.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Timing {
    /// Per flow in the baseline observation window, scenario order.
    pub flows: Vec<FlowTiming>,
    /// Per flow after the plan's changes completed (null when the plan changes nothing or
    /// its changes did not complete within the horizon).
    pub after: Option<Vec<FlowTiming>>,
    /// Per link, scenario order: the messages put on the wire in the observation windows.
    pub link_messages: Vec<LinkMessages>,
}

/// Messages one link carried in the observation windows (before and after together), summed
/// over every run.
#[derive(Debug, Serialize, schemars::JsonSchema, Clone, PartialEq, Eq)]
pub struct LinkMessages {
    /// Link id (`a--b` when the scenario gives none).
    pub link: String,
    /// Its two ends, as the scenario lists them.
    pub ends: [String; 2],
    /// Messages transmitted `ends[0] → ends[1]`, then `ends[1] → ends[0]`: every poll,
    /// answer and publication each time it crosses the link; a multicast publication counts
    /// once per link however many subscribers its copies serve (they part where the routes
    /// do). Lost messages count: they were sent.
    pub messages: [u64; 2],
}

/// Per link of the scenario, the messages `r`'s runs put on it.
pub fn link_messages(s: &Scenario, r: &PlanResult) -> Vec<LinkMessages> {
    s.links
        .iter()
        .enumerate()
        .map(|(i, l)| LinkMessages {
            link: l.id.clone(),
            ends: l.ends.map(|a| s.assets[a.ix()].id.clone()),
            messages: r.link_messages.get(i).copied().unwrap_or([0, 0]),
        })
        .collect()
}

/// An estimate with its 95% interval.
#[derive(Debug, Serialize, schemars::JsonSchema, Clone, Copy, PartialEq)]
pub struct Est {
    /// Point estimate.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end of the 95% interval.
    pub hi: f64,
}

impl From<patchtwin_mc::estimate::Estimate> for Est {
    fn from(e: patchtwin_mc::estimate::Estimate) -> Self {
        // JSON has no infinities: a one-replication interval is reported as unbounded by null
        // ends would break the contract, so it is clamped to the point estimate's range.
        let fin = |x: f64, fallback: f64| if x.is_finite() { x } else { fallback };
        Est {
            mean: e.mean,
            lo: fin(e.lo, f64::MIN),
            hi: fin(e.hi, f64::MAX),
        }
    }
}

/// Time-to-compromise percentiles in days (null when no replication was compromised).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TtcDays {
    /// 5th percentile.
    pub p5: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

/// `exposure` block of a plan.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Exposure {
    /// P(an attacker reaches a target within the horizon).
    pub p_compromise: Est,
    /// Time to compromise of the replications where it happened, days from the start.
    pub ttc_days: TtcDays,
    /// (vulnerability, asset)-days open and reachable from an entry point, per replication.
    pub exposure_days: Est,
    /// P(the attacker is detected before reaching a target), among replications with a foothold.
    pub p_detected_before_impact: Est,
    /// Share of replications in which the attacker got a foothold.
    pub foothold_share: f64,
    /// Impact cost of compromised targets per replication.
    pub impact_cost: Est,
}

fn exposure(r: &PlanResult) -> Exposure {
    let e = &r.exposure;
    Exposure {
        p_compromise: e.p_compromise().into(),
        ttc_days: TtcDays {
            p5: e.ttc_days(0.05),
            p50: e.ttc_days(0.5),
            p95: e.ttc_days(0.95),
        },
        exposure_days: e.exposure_days.nonnegative_estimate().into(),
        p_detected_before_impact: e.p_detected_before_impact().into(),
        foothold_share: if e.runs == 0 {
            0.0
        } else {
            e.runs_with_foothold as f64 / e.runs as f64
        },
        impact_cost: e.impact_cost.nonnegative_estimate().into(),
    }
}

/// One plan against the baseline: paired differences (plan minus baseline) with 95% intervals.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    /// Plan id.
    pub plan: String,
    /// Baseline plan id.
    pub baseline: String,
    /// Difference in P(compromise).
    pub delta_p_compromise: Est,
    /// Difference in P(process trip).
    pub delta_p_trip: Est,
    /// Difference in unplanned downtime hours.
    pub delta_downtime_h: Est,
    /// Difference in expected loss.
    pub delta_expected_loss: Est,
    /// Difference in P(dual success).
    pub delta_dual_success: Est,
}

fn comparison(c: &Pairwise) -> Comparison {
    Comparison {
        plan: c.plan_a.clone(),
        baseline: c.plan_b.clone(),
        delta_p_compromise: c.d_compromise.paired_proportion_estimate().into(),
        delta_p_trip: c.d_trip.paired_proportion_estimate().into(),
        delta_downtime_h: c.d_downtime_h.estimate().into(),
        delta_expected_loss: c.d_loss.estimate().into(),
        delta_dual_success: c.d_dual_success.paired_proportion_estimate().into(),
    }
}

/// Two plans against each other: paired differences, `plan_a` minus `plan_b`, over the same
/// replications (common random numbers), with 95% intervals. One entry per pair of plans,
/// `plan_a` before `plan_b` in the order of `plans`; the pair (baseline, plan) is the
/// `comparisons` entry of that plan with the sign turned round.
#[derive(Debug, Serialize, schemars::JsonSchema, Clone, PartialEq)]
pub struct PairDifference {
    /// The plan the differences are taken of (earlier in `plans`).
    pub plan_a: String,
    /// The plan subtracted (later in `plans`).
    pub plan_b: String,
    /// Difference in P(dual success), a minus b.
    pub delta_dual_success: Est,
    /// Difference in expected loss, a minus b.
    pub delta_expected_loss: Est,
    /// Difference in P(compromise), a minus b.
    pub delta_p_compromise: Est,
    /// Difference in P(process trip), a minus b.
    pub delta_p_trip: Est,
    /// Difference in unplanned downtime hours, a minus b.
    pub delta_downtime_h: Est,
}

fn pair_difference(w: &Pairwise) -> PairDifference {
    PairDifference {
        plan_a: w.plan_a.clone(),
        plan_b: w.plan_b.clone(),
        delta_dual_success: w.d_dual_success.paired_proportion_estimate().into(),
        delta_expected_loss: w.d_loss.estimate().into(),
        delta_p_compromise: w.d_compromise.paired_proportion_estimate().into(),
        delta_p_trip: w.d_trip.paired_proportion_estimate().into(),
        delta_downtime_h: w.d_downtime_h.estimate().into(),
    }
}

/// `operations` block of a plan.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Operations {
    /// P(at least one unplanned process trip within the horizon).
    pub p_trip: Est,
    /// Unplanned downtime of all process units, hours per replication.
    pub downtime_h: Est,
    /// Cost of that downtime per replication (scenario currency).
    pub downtime_cost: Est,
    /// P(at least one patch deployment fails and is rolled back).
    pub p_patch_failure: Est,
    /// Failed share of deployments (all replications).
    pub deployment_failure_rate: Est,
    /// P(work runs past the end of its maintenance window).
    pub p_window_overrun: Est,
    /// Window overrun, hours per replication.
    pub window_overrun_h: Est,
    /// Loss of view outside windows, hours per replication (summed over view functions).
    pub loss_of_view_h: Est,
    /// Loss of control outside windows, hours per replication.
    pub loss_of_control_h: Est,
    /// Data lost by flows into historians and cloud services beyond the buffer holding it,
    /// flow-hours per replication (summed over flows: one hour without three flows is 3).
    pub historian_gap_h: Est,
    /// Spontaneous faults per replication (assets failing at their `fault_rate_per_day`,
    /// down for their `reboot_time`), all assets together.
    pub faults_per_run: f64,
    /// Deployments per replication.
    pub deployments_per_run: f64,
    /// Share of replications in which all the plan's changes completed within the horizon.
    pub changes_completed: f64,
}

fn operations(r: &PlanResult) -> Operations {
    let o = &r.ops;
    Operations {
        p_trip: o.p_trip().into(),
        downtime_h: o.downtime_h.nonnegative_estimate().into(),
        downtime_cost: o.downtime_cost.nonnegative_estimate().into(),
        p_patch_failure: o.p_patch_failure().into(),
        deployment_failure_rate: patchtwin_mc::estimate::wilson(
            o.failed_deployments,
            o.deployments,
        )
        .into(),
        p_window_overrun: o.p_overrun().into(),
        window_overrun_h: o.overrun_h.nonnegative_estimate().into(),
        loss_of_view_h: o.loss_of_view_h.nonnegative_estimate().into(),
        loss_of_control_h: o.loss_of_control_h.nonnegative_estimate().into(),
        historian_gap_h: o.historian_gap_h.nonnegative_estimate().into(),
        faults_per_run: if o.runs == 0 {
            0.0
        } else {
            o.faults as f64 / o.runs as f64
        },
        deployments_per_run: if o.runs == 0 {
            0.0
        } else {
            o.deployments as f64 / o.runs as f64
        },
        changes_completed: if o.runs == 0 {
            0.0
        } else {
            o.runs_changes_done as f64 / o.runs as f64
        },
    }
}

/// One plan.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlanSummary {
    /// Plan id.
    pub id: String,
    /// Plain-words description.
    pub description: String,
    /// Communication timing.
    pub timing: Timing,
    /// Operations: trips, downtime, patch failures, windows.
    pub operations: Operations,
    /// Residual exposure.
    pub exposure: Exposure,
    /// P(no target compromised and no unplanned downtime).
    pub dual_success: Est,
    /// Downtime cost plus impact cost plus data-loss cost, per replication.
    pub expected_loss: Est,
    /// Data-loss consequences and recovery effects (only when the scenario defines them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consequences: Option<crate::consequences::Consequences>,
    /// Queues that reached their bound (a link direction's transmitter or a server's requests;
    /// beyond it messages are dropped): a finding about the plant, shown as a warning.
    pub saturated_queues: Vec<SaturatedQueueFinding>,
    /// Rollout progress: rollbacks per run, time to patch 50/90/95% of the open pairs.
    pub rollout: crate::rollout::RolloutSummary,
}

/// A queue that reached its bound in some runs of a plan.
#[derive(Debug, Serialize, schemars::JsonSchema, Clone, PartialEq)]
pub struct SaturatedQueueFinding {
    /// What saturated, in words: "link a--b (a → b)" or "server x".
    pub queue: String,
    /// The bound, in messages.
    pub bound_messages: u32,
    /// Runs in which it reached the bound.
    pub runs: u64,
    /// Earliest simulated time it reached the bound, seconds.
    pub first_reached_at_s: f64,
    /// Messages dropped because it was full, all runs.
    pub dropped_messages: u64,
}

fn saturated_queues(s: &Scenario, r: &PlanResult) -> Vec<SaturatedQueueFinding> {
    r.saturated
        .iter()
        .map(|(q, a)| SaturatedQueueFinding {
            queue: match *q {
                patchtwin_sim::SaturatedQueue::Link { link, dir } => {
                    let l = &s.links[link as usize];
                    let d = usize::from(dir);
                    format!(
                        "link {} ({} → {})",
                        l.id,
                        s.assets[l.ends[d].ix()].id,
                        s.assets[l.ends[1 - d].ix()].id
                    )
                }
                patchtwin_sim::SaturatedQueue::Server { asset } => {
                    format!("server {}", s.assets[asset as usize].id)
                }
            },
            bound_messages: patchtwin_sim::saturation::QUEUE_BOUND,
            runs: a.runs,
            first_reached_at_s: a.first_reached_at as f64 / 1e9,
            dropped_messages: a.dropped,
        })
        .collect()
}

/// The whole `summary.json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Format version of this file.
    pub format: &'static str,
    /// The program and version that wrote it.
    pub tool: ToolInfo,
    /// Scenario.
    pub scenario: ScenarioInfo,
    /// Plans of the scenario that were not rehearsed (left out with `--plans`), scenario
    /// order: nothing below speaks for them.
    pub plans_not_run: Vec<String>,
    /// Settings.
    pub settings: SettingsInfo,
    /// Engine.
    pub engine: EngineInfo,
    /// Plans.
    pub plans: Vec<PlanSummary>,
    /// Every plan against the baseline (the first plan).
    pub comparisons: Vec<Comparison>,
    /// Every pair of plans against each other, paired over the same replications: what the
    /// recommendation uses to tell two plans apart when neither is the baseline.
    pub pairwise: Vec<PairDifference>,
    /// SSVC deployer decision per vulnerability and plan (`ssvc` module).
    pub ssvc: Vec<ssvc::SsvcRow>,
    /// CISA BOD 26-04 remediation timeline of every vulnerability under every plan, and
    /// whether the plan meets it (`bod` module docs: inputs and what is measured).
    pub bod_26_04: Vec<bod::BodRow>,
    /// What the results rest on: tool version, scenario digest, seed, runs and the imported
    /// sources the scenario records (no wall-clock time).
    pub provenance: provenance::Provenance,
    /// The preferred plan and why (`recommend` module); null only when no plan ran.
    pub recommendation: Option<recommend::Recommendation>,
    /// Loss exceedance curves per plan and the risk appetite (`appetite` module).
    pub loss_exceedance: crate::appetite::LossExceedance,
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Timing of one flow from merged statistics.
pub fn flow_timing(s: &Scenario, i: usize, st: &FlowStats) -> FlowTiming {
    let f = &s.flows[i];
    let h = st.latency_histogram();
    // The engine's exact nanosecond maximum, not the histogram's bucket top (which reported
    // 80.383 ms for a flow whose timeout is 80 ms); no quantile lies above it.
    let max = st.latency_max_ns as f64 / 1e6;
    let quantile = |q: f64| ms(h.value_at_quantile(q)).min(max);
    let latency_ms = (st.completed > 0).then(|| LatencyMs {
        p50: quantile(0.50),
        p95: quantile(0.95),
        p99: quantile(0.99),
        max,
        mean: st.latency_sum_ns as f64 / st.completed as f64 / 1e6,
        quantile_significant_digits: h.sigfig(),
    });
    // Denominator: everything that should have completed (`FlowStats::late`).
    let (misses, total) = st.late(f.kind);
    FlowTiming {
        id: f.id.clone(),
        kind: f.kind,
        consumer: s.assets[f.consumer.ix()].id.clone(),
        producer: s.assets[f.producer.ix()].id.clone(),
        latency_ms,
        deadline_ms: f.deadline.as_nanos() as f64 / 1e6,
        deadline_miss_rate: if total == 0 {
            0.0
        } else {
            misses as f64 / total as f64
        },
        deadline_target: crate::deadline::target(f.deadline_p_max, misses, total, &st.late_by_run),
        timeouts: st.timeouts,
        sent: st.sent,
        skipped: st.skipped,
        completed: st.completed,
        comm_fail_events: st.comm_fail_events,
        stale_events: st.stale_events,
        while_attacker_stopped: {
            let a = st.attacker_stopped;
            (a != patchtwin_sim::AttackerStopped::default()).then_some(WhileAttackerStopped {
                sent: a.sent,
                timeouts: a.timeouts,
                failed_polls: a.failed_polls,
                comm_fail_events: a.comm_fail_events,
                stale_events: a.stale_events,
                lost: a.lost,
            })
        },
    }
}

/// Builds the summary.
pub fn summary(
    s: &Scenario,
    sha256: &str,
    settings: SettingsInfo,
    engine: EngineInfo,
    run: &patchtwin_mc::RunResult,
) -> Summary {
    let results = &run.plans;
    let (settings_seed, settings_runs) = (settings.seed, settings.runs);
    let plans: Vec<PlanSummary> = results
        .iter()
        .map(|r| {
            let plan = s.plans.iter().find(|p| p.id == r.plan);
            PlanSummary {
                id: r.plan.clone(),
                description: plan.map(|p| p.description.clone()).unwrap_or_default(),
                timing: Timing {
                    flows: r
                        .flows
                        .iter()
                        .enumerate()
                        .map(|(i, st)| flow_timing(s, i, st))
                        .collect(),
                    after: r.flows_after.iter().any(|f| f.sent > 0).then(|| {
                        r.flows_after
                            .iter()
                            .enumerate()
                            .map(|(i, st)| flow_timing(s, i, st))
                            .collect()
                    }),
                    link_messages: link_messages(s, r),
                },
                operations: operations(r),
                exposure: exposure(r),
                dual_success: r.exposure.p_dual_success().into(),
                expected_loss: r.exposure.loss.nonnegative_estimate().into(),
                saturated_queues: saturated_queues(s, r),
                rollout: crate::rollout::summary(r),
                consequences: crate::consequences::consequences(s, r),
            }
        })
        .collect();
    let mut summary = Summary {
        format: "patchtwin-summary/0.1",
        tool: TOOL,
        scenario: ScenarioInfo {
            name: s.name.clone(),
            sha256: sha256.into(),
            currency: s.currency.clone(),
        },
        plans_not_run: s
            .plans
            .iter()
            .filter(|p| !results.iter().any(|r| r.plan == p.id))
            .map(|p| p.id.clone())
            .collect(),
        settings,
        engine,
        ssvc: ssvc::derive(s, &plans),
        bod_26_04: bod::derive(s, &plans),
        provenance: provenance::Provenance::new(sha256, settings_seed, settings_runs, Vec::new())
            .with_models(s),
        plans,
        comparisons: run.comparisons.iter().map(comparison).collect(),
        pairwise: run.pairwise.iter().map(pair_difference).collect(),
        recommendation: None,
        loss_exceedance: crate::appetite::derive(s, run),
    };
    summary.recommendation = recommend::recommend_with(&summary, &s.currency, &s.acceptance);
    summary
}
