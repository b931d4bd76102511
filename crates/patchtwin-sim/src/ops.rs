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
//!
//! # Evaluation
//! After every change, functions (in dependency order) and units are evaluated incrementally
//! and exactly: each one's result (its first lost dependency) and the earliest tolerance
//! deadline it saw are cached in [`Ops`]; only those whose direct inputs changed since (found
//! through [`DependentIndex`]) or whose deadline has come are evaluated again. The results,
//! trace and events are the same as re-evaluating everything.

use crate::compiled::Compiled;
use crate::engine::{Event, OpsOutcome, RunSettings, Step, UnitMode, UnitState};
use crate::queue::EventQueue;
use bevy_ecs::prelude::*;
use patchtwin_model::{
    Action, AssetKind, ControlEffect, Dependency, DependencyTarget, FlowKind, FunctionKind,
    RestartScope, Scenario, When,
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
    /// Per function then per process unit, its last evaluation (see the module docs).
    cache: Vec<Cached>,
    /// Some entry of `cache` is dirty.
    any_dirty: bool,
    /// The earliest deadline in `cache` (`u64::MAX`: none).
    earliest: u64,
    /// Test switch: `evaluate` re-evaluates every function and unit, and panics if a cached
    /// result it would have reused differs from the fresh one (a stale cache).
    #[doc(hidden)]
    pub full_evaluation: bool,
    /// Test switch: every arming of a flow's timer queues its own event (the plain way
    /// `net::arm_timer` replaces), for comparing the two.
    #[doc(hidden)]
    pub eager_timers: bool,
}

/// The last evaluation of one function or process unit. Valid while none of its direct
/// inputs changed (`dirty`) and `now < deadline`.
#[derive(Clone, Copy, Debug)]
struct Cached {
    /// Earliest tolerance deadline `t + tolerance` the evaluation saw; `u64::MAX`: none (a
    /// deadline of exactly `u64::MAX`, ~584 years, is taken for none).
    deadline: u64,
    /// Position in `depends_on` of the first lost dependency; [`NONE_LOST`]: none.
    lost: u32,
    /// A direct input changed since (or never evaluated).
    dirty: bool,
}

/// `Cached::lost` when every dependency holds.
const NONE_LOST: u32 = u32::MAX;

impl Ops {
    /// Marks the functions and units in `owners` for re-evaluation.
    fn mark(&mut self, owners: &[u32]) {
        for &o in owners {
            self.cache[o as usize].dirty = true;
            self.any_dirty = true;
        }
    }
}

/// What one compiled dependency asks for.
#[derive(Clone, Copy, Debug)]
enum DepKind {
    Asset,
    Flow,
    Function,
    /// At least `k` of the alternatives hold.
    KOfN {
        k: u32,
    },
}

/// One dependency compiled for evaluation.
#[derive(Clone, Copy, Debug)]
struct FlatDep {
    kind: DepKind,
    /// Asset, flow or function index; for k-of-n, the first alternative's position in
    /// [`DependentIndex::deps`].
    index: u32,
    /// Number of alternatives (k-of-n only).
    len: u32,
    /// Tolerance (ns), plus those of every enclosing k-of-n (unused for k-of-n itself).
    tol_ns: u64,
}

/// Owners (by position: functions `0..F`, then process units `F..`) per target, in
/// compressed rows.
#[derive(Debug, Default)]
struct Rows {
    start: Vec<u32>,
    owners: Vec<u32>,
}

