//! A hostile but well-formed advisory (tens of thousands of products, relationships,
//! affected ids and remediation texts) is handled in bounded time, not quadratically.

mod common;

use patchtwin_import::{CsafImport, Named, csaf};
use serde_json::json;

#[test]
fn huge_advisory_stays_fast() {
    let n = 20_000;
    let mut versions = vec![json!({
        "category": "product_name", "name": "ValveLink",
        "branches": [{"category": "product_version_range", "name": ">= 12.0.264 | <= 13.4.118",
                      "product": {"name": "ValveLink", "product_id": "VL"}}]
    })];
    for i in 0..n {
        versions.push(json!({
            "category": "product_name", "name": format!("Product {i}"),
            "branches": [{"category": "product_version_range", "name": if i % 2 == 0 { format!("< 1.{i}") } else { format!("garbage ({i})") },
                          "product": {"name": format!("P{i}"), "product_id": format!("P{i}")}}]
        }));
    }
    let relationships: Vec<_> = (0..n)
        .map(|i| json!({"category": "installed_on", "product_reference": format!("P{i}"),
                        "relates_to_product_reference": "VL",
                        "full_product_name": {"name": format!("R{i}"), "product_id": format!("R{i}")}}))
        .collect();
    let mut affected: Vec<String> = (0..n).map(|i| format!("P{i}")).collect();
    affected.extend((0..n).map(|i| format!("R{i}")));
    affected.push("VL".into());
    let remediations: Vec<_> = (0..n)
        .map(|i| json!({"category": if i % 3 == 0 { "vendor_fix" } else { "mitigation" },
                        "details": format!("Update to version {i} or restrict network access with a firewall, note {i}.")}))
        .collect();
    let doc = json!({
        "document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": "Stress",
                     "tracking": {"id": "STRESS-1"}},
        "product_tree": {"branches": [{"category": "vendor", "name": "Emerson", "branches": versions}],
                         "relationships": relationships},
        "vulnerabilities": [{"cve": "CVE-2099-0001", "product_status": {"known_affected": affected},
                             "remediations": remediations}]
    });
    let text = serde_json::to_string(&doc).unwrap();
    let started = std::time::Instant::now();
    let advisory = csaf::parse(&text).unwrap();
    assert_eq!(advisory.products.len(), 2 * n + 1);
    let scenario_text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&scenario_text, "ews.yaml");
    let out = CsafImport {
        scenario_text: &scenario_text,
        scenario_file: "ews.yaml",
        scenario: &loaded.scenario,
        advisories: &[Named {
            file: "stress.json".into(),
            advisory,
        }],
        rejected: Vec::new(),
        kev: None,
        epss: None,
    }
    .run()
    .unwrap();
    common::load(&out.yaml, "stress-out.yaml");
    assert_eq!(out.report.added_vulnerabilities, ["CVE-2099-0001"]);
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}
