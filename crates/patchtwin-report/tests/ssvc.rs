//! SSVC and the recommendation.
//!
//! The deployer table is checked row by row against CERT/CC's published CSV
//! (`CERTCC/SSVC`, `data/csv/ssvc/deployer_patch_application_priority_1_0_0.csv`, MIT License,
//! Copyright (c) 2020 CERT Coordination Center), shipped unmodified in
//! `shared/data/ssvc/` beside the repository. The derivation of the four inputs is checked on
//! small hand-made plants, and the recommendation on hand-made summaries.

use patchtwin_model::Scenario;
use patchtwin_report::recommend::{Recommendation, recommend};
use patchtwin_report::ssvc::{
    Automatable, Decision, EndState, Exploitation, HumanImpact, MissionImpact, SafetyImpact,
    SystemExposure, automatable, consequences, deployer_decision, derive, exploitation,
    human_impact, system_exposure,
};
use patchtwin_report::{
    Comparison, EngineInfo, Est, Exposure, Operations, PairDifference, PlanSummary, ScenarioInfo,
    SettingsInfo, Summary, Timing, TtcDays, table,
};
use patchtwin_scenario::{ModelLibrary, load_str};

// ---------------------------------------------------------------------------------------------
// The deployer table against CERT/CC's CSV.

const DEPLOYER_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/ssvc/deployer_patch_application_priority_1_0_0.csv"
);

#[test]
fn deployer_table_matches_cert_cc_csv_row_by_row() {
    let text = std::fs::read_to_string(DEPLOYER_CSV).unwrap_or_else(|e| {
        panic!(
            "cannot read CERT/CC's SSVC deployer table at {DEPLOYER_CSV}: {e}\n\
             (the `shared/` folder must sit beside the repository checkout)"
        )
    });
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let header = lines.next().expect("a header line");
    assert_eq!(
        header,
        "row,Exploitation v1.1.0,System Exposure v1.0.1,Automatable v2.0.0,Human Impact v2.0.2,\
         \"Defer, Scheduled, Out-of-Cycle, Immediate v1.0.0\"",
        "column order or versions changed"
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut rows = 0;
    for (i, line) in lines.filter(|l| !l.trim().is_empty()).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 6, "row {i}: {line}");
        assert_eq!(
            f[0].parse::<usize>().ok(),
            Some(i),
            "row numbers run 0..: {line}"
        );
        let e = Exploitation::from_label(f[1]).unwrap_or_else(|| panic!("exploitation {line}"));
        let x = SystemExposure::from_label(f[2]).unwrap_or_else(|| panic!("exposure {line}"));
        let a = Automatable::from_label(f[3]).unwrap_or_else(|| panic!("automatable {line}"));
        let h = HumanImpact::from_label(f[4]).unwrap_or_else(|| panic!("human impact {line}"));
        let d = Decision::from_label(f[5]).unwrap_or_else(|| panic!("decision {line}"));
        assert_eq!(deployer_decision(e, x, a, h), d, "row {i}: {line}");
        // The CSV lists the combinations in the order of our enums (lowest first).
        let index = ((e as usize * 3 + x as usize) * 2 + a as usize) * 4 + h as usize;
        assert_eq!(index, i, "row order: {line}");
        assert!(seen.insert((e, x, a, h)), "duplicate combination: {line}");
        rows += 1;
    }
    assert_eq!(rows, 72, "3 × 3 × 2 × 4 combinations");
}

#[test]
fn labels_are_cert_cc_spellings_and_round_trip() {
    assert_eq!(Exploitation::Public.label(), "public poc");
    assert_eq!(HumanImpact::VeryHigh.label(), "very high");
    assert_eq!(Decision::OutOfCycle.label(), "out-of-cycle");
    for d in Decision::ALL {
        assert_eq!(Decision::from_label(d.label()), Some(*d));
    }
    assert_eq!(
        Decision::from_label(" Immediate "),
        Some(Decision::Immediate)
    );
    assert_eq!(Decision::from_label("urgent"), None);
    // JSON uses snake_case.
    assert_eq!(
        serde_json::to_string(&Decision::OutOfCycle).unwrap(),
        "\"out_of_cycle\""
    );
    assert_eq!(
        serde_json::to_string(&Exploitation::Public).unwrap(),
        "\"public_poc\""
    );
}

