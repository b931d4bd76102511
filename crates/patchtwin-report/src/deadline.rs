//! Deadline targets: a flow's `deadline_p_max` ("P(a message later than its deadline) at most
//! p") judged per plan, before and after, from exact counts with a 95% interval over the
//! replications (`patchtwin_mc::late::late_share`: the exact Clopper–Pearson interval of the
//! pooled messages, widened to the cluster-robust interval of the per-run late counts where
//! late messages cluster within runs), and the recommendation's use of them as an
//! operational-success criterion. Not here: counting misses (the simulation) or the flow table
//! (`crate::flow_timing`).
//!
//! A message counts as late when it completed after the deadline or never completed (a failed
//! poll, a publication never delivered), over every message of every replication's window.
//! Messages of one window are positively correlated (a queue that is long for one is long for
//! the next), so the interval is computed over the replications, which are independent; it is
//! never narrower than the exact pooled interval (which alone speaks when no run, or one, has
//! a late message). The verdict is "met" when the upper bound is at most the target, "missed"
//! when the lower bound is above it, and "undecided" otherwise (too few messages or runs to
//! tell: run longer, `--observe` or `--runs`).

use crate::blocks::{Block, Line, Span};
use crate::{FlowTiming, PlanSummary, Summary};
use serde::Serialize;

/// A flow's deadline target and how one plan's window fares against it.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DeadlineTarget {
    /// The target: P(a message later than the deadline) at most this.
    pub p_max: f64,
    /// Messages later than the deadline or never completed.
    pub late: u64,
    /// Messages that should have completed.
    pub messages: u64,
    /// `late / messages` (0 when there were none).
    pub p_late: f64,
    /// Lower end of the 95% interval of P(late): the exact (Clopper–Pearson) interval of the
    /// pooled messages, widened to the cluster-robust interval over runs where late messages
    /// cluster within runs.
    pub lo: f64,
    /// Upper end of that interval (about 3.69 / messages when none was late).
    pub hi: f64,
    /// Runs with messages the interval is computed over (0: the per-run counts were not
    /// there, and the interval is the exact pooled one).
    pub runs: u64,
    /// `met` (upper bound at most the target), `missed` (lower bound above it) or `undecided`.
    pub verdict: String,
}

/// The target of a flow whose `deadline_p_max` is `p_max`, from `late` of `messages` and the
/// per-run late counts `by_run`.
pub fn target(
    p_max: Option<f64>,
    late: u64,
    messages: u64,
    by_run: &patchtwin_sim::outcome::LateByRun,
) -> Option<DeadlineTarget> {
    let p_max = p_max?;
    let share = patchtwin_mc::late::late_share(late, messages, by_run);
    let e = share.estimate;
    let verdict = if messages > 0 && e.hi <= p_max {
        "met"
    } else if e.lo > p_max {
        "missed"
    } else {
        "undecided"
    };
    Some(DeadlineTarget {
        p_max,
        late,
        messages,
        p_late: e.mean,
        lo: e.lo,
        hi: e.hi,
        runs: share.runs,
        verdict: verdict.to_string(),
    })
}

/// The flows of plan `p` once its changes are in (the after window, or the baseline window
/// when the plan changes nothing).
fn in_force(p: &PlanSummary) -> &[FlowTiming] {
    p.timing.after.as_deref().unwrap_or(&p.timing.flows)
}

/// The flows whose deadline target plan `p` clearly misses once its changes are in.
pub fn missed(p: &PlanSummary) -> Vec<&FlowTiming> {
    in_force(p)
        .iter()
        .filter(|f| {
            f.deadline_target
                .as_ref()
                .is_some_and(|t| t.verdict == "missed")
        })
        .collect()
}

/// Whether plan `p` misses no deadline target once its changes are in.
pub fn meets_targets(p: &PlanSummary) -> bool {
    missed(p).is_empty()
}

/// Whether any flow of the summary has a deadline target.
pub fn any_target(summary: &Summary) -> bool {
    summary
        .plans
        .iter()
        .any(|p| in_force(p).iter().any(|f| f.deadline_target.is_some()))
}

/// The recommendation's sentence about deadline targets for the chosen plan `p`, when any flow
/// has one: which plans were passed over for missing one, or that even the pick misses one.
pub fn sentence(summary: &Summary, p: &PlanSummary) -> Option<String> {
    if !any_target(summary) {
        return None;
    }
    let describe = |f: &FlowTiming| {
        let t = f.deadline_target.as_ref().expect("filtered on a target");
        format!(
            "{} late beyond {} ms in {} (95% [{}, {}]) against a target of at most {}",
            f.id,
            trim(f.deadline_ms),
            sci(t.p_late),
            sci(t.lo),
            sci(t.hi),
            sci(t.p_max)
        )
    };
    let own = missed(p);
    if !own.is_empty() {
        let list: Vec<String> = own.iter().map(|f| describe(f)).collect();
        return Some(format!(
            "Deadline targets: {} misses {} — every rehearsed plan misses one, so it is the least bad on timing, not an acceptable one.",
            p.id,
            list.join("; ")
        ));
    }
    let passed: Vec<String> = summary
        .plans
        .iter()
        .filter(|q| !meets_targets(q))
        .map(|q| {
            let list: Vec<String> = missed(q).iter().map(|f| describe(f)).collect();
            format!("{} ({})", q.id, list.join("; "))
        })
        .collect();
    let undecided = in_force(p)
        .iter()
        .filter(|f| {
            f.deadline_target
                .as_ref()
                .is_some_and(|t| t.verdict == "undecided")
        })
        .count();
    let mut s = format!(
        "Deadline targets: {} misses none once its changes are in",
        p.id
    );
    if undecided > 0 {
        s.push_str(&format!(
            " ({undecided} undecided: too few messages to tell; a longer --observe or more --runs would)"
        ));
    }
    if passed.is_empty() {
        s.push('.');
    } else {
        s.push_str(&format!(
            "; plans that miss one were not considered: {}.",
            passed.join(", ")
        ));
    }
    Some(s)
}

