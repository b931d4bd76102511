//! The recommendation: which plan to pick and why, in plain words for a risk committee.
//!
//! # Rule
//! 1. Prefer the plan with the highest P(dual success) — no target compromised and no
//!    unplanned downtime within the horizon. Call it the leader (ties to the earlier plan).
//! 2. A plan is in a near-tie with the leader when the data cannot tell the two apart on that
//!    measure: the 95% interval of their *paired* difference in P(dual success) — taken run by
//!    run over the same rehearsals, the summary's `pairwise` entry for the two — contains 0.
//!    Among the leader and the plans in a near-tie with it, pick the lowest expected loss
//!    (downtime cost — with the extra downtime a control's recovery effects add, its
//!    operational price — plus compromise impact and data-loss cost; `tests/tie_break.rs`): between two of them, their paired difference in
//!    expected loss decides where its interval excludes 0, and the means decide otherwise (the
//!    paired mean is the difference of the means, so the two agree but for rounding; the
//!    interval tells the reasons whether the saving is clear). When the expected losses tie —
//!    equal to the currency unit as the report prints them, with a paired difference that
//!    could be 0 — the lower mean exposure-days decides: a plan that leaves far more
//!    (vulnerability, asset) pairs open for longer is never preferred on a tie (with no attack
//!    path every plan scores the same loss), and the reasons say that this tie-break decided.
//!    Remaining ties go to the higher P(dual success), then to the earlier plan.
//! 3. The runner-up is the best of the other plans by P(dual success).
//! 4. Acceptable or only the least bad: a plan meets the acceptance thresholds when its point
//!    estimates of P(compromise) and P(process trip) within the horizon are both at most the
//!    scenario's `acceptance` (`max_p_compromise`, `max_p_trip`; by default
//!    [`ACCEPT_MAX_P_COMPROMISE`] and [`ACCEPT_MAX_P_TRIP`], 10% each). When no rehearsed plan
//!    meets them, a reason says so plainly, with the thresholds and whether they are the
//!    defaults: the pick is then the least bad of what was rehearsed, not an acceptable plan.
//! 5. Plans of the scenario left out with `--plans` (the summary's `plans_not_run`) are named
//!    in a reason: the rule ranks only what was rehearsed.
//!
//! Why paired: every plan is rehearsed on the same random numbers (replication `i` of every
//! plan draws from the same stream), so two plans share most of their luck and the interval
//! of their difference is much narrower than their separate intervals suggest. Two plans whose
//! separate intervals overlap can still differ clearly, and then the better one wins outright.
//! A summary that carries no paired difference for two plans (only a hand-made one: patchtwin
//! writes one for every pair) falls back to whether their separate intervals overlap.
//!
//! The reasons quote the summary's own numbers: the leader's P(dual success) against the
//! baseline's, the paired difference against the runner-up and against the baseline, the
//! operational price (trips, downtime, rollbacks, window overruns), the residual exposure and
//! the SSVC deployer decisions under the plan.
//!
//! # What this is not
//! Not an optimiser and not a statistic of its own: it ranks the plans that were rehearsed by
//! estimates already in the summary. It knows nothing the scenario did not say (a plan that
//! was not rehearsed cannot win).

use crate::format::{delta_money_in, delta_pt, money_ci, pct_ci, pct_exact, signed, thousands};
use crate::ssvc::{Decision, SsvcRow};
use crate::{Comparison, Est, PlanSummary, Summary};
use serde::Serialize;
use std::cmp::Ordering;

/// Default acceptance threshold on P(compromise) within the horizon (point estimate).
pub const ACCEPT_MAX_P_COMPROMISE: f64 = patchtwin_model::acceptance::DEFAULT_MAX_P_COMPROMISE;
/// Default acceptance threshold on P(process trip) within the horizon (point estimate).
pub const ACCEPT_MAX_P_TRIP: f64 = patchtwin_model::acceptance::DEFAULT_MAX_P_TRIP;

/// The thresholds a scenario sets (`acceptance`), or the defaults.
pub use patchtwin_model::Acceptance as Thresholds;

