//! The one reach rule: whether an attacker holding a zone can attempt a vulnerability on an
//! asset under the controls in force, with what chance of success, and which conduits carry
//! which services. The simulated attacker's index (`patchtwin_sim::compiled::reach`), its
//! exposure-days, the operations layer's segmentation of plant flows, scenario validation
//! and SSVC's system exposure all decide reach through these functions (the simulation
//! precomputes them into tables and is tested against them), so they cannot disagree.
//!
//! # The rule
//! - **Conduits carry services.** A conduit admits a service if its own protocol list is empty
//!   or names it, and the segmentation in force on it (the first active segmentation control
//!   on the conduit, in control order) is not empty and names it. An exploit with no service
//!   (`None`) passes any protocol list but not a closed conduit. The same rule applies to plant
//!   flows (their `protocol` is the service) on every conduit their route crosses
//!   ([`conduits_crossed`]): validation rejects a flow whose protocol a conduit's own list
//!   does not name, and segmentation that stops admitting it cuts it.
//! - **Direction** is the attacker's: a conduit lets connections be opened only in the
//!   direction it allows; within one zone nothing stands in the way.
//! - **A step** on `(vulnerability, asset)` can be attempted from a held zone: the asset's own
//!   zone, or (when the vulnerability is not local-only) an adjacent zone through a conduit
//!   that admits the vulnerability's service in that direction. Of several crossings the
//!   attacker takes the one with the best chance (virtual patches on it), then the
//!   lowest-numbered zone it comes from, then the first conduit.
//! - **Chance of success** of a step is the product of the allowlisting factors of the active
//!   allowlisting controls on the asset and the miss probabilities of the active virtual
//!   patches on the crossed conduit that block the vulnerability.
//! - **Entry points** let attempts through with the product of the residuals of the active
//!   remote-access restrictions on them (0 disables the entry point).
//! - **Source allowlists** on an entry point or a conduit ([`source_residual`]) admit the
//!   attacker's source with the product of their residuals (spoofed or insider sources), but
//!   as one latent draw per path per run, not per attempt: whether the attacker is among the
//!   admitted is decided once, and repeated attempts do not wear the allowlist down. The rule
//!   here is what is *possible* — a path whose share is 0 is closed to the attacker, any other
//!   is open — and the simulation realises the draw once per run
//!   (`patchtwin_sim::compiled::reach`), so the chance that a run's attacker can use the path
//!   is the share. Plant flows are not affected (they come from admitted sources).
//! - **Out of service** ([`crate::out_of_service`]): a conduit out of service admits nothing;
//!   an asset out of service cannot be attempted (its factor is 0, like allowlisting that
//!   stops every exploit) and shuts the entry points landing on it; an entry point out of
//!   service lets nothing through (like a restriction with residual 0).
//! - **From outside the plant**: an entry point with no landing asset (`from:` a zone such as
//!   the internet) puts the attacker in that zone holding no asset; holding a zone is what
//!   reach asks, so it reaches the plant through the conduits that lead out of that zone, and
//!   the assets in the zone itself, by the same rule as from a landing asset.
//! - **Reach from the entry points** ([`Spread`]): the attacker holds the landing zones of the
//!   usable entry points and, step by step, the zone of every asset it can compromise; a
//!   `(vulnerability, asset)` pair is **exposed** when it is open (not fixed) and can be
//!   attempted with a positive chance from the zones so held ([`exposed_pairs`]).
//!
//! Pure functions of a validated [`Scenario`], the controls in force (`active[control]`) and
//! the open pairs; no I/O, no randomness. Not the attacker's timing or its draws (those are the
//! simulation's), and not what SSVC makes of the answer.

use crate::{
    AssetIdx, Conduit, ConduitDirection, ConduitIdx, ControlEffect, ControlIdx, EntryIdx,
    EntryKind, Scenario, SourcePath, VulnIdx, ZoneIdx,
};
use std::collections::BTreeSet;

