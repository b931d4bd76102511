//! One replication: the bevy_ecs world, the event set and the step loop.
//!
//! State lives in a `bevy_ecs::World`: assets ([`Node`]), link directions ([`LinkQueue`]),
//! flows ([`FlowState`]), functions ([`FunctionState`]) and process units ([`UnitState`]) are
//! entities; the event queue, the random stream, entity handles and the operations ledger
//! ([`crate::ops::Ops`]) are resources. The step loop takes those resources out of the world once per run
//! (not per event — a resource access costs ~10 ns), pops events, and dispatches by `match` to
//! handlers that touch only the components they need: message-level handlers live in
//! `net`, operations (plans, deployments, windows, cascades) in `ops`. No systems run per
//! event; nothing is allocated per message event in steady state.
//!
//! Two time scales share one queue. Message-level events (polls, hops, timeouts) happen only
//! inside observation windows; operations events (deployments, restarts, windows, flow health,
//! trips) run across the whole horizon. See ARCHITECTURE.md, "Observation windows".
//!
//! The loop never reads the wall clock and draws randomness only from the replication's
//! stream (and from per-deployment streams derived from it), so a replication is a pure
//! function of (compiled scenario, plan, settings, stream).

use crate::compiled::Compiled;
use crate::queue::EventQueue;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemState;
use hdrhistogram::Histogram;
use rand::{Rng, RngExt};
use rand_pcg::Pcg64Mcg;

/// What happens next. Small and `Copy`: the queue stores events inline (20 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(
    missing_docs,
    reason = "fields are indices named by their type, and tags"
)]
pub enum Event {
    /// A flow's period starts: a poll is issued or a publication sent.
    Fire { flow: u32 },
    /// A message of `bytes` reaches route position `pos` counted from its sender;
    /// `back` is a response or publication. `stamp` is the poll's attempt tag, or for a
    /// publication the time it was sent (publications of one flow can overlap in flight).
    Hop {
        flow: u32,
        pos: u16,
        back: bool,
        bytes: u32,
        stamp: u64,
    },
    /// The producer starts answering a poll.
    Respond { flow: u32, tag: u32 },
    /// The consumer's wait for an answer ends (the flow's lazily re-armed timer: see
    /// `net::arm_timer`).
    Timeout { flow: u32, tag: u32 },
    /// A publish flow's watchdog: stale unless something arrived since it was set. `chained`:
    /// armed by an arrival, as the flow's lazily re-armed timer (see `net::arm_timer`); not
    /// chained: armed when the consumer starts listening.
    Watchdog {
        flow: u32,
        arrivals: u32,
        chained: bool,
    },
    /// Message-level observation starts (`phase` 0: baseline, 1: after the plan's changes).
    ObserveStart { phase: u8 },
    /// A plan action (stage 0: all or the staged first group; stage 1: the rest) begins.
    ActionStart { action: u16, stage: u8 },
    /// The next asset of an action's rollout may start.
    DeployNext { action: u16 },
    /// Installation on an asset finished; success or failure is decided now.
    DeployDone { action: u16, asset: u32 },
    /// An asset's restart, reboot or rollback ends.
    AssetBack { asset: u32 },
    /// A control becomes effective.
    ControlEffective { control: u32 },
    /// A maintenance window opens or closes.
    Window { window: u16, open: bool },
    /// The coarse health of a flow changes (detection of comm-fail/stale, or recovery).
    FlowHealth {
        flow: u32,
        healthy: bool,
        generation: u32,
    },
    /// Re-evaluate functions and process units (a tolerance expired).
    Reevaluate,
    /// A tripped process unit finished restarting.
    UnitRestarted { unit: u32, generation: u32 },
    /// An attack attempt arrives at an entry point.
    AttackAttempt { entry: u16 },
    /// An exploit attempt on `asset` through `vuln` completes.
    AttackStep {
        asset: u32,
        vuln: u32,
        generation: u32,
    },
    /// Incident response evicts the attacker.
    Evict { generation: u32 },
}

/// An asset's run-time state.
#[derive(Component, Debug)]
pub struct Node {
    /// Whether the asset is up (no restart, reboot or rollback in progress).
    pub up: bool,
    /// Overlapping reasons for being down (own restart, zone restart, …).
    pub down_count: u32,
    /// When it last went down.
    pub down_since: u64,
    /// Scan cycle for controllers (an index into `Compiled::scans`); `None` for assets that
    /// serve requests as they come. A patch may install another.
    pub scan: Option<u32>,
    /// Factor stretching every scan (1 at the model's base load; more after added load).
    pub scan_stretch: f64,
    /// Service time added by patches' side effects (ns).
    pub extra_service_ns: u64,
    /// CPU load (base plus what patches added).
    pub cpu_load: f64,
    /// When the asset's request processing is next free (FIFO service).
    pub busy_until: u64,
}

/// Both directions of one link, each a FIFO transmission queue.
#[derive(Component, Debug, Default)]
pub struct LinkQueue {
    /// When each direction's transmitter is next free (`[forward, backward]`).
    pub busy_until: [u64; 2],
}

