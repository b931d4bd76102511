//! The payload of a part file: every accumulator of a [`RunResult`], exactly, as plain
//! serialisable data, and back — checked against the header's identity (plans in order, every
//! pair, every flow, the part's replication count in every accumulator). Not here: the header,
//! the checksum, or whether parts belong together (the parent module).

use super::{Identity, PartError, err};
use crate::estimate::Moments;
use crate::{ExposureAcc, OpsAcc, Paired, Pairwise, PlanResult, RunResult};
use hdrhistogram::Histogram;
use patchtwin_sim::{FlowStats, SaturatedQueue};

fn bad_queue() -> PartError {
    PartError("damaged payload: a saturated queue is not a link direction or a server".into())
}
use serde::{Deserialize, Serialize};

/// Every accumulator of a run or part.
#[derive(Serialize, Deserialize)]
pub(super) struct PayloadState {
    plans: Vec<PlanState>,
    comparisons: Vec<DiffState>,
    pairwise: Vec<DiffState>,
}

#[derive(Serialize, Deserialize)]
struct PlanState {
    plan: String,
    runs: u64,
    events: u64,
    ops: OpsState,
    exposure: ExposureState,
    flows: Vec<FlowState>,
    flows_after: Vec<FlowState>,
    /// Queues that reached their bound: `[kind (0 link, 1 server), index, dir, runs, dropped,
    /// first_reached_at]`.
    #[serde(default)]
    saturated: Vec<[u64; 6]>,
    /// Rollout progress (`crate::rollout`).
    #[serde(default)]
    rollout: Option<RolloutState>,
}

/// A [`RolloutAcc`](crate::rollout::RolloutAcc), every field exactly.
#[derive(Serialize, Deserialize)]
struct RolloutState {
    rollbacks: MomentsState,
    hours_to_share: Vec<Vec<(u64, u64)>>,
    #[serde(default)]
    hours_to_exposure_share: Vec<Vec<(u64, u64)>>,
    days_to_close: Vec<Vec<(u64, u64)>>,
    pairs: u64,
    targets: Vec<Vec<u32>>,
}

impl RolloutState {
    fn of(r: &crate::rollout::RolloutAcc) -> Self {
        let flat =
            |m: &std::collections::BTreeMap<u64, u64>| m.iter().map(|(k, c)| (*k, *c)).collect();
        RolloutState {
            rollbacks: moments_state(&r.rollbacks),
            hours_to_share: r.hours_to_share.iter().map(flat).collect(),
            hours_to_exposure_share: r.hours_to_exposure_share.iter().map(flat).collect(),
            days_to_close: r.days_to_close.iter().map(flat).collect(),
            pairs: r.pairs,
            targets: r.targets.clone(),
        }
    }

    fn into_acc(self, runs: u64) -> Result<crate::rollout::RolloutAcc, PartError> {
        let rollbacks = moments_of(&self.rollbacks)?;
        check_n(&[rollbacks], runs)?;
        let map = |v: Vec<(u64, u64)>| v.into_iter().collect();
        Ok(crate::rollout::RolloutAcc {
            rollbacks,
            hours_to_share: self.hours_to_share.into_iter().map(map).collect(),
            hours_to_exposure_share: self.hours_to_exposure_share.into_iter().map(map).collect(),
            days_to_close: self.days_to_close.into_iter().map(map).collect(),
            pairs: self.pairs,
            targets: self.targets,
        })
    }
}

/// `[n, sum, sumsq]`, the sums as decimal strings (128-bit).
#[derive(Serialize, Deserialize)]
struct MomentsState(u64, String, String);

#[derive(Serialize, Deserialize)]
struct OpsState {
    counts: [u64; 7],
    moments: [MomentsState; 6],
    downtime_minutes: Vec<(u64, u64)>,
    /// Spontaneous faults, all replications.
    #[serde(default)]
    faults: u64,
    /// Data-loss consequences and recovery effects (absent in parts written before them).
    #[serde(default)]
    consequences: Option<ConsequenceState>,
}

/// `runs_with_data_loss`, `data_loss_events`, the data-loss cost and extra recovery hours, and
/// per data-loss consequence its replications with an event.
#[derive(Serialize, Deserialize)]
struct ConsequenceState {
    counts: [u64; 2],
    moments: [MomentsState; 2],
    group_runs: Vec<u64>,
}

