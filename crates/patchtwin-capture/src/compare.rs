//! Model versus capture: the model's predicted response times for one flow against the
//! measured ones — p50/p95/p99 side by side, each with a distribution-free 95 % interval from
//! order statistics (the ranks between which the true quantile lies with ≥ 95 % probability,
//! from the binomial distribution), the two-sample Kolmogorov–Smirnov test, and a verdict in
//! plain words.
//!
//! The verdict follows both kinds of evidence, in this order:
//! 1. a quantile **disagrees** when its two intervals do not overlap and the estimates differ by
//!    more than the practical tolerance (`tolerance_s`, or `tolerance_fraction` of the measured
//!    value, whichever is larger); the verdict names the quantile that disagrees most (relative
//!    to the measured value), the direction and what to change: a shift of the whole
//!    distribution (every quantile off the same way) points at the median service time or the
//!    scan cycle, a tail alone at the spread of the service time or the background load;
//! 2. with every quantile agreeing, a KS test that **rejects** (p below `alpha`) means the
//!    shapes differ between the quantiles compared: the verdict says where the two empirical
//!    distributions are furthest apart;
//! 3. otherwise the model **agrees** with the capture.
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
    /// A quantile difference smaller than this (seconds) is agreement whatever the intervals
    /// say.
    pub tolerance_s: f64,
    /// … or smaller than this fraction of the measured quantile.
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
    /// The two agree: the intervals overlap, or the estimates are within the tolerance.
    pub agrees: bool,
}

/// The outcome for one flow.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The model reproduces the capture: every quantile agrees and the KS test does not reject.
    Agree,
    /// The model answers slower than the plant at quantile `q`, by `by` seconds (the quantile
    /// that disagrees most).
    ModelSlower {
        /// The quantile, e.g. 0.99.
        q: f64,
        /// Model minus measured, seconds.
        by: f64,
    },
    /// The model answers faster than the plant at quantile `q`, by `by` seconds.
    ModelFaster {
        /// The quantile.
        q: f64,
        /// Measured minus model, seconds.
        by: f64,
    },
    /// The quantiles agree but the KS test rejects: the distributions differ in shape; they
    /// are furthest apart at `at` seconds, where the model has answered `model_share` of its
    /// requests and the capture `measured_share`.
    ShapeDiffers {
        /// Where the empirical distributions are furthest apart, seconds.
        at: f64,
        /// The model's share answered within `at`.
        model_share: f64,
        /// The capture's share answered within `at`.
        measured_share: f64,
    },
    /// Too few samples on one side to say.
    NotEnoughData,
}

impl Verdict {
    /// Stable snake-case name, as in `check.json`.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Agree => "agree",
            Verdict::ModelSlower { .. } => "model_slower",
            Verdict::ModelFaster { .. } => "model_faster",
            Verdict::ShapeDiffers { .. } => "shape_differs",
            Verdict::NotEnoughData => "not_enough_data",
        }
    }
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

