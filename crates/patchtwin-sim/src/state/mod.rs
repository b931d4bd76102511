//! Run-time state of one replication: the components (assets, link directions, flows,
//! functions, process units), the resources between runs, spawning the world, and borrowing
//! each component type as a column for the run (`Components`). Submodules hold the
//! operations ledger ([`ledger`]) and the attacker's state ([`attacker`]).
//!
//! Components hold only what changes during a run; what a replication reads but never writes
//! is in [`crate::compiled`]. Nothing here handles events.

pub mod attacker;
pub mod ledger;

use crate::compiled::Compiled;
use crate::event::Event;
use crate::outcome::{AttackerStopped, FlowStats};
use crate::outcome::{LATENCY_BATCH, LATENCY_MAX_US};
use crate::queue::EventQueue;
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemState;
use rand_pcg::Pcg64Mcg;

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
    /// Factor stretching every scan: `1 / (1 − cpu_load)`. At spawn the base load's
    /// ([`stretch_for_load`]); a patch that adds load raises it to `1 / (1 − base − added)`.
    pub scan_stretch: f64,
    /// Patches whose side effects add service time to every message this asset handles
    /// (drawn per message from each patch's `added_service_time`).
    pub added_service: Vec<u32>,
    /// CPU load (base plus what patches added), at most [`MAX_CPU_LOAD`].
    pub cpu_load: f64,
    /// When the asset's request processing is next free (FIFO service).
    pub busy_until: u64,
    /// Requests waiting for service or being served (bounded, see `saturation`).
    pub queued: u32,
    /// The controller's running scan clock (unused for assets without a scan).
    pub scan_clock: ScanClock,
}

/// A controller's scan clock: its scan boundaries, a renewal process of (stretched) scan
/// lengths, advanced lazily when a request arrives — no event per scan (`net::next_scan_end`).
#[derive(Clone, Copy, Debug, Default)]
pub struct ScanClock {
    /// The clock has been started (by a request; it restarts after a long idle gap or when
    /// the controller goes down).
    pub running: bool,
    /// The latest scan boundary the clock has drawn: the end of the scan the last request
    /// waited for.
    pub scan_end: u64,
    /// `Node::down_since` when the clock last moved: a different value means the controller
    /// went down (restarted) since, and its scan starts afresh.
    pub down_seen: u64,
}

/// The highest CPU load the timing model takes: the scenario's `cpu_load` is validated to at
/// most this, and a patch's added load is capped at it, so a scan stretches at most 20×.
pub const MAX_CPU_LOAD: f64 = 0.95;

/// How much a CPU load stretches every scan: `1 / (1 − load)`, the form of Siemens' "cycle
/// load due to communication" (models/README.md). The load is capped at [`MAX_CPU_LOAD`].
pub fn stretch_for_load(load: f64) -> f64 {
    1.0 / (1.0 - load.clamp(0.0, MAX_CPU_LOAD))
}

