//! Monte Carlo over replications, in parallel with rayon, with results that are bit-identical
//! for any thread count.
//!
//! Replication `i` of every plan draws from the stream [`stream`]`(seed, i)` — derived from the
//! seed and the replication index only, never from a thread or shard — so plans see common
//! random numbers and any thread count gives the same draws. Replications run in chunks; each
//! chunk is collected *in index order* and folded sequentially into exact accumulators (counts
//! and histograms), because a parallel `reduce` would merge in a thread-dependent order.
//! Paired differences between plans (each plan against the baseline, and every pair of plans)
//! are accumulated the same way, replication by replication.
//! Memory is bounded by the chunk size, not by the number of replications.
//!
//! This crate does no I/O; progress is reported through a callback.
//!
//! Modules: `estimate` (Wilson, Student-t and Tango intervals from exact moments), `late`
//! (P(late) of a flow's messages with an interval over replications), `rollout`
//! (rollbacks per run, time to patch 50/90/95% of open pairs, per-vulnerability closing
//! days), `merge`
//! (exact merging of disjoint replication ranges, and the `--target-ci` driver) and `part`
//! (part files: the exact accumulator state of a replication range, with the run's identity),
//! `wide` (the 256-bit integer behind the exact sums of squares).

pub mod estimate;
pub mod late;
pub mod merge;
pub mod part;
pub mod rollout;
pub mod wide;

use estimate::{Estimate, Moments, wilson};
use patchtwin_sim::{
    Compiled, FlowStats, OpsOutcome, Outcome, QueueSaturation, Replication, SaturatedQueue,
};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

/// Replications run per parallel chunk: large enough to keep both cores busy, small enough
/// that memory does not grow with `--runs`.
pub const CHUNK: u64 = 64;

use patchtwin_sim::rng::splitmix64;
/// Per-flow statistics (one per flow, per plan, before and after the changes) a chunk may
/// hold in flight: on a plant with thousands of flows the outcomes of a 64-replication chunk,
/// not the accumulators, were most of the memory (2.7 GB peak for the large plant's 6,534
/// flows and four plans at `--runs 64`; a replication's statistics take about 0.65 KB per
/// flow and plan). 400,000 keeps them near 250 MB. The chunk size does not change results:
/// replications are folded in index order whatever the chunk.
pub const CHUNK_FLOW_STATS: usize = 400_000;

/// Replications per chunk for `flows` flows, `plans` plans and `threads` threads: [`CHUNK`],
/// or fewer when [`CHUNK_FLOW_STATS`] says so, never fewer than one per thread.
pub fn chunk_size(flows: usize, plans: usize, threads: usize) -> u64 {
    let per_replication = (2 * flows * plans).max(1);
    let by_memory = (CHUNK_FLOW_STATS / per_replication) as u64;
    by_memory.clamp(threads.max(1) as u64, CHUNK.max(threads as u64))
}

/// The random stream of replication `i` under `seed` (portable: PCG-64 MCG).
pub fn stream(seed: u64, i: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(splitmix64(seed ^ splitmix64(i)))
}

/// Monte Carlo settings.
#[derive(Clone, Copy, Debug)]
pub struct McSettings {
    /// Replications per plan.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (1 = sequential).
    pub threads: usize,
    /// Observation window for message-level timing (ns).
    pub observe_ns: u64,
}

