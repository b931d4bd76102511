//! What would change the answer: one-at-a-time sensitivity of a scenario's recommendation to
//! its uncertain inputs, on common random numbers.
//!
//! For each named input ([`inputs`]) the scenario is rebuilt with the input at several values
//! of its range and every plan is rehearsed on the same random numbers as the base
//! ([`runner`]: replication `i` of every variant draws from the stream of `(seed, i)`). From
//! those runs ([`analysis`]):
//! - the change in P(dual success) and expected loss of the recommended plan and the
//!   runner-up at the ends of the range;
//! - the **break-even value** where the recommendation flips — bisection on the paired
//!   difference of the two plans' decision metric — or that it does not flip within the range;
//! - the **expected value of perfect information** (EVPI) about the input;
//! - per plan, the **loss exceedance curve** P(loss > x) of the base runs, and P(loss >
//!   tolerance) with its Wilson interval;
//! - the **robustness sentence** generated from the break-evens.
//!
//! [`render`] turns the result into text, CSV and Markdown, [`tornado`] into SVG charts, and
//! [`view`] into the report's section (`patchtwin run --sensitivity`). This
//! crate does no file I/O and reads no clock; the caller writes the files and times the run.
//!
//! With `morris_trajectories` set, [`global`] adds a global screening of the swept inputs by
//! Morris elementary effects (every input moving over its range while the others move too),
//! on the same common random numbers. An input's range is the scenario's (`sensitivity.ranges`)
//! unless `--range` sets one on the command line, else the default of its kind.

pub mod analysis;
pub mod global;
pub mod inputs;
pub mod render;
pub mod runner;
pub mod tornado;
pub mod view;

pub use analysis::{Options, analyse};

use patchtwin_report::Est;
use serde::Serialize;

/// Format version of `sensitivity.json`. 2: an input's `range` says where its range came
/// from as `default`, `scenario` or `command_line` (1 wrote `given` for the command line and
/// had no `scenario`), with `range_note`.
pub const FORMAT: &str = "patchtwin-sensitivity/2";

/// The decision metric on which the recommendation was decided against the runner-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// P(dual success): the recommended plan is clearly ahead of the runner-up on it.
    DualSuccess,
    /// Expected loss: the two are in a near-tie on P(dual success), and loss decides.
    ExpectedLoss,
}

impl Metric {
    /// Plain name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::DualSuccess => "P(dual success)",
            Metric::ExpectedLoss => "expected loss",
        }
    }
}

/// Why the analysis could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's request is wrong (an unknown input, a bad range, too few plans).
    #[error("{0}")]
    BadInput(String),
    /// The run could not start.
    #[error("{0}")]
    Run(String),
}

/// Settings of the analysis, as run.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SettingsInfo {
    /// Replications per plan and variant.
    pub runs: u64,
    /// Master seed (the same for every variant: common random numbers).
    pub seed: u64,
    /// Observation window for message-level timing, seconds.
    pub observe_s: f64,
    /// Bisection steps per break-even.
    pub bisection_steps: usize,
    /// Values inside each input's range (midpoints of equal bins) at which every plan is run;
    /// with the ends and the break-evens, the nodes of EVPI's interpolation.
    pub evpi_values: usize,
    /// Inputs swept in detail at most (`--top`).
    pub top: usize,
}

/// One default range rule.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct RangeRule {
    /// Input kind.
    pub kind: inputs::Kind,
    /// The range, in words.
    pub range: String,
}

/// The decision metrics of one plan at one value.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PlanPoint {
    /// Plan id.
    pub plan: String,
    /// P(dual success) with its Wilson interval.
    pub p_dual_success: Est,
    /// Expected loss (downtime cost plus impact cost) per horizon.
    pub expected_loss: f64,
}

/// One evaluated value of an input.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Point {
    /// The input's value.
    pub value: f64,
    /// Why it was evaluated: `low`, `high`, `base`, `evpi` (the midpoint of one of
    /// `evpi_values` equal bins of the range), `bisection` (the two plans only) or
    /// `break_even` (every plan at a break-even: a node of EVPI's interpolation).
    pub role: String,
    /// Plans run at this value (every plan, or the two compared during bisection).
    pub plans: Vec<PlanPoint>,
    /// Paired difference in P(dual success), recommended minus runner-up.
    pub d_dual_success: Est,
    /// Paired difference in expected loss, recommended minus runner-up.
    pub d_expected_loss: Est,
    /// How far the recommended plan is ahead of the runner-up on the decision metric
    /// (positive: ahead; for expected loss, the runner-up's minus the recommended's).
    pub margin: f64,
    /// The best plan on the decision metric among the plans run at this value.
    pub best_plan: String,
}

/// Where the recommendation flips.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct BreakEven {
    /// The break-even value (linear interpolation of the margin in the final bracket).
    pub value: f64,
    /// `above`: the runner-up is better above the value; `below`: below it.
    pub direction: String,
    /// The final bisection bracket.
    pub bracket: [f64; 2],
    /// The values between which the runs cannot tell the two plans apart (the nearest values
    /// evaluated on each side whose 95% interval of the paired difference excludes 0); null
    /// when no value on one side is clear within the range.
    pub interval: Option<[f64; 2]>,
}

/// The decision metrics at one end of the range, and at the base.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// The input's value.
    pub value: f64,
    /// P(dual success) of the recommended plan.
    pub recommended_p_dual_success: f64,
    /// P(dual success) of the runner-up.
    pub runner_up_p_dual_success: f64,
    /// Expected loss of the recommended plan.
    pub recommended_expected_loss: f64,
    /// Expected loss of the runner-up.
    pub runner_up_expected_loss: f64,
}