/// Which rehearsed plans meet the acceptance thresholds.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Acceptance {
    /// Largest acceptable P(compromise) within the horizon.
    pub max_p_compromise: f64,
    /// Largest acceptable P(process trip) within the horizon.
    pub max_p_trip: f64,
    /// `scenario` when the scenario's `acceptance` set a threshold, `default` when both are
    /// the defaults (10% each).
    pub source: String,
    /// Rehearsed plans whose point estimates meet both, in summary order (empty: none does).
    pub plans_meeting: Vec<String>,
}

/// The preferred plan and why.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Recommendation {
    /// The preferred plan's id.
    pub plan: String,
    /// Why, one plain sentence each, with numbers from the summary.
    pub reasons: Vec<String>,
    /// The next best plan, if more than one was rehearsed.
    pub runner_up: Option<String>,
    /// The acceptance thresholds and the plans that meet them.
    pub acceptance: Acceptance,
}

/// Whether plan `p` meets the acceptance thresholds `t`.
pub fn meets_thresholds(p: &PlanSummary, t: &Thresholds) -> bool {
    p.exposure.p_compromise.mean <= t.max_p_compromise && p.operations.p_trip.mean <= t.max_p_trip
}

/// The acceptance block of `summary` under thresholds `t`.
pub fn acceptance(summary: &Summary, t: &Thresholds) -> Acceptance {
    Acceptance {
        max_p_compromise: t.max_p_compromise,
        max_p_trip: t.max_p_trip,
        source: if t.defaults { "default" } else { "scenario" }.into(),
        plans_meeting: summary
            .plans
            .iter()
            .filter(|p| meets_thresholds(p, t))
            .map(|p| p.id.clone())
            .collect(),
    }
}

/// "P(compromise) at most 5% and P(process trip) at most 10% within the horizon, as the
/// scenario's acceptance section sets them, on the point estimates": the thresholds and where
/// they come from.
pub fn thresholds_words(a: &Acceptance) -> String {
    format!(
        "P(compromise) at most {} and P(process trip) at most {} within the horizon, {}, on the point estimates",
        pct_exact(a.max_p_compromise),
        pct_exact(a.max_p_trip),
        if a.source == "scenario" {
            "as the scenario's acceptance section sets them"
        } else {
            "the defaults, as the scenario sets none"
        }
    )
}

/// The sentence that says no rehearsed plan is acceptable, when that is so.
pub fn no_plan_meets(a: &Acceptance, chosen: &PlanSummary) -> Option<String> {
    if !a.plans_meeting.is_empty() {
        return None;
    }
    Some(format!(
        "No rehearsed plan meets the acceptance thresholds ({}): {} still leaves P(compromise) {} and P(process trip) {}. It is the least bad of the plans rehearsed, not an acceptable one.",
        thresholds_words(a),
        chosen.id,
        pct_ci(&chosen.exposure.p_compromise),
        pct_ci(&chosen.operations.p_trip)
    ))
}

/// The sentence that names the plans left out with `--plans`, when there are any.
pub fn not_run_sentence(summary: &Summary) -> Option<String> {
    (!summary.plans_not_run.is_empty()).then(|| {
        format!(
            "Only the {} plans rehearsed were ranked; the scenario's {} left out with --plans ({}) may do better or worse and are not judged here.",
            summary.plans.len(),
            if summary.plans_not_run.len() == 1 {
                "one plan".to_string()
            } else {
                format!("{} plans", summary.plans_not_run.len())
            },
            summary.plans_not_run.join(", ")
        )
    })
}

fn overlaps(a: &Est, b: &Est) -> bool {
    a.lo <= b.hi && b.lo <= a.hi
}

/// Whether a difference's 95% interval contains 0: no clear difference.
fn contains_zero(e: &Est) -> bool {
    e.lo <= 0.0 && 0.0 <= e.hi
}

/// `−e`: the same difference taken the other way round.
fn negated(e: &Est) -> Est {
    Est {
        mean: -e.mean,
        lo: -e.hi,
        hi: -e.lo,
    }
}