/// SSVC Human Impact v2.0.2 (CERTCC/SSVC `data/csv/ssvc/human_impact_1_0_0.csv`, MIT): safety
/// impact v2.0.1 × mission impact v2.0.0. Not shipped in `shared/`, so quoted here.
#[test]
fn human_impact_table_matches_cert_cc() {
    const TABLE: &str = "\
negligible,degraded,low
negligible,mef support crippled,low
negligible,mef failure,medium
negligible,mission failure,very high
marginal,degraded,low
marginal,mef support crippled,low
marginal,mef failure,medium
marginal,mission failure,very high
critical,degraded,medium
critical,mef support crippled,high
critical,mef failure,high
critical,mission failure,very high
catastrophic,degraded,very high
catastrophic,mef support crippled,very high
catastrophic,mef failure,very high
catastrophic,mission failure,very high";
    for line in TABLE.lines() {
        let f: Vec<&str> = line.split(',').collect();
        let s = SafetyImpact::from_label(f[0]).unwrap();
        let m = MissionImpact::from_label(f[1]).unwrap();
        let h = HumanImpact::from_label(f[2]).unwrap();
        assert_eq!(human_impact(s, m), h, "{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// One reach rule: SSVC's system exposure against the simulated attacker's index.

/// On every plan of every shipped scenario, at the plan's end state and with its controls
/// but none of its patches: the vulnerabilities SSVC calls open or controlled are exactly
/// those with a (vulnerability, asset) pair the simulated attacker's index counts as exposed
/// (what exposure-days integrate), and the index's exposed pairs are the model rule's.
#[test]
fn ssvc_exposure_is_the_simulated_attackers_reach_on_every_shipped_plan() {
    use patchtwin_model::{AssetIdx, VulnIdx, reach};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut compared = 0;
    for name in [
        "ews-actively-exploited",
        "water-treatment",
        "substation",
        "packaging-line",
        "large-plant",
        "vendor-remote-access",
    ] {
        let s = patchtwin_scenario::load_file(&root.join(format!("{name}.yaml")))
            .unwrap_or_else(|d| panic!("{}", d.render()))
            .scenario;
        let index = patchtwin_sim::compiled::reach::AttackIndex::new(&s);
        for plan in &s.plans {
            let end = EndState::of(&s, plan);
            for st in [end.clone(), end.without_patches()] {
                let fixed = |v: u32, a: u32| st.patched.contains(&(v as usize, a as usize));
                let mut sim = Vec::new();
                index.for_each_exposed(
                    &s,
                    &st.controls,
                    &fixed,
                    &mut Vec::new(),
                    &mut Vec::new(),
                    |v, a| sim.push((v, a)),
                );
                sim.sort_unstable();
                let open = |v: VulnIdx, a: AssetIdx| !fixed(v.0, a.0);
                let mut rule: Vec<(u32, u32)> = reach::exposed_pairs(&s, &st.controls, &open)
                    .into_iter()
                    .map(|(v, a)| (v.0, a.0))
                    .collect();
                rule.sort_unstable();
                assert_eq!(sim, rule, "{name}, plan {}", plan.id);
                for v in 0..s.vulnerabilities.len() {
                    let e = system_exposure(&s, &st, v);
                    let exposed = sim.iter().any(|(pv, _)| *pv as usize == v);
                    assert_eq!(
                        e.value != SystemExposure::Small,
                        exposed,
                        "{name}, plan {}, {}: SSVC says {} ({}), the simulated attacker's \
                         exposed pairs {:?}",
                        plan.id,
                        s.vulnerabilities[v].id,
                        e.value,
                        e.reason,
                        sim.iter()
                            .filter(|(pv, _)| *pv as usize == v)
                            .collect::<Vec<_>>()
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 100, "{compared} comparisons");
}

// ---------------------------------------------------------------------------------------------
// Derivation on hand-made plants.

fn load(yaml: &str) -> Scenario {
    match load_str(yaml, "ssvc-test.yaml", &ModelLibrary::builtin()) {
        Ok(l) => l.scenario,
        Err(d) => panic!("test scenario invalid:\n{}", d.render()),
    }
}

/// IT (entry point `entry` on `ent`) → DMZ (`srv`, carrying S over rdp) → OT (`plc`, carrying
/// V over modbus_tcp, KEV, automatable). `extra` adds top-level sections; `entry_kind`,
/// `v_extra` (more vulnerability fields) and `s_assets` (S's assets) vary the plant.
struct Plant {
    entry_kind: &'static str,
    s_assets: &'static str,
    v_extra: &'static str,
    more_assets: &'static str,
    v_assets: &'static str,
    extra: String,
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
    fn build(&self) -> Scenario {
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

const PATCH: &str = r#"
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

const UNITS: &str = r#"
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

// ---------------------------------------------------------------------------------------------
// The recommendation on hand-made summaries.

fn est(mean: f64, lo: f64, hi: f64) -> Est {
    Est { mean, lo, hi }
}

/// A plan with P(dual success) `dual` [`lo`, `hi`] and expected loss `loss`; the rest follows.
fn plan_summary(id: &str, dual: f64, lo: f64, hi: f64, loss: f64) -> PlanSummary {
    let p = |x: f64| est(x, (x - 0.02).max(0.0), (x + 0.02).min(1.0));
    let n = |x: f64| est(x, 0.9 * x, 1.1 * x);
    PlanSummary {
        id: id.into(),
        description: String::new(),
        timing: Timing {
            flows: vec![],
            after: None,
        },
        operations: Operations {
            p_trip: p(0.8 * (1.0 - dual)),
            downtime_h: n(30.0 * (1.0 - dual)),
            downtime_cost: n(0.2 * loss),
            p_patch_failure: if id == "defer" { p(0.0) } else { p(0.2) },
            deployment_failure_rate: p(0.1),
            p_window_overrun: p(0.0),
            window_overrun_h: n(0.0),
            loss_of_view_h: n(0.0),
            loss_of_control_h: n(0.0),
            historian_gap_h: n(0.0),
            faults_per_run: 0.0,
            deployments_per_run: 2.0,
            changes_completed: 1.0,
        },
        exposure: Exposure {
            p_compromise: p(1.0 - dual),
            ttc_days: TtcDays {
                p5: Some(3.0),
                p50: Some(25.0),
                p95: Some(80.0),
            },
            exposure_days: n(40.0),
            p_detected_before_impact: p(0.1),
            foothold_share: 0.9,
            impact_cost: n(0.8 * loss),
        },
        saturated_queues: Vec::new(),
        consequences: None,
        rollout: Default::default(),
        dual_success: est(dual, lo, hi),
        expected_loss: n(loss),
    }
}

fn comparison(plan: &str, d_comp: Est, d_trip: Est, d_loss: Est, d_dual: Est) -> Comparison {
    Comparison {
        plan: plan.into(),
        baseline: "defer".into(),
        delta_p_compromise: d_comp,
        delta_p_trip: d_trip,
        delta_downtime_h: est(-20.0, -22.0, -18.0),
        delta_expected_loss: d_loss,
        delta_dual_success: d_dual,
    }
}

fn summary(plans: Vec<PlanSummary>, comparisons: Vec<Comparison>) -> Summary {
    Summary {
        format: "patchtwin-summary/0.1",
        tool: patchtwin_report::TOOL,
        scenario: ScenarioInfo {
            name: "hand-made".into(),
            sha256: String::new(),
            currency: "EUR".into(),
        },
        plans_not_run: vec![],
        settings: SettingsInfo {
            runs: 1000,
            seed: 1,
            horizon_s: 90.0 * 86400.0,
            observe_s: 60.0,
            stop: "fixed".into(),
        },
        engine: EngineInfo {
            events: 0,
            wall_s: 0.0,
            threads: 1,
        },
        plans,
        comparisons,
        pairwise: vec![],
        ssvc: vec![],
        bod_26_04: vec![],
        provenance: patchtwin_report::provenance::Provenance::new("", 1, 1000, vec![]),
        recommendation: None,
        loss_exceedance: patchtwin_report::appetite::LossExceedance {
            plans: vec![],
            appetite: None,
        },
    }
}

/// The paired differences `a − b` of two plans, as `pairwise` carries them.
fn pair(a: &str, b: &str, d_dual: Est, d_loss: Est) -> PairDifference {
    PairDifference {
        plan_a: a.into(),
        plan_b: b.into(),
        delta_dual_success: d_dual,
        delta_expected_loss: d_loss,
        delta_p_compromise: est(0.0, -0.01, 0.01),
        delta_p_trip: est(0.0, -0.01, 0.01),
        delta_downtime_h: est(0.0, -1.0, 1.0),
    }
}

/// `e` taken the other way round.
fn neg(e: Est) -> Est {
    est(-e.mean, -e.hi, -e.lo)
}

fn three_plans() -> Summary {
    let mut s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_489_711.0),
            plan_summary("patch-now", 0.84, 0.815, 0.86, 1_214_943.0),
            plan_summary("controls-then-window", 0.959, 0.945, 0.970, 302_807.0),
        ],
        vec![
            comparison(
                "patch-now",
                est(-0.572, -0.603, -0.541),
                est(-0.561, -0.592, -0.530),
                est(-4.27e6, -4.6e6, -3.9e6),
                est(0.572, 0.541, 0.603),
            ),
            comparison(
                "controls-then-window",
                est(-0.692, -0.721, -0.663),
                est(0.001, -0.004, 0.006),
                est(-5.19e6, -5.5e6, -4.9e6),
                est(0.689, 0.66, 0.72),
            ),
        ],
    );
    s.pairwise = vec![
        pair(
            "defer",
            "patch-now",
            est(-0.572, -0.603, -0.541),
            est(4.27e6, 3.9e6, 4.6e6),
        ),
        pair(
            "defer",
            "controls-then-window",
            est(-0.689, -0.72, -0.66),
            est(5.19e6, 4.9e6, 5.5e6),
        ),
        pair(
            "patch-now",
            "controls-then-window",
            est(-0.119, -0.137, -0.101),
            est(912_136.0, 800_000.0, 1_020_000.0),
        ),
    ];
    s
}

#[test]
fn recommends_the_highest_dual_success_and_says_why_with_numbers() {
    let s = three_plans();
    let r: Recommendation = recommend(&s, "EUR").expect("plans were rehearsed");
    assert_eq!(r.plan, "controls-then-window");
    assert_eq!(r.runner_up.as_deref(), Some("patch-now"));
    let all = r.reasons.join("\n");
    eprintln!("{all}");
    // The headline quotes its P(dual success) with its interval, and the baseline's.
    assert!(r.reasons[0].starts_with("controls-then-window gives the best chance of dual success"));
    assert!(
        r.reasons[0].contains("95.9% [94.5–97.0%]"),
        "{}",
        r.reasons[0]
    );
    assert!(
        r.reasons[0].contains("27.0% [24.0–30.0%] for defer"),
        "{}",
        r.reasons[0]
    );
    // The paired differences against the baseline.
    assert!(
        all.contains("cuts P(compromise) by 69.2 points (95% [−72.1, −66.3])"),
        "{all}"
    );
    assert!(
        all.contains("makes no clear difference to P(process trip)"),
        "{all}"
    );
    assert!(
        all.contains("changes expected loss by −5,190,000 [−5,500,000, −4,900,000] EUR"),
        "{all}"
    );
    // The operational price, rollbacks included.
    assert!(all.contains("rolled back in 20.0% [18.0–22.0%]"), "{all}");
    assert!(!all.contains("cannot be told apart"), "no tie here: {all}");
    // The lead over the runner-up, paired (the `pairwise` entry turned round).
    assert!(
        all.contains(
            "Against the runner-up, patch-now, paired over the same rehearsals: \
             controls-then-window's P(dual success) minus patch-now's is +11.9 pt \
             [+10.1, +13.7], a clear difference."
        ),
        "{all}"
    );
    // It prints at the end of the stdout table.
    let mut s = s;
    s.recommendation = Some(r);
    let t = table(&s, 3);
    assert!(
        t.contains("recommendation: controls-then-window  (runner-up: patch-now)"),
        "{t}"
    );
}

#[test]
fn without_paired_differences_near_ties_fall_back_to_overlapping_intervals() {
    // A hand-made summary with no `pairwise` entries and no comparisons for the two plans:
    // `fast` leads on dual success by a hair, the separate intervals overlap; `cheap` loses less.
    let s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("fast", 0.96, 0.945, 0.972, 900_000.0),
            plan_summary("cheap", 0.95, 0.934, 0.963, 300_000.0),
        ],
        vec![],
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "cheap");
    assert_eq!(r.runner_up.as_deref(), Some("fast"));
    let tie = r
        .reasons
        .iter()
        .find(|x| x.contains("cannot be told apart"))
        .unwrap_or_else(|| panic!("a tie-break reason: {:?}", r.reasons));
    assert!(tie.contains("the intervals overlap"), "{tie}");
    assert!(
        tie.contains("300,000 EUR for cheap against 900,000 EUR for fast"),
        "{tie}"
    );
    assert!(
        r.reasons[0].contains("one of the best chances"),
        "{}",
        r.reasons[0]
    );

    // Without overlap the higher dual success wins even at a higher loss.
    let s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("fast", 0.96, 0.95, 0.97, 900_000.0),
            plan_summary("cheap", 0.90, 0.88, 0.92, 100_000.0),
        ],
        vec![],
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "fast");
    assert_eq!(r.runner_up.as_deref(), Some("cheap"));
}

/// Two alternatives, neither the baseline, whose separate intervals for P(dual success)
/// overlap: `fast` 96.0% [94.5–97.2], `cheap` 95.0% [93.4–96.3] (1000 rehearsals each). `cheap`
/// loses less. The paired difference `fast − cheap` is `d_dual`; the plans are listed in
/// `order`, and `pairwise` holds each pair once, earlier plan minus later, as patchtwin writes it.
fn fast_and_cheap(order: [&str; 3], d_dual: Est, d_loss: Est) -> Summary {
    let plan = |id: &str| match id {
        "defer" => plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
        "fast" => plan_summary("fast", 0.96, 0.945, 0.972, 900_000.0),
        _ => plan_summary("cheap", 0.95, 0.934, 0.963, 300_000.0),
    };
    let mut s = summary(order.iter().map(|id| plan(id)).collect(), vec![]);
    // Against defer: both far ahead, clearly.
    let vs_defer = |id: &str| {
        let (dual, loss) = if id == "fast" {
            (0.69, -4_100_000.0)
        } else {
            (0.68, -4_700_000.0)
        };
        (
            est(dual, dual - 0.03, dual + 0.03),
            est(loss, loss - 300_000.0, loss + 300_000.0),
        )
    };
    for (i, a) in order.iter().enumerate() {
        for b in &order[i + 1..] {
            // Differences `x − y` for the pair, from the facts above.
            let (dual, loss) = match (*a, *b) {
                ("fast", "cheap") => (d_dual, d_loss),
                ("cheap", "fast") => (neg(d_dual), neg(d_loss)),
                ("defer", x) => {
                    let (d, l) = vs_defer(x);
                    (neg(d), neg(l))
                }
                (x, _) => vs_defer(x),
            };
            s.pairwise.push(pair(a, b, dual, loss));
        }
    }
    s
}

#[test]
fn overlapping_separate_intervals_do_not_make_a_tie_when_the_paired_difference_is_clear() {
    // Paired over the same 1000 rehearsals, `cheap` fails in 10 more of them than `fast` and
    // never succeeds where `fast` fails: +1.0 point, 95% [+0.5, +1.8] (Tango's score interval
    // for 10 discordant runs, all one way, in 1000; hand-made here). Not a tie, so `fast` wins despite its higher loss. (Comparing the separate
    // intervals, which overlap, `cheap` would win on loss.)
    let d_dual = est(0.010, 0.0038, 0.0162);
    let d_loss = est(600_000.0, 550_000.0, 650_000.0);
    for order in [
        ["defer", "fast", "cheap"],
        ["defer", "cheap", "fast"],
        ["cheap", "fast", "defer"],
    ] {
        let s = fast_and_cheap(order, d_dual, d_loss);
        let r = recommend(&s, "EUR").unwrap();
        assert_eq!(r.plan, "fast", "plans in order {order:?}: {:?}", r.reasons);
        assert_eq!(r.runner_up.as_deref(), Some("cheap"));
        let all = r.reasons.join("\n");
        assert!(!all.contains("cannot be told apart"), "{all}");
        assert!(
            r.reasons[0].starts_with("fast gives the best chance of dual success"),
            "{}",
            r.reasons[0]
        );
        if order[0] == "defer" {
            assert!(
                all.contains(
                    "Against the runner-up, cheap, paired over the same rehearsals: fast's \
                     P(dual success) minus cheap's is +1.0 pt [+0.4, +1.6], a clear \
                     difference, although the two plans' separate intervals overlap."
                ),
                "{all}"
            );
        }
    }
}

#[test]
fn a_paired_near_tie_goes_to_the_lower_expected_loss_and_the_reasons_quote_both_differences() {
    // `fast − cheap`: +1.0 point, 95% [−0.3, +2.3] — could be 0. `cheap` loses 600,000 EUR less,
    // clearly.
    let s = fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, -0.003, 0.023),
        est(600_000.0, 550_000.0, 650_000.0),
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "cheap");
    assert_eq!(r.runner_up.as_deref(), Some("fast"));
    assert!(
        r.reasons[0].starts_with("cheap gives one of the best chances of dual success"),
        "{}",
        r.reasons[0]
    );
    assert_eq!(
        r.reasons[1],
        "cheap and fast cannot be told apart on dual success: paired over the same rehearsals, \
         cheap's P(dual success) minus fast's is −1.0 pt [−2.3, +0.3], an interval \
         that includes 0. So the lower expected loss decides: 300,000 EUR for cheap against \
         900,000 EUR for fast, a clear difference of −600,000 [−650,000, −550,000] EUR \
         paired over the same rehearsals."
    );

    // The same with a loss difference that could be zero: the means still decide, and the
    // reason says the saving is not certain.
    let s = fast_and_cheap(
        ["defer", "cheap", "fast"],
        est(0.010, -0.003, 0.023),
        est(600_000.0, -50_000.0, 1_250_000.0),
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "cheap");
    assert!(
        r.reasons[1].ends_with(
            "300,000 EUR for cheap against 900,000 EUR for fast, paired over the same \
             rehearsals the difference, −600,000 [−1,250,000, +50,000] EUR, could still be \
             zero."
        ),
        "{}",
        r.reasons[1]
    );

    // A leader in a near-tie that also loses less keeps the lead, and says both.
    let s = fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, -0.003, 0.023),
        est(-100_000.0, -150_000.0, -50_000.0),
    );
    let mut s = s;
    s.plans[1].expected_loss = est(200_000.0, 180_000.0, 220_000.0);
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "fast");
    assert!(
        r.reasons[1].starts_with(
            "fast and the runner-up, cheap, cannot be told apart on dual success: paired over \
             the same rehearsals, fast's P(dual success) minus cheap's is +1.0 pt [−0.3, +2.3]"
        ),
        "{}",
        r.reasons[1]
    );
    assert!(
        r.reasons[1].contains("fast also has the lower expected loss: 200,000 EUR against 300,000 EUR, a clear difference of −100,000 [−150,000, −50,000] EUR"),
        "{}",
        r.reasons[1]
    );
}