#[derive(Serialize, Deserialize)]
struct ExposureState {
    counts: [u64; 5],
    moments: [MomentsState; 3],
    ttc_minutes: Vec<(u64, u64)>,
    /// `(loss f64 bits, replications)` per distinct loss.
    #[serde(default)]
    loss_counts: Vec<(u64, u64)>,
}

#[derive(Serialize, Deserialize)]
struct FlowState {
    /// sent, completed, deadline_misses, timeouts, failed_polls, comm_fail_events,
    /// stale_events, lost, latency_min_ns, latency_max_ns.
    counts: [u64; 10],
    latency_sum_ns: String,
    latency_sumsq_ns: String,
    latency_us: Vec<(u64, u64)>,
    /// While the attacker held the producer stopped: sent, timeouts, failed_polls,
    /// comm_fail_events, stale_events, lost.
    #[serde(default)]
    attacker_stopped: [u64; 6],
}

/// `[d_compromise, d_trip, d_downtime_h, d_loss, d_dual_success]` of a pair of plans.
#[derive(Serialize, Deserialize)]
struct DiffState {
    a: String,
    b: String,
    moments: [MomentsState; 5],
}

fn moments_state(m: &Moments) -> MomentsState {
    MomentsState(m.n, m.sum.to_string(), m.sumsq.to_string())
}

fn moments_of(s: &MomentsState) -> Result<Moments, PartError> {
    Ok(Moments {
        n: s.0,
        sum: s
            .1
            .parse()
            .map_err(|_| PartError(format!("damaged payload: `{}` is not a sum", s.1)))?,
        sumsq: s
            .2
            .parse()
            .map_err(|_| PartError(format!("damaged payload: `{}` is not a sum", s.2)))?,
    })
}

fn histogram_state(h: &Histogram<u64>) -> Vec<(u64, u64)> {
    h.iter_recorded()
        .map(|v| (v.value_iterated_to(), v.count_at_value()))
        .collect()
}

fn fill_histogram(h: &mut Histogram<u64>, counts: &[(u64, u64)]) -> Result<(), PartError> {
    for &(value, count) in counts {
        h.record_n(value, count).map_err(|_| {
            PartError(format!(
                "damaged payload: histogram value {value} is out of range"
            ))
        })?;
    }
    Ok(())
}

impl PayloadState {
    pub(super) fn of(r: &RunResult) -> PayloadState {
        PayloadState {
            plans: r.plans.iter().map(PlanState::of).collect(),
            comparisons: r
                .comparisons
                .iter()
                .map(|c| DiffState {
                    a: c.plan.clone(),
                    b: c.baseline.clone(),
                    moments: [
                        &c.d_compromise,
                        &c.d_trip,
                        &c.d_downtime_h,
                        &c.d_loss,
                        &c.d_dual_success,
                    ]
                    .map(moments_state),
                })
                .collect(),
            pairwise: r
                .pairwise
                .iter()
                .map(|w| DiffState {
                    a: w.plan_a.clone(),
                    b: w.plan_b.clone(),
                    moments: [
                        &w.d_compromise,
                        &w.d_trip,
                        &w.d_downtime_h,
                        &w.d_loss,
                        &w.d_dual_success,
                    ]
                    .map(moments_state),
                })
                .collect(),
        }
    }

