//! P(late) of a flow's messages — the share later than the deadline or never completed — with a
//! 95% interval that respects how late messages cluster within runs ([`late_share`]). Not here:
//! counting them (the simulation: `FlowStats::late`, `FlowStats::late_by_run`) or judging a
//! deadline target (`patchtwin-report`'s `deadline`).
//!
//! Late messages come in runs: a queue that is long for one message is long for the next, and a
//! storm or a slow device makes a whole replication late while another has none. Treating every
//! message as an independent trial (Clopper–Pearson over the pooled messages) then claims far
//! more precision than the replications hold: on relay-firmware's firmware plan (10 runs) the
//! interval over runs is six times as wide as the pooled one. The replications are independent, so the
//! interval is computed over them: the pooled share `p = Σ late / Σ messages` is a ratio
//! estimator, and its cluster-robust (linearisation) variance is
//! `m / (m − 1) · Σ (late_i − p · messages_i)² / (Σ messages)²` over the `m` runs with messages,
//! with a Student-t quantile of `m − 1` degrees of freedom — exact from the sums of
//! `patchtwin_sim::outcome::LateByRun`. That interval says nothing when no run, or only one, had
//! a late message (its variance is 0), where the exact pooled interval still does (at zero the
//! rule of three); so the interval reported is the hull of both: never narrower than the exact
//! pooled interval, and as wide as the spread between runs says when late messages cluster.

use crate::estimate::{Estimate, clopper_pearson, t975};
use patchtwin_sim::outcome::LateByRun;

/// A flow's P(late) with its 95% interval, and the runs the interval is over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LateShare {
    /// The share and its interval.
    pub estimate: Estimate,
    /// Runs with messages whose spread widened the interval where it clusters; 0 when the
    /// per-run counts were not there (a part file from before they were kept) or disagree
    /// with the pooled counts, and the interval is the exact pooled one alone.
    pub runs: u64,
}

