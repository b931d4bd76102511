//! Loss exceedance of the base runs: the empirical curve per plan, P(loss > tolerance) with
//! its Wilson interval, and the sentence naming the plans that meet the tolerance.
//!
//! Not here: the run's own exceedance in summary.json (`patchtwin_report::appetite`).

use super::*;

/// The empirical exceedance curve `[x, P(loss > x)]` of `losses`: every distinct value when
/// there are at most 101, else the values at 101 evenly spaced ranks.
pub fn exceedance_curve(losses: &[f64]) -> Vec<[f64; 2]> {
    let mut sorted = losses.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let n = losses.len() as f64;
    let xs: Vec<f64> = if sorted.len() <= 101 {
        sorted
    } else {
        (0..=100)
            .map(|j| sorted[j * (sorted.len() - 1) / 100])
            .collect()
    };
    xs.into_iter()
        .map(|x| [x, losses.iter().filter(|&&l| l > x).count() as f64 / n])
        .collect()
}

pub(super) fn exceedance(
    s: &Scenario,
    base: &Sample,
    tolerance: Option<f64>,
    appetite: f64,
) -> Exceedance {
    let plans: Vec<PlanExceedance> = base
        .plans
        .iter()
        .map(|&p| {
            let losses = base.losses(p);
            let est = tolerance.map(|t| {
                let k = losses.iter().filter(|&&l| l > t).count() as u64;
                patchtwin_mc::estimate::wilson(k, losses.len() as u64)
            });
            PlanExceedance {
                plan: s.plans[p].id.clone(),
                curve: exceedance_curve(losses),
                p_exceed_tolerance: est.map(Into::into),
                meets_tolerance: est.map(|e| e.mean <= appetite),
            }
        })
        .collect();
    let sentence = tolerance.map(|t| {
        let meeting: Vec<&str> = plans
            .iter()
            .filter(|p| p.meets_tolerance == Some(true))
            .map(|p| p.plan.as_str())
            .collect();
        let head = format!(
            "At a tolerance of {} {} (loss above it at most {}% of horizons, on the point estimate)",
            num(t),
            s.currency,
            num(100.0 * appetite)
        );
        if meeting.is_empty() {
            format!("{head}, no plan meets it.")
        } else {
            format!("{head}, these plans meet it: {}.", meeting.join(", "))
        }
    });
    Exceedance {
        tolerance,
        appetite,
        plans,
        sentence,
    }
}
