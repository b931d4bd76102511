//! Estimates with 95% intervals: Wilson score intervals for probabilities, Student-t intervals
//! for means, Tango score intervals for paired differences of probabilities. Accumulators are exact counts and sums folded in replication order, so the same
//! replications give the same bits whatever the thread count.

pub use crate::wide::Wide;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 97.5th percentile of the standard normal distribution (1.960): the z of a two-sided 95%
/// interval.
pub const Z_TWO_SIDED_95: f64 = 1.959_963_984_540_054;

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
///
/// At k = 0 the lower end is exactly 0 and at k = n the upper end exactly 1 (in exact
/// arithmetic `centre ∓ half` is 0 and 1 there; in floating point it came out as 1e-19 above
/// the mean of 0). Every interval holds its point estimate: `lo ≤ mean ≤ hi`.
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
    let z2 = Z_TWO_SIDED_95 * Z_TWO_SIDED_95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_TWO_SIDED_95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Estimate {
        mean: p,
        lo: if k == 0.0 {
            0.0
        } else {
            (centre - half).clamp(0.0, p)
        },
        hi: if k == n {
            1.0
        } else {
            (centre + half).clamp(p, 1.0)
        },
    }
}

/// Clopper–Pearson exact two-sided 95% interval for `k` successes in `n` trials: the bounds
/// are the 2.5% quantile of Beta(k, n − k + 1) and the 97.5% quantile of Beta(k + 1, n − k)
/// (Clopper and Pearson 1934), exactly 0 at k = 0 and exactly 1 at k = n. At k = 0 the upper
/// bound is `1 − 0.025^(1/n)` ≈ 3.69 / n (the two-sided cousin of the one-sided "rule of
/// three", 3 / n). Conservative: the coverage is at least 95% for every true p.
pub fn clopper_pearson(k: u64, n: u64) -> Estimate {
    use statrs::distribution::Beta;
    if n == 0 {
        return Estimate {
            mean: 0.0,
            lo: 0.0,
            hi: 1.0,
        };
    }
    let k = k.min(n);
    let (kf, nf) = (k as f64, n as f64);
    let quantile = |a: f64, b: f64, q: f64| Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(q));
    let lo = if k == 0 {
        0.0
    } else {
        quantile(kf, nf - kf + 1.0, 0.025)
    };
    let hi = if k == n {
        1.0
    } else if k == 0 {
        // Closed form (the Beta(1, n) quantile), exact for any n.
        1.0 - 0.025f64.powf(1.0 / nf)
    } else {
        quantile(kf + 1.0, nf - kf, 0.975)
    };
    let p = kf / nf;
    Estimate {
        mean: p,
        lo: lo.clamp(0.0, p),
        hi: hi.clamp(p, 1.0),
    }
}

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    StudentsT::new(0.0, 1.0, df as f64).map_or(Z_TWO_SIDED_95, |t| t.inverse_cdf(0.975))
}

/// Resolution of [`Moments`]: values are summed as integers of this many units per 1
/// (micro-hours, micro-euros), so that sums are exact and associative.
pub const MOMENT_SCALE: f64 = 1e6;

/// The largest magnitude of one replication's value that [`Moments`] keeps exactly: 10²⁴
/// (hours or money). The scenario checker caps every cost at 10¹⁸, so a replication would need
/// a million events at the cap to reach it; a value beyond it is held at the cap.
pub const MOMENT_MAX_VALUE: f64 = 1e24;

/// Running sum and sum of squares of one quantity over replications, kept as exact integers
/// (fixed point at [`MOMENT_SCALE`]): adding replications in any order or any grouping —
/// threads, chunks, parts merged afterwards — gives the same bits. A float sum would not.
/// Each value is at most [`MOMENT_MAX_VALUE`] (10³⁰ units, under 2¹⁰⁰), so the sum stays in
/// an `i128` for 10⁸ replications and the sum of squares, 256 bits wide ([`Wide`]), for 2⁵⁶.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moments {
    /// Replications.
    pub n: u64,
    /// Sum of the values, in units of 1 / MOMENT_SCALE.
    pub sum: i128,
    /// Sum of the squared values, in units of 1 / MOMENT_SCALE².
    pub sumsq: Wide,
}