/// Paired differences of two plans, one minus the other, over the same rehearsals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PairedDelta {
    /// Difference in P(dual success).
    pub dual_success: Est,
    /// Difference in expected loss.
    pub expected_loss: Est,
}

/// The paired differences `x − y` of plans `x` and `y` (ids): their `pairwise` entry, taken
/// either way round, or else a `comparisons` entry when one of them is the baseline. `None`
/// when the summary carries neither.
pub(crate) fn paired(summary: &Summary, x: &str, y: &str) -> Option<PairedDelta> {
    let direct = |dual: &Est, loss: &Est| PairedDelta {
        dual_success: *dual,
        expected_loss: *loss,
    };
    let turned = |dual: &Est, loss: &Est| PairedDelta {
        dual_success: negated(dual),
        expected_loss: negated(loss),
    };
    summary
        .pairwise
        .iter()
        .find_map(|w| {
            if (w.plan_a.as_str(), w.plan_b.as_str()) == (x, y) {
                Some(direct(&w.delta_dual_success, &w.delta_expected_loss))
            } else if (w.plan_a.as_str(), w.plan_b.as_str()) == (y, x) {
                Some(turned(&w.delta_dual_success, &w.delta_expected_loss))
            } else {
                None
            }
        })
        .or_else(|| {
            summary.comparisons.iter().find_map(|c| {
                if (c.plan.as_str(), c.baseline.as_str()) == (x, y) {
                    Some(direct(&c.delta_dual_success, &c.delta_expected_loss))
                } else if (c.plan.as_str(), c.baseline.as_str()) == (y, x) {
                    Some(turned(&c.delta_dual_success, &c.delta_expected_loss))
                } else {
                    None
                }
            })
        })
}

/// Whether plans `i` and `j` cannot be told apart on P(dual success): the paired difference's
/// interval contains 0, or, without one, their separate intervals overlap.
fn near_tie(summary: &Summary, i: usize, j: usize) -> bool {
    let (a, b) = (&summary.plans[i], &summary.plans[j]);
    match paired(summary, &a.id, &b.id) {
        Some(d) => contains_zero(&d.dual_success),
        None => overlaps(&a.dual_success, &b.dual_success),
    }
}

/// Whether plans `i` and `j` tie on expected loss: equal to the currency unit as printed, and
/// a paired difference (when the summary has one) whose interval contains 0.
fn loss_tie(summary: &Summary, i: usize, j: usize) -> bool {
    let (a, b) = (&summary.plans[i], &summary.plans[j]);
    thousands(a.expected_loss.mean) == thousands(b.expected_loss.mean)
        && paired(summary, &a.id, &b.id).is_none_or(|d| contains_zero(&d.expected_loss))
}

/// Plan `i` against plan `j` on expected loss: the paired difference where its interval
/// excludes 0, the means otherwise; on a tie (see [`loss_tie`]) the lower exposure-days.
fn by_loss(summary: &Summary, i: usize, j: usize) -> Ordering {
    let (a, b) = (&summary.plans[i], &summary.plans[j]);
    match paired(summary, &a.id, &b.id).map(|d| d.expected_loss) {
        Some(d) if d.hi < 0.0 => Ordering::Less,
        Some(d) if d.lo > 0.0 => Ordering::Greater,
        _ if loss_tie(summary, i, j) => by_exposure(a, b),
        _ => a.expected_loss.mean.total_cmp(&b.expected_loss.mean),
    }
}

/// Lower mean exposure-days first.
fn by_exposure(a: &PlanSummary, b: &PlanSummary) -> Ordering {
    a.exposure
        .exposure_days
        .mean
        .total_cmp(&b.exposure.exposure_days.mean)
}

/// Whether the exposure tie-break separates plans `i` and `j`: their losses tie and their
/// exposure-days differ.
fn exposure_decides(summary: &Summary, i: usize, j: usize) -> bool {
    let (a, b) = (&summary.plans[i], &summary.plans[j]);
    loss_tie(summary, i, j) && by_exposure(a, b) != Ordering::Equal
}

