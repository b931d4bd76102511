//! Plan actions in simulated time: starting actions, deployments (one asset after another,
//! or by a crew: several at once during its shifts, within the plan's `max_down` rules),
//! success or rollback (a patch bad for this plant fails on every host alike), retries of
//! rolled-back hosts, controls taking effect, maintenance windows.
//!
//! Not here: what a restart or rollback does to the plant (`health`), nor a crew's travel,
//! overtime or fatigue: a technician starts a host only on shift and finishes the host
//! started.

use crate::event::Event;
use crate::ops::next_window_start;
use crate::queue::EventQueue;
use crate::rng::{
    PURPOSE_CONTROL, PURPOSE_DEPLOY, PURPOSE_PATCH_BAD, PURPOSE_PATCH_QUALITY, keyed_stream,
};
use crate::state::UnitMode;
use crate::step::{Step, fmt_ns};
use patchtwin_model::{Action, ControlEffect, RecoveryKind, RestartScope, RetryAfter, ServiceItem};
use rand::RngExt;
use rand_pcg::Pcg64Mcg;

impl Step<'_, '_> {
    pub(crate) fn action_start(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        action: u16,
        stage: u8,
    ) {
        let plan = &self.model.scenario.plans[self.plan];
        let window_end = (self.ops.plant_windows_open > 0).then_some(self.ops.window_ends_at);
        match &plan.actions[action as usize] {
            Action::EnableControl { control, lasts, .. } => {
                let c = &self.model.scenario.controls[control.ix()];
                let mut r = keyed_stream(self.ops.key, PURPOSE_CONTROL, u64::from(control.0), 0);
                let delay = c.deploy_time.sample(&mut r).as_nanos();
                let p_fail = c.failure_probability.sample(&mut r);
                let fails = r.random::<f64>() < p_fail;
                let id = c.id.clone();
                self.ops.actions[action as usize].done = true;
                if fails {
                    self.note(now, &id, "control", || {
                        "enabling the control failed: it has no effect".to_string()
                    });
                    self.action_finished(q, now);
                } else {
                    self.note(now, &id, "control", || {
                        format!("enabling the control (effective in {})", fmt_ns(delay))
                    });
                    // The action is finished when the control works, not when it is switched
                    // on: the "after" timing window must see its effect (inspection latency).
                    q.schedule(now + delay, Event::ControlEffective { control: control.0 });
                    // For a period (`for:`, a `take_out`): from when it is in effect.
                    if let Some(d) = lasts
                        && now + delay + d.as_nanos() < self.settings.horizon_ns
                    {
                        q.schedule(
                            now + delay + d.as_nanos(),
                            Event::ControlEnds { control: control.0 },
                        );
                        // An asset taken out in a maintenance window is the action's own
                        // work on it: back after the window closed, that is window overrun.
                        if let ControlEffect::OutOfService {
                            what: ServiceItem::Asset(a),
                        } = c.effect
                        {
                            self.ops.actions[action as usize].window_end = window_end;
                            self.work_ends(action, a.0, now + delay + d.as_nanos());
                        }
                    }
                }
            }
            Action::ApplyPatch {
                patch,
                assets,
                staging,
                work,
                ..
            } => {
                let list: Vec<u32> = match (staging, stage) {
                    (Some(st), 0) => st.first.iter().map(|a| a.0).collect(),
                    (Some(st), _) => assets
                        .iter()
                        .filter(|a| !st.first.contains(a))
                        .map(|a| a.0)
                        .collect(),
                    (None, _) => assets.iter().map(|a| a.0).collect(),
                };
                let p = &self.model.scenario.patches[patch.ix()];
                let names: Vec<&str> = list
                    .iter()
                    .map(|a| self.model.scenario.assets[*a as usize].id.as_str())
                    .collect();
                let what = if staging.is_some() {
                    if stage == 0 {
                        "staged rollout, first group"
                    } else {
                        "staged rollout, the rest"
                    }
                } else {
                    "rollout"
                };
                let text = format!(
                    "{what} of patch {} starts on {}{}",
                    p.id,
                    names.join(", "),
                    if window_end.is_some() {
                        " (inside a maintenance window)"
                    } else {
                        " (production running)"
                    }
                );
                self.note(now, &p.id.clone(), "plan", || text);
                let crew = work.crew;
                let run = &mut self.ops.actions[action as usize];
                run.queue = list.clone();
                run.next = 0;
                run.stage = stage;
                run.failures = 0;
                run.window_end = window_end;
                match crew {
                    Some(c) => {
                        let waiting = &mut self.ops.crews[c].waiting;
                        waiting.extend(list.iter().map(|a| (action, *a)));
                        self.crew_dispatch(q, now, c, false);
                    }
                    None => self.deploy_next(q, now, action),
                }
            }
        }
    }

