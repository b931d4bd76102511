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
    /// How much loss over the horizon the organisation can bear, and how often: every plan
    /// is judged against it in the report.
    #[serde(default)]
    pub risk_appetite: Option<RiskAppetiteRaw>,
    /// Candidate plans; the first is the baseline of comparisons.
    pub plans: Vec<PlanRaw>,
    /// Data-loss consequences: a gap threshold and its cost on a flow or group of flows.
    /// Example: `data_loss: [{id: emissions, flows: [cems-to-historian], gap_threshold: 15m,
    /// cost_per_event: 50000}]`.
    #[serde(default)]
    pub data_loss: Vec<DataLossRaw>,
}

/// A data-loss consequence ("a gap over 15 minutes in any emissions tag is a reportable event
/// costing 50k"). The group's lost time is the union of its flows' lost stretches (what a
/// broken route lost beyond the buffer holding the data); every maximal stretch of it longer
/// than `gap_threshold` is one event.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataLossRaw {
    /// Unique id, e.g. `emissions-reporting`.
    pub id: String,
    /// The flows whose data counts, e.g. `[cems-to-historian, stack-o2-to-historian]`.
    pub flows: Vec<String>,
    /// A gap longer than this is a reportable event, e.g. `15m`.
    pub gap_threshold: DurationText,
    /// Cost of each reportable event, e.g. `50000` (default 0).
    #[serde(default)]
    pub cost_per_event: Option<f64>,
    /// Cost per hour of lost data in the group, over the threshold or not, e.g. `2000`
    /// (default 0).
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    /// Whether a reportable event breaks operational success (P(dual success)); default
    /// `true`: a reportable data loss is an operational failure.
    #[serde(default)]
    pub breaks_operations: Option<bool>,
}

/// Which recovery times a control's `recovery` entry changes.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryKindRaw {
    /// An asset's restart after a patch.
    Restart,
    /// A fault's repair time and a failed deployment's rollback time.
    Repair,
    /// A process unit's restart after a trip.
    UnitRestart,
    /// Restoring a controller the attacker stopped (the threat's `recovery_time`).
    Recovery,
}

/// A change to recovery times while a control is in force: each drawn time `d` becomes
/// `d × scale + add`. Example: `{kinds: [repair, recovery], add: 24h}` ("if anything trips,
/// vendor support reaches the site 24 h later").
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryEffectRaw {
    /// The times it changes (default: all four), e.g. `[repair, unit_restart]`.
    #[serde(default)]
    pub kinds: Option<Vec<RecoveryKindRaw>>,
    /// Only these assets' restarts, repairs and recoveries, e.g. `[plc-1]` (default: every
    /// asset, unless `units` is given).
    #[serde(default)]
    pub assets: Option<Vec<String>>,
    /// Only these process units' restarts, e.g. `[kiln]` (default: every unit, unless
    /// `assets` is given).
    #[serde(default)]
    pub units: Option<Vec<String>>,
    /// Multiplier on the drawn time, e.g. `2` (default 1).
    #[serde(default)]
    pub scale: Option<f64>,
    /// Time added after scaling, e.g. `24h` or `8h15m` (default 0).
    #[serde(default)]
    pub add: Option<DurationText>,
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
    /// A scheduled storm (burst) in every observation window, e.g. a fault storm
    /// `{start: 5s, duration: 2s, period: 1ms}` (1,000 messages/s for 2 s, 5 s into each
    /// window); with `every: 10s` it repeats (on/off traffic).
    #[serde(default)]
    pub storm: Option<StormRaw>,
    /// Deadline target: the probability that a message (a poll's round trip, a publication)
    /// is later than `deadline` must be at most this, e.g. `1e-4`. Reported per plan before and
    /// after with an exact (Clopper–Pearson) interval; the recommendation requires it.
    #[serde(default)]
    pub deadline_p_max: Option<f64>,
}

