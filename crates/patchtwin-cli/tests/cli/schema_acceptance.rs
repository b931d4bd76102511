//! The JSON Schema printed by `patchtwin schema` accepts every shipped scenario (converted
//! from YAML to JSON the way the loader reads it), so editors do not flag valid files. It is
//! also checked against the draft-07 meta-schema, and shown to reject what it should.

use crate::shipped::{model_schema, scenario_schema};
use crate::util::{self, workspace_root};
use serde_json::{Value, json};

fn compile(schema: &Value) -> jsonschema::Validator {
    assert!(
        jsonschema::draft7::meta::is_valid(schema),
        "the schema is not a valid draft-07 schema"
    );
    jsonschema::draft7::new(schema).unwrap_or_else(|e| panic!("the schema does not compile: {e}"))
}

/// Every violation, one per line, with the JSON pointer of the offending value.
fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("at `{}`: {e}", e.instance_path()))
        .collect()
}

fn as_json(file: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let (value, _map) = patchtwin_scenario::source::read(&text).unwrap_or_else(|errs| {
        let messages: Vec<String> = errs.into_iter().map(|e| e.message).collect();
        panic!("{} does not parse: {}", file.display(), messages.join("; "))
    });
    value
}

#[test]
fn every_shipped_scenario_is_accepted_by_the_schema() {
    let validator = compile(&scenario_schema());
    let files = util::files_with_extension(
        &workspace_root().join("scenarios"),
        &["yaml", "yml", "json"],
    );
    assert!(!files.is_empty(), "scenarios/ holds no scenario file");
    let mut failures = Vec::new();
    for file in &files {
        let found = violations(&validator, &as_json(file));
        if !found.is_empty() {
            failures.push(format!("{}:\n  {}", file.display(), found.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "the schema rejects shipped scenarios that `patchtwin validate` accepts:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_shipped_model_is_accepted_by_the_model_schema() {
    let validator = compile(&model_schema());
    let files =
        util::files_with_extension(&workspace_root().join("models"), &["yaml", "yml", "json"]);
    assert!(!files.is_empty(), "models/ holds no model file");
    let mut failures = Vec::new();
    for file in &files {
        let found = violations(&validator, &as_json(file));
        if !found.is_empty() {
            failures.push(format!("{}:\n  {}", file.display(), found.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "the model schema rejects shipped models:\n{}",
        failures.join("\n")
    );
}

/// Guards against a vacuous schema (one that accepts anything).
#[test]
fn the_schema_rejects_what_it_should() {
    let validator = compile(&scenario_schema());
    let minimal = json!({
        "name": "minimal",
        "horizon": "30d",
        "zones": [{"id": "control", "purdue_level": 1}],
        "assets": [{"id": "plc-1", "zone": "control", "model": "fast-plc"}],
        "plans": [{"id": "defer"}]
    });
    assert_eq!(violations(&validator, &minimal), Vec::<String>::new());
    let with = |pointer: &str, value: Value| {
        let mut v = minimal.clone();
        *v.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer} exists")) = value;
        v
    };
    let mut unknown_field = minimal.clone();
    unknown_field["descripton"] = json!("typo");
    let mut missing_plans = minimal.clone();
    missing_plans
        .as_object_mut()
        .expect("an object")
        .remove("plans");
    let cases = [
        ("an unknown top-level field", unknown_field),
        ("a missing `plans`", missing_plans),
        ("a duration without a unit", with("/horizon", json!("30"))),
        (
            "a duration with an unknown unit",
            with("/horizon", json!("30days")),
        ),
        (
            "an unknown asset field",
            with(
                "/assets/0",
                json!({"id": "plc-1", "zone": "control", "modle": "fast-plc"}),
            ),
        ),
        ("an unknown flow kind", {
            let mut v = minimal.clone();
            v["flows"] = json!([{"id": "f", "kind": "pol", "protocol": "modbus_tcp", "consumer": "plc-1", "producer": "plc-1", "period": "100ms"}]);
            v
        }),
    ];
    for (what, instance) in cases {
        assert!(!validator.is_valid(&instance), "the schema accepts {what}");
    }
}
