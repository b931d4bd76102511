//! patchtwin's outputs: the `summary.json` contract (its JSON Schema: `patchtwin schema --summary`), the comparison table printed
//! on stdout, and the output set written as one transaction ([`output`]): an interrupted run
//! leaves the complete old set or the complete new set, never a mix, and files patchtwin did
//! not write are never touched.
//!
//! This crate formats results it is given; it runs no simulation and computes no statistics
//! beyond reading quantiles off merged histograms.
//!
//! The human outputs under `--out` ([`write_all`]): `report.md` and a self-contained
//! `report.html` (`document` builds the content once; `markdown` and `html` render it), SVG
//! charts (`charts`) and CSV tables (`csv`).
//!
//! The decision: [`ssvc`] derives CERT/CC's SSVC deployer decision for every vulnerability
//! under every plan; [`recommend`] names the preferred plan and says why. Both only read the
//! estimates above (and the scenario); neither adds a statistic.
//!
//! The exchange formats: [`ssvc_v2`] writes SSVC v2 SelectionLists (`ssvc.json`), [`bod`]
//! applies CISA BOD 26-04's remediation timelines per plan, [`vex`] exports CSAF 2.0 VEX,
//! CycloneDX 1.6 VEX and OpenVEX 0.2.0 documents, and [`provenance`] stamps summary.json with
//! the run's inputs (tool, scenario digest, KEV, EPSS and advisory revisions).
//!
//! Small vocabularies: [`sources`] names the paths source allowlists guard; [`remediation`]
//! says what the vendor offers against a vulnerability, in the SSVC reasons.

pub mod bod;
pub mod charts;
pub mod csv;
pub mod document;
pub mod html;
pub mod markdown;
pub mod output;
pub mod provenance;
pub mod recommend;
pub mod remediation;
pub mod sources;
pub mod ssvc;
pub mod ssvc_v2;
pub mod vex;

pub use output::{WriteError, Written, write_new_file};
use patchtwin_mc::{Paired, Pairwise, PlanResult};
use patchtwin_model::{FlowKind, Scenario};
use patchtwin_sim::FlowStats;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

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
/// nanoseconds by the engine), so `max` can sit below the reported `p99`'s bucket top.
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
    /// Attempts that timed out (all replications).
    pub timeouts: u64,
    /// Polls issued or publications sent.
    pub sent: u64,
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

fn comparison(c: &Paired) -> Comparison {
    Comparison {
        plan: c.plan.clone(),
        baseline: c.baseline.clone(),
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
    /// Downtime cost plus impact cost, per replication.
    pub expected_loss: Est,
    /// Queues that reached their bound (a link direction's transmitter or a server's requests;
    /// beyond it messages are dropped): a finding about the plant, shown as a warning.
    pub saturated_queues: Vec<SaturatedQueueFinding>,
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
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Timing of one flow from merged statistics.
pub fn flow_timing(s: &Scenario, i: usize, st: &FlowStats) -> FlowTiming {
    let f = &s.flows[i];
    let h = st.latency_histogram();
    let latency_ms = (st.completed > 0).then(|| LatencyMs {
        p50: ms(h.value_at_quantile(0.50)),
        p95: ms(h.value_at_quantile(0.95)),
        p99: ms(h.value_at_quantile(0.99)),
        // The engine's exact nanosecond maximum and sum, not the histogram's bucket tops
        // (which reported 80.383 ms for a flow whose timeout is 80 ms).
        max: st.latency_max_ns as f64 / 1e6,
        mean: st.latency_sum_ns as f64 / st.completed as f64 / 1e6,
        quantile_significant_digits: h.sigfig(),
    });
    // Denominator: everything that should have completed — completed ones plus failed polls
    // (poll) or sent publications (publish, where undelivered ones are the difference).
    let (misses, total) = match f.kind {
        FlowKind::Poll => (
            st.deadline_misses + st.failed_polls,
            st.completed + st.failed_polls,
        ),
        FlowKind::Publish => (
            st.deadline_misses + st.sent.saturating_sub(st.completed),
            st.sent,
        ),
    };
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
        timeouts: st.timeouts,
        sent: st.sent,
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
                },
                operations: operations(r),
                exposure: exposure(r),
                dual_success: r.exposure.p_dual_success().into(),
                expected_loss: r.exposure.loss.nonnegative_estimate().into(),
                saturated_queues: saturated_queues(s, r),
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
        provenance: provenance::Provenance::new(sha256, settings_seed, settings_runs, Vec::new()),
        plans,
        comparisons: run.comparisons.iter().map(comparison).collect(),
        pairwise: run.pairwise.iter().map(pair_difference).collect(),
        recommendation: None,
    };
    summary.recommendation = recommend::recommend(&summary, &s.currency);
    summary
}

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
    let pct = |e: &Est| {
        format!(
            "{:>5.1}% [{:.1}–{:.1}]",
            100.0 * e.mean,
            100.0 * e.lo,
            100.0 * e.hi
        )
    };
    let num = |e: &Est| format!("{:>7.2} [{:.2}–{:.2}]", e.mean, e.lo.max(0.0), e.hi);
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
            format!("{:.0}{cur}", p.expected_loss.mean)
        );
    }
    let _ = writeln!(
        out,
        "  TTC = time to compromise: days from the start until an attacker reaches a target, \
         median over the runs where one does (\"never\": in no run)"
    );
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
            format!("{:.0}{cur}", o.downtime_cost.mean),
            pct(&o.p_patch_failure),
            pct(&o.p_window_overrun)
        );
    }
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
    out.push_str(&bod::text(summary));
    if let Some(r) = &summary.recommendation {
        out.push_str(&recommend::text(r));
    }
    out
}