/// A flow's run-time state.
///
/// `repr(C)` keeps the declaration order: what every message of the flow reads or writes comes
/// first, so that on a plant with thousands of flows an event touches one or two cache lines of
/// this component rather than fields scattered across it.
#[derive(Component, Debug)]
#[repr(C)]
pub struct FlowState {
    /// Tag of the current attempt; events with another tag are stale.
    pub tag: u32,
    /// Attempt number within the current poll (0 = first).
    pub attempt: u32,
    /// When the current poll's first attempt (or the last publication) was sent.
    pub poll_started: u64,
    /// Latency added to every message by inspection on crossed conduits (ns).
    pub extra_ns: u64,
    /// Publications delivered (for the watchdog).
    pub arrivals: u32,
    /// Consecutive failed polls.
    pub consecutive_failures: u32,
    /// A poll is waiting for an answer.
    pub outstanding: bool,
    /// The consumer currently marks the producer failed (message level).
    pub comm_failed: bool,
    /// The consumer currently marks the data stale (message level).
    pub stale: bool,
    /// The observation phase the batched latencies belong to.
    pub batch_phase: u8,
    /// The flow's timer (the current poll attempt's timeout, or the watchdog the last
    /// publication armed) is armed: it expires at `timer_at`, in the place of sequence number
    /// `timer_seq` (see `net::arm_timer`).
    pub timer_armed: bool,
    /// One event of the flow's timer is in the queue (never more than one).
    pub timer_queued: bool,
    /// Sequence number the armed timer reserved.
    pub timer_seq: u32,
    /// When the armed timer expires.
    pub timer_at: u64,
    /// Counts of the running observation phase, folded into `stats` when the phase ends.
    pub live: LiveCounts,
    /// Latencies (µs) completed since the last flush into `stats[batch_phase]`'s histogram.
    ///
    /// Recording straight into a histogram touches a random cache line of a multi-KB count
    /// array per message; on a plant with thousands of flows those arrays do not fit in cache
    /// and every record missed. Batching appends to a short sequential buffer and flushes
    /// [`LATENCY_BATCH`] values at a time, touching each histogram line once per batch.
    pub batch_us: Vec<u32>,
    /// Route assets currently down (operations level).
    pub route_down: u32,
    /// Bumped on every route change; stale health events carry an old value.
    pub generation: u32,
    /// The flow is failed at the operations level (detected comm-fail or stale data).
    pub failed: bool,
    /// When it was last marked failed.
    pub failed_since: u64,
    /// Statistics per observation phase (0: baseline, 1: after the changes) once folded.
    /// Boxed: two histograms are large and cold.
    pub stats: Box<[FlowStats; 2]>,
}

/// Exact counts of one flow in the running observation phase: the hot part of [`FlowStats`],
/// kept inline in [`FlowState`]. 32-bit counts suffice: a replication schedules fewer than
/// 2³² events (see `queue`).
#[derive(Clone, Copy, Debug)]
#[expect(
    missing_docs,
    reason = "each field counts what its FlowStats namesake counts"
)]
pub struct LiveCounts {
    pub sent: u32,
    pub completed: u32,
    pub deadline_misses: u32,
    pub timeouts: u32,
    pub failed_polls: u32,
    pub comm_fail_events: u32,
    pub stale_events: u32,
    pub lost: u32,
    pub latency_min_ns: u64,
    pub latency_max_ns: u64,
    pub latency_sum_ns: u128,
    pub latency_sumsq_ns: u128,
}

impl LiveCounts {
    /// Nothing counted yet.
    pub const ZERO: LiveCounts = LiveCounts {
        sent: 0,
        completed: 0,
        deadline_misses: 0,
        timeouts: 0,
        failed_polls: 0,
        comm_fail_events: 0,
        stale_events: 0,
        lost: 0,
        latency_min_ns: u64::MAX,
        latency_max_ns: 0,
        latency_sum_ns: 0,
        latency_sumsq_ns: 0,
    };

    /// Adds these counts to `stats` (exact).
    pub fn fold_into(&self, stats: &mut FlowStats) {
        stats.sent += u64::from(self.sent);
        stats.completed += u64::from(self.completed);
        stats.deadline_misses += u64::from(self.deadline_misses);
        stats.timeouts += u64::from(self.timeouts);
        stats.failed_polls += u64::from(self.failed_polls);
        stats.comm_fail_events += u64::from(self.comm_fail_events);
        stats.stale_events += u64::from(self.stale_events);
        stats.lost += u64::from(self.lost);
        stats.latency_sum_ns += self.latency_sum_ns;
        stats.latency_sumsq_ns += self.latency_sumsq_ns;
        stats.latency_min_ns = stats.latency_min_ns.min(self.latency_min_ns);
        stats.latency_max_ns = stats.latency_max_ns.max(self.latency_max_ns);
    }
}

/// Latencies buffered per flow before they are recorded into its histogram.
pub const LATENCY_BATCH: usize = 128;

impl FlowState {
    /// Ends observation phase `phase` for this flow: its counts and batched latencies go into
    /// `stats[phase]`, and counting starts afresh.
    pub fn close_phase(&mut self, phase: usize) {
        let stats = &mut self.stats[phase];
        if stats.latency_hist.is_none() && usize::from(self.batch_phase) == phase {
            // Never flushed: hand the few latencies over as they are instead of building a
            // histogram for them (see `FlowStats::unrecorded_us`).
            stats.unrecorded_us = std::mem::take(&mut self.batch_us);
        } else {
            self.flush_latencies();
        }
        let live = std::mem::replace(&mut self.live, LiveCounts::ZERO);
        live.fold_into(&mut self.stats[phase]);
    }

