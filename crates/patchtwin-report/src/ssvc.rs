//! The SSVC deployer decision for every vulnerability under every plan.
//!
//! # What this is
//! [CERT/CC's Stakeholder-Specific Vulnerability Categorization][ssvc] (SSVC) gives a deployer
//! a patch-application priority — *defer*, *scheduled*, *out-of-cycle* or *immediate* — from
//! four inputs: [`Exploitation`], [`SystemExposure`], [`Automatable`] and [`HumanImpact`].
//! [`deployer_decision`] is that decision table ("Defer, Scheduled, Out-of-Cycle, Immediate"
//! v1.0.0, 72 rows), typed and encoded in code; the test suite checks it row by row against
//! the CSV CERT/CC publishes (`data/csv/ssvc/deployer_patch_application_priority_1_0_0.csv`
//! in `CERTCC/SSVC`, MIT licence, © 2020 CERT Coordination Center; a copy ships in
//! `shared/data/ssvc/`). [`human_impact`] is SSVC's Human Impact v2.0.2 table (Safety Impact
//! v2.0.1 × Mission Impact v2.0.0, `human_impact_1_0_0.csv` of the same repository).
//!
//! [`derive()`] fills in the four inputs for each (vulnerability, plan) from the scenario and the
//! simulated results, and looks the decision up. The inputs are *derived*, and two of them
//! rest on judgement; every row carries a one-line reason per input so a reader can check it.
//!
//! # The mapping (a judgement — review it for your plant)
//! - **Exploitation** (from the scenario): *active* if the vulnerability is KEV-listed or its
//!   maturity is `active`; *public PoC* if maturity is `proof_of_concept` or `functional`;
//!   *none* otherwise.
//! - **Automatable** (from the scenario): *yes* when the CVSS vector says `AV:N/AC:L/PR:N/UI:N`
//!   (reachable over the network, low complexity, no privileges, no user interaction); *no*
//!   otherwise, including when no vector is given.
//! - **System exposure** (from the plan's end state: every control the plan enables is in
//!   effect, every patch it applies has succeeded). Reach is decided by the one rule the
//!   simulated attacker uses too, [`patchtwin_model::reach`]: the attacker lands in an entry
//!   point's zone, attacks assets in a zone it holds or in an adjacent zone through a conduit
//!   that admits the vulnerability's service in that direction, and needs a compromised asset
//!   in a zone to go on from it. A test keeps the vulnerabilities this calls open or
//!   controlled equal to those with a pair the simulation counts as exposed.
//!   - *open*: an unpatched asset carrying it can be attacked along a path on which no
//!     control stands: from an `internet_service`, `enterprise_it` or unrestricted
//!     `vendor_remote_access` entry point, through no conduit restricted by a segmentation
//!     control or guarded by a virtual patch for the exploit used, onto no allowlisted asset.
//!     (Unrestricted vendor remote access counts as open: it is reachable from the Internet
//!     by anyone holding or stealing the vendor's credentials, and the restriction control is
//!     what changes that.)
//!   - *controlled*: reachable only past a control (segmentation that still lets the service
//!     through, a virtual patch, allowlisting, a remote-access restriction with a residual)
//!     or only from removable media (physical access), with a positive chance (a virtual
//!     patch that misses nothing or allowlisting that lets no exploit succeed closes the way).
//!   - *small*: no entry point reaches it, or the plan patches it on every asset carrying it.
//!
//!   Monitoring is not counted: it detects, it does not stop; its effect is in the simulated
//!   P(compromise). Control failures are not counted either (the simulation samples them).
//! - **Human impact** = SSVC's table of Safety Impact × Mission Impact, each derived from what
//!   an attacker holding the vulnerable assets can go on to reach in the plan's end state (the
//!   same reach rule) and from the dependency graph of functions and process units:
//!   - safety: *catastrophic* if that reach includes a `safety_controller` (an attacker
//!     holding the safety system can defeat the last layer of protection); *critical* if it
//!     includes an asset a `safety` function depends on; *marginal* if it includes a
//!     controller a process unit depends on (operators must act to keep the process safe);
//!     *negligible* otherwise.
//!   - mission: *mission failure* if two or more process units depend on reached assets, or
//!     it reaches an attacker target whose impact cost is at least [`LARGE_IMPACT_HOURS`]
//!     hours of the unit's downtime cost (damage beyond a trip); *MEF failure* if one unit
//!     depends on them or a smaller target is reached; *MEF support crippled* if only
//!     functions (view, control, history, …) depend on them; *degraded* otherwise.
//!   - the simulation's word: when the plan's rehearsals show with 95% confidence that fewer
//!     than [`RARE`] of runs end with a compromised target *and* fewer than [`RARE`] with a
//!     process trip (upper interval bounds), mission impact is lowered one step. Safety
//!     impact is never lowered by simulation. The plan-level P(trip) also counts trips the
//!     patching itself causes, so it can only keep the level up, never lower it wrongly.
//!
//! Because the end state assumes patches succeeded, each row also says what SSVC gives with
//! the plan's controls but none of its patches ([`SsvcRow::before_patching`]): the state
//! until the patches land, and the state left when they roll back.
//!
//! # What this is not
//! Not a risk score and not a replacement for the simulation: SSVC is categorical and ignores
//! the timing the rehearsals measure. It reads the simulation only through plan-level
//! estimates (P(compromise), P(trip), P(patch rollback)); the summary holds no per-vulnerability
//! outcome. It does no I/O; the CSV is read by the tests only.
//!
//! [ssvc]: https://certcc.github.io/SSVC/

