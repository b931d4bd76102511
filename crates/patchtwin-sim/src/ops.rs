//! The operations layer: plan actions in simulated time, deployments with restarts, failures
//! and rollbacks, maintenance windows, coarse flow health, and cascades through functions to
//! process trips — across the whole horizon, with a handful of events per change.
//!
//! # Rules (see also ARCHITECTURE.md)
//! - Deployments of one action run one asset after another. Installation does not stop the
//!   asset; the restart its scope requires does (`machine`: the asset; `service`: its service
//!   restart time; `zone`: every asset of its zone; `system`: every asset). A failed
//!   deployment is noticed after its restart and rolled back; the asset stays down meanwhile
//!   and the vulnerability stays open.
//! - Staged rollouts patch the first group, wait the soak, and go on only if every first
//!   deployment succeeded.
//! - A flow counts as failed once its consumer would detect it: for a poll, after `fail_after`
//!   consecutive failed polls ([`detection_delay_ns`]); for a publication, after its watchdog.
//!   It recovers at the first poll or publication after every asset on its route is back.
//! - Functions and units depend on assets, flows and functions; a lost dependency counts after
//!   its tolerance; k-of-n needs k alternatives. A unit trips when a dependency counts as lost,
//!   waits for all of them, then restarts (its restart time). Inside a plant-wide maintenance
//!   window production is stopped: nothing trips and nothing costs; a unit whose dependencies
//!   are still lost when the window closes trips then (window overrun).
//! - Historian data is lost only beyond the store-and-forward buffer (of the flow's producer,
//!   or else its consumer).

use crate::compiled::Compiled;
use crate::engine::{
    Event, FlowState, FunctionState, OpsOutcome, RunSettings, Step, UnitMode, UnitState,
};
use crate::queue::EventQueue;
use bevy_ecs::prelude::*;
use patchtwin_model::{
    Action, AssetKind, ControlEffect, Dependency, DependencyTarget, FlowKind, FunctionKind,
    RestartScope, When,
};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Progress of one plan action.
#[derive(Debug, Clone, Default)]
pub struct ActionRun {
    /// Assets to deploy in the current stage, in order.
    pub queue: Vec<u32>,
    /// Next position in `queue`.
    pub next: usize,
    /// Current stage (0: all or the first group; 1: the rest).
    pub stage: u8,
    /// Failures in the current stage.
    pub failures: u32,
    /// End of the maintenance window the action started in, if it started in one.
    pub window_end: Option<u64>,
    /// Overrun so far (ns).
    pub overrun_ns: u64,
    /// Finished (or halted).
    pub done: bool,
}

/// The operations ledger of one replication (a resource).
#[derive(Resource, Debug)]
pub struct Ops {
    /// Key of this replication's common random numbers.
    pub key: u64,
    /// Per action of the plan.
    pub actions: Vec<ActionRun>,
    /// Actions not yet finished.
    pub pending_actions: u32,
    /// Plant-wide windows open now.
    pub plant_windows_open: u32,
    /// Per zone, zone windows open now.
    pub zone_windows_open: Vec<u32>,
    /// End of the plant-wide window open now.
    pub window_ends_at: u64,
    /// Earliest pending re-evaluation, to avoid flooding the queue.
    pub next_wake: Option<u64>,
    /// Controls in effect.
    pub controls_active: Vec<bool>,
    /// Results so far.
    pub outcome: OpsOutcome,
    /// The attacker.
    pub attack: crate::attack::AttackState,
    /// Exposure results so far.
    pub exposure: crate::attack::ExposureOutcome,
}

/// SplitMix64 finalizer: a bijective mix of 64-bit values (Steele, Lea & Flood 2014). The one
/// definition behind every derived stream (replications in `patchtwin-mc`, keyed draws here).
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stream keyed by (replication, purpose, a, b): the same under every plan, so the same
/// deployment draws the same times and the same success under every plan that makes it.
pub fn keyed_stream(key: u64, purpose: u64, a: u64, b: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(splitmix64(
        key ^ splitmix64(purpose ^ splitmix64(a ^ splitmix64(b))),
    ))
}

const PURPOSE_DEPLOY: u64 = 1;
const PURPOSE_PATCH_QUALITY: u64 = 2;
const PURPOSE_CONTROL: u64 = 3;
const PURPOSE_UNIT_RESTART: u64 = 4;

