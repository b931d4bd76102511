//! The attacker's precomputed view of the scenario ([`AttackIndex`]): service classes,
//! conduit directions, segmentation and allowlisting, virtual patches, entry restrictions,
//! source allowlists, what is out of service, landing zones, targets, the units a controller drives. Read-only during runs; the run-time
//! state is in [`crate::state::attacker`].
//!
//! The reach rule itself is `patchtwin_model::reach` (one definition, also SSVC's): the tables
//! here are built from its functions and answer the same questions in a few loads; the tests
//! below and `patchtwin-report`'s `tests/ssvc/reach.rs` check them against it.
//!
//! Source allowlists: the rule says a path is possible when its admitted share is positive;
//! a run realises it once (`AttackState::source_admitted`). The questions the attacker asks
//! take that realisation as `admitted` (per control); exposure asks with
//! [`AttackIndex::possible`], which is the rule itself.

use patchtwin_model::reach::{protocol_list_admits, segmentation_admits};
use patchtwin_model::{
    AttackTarget, ConduitDirection, ControlEffect, Scenario, ServiceItem, SourcePath,
};

/// What the attacker's handlers need to know about the scenario, precomputed once per
/// scenario (it is part of [`Compiled`](super::Compiled)) so no step scans controls, compares protocol names
/// or walks dependency trees.
#[derive(Debug, Clone, Default)]
pub struct AttackIndex {
    pub(crate) zones: usize,
    pub(crate) conduits: usize,
    pub(crate) controls: usize,
    /// Zone of every asset.
    pub(crate) asset_zone: Vec<u32>,
    /// Service class of every vulnerability: vulnerabilities exploited through the same
    /// service (or through any, `None`) share one.
    pub(crate) vuln_class: Vec<u32>,
    /// Number of service classes.
    pub(crate) classes: usize,
    /// Per (class, conduit), at `class * conduits + conduit`: the conduit's own protocol list
    /// lets the class through.
    pub(crate) conduit_allows: Vec<bool>,
    /// Per (class, control), at `class * controls + control`: the control, a segmentation in
    /// force on its conduit, still lets the class through (false for other controls).
    pub(crate) segmentation_allows: Vec<bool>,
    /// Per conduit: the segmentation controls on it, in control order; the first active one
    /// is in force.
    pub(crate) conduit_segmentation: Vec<Vec<u32>>,
    /// Per conduit: the virtual patches on it, in control order.
    pub(crate) conduit_virtual_patches: Vec<Vec<u32>>,
    /// Per conduit: the source allowlists on it, in control order.
    pub(crate) conduit_sources: Vec<Vec<u32>>,
    /// Per conduit: the controls that take it out of service (`take_out`), in control order.
    pub(crate) conduit_out: Vec<Vec<u32>>,
    /// Per control: whether it can admit an attacker's source at all (a source allowlist with
    /// a positive residual; true for every other control) — the rule's possibility, passed as
    /// `admitted` where exposure is reckoned.
    pub(crate) possible: Vec<bool>,
    /// Per asset: the allowlisting controls covering it and the controls that take it out of
    /// service, in control order.
    pub(crate) asset_allowlisting: Vec<Vec<u32>>,
    /// Per entry point: its landing zone (the landing asset's, or the zone outside the plant
    /// it attacks from) and the remote-access restrictions, source allowlists and
    /// out-of-service controls (of it or of the asset it lands on) on it.
    pub(crate) entry_restrictions: Vec<(u32, Vec<u32>)>,
    /// Per zone: the `(vulnerability, asset)` pairs of assets in it, in scenario order.
    pub(crate) zone_pairs: Vec<Vec<(u32, u32)>>,
    /// Per zone: `(conduit, from zone)` for every conduit through which a connection may be
    /// opened into it from another zone, in conduit order.
    pub(crate) zone_in: Vec<Vec<(u32, u32)>>,
    /// Per zone: `(conduit, to zone)` for every conduit through which a connection may be
    /// opened from it into another zone.
    pub(crate) zone_out: Vec<Vec<(u32, u32)>>,
    /// Per zone: the monitoring controls watching it, in control order.
    pub(crate) zone_monitoring: Vec<Vec<u32>>,
    /// Per control: the assets it allowlists, sorted (empty for other controls).
    pub(crate) allowlisted: Vec<Vec<u32>>,
    /// Per asset: the threat targets (in threat order) that compromising it reaches.
    pub(crate) asset_targets: Vec<Vec<u32>>,
    /// Per asset: the process units that depend on it as a controller, ascending.
    pub(crate) asset_units: Vec<Vec<u32>>,
}