use crate::{Est, PlanSummary};
use patchtwin_model::reach::{Attempt, HeldVia, Hindrance, Spread, entry_residual};
use patchtwin_model::{
    Action, AssetIdx, AssetKind, AttackTarget, ControlEffect, ControlIdx, Dependency, EntryIdx,
    EntryKind, ExploitMaturity, FunctionKind, Plan, Scenario, VulnIdx, When,
};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

/// A reached target counts as mission failure when its impact cost is at least this many
/// hours of its unit's downtime cost (damage beyond what a trip and restart cost).
pub const LARGE_IMPACT_HOURS: f64 = 24.0;

/// The simulation lowers mission impact one step when the 95% upper bounds of the plan's
/// P(compromise) and P(trip) are both below this.
pub const RARE: f64 = 0.01;

/// SSVC Exploitation v1.1.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Exploitation {
    /// No evidence of exploitation, no public proof of concept.
    None,
    /// A public proof of concept or exploit code exists (SSVC "public poc").
    #[serde(rename = "public_poc")]
    Public,
    /// Exploited in the wild.
    Active,
}

/// SSVC System Exposure v1.0.1.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SystemExposure {
    /// Local service or program; highly controlled network.
    Small,
    /// Networked, with access restrictions or mitigations in place.
    Controlled,
    /// Reachable where access is not restricted.
    Open,
}

/// SSVC Automatable v2.0.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Automatable {
    /// An attacker cannot reliably automate reconnaissance, weaponization, delivery and
    /// exploitation.
    No,
    /// They can.
    Yes,
}

/// SSVC Human Impact v2.0.2.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the SSVC levels")]
pub enum HumanImpact {
    Low,
    Medium,
    High,
    VeryHigh,
}

/// SSVC Safety Impact v2.0.1 (IEC 61508 levels).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "the SSVC levels")]
pub enum SafetyImpact {
    Negligible,
    Marginal,
    Critical,
    Catastrophic,
}

/// SSVC Mission Impact v2.0.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MissionImpact {
    /// Little to no impact, up to degradation of non-essential functions.
    Degraded,
    /// Activities that directly support essential functions are crippled.
    MefSupportCrippled,
    /// One mission essential function fails.
    MefFailure,
    /// Several or all mission essential functions fail.
    MissionFailure,
}

/// SSVC deployer decision "Defer, Scheduled, Out-of-Cycle, Immediate" v1.0.0.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Do not act at present.
    Defer,
    /// Act during regularly scheduled maintenance.
    Scheduled,
    /// Act more quickly than usual, out of the regular cycle.
    OutOfCycle,
    /// Act immediately, with all resources.
    Immediate,
}

