//! The loop on top: one replication builds its world, runs the step loop and closes the books;
//! [`Step::dispatch`] routes each event to its handler and carries out the reactions that cross
//! domains (a patch or a control changing exposure, a stopped controller tripping units, a
//! restored controller the attacker may attack again), so
//! that handlers never call into another domain.
//!
//! The loop takes the resources out of the world once per run (not per event — a resource
//! access costs ~10 ns), borrows the components as columns, pops events, prefetches what the
//! next one reads and dispatches by `match`. No systems run per event; nothing is allocated per
//! message event in steady state.
//!
//! Two time scales share one queue. Message-level events (polls, hops, timeouts) happen only
//! inside observation windows; operations events (deployments, restarts, windows, flow health,
//! trips) run across the whole horizon. See ARCHITECTURE.md, "Observation windows".
//!
//! The loop never reads the wall clock and draws randomness only from the replication's
//! stream (and from keyed streams derived from it), so a replication is a pure function of
//! (compiled scenario, plan, settings, stream).

use crate::attack::Landed;
use crate::compiled::Compiled;
use crate::event::Event;
use crate::outcome::{FlowStats, Outcome, TraceLine};
use crate::queue::EventQueue;
use crate::settings::RunSettings;
use crate::state::Handles;
use crate::state::ledger::Ledger;
use crate::state::{ColumnQueries, Components, Queue, Stream, spawn};
use crate::step::Step;
use crate::{attack, ops};
use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemState;
use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// One replication in progress.
pub struct Replication<'m> {
    model: &'m Compiled,
    plan: usize,
    world: World,
    settings: RunSettings,
    trace: Option<Vec<TraceLine>>,
    latency_flows: Vec<bool>,
}

impl<'m> Replication<'m> {
    /// Builds the world for one replication of plan `plan` (an index into the scenario's
    /// plans). `rng` is the replication's own stream; the same stream under every plan gives
    /// common random numbers.
    pub fn new(model: &'m Compiled, plan: usize, settings: RunSettings, mut rng: Pcg64Mcg) -> Self {
        // The first draw keys every per-deployment stream, so that plan differences do not
        // shift the draws of the deployments they share (common random numbers).
        let key = rng.next_u64();
        let mut world = World::new();
        let handles = spawn(&mut world, model);
        let mut queue = EventQueue::new();
        queue.schedule(0, Event::ObserveStart { phase: 0 });
        // The order of the first events fixes their sequence numbers (FIFO ties): windows,
        // attack arrivals, the plan's actions, then spontaneous faults.
        ops::schedule_windows(model, &mut queue);
        attack::schedule_first_attempts(model, key, &mut queue);
        let (pending, not_run) = ops::schedule_actions(model, plan, &settings, &mut queue);
        // Faults last: scheduling them does not move the sequence numbers of the rest.
        ops::schedule_first_faults(model, key, settings.horizon_ns, &mut queue);
        let ledger = Ledger::new(model, plan, key, pending, not_run);
        world.insert_resource(handles);
        world.insert_resource(Queue(queue));
        world.insert_resource(Stream(rng));
        world.insert_resource(ledger);
        Replication {
            model,
            plan,
            world,
            settings,
            trace: None,
            latency_flows: Vec::new(),
        }
    }

    /// Records a narrated timeline while running.
    pub fn with_trace(mut self) -> Self {
        self.trace = Some(Vec::new());
        self
    }

