//! Helpers shared by the integration tests.
#![allow(dead_code)]

use patchtwin_import::{Named, csaf};
use std::path::PathBuf;

/// The public data beside the repository (`../shared/data`), or `$PATCHTWIN_DATA`.
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("PATCHTWIN_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    assert!(
        dir.join("csaf").is_dir(),
        "the shared public data is not at {} (CISA CSAF advisories and KEV, see its README); set PATCHTWIN_DATA",
        dir.display()
    );
    dir
}

/// This crate's own fixtures.
pub fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The 17 shipped CISA advisories (cisagov/CSAF, csaf_files/OT/white), as (file name, text).
pub fn advisory_texts() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir().join("csaf"))
        .expect("csaf dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read advisory"))
        })
        .collect()
}

/// The shipped advisories, parsed.
pub fn advisories() -> Vec<Named> {
    advisory_texts()
        .into_iter()
        .map(|(file, text)| Named {
            advisory: csaf::parse(&text).unwrap_or_else(|e| panic!("{file}: {e}")),
            file,
        })
        .collect()
}

/// The repository's `scenarios/` directory.
pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// A shipped scenario's text.
pub fn scenario_text(name: &str) -> String {
    std::fs::read_to_string(scenarios_dir().join(format!("{name}.yaml"))).expect("scenario")
}

/// Validates scenario text with the built-in model library; panics with the diagnostics.
pub fn load(text: &str, file: &str) -> patchtwin_scenario::Loaded {
    patchtwin_scenario::load_str(text, file, &patchtwin_scenario::ModelLibrary::builtin())
        .unwrap_or_else(|d| panic!("{file} does not validate:\n{}", d.render()))
}

/// The shipped scenarios' names.
pub const SCENARIOS: &[&str] = &[
    "ews-actively-exploited",
    "water-treatment",
    "substation",
    "packaging-line",
    "large-plant",
];
