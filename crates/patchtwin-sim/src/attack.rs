//! The attacker, in the same simulation as operations.
//!
//! # Model
//! - Attempts arrive at each entry point as a Poisson process (mean gap from the threat). A
//!   remote-access restriction lets only its `residual` share through; an attempt gets a
//!   foothold on the landing asset with the entry's foothold probability.
//! - An entry point from outside the plant (`from:` a zone, e.g. the internet) has no landing
//!   asset: an attempt that gets through (same draws) puts the attacker in that zone holding
//!   nothing (`AttackState::present`), and it attacks from there like from a held zone. Its
//!   foothold is the first asset it compromises; nothing there is watched by monitoring until
//!   it touches an asset. An eviction cuts it off too: it is back with its next arrival.
//! - A source allowlist (on an entry point or a conduit) admits the run's attacker or not,
//!   once per run (`AttackState::source_admitted`, true with the allowlist's residual share:
//!   spoofed or insider sources): a refused attacker's attempts through the entry point all
//!   stop there, and a conduit refusing it does not lead anywhere for it; an admitted one
//!   goes through unhindered. Repeated attempts do not wear it down.
//! - From the assets it holds, the attacker attacks every asset it can reach that carries an
//!   open vulnerability, all in parallel; each attempt takes a time to compromise drawn from
//!   the vulnerability's TTC (scaled by capability) and then succeeds with the product of the
//!   allowlisting factor on the target and, when it crosses a conduit with a virtual patch
//!   blocking that vulnerability, the patch's miss probability; a failed attempt is retried.
//! - Reach is `patchtwin_model::reach` (the one rule, shared with SSVC): within a zone, or from
//!   a held asset's zone to an *adjacent* zone through a conduit that admits the
//!   vulnerability's service in that direction under the segmentation in force; of several
//!   such conduits, the one whose virtual patches let most through. Crossing two conduits
//!   needs a foothold in the zone between. Vulnerabilities needing adjacency (CVSS AV:A/L/P)
//!   are reachable only within a zone.
//! - A vulnerability is open on an asset until its patch succeeds there; a rollback leaves it
//!   open. A control acts from the moment it is effective.
//! - Taking a held asset out of service (a plan's `take_out`) evicts the attacker from it:
//!   powered off or isolated, its sessions and implant there are gone (persistence is not
//!   modelled). Its exploits in progress that needed that asset fail when they complete (reach
//!   is judged then, as after any control); when the asset returns the attacker must win it
//!   again, through an entry point landing on it (shut while it is out) or an exploit.
//! - Monitoring in a zone detects each foothold or step into it with its probability; the
//!   attacker is evicted from everything it holds `time_to_respond` later (and may come back).
//! - Compromising a target (an asset, or a controller a target unit depends on) is the impact:
//!   every target reached within the horizon is charged its impact cost, each once per run
//!   (the glossary's rule); the first one reached dates the compromise.
//!   Compromising a controller a unit depends on stops it with the unit's attack-trip
//!   probability, for the threat's recovery time — the unit trips through the same dependency
//!   graph as operational cascades.
//! - Recovery restores the controller from a known-good image, which removes the attacker from
//!   it. What the attacker can do again is then the same whether it stayed in place or was
//!   evicted and came back: compromise the controller anew (from a foothold it still holds or
//!   regains) and stop it again with the same probability. So an attacker left in place keeps
//!   stopping the process every time it recovers, and detection that evicts it can only
//!   delay that.
//! - Exposure: the number of (vulnerability, asset) pairs exposed under the controls in force
//!   (`patchtwin_model::reach::exposed_pairs`: open, and attemptable with a positive chance from
//!   what an attacker could come to hold from the usable entry points — a disabled entry point
//!   leads nowhere, and a zone beyond another counts only if a foothold there is possible),
//!   integrated over time as patches and controls change it.
//!
//! # Cost
//! Everything about the scenario the handlers ask on every step (which conduits lead into or
//! out of a zone and in which direction, which services a conduit or a segmentation control
//! lets through, which units a controller drives, which target an asset is) is worked out once
//! per scenario in [`AttackIndex`]; services are compared as small class numbers, never as
//! strings. Vulnerabilities sharing a service share a class, so a planning pass answers
//! cross-zone reach once per (class, zone), not once per (vulnerability, asset); exposure
//! tries each conduit out of a held zone once. Attempts in progress and fixed pairs are bitsets; scratch buffers live in
//! [`AttackState`], so neither pass allocates. Any change here must keep the order in which
//! steps are scheduled (vulnerabilities, then their assets, in scenario order): every
//! scheduled step advances the draw counter that keys the random streams.

