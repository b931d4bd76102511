//! Uncertain quantities: distributions of numbers and durations, and uncertain probabilities.
//!
//! A [`Dist`] holds its parameters in the quantity's base unit (nanoseconds for durations, the
//! plain number otherwise) and the ready-to-sample `rand_distr` object, so sampling in the step
//! loop never re-derives parameters. Construction checks that the parameters are well formed and
//! returns [`DistError`] naming what is wrong; the scenario crate turns that into a located
//! diagnostic. This module does not parse text.

use crate::time::Duration;
use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution, Exp, LogNormal, Normal, Pert, Triangular, Weibull};
use std::fmt;

/// The 95th percentile of the standard normal distribution (1.645): a lognormal given by its
/// median and 95th percentile has `σ = ln(p95 / median) / Z_P95`.
pub const Z_P95: f64 = 1.644_853_626_951_472_2;

/// Why distribution parameters were rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct DistError(pub String);

impl fmt::Display for DistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DistError {}

fn check(ok: bool, msg: impl FnOnce() -> String) -> Result<(), DistError> {
    if ok { Ok(()) } else { Err(DistError(msg())) }
}

fn finite(name: &str, v: f64) -> Result<(), DistError> {
    check(v.is_finite(), || {
        format!("`{name}` must be a finite number, got {}", shown(v))
    })
}

/// A number as a diagnostic quotes it: plain when it reads well, otherwise in scientific
/// notation (Rust's `{}` writes `1e308` out as 309 digits).
fn shown(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || (1e-6..1e15).contains(&a) || !v.is_finite() {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// The parameters a distribution was written with, kept for reports and schema round trips.
#[derive(Clone, Debug, PartialEq)]
#[expect(
    missing_docs,
    reason = "parameters carry the standard names of their distribution"
)]
pub enum DistSpec {
    /// Always the same value.
    Constant(f64),
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Triangular with `min <= mode <= max`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Beta-PERT with `min <= mode <= max` (shape 4).
    Pert { min: f64, mode: f64, max: f64 },
    /// Normal truncated at zero (values below zero are redrawn).
    Normal { mean: f64, sd: f64 },
    /// Lognormal with the given median and 95th percentile.
    LogNormal { median: f64, p95: f64 },
    /// Exponential with the given mean.
    Exponential { mean: f64 },
    /// Weibull with shape `k` and scale `lambda`.
    Weibull { shape: f64, scale: f64 },
    /// Uniform choice among observed samples.
    Empirical(Vec<f64>),
    /// A weighted mixture: with probability `weight / Σ weights` a draw comes from that part
    /// (`20 min, but 2 h in one case in five` is `[(4, 20 min), (1, 2 h)]`).
    Mixture(Vec<(f64, DistSpec)>),
}

#[derive(Clone, Debug)]
enum Sampler {
    Constant(f64),
    Uniform {
        min: f64,
        width: f64,
    },
    Triangular(Triangular<f64>),
    Pert(Pert<f64>),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Exponential(Exp<f64>),
    Weibull(Weibull<f64>),
    Empirical(Box<[f64]>),
    /// Cumulative normalised weights (the last is 1) and the parts.
    Mixture {
        cumulative: Box<[f64]>,
        parts: Box<[Dist]>,
    },
}

/// The parameter checks and sampler of each family, for [`Dist::new`].
impl Sampler {
    fn constant(v: f64) -> Result<Self, DistError> {
        finite("value", v)?;
        check(v >= 0.0, || {
            format!("the value must not be negative, got {}", shown(v))
        })?;
        Ok(Sampler::Constant(v))
    }

    fn uniform(min: f64, max: f64) -> Result<Self, DistError> {
        finite("min", min)?;
        finite("max", max)?;
        check(min >= 0.0, || {
            format!("`min` must not be negative, got {min}")
        })?;
        check(min <= max, || {
            format!("uniform needs min <= max, got min {min} > max {max}")
        })?;
        Ok(Sampler::Uniform {
            min,
            width: max - min,
        })
    }