/// Both directions of one link, each a FIFO transmission queue.
#[derive(Component, Debug, Default)]
pub struct LinkQueue {
    /// When each direction's transmitter is next free (`[forward, backward]`).
    pub busy_until: [u64; 2],
    /// Messages per direction waiting for the transmitter or on the wire (bounded, see
    /// `saturation`).
    pub queued: [u32; 2],
    /// Messages put on the wire per direction (lost ones included), both observation
    /// windows together.
    pub sent: [u64; 2],
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
    /// When its route last broke (`route_down` went from 0 to 1).
    pub cut_since: u64,
    /// The store-and-forward buffer holding its data since then (ns; see `ops`, "Data loss").
    pub cut_buffer_ns: u64,
    /// Controllers of its route the attacker holds stopped now.
    pub attack_down: u32,
    /// While `attack_down > 0`: the counts of the running phase from before, set aside while
    /// `live` counts what happens under the attacker (see [`FlowState::attack_starts`]).
    pub held: Option<Box<LiveCounts>>,
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
    pub skipped: u32,
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
        skipped: 0,
        latency_min_ns: u64::MAX,
        latency_max_ns: 0,
        latency_sum_ns: 0,
        latency_sumsq_ns: 0,
    };

    /// Adds counts taken while the attacker held a controller of the route stopped: the
    /// failures to `apart`, completions and latencies to these counts.
    /// (Skipped poll arrivals under the attacker are not counted: see `FlowStats::skipped`.)
    pub fn absorb_under_attack(&mut self, during: &LiveCounts, apart: &mut AttackerStopped) {
        self.completed += during.completed;
        self.deadline_misses += during.deadline_misses;
        self.latency_sum_ns += during.latency_sum_ns;
        self.latency_sumsq_ns += during.latency_sumsq_ns;
        self.latency_min_ns = self.latency_min_ns.min(during.latency_min_ns);
        self.latency_max_ns = self.latency_max_ns.max(during.latency_max_ns);
        apart.add(&AttackerStopped {
            sent: u64::from(during.sent),
            timeouts: u64::from(during.timeouts),
            failed_polls: u64::from(during.failed_polls),
            comm_fail_events: u64::from(during.comm_fail_events),
            stale_events: u64::from(during.stale_events),
            lost: u64::from(during.lost),
        });
    }

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
        stats.skipped += u64::from(self.skipped);
        stats.latency_sum_ns += self.latency_sum_ns;
        stats.latency_sumsq_ns += self.latency_sumsq_ns;
        stats.latency_min_ns = stats.latency_min_ns.min(self.latency_min_ns);
        stats.latency_max_ns = stats.latency_max_ns.max(self.latency_max_ns);
    }
}

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
        let live = match self.held.as_deref_mut().filter(|_| self.attack_down > 0) {
            // Under the attacker: what happened since goes apart, and counting for the next
            // phase starts under the attacker too.
            Some(held) => {
                let mut normal = std::mem::replace(held, LiveCounts::ZERO);
                normal.absorb_under_attack(&live, &mut self.stats[phase].attacker_stopped);
                normal
            }
            None => live,
        };
        live.fold_into(&mut self.stats[phase]);
    }

    /// The attacker stopped a controller of this flow's route: from now until
    /// [`FlowState::attack_ends`], what the flow's messages suffer (sent, timeouts, failed
    /// polls, comm-fail, stale data, lost messages) is counted apart, in
    /// `FlowStats::attacker_stopped`, so that timing measures the plant and the plan's changes
    /// only. Nothing the attacker stopped completes a message, so completions and latencies in
    /// that time (messages already past the controller) stay with the timing.
    pub fn attack_starts(&mut self) {
        self.attack_down += 1;
        if self.attack_down == 1 {
            let held = self.held.get_or_insert_with(|| Box::new(LiveCounts::ZERO));
            **held = std::mem::replace(&mut self.live, LiveCounts::ZERO);
        }
    }

    /// The controller the attacker stopped is back; `phase` is the observation phase whose
    /// counts are running.
    pub fn attack_ends(&mut self, phase: usize) {
        if self.attack_down == 0 {
            return;
        }
        self.attack_down -= 1;
        if self.attack_down == 0
            && let Some(held) = self.held.as_deref_mut()
        {
            let during = std::mem::replace(&mut self.live, *held);
            self.live
                .absorb_under_attack(&during, &mut self.stats[phase].attacker_stopped);
        }
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

/// Spawns one replication's entities into `world` in scenario order (assets, links, flows,
/// functions, process units), each with its run-time state at time 0.
pub(crate) fn spawn(world: &mut World, model: &Compiled) -> Handles {
    let s = &model.scenario;
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
                    // The base load stretches every scan from the start; a patch's added load
                    // multiplies in `(1 − base) / (1 − base − added)` (`ops::plan`).
                    scan_stretch: stretch_for_load(b.cpu_load),
                    added_service: Vec::new(),
                    cpu_load: b.cpu_load.clamp(0.0, MAX_CPU_LOAD),
                    busy_until: 0,
                    queued: 0,
                    scan_clock: ScanClock::default(),
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
                    live: LiveCounts::ZERO,
                    // Histograms are created at full precision on their first flush, so a
                    // flow that never completes a message allocates none.
                    stats: Box::new([FlowStats::empty(), FlowStats::empty()]),
                    route_down: 0,
                    generation: 0,
                    failed: false,
                    failed_since: 0,
                    cut_since: 0,
                    cut_buffer_ns: 0,
                    attack_down: 0,
                    held: None,
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
    Handles {
        assets,
        links,
        flows,
        functions,
        units,
    }
}

/// One query per component type, from which a run borrows its columns.
pub(crate) type ColumnQueries = (
    Query<'static, 'static, (Entity, &'static mut Node)>,
    Query<'static, 'static, (Entity, &'static mut LinkQueue)>,
    Query<'static, 'static, (Entity, &'static mut FlowState)>,
    Query<'static, 'static, (Entity, &'static mut FunctionState)>,
    Query<'static, 'static, (Entity, &'static mut UnitState)>,
);

impl<'w> Components<'w> {
    /// Borrows every component type of `world` as a column in scenario order (`handles`).
    pub(crate) fn borrow(
        queries: &'w mut SystemState<ColumnQueries>,
        world: &'w mut World,
        handles: &Handles,
    ) -> Self {
        let (nodes, links, flows, functions, units) = queries
            .get_mut(world)
            .expect("component queries are always valid");
        Components {
            nodes: column(nodes, &handles.assets),
            links: column(links, &handles.links),
            flows: column(flows, &handles.flows),
            functions: column(functions, &handles.functions),
            units: column(units, &handles.units),
        }
    }
}
