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