impl AttackIndex {
    /// Precomputes the attacker's view of a validated scenario.
    pub fn new(s: &Scenario) -> Self {
        let (zones, conduits, controls) = (s.zones.len(), s.conduits.len(), s.controls.len());
        // Service classes, in order of first appearance.
        let mut services: Vec<Option<&str>> = Vec::new();
        let vuln_class = s
            .vulnerabilities
            .iter()
            .map(|v| {
                let sv = v.service.as_deref();
                let class = services.iter().position(|x| *x == sv).unwrap_or_else(|| {
                    services.push(sv);
                    services.len() - 1
                });
                class as u32
            })
            .collect();
        let classes = services.len();
        let mut conduit_allows = vec![false; classes * conduits];
        for (k, sv) in services.iter().enumerate() {
            for (ci, c) in s.conduits.iter().enumerate() {
                conduit_allows[k * conduits + ci] = protocol_list_admits(&c.protocols, *sv);
            }
        }
        let mut segmentation_allows = vec![false; classes * controls];
        let mut conduit_segmentation = vec![Vec::new(); conduits];
        let mut conduit_virtual_patches = vec![Vec::new(); conduits];
        let mut conduit_sources = vec![Vec::new(); conduits];
        let mut conduit_out = vec![Vec::new(); conduits];
        let mut possible = vec![true; controls];
        let mut asset_allowlisting = vec![Vec::new(); s.assets.len()];
        let mut entry_restrictions: Vec<(u32, Vec<u32>)> = s
            .threat
            .entry_points
            .iter()
            .map(|e| (e.zone.0, Vec::new()))
            .collect();
        let mut zone_monitoring = vec![Vec::new(); zones];
        let mut allowlisted = vec![Vec::new(); controls];
        for (ci, c) in s.controls.iter().enumerate() {
            match &c.effect {
                ControlEffect::Segmentation {
                    conduit,
                    allow_protocols,
                } => {
                    conduit_segmentation[conduit.ix()].push(ci as u32);
                    for (k, sv) in services.iter().enumerate() {
                        segmentation_allows[k * controls + ci] =
                            segmentation_admits(allow_protocols, *sv);
                    }
                }
                ControlEffect::Monitoring { zones: watched, .. } => {
                    for z in watched {
                        let list: &mut Vec<u32> = &mut zone_monitoring[z.ix()];
                        if list.last() != Some(&(ci as u32)) {
                            list.push(ci as u32);
                        }
                    }
                }
                ControlEffect::Allowlisting { assets, .. } => {
                    let mut list: Vec<u32> = assets.iter().map(|a| a.0).collect();
                    list.sort_unstable();
                    list.dedup();
                    for a in &list {
                        asset_allowlisting[*a as usize].push(ci as u32);
                    }
                    allowlisted[ci] = list;
                }
                ControlEffect::VirtualPatch { conduit, .. } => {
                    conduit_virtual_patches[conduit.ix()].push(ci as u32);
                }
                ControlEffect::RemoteAccessRestriction { entry_point, .. } => {
                    entry_restrictions[entry_point.ix()].1.push(ci as u32);
                }
                ControlEffect::SourceAllowlist { on, residual } => {
                    possible[ci] = *residual > 0.0;
                    match on {
                        SourcePath::Entry(e) => entry_restrictions[e.ix()].1.push(ci as u32),
                        SourcePath::Conduit(c) => conduit_sources[c.ix()].push(ci as u32),
                    }
                }
                ControlEffect::OutOfService { what } => match what {
                    ServiceItem::Asset(a) => {
                        asset_allowlisting[a.ix()].push(ci as u32);
                        for (ei, e) in s.threat.entry_points.iter().enumerate() {
                            if e.asset == Some(*a) {
                                entry_restrictions[ei].1.push(ci as u32);
                            }
                        }
                    }
                    ServiceItem::Conduit(c) => conduit_out[c.ix()].push(ci as u32),
                    ServiceItem::Entry(e) => entry_restrictions[e.ix()].1.push(ci as u32),
                },
            }
        }
        let (zone_in, zone_out) = conduit_lists(s);
        let mut zone_pairs = vec![Vec::new(); zones];
        for (vi, v) in s.vulnerabilities.iter().enumerate() {
            for a in &v.assets {
                zone_pairs[s.assets[a.ix()].zone.ix()].push((vi as u32, a.0));
            }
        }
        let (asset_units, asset_targets) = consequences(s);
        AttackIndex {
            zones,
            conduits,
            controls,
            asset_zone: s.assets.iter().map(|a| a.zone.0).collect(),
            vuln_class,
            classes,
            conduit_allows,
            segmentation_allows,
            conduit_segmentation,
            conduit_virtual_patches,
            conduit_sources,
            conduit_out,
            possible,
            asset_allowlisting,
            entry_restrictions,
            zone_pairs,
            zone_in,
            zone_out,
            zone_monitoring,
            allowlisted,
            asset_targets,
            asset_units,
        }
    }