/// A flow's scheduled storm: `{start: 5s, duration: 2s, period: 1ms, every: 10s}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StormRaw {
    /// Offset of the (first) storm from the start of each observation window, e.g. `5s`.
    pub start: DurationText,
    /// How long a storm lasts, e.g. `2s`.
    pub duration: DurationText,
    /// Gap between messages during the storm, e.g. `1ms` (1,000 messages/s); at least 10us.
    pub period: DurationText,
    /// Repeat the storm with this period, start to start (on/off traffic), e.g. `10s`; at
    /// least `duration`.
    #[serde(default)]
    pub every: Option<DurationText>,
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
    /// Processing time added to every message the patched device handles (requests it
    /// serves, publications it sends, messages it receives): a constant (`150us`) or a
    /// distribution drawn per message (`{uniform: {min: 100us, max: 300us}}`).
    #[serde(default)]
    pub added_service_time: Option<DistRaw<DurationText>>,
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
    /// Probability that the patch is bad for this plant (default 0): drawn once per
    /// rehearsal and shared by every host that installs it, so a pilot that rolls back
    /// foretells the rest. E.g. `0.2`.
    #[serde(default)]
    pub bad_for_plant: Option<f64>,
    /// Failure probability of each deployment when the patch is bad for this plant (default
    /// 1; needs `bad_for_plant`). E.g. `0.9`.
    #[serde(default)]
    pub failure_if_bad: Option<f64>,
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
    /// Virtual patch: inspection time per message crossing the conduit, served in the IPS (or
    /// firewall) on the route: a constant (`400us`) or a distribution drawn per message
    /// (`{lognormal: {median: 300us, p95: 1ms}}`).
    #[serde(default)]
    pub inspection_latency: Option<DistRaw<DurationText>>,
    /// Time from enabling to effective (default 0).
    #[serde(default)]
    pub deploy_time: Option<DistRaw<DurationText>>,
    /// Probability that enabling it fails (default 0).
    #[serde(default)]
    pub failure_probability: Option<ProbabilityRaw>,
    /// Any kind: changes to restart, repair and recovery times while the control is in
    /// force — its operational price. Example: `[{kinds: [repair, recovery], add: 24h}]`.
    #[serde(default)]
    pub recovery: Option<Vec<RecoveryEffectRaw>>,
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

/// The organisation's risk appetite: loss limits over the horizon, in the scenario's currency.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAppetiteRaw {
    /// Loss over the horizon (downtime cost plus impact cost) the organisation must not
    /// exceed more often than `max_probability`, e.g. `1000000`.
    pub tolerance: f64,
    /// Loss from which a horizon's loss is material (reported to the board, disclosed), e.g.
    /// `100000`; at most the tolerance. The report gives P(loss > materiality) per plan.
    #[serde(default)]
    pub materiality: Option<f64>,
    /// Largest acceptable P(loss > tolerance) over the horizon (default 0.05).
    #[serde(default)]
    pub max_probability: Option<f64>,
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
    /// Patch only: the plan's crew that does the work (default: one host after another, at
    /// any hour). E.g. `technicians`.
    #[serde(default)]
    pub crew: Option<String>,
    /// Patch only: try hosts whose deployment rolled back again, e.g.
    /// `{after: next_window, max: 2}` or `{after: 2d, max: 1}`.
    #[serde(default)]
    pub retry: Option<RetryRaw>,
}

/// Retry of rolled-back hosts.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryRaw {
    /// When, from the end of the rollback: `next_window` (the next maintenance window of any)
    /// or a delay such as `2d`.
    pub after: String,
    /// Further attempts per host at most (default 1).
    #[serde(default)]
    pub max: Option<u32>,
}

/// A crew of a plan: technicians who each deploy one host at a time, during a daily shift.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrewRaw {
    /// Unique id within the plan, e.g. `technicians`.
    pub id: String,
    /// Hosts worked on at once, e.g. `2`.
    pub technicians: u32,
    /// Start of the daily shift from midnight (the horizon starts at midnight), e.g. `7h`
    /// (default 0).
    #[serde(default)]
    pub shift_start: Option<DurationText>,
    /// Length of the daily shift, e.g. `8h` (default 24h: always on duty).
    #[serde(default)]
    pub shift_length: Option<DurationText>,
}

/// A rule the plan's crews respect: at most `at_most` of `assets` worked on at once.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaxDownRaw {
    /// The group, e.g. the HMIs of one line: `[hmi-1, hmi-2, hmi-3]`.
    pub assets: Vec<String>,
    /// How many of them may be down together, e.g. `1`.
    pub at_most: u32,
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
    /// Crews its patch actions may name with `crew:`.
    #[serde(default)]
    pub crews: Vec<CrewRaw>,
    /// Rules its crews respect, e.g. `[{assets: [hmi-1, hmi-2], at_most: 1}]`.
    #[serde(default)]
    pub max_down: Vec<MaxDownRaw>,
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