macro_rules! labels {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Every value, lowest first.
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
            /// The value as CERT/CC's tables spell it.
            pub const fn label(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            /// Parses CERT/CC's spelling (case-insensitive, surrounding blanks ignored).
            pub fn from_label(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.label().eq_ignore_ascii_case(s))
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

labels!(Exploitation { None => "none", Public => "public poc", Active => "active" });
labels!(SystemExposure { Small => "small", Controlled => "controlled", Open => "open" });
labels!(Automatable { No => "no", Yes => "yes" });
labels!(HumanImpact { Low => "low", Medium => "medium", High => "high", VeryHigh => "very high" });
labels!(SafetyImpact {
    Negligible => "negligible",
    Marginal => "marginal",
    Critical => "critical",
    Catastrophic => "catastrophic",
});
labels!(MissionImpact {
    Degraded => "degraded",
    MefSupportCrippled => "mef support crippled",
    MefFailure => "mef failure",
    MissionFailure => "mission failure",
});
labels!(Decision {
    Defer => "defer",
    Scheduled => "scheduled",
    OutOfCycle => "out-of-cycle",
    Immediate => "immediate",
});

use Decision::{Defer as D, Immediate as I, OutOfCycle as O, Scheduled as S};

/// The deployer table, indexed `[exploitation][exposure][automatable][human impact]` in the
/// order of the enums (lowest first) — the row order of CERT/CC's CSV.
const DEPLOYER: [[[[Decision; 4]; 2]; 3]; 3] = [
    // exploitation: none
    [
        [[D, D, S, S], [D, S, S, S]], // small: automatable no, yes
        [[D, S, S, S], [S, S, S, S]], // controlled
        [[D, S, S, S], [S, S, S, O]], // open
    ],
    // exploitation: public poc
    [
        [[D, S, S, S], [S, S, S, S]],
        [[D, S, S, S], [S, S, S, O]],
        [[S, S, S, O], [S, S, O, O]],
    ],
    // exploitation: active
    [
        [[S, S, O, O], [S, O, O, O]],
        [[S, S, O, O], [O, O, O, O]],
        [[S, O, O, I], [O, O, I, I]],
    ],
];

/// The SSVC deployer patch-application priority.
pub const fn deployer_decision(
    exploitation: Exploitation,
    exposure: SystemExposure,
    automatable: Automatable,
    human_impact: HumanImpact,
) -> Decision {
    DEPLOYER[exploitation as usize][exposure as usize][automatable as usize][human_impact as usize]
}

/// SSVC Human Impact v2.0.2 from Safety Impact v2.0.1 and Mission Impact v2.0.0.
pub const fn human_impact(safety: SafetyImpact, mission: MissionImpact) -> HumanImpact {
    use HumanImpact::{High, Low, Medium, VeryHigh};
    use MissionImpact::{Degraded, MefFailure, MefSupportCrippled, MissionFailure};
    match (safety, mission) {
        (SafetyImpact::Catastrophic, _) | (_, MissionFailure) => VeryHigh,
        (SafetyImpact::Critical, Degraded) => Medium,
        (SafetyImpact::Critical, MefSupportCrippled | MefFailure) => High,
        (SafetyImpact::Negligible | SafetyImpact::Marginal, MefFailure) => Medium,
        (SafetyImpact::Negligible | SafetyImpact::Marginal, Degraded | MefSupportCrippled) => Low,
    }
}

/// One input of the decision with why it has that value.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Input<T> {
    /// The value.
    pub value: T,
    /// Why, in a sentence.
    pub reason: String,
}

/// The decision with the plan's controls in effect but none of its patches.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BeforePatching {
    /// System exposure without the plan's patches.
    pub system_exposure: Input<SystemExposure>,
    /// Human impact without the plan's patches.
    pub human_impact: HumanImpact,
    /// The resulting decision.
    pub decision: Decision,
    /// The plan's simulated P(at least one patch deployment rolls back).
    pub p_patch_rollback: Est,
}

/// The SSVC deployer decision for one vulnerability under one plan.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SsvcRow {
    /// Vulnerability id.
    pub vulnerability: String,
    /// Plan id.
    pub plan: String,
    /// Exploitation.
    pub exploitation: Input<Exploitation>,
    /// System exposure at the plan's end state.
    pub system_exposure: Input<SystemExposure>,
    /// Automatable.
    pub automatable: Input<Automatable>,
    /// Human impact at the plan's end state.
    pub human_impact: Input<HumanImpact>,
    /// The deployer decision at the plan's end state.
    pub decision: Decision,
    /// The decision while the plan's patches are not (yet, or no longer) in place, when the
    /// plan applies patches and that changes the exposure or the decision; null otherwise.
    pub before_patching: Option<BeforePatching>,
}

