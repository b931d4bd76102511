//! What the vendor offers against a vulnerability (`Vulnerability::remediation`, CSAF's
//! remediation categories) in the words of the SSVC reasons (with no fix to install, the
//! only levers are the plan's controls), and the report's "Remediation status" section: per
//! vulnerability, the category and what each plan does about it (patched by when, mitigated
//! by which controls, or left open). Formatting and the reach rule's answers only; validation
//! rejects a patch for a vulnerability the vendor offers no fix for.

use patchtwin_model::reach::{Hindrance, Spread};
use patchtwin_model::{
    Action, ControlIdx, Plan, RemediationStatus, Scenario, VulnIdx, Vulnerability,
};

/// The clause the SSVC reasons carry for `v`'s remediation status, if it is known.
pub fn ssvc_note(v: &Vulnerability) -> Option<String> {
    let words = match v.remediation? {
        RemediationStatus::NoneAvailable => {
            "no fix available from the vendor (none_available): only controls can lower the priority"
        }
        RemediationStatus::NoFixPlanned => {
            "the vendor will not fix it (no_fix_planned): only controls or replacement can lower the priority"
        }
        RemediationStatus::FixPlanned => {
            "a vendor fix is announced, not released (fix_planned): controls until it ships"
        }
        RemediationStatus::VendorFix => "a vendor fix is released (vendor_fix)",
    };
    Some(format!("; {words}"))
}

/// The vendor's category in a word, for the status table.
fn category(v: &Vulnerability) -> &'static str {
    match v.remediation {
        Some(RemediationStatus::NoneAvailable) => "none_available",
        Some(RemediationStatus::NoFixPlanned) => "no_fix_planned",
        Some(RemediationStatus::FixPlanned) => "fix_planned",
        Some(RemediationStatus::VendorFix) => "vendor_fix",
        None => "not stated",
    }
}

/// What `plan` does about vulnerability `v`: patched (in what share of runs, by which day at
/// the median), mitigated (the plan's controls on the attacker's way to it, by the one reach
/// rule, with whether any of its assets stays reachable at the plan's end), or left open.
pub fn plan_status(
    s: &Scenario,
    plan: &Plan,
    rollout: &patchtwin_mc::rollout::RolloutAcc,
    v: usize,
) -> String {
    if let Some(m) = rollout.days_to_close.get(v).filter(|m| !m.is_empty()) {
        let n: u64 = m.values().sum();
        let closed: u64 = m
            .iter()
            .filter(|(d, _)| **d != patchtwin_mc::rollout::NEVER)
            .map(|(_, c)| c)
            .sum();
        let mut acc = 0;
        let median = m.iter().find_map(|(d, c)| {
            acc += c;
            (2 * acc >= n).then_some(*d)
        });
        let when = match median {
            Some(d) if d != patchtwin_mc::rollout::NEVER => format!(", median day {d}"),
            _ => String::new(),
        };
        return format!(
            "patched in {} of runs{when}",
            crate::format::pct(closed as f64 / n.max(1) as f64)
        );
    }
    // Controls in force at any time of the plan (a take-out or a control for a period
    // included): which of them stand on the attacker's way to this vulnerability.
    let mut active = vec![false; s.controls.len()];
    for a in &plan.actions {
        if let Action::EnableControl { control, .. } = a {
            active[control.ix()] = true;
        }
    }
    if !active.iter().any(|x| *x) {
        return "left open".into();
    }
    let mut spread = Spread::new(s, &active, Hindrance::Possible);
    spread.land();
    spread.grow(&|_, _| true);
    let vuln = VulnIdx(v as u32);
    let mut on_way: std::collections::BTreeSet<ControlIdx> = spread.passed.clone();
    let mut reachable = false;
    for &a in &s.vulnerabilities[v].assets {
        if let Some(at) = spread.attempt(vuln, a) {
            reachable = true;
            on_way.extend(at.controls);
        }
    }
    // A control that makes it unreachable is on the way by definition: with none of the
    // plan's controls the vulnerability would be reachable.
    let names: Vec<&str> = if reachable {
        on_way
            .iter()
            .filter(|k| active[k.ix()])
            .map(|k| s.controls[k.ix()].id.as_str())
            .collect()
    } else {
        s.controls
            .iter()
            .enumerate()
            .filter(|(k, _)| active[*k])
            .map(|(_, c)| c.id.as_str())
            .collect()
    };
    match (names.is_empty(), reachable) {
        (true, _) => "left open (the plan's controls are not on its path)".into(),
        (false, true) => format!("mitigated by {}; still reachable", names.join(", ")),
        (false, false) => format!(
            "mitigated by {}; unreachable while in force",
            names.join(", ")
        ),
    }
}

/// The report section "Remediation status": per vulnerability, the vendor's remediation
/// category and what each plan does about it. Empty when no vulnerability states a category.
pub(crate) fn section(summary: &crate::Summary, s: &Scenario) -> Vec<crate::document::Block> {
    use crate::document::{Block, Span};
    if s.vulnerabilities.iter().all(|v| v.remediation.is_none()) {
        return Vec::new();
    }
    let plans: Vec<(&crate::PlanSummary, &Plan)> = summary
        .plans
        .iter()
        .filter_map(|p| s.plan_by_id(&p.id).map(|i| (p, &s.plans[i])))
        .collect();
    let mut head = vec![
        "vulnerability".to_string(),
        "vendor remediation".to_string(),
    ];
    head.extend(plans.iter().map(|(p, _)| p.id.clone()));
    let right = vec![false; head.len()];
    let rows = s
        .vulnerabilities
        .iter()
        .enumerate()
        .map(|(v, vuln)| {
            let mut row = vec![
                vec![Span::Code(vuln.id.clone())],
                vec![Span::Text(category(vuln).into())],
            ];
            for (p, plan) in &plans {
                row.push(vec![Span::Text(plan_status(s, plan, &p.rollout.acc, v))]);
            }
            row
        })
        .collect();
    vec![
        Block::Heading {
            level: 2,
            text: "Remediation status".into(),
            id: "remediation".into(),
        },
        Block::Para(vec![Span::Text(
            "Per vulnerability, what the vendor offers (CSAF remediation category: vendor_fix, \
             fix_planned, no_fix_planned, none_available) and what each plan does about it: \
             patched (share of runs in which every asset the plan patches is closed within the \
             horizon, and the median day), mitigated (the plan's controls on the attacker's way \
             to it by the reach rule, and whether any of its assets stays reachable while they \
             are in force), or left open."
                .into(),
        )]),
        Block::Table { head, right, rows },
    ]
}
