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
use std::collections::BTreeSet;

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

/// What `plan` does about vulnerability `v`: patched (in what share of runs every asset the
/// plan patches is closed, and the median closing day), mitigated (the plan's controls on the
/// attacker's way to it by the one reach rule, marking those in force for a period only, and
/// whether any of its assets is still reachable under the controls in force at the end), or
/// left open.
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
    // Controls in force at some time of the plan (a take-out or a control for a period
    // included) and those still in force at its end: which of them stand on the attacker's
    // way to this vulnerability, and whether it is reachable at the end.
    let (mut any, mut end) = (vec![false; s.controls.len()], vec![false; s.controls.len()]);
    for a in &plan.actions {
        if let Action::EnableControl { control, lasts, .. } = a {
            any[control.ix()] = true;
            end[control.ix()] |= lasts.is_none();
        }
    }
    if !any.iter().any(|x| *x) {
        return "left open".into();
    }
    let vuln = VulnIdx(v as u32);
    // The controls on the way to it under `active`, and whether it is reachable at all.
    let on_way = |active: &[bool]| {
        let mut spread = Spread::new(s, active, Hindrance::Possible);
        spread.land();
        spread.grow(&|_, _| true);
        let mut on: BTreeSet<ControlIdx> = spread.passed.clone();
        let mut reachable = false;
        for &a in &s.vulnerabilities[v].assets {
            if let Some(at) = spread.attempt(vuln, a) {
                reachable = true;
                on.extend(at.controls);
            }
        }
        (on, reachable)
    };
    let (on, reachable_any) = on_way(&any);
    // Unreachable under all of them: every one of the plan's controls is on the way (without
    // them it would be reachable, or it is unreachable whatever the plan does).
    let names: Vec<String> = s
        .controls
        .iter()
        .enumerate()
        .filter(|(k, _)| any[*k] && (!reachable_any || on.contains(&ControlIdx(*k as u32))))
        .map(|(k, c)| {
            if end[k] {
                c.id.clone()
            } else {
                format!("{} (for a period)", c.id)
            }
        })
        .collect();
    if names.is_empty() {
        return "left open (the plan's controls are not on its way)".into();
    }
    let reachable_end = on_way(&end).1;
    format!(
        "mitigated by {}; {} at the end",
        names.join(", "),
        if reachable_end {
            "still reachable"
        } else {
            "unreachable"
        }
    )
}

/// The report section "Remediation status": per vulnerability, the vendor's remediation
/// category and what each plan does about it. Empty when no vulnerability states a category.
pub(crate) fn section(summary: &crate::Summary, s: &Scenario) -> Vec<crate::blocks::Block> {
    use crate::blocks::{Block, Span};
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
             to it by the reach rule, those in force for a period marked so, and whether any of \
             its assets is still reachable under the controls in force at the end), or left \
             open."
                .into(),
        )]),
        Block::Table { head, right, rows },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use patchtwin_mc::rollout::RolloutAcc;
    use patchtwin_sim::OpsOutcome;

    /// On the shipped vendor-remote-access plant, against its own data: VND-PLC-01 has no fix
    /// (none_available), VND-HMI-02 a released one (vendor_fix); each plan's line follows from
    /// its actions and the reach rule.
    #[test]
    fn the_status_of_each_vulnerability_under_each_plan_of_a_shipped_plant() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/vendor-remote-access.yaml");
        let s = patchtwin_scenario::load_file(&path)
            .unwrap_or_else(|d| panic!("{}", d.render()))
            .scenario;
        let v = |id: &str| s.vulnerabilities.iter().position(|x| x.id == id).unwrap();
        let (plc, hmi) = (v("VND-PLC-01"), v("VND-HMI-02"));
        assert_eq!(category(&s.vulnerabilities[plc]), "none_available");
        assert_eq!(category(&s.vulnerabilities[hmi]), "vendor_fix");
        let status = |plan: &str, v: usize, acc: Option<&RolloutAcc>| {
            let i = s.plan_by_id(plan).unwrap();
            let fresh = RolloutAcc::new(&s, i);
            plan_status(&s, &s.plans[i], acc.unwrap_or(&fresh), v)
        };
        assert_eq!(status("defer", plc, None), "left open");
        // The address allowlist admits one attacker in ten: on the way, not closing it.
        assert_eq!(
            status("allowlist-vendor", plc, None),
            "mitigated by vendor-addresses; still reachable at the end"
        );
        // The gateway is out for 60 days, then behind the allowlist.
        assert_eq!(
            status("gateway-off-campaign", plc, None),
            "mitigated by vendor-addresses, take_out:rag-1 (for a period); still reachable at the end"
        );
        // patch-hmi patches the HMI: 3 runs closed on day 21 (20 d 6 h → day 21, rounded up)
        // and one never: 75%, median day 21. Its PLC flaw is left open.
        let i = s.plan_by_id("patch-hmi").unwrap();
        let mut acc = RolloutAcc::new(&s, i);
        let hmi_asset = s.asset_by_id("hmi-1").unwrap().0;
        for closed in [true, true, true, false] {
            let mut o = OpsOutcome::default();
            if closed {
                o.fixed
                    .push((hmi as u32, hmi_asset, (20 * 24 + 6) * 3_600_000_000_000));
            }
            acc.push(&o);
        }
        assert_eq!(
            status("patch-hmi", hmi, Some(&acc)),
            "patched in 75% of runs, median day 21"
        );
        assert_eq!(status("patch-hmi", plc, Some(&acc)), "left open");
    }
}