    /// The accumulators, checked against the header: the plans in order, every pair, every
    /// flow, and `runs` replications in every count.
    pub(super) fn into_result(self, id: &Identity, runs: u64) -> Result<RunResult, PartError> {
        let names: Vec<&str> = self.plans.iter().map(|p| p.plan.as_str()).collect();
        if names != id.plans {
            return err(format!(
                "damaged payload: it holds plans {}, the header says {}",
                names.join(","),
                id.plans.join(",")
            ));
        }
        let plans = self
            .plans
            .into_iter()
            .map(|p| p.into_result(id.flows, runs))
            .collect::<Result<Vec<_>, _>>()?;
        let baseline = &id.plans[0];
        let expected: Vec<(&String, &String)> =
            id.plans[1..].iter().map(|p| (p, baseline)).collect();
        let comparisons = diffs(self.comparisons, &expected, runs)?
            .into_iter()
            .map(|(a, b, m)| Paired {
                plan: a,
                baseline: b,
                d_compromise: m[0],
                d_trip: m[1],
                d_downtime_h: m[2],
                d_loss: m[3],
                d_dual_success: m[4],
            })
            .collect();
        let expected: Vec<(&String, &String)> = crate::pairs(id.plans.len())
            .map(|(a, b)| (&id.plans[a], &id.plans[b]))
            .collect();
        let pairwise = diffs(self.pairwise, &expected, runs)?
            .into_iter()
            .map(|(a, b, m)| Pairwise {
                plan_a: a,
                plan_b: b,
                d_compromise: m[0],
                d_trip: m[1],
                d_downtime_h: m[2],
                d_loss: m[3],
                d_dual_success: m[4],
            })
            .collect();
        Ok(RunResult {
            plans,
            comparisons,
            pairwise,
        })
    }
}

type Diff = (String, String, [Moments; 5]);

fn diffs(
    states: Vec<DiffState>,
    expected: &[(&String, &String)],
    runs: u64,
) -> Result<Vec<Diff>, PartError> {
    if states.len() != expected.len() {
        return err(format!(
            "damaged payload: {} plan differences, expected {}",
            states.len(),
            expected.len()
        ));
    }
    states
        .into_iter()
        .zip(expected)
        .map(|(s, (a, b))| {
            if (&s.a, &s.b) != (*a, *b) {
                return err(format!(
                    "damaged payload: differences of {} and {} where {a} and {b} belong",
                    s.a, s.b
                ));
            }
            let m = [
                moments_of(&s.moments[0])?,
                moments_of(&s.moments[1])?,
                moments_of(&s.moments[2])?,
                moments_of(&s.moments[3])?,
                moments_of(&s.moments[4])?,
            ];
            check_n(&m, runs)?;
            Ok((s.a, s.b, m))
        })
        .collect()
}

fn check_n(moments: &[Moments], runs: u64) -> Result<(), PartError> {
    match moments.iter().find(|m| m.n != runs) {
        Some(m) => err(format!(
            "damaged payload: an accumulator counts {} replications, the part holds {runs}",
            m.n
        )),
        None => Ok(()),
    }
}

impl PlanState {
    fn of(p: &PlanResult) -> PlanState {
        let o = &p.ops;
        let e = &p.exposure;
        PlanState {
            plan: p.plan.clone(),
            runs: p.runs,
            events: p.events,
            ops: OpsState {
                counts: [
                    o.runs,
                    o.runs_with_trip,
                    o.runs_with_patch_failure,
                    o.runs_with_overrun,
                    o.deployments,
                    o.failed_deployments,
                    o.runs_changes_done,
                ],
                moments: [
                    &o.downtime_h,
                    &o.downtime_cost,
                    &o.overrun_h,
                    &o.loss_of_view_h,
                    &o.loss_of_control_h,
                    &o.historian_gap_h,
                ]
                .map(moments_state),
                downtime_minutes: histogram_state(&o.downtime_minutes),
                faults: o.faults,
                consequences: Some(ConsequenceState {
                    counts: [o.runs_with_data_loss, o.data_loss_events],
                    moments: [&o.data_loss_cost, &o.recovery_extra_h].map(moments_state),
                    group_runs: o.data_loss_group_runs.clone(),
                }),
            },
            exposure: ExposureState {
                counts: [
                    e.runs,
                    e.runs_compromised,
                    e.runs_with_foothold,
                    e.runs_detected_before_impact,
                    e.runs_dual_success,
                ],
                moments: [&e.exposure_days, &e.impact_cost, &e.loss].map(moments_state),
                ttc_minutes: histogram_state(&e.ttc_minutes),
                loss_counts: e.loss_counts.iter().map(|(&k, &n)| (k, n)).collect(),
            },
            flows: p.flows.iter().map(FlowState::of).collect(),
            flows_after: p.flows_after.iter().map(FlowState::of).collect(),
            rollout: Some(RolloutState::of(&p.rollout)),
            saturated: p
                .saturated
                .iter()
                .map(|(q, a)| {
                    let (kind, index, dir) = match *q {
                        SaturatedQueue::Link { link, dir } => (0, u64::from(link), u64::from(dir)),
                        SaturatedQueue::Server { asset } => (1, u64::from(asset), 0),
                    };
                    [kind, index, dir, a.runs, a.dropped, a.first_reached_at]
                })
                .collect(),
        }
    }