/// Whether a conduit's own protocol list lets `service` through: an empty list allows any.
pub fn protocol_list_admits(list: &[String], service: Option<&str>) -> bool {
    list.is_empty() || service.is_none_or(|sv| list.iter().any(|p| p == sv))
}

/// Whether a segmentation control's allowed list lets `service` through: an empty list
/// closes the conduit to everything.
pub fn segmentation_admits(allow: &[String], service: Option<&str>) -> bool {
    !allow.is_empty() && service.is_none_or(|sv| allow.iter().any(|p| p == sv))
}

/// The segmentation control in force on `conduit`: the first active one in control order.
pub fn segmentation_in_force(
    s: &Scenario,
    conduit: ConduitIdx,
    active: &[bool],
) -> Option<ControlIdx> {
    s.controls
        .iter()
        .enumerate()
        .find_map(|(k, c)| match &c.effect {
            ControlEffect::Segmentation { conduit: on, .. } if *on == conduit && active[k] => {
                Some(ControlIdx(k as u32))
            }
            _ => None,
        })
}

/// Whether `conduit` carries `service` under the controls in force (its protocol list and the
/// segmentation in force on it). Direction is not part of it (see [`conduit_leads`]).
pub fn conduit_admits(
    s: &Scenario,
    conduit: ConduitIdx,
    service: Option<&str>,
    active: &[bool],
) -> bool {
    if !protocol_list_admits(&s.conduits[conduit.ix()].protocols, service)
        || crate::out_of_service::conduit_out(s, conduit, active).is_some()
    {
        return false;
    }
    match segmentation_in_force(s, conduit, active) {
        Some(k) => match &s.controls[k.ix()].effect {
            ControlEffect::Segmentation {
                allow_protocols, ..
            } => segmentation_admits(allow_protocols, service),
            _ => unreachable!("segmentation_in_force returns segmentation controls"),
        },
        None => true,
    }
}

