//! The derivation of the four deployer inputs on small hand-made plants.

use patchtwin_model::Scenario;
use patchtwin_report::ssvc::{
    Automatable, EndState, Exploitation, HumanImpact, MissionImpact, SafetyImpact, SystemExposure,
    automatable, consequences, deployer_decision, derive, exploitation, human_impact,
    system_exposure,
};
use patchtwin_scenario::{ModelLibrary, load_str};

use crate::summaries::{est, plan_summary};

fn load(yaml: &str) -> Scenario {
    match load_str(yaml, "ssvc-test.yaml", &ModelLibrary::builtin()) {
        Ok(l) => l.scenario,
        Err(d) => panic!("test scenario invalid:\n{}", d.render()),
    }
}

/// IT (entry point `entry` on `ent`) → DMZ (`srv`, carrying S over rdp) → OT (`plc`, carrying
/// V over modbus_tcp, KEV, automatable). `extra` adds top-level sections; `entry_kind`,
/// `v_extra` (more vulnerability fields) and `s_assets` (S's assets) vary the plant.
pub(crate) struct Plant {
    pub(crate) entry_kind: &'static str,
    pub(crate) s_assets: &'static str,
    pub(crate) v_extra: &'static str,
    pub(crate) more_assets: &'static str,
    pub(crate) v_assets: &'static str,
    pub(crate) extra: String,
}

impl Default for Plant {
    fn default() -> Self {
        Plant {
            entry_kind: "enterprise_it",
            s_assets: "[srv]",
            v_extra: "",
            more_assets: "",
            v_assets: "[plc]",
            extra: "plans: [{id: defer}]".into(),
        }
    }
}