/// One input swept in detail.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct InputResult {
    /// Stable name.
    pub name: String,
    /// Plain words.
    pub label: String,
    /// Kind.
    pub kind: inputs::Kind,
    /// Unit of the values.
    pub unit: String,
    /// The scenario's value.
    pub base: f64,
    /// Low end of the range.
    pub low: f64,
    /// High end of the range.
    pub high: f64,
    /// Where the range came from: `default` (the kind's rule), `scenario` (the scenario's
    /// `sensitivity.ranges`) or `command_line` (`--range`, which overrides the scenario's).
    pub range: inputs::RangeSource,
    /// The scenario's note on where its range comes from (empty when none).
    pub range_note: String,
    /// `linear` or `log`.
    pub scale: String,
    /// How far the decision metric's margin moves over the range (largest distance from the
    /// base margin): the tornado's ranking.
    pub swing: f64,
    /// At the low end.
    pub at_low: Change,
    /// At the high end.
    pub at_high: Change,
    /// Break-evens nearest the base value on each side (empty: no flip within the range).
    pub break_even: Vec<BreakEven>,
    /// One sentence: where it flips, or that it does not.
    pub statement: String,
    /// Expected value of perfect information about this input (currency); null when the
    /// input was only screened.
    pub evpi: Option<f64>,
    /// Every value evaluated, by value.
    pub points: Vec<Point>,
}

impl InputResult {
    /// Where the range came from, in words, with the scenario's note when it gives one:
    /// `default`, `command line`, `scenario` or `scenario: vendor's field reports`.
    pub fn range_words(&self) -> String {
        if self.range_note.is_empty() {
            self.range.words().to_string()
        } else {
            format!("{}: {}", self.range.words(), self.range_note)
        }
    }
}

/// The loss exceedance of one plan.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct PlanExceedance {
    /// Plan id.
    pub plan: String,
    /// Points `[x, P(loss > x)]` of the empirical curve, x increasing (at most 101: every
    /// distinct loss, or the losses at evenly spaced ranks).
    pub curve: Vec<[f64; 2]>,
    /// P(loss > tolerance) with its Wilson interval, when a tolerance was given.
    pub p_exceed_tolerance: Option<Est>,
    /// Whether the point estimate of P(loss > tolerance) is at most the appetite.
    pub meets_tolerance: Option<bool>,
}

/// Loss exceedance per plan.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Exceedance {
    /// The tolerance (`--tolerance`), currency.
    pub tolerance: Option<f64>,
    /// Largest acceptable P(loss > tolerance) (`--appetite`).
    pub appetite: f64,
    /// Per plan, scenario order.
    pub plans: Vec<PlanExceedance>,
    /// Plans meeting the tolerance, or "no plan meets it", when a tolerance was given.
    pub sentence: Option<String>,
}

/// An input that was listed but not swept.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct NotSwept {
    /// Name.
    pub name: String,
    /// Why.
    pub reason: String,
}

/// Effort.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct EngineInfo {
    /// Scenario variants run (the base included).
    pub variants: u64,
    /// Replications run, all variants and plans.
    pub replications: u64,
    /// Wall-clock seconds (measured by the caller).
    pub wall_s: f64,
    /// Worker threads.
    pub threads: usize,
}

/// One input's Morris elementary effects on the decision margin.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GlobalEffect {
    /// Input name.
    pub name: String,
    /// Plain words.
    pub label: String,
    /// The effects, in units of the margin per whole range of the input.
    pub effect: global::Effect,
}

/// The global screening (Morris elementary effects) of the inputs swept in detail.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Global {
    /// `morris`.
    pub method: String,
    /// Trajectories.
    pub trajectories: usize,
    /// Grid points per input.
    pub levels: usize,
    /// Scenario variants run (trajectories × (inputs + 1)).
    pub evaluations: usize,
    /// What the output is: the margin of the recommended plan over the runner-up on the
    /// decision metric.
    pub output: String,
    /// Per input, largest `mu_star` first.
    pub inputs: Vec<GlobalEffect>,
    /// How to read it, in one sentence.
    pub note: String,
}

/// The whole `sensitivity.json`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Sensitivity {
    /// Format version.
    pub format: String,
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Currency of every cost.
    pub currency: String,
    /// Settings.
    pub settings: SettingsInfo,
    /// The recommended plan at the scenario's values (the report's rule).
    pub recommended: String,
    /// The runner-up.
    pub runner_up: String,
    /// The metric the recommendation was decided on against the runner-up.
    pub decision_metric: Metric,
    /// Why that metric.
    pub decision_metric_reason: String,
    /// Default ranges per kind.
    pub default_ranges: Vec<RangeRule>,
    /// How ranges are set.
    pub ranges_note: String,
    /// Inputs swept, largest swing first.
    pub inputs: Vec<InputResult>,
    /// Inputs listed but not swept, and why.
    pub not_swept: Vec<NotSwept>,
    /// The robustness sentence.
    pub robustness: String,
    /// What EVPI means, in one sentence.
    pub evpi_explanation: String,
    /// Loss exceedance of the base runs.
    pub exceedance: Exceedance,
    /// Global screening by Morris elementary effects, when asked for (`--morris`).
    pub global: Option<Global>,
    /// Effort.
    pub engine: EngineInfo,
}

/// The JSON Schema (draft-07, by schemars) of `sensitivity.json`.
pub fn schema() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Sensitivity>();
    schema.insert("title".into(), "patchtwin sensitivity.json".into());
    serde_json::to_string_pretty(&schema).expect("a schema serializes")
}
