//! CycloneDX 1.5 and 1.6 samples written for these tests fill an asset's inventory.

mod common;

use patchtwin_import::cyclonedx::{self, BomError};
use patchtwin_import::{ImportError, SbomImport};

#[test]
fn cyclonedx_1_5_workstation() {
    let bom = cyclonedx::parse(&common::fixture("ews-1.cdx.json")).unwrap();
    assert_eq!(bom.spec_version, "1.5");
    assert_eq!(
        bom.subject.as_deref(),
        Some("Windows 7 Professional SP1 6.1.7601")
    );
    let items: Vec<(&str, &str, &str)> = bom
        .items
        .iter()
        .map(|i| (i.vendor.as_str(), i.product.as_str(), i.version.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            ("Microsoft", "Windows 7 Professional SP1", "6.1.7601"),
            ("Norvik Automation", "NX Studio", "V15.1"),
            ("Emerson", "ValveLink", "13.4.118"),
            ("wibu", "CodeMeter Runtime", "7.60c"),
            ("Apache Software Foundation", "log4j-core", "2.14.1"),
        ]
    );
    assert_eq!(bom.skipped.len(), 4, "{:?}", bom.skipped);
    assert!(bom.skipped.iter().any(|s| s.contains("type `file`")));
    assert!(bom.skipped.iter().any(|s| s.contains("type `device`")));
    assert!(
        bom.skipped
            .iter()
            .any(|s| s.contains("libnx-helpers: no version"))
    );
    assert!(
        bom.skipped
            .iter()
            .any(|s| s.contains("mystery-dll 0.3: no vendor"))
    );
}

#[test]
fn cyclonedx_1_6_firmware_with_nested_components() {
    let bom = cyclonedx::parse(&common::fixture("plc.cdx.json")).unwrap();
    assert_eq!(bom.spec_version, "1.6");
    let items: Vec<(&str, &str, &str)> = bom
        .items
        .iter()
        .map(|i| (i.vendor.as_str(), i.product.as_str(), i.version.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            ("Schneider Electric", "Modicon M580", "SV4.02"),
            ("zlib.net", "zlib", "1.2.11"),
            ("Schneider Electric", "BMENOC0301 Ethernet module", "SV3.01"),
            ("Wind River", "VxWorks", "6.9"),
        ]
    );
}

#[test]
fn sbom_fills_the_inventory_and_keeps_what_is_there() {
    let text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&text, "ews.yaml");
    let bom = cyclonedx::parse(&common::fixture("ews-1.cdx.json")).unwrap();
    let out = SbomImport {
        scenario_text: &text,
        scenario_file: "ews-actively-exploited.yaml",
        scenario: &loaded.scenario,
        asset: "ews-1",
        bom: ("ews-1.cdx.json", &bom),
    }
    .run()
    .unwrap();
    let r = &out.report;
    // The OS, NX Studio and ValveLink were already in the scenario's inventory.
    assert_eq!(r.already_present.len(), 3, "{:?}", r.already_present);
    assert_eq!(
        r.added,
        [
            "wibu CodeMeter Runtime 7.60c",
            "Apache Software Foundation log4j-core 2.14.1"
        ]
    );
    let after = common::load(&out.yaml, "ews-sbom.yaml");
    let ews1 = &after.scenario.assets[after.scenario.asset_by_id("ews-1").unwrap().ix()];
    assert_eq!(ews1.software.len(), 5);
    assert_eq!(ews1.software[4].product, "log4j-core");
    // The other EWS is untouched.
    let ews2 = &after.scenario.assets[after.scenario.asset_by_id("ews-2").unwrap().ix()];
    assert_eq!(ews2.software.len(), 3);
    assert!(out.yaml.contains("CycloneDX 1.5 SBOM `ews-1.cdx.json`"));
    assert!(
        r.render()
            .contains("ews-1: 2 added, 3 already in the inventory, 4 skipped")
    );

    // An asset without a software list gets one.
    let bom = cyclonedx::parse(&common::fixture("plc.cdx.json")).unwrap();
    let text = common::scenario_text("substation");
    let loaded = common::load(&text, "substation.yaml");
    let out = SbomImport {
        scenario_text: &text,
        scenario_file: "substation.yaml",
        scenario: &loaded.scenario,
        asset: "ips-1",
        bom: ("plc.cdx.json", &bom),
    }
    .run()
    .unwrap();
    assert_eq!(out.report.added.len(), 4);
    common::load(&out.yaml, "substation-sbom.yaml");
}

#[test]
fn unknown_asset_says_did_you_mean() {
    let text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&text, "ews.yaml");
    let bom = cyclonedx::parse(&common::fixture("ews-1.cdx.json")).unwrap();
    let e = SbomImport {
        scenario_text: &text,
        scenario_file: "ews.yaml",
        scenario: &loaded.scenario,
        asset: "ews-3",
        bom: ("ews-1.cdx.json", &bom),
    }
    .run()
    .unwrap_err();
    assert!(matches!(e, ImportError::UnknownAsset { .. }));
    assert!(e.to_string().contains("did you mean"), "{e}");
}

#[test]
fn not_cyclonedx_is_rejected_with_a_reason() {
    let e = cyclonedx::parse(r#"{"spdxVersion": "SPDX-2.3"}"#).unwrap_err();
    assert!(e.to_string().contains("not a CycloneDX"), "{e}");
    let e = cyclonedx::parse(r#"{"bomFormat": "CycloneDX", "specVersion": "2.0"}"#).unwrap_err();
    assert!(e.to_string().contains("specVersion"), "{e}");
    let e = cyclonedx::parse(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library"}]}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, BomError::Field { path, .. } if path.starts_with("components[0]")),
        "{e}"
    );
    assert!(matches!(cyclonedx::parse("{"), Err(BomError::Syntax(_))));
    // Truncations of a real-shaped sample never panic.
    let text = common::fixture("ews-1.cdx.json");
    for cut in (0..text.len()).step_by(7) {
        if text.is_char_boundary(cut) {
            let _ = cyclonedx::parse(&text[..cut]);
        }
    }
    let deep = format!(
        "{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": {}{}}}",
        "[{\"type\": \"library\", \"name\": \"x\", \"components\": ".repeat(200),
        "[]}]".repeat(200)
    );
    assert!(cyclonedx::parse(&deep).is_err());
}

