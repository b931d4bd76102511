//! The operations ledger of one replication: progress of the plan's actions, open windows,
//! controls in effect, the cache of function and unit evaluations, the attacker's state and
//! the results so far. Data and bookkeeping only; the handlers that change it are in `ops`
//! and `attack`.

use crate::compiled::Compiled;
use crate::outcome::{ExposureOutcome, OpsOutcome, QueueSaturation};
use crate::state::attacker::AttackState;
use bevy_ecs::prelude::*;

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
    /// The action's work that ends after the window it started in closed: (asset, when the
    /// work on it ends). Counted as overrun when the asset is back — by the work's end, so an
    /// outage after the work (a fault, an attacker) is no overrun.
    pub finishing: Vec<(u32, u64)>,
    /// Finished (or halted).
    pub done: bool,
    /// Deployments of a crew action started and not yet done (restart or rollback included).
    pub inflight: u32,
    /// Retries scheduled and not yet started.
    pub retries_pending: u32,
    /// A one-after-another rollout waiting for a retry with nothing else to do.
    pub idle: bool,
    /// Per asset retried so far: (asset, attempts made after the first), in the order first
    /// retried.
    pub attempts: Vec<(u32, u32)>,
}

impl ActionRun {
    /// Attempts made on `asset` after the first.
    pub fn attempt(&self, asset: u32) -> u32 {
        self.attempts
            .iter()
            .find(|(a, _)| *a == asset)
            .map_or(0, |(_, n)| *n)
    }
}

/// A crew of the plan at work (see `patchtwin_model::Crew`).
#[derive(Debug, Clone, Default)]
pub struct CrewRun {
    /// Technicians busy now.
    pub busy: u32,
    /// Hosts waiting for a technician, first come first served: (action, asset).
    pub waiting: std::collections::VecDeque<(u16, u32)>,
    /// A `CrewShift` event is pending.
    pub wake_pending: bool,
}

/// The operations ledger of one replication (a resource).
#[derive(Resource, Debug)]
pub struct Ledger {
    /// Key of this replication's common random numbers.
    pub key: u64,
    /// Per action of the plan.
    pub actions: Vec<ActionRun>,
    /// Per crew of the plan.
    pub crews: Vec<CrewRun>,
    /// Per asset: a crew is working on it (installing, restarting or rolling back).
    pub in_work: Vec<bool>,
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
    /// Per control, the enabling actions in effect now: a control enabled for a period
    /// (`for:`) stops being in effect when the last of them ends.
    pub control_holds: Vec<u32>,
    /// Results so far.
    pub outcome: OpsOutcome,
    /// Per data-loss consequence, the lost stretches `[from, to)` of its flows so far (merged
    /// and counted when the books close).
    pub loss_stretches: Vec<Vec<(u64, u64)>>,
    /// The attacker.
    pub attack: AttackState,
    /// Exposure results so far.
    pub exposure: ExposureOutcome,
    /// Queues that reached their bound so far (see `saturation`).
    pub saturated: Vec<QueueSaturation>,
    /// Patch side effects (asset, patch) installed inside the baseline window: the timing
    /// model takes them when it closes, so "before" is the plant as found (see `net`).
    pub deferred_effects: Vec<(u32, u32)>,
    /// Deployments (action, asset) waiting for their asset to return to service (see
    /// `ops::waiting_hosts`), in the order they came due.
    pub waiting_hosts: Vec<(u16, u32)>,
    /// Installations under way: (action, asset, the asset's `take_outs` when it started).
    pub installing: Vec<(u16, u32, u32)>,
    /// Per asset: times a take-out put it out of service so far.
    pub take_outs: Vec<u32>,
    /// Per function then per process unit, its last evaluation (see the module docs).
    pub(crate) cache: Vec<Cached>,
    /// Some entry of `cache` is dirty.
    pub(crate) any_dirty: bool,
    /// The earliest deadline in `cache` (`u64::MAX`: none).
    pub(crate) earliest: u64,
}

/// The last evaluation of one function or process unit. Valid while none of its direct
/// inputs changed (`dirty`) and `now < deadline`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cached {
    /// Earliest tolerance deadline `t + tolerance` the evaluation saw; `u64::MAX`: none (a
    /// deadline of exactly `u64::MAX`, ~584 years, is taken for none).
    pub(crate) deadline: u64,
    /// Position in `depends_on` of the first lost dependency; [`NONE_LOST`]: none.
    pub(crate) lost: u32,
    /// A direct input changed since (or never evaluated).
    pub(crate) dirty: bool,
}

/// `Cached::lost` when every dependency holds.
pub(crate) const NONE_LOST: u32 = u32::MAX;

impl Ledger {
    /// Marks the functions and units in `owners` for re-evaluation.
    pub(crate) fn mark(&mut self, owners: &[u32]) {
        for &o in owners {
            self.cache[o as usize].dirty = true;
            self.any_dirty = true;
        }
    }
}

impl Ledger {
    /// The ledger at the start of a replication of plan `plan` with key `key`: `pending`
    /// actions scheduled, `outcome` holding those that will never start.
    pub fn new(model: &Compiled, plan: usize, key: u64, pending: u32, outcome: OpsOutcome) -> Self {
        let s = &model.scenario;
        let actions = &s.plans[plan].actions;
        Ledger {
            key,
            actions: vec![ActionRun::default(); actions.len()],
            crews: vec![CrewRun::default(); s.plans[plan].crews.len()],
            in_work: vec![false; s.assets.len()],
            pending_actions: pending,
            plant_windows_open: 0,
            zone_windows_open: vec![0; s.zones.len()],
            window_ends_at: 0,
            next_wake: None,
            controls_active: vec![false; s.controls.len()],
            control_holds: vec![0; s.controls.len()],
            outcome,
            loss_stretches: vec![Vec::new(); s.data_loss.len()],
            attack: AttackState::new(s, key),
            exposure: ExposureOutcome::default(),
            saturated: Vec::new(),
            deferred_effects: Vec::new(),
            waiting_hosts: Vec::new(),
            installing: Vec::new(),
            take_outs: vec![0; s.assets.len()],
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
        }
    }
}
