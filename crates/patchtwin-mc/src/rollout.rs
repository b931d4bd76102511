//! How far a plan's rollout got, per replication, accumulated exactly: rollbacks per run, the
//! time until 50, 90 and 95% of the scenario's open (vulnerability, asset) pairs are patched,
//! the time until 50, 90 and 95% of the exposure is closed (each pair weighted by its
//! exposure, [`exposure_time`]),
//! and per vulnerability the time its pairs that the plan patches are all closed (what a
//! remediation deadline such as BOD 26-04 asks). Times to a share are kept at the resolution
//! of the events (nanoseconds), so a rollout of 61.5 minutes reads 61.5 minutes; times to
//! close a vulnerability as counts per whole day, rounded up, so "closed by day N" is exact.
//!
//! Not here: what the report makes of them (quantiles, deadlines; `patchtwin-report`).

use crate::estimate::{Estimate, Moments};
use patchtwin_model::{Action, Scenario};
use patchtwin_sim::{ExposureOutcome, OpsOutcome};
use std::collections::BTreeMap;

/// The shares of open pairs whose time to close is recorded.
pub const SHARES: [f64; 3] = [0.5, 0.9, 0.95];

/// Never closed within the horizon.
pub const NEVER: u64 = u64::MAX;

const HOUR: u64 = 3_600_000_000_000;
const DAY: u64 = 24 * HOUR;

/// Rollout progress of one plan over replications.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RolloutAcc {
    /// Deployments rolled back, per replication.
    pub rollbacks: Moments,
    /// Per entry of [`SHARES`]: replications by the time (nanoseconds) at which that share of
    /// the open pairs was patched, [`NEVER`] if it was not.
    pub ns_to_share: Vec<BTreeMap<u64, u64>>,
    /// Per entry of [`SHARES`]: replications by the time (nanoseconds) at which that share of
    /// the exposure at t = 0 was closed ([`exposure_time`]), [`NEVER`] if it was not.
    pub ns_to_exposure_share: Vec<BTreeMap<u64, u64>>,
    /// Per vulnerability (scenario order): replications by the day (rounded up) at which
    /// every pair of it the plan patches was closed, [`NEVER`] if not; empty when the plan
    /// patches none of it.
    pub days_to_close: Vec<BTreeMap<u64, u64>>,
    /// Open pairs of the scenario (the denominator of the shares).
    pub pairs: u64,
    /// Per vulnerability: the assets the plan patches it on (sorted).
    pub targets: Vec<Vec<u32>>,
}

impl RolloutAcc {
    /// An empty accumulator for plan `plan` of `s`.
    pub fn new(s: &Scenario, plan: usize) -> Self {
        let mut targets: Vec<Vec<u32>> = vec![Vec::new(); s.vulnerabilities.len()];
        for a in &s.plans[plan].actions {
            if let Action::ApplyPatch { patch, assets, .. } = a {
                for v in &s.patches[patch.ix()].fixes {
                    let carriers = &s.vulnerabilities[v.ix()].assets;
                    for x in assets.iter().filter(|x| carriers.contains(x)) {
                        targets[v.ix()].push(x.0);
                    }
                }
            }
        }
        for t in &mut targets {
            t.sort_unstable();
            t.dedup();
        }
        RolloutAcc {
            rollbacks: Moments::default(),
            ns_to_share: vec![BTreeMap::new(); SHARES.len()],
            ns_to_exposure_share: vec![BTreeMap::new(); SHARES.len()],
            days_to_close: vec![BTreeMap::new(); s.vulnerabilities.len()],
            pairs: s
                .vulnerabilities
                .iter()
                .map(|v| v.assets.len() as u64)
                .sum(),
            targets,
        }
    }

    /// Adds one replication.
    pub fn push(&mut self, o: &OpsOutcome) {
        self.rollbacks.push(f64::from(o.failed_deployments));
        // The first fix of each pair.
        let mut first: BTreeMap<(u32, u32), u64> = BTreeMap::new();
        for &(v, a, t) in &o.fixed {
            first
                .entry((v, a))
                .and_modify(|x| *x = (*x).min(t))
                .or_insert(t);
        }
        let mut times: Vec<u64> = first.values().copied().collect();
        times.sort_unstable();
        for (k, share) in SHARES.iter().enumerate() {
            let need = (share * self.pairs as f64).ceil() as usize;
            let at = match need {
                0 => 0,
                n if n <= times.len() => times[n - 1],
                _ => NEVER,
            };
            *self.ns_to_share[k].entry(at).or_default() += 1;
        }
        for (v, t) in self.targets.iter().enumerate() {
            if t.is_empty() {
                continue;
            }
            let at = t
                .iter()
                .map(|a| first.get(&(v as u32, *a)).copied())
                .try_fold(0u64, |m, x| x.map(|x| m.max(x)))
                .map_or(NEVER, |x| x.div_ceil(DAY));
            *self.days_to_close[v].entry(at).or_default() += 1;
        }
    }

