//! CSV tables for spreadsheets and scripts: `plans.csv` (one row per plan, every headline
//! estimate with its 95% interval as `_mean`, `_lo`, `_hi` columns), `comparisons.csv` (one row
//! per plan against the baseline, paired differences), `pairwise.csv` (one row per pair of
//! plans, the earlier minus the later, paired differences), `flows.csv` (one row per plan, phase
//! and flow: latency quantiles, miss rate, timeouts) and `ssvc.csv` (one row per vulnerability
//! and plan: SSVC inputs, decision and reasons).
//!
//! Format: RFC 4180 — a header row, comma separators, fields quoted only when they contain a
//! comma, quote or line break, CRLF-free `\n` line ends, UTF-8 without a byte-order mark, `.`
//! as the decimal point and numbers in Rust's shortest round-trip form. Text that a
//! spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) is written quoted with a leading `'` (OWASP's advice against CSV injection). An empty field means
//! "no value" (no completed message, no compromise, an interval that one run cannot give).
//!
//! This is not a general CSV writer and does no I/O; the values come from the [`Summary`].

use crate::{Est, FlowTiming, Summary};

/// Quotes a field when RFC 4180 requires it, and neutralises text a spreadsheet would run as
/// a formula (OWASP "CSV injection"): a field that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return and is not a plain number gets a leading `'` and is quoted, so a plan id
/// like `=HYPERLINK(…)` shows as text. Numbers (`-0.05`) are left as they are.
fn field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(s);
    if formula {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A decimal number as [`num`] writes them: optional sign, digits, optional fraction and
/// exponent (no `inf`, no `NaN`).
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && s.parse::<f64>().is_ok()
}

