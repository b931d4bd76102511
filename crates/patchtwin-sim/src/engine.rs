//! One replication: the bevy_ecs world, the event handlers and the step loop.
//!
//! State lives in a `bevy_ecs::World`: assets ([`Node`]), link directions ([`LinkQueue`]) and
//! flows ([`FlowState`]) are entities; the event queue, the random stream and the metric
//! totals are resources. The step loop takes the queue and the random stream out of the world
//! once per run (not per event — a resource access per event costs ~10 ns), pops events, and
//! dispatches by `match` to handlers that touch only the components they need. No systems run
//! per event; no allocation happens per event in steady state.
//!
//! The loop never reads the wall clock and draws randomness only from the replication's
//! stream, so a replication is a pure function of (compiled scenario, seed stream, settings).

use crate::compiled::{Compiled, CompiledFlow};
use crate::queue::EventQueue;
use bevy_ecs::prelude::*;
use hdrhistogram::Histogram;
use patchtwin_model::{DurationDist, FlowKind};
use rand::RngExt;
use rand_pcg::Pcg64Mcg;

/// What happens next. Small and `Copy`: the queue stores events inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A flow's period starts: a poll is issued or a publication sent.
    Fire {
        /// Flow index.
        flow: u32,
    },
    /// A message reaches route position `pos` (counted from its sender).
    Hop {
        /// Flow index.
        flow: u32,
        /// Position along the route from the sender (0 = sender).
        pos: u16,
        /// `false`: request consumer → producer; `true`: response or publication.
        back: bool,
        /// Attempt tag (stale tags are ignored).
        tag: u32,
    },
    /// The producer starts answering a poll (its scan boundary or service start).
    Respond {
        /// Flow index.
        flow: u32,
        /// Attempt tag.
        tag: u32,
    },
    /// The consumer's wait for an answer ends.
    Timeout {
        /// Flow index.
        flow: u32,
        /// Attempt tag.
        tag: u32,
    },
    /// A publish flow's watchdog: stale unless something arrived since it was set.
    Watchdog {
        /// Flow index.
        flow: u32,
        /// Arrivals counted when it was set.
        arrivals: u32,
    },
}

/// An asset's run-time state.
#[derive(Component, Debug)]
pub struct Node {
    /// Whether the asset is up.
    pub up: bool,
    /// Scan cycle for controllers; `None` for assets that serve requests as they come.
    pub scan: Option<DurationDist>,
    /// Longest possible scan (ns), for length-biased sampling; `None` when unbounded.
    pub scan_max_ns: Option<f64>,
    /// Time to serve one request or forward one message.
    pub service: DurationDist,
    /// When the asset's request processing is next free (FIFO service).
    pub busy_until: u64,
}

/// Both directions of one link, each a FIFO transmission queue.
#[derive(Component, Debug, Default)]
pub struct LinkQueue {
    /// When each direction's transmitter is next free (`[forward, backward]`).
    pub busy_until: [u64; 2],
}