fn pct(q: f64) -> String {
    format!("p{}", (q * 100.0).round())
}

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
            let model = quantile(&m, q)?;
            let measured = quantile(&x, q)?;
            let (model_interval, measured_interval) = (interval(&m, q), interval(&x, q));
            let tolerance = options
                .tolerance_s
                .max(options.tolerance_fraction * measured);
            Some(QuantileRow {
                q,
                model,
                model_interval,
                measured,
                measured_interval,
                agrees: overlaps(model_interval, measured_interval)
                    || (model - measured).abs() <= tolerance,
            })
        })
        .collect::<Vec<_>>();
    let ks = ks_two_sample_at(&m, &x);
    let (d, p) = (ks.d, ks.p_value);
    let enough = m.len() >= MIN_SAMPLES && x.len() >= MIN_SAMPLES && rows.len() == QUANTILES.len();
    let worst = rows
        .iter()
        .filter(|r| !r.agrees)
        .max_by(|a, b| {
            let rel = |r: &&QuantileRow| (r.model - r.measured).abs() / r.measured.max(1e-9);
            rel(a).total_cmp(&rel(b))
        })
        .copied();
    let verdict = if !enough {
        Verdict::NotEnoughData
    } else if let Some(r) = worst {
        let diff = r.model - r.measured;
        if diff > 0.0 {
            Verdict::ModelSlower { q: r.q, by: diff }
        } else {
            Verdict::ModelFaster { q: r.q, by: -diff }
        }
    } else if p < options.alpha {
        Verdict::ShapeDiffers {
            at: ks.at,
            model_share: ks.share_a,
            measured_share: ks.share_b,
        }
    } else {
        Verdict::Agree
    };
    let words = words(&verdict, &rows, d, p, (m.len(), x.len()));
    Comparison {
        rows,
        ks_statistic: d,
        ks_p_value: p,
        samples: (m.len(), x.len()),
        verdict,
        words,
    }
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// The verdict in plain words, with what to change.
fn words(v: &Verdict, rows: &[QuantileRow], d: f64, p: f64, n: (usize, usize)) -> String {
    let ms = |s: f64| format!("{:.1} ms", s * 1e3);
    let others = |q: f64, agree: bool| {
        rows.iter()
            .filter(|r| r.q != q && r.agrees == agree)
            .map(|r| pct(r.q))
            .collect::<Vec<_>>()
    };
    match *v {
        Verdict::Agree => format!(
            "agrees: p50, p95 and p99 within their intervals or the tolerance, and the KS test does not tell the shapes apart (D = {d:.3}, {})",
            p_text(p)
        ),
        Verdict::ModelSlower { q, by } | Verdict::ModelFaster { q, by } => {
            let slower = matches!(v, Verdict::ModelSlower { .. });
            let r = rows
                .iter()
                .find(|r| r.q == q)
                .expect("the worst row is a row");
            let also = others(q, false);
            let fine = others(q, true);
            let mut s = format!(
                "model {} by {} at {} ({} against the capture's {})",
                if slower { "slower" } else { "faster" },
                ms(by),
                pct(q),
                ms(r.model),
                ms(r.measured)
            );
            if !also.is_empty() {
                s += &format!(
                    "; {} disagree{} too",
                    also.join(" and "),
                    if also.len() == 1 { "s" } else { "" }
                );
            }
            if !fine.is_empty() {
                s += &format!(
                    "; {} agree{}",
                    fine.join(" and "),
                    if fine.len() == 1 { "s" } else { "" }
                );
            }
            let shift = fine.is_empty() && rows.iter().all(|r| (r.model > r.measured) == slower);
            let advice = match (shift || q <= 0.5, slower) {
                (true, true) => "lower the server's median service time or its scan cycle?",
                (true, false) => {
                    "raise the server's median service time, its scan cycle, or the network's latency?"
                }
                (false, true) => {
                    "the model's tail is too long: narrow the server's service-time distribution (lower its p95) or lower its cpu_load?"
                }
                (false, false) => {
                    "the model's tail is too short: widen the server's service-time distribution (raise its p95) or raise its cpu_load?"
                }
            };
            format!("{s}: {advice}")
        }
        Verdict::ShapeDiffers {
            at,
            model_share,
            measured_share,
        } => format!(
            "p50, p95 and p99 agree but the shapes differ (KS D = {d:.3}, {}): at {} the model has answered {:.0}% of requests and the capture {:.0}%; give the server's service time the capture's shape (e.g. an empirical distribution of the measured response times)?",
            p_text(p),
            ms(at),
            model_share * 100.0,
            measured_share * 100.0
        ),
        Verdict::NotEnoughData => format!(
            "not enough samples (model {}, measured {}; need {MIN_SAMPLES} each)",
            n.0, n.1
        ),
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

/// The two-sample Kolmogorov–Smirnov test, with where the samples differ most.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ks {
    /// The statistic D: the largest distance between the two empirical CDFs.
    pub d: f64,
    /// Its asymptotic p-value.
    pub p_value: f64,
    /// The value at which the distance is largest.
    pub at: f64,
    /// The first sample's share at or below `at`.
    pub share_a: f64,
    /// The second sample's share at or below `at`.
    pub share_b: f64,
}

/// Two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value (with the
/// Stephens small-sample correction), for sorted samples.
pub fn ks_two_sample(a: &[f64], b: &[f64]) -> (f64, f64) {
    let k = ks_two_sample_at(a, b);
    (k.d, k.p_value)
}

/// [`ks_two_sample`] with the place of the largest distance, for sorted samples.
pub fn ks_two_sample_at(a: &[f64], b: &[f64]) -> Ks {
    let mut out = Ks {
        d: 0.0,
        p_value: 1.0,
        at: 0.0,
        share_a: 0.0,
        share_b: 0.0,
    };
    if a.is_empty() || b.is_empty() {
        return out;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let v = a[i].min(b[j]);
        while i < a.len() && a[i] <= v {
            i += 1;
        }
        while j < b.len() && b[j] <= v {
            j += 1;
        }
        let (fa, fb) = (i as f64 / na, j as f64 / nb);
        if (fa - fb).abs() > out.d {
            out.d = (fa - fb).abs();
            out.at = v;
            out.share_a = fa;
            out.share_b = fb;
        }
    }
    let en = (na * nb / (na + nb)).sqrt();
    let lambda = (en + 0.12 + 0.11 / en) * out.d;
    out.p_value = kolmogorov_q(lambda);
    out
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
        // Every quantile is 2.1 ms off; p50 (10.0 + 4 ms against 14 ms) is the largest
        // relative difference.
        assert!(
            matches!(c.verdict, Verdict::ModelSlower { q, by } if q == 0.5 && (by - 0.0021).abs() < 1e-9),
            "{:?}",
            c.verdict
        );
        assert!(
            c.words.starts_with("model slower by 2.1 ms at p50"),
            "{}",
            c.words
        );
        assert!(
            c.words.contains("lower the server's median service time"),
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

    /// `n` values of the exponential distribution with mean `mean` at the ranks (k + ½)/n.
    fn exponential(n: usize, mean: f64) -> Vec<f64> {
        (0..n)
            .map(|k| -mean * (1.0 - (k as f64 + 0.5) / n as f64).ln())
            .collect()
    }

    #[test]
    fn the_same_distribution_agrees() {
        // Two grids of one exponential (mean 10 ms): D ≤ 1/(2·2000) + tiny, far from rejecting.
        let c = compare(
            &exponential(20_000, 0.010),
            &exponential(2_000, 0.010),
            &CompareOptions::default(),
        );
        assert_eq!(c.verdict, Verdict::Agree, "{}", c.words);
        assert!(c.ks_statistic < 0.001, "{}", c.ks_statistic);
        assert!(c.rows.iter().all(|r| r.agrees));
    }

    #[test]
    fn a_longer_tail_alone_is_named_at_its_quantile() {
        // The model doubles the distance above the exponential's p97 (−ln 0.03 · 10 ms =
        // 35.07 ms): p50 and p95 are unchanged, p99 (−ln 0.01 · 10 ms = 46.05 ms) becomes
        // 57.03 ms — slower by 10.99 ms, beyond the tolerance (10 %: 4.6 ms) and the intervals
        // on 2000 and 20 000 samples.
        let measured = exponential(2_000, 0.010);
        let p97 = -0.010 * 0.03f64.ln();
        let model: Vec<f64> = exponential(20_000, 0.010)
            .into_iter()
            .map(|x| if x > p97 { p97 + 2.0 * (x - p97) } else { x })
            .collect();
        let c = compare(&model, &measured, &CompareOptions::default());
        let expected = -0.010 * 0.01f64.ln() - p97;
        match c.verdict {
            Verdict::ModelSlower { q, by } => {
                assert_eq!(q, 0.99);
                // Nearest-rank quantiles of the two grids: 0.2 ms from the continuous answer.
                assert!(
                    (by - expected).abs() < 0.3e-3,
                    "by {by}, expected {expected}"
                );
            }
            other => panic!("{other:?}: {}", c.words),
        }
        assert!(c.words.contains("p50 and p95 agree"), "{}", c.words);
        assert!(c.words.contains("tail is too long"), "{}", c.words);
        assert_eq!(
            c.rows.iter().map(|r| r.agrees).collect::<Vec<_>>(),
            [true, true, false]
        );
    }

    #[test]
    fn a_different_shape_with_equal_quantiles_is_found_where_it_is() {
        // Measured: uniform on [0, 10] ms. Model: x ↦ 5·√(x/5) on [0, 5] ms, unchanged above,
        // so p50, p95 and p99 are the same and the model's CDF is x²/50 below 5 ms. The
        // largest distance is at 2.5 ms, 0.25 − 0.125 = 0.125.
        let grid = |n: usize| -> Vec<f64> {
            (0..n)
                .map(|k| 0.010 * (k as f64 + 0.5) / n as f64)
                .collect()
        };
        let measured = grid(4_000);
        let model: Vec<f64> = grid(40_000)
            .into_iter()
            .map(|x| {
                if x < 0.005 {
                    0.005 * (x / 0.005).sqrt()
                } else {
                    x
                }
            })
            .collect();
        let c = compare(&model, &measured, &CompareOptions::default());
        assert!(c.rows.iter().all(|r| r.agrees), "{:?}", c.rows);
        match c.verdict {
            Verdict::ShapeDiffers {
                at,
                model_share,
                measured_share,
            } => {
                assert!((at - 0.0025).abs() < 0.05e-3, "at {at}");
                assert!((measured_share - model_share - 0.125).abs() < 1e-3);
            }
            other => panic!("{other:?}: {}", c.words),
        }
        assert!((c.ks_statistic - 0.125).abs() < 1e-3);
        assert!(c.words.contains("shapes differ"), "{}", c.words);
    }
}