/// Exploitation from the scenario.
pub fn exploitation(s: &Scenario, v: usize) -> Input<Exploitation> {
    let v = &s.vulnerabilities[v];
    let epss = v.epss.map_or(String::new(), |p| {
        if p < 0.1 {
            format!("; EPSS {:.1}%", 100.0 * p)
        } else {
            format!("; EPSS {:.0}%", 100.0 * p)
        }
    });
    let (value, why) = if v.kev {
        (Exploitation::Active, "listed in CISA KEV".to_string())
    } else {
        match v.exploit_maturity {
            ExploitMaturity::Active => (Exploitation::Active, "exploited in the wild".into()),
            ExploitMaturity::Functional => (
                Exploitation::Public,
                "working exploit code is public".into(),
            ),
            ExploitMaturity::ProofOfConcept => {
                (Exploitation::Public, "a proof of concept is public".into())
            }
            ExploitMaturity::Unproven => (
                Exploitation::None,
                "no public exploit known (maturity unproven)".into(),
            ),
        }
    };
    Input {
        value,
        reason: format!("{why}{epss}"),
    }
}

/// Automatable from the CVSS vector.
pub fn automatable(s: &Scenario, v: usize) -> Input<Automatable> {
    let v = &s.vulnerabilities[v];
    let Some(vector) = v.cvss_vector.as_deref() else {
        return Input {
            value: Automatable::No,
            reason: "no CVSS vector given: not assumed automatable".into(),
        };
    };
    let metric = |name: &str| {
        vector.split('/').find_map(|part| {
            let (k, val) = part.split_once(':')?;
            (k.trim() == name).then(|| val.trim().to_string())
        })
    };
    let wanted = [("AV", "N"), ("AC", "L"), ("PR", "N"), ("UI", "N")];
    let missing: Vec<String> = wanted
        .iter()
        .filter(|(k, want)| metric(k).as_deref() != Some(*want))
        .map(|(k, _)| format!("{k}:{}", metric(k).unwrap_or_else(|| "?".into())))
        .collect();
    if missing.is_empty() {
        Input {
            value: Automatable::Yes,
            reason: "CVSS AV:N/AC:L/PR:N/UI:N: network-reachable, no privileges, no user \
                     interaction"
                .into(),
        }
    } else {
        Input {
            value: Automatable::No,
            reason: format!("CVSS {}, not AV:N/AC:L/PR:N/UI:N", missing.join(", ")),
        }
    }
}

/// What a plan leaves in place: the controls it enables and the (vulnerability, asset) pairs
/// its patches fix.
#[derive(Clone, Debug)]
pub struct EndState {
    /// Per control: enabled by the plan.
    pub controls: Vec<bool>,
    /// (vulnerability, asset) pairs fixed by the plan's patches.
    pub patched: BTreeSet<(usize, usize)>,
}

impl EndState {
    /// The end state of `plan` (every action succeeded).
    pub fn of(s: &Scenario, plan: &Plan) -> Self {
        let mut controls = vec![false; s.controls.len()];
        let mut patched = BTreeSet::new();
        for a in &plan.actions {
            match a {
                Action::EnableControl { control, .. } => controls[control.ix()] = true,
                Action::ApplyPatch { patch, assets, .. } => {
                    for v in &s.patches[patch.ix()].fixes {
                        for asset in assets {
                            if s.vulnerabilities[v.ix()].assets.contains(asset) {
                                patched.insert((v.ix(), asset.ix()));
                            }
                        }
                    }
                }
            }
        }
        EndState { controls, patched }
    }
    /// The same controls without any patch.
    pub fn without_patches(&self) -> Self {
        EndState {
            controls: self.controls.clone(),
            patched: BTreeSet::new(),
        }
    }
}

/// A note on a control the attacker goes past, for the reasons.
fn control_note(s: &Scenario, k: ControlIdx) -> String {
    let c = &s.controls[k.ix()];
    match &c.effect {
        ControlEffect::Segmentation { conduit, .. } => {
            format!("{} (segmentation of {})", c.id, s.conduits[conduit.ix()].id)
        }
        ControlEffect::VirtualPatch { conduit, .. } => {
            format!(
                "{} (virtual patch on {})",
                c.id,
                s.conduits[conduit.ix()].id
            )
        }
        ControlEffect::Allowlisting { .. } => format!("{} (allowlisting)", c.id),
        ControlEffect::RemoteAccessRestriction { entry_point, .. } => format!(
            "{} (restricts {})",
            c.id,
            s.threat.entry_points[entry_point.ix()].id
        ),
        ControlEffect::Monitoring { .. } => c.id.clone(),
        ControlEffect::SourceAllowlist { on, .. } => crate::sources::note(s, &c.id, *on),
    }
}

