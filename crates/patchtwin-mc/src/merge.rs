//! Merging results of disjoint replication ranges. Every accumulator is exact (integer counts,
//! fixed-point moments, histogram counts), so merging in any grouping gives the same bits as
//! running the union at once: runs can grow until an interval is narrow enough
//! (`--target-ci`) or be split into parts run elsewhere and merged.
//!
//! Also the `--target-ci` driver: keep adding batches until every headline interval is narrow
//! enough, or a cap is reached.

use crate::{ExposureAcc, McError, McSettings, OpsAcc, Pairwise, PlanResult, RunResult, run_range};
use patchtwin_sim::Compiled;

impl OpsAcc {
    /// Adds another range's accumulator.
    pub fn merge(&mut self, o: &OpsAcc) {
        self.runs += o.runs;
        self.runs_with_trip += o.runs_with_trip;
        self.runs_with_patch_failure += o.runs_with_patch_failure;
        self.runs_with_overrun += o.runs_with_overrun;
        self.deployments += o.deployments;
        self.failed_deployments += o.failed_deployments;
        self.runs_changes_done += o.runs_changes_done;
        self.downtime_h.merge(&o.downtime_h);
        self.downtime_cost.merge(&o.downtime_cost);
        self.overrun_h.merge(&o.overrun_h);
        self.loss_of_view_h.merge(&o.loss_of_view_h);
        self.loss_of_control_h.merge(&o.loss_of_control_h);
        self.historian_gap_h.merge(&o.historian_gap_h);
        self.faults += o.faults;
        self.runs_with_data_loss += o.runs_with_data_loss;
        self.data_loss_events += o.data_loss_events;
        self.data_loss_cost.merge(&o.data_loss_cost);
        if self.data_loss_group_runs.len() < o.data_loss_group_runs.len() {
            self.data_loss_group_runs
                .resize(o.data_loss_group_runs.len(), 0);
        }
        for (acc, x) in self
            .data_loss_group_runs
            .iter_mut()
            .zip(&o.data_loss_group_runs)
        {
            *acc += x;
        }
        self.recovery_extra_h.merge(&o.recovery_extra_h);
        self.downtime_minutes
            .add(&o.downtime_minutes)
            .expect("same histogram bounds");
    }
}

impl ExposureAcc {
    /// Adds another range's accumulator.
    pub fn merge(&mut self, o: &ExposureAcc) {
        self.runs += o.runs;
        self.runs_compromised += o.runs_compromised;
        self.runs_with_foothold += o.runs_with_foothold;
        self.runs_detected_before_impact += o.runs_detected_before_impact;
        self.ttc_minutes
            .add(&o.ttc_minutes)
            .expect("same histogram bounds");
        self.exposure_days.merge(&o.exposure_days);
        self.impact_cost.merge(&o.impact_cost);
        self.loss.merge(&o.loss);
        self.runs_dual_success += o.runs_dual_success;
        for (&k, &n) in &o.loss_counts {
            *self.loss_counts.entry(k).or_default() += n;
        }
    }
}

impl PlanResult {
    /// Adds another range's results of the same plan.
    pub fn merge(&mut self, o: &PlanResult) {
        debug_assert_eq!(self.plan, o.plan);
        for (a, b) in self.flows.iter_mut().zip(&o.flows) {
            a.merge(b);
        }
        for (a, b) in self.flows_after.iter_mut().zip(&o.flows_after) {
            a.merge(b);
        }
        self.ops.merge(&o.ops);
        self.exposure.merge(&o.exposure);
        self.rollout.merge(&o.rollout);
        for (q, s) in &o.saturated {
            self.saturated
                .entry(*q)
                .and_modify(|a| a.merge(s))
                .or_insert(*s);
        }
        crate::add_link_messages(&mut self.link_messages, &o.link_messages);
        self.events += o.events;
        self.runs += o.runs;
    }
}

impl Pairwise {
    /// Adds another range's paired differences of the same pair.
    pub fn merge(&mut self, o: &Pairwise) {
        debug_assert_eq!((&self.plan_a, &self.plan_b), (&o.plan_a, &o.plan_b));
        self.d_compromise.merge(&o.d_compromise);
        self.d_trip.merge(&o.d_trip);
        self.d_downtime_h.merge(&o.d_downtime_h);
        self.d_loss.merge(&o.d_loss);
        self.d_dual_success.merge(&o.d_dual_success);
    }
}

impl RunResult {
    /// Adds the results of another, disjoint range of replications of the same plans.
    pub fn merge(&mut self, o: &RunResult) {
        for (a, b) in self.plans.iter_mut().zip(&o.plans) {
            a.merge(b);
        }
        for (a, b) in self.comparisons.iter_mut().zip(&o.comparisons) {
            a.merge(b);
        }
        for (a, b) in self.pairwise.iter_mut().zip(&o.pairwise) {
            a.merge(b);
        }
    }

    /// Width of the widest headline interval (P(compromise), P(trip), P(patch failure),
    /// P(dual success) of every plan), and which one it is.
    pub fn widest_headline(&self) -> (f64, String) {
        let mut widest = (0.0, String::new());
        for p in &self.plans {
            for (name, e) in [
                ("P(compromise)", p.exposure.p_compromise()),
                ("P(trip)", p.ops.p_trip()),
                ("P(patch failure)", p.ops.p_patch_failure()),
                ("P(dual success)", p.exposure.p_dual_success()),
            ] {
                let w = e.hi - e.lo;
                if w > widest.0 {
                    widest = (w, format!("{name} of {}", p.plan));
                }
            }
        }
        widest
    }
}

/// Why an adaptive run stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// Every headline interval is narrower than the target.
    TargetReached {
        /// Replications per plan.
        runs: u64,
        /// Width of the widest interval.
        widest: f64,
    },
    /// The cap was reached first.
    CapReached {
        /// Replications per plan.
        runs: u64,
        /// Width of the widest interval.
        widest: f64,
        /// Which interval it is.
        which: String,
    },
}

/// Adds batches of `batch` replications until every headline interval is narrower than
/// `target` (a width in probability, e.g. 0.02) or `cap` replications per plan have run.
/// The result equals a plain run of the same number of replications.
pub fn run_until(
    model: &Compiled,
    plans: &[usize],
    settings: McSettings,
    target: f64,
    batch: u64,
    cap: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(RunResult, StopReason), McError> {
    let batch = batch.max(1);
    let mut done = batch.min(cap);
    let mut result = run_range(model, plans, 0..done, settings, progress)?;
    loop {
        let (widest, which) = result.widest_headline();
        if widest < target {
            return Ok((result, StopReason::TargetReached { runs: done, widest }));
        }
        if done >= cap {
            return Ok((
                result,
                StopReason::CapReached {
                    runs: done,
                    widest,
                    which,
                },
            ));
        }
        let next = (done + batch).min(cap);
        let base = done;
        let part = run_range(model, plans, done..next, settings, &|k| {
            progress(base * plans.len() as u64 + k)
        })?;
        result.merge(&part);
        done = next;
    }
}
