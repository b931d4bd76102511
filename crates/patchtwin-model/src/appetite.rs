//! The organisation's risk appetite for the plant: how much loss over the horizon it can bear
//! (the tolerance), from which loss on a horizon is material, and how often the tolerance may
//! be exceeded. The report judges every plan against it (`patchtwin-report`'s `appetite`).
//!
//! Not here: checking the numbers (`patchtwin-scenario` guarantees them), any statistics.

/// Loss limits over the horizon, in the scenario's currency.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskAppetite {
    /// Loss over the horizon the organisation must not exceed more often than
    /// `max_probability` (≥ 0).
    pub tolerance: f64,
    /// Loss from which a horizon's loss is material (reported, disclosed); at most the
    /// tolerance.
    pub materiality: Option<f64>,
    /// Largest acceptable P(loss > tolerance), in [0, 1].
    pub max_probability: f64,
}