/// The way into zone `z` as the spread found it, entry point first.
fn path(spread: &Spread<'_>, s: &Scenario, z: usize) -> String {
    let mut steps = Vec::new();
    let mut z = z;
    for _ in 0..=s.zones.len() {
        match &spread.zone[z] {
            Some(HeldVia::Entry(e)) => {
                let e = &s.threat.entry_points[e.ix()];
                steps.push(format!(
                    "{} ({}) lands in {}",
                    e.id,
                    entry_kind(e.kind),
                    s.zones[z].id
                ));
                break;
            }
            Some(HeldVia::Step {
                asset,
                vuln,
                from,
                conduit,
            }) => {
                let over = conduit.map_or(String::new(), |c| {
                    format!(" over {}", s.conduits[c.ix()].id)
                });
                steps.push(format!(
                    "{} ({}{over})",
                    s.assets[asset.ix()].id,
                    s.vulnerabilities[vuln.ix()].id
                ));
                z = from.ix();
            }
            Some(HeldVia::Start) | None => break,
        }
    }
    steps.reverse();
    steps.join(" → ")
}

fn entry_kind(k: EntryKind) -> &'static str {
    match k {
        EntryKind::EnterpriseIt => "enterprise_it",
        EntryKind::VendorRemoteAccess => "vendor_remote_access",
        EntryKind::InternetService => "internet_service",
        EntryKind::RemovableMedia => "removable_media",
    }
}

fn list(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..max].join(", "), items.len() - max)
    }
}

/// System exposure of vulnerability `v` at end state `st`.
pub fn system_exposure(s: &Scenario, st: &EndState, v: usize) -> Input<SystemExposure> {
    let vuln = &s.vulnerabilities[v];
    let open_assets: Vec<usize> = vuln
        .assets
        .iter()
        .map(|a| a.ix())
        .filter(|a| !st.patched.contains(&(v, *a)))
        .collect();
    if open_assets.is_empty() {
        return Input {
            value: SystemExposure::Small,
            reason: format!(
                "the plan patches it on every asset carrying it ({})",
                list(
                    &vuln
                        .assets
                        .iter()
                        .map(|a| s.assets[a.ix()].id.clone())
                        .collect::<Vec<_>>(),
                    4
                )
            ),
        };
    }
    let service = vuln
        .service
        .as_deref()
        .map_or("any service".to_string(), |sv| sv.to_string());
    let open = |pv: VulnIdx, pa: AssetIdx| !st.patched.contains(&(pv.ix(), pa.ix()));
    let vix = VulnIdx(v as u32);
    let mut strict = Spread::new(s, &st.controls, Hindrance::None);
    strict.land();
    strict.grow(&open);
    let unhindered: Vec<(usize, Attempt)> = open_assets
        .iter()
        .filter_map(|&a| strict.attempt(vix, AssetIdx(a as u32)).map(|at| (a, at)))
        .collect();
    if let Some((a, at)) = unhindered.first() {
        let others = unhindered.len() - 1;
        let more = if others > 0 {
            format!(
                " (and {others} more asset{})",
                if others > 1 { "s" } else { "" }
            )
        } else {
            String::new()
        };
        let zone = s.assets[*a].zone.ix();
        let path = if matches!(strict.zone[zone], Some(HeldVia::Step { asset, .. }) if asset.ix() == *a)
        {
            // The attacker's way into the zone was this very asset.
            path(&strict, s, zone)
        } else {
            let last = match at.conduit {
                Some(c) => format!(
                    " → {} over {} ({service})",
                    s.assets[*a].id,
                    s.conduits[c.ix()].id
                ),
                None => format!(" → {} in the same zone", s.assets[*a].id),
            };
            format!("{}{last}", path(&strict, s, at.from.ix()))
        };
        return Input {
            value: SystemExposure::Open,
            reason: format!(
                "{}{more} reachable with no control in the way: {path}",
                s.assets[*a].id
            ),
        };
    }
    // Past controls and from restricted entry points (any positive chance).
    let mut loose = Spread::new(s, &st.controls, Hindrance::Possible);
    loose.land();
    loose.grow(&open);
    let mut passed = loose.passed.clone();
    let mut reached = Vec::new();
    for &a in &open_assets {
        if let Some(at) = loose.attempt(vix, AssetIdx(a as u32)) {
            passed.extend(at.controls);
            reached.push(a);
        }
    }
    if !reached.is_empty() {
        let names: Vec<String> = reached.iter().map(|&a| s.assets[a].id.clone()).collect();
        let mut notes: BTreeSet<String> = passed.iter().map(|k| control_note(s, *k)).collect();
        for (ei, e) in s.threat.entry_points.iter().enumerate() {
            if e.kind == EntryKind::RemovableMedia
                && entry_residual(s, EntryIdx(ei as u32), &st.controls).0 > 0.0
            {
                notes.insert(format!("{} (removable media: physical access)", e.id));
            }
        }
        let notes: Vec<String> = notes.into_iter().collect();
        return Input {
            value: SystemExposure::Controlled,
            reason: format!(
                "{} reachable only past controls or restricted entry points: {}",
                list(&names, 3),
                list(&notes, 4)
            ),
        };
    }
    let patched = vuln.assets.len() - open_assets.len();
    Input {
        value: SystemExposure::Small,
        reason: if patched > 0 {
            format!(
                "the plan patches {patched} of {} assets; no entry point reaches the rest",
                vuln.assets.len()
            )
        } else if vuln.local_only {
            "needs local or adjacent access, and no entry point lands in its zone".into()
        } else {
            "no entry point reaches an asset carrying it".into()
        },
    }
}

