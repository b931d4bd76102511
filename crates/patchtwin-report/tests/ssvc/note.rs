//! A coordinator's SSVC note (CISA's CSAF note, the scenario's `ssvc`) beside the derived
//! deployer decision: the coordinator's Exploitation and Automatable with the plan's simulated
//! System Exposure and Human Impact, against patchtwin's own inputs.

use crate::derivation::Plant;
use crate::summaries::{plan_summary, summary};
use patchtwin_report::ssvc::note::compare;
use patchtwin_report::ssvc::{
    Automatable, Exploitation, SystemExposure, deployer_decision, derive,
};

const NOTE: &str = "SSVCv2/E:N/A:N/T:P/2025-10-23T13:56:04Z/";

#[test]
fn the_note_s_inputs_meet_the_simulated_exposure_and_the_report_says_both() {
    // V is KEV-listed and AV:N/AC:L/PR:N/UI:N: patchtwin says active and automatable; the
    // note says no exploitation and not automatable.
    let s = Plant {
        v_extra: r#"ssvc: "SSVCv2/E:N/A:N/T:P/2025-10-23T13:56:04Z/","#,
        ..Default::default()
    }
    .build();
    let plans = vec![plan_summary("defer", 0.5, 0.45, 0.55, 1e5)];
    let rows = derive(&s, &plans);
    let c = compare(&s, &rows);
    assert_eq!(c.len(), 1, "only V has a note: {c:?}");
    let c = &c[0];
    let row = rows
        .iter()
        .find(|r| r.vulnerability == "V" && r.plan == "defer")
        .unwrap();
    assert_eq!(row.exploitation.value, Exploitation::Active);
    assert_eq!(row.automatable.value, Automatable::Yes);
    assert_ne!(row.system_exposure.value, SystemExposure::Small);
    assert_eq!(c.vector, NOTE);
    assert_eq!(
        (c.exploitation, c.automatable),
        (Exploitation::None, Automatable::No)
    );
    assert_eq!(c.system_exposure, row.system_exposure.value);
    assert_eq!(c.human_impact, row.human_impact.value);
    // The deployer table (checked row by row against CERT/CC's CSV in `tables`).
    assert_eq!(
        c.with_note,
        deployer_decision(
            Exploitation::None,
            row.system_exposure.value,
            Automatable::No,
            row.human_impact.value
        )
    );
    assert_eq!(c.simulated, row.decision);
    assert!(
        c.with_note < c.simulated,
        "no exploitation, not automatable must not rank higher: {:?} vs {:?}",
        c.with_note,
        c.simulated
    );
    let mut sum = summary(plans, vec![]);
    sum.ssvc = rows;
    let md =
        patchtwin_report::markdown::render(&patchtwin_report::document::build(&sum, &s, &[], &[]));
    let line = md
        .lines()
        .find(|l| l.contains(NOTE))
        .unwrap_or_else(|| panic!("no line quotes the note:\n{md}"));
    assert!(
        line.contains("says exploitation none, automatable no")
            && line.contains(&format!("gives **{}**", c.with_note))
            && line.contains(&format!("own inputs give **{}**", c.simulated)),
        "{line}"
    );
    assert!(
        md.contains("coordinator's SSVC note"),
        "the glossary explains it"
    );
}

#[test]
fn without_a_note_there_is_no_comparison_and_no_subsection() {
    let s = Plant::default().build();
    let plans = vec![plan_summary("defer", 0.5, 0.45, 0.55, 1e5)];
    let rows = derive(&s, &plans);
    assert!(compare(&s, &rows).is_empty());
    let mut sum = summary(plans, vec![]);
    sum.ssvc = rows;
    let md =
        patchtwin_report::markdown::render(&patchtwin_report::document::build(&sum, &s, &[], &[]));
    assert!(
        !md.contains("What the coordinator's SSVC note says"),
        "{md}"
    );
    // Nor a glossary entry for a note the report does not show (while the SSVC terms that
    // the decision table uses are there).
    assert!(md.contains("system exposure"), "{md}");
    assert!(!md.contains("coordinator's SSVC note"), "{md}");
}
