//! Which inputs to sweep: the scenario's inputs (with the ranges the scenario gives them) with
//! the command line's ranges applied over those (`--range`), those named (`--inputs`, with
//! did-you-mean), and those left out because their range is a single value.
//!
//! Not here: the inputs themselves (`crate::inputs`) or running anything.

use super::*;

/// The inputs of `s` (with the scenario's ranges) with the command line's `ranges` applied
/// over them: what `--inputs` may name.
pub fn inputs_with_ranges(
    s: &Scenario,
    ranges: &[(String, f64, f64)],
) -> Result<Vec<Input>, Error> {
    let mut all = inputs::enumerate(s);
    for (name, lo, hi) in ranges {
        inputs::set_range(&mut all, name, *lo, *hi)
            .map_err(|e| Error::BadInput(format!("error: --range: {e}{}", known(&all, name))))?;
    }
    Ok(all)
}

pub(super) fn known(all: &[Input], name: &str) -> String {
    if all.iter().any(|i| i.name == name) {
        return String::new();
    }
    let near: Vec<&str> = all
        .iter()
        .map(|i| i.name.as_str())
        .filter(|n| {
            let stem = |x: &str| x.split(['[', '.']).next().unwrap_or("").to_string();
            stem(n) == stem(name) || n.contains(name)
        })
        .take(8)
        .collect();
    if near.is_empty() {
        format!(
            "; the scenario's inputs: {}",
            all.iter()
                .take(8)
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
                + if all.len() > 8 { ", …" } else { "" }
        )
    } else {
        format!("; inputs like it: {}", near.join(", "))
    }
}

/// The inputs to sweep: those named (in the order named), or all; degenerate ranges are
/// left out with a reason.
pub(super) fn select<'a>(
    all: &'a [Input],
    wanted: &[String],
) -> Result<(Vec<&'a Input>, Vec<NotSwept>), Error> {
    let mut chosen = Vec::new();
    if wanted.is_empty() {
        chosen.extend(all.iter());
    } else {
        for w in wanted {
            let Some(i) = all.iter().find(|i| &i.name == w) else {
                return Err(Error::BadInput(format!(
                    "error: --inputs: unknown input `{w}`{}",
                    known(all, w)
                )));
            };
            if !chosen.iter().any(|c: &&Input| c.name == i.name) {
                chosen.push(i);
            }
        }
    }
    let not_swept = chosen
        .iter()
        .filter(|i| i.degenerate())
        .map(|i| NotSwept {
            name: i.name.clone(),
            reason: format!(
                "its range is the single value {} (the default range of a 0 is 0); give one in the scenario (`sensitivity.ranges`) or with --range",
                i.base
            ),
        })
        .collect();
    chosen.retain(|i| !i.degenerate());
    Ok((chosen, not_swept))
}