/// Operations results of one plan, accumulated exactly over replications.
#[derive(Debug, Clone)]
pub struct OpsAcc {
    /// Replications.
    pub runs: u64,
    /// Replications with at least one unplanned trip.
    pub runs_with_trip: u64,
    /// Replications with at least one failed deployment.
    pub runs_with_patch_failure: u64,
    /// Replications in which work overran a maintenance window.
    pub runs_with_overrun: u64,
    /// Deployments attempted, all replications.
    pub deployments: u64,
    /// Deployments failed, all replications.
    pub failed_deployments: u64,
    /// Replications in which every change of the plan completed within the horizon.
    pub runs_changes_done: u64,
    /// Unplanned downtime, hours.
    pub downtime_h: Moments,
    /// Downtime cost.
    pub downtime_cost: Moments,
    /// Window overrun, hours.
    pub overrun_h: Moments,
    /// Loss of view, hours.
    pub loss_of_view_h: Moments,
    /// Loss of control, hours.
    pub loss_of_control_h: Moments,
    /// Data lost by flows into historians and cloud services, flow-hours (summed over flows).
    pub historian_gap_h: Moments,
    /// Spontaneous faults, all replications.
    pub faults: u64,
    /// Replications with at least one reportable data-loss event.
    pub runs_with_data_loss: u64,
    /// Reportable data-loss events, all replications.
    pub data_loss_events: u64,
    /// Cost of data-loss events per replication.
    pub data_loss_cost: Moments,
    /// Per data-loss consequence (scenario order), replications with at least one event of it.
    pub data_loss_group_runs: Vec<u64>,
    /// Time controls' recovery effects added to restarts, repairs and recoveries, hours.
    pub recovery_extra_h: Moments,
    /// Unplanned downtime per replication in whole minutes, rounded up, for *every*
    /// replication: a replication without downtime is recorded as exactly 0 (hdrhistogram
    /// keeps 0 as its own value), any downtime as at least 1. Exact counts up to 2,048
    /// minutes, 3 significant digits beyond; the distribution behind the report's chart.
    pub downtime_minutes: hdrhistogram::Histogram<u64>,
}

impl Default for OpsAcc {
    fn default() -> Self {
        OpsAcc {
            runs: 0,
            runs_with_trip: 0,
            runs_with_patch_failure: 0,
            runs_with_overrun: 0,
            deployments: 0,
            failed_deployments: 0,
            runs_changes_done: 0,
            downtime_h: Moments::default(),
            downtime_cost: Moments::default(),
            overrun_h: Moments::default(),
            loss_of_view_h: Moments::default(),
            loss_of_control_h: Moments::default(),
            historian_gap_h: Moments::default(),
            faults: 0,
            runs_with_data_loss: 0,
            data_loss_events: 0,
            data_loss_cost: Moments::default(),
            data_loss_group_runs: Vec::new(),
            recovery_extra_h: Moments::default(),
            downtime_minutes: hdrhistogram::Histogram::new_with_bounds(1, 1_000_000_000, 3)
                .expect("valid bounds"),
        }
    }
}

impl OpsAcc {
    /// Adds one replication.
    pub fn push(&mut self, o: &OpsOutcome) {
        let h = |ns: u64| ns as f64 / 3.6e12;
        self.runs += 1;
        self.runs_with_trip += u64::from(o.trips > 0);
        self.runs_with_patch_failure += u64::from(o.failed_deployments > 0);
        self.runs_with_overrun += u64::from(o.window_overrun_ns > 0);
        self.deployments += u64::from(o.deployments);
        self.failed_deployments += u64::from(o.failed_deployments);
        self.runs_changes_done += u64::from(o.changes_done_at.is_some());
        self.downtime_h.push(h(o.downtime_ns));
        self.downtime_cost.push(o.downtime_cost);
        self.overrun_h.push(h(o.window_overrun_ns));
        self.loss_of_view_h.push(h(o.loss_of_view_ns));
        self.loss_of_control_h.push(h(o.loss_of_control_ns));
        self.historian_gap_h.push(h(o.historian_gap_ns));
        self.faults += u64::from(o.faults);
        self.runs_with_data_loss += u64::from(o.data_loss_events > 0);
        self.data_loss_events += u64::from(o.data_loss_events);
        self.data_loss_cost.push(o.data_loss_cost);
        if self.data_loss_group_runs.len() < o.data_loss_group_events.len() {
            self.data_loss_group_runs
                .resize(o.data_loss_group_events.len(), 0);
        }
        for (acc, &e) in self
            .data_loss_group_runs
            .iter_mut()
            .zip(&o.data_loss_group_events)
        {
            *acc += u64::from(e > 0);
        }
        self.recovery_extra_h.push(h(o.recovery_extra_ns));
        self.downtime_minutes
            .saturating_record(o.downtime_ns.div_ceil(60_000_000_000));
    }
    /// P(at least one unplanned trip).
    pub fn p_trip(&self) -> Estimate {
        wilson(self.runs_with_trip, self.runs)
    }
    /// P(at least one deployment fails and is rolled back).
    pub fn p_patch_failure(&self) -> Estimate {
        wilson(self.runs_with_patch_failure, self.runs)
    }
    /// P(work overruns a maintenance window).
    pub fn p_overrun(&self) -> Estimate {
        wilson(self.runs_with_overrun, self.runs)
    }
    /// P(at least one reportable data-loss event).
    pub fn p_data_loss(&self) -> Estimate {
        wilson(self.runs_with_data_loss, self.runs)
    }
}