#[test]
fn the_report_says_what_the_paired_difference_says() {
    // report.md is built from the same summary: its near-tie words follow the paired rule too.
    let s = Plant::default().build();
    let render = |mut sum: Summary| {
        sum.recommendation = recommend(&sum, "EUR");
        let doc = patchtwin_report::document::build(&sum, &s, &[], &[]);
        patchtwin_report::markdown::render(&doc)
    };
    // Clear: `fast` wins, and the runner-up line gives the paired difference.
    let md = render(fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, 0.0038, 0.0162),
        est(600_000.0, 550_000.0, 650_000.0),
    ));
    assert!(md.contains("**Recommended:** `fast`"), "{md}");
    assert!(
        md.contains(
            "measured on the same simulated runs the recommended plan's chance minus the \
             runner-up's is +1.0 percentage points, 95% interval +0.4 to +1.6: a clear difference."
        ),
        "{md}"
    );
    // A near-tie: `cheap` wins on loss, and the headline says why with the paired numbers.
    let md = render(fast_and_cheap(
        ["defer", "fast", "cheap"],
        est(0.010, -0.003, 0.023),
        est(600_000.0, 550_000.0, 650_000.0),
    ));
    assert!(md.contains("**Recommended:** `cheap`"), "{md}");
    assert!(
        md.contains(
            "(measured on the same simulated runs, the difference is −1.0 percentage points, 95% \
             interval −2.3 to +0.3, which includes 0), and it costs less on average"
        ),
        "{md}"
    );
    assert!(
        md.contains("the two cannot be told apart on this measure"),
        "{md}"
    );
}

