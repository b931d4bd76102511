//! Global screening by Morris elementary effects: every input moves over its whole range
//! while the others move too, so an input whose effect depends on the others (an
//! interaction) or that matters only in part of the range is seen, unlike in the
//! one-at-a-time sweeps that hold the others at their scenario values.
//!
//! **Design** (Morris 1991, with the trajectories of Campolongo et al. 2007). Each input's
//! range is the unit interval (mapped to the input's values by `Input::at`, on its sweep
//! scale) with `levels` grid points `0, 1/(p−1), …, 1`; the step is `Δ = p / (2(p − 1))`. A
//! trajectory starts at a random grid point and moves one input at a time, in a random
//! order, by `+Δ` where that stays in range and `−Δ` otherwise: `k + 1` points for `k` inputs.
//! The random choices come from SplitMix64 counters keyed by the seed (no global generator):
//! the same seed gives the same design.
//!
//! **Effects.** Input `i`'s elementary effect on one trajectory is `(f(x + Δe_i) − f(x)) / Δ`
//! for the step that moved it (`Δ` signed): the change of `f` per whole range. Over `r`
//! trajectories: `mu` (the mean: the direction), `mu_star` (the mean absolute value: the
//! importance, robust to effects of both signs) and `sigma` (the standard deviation:
//! non-linearity or interaction; 0 for an input whose effect is the same everywhere).
//!
//! Not here: what `f` is (the analysis evaluates the decision margin of a scenario variant on
//! common random numbers), output formats.

use patchtwin_sim::rng::splitmix64;
use serde::Serialize;

/// One trajectory: `k + 1` points in the unit cube, and for each step the input it moved and
/// the signed step.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    /// The points, each `k` coordinates in [0, 1].
    pub points: Vec<Vec<f64>>,
    /// Step `j` (from point `j` to `j + 1`): the input moved and by how much.
    pub moved: Vec<(usize, f64)>,
}

/// One input's elementary effects.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Effect {
    /// Mean elementary effect (change of the output per whole range; the sign is the
    /// direction).
    pub mu: f64,
    /// Mean absolute elementary effect: the importance.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (n − 1 denominator): non-linearity or
    /// interaction with other inputs.
    pub sigma: f64,
    /// Elementary effects computed (one per trajectory).
    pub n: usize,
}

/// The grid step for `levels` grid points per input.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// A uniform draw in [0, 1) from counter `c` of the stream keyed by `seed`.
fn uniform(seed: u64, c: u64) -> f64 {
    (splitmix64(seed ^ splitmix64(c)) >> 11) as f64 / (1u64 << 53) as f64
}

/// `r` trajectories over `k` inputs on a grid of `levels` points (`levels` ≥ 2), from `seed`.
pub fn design(k: usize, r: usize, levels: usize, seed: u64) -> Vec<Trajectory> {
    let levels = levels.max(2);
    let d = delta(levels);
    let step = 1.0 / (levels as f64 - 1.0);
    let mut c = 0u64;
    let mut next = || {
        c += 1;
        uniform(seed, c)
    };
    (0..r)
        .map(|_| {
            let mut x: Vec<f64> = (0..k)
                .map(|_| ((next() * levels as f64) as usize).min(levels - 1) as f64 * step)
                .collect();
            // A random order: Fisher–Yates on 0..k.
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                let j = ((next() * (i + 1) as f64) as usize).min(i);
                order.swap(i, j);
            }
            let mut points = vec![x.clone()];
            let mut moved = Vec::with_capacity(k);
            for &i in &order {
                let s = if x[i] + d <= 1.0 + 1e-12 { d } else { -d };
                x[i] = (x[i] + s).clamp(0.0, 1.0);
                points.push(x.clone());
                moved.push((i, s));
            }
            Trajectory { points, moved }
        })
        .collect()
}