    /// The next host of a one-after-another rollout, or the end of its stage (unless a retry
    /// is pending: the rollout waits idle for it).
    pub(crate) fn deploy_next(&mut self, q: &mut EventQueue<Event>, now: u64, action: u16) {
        let run = &mut self.ops.actions[action as usize];
        if run.next < run.queue.len() {
            let asset = run.queue[run.next];
            run.next += 1;
            self.start_deployment(q, now, action, asset);
        } else if run.retries_pending > 0 {
            run.idle = true;
        } else {
            self.stage_complete(q, now, action);
        }
    }

    /// A deployment of `action`'s patch on `asset` starts now (its attempt's stream).
    fn start_deployment(&mut self, q: &mut EventQueue<Event>, now: u64, action: u16, asset: u32) {
        if self.deployment_waits(q, now, action, asset) {
            return; // out of service: it starts when the asset returns (`waiting_hosts`)
        }
        let plan = &self.model.scenario.plans[self.plan];
        let Action::ApplyPatch { patch, .. } = &plan.actions[action as usize] else {
            return;
        };
        let attempt = self.ops.actions[action as usize].attempt(asset);
        let p = &self.model.scenario.patches[patch.ix()];
        let mut r = deploy_stream(self.ops.key, patch.0, asset, attempt);
        let d = p.deploy_time.sample(&mut r).as_nanos();
        let aid = self.model.scenario.assets[asset as usize].id.clone();
        let pid = p.id.clone();
        self.note(now, &aid, "deploy", || {
            if attempt > 0 {
                format!(
                    "installing patch {pid} again, retry {attempt} ({})",
                    fmt_ns(d)
                )
            } else {
                format!("installing patch {pid} ({})", fmt_ns(d))
            }
        });
        self.ops.outcome.deployments += 1;
        q.schedule(now + d, Event::DeployDone { action, asset });
    }

    /// Every host of the action's current stage is done (retries included).
    fn stage_complete(&mut self, q: &mut EventQueue<Event>, now: u64, action: u16) {
        let plan = &self.model.scenario.plans[self.plan];
        let Action::ApplyPatch { patch, staging, .. } = &plan.actions[action as usize] else {
            return;
        };
        let run = &self.ops.actions[action as usize];
        let (stage, failures) = (run.stage, run.failures);
        let pid = self.model.scenario.patches[patch.ix()].id.clone();
        match staging {
            Some(st) if stage == 0 => {
                if failures > 0 {
                    self.note(now, &pid, "plan", || format!("staged rollout halted: {failures} of the first group failed; the rest stay unpatched"));
                    self.ops.actions[action as usize].done = true;
                    self.action_finished(q, now);
                } else {
                    let after_soak = now + st.soak.as_nanos();
                    let at = if st.rest_at_next_window {
                        next_window_start(self.model, None, after_soak)
                    } else {
                        Some(after_soak)
                    };
                    match at {
                        Some(t) if t < self.settings.horizon_ns => {
                            let soak = st.soak;
                            self.note(now, &pid, "plan", || {
                                format!("first group patched; soaking {soak}, then the rest")
                            });
                            q.schedule(t, Event::ActionStart { action, stage: 1 });
                        }
                        _ => {
                            self.note(now, &pid, "plan", || {
                                "first group patched; the rest would go after the horizon"
                                    .to_string()
                            });
                            self.ops.actions[action as usize].done = true;
                            self.action_finished(q, now);
                        }
                    }
                }
            }
            _ => {
                self.ops.actions[action as usize].done = true;
                self.action_finished(q, now);
            }
        }
    }