    /// Per control, whether it can admit an attacker's source at all: the `admitted` to ask
    /// with for what is possible (exposure, the rule's own answers).
    pub fn possible(&self) -> &[bool] {
        &self.possible
    }

    /// Whether `conduit` lets service class `class` through now (in a direction it allows),
    /// to an attacker whose source the active source allowlists on it `admitted`.
    #[inline]
    pub(crate) fn conduit_open(
        &self,
        class: usize,
        conduit: usize,
        active: &[bool],
        admitted: &[bool],
    ) -> bool {
        if !self.conduit_allows[class * self.conduits + conduit]
            || self.conduit_out[conduit]
                .iter()
                .any(|ci| active[*ci as usize])
        {
            return false;
        }
        if self.conduit_sources[conduit]
            .iter()
            .any(|ci| active[*ci as usize] && !admitted[*ci as usize])
        {
            return false;
        }
        match self.conduit_segmentation[conduit]
            .iter()
            .find(|ci| active[**ci as usize])
        {
            Some(ci) => self.segmentation_allows[class * self.controls + *ci as usize],
            None => true,
        }
    }

    /// Whether some conduit lets class `class` into zone `to` from a held zone now.
    pub(crate) fn class_crosses(
        &self,
        class: usize,
        to: usize,
        held: &[u32],
        active: &[bool],
        admitted: &[bool],
    ) -> bool {
        self.zone_in[to].iter().any(|&(ci, from)| {
            held[from as usize] > 0 && self.conduit_open(class, ci as usize, active, admitted)
        })
    }

    /// The chance an exploit of `vuln` gets past the active virtual patches on `conduit`.
    pub(crate) fn virtual_patch_factor(
        &self,
        s: &Scenario,
        conduit: usize,
        vuln: u32,
        active: &[bool],
    ) -> f64 {
        let mut p = 1.0;
        for &ci in &self.conduit_virtual_patches[conduit] {
            if let ControlEffect::VirtualPatch {
                blocks,
                miss_probability,
                ..
            } = &s.controls[ci as usize].effect
                && active[ci as usize]
                && blocks.iter().any(|b| b.0 == vuln)
            {
                p *= miss_probability;
            }
        }
        p
    }

    /// The chance an exploit on `asset` gets past the active allowlisting on it.
    pub(crate) fn allowlisting_factor(&self, s: &Scenario, asset: u32, active: &[bool]) -> f64 {
        let mut p = 1.0;
        for &ci in &self.asset_allowlisting[asset as usize] {
            if !active[ci as usize] {
                continue;
            }
            match &s.controls[ci as usize].effect {
                ControlEffect::Allowlisting {
                    exploit_success, ..
                } => p *= exploit_success,
                ControlEffect::OutOfService { .. } => p = 0.0,
                _ => {}
            }
        }
        p
    }

    /// The conduit through which the attacker attempts `vuln` on an asset in zone `to` from
    /// the zones it holds now: the best virtual-patch factor, then the lowest-numbered zone
    /// it comes from, then the first conduit; none for a local-only vulnerability
    /// (`patchtwin_model::reach::crossing`, with `admitted` realising its source allowlists).
    pub(crate) fn crossing(
        &self,
        s: &Scenario,
        vuln: u32,
        to: usize,
        held: &[u32],
        active: &[bool],
        admitted: &[bool],
    ) -> Option<usize> {
        if s.vulnerabilities[vuln as usize].local_only {
            return None;
        }
        let class = self.vuln_class[vuln as usize] as usize;
        let mut best: Option<(f64, u32, u32)> = None;
        for &(ci, from) in &self.zone_in[to] {
            if held[from as usize] == 0 || !self.conduit_open(class, ci as usize, active, admitted)
            {
                continue;
            }
            let f = self.virtual_patch_factor(s, ci as usize, vuln, active);
            if best.is_none_or(|(bf, z, _)| f > bf || f == bf && from < z) {
                best = Some((f, from, ci));
            }
        }
        best.map(|(_, _, ci)| ci as usize)
    }

