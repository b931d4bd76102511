//! `sensitivity`: what the sensitivity analysis (`patchtwin sensitivity`, `run --sensitivity`)
//! may assume about the scenario's uncertain inputs — for now, a plausible range per named
//! input, which replaces the default range of the input's kind.
//!
//! Not here: the check of a range against its input (`validate::sensitivity`) or the analysis
//! (`patchtwin-sensitivity`).

use crate::units::{DurationText, Quantity, describe};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;

/// What the sensitivity analysis may assume. Example:
/// `sensitivity: {ranges: [{input: "assets[plc-kiln].fault_rate_per_day", low: 0.02, high: 0.12}]}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SensitivityRaw {
    /// Plausible ranges of named inputs: each replaces the default range of its input's kind
    /// (±50% for a probability, ×0.5..×2 for a duration, cost or rate); `--range` on the
    /// command line overrides it. The report says where every range came from.
    #[serde(default)]
    pub ranges: Vec<InputRangeRaw>,
}

/// The plausible range of one input. Example: `{input: "patches[KB5034439].failure_probability",
/// low: 0.05, high: 0.4, note: "vendor's field reports"}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputRangeRaw {
    /// The input, named as `patchtwin sensitivity` lists it (its `--inputs` names), e.g.
    /// `patches[KB5034439].failure_probability`, `threat.entry_points[vpn].foothold_probability`,
    /// `process_units[kiln].downtime_cost_per_hour`, `assets[plc-1].fault_rate_per_day`.
    pub input: String,
    /// Low end: a number in the input's unit (a probability, a cost, faults per day), or a
    /// duration with its unit for a duration input (`2h`, `10d`).
    pub low: RangeEndRaw,
    /// High end, as `low`; above it.
    pub high: RangeEndRaw,
    /// Where the range comes from, in a few words (shown in the report), e.g. `vendor's field
    /// reports: 5–40% of sites`.
    #[serde(default)]
    pub note: Option<String>,
}

/// One end of a range: a number, or a duration with a unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RangeEndRaw {
    /// A plain number, in the input's unit.
    Number(f64),
    /// A duration.
    Duration(DurationText),
}

impl<'de> Deserialize<'de> for RangeEndRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = Value::deserialize(d)?;
        match &v {
            Value::Number(n) => n
                .as_f64()
                .map(RangeEndRaw::Number)
                .ok_or_else(|| D::Error::custom("number out of range")),
            Value::String(_) => DurationText::from_value(&v)
                .map(RangeEndRaw::Duration)
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "expected a number, or a duration such as `2h`, found {}",
                describe(other)
            ))),
        }
    }
}

impl JsonSchema for RangeEndRaw {
    fn schema_name() -> Cow<'static, str> {
        "RangeEnd".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let duration = generator.subschema_for::<DurationText>();
        json_schema!({
            "description": "A number in the input's unit, or a duration with a unit for a duration input.",
            "anyOf": [ { "type": "number", "minimum": 0 }, duration ]
        })
    }
}