    /// Starts waiting hosts of crew `c` while a technician is free, the crew is on shift and
    /// the plan's `max_down` rules allow the host (first come first served among those
    /// allowed). Off shift, it waits for the next shift. `woken`: called by the crew's
    /// `CrewShift` event.
    pub(crate) fn crew_dispatch(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        c: usize,
        woken: bool,
    ) {
        let model = self.model;
        let plan = &model.scenario.plans[self.plan];
        let crew = &plan.crews[c];
        if woken {
            self.ops.crews[c].wake_pending = false;
        }
        loop {
            let cr = &self.ops.crews[c];
            if cr.busy >= crew.technicians || cr.waiting.is_empty() {
                return;
            }
            if !crew.on_shift(now) {
                let t = crew.next_shift(now);
                if !cr.wake_pending && t < self.settings.horizon_ns {
                    self.ops.crews[c].wake_pending = true;
                    q.schedule(t, Event::CrewShift { crew: c as u16 });
                    let id = crew.id.clone();
                    self.note(now, &id, "crew", || {
                        format!(
                            "off shift: work resumes at the next shift ({})",
                            fmt_ns(t - now)
                        )
                    });
                }
                return;
            }
            let in_work = &self.ops.in_work;
            let allowed = |asset: u32| {
                plan.max_down.iter().all(|r| {
                    !r.assets.iter().any(|a| a.0 == asset)
                        || (r.assets.iter().filter(|a| in_work[a.ix()]).count() as u32) < r.at_most
                })
            };
            let Some(pos) = cr.waiting.iter().position(|(_, a)| allowed(*a)) else {
                return; // every waiting host is held by a rule: a finished host re-dispatches
            };
            let (action, asset) = self.ops.crews[c].waiting.remove(pos).expect("in range");
            self.ops.crews[c].busy += 1;
            self.ops.actions[action as usize].inflight += 1;
            self.ops.in_work[asset as usize] = true;
            self.start_deployment(q, now, action, asset);
        }
    }

    /// A crew's technician is done with `asset` of `action`: the stage may be complete, and the
    /// crews take their next waiting hosts.
    pub(crate) fn work_done(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        action: u16,
        asset: u32,
    ) {
        let plan = &self.model.scenario.plans[self.plan];
        let Action::ApplyPatch { work, .. } = &plan.actions[action as usize] else {
            return;
        };
        let Some(c) = work.crew else { return };
        self.ops.crews[c].busy -= 1;
        self.ops.in_work[asset as usize] = false;
        let run = &mut self.ops.actions[action as usize];
        run.inflight -= 1;
        let queued = self.ops.crews[c].waiting.iter().any(|(a, _)| *a == action);
        let run = &self.ops.actions[action as usize];
        if !run.done && run.inflight == 0 && run.retries_pending == 0 && !queued {
            self.stage_complete(q, now, action);
        }
        // This crew first; then the others, whose hosts a `max_down` rule may have held
        // because of this one.
        self.crew_dispatch(q, now, c, false);
        for other in (0..self.ops.crews.len()).filter(|o| *o != c) {
            self.crew_dispatch(q, now, other, false);
        }
    }

    /// A rolled-back host of `action` is tried again (unless the action was halted).
    pub(crate) fn retry(&mut self, q: &mut EventQueue<Event>, now: u64, action: u16, asset: u32) {
        let plan = &self.model.scenario.plans[self.plan];
        let Action::ApplyPatch { work, .. } = &plan.actions[action as usize] else {
            return;
        };
        let crew = work.crew;
        let window_end = (self.ops.plant_windows_open > 0).then_some(self.ops.window_ends_at);
        let run = &mut self.ops.actions[action as usize];
        run.retries_pending -= 1;
        if run.done {
            return;
        }
        if window_end.is_some() {
            run.window_end = window_end;
        }
        match crew {
            Some(c) => {
                self.ops.crews[c].waiting.push_back((action, asset));
                self.crew_dispatch(q, now, c, false);
            }
            None => {
                run.queue.push(asset);
                if run.idle {
                    run.idle = false;
                    self.deploy_next(q, now, action);
                }
            }
        }
    }

    pub(crate) fn action_finished(&mut self, q: &mut EventQueue<Event>, now: u64) {
        self.ops.pending_actions = self.ops.pending_actions.saturating_sub(1);
        if self.ops.pending_actions == 0 && !self.model.scenario.plans[self.plan].actions.is_empty()
        {
            self.ops.outcome.changes_done_at = Some(now);
            // Timing after the change, once everything restarted is back — and not before the
            // baseline window `[0, observe)` has ended: the windows must not overlap, or the
            // baseline would be cut short and the flows would fire twice over in the overlap.
            let start = now.max(self.settings.observe_ns);
            if start + self.settings.observe_ns <= self.settings.horizon_ns {
                q.schedule(start, Event::ObserveStart { phase: 1 });
            }
        }
    }