    /// Triangular, or Beta-PERT when `pert`: the same parameters and checks; a degenerate
    /// range (`min == max`) is a constant.
    fn three_point(pert: bool, min: f64, mode: f64, max: f64) -> Result<Self, DistError> {
        for (n, v) in [("min", min), ("mode", mode), ("max", max)] {
            finite(n, v)?;
        }
        let family = if pert { "pert" } else { "triangular" };
        check(min >= 0.0, || {
            format!("`min` must not be negative, got {min}")
        })?;
        check(min <= mode && mode <= max, || {
            format!("{family} needs min <= mode <= max, got min {min}, mode {mode}, max {max}")
        })?;
        Ok(if min == max {
            Sampler::Constant(min)
        } else if pert {
            Sampler::Pert(
                Pert::new(min, max)
                    .with_mode(mode)
                    .map_err(|e| DistError(format!("pert: {e}")))?,
            )
        } else {
            Sampler::Triangular(
                Triangular::new(min, max, mode)
                    .map_err(|e| DistError(format!("triangular: {e}")))?,
            )
        })
    }

    fn normal(mean: f64, sd: f64) -> Result<Self, DistError> {
        finite("mean", mean)?;
        finite("sd", sd)?;
        // A mean at or above zero keeps the truncation's rejection rate below one half, so
        // sampling always terminates quickly.
        check(mean >= 0.0, || {
            format!("normal (truncated at 0) needs mean >= 0, got {mean}")
        })?;
        check(sd >= 0.0, || format!("`sd` must not be negative, got {sd}"))?;
        Ok(Sampler::Normal(
            Normal::new(mean, sd).map_err(|e| DistError(format!("normal: {e}")))?,
        ))
    }

    fn lognormal(median: f64, p95: f64) -> Result<Self, DistError> {
        finite("median", median)?;
        finite("p95", p95)?;
        check(median > 0.0, || {
            format!("lognormal needs median > 0, got {median}")
        })?;
        check(p95 >= median, || {
            format!("lognormal needs p95 >= median, got p95 {p95} < median {median}")
        })?;
        let sigma = (p95 / median).ln() / Z_P95;
        Ok(Sampler::LogNormal(
            LogNormal::new(median.ln(), sigma).map_err(|e| DistError(format!("lognormal: {e}")))?,
        ))
    }

    fn exponential(mean: f64) -> Result<Self, DistError> {
        finite("mean", mean)?;
        check(mean > 0.0, || {
            format!("exponential needs mean > 0, got {mean}")
        })?;
        Ok(Sampler::Exponential(
            Exp::new(1.0 / mean).map_err(|e| DistError(format!("exponential: {e}")))?,
        ))
    }

    fn weibull(shape: f64, scale: f64) -> Result<Self, DistError> {
        finite("shape", shape)?;
        finite("scale", scale)?;
        check(shape > 0.0, || {
            format!("weibull needs shape > 0, got {shape}")
        })?;
        check(scale > 0.0, || {
            format!("weibull needs scale > 0, got {scale}")
        })?;
        Ok(Sampler::Weibull(
            Weibull::new(scale, shape).map_err(|e| DistError(format!("weibull: {e}")))?,
        ))
    }

    fn empirical(values: &[f64]) -> Result<Self, DistError> {
        check(!values.is_empty(), || {
            "empirical needs at least one sample".to_string()
        })?;
        for v in values {
            finite("sample", *v)?;
            check(*v >= 0.0, || {
                format!("empirical samples must not be negative, got {}", shown(*v))
            })?;
        }
        Ok(Sampler::Empirical(values.to_vec().into_boxed_slice()))
    }