    /// Adds one replication's exposure (after [`RolloutAcc::push`]).
    pub fn push_exposure(&mut self, e: &ExposureOutcome) {
        for (k, share) in SHARES.iter().enumerate() {
            let at = exposure_time(&e.exposed_steps, *share);
            *self.ns_to_exposure_share[k].entry(at).or_default() += 1;
        }
    }

    /// Adds another replication range of the same plan.
    pub fn merge(&mut self, o: &RolloutAcc) {
        self.rollbacks.merge(&o.rollbacks);
        for (a, b) in self.ns_to_share.iter_mut().zip(&o.ns_to_share) {
            add(a, b);
        }
        for (a, b) in self
            .ns_to_exposure_share
            .iter_mut()
            .zip(&o.ns_to_exposure_share)
        {
            add(a, b);
        }
        for (a, b) in self.days_to_close.iter_mut().zip(&o.days_to_close) {
            add(a, b);
        }
    }

    /// Expected rollbacks per replication, with its interval (never below 0).
    pub fn rollbacks_per_run(&self) -> Estimate {
        self.rollbacks.nonnegative_estimate()
    }

    /// Quantile `q` (0–1) over replications of the time, in days, until [`SHARES`]`[k]` of
    /// the open pairs was patched, with a 95% distribution-free interval from the order
    /// statistics; `None` where it falls on runs that never got there.
    pub fn days_to_share(&self, k: usize, q: f64) -> QuantileDays {
        quantile(&self.ns_to_share[k], q, DAY as f64)
    }

    /// Quantile `q` over replications of the time, in days, until [`SHARES`]`[k]` of the
    /// exposure was closed ([`exposure_time`]), with its interval as for
    /// [`RolloutAcc::days_to_share`].
    pub fn days_to_exposure_share(&self, k: usize, q: f64) -> QuantileDays {
        quantile(&self.ns_to_exposure_share[k], q, DAY as f64)
    }

    /// Replications in which every pair of vulnerability `v` the plan patches was closed by
    /// the end of day `days`, of all replications; `None` when the plan patches none of it.
    pub fn closed_by_day(&self, v: usize, days: u64) -> Option<(u64, u64)> {
        let m = self.days_to_close.get(v)?;
        let n: u64 = m.values().sum();
        (n > 0).then(|| (m.range(..=days).map(|(_, c)| c).sum(), n))
    }
}

/// The time (nanoseconds) at which `share` of a run's exposure was closed, [`NEVER`] if it was
/// not within the horizon.
///
/// A run's exposure at time t is the number of (vulnerability, asset) pairs the attacker could
/// attempt then (`exposed_steps`, the rate at which exposure-days accrue): each open pair
/// weighted by its exposure, 1 while reachable and 0 otherwise, so closing a pair nobody can
/// reach closes nothing, and a control that cuts reach closes exposure as a patch does. A
/// share s is closed at the first time the exposure has fallen by at least ⌈s · E(0)⌉ pairs
/// from its value E(0) at t = 0 (0 h when E(0) is 0).
pub fn exposure_time(steps: &[(u64, u64)], share: f64) -> u64 {
    let Some(&(_, start)) = steps.first() else {
        return 0;
    };
    let need = (share * start as f64).ceil() as u64;
    if need == 0 {
        return 0;
    }
    steps
        .iter()
        .find(|(_, c)| start.saturating_sub(*c) >= need)
        .map_or(NEVER, |(t, _)| *t)
}

fn add(a: &mut BTreeMap<u64, u64>, b: &BTreeMap<u64, u64>) {
    for (k, c) in b {
        *a.entry(*k).or_default() += c;
    }
}

/// A quantile of a time over replications, with its interval; `None`: never within the
/// horizon (at that rank).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileDays {
    /// The quantile.
    pub value: Option<f64>,
    /// Lower end of its 95% interval.
    pub lo: Option<f64>,
    /// Upper end of its 95% interval.
    pub hi: Option<f64>,
    /// Share of replications that got there within the horizon.
    pub reached: f64,
}

