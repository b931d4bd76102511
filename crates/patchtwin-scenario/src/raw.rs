//! The scenario file format, exactly as written: serde structs that mirror the YAML/JSON input
//! one to one, with unknown fields rejected. Nothing here resolves references or checks ranges;
//! `validate` turns these into `patchtwin_model` types and reports every problem with its
//! location. The JSON Schema (`patchtwin schema`) is derived from these structs, so the doc
//! comments here are what editors show.

use crate::units::{BandwidthText, DurationText, Number, Quantity, SizeText, describe};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;

/// A patchtwin scenario: a plant, its vulnerabilities, candidate patches and controls, the
/// threat, and the plans to compare.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short machine-friendly name of the scenario.
    pub name: String,
    /// What the scenario is about, in plain words.
    #[serde(default)]
    pub description: String,
    /// Horizon over which every plan is judged, e.g. `90d`.
    pub horizon: DurationText,
    /// Currency of every cost in the file (default EUR).
    #[serde(default)]
    pub currency: Option<String>,
    /// Security zones (ISA/IEC 62443).
    pub zones: Vec<ZoneRaw>,
    /// Conduits between zones.
    #[serde(default)]
    pub conduits: Vec<ConduitRaw>,
    /// Plant assets.
    pub assets: Vec<AssetRaw>,
    /// Network links between assets.
    #[serde(default)]
    pub links: Vec<LinkRaw>,
    /// Periodic traffic that operations depend on.
    #[serde(default)]
    pub flows: Vec<FlowRaw>,
    /// Operational functions (view, control, history, …).
    #[serde(default)]
    pub functions: Vec<FunctionRaw>,
    /// Physical process units.
    #[serde(default)]
    pub process_units: Vec<ProcessUnitRaw>,
    /// Known vulnerabilities.
    #[serde(default)]
    pub vulnerabilities: Vec<VulnerabilityRaw>,
    /// Candidate patches.
    #[serde(default)]
    pub patches: Vec<PatchRaw>,
    /// Candidate compensating controls.
    #[serde(default)]
    pub controls: Vec<ControlRaw>,
    /// Maintenance windows.
    #[serde(default)]
    pub maintenance_windows: Vec<WindowRaw>,
    /// The threat.
    #[serde(default)]
    pub threat: Option<ThreatRaw>,
    /// Candidate plans; the first is the baseline of comparisons.
    pub plans: Vec<PlanRaw>,
}

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

/// The shape of a flow's traffic.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowKindRaw {
    /// Request/response: the consumer polls the producer.
    Poll,
    /// The producer publishes; the consumer watches the data's age.
    Publish,
}

/// What happens when a flow keeps failing.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnLossRaw {
    /// Consecutive failed polls (after retries) before the consumer marks the producer failed
    /// (default 3).
    #[serde(default)]
    pub after_timeouts: Option<u32>,
    /// Data older than this marks the producer failed (stale).
    #[serde(default)]
    pub watchdog: Option<DurationText>,
}

/// Periodic traffic that operations depend on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowRaw {
    /// Unique id.
    pub id: String,
    /// `poll` (request/response) or `publish` (produced/consumed, GOOSE-like).
    pub kind: FlowKindRaw,
    /// Protocol, e.g. `modbus_tcp`, `opc_ua`, `goose`, `mqtt`, `s7comm`.
    pub protocol: String,
    /// The asset that uses the data: the poller, or the subscriber.
    pub consumer: String,
    /// The asset that produces the data: the polled server, or the publisher.
    pub producer: String,
    /// Period, e.g. `100ms`.
    pub period: DurationText,
    /// Offset within the period (default 0).
    #[serde(default)]
    pub phase: Option<DurationText>,
    /// Request size (poll only; default 64B).
    #[serde(default)]
    pub request_size: Option<SizeText>,
    /// Response or publication size (default 256B).
    #[serde(default)]
    pub response_size: Option<SizeText>,
    /// Time the poller waits for an answer (poll only; default the period).
    #[serde(default)]
    pub timeout: Option<DurationText>,
    /// Retries after a timeout (poll only; default 0).
    #[serde(default)]
    pub retries: Option<u32>,
    /// Latency target for deadline-miss rates (default the timeout, or the period).
    #[serde(default)]
    pub deadline: Option<DurationText>,
    /// Consequence on loss.
    #[serde(default)]
    pub on_loss: Option<OnLossRaw>,
    /// `periodic` (default) or `poisson`: exponential gaps with the period as their mean
    /// (event-driven traffic, alarms, operator requests).
    #[serde(default)]
    pub arrivals: Option<ArrivalsRaw>,
    /// `fixed` (default) or `exponential`: message sizes exponential with the given sizes as
    /// means (variable-length reads, file transfers).
    #[serde(default)]
    pub sizes: Option<SizesRaw>,
}