/// Exposure results of one plan, accumulated exactly over replications.
#[derive(Debug, Clone)]
pub struct ExposureAcc {
    /// Replications.
    pub runs: u64,
    /// Replications in which a target was compromised.
    pub runs_compromised: u64,
    /// Replications in which the attacker got a foothold.
    pub runs_with_foothold: u64,
    /// Replications in which it was detected before reaching a target (of those with a foothold).
    pub runs_detected_before_impact: u64,
    /// Time to compromise in minutes, for replications with a compromise (exact counts).
    pub ttc_minutes: hdrhistogram::Histogram<u64>,
    /// Exposure, (vulnerability, asset)-days per replication.
    pub exposure_days: Moments,
    /// Impact cost per replication.
    pub impact_cost: Moments,
    /// Expected loss per replication: downtime cost, impact cost and data-loss cost
    /// (`Outcome::loss`).
    pub loss: Moments,
    /// Replications with dual success (`Outcome::dual_success`): no target compromised, no
    /// trip, no overrun, no reportable data loss that breaks operations.
    pub runs_dual_success: u64,
    /// The loss distribution, exactly: replications per distinct loss (the key is the loss's
    /// `f64` bits; losses are never negative, so the keys sort as the losses). Merging adds
    /// counts, so any grouping of ranges gives the same map. Read with [`ExposureAcc::losses`].
    pub loss_counts: std::collections::BTreeMap<u64, u64>,
}

impl Default for ExposureAcc {
    fn default() -> Self {
        ExposureAcc {
            runs: 0,
            runs_compromised: 0,
            runs_with_foothold: 0,
            runs_detected_before_impact: 0,
            ttc_minutes: hdrhistogram::Histogram::new_with_bounds(1, 1_000_000_000, 3)
                .expect("valid bounds"),
            exposure_days: Moments::default(),
            impact_cost: Moments::default(),
            loss: Moments::default(),
            runs_dual_success: 0,
            loss_counts: std::collections::BTreeMap::new(),
        }
    }
}

