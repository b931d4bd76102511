//! The attacker, in the same simulation as operations.
//!
//! # Model
//! - Attempts arrive at each entry point as a Poisson process (mean gap from the threat). A
//!   remote-access restriction lets only its `residual` share through; an attempt gets a
//!   foothold on the landing asset with the entry's foothold probability.
//! - From the assets it holds, the attacker attacks every asset it can reach that carries an
//!   open vulnerability, all in parallel; each attempt takes a time to compromise drawn from
//!   the vulnerability's TTC (scaled by capability) and then succeeds with the product of the
//!   allowlisting factor on the target and, when it crosses a conduit with a virtual patch
//!   blocking that vulnerability, the patch's miss probability; a failed attempt is retried.
//! - Reach: within a zone, or from a held asset's zone to an *adjacent* zone through a conduit
//!   that allows the vulnerability's service in that direction and is not closed by
//!   segmentation. Crossing two conduits needs a foothold in the zone between. Vulnerabilities
//!   needing adjacency (CVSS AV:A/L/P) are reachable only within a zone.
//! - A vulnerability is open on an asset until its patch succeeds there; a rollback leaves it
//!   open. A control acts from the moment it is effective.
//! - Monitoring in a zone detects each foothold or step into it with its probability; the
//!   attacker is evicted from everything it holds `time_to_respond` later (and may come back).
//! - Compromising a target (an asset, or a controller a target unit depends on) is the impact.
//!   Compromising a controller a unit depends on stops it with the unit's attack-trip
//!   probability, for the threat's recovery time — the unit trips through the same dependency
//!   graph as operational cascades.
//! - Exposure: the number of (vulnerability, asset) pairs open and reachable from any entry
//!   point's landing zone through open conduits (any number of hops), integrated over time.
//!
//! # Cost
//! Everything about the scenario the handlers ask on every step (which conduits lead into or
//! out of a zone and in which direction, which services a conduit or a segmentation control
//! lets through, which units a controller drives, which target an asset is) is worked out once
//! per scenario in [`AttackIndex`]; services are compared as small class numbers, never as
//! strings. Vulnerabilities sharing a service share a class, so a planning pass answers
//! cross-zone reach once per (class, zone), not once per (vulnerability, asset), and exposure
//! walks the conduits out of each reached zone once per class, not every (zone, zone) pair per
//! vulnerability. Attempts in progress and fixed pairs are bitsets; scratch buffers live in
//! [`AttackState`], so neither pass allocates. Any change here must keep the order in which
//! steps are scheduled (vulnerabilities, then their assets, in scenario order): every
//! scheduled step advances the draw counter that keys the random streams.

use crate::compiled::Compiled;
use crate::engine::{Event, Step};
use crate::ops::keyed_stream;
use crate::queue::EventQueue;
use patchtwin_model::{
    AttackTarget, ConduitDirection, ControlEffect, Dependency, DependencyTarget, Scenario,
};
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

const PURPOSE_ARRIVAL: u64 = 10;
const PURPOSE_STEP: u64 = 11;
const PURPOSE_DETECT: u64 = 12;
const PURPOSE_TRIP: u64 = 13;

/// A set of `(first, second)` index pairs, as a bitset over `first * stride + second`.
///
/// Membership is the same as a `BTreeSet<(u32, u32)>` for pairs with `second < stride` (the
/// only ones the attacker stores: assets and vulnerabilities by index), at a fraction of the
/// cost in the planning loop.
#[derive(Debug, Clone, Default)]
pub struct PairSet {
    stride: usize,
    bits: Vec<u64>,
}

impl PairSet {
    /// An empty set for pairs `(0..first, 0..second)`.
    pub fn new(first: usize, second: usize) -> Self {
        PairSet {
            stride: second,
            bits: vec![0; (first * second).div_ceil(64)],
        }
    }

    #[inline]
    fn bit(&self, (a, b): (u32, u32)) -> (usize, u64) {
        assert!((b as usize) < self.stride, "pair out of range");
        let i = a as usize * self.stride + b as usize;
        (i / 64, 1 << (i % 64))
    }

    /// Whether the pair is in the set.
    #[inline]
    pub fn contains(&self, pair: &(u32, u32)) -> bool {
        let (w, m) = self.bit(*pair);
        self.bits[w] & m != 0
    }