/// Per-flow timing results of one replication (mergeable, exact).
#[derive(Debug, Clone)]
pub struct FlowStats {
    /// Latency of completed polls (first attempt to answer) or publications, in microseconds.
    pub latency_us: Histogram<u64>,
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
    /// Empty statistics (latency range 1 µs to 10 min, 2 significant digits).
    pub fn new() -> Self {
        FlowStats {
            latency_us: Histogram::new_with_bounds(1, LATENCY_MAX_US, 2)
                .expect("valid histogram bounds"),
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

    /// Exact mean latency in nanoseconds, if anything completed.
    pub fn mean_latency_ns(&self) -> Option<f64> {
        (self.completed > 0).then(|| self.latency_sum_ns as f64 / self.completed as f64)
    }
    /// Adds another replication's statistics (exact: counts only).
    pub fn merge(&mut self, other: &FlowStats) {
        self.latency_us
            .add(&other.latency_us)
            .expect("same histogram bounds");
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

/// A flow's run-time state.
#[derive(Component, Debug)]
pub struct FlowState {
    /// Tag of the current attempt; events with another tag are stale.
    pub tag: u32,
    /// A poll is waiting for an answer.
    pub outstanding: bool,
    /// Attempt number within the current poll (0 = first).
    pub attempt: u32,
    /// When the current poll's first attempt was sent.
    pub poll_started: u64,
    /// Consecutive failed polls.
    pub consecutive_failures: u32,
    /// The consumer currently marks the producer failed.
    pub comm_failed: bool,
    /// Publications delivered (for the watchdog).
    pub arrivals: u32,
    /// The consumer currently marks the data stale.
    pub stale: bool,
    /// Statistics.
    pub stats: FlowStats,
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
    /// Message-level traffic is simulated for flows firing before this time (ns): the
    /// observation window (see ARCHITECTURE.md).
    pub observe_ns: u64,
    /// Hard stop (the horizon), ns.
    pub horizon_ns: u64,
}

/// What a narrated replication reports, for `trace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLine {
    /// When (ns).
    pub time: u64,
    /// The entity concerned (asset or flow id).
    pub entity: String,
    /// Event kind, for filtering.
    pub kind: &'static str,
    /// What happened and why.
    pub text: String,
}

/// Results of one replication.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Per-flow timing statistics, in scenario order.
    pub flows: Vec<FlowStats>,
    /// Events processed.
    pub events: u64,
    /// Mean number of pending events seen at each pop (for benchmark baselines).
    pub mean_pending: f64,
}

/// One replication in progress.
pub struct Replication<'m> {
    model: &'m Compiled,
    world: World,
    settings: RunSettings,
    trace: Option<Vec<TraceLine>>,
}

impl<'m> Replication<'m> {
    /// Builds the world for one replication. `rng` is the replication's own stream.
    pub fn new(model: &'m Compiled, settings: RunSettings, rng: Pcg64Mcg) -> Self {
        let s = &model.scenario;
        let mut world = World::new();
        let assets: Vec<Entity> = s
            .assets
            .iter()
            .map(|a| {
                let b = &a.behaviour;
                world
                    .spawn(Node {
                        up: true,
                        scan: b.scan_cycle.clone(),
                        scan_max_ns: b.scan_cycle.as_ref().and_then(|d| d.0.upper_bound()),
                        service: b.service_time.clone(),
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
                        stats: FlowStats::new(),
                    })
                    .id()
            })
            .collect();
        let mut queue = EventQueue::new();
        for (i, f) in model.flows.iter().enumerate() {
            if f.phase_ns < settings.observe_ns {
                queue.schedule(f.phase_ns, Event::Fire { flow: i as u32 });
            }
            // The consumer arms its watchdog when it starts listening, so a publisher that
            // never delivers is noticed too.
            if let Some(w) = f.watchdog_ns
                && f.phase_ns + w <= settings.observe_ns
            {
                queue.schedule(
                    f.phase_ns + w,
                    Event::Watchdog {
                        flow: i as u32,
                        arrivals: 0,
                    },
                );
            }
        }
        world.insert_resource(Handles {
            assets,
            links,
            flows,
        });
        world.insert_resource(Queue(queue));
        world.insert_resource(Stream(rng));
        Replication {
            model,
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

    /// Mutable access to the world (tests and later stages set up outages here).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Runs to the end and returns the outcome (and the trace, if recording).
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
        let mut events = 0u64;
        let mut pending_sum = 0u64;
        let mut step = Step {
            model: self.model,
            world: &mut self.world,
            handles: &handles,
            rng: &mut rng,
            settings: self.settings,
            trace: self.trace.as_mut(),
        };
        while let Some((now, event)) = queue.pop() {
            if now > step.settings.horizon_ns {
                break;
            }
            events += 1;
            pending_sum += queue.len() as u64;
            step.dispatch(&mut queue, now, event);
        }
        let flows = handles
            .flows
            .iter()
            .map(|e| {
                std::mem::take(
                    &mut self
                        .world
                        .get_mut::<FlowState>(*e)
                        .expect("flow entity")
                        .stats,
                )
            })
            .collect();
        (
            Outcome {
                flows,
                events,
                mean_pending: if events == 0 {
                    0.0
                } else {
                    pending_sum as f64 / events as f64
                },
            },
            self.trace.unwrap_or_default(),
        )
    }
}

/// Borrowed state for the handlers of one run.
struct Step<'a, 'm> {
    model: &'m Compiled,
    world: &'a mut World,
    handles: &'a Handles,
    rng: &'a mut Pcg64Mcg,
    settings: RunSettings,
    trace: Option<&'a mut Vec<TraceLine>>,
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
                tag,
            } => self.hop(q, now, flow, pos, back, tag),
            Event::Respond { flow, tag } => self.send_back(q, now, flow, tag),
            Event::Timeout { flow, tag } => self.timeout(q, now, flow, tag),
            Event::Watchdog { flow, arrivals } => self.watchdog(now, flow, arrivals),
        }
    }

    fn note(&mut self, now: u64, entity: &str, kind: &'static str, text: impl FnOnce() -> String) {
        if let Some(t) = self.trace.as_deref_mut() {
            t.push(TraceLine {
                time: now,
                entity: entity.to_string(),
                kind,
                text: text(),
            });
        }
    }

    fn flow_state(&mut self, flow: u32) -> Mut<'_, FlowState> {
        self.world
            .get_mut::<FlowState>(self.handles.flows[flow as usize])
            .expect("flow entity")
    }

    fn fire(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32) {
        let f = &self.model.flows[flow as usize];
        let next = now + f.period_ns;
        if next < self.settings.observe_ns {
            q.schedule(next, Event::Fire { flow });
        }
        let mut st = self.flow_state(flow);
        match f.kind {
            FlowKind::Poll => {
                if st.outstanding {
                    // A master waits for its answer before polling again (Modbus/TCP
                    // clients usually keep one request in flight per server).
                    return;
                }
                st.outstanding = true;
                st.attempt = 0;
                st.poll_started = now;
                st.tag = st.tag.wrapping_add(1);
                st.stats.sent += 1;
                let tag = st.tag;
                q.schedule(now + f.timeout_ns, Event::Timeout { flow, tag });
                self.send(q, now, flow, 0, false, tag);
            }
            FlowKind::Publish => {
                st.stats.sent += 1;
                st.tag = st.tag.wrapping_add(1);
                let tag = st.tag;
                // The publication leaves the producer now; record its send time by tag.
                st.poll_started = now;
                if !self.is_up(f.hops[f.hops.len() - 1]) {
                    return;
                }
                self.send(q, now, flow, 0, true, tag);
            }
        }
    }

    fn is_up(&mut self, asset: u32) -> bool {
        self.world
            .get::<Node>(self.handles.assets[asset as usize])
            .is_some_and(|n| n.up)
    }

    /// Route position `pos` counted from the sender → index into `hops`.
    #[inline]
    fn hop_index(f: &CompiledFlow, pos: u16, back: bool) -> usize {
        if back {
            f.hops.len() - 1 - pos as usize
        } else {
            pos as usize
        }
    }

    /// Transmits a message leaving route position `pos` onto the next link.
    fn send(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        flow: u32,
        pos: u16,
        back: bool,
        tag: u32,
    ) {
        let f = &self.model.flows[flow as usize];
        let link_i = if back {
            f.links.len() - 1 - pos as usize
        } else {
            pos as usize
        };
        let hl = f.links[link_i];
        let link = &self.model.scenario.links[hl.link as usize];
        // Direction of travel on the link: consumer→producer is `forward`; responses reverse.
        let dir = usize::from(hl.forward == back);
        let ser = if back {
            hl.response_ser_ns
        } else {
            hl.request_ser_ns
        };
        let jitter = link
            .jitter
            .as_ref()
            .map_or(0, |j| j.sample(self.rng).as_nanos());
        let lost = link.loss > 0.0 && self.rng.random::<f64>() < link.loss;
        let mut lq = self
            .world
            .get_mut::<LinkQueue>(self.handles.links[hl.link as usize])
            .expect("link entity");
        let start = now.max(lq.busy_until[dir]);
        lq.busy_until[dir] = start + ser;
        if lost {
            self.flow_state(flow).stats.lost += 1;
            return;
        }
        let arrive = start + ser + link.latency.as_nanos() + jitter;
        q.schedule(
            arrive,
            Event::Hop {
                flow,
                pos: pos + 1,
                back,
                tag,
            },
        );
    }

    fn hop(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        flow: u32,
        pos: u16,
        back: bool,
        tag: u32,
    ) {
        let f = &self.model.flows[flow as usize];
        let asset = f.hops[Self::hop_index(f, pos, back)];
        let last = pos as usize == f.hops.len() - 1;
        let entity = self.handles.assets[asset as usize];
        let mut node = self.world.get_mut::<Node>(entity).expect("asset entity");
        if !node.up {
            self.flow_state(flow).stats.lost += 1;
            return;
        }
        if !last {
            // A network device forwards after its processing (store-and-forward, inspection).
            let proc = if node.service.0.is_constant() {
                node.service.0.sample(self.rng) as u64
            } else {
                node.service.sample(self.rng).as_nanos()
            };
            let leave = now + proc;
            if leave == now {
                self.send(q, now, flow, pos, back, tag);
            } else {
                // Forwarding is pipelined in the device; the link queue serializes the rest.
                self.send(q, leave, flow, pos, back, tag);
            }
            return;
        }
        if !back {
            // A request reached the producer: serve at the next scan boundary (controllers)
            // or as soon as the FIFO server is free.
            let service = node.service.sample(self.rng).as_nanos();
            let ready = match &node.scan {
                Some(scan) => now + scan_wait_ns(scan, node.scan_max_ns, self.rng),
                None => now,
            };
            let start = ready.max(node.busy_until);
            node.busy_until = start + service;
            q.schedule(start + service, Event::Respond { flow, tag });
            return;
        }
        // A response or publication reached the consumer.
        let deadline = f.deadline_ns;
        let kind = f.kind;
        let watchdog = f.watchdog_ns;
        let mut st = self.flow_state(flow);
        match kind {
            FlowKind::Poll => {
                if !st.outstanding || st.tag != tag {
                    return; // a late answer to an attempt already given up
                }
                st.outstanding = false;
                let latency = now - st.poll_started;
                record(&mut st.stats, latency, deadline);
                st.consecutive_failures = 0;
                if st.comm_failed {
                    st.comm_failed = false;
                    let id = &self.model.scenario.flows[flow as usize].id;
                    self.note(now, id, "comm_restored", || {
                        format!("poll answered again after comm-fail ({})", fmt_ns(latency))
                    });
                }
            }
            FlowKind::Publish => {
                let latency = now.saturating_sub(st.poll_started);
                record(&mut st.stats, latency, deadline);
                st.arrivals = st.arrivals.wrapping_add(1);
                st.stale = false;
                let arrivals = st.arrivals;
                // Watchdogs run only inside the observation window: outside it no message-level
                // traffic is simulated, so silence there means nothing.
                if let Some(w) = watchdog
                    && now + w <= self.settings.observe_ns
                {
                    q.schedule(now + w, Event::Watchdog { flow, arrivals });
                }
            }
        }
    }

    fn send_back(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32, tag: u32) {
        let f = &self.model.flows[flow as usize];
        if !self.is_up(f.hops[f.hops.len() - 1]) {
            self.flow_state(flow).stats.lost += 1;
            return;
        }
        self.send(q, now, flow, 0, true, tag);
    }

    fn timeout(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32, tag: u32) {
        let f = &self.model.flows[flow as usize];
        let (timeout_ns, retries, fail_after) = (f.timeout_ns, f.retries, f.fail_after);
        let mut st = self.flow_state(flow);
        if !st.outstanding || st.tag != tag {
            return; // answered in time
        }
        st.stats.timeouts += 1;
        if st.attempt < retries {
            st.attempt += 1;
            st.tag = st.tag.wrapping_add(1);
            let tag = st.tag;
            q.schedule(now + timeout_ns, Event::Timeout { flow, tag });
            self.send(q, now, flow, 0, false, tag);
            return;
        }
        st.outstanding = false;
        st.stats.failed_polls += 1;
        st.consecutive_failures += 1;
        let n = st.consecutive_failures;
        let newly_failed = n >= fail_after && !st.comm_failed;
        if newly_failed {
            st.comm_failed = true;
            st.stats.comm_fail_events += 1;
        }
        let s = &self.model.scenario;
        let fl = &s.flows[flow as usize];
        let (consumer, producer) = (
            s.assets[fl.consumer.ix()].id.as_str(),
            s.assets[fl.producer.ix()].id.as_str(),
        );
        self.note(now, &fl.id, "timeout", || {
            format!(
                "{consumer} poll of {producer} timed out ({}/{})",
                n.min(fail_after),
                fail_after
            )
        });
        if newly_failed {
            self.note(now, consumer, "comm_fail", || format!("{consumer} marks {producer} failed: {fail_after} consecutive polls unanswered ({})", fl.id));
        }
    }

    fn watchdog(&mut self, now: u64, flow: u32, arrivals: u32) {
        let mut st = self.flow_state(flow);
        if st.arrivals != arrivals || st.stale {
            return;
        }
        st.stale = true;
        st.stats.stale_events += 1;
        let s = &self.model.scenario;
        let fl = &s.flows[flow as usize];
        let w = fl.watchdog.unwrap_or_default();
        let consumer = s.assets[fl.consumer.ix()].id.as_str();
        self.note(now, consumer, "stale", || {
            format!(
                "{} data stale: nothing received for {w} ({})",
                consumer, fl.id
            )
        });
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
fn scan_wait_ns(scan: &DurationDist, max_ns: Option<f64>, rng: &mut Pcg64Mcg) -> u64 {
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
    (gap * (1.0 - rng.random::<f64>())).round() as u64
}

/// Largest latency the histograms resolve (10 minutes, in µs); longer ones are recorded as
/// this value (exact means and maxima are kept separately in nanoseconds).
///
/// Two significant digits (1% resolution) keep each flow's histogram at about 23 KB: with
/// three digits a 5,000-flow plant allocated ~1 GB of histograms per replication.
pub const LATENCY_MAX_US: u64 = 600_000_000;

#[inline]
fn record(stats: &mut FlowStats, latency_ns: u64, deadline_ns: u64) {
    stats.completed += 1;
    stats.latency_sum_ns += u128::from(latency_ns);
    stats.latency_sumsq_ns += u128::from(latency_ns) * u128::from(latency_ns);
    stats.latency_min_ns = stats.latency_min_ns.min(latency_ns);
    stats.latency_max_ns = stats.latency_max_ns.max(latency_ns);
    if latency_ns > deadline_ns {
        stats.deadline_misses += 1;
    }
    // Microseconds, rounded up so that sub-microsecond latencies still count (never 0).
    let us = latency_ns.div_ceil(1_000).clamp(1, LATENCY_MAX_US);
    stats.latency_us.saturating_record(us);
}

/// Formats nanoseconds for trace lines.
pub fn fmt_ns(ns: u64) -> String {
    patchtwin_model::Duration(ns).to_string()
}
