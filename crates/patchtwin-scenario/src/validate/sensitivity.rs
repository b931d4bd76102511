//! Validation of `sensitivity.ranges`: each names an input of the built scenario (as
//! `patchtwin sensitivity --inputs` lists them, with did-you-mean), at most once, with ends
//! written as the input's kind needs (a number; a duration with its unit for a duration), and
//! a range the input can take (`0 ≤ low < high`, at most 1 for a probability, a distribution
//! with a mean to scale). A range that leaves out the scenario's own value is a warning.
//!
//! Runs last, on the built scenario: the inputs are those of `patchtwin_model::inputs`, so a
//! name accepted here is one the analysis sweeps. Not here: the analysis.

use super::Ctx;
use crate::diag::nearest;
use crate::raw::{RangeEndRaw, SensitivityRaw};
use patchtwin_model::Scenario;
use patchtwin_model::inputs::{Input, InputRange, Kind, enumerate};

/// The scenario's ranges, each checked against its input (errors recorded).
pub(super) fn ranges(ctx: &mut Ctx, raw: Option<&SensitivityRaw>, s: &Scenario) -> Vec<InputRange> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let inputs = enumerate(s);
    let mut out = Vec::new();
    // Every input named so far, with its place, whether its range passed or not.
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (i, r) in raw.ranges.iter().enumerate() {
        let path = format!("sensitivity.ranges[{i}]");
        let Some(input) = inputs.iter().find(|x| x.name == r.input) else {
            let (message, help) = unknown(&inputs, &r.input);
            ctx.err_help(&format!("{path}.input"), message, help);
            continue;
        };
        if let Some((_, j)) = seen.iter().find(|(x, _)| *x == r.input) {
            ctx.err_at(
                &format!("{path}.input"),
                format!(
                    "`{}` already has a range at sensitivity.ranges[{j}]; give each input one range",
                    r.input
                ),
            );
            continue;
        }
        seen.push((&r.input, i));
        let low = end(ctx, input, r.low, &format!("{path}.low"));
        let high = end(ctx, input, r.high, &format!("{path}.high"));
        let (Some(low), Some(high)) = (low, high) else {
            continue;
        };
        if !checked(ctx, input, low, high, &path) {
            continue;
        }
        if !(low..=high).contains(&input.base) {
            ctx.warn(
                &format!("{path}.input"),
                format!(
                    "the scenario's value of `{}` ({}) lies outside its range {}..{}: the sweep covers the range, and the base runs at the scenario's value",
                    input.name,
                    shown(input, input.base),
                    shown(input, low),
                    shown(input, high)
                ),
            );
        }
        out.push(InputRange {
            input: r.input.clone(),
            low,
            high,
            note: r.note.as_deref().unwrap_or("").trim().to_string(),
        });
    }
    out
}

/// The message and help for a name that is not an input of the scenario.
fn unknown(inputs: &[Input], name: &str) -> (String, String) {
    let message = format!("unknown input `{name}`");
    let names = || inputs.iter().map(|i| i.name.as_str());
    if let Some(n) = nearest(name, names()) {
        return (message, format!("did you mean `{n}`?"));
    }
    let stem = |x: &str| x.split(['[', '.']).next().unwrap_or("").to_string();
    let like: Vec<&str> = names().filter(|n| stem(n) == stem(name)).take(8).collect();
    let listed = if like.is_empty() {
        names().take(8).collect::<Vec<_>>()
    } else {
        like
    };
    let more = if listed.len() < inputs.len() {
        ", …"
    } else {
        ""
    };
    (
        message,
        format!(
            "inputs are the parameters a plan's outcome can depend on (patches and controls some plan uses, the threat, units, assets); {}: {}{more} (`patchtwin sensitivity FILE --inputs NAME` names them the same way)",
            if listed.is_empty() {
                "this scenario has none"
            } else {
                "this scenario's inputs include"
            },
            listed.join(", ")
        ),
    )
}

/// One end in the input's unit: a number, or a duration for a duration input.
fn end(ctx: &mut Ctx, input: &Input, raw: RangeEndRaw, path: &str) -> Option<f64> {
    let name = &input.name;
    match (raw, input.duration_value(patchtwin_model::Duration::ZERO)) {
        (RangeEndRaw::Number(v), None) => Some(v),
        (RangeEndRaw::Number(0.0), Some(_)) => Some(0.0),
        (RangeEndRaw::Number(v), Some(_)) => {
            ctx.err_at(
                path,
                format!(
                    "`{name}` is a duration: write this end with its unit, e.g. `{v}{}`",
                    if input.unit == "days" { "d" } else { "h" }
                ),
            );
            None
        }
        (RangeEndRaw::Duration(d), Some(_)) => input.duration_value(d.0),
        (RangeEndRaw::Duration(d), None) => {
            ctx.err_at(
                path,
                format!(
                    "`{name}` is {}: expected a number{}, found the duration `{}`",
                    kind_words(input.kind),
                    unit_words(input),
                    d.0
                ),
            );
            None
        }
    }
}

/// Checks `low..high` against the input, locating the problem at the end that is wrong.
fn checked(ctx: &mut Ctx, input: &Input, low: f64, high: f64, path: &str) -> bool {
    let name = &input.name;
    let problem = if !(low.is_finite() && low >= 0.0) {
        Some((
            "low",
            format!("the low end must be a number 0 or more, got {low}"),
        ))
    } else if !high.is_finite() {
        Some((
            "high",
            format!("the high end must be a finite number, got {high}"),
        ))
    } else if high <= low {
        Some((
            "high",
            format!(
                "the high end must be above the low end ({}), got {}",
                shown(input, low),
                shown(input, high)
            ),
        ))
    } else if input.kind == Kind::Probability && high > 1.0 {
        Some((
            "high",
            format!("`{name}` is a probability: the high end must be at most 1, got {high}"),
        ))
    } else {
        input.check_range(low, high).err().map(|e| ("input", e))
    };
    match problem {
        Some((field, message)) => {
            ctx.err_at(&format!("{path}.{field}"), message);
            false
        }
        None => true,
    }
}

fn kind_words(k: Kind) -> &'static str {
    match k {
        Kind::Probability => "a probability",
        Kind::Duration => "a duration",
        Kind::Cost => "a cost",
        Kind::Rate => "a rate",
    }
}

fn unit_words(input: &Input) -> String {
    match input.kind {
        Kind::Probability => " from 0 to 1".into(),
        _ => format!(" in {}", input.unit),
    }
}

/// A value in the input's unit as a reader would write it (at most 6 decimals).
fn shown(input: &Input, v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = if s.is_empty() || s == "-" { "0" } else { s };
    match input.kind {
        Kind::Probability => s.to_string(),
        _ => format!("{s} {}", input.unit),
    }
}
