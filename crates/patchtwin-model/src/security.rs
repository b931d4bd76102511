//! Vulnerabilities, patches, compensating controls and the threat.

use crate::dist::{DurationDist, Probability};
use crate::plant::{AssetIdx, ConduitIdx, UnitIdx, ZoneIdx};
use crate::time::Duration;
use serde::Serialize;

/// Index of a vulnerability in [`crate::Scenario::vulnerabilities`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct VulnIdx(pub u32);
/// Index of a patch in [`crate::Scenario::patches`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PatchIdx(pub u32);
/// Index of a control in [`crate::Scenario::controls`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ControlIdx(pub u32);
/// Index of an entry point in [`crate::Threat::entry_points`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EntryIdx(pub u32);

macro_rules! ix_impl {
    ($($t:ident),*) => {$(
        impl $t {
            /// The index as `usize`, for slices.
            #[inline]
            pub const fn ix(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}
ix_impl!(VulnIdx, PatchIdx, ControlIdx, EntryIdx);

/// How mature public exploitation is (CVSS v3 Exploit Code Maturity / SSVC "exploitation").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExploitMaturity {
    /// No public exploit known.
    Unproven,
    /// Proof of concept public.
    ProofOfConcept,
    /// Working exploit code public.
    Functional,
    /// Exploited in the wild (the SSVC "active" value).
    Active,
}

/// A known vulnerability and where it lives.
#[derive(Clone, Debug)]
pub struct Vulnerability {
    /// CVE or other identifier.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Assets that carry it (direct list and software matches, deduplicated, sorted).
    pub assets: Vec<AssetIdx>,
    /// CVSS vector as written (v3.x or 4.0), if given.
    pub cvss_vector: Option<String>,
    /// CVSS base score, if a vector was given.
    pub cvss_base_score: Option<f64>,
    /// Public exploit maturity.
    pub exploit_maturity: ExploitMaturity,
    /// Listed in the CISA KEV catalog.
    pub kev: bool,
    /// EPSS probability of exploitation activity in the next 30 days, if known.
    pub epss: Option<f64>,
    /// Protocol or service through which it is exploited (lowercase), if network-reachable;
    /// `None` means any service the attacker can reach the asset on.
    pub service: Option<String>,
    /// Whether exploitation needs the attacker to be on the asset's network segment
    /// (CVSS AV:A/L/P) rather than anywhere a conduit allows.
    pub local_only: bool,
    /// Time to compromise for one exploit step by a medium-capability attacker: as given in
    /// the scenario, or derived from maturity, KEV, EPSS and CVSS (see `ttc_defaulted`).
    pub ttc: DurationDist,
    /// The TTC was derived by the default model rather than given.
    pub ttc_defaulted: bool,
    /// What the vendor offers (CSAF remediation categories), if known.
    pub remediation: Option<RemediationStatus>,
    /// A coordinator's published SSVC decision points (CISA's CSAF note), if given.
    pub coordinator_ssvc: Option<crate::CoordinatorSsvc>,
}

/// What the vendor offers against a vulnerability: the CSAF 2.0 remediation categories that
/// say whether a fix exists (`none_available`, `no_fix_planned`, `vendor_fix`) and CSAF 2.1's
/// `fix_planned`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationStatus {
    /// No fix is available (yet); the vendor has not said one is coming.
    NoneAvailable,
    /// The vendor will not fix it (end of life, by design).
    NoFixPlanned,
    /// A fix is announced but not released.
    FixPlanned,
    /// A fix from the vendor is available.
    VendorFix,
}

impl RemediationStatus {
    /// The CSAF name (`none_available`, …).
    pub fn name(self) -> &'static str {
        match self {
            RemediationStatus::NoneAvailable => "none_available",
            RemediationStatus::NoFixPlanned => "no_fix_planned",
            RemediationStatus::FixPlanned => "fix_planned",
            RemediationStatus::VendorFix => "vendor_fix",
        }
    }
    /// Whether a patch for it can exist today (only with a vendor fix).
    pub fn fix_released(self) -> bool {
        self == RemediationStatus::VendorFix
    }
}

/// CSAF `restart_required` categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestartScope {
    /// No restart.
    None,
    /// The affected service restarts.
    Service,
    /// The machine reboots.
    Machine,
    /// Every asset of the zone restarts.
    Zone,
    /// The whole system restarts.
    System,
}