/// Assets a list of dependencies rests on (the model's one dependency walk).
fn deps_of(s: &Scenario, deps: &[Dependency]) -> BTreeSet<usize> {
    s.assets_behind(deps).iter().map(|a| a.ix()).collect()
}

/// Safety and mission impact of an attacker holding the assets carrying `v` at end state
/// `st`, from the plant's structure only; with the reason.
pub fn consequences(
    s: &Scenario,
    st: &EndState,
    v: usize,
) -> (SafetyImpact, MissionImpact, String) {
    let vuln = &s.vulnerabilities[v];
    let open = |pv: VulnIdx, pa: AssetIdx| !st.patched.contains(&(pv.ix(), pa.ix()));
    let mut r = Spread::new(s, &st.controls, Hindrance::Possible);
    for a in &vuln.assets {
        r.hold(*a);
    }
    r.grow(&open);
    let reached: BTreeSet<usize> = (0..s.assets.len()).filter(|&a| r.compromised[a]).collect();
    let onward: Vec<String> = reached
        .iter()
        .filter(|a| !vuln.assets.iter().any(|b| b.ix() == **a))
        .map(|&a| s.assets[a].id.clone())
        .collect();
    let name = |a: usize| s.assets[a].id.clone();

    // Safety.
    let safety_fn: BTreeSet<usize> = s
        .functions
        .iter()
        .filter(|f| f.kind == FunctionKind::Safety)
        .flat_map(|f| deps_of(s, &f.depends_on))
        .collect();
    let unit_deps: Vec<BTreeSet<usize>> = s
        .process_units
        .iter()
        .map(|u| deps_of(s, &u.depends_on))
        .collect();
    let (safety, safety_why) = if let Some(&a) = reached
        .iter()
        .find(|&&a| s.assets[a].kind == AssetKind::SafetyController)
    {
        (
            SafetyImpact::Catastrophic,
            format!("{} is a safety controller", name(a)),
        )
    } else if let Some(&a) = reached.iter().find(|a| safety_fn.contains(a)) {
        (
            SafetyImpact::Critical,
            format!("a safety function depends on {}", name(a)),
        )
    } else if let Some(&a) = reached
        .iter()
        .find(|&&a| s.assets[a].kind.is_controller() && unit_deps.iter().any(|d| d.contains(&a)))
    {
        (
            SafetyImpact::Marginal,
            format!("{} controls a process unit", name(a)),
        )
    } else {
        (
            SafetyImpact::Negligible,
            "no controller or safety system within reach".into(),
        )
    };

    // Mission.
    let units: Vec<usize> = (0..s.process_units.len())
        .filter(|&u| unit_deps[u].iter().any(|a| reached.contains(a)))
        .collect();
    let unit_names: Vec<String> = units
        .iter()
        .map(|&u| s.process_units[u].id.clone())
        .collect();
    let max_cost_h = s
        .process_units
        .iter()
        .map(|u| u.downtime_cost_per_hour)
        .fold(0.0, f64::max);
    let mut large_target = None;
    let mut any_target = None;
    for t in &s.threat.targets {
        let (hit, label, cost_h) = match t.what {
            AttackTarget::Asset(a) => (reached.contains(&a.ix()), name(a.ix()), max_cost_h),
            AttackTarget::Unit(u) => {
                let unit = &s.process_units[u.ix()];
                // The controllers whose loss stops the unit, as the simulated attacker
                // counts them (the model's one dependency walk).
                let ctrl: BTreeSet<usize> = s
                    .controllers_behind(&unit.depends_on)
                    .iter()
                    .map(|a| a.ix())
                    .collect();
                (
                    ctrl.iter().any(|a| reached.contains(a)),
                    unit.id.clone(),
                    unit.downtime_cost_per_hour,
                )
            }
        };
        if !hit {
            continue;
        }
        let large = t.impact_cost > 0.0 && t.impact_cost >= LARGE_IMPACT_HOURS * cost_h;
        if large && large_target.is_none() {
            large_target = Some((label.clone(), t.impact_cost, cost_h));
        }
        any_target.get_or_insert(label);
    }
    let functions: Vec<String> = s
        .functions
        .iter()
        .filter(|f| {
            deps_of(s, &f.depends_on)
                .iter()
                .any(|a| reached.contains(a))
        })
        .map(|f| f.id.clone())
        .collect();
    let (mission, mission_why) = if units.len() >= 2 {
        (
            MissionImpact::MissionFailure,
            format!(
                "{} process units depend on them — {}",
                units.len(),
                list(&unit_names, 3)
            ),
        )
    } else if let Some((t, cost, cost_h)) = large_target {
        let hours = if cost_h > 0.0 {
            format!(" = {:.0} h of its downtime", cost / cost_h)
        } else {
            String::new()
        };
        (
            MissionImpact::MissionFailure,
            format!(
                "target {t} is within reach and its compromise costs {}{hours}",
                money(cost)
            ),
        )
    } else if !units.is_empty() {
        (
            MissionImpact::MefFailure,
            format!("process unit {} depends on them", unit_names[0]),
        )
    } else if let Some(t) = any_target {
        (
            MissionImpact::MefFailure,
            format!("target {t} is within reach"),
        )
    } else if !functions.is_empty() {
        (
            MissionImpact::MefSupportCrippled,
            format!(
                "functions {} depend on them, no process unit",
                list(&functions, 3)
            ),
        )
    } else {
        (
            MissionImpact::Degraded,
            "no function or process unit depends on them".into(),
        )
    };
    let holders = list(
        &vuln.assets.iter().map(|a| name(a.ix())).collect::<Vec<_>>(),
        3,
    );
    let reach = if onward.is_empty() {
        format!("an attacker holding {holders} reaches nothing further")
    } else {
        format!(
            "an attacker holding {holders} can go on to {}",
            list(&onward, 4)
        )
    };
    (
        safety,
        mission,
        format!(
            "{reach}; safety impact {safety}: {safety_why}; mission impact {mission}: {mission_why}"
        ),
    )
}