#[test]
fn a_paired_difference_in_expected_loss_that_is_clear_decides_the_tie() {
    // The rule's order: a clear paired difference comes before the means. (On a summary that
    // patchtwin wrote the two agree in sign but for rounding, since the paired mean is the
    // difference of the means; this hand-made one makes them disagree to show which decides.)
    // Both plans are in a near-tie; on the means `b` is cheaper by 1 EUR, the paired
    // difference `a − b` is clearly negative.
    let mut s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("a", 0.95, 0.93, 0.97, 300_001.0),
            plan_summary("b", 0.95, 0.93, 0.97, 300_000.0),
        ],
        vec![],
    );
    s.pairwise = vec![pair("a", "b", est(0.0, -0.01, 0.01), est(-0.4, -0.6, -0.2))];
    assert_eq!(recommend(&s, "EUR").unwrap().plan, "a");
    // Without that clear result, the means decide.
    s.pairwise[0].delta_expected_loss = est(-0.4, -2.0, 1.2);
    assert_eq!(recommend(&s, "EUR").unwrap().plan, "b");
}

#[test]
fn the_baseline_can_win_and_a_lone_plan_is_named_as_such() {
    let s = summary(
        vec![
            plan_summary("defer", 0.97, 0.96, 0.98, 50_000.0),
            plan_summary("patch-now", 0.80, 0.77, 0.83, 400_000.0),
        ],
        vec![comparison(
            "patch-now",
            est(0.01, -0.01, 0.03),
            est(0.15, 0.12, 0.18),
            est(350_000.0, 300_000.0, 400_000.0),
            est(-0.17, -0.20, -0.14),
        )],
    );
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "defer");
    let all = r.reasons.join("\n");
    assert!(all.contains("defer is the baseline"), "{all}");
    assert!(all.contains("−17.0 pt [−20.0, −14.0]"), "{all}");

    let s = summary(vec![plan_summary("defer", 0.5, 0.45, 0.55, 1.0)], vec![]);
    let r = recommend(&s, "").unwrap();
    assert_eq!(r.plan, "defer");
    assert_eq!(r.runner_up, None);
    assert!(r.reasons[0].contains("the only plan rehearsed"));

    assert!(recommend(&summary(vec![], vec![]), "EUR").is_none());
}

