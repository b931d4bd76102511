//! The report's opening: which plan to prefer and why, in plain words — the headline, the
//! trade-off against the other plans, expected loss and how certain the ranking is.
//!
//! This module is not the recommendation rule itself (that is `recommend`, whose result the
//! summary carries); it ranks plans by the summary's point estimates for the prose and prints
//! only numbers the summary holds.

use super::*;

/// The plan with the highest point estimate of P(dual success); ties go to the lower expected
/// loss, then to the earlier plan. `None` when there are no plans.
pub fn leader(summary: &Summary) -> Option<usize> {
    (0..summary.plans.len()).min_by(|&a, &b| {
        let (pa, pb) = (&summary.plans[a], &summary.plans[b]);
        pb.dual_success
            .mean
            .total_cmp(&pa.dual_success.mean)
            .then(pa.expected_loss.mean.total_cmp(&pb.expected_loss.mean))
            .then(a.cmp(&b))
    })
}

/// The recommended plan: the summary's `recommendation` (the `recommend` module's rule, so
/// that the report and `summary.json` always name the same plan), or [`leader`] when the
/// summary carries none.
pub fn preferred(summary: &Summary) -> Option<usize> {
    summary
        .recommendation
        .as_ref()
        .and_then(|r| summary.plans.iter().position(|p| p.id == r.plan))
        .or_else(|| leader(summary))
}

/// The plan with the lowest expected loss (ties to the earlier plan).
fn cheapest(summary: &Summary) -> Option<usize> {
    (0..summary.plans.len()).min_by(|&a, &b| {
        summary.plans[a]
            .expected_loss
            .mean
            .total_cmp(&summary.plans[b].expected_loss.mean)
            .then(a.cmp(&b))
    })
}

fn overlap(a: &Est, b: &Est) -> bool {
    a.lo <= b.hi && b.lo <= a.hi
}

/// "cuts P(x) from a to b" / "raises …" / "leaves … at a".
fn change(what: &str, from: f64, to: f64, fmt: fn(f64) -> String) -> (Ordering3, String) {
    let (a, b) = (fmt(from), fmt(to));
    if a == b {
        (Ordering3::Same, format!("leaves {what} at {a}"))
    } else if to < from {
        (Ordering3::Better, format!("cuts {what} from {a} to {b}"))
    } else {
        (Ordering3::Worse, format!("raises {what} from {a} to {b}"))
    }
}

