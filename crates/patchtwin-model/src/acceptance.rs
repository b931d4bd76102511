//! Acceptance thresholds: the largest P(compromise) and P(process trip) within the horizon at
//! which a plan is acceptable rather than only the least bad of those rehearsed. The report's
//! recommendation says plainly when no rehearsed plan meets them (`patchtwin-report`'s
//! `recommend`).
//!
//! Not here: checking the numbers (`patchtwin-scenario` guarantees them in [0, 1]) or judging
//! a plan.

/// Default largest acceptable P(compromise) within the horizon.
pub const DEFAULT_MAX_P_COMPROMISE: f64 = 0.10;
/// Default largest acceptable P(process trip) within the horizon.
pub const DEFAULT_MAX_P_TRIP: f64 = 0.10;

/// When a plan is acceptable: both point estimates at most these.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Acceptance {
    /// Largest acceptable P(compromise) within the horizon, in [0, 1].
    pub max_p_compromise: f64,
    /// Largest acceptable P(process trip) within the horizon, in [0, 1].
    pub max_p_trip: f64,
    /// Whether both came from the defaults (the scenario set neither).
    pub defaults: bool,
}

impl Default for Acceptance {
    fn default() -> Self {
        Acceptance {
            max_p_compromise: DEFAULT_MAX_P_COMPROMISE,
            max_p_trip: DEFAULT_MAX_P_TRIP,
            defaults: true,
        }
    }
}
