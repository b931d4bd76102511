//! The fuzz harnesses: what each fuzz target does with one input, and what must hold.
//!
//! Shared by the libFuzzer targets (`fuzz/fuzz_targets/*.rs`, run by `.ci/fuzz`) and by
//! `patchtwin-import`'s `fuzz_regressions` test, which replays every input kept under
//! `fuzz/regressions/<target>/` in a plain `cargo test`, so a crash once found stays checked
//! without the fuzzer. Not a parser or a test of results: each harness only asserts that
//! nothing panics, and that an import the parsers accepted gives a scenario that validates.

use patchtwin_import::{CsafImport, Named, SbomImport, csaf, cyclonedx, epss, kev};
use patchtwin_scenario::{Loaded, ModelLibrary};
use std::sync::OnceLock;

/// The plant imports are made into: the shipped engineering-workstation scenario.
const SCENARIO_FILE: &str = "ews-actively-exploited.yaml";
const SCENARIO: &str = include_str!("../../scenarios/ews-actively-exploited.yaml");

fn library() -> &'static ModelLibrary {
    static LIB: OnceLock<ModelLibrary> = OnceLock::new();
    LIB.get_or_init(ModelLibrary::builtin)
}

fn plant() -> &'static Loaded {
    static PLANT: OnceLock<Loaded> = OnceLock::new();
    PLANT.get_or_init(
        || match patchtwin_scenario::load_str(SCENARIO, SCENARIO_FILE, library()) {
            Ok(l) => l,
            Err(d) => panic!("the shipped {SCENARIO_FILE} does not load:\n{}", d.render()),
        },
    )
}

/// An import's output must load: the command line treats anything else as its own bug.
fn must_validate(yaml: &str, what: &str) {
    if let Err(d) = patchtwin_scenario::load_str(yaml, "imported.yaml", library()) {
        panic!(
            "{what}: the imported scenario does not validate:\n{}\n--- scenario ---\n{yaml}",
            d.render()
        );
    }
}

/// The scenario loader on arbitrary text; diagnostics are rendered (they quote the source).
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(d) = patchtwin_scenario::load_str(text, "fuzz.yaml", library()) {
        let _ = d.render();
    }
}

/// A CSAF advisory: parsed, and when accepted, imported into the plant (report rendered,
/// output validated).
pub fn csaf(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(advisory) = csaf::parse(text) else {
        return;
    };
    let loaded = plant();
    let named = [Named {
        file: "fuzz.json".into(),
        advisory,
    }];
    let out = CsafImport {
        scenario_text: SCENARIO,
        scenario_file: SCENARIO_FILE,
        scenario: &loaded.scenario,
        advisories: &named,
        rejected: Vec::new(),
        kev: None,
        epss: None,
    }
    .run();
    if let Ok(out) = out {
        let _ = out.report.render();
        must_validate(&out.yaml, "csaf import");
    }
}

/// A KEV catalog: parsed, and each of a few ids looked up.
pub fn kev(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(catalog) = kev::Catalog::parse(text) {
        for id in ["CVE-2019-0708", "cve-2021-44228", "", " CVE-1 "] {
            let _ = catalog.get(id);
        }
    }
}

/// An EPSS file (bytes: gzip and non-UTF-8 input are recognised).
pub fn epss(data: &[u8]) {
    if let Ok(scores) = epss::Scores::parse_bytes(data) {
        let _ = scores.get("CVE-2020-6971");
    }
}

/// A CycloneDX BOM: parsed, and when accepted, imported into `ews-1` (output validated).
pub fn cyclonedx(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(bom) = cyclonedx::parse(text) else {
        return;
    };
    let loaded = plant();
    let out = SbomImport {
        scenario_text: SCENARIO,
        scenario_file: SCENARIO_FILE,
        scenario: &loaded.scenario,
        asset: "ews-1",
        bom: ("fuzz.cdx.json", &bom),
    }
    .run();
    if let Ok(out) = out {
        let _ = out.report.render();
        must_validate(&out.yaml, "sbom import");
    }
}