    /// Records the buffered latencies into their phase's histogram and empties the buffer,
    /// keeping its capacity.
    pub fn flush_latencies(&mut self) {
        if self.batch_us.is_empty() {
            return;
        }
        self.stats[usize::from(self.batch_phase)].record_latencies_us(&self.batch_us);
        self.batch_us.clear();
    }
}

/// An operational function's state.
#[derive(Component, Debug)]
pub struct FunctionState {
    /// Available.
    pub ok: bool,
    /// When it was last lost.
    pub lost_since: u64,
}

/// Where a process unit is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitMode {
    /// Producing.
    Running,
    /// Stopped for a maintenance window (planned, costs nothing).
    Stopped,
    /// Tripped; waits for its dependencies.
    Tripped,
    /// Restarting after a trip, until the given time.
    Restarting(u64),
}

/// A process unit's state.
#[derive(Component, Debug)]
pub struct UnitState {
    /// Current mode.
    pub mode: UnitMode,
    /// Last time downtime was accounted.
    pub accounted_to: u64,
    /// Unplanned downtime so far (ns).
    pub downtime_ns: u64,
    /// Unplanned trips so far.
    pub trips: u32,
    /// Bumped on every trip; stale restart events carry an old value.
    pub generation: u32,
}

/// Entity handles by scenario index.
#[derive(Resource, Debug)]
pub struct Handles {
    /// Asset entities.
    pub assets: Vec<Entity>,
    /// Link entities.
    pub links: Vec<Entity>,
    /// Flow entities.
    pub flows: Vec<Entity>,
    /// Function entities.
    pub functions: Vec<Entity>,
    /// Process unit entities.
    pub units: Vec<Entity>,
}

/// The replication's random stream (a resource between runs).
#[derive(Resource, Debug)]
pub struct Stream(pub Pcg64Mcg);

/// The event queue (a resource between runs).
#[derive(Resource, Debug)]
pub struct Queue(pub EventQueue<Event>);

/// Settings of one replication.
#[derive(Clone, Copy, Debug)]
pub struct RunSettings {
    /// Length of each message-level observation window (ns): the baseline at the start, and
    /// one after the plan's changes are complete (see ARCHITECTURE.md).
    pub observe_ns: u64,
    /// Hard stop (the horizon), ns.
    pub horizon_ns: u64,
}

/// One line of a narrated replication, for `trace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLine {
    /// When (ns).
    pub time: u64,
    /// The entity concerned (asset, flow, function or unit id).
    pub entity: String,
    /// Event kind, for filtering.
    pub kind: &'static str,
    /// What happened and why.
    pub text: String,
}

/// Operations results of one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpsOutcome {
    /// Unplanned process trips (outside windows, or at a window's end).
    pub trips: u32,
    /// Unplanned downtime of all process units (ns).
    pub downtime_ns: u64,
    /// Cost of that downtime (scenario currency).
    pub downtime_cost: f64,
    /// Patch deployments attempted.
    pub deployments: u32,
    /// Deployments that failed and were rolled back.
    pub failed_deployments: u32,
    /// Time work ran past the end of the window it started in (ns), summed over actions.
    pub window_overrun_ns: u64,
    /// Loss of view outside windows (ns), summed over view functions.
    pub loss_of_view_ns: u64,
    /// Loss of control outside windows (ns), summed over control functions.
    pub loss_of_control_ns: u64,
    /// Data lost at historians beyond their store-and-forward buffers (ns).
    pub historian_gap_ns: u64,
    /// Plan actions that never started within the horizon.
    pub actions_not_run: u32,
    /// When the last of the plan's changes completed, if they did.
    pub changes_done_at: Option<u64>,
    /// Per (vulnerability, asset): when it was fixed, for the exposure model.
    pub fixed: Vec<(u32, u32, u64)>,
}

/// Results of one replication.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Per-flow timing in the baseline observation window, in scenario order.
    pub flows: Vec<FlowStats>,
    /// Per-flow timing in the window after the plan's changes (empty statistics when the plan
    /// changed nothing or did not finish within the horizon).
    pub flows_after: Vec<FlowStats>,
    /// Operations.
    pub ops: OpsOutcome,
    /// Exposure.
    pub exposure: crate::attack::ExposureOutcome,
    /// Events processed.
    pub events: u64,
    /// Mean number of pending events seen at each pop (for benchmark baselines).
    pub mean_pending: f64,
}

/// One replication in progress.
pub struct Replication<'m> {
    model: &'m Compiled,
    plan: usize,
    world: World,
    settings: RunSettings,
    trace: Option<Vec<TraceLine>>,
}