#[test]
fn sbom_then_triconex_advisory_gives_segmentation_and_remote_access_controls() {
    use patchtwin_import::{CsafImport, Named, csaf};
    // A TriStation 1131 workstation inventory (an SBOM written for this test) …
    let bom_text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
        {"type": "application", "supplier": {"name": "Schneider Electric"},
         "name": "TriStation 1131", "version": "4.9.0"}]}"#;
    let bom = cyclonedx::parse(bom_text).unwrap();
    let text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&text, "ews.yaml");
    let filled = SbomImport {
        scenario_text: &text,
        scenario_file: "ews.yaml",
        scenario: &loaded.scenario,
        asset: "ews-2",
        bom: ("tristation.cdx.json", &bom),
    }
    .run()
    .unwrap();
    let loaded = common::load(&filled.yaml, "filled.yaml");
    // … meets the real Triconex advisory ICSA-20-205-01.
    let (file, advisory_text) = common::advisory_texts()
        .into_iter()
        .find(|(f, _)| f == "icsa-20-205-01.json")
        .unwrap();
    let advisory = csaf::parse(&advisory_text).unwrap();
    let out = CsafImport {
        scenario_text: &filled.yaml,
        scenario_file: "filled.yaml",
        scenario: &loaded.scenario,
        advisories: &[Named { file, advisory }],
        rejected: Vec::new(),
        kev: None,
        epss: None,
    }
    .run()
    .unwrap();
    let r = &out.report;
    assert_eq!(
        r.advisories[0]
            .affected_assets()
            .into_iter()
            .collect::<Vec<_>>(),
        ["ews-2"]
    );
    assert_eq!(r.added_vulnerabilities.len(), 5);
    // "behind firewalls and isolate them from the business network" → the DMZ conduit into the
    // EWS zone, keeping what flows use; "when remote access is required, use … VPNs" → the
    // vendor VPN entry point.
    assert_eq!(
        r.added_controls,
        ["restrict-dmz-operations", "restrict-vendor-vpn"]
    );
    // Physical and procedural advice is listed, not modelled.
    assert!(
        r.advisories[0]
            .not_modelled
            .iter()
            .any(|l| l.contains("locked cabinets"))
    );
    // Schneider's "released TriStation v4.9.1 …" is filed as a mitigation: no patch invented.
    assert!(r.added_patches.is_empty());
    let after = common::load(&out.yaml, "triconex.yaml");
    assert_eq!(
        after.scenario.controls.len(),
        loaded.scenario.controls.len() + 2
    );
}

/// A BOM of `n` library components from 97 suppliers, every `dup_every`-th repeating the one
/// before it (so duplicates must be found among the items already read).
fn generated_bom(n: usize, dup_every: usize) -> String {
    let components: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let k = if dup_every > 0 && i % dup_every == 1 {
                i - 1
            } else {
                i
            };
            serde_json::json!({
                "type": "library", "name": format!("lib{k}"), "version": format!("1.{k}"),
                "supplier": {"name": format!("Vendor {}", k % 97)}
            })
        })
        .collect();
    serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": components})
        .to_string()
}

#[test]
fn bom_over_the_component_cap_is_rejected_not_truncated() {
    // Nested components count too: the cap is on components at any depth.
    let at_cap = generated_bom(cyclonedx::MAX_COMPONENTS, 0);
    assert_eq!(
        cyclonedx::parse(&at_cap).unwrap().items.len(),
        cyclonedx::MAX_COMPONENTS
    );
    let over = generated_bom(cyclonedx::MAX_COMPONENTS + 1, 0);
    let e = cyclonedx::parse(&over).unwrap_err();
    assert_eq!(e, BomError::TooManyComponents);
    assert!(e.to_string().contains("more than 100000 components"), "{e}");
    let nested = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
        "metadata": {"component": {"type": "firmware", "name": "fw", "version": "1",
            "supplier": {"name": "Acme"},
            "components": serde_json::from_str::<serde_json::Value>(&over).unwrap()["components"]}}});
    assert_eq!(
        cyclonedx::parse(&nested.to_string()).unwrap_err(),
        BomError::TooManyComponents
    );
}

#[test]
fn a_100k_component_bom_imports_in_linear_time() {
    // With a scan of the items read so far (the old duplicate check) this took over three
    // CPU minutes in a debug build; with set lookups about five CPU seconds. The bound is
    // wall time on a shared, loaded machine, hence generous. Every 10th component repeats
    // the one before it, so 90,000 distinct items are expected.
    let text = common::scenario_text("ews-actively-exploited");
    let loaded = common::load(&text, "ews.yaml");
    let bom_text = generated_bom(cyclonedx::MAX_COMPONENTS, 10);
    let started = std::time::Instant::now();
    let bom = cyclonedx::parse(&bom_text).unwrap();
    assert_eq!(bom.items.len(), 90_000);
    let out = SbomImport {
        scenario_text: &text,
        scenario_file: "ews.yaml",
        scenario: &loaded.scenario,
        asset: "ews-1",
        bom: ("big.cdx.json", &bom),
    }
    .run()
    .unwrap();
    assert_eq!(out.report.added.len(), 90_000);
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 120, "took {elapsed:?}");
}
