//! Validation of `acceptance`: two probabilities in [0, 1], each defaulting to 10%.
//!
//! Not here: what the report makes of them (`patchtwin-report`'s `recommend`).

use super::Ctx;
use crate::raw::AcceptanceRaw;
use patchtwin_model::acceptance::{Acceptance, DEFAULT_MAX_P_COMPROMISE, DEFAULT_MAX_P_TRIP};

/// The thresholds: the defaults when `acceptance` is absent; an out-of-range value is
/// recorded as an error at its field and the defaults are returned.
pub(super) fn acceptance(ctx: &mut Ctx, raw: Option<&AcceptanceRaw>) -> Acceptance {
    let Some(r) = raw else {
        return Acceptance::default();
    };
    let mut field = |v: Option<f64>, name: &str, default: f64| match v {
        Some(p) if !(0.0..=1.0).contains(&p) || !p.is_finite() => {
            ctx.err_at(
                &format!("acceptance.{name}"),
                format!("expected a probability between 0 and 1, got {p}"),
            );
            default
        }
        Some(p) => p,
        None => default,
    };
    let max_p_compromise = field(
        r.max_p_compromise,
        "max_p_compromise",
        DEFAULT_MAX_P_COMPROMISE,
    );
    let max_p_trip = field(r.max_p_trip, "max_p_trip", DEFAULT_MAX_P_TRIP);
    Acceptance {
        max_p_compromise,
        max_p_trip,
        defaults: r.max_p_compromise.is_none() && r.max_p_trip.is_none(),
    }
}
