//! A vulnerability's `ssvc` (a coordinator's SSVC vector, CISA's CSAF note): read into its
//! decision points, and a malformed one is a located error.

use patchtwin_model::NoteExploitation;
use patchtwin_scenario::{ModelLibrary, load_str};

fn plant(ssvc: &str) -> String {
    format!(
        "name: ssvc-note
horizon: 30d
zones:
  - {{id: control, purdue_level: 1}}
assets:
  - {{id: plc-1, zone: control, model: fast-plc}}
vulnerabilities:
  - id: V
    affects: {{assets: [plc-1]}}
    ssvc: \"{ssvc}\"
plans:
  - id: defer
"
    )
}

#[test]
fn the_decision_points_are_read() {
    let s = load_str(
        &plant("SSVCv2/E:A/A:Y/T:T/2025-10-23T13:56:04Z/"),
        "p.yaml",
        &ModelLibrary::builtin(),
    )
    .unwrap_or_else(|d| panic!("{}", d.render()))
    .scenario;
    let n = s.vulnerabilities[0].coordinator_ssvc.as_ref().unwrap();
    assert_eq!(n.exploitation, Some(NoteExploitation::Active));
    assert_eq!(n.automatable, Some(true));
    assert_eq!(n.technical_impact_total, Some(true));
    assert_eq!(n.assessed.as_deref(), Some("2025-10-23T13:56:04Z"));
    // Several values ("one of these") and other decision points: accepted, left unknown.
    let s = load_str(
        &plant("SSVCv2/E:NP/Ps:M/T:P/"),
        "p.yaml",
        &ModelLibrary::builtin(),
    )
    .unwrap_or_else(|d| panic!("{}", d.render()))
    .scenario;
    let n = s.vulnerabilities[0].coordinator_ssvc.as_ref().unwrap();
    assert_eq!(n.exploitation, None);
    assert_eq!(n.automatable, None);
    assert_eq!(n.technical_impact_total, Some(false));
    assert_eq!(n.assessed, None);
}

#[test]
fn a_malformed_vector_is_a_located_error() {
    for (vector, says) in [
        ("CVSS:3.1/AV:N", "must start with `SSVCv2/`"),
        ("SSVCv2/E:Q/A:N/T:T/", "`E:Q`"),
        ("SSVCv2/E:A/E:N/", "given twice"),
        ("SSVCv2/EA/", "not `decision point:value`"),
        ("SSVCv2/", "names no decision point"),
    ] {
        let d = load_str(&plant(vector), "p.yaml", &ModelLibrary::builtin())
            .err()
            .unwrap_or_else(|| panic!("`{vector}` accepted"));
        let e = &d.items[0];
        assert_eq!(e.path, "vulnerabilities[0].ssvc", "{}", d.render());
        assert_eq!(e.loc.expect("located").line, 10, "{}", d.render());
        assert!(e.message.contains(says), "{vector}: {}", e.message);
    }
}