/// How a flow's messages are spaced.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalsRaw {
    /// One message per period.
    Periodic,
    /// Poisson arrivals with mean gap `period`.
    Poisson,
}

/// How a flow's message sizes vary.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SizesRaw {
    /// Always the given sizes.
    Fixed,
    /// Exponential with the given sizes as means.
    Exponential,
}

/// One dependency: exactly one of `asset`, `flow`, `function`, or `k` with `of`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencyRaw {
    /// The asset must be up.
    #[serde(default)]
    pub asset: Option<String>,
    /// The flow must deliver fresh data.
    #[serde(default)]
    pub flow: Option<String>,
    /// The function must be available.
    #[serde(default)]
    pub function: Option<String>,
    /// k-of-n redundancy: at least `k` of `of` must hold.
    #[serde(default)]
    pub k: Option<u32>,
    /// The alternatives for k-of-n.
    #[serde(default)]
    pub of: Option<Vec<DependencyRaw>>,
    /// A loss shorter than this is ridden through (default 0).
    #[serde(default)]
    pub tolerate: Option<DurationText>,
}

/// What a function provides.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the function kinds, documented in the schema")]
pub enum FunctionKindRaw {
    View,
    Control,
    History,
    Interlock,
    Safety,
    Telemetry,
}

/// An operational function.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FunctionRaw {
    /// Unique id.
    pub id: String,
    /// What it provides.
    pub kind: FunctionKindRaw,
    /// What it needs; all must hold.
    pub depends_on: Vec<DependencyRaw>,
}

/// A physical process unit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessUnitRaw {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// What keeps it running; it trips when any fails longer than its tolerance.
    pub depends_on: Vec<DependencyRaw>,
    /// Time to restart after a trip.
    pub restart_time: DistRaw<DurationText>,
    /// Cost of one hour of unplanned downtime.
    pub downtime_cost_per_hour: f64,
    /// Cost if an attacker compromises it (default 0).
    #[serde(default)]
    pub compromise_impact_cost: Option<f64>,
    /// Probability that an attacker controlling its controller trips it (default 0.5).
    #[serde(default)]
    pub attack_trip_probability: Option<ProbabilityRaw>,
}

/// Which assets a vulnerability or patch concerns: a list, a software match, or both.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AffectsRaw {
    /// Assets by id.
    #[serde(default)]
    pub assets: Vec<String>,
    /// Assets whose inventory matches (vendor and product, case-insensitive; versions as a
    /// list of exact versions, or absent for all).
    #[serde(default)]
    pub software: Vec<SoftwareMatchRaw>,
}

/// A software match.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareMatchRaw {
    /// Vendor (case-insensitive).
    pub vendor: String,
    /// Product (case-insensitive).
    pub product: String,
    /// Exact versions affected; absent means all.
    #[serde(default)]
    pub versions: Option<Vec<VersionText>>,
}

/// Public exploit maturity.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaturityRaw {
    /// No public exploit.
    Unproven,
    /// Proof of concept.
    ProofOfConcept,
    /// Working exploit code.
    Functional,
    /// Exploited in the wild.
    Active,
}

