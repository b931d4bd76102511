//! The attacker's precomputed view of the scenario ([`AttackIndex`]): service classes,
//! conduit directions, segmentation and allowlisting, landing zones, targets, the units a
//! controller drives. Read-only during runs; the run-time state is in
//! [`crate::state::attacker`].

use patchtwin_model::{AttackTarget, ConduitDirection, ControlEffect, Scenario};

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
    /// Per zone: `(conduit, from zone)` for every conduit through which a connection may be
    /// opened into it from another zone, in conduit order.
    pub(crate) zone_in: Vec<Vec<(u32, u32)>>,
    /// Per zone: `(conduit, to zone)` for every conduit through which a connection may be
    /// opened from it into another zone.
    pub(crate) zone_out: Vec<Vec<(u32, u32)>>,
    /// Zones some entry point lands in.
    pub(crate) landing: Vec<bool>,
    /// Per zone: the monitoring controls watching it, in control order.
    pub(crate) zone_monitoring: Vec<Vec<u32>>,
    /// Per control: the assets it allowlists, sorted (empty for other controls).
    pub(crate) allowlisted: Vec<Vec<u32>>,
    /// Per asset: the first threat target (in threat order) that compromising it reaches.
    pub(crate) first_target: Vec<Option<u32>>,
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
        // A protocol list lets a service through as the conduit and segmentation checks
        // always have: an unrestricted list or service lets anything through.
        let lets_through =
            |list: &[String], sv: Option<&str>| sv.is_none_or(|sv| list.iter().any(|p| p == sv));
        let mut conduit_allows = vec![false; classes * conduits];
        for (k, sv) in services.iter().enumerate() {
            for (ci, c) in s.conduits.iter().enumerate() {
                conduit_allows[k * conduits + ci] =
                    c.protocols.is_empty() || lets_through(&c.protocols, *sv);
            }
        }
        let mut segmentation_allows = vec![false; classes * controls];
        let mut conduit_segmentation = vec![Vec::new(); conduits];
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
                        // An empty list closes the conduit to everything.
                        segmentation_allows[k * controls + ci] =
                            !allow_protocols.is_empty() && lets_through(allow_protocols, *sv);
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
                    allowlisted[ci] = list;
                }
                _ => {}
            }
        }
        // Conduits within one zone never lead anywhere new, so they are left out.
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
        let mut landing = vec![false; zones];
        for e in &s.threat.entry_points {
            landing[s.assets[e.asset.ix()].zone.ix()] = true;
        }
        let mut asset_units = vec![Vec::new(); s.assets.len()];
        let mut ctrl = Vec::new();
        for (ui, unit) in s.process_units.iter().enumerate() {
            ctrl.clear();
            ctrl.extend(s.controllers_behind(&unit.depends_on).iter().map(|a| a.0));
            for a in &ctrl {
                let list: &mut Vec<u32> = &mut asset_units[*a as usize];
                if list.last() != Some(&(ui as u32)) {
                    list.push(ui as u32);
                }
            }
        }
        let mut first_target = vec![None; s.assets.len()];
        for (ti, t) in s.threat.targets.iter().enumerate() {
            ctrl.clear();
            match t.what {
                AttackTarget::Asset(a) => ctrl.push(a.0),
                AttackTarget::Unit(u) => ctrl.extend(
                    s.controllers_behind(&s.process_units[u.ix()].depends_on)
                        .iter()
                        .map(|a| a.0),
                ),
            }
            for a in &ctrl {
                first_target[*a as usize].get_or_insert(ti as u32);
            }
        }
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
            zone_in,
            zone_out,
            landing,
            zone_monitoring,
            allowlisted,
            first_target,
            asset_units,
        }
    }

    /// Whether `conduit` lets service class `class` through now (in a direction it allows).
    #[inline]
    pub(crate) fn conduit_open(&self, class: usize, conduit: usize, active: &[bool]) -> bool {
        if !self.conduit_allows[class * self.conduits + conduit] {
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

    /// The conduit through which class `class` crosses into zone `to` from a held zone now:
    /// from the lowest-numbered such zone, the first such conduit in conduit order.
    pub(crate) fn crossing(
        &self,
        class: usize,
        to: usize,
        held: &[u32],
        active: &[bool],
    ) -> Option<usize> {
        let mut best: Option<(u32, u32)> = None;
        for &(ci, from) in &self.zone_in[to] {
            if held[from as usize] > 0
                && best.is_none_or(|(z, _)| from < z)
                && self.conduit_open(class, ci as usize, active)
            {
                best = Some((from, ci));
            }
        }
        best.map(|(_, ci)| ci as usize)
    }

    /// Marks in `seen` (one zeroed byte per zone) every zone class `class` reaches now from
    /// the landing zones through open conduits, any number of hops. Only the conduits out of
    /// a zone can lead from it, so each is tried once per visit.
    pub(crate) fn reachable_from_landing(
        &self,
        class: usize,
        active: &[bool],
        seen: &mut [u8],
        stack: &mut Vec<u32>,
    ) {
        stack.clear();
        stack.extend((0..self.zones as u32).filter(|z| self.landing[*z as usize]));
        while let Some(z) = stack.pop() {
            if std::mem::replace(&mut seen[z as usize], 1) == 1 {
                continue;
            }
            for &(ci, to) in &self.zone_out[z as usize] {
                if seen[to as usize] == 0 && self.conduit_open(class, ci as usize, active) {
                    stack.push(to);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {

    use super::AttackIndex;
    use patchtwin_model::{ConduitDirection, ControlEffect, Scenario};
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// The string-comparing reach the index replaced, kept as the oracle.
    fn open_conduit(
        s: &Scenario,
        active: &[bool],
        from: usize,
        to: usize,
        service: Option<&str>,
    ) -> Option<usize> {
        let segmentation = |conduit: usize| {
            s.controls
                .iter()
                .enumerate()
                .find_map(|(ci, c)| match &c.effect {
                    ControlEffect::Segmentation {
                        conduit: cc,
                        allow_protocols,
                    } if cc.ix() == conduit && active[ci] => Some(allow_protocols.as_slice()),
                    _ => None,
                })
        };
        s.conduits.iter().enumerate().find_map(|(ci, c)| {
            if c.zones[0].ix() != to && c.zones[1].ix() != to {
                return None;
            }
            let forward = c.zones[0].ix() == from && c.zones[1].ix() == to;
            let backward = c.zones[1].ix() == from && c.zones[0].ix() == to;
            let direction_ok = match c.direction {
                ConduitDirection::Both => forward || backward,
                ConduitDirection::FirstToSecond => forward,
                ConduitDirection::SecondToFirst => backward,
            };
            let allows = |list: &[String]| {
                list.is_empty() || service.is_none_or(|sv| list.iter().any(|p| p == sv))
            };
            if !direction_ok || !allows(&c.protocols) {
                return None;
            }
            match segmentation(ci) {
                Some([]) => None,
                Some(allowed) => service
                    .is_none_or(|sv| allowed.iter().any(|p| p == sv))
                    .then_some(ci),
                None => Some(ci),
            }
        })
    }

    /// Cross-zone reach and exposure reach answered by the index agree with the oracle on
    /// every shipped scenario, for random held zones and random active controls.
    #[test]
    fn index_answers_reach_like_the_string_comparisons() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        for name in [
            "ews-actively-exploited",
            "water-treatment",
            "substation",
            "packaging-line",
            "large-plant",
        ] {
            let s = patchtwin_scenario::load_file(&root.join(format!("{name}.yaml")))
                .unwrap_or_else(|d| panic!("{}", d.render()))
                .scenario;
            let ix = AttackIndex::new(&s);
            let nz = s.zones.len();
            for _ in 0..100 {
                let share = rng.random::<f64>();
                let active: Vec<bool> = (0..s.controls.len())
                    .map(|_| rng.random::<f64>() < 0.5)
                    .collect();
                let held: Vec<u32> = (0..nz)
                    .map(|_| u32::from(rng.random::<f64>() < share * 0.3))
                    .collect();
                for (vi, v) in s.vulnerabilities.iter().enumerate() {
                    let (class, service) = (ix.vuln_class[vi] as usize, v.service.as_deref());
                    for to in (0..nz).filter(|z| held[*z] == 0) {
                        let oracle = (0..nz)
                            .filter(|z| held[*z] > 0)
                            .find_map(|z| open_conduit(&s, &active, z, to, service));
                        assert_eq!(ix.crossing(class, to, &held, &active), oracle, "{name}");
                    }
                    let mut seen = vec![false; nz];
                    let mut stack: Vec<usize> = s
                        .threat
                        .entry_points
                        .iter()
                        .map(|e| s.assets[e.asset.ix()].zone.ix())
                        .collect();
                    while let Some(z) = stack.pop() {
                        if std::mem::replace(&mut seen[z], true) {
                            continue;
                        }
                        for (to, seen_to) in seen.iter().enumerate() {
                            if !*seen_to && open_conduit(&s, &active, z, to, service).is_some() {
                                stack.push(to);
                            }
                        }
                    }
                    let mut got = vec![0u8; nz];
                    ix.reachable_from_landing(class, &active, &mut got, &mut Vec::new());
                    let got: Vec<bool> = got.iter().map(|b| *b == 1).collect();
                    assert_eq!(got, seen, "{name}");
                }
            }
        }
    }
}