impl Moments {
    /// Adds one replication's value.
    pub fn push(&mut self, x: f64) {
        let q = (x.clamp(-MOMENT_MAX_VALUE, MOMENT_MAX_VALUE) * MOMENT_SCALE).round() as i128;
        self.n += 1;
        self.sum += q;
        self.sumsq = self.sumsq.saturating_add(Wide::square(q.unsigned_abs()));
    }
    /// Adds another accumulator (exact).
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum += other.sum;
        self.sumsq = self.sumsq.saturating_add(other.sumsq);
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
    /// Mean of a quantity that is never negative in any replication (hours, money, days),
    /// with the Student-t 95% interval cut at 0 ([`Moments::estimate`] intersected with
    /// [0, ∞)). The true mean of such a quantity is ≥ 0, so the cut loses no coverage; it only
    /// drops values no replication can produce (a t interval of 0, 0, 0, 9 reaches −4.9).
    /// All-zero runs give [0, 0]. A difference of such quantities can be negative: use
    /// [`Moments::estimate`] for those.
    pub fn nonnegative_estimate(&self) -> Estimate {
        let e = self.estimate();
        Estimate {
            mean: e.mean,
            lo: e.lo.max(0.0),
            hi: e.hi.max(0.0),
        }
    }

    /// The sample variance, from the exact sums: `(n Σq² − (Σq)²) / (n (n − 1))` is computed
    /// in integers, so no cancellation loses digits when the values are large and alike (the
    /// float form `Σx² − n x̄²` does: two runs of 10²⁴ gave a spread of 10¹⁷).
    fn sample_variance(&self) -> f64 {
        let n = self.n as f64;
        let scale2 = MOMENT_SCALE * MOMENT_SCALE;
        let exact = self
            .sumsq
            .checked_mul_small(self.n)
            .and_then(|a| a.checked_sub(Wide::square(self.sum.unsigned_abs())));
        match exact {
            Some(d) => d.to_f64() / (n * (n - 1.0)) / scale2,
            None => {
                let mean = self.mean();
                ((self.sumsq.to_f64() / scale2 - n * mean * mean) / (n - 1.0)).max(0.0)
            }
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
        let var = self.sample_variance();
        let half = t975(self.n - 1) * (var / n).sqrt();
        Estimate {
            mean,
            lo: mean - half,
            hi: mean + half,
        }
    }
}

/// Tango's score statistic for a paired difference of proportions `θ`, with `b` discordant
/// pairs one way and `c` the other in `n`: `(b − c − nθ) / √(n (2 q̃ + θ (1 − θ)))`, where `q̃`
/// is the maximum-likelihood probability of a `c` pair given `θ` (Tango 1998). Decreasing in
/// `θ`; at `θ = 0` its square is McNemar's statistic `(b − c)² / (b + c)`.
fn tango_score(b: f64, c: f64, n: f64, theta: f64) -> f64 {
    // From d/dq of b ln(q + θ) + c ln q + (n − b − c) ln(1 − θ − 2q) = 0:
    // 2n q² + w q − c θ (1 − θ) = 0, with w below.
    let w = -(b + c) + theta * (2.0 * n - b + c);
    let q = (-w
        + (w * w + 8.0 * n * c * theta * (1.0 - theta))
            .max(0.0)
            .sqrt())
        / (4.0 * n);
    let var = n * (2.0 * q + theta * (1.0 - theta));
    let num = b - c - n * theta;
    if var > 0.0 {
        num / var.sqrt()
    } else if num > 0.0 {
        f64::INFINITY
    } else if num < 0.0 {
        f64::NEG_INFINITY
    } else {
        0.0
    }
}

impl Moments {
    /// The mean of a paired difference of two proportions — a quantity that is 1, 0 or −1 in
    /// each replication (plan A's event happened and plan B's did not; both or neither; B's and
    /// not A's) — with Tango's asymptotic score interval (Tango 1998, Stat. Med. 17:891–908;
    /// recommended by Fagerland, Lydersen & Laake 2014): the differences `θ` its score test
    /// does not reject at 5%.
    ///
    /// Why not [`Moments::estimate`]: the t interval on ±1/0 values is [0, 0] when no run is
    /// discordant, however few the runs, and too narrow when few are, so it claims clear
    /// differences the runs cannot support. The score interval stays honest at the boundary
    /// (no discordant run in 200: about ±1.9 points) and excludes 0 exactly when McNemar's test
    /// rejects "no difference". It needs only the counts of discordant runs each way, which
    /// the exact sums give: `Σd = b − c` and `Σd² = b + c`. A quantity that is not 1, 0 or −1
    /// in every replication gets the t interval.
    pub fn paired_proportion_estimate(&self) -> Estimate {
        let scale = MOMENT_SCALE as i128;
        // A ±1/0 quantity has Σd² = (b + c) · scale², far inside 128 bits.
        let Some(sumsq) = self.sumsq.to_u128().and_then(|v| i128::try_from(v).ok()) else {
            return self.estimate();
        };
        let sum = self.sum;
        let whole = |x: i128, unit: i128| (x % unit == 0).then_some(x / unit);
        let (Some(diff), Some(discordant)) = (whole(sum, scale), whole(sumsq, scale * scale))
        else {
            return self.estimate();
        };
        let n = i128::from(self.n);
        // b − c and b + c have the same parity, and |b − c| ≤ b + c ≤ n.
        if self.n == 0 || diff.abs() > discordant || discordant > n || (discordant - diff) % 2 != 0
        {
            return self.estimate();
        }
        let (b, c, n) = (
            ((discordant + diff) / 2) as f64,
            ((discordant - diff) / 2) as f64,
            n as f64,
        );
        let mean = (b - c) / n;
        // The score is decreasing in θ, +∞ at −1 and −∞ at +1: bisect for where it crosses ±z.
        let crossing = |target: f64, mut lo: f64, mut hi: f64| {
            for _ in 0..80 {
                let mid = 0.5 * (lo + hi);
                if tango_score(b, c, n, mid) > target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            0.5 * (lo + hi)
        };
        Estimate {
            mean,
            lo: crossing(Z_TWO_SIDED_95, -1.0, mean),
            hi: crossing(-Z_TWO_SIDED_95, mean, 1.0),
        }
    }
}

#[cfg(test)]
mod clopper_pearson_tests {
    use super::clopper_pearson;