/// The conduits a route crosses: for every pair of consecutive hops in different zones,
/// every conduit joining those two zones; sorted, each once. A plant flow crosses these, and
/// must be admitted by each (validation rejects a flow whose protocol a conduit's own list
/// does not name; segmentation in force cuts it).
pub fn conduits_crossed(
    conduits: &[Conduit],
    zone_of: impl Fn(AssetIdx) -> ZoneIdx,
    hops: &[AssetIdx],
) -> Vec<ConduitIdx> {
    let mut out = Vec::new();
    for pair in hops.windows(2) {
        let (za, zb) = (zone_of(pair[0]), zone_of(pair[1]));
        if za == zb {
            continue;
        }
        for (ci, c) in conduits.iter().enumerate() {
            if c.zones == [za, zb] || c.zones == [zb, za] {
                out.push(ConduitIdx(ci as u32));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether `c` lets a connection be opened from zone `from` into a different zone `to`.
pub fn conduit_leads(c: &Conduit, from: ZoneIdx, to: ZoneIdx) -> bool {
    let forward = c.zones[0] == from && c.zones[1] == to;
    let backward = c.zones[1] == from && c.zones[0] == to;
    from != to
        && match c.direction {
            ConduitDirection::Both => forward || backward,
            ConduitDirection::FirstToSecond => forward,
            ConduitDirection::SecondToFirst => backward,
        }
}

/// The chance that an exploit of `vuln` crossing `conduit` gets past the active virtual
/// patches there (1 when none blocks it), and the first of them.
pub fn virtual_patch_factor(
    s: &Scenario,
    conduit: ConduitIdx,
    vuln: VulnIdx,
    active: &[bool],
) -> (f64, Option<ControlIdx>) {
    let mut factor = 1.0;
    let mut first = None;
    for (k, c) in s.controls.iter().enumerate() {
        if let ControlEffect::VirtualPatch {
            conduit: on,
            blocks,
            miss_probability,
            ..
        } = &c.effect
            && active[k]
            && *on == conduit
            && blocks.contains(&vuln)
        {
            factor *= miss_probability;
            first.get_or_insert(ControlIdx(k as u32));
        }
    }
    (factor, first)
}

/// The chance that an exploit on `asset` succeeds past the active allowlisting controls on it
/// (1 when none), and the first of them; 0 while the asset is out of service (the control
/// that has it out).
pub fn allowlisting_factor(
    s: &Scenario,
    asset: AssetIdx,
    active: &[bool],
) -> (f64, Option<ControlIdx>) {
    if let Some(k) = crate::out_of_service::asset_out(s, asset, active) {
        return (0.0, Some(k));
    }
    let mut factor = 1.0;
    let mut first = None;
    for (k, c) in s.controls.iter().enumerate() {
        if let ControlEffect::Allowlisting {
            assets,
            exploit_success,
        } = &c.effect
            && active[k]
            && assets.contains(&asset)
        {
            factor *= exploit_success;
            first.get_or_insert(ControlIdx(k as u32));
        }
    }
    (factor, first)
}

/// The share of attempts through entry point `entry` that the active remote-access
/// restrictions let through, and the restrictions in force, in control order; 0 while the
/// entry point or the asset it lands on is out of service (the control that has it out).
pub fn entry_residual(s: &Scenario, entry: EntryIdx, active: &[bool]) -> (f64, Vec<ControlIdx>) {
    if let Some(k) = crate::out_of_service::entry_out(s, entry, active) {
        return (0.0, vec![k]);
    }
    let mut pass = 1.0;
    let mut by = Vec::new();
    for (k, c) in s.controls.iter().enumerate() {
        if let ControlEffect::RemoteAccessRestriction {
            entry_point,
            residual,
        } = &c.effect
            && *entry_point == entry
            && active[k]
        {
            pass *= residual;
            by.push(ControlIdx(k as u32));
        }
    }
    (pass, by)
}

/// The share of attackers whose source the active source allowlists on `path` admit (the
/// product of their residuals; 1 when none), and those allowlists, in control order. The
/// share is latent: drawn once per path per run, never per attempt.
pub fn source_residual(s: &Scenario, path: SourcePath, active: &[bool]) -> (f64, Vec<ControlIdx>) {
    let mut share = 1.0;
    let mut by = Vec::new();
    for (k, c) in s.controls.iter().enumerate() {
        if let ControlEffect::SourceAllowlist { on, residual } = &c.effect
            && *on == path
            && active[k]
        {
            share *= residual;
            by.push(ControlIdx(k as u32));
        }
    }
    (share, by)
}

/// The conduit through which the attacker, holding the zones marked in `held`, attempts
/// `vuln` on an asset in zone `to` (not held): of the conduits that admit the vulnerability's
/// service from a held zone (and whose source allowlists admit some attackers), the one with
/// the best virtual-patch factor, then from the lowest-numbered zone, then the first conduit.
/// `None` if there is none, or the vulnerability is local-only.
pub fn crossing(
    s: &Scenario,
    held: &[bool],
    vuln: VulnIdx,
    to: ZoneIdx,
    active: &[bool],
) -> Option<ConduitIdx> {
    let v = &s.vulnerabilities[vuln.ix()];
    if v.local_only {
        return None;
    }
    let mut best: Option<(f64, u32, ConduitIdx)> = None;
    for (ci, c) in s.conduits.iter().enumerate() {
        let ci = ConduitIdx(ci as u32);
        if !c.zones.contains(&to) {
            continue;
        }
        let from = if c.zones[0] == to {
            c.zones[1]
        } else {
            c.zones[0]
        };
        if !held[from.ix()]
            || !conduit_leads(c, from, to)
            || !conduit_admits(s, ci, v.service.as_deref(), active)
            || source_residual(s, SourcePath::Conduit(ci), active).0 <= 0.0
        {
            continue;
        }
        let (factor, _) = virtual_patch_factor(s, ci, vuln, active);
        if best.is_none_or(|(f, z, _)| factor > f || factor == f && from.0 < z) {
            best = Some((factor, from.0, ci));
        }
    }
    best.map(|(_, _, ci)| ci)
}

/// What stands in the way: a step is counted only if it passes every control with a
/// positive chance ([`Hindrance::Possible`]) or passes no control at all
/// ([`Hindrance::None`]; also no restricted or source-allowlisted entry point and no
/// removable media).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hindrance {
    /// Nothing stands in the way: no control, an unrestricted network entry point.
    None,
    /// Controls may stand in the way as long as the chance stays positive.
    Possible,
}

/// How the attacker came to hold a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldVia {
    /// Given from the start (assets whose consequences are weighed).
    Start,
    /// An entry point lands there (on an asset, or, from outside the plant, in the zone the
    /// attacker attacks from, holding no asset).
    Entry(EntryIdx),
    /// A step compromised `asset` through `vuln`, coming from zone `from` (through `conduit`,
    /// or within the zone).
    Step {
        /// The compromised asset.
        asset: AssetIdx,
        /// The exploited vulnerability.
        vuln: VulnIdx,
        /// The zone the step came from.
        from: ZoneIdx,
        /// The conduit crossed, if any.
        conduit: Option<ConduitIdx>,
    },
}

/// One attack step the rule allows from the zones held.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// The zone it comes from.
    pub from: ZoneIdx,
    /// The conduit crossed (`None`: within the asset's zone).
    pub conduit: Option<ConduitIdx>,
    /// Its chance of success per attempt (allowlisting × virtual patches); a source allowlist
    /// on the conduit is not in it (its share is drawn once per run, not per attempt).
    pub chance: f64,
    /// The controls on the way: segmentation in force on the conduit, source allowlists on
    /// it, virtual patches, allowlisting.
    pub controls: Vec<ControlIdx>,
}

/// What an attacker can come to hold under fixed controls: the zones (and how) and the
/// assets it compromises. Built from entry points ([`Spread::land`]) or given assets
/// ([`Spread::hold`]), grown by [`Spread::grow`].
#[derive(Clone, Debug)]
pub struct Spread<'a> {
    s: &'a Scenario,
    active: &'a [bool],
    hindrance: Hindrance,
    /// Per zone: how it came to be held, if it is.
    pub zone: Vec<Option<HeldVia>>,
    /// Per asset: compromised (or held from the start).
    pub compromised: Vec<bool>,
    /// Controls (and restricted entry points' restrictions) the attacker went past.
    pub passed: BTreeSet<ControlIdx>,
}

