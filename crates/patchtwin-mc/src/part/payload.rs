//! The payload of a part file: every accumulator of a [`RunResult`], exactly, as plain
//! serialisable data, and back — checked against the header's identity (plans in order, every
//! pair, every flow, the part's replication count in every accumulator). Not here: the header,
//! the checksum, or whether parts belong together (the parent module).
//!
//! Each field is described once for both directions, so that none can be written and not
//! read back:
//! - the fields that travel as one array (`counts`, `moments`) are listed once, in order, by
//!   [`packed!`], which makes both the array (`get`, encoding) and the assignments (`set`,
//!   decoding) from that one list;
//! - every `*State` struct is built by a struct literal without `..` (the compiler wants every
//!   field written) and taken apart by an exhaustive `let State { … } = state;` (an unused
//!   field is a warning, an error in CI), so each field of the format is encoded and decoded;
//! - the property test `random_payloads_survive_a_round_trip` fills every field of every
//!   accumulator and wants them all back, and `a_committed_payload_reads_and_writes_back_
//!   byte_for_byte` holds the format to a payload written before this layout.

use super::{Identity, PartError, err};
use crate::estimate::Moments;
use crate::{ExposureAcc, OpsAcc, Pairwise, PlanResult, RunResult};
use hdrhistogram::Histogram;
use patchtwin_sim::outcome::{AttackerStopped, LateByRun};
use patchtwin_sim::{FlowStats, SaturatedQueue};
use serde::{Deserialize, Serialize};

/// Fields of an accumulator that travel together as one array of the payload, listed once:
/// `$name::get` reads them in this order (encoding) and `$name::set` assigns them back in the
/// same order (decoding). The array's length is the number of fields, so a field added to
/// the list changes the format's type, not just one direction.
macro_rules! packed {
    ($(#[$doc:meta])* $name:ident: $acc:ty => [$elem:ty] { $($field:ident),+ $(,)? }) => {
        $(#[$doc])*
        struct $name;
        impl $name {
            fn get(x: &$acc) -> [$elem; packed!(@count $($field)+)] {
                [$(x.$field),+]
            }
            fn set(x: &mut $acc, values: [$elem; packed!(@count $($field)+)]) {
                let [$($field),+] = values;
                $(x.$field = $field;)+
            }
        }
    };
    (@count $($field:ident)+) => { 0 $(+ packed!(@one $field))+ };
    (@one $field:ident) => { 1 };
}

packed! {
    /// `OpsState::counts`.
    OpsCounts: OpsAcc => [u64] {
        runs,
        runs_with_trip,
        runs_with_patch_failure,
        runs_with_overrun,
        deployments,
        failed_deployments,
        runs_changes_done,
    }
}
packed! {
    /// `OpsState::moments`.
    OpsMoments: OpsAcc => [Moments] {
        downtime_h,
        downtime_cost,
        overrun_h,
        loss_of_view_h,
        loss_of_control_h,
        historian_gap_h,
    }
}
packed! {
    /// `ConsequenceState::counts`.
    ConsequenceCounts: OpsAcc => [u64] { runs_with_data_loss, data_loss_events }
}
packed! {
    /// `ConsequenceState::moments`.
    ConsequenceMoments: OpsAcc => [Moments] { data_loss_cost, recovery_extra_h }
}
packed! {
    /// `ExposureState::counts`.
    ExposureCounts: ExposureAcc => [u64] {
        runs,
        runs_compromised,
        runs_with_foothold,
        runs_detected_before_impact,
        runs_dual_success,
    }
}
packed! {
    /// `ExposureState::moments`.
    ExposureMoments: ExposureAcc => [Moments] { exposure_days, impact_cost, loss }
}
packed! {
    /// `FlowState::counts`.
    FlowCounts: FlowStats => [u64] {
        sent,
        completed,
        deadline_misses,
        timeouts,
        failed_polls,
        comm_fail_events,
        stale_events,
        lost,
        latency_min_ns,
        latency_max_ns,
    }
}
packed! {
    /// `FlowState::attacker_stopped`.
    StoppedCounts: AttackerStopped => [u64] {
        sent,
        timeouts,
        failed_polls,
        comm_fail_events,
        stale_events,
        lost,
    }
}
packed! {
    /// `DiffState::moments`.
    DiffMoments: Pairwise => [Moments] {
        d_compromise,
        d_trip,
        d_downtime_h,
        d_loss,
        d_dual_success,
    }
}

fn bad_queue() -> PartError {
    PartError("damaged payload: a saturated queue is not a link direction or a server".into())
}

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
    /// Messages per link and direction (`PlanResult::link_messages`); absent from payloads
    /// written before it (read as none: every link 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    link_messages: Vec<[u64; 2]>,
}

/// A [`RolloutAcc`](crate::rollout::RolloutAcc), every field exactly.
#[derive(Serialize, Deserialize)]
struct RolloutState {
    rollbacks: MomentsState,
    ns_to_share: Vec<Vec<(u64, u64)>>,
    #[serde(default)]
    ns_to_exposure_share: Vec<Vec<(u64, u64)>>,
    days_to_close: Vec<Vec<(u64, u64)>>,
    pairs: u64,
    targets: Vec<Vec<u32>>,
}

impl RolloutState {
    fn of(r: &crate::rollout::RolloutAcc) -> Self {
        let crate::rollout::RolloutAcc {
            rollbacks,
            ns_to_share,
            ns_to_exposure_share,
            days_to_close,
            pairs,
            targets,
        } = r;
        let flat =
            |m: &std::collections::BTreeMap<u64, u64>| m.iter().map(|(k, c)| (*k, *c)).collect();
        RolloutState {
            rollbacks: moments_state(rollbacks),
            ns_to_share: ns_to_share.iter().map(flat).collect(),
            ns_to_exposure_share: ns_to_exposure_share.iter().map(flat).collect(),
            days_to_close: days_to_close.iter().map(flat).collect(),
            pairs: *pairs,
            targets: targets.clone(),
        }
    }

    fn into_acc(self, runs: u64) -> Result<crate::rollout::RolloutAcc, PartError> {
        let RolloutState {
            rollbacks,
            ns_to_share,
            ns_to_exposure_share,
            days_to_close,
            pairs,
            targets,
        } = self;
        let rollbacks = moments_of(&rollbacks)?;
        check_n(&[rollbacks], runs)?;
        let map = |v: Vec<(u64, u64)>| v.into_iter().collect();
        Ok(crate::rollout::RolloutAcc {
            rollbacks,
            ns_to_share: ns_to_share.into_iter().map(map).collect(),
            ns_to_exposure_share: ns_to_exposure_share.into_iter().map(map).collect(),
            days_to_close: days_to_close.into_iter().map(map).collect(),
            pairs,
            targets,
        })
    }
}

/// `[n, sum, sumsq]`, the sums as decimal strings (the sum 128-bit, the sum of squares up
/// to 256-bit).
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
    /// Poll arrivals skipped (`FlowStats::skipped`); left out when 0, and absent from
    /// payloads written before it (read as 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    skipped: u64,
    /// Late messages per run (`FlowStats::late_by_run`); left out when no run had messages,
    /// and absent from payloads written before it (read as none: the report then falls back
    /// to the pooled interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    late_by_run: Option<LateByRunState>,
}

