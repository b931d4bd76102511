//! `patchtwin import pcap` and `patchtwin check-capture` on the shared captures
//! (`../shared/data/ics-pcaps`): the imported scenario validates with one flow per client the
//! capture holds (five, counted with tshark in patchtwin-capture's tests), mapping errors name
//! file and line, the shipped calibrated example agrees with its capture, and a copy slowed
//! tenfold does not. Tests that need the shared captures skip, saying why, when it is absent.

use crate::util::{self, TempDir, patchtwin, workspace_root};
use std::path::PathBuf;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

/// A shared capture, or `None` (with the reason printed) when the shared data is absent.
fn shared(relative: &str) -> Option<PathBuf> {
    let root = workspace_root();
    let found = ["../shared/data/ics-pcaps", "../../shared/data/ics-pcaps"]
        .iter()
        .map(|c| root.join(c).join(relative))
        .find(|p| p.is_file());
    if found.is_none() {
        eprintln!(
            "skipped: {relative} is absent (../shared/data/ics-pcaps is not on this machine)"
        );
    }
    found
}

/// The gateway of modbus_test.pcap and its five clients, on one switch.
const GATEWAY_PLANT: &str = "name: gateway-cell
horizon: 7d
zones: [{id: cell, purdue_level: 1}]
assets:
  - {id: sw, kind: switch, model: managed-switch, zone: cell}
  - {id: gw, kind: plc, model: legacy-plc, zone: cell}
  - {id: scada, kind: scada_server, model: scada-server, zone: cell}
  - {id: hmi-a, kind: hmi, model: hmi-panel, zone: cell}
  - {id: hmi-b, kind: hmi, model: hmi-panel, zone: cell}
  - {id: hmi-c, kind: hmi, model: hmi-panel, zone: cell}
  - {id: ews, kind: engineering_workstation, model: windows-ews, zone: cell}
links:
  - {between: [gw, sw], bandwidth: 100Mbps}
  - {between: [scada, sw], bandwidth: 100Mbps}
  - {between: [hmi-a, sw], bandwidth: 100Mbps}
  - {between: [hmi-b, sw], bandwidth: 100Mbps}
  - {between: [hmi-c, sw], bandwidth: 100Mbps}
  - {between: [ews, sw], bandwidth: 100Mbps}
plans: [{id: defer}]
";

const GATEWAY_MAP: &str = "# modbus_test.pcap
192.168.0.20: gw
192.168.0.21: scada
192.168.0.112: hmi-a
192.168.0.133: hmi-b
192.168.0.144: hmi-c
192.168.0.156: ews
";

