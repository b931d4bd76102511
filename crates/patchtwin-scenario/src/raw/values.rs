//! Uncertain values as written: probabilities (a number or a beta) and distributions of a
//! quantity (a constant or a one-key family mapping, mixtures included), with their schemas.

use crate::units::{Number, Quantity, describe};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;

/// A probability: a number in [0, 1], or `{beta: {alpha, beta}}` when uncertain.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbabilityRaw {
    /// Known.
    Fixed(f64),
    /// Uncertain, Beta distributed.
    Beta {
        /// First shape.
        alpha: f64,
        /// Second shape.
        beta: f64,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BetaParams {
    alpha: f64,
    beta: f64,
}

impl<'de> Deserialize<'de> for ProbabilityRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = Value::deserialize(d)?;
        match &v {
            Value::Number(n) => n
                .as_f64()
                .map(ProbabilityRaw::Fixed)
                .ok_or_else(|| D::Error::custom("probability out of range")),
            Value::Object(m) if m.len() == 1 && m.contains_key("beta") => {
                let p: BetaParams = serde_json::from_value(m["beta"].clone())
                    .map_err(|e| D::Error::custom(format!("beta: {e}")))?;
                Ok(ProbabilityRaw::Beta {
                    alpha: p.alpha,
                    beta: p.beta,
                })
            }
            other => Err(D::Error::custom(format!(
                "expected a probability (a number from 0 to 1, or `beta: {{alpha: .., beta: ..}}`), found {}",
                describe(other)
            ))),
        }
    }
}

impl JsonSchema for ProbabilityRaw {
    fn schema_name() -> Cow<'static, str> {
        "Probability".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A probability from 0 to 1, or an uncertain one: `{beta: {alpha: 2, beta: 50}}`.",
            "anyOf": [
                { "type": "number", "minimum": 0, "maximum": 1 },
                {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["beta"],
                    "properties": { "beta": {
                        "type": "object", "additionalProperties": false, "required": ["alpha", "beta"],
                        "properties": { "alpha": { "type": "number", "exclusiveMinimum": 0 }, "beta": { "type": "number", "exclusiveMinimum": 0 } }
                    } }
                }
            ]
        })
    }
}

/// A distribution of a quantity `Q`, as written: a bare constant (`100ms`) or a one-key
/// mapping naming the family (`{triangular: {min: 1s, mode: 2s, max: 5s}}`).
#[derive(Debug, Clone, PartialEq)]
#[expect(
    missing_docs,
    reason = "parameters carry the standard names of their distribution"
)]
pub enum DistRaw<Q> {
    Constant(Q),
    Uniform {
        min: Q,
        max: Q,
    },
    Triangular {
        min: Q,
        mode: Q,
        max: Q,
    },
    Pert {
        min: Q,
        mode: Q,
        max: Q,
    },
    Normal {
        mean: Q,
        sd: Q,
    },
    LogNormal {
        median: Option<Q>,
        p5: Option<Q>,
        p95: Q,
    },
    Exponential {
        mean: Q,
    },
    Weibull {
        shape: f64,
        scale: Q,
    },
    Empirical(Vec<Q>),
    /// Weighted parts: `(weight, part)`.
    Mixture(Vec<(f64, DistRaw<Q>)>),
}

/// Distribution families and their parameter names, for messages and the schema.
pub const DIST_FAMILIES: &[(&str, &[&str])] = &[
    ("uniform", &["min", "max"]),
    ("triangular", &["min", "mode", "max"]),
    ("pert", &["min", "mode", "max"]),
    ("normal", &["mean", "sd"]),
    ("lognormal", &["median", "p5", "p95"]),
    ("exponential", &["mean"]),
    ("weibull", &["shape", "scale"]),
    ("empirical", &[]),
    ("mixture", &[]),
];