impl ExposureAcc {
    /// Adds one replication.
    pub fn push(&mut self, outcome: &Outcome) {
        let e = &outcome.exposure;
        self.runs += 1;
        if let Some(t) = e.compromised_at {
            self.runs_compromised += 1;
            self.ttc_minutes
                .saturating_record((t / 60_000_000_000).max(1));
        }
        self.runs_with_foothold += u64::from(e.footholds > 0);
        self.runs_detected_before_impact += u64::from(e.detected_before_impact);
        self.exposure_days.push(e.exposure_pair_ns as f64 / 8.64e13);
        self.impact_cost.push(e.impact_cost);
        let loss = outcome.loss();
        self.loss.push(loss);
        *self.loss_counts.entry(loss.max(0.0).to_bits()).or_default() += 1;
        self.runs_dual_success += u64::from(outcome.dual_success());
    }
    /// P(a target is compromised within the horizon).
    pub fn p_compromise(&self) -> Estimate {
        wilson(self.runs_compromised, self.runs)
    }
    /// P(detected before impact), among replications with a foothold.
    pub fn p_detected_before_impact(&self) -> Estimate {
        wilson(self.runs_detected_before_impact, self.runs_with_foothold)
    }
    /// The distinct losses in increasing order, each with its number of replications.
    pub fn losses(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.loss_counts
            .iter()
            .map(|(&k, &n)| (f64::from_bits(k), n))
    }
    /// Replications whose loss exceeds `x`.
    pub fn runs_with_loss_above(&self, x: f64) -> u64 {
        self.losses().filter(|&(l, _)| l > x).map(|(_, n)| n).sum()
    }
    /// P(dual success).
    pub fn p_dual_success(&self) -> Estimate {
        wilson(self.runs_dual_success, self.runs)
    }
    /// Time-to-compromise quantile in days (of replications with a compromise), if any.
    pub fn ttc_days(&self, q: f64) -> Option<f64> {
        (self.runs_compromised > 0).then(|| self.ttc_minutes.value_at_quantile(q) as f64 / 1440.0)
    }
}

/// A queue that reached its bound (see `patchtwin_sim::saturation`), over replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaturationAcc {
    /// Replications in which it did.
    pub runs: u64,
    /// Messages it dropped, all replications.
    pub dropped: u64,
    /// The earliest time (ns) it reached the bound in any replication.
    pub first_reached_at: u64,
}

impl SaturationAcc {
    /// Adds another replication's (or range's) finding about the same queue.
    pub fn merge(&mut self, o: &SaturationAcc) {
        self.runs += o.runs;
        self.dropped += o.dropped;
        self.first_reached_at = self.first_reached_at.min(o.first_reached_at);
    }
}

/// Adds one replication's saturated queues to `acc` (ordered by queue: deterministic).
pub fn push_saturation(
    acc: &mut std::collections::BTreeMap<SaturatedQueue, SaturationAcc>,
    found: &[QueueSaturation],
) {
    for s in found {
        let one = SaturationAcc {
            runs: 1,
            dropped: s.dropped,
            first_reached_at: s.reached_at,
        };
        acc.entry(s.queue)
            .and_modify(|a| a.merge(&one))
            .or_insert(one);
    }
}

/// Merged results of one plan.
#[derive(Debug, Clone)]
pub struct PlanResult {
    /// Plan id.
    pub plan: String,
    /// Per-flow timing in the baseline window, merged over replications.
    pub flows: Vec<FlowStats>,
    /// Per-flow timing after the plan's changes, merged over replications.
    pub flows_after: Vec<FlowStats>,
    /// Operations.
    pub ops: OpsAcc,
    /// Exposure.
    pub exposure: ExposureAcc,
    /// Rollout progress.
    pub rollout: rollout::RolloutAcc,
    /// Queues that reached their bound, by queue.
    pub saturated: std::collections::BTreeMap<SaturatedQueue, SaturationAcc>,
    /// Events processed over all replications.
    pub events: u64,
    /// Replications run.
    pub runs: u64,
    /// Per link (scenario order), messages put on the wire in the observation windows, per
    /// direction (`[ends[0] → ends[1], back]`), summed over replications: one per multicast
    /// message however many subscribers it serves (`Outcome::link_messages`). May be shorter
    /// than the links (a part file from before it was kept): missing links count 0.
    pub link_messages: Vec<[u64; 2]>,
}

/// Adds per-link message counts `o` to `acc`, growing it to `o`'s length.
pub fn add_link_messages(acc: &mut Vec<[u64; 2]>, o: &[[u64; 2]]) {
    if acc.len() < o.len() {
        acc.resize(o.len(), [0, 0]);
    }
    for (a, b) in acc.iter_mut().zip(o) {
        a[0] += b[0];
        a[1] += b[1];
    }
}

