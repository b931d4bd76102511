//! The global screening on the analysis's runs: each Morris design point (`crate::global`) is
//! the scenario with every swept input at its point of the range, the two plans run on the
//! base's random numbers; the elementary effects of the decision margin per input.
//!
//! Not here: the design and the effects' formulas (`crate::global`).

use super::*;

/// Morris screening of `inputs` on the decision margin: each design point is the scenario
/// with every input at its point of the range (on its sweep scale), the two plans run on the
/// base's random numbers.
pub(super) fn morris(ctx: &Ctx<'_>, inputs: &[&Input], o: &Options) -> Global {
    let k = inputs.len();
    let design = crate::global::design(k, o.morris_trajectories, MORRIS_LEVELS, o.seed);
    let values: Vec<Vec<f64>> = design
        .iter()
        .map(|t| {
            t.points
                .iter()
                .map(|x| {
                    let variant = inputs
                        .iter()
                        .zip(x)
                        .fold(ctx.base.clone(), |s, (i, &u)| i.apply(&s, i.at(u)));
                    let sample = ctx.run(&variant, &[ctx.rec, ctx.up]);
                    ctx.point(&sample, f64::NAN, "morris").margin
                })
                .collect()
        })
        .collect();
    let effects = crate::global::effects(k, &design, &values);
    let mut rows: Vec<GlobalEffect> = inputs
        .iter()
        .zip(effects)
        .map(|(i, e)| GlobalEffect {
            name: i.name.clone(),
            label: i.label.clone(),
            effect: e,
        })
        .collect();
    rows.sort_by(|a, b| b.effect.mu_star.total_cmp(&a.effect.mu_star));
    Global {
        method: "morris".into(),
        trajectories: o.morris_trajectories,
        levels: MORRIS_LEVELS,
        evaluations: design.iter().map(|t| t.points.len()).sum(),
        output: format!(
            "margin of {} over {} on {}",
            ctx.base.plans[ctx.rec].id,
            ctx.base.plans[ctx.up].id,
            ctx.metric.name()
        ),
        inputs: rows,
        note: "mu* is how much the margin moves when the input goes over its whole range with the others anywhere in theirs; sigma well above 0 means the effect depends on the other inputs or is not linear.".into(),
    }
}
