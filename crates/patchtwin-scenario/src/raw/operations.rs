//! Operations as written: dependencies, functions, process units and data-loss
//! consequences. The dependency walk itself lives in the compiled model, not here.

use super::*;
use crate::units::DurationText;
use schemars::JsonSchema;
use serde::Deserialize;

/// A data-loss consequence ("a gap over 15 minutes in any emissions tag is a reportable event
/// costing 50k"). The group's lost time is the union of its flows' lost stretches (what a
/// broken route lost beyond the buffer holding the data); every maximal stretch of it longer
/// than `gap_threshold` is one event.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataLossRaw {
    /// Unique id, e.g. `emissions-reporting`.
    pub id: String,
    /// The flows whose data counts, e.g. `[cems-to-historian, stack-o2-to-historian]`.
    pub flows: Vec<String>,
    /// A gap longer than this is a reportable event, e.g. `15m`.
    pub gap_threshold: DurationText,
    /// Cost of each reportable event, e.g. `50000` (default 0).
    #[serde(default)]
    pub cost_per_event: Option<f64>,
    /// Cost per hour of lost data in the group, over the threshold or not, e.g. `2000`
    /// (default 0).
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    /// Whether a reportable event breaks operational success (P(dual success)); default
    /// `true`: a reportable data loss is an operational failure.
    #[serde(default)]
    pub breaks_operations: Option<bool>,
}

/// One dependency: exactly one of `asset`, `flow`, `function`, or `k` with `of`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencyRaw {
    /// The asset must be up.
    #[serde(default)]
    pub asset: Option<String>,
    /// The flow must deliver fresh data.
    #[serde(default)]
    pub flow: Option<String>,
    /// The function must be available.
    #[serde(default)]
    pub function: Option<String>,
    /// k-of-n redundancy: at least `k` of `of` must hold.
    #[serde(default)]
    pub k: Option<u32>,
    /// The alternatives for k-of-n.
    #[serde(default)]
    pub of: Option<Vec<DependencyRaw>>,
    /// A loss shorter than this is ridden through (default 0).
    #[serde(default)]
    pub tolerate: Option<DurationText>,
}

/// What a function provides.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the function kinds, documented in the schema")]
pub enum FunctionKindRaw {
    View,
    Control,
    History,
    Interlock,
    Safety,
    Telemetry,
}

/// An operational function.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionRaw {
    /// Unique id.
    pub id: String,
    /// What it provides.
    pub kind: FunctionKindRaw,
    /// What it needs; all must hold.
    pub depends_on: Vec<DependencyRaw>,
}

/// A physical process unit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessUnitRaw {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// What keeps it running; it trips when any fails longer than its tolerance.
    pub depends_on: Vec<DependencyRaw>,
    /// Time to restart after a trip.
    pub restart_time: DistRaw<DurationText>,
    /// Cost of one hour of unplanned downtime.
    pub downtime_cost_per_hour: f64,
    /// Cost if an attacker compromises it (default 0).
    #[serde(default)]
    pub compromise_impact_cost: Option<f64>,
    /// Probability that an attacker controlling its controller trips it (default 0.5).
    #[serde(default)]
    pub attack_trip_probability: Option<ProbabilityRaw>,
}
