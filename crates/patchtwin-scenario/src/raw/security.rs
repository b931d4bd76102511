//! Security as written: vulnerabilities, remediations, patches with their failures and side
//! effects, compensating controls and their recovery effects. Not the attacker (see `threat`).

use super::*;
use crate::units::DurationText;
use schemars::JsonSchema;
use serde::Deserialize;

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
    /// CVSS v3.x or 4.0 vector, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` or
    /// `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`. Without a `ttc`, its
    /// exploitability scales the default time to compromise: v3 AC:H ×2, PR:L ×1.5, PR:H ×3,
    /// UI:R ×2; 4.0 AC:H ×2, AT:P ×2, PR:L ×1.5, PR:H ×3, UI:P ×2, UI:A ×3. A 4.0 vector's
    /// threat metric E gives the exploit maturity when `exploit_maturity` is absent and the
    /// vulnerability is not in KEV (E:A active, E:P proof_of_concept, E:U unproven).
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
    /// A coordinator's published SSVC decision points, in SSVC's abbreviated vector form: the
    /// text of CISA's CSAF vulnerability note titled `SSVC`, which `patchtwin import` copies
    /// here. E is Exploitation (N none, P public PoC, A active), A Automatable (N, Y), T
    /// Technical Impact (P partial, T total), then the time assessed. The report shows it
    /// beside the deployer decision patchtwin derives, and what that decision would be with the
    /// coordinator's exploitation and automatable. Example:
    /// `ssvc: SSVCv2/E:A/A:Y/T:T/2025-10-23T13:56:04Z/`.
    #[serde(default)]
    pub ssvc: Option<String>,
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