fn lower(m: MissionImpact) -> MissionImpact {
    match m {
        MissionImpact::MissionFailure => MissionImpact::MefFailure,
        MissionImpact::MefFailure => MissionImpact::MefSupportCrippled,
        _ => MissionImpact::Degraded,
    }
}

/// Human impact of `v` at end state `st`, with the plan's simulated results.
pub fn human_impact_of(
    s: &Scenario,
    st: &EndState,
    v: usize,
    plan: &PlanSummary,
) -> Input<HumanImpact> {
    let (safety, mut mission, why) = consequences(s, st, v);
    let pc = plan.exposure.p_compromise;
    let pt = plan.operations.p_trip;
    let sim = if pc.hi < RARE && pt.hi < RARE && mission > MissionImpact::Degraded {
        mission = lower(mission);
        format!(
            "; rehearsals of this plan rule out the consequence (P(compromise) ≤ {}, P(trip) ≤ {} at 95%): mission lowered to {mission}",
            pct1(pc.hi),
            pct1(pt.hi)
        )
    } else {
        format!(
            "; rehearsed P(compromise) {}, P(trip) {}",
            pct_est(&pc),
            pct_est(&pt)
        )
    };
    let value = human_impact(safety, mission);
    Input {
        value,
        reason: format!("{why}{sim}"),
    }
}

