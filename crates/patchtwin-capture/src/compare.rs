//! Model versus capture: the model's predicted response times for one flow against the
//! measured ones — p50/p95/p99 side by side, each with a distribution-free 95 % interval from
//! order statistics (the ranks between which the true quantile lies with ≥ 95 % probability,
//! from the binomial distribution), the two-sample Kolmogorov–Smirnov test, and a verdict in
//! plain words.
//!
//! The verdict needs both kinds of evidence: the distributions differ (KS p-value below
//! `alpha`) *and* the p95 intervals do not overlap by more than the practical tolerance —
//! with thousands of samples a KS test flags differences nobody would act on.
//!
//! Not here: running the model (the caller passes its latencies), printing.

use crate::discover::quantile;
use serde::Serialize;
use statrs::distribution::{Binomial, DiscreteCDF};

/// The quantiles compared.
pub const QUANTILES: [f64; 3] = [0.5, 0.95, 0.99];

/// How strict the verdict is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CompareOptions {
    /// KS significance level.
    pub alpha: f64,
    /// A p95 difference smaller than this (seconds) is agreement whatever the test says.
    pub tolerance_s: f64,
    /// … or smaller than this fraction of the measured p95.
    pub tolerance_fraction: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            alpha: 0.01,
            tolerance_s: 0.5e-3,
            tolerance_fraction: 0.1,
        }
    }
}

/// One quantile, model and measured, with 95 % intervals (seconds; `None` where the sample is
/// too small for the interval's rank to exist).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct QuantileRow {
    /// The quantile, e.g. 0.95.
    pub q: f64,
    /// Model estimate.
    pub model: f64,
    /// Model interval.
    pub model_interval: (Option<f64>, Option<f64>),
    /// Measured estimate.
    pub measured: f64,
    /// Measured interval.
    pub measured_interval: (Option<f64>, Option<f64>),
}

/// The outcome for one flow.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Verdict {
    /// The model reproduces the capture.
    Agree,
    /// The model answers slower than the plant by this much (seconds) at p95.
    ModelSlower(f64),
    /// The model answers faster than the plant by this much (seconds) at p95.
    ModelFaster(f64),
    /// Too few samples on one side to say.
    NotEnoughData,
}

/// A full comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// p50, p95, p99.
    pub rows: Vec<QuantileRow>,
    /// Kolmogorov–Smirnov statistic D.
    pub ks_statistic: f64,
    /// Its asymptotic p-value.
    pub ks_p_value: f64,
    /// Samples: model, measured.
    pub samples: (usize, usize),
    /// The verdict.
    pub verdict: Verdict,
    /// The verdict in plain words, with what to change.
    pub words: String,
}

/// Fewer samples than this on either side: no verdict.
const MIN_SAMPLES: usize = 20;

/// Compares model and measured response times (seconds, any order).
pub fn compare(model: &[f64], measured: &[f64], options: &CompareOptions) -> Comparison {
    let sort = |v: &[f64]| {
        let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        s.sort_by(f64::total_cmp);
        s
    };
    let (m, x) = (sort(model), sort(measured));
    let rows = QUANTILES
        .iter()
        .filter_map(|&q| {
            Some(QuantileRow {
                q,
                model: quantile(&m, q)?,
                model_interval: interval(&m, q),
                measured: quantile(&x, q)?,
                measured_interval: interval(&x, q),
            })
        })
        .collect::<Vec<_>>();
    let (d, p) = ks_two_sample(&m, &x);
    let verdict = if m.len() < MIN_SAMPLES || x.len() < MIN_SAMPLES {
        Verdict::NotEnoughData
    } else {
        let p95 = rows.iter().find(|r| r.q == 0.95).copied();
        match p95 {
            Some(r) => {
                let diff = r.model - r.measured;
                let tolerance = options
                    .tolerance_s
                    .max(options.tolerance_fraction * r.measured);
                let overlap = overlaps(r.model_interval, r.measured_interval);
                if p >= options.alpha || overlap || diff.abs() <= tolerance {
                    Verdict::Agree
                } else if diff > 0.0 {
                    Verdict::ModelSlower(diff)
                } else {
                    Verdict::ModelFaster(-diff)
                }
            }
            None => Verdict::NotEnoughData,
        }
    };
    let words = match verdict {
        Verdict::Agree => {
            format!("agrees (KS p = {p:.3}, p95 intervals overlap or within tolerance)")
        }
        Verdict::ModelSlower(s) => format!(
            "model slower by {:.1} ms at p95: lower the server's service time or scan cycle?",
            s * 1e3
        ),
        Verdict::ModelFaster(s) => format!(
            "model faster by {:.1} ms at p95: raise the server's service time, or add the network's latency?",
            s * 1e3
        ),
        Verdict::NotEnoughData => format!(
            "not enough samples (model {}, measured {}; need {MIN_SAMPLES} each)",
            m.len(),
            x.len()
        ),
    };
    Comparison {
        rows,
        ks_statistic: d,
        ks_p_value: p,
        samples: (m.len(), x.len()),
        verdict,
        words,
    }
}