    /// Calls `exposed(vuln, asset)` for every exposed pair (`patchtwin_model::reach::
    /// exposed_pairs`): open (`fixed` says which are not) and attemptable with a positive
    /// chance from what the attacker can come to hold from the usable entry points, under the
    /// controls marked in `active`. Zone by zone, pairs in scenario order within a zone.
    /// `held` and `stack` are scratch.
    pub fn for_each_exposed(
        &self,
        s: &Scenario,
        active: &[bool],
        fixed: &impl Fn(u32, u32) -> bool,
        held: &mut Vec<u32>,
        stack: &mut Vec<u32>,
        mut exposed: impl FnMut(u32, u32),
    ) {
        held.clear();
        held.resize(self.zones, 0);
        stack.clear();
        for (zone, restrictions) in &self.entry_restrictions {
            let pass: f64 = restrictions
                .iter()
                .filter(|ci| active[**ci as usize])
                .map(|ci| match &s.controls[*ci as usize].effect {
                    ControlEffect::RemoteAccessRestriction { residual, .. }
                    | ControlEffect::SourceAllowlist { residual, .. } => *residual,
                    ControlEffect::OutOfService { .. } => 0.0,
                    _ => 1.0,
                })
                .product();
            if pass > 0.0 && std::mem::replace(&mut held[*zone as usize], 1) == 0 {
                stack.push(*zone);
            }
        }
        // A zone comes to be held when an open pair in it can be attempted with a positive
        // chance from a held zone; each conduit out of a zone is tried once, when it is held.
        let step_ok = |vuln: u32, asset: u32, ci: usize| {
            let v = &s.vulnerabilities[vuln as usize];
            !v.local_only
                && !fixed(vuln, asset)
                && self.conduit_open(
                    self.vuln_class[vuln as usize] as usize,
                    ci,
                    active,
                    &self.possible,
                )
                && self.allowlisting_factor(s, asset, active) > 0.0
                && self.virtual_patch_factor(s, ci, vuln, active) > 0.0
        };
        while let Some(from) = stack.pop() {
            for &(ci, to) in &self.zone_out[from as usize] {
                if held[to as usize] == 0
                    && self.zone_pairs[to as usize]
                        .iter()
                        .any(|&(v, a)| step_ok(v, a, ci as usize))
                {
                    held[to as usize] = 1;
                    stack.push(to);
                }
            }
        }
        for (z, pairs) in self.zone_pairs.iter().enumerate() {
            for &(v, a) in pairs {
                if fixed(v, a) || self.allowlisting_factor(s, a, active) <= 0.0 {
                    continue;
                }
                let yes = held[z] > 0
                    || self.zone_in[z]
                        .iter()
                        .any(|&(ci, from)| held[from as usize] > 0 && step_ok(v, a, ci as usize));
                if yes {
                    exposed(v, a);
                }
            }
        }
    }
}

/// Per zone, the conduits into it and out of it in a direction they allow (conduits within
/// one zone never lead anywhere new, so they are left out).
type ConduitLists = (Vec<Vec<(u32, u32)>>, Vec<Vec<(u32, u32)>>);

fn conduit_lists(s: &Scenario) -> ConduitLists {
    let zones = s.zones.len();
    let mut zone_in = vec![Vec::new(); zones];
    let mut zone_out = vec![Vec::new(); zones];
    for (ci, c) in s.conduits.iter().enumerate() {
        let [a, b] = [c.zones[0].0, c.zones[1].0];
        if a == b {
            continue;
        }
        let (forward, backward) = match c.direction {
            ConduitDirection::Both => (true, true),
            ConduitDirection::FirstToSecond => (true, false),
            ConduitDirection::SecondToFirst => (false, true),
        };
        if forward {
            zone_in[b as usize].push((ci as u32, a));
            zone_out[a as usize].push((ci as u32, b));
        }
        if backward {
            zone_in[a as usize].push((ci as u32, b));
            zone_out[b as usize].push((ci as u32, a));
        }
    }
    (zone_in, zone_out)
}