/// Every file of a run's output set as (relative path, text): `summary.json`, `plans.csv`,
/// `comparisons.csv`, `pairwise.csv`, `flows.csv`, `ssvc.csv`, `ssvc.json`, the charts under `charts/`,
/// then `report.md` and `report.html`. `run` and `scenario` are the ones `summary` was built
/// from.
pub fn render_all(
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
) -> Vec<(String, String)> {
    let charts = charts::all(summary, run, scenario);
    let mut summary_text = serde_json::to_string_pretty(summary).expect("summary serializes");
    summary_text.push('\n');
    let mut files: Vec<(String, String)> = vec![
        ("summary.json".into(), summary_text),
        ("plans.csv".into(), csv::plans(summary)),
        ("comparisons.csv".into(), csv::comparisons(summary)),
        ("pairwise.csv".into(), csv::pairwise(summary)),
        ("flows.csv".into(), csv::flows(summary)),
        ("ssvc.csv".into(), csv::ssvc(summary)),
        (
            "ssvc.json".into(),
            ssvc_v2::render(summary, scenario, &summary.provenance.as_of()),
        ),
    ];
    files.extend(
        charts
            .iter()
            .map(|c| (format!("charts/{}", c.file), c.svg.clone())),
    );
    let listed: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let doc = document::build(summary, scenario, &charts, &listed);
    files.push(("report.md".into(), markdown::render(&doc)));
    files.push(("report.html".into(), html::render(&doc)));
    files
}

/// Writes the whole output set of a run to `out` as one transaction ([`output::write_set`]):
/// the files of [`render_all`] and a marker naming the run. With `force`, a previous set of
/// another scenario is replaced; files patchtwin did not write are never touched.
pub fn write_all(
    out: &Path,
    summary: &Summary,
    run: &patchtwin_mc::RunResult,
    scenario: &Scenario,
    force: bool,
) -> Result<Written, WriteError> {
    let marker = output::RunMarker {
        tool: "patchtwin".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        scenario: summary.scenario.name.clone(),
        scenario_sha256: summary.scenario.sha256.clone(),
        seed: summary.settings.seed,
        runs: summary.settings.runs,
        plans: summary.plans.iter().map(|p| p.id.clone()).collect(),
        files: Vec::new(),
    };
    output::write_set(out, &render_all(summary, run, scenario), marker, force)
}

/// JSON Schema (draft-07) of `summary.json`, for scripts that consume it.
pub fn summary_schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Summary>();
    schema.insert("title".into(), "patchtwin summary.json".into());
    serde_json::to_string_pretty(&schema).expect("a schema serializes")
}