#[test]
fn import_pcap_adds_one_flow_per_client_and_the_result_validates() {
    let Some(pcap) = shared("iti-ics-security-tools/modbus_test.pcap") else {
        return;
    };
    let dir = TempDir::new("pcap-import");
    let plant = dir.write("plant.yaml", GATEWAY_PLANT.as_bytes());
    let map = dir.write("map.yaml", GATEWAY_MAP.as_bytes());
    let out = dir.path().join("new.yaml");
    let r = patchtwin(
        &[
            "import".as_ref(),
            "pcap".as_ref(),
            pcap.as_os_str(),
            "--into".as_ref(),
            plant.as_os_str(),
            "--map".as_ref(),
            map.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert_eq!(std::fs::read_to_string(&plant).unwrap(), GATEWAY_PLANT);
    let loaded = patchtwin_scenario::load_file(&out).unwrap_or_else(|d| panic!("{}", d.render()));
    let s = loaded.scenario;
    let ends: Vec<(&str, &str)> = s
        .flows
        .iter()
        .map(|f| {
            (
                s.assets[f.consumer.ix()].id.as_str(),
                s.assets[f.producer.ix()].id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        ends,
        [
            ("scada", "gw"),
            ("hmi-a", "gw"),
            ("hmi-b", "gw"),
            ("hmi-c", "gw"),
            ("ews", "gw")
        ],
        "{}",
        r.stdout
    );
    // In address order (.21 before .112). The 1 s HMI polls: the period is the mean gap between requests (999 990 µs for .112).
    assert_eq!(s.flows[1].period.as_nanos(), 999_990_000);
    assert!(
        r.stdout.contains("5 flow(s) added, 0 left out"),
        "{}",
        r.stdout
    );
    // The same output again is refused without --force, and the file is kept.
    let again = patchtwin(
        &[
            "import".as_ref(),
            "pcap".as_ref(),
            pcap.as_os_str(),
            "--into".as_ref(),
            plant.as_os_str(),
            "--map".as_ref(),
            map.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        LIMIT,
    );
    assert_eq!(again.code, Some(2), "{}", again.stderr);
}

#[test]
fn a_mapping_to_an_unknown_asset_is_bad_input_with_file_and_line() {
    let Some(pcap) = shared("iti-ics-security-tools/modbus_test.pcap") else {
        return;
    };
    let dir = TempDir::new("pcap-map");
    let plant = dir.write("plant.yaml", GATEWAY_PLANT.as_bytes());
    let map = dir.write("map.yaml", b"192.168.0.20: gw\n192.168.0.21: scadaa\n");
    let out = dir.path().join("new.yaml");
    let r = patchtwin(
        &[
            "import".as_ref(),
            "pcap".as_ref(),
            pcap.as_os_str(),
            "--into".as_ref(),
            plant.as_os_str(),
            "--map".as_ref(),
            map.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    let expected = format!(
        "{}:2: address 192.168.0.21: unknown asset `scadaa` (did you mean `scada`?)",
        map.display()
    );
    assert!(r.stderr.contains(&expected), "{}", r.stderr);
    assert!(!out.exists());
}

#[test]
fn a_file_that_is_not_a_capture_is_bad_input_naming_it() {
    let dir = TempDir::new("pcap-bad");
    let bad = dir.write("junk.pcap", b"this is not a capture at all");
    let r = patchtwin(
        &[
            "check-capture".as_ref(),
            "scenarios/modbus-calibrated.yaml".as_ref(),
            bad.as_os_str(),
            "--map".as_ref(),
            "scenarios/capture/modbusBig-addresses.yaml".as_ref(),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{}: not a capture file", bad.display())),
        "{}",
        r.stderr
    );
}

fn check(scenario: &std::path::Path, pcap: &std::path::Path) -> util::Run {
    patchtwin(
        &[
            "check-capture".as_ref(),
            scenario.as_os_str(),
            pcap.as_os_str(),
            "--map".as_ref(),
            "scenarios/capture/modbusBig-addresses.yaml".as_ref(),
            "--json".as_ref(),
        ],
        LIMIT,
    )
}

fn verdicts(r: &util::Run) -> Vec<(String, String)> {
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    v["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["flow"].as_str().unwrap().to_string(),
                f["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_shipped_calibrated_example_agrees_with_its_capture() {
    let Some(pcap) = shared("zeek/modbusBig.pcap") else {
        return;
    };
    let r = check(
        &workspace_root().join("scenarios/modbus-calibrated.yaml"),
        &pcap,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        verdicts(&r),
        [("hmi-1-plc-1-modbus-tcp".to_string(), "agree".to_string())]
    );
}

#[test]
fn a_tenfold_slower_plc_is_reported_as_model_slower() {
    let Some(pcap) = shared("zeek/modbusBig.pcap") else {
        return;
    };
    let text =
        std::fs::read_to_string(workspace_root().join("scenarios/modbus-calibrated.yaml")).unwrap();
    let original = "service_time: {lognormal: {median: 6.4ms, p95: 18.5ms}}";
    assert!(text.contains(original));
    let dir = TempDir::new("pcap-slow");
    let slow = dir.write(
        "slow.yaml",
        text.replace(
            original,
            "service_time: {lognormal: {median: 64ms, p95: 185ms}}",
        )
        .as_bytes(),
    );
    let r = check(&slow, &pcap);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        verdicts(&r),
        [(
            "hmi-1-plc-1-modbus-tcp".to_string(),
            "model_slower".to_string()
        )]
    );
}