/// Per asset: the units it drives as a controller, and the targets compromising it reaches.
fn consequences(s: &Scenario) -> (Vec<Vec<u32>>, Vec<Vec<u32>>) {
    let mut asset_units = vec![Vec::new(); s.assets.len()];
    for (ui, unit) in s.process_units.iter().enumerate() {
        for a in s.controllers_behind(&unit.depends_on) {
            let list: &mut Vec<u32> = &mut asset_units[a.ix()];
            if list.last() != Some(&(ui as u32)) {
                list.push(ui as u32);
            }
        }
    }
    let mut asset_targets = vec![Vec::new(); s.assets.len()];
    for (ti, t) in s.threat.targets.iter().enumerate() {
        let assets = match t.what {
            AttackTarget::Asset(a) => vec![a],
            AttackTarget::Unit(u) => s.controllers_behind(&s.process_units[u.ix()].depends_on),
        };
        for a in assets {
            let list: &mut Vec<u32> = &mut asset_targets[a.ix()];
            if list.last() != Some(&(ti as u32)) {
                list.push(ti as u32);
            }
        }
    }
    (asset_units, asset_targets)
}

#[cfg(test)]
mod tests {

    use super::AttackIndex;
    use patchtwin_model::reach;
    use patchtwin_model::{AssetIdx, Scenario, VulnIdx, ZoneIdx};
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    fn shipped() -> Vec<(&'static str, Scenario)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        [
            "ews-actively-exploited",
            "water-treatment",
            "substation",
            "packaging-line",
            "large-plant",
            "vendor-remote-access",
        ]
        .into_iter()
        .map(|name| {
            let s = patchtwin_scenario::load_file(&root.join(format!("{name}.yaml")))
                .unwrap_or_else(|d| panic!("{}", d.render()))
                .scenario;
            (name, s)
        })
        .collect()
    }

    /// The crossing the index picks and the exposed pairs it finds are the model's reach
    /// rule's, on every shipped scenario, for random held zones, random active controls and
    /// random fixed pairs.
    #[test]
    fn index_answers_reach_like_the_model_rule() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        for (name, s) in shipped() {
            let ix = AttackIndex::new(&s);
            let nz = s.zones.len();
            let tries = if name == "large-plant" { 10 } else { 100 };
            for _ in 0..tries {
                let share = rng.random::<f64>();
                let active: Vec<bool> = (0..s.controls.len())
                    .map(|_| rng.random::<f64>() < 0.5)
                    .collect();
                let held: Vec<u32> = (0..nz)
                    .map(|_| u32::from(rng.random::<f64>() < share * 0.3))
                    .collect();
                let held_b: Vec<bool> = held.iter().map(|h| *h > 0).collect();
                for vi in 0..s.vulnerabilities.len() {
                    for to in (0..nz).filter(|z| held[*z] == 0) {
                        let oracle = reach::crossing(
                            &s,
                            &held_b,
                            VulnIdx(vi as u32),
                            ZoneIdx(to as u32),
                            &active,
                        );
                        assert_eq!(
                            ix.crossing(&s, vi as u32, to, &held, &active, ix.possible()),
                            oracle.map(|c| c.ix()),
                            "{name}"
                        );
                    }
                }
                let fix_share = rng.random::<f64>() * 0.5;
                let fixed: Vec<Vec<bool>> = s
                    .vulnerabilities
                    .iter()
                    .map(|_| {
                        (0..s.assets.len())
                            .map(|_| rng.random::<f64>() < fix_share)
                            .collect()
                    })
                    .collect();
                let open = |v: VulnIdx, a: AssetIdx| !fixed[v.ix()][a.ix()];
                let mut want: Vec<(u32, u32)> = reach::exposed_pairs(&s, &active, &open)
                    .into_iter()
                    .map(|(v, a)| (v.0, a.0))
                    .collect();
                let mut got = Vec::new();
                ix.for_each_exposed(
                    &s,
                    &active,
                    &|v, a| fixed[v as usize][a as usize],
                    &mut Vec::new(),
                    &mut Vec::new(),
                    |v, a| got.push((v, a)),
                );
                want.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, want, "{name}");
            }
        }
    }
}
