//! JSON Schema (draft-07) of the scenario format, derived from the input structs, for editors.

use crate::raw::{AssetModelFile, ScenarioFile};
use schemars::generate::SchemaSettings;

/// The scenario JSON Schema as pretty-printed JSON.
pub fn scenario_schema() -> String {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<ScenarioFile>();
    schema.insert("title".into(), "patchtwin scenario".into());
    serde_json::to_string_pretty(&schema).expect("a schema serializes")
}

/// The asset model JSON Schema as pretty-printed JSON.
pub fn model_schema() -> String {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<AssetModelFile>();
    serde_json::to_string_pretty(&schema).expect("a schema serializes")
}
