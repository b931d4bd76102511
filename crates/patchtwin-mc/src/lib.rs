//! Monte Carlo over replications, in parallel with rayon, with results that are bit-identical
//! for any thread count.
//!
//! Replication `i` of every plan draws from the stream [`stream`]`(seed, i)` — derived from the
//! seed and the replication index only, never from a thread or shard — so plans see common
//! random numbers and any thread count gives the same draws. Replications run in chunks; each
//! chunk is collected *in index order* and folded sequentially into exact accumulators (counts
//! and histograms), because a parallel `reduce` would merge in a thread-dependent order.
//! Memory is bounded by the chunk size, not by the number of replications.
//!
//! This crate does no I/O; progress is reported through a callback.

pub mod estimate;

use estimate::{Estimate, Moments, wilson};
use patchtwin_sim::{Compiled, FlowStats, OpsOutcome, Replication, RunSettings};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

/// Replications run per parallel chunk: large enough to keep both cores busy, small enough
/// that memory does not grow with `--runs`.
pub const CHUNK: u64 = 64;

/// SplitMix64 finalizer: a bijective mix of 64-bit values (Steele, Lea & Flood 2014).
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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
#[derive(Debug, Clone, Default)]
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
    /// Historian data lost, hours.
    pub historian_gap_h: Moments,
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
    /// Events processed over all replications.
    pub events: u64,
    /// Replications run.
    pub runs: u64,
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

/// Runs `settings.runs` replications of each plan in `plans` (indices into the scenario's
/// plans). `progress` is called with the number of replications finished so far (all plans).
pub fn run(
    model: &Compiled,
    plans: &[usize],
    settings: McSettings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<PlanResult>, McError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.max(1))
        .build()
        .map_err(|e| {
            McError(format!(
                "cannot start {} worker threads: {e}",
                settings.threads
            ))
        })?;
    let rs = RunSettings {
        observe_ns: settings.observe_ns,
        horizon_ns: model.scenario.horizon.as_nanos(),
    };
    let mut results = Vec::with_capacity(plans.len());
    let mut done = 0u64;
    for &p in plans {
        let mut flows: Vec<FlowStats> = model.flows.iter().map(|_| FlowStats::new()).collect();
        let mut flows_after: Vec<FlowStats> =
            model.flows.iter().map(|_| FlowStats::new()).collect();
        let mut ops = OpsAcc::default();
        let mut events = 0u64;
        let mut start = 0u64;
        while start < settings.runs {
            let end = (start + CHUNK).min(settings.runs);
            let outcomes: Vec<_> = pool.install(|| {
                (start..end)
                    .into_par_iter()
                    .map(|i| {
                        Replication::new(model, p, rs, stream(settings.seed, i))
                            .run()
                            .0
                    })
                    .collect()
            });
            for o in &outcomes {
                for (acc, f) in flows.iter_mut().zip(&o.flows) {
                    acc.merge(f);
                }
                for (acc, f) in flows_after.iter_mut().zip(&o.flows_after) {
                    acc.merge(f);
                }
                ops.push(&o.ops);
                events += o.events;
            }
            done += end - start;
            progress(done);
            start = end;
        }
        results.push(PlanResult {
            plan: model.scenario.plans[p].id.clone(),
            flows,
            flows_after,
            ops,
            events,
            runs: settings.runs,
        });
    }
    Ok(results)
}