impl Plant {
    pub(crate) fn build(&self) -> Scenario {
        load(&format!(
            r#"
name: ssvc-test
horizon: 30d
zones: [{{id: it, purdue_level: 4}}, {{id: dmz, purdue_level: 3.5}}, {{id: ot, purdue_level: 2}}]
conduits:
  - {{id: it-dmz, zones: [it, dmz], protocols: [https, rdp]}}
  - {{id: dmz-ot, zones: [dmz, ot], protocols: [rdp, modbus_tcp]}}
assets:
  - {{id: ent, zone: it, model: mes-server}}
  - {{id: srv, zone: dmz, model: mes-server}}
  - {{id: plc, zone: ot, model: fast-plc}}
{more}
vulnerabilities:
  - {{id: S, affects: {{assets: {s_assets}}}, service: rdp, exploit_maturity: functional, cvss: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
  - {{id: V, affects: {{assets: {v_assets}}}, service: modbus_tcp, kev: true, {v_extra} cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
threat:
  entry_points: [{{id: entry, kind: {entry_kind}, asset: ent, mean_time_between_attempts: 5d}}]
  targets: [{{asset: plc}}]
{extra}
"#,
            more = self.more_assets,
            s_assets = self.s_assets,
            v_assets = self.v_assets,
            v_extra = self.v_extra,
            entry_kind = self.entry_kind,
            extra = self.extra,
        ))
    }
}

fn v_index(s: &Scenario, id: &str) -> usize {
    s.vulnerabilities.iter().position(|v| v.id == id).unwrap()
}

fn exposure_under(s: &Scenario, plan: &str, vuln: &str) -> (SystemExposure, String) {
    let p = &s.plans[s.plan_by_id(plan).unwrap()];
    let e = system_exposure(s, &EndState::of(s, p), v_index(s, vuln));
    (e.value, e.reason)
}

pub(crate) const PATCH: &str = r#"
patches:
  - {id: P, fixes: [V], deploy_time: 10m, restart: machine, failure: {probability: 0.1, rollback_time: 1h}}
"#;

fn with_controls(controls: &str, actions: &str) -> String {
    format!(
        "controls:\n{controls}\nplans:\n  - {{id: defer}}\n  - {{id: fix, actions: [{actions}]}}"
    )
}

#[test]
fn exploitation_and_automatable_follow_the_scenario() {
    let s = Plant::default().build();
    let (sv, vv) = (v_index(&s, "S"), v_index(&s, "V"));
    assert_eq!(exploitation(&s, vv).value, Exploitation::Active); // KEV
    assert!(exploitation(&s, vv).reason.contains("KEV"));
    assert_eq!(exploitation(&s, sv).value, Exploitation::Public); // functional
    assert_eq!(automatable(&s, vv).value, Automatable::Yes);
    let a = automatable(&s, sv); // AC:H
    assert_eq!(a.value, Automatable::No);
    assert!(a.reason.contains("AC:H"), "{}", a.reason);

    let s = Plant {
        v_extra: "exploit_maturity: active,",
        ..Default::default()
    }
    .build();
    assert_eq!(
        exploitation(&s, v_index(&s, "V")).value,
        Exploitation::Active
    );
    let mut s = s;
    let v = v_index(&s, "V");
    s.vulnerabilities[v].kev = false;
    s.vulnerabilities[v].exploit_maturity = patchtwin_model::ExploitMaturity::ProofOfConcept;
    assert_eq!(exploitation(&s, v).value, Exploitation::Public);
    s.vulnerabilities[v].exploit_maturity = patchtwin_model::ExploitMaturity::Unproven;
    assert_eq!(exploitation(&s, v).value, Exploitation::None);
    s.vulnerabilities[v].cvss_vector = None;
    assert_eq!(automatable(&s, v).value, Automatable::No);
    s.vulnerabilities[v].cvss_vector = Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H".into());
    assert_eq!(automatable(&s, v).value, Automatable::No);
    // CVSS 4.0: network, low complexity, no privileges, no user interaction, and no attack
    // requirements (AT:N) is automatable; with AT:P (the attack needs a condition of the
    // target's deployment, e.g. a race or an on-path position) it is not, as SSVC asks
    // whether steps 1–4 of the kill chain can be reliably automated.
    let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    s.vulnerabilities[v].cvss_vector = Some(v4.into());
    assert_eq!(automatable(&s, v).value, Automatable::Yes);
    s.vulnerabilities[v].cvss_vector = Some(v4.replace("AT:N", "AT:P"));
    let a = automatable(&s, v);
    assert_eq!(a.value, Automatable::No);
    assert!(a.reason.contains("AT:P"), "{}", a.reason);
}

#[test]
fn open_through_a_stepping_stone_small_without_one() {
    let s = Plant::default().build();
    let (x, why) = exposure_under(&s, "defer", "V");
    assert_eq!(x, SystemExposure::Open, "{why}");
    // The path: entry lands in IT, takes srv with S, then plc with V.
    assert!(
        why.contains("entry (enterprise_it)") && why.contains("srv (S over it-dmz)"),
        "{why}"
    );
    // Without S on the DMZ server the attacker cannot get past the DMZ (it needs a foothold
    // in a zone to go on from it), as in the simulation.
    let s = Plant {
        s_assets: "[ent]",
        ..Default::default()
    }
    .build();
    let (x, why) = exposure_under(&s, "defer", "V");
    assert_eq!(x, SystemExposure::Small, "{why}");
    assert!(why.contains("no entry point reaches"), "{why}");
}

#[test]
fn controls_make_it_controlled_and_closing_makes_it_small() {
    let cases = [
        (
            "  - {id: seg, kind: segmentation, conduit: dmz-ot, allow_protocols: [modbus_tcp]}",
            "{control: seg, at: now}",
            SystemExposure::Controlled,
            "seg (segmentation of dmz-ot)",
        ),
        (
            "  - {id: seg, kind: segmentation, conduit: dmz-ot, allow_protocols: [rdp]}",
            "{control: seg, at: now}",
            SystemExposure::Small,
            "no entry point reaches",
        ),
        (
            "  - {id: ips, kind: virtual_patch, conduit: dmz-ot, blocks: [V], inspection_latency: 1ms}",
            "{control: ips, at: now}",
            SystemExposure::Controlled,
            "ips (virtual patch on dmz-ot)",
        ),
        (
            "  - {id: al, kind: allowlisting, assets: [plc], exploit_success: 0.2}",
            "{control: al, at: now}",
            SystemExposure::Controlled,
            "al (allowlisting)",
        ),
        (
            // Allowlisting on the stepping stone also puts a control on every path.
            "  - {id: al, kind: allowlisting, assets: [srv], exploit_success: 0.2}",
            "{control: al, at: now}",
            SystemExposure::Controlled,
            "al (allowlisting)",
        ),
        (
            "  - {id: ra, kind: remote_access_restriction, entry_point: entry, residual: 0.1}",
            "{control: ra, at: now}",
            SystemExposure::Controlled,
            "ra (restricts entry)",
        ),
        (
            "  - {id: ra, kind: remote_access_restriction, entry_point: entry, residual: 0}",
            "{control: ra, at: now}",
            SystemExposure::Small,
            "no entry point reaches",
        ),
    ];
    for (control, action, want, note) in cases {
        let s = Plant {
            extra: with_controls(control, action),
            ..Default::default()
        }
        .build();
        assert_eq!(exposure_under(&s, "defer", "V").0, SystemExposure::Open);
        let (x, why) = exposure_under(&s, "fix", "V");
        assert_eq!(x, want, "{control}: {why}");
        assert!(why.contains(note), "{control}: {why}");
    }
}

#[test]
fn entry_kinds_removable_media_is_controlled_vendor_access_is_open() {
    let s = Plant {
        entry_kind: "removable_media",
        ..Default::default()
    }
    .build();
    let (x, why) = exposure_under(&s, "defer", "V");
    assert_eq!(x, SystemExposure::Controlled, "{why}");
    assert!(why.contains("physical access"), "{why}");
    let s = Plant {
        entry_kind: "vendor_remote_access",
        ..Default::default()
    }
    .build();
    assert_eq!(exposure_under(&s, "defer", "V").0, SystemExposure::Open);
}

#[test]
fn adjacent_only_vulnerabilities_need_the_zone() {
    let s = Plant {
        v_extra: "",
        ..Default::default()
    }
    .build();
    let mut s = s;
    let v = v_index(&s, "V");
    s.vulnerabilities[v].local_only = true;
    // The attacker holds the DMZ but not the OT zone: an AV:A flaw on the PLC is out of reach.
    assert_eq!(exposure_under(&s, "defer", "V").0, SystemExposure::Small);
    // On an asset in the landing zone it is open.
    s.vulnerabilities[v].assets = vec![s.asset_by_id("ent").unwrap()];
    assert_eq!(exposure_under(&s, "defer", "V").0, SystemExposure::Open);
}

#[test]
fn patched_everywhere_is_small_and_before_patching_shows_the_interim() {
    let s = Plant {
        extra: format!("{PATCH}\nplans:\n  - {{id: defer}}\n  - {{id: patch, actions: [{{patch: P, at: now}}]}}"),
        ..Default::default()
    }
    .build();
    let (x, why) = exposure_under(&s, "patch", "V");
    assert_eq!(x, SystemExposure::Small);
    assert!(why.contains("patches it on every asset"), "{why}");
    let plans = [
        plan_summary("defer", 0.3, 0.25, 0.35, 1e6),
        plan_summary("patch", 0.9, 0.88, 0.92, 1e5),
    ];
    let rows = derive(&s, &plans);
    assert_eq!(rows.len(), 2 * 2, "two vulnerabilities × two plans");
    let v_patch = rows
        .iter()
        .find(|r| r.vulnerability == "V" && r.plan == "patch")
        .unwrap();
    assert!(v_patch.system_exposure.reason.contains("patched by P now"));
    let before = v_patch
        .before_patching
        .as_ref()
        .expect("the interim differs");
    assert_eq!(before.system_exposure.value, SystemExposure::Open);
    assert_eq!(before.p_patch_rollback, plans[1].operations.p_patch_failure);
    assert!(before.decision >= v_patch.decision);
    // Under defer nothing is patched: no interim.
    let v_defer = rows
        .iter()
        .find(|r| r.vulnerability == "V" && r.plan == "defer")
        .unwrap();
    assert!(v_defer.before_patching.is_none());
    // Every decision is the table's.
    for r in &rows {
        assert_eq!(
            r.decision,
            deployer_decision(
                r.exploitation.value,
                r.system_exposure.value,
                r.automatable.value,
                r.human_impact.value
            ),
            "{r:?}"
        );
    }
}

#[test]
fn a_patched_stepping_stone_closes_the_way_and_says_so() {
    // Patching S on srv (the only way into the DMZ) leaves V unreachable.
    let s = Plant {
        extra: "patches:\n  - {id: PS, fixes: [S], deploy_time: 10m, restart: machine, failure: {probability: 0.2, rollback_time: 1h}}\nplans:\n  - {id: defer}\n  - {id: patch-srv, actions: [{patch: PS, at: now}]}".into(),
        ..Default::default()
    }
    .build();
    let plans = [
        plan_summary("defer", 0.3, 0.25, 0.35, 1e6),
        plan_summary("patch-srv", 0.8, 0.75, 0.85, 2e5),
    ];
    let rows = derive(&s, &plans);
    let r = rows
        .iter()
        .find(|r| r.vulnerability == "V" && r.plan == "patch-srv")
        .unwrap();
    assert_eq!(r.system_exposure.value, SystemExposure::Small);
    assert!(
        r.system_exposure
            .reason
            .contains("only because the plan's patches close the way"),
        "{}",
        r.system_exposure.reason
    );
    assert_eq!(
        r.before_patching.as_ref().unwrap().system_exposure.value,
        SystemExposure::Open
    );
}

pub(crate) const UNITS: &str = r#"
process_units:
  - {id: line-1, depends_on: [{asset: plc}], restart_time: 1h, downtime_cost_per_hour: 1000, compromise_impact_cost: 5000}
"#;

fn impact(p: &Plant, vuln: &str) -> (SafetyImpact, MissionImpact, String) {
    let s = p.build();
    let plan = &s.plans[0];
    consequences(&s, &EndState::of(&s, plan), v_index(&s, vuln))
}

#[test]
fn human_impact_from_the_process_consequences() {
    // One unit depends on the PLC: marginal safety (a controller of a unit), MEF failure.
    let p = Plant {
        extra: format!("{UNITS}\nplans: [{{id: defer}}]"),
        ..Default::default()
    };
    let (si, mi, why) = impact(&p, "V");
    assert_eq!(
        (si, mi),
        (SafetyImpact::Marginal, MissionImpact::MefFailure),
        "{why}"
    );
    assert_eq!(human_impact(si, mi), HumanImpact::Medium);
    // S sits on the DMZ server: holding it, the attacker goes on to the PLC — the same stake.
    let (si, mi, why) = impact(&p, "S");
    assert_eq!(
        (si, mi),
        (SafetyImpact::Marginal, MissionImpact::MefFailure),
        "{why}"
    );
    assert!(why.contains("can go on to plc"), "{why}");

    // Two units: mission failure → very high.
    let p = Plant {
        extra: format!(
            "{UNITS}  - {{id: line-2, depends_on: [{{asset: plc}}], restart_time: 1h, downtime_cost_per_hour: 500}}\nplans: [{{id: defer}}]"
        ),
        ..Default::default()
    };
    let (si, mi, why) = impact(&p, "V");
    assert_eq!(mi, MissionImpact::MissionFailure, "{why}");
    assert_eq!(human_impact(si, mi), HumanImpact::VeryHigh);

    // A target whose compromise costs 1,000 hours of downtime: mission failure.
    let p = Plant {
        extra: "process_units:\n  - {id: line-1, depends_on: [{asset: plc}], restart_time: 1h, downtime_cost_per_hour: 1000, compromise_impact_cost: 1000000}\nplans: [{id: defer}]".into(),
        ..Default::default()
    };
    let s = p.build();
    let mut s = s;
    s.threat.targets = vec![patchtwin_model::Target {
        what: patchtwin_model::AttackTarget::Unit(patchtwin_model::UnitIdx(0)),
        impact_cost: 1_000_000.0,
    }];
    let (_, mi, why) = consequences(&s, &EndState::of(&s, &s.plans[0]), v_index(&s, "V"));
    assert_eq!(mi, MissionImpact::MissionFailure, "{why}");
    assert!(why.contains("1,000,000") && why.contains("1000 h"), "{why}");

    // A safety controller carrying it: catastrophic, whatever the mission.
    let p = Plant {
        more_assets: "  - {id: sis, zone: ot, model: safety-controller}",
        v_assets: "[plc, sis]",
        ..Default::default()
    };
    let (si, mi, why) = impact(&p, "V");
    assert_eq!(si, SafetyImpact::Catastrophic, "{why}");
    assert_eq!(human_impact(si, mi), HumanImpact::VeryHigh);

    // Only a view function depends on the historian carrying it: low.
    let p = Plant {
        more_assets: "  - {id: hist, zone: ot, model: historian}",
        v_assets: "[hist]",
        extra:
            "functions: [{id: view, kind: view, depends_on: [{asset: hist}]}]\nplans: [{id: defer}]"
                .into(),
        ..Default::default()
    };
    let (si, mi, why) = impact(&p, "V");
    assert_eq!(
        (si, mi),
        (SafetyImpact::Negligible, MissionImpact::MefSupportCrippled),
        "{why}"
    );
    assert_eq!(human_impact(si, mi), HumanImpact::Low);
}

#[test]
fn rehearsals_that_rule_out_the_consequence_lower_mission_impact_only() {
    let s = Plant {
        extra: format!("{UNITS}\nplans: [{{id: defer}}]"),
        ..Default::default()
    }
    .build();
    // Consequences seen in rehearsals: medium (marginal × MEF failure).
    let seen = plan_summary("defer", 0.5, 0.45, 0.55, 1e5);
    let rows = derive(&s, std::slice::from_ref(&seen));
    let v = rows.iter().find(|r| r.vulnerability == "V").unwrap();
    assert_eq!(v.human_impact.value, HumanImpact::Medium);
    assert!(v.human_impact.reason.contains("rehearsed P(compromise)"));
    // Rehearsals rule them out (upper bounds below 1%): mission one step lower → low.
    let mut quiet = plan_summary("defer", 0.999, 0.99, 1.0, 10.0);
    quiet.exposure.p_compromise = est(0.0, 0.0, 0.004);
    quiet.operations.p_trip = est(0.0, 0.0, 0.004);
    let rows = derive(&s, std::slice::from_ref(&quiet));
    let v = rows.iter().find(|r| r.vulnerability == "V").unwrap();
    assert_eq!(
        v.human_impact.value,
        HumanImpact::Low,
        "{}",
        v.human_impact.reason
    );
    assert!(v.human_impact.reason.contains("mission lowered"));
    // An upper bound at or above 1% keeps it.
    quiet.operations.p_trip = est(0.002, 0.0, 0.011);
    let rows = derive(&s, std::slice::from_ref(&quiet));
    let v = rows.iter().find(|r| r.vulnerability == "V").unwrap();
    assert_eq!(v.human_impact.value, HumanImpact::Medium);
    // Safety is never lowered: a safety controller stays very high.
    let s = Plant {
        more_assets: "  - {id: sis, zone: ot, model: safety-controller}",
        v_assets: "[sis]",
        ..Default::default()
    }
    .build();
    quiet.operations.p_trip = est(0.0, 0.0, 0.004);
    let rows = derive(&s, std::slice::from_ref(&quiet));
    let v = rows.iter().find(|r| r.vulnerability == "V").unwrap();
    assert_eq!(v.human_impact.value, HumanImpact::VeryHigh);
}

/// An attacker on the internet (entry point `from: internet`, an empty zone): the DMZ server's
/// web flaw is open, and the path says where it comes from, never a stand-in asset; with the
/// only conduit out of the internet taken out of service, nothing reaches it.
#[test]
fn an_attacker_from_the_internet_is_named_as_such_in_the_path() {
    let s = load(
        r#"
name: ssvc-internet
horizon: 30d
zones: [{id: internet, purdue_level: 5}, {id: dmz, purdue_level: 3.5}]
conduits:
  - {id: net-dmz, zones: [internet, dmz], protocols: [https], direction: first_to_second}
assets:
  - {id: srv, zone: dmz, model: mes-server}
vulnerabilities:
  - {id: W, affects: {assets: [srv]}, service: https, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}
threat:
  entry_points: [{id: web, kind: internet_service, from: internet, mean_time_between_attempts: 5d}]
  targets: [{asset: srv}]
plans:
  - {id: defer}
  - {id: cut, actions: [{take_out: net-dmz, at: now}]}
"#,
    );
    let (x, why) = exposure_under(&s, "defer", "W");
    assert_eq!(x, SystemExposure::Open, "{why}");
    assert!(
        why.contains(
            "from internet, outside the plant (web, internet_service) → srv (W over net-dmz)"
        ),
        "{why}"
    );
    let (x, why) = exposure_under(&s, "cut", "W");
    assert_eq!(x, SystemExposure::Small, "{why}");
}
