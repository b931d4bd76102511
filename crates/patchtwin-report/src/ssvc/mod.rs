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
//!   (reachable over the network, low complexity, no privileges, no user interaction) and, for
//!   a CVSS 4.0 vector, `AT:N` (no attack requirements: with `AT:P` the attack depends on a
//!   condition of the target's deployment, a race or an on-path position, so SSVC's steps 1–4
//!   of the kill chain cannot be reliably automated); *no* otherwise, including when no vector
//!   is given.
//! - **System exposure** (from the plan's end state: every control the plan enables is in
//!   effect, every patch it applies has succeeded). Reach is decided by the one rule the
//!   simulated attacker uses too, [`patchtwin_model::reach`]: the attacker lands in an entry
//!   point's zone (or, from outside the plant, stands in the zone it attacks from), attacks assets in a zone it holds or in an adjacent zone through a conduit
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
//!
//! Submodules: `table` (CERT/CC's tables, typed), `inputs` (Exploitation, Automatable),
//! `exposure` (System Exposure by the reach rule), `impact` (Safety, Mission and Human
//! Impact) and [`note`] (a coordinator's SSVC note beside the derived decision).

mod exposure;
mod impact;
mod inputs;
pub mod note;
mod table;

use crate::format::{pct_ci, pct1, thousands};
use crate::{Est, PlanSummary};
use exposure::list;
pub use exposure::{EndState, system_exposure};
pub use impact::{consequences, human_impact_of};
pub use inputs::{automatable, exploitation};
use patchtwin_model::reach::{Attempt, HeldVia, Hindrance, Spread, entry_residual};
use patchtwin_model::{
    Action, AssetIdx, AssetKind, AttackTarget, ControlEffect, ControlIdx, Dependency, EntryIdx,
    EntryKind, ExploitMaturity, FunctionKind, Plan, Scenario, VulnIdx, When,
};
use serde::Serialize;
use std::collections::BTreeSet;
pub use table::{
    Automatable, Decision, Exploitation, HumanImpact, MissionImpact, SafetyImpact, SystemExposure,
    deployer_decision, human_impact,
};

/// A reached target counts as mission failure when its impact cost is at least this many
/// hours of its unit's downtime cost (damage beyond what a trip and restart cost).
pub const LARGE_IMPACT_HOURS: f64 = 24.0;

/// The simulation lowers mission impact one step when the 95% upper bounds of the plan's
/// P(compromise) and P(trip) are both below this.
pub const RARE: f64 = 0.01;

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
    /// Whether the plan patches this vulnerability itself (else its patches of others close
    /// the way to it, and their rollback is what reopens it).
    #[serde(skip)]
    #[schemars(skip)]
    pub patched_here: bool,
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
                        patched_here: st.patched.iter().any(|(pv, _)| *pv == v),
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
                    pct_ci(&b.p_patch_rollback)
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
