//! `ssvc.json`: the SSVC deployer decision per vulnerability × asset × plan as CERT/CC SSVC v2
//! SelectionLists (schema `SelectionList_2_0_0.schema.json`), with the simulated evidence behind
//! System Exposure and Human Impact, in three states:
//!
//! - `as_found`: no control of any plan, no patch — the plant as the scenario describes it;
//! - `controls_in_force`: the plan's controls in effect, none of its patches (the state until
//!   the patches land, and the one a rollback leaves); only for plans that enable controls;
//! - `plan_in_force`: every control and patch of the plan in effect.
//!
//! Each state carries a full SelectionList (Exploitation E 1.1.0, System Exposure EXP 1.0.1,
//! Automatable A 2.0.0, Human Impact HI 2.0.2 and the outcome DSOI 1.0.0) beside the reasons.
//! The inputs are derived as [`crate::ssvc`] derives them, for one asset at a time: a
//! [`Probe`] adds a copy of the vulnerability carried by that asset alone, so the rest of the
//! plant (including the other assets carrying the vulnerability, which the attacker may use as
//! stepping stones) stays as it is. Human impact's simulated lowering reads the plan's
//! rehearsals; for `as_found` it reads the first plan of the summary (the baseline).
//!
//! The SelectionList `timestamp` (the format requires one) is not the wall clock: it is the
//! date of the newest input the scenario records ([`crate::provenance::Provenance::as_of`]),
//! the Unix epoch ("undated") when it records none, so the output set depends only on the
//! scenario, seed and runs.
//!
//! This module does not decide anything [`crate::ssvc`] does not; it re-expresses it.

use crate::ssvc::{self, EndState, HumanImpact, Input, SystemExposure};
use crate::{PlanSummary, Summary};
use patchtwin_model::{
    Control, ControlEffect, DurationDist, EntryIdx, EntryKind, Probability, Scenario, VulnIdx,
};
use serde_json::{Value, json};

/// A copy of the scenario with one extra vulnerability slot, to ask the SSVC reach rule about
/// one asset carrying a vulnerability while everything else stays as it is.
pub struct Probe {
    s: Scenario,
    slot: usize,
    source: Option<usize>,
}

impl Probe {
    /// A probe over `s`.
    pub fn new(s: &Scenario) -> Self {
        let mut copy = s.clone();
        let slot = copy.vulnerabilities.len();
        if let Some(first) = s.vulnerabilities.first() {
            copy.vulnerabilities.push(first.clone());
        }
        Probe {
            s: copy,
            slot,
            source: None,
        }
    }

    /// Points the slot at vulnerability `v` carried by `asset` only, and maps `st` onto it.
    fn aim(&mut self, v: usize, asset: usize, st: &EndState) -> EndState {
        if self.source != Some(v) {
            let mut copy = self.s.vulnerabilities[v].clone();
            copy.assets.clear();
            self.s.vulnerabilities[self.slot] = copy;
            let slot = VulnIdx(self.slot as u32);
            for c in &mut self.s.controls {
                if let ControlEffect::VirtualPatch { blocks, .. } = &mut c.effect {
                    blocks.retain(|b| *b != slot);
                    if blocks.iter().any(|b| b.ix() == v) {
                        blocks.push(slot);
                    }
                }
            }
            self.source = Some(v);
        }
        self.s.vulnerabilities[self.slot].assets = self.s.vulnerabilities[v]
            .assets
            .iter()
            .copied()
            .filter(|a| a.ix() == asset)
            .collect();
        let mut st = st.clone();
        if st.patched.contains(&(v, asset)) {
            st.patched.insert((self.slot, asset));
        }
        st
    }

    /// SSVC system exposure of `v` on `asset` alone at `st`.
    pub fn exposure(
        &mut self,
        _s: &Scenario,
        st: &EndState,
        v: usize,
        asset: usize,
    ) -> Input<SystemExposure> {
        let st = self.aim(v, asset, st);
        ssvc::system_exposure(&self.s, &st, self.slot)
    }

    /// SSVC human impact of an attacker holding `asset` through `v` at `st`.
    pub fn human(
        &mut self,
        st: &EndState,
        v: usize,
        asset: usize,
        ps: &PlanSummary,
    ) -> Input<HumanImpact> {
        let st = self.aim(v, asset, st);
        ssvc::human_impact_of(&self.s, &st, self.slot, ps)
    }
}

/// A copy of the scenario where only internet-facing entry points (`internet_service`,
/// `vendor_remote_access`) are usable: every other one is closed by an added remote-access
/// restriction with residual 0, always in force.
pub struct InternetOnly {
    s: Scenario,
    added: usize,
}

impl InternetOnly {
    /// Builds it.
    pub fn new(s: &Scenario) -> Self {
        let mut copy = s.clone();
        let mut added = 0;
        for (ei, e) in s.threat.entry_points.iter().enumerate() {
            if matches!(
                e.kind,
                EntryKind::InternetService | EntryKind::VendorRemoteAccess
            ) {
                continue;
            }
            copy.controls.push(Control {
                recovery: Vec::new(),
                id: format!("{} (not internet-facing)", e.id),
                effect: ControlEffect::RemoteAccessRestriction {
                    entry_point: EntryIdx(ei as u32),
                    residual: 0.0,
                },
                deploy_time: DurationDist::constant(patchtwin_model::Duration::ZERO),
                failure_probability: Probability::fixed(0.0).expect("0 is a probability"),
            });
            added += 1;
        }
        InternetOnly { s: copy, added }
    }

    /// SSVC system exposure of `v` at `st` with only internet-facing entry points usable.
    pub fn exposure(&self, st: &EndState, v: usize) -> Input<SystemExposure> {
        let mut st = st.clone();
        st.controls.extend(std::iter::repeat_n(true, self.added));
        ssvc::system_exposure(&self.s, &st, v)
    }
}

