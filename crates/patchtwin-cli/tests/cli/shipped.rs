//! What the repository ships: the scenarios in `scenarios/` validate, the asset models in
//! `models/` load (from the directory and as the built-in library), and `patchtwin schema`
//! prints a draft-07 JSON Schema.

use crate::util::{self, workspace_root};
use patchtwin_scenario::ModelLibrary;
use std::path::Path;
use std::time::Duration;

const SCENARIO_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

#[test]
fn every_shipped_scenario_validates() {
    let root = workspace_root();
    let files = util::files_with_extension(&root.join("scenarios"), SCENARIO_EXTENSIONS);
    assert!(!files.is_empty(), "scenarios/ holds no scenario file");
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name");
        let rel = format!("scenarios/{name}");
        let run = util::validate(Path::new(&rel));
        // Valid and clean: a newcomer's first `validate` of a shipped plant shows no warning
        // (water-treatment once warned about its own MQTT conduits).
        if run.code != Some(0)
            || !run.stdout.contains("valid scenario")
            || run.stderr.contains("warning")
        {
            failures.push(format!(
                "{rel}: expected a valid scenario without warnings (exit code 0), got {:?}\n--- stdout\n{}--- stderr\n{}",
                run.code, run.stdout, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_shipped_model_loads() {
    let dir = workspace_root().join("models");
    let files = util::files_with_extension(&dir, SCENARIO_EXTENSIONS);
    assert!(!files.is_empty(), "models/ holds no model file");
    let mut lib = ModelLibrary::default();
    let added = lib
        .add_dir(&dir)
        .unwrap_or_else(|d| panic!("the shipped models do not load:\n{}", d.render()));
    assert_eq!(added, files.len(), "every file in models/ is one model");
    assert_eq!(
        lib.ids().count(),
        files.len(),
        "model ids in models/ are unique"
    );
    // The built-in library skips a broken model silently; make sure none was skipped.
    let builtin = ModelLibrary::builtin();
    let missing: Vec<&str> = lib.ids().filter(|id| builtin.get(id).is_none()).collect();
    assert!(
        missing.is_empty(),
        "missing from the built-in library: {missing:?}"
    );
}

fn schema(args: &[&str]) -> serde_json::Value {
    let run = util::patchtwin(args, Duration::from_secs(60));
    assert_eq!(
        run.code,
        Some(0),
        "`patchtwin {}` failed:\n{}",
        args.join(" "),
        run.stderr
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("`patchtwin {}` did not print JSON: {e}", args.join(" ")))
}

/// The summary.json schema, as `patchtwin schema --summary` prints it.
pub fn summary_schema() -> serde_json::Value {
    schema(&["schema", "--summary"])
}

/// The scenario schema, as `patchtwin schema` prints it.
pub fn scenario_schema() -> serde_json::Value {
    schema(&["schema"])
}

/// The asset model schema, as `patchtwin schema --models` prints it.
pub fn model_schema() -> serde_json::Value {
    schema(&["schema", "--models"])
}

#[test]
fn schema_is_draft_07_json() {
    for (what, s) in [("scenario", scenario_schema()), ("model", model_schema())] {
        assert_eq!(
            s["$schema"], "http://json-schema.org/draft-07/schema#",
            "the {what} schema declares draft-07"
        );
        assert_eq!(s["type"], "object", "a {what} file is a mapping");
        assert!(
            s["properties"].is_object(),
            "the {what} schema lists its fields"
        );
    }
    let s = summary_schema();
    assert_eq!(s["title"], "patchtwin summary.json");
    let required = |v: &serde_json::Value| -> Vec<String> {
        v["required"]
            .as_array()
            .expect("required fields")
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect()
    };
    for field in ["plans", "comparisons", "pairwise"] {
        assert!(
            required(&s).iter().any(|r| r == field),
            "summary.json requires `{field}`"
        );
    }
    let pair = &s["definitions"]["PairDifference"];
    let mut fields = required(pair);
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "delta_downtime_h",
            "delta_dual_success",
            "delta_expected_loss",
            "delta_p_compromise",
            "delta_p_trip",
            "plan_a",
            "plan_b"
        ],
        "{pair}"
    );
    let s = scenario_schema();
    assert_eq!(s["title"], "patchtwin scenario");
    let mut required: Vec<&str> = s["required"]
        .as_array()
        .expect("required fields")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    required.sort_unstable();
    assert_eq!(required, ["assets", "horizon", "name", "plans", "zones"]);
    assert_eq!(
        s["additionalProperties"], false,
        "unknown top-level fields are rejected"
    );
}
