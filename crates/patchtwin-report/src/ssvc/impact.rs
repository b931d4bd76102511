//! SSVC Human Impact at a plan's end state: Safety and Mission Impact of an attacker holding
//! the vulnerable assets, from the plant's structure, lowered one step when the plan's
//! rehearsals rule the consequence out.
//!
//! This module is not the reach rule (`exposure` asks the model's) and computes no statistics;
//! it reads the plan's estimates from the summary.

use super::*;

/// Assets a list of dependencies rests on (the model's one dependency walk).
fn deps_of(s: &Scenario, deps: &[Dependency]) -> BTreeSet<usize> {
    s.assets_behind(deps).iter().map(|a| a.ix()).collect()
}

/// Safety and mission impact of an attacker holding the assets carrying `v` at end state
/// `st`, from the plant's structure only; with the reason.
pub fn consequences(
    s: &Scenario,
    st: &EndState,
    v: usize,
) -> (SafetyImpact, MissionImpact, String) {
    let vuln = &s.vulnerabilities[v];
    let open = |pv: VulnIdx, pa: AssetIdx| !st.patched.contains(&(pv.ix(), pa.ix()));
    let mut r = Spread::new(s, &st.controls, Hindrance::Possible);
    for a in &vuln.assets {
        r.hold(*a);
    }
    r.grow(&open);
    let reached: BTreeSet<usize> = (0..s.assets.len()).filter(|&a| r.compromised[a]).collect();
    let onward: Vec<String> = reached
        .iter()
        .filter(|a| !vuln.assets.iter().any(|b| b.ix() == **a))
        .map(|&a| s.assets[a].id.clone())
        .collect();
    let name = |a: usize| s.assets[a].id.clone();

    let (safety, safety_why) = safety_impact(s, &reached);
    let (mission, mission_why) = mission_impact(s, &reached);
    let holders = list(
        &vuln.assets.iter().map(|a| name(a.ix())).collect::<Vec<_>>(),
        3,
    );
    let reach = if onward.is_empty() {
        format!("an attacker holding {holders} reaches nothing further")
    } else {
        format!(
            "an attacker holding {holders} can go on to {}",
            list(&onward, 4)
        )
    };
    (
        safety,
        mission,
        format!(
            "{reach}; safety impact {safety}: {safety_why}; mission impact {mission}: {mission_why}"
        ),
    )
}

/// Safety impact of an attacker holding the assets `reached`: a safety controller, an asset a
/// safety function rests on, a controller a process unit rests on, or none of these.
fn safety_impact(s: &Scenario, reached: &BTreeSet<usize>) -> (SafetyImpact, String) {
    let name = |a: usize| s.assets[a].id.clone();
    // Safety.
    let safety_fn: BTreeSet<usize> = s
        .functions
        .iter()
        .filter(|f| f.kind == FunctionKind::Safety)
        .flat_map(|f| deps_of(s, &f.depends_on))
        .collect();
    let unit_deps: Vec<BTreeSet<usize>> = s
        .process_units
        .iter()
        .map(|u| deps_of(s, &u.depends_on))
        .collect();
    if let Some(&a) = reached
        .iter()
        .find(|&&a| s.assets[a].kind == AssetKind::SafetyController)
    {
        (
            SafetyImpact::Catastrophic,
            format!("{} is a safety controller", name(a)),
        )
    } else if let Some(&a) = reached.iter().find(|a| safety_fn.contains(a)) {
        (
            SafetyImpact::Critical,
            format!("a safety function depends on {}", name(a)),
        )
    } else if let Some(&a) = reached
        .iter()
        .find(|&&a| s.assets[a].kind.is_controller() && unit_deps.iter().any(|d| d.contains(&a)))
    {
        (
            SafetyImpact::Marginal,
            format!("{} controls a process unit", name(a)),
        )
    } else {
        (
            SafetyImpact::Negligible,
            "no controller or safety system within reach".into(),
        )
    }
}

