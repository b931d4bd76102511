//! The recommendation: which plan to pick and why, in plain words for a risk committee.
//!
//! # Rule
//! 1. Prefer the plan with the highest P(dual success) — no target compromised and no
//!    unplanned downtime within the horizon.
//! 2. Plans whose 95% interval for P(dual success) overlaps the leader's are a near-tie: the
//!    data cannot tell them apart on that measure. Among them, pick the lowest expected loss
//!    (downtime cost plus compromise impact); remaining ties go to the higher P(dual success),
//!    then to the earlier plan.
//! 3. The runner-up is the best of the other plans by P(dual success).
//!
//! The reasons quote the summary's own numbers: the leader's P(dual success) against the
//! baseline's, the paired differences against the baseline (common random numbers), the
//! operational price (trips, downtime, rollbacks, window overruns), the residual exposure and
//! the SSVC deployer decisions under the plan.
//!
//! # What this is not
//! Not an optimiser and not a statistic of its own: it ranks the plans that were rehearsed by
//! estimates already in the summary. It knows nothing the scenario did not say (a plan that
//! was not rehearsed cannot win), and the tie-break compares unpaired intervals for the two
//! leaders when neither is the baseline.

use crate::ssvc::{Decision, SsvcRow, money, pct_est};
use crate::{Comparison, Est, PlanSummary, Summary};
use serde::Serialize;

/// The preferred plan and why.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Recommendation {
    /// The preferred plan's id.
    pub plan: String,
    /// Why, one plain sentence each, with numbers from the summary.
    pub reasons: Vec<String>,
    /// The next best plan, if more than one was rehearsed.
    pub runner_up: Option<String>,
}

fn overlaps(a: &Est, b: &Est) -> bool {
    a.lo <= b.hi && b.lo <= a.hi
}

/// Index of the preferred plan and of the runner-up, and whether the near-tie rule decided.
fn pick(plans: &[PlanSummary]) -> Option<(usize, Option<usize>, bool)> {
    let by_dual = |a: usize, b: usize| {
        plans[b]
            .dual_success
            .mean
            .total_cmp(&plans[a].dual_success.mean)
            .then(a.cmp(&b))
    };
    let mut order: Vec<usize> = (0..plans.len()).collect();
    order.sort_by(|&a, &b| by_dual(a, b));
    let leader = *order.first()?;
    let chosen = order
        .iter()
        .copied()
        .filter(|&i| overlaps(&plans[i].dual_success, &plans[leader].dual_success))
        .min_by(|&a, &b| {
            plans[a]
                .expected_loss
                .mean
                .total_cmp(&plans[b].expected_loss.mean)
                .then(by_dual(a, b))
        })
        .unwrap_or(leader);
    let runner_up = order.iter().copied().find(|&i| i != chosen);
    Some((chosen, runner_up, chosen != leader))
}

/// A signed number with a true minus sign: "−73.1", "+2.0".
fn signed(x: f64) -> String {
    let s = format!("{x:+.1}");
    s.replacen('-', "−", 1)
}

fn points(e: &Est) -> String {
    format!(
        "{} points (95% [{}, {}])",
        signed(100.0 * e.mean),
        signed(100.0 * e.lo),
        signed(100.0 * e.hi)
    )
}

fn signed_money(e: &Est, currency: &str) -> String {
    let sign = |x: f64| if x < 0.0 { "−" } else { "+" };
    let currency = if currency.is_empty() {
        String::new()
    } else {
        format!(" {currency}")
    };
    format!(
        "{}{}{currency} (95% [{}{}, {}{}])",
        sign(e.mean),
        money(e.mean.abs()),
        sign(e.lo),
        money(e.lo.abs()),
        sign(e.hi),
        money(e.hi.abs())
    )
}

/// How a paired difference in a probability reads: cuts, adds, or no clear change.
fn change(what: &str, e: &Est) -> String {
    let interval = format!("95% [{}, {}]", signed(100.0 * e.lo), signed(100.0 * e.hi));
    if e.hi < 0.0 {
        format!("cuts {what} by {:.1} points ({interval})", -100.0 * e.mean)
    } else if e.lo > 0.0 {
        format!("adds {:.1} points to {what} ({interval})", 100.0 * e.mean)
    } else {
        format!("makes no clear difference to {what} ({})", points(e))
    }
}