/// "…, so the next tie-break, exposure, decides: 117 exposure-days for P against 2,400 for Q."
fn exposure_sentence(p: &PlanSummary, q: &PlanSummary) -> String {
    format!(
        "The expected losses cannot be told apart either, so the next tie-break decides: the lower exposure, {} (vulnerability, asset)-days per run for {} against {} for {}.",
        thousands(p.exposure.exposure_days.mean),
        p.id,
        thousands(q.exposure.exposure_days.mean),
        q.id
    )
}

/// Index of the preferred plan and of the runner-up, and whether the near-tie rule decided.
fn pick(summary: &Summary) -> Option<(usize, Option<usize>, bool)> {
    let plans = &summary.plans;
    let by_dual = |a: usize, b: usize| {
        plans[b]
            .dual_success
            .mean
            .total_cmp(&plans[a].dual_success.mean)
            .then(a.cmp(&b))
    };
    let mut order: Vec<usize> = (0..plans.len()).collect();
    order.sort_by(|&a, &b| by_dual(a, b));
    // Deadline targets are an operational-success criterion: plans that clearly miss one are
    // ranked after every plan that does not (`deadline`).
    order.sort_by_key(|&i| !crate::deadline::meets_targets(&plans[i]));
    let leader = *order.first()?;
    let chosen = order
        .iter()
        .copied()
        .filter(|&i| i == leader || near_tie(summary, i, leader))
        .filter(|&i| {
            crate::deadline::meets_targets(&plans[i])
                == crate::deadline::meets_targets(&plans[leader])
        })
        .min_by(|&a, &b| by_loss(summary, a, b).then(by_dual(a, b)))
        .unwrap_or(leader);
    let runner_up = order.iter().copied().find(|&i| i != chosen);
    Some((chosen, runner_up, chosen != leader))
}

/// A paired difference of two probabilities in points, with its interval.
fn points(e: &Est) -> String {
    delta_pt(e)
}

/// A paired difference of money, with its interval, in the scenario's currency.
fn signed_money(e: &Est, currency: &str) -> String {
    delta_money_in(e, currency)
}

/// How a paired difference in a probability reads: cuts, adds, or no clear change.
fn change(what: &str, e: &Est) -> String {
    let interval = format!(
        "95% [{}, {}]",
        signed(100.0 * e.lo, 1),
        signed(100.0 * e.hi, 1)
    );
    if e.hi < 0.0 {
        format!("cuts {what} by {:.1} points ({interval})", -100.0 * e.mean)
    } else if e.lo > 0.0 {
        format!("adds {:.1} points to {what} ({interval})", 100.0 * e.mean)
    } else {
        format!("makes no clear difference to {what} ({})", points(e))
    }
}

/// What dual success asks of a run, every condition (as `Outcome::dual_success` decides it):
/// "no target compromised, no unplanned process trip, no window overrun and no reportable data
/// loss that breaks operations", and, when a flow has a deadline target, that plans missing one
/// rank after those that meet every target.
pub fn dual_conditions(summary: &Summary) -> String {
    let mut words = "no target compromised, no unplanned process trip, no window overrun and no \
                     reportable data loss that breaks operations"
        .to_string();
    if crate::deadline::any_target(summary) {
        words.push_str(
            " (and plans that miss a flow's deadline target rank after those that meet every one)",
        );
    }
    words
}

/// The recommendation for `summary` (its plans, comparisons and SSVC rows) under the default
/// acceptance thresholds; `currency` names the scenario's currency. `None` when no plan was
/// rehearsed.
pub fn recommend(summary: &Summary, currency: &str) -> Option<Recommendation> {
    recommend_with(summary, currency, &Thresholds::default())
}

