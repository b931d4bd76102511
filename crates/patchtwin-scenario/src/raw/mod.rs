//! The scenario file format, exactly as written: serde structs that mirror the YAML/JSON input
//! one to one, with unknown fields rejected. Nothing here resolves references or checks ranges;
//! `validate` turns these into `patchtwin_model` types and reports every problem with its
//! location. The JSON Schema (`patchtwin schema`) is derived from these structs, so the doc
//! comments here are what editors show.

mod acceptance;
mod operations;
mod plans;
mod plant;
mod security;
mod sensitivity;
mod threat;
mod traffic;
mod values;

pub use acceptance::*;
pub use operations::*;
pub use plans::*;
pub use plant::*;
pub use security::*;
pub use sensitivity::*;
pub use threat::*;
pub use traffic::*;
pub use values::*;

use crate::units::DurationText;
use schemars::JsonSchema;
use serde::Deserialize;

/// A patchtwin scenario: a plant, its vulnerabilities, candidate patches and controls, the
/// threat, and the plans to compare.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short machine-friendly name of the scenario.
    pub name: String,
    /// What the scenario is about, in plain words.
    #[serde(default)]
    pub description: String,
    /// Horizon over which every plan is judged, e.g. `90d`.
    pub horizon: DurationText,
    /// Currency of every cost in the file (default EUR).
    #[serde(default)]
    pub currency: Option<String>,
    /// Security zones (ISA/IEC 62443).
    pub zones: Vec<ZoneRaw>,
    /// Conduits between zones.
    #[serde(default)]
    pub conduits: Vec<ConduitRaw>,
    /// Plant assets.
    pub assets: Vec<AssetRaw>,
    /// Network links between assets.
    #[serde(default)]
    pub links: Vec<LinkRaw>,
    /// Periodic traffic that operations depend on.
    #[serde(default)]
    pub flows: Vec<FlowRaw>,
    /// Operational functions (view, control, history, …).
    #[serde(default)]
    pub functions: Vec<FunctionRaw>,
    /// Physical process units.
    #[serde(default)]
    pub process_units: Vec<ProcessUnitRaw>,
    /// Known vulnerabilities.
    #[serde(default)]
    pub vulnerabilities: Vec<VulnerabilityRaw>,
    /// Candidate patches.
    #[serde(default)]
    pub patches: Vec<PatchRaw>,
    /// Candidate compensating controls.
    #[serde(default)]
    pub controls: Vec<ControlRaw>,
    /// Maintenance windows.
    #[serde(default)]
    pub maintenance_windows: Vec<WindowRaw>,
    /// The threat.
    #[serde(default)]
    pub threat: Option<ThreatRaw>,
    /// How much loss over the horizon the organisation can bear, and how often: every plan
    /// is judged against it in the report.
    #[serde(default)]
    pub risk_appetite: Option<RiskAppetiteRaw>,
    /// When a plan is acceptable: the largest P(compromise) and P(process trip) within the
    /// horizon (defaults 0.1 each), e.g. `acceptance: {max_p_compromise: 0.05, max_p_trip: 0.1}`.
    #[serde(default)]
    pub acceptance: Option<AcceptanceRaw>,
    /// Candidate plans; the first is the baseline of comparisons.
    pub plans: Vec<PlanRaw>,
    /// Data-loss consequences: a gap threshold and its cost on a flow or group of flows.
    /// Example: `data_loss: [{id: emissions, flows: [cems-to-historian], gap_threshold: 15m,
    /// cost_per_event: 50000}]`.
    #[serde(default)]
    pub data_loss: Vec<DataLossRaw>,
    /// Plausible ranges of named inputs for the sensitivity analysis, e.g. `sensitivity:
    /// {ranges: [{input: "assets[plc-kiln].fault_rate_per_day", low: 0.02, high: 0.12}]}`.
    #[serde(default)]
    pub sensitivity: Option<SensitivityRaw>,
}