/// A [`LateByRun`]: `[runs, late, messages]` and the sums `[Σlate², Σlate·messages,
/// Σmessages²]` as decimal strings (128 bits).
#[derive(Serialize, Deserialize)]
struct LateByRunState {
    counts: [u64; 3],
    sums: [String; 3],
}

fn is_zero(x: &u64) -> bool {
    *x == 0
}

impl LateByRunState {
    fn of(r: &LateByRun) -> Option<Self> {
        let LateByRun {
            runs,
            late,
            messages,
            late_sq,
            late_messages,
            messages_sq,
        } = *r;
        (*r != LateByRun::default()).then(|| LateByRunState {
            counts: [runs, late, messages],
            sums: [late_sq, late_messages, messages_sq].map(|x| x.to_string()),
        })
    }

    fn into_acc(self, part_runs: u64) -> Result<LateByRun, PartError> {
        let LateByRunState { counts, sums } = self;
        let [runs, late, messages] = counts;
        let mut parsed = [0u128; 3];
        for (x, s) in parsed.iter_mut().zip(&sums) {
            *x = s
                .parse()
                .map_err(|_| PartError(format!("damaged payload: `{s}` is not a sum")))?;
        }
        let [late_sq, late_messages, messages_sq] = parsed;
        if runs > part_runs || late > messages {
            return err(format!(
                "damaged payload: late messages per run count {runs} runs and {late} late of {messages} in a part of {part_runs}"
            ));
        }
        Ok(LateByRun {
            runs,
            late,
            messages,
            late_sq,
            late_messages,
            messages_sq,
        })
    }
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

/// Every [`Moments`] of a packed list as its state.
fn moments_states<const N: usize>(m: [Moments; N]) -> [MomentsState; N] {
    m.map(|m| moments_state(&m))
}

/// Every state of a packed list of [`Moments`], read back.
fn moments_all<const N: usize>(states: &[MomentsState; N]) -> Result<[Moments; N], PartError> {
    let mut out = [Moments::default(); N];
    for (m, s) in out.iter_mut().zip(states) {
        *m = moments_of(s)?;
    }
    Ok(out)
}

impl PayloadState {
    pub(super) fn of(r: &RunResult) -> PayloadState {
        let RunResult {
            plans,
            comparisons,
            pairwise,
        } = r;
        PayloadState {
            plans: plans.iter().map(PlanState::of).collect(),
            comparisons: comparisons.iter().map(DiffState::of).collect(),
            pairwise: pairwise.iter().map(DiffState::of).collect(),
        }
    }