impl Ops {
    /// Plans the replication: windows, the plan's actions.
    pub fn new(
        model: &Compiled,
        plan: usize,
        key: u64,
        q: &mut EventQueue<Event>,
        settings: RunSettings,
    ) -> Self {
        let s = &model.scenario;
        for (wi, w) in s.windows.iter().enumerate() {
            for start in &w.starts {
                q.schedule(
                    start.0,
                    Event::Window {
                        window: wi as u16,
                        open: true,
                    },
                );
                q.schedule(
                    start.0.saturating_add(w.duration.as_nanos()),
                    Event::Window {
                        window: wi as u16,
                        open: false,
                    },
                );
            }
        }
        crate::attack::schedule_first_attempts(model, key, q);
        let actions = &s.plans[plan].actions;
        let mut outcome = OpsOutcome::default();
        let mut pending = 0;
        for (ai, a) in actions.iter().enumerate() {
            let at = match a {
                Action::ApplyPatch { at, .. } | Action::EnableControl { at, .. } => *at,
            };
            match start_time(model, at, 0) {
                Some(t) if t < settings.horizon_ns => {
                    q.schedule(
                        t,
                        Event::ActionStart {
                            action: ai as u16,
                            stage: 0,
                        },
                    );
                    pending += 1;
                }
                _ => outcome.actions_not_run += 1,
            }
        }
        Ops {
            key,
            actions: vec![ActionRun::default(); actions.len()],
            pending_actions: pending,
            plant_windows_open: 0,
            zone_windows_open: vec![0; s.zones.len()],
            window_ends_at: 0,
            next_wake: None,
            controls_active: vec![false; s.controls.len()],
            outcome,
            attack: crate::attack::AttackState::new(s),
            exposure: crate::attack::ExposureOutcome::default(),
        }
    }
}

/// When an action scheduled `at` starts, looking from `now`.
fn start_time(model: &Compiled, at: When, now: u64) -> Option<u64> {
    match at {
        When::Now => Some(now),
        When::At(t) => Some(t.0.max(now)),
        When::NextWindow(w) => next_window_start(model, w, now),
    }
}

/// Start of the first window occurrence (of window `w`, or of any) at or after `now`.
pub fn next_window_start(model: &Compiled, w: Option<usize>, now: u64) -> Option<u64> {
    model
        .scenario
        .windows
        .iter()
        .enumerate()
        .filter(|(i, _)| w.is_none_or(|w| w == *i))
        .flat_map(|(_, win)| win.starts.iter().map(|s| s.0))
        .filter(|s| *s >= now)
        .min()
}