    /// Every part built (its errors named by part number) and the weights normalised to
    /// cumulative shares, the last exactly 1 so that every draw lands in a part.
    fn mixture(items: &[(f64, DistSpec)]) -> Result<Self, DistError> {
        check(!items.is_empty(), || {
            "a mixture needs at least one part".to_string()
        })?;
        let mut parts = Vec::with_capacity(items.len());
        let mut total = 0.0;
        for (i, (w, part)) in items.iter().enumerate() {
            finite("weight", *w)?;
            check(*w > 0.0, || {
                format!(
                    "mixture weights must be positive, got {w} for part {}",
                    i + 1
                )
            })?;
            total += w;
            parts.push(
                Dist::new(part.clone())
                    .map_err(|e| DistError(format!("mixture part {}: {}", i + 1, e.0)))?,
            );
        }
        finite("total weight", total)?;
        let mut acc = 0.0;
        let mut cumulative: Vec<f64> = items
            .iter()
            .map(|(w, _)| {
                acc += w;
                acc / total
            })
            .collect();
        *cumulative.last_mut().expect("at least one part") = 1.0;
        Ok(Sampler::Mixture {
            cumulative: cumulative.into_boxed_slice(),
            parts: parts.into_boxed_slice(),
        })
    }
}

/// A non-negative random quantity in its base unit, ready to sample.
#[derive(Clone, Debug)]
pub struct Dist {
    spec: DistSpec,
    sampler: Sampler,
}

impl PartialEq for Dist {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Dist {
    /// A constant.
    pub fn constant(v: f64) -> Self {
        Dist {
            spec: DistSpec::Constant(v),
            sampler: Sampler::Constant(v),
        }
    }

    /// Builds a distribution, checking its parameters. All quantities here are non-negative
    /// (durations, loads, costs), so negative parameters are rejected too. One step per
    /// family: each checks its own parameters and builds its sampler.
    pub fn new(spec: DistSpec) -> Result<Self, DistError> {
        let sampler = match &spec {
            DistSpec::Constant(v) => Sampler::constant(*v)?,
            DistSpec::Uniform { min, max } => Sampler::uniform(*min, *max)?,
            DistSpec::Triangular { min, mode, max } => {
                Sampler::three_point(false, *min, *mode, *max)?
            }
            DistSpec::Pert { min, mode, max } => Sampler::three_point(true, *min, *mode, *max)?,
            DistSpec::Normal { mean, sd } => Sampler::normal(*mean, *sd)?,
            DistSpec::LogNormal { median, p95 } => Sampler::lognormal(*median, *p95)?,
            DistSpec::Exponential { mean } => Sampler::exponential(*mean)?,
            DistSpec::Weibull { shape, scale } => Sampler::weibull(*shape, *scale)?,
            DistSpec::Empirical(values) => Sampler::empirical(values)?,
            DistSpec::Mixture(items) => Sampler::mixture(items)?,
        };
        Ok(Dist { spec, sampler })
    }

    /// Builds a lognormal from a 90% interval `[p5, p95]`.
    pub fn lognormal_interval(p5: f64, p95: f64) -> Result<Self, DistError> {
        finite("p5", p5)?;
        finite("p95", p95)?;
        check(p5 > 0.0, || format!("lognormal needs p5 > 0, got {p5}"))?;
        check(p95 >= p5, || {
            format!("lognormal needs p5 <= p95, got p5 {p5} > p95 {p95}")
        })?;
        Dist::new(DistSpec::LogNormal {
            median: (p5 * p95).sqrt(),
            p95,
        })
    }