/// Why a run could not start.
#[derive(Debug)]
pub struct McError(pub String);

impl std::fmt::Display for McError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for McError {}

/// Paired differences between two plans of a run, `plan_a` minus `plan_b`, per replication
/// (same `i`, same random streams: common random numbers). One type for every paired
/// difference of a run: a plan against the baseline ([`RunResult::comparisons`], `plan_b`
/// the baseline) and any pair of plans ([`RunResult::pairwise`], neither need be the
/// baseline), which is what the recommendation needs to tell two alternatives apart.
#[derive(Debug, Clone, Default)]
pub struct Pairwise {
    /// The plan the differences are taken of: in [`RunResult::pairwise`] the earlier in the
    /// run's plan order, in [`RunResult::comparisons`] the plan compared.
    pub plan_a: String,
    /// The plan subtracted: in [`RunResult::pairwise`] the later in the run's plan order, in
    /// [`RunResult::comparisons`] the baseline.
    pub plan_b: String,
    /// Compromised (0/1), a minus b.
    pub d_compromise: Moments,
    /// Tripped (0/1), a minus b.
    pub d_trip: Moments,
    /// Unplanned downtime hours, a minus b.
    pub d_downtime_h: Moments,
    /// Expected loss, a minus b.
    pub d_loss: Moments,
    /// Dual success (0/1), a minus b.
    pub d_dual_success: Moments,
}

impl Pairwise {
    /// Adds one replication: the outcomes of plans a and b from the same stream.
    pub fn push(&mut self, a: &Outcome, b: &Outcome) {
        let d = differences(a, b);
        self.d_compromise.push(d.compromise);
        self.d_trip.push(d.trip);
        self.d_downtime_h.push(d.downtime_h);
        self.d_loss.push(d.loss);
        self.d_dual_success.push(d.dual_success);
    }
}

/// One replication's differences `x − y` of the quantities that [`Pairwise`] accumulates. Each is an IEEE subtraction, so `y − x` is exactly its negation.
struct Differences {
    compromise: f64,
    trip: f64,
    downtime_h: f64,
    loss: f64,
    dual_success: f64,
}

fn differences(x: &Outcome, y: &Outcome) -> Differences {
    let loss = Outcome::loss;
    let dual = Outcome::dual_success;
    Differences {
        compromise: indicator(x.exposure.compromised_at.is_some())
            - indicator(y.exposure.compromised_at.is_some()),
        trip: indicator(x.ops.trips > 0) - indicator(y.ops.trips > 0),
        downtime_h: (x.ops.downtime_ns as f64 - y.ops.downtime_ns as f64) / 3.6e12,
        loss: loss(x) - loss(y),
        dual_success: indicator(dual(x)) - indicator(dual(y)),
    }
}

/// Everything a run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Per plan, in the order asked.
    pub plans: Vec<PlanResult>,
    /// Every plan but the baseline against the baseline: `plan_a` the plan, `plan_b` the
    /// baseline, in the order asked.
    pub comparisons: Vec<Pairwise>,
    /// Every pair of plans `(a, b)` with `a` before `b` in the order asked, `a` minus `b`:
    /// (0, 1), (0, 2), …, (1, 2), … — see [`pairs`].
    pub pairwise: Vec<Pairwise>,
}

/// The pairs of [`RunResult::pairwise`] for `k` plans, as indices in the order asked: every
/// `(a, b)` with `a < b`, by `a` then `b`.
pub fn pairs(k: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..k).flat_map(move |a| (a + 1..k).map(move |b| (a, b)))
}

