//! Controls that end, and what a plan takes out of service (`take_out`): an asset out of
//! service goes down like a restarting one and comes back when the period ends; a conduit out
//! of service (or a segmentation that starts or stops being in force) cuts the flows it no
//! longer admits and gives back those it admits again; an entry point out of service changes
//! only the attacker's view (`engine` re-counts exposure and re-plans the attack around both
//! ends).
//!
//! Not here: enabling a control (`plan`), nor what the attacker makes of it (`attack`).

use crate::event::Event;
use crate::queue::EventQueue;
use crate::step::Step;
use patchtwin_model::{ConduitIdx, ControlEffect, ServiceItem};

impl Step<'_, '_> {
    /// Flows crossing `conduit` that it admitted under the controls `before` and no longer
    /// admits now are cut; those it admits again get their route back. Returns the ids of
    /// the flows cut.
    pub(crate) fn conduit_changed(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        conduit: ConduitIdx,
        before: &[bool],
    ) -> Vec<String> {
        let model = self.model;
        let s = &model.scenario;
        let mut cut = Vec::new();
        for f in 0..model.flows.len() {
            if !model.flows[f].conduits.contains(&conduit.0) {
                continue;
            }
            let proto = Some(s.flows[f].protocol.as_str());
            let was = patchtwin_model::reach::conduit_admits(s, conduit, proto, before);
            let is = patchtwin_model::reach::conduit_admits(
                s,
                conduit,
                proto,
                &self.ops.controls_active,
            );
            if was && !is {
                self.route_lost(q, now, f as u32);
                cut.push(s.flows[f].id.clone());
            } else if !was && is {
                self.route_back(q, now, f as u32);
            }
        }
        cut
    }

    /// A control of effect `OutOfService` takes effect (`first`: no other enabling of it was
    /// in effect).
    pub(crate) fn out_of_service(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        control: u32,
        before: &[bool],
        first: bool,
    ) {
        let model = self.model;
        let s = &model.scenario;
        let c = &s.controls[control as usize];
        let ControlEffect::OutOfService { what } = c.effect else {
            return;
        };
        match what {
            ServiceItem::Asset(a) => {
                if first {
                    self.go_down(q, now, a.0);
                }
                // An installation under way on it is void (`waiting_hosts`).
                self.ops.take_outs[a.ix()] += 1;
                let aid = &s.assets[a.ix()].id;
                self.note(now, &c.id, "control", || {
                    format!("{aid} taken out of service: it is down, its flows cut, the attacker cannot use it")
                });
                self.evaluate(q, now);
            }
            ServiceItem::Conduit(k) => {
                let cut = self.conduit_changed(q, now, k, before);
                let cid = &s.conduits[k.ix()].id;
                self.note(now, &c.id, "control", || {
                    format!(
                        "conduit {cid} taken out of service: it carries nothing{}",
                        if cut.is_empty() {
                            String::new()
                        } else {
                            format!(" (cuts {})", cut.join(", "))
                        }
                    )
                });
                self.evaluate(q, now);
            }
            ServiceItem::Entry(e) => {
                let eid = &s.threat.entry_points[e.ix()].id;
                self.note(now, &c.id, "control", || {
                    format!("entry point {eid} taken out of service: no attempt gets through")
                });
            }
        }
    }

    /// A control enabled for a period stops being in effect (when no other enabling of it
    /// is still in effect): what it took out of service comes back, a conduit it closed or
    /// restricted carries again what it admits (the caller re-counts exposure and re-plans
    /// the attack).
    pub(crate) fn control_ends(&mut self, q: &mut EventQueue<Event>, now: u64, control: u32) {
        let holds = &mut self.ops.control_holds[control as usize];
        *holds = holds.saturating_sub(1);
        if *holds > 0 || !self.ops.controls_active[control as usize] {
            return;
        }
        let before = self.ops.controls_active.clone();
        self.ops.controls_active[control as usize] = false;
        let model = self.model;
        let c = &model.scenario.controls[control as usize];
        self.note(now, &c.id, "control", || {
            "no longer in effect (its period ended)".to_string()
        });
        match c.effect {
            ControlEffect::OutOfService {
                what: ServiceItem::Asset(a),
            } => self.asset_back(q, now, a.0),
            ControlEffect::OutOfService {
                what: ServiceItem::Conduit(k),
            }
            | ControlEffect::Segmentation { conduit: k, .. } => {
                self.conduit_changed(q, now, k, &before);
                self.evaluate(q, now);
            }
            _ => {}
        }
    }
}