impl<'m> Replication<'m> {
    /// Builds the world for one replication of plan `plan` (an index into the scenario's
    /// plans). `rng` is the replication's own stream; the same stream under every plan gives
    /// common random numbers.
    pub fn new(model: &'m Compiled, plan: usize, settings: RunSettings, mut rng: Pcg64Mcg) -> Self {
        let s = &model.scenario;
        // The first draw keys every per-deployment stream, so that plan differences do not
        // shift the draws of the deployments they share (common random numbers).
        let key = rng.next_u64();
        let mut world = World::new();
        let assets: Vec<Entity> = s
            .assets
            .iter()
            .enumerate()
            .map(|(ai, a)| {
                let b = &a.behaviour;
                world
                    .spawn(Node {
                        up: true,
                        down_count: 0,
                        down_since: 0,
                        scan: model.asset_scan[ai],
                        scan_stretch: 1.0,
                        extra_service_ns: 0,
                        cpu_load: b.cpu_load,
                        busy_until: 0,
                    })
                    .id()
            })
            .collect();
        let links: Vec<Entity> = s
            .links
            .iter()
            .map(|_| world.spawn(LinkQueue::default()).id())
            .collect();
        let flows: Vec<Entity> = s
            .flows
            .iter()
            .map(|_| {
                world
                    .spawn(FlowState {
                        tag: 0,
                        outstanding: false,
                        attempt: 0,
                        poll_started: 0,
                        consecutive_failures: 0,
                        comm_failed: false,
                        arrivals: 0,
                        stale: false,
                        extra_ns: 0,
                        live: LiveCounts::ZERO,
                        // Histograms are created at full precision on their first flush, so a
                        // flow that never completes a message allocates none.
                        stats: Box::new([FlowStats::empty(), FlowStats::empty()]),
                        route_down: 0,
                        generation: 0,
                        failed: false,
                        failed_since: 0,
                        // Reserved with the world, so that the step loop does not allocate.
                        batch_us: Vec::with_capacity(LATENCY_BATCH),
                        batch_phase: 0,
                        timer_armed: false,
                        timer_queued: false,
                        timer_seq: 0,
                        timer_at: 0,
                    })
                    .id()
            })
            .collect();
        let functions: Vec<Entity> = s
            .functions
            .iter()
            .map(|_| {
                world
                    .spawn(FunctionState {
                        ok: true,
                        lost_since: 0,
                    })
                    .id()
            })
            .collect();
        let units: Vec<Entity> = s
            .process_units
            .iter()
            .map(|_| {
                world
                    .spawn(UnitState {
                        mode: UnitMode::Running,
                        accounted_to: 0,
                        downtime_ns: 0,
                        trips: 0,
                        generation: 0,
                    })
                    .id()
            })
            .collect();
        let mut queue = EventQueue::new();
        queue.schedule(0, Event::ObserveStart { phase: 0 });
        let ops = crate::ops::Ops::new(model, plan, key, &mut queue, settings);
        world.insert_resource(Handles {
            assets,
            links,
            flows,
            functions,
            units,
        });
        world.insert_resource(Queue(queue));
        world.insert_resource(Stream(rng));
        world.insert_resource(ops);
        Replication {
            model,
            plan,
            world,
            settings,
            trace: None,
        }
    }

    /// Records a narrated timeline while running.
    pub fn with_trace(mut self) -> Self {
        self.trace = Some(Vec::new());
        self
    }

    /// Mutable access to the world (tests set up outages here).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Runs to the horizon and returns the outcome (and the trace, if recording).
    pub fn run(mut self) -> (Outcome, Vec<TraceLine>) {
        let Queue(mut queue) = self
            .world
            .remove_resource::<Queue>()
            .expect("queue resource");
        let Stream(mut rng) = self
            .world
            .remove_resource::<Stream>()
            .expect("stream resource");
        let handles = self
            .world
            .remove_resource::<Handles>()
            .expect("handles resource");
        let mut ops = self
            .world
            .remove_resource::<crate::ops::Ops>()
            .expect("ops resource");
        let mut events = 0u64;
        let mut pending_sum = 0u64;
        let horizon = self.settings.horizon_ns;
        // One query per component type, turned into columns for the whole run (see
        // `Components`).
        let mut queries = SystemState::<(
            Query<(Entity, &mut Node)>,
            Query<(Entity, &mut LinkQueue)>,
            Query<(Entity, &mut FlowState)>,
            Query<(Entity, &mut FunctionState)>,
            Query<(Entity, &mut UnitState)>,
        )>::new(&mut self.world);
        let (nodes, links, flows, functions, units) = queries
            .get_mut(&mut self.world)
            .expect("component queries are always valid");
        let mut step = Step {
            model: self.model,
            plan: self.plan,
            c: Components {
                nodes: column(nodes, &handles.assets),
                links: column(links, &handles.links),
                flows: column(flows, &handles.flows),
                functions: column(functions, &handles.functions),
                units: column(units, &handles.units),
            },
            rng: &mut rng,
            settings: self.settings,
            trace: self.trace.as_mut(),
            ops: &mut ops,
            observing: None,
            observe_until: 0,
        };
        step.update_exposure(0);
        while let Some((now, event)) = queue.pop() {
            if now > horizon {
                break;
            }
            events += 1;
            pending_sum += queue.len() as u64;
            if let Some(next) = queue.next_hint() {
                step.warm(next);
            }
            step.dispatch(&mut queue, now, event);
        }
        step.finish(horizon);
        let last_phase = usize::from(step.observing.unwrap_or(0));
        let (flows, flows_after): (Vec<FlowStats>, Vec<FlowStats>) = step
            .c
            .flows
            .iter_mut()
            .map(|st| {
                st.close_phase(last_phase);
                let [before, after] =
                    std::mem::replace(&mut *st.stats, [FlowStats::empty(), FlowStats::empty()]);
                (before, after)
            })
            .unzip();
        let outcome = Outcome {
            flows,
            flows_after,
            ops: ops.outcome,
            exposure: ops.exposure,
            events,
            mean_pending: if events == 0 {
                0.0
            } else {
                pending_sum as f64 / events as f64
            },
        };
        (outcome, self.trace.unwrap_or_default())
    }
}