/// Changes to timing behaviour after a patch or control is in place.
#[derive(Clone, Debug, Default)]
pub struct SideEffects {
    /// Added processing time per message the device handles, drawn per message; `None`: none.
    pub added_service_time: Option<DurationDist>,
    /// Added CPU load (fraction): the scan stretches by `1 / (1 − base − added)`, the total
    /// load capped at 0.95.
    pub added_cpu_load: f64,
    /// New scan cycle, if changed.
    pub scan_cycle: Option<DurationDist>,
}

/// A candidate patch.
#[derive(Clone, Debug)]
pub struct Patch {
    /// Scenario id.
    pub id: String,
    /// What it fixes.
    pub fixes: Vec<VulnIdx>,
    /// Assets it can be applied to.
    pub applies_to: Vec<AssetIdx>,
    /// Time to deploy on one asset (before any restart).
    pub deploy_time: DurationDist,
    /// What restarts afterwards.
    pub restart: RestartScope,
    /// Restart duration, if it differs from the asset model's reboot time.
    pub restart_time: Option<DurationDist>,
    /// Base failure probability per asset.
    pub failure_probability: Probability,
    /// Vendor certified the patch for this control-system baseline.
    pub vendor_certified: bool,
    /// Validated in the plant's test environment.
    pub validated_in_test: bool,
    /// Added failure probability when not vendor certified.
    pub extra_failure_if_uncertified: f64,
    /// Added failure probability when not validated in test.
    pub extra_failure_if_unvalidated: f64,
    /// Time to roll back after a failure (the asset is down meanwhile).
    pub rollback_time: DurationDist,
    /// Timing side effects after successful deployment.
    pub side_effects: SideEffects,
    /// The patch may be bad for this plant: a failure cause shared by every host.
    pub bad_for_plant: Option<BadForPlant>,
}

/// A patch that may be "bad for this plant": one latent draw per replication, shared by every
/// host that installs it. When bad, each deployment fails with `failure_if_bad` instead of the
/// patch's usual failure probability, so a pilot that rolls back signals the rest will too.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BadForPlant {
    /// Probability that the patch is bad for this plant.
    pub probability: f64,
    /// Failure probability of each deployment when it is.
    pub failure_if_bad: f64,
}

impl Patch {
    /// Mean failure probability per asset, certification and validation included.
    pub fn mean_failure_probability(&self) -> f64 {
        let mut p = self.failure_probability.mean();
        if !self.vendor_certified {
            p += self.extra_failure_if_uncertified;
        }
        if !self.validated_in_test {
            p += self.extra_failure_if_unvalidated;
        }
        p.min(1.0)
    }
}

/// What a compensating control does.
#[derive(Clone, Debug)]
pub enum ControlEffect {
    /// Close a conduit, or restrict it to the listed protocols.
    Segmentation {
        /// The conduit.
        conduit: ConduitIdx,
        /// Protocols still allowed; empty closes it.
        allow_protocols: Vec<String>,
    },
    /// Disable an attacker entry point (vendor VPN off, USB blocked).
    RemoteAccessRestriction {
        /// The entry point.
        entry_point: EntryIdx,
        /// Fraction of attempts still succeeding through it (0 disables it).
        residual: f64,
    },
    /// Application allowlisting on assets: scales exploit success.
    Allowlisting {
        /// Protected assets.
        assets: Vec<AssetIdx>,
        /// Probability that an exploit attempt still succeeds (0–1).
        exploit_success: f64,
    },
    /// OT network monitoring: detection per attacker step and response.
    Monitoring {
        /// Zones watched.
        zones: Vec<ZoneIdx>,
        /// Probability of detecting one attacker step.
        detection_probability: Probability,
        /// Time from detection to eviction.
        time_to_respond: DurationDist,
    },
    /// Source-address allowlisting on an entry point or a conduit: only the listed sources
    /// (the vendor's addresses, the historian) may open connections through it. Not
    /// application allowlisting (what runs on an asset) and not segmentation (which services
    /// cross): plant flows come from admitted sources and are untouched. Whether the attacker's
    /// source is admitted — spoofed, or an insider's — is one latent draw per path per run,
    /// admitted with probability `residual`, not a draw per attempt
    /// ([`crate::reach::source_residual`]).
    SourceAllowlist {
        /// Where it is enforced.
        on: SourcePath,
        /// Share of attackers whose source it admits anyway (spoofed or insider), 0–1.
        residual: f64,
    },
    /// Virtual patching / IPS on a conduit: blocks named exploits, adds inspection latency.
    VirtualPatch {
        /// The conduit.
        conduit: ConduitIdx,
        /// Vulnerabilities whose exploits it blocks.
        blocks: Vec<VulnIdx>,
        /// Probability that a blocked exploit still gets through.
        miss_probability: f64,
        /// Inspection time of every message crossing the conduit (drawn per message), served
        /// in the inspecting device on the route.
        inspection_latency: DurationDist,
    },
    /// An asset, a conduit or an entry point out of service (a plan's `take_out` action, see
    /// [`crate::out_of_service`]): what every other part of the plant and the attacker see of
    /// it while the control is in force.
    OutOfService {
        /// What is out of service.
        what: crate::ServiceItem,
    },
}