/// The recommendation for `summary` (its plans, comparisons and SSVC rows); `currency` names
/// the scenario's currency. `None` when no plan was rehearsed.
pub fn recommend(summary: &Summary, currency: &str) -> Option<Recommendation> {
    let plans = &summary.plans;
    let (chosen, runner, tie_broken) = pick(plans)?;
    let p = &plans[chosen];
    let baseline = summary
        .comparisons
        .first()
        .map_or(plans[0].id.as_str(), |c| c.baseline.as_str());
    let base = plans.iter().find(|q| q.id == baseline);
    let cur = if currency.is_empty() {
        String::new()
    } else {
        format!(" {currency}")
    };
    let mut reasons = Vec::new();

    // 1. The headline.
    if plans.len() == 1 {
        reasons.push(format!(
            "{} is the only plan rehearsed: P(dual success) — no target compromised and no unplanned downtime — {}.",
            p.id,
            pct_est(&p.dual_success)
        ));
    } else {
        let against = match base {
            Some(b) if b.id != p.id => {
                format!(" against {} for {}", pct_est(&b.dual_success), b.id)
            }
            _ => runner.map_or(String::new(), |r| {
                format!(
                    " against {} for {}",
                    pct_est(&plans[r].dual_success),
                    plans[r].id
                )
            }),
        };
        let best = if tie_broken {
            "one of the best chances"
        } else {
            "the best chance"
        };
        reasons.push(format!(
            "{} gives {best} of dual success — no target compromised and no unplanned downtime within the horizon: {} of rehearsals{against}.",
            p.id,
            pct_est(&p.dual_success),
        ));
    }

    // 2. The tie-break, when it decided.
    if tie_broken && let Some(r) = runner {
        let q = &plans[r];
        reasons.push(format!(
            "{} and {} cannot be told apart on dual success ({} vs {}: the intervals overlap), so the lower expected loss decides: {}{cur} for {} against {}{cur} for {}.",
            p.id,
            q.id,
            pct_est(&p.dual_success),
            pct_est(&q.dual_success),
            money(p.expected_loss.mean),
            p.id,
            money(q.expected_loss.mean),
            q.id
        ));
    }

    // 3. Paired differences against the baseline.
    if let Some(c) = summary.comparisons.iter().find(|c| c.plan == p.id) {
        reasons.push(paired_sentence(c, currency));
    } else if p.id == baseline
        && let Some(r) = runner
        && let Some(c) = summary.comparisons.iter().find(|c| c.plan == plans[r].id)
    {
        reasons.push(format!(
            "{} is the baseline; the best alternative, {}, changes P(dual success) by {} and expected loss by {}.",
            p.id,
            c.plan,
            points(&c.delta_dual_success),
            signed_money(&c.delta_expected_loss, currency)
        ));
    }

    // 4. The operational price.
    let o = &p.operations;
    let mut price = format!(
        "Operational price of {}: P(process trip) {}, unplanned downtime {:.1} h per run on average",
        p.id,
        pct_est(&o.p_trip),
        o.downtime_h.mean
    );
    if o.p_patch_failure.mean > 0.0 {
        price.push_str(&format!(
            "; its patches fail and are rolled back in {} of rehearsals",
            pct_est(&o.p_patch_failure)
        ));
        if o.p_window_overrun.mean == 0.0 {
            price.push_str(", and no work ran past a maintenance window");
        }
    }
    if o.p_window_overrun.mean > 0.0 {
        price.push_str(&format!(
            "; work overruns the maintenance window in {}",
            pct_est(&o.p_window_overrun)
        ));
    }
    price.push('.');
    reasons.push(price);

    // 5. What is left.
    let e = &p.exposure;
    let ttc = e.ttc_days.p50.map_or(String::new(), |d| {
        format!(" (median {d:.1} days to compromise when it happens)")
    });
    reasons.push(format!(
        "Residual risk: a target is still compromised in {} of rehearsals{ttc}; expected loss {}{cur} per horizon [{}–{}].",
        pct_est(&e.p_compromise),
        money(p.expected_loss.mean),
        money(p.expected_loss.lo.max(0.0)),
        money(p.expected_loss.hi)
    ));

    // 6. SSVC.
    if let Some(s) = ssvc_sentence(&summary.ssvc, &p.id, baseline) {
        reasons.push(s);
    }

    Some(Recommendation {
        plan: p.id.clone(),
        reasons,
        runner_up: runner.map(|r| plans[r].id.clone()),
    })
}

fn paired_sentence(c: &Comparison, currency: &str) -> String {
    format!(
        "Against {} (paired over the same rehearsals) it {}, {}, and changes expected loss by {}.",
        c.baseline,
        change("P(compromise)", &c.delta_p_compromise),
        change("P(process trip)", &c.delta_p_trip),
        signed_money(&c.delta_expected_loss, currency)
    )
}

/// "SSVC (CERT/CC deployer table) under P: CVE-1 out-of-cycle (immediate under defer); …".
fn ssvc_sentence(rows: &[SsvcRow], plan: &str, baseline: &str) -> Option<String> {
    let mine: Vec<&SsvcRow> = rows.iter().filter(|r| r.plan == plan).collect();
    if mine.is_empty() {
        return None;
    }
    let parts: Vec<String> = mine
        .iter()
        .map(|r| {
            let base = rows
                .iter()
                .find(|b| {
                    plan != baseline && b.plan == baseline && b.vulnerability == r.vulnerability
                })
                .filter(|b| b.decision != r.decision)
                .map_or(String::new(), |b| {
                    format!("; {} under {baseline}", b.decision)
                });
            let before = r
                .before_patching
                .as_ref()
                .filter(|b| b.decision != r.decision)
                .map_or(String::new(), |b| {
                    format!(
                        "; {} until the plan's patches are in, or if they roll back",
                        b.decision
                    )
                });
            format!(
                "{} {} ({}{before}{base})",
                r.vulnerability,
                r.decision,
                ssvc_inputs(r)
            )
        })
        .collect();
    let worst = mine.iter().map(|r| r.decision).max()?;
    let tail = if worst >= Decision::OutOfCycle {
        format!(" The highest, {worst}, is what SSVC still calls urgent once the plan is in place.")
    } else {
        String::new()
    };
    Some(format!(
        "SSVC deployer decisions (CERT/CC table) under {plan}: {}.{tail} Inputs and reasons per vulnerability are in the SSVC table; its human-impact input is a judgement.",
        parts.join("; ")
    ))
}

/// The recommendation as plain text for the end of the stdout table.
pub fn text(r: &Recommendation) -> String {
    let mut out = format!("\nrecommendation: {}", r.plan);
    if let Some(u) = &r.runner_up {
        out.push_str(&format!("  (runner-up: {u})"));
    }
    out.push('\n');
    for reason in &r.reasons {
        out.push_str(&format!("  - {reason}\n"));
    }
    out
}

/// "exploitation active, exposure open, automatable yes, human impact very high".
fn ssvc_inputs(r: &SsvcRow) -> String {
    format!(
        "exploitation {}, exposure {}, automatable {}, human impact {}",
        r.exploitation.value, r.system_exposure.value, r.automatable.value, r.human_impact.value
    )
}