    /// Exact bounds checked against their defining equations: at the lower bound
    /// P(X ≥ k) = 2.5%, at the upper bound P(X ≤ k) = 2.5%, X ~ Binomial(n, p), with the
    /// binomial sums computed term by term here (not through the Beta function).
    fn binom_cdf(k: u64, n: u64, p: f64) -> f64 {
        let mut term = (1.0 - p).powi(n as i32);
        let mut sum = term;
        for i in 0..k {
            term *= (n - i) as f64 / (i + 1) as f64 * p / (1.0 - p);
            sum += term;
        }
        sum
    }

    #[test]
    fn bounds_solve_the_binomial_tail_equations() {
        for (k, n) in [(1, 10), (3, 50), (7, 1000), (40, 100)] {
            let e = clopper_pearson(k, n);
            let upper_tail = 1.0 - binom_cdf(k - 1, n, e.lo);
            assert!(
                (upper_tail - 0.025).abs() < 1e-6,
                "lo of {k}/{n}: {upper_tail}"
            );
            let lower_tail = binom_cdf(k, n, e.hi);
            assert!(
                (lower_tail - 0.025).abs() < 1e-6,
                "hi of {k}/{n}: {lower_tail}"
            );
        }
    }

    #[test]
    fn zero_successes_give_about_3_69_over_n() {
        let e = clopper_pearson(0, 100_000);
        assert_eq!((e.mean, e.lo), (0.0, 0.0));
        // 1 − 0.025^(1/n) → −ln(0.025)/n = 3.689/n for large n; P(X = 0) = (1 − hi)^n = 2.5%.
        assert!((e.hi * 100_000.0 - 3.6889).abs() < 1e-3, "{}", e.hi);
        assert!(((1.0 - e.hi).powi(100_000) - 0.025).abs() < 1e-9);
        let all = clopper_pearson(5, 5);
        assert_eq!(all.hi, 1.0);
        assert_eq!(clopper_pearson(0, 0).hi, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_of_large_losses_keep_their_exact_mean_and_variance() {
        // 5·10^11 per run over 2,000 runs overflowed a 128-bit sum of squares (review finding:
        // a cost in IDR). Half the runs at 5e11 and half at 1e12: mean 7.5e11, sample
        // variance (2.5e11)² · n / (n − 1).
        let mut m = Moments::default();
        for i in 0..2000 {
            m.push(if i % 2 == 0 { 5e11 } else { 1e12 });
        }
        assert_eq!(m.mean(), 7.5e11);
        let n = 2000.0;
        let var = 2.5e11f64.powi(2) * n / (n - 1.0);
        let half = t975(1999) * (var / n).sqrt();
        let e = m.estimate();
        assert!(
            (e.hi - e.mean - half).abs() / half < 1e-9,
            "{e:?} vs ±{half}"
        );
        // The cap: 10^18 per cost, a million events, is still exact.
        let mut big = Moments::default();
        big.push(1e24);
        big.push(1e24);
        assert_eq!(big.mean(), 1e24);
        assert_eq!(big.estimate().hi, 1e24);
    }

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

    /// At 0 successes the lower end is exactly 0 and at n successes the upper end exactly 1:
    /// the closed form there is `centre − half = 0` and `centre + half = 1`, which floating
    /// point missed by about 1e-19 (a lower end above the mean of 0). The other end by hand:
    /// at k = 0, hi = z² / (n + z²) (= 3.8415 / 53.8415 = 0.071348 for n = 50).
    #[test]
    fn wilson_is_exact_at_zero_and_all() {
        for n in [1u64, 2, 3, 7, 10, 50, 97, 100, 1000, 2000, 12345] {
            let none = wilson(0, n);
            assert_eq!((none.mean, none.lo), (0.0, 0.0), "n {n}: {none:?}");
            let z2 = Z_TWO_SIDED_95 * Z_TWO_SIDED_95;
            assert!(
                (none.hi - z2 / (n as f64 + z2)).abs() < 1e-12,
                "n {n}: {none:?}"
            );
            let all = wilson(n, n);
            assert_eq!((all.mean, all.hi), (1.0, 1.0), "n {n}: {all:?}");
            assert!(
                (all.lo - n as f64 / (n as f64 + z2)).abs() < 1e-12,
                "n {n}: {all:?}"
            );
            for k in 0..=n.min(60) {
                let e = wilson(k, n);
                assert!(0.0 <= e.lo && e.lo <= e.mean && e.mean <= e.hi && e.hi <= 1.0);
            }
        }
    }

    /// A non-negative quantity: runs 0, 0, 0, 9 have mean 2.25, s = 4.5, se = 2.25 and
    /// t(3) = 3.1824, so the t interval is 2.25 ± 7.1604 = [−4.9104, 9.4104]; cut at 0 it is
    /// [0, 9.4104]. All-zero runs give exactly [0, 0].
    #[test]
    fn nonnegative_estimates_are_cut_at_zero() {
        let mut m = Moments::default();
        for x in [0.0, 0.0, 0.0, 9.0] {
            m.push(x);
        }
        let t = m.estimate();
        assert!((t.lo + 4.9104).abs() < 1e-3, "{t:?}");
        let e = m.nonnegative_estimate();
        assert_eq!((e.mean, e.lo, e.hi), (t.mean, 0.0, t.hi));
        assert!((e.hi - 9.4104).abs() < 1e-3, "{e:?}");
        let mut zeros = Moments::default();
        (0..5).for_each(|_| zeros.push(0.0));
        let z = zeros.nonnegative_estimate();
        assert_eq!((z.mean, z.lo, z.hi), (0.0, 0.0, 0.0));
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

    /// A ±1/0 paired difference with `b` pairs one way and `c` the other in `n` runs.
    fn pairs(b: u64, c: u64, n: u64) -> Moments {
        let mut m = Moments::default();
        (0..b).for_each(|_| m.push(1.0));
        (0..c).for_each(|_| m.push(-1.0));
        (0..n - b - c).for_each(|_| m.push(0.0));
        m
    }

    #[test]
    fn paired_proportions_by_hand() {
        // No discordant run in n: the score interval is ±θ* with nθ*/(1 − θ*) = z², i.e.
        // θ* = z² / (n + z²): 3.8415 / 203.8415 = 0.018845 for n = 200.
        let e = pairs(0, 0, 200).paired_proportion_estimate();
        let star = Z_TWO_SIDED_95 * Z_TWO_SIDED_95 / (200.0 + Z_TWO_SIDED_95 * Z_TWO_SIDED_95);
        assert!(
            (e.hi - star).abs() < 1e-9 && (e.lo + star).abs() < 1e-9,
            "{e:?}"
        );
        assert_eq!(e.mean, 0.0);
        // The t interval says [0, 0]: "certainly no difference" from 200 quiet runs.
        assert_eq!(
            (
                pairs(0, 0, 200).estimate().lo,
                pairs(0, 0, 200).estimate().hi
            ),
            (0.0, 0.0)
        );
        // At θ = 0 the score test is McNemar's: the interval excludes 0 exactly when
        // (b − c)² / (b + c) > z².
        for b in 0..25u64 {
            for c in 0..25u64 {
                if b + c == 0 {
                    continue;
                }
                let e = pairs(b, c, 300).paired_proportion_estimate();
                let mcnemar = (b as f64 - c as f64).powi(2) / (b + c) as f64;
                let excludes = e.lo > 0.0 || e.hi < 0.0;
                if (mcnemar - Z_TWO_SIDED_95 * Z_TWO_SIDED_95).abs() > 1e-6 {
                    assert_eq!(
                        excludes,
                        mcnemar > Z_TWO_SIDED_95 * Z_TWO_SIDED_95,
                        "b {b}, c {c}: {e:?}"
                    );
                }
                assert!(e.lo <= e.mean && e.mean <= e.hi, "b {b}, c {c}: {e:?}");
                assert!(e.lo >= -1.0 && e.hi <= 1.0, "b {b}, c {c}: {e:?}");
            }
        }
        // Symmetric: the other way round negates the interval.
        let (x, y) = (
            pairs(9, 3, 150).paired_proportion_estimate(),
            pairs(3, 9, 150).paired_proportion_estimate(),
        );
        assert!((x.mean + y.mean).abs() < 1e-15);
        assert!(
            (x.lo + y.hi).abs() < 1e-12 && (x.hi + y.lo).abs() < 1e-12,
            "{x:?} {y:?}"
        );
        // All n runs discordant one way: the constrained fit puts every run in the two
        // discordant cells, the score is √n·√((1 − θ)/(1 + θ)), and it equals z at
        // θ = (1 − z²/n)/(1 + z²/n): 0.772973 for n = 30. The interval reaches 1.
        let e = pairs(30, 0, 30).paired_proportion_estimate();
        let k = Z_TWO_SIDED_95 * Z_TWO_SIDED_95 / 30.0;
        assert!((e.lo - (1.0 - k) / (1.0 + k)).abs() < 1e-9, "{e:?}");
        assert!(e.hi > 1.0 - 1e-9, "{e:?}");
        // Not a ±1/0 quantity: the t interval.
        let mut m = Moments::default();
        [0.5, 1.0, 0.0].iter().for_each(|x| m.push(*x));
        assert_eq!(m.paired_proportion_estimate(), m.estimate());
    }

    /// Coverage: over simulated paired runs with known probabilities, the interval holds the
    /// true difference at close to its 95% nominal rate, including when discordant pairs are
    /// rare — where the t interval falls far short.
    #[test]
    fn paired_proportion_interval_covers_the_truth() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        const TABLES: u32 = 4000;
        for (p_b, p_c, n) in [
            (0.01, 0.0, 200u64),
            (0.02, 0.01, 200),
            (0.1, 0.05, 100),
            (0.3, 0.2, 50),
        ] {
            let truth = p_b - p_c;
            let (mut covered, mut covered_t) = (0, 0);
            for _ in 0..TABLES {
                let mut m = Moments::default();
                for _ in 0..n {
                    let u = uniform();
                    m.push(if u < p_b {
                        1.0
                    } else if u < p_b + p_c {
                        -1.0
                    } else {
                        0.0
                    });
                }
                let e = m.paired_proportion_estimate();
                covered += u32::from(e.lo <= truth && truth <= e.hi);
                let t = m.estimate();
                covered_t += u32::from(t.lo <= truth && truth <= t.hi);
            }
            let rate = f64::from(covered) / f64::from(TABLES);
            let rate_t = f64::from(covered_t) / f64::from(TABLES);
            eprintln!("p_b {p_b}, p_c {p_c}, n {n}: coverage {rate:.3} (t interval {rate_t:.3})");
            // 4000 tables: the rate's standard error is about 0.0035 at 95%.
            assert!(rate >= 0.93, "p_b {p_b}, p_c {p_c}, n {n}: coverage {rate}");
        }
    }
}