/// The report's "Deadline targets" table: per flow with a target, per plan, before and after,
/// the late messages of all messages, P(late) with its exact interval, and the verdict. Empty
/// when no flow has a target.
pub fn blocks(summary: &Summary) -> Vec<Block> {
    if !any_target(summary) {
        return Vec::new();
    }
    let text = |s: String| vec![Span::Text(s)];
    let mut rows: Vec<Vec<Line>> = Vec::new();
    for p in &summary.plans {
        let windows = [
            ("before", Some(&p.timing.flows)),
            ("after", p.timing.after.as_ref()),
        ];
        for (when, flows) in windows {
            for f in flows.into_iter().flatten() {
                let Some(t) = &f.deadline_target else {
                    continue;
                };
                rows.push(vec![
                    vec![Span::Code(f.id.clone())],
                    vec![Span::Text(format!("{when}, ")), Span::Code(p.id.clone())],
                    text(format!(
                        "≤ {} beyond {} ms",
                        sci(t.p_max),
                        trim(f.deadline_ms)
                    )),
                    text(format!("{} / {}", t.late, t.messages)),
                    text(format!("{} [{}, {}]", sci(t.p_late), sci(t.lo), sci(t.hi))),
                    text(t.verdict.clone()),
                ]);
            }
        }
    }
    vec![
        Block::Para(vec![Span::Text(
            "Deadline targets: P(a message later than its deadline, or never completed) at \
             most the target. Counts are over every message of every run's window; the 95% \
             interval is over the runs, which are independent (messages of one window are not: \
             late ones come together), and never narrower than the exact (Clopper–Pearson) \
             interval of the pooled messages. A target \
             is met when the upper bound is at most it, missed when the lower bound is above it, \
             undecided otherwise. The recommendation ranks plans that miss a target once their \
             changes are in after every plan that does not."
                .to_string(),
        )]),
        Block::Table {
            head: [
                "flow",
                "when",
                "target",
                "late / messages",
                "P(late) [95%]",
                "verdict",
            ]
            .map(String::from)
            .to_vec(),
            right: vec![false, false, false, true, true, false],
            rows,
        },
    ]
}

/// A probability for a sentence: `0` or three significant digits (`1.23e-4`, `0.0312`).
pub fn sci(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else if x >= 0.001 {
        format!("{:.3}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{x:.2e}")
    }
}

fn trim(ms: f64) -> String {
    let s = format!("{ms:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    use patchtwin_sim::outcome::LateByRun;

    #[test]
    fn verdicts_follow_the_interval() {
        let none = LateByRun::default();
        // 0 late of 100,000: upper bound 3.69e-5 ≤ 1e-4 → met.
        let t = target(Some(1e-4), 0, 100_000, &none).unwrap();
        assert_eq!(t.verdict, "met");
        // 0 late of 1,000: upper bound 3.7e-3 > 1e-4 and lower 0 → undecided.
        assert_eq!(
            target(Some(1e-4), 0, 1_000, &none).unwrap().verdict,
            "undecided"
        );
        // 50 late of 100,000: lower bound ≈ 3.7e-4 > 1e-4 → missed.
        assert_eq!(
            target(Some(1e-4), 50, 100_000, &none).unwrap().verdict,
            "missed"
        );
        assert_eq!(target(None, 50, 100_000, &none), None);
        assert_eq!(target(Some(0.5), 0, 0, &none).unwrap().verdict, "undecided");
    }

    #[test]
    fn late_messages_of_one_run_alone_do_not_decide_a_miss() {
        // The same 50 late of 100,000, all in one of 20 runs of 5,000: the runs say P(late) may
        // well be below 1e-4 (19 of 20 runs had none) — undecided, not missed.
        let mut by_run = LateByRun::default();
        for i in 0..20 {
            by_run.add(&LateByRun::one(if i == 3 { 50 } else { 0 }, 5_000));
        }
        let t = target(Some(1e-4), 50, 100_000, &by_run).unwrap();
        assert_eq!((t.verdict.as_str(), t.runs, t.lo), ("undecided", 20, 0.0));
        // Spread over the runs like independent trials (2 or 3 in each), it is missed.
        let mut spread = LateByRun::default();
        for i in 0..20 {
            spread.add(&LateByRun::one(2 + u64::from(i % 2 == 0), 5_000));
        }
        assert_eq!(
            target(Some(1e-4), 50, 100_000, &spread).unwrap().verdict,
            "missed"
        );
    }

    #[test]
    fn probabilities_read_plainly() {
        assert_eq!(sci(0.0), "0");
        assert_eq!(sci(0.25), "0.25");
        assert_eq!(sci(1.234e-4), "1.23e-4");
    }
}
