//! Message-level handlers: polls and publications, hop-by-hop transmission over FIFO link
//! queues, service at scan boundaries (each controller's running scan clock,
//! [`next_scan_end`]), timeouts, retries, comm-fail and watchdogs.
//!
//! These run only inside observation windows and measure timing. They do not drive cascades:
//! the operations layer (`ops`) decides when a flow counts as failed, using detection delays
//! derived from the same parameters (see `ops::detection_delay_ns`).

use crate::compiled::{CompiledFlow, ScanCycle, serialization_ns};
use crate::event::Event;
use crate::outcome::SaturatedQueue;
use crate::queue::EventQueue;
use crate::saturation::QUEUE_BOUND;
use crate::state::{FlowState, Node, record};
use crate::step::{Step, fmt_ns, round_u64};
use patchtwin_model::FlowKind;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

impl Step<'_, '_> {
    /// Stats of the running observation phase.
    fn phase(&self) -> usize {
        usize::from(self.observing.unwrap_or(0))
    }

    fn message_bytes(&mut self, f: &CompiledFlow, response: bool) -> u32 {
        let mean = if response {
            f.response_bytes
        } else {
            f.request_bytes
        };
        if f.exponential_sizes {
            let x: f64 = Exp1.sample(self.rng);
            ((x * f64::from(mean)).round() as u32).max(1)
        } else {
            mean
        }
    }

    pub(crate) fn fire(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32) {
        let f = &self.model.flows[flow as usize];
        let gap = if f.poisson {
            let x: f64 = Exp1.sample(self.rng);
            round_u64(x * f.period_ns as f64).max(1)
        } else {
            f.period_ns
        };
        if now + gap < self.observe_until {
            q.schedule(now + gap, Event::Fire { flow });
        }
        let producer = f.producer;
        match f.kind {
            FlowKind::Poll => {
                let timeout = f.timeout_ns;
                let bytes = self.message_bytes(f, false);
                let eager = self.settings.eager_timers;
                let st = self.flow_state(flow);
                if st.outstanding {
                    // A master waits for its answer before polling again (Modbus/TCP
                    // clients usually keep one request in flight per server).
                    return;
                }
                st.outstanding = true;
                st.attempt = 0;
                st.poll_started = now;
                st.tag = st.tag.wrapping_add(1);
                st.live.sent += 1;
                let (tag, extra) = (st.tag, st.extra_ns);
                arm_timer(q, st, now + timeout, Event::Timeout { flow, tag }, eager);
                self.send(q, now + extra, flow, 0, false, u64::from(tag), bytes);
            }
            FlowKind::Publish => {
                let bytes = self.message_bytes(f, true);
                let up = self.node_ref(producer).up;
                let st = self.flow_state(flow);
                st.live.sent += 1;
                st.tag = st.tag.wrapping_add(1);
                st.poll_started = now;
                let extra = st.extra_ns;
                if up {
                    self.send(q, now + extra, flow, 0, true, now, bytes);
                }
            }
        }
    }