    /// Adds the pair; whether it was absent.
    #[inline]
    pub fn insert(&mut self, pair: (u32, u32)) -> bool {
        let (w, m) = self.bit(pair);
        let absent = self.bits[w] & m == 0;
        self.bits[w] |= m;
        absent
    }

    /// Removes the pair; whether it was present.
    #[inline]
    pub fn remove(&mut self, pair: &(u32, u32)) -> bool {
        let (w, m) = self.bit(*pair);
        let present = self.bits[w] & m != 0;
        self.bits[w] &= !m;
        present
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.bits.iter_mut().for_each(|w| *w = 0);
    }
}

/// What the attacker holds and is doing (part of the operations ledger).
#[derive(Debug, Clone, Default)]
pub struct AttackState {
    /// Held assets.
    pub held: Vec<bool>,
    /// Held assets per zone (so reach is answered without scanning every asset).
    pub held_in_zone: Vec<u32>,
    /// Bumped on eviction; older steps and evictions are stale.
    pub generation: u32,
    /// (asset, vulnerability) attempts in progress.
    pub pending: PairSet,
    /// (vulnerability, asset) pairs fixed by a successful patch.
    pub fixed: PairSet,
    /// Attempts so far per entry point (keys its arrival stream).
    pub arrivals: Vec<u64>,
    /// Draw counter (keys step and detection streams).
    pub draws: u64,
    /// Assets the attacker has stopped (once each).
    pub stopped: Vec<bool>,
    /// Exposed (vulnerability, asset) pairs now, and since when.
    pub exposed_now: u64,
    /// Time of the last exposure integration.
    pub exposure_since: u64,
    /// Scratch per (service class, zone), reused so planning and exposure do not allocate:
    /// memoised cross-zone reach in `attack_plan` (0 unknown, 1 yes, 2 no), zones reachable
    /// from the landing zones in `exposed_pairs`.
    zone_scratch: Vec<u8>,
    /// Scratch: per service class, whether its `zone_scratch` row is filled (`exposed_pairs`).
    class_done: Vec<bool>,
    /// Scratch: zones still to visit (`exposed_pairs`).
    stack: Vec<u32>,
}

/// Exposure results of one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExposureOutcome {
    /// When a target was first compromised.
    pub compromised_at: Option<u64>,
    /// Footholds gained.
    pub footholds: u32,
    /// The attacker was detected at least once.
    pub detected: bool,
    /// It was detected before any target was compromised.
    pub detected_before_impact: bool,
    /// Exposed (vulnerability, asset) pair-time, ns (divide by a day for exposure-days).
    pub exposure_pair_ns: u128,
    /// Impact cost of compromised targets.
    pub impact_cost: f64,
    /// Controllers the attacker stopped.
    pub controllers_stopped: u32,
}

impl AttackState {
    /// A fresh attacker for `s`.
    pub fn new(s: &Scenario) -> Self {
        AttackState {
            held: vec![false; s.assets.len()],
            held_in_zone: vec![0; s.zones.len()],
            pending: PairSet::new(s.assets.len(), s.vulnerabilities.len()),
            fixed: PairSet::new(s.vulnerabilities.len(), s.assets.len()),
            arrivals: vec![0; s.threat.entry_points.len()],
            stopped: vec![false; s.assets.len()],
            ..Default::default()
        }
    }
}