impl Rows {
    /// Rows for targets `0..n` from (target, owner) pairs.
    fn build(n: usize, mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let mut start = vec![0u32; n + 1];
        for &(t, _) in &pairs {
            start[t as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Rows {
            start,
            owners: pairs.into_iter().map(|(_, o)| o).collect(),
        }
    }

    fn get(&self, target: u32) -> &[u32] {
        let t = target as usize;
        &self.owners[self.start[t] as usize..self.start[t + 1] as usize]
    }
}

/// The dependencies of functions and process units compiled once per scenario for
/// incremental evaluation: flat lists (kind, index, tolerance in ns), and who depends
/// directly on each asset, flow and function (also inside k-of-n).
///
/// Functions and units are "owners" `0..F` (functions, by scenario index) and `F..F+U`
/// (process units).
#[derive(Debug, Default)]
pub struct DependentIndex {
    /// Every compiled dependency: each owner's list, and the alternatives of each k-of-n.
    deps: Vec<FlatDep>,
    /// Per owner, its dependency list in `deps` (start, len), in `depends_on` order.
    lists: Vec<(u32, u32)>,
    /// Owners depending on each asset.
    by_asset: Rows,
    /// Owners depending on each flow.
    by_flow: Rows,
    /// Owners depending on each function.
    by_function: Rows,
}

impl DependentIndex {
    /// Compiles the dependencies of a validated scenario.
    pub fn new(s: &Scenario) -> Self {
        let mut ix = DependentIndex::default();
        let (mut assets, mut flows, mut functions) = (Vec::new(), Vec::new(), Vec::new());
        let owners = s
            .functions
            .iter()
            .map(|f| &f.depends_on)
            .chain(s.process_units.iter().map(|u| &u.depends_on));
        for (o, deps) in owners.enumerate() {
            let o = o as u32;
            let list = ix.push_list(deps, 0, &mut |t: &DependencyTarget| match t {
                DependencyTarget::Asset(a) => assets.push((a.0, o)),
                DependencyTarget::Flow(f) => flows.push((f.0, o)),
                DependencyTarget::Function(f) => functions.push((f.0, o)),
                DependencyTarget::KOfN { .. } => {}
            });
            ix.lists.push(list);
        }
        ix.by_asset = Rows::build(s.assets.len(), assets);
        ix.by_flow = Rows::build(s.flows.len(), flows);
        ix.by_function = Rows::build(s.functions.len(), functions);
        ix
    }

    /// Appends `deps` (with `extra` tolerance from enclosing k-of-n) contiguously, then the
    /// alternatives of each k-of-n among them; returns (start, len) of `deps`.
    fn push_list(
        &mut self,
        deps: &[Dependency],
        extra: u64,
        seen: &mut impl FnMut(&DependencyTarget),
    ) -> (u32, u32) {
        let start = self.deps.len();
        for d in deps {
            seen(&d.target);
            let (kind, index) = match &d.target {
                DependencyTarget::Asset(a) => (DepKind::Asset, a.0),
                DependencyTarget::Flow(f) => (DepKind::Flow, f.0),
                DependencyTarget::Function(f) => (DepKind::Function, f.0),
                DependencyTarget::KOfN { k, .. } => (DepKind::KOfN { k: *k }, 0),
            };
            self.deps.push(FlatDep {
                kind,
                index,
                len: 0,
                // The same sum, in the same order, as the tolerance the scenario states.
                tol_ns: d.tolerate.as_nanos() + extra,
            });
        }
        for (i, d) in deps.iter().enumerate() {
            if let DependencyTarget::KOfN { of, .. } = &d.target {
                let tol = self.deps[start + i].tol_ns;
                let (cs, cl) = self.push_list(of, tol, seen);
                self.deps[start + i].index = cs;
                self.deps[start + i].len = cl;
            }
        }
        (start as u32, deps.len() as u32)
    }

    /// Owner `o`'s dependency list.
    fn list(&self, o: usize) -> &[FlatDep] {
        let (s, l) = self.lists[o];
        &self.deps[s as usize..(s + l) as usize]
    }
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
            // Everything starts dirty: tests may change the world before the run.
            cache: vec![
                Cached {
                    deadline: u64::MAX,
                    lost: NONE_LOST,
                    dirty: true,
                };
                s.functions.len() + s.process_units.len()
            ],
            any_dirty: true,
            earliest: u64::MAX,
            full_evaluation: false,
            eager_timers: false,
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
                self.ops.actions[action as usize].done = true;
                if fails {
                    self.note(now, &id, "control", || {
                        "enabling the control failed: it has no effect".to_string()
                    });
                    self.action_finished(q, now);
                } else {
                    self.note(now, &id, "control", || {
                        format!(
                            "enabling the control (effective in {})",
                            crate::engine::fmt_ns(delay)
                        )
                    });
                    // The action is finished when the control works, not when it is switched
                    // on: the "after" timing window must see its effect (inspection latency).
                    q.schedule(now + delay, Event::ControlEffective { control: control.0 });
                }
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
            // Timing after the change, once everything restarted is back — and not before the
            // baseline window `[0, observe)` has ended: the windows must not overlap, or the
            // baseline would be cut short and the flows would fire twice over in the overlap.
            let start = now.max(self.settings.observe_ns);
            if start + self.settings.observe_ns <= self.settings.horizon_ns {
                q.schedule(start, Event::ObserveStart { phase: 1 });
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
        // The model outlives the step: borrowing it does not hold `self`.
        let model = self.model;
        let s = &model.scenario;
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
            let (pid, aid) = (&p.id, &a.id);
            self.note(now, aid, "patch_failed", || {
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
            let node = self.node(asset);
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
            let (pid, aid) = (&p.id, &a.id);
            if own > 0 {
                self.note(now, aid, "restart", || {
                    format!(
                        "patch {pid} installed; {aid} goes down for its {scope_word} ({})",
                        crate::engine::fmt_ns(own)
                    )
                });
            } else {
                self.note(now, aid, "deploy", || {
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
        let node = self.node(asset);
        node.down_count += 1;
        if node.down_count == 1 {
            node.up = false;
            node.down_since = now;
            let model = self.model;
            self.ops.mark(model.dependents.by_asset.get(asset));
            for &f in &model.asset_flows[asset as usize] {
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
        let st = self.flow_state(flow);
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
        let node = self.node(asset);
        node.down_count = node.down_count.saturating_sub(1);
        if node.down_count > 0 {
            return;
        }
        node.up = true;
        node.busy_until = now;
        let since = node.down_since;
        let model = self.model;
        self.ops.mark(model.dependents.by_asset.get(asset));
        let aid = &model.scenario.assets[asset as usize].id;
        self.note(now, aid, "up", || {
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
        for &f in &model.asset_flows[asset as usize] {
            let period = model.flows[f as usize].period_ns;
            let u = self.rng.random::<f64>();
            let st = self.flow_state(f);
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
        // The model outlives the step: borrowing it does not hold `self`.
        let model = self.model;
        let s = &model.scenario;
        let st = self.flow_state(flow);
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
            self.ops.mark(self.model.dependents.by_flow.get(flow));
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
            self.ops.mark(self.model.dependents.by_flow.get(flow));
            let (c, p) = (
                s.assets[f.consumer.ix()].id.as_str(),
                s.assets[f.producer.ix()].id.as_str(),
            );
            // Built only when tracing: this runs at every detected outage.
            self.note(now, &f.id, "comm_fail", || {
                let why = match f.kind {
                    FlowKind::Poll => format!("{} consecutive polls unanswered", f.fail_after),
                    FlowKind::Publish => format!(
                        "no data for its {} watchdog",
                        f.watchdog.unwrap_or_default()
                    ),
                };
                format!("{c} marks {p} failed: {why}")
            });
        }
        self.evaluate(q, now);
    }

    pub(crate) fn control_effective(&mut self, q: &mut EventQueue<Event>, now: u64, control: u32) {
        let model = self.model;
        let c = &model.scenario.controls[control as usize];
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
        self.action_finished(q, now);
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

    pub(crate) fn unit_restarted(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        unit: u32,
        generation: u32,
    ) {
        self.account_units(now);
        let u = &mut *self.c.units[unit as usize];
        if u.generation != generation || !matches!(u.mode, UnitMode::Restarting(_)) {
            return;
        }
        u.mode = if self.ops.plant_windows_open > 0 {
            UnitMode::Stopped
        } else {
            UnitMode::Running
        };
        let model = self.model;
        let id = &model.scenario.process_units[unit as usize].id;
        self.note(now, id, "unit_running", || {
            format!("{id} is producing again")
        });
        self.evaluate(q, now);
    }

    /// Adds every unit's unplanned downtime up to `now` (see [`account_unit`]).
    fn account_units(&mut self, now: u64) {
        let in_window = self.ops.plant_windows_open > 0;
        for u in &mut self.c.units {
            account_unit(u, now, in_window);
        }
    }

    /// Whether a dependency holds at `now`, counting tolerances; lowers `wake` to when a
    /// tolerance running now will expire, so the state is looked at again then.
    fn dep_ok(&self, deps: &[FlatDep], d: &FlatDep, now: u64, wake: &mut u64) -> bool {
        let i = d.index as usize;
        let lost_since = match d.kind {
            DepKind::Asset => {
                let n = &*self.c.nodes[i];
                (!n.up).then_some(n.down_since)
            }
            DepKind::Flow => {
                let st = &*self.c.flows[i];
                st.failed.then_some(st.failed_since)
            }
            DepKind::Function => {
                let st = &*self.c.functions[i];
                (!st.ok).then_some(st.lost_since)
            }
            DepKind::KOfN { k } => {
                // Every alternative is looked at (each may set a deadline).
                let mut ok = 0;
                for x in &deps[i..i + d.len as usize] {
                    if self.dep_ok(deps, x, now, wake) {
                        ok += 1;
                    }
                }
                return ok >= k;
            }
        };
        match lost_since {
            None => true,
            Some(t) if now < t + d.tol_ns => {
                *wake = (*wake).min(t + d.tol_ns);
                true
            }
            Some(_) => false,
        }
    }

    /// Evaluates owner `o` (function or unit, see [`DependentIndex`]) at `now`: the position
    /// of its first lost dependency, and the earliest tolerance deadline seen before it.
    fn first_lost(&self, o: usize, now: u64) -> Cached {
        let dx = &self.model.dependents;
        let mut deadline = u64::MAX;
        for (i, d) in dx.list(o).iter().enumerate() {
            if !self.dep_ok(&dx.deps, d, now, &mut deadline) {
                return Cached {
                    deadline,
                    lost: i as u32,
                    dirty: false,
                };
            }
        }
        Cached {
            deadline,
            lost: NONE_LOST,
            dirty: false,
        }
    }

    /// Owner `o`'s evaluation at `now`: the cached one while it is valid (see [`Cached`]),
    /// else a fresh one, which is cached.
    #[inline]
    fn evaluated(&mut self, o: usize, now: u64) -> (Cached, bool) {
        let c = self.ops.cache[o];
        let valid = !c.dirty && now < c.deadline;
        if valid && !self.ops.full_evaluation {
            return (c, false);
        }
        self.evaluate_owner(o, now, valid.then_some(c))
    }

    /// Evaluates owner `o` afresh and caches the result; `cached` is a result still valid
    /// (when [`Ops::full_evaluation`] forces the evaluation), which must agree.
    fn evaluate_owner(&mut self, o: usize, now: u64, cached: Option<Cached>) -> (Cached, bool) {
        let fresh = self.first_lost(o, now);
        if let Some(c) = cached {
            assert!(
                fresh.lost == c.lost && fresh.deadline == c.deadline,
                "stale evaluation cache for owner {o} at {now}: cached {c:?}, fresh {fresh:?}"
            );
        }
        self.ops.cache[o] = fresh;
        (fresh, true)
    }

    /// Re-evaluates functions (in dependency order) and process units after any change.
    ///
    /// Incremental and exact: a function's or unit's result depends only on the states of
    /// its direct inputs (asset up/down, flow failed, function ok, with their since-times)
    /// and on `now` only through tolerance deadlines `t + tolerance` still ahead. So each
    /// result and the earliest deadline it saw are cached in [`Ops`], and only owners whose
    /// inputs changed since (marked through [`DependentIndex`] wherever such state changes)
    /// or whose deadline has come are evaluated again; a function that flips marks its
    /// dependents, which come later in dependency order. Every unit's mode is still matched
    /// against its result, since windows and restarts change modes.
    pub(crate) fn evaluate(&mut self, q: &mut EventQueue<Event>, now: u64) {
        let model = self.model;
        let s = &*model.scenario;
        let in_window = self.ops.plant_windows_open > 0;
        // Whether any cached result may be invalid; if not, only unit modes are looked at.
        let scan = self.ops.any_dirty || now >= self.ops.earliest || self.ops.full_evaluation;
        let order: &[u32] = if scan { &model.function_order } else { &[] };
        for &fi in order {
            let (c, fresh) = self.evaluated(fi as usize, now);
            if !fresh {
                // Its state already agrees with the cached result.
                continue;
            }
            let f = &s.functions[fi as usize];
            let st = &mut *self.c.functions[fi as usize];
            match (st.ok, c.lost != NONE_LOST) {
                (true, true) => {
                    st.ok = false;
                    st.lost_since = now;
                    self.ops.mark(model.dependents.by_function.get(fi));
                    let word = function_word(f.kind);
                    self.note(now, &f.id, "function_lost", || {
                        format!("{word} lost: {}", lost_reason(s, &f.depends_on, c.lost))
                    });
                }
                (false, false) => {
                    st.ok = true;
                    let lost_for = now - st.lost_since;
                    self.ops.mark(model.dependents.by_function.get(fi));
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
        let functions = s.functions.len();
        for (ui, unit) in s.process_units.iter().enumerate() {
            let c = if scan {
                self.evaluated(functions + ui, now).0
            } else {
                self.ops.cache[functions + ui]
            };
            let mode = self.c.units[ui].mode;
            match (mode, c.lost != NONE_LOST) {
                (UnitMode::Running, true) if !in_window => {
                    let u = &mut *self.c.units[ui];
                    account_unit(u, now, in_window);
                    u.mode = UnitMode::Tripped;
                    u.trips += 1;
                    u.generation = u.generation.wrapping_add(1);
                    self.ops.outcome.trips += 1;
                    let id = &unit.id;
                    self.note(now, id, "trip", || {
                        format!("{id} trips: {}", lost_reason(s, &unit.depends_on, c.lost))
                    });
                }
                (UnitMode::Tripped, false) => {
                    let u = &mut *self.c.units[ui];
                    account_unit(u, now, in_window);
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
                    let id = &unit.id;
                    self.note(now, id, "unit_restart", || {
                        format!(
                            "{id} dependencies restored; restarting ({})",
                            crate::engine::fmt_ns(d)
                        )
                    });
                }
                _ => {}
            }
        }
        if scan {
            self.ops.any_dirty = false;
            self.ops.earliest = self
                .ops
                .cache
                .iter()
                .map(|c| c.deadline)
                .min()
                .unwrap_or(u64::MAX);
        }
        // Every cached deadline is now ahead; the earliest is when to look again.
        let wake = Some(self.ops.earliest).filter(|w| *w != u64::MAX);
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
        for (ui, u) in self.c.units.iter().enumerate() {
            downtime += u.downtime_ns;
            cost += u.downtime_ns as f64 / 3.6e12 * s.process_units[ui].downtime_cost_per_hour;
        }
        self.ops.outcome.downtime_ns = downtime;
        self.ops.outcome.downtime_cost = cost;
        let in_window = self.ops.plant_windows_open > 0;
        for (fi, st) in self.c.functions.iter().enumerate() {
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

/// Why a function or unit counts as lost: its dependency at position `lost`.
fn lost_reason(s: &Scenario, deps: &[Dependency], lost: u32) -> String {
    match &deps[lost as usize].target {
        DependencyTarget::Asset(a) => format!("asset {} is down", s.assets[a.ix()].id),
        DependencyTarget::Flow(f) => format!("flow {} failed", s.flows[f.ix()].id),
        DependencyTarget::Function(f) => format!("{} is lost", s.functions[f.ix()].id),
        DependencyTarget::KOfN { k, of } => format!(
            "fewer than {k} of {} redundant alternatives remain",
            of.len()
        ),
    }
}

/// Adds a unit's unplanned downtime up to `now` (never inside a plant-wide window).
///
/// Downtime is a sum of spans over which the unit's mode and the window state stay the same,
/// so accounting is needed only before a unit's mode changes (`evaluate`, `unit_restarted`,
/// `window`), before the window state changes (`window`), and at the horizon; splitting a
/// span elsewhere adds the same total.
fn account_unit(u: &mut UnitState, now: u64, in_window: bool) {
    let span = now.saturating_sub(u.accounted_to);
    if !in_window && matches!(u.mode, UnitMode::Tripped | UnitMode::Restarting(_)) {
        u.downtime_ns += span;
    }
    u.accounted_to = now;
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