    /// Transmits a message leaving route position `pos` onto the next link.
    #[expect(
        clippy::too_many_arguments,
        reason = "the fields of a message in flight"
    )]
    fn send(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        flow: u32,
        pos: u16,
        back: bool,
        stamp: u64,
        bytes: u32,
    ) {
        let f = &self.model.flows[flow as usize];
        let link_i = if back {
            f.links.len() - 1 - pos as usize
        } else {
            pos as usize
        };
        let hl = f.links[link_i];
        // Direction of travel on the link: consumer→producer is `forward`; responses reverse.
        let dir = usize::from(hl.forward == back);
        let nominal = if back {
            (f.response_bytes, hl.response_ser_ns)
        } else {
            (f.request_bytes, hl.request_ser_ns)
        };
        let ser = if bytes == nominal.0 {
            nominal.1
        } else {
            serialization_ns(
                bytes,
                self.model.scenario.links[hl.link as usize].bandwidth_bps,
            )
        };
        let jitter = if hl.jitter {
            self.model.scenario.links[hl.link as usize]
                .jitter
                .as_ref()
                .map_or(0, |j| j.sample(self.rng).as_nanos())
        } else {
            0
        };
        let lost = hl.loss > 0.0 && self.rng.random::<f64>() < hl.loss;
        let lq = &mut *self.c.links[hl.link as usize];
        if lq.queued[dir] >= QUEUE_BOUND {
            self.flow_state(flow).live.lost += 1;
            let queue = SaturatedQueue::Link {
                link: hl.link,
                dir: dir as u8,
            };
            self.queue_full(now, queue);
            return;
        }
        let start = now.max(lq.busy_until[dir]);
        lq.busy_until[dir] = start + ser;
        lq.queued[dir] += u32::from(!lost);
        if lost {
            self.flow_state(flow).live.lost += 1;
            return;
        }
        let arrive = start + ser + hl.latency_ns + jitter;
        q.schedule(
            arrive,
            Event::Hop {
                flow,
                pos: pos + 1,
                back,
                bytes,
                stamp,
            },
        );
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the fields of a message in flight"
    )]
    pub(crate) fn hop(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        flow: u32,
        pos: u16,
        back: bool,
        stamp: u64,
        bytes: u32,
    ) {
        let f = &self.model.flows[flow as usize];
        // A hop event is always past the sender (pos >= 1): the asset reached is at the far
        // end of the link just crossed.
        let n = f.links.len();
        let crossed = if back {
            f.links[n - pos as usize]
        } else {
            f.links[pos as usize - 1]
        };
        let asset = if back {
            crossed.consumer_side
        } else {
            crossed.producer_side
        };
        // The message has left the link's queue (see `saturation`).
        let lq = &mut *self.c.links[crossed.link as usize];
        let dir = usize::from(crossed.forward == back);
        lq.queued[dir] = lq.queued[dir].saturating_sub(1);
        let last = pos as usize == n;
        let phase = self.phase();
        let model = self.model;
        // Read-only first: most hops cross a network device, which changes no state of its own
        // (a read skips bevy's change-detection ticks).
        let node = self.node_ref(asset);
        let (up, extra_service_ns) = (node.up, node.extra_service_ns);
        if !up {
            self.flow_state(flow).live.lost += 1;
            return;
        }
        // Every asset but the consumer receiving its answer or publication serves the message.
        let service = if last && back {
            0
        } else {
            model.service[asset as usize].sample(self.rng).as_nanos() + extra_service_ns
        };
        if !last {
            // A network device forwards after its processing (store-and-forward, inspection).
            // Forwarding is pipelined in the device; the link queue serializes the rest.
            self.send(q, now + service, flow, pos, back, stamp, bytes);
            return;
        }
        if !back {
            // A request reached the producer: serve at the end of the controller's running
            // scan, or as soon as the FIFO server is free. CPU load stretches the scan.
            if self.c.nodes[asset as usize].queued >= QUEUE_BOUND {
                self.flow_state(flow).live.lost += 1;
                self.queue_full(now, SaturatedQueue::Server { asset });
                return;
            }
            let rng = &mut *self.rng;
            let node = &mut *self.c.nodes[asset as usize];
            node.queued += 1;
            let ready = match node.scan {
                Some(scan) => next_scan_end(node, &model.scans[scan as usize], now, rng),
                None => now,
            };
            let start = ready.max(node.busy_until);
            node.busy_until = start + service;
            q.schedule(
                start + service,
                Event::Respond {
                    flow,
                    tag: stamp as u32,
                },
            );
            return;
        }
        // A response or publication reached the consumer.
        let (deadline, kind, watchdog) = (f.deadline_ns, f.kind, f.watchdog_ns);
        let observe_until = self.observe_until;
        let eager = self.settings.eager_timers;
        let st = self.flow_state(flow);
        match kind {
            FlowKind::Poll => {
                if !st.outstanding || u64::from(st.tag) != stamp {
                    return; // a late answer to an attempt already given up
                }
                st.outstanding = false;
                let latency = now - st.poll_started;
                record(st, phase, latency, deadline);
                st.consecutive_failures = 0;
                if st.comm_failed {
                    st.comm_failed = false;
                    let id = &self.model.scenario.flows[flow as usize].id;
                    self.note(now, id, "comm_restored", || {
                        format!("poll answered again after comm-fail ({})", fmt_ns(latency))
                    });
                }
                self.note_latency(now, flow, latency);
            }
            FlowKind::Publish => {
                // The stamp is the publication's send time: publications may overlap.
                let latency = now.saturating_sub(stamp);
                record(st, phase, latency, deadline);
                st.arrivals = st.arrivals.wrapping_add(1);
                st.stale = false;
                let arrivals = st.arrivals;
                // Watchdogs run only inside the observation window: outside it no message-level
                // traffic is simulated, so silence there means nothing. Strictly inside: an
                // "after" window may open at the very instant this one closes, and a watchdog
                // expiring then would be counted in it.
                if let Some(w) = watchdog
                    && now + w < observe_until
                {
                    let event = Event::Watchdog {
                        flow,
                        arrivals,
                        chained: true,
                    };
                    arm_timer(q, st, now + w, event, eager);
                } else {
                    st.timer_armed = false;
                }
                self.note_latency(now, flow, latency);
            }
        }
    }

    pub(crate) fn respond(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32, tag: u32) {
        let f = &self.model.flows[flow as usize];
        let producer = f.producer;
        let bytes = self.message_bytes(f, true);
        // The request has left the server's queue (see `saturation`).
        let node = self.node(producer);
        node.queued = node.queued.saturating_sub(1);
        if !self.node_ref(producer).up {
            self.flow_state(flow).live.lost += 1;
            return;
        }
        let extra = self.flow_ref(flow).extra_ns;
        self.send(q, now + extra, flow, 0, true, u64::from(tag), bytes);
    }

    pub(crate) fn timeout(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32, tag: u32) {
        let f = &self.model.flows[flow as usize];
        let (timeout_ns, retries, fail_after) = (f.timeout_ns, f.retries, f.fail_after);
        let eager = self.settings.eager_timers;
        let st = self.flow_state(flow);
        st.timer_queued = false;
        if st.outstanding && st.tag != tag {
            // A later attempt armed the timer since this event was queued: this attempt's
            // timeout is void, and the current attempt's takes this event's place.
            if !eager {
                let tag = st.tag;
                requeue_timer(q, st, Event::Timeout { flow, tag });
            }
            return;
        }
        if !st.outstanding {
            return; // answered in time
        }
        st.live.timeouts += 1;
        if st.attempt < retries {
            st.attempt += 1;
            st.tag = st.tag.wrapping_add(1);
            let (tag, extra) = (st.tag, st.extra_ns);
            arm_timer(q, st, now + timeout_ns, Event::Timeout { flow, tag }, eager);
            let bytes = self.message_bytes(f, false);
            self.send(q, now + extra, flow, 0, false, u64::from(tag), bytes);
            return;
        }
        st.outstanding = false;
        st.live.failed_polls += 1;
        st.consecutive_failures += 1;
        let n = st.consecutive_failures;
        let newly_failed = n >= fail_after && !st.comm_failed;
        if newly_failed {
            st.comm_failed = true;
            st.live.comm_fail_events += 1;
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

    pub(crate) fn watchdog(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        flow: u32,
        arrivals: u32,
        chained: bool,
    ) {
        let eager = self.settings.eager_timers;
        let st = self.flow_state(flow);
        if chained {
            st.timer_queued = false;
            if st.timer_armed && st.arrivals != arrivals && !eager {
                // Publications arrived since this event was queued: the watchdog the last one
                // armed takes its place.
                let arrivals = st.arrivals;
                let event = Event::Watchdog {
                    flow,
                    arrivals,
                    chained: true,
                };
                requeue_timer(q, st, event);
            }
        }
        if st.arrivals != arrivals || st.stale {
            return;
        }
        st.stale = true;
        st.live.stale_events += 1;
        let s = &self.model.scenario;
        let fl = &s.flows[flow as usize];
        let w = fl.watchdog.unwrap_or_default();
        let consumer = s.assets[fl.consumer.ix()].id.as_str();
        self.note(now, consumer, "stale", || {
            format!(
                "{consumer} data stale: nothing received for {w} ({})",
                fl.id
            )
        });
    }
}

/// Arms `st`'s timer (a poll attempt's timeout, or the watchdog a publication's arrival sets)
/// to expire at `at` with `event`.
///
/// Lazily: the timer keeps at most one event in the queue. Most arming is void before it
/// expires (answered polls, publications that keep arriving), and one event per arming would
/// fill the queue with events that do nothing when they pop — on the large plant a third of
/// the pending events, and a sixth of all events handled. Arming takes its sequence number
/// now (`EventQueue::reserve`); if an event of this timer is already queued — for an earlier
/// arming, so it pops first — that event, when it pops, queues the current arming's event
/// with the reserved number (`requeue_timer`). The queue therefore pops every live expiry at
/// exactly the time and in exactly the order that one event per arming would give; only the
/// void ones are gone. Every arming voids the ones before it (a new attempt changes the poll's
/// tag, a new arrival the watchdog's arrival count), so skipping from a voided event straight
/// to the latest arming skips only void ones.
///
/// `eager` (a test switch, `RunSettings::with_eager_timers`) queues an event for every arming instead.
#[inline]
fn arm_timer(q: &mut EventQueue<Event>, st: &mut FlowState, at: u64, event: Event, eager: bool) {
    let seq = q.reserve();
    st.timer_armed = true;
    st.timer_at = at;
    st.timer_seq = seq;
    if !st.timer_queued || eager {
        st.timer_queued = true;
        q.schedule_reserved(at, seq, event);
    }
}

/// Queues the event of `st`'s current arming in place of a voided one that just popped.
#[inline]
fn requeue_timer(q: &mut EventQueue<Event>, st: &mut FlowState, event: Event) {
    st.timer_queued = true;
    q.schedule_reserved(st.timer_at, st.timer_seq, event);
}

/// When the controller `node` next ends a scan after `now` (a request's arrival): the time it
/// serves the request.
///
/// Each controller runs one scan clock: its scan boundaries are a renewal process whose gaps
/// are scan lengths drawn from `cycle` and stretched by the CPU load (`Node::scan_stretch`).
/// Consecutive requests therefore see consecutive scans, and a poll whose period is close to
/// the scan lands at nearly the same point of successive scans — its timeouts come in runs
/// (aliasing), as on a real PLC. The clock is advanced lazily, never by an event: a request
/// draws the scans between the last boundary the clock knows and its own arrival, so the step
/// loop pays per request, not per idle scan (a constant scan advances by arithmetic).
///
/// The clock (re)starts in its stationary state — the wait is the residual of a length-biased
/// scan ([`scan_wait_ns`]) — on the controller's first request, when the controller went down
/// since its last request (a restarted PLC scans afresh), and when a request arrives more than
/// `cycle.memory_ns` (stretched) after the last boundary: by then the clock has forgotten its
/// phase (see `ScanCycle::memory_ns` for the bound), so the restart is exact to within 5·10⁻⁹
/// and the scans a request draws stay bounded (at most about 1024). The gap between the
/// baseline and the after window always restarts it.
///
/// A patch that changes the load or installs a new scan cycle acts on every scan drawn after
/// it takes effect; the scan running when it takes effect keeps its drawn end.
#[inline]
pub(crate) fn next_scan_end(
    node: &mut Node,
    cycle: &ScanCycle,
    now: u64,
    rng: &mut Pcg64Mcg,
) -> u64 {
    let stretch = node.scan_stretch;
    let clock = &mut node.scan_clock;
    let forgotten =
        now > clock.scan_end && (now - clock.scan_end) as f64 > cycle.memory_ns * stretch;
    if !clock.running || clock.down_seen != node.down_since || forgotten {
        clock.running = true;
        clock.down_seen = node.down_since;
        clock.scan_end = now + round_u64(scan_wait_ns(cycle, rng) as f64 * stretch);
    } else if clock.scan_end <= now {
        if cycle.dist.0.is_constant() {
            let length = round_u64(cycle.dist.0.sample(rng) * stretch).max(1);
            clock.scan_end += ((now - clock.scan_end) / length + 1) * length;
        } else {
            // At most about `memory_ns / E[S]` ≤ 1024 draws (`forgotten` above).
            while clock.scan_end <= now {
                clock.scan_end += round_u64(cycle.dist.0.sample(rng) * stretch).max(1);
            }
        }
    }
    clock.scan_end
}

/// Time from a request's arrival to the next scan boundary of a controller whose scan clock
/// (re)starts at a random moment: the stationary residual of its scan.
///
/// Scan boundaries form a renewal process whose gaps are the scan cycle `S`. A request arriving
/// at a random moment lands in a gap drawn with probability proportional to its length (the
/// inspection paradox), at a uniform point inside it; the wait is the rest of that gap. We
/// draw the length-biased gap by rejection (accept `S` with probability `S / max`, at most
/// `max / mean` tries on average) when the scan is bounded; for an unbounded distribution we
/// fall back to an unbiased draw, which underestimates the mean wait by `Var(S) / (2 E[S])`.
/// For a constant scan `s` this is exactly U[0, s).
#[inline]
pub(crate) fn scan_wait_ns(cycle: &ScanCycle, rng: &mut Pcg64Mcg) -> u64 {
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