/// A vulnerability.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilityRaw {
    /// CVE id (or another unique id).
    pub id: String,
    /// Short title.
    #[serde(default)]
    pub title: Option<String>,
    /// Affected assets.
    pub affects: AffectsRaw,
    /// CVSS v3.x vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
    #[serde(default)]
    pub cvss: Option<String>,
    /// Public exploit maturity (default `unproven`, or `active` when `kev` is true).
    #[serde(default)]
    pub exploit_maturity: Option<MaturityRaw>,
    /// Listed in CISA's Known Exploited Vulnerabilities catalog.
    #[serde(default)]
    pub kev: bool,
    /// EPSS score, 0–1.
    #[serde(default)]
    pub epss: Option<f64>,
    /// Protocol through which it is exploited (e.g. `smb`, `rdp`, `https`); absent means any.
    #[serde(default)]
    pub service: Option<String>,
    /// Time to compromise per exploit step; derived from the fields above when absent.
    #[serde(default)]
    pub ttc: Option<DistRaw<DurationText>>,
    /// What the vendor offers, in CSAF's remediation categories: `vendor_fix` (a fix is
    /// released), `fix_planned` (announced, not released), `no_fix_planned` (end of life, will
    /// not be fixed) or `none_available` (nothing yet). `patchtwin import` fills it from the
    /// advisory. A patch that fixes a vulnerability marked `none_available` or
    /// `no_fix_planned` is an error (there is nothing to install); one marked `fix_planned` is
    /// a warning (the patch models a release that does not exist yet). Shown in the report and
    /// in the SSVC reasons. Example: `remediation: none_available`.
    #[serde(default)]
    pub remediation: Option<RemediationRaw>,
}

/// What the vendor offers against a vulnerability (CSAF remediation categories).
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemediationRaw {
    /// No fix is available.
    NoneAvailable,
    /// The vendor will not fix it.
    NoFixPlanned,
    /// A fix is announced, not released.
    FixPlanned,
    /// A vendor fix is released.
    VendorFix,
}

/// CSAF `restart_required` categories.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the CSAF restart_required categories")]
pub enum RestartRaw {
    None,
    Service,
    Machine,
    Zone,
    System,
}

/// Timing changes after a successful patch.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SideEffectsRaw {
    /// Processing time added to every request.
    #[serde(default)]
    pub added_service_time: Option<DurationText>,
    /// CPU load added (fraction, e.g. 0.05). It adds to the asset's load: the scan stretches
    /// by 1 / (1 − base − added), the total load capped at 0.95.
    #[serde(default)]
    pub added_cpu_load: Option<f64>,
    /// New scan cycle.
    #[serde(default)]
    pub scan_cycle: Option<DistRaw<DurationText>>,
}

/// How a patch can fail.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchFailureRaw {
    /// Base failure probability per asset.
    pub probability: ProbabilityRaw,
    /// Added when the vendor has not certified the patch (default 0).
    #[serde(default)]
    pub extra_if_uncertified: Option<f64>,
    /// Added when the patch was not validated in a test environment (default 0).
    #[serde(default)]
    pub extra_if_unvalidated: Option<f64>,
    /// Time to roll back after a failure; the asset is down meanwhile.
    pub rollback_time: DistRaw<DurationText>,
}

/// A candidate patch.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchRaw {
    /// Unique id, e.g. the vendor's update name.
    pub id: String,
    /// Vulnerabilities it fixes.
    pub fixes: Vec<String>,
    /// Assets it applies to (default: every asset carrying a fixed vulnerability).
    #[serde(default)]
    pub applies_to: Option<AffectsRaw>,
    /// Time to install on one asset, before any restart.
    pub deploy_time: DistRaw<DurationText>,
    /// What restarts afterwards (CSAF `restart_required`).
    pub restart: RestartRaw,
    /// Restart duration, if not the asset model's reboot time.
    #[serde(default)]
    pub restart_time: Option<DistRaw<DurationText>>,
    /// Failure model.
    pub failure: PatchFailureRaw,
    /// The control-system vendor certified this patch.
    #[serde(default)]
    pub vendor_certified: bool,
    /// The patch was validated in the plant's test environment.
    #[serde(default)]
    pub validated_in_test: bool,
    /// Timing side effects after deployment.
    #[serde(default)]
    pub side_effects: Option<SideEffectsRaw>,
}

