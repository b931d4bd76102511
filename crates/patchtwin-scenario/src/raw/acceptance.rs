//! `acceptance`: the thresholds a plan must meet to be called acceptable rather than only the
//! least bad of those rehearsed. Not here: the check itself (`validate::acceptance`) or what
//! the report says (`patchtwin-report`'s `recommend`).

use schemars::JsonSchema;
use serde::Deserialize;

/// When a plan is acceptable: its estimates of P(compromise) and P(process trip) within the
/// horizon are both at most these. When no rehearsed plan meets them, the recommendation says
/// so ("no plan meets …") and names the least bad. Example:
/// `acceptance: {max_p_compromise: 0.05, max_p_trip: 0.1}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceRaw {
    /// Largest acceptable P(a target is compromised within the horizon), a probability in
    /// [0, 1], e.g. `0.05` (default 0.1).
    #[serde(default)]
    pub max_p_compromise: Option<f64>,
    /// Largest acceptable P(an unplanned process trip within the horizon), a probability in
    /// [0, 1], e.g. `0.1` (default 0.1).
    #[serde(default)]
    pub max_p_trip: Option<f64>,
}