#[test]
fn the_recommendation_quotes_ssvc_under_the_plan() {
    let s = Plant {
        extra: format!(
            "{UNITS}{PATCH}\nplans:\n  - {{id: defer}}\n  - {{id: patch, actions: [{{patch: P, at: now}}]}}"
        ),
        ..Default::default()
    }
    .build();
    // The patch plan's rehearsals rule out compromise and trips (upper bounds below 1%).
    let mut patch = plan_summary("patch", 0.999, 0.99, 1.0, 1e3);
    patch.exposure.p_compromise = est(0.0, 0.0, 0.004);
    patch.operations.p_trip = est(0.0, 0.0, 0.004);
    let mut sum = summary(
        vec![plan_summary("defer", 0.3, 0.25, 0.35, 1e6), patch],
        vec![],
    );
    sum.ssvc = derive(&s, &sum.plans);
    let r = recommend(&sum, "EUR").unwrap();
    assert_eq!(r.plan, "patch");
    let ssvc = r
        .reasons
        .iter()
        .find(|x| x.starts_with("SSVC deployer decisions"))
        .expect("an SSVC reason");
    // V: active, open, automatable, medium human impact under defer → out-of-cycle; patched
    // (small) with the consequence ruled out (low) → scheduled.
    assert!(ssvc.contains("V scheduled"), "{ssvc}");
    assert!(ssvc.contains("out-of-cycle under defer"), "{ssvc}");
    assert!(ssvc.contains("judgement"), "{ssvc}");
}

