//! The scenario's uncertain inputs, named: every probability, duration and cost a decision
//! could hinge on, with a stable name (`patches[ID].failure_probability`), its value in the
//! scenario, a plausible range, and a way to build the scenario with another value. The
//! sensitivity analysis (`patchtwin-sensitivity`) sweeps them; `patchtwin-scenario` checks the
//! ranges a scenario gives (`sensitivity.ranges`) against them.
//!
//! Ranges, in order of precedence: one given on the command line (`--range`, applied by the
//! caller with [`set_range`]); one given in the scenario ([`Scenario::input_ranges`], applied
//! by [`enumerate`]); else the default of the input's kind:
//! - a probability `p` varies over `[max(0, 0.5·p), min(1, 1.5·p)]` (±50%, clamped), swept on a
//!   linear scale;
//! - a duration, an attack rate (as the mean time between attempts) or a cost `v` varies over
//!   `[0.5·v, 2·v]`, swept on a logarithmic scale (×½ and ×2 are equally far from the value).
//!
//! A distribution is moved by scaling it: every parameter of a duration distribution is
//! multiplied by the same factor, which scales the whole distribution (its mean, its spread,
//! its tail) and keeps its shape; the input's value is its mean. An uncertain (Beta)
//! probability keeps its concentration `α + β` and moves its mean.
//!
//! Submodules: `list` (which inputs a scenario has, in a fixed order) and `apply` (the
//! scenario with one input set to another value). This module runs nothing and reads no
//! text.

mod apply;
mod list;

pub use list::enumerate;

use crate::{Duration, Scenario};

/// What kind of quantity an input is: decides its default range and its sweep scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A probability in [0, 1]: ±50%, clamped, linear scale.
    Probability,
    /// A duration (the mean of a distribution): ×0.5..×2, logarithmic scale.
    Duration,
    /// A cost: ×0.5..×2, logarithmic scale.
    Cost,
    /// A rate (faults per day): ×0.5..×2, logarithmic scale.
    Rate,
}

impl Kind {
    /// The default range around `v`, as stated in the module docs.
    pub fn default_range(self, v: f64) -> (f64, f64) {
        match self {
            Kind::Probability => ((0.5 * v).max(0.0), (1.5 * v).min(1.0)),
            Kind::Duration | Kind::Cost | Kind::Rate => (0.5 * v, 2.0 * v),
        }
    }
    /// The default range in words, for outputs.
    pub fn default_range_text(self) -> &'static str {
        match self {
            Kind::Probability => "±50% of the value, clamped to [0, 1]",
            Kind::Duration | Kind::Cost | Kind::Rate => "×0.5 to ×2 of the value",
        }
    }
}

/// Where an input's range came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RangeSource {
    /// The default range of the input's kind.
    Default,
    /// The scenario's `sensitivity.ranges`.
    Scenario,
    /// `--range` on the command line (overrides the scenario's).
    CommandLine,
}

impl RangeSource {
    /// Plain words.
    pub fn words(self) -> &'static str {
        match self {
            RangeSource::Default => "default",
            RangeSource::Scenario => "scenario",
            RangeSource::CommandLine => "command line",
        }
    }
}

/// A plausible range the scenario gives one input (`sensitivity.ranges`), checked against the
/// input by `patchtwin-scenario`.
#[derive(Clone, Debug, PartialEq)]
pub struct InputRange {
    /// The input's name, as [`enumerate`] names it.
    pub input: String,
    /// Low end, in the input's unit.
    pub low: f64,
    /// High end, in the input's unit.
    pub high: f64,
    /// Where the range comes from, in the writer's words (may be empty).
    pub note: String,
}

/// Where an input lives in a [`Scenario`] (indices into its vectors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Locator {
    PatchFailure(usize),
    PatchDeploy(usize),
    PatchRestart(usize),
    PatchRollback(usize),
    ControlFailure(usize),
    ControlDeploy(usize),
    Detection(usize),
    TimeToRespond(usize),
    AllowlistSuccess(usize),
    VirtualPatchMiss(usize),
    RemoteResidual(usize),
    Ttc(usize),
    AttemptGap(usize),
    Foothold(usize),
    Recovery,
    TargetImpact(usize),
    UnitRestart(usize),
    UnitDowntimeCost(usize),
    UnitAttackTrip(usize),
    AssetReboot(usize),
    AssetServiceRestart(usize),
    AssetFaultRate(usize),
}

/// Nanoseconds per hour and per day: durations are stated in hours, times to compromise and
/// times between attack attempts in days.
const NS_PER_HOUR: f64 = 3.6e12;
const NS_PER_DAY: f64 = 8.64e13;