/// [`recommend`] under the acceptance thresholds `t` (the scenario's `acceptance`).
pub fn recommend_with(summary: &Summary, currency: &str, t: &Thresholds) -> Option<Recommendation> {
    let plans = &summary.plans;
    let accept = acceptance(summary, t);
    let (chosen, runner, tie_broken) = pick(summary)?;
    let p = &plans[chosen];
    let baseline = summary
        .comparisons
        .first()
        .map_or(plans[0].id.as_str(), |c| c.baseline.as_str());
    let base = plans.iter().find(|q| q.id == baseline);
    let cur = unit(currency);
    let mut reasons = Vec::new();

    // 1. The headline.
    if plans.len() == 1 {
        reasons.push(format!(
            "{} is the only plan rehearsed: P(dual success) — {} — {}.",
            p.id,
            dual_conditions(summary),
            pct_ci(&p.dual_success)
        ));
    } else {
        let against = match base {
            Some(b) if b.id != p.id => {
                format!(" against {} for {}", pct_ci(&b.dual_success), b.id)
            }
            _ => runner.map_or(String::new(), |r| {
                format!(
                    " against {} for {}",
                    pct_ci(&plans[r].dual_success),
                    plans[r].id
                )
            }),
        };
        // "The best" only when the runs tell it apart from the runner-up.
        let level_with_runner = runner.is_some_and(|r| near_tie(summary, chosen, r));
        let best = if tie_broken || level_with_runner {
            "one of the best chances"
        } else {
            "the best chance"
        };
        reasons.push(format!(
            "{} gives {best} of dual success — {} within the horizon: {} of rehearsals{against}.",
            p.id,
            dual_conditions(summary),
            pct_ci(&p.dual_success),
        ));
    }

    // 1b. Whether any plan is acceptable at all, and what was not rehearsed.
    reasons.extend(no_plan_meets(&accept, p));
    reasons.extend(crate::deadline::sentence(summary, p));
    reasons.extend(not_run_sentence(summary));

    // 2. Against the runner-up on dual success, paired: the tie-break when it decided, else
    // how clear the lead is (not for the baseline: reason 3 compares the runner-up with it).
    if let Some(r) = runner {
        let q = &plans[r];
        let d = paired(summary, &p.id, &q.id);
        if tie_broken {
            reasons.push(tie_sentence(p, q, d.as_ref(), currency));
        } else if let Some(d) = d
            && p.id != baseline
        {
            reasons.push(lead_sentence(p, q, &d, currency));
        }
        if (tie_broken || near_tie(summary, chosen, r)) && exposure_decides(summary, chosen, r) {
            reasons.push(exposure_sentence(p, q));
        }
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
        pct_ci(&o.p_trip),
        o.downtime_h.mean
    );
    if o.p_patch_failure.mean > 0.0 {
        price.push_str(&format!(
            "; its patches fail and are rolled back in {} of rehearsals",
            pct_ci(&o.p_patch_failure)
        ));
        if o.p_window_overrun.mean == 0.0 {
            price.push_str(", and no work ran past a maintenance window");
        }
    }
    if o.p_window_overrun.mean > 0.0 {
        price.push_str(&format!(
            "; work overruns the maintenance window in {}",
            pct_ci(&o.p_window_overrun)
        ));
    }
    price.push('.');
    reasons.push(price);
    reasons.extend(crate::consequences::recommendation_sentence(
        p,
        runner.map(|r| &plans[r]),
        currency,
    ));

    // 5. What is left.
    let e = &p.exposure;
    let ttc = e.ttc_days.p50.map_or(String::new(), |d| {
        format!(" (median {d:.1} days to compromise when it happens)")
    });
    reasons.push(format!(
        "Residual risk: a target is still compromised in {} of rehearsals{ttc}; expected loss {}{cur} per horizon.",
        pct_ci(&e.p_compromise),
        money_ci(&p.expected_loss)
    ));

    // 6. SSVC.
    if let Some(s) = ssvc_sentence(&summary.ssvc, &p.id, baseline) {
        reasons.push(s);
    }

    Some(Recommendation {
        plan: p.id.clone(),
        reasons,
        runner_up: runner.map(|r| plans[r].id.clone()),
        acceptance: accept,
    })
}

/// " EUR", or "" without a currency.
fn unit(currency: &str) -> String {
    if currency.is_empty() {
        String::new()
    } else {
        format!(" {currency}")
    }
}