    /// The parameters as written.
    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// Draws one value (never negative).
    ///
    /// Constant, uniform and triangular draws — most device processing times and scan
    /// cycles — are inlined into the step loop; the other families go through an out-of-line
    /// call.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Constant(v) => *v,
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Triangular(d) => d.sample(rng),
            _ => self.sample_other(rng),
        }
    }

    #[inline(never)]
    fn sample_other<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Constant(v) => *v,
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Pert(d) => d.sample(rng),
            Sampler::Normal(d) => {
                // Rejection of the negative tail; mean >= 0 bounds the rejection rate by 1/2.
                for _ in 0..64 {
                    let v = d.sample(rng);
                    if v >= 0.0 {
                        return v;
                    }
                }
                0.0
            }
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::Weibull(d) => d.sample(rng),
            Sampler::Empirical(v) => v[rng.random_range(0..v.len())],
            Sampler::Mixture { cumulative, parts } => {
                let u = rng.random::<f64>();
                let i = cumulative
                    .iter()
                    .position(|c| u < *c)
                    .unwrap_or(parts.len() - 1);
                parts[i].sample(rng)
            }
        }
    }

    /// Whether every draw gives the same value (lets the simulation skip the generator).
    pub fn is_constant(&self) -> bool {
        matches!(self.sampler, Sampler::Constant(_))
    }

    /// The normalised weights and parts of a mixture (`None` for any other family).
    pub fn mixture_parts(&self) -> Option<impl Iterator<Item = (f64, &Dist)>> {
        match &self.sampler {
            Sampler::Mixture { cumulative, parts } => Some(
                cumulative
                    .iter()
                    .scan(0.0, |prev, c| {
                        let w = c - *prev;
                        *prev = *c;
                        Some(w)
                    })
                    .zip(parts.iter()),
            ),
            _ => None,
        }
    }

    /// The expected value (closed form; the truncated normal uses its exact truncated mean).
    pub fn mean(&self) -> f64 {
        match &self.spec {
            DistSpec::Constant(v) => *v,
            DistSpec::Uniform { min, max } => (min + max) / 2.0,
            DistSpec::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            DistSpec::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            DistSpec::Normal { mean, sd } => {
                if *sd == 0.0 {
                    *mean
                } else {
                    let alpha = -mean / sd;
                    let phi = (-0.5 * alpha * alpha).exp() / (2.0 * std::f64::consts::PI).sqrt();
                    mean + sd * phi / (1.0 - std_normal_cdf(alpha))
                }
            }
            DistSpec::LogNormal { median, p95 } => {
                let sigma = (p95 / median).ln() / Z_P95;
                median * (sigma * sigma / 2.0).exp()
            }
            DistSpec::Exponential { mean } => *mean,
            DistSpec::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
            DistSpec::Empirical(v) => v.iter().sum::<f64>() / v.len() as f64,
            DistSpec::Mixture(_) => self
                .mixture_parts()
                .map_or(0.0, |parts| parts.map(|(w, d)| w * d.mean()).sum()),
        }
    }

    /// The largest value a draw can take, if bounded.
    pub fn upper_bound(&self) -> Option<f64> {
        match &self.spec {
            DistSpec::Constant(v) => Some(*v),
            DistSpec::Uniform { max, .. }
            | DistSpec::Triangular { max, .. }
            | DistSpec::Pert { max, .. } => Some(*max),
            DistSpec::Empirical(v) => v.iter().copied().reduce(f64::max),
            DistSpec::Mixture(_) => self.mixture_parts().and_then(|mut parts| {
                parts.try_fold(0.0_f64, |m, (_, d)| d.upper_bound().map(|u| m.max(u)))
            }),
            _ => None,
        }
    }
}

/// Standard normal CDF via the complementary error function (Abramowitz–Stegun 7.1.26 is not
/// precise enough for tails; this uses the W. J. Cody style rational approximation of erfc).
pub fn std_normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    // Numerical Recipes `erfcc`: fractional error below 1.2e-7 everywhere.
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Gamma function by the Lanczos approximation (g = 7, n = 9), accurate to ~1e-13.
pub fn gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x))
    } else {
        let x = x - 1.0;
        let mut a = G[0];
        let t = x + 7.5;
        for (i, g) in G.iter().enumerate().skip(1) {
            a += g / (x + i as f64);
        }
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
    }
}

/// A distribution of durations (parameters in nanoseconds).
#[derive(Clone, Debug, PartialEq)]
pub struct DurationDist(pub Dist);

impl DurationDist {
    /// Always `d`.
    pub fn constant(d: Duration) -> Self {
        DurationDist(Dist::constant(d.as_nanos() as f64))
    }
    /// Draws one duration, rounded to the nearest nanosecond.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Duration {
        let v = self.0.sample(rng);
        // Draws are never negative, so adding one half and truncating rounds (and is much
        // cheaper than `f64::round` in the step loop); the cast saturates at u64::MAX.
        Duration((v + 0.5) as u64)
    }
    /// Mean duration.
    pub fn mean(&self) -> Duration {
        Duration(self.0.mean().round().max(0.0) as u64)
    }
}