/// The world's components as the handlers of one run see them: each component type as a
/// column in scenario order (`flows[i]` is flow `i`'s state), borrowed from the world's tables
/// once per run through one query per type.
///
/// The components stay in the world; the run holds `&mut` borrows of them, as a system
/// iterating its query would. Reaching an entity through `Query::get` costs a lookup of the
/// entity's location (a likely cache miss on a plant with thousands of flows) and an
/// archetype check on every access; a column index costs one load from an array that stays
/// in cache. Nothing is spawned, despawned or moved between tables during a run.
pub(crate) struct Components<'w> {
    pub(crate) nodes: Vec<&'w mut Node>,
    pub(crate) links: Vec<&'w mut LinkQueue>,
    pub(crate) flows: Vec<&'w mut FlowState>,
    pub(crate) functions: Vec<&'w mut FunctionState>,
    pub(crate) units: Vec<&'w mut UnitState>,
}

/// Borrows every `T` of `query` as a column ordered like `order` (the scenario's entities of
/// that type, as spawned).
///
/// # Panics
/// If an entity of `order` lacks `T`; `Replication::new` spawns each with its component.
fn column<'w, T: Component<Mutability = bevy_ecs::component::Mutable>>(
    query: Query<'w, 'w, (Entity, &'static mut T)>,
    order: &[Entity],
) -> Vec<&'w mut T> {
    let mut pairs: Vec<(Entity, &'w mut T)> = query
        .into_iter()
        .map(|(entity, value)| (entity, value.into_inner()))
        .collect();
    // A fresh world's table holds its entities in spawn order, which is scenario order. A
    // test that reshaped entities through `world_mut` may have moved some between tables.
    if !pairs.iter().map(|(e, _)| *e).eq(order.iter().copied()) {
        let slot: bevy_ecs::entity::EntityHashMap<usize> =
            order.iter().enumerate().map(|(i, e)| (*e, i)).collect();
        pairs.retain(|(e, _)| slot.contains_key(e));
        pairs.sort_unstable_by_key(|(e, _)| slot[e]);
    }
    assert_eq!(pairs.len(), order.len(), "every entity has its component");
    pairs.into_iter().map(|(_, value)| value).collect()
}

/// Borrowed state for the handlers of one run.
pub(crate) struct Step<'a, 'm> {
    pub(crate) model: &'m Compiled,
    pub(crate) plan: usize,
    /// The world's components, borrowed as columns for the run.
    pub(crate) c: Components<'a>,
    pub(crate) rng: &'a mut Pcg64Mcg,
    pub(crate) settings: RunSettings,
    pub(crate) trace: Option<&'a mut Vec<TraceLine>>,
    pub(crate) ops: &'a mut crate::ops::Ops,
    /// The observation phase running, if any.
    pub(crate) observing: Option<u8>,
    /// End of the running observation window.
    pub(crate) observe_until: u64,
}

impl Step<'_, '_> {
    #[inline]
    fn dispatch(&mut self, q: &mut EventQueue<Event>, now: u64, event: Event) {
        match event {
            Event::Fire { flow } => self.fire(q, now, flow),
            Event::Hop {
                flow,
                pos,
                back,
                bytes,
                stamp,
            } => self.hop(q, now, flow, pos, back, stamp, bytes),
            Event::Respond { flow, tag } => self.respond(q, now, flow, tag),
            Event::Timeout { flow, tag } => self.timeout(q, now, flow, tag),
            Event::Watchdog {
                flow,
                arrivals,
                chained,
            } => self.watchdog(q, now, flow, arrivals, chained),
            Event::ObserveStart { phase } => self.observe_start(q, now, phase),
            Event::ActionStart { action, stage } => self.action_start(q, now, action, stage),
            Event::DeployNext { action } => self.deploy_next(q, now, action),
            Event::DeployDone { action, asset } => self.deploy_done(q, now, action, asset),
            Event::AssetBack { asset } => self.asset_back(q, now, asset),
            Event::ControlEffective { control } => self.control_effective(q, now, control),
            Event::Window { window, open } => self.window(q, now, window, open),
            Event::FlowHealth {
                flow,
                healthy,
                generation,
            } => self.flow_health(q, now, flow, healthy, generation),
            Event::Reevaluate => self.evaluate(q, now),
            Event::UnitRestarted { unit, generation } => {
                self.unit_restarted(q, now, unit, generation)
            }
            Event::AttackAttempt { entry } => self.attack_attempt(q, now, entry),
            Event::AttackStep {
                asset,
                vuln,
                generation,
            } => self.attack_step(q, now, asset, vuln, generation),
            Event::Evict { generation } => self.evict(q, now, generation),
        }
    }

