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

use crate::compiled::Compiled;
use crate::engine::{Event, Step};
use crate::ops::keyed_stream;
use crate::queue::EventQueue;
use patchtwin_model::{
    AttackTarget, ConduitDirection, ControlEffect, Dependency, DependencyTarget, Scenario,
};
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};
use std::collections::BTreeSet;

const PURPOSE_ARRIVAL: u64 = 10;
const PURPOSE_STEP: u64 = 11;
const PURPOSE_DETECT: u64 = 12;
const PURPOSE_TRIP: u64 = 13;

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
    pub pending: BTreeSet<(u32, u32)>,
    /// (vulnerability, asset) pairs fixed by a successful patch.
    pub fixed: BTreeSet<(u32, u32)>,
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
            arrivals: vec![0; s.threat.entry_points.len()],
            stopped: vec![false; s.assets.len()],
            ..Default::default()
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
    fn segmentation(&self, conduit: usize) -> Option<&[String]> {
        let s = &self.model.scenario;
        s.controls
            .iter()
            .enumerate()
            .find_map(|(ci, c)| match &c.effect {
                ControlEffect::Segmentation {
                    conduit: cc,
                    allow_protocols,
                } if cc.ix() == conduit && self.ops.controls_active[ci] => {
                    Some(allow_protocols.as_slice())
                }
                _ => None,
            })
    }

    /// The conduit from zone `from` into zone `to` that lets `service` through now, if any.
    fn open_conduit(&self, from: usize, to: usize, service: Option<&str>) -> Option<usize> {
        let s = &self.model.scenario;
        // Only the conduits touching the destination zone can lead into it.
        self.model.zone_conduits[to].iter().find_map(|&ci| {
            let ci = ci as usize;
            let c = &s.conduits[ci];
            let forward = c.zones[0].ix() == from && c.zones[1].ix() == to;
            let backward = c.zones[1].ix() == from && c.zones[0].ix() == to;
            let direction_ok = match c.direction {
                ConduitDirection::Both => forward || backward,
                ConduitDirection::FirstToSecond => forward,
                ConduitDirection::SecondToFirst => backward,
            };
            if !direction_ok {
                return None;
            }
            let allows = |list: &[String]| {
                list.is_empty() || service.is_none_or(|sv| list.iter().any(|p| p == sv))
            };
            if !allows(&c.protocols) {
                return None;
            }
            match self.segmentation(ci) {
                Some([]) => None,
                Some(allowed) => service
                    .is_none_or(|sv| allowed.iter().any(|p| p == sv))
                    .then_some(ci),
                None => Some(ci),
            }
        })
    }

    /// How the attacker can reach `asset` through `vuln` now: `Some(None)` within a zone,
    /// `Some(Some(conduit))` across one, `None` not at all.
    fn reach(&self, asset: u32, vuln: u32) -> Option<Option<usize>> {
        let s = &self.model.scenario;
        let v = &s.vulnerabilities[vuln as usize];
        let to = s.assets[asset as usize].zone.ix();
        let held = &self.ops.attack.held_in_zone;
        if held[to] > 0 {
            return Some(None);
        }
        if v.local_only {
            return None;
        }
        (0..held.len())
            .filter(|z| held[*z] > 0)
            .find_map(|z| self.open_conduit(z, to, v.service.as_deref()))
            .map(Some)
    }

    /// Starts attempts on every newly reachable open (asset, vulnerability).
    pub(crate) fn attack_plan(&mut self, q: &mut EventQueue<Event>, now: u64) {
        let s = self.model.scenario.clone();
        if !self.ops.attack.held.iter().any(|h| *h) {
            return;
        }
        for (vi, v) in s.vulnerabilities.iter().enumerate() {
            for a in &v.assets {
                let (asset, vuln) = (a.0, vi as u32);
                if self.ops.attack.held[a.ix()]
                    || self.ops.attack.pending.contains(&(asset, vuln))
                    || self.ops.attack.fixed.contains(&(vuln, asset))
                {
                    continue;
                }
                if self.reach(asset, vuln).is_some() {
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
        let s = self.model.scenario.clone();
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
                blocked_by = Some(c.id.clone());
                break;
            }
        }
        let foothold = e.foothold_probability.sample(&mut r);
        let gets_in = r.random::<f64>() < foothold;
        if self.ops.attack.held[landing as usize] {
            return;
        }
        if let Some(control) = blocked_by {
            let id = e.id.clone();
            self.note(now, &id, "attack", || {
                format!("attack attempt through {id} stopped by {control}")
            });
            return;
        }
        if !gets_in {
            return;
        }
        self.ops.exposure.footholds += 1;
        let (eid, aid) = (e.id.clone(), s.assets[landing as usize].id.clone());
        self.note(now, &aid, "attack", || {
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
        let s = self.model.scenario.clone();
        if self.ops.attack.held[asset as usize] {
            return;
        }
        let (aid, vid) = (
            s.assets[asset as usize].id.clone(),
            s.vulnerabilities[vuln as usize].id.clone(),
        );
        if self.ops.attack.fixed.contains(&(vuln, asset)) {
            self.note(now, &aid, "attack", || {
                format!("exploit of {vid} on {aid} fails: patched")
            });
            return;
        }
        let Some(via) = self.reach(asset, vuln) else {
            self.note(now, &aid, "attack", || {
                format!("{aid} no longer reachable for {vid}")
            });
            return;
        };
        // Controls that lower the odds of this exploit.
        let mut p = 1.0;
        let mut stopped_by = None;
        for (ci, c) in s.controls.iter().enumerate() {
            if !self.ops.controls_active[ci] {
                continue;
            }
            match &c.effect {
                ControlEffect::Allowlisting {
                    assets,
                    exploit_success,
                } if assets.iter().any(|a| a.0 == asset) => {
                    p *= exploit_success;
                    stopped_by = Some(c.id.clone());
                }
                ControlEffect::VirtualPatch {
                    conduit,
                    blocks,
                    miss_probability,
                    ..
                } if via == Some(conduit.ix()) && blocks.iter().any(|b| b.0 == vuln) => {
                    p *= miss_probability;
                    stopped_by = Some(c.id.clone());
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
            self.note(now, &aid, "attack", || {
                format!("exploit of {vid} on {aid} stopped by {by}; the attacker tries again")
            });
            self.schedule_step(q, now, asset, vuln);
            return;
        }
        let how = match via {
            Some(c) => format!(" across conduit {}", s.conduits[c].id),
            None => String::new(),
        };
        self.note(now, &aid, "attack", || {
            format!("attacker compromises {aid} exploiting {vid}{how}")
        });
        self.compromise(q, now, asset);
    }

    fn compromise(&mut self, q: &mut EventQueue<Event>, now: u64, asset: u32) {
        let s = self.model.scenario.clone();
        self.ops.attack.held[asset as usize] = true;
        let zone_ix = self.model.scenario.assets[asset as usize].zone.ix();
        self.ops.attack.held_in_zone[zone_ix] += 1;
        let zone = s.assets[asset as usize].zone;
        // Monitoring of this zone may see it.
        for (ci, c) in s.controls.iter().enumerate() {
            if let ControlEffect::Monitoring {
                zones,
                detection_probability,
                time_to_respond,
            } = &c.effect
                && self.ops.controls_active[ci]
                && zones.contains(&zone)
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
                    let (cid, aid) = (c.id.clone(), s.assets[asset as usize].id.clone());
                    self.note(now, &cid, "detect", || {
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
        // Is it a target?
        for t in &s.threat.targets {
            let hit = match t.what {
                AttackTarget::Asset(a) => a.0 == asset,
                AttackTarget::Unit(u) => {
                    let mut ctrl = Vec::new();
                    unit_controllers(&s, &s.process_units[u.ix()].depends_on, &mut ctrl);
                    ctrl.contains(&asset)
                }
            };
            if hit && self.ops.exposure.compromised_at.is_none() {
                self.ops.exposure.compromised_at = Some(now);
                self.ops.exposure.impact_cost += t.impact_cost;
                let aid = s.assets[asset as usize].id.clone();
                self.note(now, &aid, "impact", || {
                    format!("target reached: {aid} is in the attacker's hands")
                });
            }
        }
        // A held controller can stop its process.
        if s.assets[asset as usize].kind.is_controller() && !self.ops.attack.stopped[asset as usize]
        {
            for (ui, unit) in s.process_units.iter().enumerate() {
                let mut ctrl = Vec::new();
                unit_controllers(&s, &unit.depends_on, &mut ctrl);
                if !ctrl.contains(&asset) {
                    continue;
                }
                let mut r = keyed_stream(self.ops.key, PURPOSE_TRIP, u64::from(asset), ui as u64);
                let p = unit.attack_trip_probability.sample(&mut r);
                if r.random::<f64>() < p {
                    let recovery = s.threat.recovery_time.sample(&mut r).as_nanos();
                    self.ops.attack.stopped[asset as usize] = true;
                    self.ops.exposure.controllers_stopped += 1;
                    let aid = s.assets[asset as usize].id.clone();
                    self.note(now, &aid, "attack", || {
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

    fn exposed_pairs(&self) -> u64 {
        let s = &self.model.scenario;
        let mut count = 0;
        for (vi, v) in s.vulnerabilities.iter().enumerate() {
            // Zones reachable from any landing zone through open conduits for this service.
            let mut seen = vec![false; s.zones.len()];
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
                    if !*seen_to
                        && !v.local_only
                        && self.open_conduit(z, to, v.service.as_deref()).is_some()
                    {
                        stack.push(to);
                    }
                }
            }
            count += v
                .assets
                .iter()
                .filter(|a| {
                    seen[s.assets[a.ix()].zone.ix()]
                        && !self.ops.attack.fixed.contains(&(vi as u32, a.0))
                })
                .count() as u64;
        }
        count
    }
}
