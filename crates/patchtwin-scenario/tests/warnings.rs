//! Plausibility warnings: legal values that are probably a slip (a deadline longer than the
//! flow's period, a bandwidth no industrial link has) are reported with their location and
//! severity `warning`, and the scenario still loads.

use patchtwin_scenario::{ModelLibrary, Severity, load_str};

fn plant(deadline: &str, bandwidth: &str) -> String {
    format!(
        "name: plausibility
horizon: 30d
zones:
  - {{id: control, purdue_level: 1}}
assets:
  - {{id: scada-1, zone: control, model: scada-server}}
  - {{id: sw-1, zone: control, model: managed-switch}}
  - {{id: plc-1, zone: control, model: fast-plc}}
links:
  - {{between: [scada-1, sw-1], bandwidth: 1Gbps}}
  - {{between: [sw-1, plc-1], bandwidth: {bandwidth}}}
flows:
  - {{id: poll-plc-1, kind: poll, protocol: modbus_tcp, consumer: scada-1, producer: plc-1, period: 100ms, deadline: {deadline}}}
plans:
  - id: defer
"
    )
}

fn warnings(text: &str) -> Vec<(String, u32, String)> {
    let loaded = load_str(text, "plant.yaml", &ModelLibrary::builtin())
        .unwrap_or_else(|d| panic!("a warning must not reject the file:\n{}", d.render()));
    loaded
        .warnings
        .iter()
        .map(|w| {
            assert_eq!(w.severity, Severity::Warning);
            assert!(
                w.render(None).starts_with("warning: "),
                "{}",
                w.render(None)
            );
            (
                w.path.clone(),
                w.loc.expect("located").line,
                w.message.clone(),
            )
        })
        .collect()
}

#[test]
fn a_deadline_above_the_period_is_a_located_warning() {
    let w = warnings(&plant("50s", "100Mbps"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, "flows[0].deadline");
    assert_eq!(w[0].1, 13);
    assert!(w[0].2.contains("deadline (50s)") && w[0].2.contains("period (100ms)"));
}

#[test]
fn a_deadline_within_the_period_is_not_warned_about() {
    assert_eq!(warnings(&plant("100ms", "100Mbps")), Vec::new());
}

#[test]
fn implausible_bandwidths_are_warned_about_at_both_ends() {
    for (bandwidth, bps) in [("100bps", "100 bps"), ("500Gbps", "500000000000 bps")] {
        let w = warnings(&plant("50ms", bandwidth));
        assert_eq!(w.len(), 1, "{bandwidth}: {w:?}");
        assert_eq!(w[0].0, "links[1].bandwidth");
        assert_eq!(w[0].1, 11);
        assert!(w[0].2.contains(bps), "{w:?}");
    }
    for plausible in ["300bps", "9600bps", "400Gbps"] {
        assert_eq!(
            warnings(&plant("50ms", plausible)),
            Vec::new(),
            "{plausible}"
        );
    }
}

/// A patch named on an asset none of its fixed vulnerabilities affects (a Windows update on
/// the PLC): warned at that asset, saying what the patch fixes and where; the same patch on
/// the affected workstation, or on both where one is affected, warns only about the other.
#[test]
fn a_patch_on_an_asset_its_vulnerabilities_do_not_affect_is_warned_about() {
    let plant = |targets: &str| {
        format!(
            "name: patch-target
horizon: 30d
zones:
  - {{id: control, purdue_level: 1}}
assets:
  - {{id: ews-1, zone: control, model: windows-ews}}
  - {{id: plc-1, zone: control, model: fast-plc}}
vulnerabilities:
  - {{id: CVE-2019-0708, affects: {{assets: [ews-1]}}}}
patches:
  - id: KB4499175
    fixes: [CVE-2019-0708]
    applies_to: {{assets: [{targets}]}}
    deploy_time: 1h
    restart: machine
    failure: {{probability: 0.05, rollback_time: 30m}}
plans:
  - id: defer
"
        )
    };
    assert_eq!(warnings(&plant("ews-1")), Vec::new());
    let w = warnings(&plant("plc-1"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, "patches[0].applies_to.assets[0]");
    assert_eq!(w[0].1, 13);
    assert!(
        w[0].2.contains("`CVE-2019-0708` (on ews-1)") && w[0].2.contains("affects `plc-1`"),
        "{w:?}"
    );
    let w = warnings(&plant("ews-1, plc-1"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, "patches[0].applies_to.assets[1]");
}

/// Taking the same asset out twice in one plan when the first has no `for:` (out to the end
/// of the horizon): the two overlap, warned at the second; with a `for:` on the first, not.
#[test]
fn taking_the_same_thing_out_twice_overlapping_is_warned_about() {
    let plant = |first_for: &str| {
        format!(
            "name: take-out-twice
horizon: 30d
zones:
  - {{id: vendor-access, purdue_level: 3}}
assets:
  - {{id: rag-1, kind: remote_access_gateway, zone: vendor-access, model: remote-access-gateway}}
plans:
  - id: defer
  - id: gateway-off
    actions:
      - {{take_out: rag-1, at: now{first_for}}}
      - {{take_out: rag-1, at: 2d}}
"
        )
    };
    let w = warnings(&plant(""));
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, "plans[1].actions[1].take_out");
    assert_eq!(w[0].1, 12);
    assert!(w[0].2.contains("action 0"), "{w:?}");
    assert_eq!(warnings(&plant(", for: 1d")), Vec::new());
}