/// Kind of compensating control.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ControlKindRaw {
    /// Close or restrict a conduit (`conduit`, `allow_protocols`).
    Segmentation,
    /// Disable an attacker entry point (`entry_point`, `residual`).
    RemoteAccessRestriction,
    /// Application allowlisting on assets (`assets`, `exploit_success`).
    Allowlisting,
    /// OT monitoring (`zones`, `detection_probability`, `time_to_respond`).
    Monitoring,
    /// Virtual patching / IPS on a conduit (`conduit`, `blocks`, `inspection_latency`).
    VirtualPatch,
    /// Source-address allowlisting on an entry point or a conduit (`entry_point` or
    /// `conduit`, and `residual`): only the listed sources may connect — e.g. the vendor's
    /// gateway accepts only the vendor's addresses. Not application allowlisting (what runs on
    /// an asset) and not segmentation (which services cross); plant flows are untouched.
    /// Whether the attacker is admitted anyway (spoofed or insider source) is decided once
    /// per run with probability `residual`, not per attempt, so repeated scanning does not
    /// defeat it. Example: `{id: vendor-src, kind: source_allowlist, entry_point:
    /// vendor-vpn, residual: 0.1}`.
    SourceAllowlist,
}

/// A compensating control. Which fields apply depends on `kind`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlRaw {
    /// Unique id.
    pub id: String,
    /// What kind of control.
    pub kind: ControlKindRaw,
    /// Plain-words description.
    #[serde(default)]
    pub description: Option<String>,
    /// Segmentation, virtual_patch, source_allowlist: the conduit.
    #[serde(default)]
    pub conduit: Option<String>,
    /// Segmentation: protocols still allowed (absent or empty closes the conduit).
    #[serde(default)]
    pub allow_protocols: Option<Vec<String>>,
    /// Remote-access restriction, source_allowlist: the entry point.
    #[serde(default)]
    pub entry_point: Option<String>,
    /// Remote-access restriction: share of attempts still succeeding (default 0).
    /// Source allowlist (required): share of attackers whose source it admits anyway —
    /// spoofed addresses, insiders — drawn once per run, e.g. `0.1`.
    #[serde(default)]
    pub residual: Option<f64>,
    /// Allowlisting: protected assets.
    #[serde(default)]
    pub assets: Option<Vec<String>>,
    /// Allowlisting: probability that an exploit still succeeds.
    #[serde(default)]
    pub exploit_success: Option<f64>,
    /// Monitoring: zones watched.
    #[serde(default)]
    pub zones: Option<Vec<String>>,
    /// Monitoring: probability of detecting one attacker step.
    #[serde(default)]
    pub detection_probability: Option<ProbabilityRaw>,
    /// Monitoring: time from detection to eviction.
    #[serde(default)]
    pub time_to_respond: Option<DistRaw<DurationText>>,
    /// Virtual patch: vulnerabilities whose exploits it blocks.
    #[serde(default)]
    pub blocks: Option<Vec<String>>,
    /// Virtual patch: probability that a blocked exploit still gets through (default 0.05).
    #[serde(default)]
    pub miss_probability: Option<f64>,
    /// Virtual patch: latency added to messages crossing the conduit.
    #[serde(default)]
    pub inspection_latency: Option<DurationText>,
    /// Time from enabling to effective (default 0).
    #[serde(default)]
    pub deploy_time: Option<DistRaw<DurationText>>,
    /// Probability that enabling it fails (default 0).
    #[serde(default)]
    pub failure_probability: Option<ProbabilityRaw>,
}

