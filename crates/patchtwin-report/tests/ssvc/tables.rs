//! The deployer and human-impact tables against CERT/CC's published CSVs, and the labels.

use patchtwin_report::ssvc::{
    Automatable, Decision, Exploitation, HumanImpact, MissionImpact, SafetyImpact, SystemExposure,
    deployer_decision, human_impact,
};

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
