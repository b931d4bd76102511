//! The analysis in words: numbers for people (`num`), an input's statement (where it flips,
//! or that it does not) and the robustness sentence from the break-evens nearest the base.
//!
//! Not here: any statistic; only the sweeps' results are formatted.

use super::*;

/// Human-friendly number: 3 significant digits, plain notation.
pub fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

pub(super) fn with_unit(x: f64, unit: &str) -> String {
    match unit {
        "probability" => num(x),
        "h" | "days" => format!("{} {unit}", num(x)),
        u => format!("{} {u}", num(x)),
    }
}

/// One input's statement. `base_ahead`: the recommended plan leads the runner-up on the
/// decision metric at the scenario's own values; when it trails (a `--metric` it was not
/// chosen on), the statement says which plan leads and where the other would overtake it.
pub(super) fn statement(
    ctx: &Ctx<'_>,
    input: &Input,
    be: &[BreakEven],
    base_ahead: bool,
    detail: bool,
) -> String {
    let (rid, uid) = (&ctx.base.plans[ctx.rec].id, &ctx.base.plans[ctx.up].id);
    let range = format!(
        "{}..{}",
        with_unit(input.low, &input.unit),
        with_unit(input.high, &input.unit)
    );
    if !detail {
        return format!("screened at the ends of {range} only (outside --top)");
    }
    // The plan that leads at the base, and the one that overtakes it beyond a break-even.
    let (leader, other) = if base_ahead { (rid, uid) } else { (uid, rid) };
    if be.is_empty() {
        return format!("does not flip within the range {range}: {leader} stays ahead of {other}");
    }
    let flips = be
        .iter()
        .map(|b| {
            let side = if behind_wins_above(b, base_ahead) {
                "above"
            } else {
                "below"
            };
            format!(
                "{other} overtakes {leader} {side} {}",
                with_unit(b.value, &input.unit)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    if base_ahead {
        flips
    } else {
        format!(
            "{uid} is ahead of {rid} on {} at the scenario's value; {flips}",
            ctx.metric.name()
        )
    }
}

/// Whether the plan behind at the base wins above the break-even `b`: `direction` is where
/// the runner-up wins, which is the behind plan's side when the recommended plan leads at the
/// base (`base_ahead`) and the other side when it trails.
fn behind_wins_above(b: &BreakEven, base_ahead: bool) -> bool {
    (b.direction == "above") == base_ahead
}

/// The robustness sentence, from the break-evens nearest the base value.
///
/// When the recommended plan trails the runner-up on the decision metric at the scenario's
/// own values (a `--metric` the recommendation was not made on), "stays best unless" would be
/// false: the sentence says so and names the values at which the recommended plan would lead.
pub(super) fn robustness(ctx: &Ctx<'_>, inputs: &[InputResult]) -> String {
    let rid = &ctx.base.plans[ctx.rec].id;
    let uid = &ctx.base.plans[ctx.up].id;
    let base_ahead = inputs
        .iter()
        .flat_map(|i| i.points.iter())
        .find(|p| p.role == "base")
        .is_none_or(|p| p.margin >= 0.0);
    let conditions: Vec<String> = inputs
        .iter()
        .flat_map(|i| {
            i.break_even.iter().map(move |b| {
                format!(
                    "{} {} {}",
                    i.label,
                    if behind_wins_above(b, base_ahead) {
                        "exceeds"
                    } else {
                        "is below"
                    },
                    with_unit(b.value, &i.unit)
                )
            })
        })
        .collect();
    let detailed = inputs.iter().filter(|i| i.evpi.is_some()).count();
    if !base_ahead {
        let metric = ctx.metric.name();
        return if conditions.is_empty() {
            format!(
                "On {metric}, {uid} is ahead of {rid} at the scenario's values and stays ahead across the whole range of every input swept ({detailed}, one at a time)."
            )
        } else {
            format!(
                "On {metric}, {uid} is ahead of {rid} at the scenario's values; {rid} would lead only if {} (one input at a time; {detailed} inputs swept).",
                conditions.join(", or if ")
            )
        };
    }
    if conditions.is_empty() {
        format!(
            "{rid} stays best against {uid} on {} across the whole range of every input swept ({detailed}, one at a time).",
            ctx.metric.name()
        )
    } else {
        let list = match conditions.len() {
            1 => conditions[0].clone(),
            n => format!(
                "{} or {}",
                conditions[..n - 1].join(", "),
                conditions[n - 1]
            ),
        };
        format!(
            "{rid} stays best against {uid} on {} unless {list} (one input at a time; {detailed} inputs swept).",
            ctx.metric.name()
        )
    }
}