fn num(x: f64) -> String {
    if x.is_finite() && x > f64::MIN && x < f64::MAX {
        format!("{x}")
    } else {
        String::new()
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
}

fn push_est(row: &mut Vec<String>, e: &Est) {
    row.extend([num(e.mean), num(e.lo), num(e.hi)]);
}

fn est_head(head: &mut Vec<String>, name: &str) {
    head.extend(["mean", "lo", "hi"].map(|s| format!("{name}_{s}")));
}

fn table(head: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut out = String::new();
    for row in std::iter::once(head).chain(rows) {
        let line: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// Names of the estimates in `plans.csv`, in column order.
pub const PLAN_ESTIMATES: [&str; 16] = [
    "dual_success",
    "expected_loss",
    "p_compromise",
    "exposure_days",
    "p_detected_before_impact",
    "impact_cost",
    "p_trip",
    "downtime_h",
    "downtime_cost",
    "p_patch_failure",
    "deployment_failure_rate",
    "p_window_overrun",
    "window_overrun_h",
    "loss_of_view_h",
    "loss_of_control_h",
    "historian_gap_h",
];

/// `plans.csv`: one row per plan.
pub fn plans(summary: &Summary) -> String {
    let mut head: Vec<String> = ["plan", "description", "runs"].map(String::from).to_vec();
    for name in PLAN_ESTIMATES {
        est_head(&mut head, name);
    }
    head.extend(
        [
            "ttc_days_p5",
            "ttc_days_p50",
            "ttc_days_p95",
            "foothold_share",
            "deployments_per_run",
            "changes_completed",
        ]
        .map(String::from),
    );
    let rows = summary
        .plans
        .iter()
        .map(|p| {
            let (e, o) = (&p.exposure, &p.operations);
            let mut row = vec![
                p.id.clone(),
                p.description.clone(),
                summary.settings.runs.to_string(),
            ];
            for est in [
                &p.dual_success,
                &p.expected_loss,
                &e.p_compromise,
                &e.exposure_days,
                &e.p_detected_before_impact,
                &e.impact_cost,
                &o.p_trip,
                &o.downtime_h,
                &o.downtime_cost,
                &o.p_patch_failure,
                &o.deployment_failure_rate,
                &o.p_window_overrun,
                &o.window_overrun_h,
                &o.loss_of_view_h,
                &o.loss_of_control_h,
                &o.historian_gap_h,
            ] {
                push_est(&mut row, est);
            }
            row.extend([
                opt(e.ttc_days.p5),
                opt(e.ttc_days.p50),
                opt(e.ttc_days.p95),
                num(e.foothold_share),
                num(o.deployments_per_run),
                num(o.changes_completed),
            ]);
            row
        })
        .collect();
    table(head, rows)
}

/// `comparisons.csv`: one row per plan other than the baseline, differences plan minus
/// baseline paired over the same replications.
pub fn comparisons(summary: &Summary) -> String {
    differences(
        ["plan", "baseline"],
        summary.comparisons.iter().map(|c| {
            (
                [c.plan.clone(), c.baseline.clone()],
                [
                    &c.delta_dual_success,
                    &c.delta_p_compromise,
                    &c.delta_p_trip,
                    &c.delta_downtime_h,
                    &c.delta_expected_loss,
                ],
            )
        }),
    )
}

/// `pairwise.csv`: one row per pair of plans in plan order, differences `plan_a` minus
/// `plan_b` paired over the same replications (note: the opposite orientation to
/// `comparisons.csv` when `plan_a` is the baseline).
pub fn pairwise(summary: &Summary) -> String {
    differences(
        ["plan_a", "plan_b"],
        summary.pairwise.iter().map(|w| {
            (
                [w.plan_a.clone(), w.plan_b.clone()],
                [
                    &w.delta_dual_success,
                    &w.delta_p_compromise,
                    &w.delta_p_trip,
                    &w.delta_downtime_h,
                    &w.delta_expected_loss,
                ],
            )
        }),
    )
}

/// A table of paired differences: two id columns, then the five differences in this order,
/// each as `_mean`, `_lo`, `_hi`.
fn differences<'a>(
    ids: [&str; 2],
    rows: impl Iterator<Item = ([String; 2], [&'a Est; 5])>,
) -> String {
    let mut head: Vec<String> = ids.map(String::from).to_vec();
    for name in [
        "delta_dual_success",
        "delta_p_compromise",
        "delta_p_trip",
        "delta_downtime_h",
        "delta_expected_loss",
    ] {
        est_head(&mut head, name);
    }
    let rows = rows
        .map(|(ids, ests)| {
            let mut row = ids.to_vec();
            for est in ests {
                push_est(&mut row, est);
            }
            row
        })
        .collect();
    table(head, rows)
}

/// `flows.csv`: one row per plan, phase (`before`, and `after` when the plan has an after
/// window) and flow, in scenario order.
pub fn flows(summary: &Summary) -> String {
    let head = [
        "plan",
        "phase",
        "flow",
        "kind",
        "consumer",
        "producer",
        "deadline_ms",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "max_ms",
        "mean_ms",
        "deadline_miss_rate",
        "timeouts",
        "sent",
        "completed",
        "comm_fail_events",
        "stale_events",
        "skipped",
    ]
    .map(String::from)
    .to_vec();
    let row = |plan: &str, phase: &str, f: &FlowTiming| {
        let l = f.latency_ms.as_ref();
        vec![
            plan.to_string(),
            phase.to_string(),
            f.id.clone(),
            match f.kind {
                patchtwin_model::FlowKind::Poll => "poll".into(),
                patchtwin_model::FlowKind::Publish => "publish".into(),
            },
            f.consumer.clone(),
            f.producer.clone(),
            num(f.deadline_ms),
            opt(l.map(|l| l.p50)),
            opt(l.map(|l| l.p95)),
            opt(l.map(|l| l.p99)),
            opt(l.map(|l| l.max)),
            opt(l.map(|l| l.mean)),
            num(f.deadline_miss_rate),
            f.timeouts.to_string(),
            f.sent.to_string(),
            f.completed.to_string(),
            f.comm_fail_events.to_string(),
            f.stale_events.to_string(),
            f.skipped.to_string(),
        ]
    };
    let mut rows = Vec::new();
    for p in &summary.plans {
        for f in &p.timing.flows {
            rows.push(row(&p.id, "before", f));
        }
        for f in p.timing.after.iter().flatten() {
            rows.push(row(&p.id, "after", f));
        }
    }
    table(head, rows)
}

/// `ssvc.csv`: one row per vulnerability and plan, the SSVC inputs, the deployer decision and
/// the decision while the plan's patches are not in place (empty when the plan's patches change
/// nothing), with the reason for each input.
pub fn ssvc(summary: &Summary) -> String {
    let head = [
        "vulnerability",
        "plan",
        "exploitation",
        "system_exposure",
        "automatable",
        "human_impact",
        "decision",
        "before_patching_system_exposure",
        "before_patching_decision",
        "exploitation_reason",
        "system_exposure_reason",
        "automatable_reason",
        "human_impact_reason",
    ]
    .map(String::from)
    .to_vec();
    let rows = summary
        .ssvc
        .iter()
        .map(|r| {
            let b = r.before_patching.as_ref();
            vec![
                r.vulnerability.clone(),
                r.plan.clone(),
                r.exploitation.value.to_string(),
                r.system_exposure.value.to_string(),
                r.automatable.value.to_string(),
                r.human_impact.value.to_string(),
                r.decision.to_string(),
                b.map_or(String::new(), |b| b.system_exposure.value.to_string()),
                b.map_or(String::new(), |b| b.decision.to_string()),
                r.exploitation.reason.clone(),
                r.system_exposure.reason.clone(),
                r.automatable.reason.clone(),
                r.human_impact.reason.clone(),
            ]
        })
        .collect();
    table(head, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("patch-now"), "patch-now");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(num(f64::MIN), "");
        assert_eq!(num(0.25), "0.25");
    }

    /// OWASP CSV injection: text a spreadsheet would evaluate is quoted and starts with `'`;
    /// numbers, negative ones included, are untouched.
    #[test]
    fn formula_like_text_is_neutralised_and_numbers_are_not() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
        assert_eq!(field("-2+3"), "\"'-2+3\"");
        assert_eq!(field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(field("\tx"), "\"'\tx\"");
        assert_eq!(field("-inf"), "\"'-inf\"");
        assert_eq!(field("-0.05"), "-0.05");
        assert_eq!(field("-1e-7"), "-1e-7");
        assert_eq!(field("+3"), "+3");
        assert_eq!(field("patch-now"), "patch-now");
    }

    /// A whole table: a plan id that is a formula comes out neutralised in its row.
    #[test]
    fn a_table_neutralises_a_formula_plan_id() {
        let text = table(
            vec!["plan".into(), "delta".into()],
            vec![vec!["=1+1".into(), num(-0.5)]],
        );
        assert_eq!(text, "plan,delta\n\"'=1+1\",-0.5\n");
    }
}
