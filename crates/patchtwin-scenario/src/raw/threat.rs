//! The threat as written: entry points, capability, targets, and the organisation's risk
//! appetite. Not the reach rule (compiled in `patchtwin-sim`).

use super::*;
use crate::units::DurationText;
use schemars::JsonSchema;
use serde::Deserialize;

/// Kind of attacker entry point.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(
    missing_docs,
    reason = "the entry-point kinds, documented in the schema"
)]
pub enum EntryKindRaw {
    EnterpriseIt,
    VendorRemoteAccess,
    InternetService,
    RemovableMedia,
}

/// An attacker entry point.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPointRaw {
    /// Unique id.
    pub id: String,
    /// Kind of entry.
    pub kind: EntryKindRaw,
    /// The asset where the attacker lands, e.g. `rag-1` (a VPN gateway). Exactly one of
    /// `asset` or `from`.
    #[serde(default)]
    pub asset: Option<String>,
    /// An attacker outside the plant: the zone it attacks from, e.g. `internet` (a zone under
    /// `zones`, usually with no plant asset in it). It holds no asset there; it reaches the
    /// assets in that zone and, through the conduits that open out of it, the plant's exposed
    /// assets, by the same reach rule as from a landing asset. Use it instead of a stand-in
    /// asset for "the internet" or "a vendor's network". Exactly one of `asset` or `from`.
    #[serde(default)]
    pub from: Option<String>,
    /// Mean time between attack attempts (Poisson arrivals), e.g. `30d`.
    pub mean_time_between_attempts: DurationText,
    /// Probability that an attempt gets a foothold (default 1).
    #[serde(default)]
    pub foothold_probability: Option<ProbabilityRaw>,
}

/// Attacker skill.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "ordinary capability grades")]
pub enum CapabilityRaw {
    Low,
    Medium,
    High,
    NationState,
}

/// A target: exactly one of `asset` or `process_unit`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRaw {
    /// A target asset.
    #[serde(default)]
    pub asset: Option<String>,
    /// A target process unit (reached through its controllers).
    #[serde(default)]
    pub process_unit: Option<String>,
    /// Cost when compromised (default: the unit's `compromise_impact_cost`, or 0).
    #[serde(default)]
    pub impact_cost: Option<f64>,
}

/// The organisation's risk appetite: loss limits over the horizon, in the scenario's currency.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAppetiteRaw {
    /// Loss over the horizon (downtime cost plus impact cost) the organisation must not
    /// exceed more often than `max_probability`, e.g. `1000000`.
    pub tolerance: f64,
    /// Loss from which a horizon's loss is material (reported to the board, disclosed), e.g.
    /// `100000`; at most the tolerance. The report gives P(loss > materiality) per plan.
    #[serde(default)]
    pub materiality: Option<f64>,
    /// Largest acceptable P(loss > tolerance) over the horizon (default 0.05).
    #[serde(default)]
    pub max_probability: Option<f64>,
}

/// The threat.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatRaw {
    /// Where attackers come in.
    pub entry_points: Vec<EntryPointRaw>,
    /// Attacker capability (default medium).
    #[serde(default)]
    pub capability: Option<CapabilityRaw>,
    /// What they are after.
    pub targets: Vec<TargetRaw>,
    /// Time to restore a controller the attacker stopped, before its process can restart
    /// (default: lognormal, median 8h, p95 24h).
    #[serde(default)]
    pub recovery_time: Option<DistRaw<DurationText>>,
}