    /// While tracing, also records every latency of the flows marked `true` (by flow index)
    /// inside the observation windows as a `latency` trace line, its latency in `duration_ns`.
    pub fn with_latency_trace(mut self, flows: Vec<bool>) -> Self {
        self.latency_flows = flows;
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
        let mut ledger = self
            .world
            .remove_resource::<Ledger>()
            .expect("ledger resource");
        let mut events = 0u64;
        let mut pending_sum = 0u64;
        let horizon = self.settings.horizon_ns;
        // One query per component type, turned into columns for the whole run (see
        // `Components`).
        let mut queries = SystemState::<ColumnQueries>::new(&mut self.world);
        let mut step = Step {
            model: self.model,
            plan: self.plan,
            c: Components::borrow(&mut queries, &mut self.world, &handles),
            rng: &mut rng,
            settings: self.settings,
            trace: self.trace.as_mut(),
            latency_flows: &self.latency_flows,
            ops: &mut ledger,
            observing: None,
            observe_until: 0,
            observe_from: 0,
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
        step.update_exposure(horizon);
        let last_phase = usize::from(step.observing.unwrap_or(0));
        let (flows, flows_after): (Vec<FlowStats>, Vec<FlowStats>) = step
            .c
            .flows
            .iter_mut()
            .zip(&self.model.scenario.flows)
            .map(|(st, flow)| {
                st.close_phase(last_phase);
                let [mut before, mut after] =
                    std::mem::replace(&mut *st.stats, [FlowStats::empty(), FlowStats::empty()]);
                before.close_run(flow.kind);
                after.close_run(flow.kind);
                (before, after)
            })
            .unzip();
        let link_messages = step.c.links.iter().map(|l| l.sent).collect();
        let outcome = Outcome {
            flows,
            flows_after,
            link_messages,
            ops: ledger.outcome,
            exposure: ledger.exposure,
            saturated: ledger.saturated,
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

impl Step<'_, '_> {
    #[inline]
    fn dispatch(&mut self, q: &mut EventQueue<Event>, now: u64, event: Event) {
        match event {
            Event::Fire { flow } => self.fire(q, now, flow),
            Event::Hop(m) => self.hop(q, now, m),
            Event::Processed(m) => self.processed(q, now, m),
            Event::Ready(m) => self.ready(q, now, m),
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
            Event::WorkDone { action, asset } => self.work_done(q, now, action, asset),
            Event::CrewShift { crew } => self.crew_dispatch(q, now, crew as usize, true),
            Event::Retry { action, asset } => self.retry(q, now, action, asset),
            Event::DeployDone { action, asset } => {
                if self.deploy_done(q, now, action, asset) {
                    // An installed patch may close (vulnerability, asset) pairs.
                    self.update_exposure(now);
                }
            }
            Event::AssetBack { asset } => {
                self.asset_back(q, now, asset);
                // A controller the attacker stopped is restored clean: the attacker may try
                // it again.
                if self.controller_restored(now, asset) {
                    self.attack_plan(q, now);
                }
            }
            Event::ControlEffective { control } => {
                self.control_effective(q, now, control);
                // A held asset taken out of service is lost to the attacker.
                self.attacker_loses_taken_out(now, control);
                // A control changes reach: exposure, and what the attacker can try next.
                self.update_exposure(now);
                self.attack_plan(q, now);
                self.action_finished(q, now);
            }
            Event::ControlEnds { control } => {
                self.control_ends(q, now, control);
                // Deployments that waited for an asset back in service start now.
                self.resume_waiting_hosts(q, now);
                self.update_exposure(now);
                self.attack_plan(q, now);
            }
            Event::Window { window, open } => self.window(q, now, window, open),
            Event::FlowHealth {
                flow,
                healthy,
                generation,
            } => self.flow_health(q, now, flow, healthy, generation),
            Event::Reevaluate => self.evaluate(q, now),
            Event::Fault { asset, index } => self.fault(q, now, asset, index),
            Event::UnitRestarted { unit, generation } => {
                self.unit_restarted(q, now, unit, generation)
            }
            Event::AttackAttempt { entry } => match self.attack_attempt(q, now, entry) {
                Some(Landed::Asset(landing)) => self.compromised(q, now, landing),
                Some(Landed::Outside) => self.attack_plan(q, now),
                None => {}
            },
            Event::AttackStep {
                asset,
                vuln,
                generation,
            } => {
                if let Some(asset) = self.attack_step(q, now, asset, vuln, generation) {
                    self.compromised(q, now, asset);
                }
            }
            Event::Evict { generation } => self.evict(q, now, generation),
            Event::AttackStopEnds { asset } => self.attacker_stop_ends(asset),
        }
    }

    /// The attacker took `asset`: a controller it stops goes down through the operations
    /// layer and trips units through the same dependency graph as operational cascades; then
    /// the attacker plans its next steps from what it now holds.
    fn compromised(&mut self, q: &mut EventQueue<Event>, now: u64, asset: u32) {
        if let Some(recovery) = self.compromise(q, now, asset) {
            self.take_down(q, now, asset, recovery);
            self.attacker_stops(q, now, asset, recovery);
            self.evaluate(q, now);
        }
        self.attack_plan(q, now);
    }

    /// Starts loading what the next message event will read, so that its cache misses
    /// overlap with the current event's work instead of stalling the next one (on a plant with
    /// thousands of flows, most of an event's time is waiting for its flow's data). A hint to
    /// the CPU only: it reads nothing and changes nothing.
    #[inline]
    fn warm(&self, next: &Event) {
        let flow = match *next {
            Event::Hop(m) | Event::Ready(m) | Event::Processed(m) => m.flow,
            Event::Fire { flow }
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

    fn observe_start(&mut self, q: &mut EventQueue<Event>, now: u64, phase: u8) {
        let previous = self.observing.replace(phase);
        self.observe_from = now;
        self.observe_until = now
            .saturating_add(self.settings.observe_ns)
            .min(self.settings.horizon_ns);
        if phase == 1 {
            self.apply_deferred_effects(now);
            for st in &mut self.c.flows {
                st.close_phase(usize::from(previous.unwrap_or(0)));
                st.outstanding = false;
            }
        }
        for (i, f) in self.model.flows.iter().enumerate() {
            let first = now + f.phase_ns;
            // A multicast publication fires once, through its first copy.
            if first < self.observe_until && f.multicast.is_none_or(|(_, k)| k == 0) {
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