use crate::compiled::Compiled;
use crate::event::Event;
use crate::queue::EventQueue;
use crate::rng::{PURPOSE_ARRIVAL, PURPOSE_DETECT, PURPOSE_STEP, PURPOSE_TRIP, keyed_stream};
use crate::step::{Step, fmt_ns};
use patchtwin_model::ControlEffect;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1};

/// Schedules the first attempt at every entry point.
pub fn schedule_first_attempts(model: &Compiled, key: u64, q: &mut EventQueue<Event>) {
    for (ei, e) in model.scenario.threat.entry_points.iter().enumerate() {
        let mut r = keyed_stream(key, PURPOSE_ARRIVAL, ei as u64, 0);
        let gap = exp_sample(&mut r, e.mean_time_between_attempts.as_nanos() as f64);
        q.schedule(gap, Event::AttackAttempt { entry: ei as u16 });
    }
}

/// Where an attempt that gets through puts the attacker.
pub(crate) enum Landed {
    /// On this asset (the caller carries out the compromise).
    Asset(u32),
    /// In the zone outside the plant its entry point attacks from, holding no asset (the
    /// caller re-plans the attack).
    Outside,
}

fn exp_sample<R: Rng>(r: &mut R, mean: f64) -> u64 {
    let x: f64 = Exp1.sample(r);
    (x * mean).round().max(1.0) as u64
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
        ix.crossing(
            &self.model.scenario,
            vuln,
            to,
            held,
            &self.ops.controls_active,
            &self.ops.attack.source_admitted,
        )
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
                            let yes = ix.class_crosses(
                                class,
                                to,
                                &st.held_in_zone,
                                &self.ops.controls_active,
                                &st.source_admitted,
                            );
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

    /// An attack attempt at entry point `entry`; returns where it puts the attacker, if it
    /// gets through (the caller carries out the compromise or re-plans, see `engine`).
    pub(crate) fn attack_attempt(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        entry: u16,
    ) -> Option<Landed> {
        let s = &*self.model.scenario;
        let e = &s.threat.entry_points[entry as usize];
        let n = self.ops.attack.arrivals[entry as usize] + 1;
        self.ops.attack.arrivals[entry as usize] = n;
        let mut r = keyed_stream(self.ops.key, PURPOSE_ARRIVAL, u64::from(entry), n);
        let gap = exp_sample(&mut r, e.mean_time_between_attempts.as_nanos() as f64);
        q.schedule(now + gap, Event::AttackAttempt { entry });
        // Restrictions on this entry point: each lets its residual share through.
        // Out of service (the entry point, or the asset it lands on): nothing gets through.
        let mut blocked_by = patchtwin_model::out_of_service::entry_out(
            s,
            patchtwin_model::EntryIdx(u32::from(entry)),
            &self.ops.controls_active,
        )
        .map(|k| &s.controls[k.ix()].id);
        for (ci, c) in s
            .controls
            .iter()
            .enumerate()
            .filter(|_| blocked_by.is_none())
        {
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
        // Source allowlists on this entry point: the run's attacker is admitted or not, once
        // for the run (`AttackState::source_admitted`), whatever the attempt.
        if blocked_by.is_none() {
            blocked_by = self.model.attack.entry_restrictions[entry as usize]
                .1
                .iter()
                .map(|ci| *ci as usize)
                .find(|ci| self.ops.controls_active[*ci] && !self.ops.attack.source_admitted[*ci])
                .map(|ci| &s.controls[ci].id);
        }
        let already = match e.asset {
            Some(a) => self.ops.attack.held[a.ix()],
            None => self.ops.attack.present[entry as usize],
        };
        if already {
            return None;
        }
        let eid = &e.id;
        if let Some(control) = blocked_by {
            self.note(now, eid, "attack", || {
                format!("attack attempt through {eid} stopped by {control}")
            });
            return None;
        }
        if !gets_in {
            return None;
        }
        let Some(landing) = e.asset else {
            // From outside the plant: the attacker stands in the zone it attacks from, holding
            // no asset; its foothold is the first asset it compromises from there.
            let st = &mut self.ops.attack;
            st.present[entry as usize] = true;
            st.held_in_zone[e.zone.ix()] += 1;
            let zid = &s.zones[e.zone.ix()].id;
            self.note(now, eid, "attack", || {
                format!("attacker arrives through {eid} from outside the plant, in zone {zid}; it holds no asset yet")
            });
            return Some(Landed::Outside);
        };
        self.ops.exposure.footholds += 1;
        let aid = &s.assets[landing.ix()].id;
        self.note(now, aid, "attack", || {
            format!("attacker gets a foothold on {aid} through {eid}")
        });
        Some(Landed::Asset(landing.0))
    }

    /// An exploit attempt on `asset` through `vuln` completes; returns the asset if it is
    /// compromised (the caller carries out the compromise, see `engine`).
    pub(crate) fn attack_step(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        asset: u32,
        vuln: u32,
        generation: u32,
    ) -> Option<u32> {
        if generation != self.ops.attack.generation {
            return None;
        }
        self.ops.attack.pending.remove(&(asset, vuln));
        let model = self.model;
        let s = &*model.scenario;
        if self.ops.attack.held[asset as usize] {
            return None;
        }
        let (aid, vid) = (
            &s.assets[asset as usize].id,
            &s.vulnerabilities[vuln as usize].id,
        );
        if self.ops.attack.fixed.contains(&(vuln, asset)) {
            self.note(now, aid, "attack", || {
                format!("exploit of {vid} on {aid} fails: patched")
            });
            return None;
        }
        let Some(via) = self.reach(asset, vuln) else {
            self.note(now, aid, "attack", || {
                format!("{aid} no longer reachable for {vid}")
            });
            return None;
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
                // An asset out of service cannot be exploited; the attacker tries again later.
                ControlEffect::OutOfService {
                    what: patchtwin_model::ServiceItem::Asset(a),
                } if a.0 == asset => {
                    p = 0.0;
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
            return None;
        }
        // An attacker that holds no asset (it attacks from outside the plant) gets its foothold.
        let outside = !self.ops.attack.held.iter().any(|h| *h);
        self.ops.exposure.footholds += u32::from(outside);
        self.note(now, aid, "attack", || {
            let how = match via {
                Some(c) => format!(" across conduit {}", s.conduits[c].id),
                None => String::new(),
            };
            let from = if outside {
                " from outside the plant"
            } else {
                ""
            };
            format!("attacker compromises {aid} exploiting {vid}{how}{from}")
        });
        Some(asset)
    }

    /// The attacker takes `asset`: monitoring may detect it, a target counts, a controller may
    /// stop its process. Returns how long a stopped controller stays down (the caller takes it
    /// down through the operations layer and re-plans the attack, see `engine`).
    pub(crate) fn compromise(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        asset: u32,
    ) -> Option<u64> {
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
                            fmt_ns(respond)
                        )
                    });
                    let generation = self.ops.attack.generation;
                    q.schedule(now + respond, Event::Evict { generation });
                    break;
                }
            }
        }
        // Is it a target? Every target it reaches is charged its impact cost, each target
        // once per run (a target compromised again after an eviction is not charged twice).
        for &t in &ix.asset_targets[asset as usize] {
            if std::mem::replace(&mut self.ops.attack.targets_reached[t as usize], true) {
                continue;
            }
            self.ops.exposure.compromised_at.get_or_insert(now);
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
                // The n-th stop of a controller (after n restores) draws from its own stream.
                let restores = u64::from(self.ops.attack.restores[asset as usize]);
                let mut r = keyed_stream(
                    self.ops.key,
                    PURPOSE_TRIP,
                    u64::from(asset),
                    u64::from(ui) | restores << 32,
                );
                let p = unit.attack_trip_probability.sample(&mut r);
                if r.random::<f64>() < p {
                    let drawn = s.threat.recovery_time.sample(&mut r).as_nanos();
                    let recovery = self.recovery_ns(
                        patchtwin_model::RecoveryKind::Recovery,
                        Some(asset),
                        None,
                        drawn,
                    );
                    self.ops.attack.stopped[asset as usize] = true;
                    self.ops.exposure.controllers_stopped += 1;
                    self.note(now, aid, "attack", || {
                        format!(
                            "attacker stops {aid}; restoring it takes {}",
                            fmt_ns(recovery)
                        )
                    });
                    return Some(recovery);
                }
            }
        }
        None
    }

    /// `asset` is back up: if the attacker had stopped it, it was restored from a known-good
    /// image, which removes the attacker from it; the attacker (in place elsewhere, or back
    /// after an eviction) may compromise it and stop it again. Returns whether it was such a
    /// restore (the caller re-plans the attack, see `engine`).
    pub(crate) fn controller_restored(&mut self, now: u64, asset: u32) -> bool {
        let a = asset as usize;
        if !self.ops.attack.stopped[a] || !self.node_ref(asset).up {
            return false;
        }
        let st = &mut self.ops.attack;
        st.stopped[a] = false;
        st.restores[a] += 1;
        if std::mem::replace(&mut st.held[a], false) {
            st.held_in_zone[self.model.attack.asset_zone[a] as usize] -= 1;
            let aid = &self.model.scenario.assets[a].id;
            self.note(now, aid, "attack", || {
                format!("{aid} restored from a known-good image: the attacker no longer holds it")
            });
        }
        true
    }

    /// `control` has just taken effect: if it takes an asset the attacker holds out of
    /// service, the attacker loses it (powered off or isolated, its sessions and implant there
    /// are gone; persistence is not modelled): it no longer attacks from it, and when the asset
    /// returns it must be won again, through an entry point landing on it or an exploit.
    /// Returns whether it lost something (the caller re-counts exposure and re-plans).
    pub(crate) fn attacker_loses_taken_out(&mut self, now: u64, control: u32) -> bool {
        let model = self.model;
        let c = &model.scenario.controls[control as usize];
        let ControlEffect::OutOfService {
            what: patchtwin_model::ServiceItem::Asset(a),
        } = c.effect
        else {
            return false;
        };
        let st = &mut self.ops.attack;
        if !self.ops.controls_active[control as usize]
            || !std::mem::replace(&mut st.held[a.ix()], false)
        {
            return false;
        }
        st.held_in_zone[model.attack.asset_zone[a.ix()] as usize] -= 1;
        let aid = &model.scenario.assets[a.ix()].id;
        self.note(now, aid, "attack", || {
            format!("{aid} taken out of service: the attacker loses its hold on it and must win it again when it returns")
        });
        true
    }

    pub(crate) fn evict(&mut self, q: &mut EventQueue<Event>, now: u64, generation: u32) {
        if generation != self.ops.attack.generation {
            return;
        }
        let held = self.ops.attack.held.iter().filter(|h| **h).count();
        self.ops.attack.held.iter_mut().for_each(|h| *h = false);
        // An attacker outside the plant is cut off too: it is back with its next arrival.
        self.ops.attack.present.iter_mut().for_each(|p| *p = false);
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
        let steps = &mut self.ops.exposure.exposed_steps;
        if steps.last().is_none_or(|&(_, c)| c != count) {
            steps.push((now, count));
        }
    }

    /// The number of exposed pairs now (the model's reach rule, through the index).
    fn exposed_pairs(&mut self) -> u64 {
        let model = self.model;
        let st = &mut self.ops.attack;
        let fixed = &st.fixed;
        let mut count = 0;
        model.attack.for_each_exposed(
            &model.scenario,
            &self.ops.controls_active,
            &|v, a| fixed.contains(&(v, a)),
            &mut st.reach_held,
            &mut st.stack,
            |_, _| count += 1,
        );
        count
    }
}