fn param<Q: Quantity>(
    family: &str,
    params: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Q, String> {
    let v = params
        .get(name)
        .ok_or_else(|| format!("{family} needs `{name}`"))?;
    Q::from_value(v).map_err(|e| format!("{family}.{name}: {e}"))
}

fn opt_param<Q: Quantity>(
    family: &str,
    params: &serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<Q>, String> {
    if params.contains_key(name) {
        param(family, params, name).map(Some)
    } else {
        Ok(None)
    }
}

impl<Q: Quantity> DistRaw<Q> {
    /// Reads a distribution from a JSON value.
    pub fn from_value(v: &Value) -> Result<Self, String> {
        let Value::Object(m) = v else {
            return Q::from_value(v).map(DistRaw::Constant).map_err(|e| {
                format!("{e}; a distribution is {} or a mapping such as `triangular: {{min, mode, max}}`", Q::expected())
            });
        };
        let families = DIST_FAMILIES
            .iter()
            .map(|(f, _)| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if m.len() != 1 {
            return Err(format!(
                "a distribution mapping has exactly one key naming the family ({families})"
            ));
        }
        let (family, params) = m.iter().next().expect("one key");
        let Some((_, names)) = DIST_FAMILIES.iter().find(|(f, _)| f == family) else {
            let hint = crate::diag::did_you_mean(family, DIST_FAMILIES.iter().map(|(f, _)| *f));
            return Err(format!(
                "unknown distribution `{family}`{hint}; expected one of {families}"
            ));
        };
        if *family == "empirical" {
            let Value::Array(items) = params else {
                return Err("empirical needs a list of samples".into());
            };
            return items
                .iter()
                .map(Q::from_value)
                .collect::<Result<Vec<_>, _>>()
                .map(DistRaw::Empirical)
                .map_err(|e| format!("empirical: {e}"));
        }
        if *family == "mixture" {
            return mixture_from_value(params);
        }
        let Value::Object(p) = params else {
            return Err(format!("{family} needs a mapping of {}", names.join(", ")));
        };
        if let Some(unknown) = p.keys().find(|k| !names.contains(&k.as_str())) {
            return Err(format!(
                "unknown parameter `{unknown}` of {family}; expected {}",
                names.join(", ")
            ));
        }
        Ok(match family.as_str() {
            "uniform" => DistRaw::Uniform {
                min: param(family, p, "min")?,
                max: param(family, p, "max")?,
            },
            "triangular" => DistRaw::Triangular {
                min: param(family, p, "min")?,
                mode: param(family, p, "mode")?,
                max: param(family, p, "max")?,
            },
            "pert" => DistRaw::Pert {
                min: param(family, p, "min")?,
                mode: param(family, p, "mode")?,
                max: param(family, p, "max")?,
            },
            "normal" => DistRaw::Normal {
                mean: param(family, p, "mean")?,
                sd: param(family, p, "sd")?,
            },
            "lognormal" => {
                let median = opt_param(family, p, "median")?;
                let p5 = opt_param(family, p, "p5")?;
                if median.is_some() == p5.is_some() {
                    return Err("lognormal needs `p95` with exactly one of `median` or `p5`".into());
                }
                DistRaw::LogNormal {
                    median,
                    p5,
                    p95: param(family, p, "p95")?,
                }
            }
            "exponential" => DistRaw::Exponential {
                mean: param(family, p, "mean")?,
            },
            "weibull" => DistRaw::Weibull {
                shape: param::<Number>(family, p, "shape")?.0,
                scale: param(family, p, "scale")?,
            },
            _ => unreachable!("families are matched above"),
        })
    }
}

/// Reads `mixture: [{weight: 4, value: 20min}, {weight: 1, value: 2h}]`: each part a weight
/// (positive; the weights need not add up to 1, they are normalised) and a distribution.
fn mixture_from_value<Q: Quantity>(params: &Value) -> Result<DistRaw<Q>, String> {
    const SHAPE: &str = "mixture needs a list of parts such as `{weight: 0.8, value: 20min}`";
    let Value::Array(items) = params else {
        return Err(SHAPE.into());
    };
    if items.is_empty() {
        return Err("mixture needs at least one part".into());
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i + 1;
            let Value::Object(m) = item else {
                return Err(format!("mixture part {n}: {SHAPE}"));
            };
            if let Some(unknown) = m.keys().find(|k| *k != "weight" && *k != "value") {
                return Err(format!(
                    "mixture part {n}: unknown key `{unknown}`; expected `weight` and `value`"
                ));
            }
            let weight = m
                .get("weight")
                .ok_or_else(|| format!("mixture part {n} needs `weight`"))
                .and_then(|w| {
                    Number::from_value(w).map_err(|e| format!("mixture part {n}.weight: {e}"))
                })?
                .0;
            let value = m
                .get("value")
                .ok_or_else(|| format!("mixture part {n} needs `value`"))
                .and_then(|v| {
                    DistRaw::<Q>::from_value(v).map_err(|e| format!("mixture part {n}.value: {e}"))
                })?;
            Ok((weight, value))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(DistRaw::Mixture)
}

impl<'de, Q: Quantity> Deserialize<'de> for DistRaw<Q> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        DistRaw::from_value(&v).map_err(serde::de::Error::custom)
    }
}

impl<Q: Quantity> JsonSchema for DistRaw<Q> {
    fn schema_name() -> Cow<'static, str> {
        format!(
            "DistributionOf{}",
            if Q::expected().contains("duration") {
                "Duration"
            } else {
                "Number"
            }
        )
        .into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let q = Q::schema();
        let obj = |props: &[&str], required: &[&str]| {
            let mut p = serde_json::Map::new();
            for name in props {
                p.insert(
                    (*name).into(),
                    if *name == "shape" {
                        json_schema!({"type": "number"}).into()
                    } else {
                        q.clone().into()
                    },
                );
            }
            json_schema!({ "type": "object", "additionalProperties": false, "properties": p, "required": required })
        };
        let family = |name: &str, inner: Schema| -> Value {
            serde_json::json!({ "type": "object", "additionalProperties": false, "required": [name], "properties": { name: inner } })
        };
        json_schema!({
            "description": "A constant, or a one-key mapping naming the distribution: uniform {min, max}, triangular {min, mode, max}, pert {min, mode, max}, normal {mean, sd} (truncated at 0), lognormal {median, p95} or {p5, p95}, exponential {mean}, weibull {shape, scale}, empirical [samples], mixture [{weight, value}] (weights normalised; e.g. `mixture: [{weight: 4, value: 20min}, {weight: 1, value: 2h}]` is 20 min but 2 h in one case in five).",
            "anyOf": [
                q.clone(),
                family("uniform", obj(&["min", "max"], &["min", "max"])),
                family("triangular", obj(&["min", "mode", "max"], &["min", "mode", "max"])),
                family("pert", obj(&["min", "mode", "max"], &["min", "mode", "max"])),
                family("normal", obj(&["mean", "sd"], &["mean", "sd"])),
                family("lognormal", obj(&["median", "p5", "p95"], &["p95"])),
                family("exponential", obj(&["mean"], &["mean"])),
                family("weibull", obj(&["shape", "scale"], &["shape", "scale"])),
                family("empirical", json_schema!({ "type": "array", "minItems": 1, "items": q })),
                family("mixture", json_schema!({ "type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": false, "required": ["weight", "value"],
                    "properties": { "weight": { "type": "number", "exclusiveMinimum": 0 }, "value": {} }
                } })),
            ]
        })
    }
}