/// What the attacker's handlers need to know about the scenario, precomputed once per
/// scenario (it is part of [`Compiled`]) so no step scans controls, compares protocol names
/// or walks dependency trees.
#[derive(Debug, Clone, Default)]
pub struct AttackIndex {
    zones: usize,
    conduits: usize,
    controls: usize,
    /// Zone of every asset.
    asset_zone: Vec<u32>,
    /// Service class of every vulnerability: vulnerabilities exploited through the same
    /// service (or through any, `None`) share one.
    vuln_class: Vec<u32>,
    /// Number of service classes.
    classes: usize,
    /// Per (class, conduit), at `class * conduits + conduit`: the conduit's own protocol list
    /// lets the class through.
    conduit_allows: Vec<bool>,
    /// Per (class, control), at `class * controls + control`: the control, a segmentation in
    /// force on its conduit, still lets the class through (false for other controls).
    segmentation_allows: Vec<bool>,
    /// Per conduit: the segmentation controls on it, in control order; the first active one
    /// is in force.
    conduit_segmentation: Vec<Vec<u32>>,
    /// Per zone: `(conduit, from zone)` for every conduit through which a connection may be
    /// opened into it from another zone, in conduit order.
    zone_in: Vec<Vec<(u32, u32)>>,
    /// Per zone: `(conduit, to zone)` for every conduit through which a connection may be
    /// opened from it into another zone.
    zone_out: Vec<Vec<(u32, u32)>>,
    /// Zones some entry point lands in.
    landing: Vec<bool>,
    /// Per zone: the monitoring controls watching it, in control order.
    zone_monitoring: Vec<Vec<u32>>,
    /// Per control: the assets it allowlists, sorted (empty for other controls).
    allowlisted: Vec<Vec<u32>>,
    /// Per asset: the first threat target (in threat order) that compromising it reaches.
    first_target: Vec<Option<u32>>,
    /// Per asset: the process units that depend on it as a controller, ascending.
    asset_units: Vec<Vec<u32>>,
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
            unit_controllers(s, &unit.depends_on, &mut ctrl);
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
                AttackTarget::Unit(u) => {
                    unit_controllers(s, &s.process_units[u.ix()].depends_on, &mut ctrl)
                }
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
    fn conduit_open(&self, class: usize, conduit: usize, active: &[bool]) -> bool {
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
    fn crossing(&self, class: usize, to: usize, held: &[u32], active: &[bool]) -> Option<usize> {
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
    fn reachable_from_landing(
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

/// Schedules the first attempt at every entry point.
pub fn schedule_first_attempts(model: &Compiled, key: u64, q: &mut EventQueue<Event>) {
    for (ei, e) in model.scenario.threat.entry_points.iter().enumerate() {
        let mut r = keyed_stream(key, PURPOSE_ARRIVAL, ei as u64, 0);
        let gap = exp_sample(&mut r, e.mean_time_between_attempts.as_nanos() as f64);
        q.schedule(gap, Event::AttackAttempt { entry: ei as u16 });
    }
}

fn exp_sample<R: Rng>(r: &mut R, mean: f64) -> u64 {
    let x: f64 = Exp1.sample(r);
    (x * mean).round().max(1.0) as u64
}

/// Controllers a unit depends on directly or through its flows' producers.
fn unit_controllers(s: &Scenario, deps: &[Dependency], out: &mut Vec<u32>) {
    for d in deps {
        match &d.target {
            DependencyTarget::Asset(a) if s.assets[a.ix()].kind.is_controller() => out.push(a.0),
            DependencyTarget::Flow(f) => {
                let p = s.flows[f.ix()].producer;
                if s.assets[p.ix()].kind.is_controller() {
                    out.push(p.0);
                }
            }
            DependencyTarget::Function(f) => {
                unit_controllers(s, &s.functions[f.ix()].depends_on, out)
            }
            DependencyTarget::KOfN { of, .. } => unit_controllers(s, of, out),
            _ => {}
        }
    }
}

impl Step<'_, '_> {
    /// How the attacker can reach `asset` through `vuln` now: `Some(None)` within a zone,
    /// `Some(Some(conduit))` across one, `None` not at all.
    fn reach(&self, asset: u32, vuln: u32) -> Option<Option<usize>> {
        let ix = &self.model.attack;
        let to = ix.asset_zone[asset as usize] as usize;
        let held = &self.ops.attack.held_in_zone;
        if held[to] > 0 {
            return Some(None);
        }
        if self.model.scenario.vulnerabilities[vuln as usize].local_only {
            return None;
        }
        let class = ix.vuln_class[vuln as usize] as usize;
        ix.crossing(class, to, held, &self.ops.controls_active)
            .map(Some)
    }

    /// Starts attempts on every newly reachable open (asset, vulnerability).
    pub(crate) fn attack_plan(&mut self, q: &mut EventQueue<Event>, now: u64) {
        let model = self.model;
        let ix = &model.attack;
        if !self.ops.attack.held_in_zone.iter().any(|n| *n > 0) {
            return;
        }
        // Scheduling changes neither what is held nor the controls, so cross-zone reach per
        // (class, zone), memoised in `zone_scratch` on first use, holds for the whole pass.
        // The pass keeps scenario order (vulnerabilities, then their assets): each scheduled
        // step advances the draw counter that keys the random streams.
        let memo = &mut self.ops.attack.zone_scratch;
        memo.clear();
        memo.resize(ix.classes * ix.zones, 0);
        for (vi, v) in model.scenario.vulnerabilities.iter().enumerate() {
            let vuln = vi as u32;
            let class = ix.vuln_class[vi] as usize;
            for a in &v.assets {
                let asset = a.0;
                let st = &self.ops.attack;
                if st.held[a.ix()]
                    || st.pending.contains(&(asset, vuln))
                    || st.fixed.contains(&(vuln, asset))
                {
                    continue;
                }
                let to = ix.asset_zone[a.ix()] as usize;
                let reachable = st.held_in_zone[to] > 0
                    || !v.local_only && {
                        let m = st.zone_scratch[class * ix.zones + to];
                        if m == 0 {
                            let yes = ix
                                .crossing(class, to, &st.held_in_zone, &self.ops.controls_active)
                                .is_some();
                            self.ops.attack.zone_scratch[class * ix.zones + to] =
                                if yes { 1 } else { 2 };
                            yes
                        } else {
                            m == 1
                        }
                    };
                if reachable {
                    self.schedule_step(q, now, asset, vuln);
                }
            }
        }
    }

    fn schedule_step(&mut self, q: &mut EventQueue<Event>, now: u64, asset: u32, vuln: u32) {
        let s = &self.model.scenario;
        self.ops.attack.draws += 1;
        let mut r = keyed_stream(
            self.ops.key,
            PURPOSE_STEP,
            u64::from(asset) << 32 | u64::from(vuln),
            self.ops.attack.draws,
        );
        let ttc = s.vulnerabilities[vuln as usize]
            .ttc
            .sample(&mut r)
            .as_nanos() as f64
            * s.threat.capability.ttc_factor();
        self.ops.attack.pending.insert((asset, vuln));
        let generation = self.ops.attack.generation;
        q.schedule(
            now + ttc.round().max(1.0) as u64,
            Event::AttackStep {
                asset,
                vuln,
                generation,
            },
        );
    }

    pub(crate) fn attack_attempt(&mut self, q: &mut EventQueue<Event>, now: u64, entry: u16) {
        let s = &*self.model.scenario;
        let e = &s.threat.entry_points[entry as usize];
        let n = self.ops.attack.arrivals[entry as usize] + 1;
        self.ops.attack.arrivals[entry as usize] = n;
        let mut r = keyed_stream(self.ops.key, PURPOSE_ARRIVAL, u64::from(entry), n);
        let gap = exp_sample(&mut r, e.mean_time_between_attempts.as_nanos() as f64);
        q.schedule(now + gap, Event::AttackAttempt { entry });
        // Restrictions on this entry point: each lets its residual share through.
        let landing = e.asset.0;
        let mut blocked_by = None;
        for (ci, c) in s.controls.iter().enumerate() {
            if let ControlEffect::RemoteAccessRestriction {
                entry_point,
                residual,
            } = &c.effect
                && entry_point.0 == u32::from(entry)
                && self.ops.controls_active[ci]
                && r.random::<f64>() >= *residual
            {
                blocked_by = Some(&c.id);
                break;
            }
        }
        let foothold = e.foothold_probability.sample(&mut r);
        let gets_in = r.random::<f64>() < foothold;
        if self.ops.attack.held[landing as usize] {
            return;
        }
        let eid = &e.id;
        if let Some(control) = blocked_by {
            self.note(now, eid, "attack", || {
                format!("attack attempt through {eid} stopped by {control}")
            });
            return;
        }
        if !gets_in {
            return;
        }
        self.ops.exposure.footholds += 1;
        let aid = &s.assets[landing as usize].id;
        self.note(now, aid, "attack", || {
            format!("attacker gets a foothold on {aid} through {eid}")
        });
        self.compromise(q, now, landing);
    }

    pub(crate) fn attack_step(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        asset: u32,
        vuln: u32,
        generation: u32,
    ) {
        if generation != self.ops.attack.generation {
            return;
        }
        self.ops.attack.pending.remove(&(asset, vuln));
        let model = self.model;
        let s = &*model.scenario;
        if self.ops.attack.held[asset as usize] {
            return;
        }
        let (aid, vid) = (
            &s.assets[asset as usize].id,
            &s.vulnerabilities[vuln as usize].id,
        );
        if self.ops.attack.fixed.contains(&(vuln, asset)) {
            self.note(now, aid, "attack", || {
                format!("exploit of {vid} on {aid} fails: patched")
            });
            return;
        }
        let Some(via) = self.reach(asset, vuln) else {
            self.note(now, aid, "attack", || {
                format!("{aid} no longer reachable for {vid}")
            });
            return;
        };
        // Controls that lower the odds of this exploit (multiplied in control order).
        let mut p = 1.0;
        let mut stopped_by = None;
        for (ci, c) in s.controls.iter().enumerate() {
            if !self.ops.controls_active[ci] {
                continue;
            }
            match &c.effect {
                ControlEffect::Allowlisting {
                    exploit_success, ..
                } if model.attack.allowlisted[ci].binary_search(&asset).is_ok() => {
                    p *= exploit_success;
                    stopped_by = Some(c.id.as_str());
                }
                ControlEffect::VirtualPatch {
                    conduit,
                    blocks,
                    miss_probability,
                    ..
                } if via == Some(conduit.ix()) && blocks.iter().any(|b| b.0 == vuln) => {
                    p *= miss_probability;
                    stopped_by = Some(c.id.as_str());
                }
                _ => {}
            }
        }
        self.ops.attack.draws += 1;
        let mut r = keyed_stream(
            self.ops.key,
            PURPOSE_STEP,
            u64::from(asset) << 32 | u64::from(vuln),
            self.ops.attack.draws,
        );
        if r.random::<f64>() >= p {
            let by = stopped_by.unwrap_or_default();
            self.note(now, aid, "attack", || {
                format!("exploit of {vid} on {aid} stopped by {by}; the attacker tries again")
            });
            self.schedule_step(q, now, asset, vuln);
            return;
        }
        self.note(now, aid, "attack", || {
            let how = match via {
                Some(c) => format!(" across conduit {}", s.conduits[c].id),
                None => String::new(),
            };
            format!("attacker compromises {aid} exploiting {vid}{how}")
        });
        self.compromise(q, now, asset);
    }

    fn compromise(&mut self, q: &mut EventQueue<Event>, now: u64, asset: u32) {
        let model = self.model;
        let (s, ix) = (&*model.scenario, &model.attack);
        self.ops.attack.held[asset as usize] = true;
        let zone = ix.asset_zone[asset as usize] as usize;
        self.ops.attack.held_in_zone[zone] += 1;
        let aid = &s.assets[asset as usize].id;
        // Monitoring of this zone may see it.
        for &ci in &ix.zone_monitoring[zone] {
            let c = &s.controls[ci as usize];
            if let ControlEffect::Monitoring {
                detection_probability,
                time_to_respond,
                ..
            } = &c.effect
                && self.ops.controls_active[ci as usize]
            {
                self.ops.attack.draws += 1;
                let mut r = keyed_stream(
                    self.ops.key,
                    PURPOSE_DETECT,
                    u64::from(asset),
                    self.ops.attack.draws,
                );
                let d = detection_probability.sample(&mut r);
                if r.random::<f64>() < d {
                    let respond = time_to_respond.sample(&mut r).as_nanos();
                    self.ops.exposure.detected = true;
                    if self.ops.exposure.compromised_at.is_none() {
                        self.ops.exposure.detected_before_impact = true;
                    }
                    let cid = &c.id;
                    self.note(now, cid, "detect", || {
                        format!(
                            "{cid} detects the attacker on {aid}; eviction in {}",
                            crate::engine::fmt_ns(respond)
                        )
                    });
                    let generation = self.ops.attack.generation;
                    q.schedule(now + respond, Event::Evict { generation });
                    break;
                }
            }
        }
        // Is it a target? Only the first target it reaches can count, and only once.
        if let Some(t) = ix.first_target[asset as usize]
            && self.ops.exposure.compromised_at.is_none()
        {
            self.ops.exposure.compromised_at = Some(now);
            self.ops.exposure.impact_cost += s.threat.targets[t as usize].impact_cost;
            self.note(now, aid, "impact", || {
                format!("target reached: {aid} is in the attacker's hands")
            });
        }
        // A held controller can stop its process.
        if s.assets[asset as usize].kind.is_controller() && !self.ops.attack.stopped[asset as usize]
        {
            for &ui in &ix.asset_units[asset as usize] {
                let unit = &s.process_units[ui as usize];
                let mut r = keyed_stream(self.ops.key, PURPOSE_TRIP, u64::from(asset), ui.into());
                let p = unit.attack_trip_probability.sample(&mut r);
                if r.random::<f64>() < p {
                    let recovery = s.threat.recovery_time.sample(&mut r).as_nanos();
                    self.ops.attack.stopped[asset as usize] = true;
                    self.ops.exposure.controllers_stopped += 1;
                    self.note(now, aid, "attack", || {
                        format!(
                            "attacker stops {aid}; restoring it takes {}",
                            crate::engine::fmt_ns(recovery)
                        )
                    });
                    self.take_down(q, now, asset, recovery);
                    self.evaluate(q, now);
                    break;
                }
            }
        }
        self.attack_plan(q, now);
    }

    pub(crate) fn evict(&mut self, q: &mut EventQueue<Event>, now: u64, generation: u32) {
        if generation != self.ops.attack.generation {
            return;
        }
        let held = self.ops.attack.held.iter().filter(|h| **h).count();
        self.ops.attack.held.iter_mut().for_each(|h| *h = false);
        self.ops.attack.held_in_zone.iter_mut().for_each(|n| *n = 0);
        self.ops.attack.pending.clear();
        self.ops.attack.generation = self.ops.attack.generation.wrapping_add(1);
        self.note(now, "attacker", "evict", || {
            format!("attacker evicted from {held} asset(s)")
        });
        let _ = q;
    }

    /// Re-counts exposed (vulnerability, asset) pairs after a change, integrating the old count.
    pub(crate) fn update_exposure(&mut self, now: u64) {
        let a = &mut self.ops.attack;
        self.ops.exposure.exposure_pair_ns +=
            u128::from(a.exposed_now) * u128::from(now.saturating_sub(a.exposure_since));
        a.exposure_since = now;
        let count = self.exposed_pairs();
        self.ops.attack.exposed_now = count;
    }

    fn exposed_pairs(&mut self) -> u64 {
        let model = self.model;
        let (s, ix) = (&*model.scenario, &model.attack);
        let active = &self.ops.controls_active;
        let st = &mut self.ops.attack;
        // Per service class, the zones reachable from any landing zone through open conduits
        // (filled on first use); a local-only vulnerability reaches the landing zones only.
        st.zone_scratch.clear();
        st.zone_scratch.resize(ix.classes * ix.zones, 0);
        st.class_done.clear();
        st.class_done.resize(ix.classes, false);
        let mut count = 0;
        for (vi, v) in s.vulnerabilities.iter().enumerate() {
            let class = ix.vuln_class[vi] as usize;
            if !v.local_only && !std::mem::replace(&mut st.class_done[class], true) {
                let seen = &mut st.zone_scratch[class * ix.zones..(class + 1) * ix.zones];
                ix.reachable_from_landing(class, active, seen, &mut st.stack);
            }
            let seen = |z: usize| {
                if v.local_only {
                    ix.landing[z]
                } else {
                    st.zone_scratch[class * ix.zones + z] == 1
                }
            };
            count += v
                .assets
                .iter()
                .filter(|a| {
                    seen(ix.asset_zone[a.ix()] as usize) && !st.fixed.contains(&(vi as u32, a.0))
                })
                .count() as u64;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::{AttackIndex, PairSet};
    use patchtwin_model::{ConduitDirection, ControlEffect, Scenario};
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn pair_set_behaves_like_a_set() {
        let mut set = PairSet::new(3, 70);
        assert!(!set.contains(&(2, 69)));
        assert!(set.insert((2, 69)));
        assert!(!set.insert((2, 69)));
        assert!(set.contains(&(2, 69)));
        assert!(!set.contains(&(1, 69)) && !set.contains(&(2, 68)));
        assert!(set.insert((0, 0)));
        assert!(set.remove(&(2, 69)));
        assert!(!set.remove(&(2, 69)));
        assert!(set.contains(&(0, 0)));
        set.clear();
        assert!(!set.contains(&(0, 0)));
    }

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