    fn into_result(self, flows: usize, runs: u64) -> Result<PlanResult, PartError> {
        if self.runs != runs || self.ops.counts[0] != runs || self.exposure.counts[0] != runs {
            return err(format!(
                "damaged payload: plan {} counts {} replications, the part holds {runs}",
                self.plan, self.runs
            ));
        }
        if self.flows.len() != flows || self.flows_after.len() != flows {
            return err(format!(
                "damaged payload: plan {} has {} flows, the model has {flows}",
                self.plan,
                self.flows.len()
            ));
        }
        let [c0, c1, c2, c3, c4, c5, c6] = self.ops.counts;
        let m = &self.ops.moments;
        let mut ops = OpsAcc {
            runs: c0,
            runs_with_trip: c1,
            runs_with_patch_failure: c2,
            runs_with_overrun: c3,
            deployments: c4,
            failed_deployments: c5,
            runs_changes_done: c6,
            downtime_h: moments_of(&m[0])?,
            downtime_cost: moments_of(&m[1])?,
            overrun_h: moments_of(&m[2])?,
            loss_of_view_h: moments_of(&m[3])?,
            loss_of_control_h: moments_of(&m[4])?,
            historian_gap_h: moments_of(&m[5])?,
            faults: self.ops.faults,
            ..OpsAcc::default()
        };
        fill_histogram(&mut ops.downtime_minutes, &self.ops.downtime_minutes)?;
        match &self.ops.consequences {
            Some(c) => {
                [ops.runs_with_data_loss, ops.data_loss_events] = c.counts;
                ops.data_loss_cost = moments_of(&c.moments[0])?;
                ops.recovery_extra_h = moments_of(&c.moments[1])?;
                ops.data_loss_group_runs = c.group_runs.clone();
                check_n(&[ops.data_loss_cost, ops.recovery_extra_h], runs)?;
            }
            // Written before these accumulators existed: nothing happened in them.
            None => {
                ops.data_loss_cost = Moments {
                    n: runs,
                    ..Moments::default()
                };
                ops.recovery_extra_h = ops.data_loss_cost;
            }
        }
        let [e0, e1, e2, e3, e4] = self.exposure.counts;
        let m = &self.exposure.moments;
        let mut exposure = ExposureAcc {
            runs: e0,
            runs_compromised: e1,
            runs_with_foothold: e2,
            runs_detected_before_impact: e3,
            runs_dual_success: e4,
            exposure_days: moments_of(&m[0])?,
            impact_cost: moments_of(&m[1])?,
            loss: moments_of(&m[2])?,
            loss_counts: self.exposure.loss_counts.iter().copied().collect(),
            ..ExposureAcc::default()
        };
        fill_histogram(&mut exposure.ttc_minutes, &self.exposure.ttc_minutes)?;
        let counted: u64 = exposure.loss_counts.values().sum();
        if counted != runs || exposure.loss_counts.len() != self.exposure.loss_counts.len() {
            return err(format!(
                "damaged payload: the loss distribution counts {counted} replications (or repeats a loss), the part holds {runs}"
            ));
        }
        check_n(
            &[
                ops.downtime_h,
                ops.downtime_cost,
                ops.overrun_h,
                ops.loss_of_view_h,
                ops.loss_of_control_h,
                ops.historian_gap_h,
                exposure.exposure_days,
                exposure.impact_cost,
                exposure.loss,
            ],
            runs,
        )?;
        Ok(PlanResult {
            plan: self.plan,
            flows: self
                .flows
                .into_iter()
                .map(FlowState::into_stats)
                .collect::<Result<_, _>>()?,
            flows_after: self
                .flows_after
                .into_iter()
                .map(FlowState::into_stats)
                .collect::<Result<_, _>>()?,
            ops,
            exposure,
            rollout: match self.rollout {
                Some(r) => r.into_acc(runs)?,
                None => crate::rollout::RolloutAcc::default(),
            },
            events: self.events,
            runs,
            saturated: self
                .saturated
                .iter()
                .map(|&[kind, index, dir, runs, dropped, first]| {
                    let queue = match kind {
                        0 => SaturatedQueue::Link {
                            link: u32::try_from(index).map_err(|_| bad_queue())?,
                            dir: u8::try_from(dir).map_err(|_| bad_queue())?,
                        },
                        1 => SaturatedQueue::Server {
                            asset: u32::try_from(index).map_err(|_| bad_queue())?,
                        },
                        _ => return Err(bad_queue()),
                    };
                    let acc = crate::SaturationAcc {
                        runs,
                        dropped,
                        first_reached_at: first,
                    };
                    Ok((queue, acc))
                })
                .collect::<Result<_, PartError>>()?,
        })
    }
}

