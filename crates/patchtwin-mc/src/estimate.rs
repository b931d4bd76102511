//! Estimates with 95% intervals: Wilson score intervals for probabilities, Student-t intervals
//! for means. Accumulators are exact counts and sums folded in replication order, so the same
//! replications give the same bits whatever the thread count.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A point estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Point estimate.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end of the 95% interval.
    pub hi: f64,
}

/// Wilson score interval for `k` successes in `n` trials (Wilson 1927). Unlike the normal
/// approximation it stays inside [0, 1] and behaves at k = 0 and k = n.
pub fn wilson(k: u64, n: u64) -> Estimate {
    if n == 0 {
        return Estimate {
            mean: 0.0,
            lo: 0.0,
            hi: 1.0,
        };
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Estimate {
        mean: p,
        lo: (centre - half).max(0.0),
        hi: (centre + half).min(1.0),
    }
}

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    StudentsT::new(0.0, 1.0, df as f64).map_or(Z95, |t| t.inverse_cdf(0.975))
}

/// Resolution of [`Moments`]: values are summed as integers of this many units per 1
/// (micro-hours, micro-euros), so that sums are exact and associative.
pub const MOMENT_SCALE: f64 = 1e6;

/// Running sum and sum of squares of one quantity over replications, kept as exact integers
/// (fixed point at [`MOMENT_SCALE`]): adding replications in any order or any grouping —
/// threads, chunks, parts merged afterwards — gives the same bits. A float sum would not.
/// Values up to about 10¹¹ per replication and 10⁶ replications stay exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moments {
    /// Replications.
    pub n: u64,
    /// Sum of the values, in units of 1 / MOMENT_SCALE.
    pub sum: i128,
    /// Sum of the squared values, in units of 1 / MOMENT_SCALE².
    pub sumsq: u128,
}

impl Moments {
    /// Adds one replication's value.
    pub fn push(&mut self, x: f64) {
        let q = (x * MOMENT_SCALE).round() as i128;
        self.n += 1;
        self.sum += q;
        self.sumsq += q.unsigned_abs() * q.unsigned_abs();
    }
    /// Adds another accumulator (exact).
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum += other.sum;
        self.sumsq += other.sumsq;
    }
    /// Sum of the values.
    pub fn total(&self) -> f64 {
        self.sum as f64 / MOMENT_SCALE
    }
    /// Mean (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.total() / self.n as f64
        }
    }
    /// Mean with a Student-t 95% interval.
    pub fn estimate(&self) -> Estimate {
        if self.n == 0 {
            return Estimate {
                mean: 0.0,
                lo: 0.0,
                hi: 0.0,
            };
        }
        let n = self.n as f64;
        let mean = self.mean();
        if self.n == 1 {
            return Estimate {
                mean,
                lo: f64::NEG_INFINITY,
                hi: f64::INFINITY,
            };
        }
        let sumsq = self.sumsq as f64 / (MOMENT_SCALE * MOMENT_SCALE);
        let var = ((sumsq - n * mean * mean) / (n - 1.0)).max(0.0);
        let half = t975(self.n - 1) * (var / n).sqrt();
        Estimate {
            mean,
            lo: mean - half,
            hi: mean + half,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Table I: 81/263 → 0.2553–0.3662 (95%, Wilson score).
        let e = wilson(81, 263);
        assert!(
            (e.lo - 0.2553).abs() < 5e-4 && (e.hi - 0.3662).abs() < 5e-4,
            "{e:?}"
        );
        // 0/10 → upper 0.2775.
        let e = wilson(0, 10);
        assert_eq!(e.lo, 0.0);
        assert!((e.hi - 0.2775).abs() < 5e-4, "{e:?}");
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert!((t975(1) - 12.706).abs() < 1e-3);
        assert!((t975(10) - 2.228).abs() < 1e-3);
        assert!((t975(1000) - 1.962).abs() < 1e-3);
    }

    #[test]
    fn moments_merge_exactly_in_any_grouping() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 7.0 + 0.1)
            .collect();
        let mut all = Moments::default();
        xs.iter().for_each(|x| all.push(*x));
        for split in [1, 333, 999] {
            let (mut a, mut b) = (Moments::default(), Moments::default());
            xs[..split].iter().for_each(|x| a.push(*x));
            xs[split..].iter().for_each(|x| b.push(*x));
            b.merge(&a);
            assert_eq!(b, all, "split at {split}");
        }
    }

    #[test]
    fn moments_give_the_t_interval() {
        let mut m = Moments::default();
        for x in [1.0, 2.0, 3.0, 4.0] {
            m.push(x);
        }
        let e = m.estimate();
        // mean 2.5, sd 1.2910, se 0.6455, t(3) = 3.1824 → ±2.0542.
        assert!((e.mean - 2.5).abs() < 1e-12);
        assert!((e.hi - e.mean - 2.0542).abs() < 1e-3, "{e:?}");
    }
}