/// One named uncertain input.
#[derive(Clone, Debug)]
pub struct Input {
    /// Stable name, e.g. `patches[kb-1].failure_probability`.
    pub name: String,
    /// Plain words, e.g. `P(patch kb-1 fails)`.
    pub label: String,
    /// Kind.
    pub kind: Kind,
    /// Unit of the value and the range (`probability`, `h`, `days`, the currency, `per day`).
    pub unit: String,
    /// The scenario's value.
    pub base: f64,
    /// Low end of the range.
    pub low: f64,
    /// High end of the range.
    pub high: f64,
    /// Where the range came from.
    pub range_source: RangeSource,
    /// The scenario's note on its range (empty when none, or when the range is not the
    /// scenario's).
    pub range_note: String,
    locator: Locator,
}

impl Input {
    /// Whether the range is swept on a logarithmic scale (multiplicative kinds with a positive
    /// low end).
    pub fn log_scale(&self) -> bool {
        self.kind != Kind::Probability && self.low > 0.0
    }
    /// The point a fraction `t` ∈ [0, 1] of the way from low to high on the sweep scale; the
    /// ends are exactly `low` and `high` (the log scale's round trip would miss them by an ulp).
    pub fn at(&self, t: f64) -> f64 {
        if t <= 0.0 {
            self.low
        } else if t >= 1.0 {
            self.high
        } else if self.log_scale() {
            (self.low.ln() + t * (self.high.ln() - self.low.ln())).exp()
        } else {
            self.low + t * (self.high - self.low)
        }
    }
    /// Where `v` lies in the range on the sweep scale: 0 at `low`, 1 at `high` (the inverse of
    /// [`Input::at`]).
    pub fn position(&self, v: f64) -> f64 {
        if self.degenerate() {
            0.0
        } else if self.log_scale() {
            (v.ln() - self.low.ln()) / (self.high.ln() - self.low.ln())
        } else {
            (v - self.low) / (self.high - self.low)
        }
    }
    /// Whether the range is a single value (nothing to sweep).
    pub fn degenerate(&self) -> bool {
        self.high <= self.low
    }
    /// A duration in the input's unit (hours or days); `None` when the input is not a
    /// duration.
    pub fn duration_value(&self, d: Duration) -> Option<f64> {
        let ns = d.as_nanos() as f64;
        match (self.kind, self.unit.as_str()) {
            (Kind::Duration, "days") => Some(ns / NS_PER_DAY),
            (Kind::Duration, _) => Some(ns / NS_PER_HOUR),
            _ => None,
        }
    }
    /// Whether the input is varied by scaling a distribution (so a value of 0 cannot be
    /// moved): durations other than the time between attack attempts, which is set directly.
    fn scaled(&self) -> bool {
        self.kind == Kind::Duration && !matches!(self.locator, Locator::AttemptGap(_))
    }
    /// Whether `low..high` is a range this input can take: finite, `0 ≤ low < high`, within
    /// `[0, 1]` for a probability, and a distribution with a non-zero mean to scale. The error
    /// says what is wrong, naming the input.
    pub fn check_range(&self, low: f64, high: f64) -> Result<(), String> {
        let name = &self.name;
        if !(low.is_finite() && high.is_finite() && low >= 0.0 && low < high) {
            return Err(format!(
                "the range of `{name}` must be LOW..HIGH with 0 ≤ LOW < HIGH, got {low}..{high}"
            ));
        }
        if self.kind == Kind::Probability && high > 1.0 {
            return Err(format!(
                "`{name}` is a probability: its range must lie within 0..1, got {low}..{high}"
            ));
        }
        if self.scaled() && self.base == 0.0 {
            return Err(format!(
                "`{name}` is 0 in the scenario; a distribution is varied by scaling it, so it cannot be moved away from 0 — give it a non-zero value in the scenario first"
            ));
        }
        Ok(())
    }
}

/// Sets the range of the input called `name` from `source`, checked against the input
/// ([`Input::check_range`]). Returns a message saying what is wrong otherwise.
pub fn set_range(
    inputs: &mut [Input],
    name: &str,
    low: f64,
    high: f64,
    source: RangeSource,
) -> Result<(), String> {
    let Some(input) = inputs.iter_mut().find(|i| i.name == name) else {
        return Err(format!("unknown input `{name}`"));
    };
    input.check_range(low, high)?;
    input.low = low;
    input.high = high;
    input.range_source = source;
    input.range_note.clear();
    Ok(())
}

/// The scenario's ranges applied to `inputs` (those whose names it knows; `patchtwin-scenario`
/// checked them).
fn with_scenario_ranges(s: &Scenario, mut inputs: Vec<Input>) -> Vec<Input> {
    for r in &s.input_ranges {
        if set_range(&mut inputs, &r.input, r.low, r.high, RangeSource::Scenario).is_ok()
            && let Some(i) = inputs.iter_mut().find(|i| i.name == r.input)
        {
            i.range_note.clone_from(&r.note);
        }
    }
    inputs
}
