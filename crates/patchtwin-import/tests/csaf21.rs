//! CVSS 4.0 and CSAF 2.1 fields: the v4 vector from a CSAF 2.1 `metrics[].content.cvss_v4`
//! block or from a CISA-style calculator URL, the v3 vector from `metrics` (CSAF 2.1 renamed
//! `scores`), and `first_known_exploitation_dates`. Synthetic advisories against the shipped
//! engineering-workstation plant (ews-1 and ews-2 run Emerson ValveLink 13.4.118).

mod common;

use patchtwin_import::{CsafImport, Named, csaf};
use patchtwin_model::ExploitMaturity;
use serde_json::{Value, json};

const V3: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V4: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

fn advisory_text(version: &str, vulnerability: Value) -> String {
    json!({
        "document": {"category": "csaf_security_advisory", "csaf_version": version,
                     "title": "ValveLink test", "tracking": {"id": "TEST-21-01"}},
        "product_tree": {"branches": [{"category": "vendor", "name": "Emerson", "branches": [
            {"category": "product_name", "name": "ValveLink", "branches": [
                {"category": "product_version_range", "name": "<= 13.4.118",
                 "product": {"name": "ValveLink <= 13.4.118", "product_id": "VL"}}]}]}]},
        "vulnerabilities": [vulnerability]
    })
    .to_string()
}

fn import(text: &str) -> (csaf::Advisory, String) {
    let advisory = csaf::parse(text).unwrap();
    let scenario_text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&scenario_text, "ews.yaml");
    let out = CsafImport {
        scenario_text: &scenario_text,
        scenario_file: "ews.yaml",
        scenario: &loaded.scenario,
        advisories: &[Named {
            file: "test.json".into(),
            advisory: advisory.clone(),
        }],
        rejected: Vec::new(),
        kev: None,
        epss: None,
    }
    .run()
    .unwrap();
    (advisory, out.yaml)
}

#[test]
fn csaf_2_1_metrics_and_first_known_exploitation() {
    let text = advisory_text(
        "2.1",
        json!({
            "cve": "CVE-2099-0021",
            "product_status": {"known_affected": ["VL"]},
            "metrics": [{"products": ["VL"], "content": {
                "cvss_v3": {"version": "3.1", "vectorString": V3, "baseScore": 9.8},
                "cvss_v4": {"version": "4.0", "vectorString": V4, "baseScore": 9.3}}}],
            "first_known_exploitation_dates": [
                {"date": "2026-03-05T00:00:00Z", "exploitation_date": "2026-03-04T08:00:00Z"},
                {"date": "2026-03-05T00:00:00Z", "exploitation_date": "2026-02-01T10:00:00Z"}]
        }),
    );
    let (advisory, yaml) = import(&text);
    let v = &advisory.vulnerabilities[0];
    assert_eq!(v.cvss_v3.as_deref(), Some(V3));
    assert_eq!(v.cvss_v3_score, Some(9.8));
    assert_eq!(v.cvss_v4.as_deref(), Some(V4));
    assert_eq!(v.first_known_exploitation.as_deref(), Some("2026-02-01"));
    let loaded = common::load(&yaml, "out.yaml");
    let imported = loaded
        .scenario
        .vulnerabilities
        .iter()
        .find(|x| x.id == "CVE-2099-0021")
        .expect("imported");
    // The scenario takes the 4.0 vector (FIRST's calculator scores it 9.3); v3 stays in the notes.
    assert_eq!(imported.cvss_vector.as_deref(), Some(V4));
    assert_eq!(imported.cvss_base_score, Some(9.3));
    assert_eq!(imported.exploit_maturity, ExploitMaturity::Active);
    assert!(yaml.contains(&format!("CVSS v4 vector {V4}")), "{yaml}");
    assert!(
        yaml.contains(&format!("CVSS v3 vector {V3}, base score 9.8")),
        "{yaml}"
    );
    assert!(
        yaml.contains("First known exploitation 2026-02-01"),
        "{yaml}"
    );
}

#[test]
fn csaf_2_0_v4_vector_from_a_calculator_url() {
    let url = format!("https://www.first.org/cvss/calculator/4.0#{V4}");
    let vuln = |v4_block: Value| {
        json!({
            "cve": "CVE-2099-0020",
            "product_status": {"known_affected": ["VL"]},
            "scores": [{"products": ["VL"], "cvss_v3": {"version": "3.1", "vectorString": V3, "baseScore": 9.8}}],
            "metrics": v4_block,
            "references": [{"category": "external", "summary": "CVSS v4 calculator", "url": url}]
        })
    };
    let (advisory, yaml) = import(&advisory_text("2.0", vuln(Value::Null)));
    let v = &advisory.vulnerabilities[0];
    assert_eq!(v.cvss_v4.as_deref(), Some(V4));
    assert_eq!(v.first_known_exploitation, None);
    let loaded = common::load(&yaml, "out.yaml");
    let imported = loaded
        .scenario
        .vulnerabilities
        .iter()
        .find(|x| x.id == "CVE-2099-0020")
        .expect("imported");
    assert_ne!(imported.exploit_maturity, ExploitMaturity::Active);
    assert_eq!(imported.cvss_vector.as_deref(), Some(V4));
    // A malformed v4 block does not win over the well-formed URL vector.
    let bad =
        json!([{"products": ["VL"], "content": {"cvss_v4": {"vectorString": "CVSS:4.0/AV:N"}}}]);
    let (advisory, _) = import(&advisory_text("2.0", vuln(bad)));
    assert_eq!(advisory.vulnerabilities[0].cvss_v4.as_deref(), Some(V4));
}