fn selection(namespace: &str, key: &str, version: &str, name: &str, value: (&str, &str)) -> Value {
    json!({
        "namespace": namespace,
        "key": key,
        "version": version,
        "name": name,
        "values": [{ "key": value.0, "name": value.1 }],
    })
}

/// One state's SelectionList and evidence.
fn state(
    timestamp: &str,
    vuln: &str,
    asset: &str,
    exploitation: &Input<ssvc::Exploitation>,
    exposure: &Input<SystemExposure>,
    automatable: &Input<ssvc::Automatable>,
    human: &Input<HumanImpact>,
) -> Value {
    use ssvc::{Automatable as A, Decision as D, Exploitation as E, HumanImpact as H};
    let decision = ssvc::deployer_decision(
        exploitation.value,
        exposure.value,
        automatable.value,
        human.value,
    );
    let e = match exploitation.value {
        E::None => ("N", "None"),
        E::Public => ("P", "Public PoC"),
        E::Active => ("A", "Active"),
    };
    let x = match exposure.value {
        SystemExposure::Small => ("S", "Small"),
        SystemExposure::Controlled => ("C", "Controlled"),
        SystemExposure::Open => ("O", "Open"),
    };
    let a = match automatable.value {
        A::No => ("N", "No"),
        A::Yes => ("Y", "Yes"),
    };
    let h = match human.value {
        H::Low => ("L", "Low"),
        H::Medium => ("M", "Medium"),
        H::High => ("H", "High"),
        H::VeryHigh => ("VH", "Very High"),
    };
    let d = match decision {
        D::Defer => ("D", "Defer"),
        D::Scheduled => ("S", "Scheduled"),
        D::OutOfCycle => ("O", "Out-of-Cycle"),
        D::Immediate => ("I", "Immediate"),
    };
    json!({
        "decision": decision,
        "evidence": {
            "exploitation": exploitation.reason,
            "system_exposure": exposure.reason,
            "automatable": automatable.reason,
            "human_impact": human.reason,
        },
        "selection_list": {
            "schemaVersion": "2.0.0",
            "timestamp": timestamp,
            "target_ids": [vuln, format!("asset:{asset}")],
            "selections": [
                selection("ssvc", "E", "1.1.0", "Exploitation", e),
                selection("ssvc", "EXP", "1.0.1", "System Exposure", x),
                selection("ssvc", "A", "2.0.0", "Automatable", a),
                selection("ssvc", "HI", "2.0.2", "Human Impact", h),
                selection("ssvc", "DSOI", "1.0.0", "Defer, Scheduled, Out-of-Cycle, Immediate", d),
            ],
            "decision_point_resources": [{
                "uri": "https://certcc.github.io/SSVC/reference/decision_points/",
                "summary": "SSVC decision points (E 1.1.0, EXP 1.0.1, A 2.0.0, HI 2.0.2) and the deployer table DSOI 1.0.0",
            }],
        },
    })
}

/// The text of `ssvc.json` for `summary` (whose plans were rehearsed on `s`), stamped
/// `timestamp` (RFC 3339).
pub fn render(summary: &Summary, s: &Scenario, timestamp: &str) -> String {
    let mut probe = Probe::new(s);
    let nothing = EndState {
        controls: vec![false; s.controls.len()],
        patched: Default::default(),
    };
    let plans: Vec<(&PlanSummary, EndState)> = summary
        .plans
        .iter()
        .filter_map(|ps| {
            let plan = s.plans.iter().find(|p| p.id == ps.id)?;
            Some((ps, EndState::of(s, plan)))
        })
        .collect();
    let mut entries = Vec::new();
    for (v, vuln) in s.vulnerabilities.iter().enumerate() {
        let exploitation = ssvc::exploitation(s, v);
        let automatable = ssvc::automatable(s, v);
        for a in vuln.assets.iter().map(|a| a.ix()) {
            let asset = &s.assets[a].id;
            let mut at = |st: &EndState, ps: &PlanSummary| {
                let x = probe.exposure(s, st, v, a);
                let h = probe.human(st, v, a, ps);
                state(
                    timestamp,
                    &vuln.id,
                    asset,
                    &exploitation,
                    &x,
                    &automatable,
                    &h,
                )
            };
            let Some((baseline, _)) = plans.first() else {
                continue;
            };
            let as_found = at(&nothing, baseline);
            let mut per_plan = Vec::new();
            for (ps, st) in &plans {
                let controls = st
                    .controls
                    .iter()
                    .any(|c| *c)
                    .then(|| at(&st.without_patches(), ps));
                let end = at(st, ps);
                let change = format!(
                    "{} as found → {} with the plan in force",
                    as_found["decision"].as_str().unwrap_or(""),
                    end["decision"].as_str().unwrap_or("")
                );
                per_plan.push(json!({
                    "plan": ps.id,
                    "controls_in_force": controls,
                    "plan_in_force": end,
                    "change": change,
                }));
            }
            entries.push(json!({
                "vulnerability": vuln.id,
                "asset": asset,
                "as_found": as_found,
                "plans": per_plan,
            }));
        }
    }
    let doc = json!({
        "format": "patchtwin-ssvc/0.1",
        "about": "SSVC deployer decision (CERT/CC DSOI 1.0.0) per vulnerability x asset x plan; each selection_list is an SSVC v2 SelectionList (SelectionList_2_0_0.schema.json)",
        "scenario": { "name": summary.scenario.name, "sha256": summary.scenario.sha256 },
        "seed": summary.settings.seed,
        "runs": summary.settings.runs,
        "entries": entries,
    });
    let mut text = serde_json::to_string(&doc).expect("ssvc.json serializes");
    text.push('\n');
    text
}