    /// Installation of an action's patch on `asset` finished: success or rollback. Returns
    /// whether the patch was installed (which may close exposure; the caller re-counts it).
    /// Steps: the failure probability (`patch_failure_probability`), the draws of the outcome
    /// and the downtimes from the deployment's own stream, then a rollback and maybe a retry
    /// (`rolled_back`) or the fix recorded (`installed`), the asset and — for zone and system
    /// restarts — the others taken down (`restart_others`), and what comes next scheduled.
    pub(crate) fn deploy_done(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        action: u16,
        asset: u32,
    ) -> bool {
        if self.installation_interrupted(q, now, action, asset) {
            return false; // taken out meanwhile: nothing installed (`waiting_hosts`)
        }
        // The model outlives the step: borrowing it does not hold `self`.
        let model = self.model;
        let s = &model.scenario;
        let plan = &s.plans[self.plan];
        let Action::ApplyPatch {
            patch,
            staging,
            work,
            ..
        } = &plan.actions[action as usize]
        else {
            return false;
        };
        let p = &s.patches[patch.ix()];
        let attempt = self.ops.actions[action as usize].attempt(asset);
        let pf = self.patch_failure_probability(p, patch.0);
        // The draws below come in a fixed order from the stream of this patch, asset and
        // attempt; `restart_others` continues the same stream.
        let mut r = deploy_stream(self.ops.key, patch.0, asset, attempt);
        let _deploy = p.deploy_time.sample(&mut r); // keeps the stream aligned with deploy_next
        let failed = r.random::<f64>() < pf.min(1.0);
        let own = self.restart_draw(p, &mut r, asset as usize);
        let rollback = if failed {
            p.rollback_time.sample(&mut r).as_nanos()
        } else {
            0
        };
        let (own, rollback) = (
            if own > 0 {
                self.recovery_ns(RecoveryKind::Restart, Some(asset), None, own)
            } else {
                0
            },
            if failed {
                self.recovery_ns(RecoveryKind::Repair, Some(asset), None, rollback)
            } else {
                0
            },
        );
        let done = Finished {
            action,
            asset,
            patch: p,
            patch_ix: patch.0,
            attempt,
            own,
            rollback,
            scope_word: match p.restart {
                RestartScope::None => "no restart",
                RestartScope::Service => "service restart",
                RestartScope::Machine => "reboot",
                RestartScope::Zone => "zone restart",
                RestartScope::System => "system restart",
            },
        };
        if failed {
            // Retry, except in a staged rollout's first group: its failure halts the rollout.
            let pilot = staging.is_some() && self.ops.actions[action as usize].stage == 0;
            let retry = work.retry.filter(|_| !pilot);
            self.rolled_back(q, now, &done, retry);
        } else {
            self.installed(now, &done);
        }
        if own + rollback > 0 {
            self.take_down(q, now, asset, own + rollback);
            self.work_ends(action, asset, now + own + rollback);
        }
        let longest = (own + rollback).max(self.restart_others(q, now, &done, &mut r));
        self.evaluate(q, now);
        if work.crew.is_some() {
            q.schedule(now + longest, Event::WorkDone { action, asset });
        } else {
            q.schedule(now + longest, Event::DeployNext { action });
        }
        !failed
    }

    /// The probability that installing patch `p` (index `patch`) fails on a host in this
    /// replication: its failure probability, drawn once per replication and patch, raised when
    /// it is not vendor certified or not validated in test, or — when the patch turns out bad
    /// for this plant (one draw per replication and patch, shared by every host) — the bad
    /// patch's failure probability instead. Not capped here (the caller caps at 1).
    fn patch_failure_probability(&self, p: &patchtwin_model::Patch, patch: u32) -> f64 {
        let mut quality = keyed_stream(self.ops.key, PURPOSE_PATCH_QUALITY, u64::from(patch), 0);
        let mut pf = p.failure_probability.sample(&mut quality);
        if !p.vendor_certified {
            pf += p.extra_failure_if_uncertified;
        }
        if !p.validated_in_test {
            pf += p.extra_failure_if_unvalidated;
        }
        if let Some(b) = p.bad_for_plant {
            let mut latent = keyed_stream(self.ops.key, PURPOSE_PATCH_BAD, u64::from(patch), 0);
            if latent.random::<f64>() < b.probability {
                pf = b.failure_if_bad;
            }
        }
        pf
    }

