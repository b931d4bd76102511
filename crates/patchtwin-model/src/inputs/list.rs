//! Which inputs a scenario has, in a fixed order — patches, controls, vulnerabilities, the
//! threat, process units, assets; scenario order within each — each with its name, label,
//! kind, unit and value, and the range the scenario gives it or the default of its kind.
//!
//! Only inputs that can matter are listed: patches and controls some plan uses, the assets
//! those patches are deployed to, and every threat, unit and vulnerability parameter.
//!
//! Not here: setting a value (`apply`).

use super::{Input, Kind, Locator, NS_PER_DAY, NS_PER_HOUR, RangeSource, with_scenario_ranges};
use crate::{Action, AttackTarget, ControlEffect, DurationDist, Scenario};

/// Every uncertain input of `s` that can matter, in a fixed order (patches, controls,
/// vulnerabilities, threat, units, assets; scenario order within each), with the scenario's
/// ranges where it gives them and default ranges elsewhere.
pub fn enumerate(s: &Scenario) -> Vec<Input> {
    let used = Used::of(s);
    let mut out = List(Vec::new());
    patches(&mut out, s, &used);
    controls(&mut out, s, &used);
    vulnerabilities(&mut out, s);
    threat(&mut out, s);
    process_units(&mut out, s);
    assets(&mut out, s, &used);
    with_scenario_ranges(s, out.0)
}

/// The patches and controls some plan uses, and the assets those patches go to.
struct Used {
    patches: Vec<bool>,
    controls: Vec<bool>,
    patched_assets: Vec<bool>,
}

impl Used {
    fn of(s: &Scenario) -> Self {
        let mut used = Used {
            patches: vec![false; s.patches.len()],
            controls: vec![false; s.controls.len()],
            patched_assets: vec![false; s.assets.len()],
        };
        for a in s.plans.iter().flat_map(|p| &p.actions) {
            match a {
                Action::ApplyPatch { patch, assets, .. } => {
                    used.patches[patch.0 as usize] = true;
                    for x in assets {
                        used.patched_assets[x.0 as usize] = true;
                    }
                }
                Action::EnableControl { control, .. } => used.controls[control.0 as usize] = true,
            }
        }
        used
    }
}

/// The inputs listed so far.
struct List(Vec<Input>);

impl List {
    /// Adds an input with the default range of its kind.
    fn push(
        &mut self,
        name: String,
        label: String,
        kind: Kind,
        unit: &str,
        base: f64,
        at: Locator,
    ) {
        let (low, high) = kind.default_range(base);
        self.0.push(Input {
            name,
            label,
            kind,
            unit: unit.to_string(),
            base,
            low,
            high,
            range_source: RangeSource::Default,
            range_note: String::new(),
            locator: at,
        });
    }
    /// Adds a probability.
    fn probability(&mut self, name: String, label: String, base: f64, at: Locator) {
        self.push(name, label, Kind::Probability, "probability", base, at);
    }
    /// Adds the mean of a duration distribution, in hours.
    fn hours(&mut self, name: String, label: String, d: &DurationDist, at: Locator) {
        self.push(name, label, Kind::Duration, "h", hours(d), at);
    }
}

fn hours(d: &DurationDist) -> f64 {
    d.0.mean() / NS_PER_HOUR
}

fn patches(out: &mut List, s: &Scenario, used: &Used) {
    for (i, p) in s
        .patches
        .iter()
        .enumerate()
        .filter(|(i, _)| used.patches[*i])
    {
        let id = &p.id;
        out.probability(
            format!("patches[{id}].failure_probability"),
            format!("P(patch {id} fails)"),
            p.failure_probability.mean(),
            Locator::PatchFailure(i),
        );
        out.hours(
            format!("patches[{id}].deploy_time"),
            format!("deploy time of {id}"),
            &p.deploy_time,
            Locator::PatchDeploy(i),
        );
        if let Some(r) = &p.restart_time {
            out.hours(
                format!("patches[{id}].restart_time"),
                format!("restart time after {id}"),
                r,
                Locator::PatchRestart(i),
            );
        }
        out.hours(
            format!("patches[{id}].rollback_time"),
            format!("rollback time of {id}"),
            &p.rollback_time,
            Locator::PatchRollback(i),
        );
    }
}

fn controls(out: &mut List, s: &Scenario, used: &Used) {
    for (i, c) in s
        .controls
        .iter()
        .enumerate()
        .filter(|(i, _)| used.controls[*i])
    {
        // A plan's take-out: nothing uncertain to vary (in effect at once, never failing).
        if matches!(c.effect, ControlEffect::OutOfService { .. }) {
            continue;
        }
        let id = &c.id;
        out.probability(
            format!("controls[{id}].failure_probability"),
            format!("P(control {id} fails)"),
            c.failure_probability.mean(),
            Locator::ControlFailure(i),
        );
        out.hours(
            format!("controls[{id}].deploy_time"),
            format!("time to enable {id}"),
            &c.deploy_time,
            Locator::ControlDeploy(i),
        );
        effect(out, id, i, &c.effect);
    }
}