/// Quantile `q` of the counts `m` (values in units of `per_day` per day), with the 95%
/// order-statistics interval: ranks `nq ∓ 1.96 √(nq(1−q))`, rounded outwards.
fn quantile(m: &BTreeMap<u64, u64>, q: f64, per_day: f64) -> QuantileDays {
    let n: u64 = m.values().sum();
    let reached = n - m.get(&NEVER).copied().unwrap_or(0);
    let at_rank = |rank: u64| -> Option<f64> {
        let mut seen = 0;
        for (v, c) in m {
            seen += c;
            if seen >= rank {
                return (*v != NEVER).then(|| *v as f64 / per_day);
            }
        }
        None
    };
    if n == 0 {
        return QuantileDays {
            value: None,
            lo: None,
            hi: None,
            reached: 0.0,
        };
    }
    let nf = n as f64;
    let centre = (nf * q).ceil().max(1.0);
    let half = 1.96 * (nf * q * (1.0 - q)).sqrt();
    let lo_rank = ((nf * q - half).floor()).max(1.0) as u64;
    let hi_rank = ((nf * q + half).ceil() + 1.0).min(nf) as u64;
    QuantileDays {
        value: at_rank(centre as u64),
        lo: at_rank(lo_rank),
        hi: at_rank(hi_rank),
        reached: reached as f64 / nf,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_closes_by_the_exposure_of_each_pair() {
        // Three open pairs at t = 0, two of them exposed: h2's (reachable) and h3's; h1's is
        // not reachable (exposure 0). h1 is patched at 1 h (nothing closes: the exposure stays
        // 2), h2 at 5 h (exposure 1), h3 at 30 h (exposure 0).
        let steps = [(0, 2), (5 * HOUR, 1), (30 * HOUR, 0)];
        // 50%: ⌈0.5 · 2⌉ = 1 exposed pair closed, at 5 h; 90% and 95%: both, at 30 h.
        assert_eq!(exposure_time(&steps, 0.5), 5 * HOUR);
        assert_eq!(exposure_time(&steps, 0.9), 30 * HOUR);
        assert_eq!(exposure_time(&steps, 0.95), 30 * HOUR);
        // Counting pairs instead (3 of them, closed at 1, 5 and 30 h) would give 5 h for 50%
        // (2 of 3) but 1 h for a third: the unreachable pair would count as closed exposure.
        // Never below the target within the horizon; no exposure at all.
        assert_eq!(exposure_time(&[(0, 4), (HOUR + 1, 3)], 0.5), NEVER);
        assert_eq!(
            exposure_time(&[(0, 4), (HOUR + 1, 2)], 0.5),
            HOUR + 1,
            "not rounded"
        );
        assert_eq!(exposure_time(&[(0, 0)], 0.95), 0);
    }

    #[test]
    fn time_to_a_share_is_not_rounded_to_hours() {
        // Review finding 19, by hand: three of five pairs patched one after another, 20.5
        // minutes each, so 50% (⌈2.5⌉ = 3 pairs) is reached at 3 · 20.5 = 61.5 minutes
        // = 61.5 / 1440 days. Rounding up to whole hours made it 2 h (0.0833 d).
        let mut acc = RolloutAcc {
            ns_to_share: vec![BTreeMap::new(); SHARES.len()],
            pairs: 5,
            ..RolloutAcc::default()
        };
        let step = 20 * 60 * 1_000_000_000 + 30 * 1_000_000_000;
        let o = OpsOutcome {
            fixed: (1..=3).map(|k| (0, k, k as u64 * step)).collect(),
            ..OpsOutcome::default()
        };
        acc.push(&o);
        let q = acc.days_to_share(0, 0.5);
        assert_eq!(q.value, Some(61.5 / 1440.0));
        assert_eq!(acc.days_to_share(1, 0.5).value, None, "90%: never");
    }

    #[test]
    fn the_quantile_of_counts_is_the_order_statistic() {
        // 100 runs at hours 1..=100: the median is rank 50 (hour 50), the interval ranks
        // 50 ∓ 1.96·5 → 40 and 61.
        let m: BTreeMap<u64, u64> = (1..=100).map(|h| (h, 1)).collect();
        let q = quantile(&m, 0.5, 1.0);
        assert_eq!(q.value, Some(50.0));
        assert_eq!(q.lo, Some(40.0));
        assert_eq!(q.hi, Some(61.0));
        assert_eq!(q.reached, 1.0);
        // Half the runs never get there: the 0.9 quantile is "never".
        let mut m: BTreeMap<u64, u64> = (1..=50).map(|h| (h, 1)).collect();
        m.insert(NEVER, 50);
        let q = quantile(&m, 0.9, 1.0);
        assert_eq!(q.value, None);
        assert_eq!(q.reached, 0.5);
    }
}