    /// The restart time patch `p` costs asset `who`, ns, drawn from `r`: none, a service
    /// restart or a reboot (the patch's own time if it states one, else the asset's), before
    /// any recovery effect.
    fn restart_draw(&self, p: &patchtwin_model::Patch, r: &mut Pcg64Mcg, who: usize) -> u64 {
        let b = &self.model.scenario.assets[who].behaviour;
        match p.restart {
            RestartScope::None => 0,
            RestartScope::Service => p
                .restart_time
                .as_ref()
                .unwrap_or(&b.service_restart_time)
                .sample(r)
                .as_nanos(),
            _ => p
                .restart_time
                .as_ref()
                .unwrap_or(&b.reboot_time)
                .sample(r)
                .as_nanos(),
        }
    }

    /// The installation `d` failed: counted, the host tried again after its rollback when
    /// `retry` allows (attempts left, a retry time within the horizon), and the rollback noted.
    fn rolled_back(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        d: &Finished<'_>,
        retry: Option<patchtwin_model::Retry>,
    ) {
        let (action, asset) = (d.action, d.asset);
        let model = self.model;
        let aid = &model.scenario.assets[asset as usize].id;
        self.ops.outcome.failed_deployments += 1;
        self.ops.actions[action as usize].failures += 1;
        if let Some(rt) = retry
            && d.attempt < rt.max
        {
            let back = now + d.own + d.rollback;
            let at = match rt.after {
                RetryAfter::NextWindow => next_window_start(model, None, back),
                RetryAfter::Delay(delay) => Some(back + delay.as_nanos()),
            };
            if let Some(t) = at.filter(|t| *t < self.settings.horizon_ns) {
                let run = &mut self.ops.actions[action as usize];
                match run.attempts.iter_mut().find(|(x, _)| *x == asset) {
                    Some((_, n)) => *n += 1,
                    None => run.attempts.push((asset, 1)),
                }
                run.retries_pending += 1;
                q.schedule(t, Event::Retry { action, asset });
                self.note(now, aid, "plan", || {
                    format!("{aid} will be tried again in {}", fmt_ns(t - now))
                });
            }
        }
        let (pid, scope_word, down) = (&d.patch.id, d.scope_word, d.own + d.rollback);
        self.note(now, aid, "patch_failed", || {
            format!("patch {pid} failed after its {scope_word}: rolling back ({}), {aid} down meanwhile; the vulnerability stays open", fmt_ns(down))
        });
    }

    /// The installation `d` succeeded: the vulnerabilities it fixes on the host are closed
    /// from the end of its restart, its side effects act on the timing model from now on (from
    /// the end of the baseline window if installed inside it: `net`), and it is noted.
    fn installed(&mut self, now: u64, d: &Finished<'_>) {
        let model = self.model;
        let s = &model.scenario;
        let (asset, p, own) = (d.asset, d.patch, d.own);
        for v in &p.fixes {
            if s.vulnerabilities[v.ix()]
                .assets
                .contains(&patchtwin_model::AssetIdx(asset))
            {
                self.ops.outcome.fixed.push((v.0, asset, now + own));
                self.ops.attack.fixed.insert((v.0, asset));
            }
        }
        self.side_effects(now, asset, d.patch_ix);
        let (pid, aid, scope_word) = (&p.id, &s.assets[asset as usize].id, d.scope_word);
        if own > 0 {
            self.note(now, aid, "restart", || {
                format!(
                    "patch {pid} installed; {aid} goes down for its {scope_word} ({})",
                    fmt_ns(own)
                )
            });
        } else {
            self.note(now, aid, "deploy", || {
                format!("patch {pid} installed, no restart needed")
            });
        }
    }

    /// Zone and system restarts take the other assets of the zone or plant down too, each for
    /// its own restart time drawn from `r` (the deployment's stream, in asset order). Returns
    /// the longest of those downtimes (0 when none).
    fn restart_others(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        d: &Finished<'_>,
        r: &mut Pcg64Mcg,
    ) -> u64 {
        let model = self.model;
        let s = &model.scenario;
        let asset = d.asset;
        let others: Vec<u32> = match d.patch.restart {
            RestartScope::Zone => model.zone_assets[s.assets[asset as usize].zone.ix()]
                .iter()
                .copied()
                .filter(|x| *x != asset)
                .collect(),
            RestartScope::System => (0..s.assets.len() as u32).filter(|x| *x != asset).collect(),
            _ => Vec::new(),
        };
        let mut longest = 0;
        for other in others {
            let drawn = self.restart_draw(d.patch, r, other as usize);
            let down = if drawn > 0 {
                self.recovery_ns(RecoveryKind::Restart, Some(other), None, drawn)
            } else {
                0
            };
            longest = longest.max(down);
            self.take_down(q, now, other, down);
            self.work_ends(d.action, other, now + down);
        }
        longest
    }