/// A probability that is either known or uncertain (Beta distributed).
#[derive(Clone, Debug, PartialEq)]
pub enum Probability {
    /// A known probability in `[0, 1]`.
    Fixed(f64),
    /// Uncertain: drawn once per replication from `Beta(alpha, beta)`.
    Beta {
        /// First shape parameter (> 0).
        alpha: f64,
        /// Second shape parameter (> 0).
        beta: f64,
        /// Sampler.
        #[doc(hidden)]
        sampler: Beta<f64>,
    },
}

impl Probability {
    /// A known probability; rejects values outside `[0, 1]`.
    pub fn fixed(p: f64) -> Result<Self, DistError> {
        check((0.0..=1.0).contains(&p), || {
            format!("a probability must be between 0 and 1, got {}", shown(p))
        })?;
        Ok(Probability::Fixed(p))
    }
    /// An uncertain probability `Beta(alpha, beta)`.
    pub fn beta(alpha: f64, beta: f64) -> Result<Self, DistError> {
        finite("alpha", alpha)?;
        finite("beta", beta)?;
        check(alpha > 0.0 && beta > 0.0, || {
            format!("beta needs alpha > 0 and beta > 0, got alpha {alpha}, beta {beta}")
        })?;
        let sampler = Beta::new(alpha, beta).map_err(|e| DistError(format!("beta: {e}")))?;
        Ok(Probability::Beta {
            alpha,
            beta,
            sampler,
        })
    }
    /// The expected probability.
    pub fn mean(&self) -> f64 {
        match self {
            Probability::Fixed(p) => *p,
            Probability::Beta { alpha, beta, .. } => alpha / (alpha + beta),
        }
    }
    /// Draws the probability for one replication.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Probability::Fixed(p) => *p,
            Probability::Beta { sampler, .. } => sampler.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Trial finding: `probability: 1e308` was quoted back with 309 digits.
    #[test]
    fn huge_and_tiny_numbers_are_quoted_in_scientific_notation() {
        let e = super::Probability::fixed(1e308).expect_err("out of range");
        assert!(e.to_string().ends_with("got 1e308"), "{e}");
        let e = super::Probability::fixed(-2.5e-9).expect_err("out of range");
        assert!(e.to_string().ends_with("got -2.5e-9"), "{e}");
        let e = super::Probability::fixed(1.5).expect_err("out of range");
        assert!(e.to_string().ends_with("got 1.5"), "{e}");
    }
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn closed_form_means_match_samples() {
        // Each family's closed-form mean against 200k draws; the tolerance is 5 standard errors
        // of the sample mean, computed from the family's own variance bound.
        let cases = [
            (DistSpec::Uniform { min: 1.0, max: 3.0 }, 0.58),
            (
                DistSpec::Triangular {
                    min: 0.0,
                    mode: 1.0,
                    max: 4.0,
                },
                0.85,
            ),
            (
                DistSpec::Pert {
                    min: 0.0,
                    mode: 1.0,
                    max: 4.0,
                },
                0.7,
            ),
            (DistSpec::Normal { mean: 1.0, sd: 2.0 }, 2.0),
            (
                DistSpec::LogNormal {
                    median: 1.0,
                    p95: 3.0,
                },
                1.5,
            ),
            (DistSpec::Exponential { mean: 2.0 }, 2.0),
            (
                DistSpec::Weibull {
                    shape: 1.5,
                    scale: 2.0,
                },
                1.3,
            ),
        ];
        let n = 200_000;
        for (spec, sd) in cases {
            let d = Dist::new(spec.clone()).unwrap();
            let m = sample_mean(&d, n);
            let tol = 5.0 * sd / (n as f64).sqrt();
            assert!(
                (m - d.mean()).abs() < tol,
                "{spec:?}: sample mean {m} vs closed form {}",
                d.mean()
            );
        }
    }

