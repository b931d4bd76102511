//! A coordinator's SSVC note (CISA's CSAF vulnerability note titled `SSVC`, text
//! `SSVCv2/E:…/A:…/T:…/<time>/`) is carried into the scenario's `ssvc`.
//!
//! None of the shipped CISA ICS advisories has one, so the fixture
//! `icsa-20-063-01-constructed-ssvc-note.json` is the real ICSA-20-063-01 with a note added by
//! hand in the format CISA's VINCE-generated advisories use (VA-25-297-01 carries
//! `{"category": "details", "title": "SSVC", "text": "SSVCv2/E:N/A:N/T:P/2025-10-23T13:56:04Z/"}`);
//! the document says so in a note of its own.

mod common;

use patchtwin_import::{CsafImport, Named, csaf};
use patchtwin_model::NoteExploitation;

fn import(text: &str) -> String {
    let advisory = csaf::parse(text).unwrap();
    let scenario_text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&scenario_text, "ews.yaml");
    let out = CsafImport {
        scenario_text: &scenario_text,
        scenario_file: "ews.yaml",
        scenario: &loaded.scenario,
        advisories: &[Named {
            file: "advisory.json".into(),
            advisory,
        }],
        rejected: Vec::new(),
        kev: None,
        epss: None,
    }
    .run()
    .unwrap();
    out.yaml
}

const NOTE: &str = "SSVCv2/E:N/A:N/T:T/2020-03-03T00:00:00Z/";

#[test]
fn the_note_reaches_the_scenario_and_reads_back() {
    let text = common::fixture("icsa-20-063-01-constructed-ssvc-note.json");
    let advisory = csaf::parse(&text).unwrap();
    assert_eq!(advisory.vulnerabilities[0].id, "CVE-2020-6971");
    assert_eq!(advisory.vulnerabilities[0].ssvc.as_deref(), Some(NOTE));
    let yaml = import(&text);
    assert!(yaml.contains(&format!("ssvc: \"{NOTE}\"")), "{yaml}");
    let loaded = common::load(&yaml, "out.yaml");
    let v = loaded
        .scenario
        .vulnerabilities
        .iter()
        .find(|v| v.id == "CVE-2020-6971")
        .expect("imported");
    let note = v
        .coordinator_ssvc
        .as_ref()
        .expect("the note is in the scenario");
    assert_eq!(note.vector, NOTE);
    assert_eq!(note.exploitation, Some(NoteExploitation::None));
    assert_eq!(note.automatable, Some(false));
    assert_eq!(note.technical_impact_total, Some(true));
    assert_eq!(note.assessed.as_deref(), Some("2020-03-03T00:00:00Z"));
}

#[test]
fn the_real_advisory_has_no_note_and_gets_none() {
    let text = std::fs::read_to_string(common::data_dir().join("csaf/icsa-20-063-01.json"))
        .expect("real advisory");
    let advisory = csaf::parse(&text).unwrap();
    assert_eq!(advisory.vulnerabilities[0].ssvc, None);
    let yaml = import(&text);
    assert!(!yaml.contains("ssvc:"), "{yaml}");
}

#[test]
fn a_malformed_note_is_left_out_and_said() {
    let text = common::fixture("icsa-20-063-01-constructed-ssvc-note.json")
        .replace(NOTE, "SSVCv2/E:Q/A:N/T:T/");
    let advisory = csaf::parse(&text).unwrap();
    assert_eq!(advisory.vulnerabilities[0].ssvc, None);
    assert!(
        advisory
            .notes
            .iter()
            .any(|n| n.contains("SSVC note left out") && n.contains("E:Q")),
        "{:?}",
        advisory.notes
    );
    let yaml = import(&text);
    assert!(!yaml.contains("ssvc:"), "{yaml}");
    common::load(&yaml, "out.yaml");
}
