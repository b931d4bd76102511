//! One input's sweep: its ends (the two plans when screening) or in detail (every plan at the
//! ends and at the EVPI values, then bisection between the neighbouring values where the margin
//! changes sign, nearest the base on each side, and every plan again at each break-even, so
//! EVPI's interpolation has a node where the recommendation flips), and the break-even with its
//! interval.
//!
//! Not here: EVPI's formula (`evpi`) or the sentences (`words`).

use super::*;

/// Sweeps one input: its ends (two plans when screening), or in detail (every plan at the
/// ends and the EVPI values, then bisection).
pub(super) fn sweep(
    ctx: &Ctx<'_>,
    input: &Input,
    base: &Point,
    detail: bool,
    o: &Options,
) -> InputResult {
    let mut base = base.clone();
    base.value = input.base;
    let pair = [ctx.rec.min(ctx.up), ctx.rec.max(ctx.up)];
    let plans: &[usize] = if detail { &ctx.all_plans } else { &pair };
    let mut points = vec![base];
    // EVPI's nodes: position in the range, every plan's expected loss there.
    let mut nodes: Vec<(f64, Vec<f64>)> = Vec::new();
    let eval = |value: f64, role: &str, plans: &[usize]| {
        let sample = ctx.run(&input.apply(ctx.base, value), plans);
        let p = ctx.point(&sample, value, role);
        (p, sample)
    };
    let mut node = |value: f64, role: &str, points: &mut Vec<Point>| {
        let (p, sample) = eval(value, role, plans);
        if detail {
            let losses = ctx.all_plans.iter().map(|&q| sample.mean_loss(q));
            nodes.push((input.position(value), losses.collect()));
        }
        points.push(p);
    };
    for (t, role) in [(0.0, "low"), (1.0, "high")] {
        node(input.at(t), role, &mut points);
    }
    if detail {
        let k = o.evpi_values.max(1);
        for j in 0..k {
            node(input.at((j as f64 + 0.5) / k as f64), "evpi", &mut points);
        }
    }
    points.sort_by(|a, b| a.value.total_cmp(&b.value));
    let mut break_even = Vec::new();
    if detail {
        for (a, b) in crossings(&points, input.base) {
            let mut lo = points[a].clone();
            let mut hi = points[b].clone();
            for _ in 0..o.bisection_steps {
                let mid = midpoint(input, lo.value, hi.value);
                let (p, _) = eval(mid, "bisection", &pair);
                if (p.margin >= 0.0) == (lo.margin >= 0.0) {
                    lo = p.clone();
                } else {
                    hi = p.clone();
                }
                points.push(p);
            }
            let value = lo.value + (hi.value - lo.value) * lo.margin / (lo.margin - hi.margin);
            break_even.push((value, lo.value, hi.value));
        }
        for &(value, _, _) in &break_even {
            node(value, "break_even", &mut points);
        }
        points.sort_by(|a, b| a.value.total_cmp(&b.value));
    }
    nodes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let base_margin = points
        .iter()
        .find(|p| p.role == "base")
        .map_or(0.0, |p| p.margin);
    // Ahead as `crossings` counts it (a tie counts as ahead).
    let base_ahead = base_margin >= 0.0;
    let break_even: Vec<BreakEven> = break_even
        .into_iter()
        .map(|(v, a, b)| break_even_entry(ctx, &points, input.base, base_ahead, v, a, b))
        .collect();
    let swing = points
        .iter()
        .map(|p| (p.margin - base_margin).abs())
        .fold(0.0, f64::max);
    let low = points.iter().find(|p| p.role == "low").expect("low is run");
    let high = points
        .iter()
        .find(|p| p.role == "high")
        .expect("high is run");
    let statement = statement(ctx, input, &break_even, base_ahead, detail);
    InputResult {
        name: input.name.clone(),
        label: input.label.clone(),
        kind: input.kind,
        unit: input.unit.clone(),
        base: input.base,
        low: input.low,
        high: input.high,
        range: input.range_source,
        range_note: input.range_note.clone(),
        scale: if input.log_scale() { "log" } else { "linear" }.into(),
        swing,
        at_low: change(ctx, low),
        at_high: change(ctx, high),
        break_even,
        statement,
        evpi: detail.then(|| evpi(&nodes)),
        points,
    }
}

pub(super) fn midpoint(input: &Input, a: f64, b: f64) -> f64 {
    if input.log_scale() && a > 0.0 && b > 0.0 {
        (a * b).sqrt()
    } else {
        0.5 * (a + b)
    }
}

/// Neighbouring points (indices into `points`, sorted by value) between which the margin
/// changes sign: the nearest to `base` on each side.
pub(super) fn crossings(points: &[Point], base: f64) -> Vec<(usize, usize)> {
    let ahead = |p: &Point| p.margin >= 0.0;
    let changes: Vec<(usize, usize)> = (1..points.len())
        .filter(|&j| ahead(&points[j - 1]) != ahead(&points[j]))
        .map(|j| (j - 1, j))
        .collect();
    let below = changes
        .iter()
        .rev()
        .find(|(_, b)| points[*b].value <= base)
        .copied();
    let above = changes
        .iter()
        .find(|(a, _)| points[*a].value >= base)
        .copied();
    below.into_iter().chain(above).collect()
}

/// The break-even at `value` (bisection bracket `a..b`) with its direction and interval.
///
/// The crossings are the nearest to the base on each side, so between the base and the
/// crossing the margin keeps its sign at the base: the plan behind at the base wins beyond the
/// crossing. `direction` is the side where the RUNNER-UP is better, which is beyond the
/// crossing only when the recommended plan leads at the base on this metric (it need not:
/// `--metric` can pick a metric it trails on).
pub(super) fn break_even_entry(
    ctx: &Ctx<'_>,
    points: &[Point],
    base: f64,
    base_ahead: bool,
    value: f64,
    a: f64,
    b: f64,
) -> BreakEven {
    let beyond_is_above = value > base;
    let up_better_above = beyond_is_above == base_ahead;
    // Clear points on the recommended plan's side of the crossing and on the runner-up's.
    let rec_side = |p: &&Point| {
        if up_better_above {
            p.value <= a
        } else {
            p.value >= b
        }
    };
    let up_side = |p: &&Point| {
        if up_better_above {
            p.value >= b
        } else {
            p.value <= a
        }
    };
    let nearest = |it: Vec<&Point>| {
        it.into_iter()
            .min_by(|x, y| (x.value - value).abs().total_cmp(&(y.value - value).abs()))
            .map(|p| p.value)
    };
    let rec_clear: Vec<&Point> = points
        .iter()
        .filter(rec_side)
        .filter(|p| ctx.clear(p) == Some(true))
        .collect();
    let up_clear: Vec<&Point> = points
        .iter()
        .filter(up_side)
        .filter(|p| ctx.clear(p) == Some(false))
        .collect();
    let interval = match (nearest(rec_clear), nearest(up_clear)) {
        (Some(x), Some(y)) => Some([x.min(y), x.max(y)]),
        _ => None,
    };
    BreakEven {
        value,
        direction: if up_better_above { "above" } else { "below" }.into(),
        bracket: [a.min(b), a.max(b)],
        interval,
    }
}