/// The elementary effects of `k` inputs from the design and `f` at each of its points
/// (`values[t][j]`: trajectory `t`, point `j`).
pub fn effects(k: usize, design: &[Trajectory], values: &[Vec<f64>]) -> Vec<Effect> {
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); k];
    for (t, v) in design.iter().zip(values) {
        for (j, &(i, s)) in t.moved.iter().enumerate() {
            per[i].push((v[j + 1] - v[j]) / s);
        }
    }
    per.iter()
        .map(|e| {
            let n = e.len();
            if n == 0 {
                return Effect {
                    mu: 0.0,
                    mu_star: 0.0,
                    sigma: 0.0,
                    n,
                };
            }
            let mu = e.iter().sum::<f64>() / n as f64;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / n as f64;
            let sigma = if n > 1 {
                (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
            } else {
                0.0
            };
            Effect {
                mu,
                mu_star,
                sigma,
                n,
            }
        })
        .collect()
}

/// Morris screening of `f` over `k` inputs in the unit cube: `r` trajectories on `levels`
/// grid points, from `seed`.
pub fn morris(
    k: usize,
    r: usize,
    levels: usize,
    seed: u64,
    f: impl Fn(&[f64]) -> f64,
) -> Vec<Effect> {
    let d = design(k, r, levels, seed);
    let values: Vec<Vec<f64>> = d
        .iter()
        .map(|t| t.points.iter().map(|x| f(x)).collect())
        .collect();
    effects(k, &d, &values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_stays_on_the_grid_and_moves_each_input_once() {
        let d = design(5, 20, 4, 7);
        assert_eq!(d, design(5, 20, 4, 7), "same seed, same design");
        assert_ne!(d, design(5, 20, 4, 8));
        let on_grid = |v: f64| ((v * 3.0) - (v * 3.0).round()).abs() < 1e-9;
        for t in &d {
            assert_eq!(t.points.len(), 6);
            let mut seen: Vec<usize> = t.moved.iter().map(|m| m.0).collect();
            seen.sort_unstable();
            assert_eq!(seen, [0, 1, 2, 3, 4]);
            for (j, &(i, s)) in t.moved.iter().enumerate() {
                assert!((s.abs() - 2.0 / 3.0).abs() < 1e-12);
                for c in 0..5 {
                    let (a, b) = (t.points[j][c], t.points[j + 1][c]);
                    assert!(on_grid(a) && on_grid(b) && (0.0..=1.0).contains(&b));
                    if c == i {
                        assert!((b - a - s).abs() < 1e-12);
                    } else {
                        assert_eq!(a, b);
                    }
                }
            }
        }
    }

    #[test]
    fn effects_of_a_function_with_known_elementary_effects() {
        // f = 2·x0 − 3·x1 + 0·x2 + 5·x3·x4. A linear term's elementary effect is its
        // coefficient everywhere: mu = a, mu* = |a|, sigma = 0. x2 does nothing. x3's effect
        // is 5·x4 and x4's is 5·x3: they vary with the other input (sigma > 0), and as each
        // is uniform on the grid {0, 1/3, 2/3, 1} (mean 1/2), mu tends to 2.5.
        let f = |x: &[f64]| 2.0 * x[0] - 3.0 * x[1] + 5.0 * x[3] * x[4];
        let e = morris(5, 400, 4, 1, f);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(e[0].mu, 2.0) && close(e[0].mu_star, 2.0) && close(e[0].sigma, 0.0));
        assert!(close(e[1].mu, -3.0) && close(e[1].mu_star, 3.0) && close(e[1].sigma, 0.0));
        assert!(close(e[2].mu_star, 0.0) && close(e[2].sigma, 0.0));
        for i in [3, 4] {
            assert_eq!(e[i].n, 400);
            assert!(e[i].sigma > 1.0, "{:?}", e[i]);
            // 400 effects of 5·U, U uniform on the grid at the point before or after the step
            // (sd 5·0.373): the mean is within 4 standard errors of 2.5.
            assert!(
                (e[i].mu - 2.5).abs() < 4.0 * 5.0 * 0.373 / 20.0,
                "{:?}",
                e[i]
            );
        }
        // The ranking by mu*: x1 (3), the interacting pair (2.5 each), x0 (2), x2 (0).
        assert!(e[1].mu_star > e[3].mu_star && e[1].mu_star > e[4].mu_star);
        assert!(e[3].mu_star > e[0].mu_star && e[4].mu_star > e[0].mu_star);
        assert!(e.iter().all(|x| x.mu_star >= e[2].mu_star));
    }
}