fn indicator(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Runs `settings.runs` replications of each plan in `plans` (indices into the scenario's
/// plans; the first is the baseline of comparisons). Replication `i` of every plan uses the
/// same stream, and the plans of one replication run together so that their differences are
/// accumulated pairwise: each plan against the baseline ([`RunResult::comparisons`]) and every
/// pair of plans ([`RunResult::pairwise`]). `progress` is called with the number of replications finished (all
/// plans).
pub fn run(
    model: &Compiled,
    plans: &[usize],
    settings: McSettings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, McError> {
    run_range(model, plans, 0..settings.runs, settings, progress)
}

/// Runs replications `range` (indices into the replication sequence of `settings.seed`) of
/// each plan. Results of disjoint ranges merged with [`RunResult::merge`] equal the results of
/// their union, bit for bit — the basis of `--target-ci` and of splitting a run into parts.
pub fn run_range(
    model: &Compiled,
    plans: &[usize],
    range: std::ops::Range<u64>,
    settings: McSettings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, McError> {
    let settings = McSettings {
        runs: range.end.saturating_sub(range.start),
        ..settings
    };
    let first = range.start;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| {
            McError(format!(
                "cannot start {} worker threads: {e}",
                settings.threads
            ))
        })?;
    let rs = model.run_settings(settings.observe_ns);
    let s = &model.scenario;
    let mut results: Vec<PlanResult> = plans
        .iter()
        .map(|&p| PlanResult {
            plan: s.plans[p].id.clone(),
            flows: model.flows.iter().map(|_| FlowStats::new()).collect(),
            flows_after: model.flows.iter().map(|_| FlowStats::new()).collect(),
            ops: OpsAcc::default(),
            exposure: ExposureAcc::default(),
            rollout: rollout::RolloutAcc::new(s, p),
            saturated: std::collections::BTreeMap::new(),
            link_messages: vec![[0, 0]; s.links.len()],
            events: 0,
            runs: settings.runs,
        })
        .collect();
    let mut comparisons: Vec<Pairwise> = plans
        .iter()
        .skip(1)
        .map(|&p| Pairwise {
            plan_a: s.plans[p].id.clone(),
            plan_b: s.plans[plans[0]].id.clone(),
            ..Pairwise::default()
        })
        .collect();
    let mut pairwise: Vec<Pairwise> = pairs(plans.len())
        .map(|(a, b)| Pairwise {
            plan_a: s.plans[plans[a]].id.clone(),
            plan_b: s.plans[plans[b]].id.clone(),
            ..Pairwise::default()
        })
        .collect();
    let mut start = first;
    let last = first + settings.runs;
    let chunk = chunk_size(model.flows.len(), plans.len(), settings.threads);
    while start < last {
        let end = (start + chunk).min(last);
        // One item per replication: the outcomes of every plan, in plan order.
        let outcomes: Vec<Vec<patchtwin_sim::Outcome>> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|i| {
                    plans
                        .iter()
                        .map(|&p| {
                            Replication::new(model, p, rs, stream(settings.seed, i))
                                .run()
                                .0
                        })
                        .collect()
                })
                .collect()
        });
        for per_plan in &outcomes {
            for (r, o) in results.iter_mut().zip(per_plan) {
                for (acc, f) in r.flows.iter_mut().zip(&o.flows) {
                    acc.merge(f);
                }
                for (acc, f) in r.flows_after.iter_mut().zip(&o.flows_after) {
                    acc.merge(f);
                }
                r.ops.push(&o.ops);
                r.exposure.push(o);
                r.rollout.push(&o.ops);
                r.rollout.push_exposure(&o.exposure);
                push_saturation(&mut r.saturated, &o.saturated);
                add_link_messages(&mut r.link_messages, &o.link_messages);
                r.events += o.events;
            }
            for (c, o) in comparisons.iter_mut().zip(&per_plan[1..]) {
                c.push(o, &per_plan[0]);
            }
            for (w, (a, b)) in pairwise.iter_mut().zip(pairs(per_plan.len())) {
                w.push(&per_plan[a], &per_plan[b]);
            }
        }
        progress((end - first) * plans.len() as u64);
        start = end;
    }
    Ok(RunResult {
        plans: results,
        comparisons,
        pairwise,
    })
}