/// The inputs of a control's effect: its response time (monitoring), then the probability
/// that says how well it works.
fn effect(out: &mut List, id: &str, i: usize, effect: &ControlEffect) {
    let (field, label, base, at) = match effect {
        ControlEffect::Monitoring {
            detection_probability,
            time_to_respond,
            ..
        } => {
            out.hours(
                format!("controls[{id}].time_to_respond"),
                format!("response time of {id}"),
                time_to_respond,
                Locator::TimeToRespond(i),
            );
            (
                "detection_probability",
                format!("P({id} detects a step)"),
                detection_probability.mean(),
                Locator::Detection(i),
            )
        }
        ControlEffect::Allowlisting {
            exploit_success, ..
        } => (
            "exploit_success",
            format!("P(exploit succeeds despite {id})"),
            *exploit_success,
            Locator::AllowlistSuccess(i),
        ),
        ControlEffect::VirtualPatch {
            miss_probability, ..
        } => (
            "miss_probability",
            format!("P({id} misses an exploit)"),
            *miss_probability,
            Locator::VirtualPatchMiss(i),
        ),
        ControlEffect::RemoteAccessRestriction { residual, .. } => (
            "residual",
            format!("share of attempts still through {id}"),
            *residual,
            Locator::RemoteResidual(i),
        ),
        ControlEffect::SourceAllowlist { residual, .. } => (
            "residual",
            format!("share of attackers {id} admits (spoofed or insider)"),
            *residual,
            Locator::RemoteResidual(i),
        ),
        ControlEffect::Segmentation { .. } | ControlEffect::OutOfService { .. } => return,
    };
    out.probability(format!("controls[{id}].{field}"), label, base, at);
}

fn vulnerabilities(out: &mut List, s: &Scenario) {
    for (i, v) in s.vulnerabilities.iter().enumerate() {
        out.push(
            format!("vulnerabilities[{}].ttc", v.id),
            format!("time to compromise {}", v.id),
            Kind::Duration,
            "days",
            v.ttc.0.mean() / NS_PER_DAY,
            Locator::Ttc(i),
        );
    }
}

fn threat(out: &mut List, s: &Scenario) {
    for (i, e) in s.threat.entry_points.iter().enumerate() {
        out.push(
            format!("threat.entry_points[{}].mean_time_between_attempts", e.id),
            format!("days between attack attempts via {}", e.id),
            Kind::Duration,
            "days",
            e.mean_time_between_attempts.as_nanos() as f64 / NS_PER_DAY,
            Locator::AttemptGap(i),
        );
        out.probability(
            format!("threat.entry_points[{}].foothold_probability", e.id),
            format!("P(foothold via {})", e.id),
            e.foothold_probability.mean(),
            Locator::Foothold(i),
        );
    }
    out.hours(
        "threat.recovery_time".into(),
        "recovery time of a stopped controller".into(),
        &s.threat.recovery_time,
        Locator::Recovery,
    );
    for (i, t) in s.threat.targets.iter().enumerate() {
        let id = match t.what {
            AttackTarget::Asset(a) => &s.assets[a.0 as usize].id,
            AttackTarget::Unit(u) => &s.process_units[u.0 as usize].id,
        };
        out.push(
            format!("threat.targets[{id}].impact_cost"),
            format!("impact cost of {id} compromised"),
            Kind::Cost,
            &s.currency,
            t.impact_cost,
            Locator::TargetImpact(i),
        );
    }
}

fn process_units(out: &mut List, s: &Scenario) {
    for (i, u) in s.process_units.iter().enumerate() {
        let id = &u.id;
        out.hours(
            format!("process_units[{id}].restart_time"),
            format!("restart time of {id}"),
            &u.restart_time,
            Locator::UnitRestart(i),
        );
        out.push(
            format!("process_units[{id}].downtime_cost_per_hour"),
            format!("downtime cost per hour of {id}"),
            Kind::Cost,
            &s.currency,
            u.downtime_cost_per_hour,
            Locator::UnitDowntimeCost(i),
        );
        out.probability(
            format!("process_units[{id}].attack_trip_probability"),
            format!("P(attacker trips {id})"),
            u.attack_trip_probability.mean(),
            Locator::UnitAttackTrip(i),
        );
    }
}

fn assets(out: &mut List, s: &Scenario, used: &Used) {
    for (i, a) in s.assets.iter().enumerate() {
        let id = &a.id;
        if used.patched_assets[i] {
            out.hours(
                format!("assets[{id}].reboot_time"),
                format!("reboot time of {id}"),
                &a.behaviour.reboot_time,
                Locator::AssetReboot(i),
            );
            out.hours(
                format!("assets[{id}].service_restart_time"),
                format!("service restart time of {id}"),
                &a.behaviour.service_restart_time,
                Locator::AssetServiceRestart(i),
            );
        }
        if a.behaviour.fault_rate_per_day > 0.0 {
            out.push(
                format!("assets[{id}].fault_rate_per_day"),
                format!("fault rate of {id}"),
                Kind::Rate,
                "per day",
                a.behaviour.fault_rate_per_day,
                Locator::AssetFaultRate(i),
            );
        }
    }
}