/// The SSVC rows of every vulnerability (scenario order) under every plan of `plans`
/// (summary order). Plans not in the scenario are skipped.
pub fn derive(s: &Scenario, plans: &[PlanSummary]) -> Vec<SsvcRow> {
    let mut rows = Vec::new();
    for v in 0..s.vulnerabilities.len() {
        let exploitation = exploitation(s, v);
        let automatable = automatable(s, v);
        let fixable = s
            .patches
            .iter()
            .any(|p| p.fixes.iter().any(|f| f.ix() == v));
        for ps in plans {
            let Some(plan) = s.plans.iter().find(|p| p.id == ps.id) else {
                continue;
            };
            let st = EndState::of(s, plan);
            let mut exposure = system_exposure(s, &st, v);
            exposure
                .reason
                .extend(crate::remediation::ssvc_note(&s.vulnerabilities[v]));
            if !fixable {
                exposure
                    .reason
                    .push_str("; no patch in the scenario fixes it");
            } else if let Some(when) = patch_time(s, plan, v) {
                exposure.reason.push_str(&format!("; patched {when}"));
            }
            let human = human_impact_of(s, &st, v, ps);
            let decision = deployer_decision(
                exploitation.value,
                exposure.value,
                automatable.value,
                human.value,
            );
            let before_patching = (!st.patched.is_empty())
                .then(|| {
                    let bare = st.without_patches();
                    let e = system_exposure(s, &bare, v);
                    let h = human_impact_of(s, &bare, v, ps).value;
                    let d = deployer_decision(exploitation.value, e.value, automatable.value, h);
                    (e.value != exposure.value || d != decision).then_some(BeforePatching {
                        system_exposure: e,
                        human_impact: h,
                        decision: d,
                        p_patch_rollback: ps.operations.p_patch_failure,
                    })
                })
                .flatten();
            if let Some(b) = &before_patching
                && b.system_exposure.value > exposure.value
                && !st.patched.iter().any(|(pv, _)| *pv == v)
            {
                exposure.reason.push_str(&format!(
                    "; only because the plan's patches close the way (without them: {}; they roll back in {} of rehearsals)",
                    b.system_exposure.value,
                    pct_est(&b.p_patch_rollback)
                ));
            }
            rows.push(SsvcRow {
                vulnerability: s.vulnerabilities[v].id.clone(),
                plan: ps.id.clone(),
                exploitation: exploitation.clone(),
                system_exposure: exposure,
                automatable: automatable.clone(),
                human_impact: human,
                decision,
                before_patching,
            });
        }
    }
    rows
}

/// When `plan` patches vulnerability `v` (first action that does), in words.
fn patch_time(s: &Scenario, plan: &Plan, v: usize) -> Option<String> {
    plan.actions.iter().find_map(|a| match a {
        Action::ApplyPatch {
            patch, at, staging, ..
        } if s.patches[patch.ix()].fixes.iter().any(|f| f.ix() == v) => {
            let when = match at {
                When::Now => "now".to_string(),
                When::At(t) => format!("on day {:.0}", t.0 as f64 / 8.64e13),
                When::NextWindow(w) => {
                    let start = s
                        .windows
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| w.is_none_or(|w| w == *i))
                        .filter_map(|(_, win)| win.starts.first())
                        .min();
                    start.map_or("at the next maintenance window".to_string(), |t| {
                        format!(
                            "at the next maintenance window (day {:.0})",
                            t.0 as f64 / 8.64e13
                        )
                    })
                }
            };
            let staged = if staging.is_some() { ", staged" } else { "" };
            Some(format!("by {} {when}{staged}", s.patches[patch.ix()].id))
        }
        _ => None,
    })
}

/// "12.3%".
pub(crate) fn pct1(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

/// "12.3% [10.1–14.8]".
pub(crate) fn pct_est(e: &Est) -> String {
    format!(
        "{:.1}% [{:.1}–{:.1}]",
        100.0 * e.mean,
        100.0 * e.lo.max(0.0),
        100.0 * e.hi.min(1.0)
    )
}

/// A money amount with thousands separators, no decimals: "1,214,943".
pub(crate) fn money(x: f64) -> String {
    if !x.is_finite() || x.abs() > 1e18 {
        return "unbounded".into();
    }
    let n = x.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("−{out}") } else { out }
}