    #[test]
    fn mixture_mean_and_part_frequencies_match_hand_calculation() {
        // "20 min, but 2 h in one case in five": weights 4 and 1 normalise to 0.8 and 0.2.
        // Mean by hand: 0.8 × 20 + 0.2 × 120 = 40 min.
        let d = Dist::new(DistSpec::Mixture(vec![
            (4.0, DistSpec::Constant(20.0)),
            (1.0, DistSpec::Constant(120.0)),
        ]))
        .unwrap();
        assert!((d.mean() - 40.0).abs() < 1e-12);
        assert_eq!(d.upper_bound(), Some(120.0));
        let n = 100_000;
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let long = (0..n).filter(|_| d.sample(&mut rng) == 120.0).count();
        // Binomial(n, 0.2): sd = sqrt(n · 0.2 · 0.8) ≈ 126.5; 5 sd either side.
        let sd = (n as f64 * 0.2 * 0.8).sqrt();
        assert!(
            (long as f64 - 0.2 * n as f64).abs() < 5.0 * sd,
            "{long} long draws of {n}, expected about 20000"
        );
        // A mixture of spread parts: mean 0.5 × 2 + 0.5 × 10 = 6; unbounded part → no bound.
        let d = Dist::new(DistSpec::Mixture(vec![
            (0.5, DistSpec::Uniform { min: 1.0, max: 3.0 }),
            (0.5, DistSpec::Exponential { mean: 10.0 }),
        ]))
        .unwrap();
        assert!((d.mean() - 6.0).abs() < 1e-12);
        assert_eq!(d.upper_bound(), None);
        let m = sample_mean(&d, 200_000);
        // sd of the mixture ≤ sqrt(E[x²]) = sqrt(0.5·(13/3) + 0.5·200) ≈ 10.1.
        assert!((m - 6.0).abs() < 5.0 * 10.1 / (200_000f64).sqrt(), "{m}");
    }

    #[test]
    fn malformed_mixtures_are_rejected_with_reasons() {
        assert!(Dist::new(DistSpec::Mixture(vec![])).is_err());
        let e = Dist::new(DistSpec::Mixture(vec![(0.0, DistSpec::Constant(1.0))])).unwrap_err();
        assert!(e.0.contains("positive"), "{}", e.0);
        let e = Dist::new(DistSpec::Mixture(vec![
            (1.0, DistSpec::Constant(1.0)),
            (1.0, DistSpec::Uniform { min: 3.0, max: 2.0 }),
        ]))
        .unwrap_err();
        assert!(e.0.contains("part 2"), "{}", e.0);
    }

    #[test]
    fn lognormal_median_and_p95_hold() {
        let d = Dist::new(DistSpec::LogNormal {
            median: 10.0,
            p95: 40.0,
        })
        .unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let mut v: Vec<f64> = (0..100_001).map(|_| d.sample(&mut rng)).collect();
        v.sort_by(f64::total_cmp);
        let median = v[50_000];
        let p95 = v[95_000];
        assert!((median / 10.0 - 1.0).abs() < 0.02, "median {median}");
        assert!((p95 / 40.0 - 1.0).abs() < 0.03, "p95 {p95}");
    }

    #[test]
    fn malformed_parameters_are_rejected_with_reasons() {
        let e = Dist::new(DistSpec::Triangular {
            min: 5.0,
            mode: 1.0,
            max: 9.0,
        })
        .unwrap_err();
        assert!(e.0.contains("min <= mode <= max"), "{e}");
        assert!(Dist::new(DistSpec::Uniform { min: 2.0, max: 1.0 }).is_err());
        assert!(Dist::new(DistSpec::Exponential { mean: 0.0 }).is_err());
        assert!(Dist::new(DistSpec::Constant(f64::INFINITY)).is_err());
        assert!(Dist::new(DistSpec::Empirical(vec![])).is_err());
        assert!(Probability::fixed(1.5).is_err());
        assert!(Probability::beta(0.0, 1.0).is_err());
    }

    #[test]
    fn truncated_normal_never_negative() {
        let d = Dist::new(DistSpec::Normal { mean: 0.0, sd: 1.0 }).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        assert!((0..10_000).all(|_| d.sample(&mut rng) >= 0.0));
        // Half-normal mean: sd * sqrt(2/pi).
        assert!((d.mean() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-6);
    }

    #[test]
    fn gamma_matches_factorials() {
        assert!((gamma(5.0) - 24.0).abs() < 1e-9);
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
    }
}
