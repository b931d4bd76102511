//! Validation of `risk_appetite`: a tolerance and a materiality threshold that are costs (zero
//! or more), materiality at most the tolerance, and a probability for how often the
//! tolerance may be exceeded (default 5 %).
//!
//! Not here: what the report makes of it (`patchtwin-report`'s `appetite`).

use super::Ctx;
use crate::check::money;
use crate::raw::RiskAppetiteRaw;
use patchtwin_model::RiskAppetite;

/// The default largest acceptable P(loss > tolerance).
pub const DEFAULT_MAX_PROBABILITY: f64 = 0.05;

/// The risk appetite, or `None` when absent (or wrong: the errors are recorded).
pub(super) fn risk_appetite(ctx: &mut Ctx, raw: Option<&RiskAppetiteRaw>) -> Option<RiskAppetite> {
    let r = raw?;
    let errors = ctx.diags.len();
    let tolerance = money(ctx, r.tolerance, "risk_appetite.tolerance");
    let materiality = r
        .materiality
        .map(|m| money(ctx, m, "risk_appetite.materiality"));
    if let Some(m) = materiality
        && m > tolerance
        && ctx.diags.len() == errors
    {
        ctx.err_at(
            "risk_appetite.materiality",
            format!(
                "the materiality threshold ({m}) must not exceed the tolerance ({tolerance}): a loss the organisation cannot bear is material"
            ),
        );
    }
    let max_probability = r.max_probability.unwrap_or(DEFAULT_MAX_PROBABILITY);
    if !(0.0..=1.0).contains(&max_probability) {
        ctx.err_at(
            "risk_appetite.max_probability",
            format!("expected a probability between 0 and 1, got {max_probability}"),
        );
    }
    (ctx.diags.len() == errors).then_some(RiskAppetite {
        tolerance,
        materiality,
        max_probability,
    })
}
