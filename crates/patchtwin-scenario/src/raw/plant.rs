//! The plant as written: zones, conduits, assets with their software and behaviour, links
//! between them, and asset model files. Not traffic (see `traffic`) and not security
//! (see `security`).

use super::*;
use crate::units::{BandwidthText, DurationText, describe};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;

/// An ISA/IEC 62443 zone.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneRaw {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// Purdue level: 0–5, or 3.5 for the DMZ.
    pub purdue_level: f64,
    /// Target security level SL-T, 1–4.
    #[serde(default)]
    pub security_level_target: Option<u8>,
}

/// Direction in which a conduit lets connections be opened.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DirectionRaw {
    /// Either side may open connections.
    Both,
    /// Only the first zone listed may open connections to the second.
    FirstToSecond,
    /// Only the second zone listed may open connections to the first.
    SecondToFirst,
}

/// A conduit between two zones.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConduitRaw {
    /// Unique id.
    pub id: String,
    /// The two zones it connects.
    pub zones: Vec<String>,
    /// Protocols allowed through (e.g. `modbus_tcp`, `opc_ua`, `https`, `rdp`); empty or absent
    /// means any.
    #[serde(default)]
    pub protocols: Vec<String>,
    /// Who may open connections (default `both`).
    #[serde(default)]
    pub direction: Option<DirectionRaw>,
}

/// One software or firmware item of an asset.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareRaw {
    /// Vendor, e.g. `Siemens`.
    pub vendor: String,
    /// Product, e.g. `SIMATIC S7-1500 CPU`.
    pub product: String,
    /// Version as the vendor writes it, e.g. `V2.9.4`.
    pub version: VersionText,
}

/// A version string; numbers are accepted and kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionText(pub String);

impl<'de> Deserialize<'de> for VersionText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(VersionText(s)),
            Value::Number(n) => Ok(VersionText(n.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "expected a version such as `V2.9.4`, found {}",
                describe(&other)
            ))),
        }
    }
}

impl JsonSchema for VersionText {
    fn schema_name() -> Cow<'static, str> {
        "Version".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["string", "number"], "description": "Version as the vendor writes it." })
    }
}

/// Behaviour fields of an asset model; in a scenario, overrides of the model's defaults.
#[derive(Debug, Default, Deserialize, JsonSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct BehaviourRaw {
    /// Controller scan cycle (requests are served at the next scan boundary).
    #[serde(default)]
    pub scan_cycle: Option<DistRaw<DurationText>>,
    /// Processing time per request, or forwarding/inspection time per message for network
    /// devices.
    #[serde(default)]
    pub service_time: Option<DistRaw<DurationText>>,
    /// Base CPU load, 0 to 0.95; a loaded CPU stretches the scan by 1 / (1 − load).
    #[serde(default)]
    pub cpu_load: Option<f64>,
    /// Time to come back after a reboot.
    #[serde(default)]
    pub reboot_time: Option<DistRaw<DurationText>>,
    /// Time for a service (not machine) restart.
    #[serde(default)]
    pub service_restart_time: Option<DistRaw<DurationText>>,
    /// Store-and-forward buffer (historians, gateways): outages shorter than this lose no data.
    #[serde(default)]
    pub buffer: Option<DurationText>,
    /// Spontaneous faults per day (hardware or software), for operational baselines.
    #[serde(default)]
    pub fault_rate_per_day: Option<f64>,
}

/// Business criticality.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "ordinary grades")]
pub enum CriticalityRaw {
    Low,
    Medium,
    High,
    Critical,
}

/// A plant asset.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetRaw {
    /// Unique id.
    pub id: String,
    /// Kind; must match the model's kind when both are given.
    #[serde(default)]
    pub kind: Option<String>,
    /// Zone it sits in.
    pub zone: String,
    /// Business criticality (default medium).
    #[serde(default)]
    pub criticality: Option<CriticalityRaw>,
    /// Asset model from the library (`models/`), e.g. `fast-plc`.
    pub model: String,
    /// Software and firmware inventory.
    #[serde(default)]
    pub software: Vec<SoftwareRaw>,
    /// Overrides of the model's behaviour defaults.
    #[serde(default)]
    pub overrides: Option<BehaviourRaw>,
    /// Redundancy partner that takes over when this asset is down.
    #[serde(default)]
    pub redundancy_partner: Option<String>,
    /// IP addresses of the asset's interfaces (IPv4 or IPv6), e.g. `[192.168.0.20]`: how
    /// `patchtwin import pcap` and `patchtwin check-capture` recognise it in a capture. Unique
    /// across assets.
    #[serde(default)]
    pub addresses: Vec<String>,
}

/// A network link between two assets.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRaw {
    /// Optional id (default `a--b`).
    #[serde(default)]
    pub id: Option<String>,
    /// The two assets it connects.
    pub between: Vec<String>,
    /// Bandwidth, e.g. `100Mbps`.
    pub bandwidth: BandwidthText,
    /// One-way propagation latency (default `5us`).
    #[serde(default)]
    pub latency: Option<DurationText>,
    /// Extra random delay per message.
    #[serde(default)]
    pub jitter: Option<DistRaw<DurationText>>,
    /// Probability that a message is lost (default 0).
    #[serde(default)]
    pub loss: Option<f64>,
}

/// An asset model file in `models/`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetModelFile {
    /// Model name scenarios refer to.
    pub id: String,
    /// Asset kind.
    pub kind: String,
    /// What this model stands for.
    pub description: String,
    /// Default behaviour. Every field a scenario may override.
    pub behaviour: BehaviourRaw,
    /// Where each default comes from (manuals, standards, typical ranges), one line each.
    pub sources: Vec<String>,
}
