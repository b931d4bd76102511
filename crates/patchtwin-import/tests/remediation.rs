//! Remediation status from the real CISA advisories: each vulnerability's status is the most
//! hopeful fix category among its remediations (`vendor_fix`, `fix_planned`,
//! `no_fix_planned`, `none_available`), none when it has only mitigations — checked against
//! the raw JSON read independently, and pinned on the advisories that carry each case.

mod common;

use patchtwin_import::csaf;
use serde_json::Value;

/// The status read straight from the JSON text, without the parser.
fn from_raw(v: &Value) -> Option<&'static str> {
    let cats: Vec<&str> = v["remediations"]
        .as_array()
        .map(|rs| rs.iter().filter_map(|r| r["category"].as_str()).collect())
        .unwrap_or_default();
    [
        "vendor_fix",
        "fix_planned",
        "no_fix_planned",
        "none_available",
    ]
    .into_iter()
    .find(|c| cats.contains(c))
}

#[test]
fn remediation_status_of_every_real_advisory_matches_its_json() {
    let mut seen = std::collections::BTreeMap::new();
    for (file, text) in common::advisory_texts() {
        let a = csaf::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let raw: Value = serde_json::from_str(&text).expect("json");
        let raw_vulns = raw["vulnerabilities"].as_array().expect("vulnerabilities");
        assert_eq!(raw_vulns.len(), a.vulnerabilities.len(), "{file}");
        for (v, rv) in a.vulnerabilities.iter().zip(raw_vulns) {
            let want = from_raw(rv);
            assert_eq!(v.remediation_status(), want, "{file}: {}", v.id);
            *seen.entry(want).or_insert(0) += 1;
        }
    }
    // The shipped advisories cover all four outcomes the real data has.
    for case in [
        None,
        Some("vendor_fix"),
        Some("none_available"),
        Some("no_fix_planned"),
    ] {
        assert!(
            seen.contains_key(&case),
            "no advisory with {case:?}: {seen:?}"
        );
    }
}

#[test]
fn remediation_status_pinned_on_named_advisories() {
    let texts = common::advisory_texts();
    let status = |file: &str| -> Vec<Option<&'static str>> {
        let (_, text) = texts.iter().find(|(f, _)| f == file).expect(file);
        csaf::parse(text)
            .expect("parse")
            .vulnerabilities
            .iter()
            .map(|v| v.remediation_status())
            .collect()
    };
    // Siemens, CVE-2022-43958: mitigations and `none_available`.
    assert_eq!(status("icsa-22-314-06.json"), vec![Some("none_available")]);
    // CVE-2022-44575: mitigations and `no_fix_planned`.
    assert_eq!(status("icsa-22-346-05.json"), vec![Some("no_fix_planned")]);
    // Schneider Modicon, CVE-2022-45788: a vendor fix beside the mitigations.
    assert_eq!(status("icsa-23-201-01.json"), vec![Some("vendor_fix")]);
    // Only mitigations: nothing said about a fix.
    assert_eq!(status("icsa-19-281-02.json"), vec![None, None]);
}

/// CSAF 2.1's `fix_planned` outranks `no_fix_planned` and `none_available` and yields to a
/// released fix.
#[test]
fn fix_planned_from_a_csaf_21_remediation() {
    let doc = |cats: &[&str]| {
        let rems: Vec<Value> = cats
            .iter()
            .map(|c| serde_json::json!({"category": c, "details": "x", "product_ids": ["P1"]}))
            .collect();
        serde_json::json!({
            "document": {"csaf_version": "2.1", "category": "csaf_security_advisory",
                         "title": "t", "tracking": {"id": "T-1"}},
            "product_tree": {"full_product_names": [{"name": "Box: 1.0", "product_id": "P1"}]},
            "vulnerabilities": [{"cve": "CVE-2099-0001",
                                 "product_status": {"known_affected": ["P1"]},
                                 "remediations": rems}]
        })
        .to_string()
    };
    let status = |cats: &[&str]| {
        csaf::parse(&doc(cats)).expect("parse").vulnerabilities[0].remediation_status()
    };
    assert_eq!(
        status(&["none_available", "fix_planned"]),
        Some("fix_planned")
    );
    assert_eq!(status(&["fix_planned", "vendor_fix"]), Some("vendor_fix"));
    assert_eq!(
        status(&["no_fix_planned", "none_available"]),
        Some("no_fix_planned")
    );
    assert_eq!(status(&["mitigation", "workaround"]), None);
}
