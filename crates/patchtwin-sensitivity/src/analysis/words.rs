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

pub(super) fn statement(ctx: &Ctx<'_>, input: &Input, be: &[BreakEven], detail: bool) -> String {
    let (rid, uid) = (&ctx.base.plans[ctx.rec].id, &ctx.base.plans[ctx.up].id);
    let range = format!(
        "{}..{}",
        with_unit(input.low, &input.unit),
        with_unit(input.high, &input.unit)
    );
    if !detail {
        return format!("screened at the ends of {range} only (outside --top)");
    }
    if be.is_empty() {
        return format!("does not flip within the range {range}: {rid} stays ahead of {uid}");
    }
    be.iter()
        .map(|b| {
            format!(
                "{uid} overtakes {rid} {} {}",
                if b.direction == "above" {
                    "above"
                } else {
                    "below"
                },
                with_unit(b.value, &input.unit)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The robustness sentence, from the break-evens nearest the base value.
pub(super) fn robustness(ctx: &Ctx<'_>, inputs: &[InputResult]) -> String {
    let rid = &ctx.base.plans[ctx.rec].id;
    let uid = &ctx.base.plans[ctx.up].id;
    let conditions: Vec<String> = inputs
        .iter()
        .flat_map(|i| {
            i.break_even.iter().map(move |b| {
                format!(
                    "{} {} {}",
                    i.label,
                    if b.direction == "above" {
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