impl<'a> Spread<'a> {
    /// An attacker holding nothing, under the controls marked in `active`.
    pub fn new(s: &'a Scenario, active: &'a [bool], hindrance: Hindrance) -> Self {
        Spread {
            s,
            active,
            hindrance,
            zone: vec![None; s.zones.len()],
            compromised: vec![false; s.assets.len()],
            passed: BTreeSet::new(),
        }
    }

    fn held(&self) -> Vec<bool> {
        self.zone.iter().map(Option::is_some).collect()
    }

    /// Holds the landing zones of the entry points usable under the hindrance.
    pub fn land(&mut self) {
        let s = self.s;
        for (ei, e) in s.threat.entry_points.iter().enumerate() {
            let (pass, mut by) = entry_residual(s, EntryIdx(ei as u32), self.active);
            let (share, sources) =
                source_residual(s, SourcePath::Entry(EntryIdx(ei as u32)), self.active);
            let pass = pass * share;
            by.extend(sources);
            let usable = match self.hindrance {
                Hindrance::None => by.is_empty() && e.kind != EntryKind::RemovableMedia,
                Hindrance::Possible => pass > 0.0,
            };
            if !usable {
                continue;
            }
            self.passed.extend(by);
            let z = e.zone;
            self.zone[z.ix()].get_or_insert(HeldVia::Entry(EntryIdx(ei as u32)));
        }
    }