    /// Starts loading what the next message event will read, so that its cache misses
    /// overlap with the current event's work instead of stalling the next one (on a plant with
    /// thousands of flows, most of an event's time is waiting for its flow's data). A hint to
    /// the CPU only: it reads nothing and changes nothing.
    #[inline]
    fn warm(&self, next: &Event) {
        let flow = match *next {
            Event::Fire { flow }
            | Event::Hop { flow, .. }
            | Event::Respond { flow, .. }
            | Event::Timeout { flow, .. }
            | Event::Watchdog { flow, .. } => flow,
            _ => return,
        };
        let f = &self.model.flows[flow as usize];
        prefetch(f);
        if let Some(first) = f.links.first() {
            prefetch(first);
        }
    }

    /// Records a trace line (only when tracing; the text is built lazily).
    pub(crate) fn note(
        &mut self,
        now: u64,
        entity: &str,
        kind: &'static str,
        text: impl FnOnce() -> String,
    ) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.push(TraceLine {
                time: now,
                entity: entity.to_string(),
                kind,
                text: text(),
            });
        }
    }

    #[inline(always)]
    pub(crate) fn flow_state(&mut self, flow: u32) -> &mut FlowState {
        self.c.flows[flow as usize]
    }

    #[inline(always)]
    pub(crate) fn node(&mut self, asset: u32) -> &mut Node {
        self.c.nodes[asset as usize]
    }

    #[inline(always)]
    pub(crate) fn node_ref(&self, asset: u32) -> &Node {
        self.c.nodes[asset as usize]
    }

    #[inline(always)]
    pub(crate) fn flow_ref(&self, flow: u32) -> &FlowState {
        self.c.flows[flow as usize]
    }

    fn observe_start(&mut self, q: &mut EventQueue<Event>, now: u64, phase: u8) {
        let previous = self.observing.replace(phase);
        self.observe_until = now
            .saturating_add(self.settings.observe_ns)
            .min(self.settings.horizon_ns);
        if phase == 1 {
            for st in &mut self.c.flows {
                st.close_phase(usize::from(previous.unwrap_or(0)));
                st.outstanding = false;
            }
        }
        for (i, f) in self.model.flows.iter().enumerate() {
            let first = now + f.phase_ns;
            if first < self.observe_until {
                q.schedule(first, Event::Fire { flow: i as u32 });
            }
            // The consumer arms its watchdog when it starts listening, so a publisher that
            // never delivers is noticed too.
            if let Some(w) = f.watchdog_ns
                && first + w < self.observe_until
            {
                let arrivals = self.flow_state(i as u32).arrivals;
                q.schedule(
                    first + w,
                    Event::Watchdog {
                        flow: i as u32,
                        arrivals,
                        chained: false,
                    },
                );
            }
        }
    }
}

/// Per-flow timing results of one replication (mergeable, exact).
#[derive(Debug, Clone)]
pub struct FlowStats {
    /// Latency of completed polls (first attempt to answer) or publications, in microseconds;
    /// `None` until one is recorded. Read through [`FlowStats::latency_histogram`].
    latency_hist: Option<Histogram<u64>>,
    /// Latencies (µs) counted but not in the histogram. A replication hands over the few
    /// latencies of a flow that never filled a batch as they are: on a plant with thousands of
    /// flows, building a histogram per flow and replication and then adding it to the
    /// accumulator cost more than simulating the messages. Merging records them.
    unrecorded_us: Vec<u32>,
    /// Polls issued or publications sent.
    pub sent: u64,
    /// Polls answered or publications delivered.
    pub completed: u64,
    /// Completed with latency above the deadline.
    pub deadline_misses: u64,
    /// Attempts that timed out.
    pub timeouts: u64,
    /// Polls that failed after all retries.
    pub failed_polls: u64,
    /// Times the consumer declared the producer failed (N consecutive failed polls).
    pub comm_fail_events: u64,
    /// Times a watchdog declared the data stale.
    pub stale_events: u64,
    /// Messages lost on links or dropped at a down asset.
    pub lost: u64,
    /// Exact sum of latencies (ns), for means without histogram rounding.
    pub latency_sum_ns: u128,
    /// Exact sum of squared latencies (ns²), for variances.
    pub latency_sumsq_ns: u128,
    /// Smallest latency (ns); `u64::MAX` when nothing completed.
    pub latency_min_ns: u64,
    /// Largest latency (ns).
    pub latency_max_ns: u64,
}

impl FlowStats {
    /// Empty statistics for an accumulator, its histogram ready (1 µs up, 2 significant
    /// digits, auto-resizing).
    pub fn new() -> Self {
        FlowStats {
            // Auto-resizing: storage grows with the largest latency recorded (a few KB for
            // millisecond flows) instead of being sized for the 10-minute maximum up front.
            latency_hist: Some(Histogram::new(LATENCY_SIGFIG).expect("valid histogram")),
            ..FlowStats::empty()
        }
    }