/// Time from a route asset going down to the consumer declaring the flow failed.
///
/// Poll: the first poll after the outage starts a uniform fraction `u` of a period later;
/// each failed poll takes `timeout × (retries + 1)` and the master polls again at the next
/// period boundary, so polls are `period × ⌈attempts span / period⌉` apart; comm-fail is
/// declared when the `fail_after`-th poll gives up. Publish: the last publication arrived a
/// uniform fraction of a period before the outage; the watchdog fires `watchdog` after it.
/// A publish flow without a watchdog is never detected (`None`).
pub fn detection_delay_ns(f: &crate::compiled::CompiledFlow, u: f64) -> Option<u64> {
    let period = f.period_ns as f64;
    match f.kind {
        FlowKind::Poll => {
            let span = f.timeout_ns as f64 * f64::from(f.retries + 1);
            let spacing = period * (span / period).ceil().max(1.0);
            Some(
                (u * period + f64::from(f.fail_after.saturating_sub(1)) * spacing + span).round()
                    as u64,
            )
        }
        FlowKind::Publish => f
            .watchdog_ns
            .map(|w| (w as f64 - u * period).max(0.0).round() as u64),
    }
}

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
            Action::EnableControl { control, .. } => {
                let c = &self.model.scenario.controls[control.ix()];
                let mut r = keyed_stream(self.ops.key, PURPOSE_CONTROL, u64::from(control.0), 0);
                let delay = c.deploy_time.sample(&mut r).as_nanos();
                let p_fail = c.failure_probability.sample(&mut r);
                let fails = r.random::<f64>() < p_fail;
                let id = c.id.clone();
                if fails {
                    self.note(now, &id, "control", || {
                        "enabling the control failed: it has no effect".to_string()
                    });
                } else {
                    self.note(now, &id, "control", || {
                        format!(
                            "enabling the control (effective in {})",
                            crate::engine::fmt_ns(delay)
                        )
                    });
                    q.schedule(now + delay, Event::ControlEffective { control: control.0 });
                }
                self.ops.actions[action as usize].done = true;
                self.action_finished(q, now);
            }
            Action::ApplyPatch {
                patch,
                assets,
                staging,
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
                let run = &mut self.ops.actions[action as usize];
                run.queue = list;
                run.next = 0;
                run.stage = stage;
                run.failures = 0;
                run.window_end = window_end;
                self.deploy_next(q, now, action);
            }
        }
    }

    pub(crate) fn deploy_next(&mut self, q: &mut EventQueue<Event>, now: u64, action: u16) {
        let plan = &self.model.scenario.plans[self.plan];
        let Action::ApplyPatch { patch, staging, .. } = &plan.actions[action as usize] else {
            return;
        };
        let run = &mut self.ops.actions[action as usize];
        if run.next < run.queue.len() {
            let asset = run.queue[run.next];
            run.next += 1;
            let p = &self.model.scenario.patches[patch.ix()];
            let mut r = keyed_stream(
                self.ops.key,
                PURPOSE_DEPLOY,
                u64::from(patch.0),
                u64::from(asset),
            );
            let d = p.deploy_time.sample(&mut r).as_nanos();
            let aid = self.model.scenario.assets[asset as usize].id.clone();
            let pid = p.id.clone();
            self.note(now, &aid, "deploy", || {
                format!("installing patch {pid} ({})", crate::engine::fmt_ns(d))
            });
            self.ops.outcome.deployments += 1;
            q.schedule(now + d, Event::DeployDone { action, asset });
            return;
        }
        // The stage is complete.
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

    fn action_finished(&mut self, q: &mut EventQueue<Event>, now: u64) {
        self.ops.pending_actions = self.ops.pending_actions.saturating_sub(1);
        if self.ops.pending_actions == 0 && !self.model.scenario.plans[self.plan].actions.is_empty()
        {
            self.ops.outcome.changes_done_at = Some(now);
            // Timing after the change, once everything restarted is back.
            if now + self.settings.observe_ns <= self.settings.horizon_ns {
                q.schedule(now, Event::ObserveStart { phase: 1 });
            }
        }
    }

    pub(crate) fn deploy_done(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        action: u16,
        asset: u32,
    ) {
        let s = self.model.scenario.clone();
        let plan = &s.plans[self.plan];
        let Action::ApplyPatch { patch, .. } = &plan.actions[action as usize] else {
            return;
        };
        let p = &s.patches[patch.ix()];
        let a = &s.assets[asset as usize];
        // Patch quality is drawn once per replication and patch; success per asset.
        let mut quality = keyed_stream(self.ops.key, PURPOSE_PATCH_QUALITY, u64::from(patch.0), 0);
        let mut pf = p.failure_probability.sample(&mut quality);
        if !p.vendor_certified {
            pf += p.extra_failure_if_uncertified;
        }
        if !p.validated_in_test {
            pf += p.extra_failure_if_unvalidated;
        }
        let mut r = keyed_stream(
            self.ops.key,
            PURPOSE_DEPLOY,
            u64::from(patch.0),
            u64::from(asset),
        );
        let _deploy = p.deploy_time.sample(&mut r); // keeps the stream aligned with deploy_next
        let failed = r.random::<f64>() < pf.min(1.0);
        let restart = |r: &mut Pcg64Mcg, who: usize| -> u64 {
            let b = &s.assets[who].behaviour;
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
        };
        let own = restart(&mut r, asset as usize);
        let rollback = if failed {
            p.rollback_time.sample(&mut r).as_nanos()
        } else {
            0
        };
        let mut longest = own + rollback;
        let scope_word = match p.restart {
            RestartScope::None => "no restart",
            RestartScope::Service => "service restart",
            RestartScope::Machine => "reboot",
            RestartScope::Zone => "zone restart",
            RestartScope::System => "system restart",
        };
        if failed {
            self.ops.outcome.failed_deployments += 1;
            self.ops.actions[action as usize].failures += 1;
            let (pid, aid) = (p.id.clone(), a.id.clone());
            self.note(now, &aid, "patch_failed", || {
                format!("patch {pid} failed after its {scope_word}: rolling back ({}), {aid} down meanwhile; the vulnerability stays open", crate::engine::fmt_ns(own + rollback))
            });
        } else {
            for v in &p.fixes {
                if s.vulnerabilities[v.ix()]
                    .assets
                    .contains(&patchtwin_model::AssetIdx(asset))
                {
                    self.ops.outcome.fixed.push((v.0, asset, now + own));
                    self.ops.attack.fixed.insert((v.0, asset));
                }
            }
            self.update_exposure(now);
            // Side effects act on the timing model from now on.
            let fx = &p.side_effects;
            let installs_scan = self.model.patch_scan[patch.ix()];
            let mut node = self.node(asset);
            node.extra_service_ns += fx.added_service_time.as_nanos();
            if fx.added_cpu_load > 0.0 {
                let base = node.cpu_load;
                let new = (base + fx.added_cpu_load).min(0.95);
                node.scan_stretch *= (1.0 - base) / (1.0 - new);
                node.cpu_load = new;
            }
            if let Some(sc) = installs_scan {
                node.scan = Some(sc);
            }
            let (pid, aid) = (p.id.clone(), a.id.clone());
            if own > 0 {
                self.note(now, &aid, "restart", || {
                    format!(
                        "patch {pid} installed; {aid} goes down for its {scope_word} ({})",
                        crate::engine::fmt_ns(own)
                    )
                });
            } else {
                self.note(now, &aid, "deploy", || {
                    format!("patch {pid} installed, no restart needed")
                });
            }
        }
        if own + rollback > 0 {
            self.take_down(q, now, asset, own + rollback);
        }
        // Zone and system restarts take other assets down too, each for its own reboot time.
        let others: Vec<u32> = match p.restart {
            RestartScope::Zone => self.model.zone_assets[a.zone.ix()]
                .iter()
                .copied()
                .filter(|x| *x != asset)
                .collect(),
            RestartScope::System => (0..s.assets.len() as u32).filter(|x| *x != asset).collect(),
            _ => Vec::new(),
        };
        for other in others {
            let d = restart(&mut r, other as usize);
            longest = longest.max(d);
            self.take_down(q, now, other, d);
        }
        self.evaluate(q, now);
        q.schedule(now + longest, Event::DeployNext { action });
    }

    /// Takes an asset down for `duration`: its flows start failing after their detection delay.
    pub(crate) fn take_down(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        asset: u32,
        duration: u64,
    ) {
        let mut node = self.node(asset);
        node.down_count += 1;
        if node.down_count == 1 {
            node.up = false;
            node.down_since = now;
            let flows = self.model.asset_flows[asset as usize].clone();
            for f in flows {
                self.route_lost(q, now, f);
            }
        }
        q.schedule(now + duration, Event::AssetBack { asset });
    }

    /// Something on `flow`'s route stopped carrying it (an asset down, a conduit closed): the
    /// consumer will declare the flow failed after its detection delay, unless the route is
    /// whole again by then (the generation changes).
    fn route_lost(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32) {
        let u = self.rng.random::<f64>();
        let delay = detection_delay_ns(&self.model.flows[flow as usize], u);
        let mut st = self.flow_state(flow);
        st.route_down += 1;
        if st.route_down == 1 {
            st.generation = st.generation.wrapping_add(1);
            let generation = st.generation;
            if !st.failed
                && let Some(d) = delay
            {
                q.schedule(
                    now + d,
                    Event::FlowHealth {
                        flow,
                        healthy: false,
                        generation,
                    },
                );
            }
        }
    }

    pub(crate) fn asset_back(&mut self, q: &mut EventQueue<Event>, now: u64, asset: u32) {
        let mut node = self.node(asset);
        node.down_count = node.down_count.saturating_sub(1);
        if node.down_count > 0 {
            return;
        }
        node.up = true;
        node.busy_until = now;
        let since = node.down_since;
        let aid = self.model.scenario.assets[asset as usize].id.clone();
        self.note(now, &aid, "up", || {
            format!(
                "{aid} is back up after {}",
                crate::engine::fmt_ns(now - since)
            )
        });
        // Window overrun: work on this asset that started in a window ends after it.
        for run in &mut self.ops.actions {
            if let Some(end) = run.window_end
                && now > end
                && run.queue.contains(&asset)
            {
                run.overrun_ns = run.overrun_ns.max(now - end);
            }
        }
        let flows = self.model.asset_flows[asset as usize].clone();
        for f in flows {
            let period = self.model.flows[f as usize].period_ns;
            let u = self.rng.random::<f64>();
            let mut st = self.flow_state(f);
            st.route_down = st.route_down.saturating_sub(1);
            if st.route_down == 0 {
                st.generation = st.generation.wrapping_add(1);
                let generation = st.generation;
                if st.failed {
                    // The first poll or publication after the restart gets through.
                    q.schedule(
                        now + (u * period as f64).round() as u64,
                        Event::FlowHealth {
                            flow: f,
                            healthy: true,
                            generation,
                        },
                    );
                }
            }
        }
        self.evaluate(q, now);
    }

    pub(crate) fn flow_health(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        flow: u32,
        healthy: bool,
        generation: u32,
    ) {
        let s = self.model.scenario.clone();
        let mut st = self.flow_state(flow);
        if st.generation != generation {
            return;
        }
        let f = &s.flows[flow as usize];
        if healthy {
            if !st.failed {
                return;
            }
            st.failed = false;
            let lost = now - st.failed_since;
            // Historian data is lost beyond the store-and-forward buffer.
            if s.assets[f.consumer.ix()].kind == AssetKind::Historian {
                let buffer = s.assets[f.producer.ix()]
                    .behaviour
                    .buffer
                    .or(s.assets[f.consumer.ix()].behaviour.buffer)
                    .map_or(0, |b| b.as_nanos());
                let gap = lost.saturating_sub(buffer);
                self.ops.outcome.historian_gap_ns += gap;
                if gap > 0 {
                    self.note(now, &f.id, "historian_gap", || {
                        format!(
                            "historian data lost for {}: the outage outlasted the {} buffer",
                            crate::engine::fmt_ns(gap),
                            crate::engine::fmt_ns(buffer)
                        )
                    });
                }
            }
            let (c, p) = (
                s.assets[f.consumer.ix()].id.as_str(),
                s.assets[f.producer.ix()].id.as_str(),
            );
            self.note(now, &f.id, "flow_restored", || {
                format!("{c} receives data from {p} again")
            });
        } else {
            if st.failed || st.route_down == 0 {
                return;
            }
            st.failed = true;
            st.failed_since = now;
            let (c, p) = (
                s.assets[f.consumer.ix()].id.as_str(),
                s.assets[f.producer.ix()].id.as_str(),
            );
            let why = match f.kind {
                FlowKind::Poll => format!("{} consecutive polls unanswered", f.fail_after),
                FlowKind::Publish => format!(
                    "no data for its {} watchdog",
                    f.watchdog.unwrap_or_default()
                ),
            };
            self.note(now, &f.id, "comm_fail", || {
                format!("{c} marks {p} failed: {why}")
            });
        }
        self.evaluate(q, now);
    }

    pub(crate) fn control_effective(&mut self, q: &mut EventQueue<Event>, now: u64, control: u32) {
        let c = self.model.scenario.controls[control as usize].clone();
        self.ops.controls_active[control as usize] = true;
        if let ControlEffect::VirtualPatch {
            conduit,
            inspection_latency,
            ..
        } = &c.effect
        {
            let flows: Vec<u32> = (0..self.model.flows.len() as u32)
                .filter(|f| self.model.flows[*f as usize].conduits.contains(&conduit.0))
                .collect();
            let n = flows.len();
            for f in flows {
                self.flow_state(f).extra_ns += inspection_latency.as_nanos();
            }
            let lat = *inspection_latency;
            self.note(now, &c.id, "control", || {
                format!("in effect: inspecting {n} flows crossing the conduit (+{lat} per message)")
            });
        } else if let ControlEffect::Segmentation {
            conduit,
            allow_protocols,
        } = &c.effect
        {
            // Flows whose protocol the restricted conduit no longer lets through are cut.
            let cut: Vec<u32> = (0..self.model.flows.len() as u32)
                .filter(|f| {
                    self.model.flows[*f as usize].conduits.contains(&conduit.0)
                        && !allow_protocols
                            .contains(&self.model.scenario.flows[*f as usize].protocol)
                })
                .collect();
            for f in &cut {
                self.route_lost(q, now, *f);
            }
            let names: Vec<String> = cut
                .iter()
                .map(|f| self.model.scenario.flows[*f as usize].id.clone())
                .collect();
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
        self.update_exposure(now);
        self.attack_plan(q, now);
    }

    pub(crate) fn window(&mut self, q: &mut EventQueue<Event>, now: u64, window: u16, open: bool) {
        let w = self.model.scenario.windows[window as usize].clone();
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
            for ui in 0..self.handles.units.len() {
                let e = self.handles.units[ui];
                let mut u = self.world.get_mut::<UnitState>(e).expect("unit entity");
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

    pub(crate) fn unit_restarted(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        unit: u32,
        generation: u32,
    ) {
        self.account_units(now);
        let e = self.handles.units[unit as usize];
        let mut u = self.world.get_mut::<UnitState>(e).expect("unit entity");
        if u.generation != generation || !matches!(u.mode, UnitMode::Restarting(_)) {
            return;
        }
        u.mode = if self.ops.plant_windows_open > 0 {
            UnitMode::Stopped
        } else {
            UnitMode::Running
        };
        let id = self.model.scenario.process_units[unit as usize].id.clone();
        self.note(now, &id, "unit_running", || {
            format!("{id} is producing again")
        });
        self.evaluate(q, now);
    }

    /// Adds unplanned downtime up to `now` (never inside a plant-wide window).
    fn account_units(&mut self, now: u64) {
        let in_window = self.ops.plant_windows_open > 0;
        for e in &self.handles.units {
            let mut u = self.world.get_mut::<UnitState>(*e).expect("unit entity");
            let span = now.saturating_sub(u.accounted_to);
            if !in_window && matches!(u.mode, UnitMode::Tripped | UnitMode::Restarting(_)) {
                u.downtime_ns += span;
            }
            u.accounted_to = now;
        }
    }

    /// Whether a dependency holds at `now`, counting tolerances; records when a tolerance
    /// will expire so the state is looked at again then.
    fn dep_ok(
        &mut self,
        d: &Dependency,
        now: u64,
        extra_tolerance: u64,
        wake: &mut Option<u64>,
    ) -> bool {
        let tol = d.tolerate.as_nanos() + extra_tolerance;
        let lost_since = match &d.target {
            DependencyTarget::Asset(a) => {
                let n = self
                    .world
                    .get::<crate::engine::Node>(self.handles.assets[a.ix()])
                    .expect("asset");
                (!n.up).then_some(n.down_since)
            }
            DependencyTarget::Flow(f) => {
                let st = self
                    .world
                    .get::<FlowState>(self.handles.flows[f.ix()])
                    .expect("flow");
                st.failed.then_some(st.failed_since)
            }
            DependencyTarget::Function(f) => {
                let st = self
                    .world
                    .get::<FunctionState>(self.handles.functions[f.ix()])
                    .expect("function");
                (!st.ok).then_some(st.lost_since)
            }
            DependencyTarget::KOfN { k, of } => {
                let mut ok = 0;
                for x in of {
                    if self.dep_ok(x, now, tol, wake) {
                        ok += 1;
                    }
                }
                return ok >= *k;
            }
        };
        match lost_since {
            None => true,
            Some(t) if now < t + tol => {
                *wake = Some(wake.map_or(t + tol, |w| w.min(t + tol)));
                true
            }
            Some(_) => false,
        }
    }

    fn first_lost(
        &mut self,
        deps: &[Dependency],
        now: u64,
        wake: &mut Option<u64>,
    ) -> Option<String> {
        let s = self.model.scenario.clone();
        for d in deps {
            if !self.dep_ok(d, now, 0, wake) {
                return Some(match &d.target {
                    DependencyTarget::Asset(a) => format!("asset {} is down", s.assets[a.ix()].id),
                    DependencyTarget::Flow(f) => format!("flow {} failed", s.flows[f.ix()].id),
                    DependencyTarget::Function(f) => format!("{} is lost", s.functions[f.ix()].id),
                    DependencyTarget::KOfN { k, of } => format!(
                        "fewer than {k} of {} redundant alternatives remain",
                        of.len()
                    ),
                });
            }
        }
        None
    }

    /// Re-evaluates functions (in dependency order) and process units after any change.
    pub(crate) fn evaluate(&mut self, q: &mut EventQueue<Event>, now: u64) {
        self.account_units(now);
        let s = self.model.scenario.clone();
        let in_window = self.ops.plant_windows_open > 0;
        let mut wake = None;
        for &fi in &self.model.function_order {
            let f = &s.functions[fi as usize];
            let lost = self.first_lost(&f.depends_on, now, &mut wake);
            let e = self.handles.functions[fi as usize];
            let mut st = self.world.get_mut::<FunctionState>(e).expect("function");
            match (st.ok, lost) {
                (true, Some(why)) => {
                    st.ok = false;
                    st.lost_since = now;
                    let kind = f.kind;
                    let word = function_word(kind);
                    self.note(now, &f.id, "function_lost", || {
                        format!("{word} lost: {why}")
                    });
                }
                (false, None) => {
                    st.ok = true;
                    let lost_for = now - st.lost_since;
                    if !in_window {
                        match f.kind {
                            FunctionKind::View => self.ops.outcome.loss_of_view_ns += lost_for,
                            FunctionKind::Control => {
                                self.ops.outcome.loss_of_control_ns += lost_for
                            }
                            _ => {}
                        }
                    }
                    let word = function_word(f.kind);
                    self.note(now, &f.id, "function_restored", || {
                        format!("{word} restored after {}", crate::engine::fmt_ns(lost_for))
                    });
                }
                _ => {}
            }
        }
        for (ui, unit) in s.process_units.iter().enumerate() {
            let lost = self.first_lost(&unit.depends_on, now, &mut wake);
            let e = self.handles.units[ui];
            let mode = self.world.get::<UnitState>(e).expect("unit").mode;
            match (mode, lost) {
                (UnitMode::Running, Some(why)) if !in_window => {
                    let mut u = self.world.get_mut::<UnitState>(e).expect("unit");
                    u.mode = UnitMode::Tripped;
                    u.trips += 1;
                    u.generation = u.generation.wrapping_add(1);
                    self.ops.outcome.trips += 1;
                    let id = unit.id.clone();
                    self.note(now, &id, "trip", || format!("{id} trips: {why}"));
                }
                (UnitMode::Tripped, None) => {
                    let mut u = self.world.get_mut::<UnitState>(e).expect("unit");
                    let trips = u.trips;
                    let mut r = keyed_stream(
                        self.ops.key,
                        PURPOSE_UNIT_RESTART,
                        ui as u64,
                        u64::from(trips),
                    );
                    let d = unit.restart_time.sample(&mut r).as_nanos();
                    u.mode = UnitMode::Restarting(now + d);
                    let generation = u.generation;
                    q.schedule(
                        now + d,
                        Event::UnitRestarted {
                            unit: ui as u32,
                            generation,
                        },
                    );
                    let id = unit.id.clone();
                    self.note(now, &id, "unit_restart", || {
                        format!(
                            "{id} dependencies restored; restarting ({})",
                            crate::engine::fmt_ns(d)
                        )
                    });
                }
                _ => {}
            }
        }
        if let Some(w) = wake
            && w > now
            && self.ops.next_wake.is_none_or(|n| n <= now || w < n)
        {
            self.ops.next_wake = Some(w);
            q.schedule(w, Event::Reevaluate);
        }
    }

    /// Closes the books at the horizon.
    pub(crate) fn finish(&mut self, horizon: u64) {
        self.account_units(horizon);
        self.update_exposure(horizon);
        let s = self.model.scenario.clone();
        let mut downtime = 0;
        let mut cost = 0.0;
        for (ui, e) in self.handles.units.iter().enumerate() {
            let u = self.world.get::<UnitState>(*e).expect("unit");
            downtime += u.downtime_ns;
            cost += u.downtime_ns as f64 / 3.6e12 * s.process_units[ui].downtime_cost_per_hour;
        }
        self.ops.outcome.downtime_ns = downtime;
        self.ops.outcome.downtime_cost = cost;
        let in_window = self.ops.plant_windows_open > 0;
        for (fi, e) in self.handles.functions.iter().enumerate() {
            let st = self.world.get::<FunctionState>(*e).expect("function");
            if !st.ok && !in_window {
                let lost = horizon.saturating_sub(st.lost_since);
                match s.functions[fi].kind {
                    FunctionKind::View => self.ops.outcome.loss_of_view_ns += lost,
                    FunctionKind::Control => self.ops.outcome.loss_of_control_ns += lost,
                    _ => {}
                }
            }
        }
        self.ops.outcome.window_overrun_ns = self.ops.actions.iter().map(|a| a.overrun_ns).sum();
    }
}

fn function_word(kind: FunctionKind) -> &'static str {
    match kind {
        FunctionKind::View => "view",
        FunctionKind::Control => "control",
        FunctionKind::History => "history",
        FunctionKind::Interlock => "interlock",
        FunctionKind::Safety => "safety function",
        FunctionKind::Telemetry => "telemetry",
    }
}