/// P(late) for `late` of `messages` (the pooled counts) with the interval described in the
/// module docs, from the per-run sums `by_run` when they add up to the pooled counts.
pub fn late_share(late: u64, messages: u64, by_run: &LateByRun) -> LateShare {
    let exact = clopper_pearson(late, messages);
    let usable = by_run.runs >= 2 && by_run.late == late && by_run.messages == messages;
    if !usable || messages == 0 {
        return LateShare {
            estimate: exact,
            runs: 0,
        };
    }
    let (m, y, n) = (by_run.runs as f64, late as f64, messages as f64);
    let p = y / n;
    // Σ (y_i − p n_i)² = Σ y² − 2p Σ y n + p² Σ n², never negative in exact arithmetic.
    let spread = (by_run.late_sq as f64 - 2.0 * p * by_run.late_messages as f64
        + p * p * by_run.messages_sq as f64)
        .max(0.0);
    let se = (m / (m - 1.0) * spread).sqrt() / n;
    let half = t975(by_run.runs - 1) * se;
    LateShare {
        estimate: Estimate {
            mean: p,
            lo: exact.lo.min((p - half).max(0.0)),
            hi: exact.hi.max((p + half).min(1.0)),
        },
        runs: by_run.runs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per-run counts `(late, messages)` into the sums the simulation keeps.
    fn sums(runs: &[(u64, u64)]) -> LateByRun {
        let mut acc = LateByRun::default();
        for &(y, n) in runs {
            acc.add(&LateByRun::one(y, n));
        }
        acc
    }

    /// A small generator for the tests' own resampling (xorshift64*), independent of the
    /// crate's streams.
    struct Gen(u64);
    impl Gen {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) % n
        }
    }

    /// The run-level (percentile) bootstrap of the pooled share: resample whole runs with
    /// replacement, take Σ late / Σ messages, read the 2.5% and 97.5% points.
    fn bootstrap(runs: &[(u64, u64)], resamples: usize) -> (f64, f64) {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let mut shares: Vec<f64> = (0..resamples)
            .map(|_| {
                let (mut y, mut n) = (0u64, 0u64);
                for _ in 0..runs.len() {
                    let (yi, ni) = runs[g.below(runs.len() as u64) as usize];
                    y += yi;
                    n += ni;
                }
                y as f64 / n as f64
            })
            .collect();
        shares.sort_by(f64::total_cmp);
        let at = |q: f64| shares[((resamples as f64 - 1.0) * q).round() as usize];
        (at(0.025), at(0.975))
    }

    #[test]
    fn late_messages_all_in_one_run_widen_the_interval_to_what_the_runs_say() {
        // 100 runs of 1,875 messages; all 50 late messages are in one run.
        let mut runs = vec![(0u64, 1875u64); 100];
        runs[37].0 = 50;
        let by_run = sums(&runs);
        let (late, messages) = (50, 187_500);
        let share = late_share(late, messages, &by_run);
        let e = share.estimate;
        assert_eq!(share.runs, 100);
        let (boot_lo, boot_hi) = bootstrap(&runs, 20_000);
        // Resampling the runs: the late run appears 0 times in 37% of resamples (lower point
        // 0), at most 3 times in 97.5% (upper point 3 · 50 / 187,500 = 8.0e-4).
        assert_eq!(boot_lo, 0.0);
        assert!((boot_hi - 8.0e-4).abs() < 1e-12, "{boot_hi}");
        assert!(
            e.lo <= boot_lo,
            "lo {} above the resampling's {boot_lo}",
            e.lo
        );
        // The t interval's upper end, 7.96e-4, is the resampling's to within its step (one
        // more copy of the late run moves the share by 2.7e-4).
        assert!(
            e.hi >= 0.95 * boot_hi && e.hi <= 1.25 * boot_hi,
            "hi {} against the resampling's {boot_hi}",
            e.hi
        );
        // The pooled interval, which treats the 187,500 messages as independent, would say
        // [2.0e-4, 3.5e-4]: it excludes both what 63% of resamples give and their upper end.
        let pooled = clopper_pearson(late, messages);
        assert!(
            pooled.lo > boot_lo && pooled.hi < 0.5 * boot_hi,
            "{pooled:?}"
        );
    }

    #[test]
    fn without_clustering_the_interval_stays_the_exact_pooled_one() {
        // Late messages spread like independent trials: per-run counts binomial(1875, 0.0027)
        // (about 5 per run), drawn here by their trials.
        let mut g = Gen(12345);
        let runs: Vec<(u64, u64)> = (0..100)
            .map(|_| {
                let late = (0..1875).filter(|_| g.below(10_000) < 27).count() as u64;
                (late, 1875)
            })
            .collect();
        let by_run = sums(&runs);
        let (late, messages) = (by_run.late, by_run.messages);
        let e = late_share(late, messages, &by_run).estimate;
        let pooled = clopper_pearson(late, messages);
        assert!(
            e.lo <= pooled.lo && e.hi >= pooled.hi,
            "the hull holds the pooled interval"
        );
        let width = |x: &Estimate| x.hi - x.lo;
        assert!(
            width(&e) < 1.2 * width(&pooled),
            "no clustering, no widening to speak of: {e:?} against {pooled:?}"
        );
    }

    #[test]
    fn zero_late_and_missing_counts_fall_back_to_the_exact_interval() {
        let runs = vec![(0u64, 1000u64); 20];
        let by_run = sums(&runs);
        let e = late_share(0, 20_000, &by_run);
        assert_eq!(
            e.estimate,
            clopper_pearson(0, 20_000),
            "the rule of three at zero"
        );
        // Counts from before per-run sums were kept, or sums that do not add up: pooled only.
        let old = late_share(50, 187_500, &LateByRun::default());
        assert_eq!((old.estimate, old.runs), (clopper_pearson(50, 187_500), 0));
        let off = late_share(51, 187_500, &sums(&[(50, 187_500), (0, 0)]));
        assert_eq!(off.runs, 0);
    }
}
