//! The scenario's uncertain inputs, as the analysis uses them: the catalogue of
//! `patchtwin_model::inputs` (names, kinds, values, ranges from the scenario or the default of
//! their kind, and the scenario with one input set to another value), re-exported, and the
//! command line's ranges (`--range NAME=LOW..HIGH`), which override the scenario's.
//!
//! Not here: which inputs are swept (`analysis`), or checking the scenario's ranges
//! (`patchtwin-scenario` does, against the same catalogue).

pub use patchtwin_model::inputs::{Input, InputRange, Kind, RangeSource, enumerate};

/// Sets the range of the input called `name` from `--range NAME=LOW..HIGH`, checking it
/// against the input's kind. Returns a message saying what is wrong otherwise.
pub fn set_range(inputs: &mut [Input], name: &str, low: f64, high: f64) -> Result<(), String> {
    patchtwin_model::inputs::set_range(inputs, name, low, high, RangeSource::CommandLine)
}

/// Parses `NAME=LOW..HIGH`.
pub fn parse_range(text: &str) -> Result<(String, f64, f64), String> {
    let bad = || {
        format!(
            "--range `{text}`: expected NAME=LOW..HIGH, e.g. `patches[kb1].failure_probability=0.05..0.4`"
        )
    };
    let (name, range) = text.rsplit_once('=').ok_or_else(bad)?;
    let (lo, hi) = range.split_once("..").ok_or_else(bad)?;
    let num = |s: &str| s.trim().parse::<f64>().map_err(|_| bad());
    Ok((name.trim().to_string(), num(lo)?, num(hi)?))
}