    /// Holds `asset` (and its zone) from the start.
    pub fn hold(&mut self, asset: AssetIdx) {
        self.compromised[asset.ix()] = true;
        let z = self.s.assets[asset.ix()].zone;
        self.zone[z.ix()].get_or_insert(HeldVia::Start);
    }

    /// The step on `(vuln, asset)` the rule allows from the zones held now, if any.
    pub fn attempt(&self, vuln: VulnIdx, asset: AssetIdx) -> Option<Attempt> {
        self.attempt_from(&self.held(), vuln, asset)
    }

    fn attempt_from(&self, held: &[bool], vuln: VulnIdx, asset: AssetIdx) -> Option<Attempt> {
        let (s, active) = (self.s, self.active);
        let to = s.assets[asset.ix()].zone;
        let (allow, allow_by) = allowlisting_factor(s, asset, active);
        let (from, conduit, vp, vp_by, seg, sources) = if held[to.ix()] {
            (to, None, 1.0, None, None, Vec::new())
        } else {
            let ci = crossing(s, held, vuln, to, active)?;
            let c = &s.conduits[ci.ix()];
            let from = if c.zones[0] == to {
                c.zones[1]
            } else {
                c.zones[0]
            };
            let (vp, vp_by) = virtual_patch_factor(s, ci, vuln, active);
            (
                from,
                Some(ci),
                vp,
                vp_by,
                segmentation_in_force(s, ci, active),
                source_residual(s, SourcePath::Conduit(ci), active).1,
            )
        };
        let controls: Vec<ControlIdx> = seg
            .into_iter()
            .chain(sources)
            .chain(vp_by)
            .chain(allow_by)
            .collect();
        let chance = allow * vp;
        let allowed = match self.hindrance {
            Hindrance::None => controls.is_empty(),
            Hindrance::Possible => chance > 0.0,
        };
        allowed.then_some(Attempt {
            from,
            conduit,
            chance,
            controls,
        })
    }

    /// Compromises every asset carrying a vulnerability that is open there (`open(v, a)`) and
    /// can be attempted from the zones held, until nothing changes (scenario order:
    /// vulnerabilities, then their assets).
    pub fn grow(&mut self, open: &impl Fn(VulnIdx, AssetIdx) -> bool) {
        let s = self.s;
        loop {
            let mut changed = false;
            for (vi, v) in s.vulnerabilities.iter().enumerate() {
                let vuln = VulnIdx(vi as u32);
                for &a in &v.assets {
                    if self.compromised[a.ix()] || !open(vuln, a) {
                        continue;
                    }
                    if let Some(at) = self.attempt(vuln, a) {
                        self.compromised[a.ix()] = true;
                        self.passed.extend(at.controls.iter().copied());
                        let z = s.assets[a.ix()].zone;
                        self.zone[z.ix()].get_or_insert(HeldVia::Step {
                            asset: a,
                            vuln,
                            from: at.from,
                            conduit: at.conduit,
                        });
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }
}

/// The exposed `(vulnerability, asset)` pairs under the controls in force: open pairs the
/// attacker can attempt with a positive chance from what it can come to hold from the entry
/// points. Scenario order (vulnerabilities, then their assets).
pub fn exposed_pairs(
    s: &Scenario,
    active: &[bool],
    open: &impl Fn(VulnIdx, AssetIdx) -> bool,
) -> Vec<(VulnIdx, AssetIdx)> {
    let mut spread = Spread::new(s, active, Hindrance::Possible);
    spread.land();
    spread.grow(open);
    let held = spread.held();
    let mut out = Vec::new();
    for (vi, v) in s.vulnerabilities.iter().enumerate() {
        let vuln = VulnIdx(vi as u32);
        for &a in &v.assets {
            if open(vuln, a) && spread.attempt_from(&held, vuln, a).is_some() {
                out.push((vuln, a));
            }
        }
    }
    out
}