#[derive(PartialEq)]
enum Ordering3 {
    Better,
    Same,
    Worse,
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn dual_words(q: &PlanSummary) -> String {
    if bounded(&q.dual_success) {
        format!(
            "{} of simulated runs (95% interval {}–{})",
            pct(q.dual_success.mean),
            pct(q.dual_success.lo),
            pct(q.dual_success.hi)
        )
    } else {
        format!("{} of simulated runs", pct(q.dual_success.mean))
    }
}

/// The headline: which plan, and the one fact that decides it; "Least bad:" instead of
/// "Recommended:" when no plan is acceptable (`least_bad`).
fn headline(summary: &Summary, best: usize, horizon_days: f64, cur: &str, least_bad: bool) -> Line {
    let p = &summary.plans[best];
    let base = &summary.plans[0];
    let n = summary.plans.len();
    let top = leader(summary).unwrap_or(best);
    let conditions = crate::recommend::dual_conditions(summary);
    let dual_def = format!("dual success — {conditions} within the {horizon_days:.0}-day horizon");
    let label = if least_bad {
        "Least bad:"
    } else {
        "Recommended:"
    };
    let mut line = vec![strong(label), t(" "), code(&p.id), t(".")];
    if n == 1 {
        line.push(t(format!(
            " It is the only plan rehearsed. Its chance of dual success ({conditions} within \
             the {horizon_days:.0}-day horizon) is {}.",
            dual_words(p)
        )));
    } else if top == best {
        line.push(t(format!(
            " Of the {n} plans rehearsed it has the highest chance of {dual_def}: {}",
            dual_words(p)
        )));
        if best == 0 {
            line.push(t("; it is the baseline, and no alternative does better."));
        } else {
            line.push(t(format!(
                ", against {} for the baseline ",
                pct(base.dual_success.mean)
            )));
            line.push(code(&base.id));
            line.push(t("."));
        }
    } else {
        // Another plan has the higher point estimate: say which and why it is not chosen, in
        // the recommendation's own terms (it is the runner-up, or it misses a deadline target).
        let l = &summary.plans[top];
        let runner_is_top = summary
            .recommendation
            .as_ref()
            .and_then(|r| r.runner_up.as_deref())
            .is_none_or(|r| r == l.id);
        if !crate::deadline::meets_targets(l) && crate::deadline::meets_targets(p) {
            line.push(t(format!(
                " Its chance of {dual_def} is {}; ",
                dual_words(p)
            )));
            line.push(code(&l.id));
            line.push(t(format!(
                " has the higher point estimate, {}, but clearly misses a flow's deadline target \
                 (see the deadline targets below), and plans that meet every target rank first.",
                pct(l.dual_success.mean)
            )));
        } else {
            let why = match paired(summary, &p.id, &l.id) {
                Some(d) if bounded(&d.dual_success) => format!(
                    "measured on the same simulated runs, the difference is {} percentage points, \
                     95% interval {} to {}, which includes 0",
                    signed(100.0 * d.dual_success.mean, 1),
                    signed(100.0 * d.dual_success.lo, 1),
                    signed(100.0 * d.dual_success.hi, 1)
                ),
                _ => "the intervals overlap".to_string(),
            };
            line.push(t(format!(
                " Its chance of {dual_def}, {}, cannot be told apart from that of {}",
                dual_words(p),
                if runner_is_top { "the runner-up, " } else { "" }
            )));
            line.push(code(&l.id));
            let (pl, ll) = (p.expected_loss.mean, l.expected_loss.mean);
            let cost = if money(pl, cur) == money(ll, cur) {
                format!(
                    "the two cost the same on average ({} expected loss), and {} leaves less \
                     exposure",
                    money(pl, cur),
                    p.id
                )
            } else if pl < ll {
                format!(
                    "it costs less on average: expected loss {} against {}",
                    money(pl, cur),
                    money(ll, cur)
                )
            } else {
                format!(
                    "its expected loss is {} against {}",
                    money(pl, cur),
                    money(ll, cur)
                )
            };
            line.push(t(format!(
                ", which has the highest point estimate, {} ({why}), and {cost}.",
                pct(l.dual_success.mean)
            )));
        }
    }
    if !p.description.is_empty() {
        line.push(t(format!(" What it does: {}", p.description.trim())));
        if !p.description.trim_end().ends_with('.') {
            line.push(t("."));
        }
    }
    line
}

/// The trade-off against the baseline in words: what gets better, and the price.
fn trade_off(summary: &Summary, best: usize) -> Option<Line> {
    if best == 0 {
        return None;
    }
    let (p, base) = (&summary.plans[best], &summary.plans[0]);
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut sort = |(o, text): (Ordering3, String)| match o {
        Ordering3::Better => good.push(text),
        Ordering3::Worse => bad.push(text),
        Ordering3::Same => {}
    };
    sort(change(
        "the chance that an attacker reaches a target",
        base.exposure.p_compromise.mean,
        p.exposure.p_compromise.mean,
        pct,
    ));
    sort(change(
        "the chance of an unplanned process trip",
        base.operations.p_trip.mean,
        p.operations.p_trip.mean,
        pct,
    ));
    sort(change(
        "expected unplanned downtime",
        base.operations.downtime_h.mean,
        p.operations.downtime_h.mean,
        hours,
    ));
    let pf = p.operations.p_patch_failure.mean;
    if pf > 0.0 {
        bad.push(format!(
            "in {} of runs at least one patch deployment fails and is rolled back (the asset \
             is down meanwhile and its vulnerability stays open)",
            pct(pf)
        ));
    }
    let po = p.operations.p_window_overrun.mean;
    if po > 0.0 {
        bad.push(format!(
            "in {} of runs the work overruns its maintenance window",
            pct(po)
        ));
    }
    let mut line = vec![t("Compared with "), code(&base.id), t(", "), code(&p.id)];
    line.push(t(match (good.is_empty(), bad.is_empty()) {
        (false, true) => format!(" {}.", join_and(&good)),
        (false, false) => format!(" {}, but {}.", join_and(&good), join_and(&bad)),
        (true, false) => format!(" changes this: {}.", join_and(&bad)),
        (true, true) => " changes none of the headline figures.".to_string(),
    }));
    Some(line)
}

/// Expected loss, and how sure the choice is.
fn loss_and_certainty(summary: &Summary, best: usize, cur: &str) -> Line {
    let p = &summary.plans[best];
    let base = &summary.plans[0];
    let mut line = Vec::new();
    if let Some(cheap) = cheapest(summary) {
        let c = &summary.plans[cheap];
        if summary.plans.len() == 1 {
            line.push(t(format!(
                "Its expected loss is {} per run over the horizon (downtime cost plus the \
                 impact of compromised targets). ",
                money(p.expected_loss.mean, cur)
            )));
        } else if cheap == best {
            line.push(t(format!(
                "Its expected loss is the lowest of all plans: {} per run over the horizon \
                 (downtime cost plus the impact of compromised targets)",
                money(p.expected_loss.mean, cur)
            )));
            if best != 0 {
                line.push(t(format!(
                    ", against {} for ",
                    money(base.expected_loss.mean, cur)
                )));
                line.push(code(&base.id));
            }
            line.push(t(". "));
        } else {
            line.push(t(
                "On expected loss (downtime cost plus the impact of compromised targets) ",
            ));
            line.push(code(&c.id));
            line.push(t(format!(
                " is cheaper: {} per run against {} for ",
                money(c.expected_loss.mean, cur),
                money(p.expected_loss.mean, cur)
            )));
            line.push(code(&p.id));
            line.push(t(format!(
                ", with dual success {}; prefer it if the committee weighs the average cost \
                 above the chance of a clean outcome. ",
                pct(c.dual_success.mean)
            )));
        }
    }
    if best != 0
        && let Some(c) = summary.comparisons.iter().find(|c| c.plan == p.id)
    {
        let d = &c.delta_dual_success;
        let gain = signed(100.0 * d.mean, 0);
        if bounded(d) && (d.lo > 0.0 || d.hi < 0.0) {
            line.push(t(format!(
                "Measured on the same simulated runs, dual success changes by {gain} percentage \
                 points against the baseline (95% interval {} to {}): a clear difference, not \
                 sampling noise. ",
                signed(100.0 * d.lo, 0),
                signed(100.0 * d.hi, 0)
            )));
        } else {
            line.push(t(format!(
                "Measured on the same simulated runs, dual success changes by {gain} percentage \
                 points against the baseline, within the noise of {} runs: rerun with more \
                 replications (--runs or --target-ci) before relying on it. ",
                summary.settings.runs
            )));
        }
    }
    let runner = summary
        .recommendation
        .as_ref()
        .and_then(|r| r.runner_up.as_ref())
        .and_then(|id| summary.plans.iter().position(|q| &q.id == id))
        .or_else(|| {
            (0..summary.plans.len())
                .filter(|&j| j != best)
                .max_by(|&a, &b| {
                    summary.plans[a]
                        .dual_success
                        .mean
                        .total_cmp(&summary.plans[b].dual_success.mean)
                        .then(b.cmp(&a))
                })
        });
    if let Some(r) = runner {
        let q = &summary.plans[r];
        line.push(t("The runner-up is "));
        line.push(code(&q.id));
        line.push(t(format!(" (dual success {})", pct_ci(&q.dual_success))));
        line.push(t(match paired(summary, &p.id, &q.id) {
            Some(d) if bounded(&d.dual_success) => {
                let e = &d.dual_success;
                let numbers = format!(
                    "{} percentage points, 95% interval {} to {}",
                    signed(100.0 * e.mean, 1),
                    signed(100.0 * e.lo, 1),
                    signed(100.0 * e.hi, 1)
                );
                if e.lo <= 0.0 && 0.0 <= e.hi {
                    format!(
                        "; measured on the same simulated runs the two cannot be told apart on \
                         this measure (the recommended plan's minus the runner-up's: {numbers}): \
                         weigh the tables below, or rerun with more replications."
                    )
                } else {
                    format!(
                        "; measured on the same simulated runs the recommended plan's chance \
                         minus the runner-up's is {numbers}: a clear difference."
                    )
                }
            }
            _ if overlap(&q.dual_success, &p.dual_success) => {
                "; its interval overlaps the recommended plan's, so the two are close on this \
                 measure: weigh the tables below, or rerun with more replications."
                    .to_string()
            }
            _ => "; the two intervals do not overlap.".to_string(),
        }));
    }
    if let Some(Span::Text(last)) = line.last_mut() {
        let trimmed = last.trim_end().len();
        last.truncate(trimmed);
    }
    line
}

/// Which plans meet the acceptance thresholds, when some do (when none does, the report opens
/// with "No plan is acceptable").
fn acceptance_line(a: &crate::recommend::Acceptance, chosen: &str) -> Line {
    let mut line = vec![t(format!(
        "Acceptance thresholds ({}): ",
        crate::recommend::thresholds_words(a)
    ))];
    let n = a.plans_meeting.len();
    line.push(t(if n == 1 {
        "one plan meets them, ".to_string()
    } else {
        format!("{n} plans meet them, ")
    }));
    for (k, id) in a.plans_meeting.iter().enumerate() {
        if k > 0 {
            line.push(t(", "));
        }
        line.push(code(id));
    }
    line.push(t(if a.plans_meeting.iter().any(|p| p == chosen) {
        "; the recommended plan is among them."
    } else {
        "; the recommended plan is not among them: it wins on dual success and expected loss, \
         but a plan that meets the thresholds may be preferred."
    }));
    line
}

pub(super) fn recommendation(summary: &Summary, s: &Scenario, horizon_days: f64) -> Vec<Block> {
    let mut blocks = vec![heading(
        2,
        "Recommendation in plain words",
        "recommendation",
    )];
    let Some(best) = preferred(summary) else {
        blocks.push(Block::Para(vec![t("The run compared no plans.")]));
        return blocks;
    };
    let cur = &s.currency;
    let accept = summary.recommendation.as_ref().map(|r| &r.acceptance);
    let none = accept.and_then(|a| crate::recommend::no_plan_meets(a, &summary.plans[best]));
    let least_bad = none.is_some();
    if let Some(none) = none {
        blocks.push(Block::Para(vec![
            strong("No plan is acceptable."),
            t(" "),
            t(none),
        ]));
    }
    blocks.push(Block::Para(headline(
        summary,
        best,
        horizon_days,
        cur,
        least_bad,
    )));
    blocks.extend(trade_off(summary, best).map(Block::Para));
    blocks.push(Block::Para(loss_and_certainty(summary, best, cur)));
    if let Some(a) = accept.filter(|a| !a.plans_meeting.is_empty()) {
        blocks.push(Block::Para(acceptance_line(a, &summary.plans[best].id)));
    }
    if let Some(r) = &summary.recommendation
        && !r.reasons.is_empty()
    {
        blocks.push(Block::Para(vec![t(
            "The reasons in detail (the same as in summary.json):",
        )]));
        blocks.push(Block::Bullets(
            r.reasons.iter().map(|x| vec![t(x.clone())]).collect(),
        ));
    }
    blocks.push(Block::Para(vec![t("Every plan at a glance:")]));
    blocks.push(Block::Bullets(
        summary
            .plans
            .iter()
            .enumerate()
            .map(|(j, q)| {
                let mut line = vec![code(&q.id)];
                if j == 0 {
                    line.push(t(" (baseline)"));
                }
                if j == best {
                    line.push(t(" "));
                    line.push(strong("(recommended)"));
                }
                line.push(t(format!(
                    " — dual success {}; P(compromise) {}; P(process trip) {}; P(patch \
                     rollback) {}; expected loss {}.",
                    pct(q.dual_success.mean),
                    pct(q.exposure.p_compromise.mean),
                    pct(q.operations.p_trip.mean),
                    pct(q.operations.p_patch_failure.mean),
                    money(q.expected_loss.mean, cur)
                )));
                if !q.description.is_empty() {
                    line.push(t(format!(" {}", q.description.trim())));
                }
                line
            })
            .collect(),
    ));
    blocks
}