/// Mission impact of an attacker holding the assets `reached`: the process units, threat
/// targets and functions that rest on them.
fn mission_impact(s: &Scenario, reached: &BTreeSet<usize>) -> (MissionImpact, String) {
    let name = |a: usize| s.assets[a].id.clone();
    let unit_deps: Vec<BTreeSet<usize>> = s
        .process_units
        .iter()
        .map(|u| deps_of(s, &u.depends_on))
        .collect();
    // Mission.
    let units: Vec<usize> = (0..s.process_units.len())
        .filter(|&u| unit_deps[u].iter().any(|a| reached.contains(a)))
        .collect();
    let unit_names: Vec<String> = units
        .iter()
        .map(|&u| s.process_units[u].id.clone())
        .collect();
    let max_cost_h = s
        .process_units
        .iter()
        .map(|u| u.downtime_cost_per_hour)
        .fold(0.0, f64::max);
    let mut large_target = None;
    let mut any_target = None;
    for t in &s.threat.targets {
        let (hit, label, cost_h) = match t.what {
            AttackTarget::Asset(a) => (reached.contains(&a.ix()), name(a.ix()), max_cost_h),
            AttackTarget::Unit(u) => {
                let unit = &s.process_units[u.ix()];
                // The controllers whose loss stops the unit, as the simulated attacker
                // counts them (the model's one dependency walk).
                let ctrl: BTreeSet<usize> = s
                    .controllers_behind(&unit.depends_on)
                    .iter()
                    .map(|a| a.ix())
                    .collect();
                (
                    ctrl.iter().any(|a| reached.contains(a)),
                    unit.id.clone(),
                    unit.downtime_cost_per_hour,
                )
            }
        };
        if !hit {
            continue;
        }
        let large = t.impact_cost > 0.0 && t.impact_cost >= LARGE_IMPACT_HOURS * cost_h;
        if large && large_target.is_none() {
            large_target = Some((label.clone(), t.impact_cost, cost_h));
        }
        any_target.get_or_insert(label);
    }
    let functions: Vec<String> = s
        .functions
        .iter()
        .filter(|f| {
            deps_of(s, &f.depends_on)
                .iter()
                .any(|a| reached.contains(a))
        })
        .map(|f| f.id.clone())
        .collect();
    if units.len() >= 2 {
        (
            MissionImpact::MissionFailure,
            format!(
                "{} process units depend on them — {}",
                units.len(),
                list(&unit_names, 3)
            ),
        )
    } else if let Some((t, cost, cost_h)) = large_target {
        let hours = if cost_h > 0.0 {
            format!(" = {:.0} h of its downtime", cost / cost_h)
        } else {
            String::new()
        };
        (
            MissionImpact::MissionFailure,
            format!(
                "target {t} is within reach and its compromise costs {}{hours}",
                thousands(cost)
            ),
        )
    } else if !units.is_empty() {
        (
            MissionImpact::MefFailure,
            format!("process unit {} depends on them", unit_names[0]),
        )
    } else if let Some(t) = any_target {
        (
            MissionImpact::MefFailure,
            format!("target {t} is within reach"),
        )
    } else if !functions.is_empty() {
        (
            MissionImpact::MefSupportCrippled,
            format!(
                "functions {} depend on them, no process unit",
                list(&functions, 3)
            ),
        )
    } else {
        (
            MissionImpact::Degraded,
            "no function or process unit depends on them".into(),
        )
    }
}

fn lower(m: MissionImpact) -> MissionImpact {
    match m {
        MissionImpact::MissionFailure => MissionImpact::MefFailure,
        MissionImpact::MefFailure => MissionImpact::MefSupportCrippled,
        _ => MissionImpact::Degraded,
    }
}

/// Human impact of `v` at end state `st`, with the plan's simulated results.
pub fn human_impact_of(
    s: &Scenario,
    st: &EndState,
    v: usize,
    plan: &PlanSummary,
) -> Input<HumanImpact> {
    let (safety, mut mission, why) = consequences(s, st, v);
    let pc = plan.exposure.p_compromise;
    let pt = plan.operations.p_trip;
    let sim = if pc.hi < RARE && pt.hi < RARE && mission > MissionImpact::Degraded {
        mission = lower(mission);
        format!(
            "; rehearsals of this plan rule out the consequence (P(compromise) ≤ {}, P(trip) ≤ {} at 95%): mission lowered to {mission}",
            pct1(pc.hi),
            pct1(pt.hi)
        )
    } else {
        format!(
            "; rehearsed P(compromise) {}, P(trip) {}",
            pct_ci(&pc),
            pct_ci(&pt)
        )
    };
    let value = human_impact(safety, mission);
    Input {
        value,
        reason: format!("{why}{sim}"),
    }
}