    /// A control takes effect (its action's completion and the exposure it changes are the
    /// caller's, see `engine`).
    pub(crate) fn control_effective(&mut self, q: &mut EventQueue<Event>, now: u64, control: u32) {
        let model = self.model;
        let c = &model.scenario.controls[control as usize];
        let before = self.ops.controls_active.clone();
        self.ops.control_holds[control as usize] += 1;
        self.ops.controls_active[control as usize] = true;
        if let ControlEffect::OutOfService { .. } = &c.effect {
            self.out_of_service(q, now, control, &before, !before[control as usize]);
        } else if let ControlEffect::VirtualPatch {
            conduit,
            inspection_latency,
            ..
        } = &c.effect
        {
            // The inspecting devices serve the inspection in their own queues (`net`,
            // `compiled::Inspection`), from the end of the baseline window on.
            let n = (0..self.model.flows.len())
                .filter(|f| self.model.flows[*f].conduits.contains(&conduit.0))
                .count();
            let lat = inspection_latency.mean();
            self.note(now, &c.id, "control", || {
                format!("in effect: inspecting {n} flows crossing the conduit (+{lat} per message on average, in the inspecting device)")
            });
        } else if let ControlEffect::Segmentation { conduit, .. } = &c.effect {
            // Flows the conduit no longer admits under the segmentation in force are cut (the
            // attacker's rule, `patchtwin_model::reach::conduit_admits`).
            let names = self.conduit_changed(q, now, *conduit, &before);
            self.note(now, &c.id, "control", || {
                if names.is_empty() {
                    "in effect: the conduit is restricted; no modelled flow needs what it blocks"
                        .to_string()
                } else {
                    format!(
                        "in effect: the conduit no longer carries {}",
                        names.join(", ")
                    )
                }
            });
        } else {
            self.note(now, &c.id, "control", || "in effect".to_string());
        }
    }

    pub(crate) fn window(&mut self, q: &mut EventQueue<Event>, now: u64, window: u16, open: bool) {
        let model = self.model;
        let w = &model.scenario.windows[window as usize];
        self.account_units(now);
        if w.zones.is_empty() {
            if open {
                self.ops.plant_windows_open += 1;
                self.ops.window_ends_at = now + w.duration.as_nanos();
            } else {
                self.ops.plant_windows_open = self.ops.plant_windows_open.saturating_sub(1);
            }
        } else {
            for z in &w.zones {
                let c = &mut self.ops.zone_windows_open[z.ix()];
                *c = if open { *c + 1 } else { c.saturating_sub(1) };
            }
        }
        self.note(now, &w.id, "window", || {
            if open {
                format!("maintenance window opens ({})", w.duration)
            } else {
                "maintenance window closes".to_string()
            }
        });
        if w.zones.is_empty() {
            for u in &mut self.c.units {
                if open && u.mode == UnitMode::Running {
                    u.mode = UnitMode::Stopped;
                } else if !open && self.ops.plant_windows_open == 0 && u.mode == UnitMode::Stopped {
                    // Production resumes; `evaluate` trips the unit if it cannot.
                    u.mode = UnitMode::Running;
                }
            }
        }
        self.evaluate(q, now);
    }
}

/// One finished installation, as `deploy_done` hands it to its steps.
struct Finished<'m> {
    action: u16,
    asset: u32,
    patch: &'m patchtwin_model::Patch,
    /// The patch's index.
    patch_ix: u32,
    /// Which try on this asset (0 the first).
    attempt: u32,
    /// The asset's own restart, ns, after recovery effects (0: none).
    own: u64,
    /// The rollback, ns, after recovery effects (0: installed).
    rollback: u64,
    /// The restart scope in words, for the notes.
    scope_word: &'static str,
}

/// The stream of one deployment attempt: the first attempt keeps the stream it always had,
/// per (patch, asset); retry `k` gets its own.
fn deploy_stream(key: u64, patch: u32, asset: u32, attempt: u32) -> Pcg64Mcg {
    keyed_stream(
        key,
        PURPOSE_DEPLOY,
        u64::from(patch),
        u64::from(asset) | u64::from(attempt) << 32,
    )
}