/// A maintenance window: recurring (`first` + `every`) or explicit (`at`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowRaw {
    /// Unique id.
    pub id: String,
    /// First occurrence, as an offset from the scenario start (e.g. `45d`).
    #[serde(default)]
    pub first: Option<DurationText>,
    /// Repeat interval (e.g. `90d`).
    #[serde(default)]
    pub every: Option<DurationText>,
    /// Explicit occurrences, as offsets from the scenario start.
    #[serde(default)]
    pub at: Option<Vec<DurationText>>,
    /// Length of each occurrence, e.g. `12h`.
    pub duration: DurationText,
    /// Zones it covers (default: the whole plant).
    #[serde(default)]
    pub zones: Option<Vec<String>>,
}

/// Kind of attacker entry point.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(
    missing_docs,
    reason = "the entry-point kinds, documented in the schema"
)]
pub enum EntryKindRaw {
    EnterpriseIt,
    VendorRemoteAccess,
    InternetService,
    RemovableMedia,
}

/// An attacker entry point.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryPointRaw {
    /// Unique id.
    pub id: String,
    /// Kind of entry.
    pub kind: EntryKindRaw,
    /// The asset where the attacker lands.
    pub asset: String,
    /// Mean time between attack attempts (Poisson arrivals), e.g. `30d`.
    pub mean_time_between_attempts: DurationText,
    /// Probability that an attempt gets a foothold (default 1).
    #[serde(default)]
    pub foothold_probability: Option<ProbabilityRaw>,
}

/// Attacker skill.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "ordinary capability grades")]
pub enum CapabilityRaw {
    Low,
    Medium,
    High,
    NationState,
}

/// A target: exactly one of `asset` or `process_unit`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRaw {
    /// A target asset.
    #[serde(default)]
    pub asset: Option<String>,
    /// A target process unit (reached through its controllers).
    #[serde(default)]
    pub process_unit: Option<String>,
    /// Cost when compromised (default: the unit's `compromise_impact_cost`, or 0).
    #[serde(default)]
    pub impact_cost: Option<f64>,
}

/// The threat.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreatRaw {
    /// Where attackers come in.
    pub entry_points: Vec<EntryPointRaw>,
    /// Attacker capability (default medium).
    #[serde(default)]
    pub capability: Option<CapabilityRaw>,
    /// What they are after.
    pub targets: Vec<TargetRaw>,
    /// Time to restore a controller the attacker stopped, before its process can restart
    /// (default: lognormal, median 8h, p95 24h).
    #[serde(default)]
    pub recovery_time: Option<DistRaw<DurationText>>,
}

/// A staged rollout.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StagingRaw {
    /// Assets patched first.
    pub first: Vec<String>,
    /// How long to watch them before going on.
    pub soak: DurationText,
    /// Roll out the rest at the next window after the soak instead of right after it.
    #[serde(default)]
    pub rest_at_next_window: bool,
}

/// One plan action: exactly one of `patch` or `control`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRaw {
    /// Apply this patch.
    #[serde(default)]
    pub patch: Option<String>,
    /// Enable this control.
    #[serde(default)]
    pub control: Option<String>,
    /// Patch only: where (default: every asset the patch applies to).
    #[serde(default)]
    pub assets: Option<Vec<String>>,
    /// When: `now`, an offset such as `3d`, `next_window`, or `next_window:<window id>`.
    pub at: String,
    /// Patch only: staged rollout.
    #[serde(default)]
    pub staged: Option<StagingRaw>,
}

/// A candidate plan.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRaw {
    /// Unique id.
    pub id: String,
    /// Plain-words description for the report.
    #[serde(default)]
    pub description: Option<String>,
    /// Ordered actions (empty: do nothing, the usual baseline).
    #[serde(default)]
    pub actions: Vec<ActionRaw>,
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
            "description": "A constant, or a one-key mapping naming the distribution: uniform {min, max}, triangular {min, mode, max}, pert {min, mode, max}, normal {mean, sd} (truncated at 0), lognormal {median, p95} or {p5, p95}, exponential {mean}, weibull {shape, scale}, empirical [samples].",
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
            ]
        })
    }
}