/// An attacker path a source allowlist is enforced on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourcePath {
    /// Connections arriving at an entry point.
    Entry(EntryIdx),
    /// Connections opened across a conduit (in either direction it allows).
    Conduit(ConduitIdx),
}

/// A compensating control.
#[derive(Clone, Debug)]
pub struct Control {
    /// Scenario id.
    pub id: String,
    /// What it does.
    pub effect: ControlEffect,
    /// Time from the enable action to being effective.
    pub deploy_time: DurationDist,
    /// Probability that enabling it fails (it then has no effect).
    pub failure_probability: Probability,
    /// Changes to recovery times while it is in force (its operational price).
    pub recovery: Vec<crate::consequence::RecoveryEffect>,
}

/// How an attacker gets in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[expect(
    missing_docs,
    reason = "the entry-point kinds, documented in the schema"
)]
pub enum EntryKind {
    EnterpriseIt,
    VendorRemoteAccess,
    InternetService,
    RemovableMedia,
}

/// An attacker entry point.
#[derive(Clone, Debug)]
pub struct EntryPoint {
    /// Scenario id.
    pub id: String,
    /// Kind of entry.
    pub kind: EntryKind,
    /// The asset where the attacker lands; `None` for an attacker outside the plant (`from:`
    /// a zone, e.g. the internet), who holds no asset and attacks from [`EntryPoint::zone`].
    pub asset: Option<AssetIdx>,
    /// The zone the attacker is in once through: the landing asset's zone, or the zone outside
    /// the plant it attacks from (reaching the plant through the conduits out of it).
    pub zone: ZoneIdx,
    /// Mean time between attack attempts through this entry (Poisson arrivals).
    pub mean_time_between_attempts: Duration,
    /// Probability that an attempt establishes a foothold on the landing asset (from outside:
    /// that the attacker engages the plant, standing in the zone it attacks from).
    pub foothold_probability: Probability,
}

/// Attacker skill: scales times to compromise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "ordinary capability grades")]
pub enum Capability {
    Low,
    Medium,
    High,
    NationState,
}

/// What the attacker is after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AttackTarget {
    /// Compromising this asset counts.
    Asset(AssetIdx),
    /// Compromising a controller this unit depends on counts.
    Unit(UnitIdx),
}

/// The threat the plant faces.
#[derive(Clone, Debug)]
pub struct Threat {
    /// Entry points.
    pub entry_points: Vec<EntryPoint>,
    /// Attacker capability.
    pub capability: Capability,
    /// Targets; reaching any one is a compromise.
    pub targets: Vec<Target>,
    /// Time to restore a controller the attacker stopped (reload from a known-good image,
    /// re-commission) before its process can restart.
    pub recovery_time: DurationDist,
}

impl Capability {
    /// Multiplier on times to compromise: a stronger attacker is faster. Low ×2, medium ×1,
    /// high ×0.5, nation-state ×0.25 (engineering judgement, in the spirit of the attacker
    /// profiles of MAL/securiCAD; review per threat assessment).
    pub fn ttc_factor(self) -> f64 {
        match self {
            Capability::Low => 2.0,
            Capability::Medium => 1.0,
            Capability::High => 0.5,
            Capability::NationState => 0.25,
        }
    }
}

/// One attacker target and what its compromise costs.
#[derive(Clone, Debug)]
pub struct Target {
    /// The asset or unit.
    pub what: AttackTarget,
    /// Cost when compromised (for a unit: its `compromise_impact_cost` unless overridden).
    pub impact_cost: f64,
}