/// The leader by dual success that also loses less wins without a tie-break, but when the runs
/// cannot tell it from the runner-up (paired interval containing 0) the headline must not call
/// it "the best chance" while the next reason says the two cannot be told apart.
#[test]
fn a_leader_level_with_the_runner_up_is_not_called_the_best() {
    let mut s = summary(
        vec![
            plan_summary("defer", 0.27, 0.24, 0.30, 5_000_000.0),
            plan_summary("lead", 0.96, 0.945, 0.972, 300_000.0),
            plan_summary("close", 0.955, 0.94, 0.968, 900_000.0),
        ],
        vec![],
    );
    s.pairwise.push(pair(
        "lead",
        "close",
        est(0.005, -0.002, 0.012),
        est(-600_000.0, -650_000.0, -550_000.0),
    ));
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "lead");
    assert!(
        r.reasons[0].contains("one of the best chances"),
        "{}",
        r.reasons[0]
    );
    // With a clear paired lead, it is the best.
    s.pairwise[0] = pair(
        "lead",
        "close",
        est(0.02, 0.01, 0.03),
        est(-600_000.0, -650_000.0, -550_000.0),
    );
    let r = recommend(&s, "EUR").unwrap();
    assert!(r.reasons[0].contains("the best chance"), "{}", r.reasons[0]);
    assert!(
        !r.reasons[0].contains("one of the best"),
        "{}",
        r.reasons[0]
    );
}