    /// The accumulators, checked against the header: the plans in order, every pair, every
    /// flow, and `runs` replications in every count.
    pub(super) fn into_result(self, id: &Identity, runs: u64) -> Result<RunResult, PartError> {
        let PayloadState {
            plans,
            comparisons,
            pairwise,
        } = self;
        let names: Vec<&str> = plans.iter().map(|p| p.plan.as_str()).collect();
        if names != id.plans {
            return err(format!(
                "damaged payload: it holds plans {}, the header says {}",
                names.join(","),
                id.plans.join(",")
            ));
        }
        let plans = plans
            .into_iter()
            .map(|p| p.into_result(id.flows, runs))
            .collect::<Result<Vec<_>, _>>()?;
        let baseline = &id.plans[0];
        let expected: Vec<(&String, &String)> =
            id.plans[1..].iter().map(|p| (p, baseline)).collect();
        let comparisons = diffs(comparisons, &expected, runs)?;
        let expected: Vec<(&String, &String)> = crate::pairs(id.plans.len())
            .map(|(a, b)| (&id.plans[a], &id.plans[b]))
            .collect();
        let pairwise = diffs(pairwise, &expected, runs)?;
        Ok(RunResult {
            plans,
            comparisons,
            pairwise,
        })
    }
}

impl DiffState {
    fn of(w: &Pairwise) -> DiffState {
        DiffState {
            a: w.plan_a.clone(),
            b: w.plan_b.clone(),
            moments: moments_states(DiffMoments::get(w)),
        }
    }
}

/// The paired differences of `states`, which must be of the pairs `expected`, in order.
fn diffs(
    states: Vec<DiffState>,
    expected: &[(&String, &String)],
    runs: u64,
) -> Result<Vec<Pairwise>, PartError> {
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
        .map(|(DiffState { a, b, moments }, (ea, eb))| {
            if (&a, &b) != (*ea, *eb) {
                return err(format!(
                    "damaged payload: differences of {a} and {b} where {ea} and {eb} belong"
                ));
            }
            let mut w = Pairwise {
                plan_a: a,
                plan_b: b,
                ..Pairwise::default()
            };
            DiffMoments::set(&mut w, moments_all(&moments)?);
            check_n(&DiffMoments::get(&w), runs)?;
            Ok(w)
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
                counts: OpsCounts::get(o),
                moments: moments_states(OpsMoments::get(o)),
                downtime_minutes: histogram_state(&o.downtime_minutes),
                faults: o.faults,
                consequences: Some(ConsequenceState {
                    counts: ConsequenceCounts::get(o),
                    moments: moments_states(ConsequenceMoments::get(o)),
                    group_runs: o.data_loss_group_runs.clone(),
                }),
            },
            exposure: ExposureState {
                counts: ExposureCounts::get(e),
                moments: moments_states(ExposureMoments::get(e)),
                ttc_minutes: histogram_state(&e.ttc_minutes),
                loss_counts: e.loss_counts.iter().map(|(&k, &n)| (k, n)).collect(),
            },
            flows: p.flows.iter().map(FlowState::of).collect(),
            flows_after: p.flows_after.iter().map(FlowState::of).collect(),
            link_messages: p.link_messages.clone(),
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
        let PlanState {
            plan,
            runs: plan_runs,
            events,
            ops,
            exposure,
            flows: flow_states,
            flows_after,
            saturated,
            rollout,
            link_messages,
        } = self;
        if plan_runs != runs || ops.counts[0] != runs || exposure.counts[0] != runs {
            return err(format!(
                "damaged payload: plan {plan} counts {plan_runs} replications, the part holds {runs}"
            ));
        }
        if flow_states.len() != flows || flows_after.len() != flows {
            return err(format!(
                "damaged payload: plan {plan} has {} flows, the model has {flows}",
                flow_states.len()
            ));
        }
        let ops = ops.into_acc(runs)?;
        let exposure = exposure.into_acc(runs)?;
        check_n(
            &[
                &OpsMoments::get(&ops)[..],
                &ExposureMoments::get(&exposure)[..],
            ]
            .concat(),
            runs,
        )?;
        Ok(PlanResult {
            plan,
            flows: flow_states
                .into_iter()
                .map(|f| f.into_stats(runs))
                .collect::<Result<_, _>>()?,
            flows_after: flows_after
                .into_iter()
                .map(|f| f.into_stats(runs))
                .collect::<Result<_, _>>()?,
            ops,
            exposure,
            rollout: match rollout {
                Some(r) => r.into_acc(runs)?,
                None => crate::rollout::RolloutAcc::default(),
            },
            events,
            runs,
            link_messages,
            saturated: saturated
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

impl OpsState {
    /// The operations accumulator; its moments are checked against `runs` by the caller,
    /// the data-loss ones here.
    fn into_acc(self, runs: u64) -> Result<OpsAcc, PartError> {
        let OpsState {
            counts,
            moments,
            downtime_minutes,
            faults,
            consequences,
        } = self;
        let mut ops = OpsAcc {
            faults,
            ..OpsAcc::default()
        };
        OpsCounts::set(&mut ops, counts);
        OpsMoments::set(&mut ops, moments_all(&moments)?);
        fill_histogram(&mut ops.downtime_minutes, &downtime_minutes)?;
        match consequences {
            Some(ConsequenceState {
                counts,
                moments,
                group_runs,
            }) => {
                ConsequenceCounts::set(&mut ops, counts);
                ConsequenceMoments::set(&mut ops, moments_all(&moments)?);
                ops.data_loss_group_runs = group_runs;
                check_n(&ConsequenceMoments::get(&ops), runs)?;
            }
            // Written before these accumulators existed: nothing happened in them.
            None => {
                let none = Moments {
                    n: runs,
                    ..Moments::default()
                };
                ConsequenceMoments::set(&mut ops, [none; 2]);
            }
        }
        Ok(ops)
    }
}

impl ExposureState {
    /// The exposure accumulator; its moments are checked against `runs` by the caller, the
    /// loss distribution here.
    fn into_acc(self, runs: u64) -> Result<ExposureAcc, PartError> {
        let ExposureState {
            counts,
            moments,
            ttc_minutes,
            loss_counts,
        } = self;
        let mut exposure = ExposureAcc {
            loss_counts: loss_counts.iter().copied().collect(),
            ..ExposureAcc::default()
        };
        ExposureCounts::set(&mut exposure, counts);
        ExposureMoments::set(&mut exposure, moments_all(&moments)?);
        fill_histogram(&mut exposure.ttc_minutes, &ttc_minutes)?;
        let counted: u64 = exposure.loss_counts.values().sum();
        if counted != runs || exposure.loss_counts.len() != loss_counts.len() {
            return err(format!(
                "damaged payload: the loss distribution counts {counted} replications (or repeats a loss), the part holds {runs}"
            ));
        }
        Ok(exposure)
    }
}

impl FlowState {
    fn of(f: &FlowStats) -> FlowState {
        FlowState {
            counts: FlowCounts::get(f),
            latency_sum_ns: f.latency_sum_ns.to_string(),
            latency_sumsq_ns: f.latency_sumsq_ns.to_string(),
            latency_us: histogram_state(&f.latency_histogram()),
            attacker_stopped: StoppedCounts::get(&f.attacker_stopped),
            skipped: f.skipped,
            late_by_run: LateByRunState::of(&f.late_by_run),
        }
    }

    fn into_stats(self, runs: u64) -> Result<FlowStats, PartError> {
        let FlowState {
            counts,
            latency_sum_ns,
            latency_sumsq_ns,
            latency_us,
            attacker_stopped,
            skipped,
            late_by_run,
        } = self;
        let sum = |s: &str| {
            s.parse::<u128>()
                .map_err(|_| PartError(format!("damaged payload: `{s}` is not a sum")))
        };
        let mut f = FlowStats::new();
        FlowCounts::set(&mut f, counts);
        f.latency_sum_ns = sum(&latency_sum_ns)?;
        f.latency_sumsq_ns = sum(&latency_sumsq_ns)?;
        StoppedCounts::set(&mut f.attacker_stopped, attacker_stopped);
        f.skipped = skipped;
        if let Some(l) = late_by_run {
            f.late_by_run = l.into_acc(runs)?;
        }
        // Latencies are clamped to LATENCY_MAX_US when recorded; a bucket's top value is
        // within a factor of two of it. Anything larger is not from a run.
        let limit = 2 * patchtwin_sim::outcome::LATENCY_MAX_US;
        for (value, count) in latency_us {
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
mod tests;