    /// Statistics with nothing counted and no histogram allocated (one is created at the
    /// first recorded latency). Merging them into an accumulator adds nothing.
    pub fn empty() -> Self {
        FlowStats {
            latency_hist: None,
            unrecorded_us: Vec::new(),
            sent: 0,
            completed: 0,
            deadline_misses: 0,
            timeouts: 0,
            failed_polls: 0,
            comm_fail_events: 0,
            stale_events: 0,
            lost: 0,
            latency_sum_ns: 0,
            latency_sumsq_ns: 0,
            latency_min_ns: u64::MAX,
            latency_max_ns: 0,
        }
    }

    /// The latency histogram (µs), including latencies not yet recorded in it.
    pub fn latency_histogram(&self) -> std::borrow::Cow<'_, Histogram<u64>> {
        match &self.latency_hist {
            Some(h) if self.unrecorded_us.is_empty() => std::borrow::Cow::Borrowed(h),
            _ => {
                let mut all = FlowStats::empty();
                all.merge_latencies(self);
                std::borrow::Cow::Owned(
                    all.latency_hist.unwrap_or_else(|| {
                        Histogram::new(LATENCY_SIGFIG).expect("valid histogram")
                    }),
                )
            }
        }
    }

    fn merge_latencies(&mut self, other: &FlowStats) {
        if let Some(h) = &other.latency_hist {
            self.histogram_mut(h.max())
                .add(h)
                .expect("auto-resizing histogram");
        }
        self.record_latencies_us(&other.unrecorded_us);
    }

    /// The histogram, created on first use sized for values up to `high` µs (auto-resizing
    /// beyond), at full precision.
    fn histogram_mut(&mut self, high: u64) -> &mut Histogram<u64> {
        self.latency_hist.get_or_insert_with(|| {
            let mut h = Histogram::new_with_bounds(1, high.max(2), LATENCY_SIGFIG)
                .expect("valid histogram bounds");
            h.auto(true);
            h
        })
    }

    /// Records latencies (µs, already clamped to [`LATENCY_MAX_US`]) into the histogram.
    pub(crate) fn record_latencies_us(&mut self, values: &[u32]) {
        let Some(high) = values.iter().copied().max() else {
            return;
        };
        let h = self.histogram_mut(u64::from(high));
        for &us in values {
            // `record`, not `saturating_record`: the histogram auto-resizes, and values are
            // clamped to LATENCY_MAX_US, so this cannot fail.
            h.record(u64::from(us)).expect("auto-resizing histogram");
        }
    }

    /// Records `count` latencies of `value_us` µs, as an accumulator read back from a part
    /// file is rebuilt: a value a histogram iterates over lands in the bucket it came from, so
    /// the counts are exact. The other fields are public; set them directly.
    pub fn record_latency_count(
        &mut self,
        value_us: u64,
        count: u64,
    ) -> Result<(), hdrhistogram::RecordError> {
        self.histogram_mut(value_us).record_n(value_us, count)
    }

    /// Exact mean latency in nanoseconds, if anything completed.
    pub fn mean_latency_ns(&self) -> Option<f64> {
        (self.completed > 0).then(|| self.latency_sum_ns as f64 / self.completed as f64)
    }
    /// Adds another replication's statistics (exact: counts only).
    pub fn merge(&mut self, other: &FlowStats) {
        if other.sent == 0 && other.completed == 0 && other.timeouts == 0 {
            return;
        }
        self.merge_latencies(other);
        self.sent += other.sent;
        self.completed += other.completed;
        self.deadline_misses += other.deadline_misses;
        self.timeouts += other.timeouts;
        self.failed_polls += other.failed_polls;
        self.comm_fail_events += other.comm_fail_events;
        self.stale_events += other.stale_events;
        self.lost += other.lost;
        self.latency_sum_ns += other.latency_sum_ns;
        self.latency_sumsq_ns += other.latency_sumsq_ns;
        self.latency_min_ns = self.latency_min_ns.min(other.latency_min_ns);
        self.latency_max_ns = self.latency_max_ns.max(other.latency_max_ns);
    }
}

impl Default for FlowStats {
    fn default() -> Self {
        Self::new()
    }
}

/// Time from a request's arrival to the controller's next scan boundary.
///
/// Scan boundaries form a renewal process whose gaps are the scan cycle `S`. A request arriving
/// at a random moment lands in a gap drawn with probability proportional to its length (the
/// inspection paradox), at a uniform point inside it; the wait is the rest of that gap. We
/// draw the length-biased gap by rejection (accept `S` with probability `S / max`, at most
/// `max / mean` tries on average) when the scan is bounded; for an unbounded distribution we
/// fall back to an unbiased draw, which underestimates the mean wait by `Var(S) / (2 E[S])`.
/// For a constant scan `s` this is exactly U[0, s). Each request draws afresh rather than
/// simulating every scan as an event (one event per scan per controller).
#[inline]
pub(crate) fn scan_wait_ns(cycle: &crate::compiled::ScanCycle, rng: &mut Pcg64Mcg) -> u64 {
    let (scan, max_ns) = (&cycle.dist, cycle.max_ns);
    let gap = if scan.0.is_constant() {
        scan.0.sample(rng)
    } else {
        match max_ns {
            Some(max) if max > 0.0 => {
                let mut g = scan.0.sample(rng);
                for _ in 0..64 {
                    if rng.random::<f64>() * max < g {
                        break;
                    }
                    g = scan.0.sample(rng);
                }
                g
            }
            _ => scan.0.sample(rng),
        }
    };
    round_u64(gap * (1.0 - rng.random::<f64>()))
}