#[test]
fn tied_losses_go_to_the_plan_that_leaves_less_exposure_and_the_reasons_say_so() {
    // Issue 22: with no attack path every plan scores 0 compromise and the same loss; defer
    // leaves 2,400 exposure-days, the patch plan 117. The losses tie (paired interval [0, 0]),
    // so exposure decides, and no sentence calls an equal loss "lower".
    let mut defer = plan_summary("defer", 0.9, 0.88, 0.92, 127_983.0);
    let mut patch = plan_summary("patch", 0.9, 0.88, 0.92, 127_983.0);
    defer.exposure.exposure_days = est(2400.0, 2390.0, 2410.0);
    patch.exposure.exposure_days = est(117.0, 110.0, 124.0);
    let mut s = summary(
        vec![defer, patch],
        vec![comparison(
            "patch",
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
        )],
    );
    s.pairwise = vec![pair(
        "defer",
        "patch",
        est(0.0, -0.01, 0.01),
        est(0.0, 0.0, 0.0),
    )];
    let r = recommend(&s, "EUR").unwrap();
    assert_eq!(r.plan, "patch", "{:?}", r.reasons);
    let all = r.reasons.join("\n");
    assert!(
        all.contains("so the next tie-break decides: the lower exposure, 117 (vulnerability, asset)-days per run for patch against 2,400 for defer"),
        "{all}"
    );
    assert!(!all.contains("lower expected loss"), "{all}");
    // The other way round (the patch plan listed first) gives the same pick.
    let mut s2 = summary(
        vec![s.plans.remove(1), s.plans.remove(0)],
        vec![comparison(
            "defer",
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
            est(0.0, 0.0, 0.0),
            est(0.0, -0.01, 0.01),
        )],
    );
    s2.comparisons[0].baseline = "patch".into();
    s2.pairwise = vec![pair(
        "patch",
        "defer",
        est(0.0, -0.01, 0.01),
        est(0.0, 0.0, 0.0),
    )];
    let r = recommend(&s2, "EUR").unwrap();
    assert_eq!(r.plan, "patch", "{:?}", r.reasons);
}