/// "P's P(dual success) minus Q's is −1.2 points (95% [−3.0, +0.6])".
fn dual_difference(p: &PlanSummary, q: &PlanSummary, d: &PairedDelta) -> String {
    format!(
        "{}'s P(dual success) minus {}'s is {}",
        p.id,
        q.id,
        points(&d.dual_success)
    )
}

/// "a clear difference of … paired over the same rehearsals" / "paired over the same
/// rehearsals the difference, …, could still be zero": the paired difference in expected loss,
/// the chosen plan minus the other.
fn loss_difference(d: &PairedDelta, currency: &str) -> String {
    let e = &d.expected_loss;
    if contains_zero(e) {
        format!(
            "paired over the same rehearsals the difference, {}, could still be zero",
            signed_money(e, currency)
        )
    } else {
        format!(
            "a clear difference of {} paired over the same rehearsals",
            signed_money(e, currency)
        )
    }
}

/// The tie-break: `p` (chosen) and `q` (the leader on dual success) cannot be told apart, and
/// the lower expected loss decides.
fn tie_sentence(
    p: &PlanSummary,
    q: &PlanSummary,
    d: Option<&PairedDelta>,
    currency: &str,
) -> String {
    let cur = unit(currency);
    let losses = format!(
        "{}{cur} for {} against {}{cur} for {}",
        thousands(p.expected_loss.mean),
        p.id,
        thousands(q.expected_loss.mean),
        q.id
    );
    let decides = match d {
        Some(d) if contains_zero(&d.expected_loss) => "So expected loss is compared next",
        None if p.expected_loss.mean == q.expected_loss.mean => "So expected loss is compared next",
        _ => "So the lower expected loss decides",
    };
    match d {
        Some(d) => format!(
            "{} and {} cannot be told apart on dual success: paired over the same rehearsals, {}, an interval that includes 0. {decides}: {losses}, {}.",
            p.id,
            q.id,
            dual_difference(p, q, d),
            loss_difference(d, currency)
        ),
        None => format!(
            "{} and {} cannot be told apart on dual success ({} vs {}: the intervals overlap). {decides}: {losses}.",
            p.id,
            q.id,
            pct_ci(&p.dual_success),
            pct_ci(&q.dual_success),
        ),
    }
}

/// The leader `p` against the runner-up `q`, paired: a clear lead, or a near-tie that the
/// lower (or equal) expected loss of `p` settles.
fn lead_sentence(p: &PlanSummary, q: &PlanSummary, d: &PairedDelta, currency: &str) -> String {
    if contains_zero(&d.dual_success) {
        let cur = unit(currency);
        // The near-tie rule kept `p`, so its expected loss is not clearly the higher one.
        // "Lower" only when it is lower as printed and as measured.
        let (pm, qm) = (
            thousands(p.expected_loss.mean),
            thousands(q.expected_loss.mean),
        );
        let loss = if pm == qm {
            "has the same expected loss as printed"
        } else if p.expected_loss.mean < q.expected_loss.mean && !contains_zero(&d.expected_loss) {
            "also has the lower expected loss"
        } else if p.expected_loss.mean < q.expected_loss.mean {
            "has a lower mean expected loss, though not clearly"
        } else {
            "costs no more on expected loss, within the noise"
        };
        format!(
            "{} and the runner-up, {}, cannot be told apart on dual success: paired over the same rehearsals, {}, an interval that includes 0. {} {loss}: {}{cur} against {}{cur}, {}.",
            p.id,
            q.id,
            dual_difference(p, q, d),
            p.id,
            thousands(p.expected_loss.mean),
            thousands(q.expected_loss.mean),
            loss_difference(d, currency)
        )
    } else {
        let separate = if overlaps(&p.dual_success, &q.dual_success) {
            ", although the two plans' separate intervals overlap"
        } else {
            ""
        };
        format!(
            "Against the runner-up, {}, paired over the same rehearsals: {}, a clear difference{separate}.",
            q.id,
            dual_difference(p, q, d)
        )
    }
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
        format!(
            " The most urgent of these, {worst}, is what SSVC still calls urgent once the plan is in place."
        )
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
    if r.acceptance.plans_meeting.is_empty() {
        out.push_str("  (least bad: no plan is acceptable)");
    }
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