impl FlowState {
    fn of(f: &FlowStats) -> FlowState {
        FlowState {
            counts: [
                f.sent,
                f.completed,
                f.deadline_misses,
                f.timeouts,
                f.failed_polls,
                f.comm_fail_events,
                f.stale_events,
                f.lost,
                f.latency_min_ns,
                f.latency_max_ns,
            ],
            latency_sum_ns: f.latency_sum_ns.to_string(),
            latency_sumsq_ns: f.latency_sumsq_ns.to_string(),
            latency_us: histogram_state(&f.latency_histogram()),
            attacker_stopped: {
                let a = &f.attacker_stopped;
                [
                    a.sent,
                    a.timeouts,
                    a.failed_polls,
                    a.comm_fail_events,
                    a.stale_events,
                    a.lost,
                ]
            },
        }
    }

    fn into_stats(self) -> Result<FlowStats, PartError> {
        let [
            sent,
            completed,
            misses,
            timeouts,
            failed,
            comm_fail,
            stale,
            lost,
            min,
            max,
        ] = self.counts;
        let sum = |s: &str| {
            s.parse::<u128>()
                .map_err(|_| PartError(format!("damaged payload: `{s}` is not a sum")))
        };
        let mut f = FlowStats::new();
        f.sent = sent;
        f.completed = completed;
        f.deadline_misses = misses;
        f.timeouts = timeouts;
        f.failed_polls = failed;
        f.comm_fail_events = comm_fail;
        f.stale_events = stale;
        f.lost = lost;
        f.latency_min_ns = min;
        f.latency_max_ns = max;
        f.latency_sum_ns = sum(&self.latency_sum_ns)?;
        f.latency_sumsq_ns = sum(&self.latency_sumsq_ns)?;
        let [
            sent,
            timeouts,
            failed_polls,
            comm_fail_events,
            stale_events,
            lost,
        ] = self.attacker_stopped;
        f.attacker_stopped = patchtwin_sim::outcome::AttackerStopped {
            sent,
            timeouts,
            failed_polls,
            comm_fail_events,
            stale_events,
            lost,
        };
        // Latencies are clamped to LATENCY_MAX_US when recorded; a bucket's top value is
        // within a factor of two of it. Anything larger is not from a run.
        let limit = 2 * patchtwin_sim::outcome::LATENCY_MAX_US;
        for (value, count) in self.latency_us {
            if value > limit {
                return err(format!(
                    "damaged payload: latency {value} µs is beyond the largest recorded"
                ));
            }
            f.record_latency_count(value, count).map_err(|_| {
                PartError(format!("damaged payload: latency {value} µs out of range"))
            })?;
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_survive_a_round_trip() {
        // Values across buckets and magnitudes, including 0 and repeats.
        let mut h = Histogram::<u64>::new_with_bounds(1, 1_000_000_000, 3).expect("bounds");
        for v in [0u64, 0, 1, 2, 1023, 1024, 2047, 2049, 123_456, 999_999_999] {
            h.record(v).expect("in range");
        }
        let mut back = Histogram::<u64>::new_with_bounds(1, 1_000_000_000, 3).expect("bounds");
        fill_histogram(&mut back, &histogram_state(&h)).expect("in range");
        assert_eq!(back, h);
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(back.value_at_quantile(q), h.value_at_quantile(q));
        }
        assert_eq!(back.len(), 10);
    }
}
