//! Expected value of perfect information from every plan's expected loss at some values of an
//! input, the input uniformly likely over its range on the sweep's scale (log-uniform for a
//! multiplicative input), each plan's loss interpolated linearly between the values run.
//!
//! With `L_p(t)` plan `p`'s expected loss at position `t ∈ [0, 1]` of the range, EVPI is
//! `min_p ∫ L_p − ∫ min_p L_p`: what choosing after learning the value saves against choosing
//! the plan best on average. Both integrals are exact for the interpolation (the minimum of
//! lines is integrated piece by piece between the points where two plans cross), so a flip
//! between two values run is counted, and EVPI is never negative.
//!
//! Not here: which values are run (`sweep`: the ends, midpoints of equal bins, and every
//! break-even, so a narrow flip region is a node of the interpolation).

/// EVPI from `nodes`: positions `t` in [0, 1] (increasing, the first 0 and the last 1) with
/// every plan's expected loss there (the same plans, in the same order, at every node).
pub fn evpi(nodes: &[(f64, Vec<f64>)]) -> f64 {
    let Some(plans) = nodes.first().map(|n| n.1.len()) else {
        return 0.0;
    };
    if plans == 0 || nodes.len() < 2 {
        return 0.0;
    }
    let mut per_plan = vec![0.0; plans];
    let mut with_information = 0.0;
    for w in nodes.windows(2) {
        let ((t0, a), (t1, b)) = (&w[0], &w[1]);
        let dt = t1 - t0;
        if dt <= 0.0 {
            continue;
        }
        for p in 0..plans {
            per_plan[p] += 0.5 * (a[p] + b[p]) * dt;
        }
        with_information += min_of_lines(a, b) * dt;
    }
    let best_on_average = per_plan.iter().copied().fold(f64::INFINITY, f64::min);
    (best_on_average - with_information).max(0.0)
}

/// The mean over `s ∈ [0, 1]` of `min_p (a_p + s·(b_p − a_p))`: split at every crossing of two
/// lines inside the segment, where the minimum is linear, and integrate each piece exactly.
fn min_of_lines(a: &[f64], b: &[f64]) -> f64 {
    let mut cuts = vec![0.0, 1.0];
    for p in 0..a.len() {
        for q in p + 1..a.len() {
            let (d0, d1) = (a[p] - a[q], b[p] - b[q]);
            if (d0 < 0.0 && d1 > 0.0) || (d0 > 0.0 && d1 < 0.0) {
                cuts.push(d0 / (d0 - d1));
            }
        }
    }
    cuts.sort_by(f64::total_cmp);
    let at = |s: f64| {
        a.iter()
            .zip(b)
            .map(|(x, y)| x + s * (y - x))
            .fold(f64::INFINITY, f64::min)
    };
    cuts.windows(2)
        .map(|c| 0.5 * (at(c[0]) + at(c[1])) * (c[1] - c[0]))
        .sum()
}