/// Largest latency the histograms resolve (10 minutes, in µs); longer ones are recorded as
/// this value (exact means and maxima are kept separately in nanoseconds).
///
/// Two significant digits (1% resolution) and auto-resizing keep a flow's histogram at a few
/// KB: sized up front for three digits, a 5,000-flow plant allocated ~1 GB per replication.
pub const LATENCY_MAX_US: u64 = 600_000_000;

/// Significant digits of latency histograms (1% resolution).
pub const LATENCY_SIGFIG: u8 = 2;

/// Counts a completed message of flow state `st` in observation `phase`: exact counters now,
/// the histogram through the flow's latency batch.
#[inline]
pub(crate) fn record(st: &mut FlowState, phase: usize, latency_ns: u64, deadline_ns: u64) {
    let stats = &mut st.live;
    stats.completed += 1;
    stats.latency_sum_ns += u128::from(latency_ns);
    stats.latency_sumsq_ns += u128::from(latency_ns) * u128::from(latency_ns);
    stats.latency_min_ns = stats.latency_min_ns.min(latency_ns);
    stats.latency_max_ns = stats.latency_max_ns.max(latency_ns);
    if latency_ns > deadline_ns {
        stats.deadline_misses += 1;
    }
    // Microseconds, rounded up so that sub-microsecond latencies still count (never 0).
    // LATENCY_MAX_US fits in a u32.
    let us = latency_ns.div_ceil(1_000).clamp(1, LATENCY_MAX_US) as u32;
    if usize::from(st.batch_phase) != phase {
        st.flush_latencies();
        st.batch_phase = phase as u8;
    }
    if st.batch_us.capacity() == 0 {
        // Handed over with the previous phase's statistics (see `close_phase`).
        st.batch_us.reserve_exact(LATENCY_BATCH);
    }
    st.batch_us.push(us);
    if st.batch_us.len() == LATENCY_BATCH {
        st.flush_latencies();
    }
}

/// Asks the CPU to start loading the cache line holding `value` (see `Step::warm`).
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code, reason = "a cache hint; see the SAFETY note")]
    // SAFETY: `_mm_prefetch` is only a hint: it never faults and has no architectural
    // effect, and the address comes from a live reference. SSE is in the x86_64 baseline.
    unsafe {
        use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// `x.round() as u64`, exactly, without the library call `f64::round` compiles to on the
/// x86_64 baseline (no SSE4.1): truncate, then add one if the dropped fraction is at least
/// one half. Exact because `x - trunc(x)` is computed without rounding error; negative and
/// NaN give 0 and huge values saturate, as the cast does.
#[inline(always)]
pub(crate) fn round_u64(x: f64) -> u64 {
    let t = x as u64;
    if x - t as f64 >= 0.5 {
        t.saturating_add(1)
    } else {
        t
    }
}

/// Formats nanoseconds for trace lines.
pub fn fmt_ns(ns: u64) -> String {
    patchtwin_model::Duration(ns).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `round_u64` is exactly `f64::round` followed by the saturating cast, on edge cases and
    /// on a sweep of values across magnitudes.
    #[test]
    fn round_u64_matches_round_then_cast() {
        let mut cases = vec![
            0.0,
            -0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            -0.3,
            -1.7,
            4503599627370495.5,
            4503599627370496.0,
            9007199254740993.0,
            1.8446744073709552e19,
            1e30,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            cases.push(mantissa * 10f64.powi((x % 22) as i32));
        }
        for v in cases {
            assert_eq!(round_u64(v), v.round() as u64, "{v:e}");
        }
    }

    /// However latencies reach a `FlowStats` (batched into its histogram, handed over
    /// unrecorded, or merged from another), its histogram holds exactly the values recorded.
    #[test]
    fn latency_histogram_holds_every_value_however_it_arrived() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut values = Vec::new();
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push((x % 200_000 + 1) as u32);
        }
        let mut expected = Histogram::<u64>::new(LATENCY_SIGFIG).unwrap();
        for v in &values {
            expected.record(u64::from(*v)).unwrap();
        }
        // One replication's flow: the first 900 values went through batches, the last 100
        // were never flushed.
        let mut replication = FlowStats::empty();
        for chunk in values[..900].chunks(LATENCY_BATCH) {
            replication.record_latencies_us(chunk);
        }
        replication.unrecorded_us = values[900..].to_vec();
        replication.completed = values.len() as u64;
        let seen = replication.latency_histogram();
        assert_eq!(seen.len(), 1000);
        for q in [0.0, 0.25, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(
                seen.value_at_quantile(q),
                expected.value_at_quantile(q),
                "q {q}"
            );
        }
        // Merged into an accumulator, twice: every count doubles.
        let mut acc = FlowStats::new();
        acc.merge(&replication);
        acc.merge(&replication);
        let merged = acc.latency_histogram();
        assert_eq!(merged.len(), 2000);
        for v in expected.iter_recorded() {
            assert_eq!(
                merged.count_at(v.value_iterated_to()),
                2 * v.count_at_value(),
                "value {}",
                v.value_iterated_to()
            );
        }
    }
}