fn overlaps(a: (Option<f64>, Option<f64>), b: (Option<f64>, Option<f64>)) -> bool {
    let lo = |i: (Option<f64>, Option<f64>)| i.0.unwrap_or(f64::NEG_INFINITY);
    let hi = |i: (Option<f64>, Option<f64>)| i.1.unwrap_or(f64::INFINITY);
    lo(a) <= hi(b) && lo(b) <= hi(a)
}

/// Distribution-free 95 % interval for the `q` quantile of sorted values: order statistics
/// X(l) and X(u) with P(X(l) ≤ ξ_q ≤ X(u)) ≥ 0.95, from the Binomial(n, q) count of values
/// below ξ_q. `None` on a side whose rank falls outside the sample.
pub fn interval(sorted: &[f64], q: f64) -> (Option<f64>, Option<f64>) {
    let n = sorted.len() as u64;
    let Ok(b) = Binomial::new(q, n) else {
        return (None, None);
    };
    // Largest l with P(B < l) ≤ 0.025, smallest u with P(B < u) ≥ 0.975 (1-based ranks).
    let mut lo = None;
    let mut hi = None;
    let (mut a, mut z) = (0u64, n);
    // Binary searches over the monotone CDF.
    while a < z {
        let mid = (a + z).div_ceil(2);
        if b.cdf(mid - 1) <= 0.025 {
            a = mid
        } else {
            z = mid - 1
        }
    }
    if a >= 1 {
        lo = Some(sorted[a as usize - 1]);
    }
    let (mut a, mut z) = (1u64, n + 1);
    while a < z {
        let mid = (a + z) / 2;
        if b.cdf(mid - 1) >= 0.975 {
            z = mid
        } else {
            a = mid + 1
        }
    }
    if a <= n {
        hi = Some(sorted[a as usize - 1]);
    }
    (lo, hi)
}

/// Two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value (with the
/// Stephens small-sample correction), for sorted samples.
pub fn ks_two_sample(a: &[f64], b: &[f64]) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 1.0);
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let v = a[i].min(b[j]);
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        d = d.max((i as f64 / na - j as f64 / nb).abs());
    }
    let en = (na * nb / (na + nb)).sqrt();
    let lambda = (en + 0.12 + 0.11 / en) * d;
    (d, kolmogorov_q(lambda))
}

/// Q_KS(λ) = 2 Σ (−1)^(k−1) exp(−2k²λ²).
fn kolmogorov_q(lambda: f64) -> f64 {
    if lambda < 1e-3 {
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=100 {
        let term = (-2.0 * (k * k) as f64 * lambda * lambda).exp();
        sum += if k % 2 == 1 { term } else { -term };
        if term < 1e-12 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statistic_interval_matches_the_binomial_by_hand() {
        // n = 100, median: P(B ≤ 39) = 0.0176, P(B ≤ 40) = 0.0284 → l = 40;
        // P(B ≤ 59) = 0.9716, P(B ≤ 60) = 0.9824 → u = 61 (values are their ranks here).
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(interval(&v, 0.5), (Some(40.0), Some(61.0)));
        // Ten values cannot bound a p99 from above.
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(interval(&v, 0.99).1, None);
    }

    #[test]
    fn ks_statistic_and_p_value_by_hand() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [3.5, 4.5, 5.5, 6.5];
        // After 3.0 the first ECDF is 3/4, the second 0: D = 0.75.
        let (d, p) = ks_two_sample(&a, &b);
        assert!((d - 0.75).abs() < 1e-12);
        assert!(p > 0.05 && p < 0.5, "p = {p}");
        let (d, p) = ks_two_sample(&a, &a);
        assert_eq!((d, p), (0.0, 1.0));
    }

    #[test]
    fn verdict_names_the_direction_and_size() {
        let measured: Vec<f64> = (0..500).map(|i| 0.010 + 0.001 * (i % 10) as f64).collect();
        let slower: Vec<f64> = measured.iter().map(|x| x + 0.0021).collect();
        let c = compare(&slower, &measured, &CompareOptions::default());
        assert!(
            matches!(c.verdict, Verdict::ModelSlower(d) if (d - 0.0021).abs() < 1e-9),
            "{:?}",
            c.verdict
        );
        assert!(
            c.words.starts_with("model slower by 2.1 ms at p95"),
            "{}",
            c.words
        );
        let c = compare(&measured, &measured, &CompareOptions::default());
        assert_eq!(c.verdict, Verdict::Agree);
        assert_eq!(
            compare(&measured[..5], &measured, &CompareOptions::default()).verdict,
            Verdict::NotEnoughData
        );
    }
}
