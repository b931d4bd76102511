//! Message-level handlers: polls and publications, hop-by-hop transmission over FIFO link
//! queues, device-side processing in each device's own FIFO queue (the sender's, every
//! forwarding or inspecting device's, the receiver's), service at scan boundaries (each
//! controller's running scan clock, [`next_scan_end`]), timeouts, retries, comm-fail and
//! watchdogs.
//!
//! Every message is processed by each device it passes: the consumer sending a request, every
//! network device forwarding it (inspection by a control in force is service in the
//! inspecting device, `compiled::Inspection`), the producer serving it at the end of its
//! running scan, the devices forwarding the answer and the consumer receiving it; a
//! publication is produced at the end of the publisher's running scan (a controller's logic
//! publishes what a scan computed) and processed by every device to its subscriber. A poll's
//! latency runs from the request to the answer taken in; a publication's is its transfer time
//! (IEC 61850-5): from the end of that scan, when the message is ready, to the subscriber
//! having taken it in — the publisher's own processing, the network and the subscriber's
//! processing, not the wait for the scan to end. A device's
//! processing time is its service time plus what patches added, stretched by its CPU load
//! (`1 / (1 − load)`, as its scan), in one FIFO queue per device (`Node::busy_until`); the
//! message moves on when processing ends (`Event::Processed`), so a message reaches the next
//! link's transmitter only when it is really there. Timing effects of the plan (inspection,
//! patch side effects) never act inside the baseline window: "before" is the plant as found.
//!
//! These run only inside observation windows and measure timing. They do not drive cascades:
//! the operations layer (`ops`) decides when a flow counts as failed, using detection delays
//! derived from the same parameters (see `ops::detection_delay_ns`).

use crate::compiled::{CompiledFlow, HopLink, serialization_ns};
use crate::event::{Event, Message};
use crate::outcome::SaturatedQueue;
use crate::queue::EventQueue;
use crate::saturation::QUEUE_BOUND;
use crate::state::{FlowState, record};
use crate::step::{Step, fmt_ns, round_u64};
use patchtwin_model::FlowKind;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

mod scan;
pub(crate) use scan::next_scan_end;

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
        let next = match f.storm {
            None => now + gap,
            Some(storm) => {
                let from = self.observe_from;
                let storm_gap = if f.poisson {
                    let x: f64 = Exp1.sample(self.rng);
                    round_u64(x * storm[2] as f64).max(1)
                } else {
                    storm[2]
                };
                from + storm_next(storm, now - from, gap, storm_gap)
            }
        };
        if next < self.observe_until {
            q.schedule(next, Event::Fire { flow });
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
                    st.live.skipped += 1;
                    return;
                }
                st.outstanding = true;
                st.attempt = 0;
                st.poll_started = now;
                st.tag = st.tag.wrapping_add(1);
                st.live.sent += 1;
                let tag = st.tag;
                arm_timer(q, st, now + timeout, Event::Timeout { flow, tag }, eager);
                self.originate(q, now, Message::new(flow, false, u64::from(tag), bytes));
            }
            FlowKind::Publish => {
                let bytes = self.message_bytes(f, true);
                let up = self.node_ref(producer).up;
                match f.multicast {
                    None => self.published(now, flow),
                    // One message for every subscriber's copy.
                    Some((g, _)) => {
                        let model = self.model;
                        for &copy in &model.multicast[g as usize].copies {
                            self.published(now, copy);
                        }
                    }
                }
                if up {
                    self.originate(q, now, Message::new(flow, true, now, bytes));
                }
            }
        }
    }

    /// Counts a publication of `flow` sent at `now`.
    fn published(&mut self, now: u64, flow: u32) {
        let st = self.flow_state(flow);
        st.live.sent += 1;
        st.tag = st.tag.wrapping_add(1);
        st.poll_started = now;
    }

    /// The message `m` is lost: every flow it stands for counts it (a multicast message
    /// stands for every copy whose route it still shares, `compiled::multicast`).
    fn lose(&mut self, m: Message) {
        let model = self.model;
        match model.flows[m.flow as usize].multicast {
            None => self.flow_state(m.flow).live.lost += 1,
            Some((g, k)) => {
                let mc = &model.multicast[g as usize];
                for j in mc.carried(usize::from(k), usize::from(m.pos)) {
                    self.flow_state(mc.copies[j]).live.lost += 1;
                }
            }
        }
    }

    /// A device finished processing a multicast message: the copies whose subscriber it is
    /// take it in, and it goes on once per distinct next link, carried by the lowest copy
    /// that takes that link (`compiled::multicast`).
    fn fan_out(&mut self, q: &mut EventQueue<Event>, now: u64, m: Message, (g, k): (u32, u16)) {
        let model = self.model;
        let mc = &model.multicast[g as usize];
        let (k, pos) = (usize::from(k), usize::from(m.pos));
        for j in mc.carried(k, pos) {
            let flow = mc.copies[j];
            if mc.ends_at(j, pos) {
                self.deliver(q, now, flow, m.stamp);
            } else if mc.leads_onward(k, j, pos) {
                self.send(q, now, Message { flow, ..m });
            }
        }
    }

    /// A patch installed on `asset`: its side effects act on the timing model from now on —
    /// or, when installed inside the baseline window, from the window's end
    /// ([`Step::apply_deferred_effects`]), so that "before" measures the plant as found even
    /// for a change made at t = 0.
    pub(crate) fn side_effects(&mut self, now: u64, asset: u32, patch: u32) {
        if now < self.settings.observe_ns {
            self.ops.deferred_effects.push((asset, patch));
            return;
        }
        let fx = &self.model.scenario.patches[patch as usize].side_effects;
        let installs_scan = self.model.patch_scan[patch as usize];
        let node = self.node(asset);
        if fx.added_service_time.is_some() {
            node.added_service.push(patch);
        }
        if fx.added_cpu_load > 0.0 {
            let base = node.cpu_load;
            let new = (base + fx.added_cpu_load).min(crate::state::MAX_CPU_LOAD);
            node.scan_stretch *= (1.0 - base) / (1.0 - new);
            node.cpu_load = new;
        }
        if let Some(sc) = installs_scan {
            node.scan = Some(sc);
        }
    }

    /// The baseline window closed: the side effects installed inside it take effect.
    pub(crate) fn apply_deferred_effects(&mut self, now: u64) {
        for (asset, patch) in std::mem::take(&mut self.ops.deferred_effects) {
            self.side_effects(now, asset, patch);
        }
    }

    /// Time the device at route position `at` (counted from the consumer) of `flow` takes to
    /// process one of its messages: its service time plus what patches added, stretched by its
    /// CPU load (not for a network device, which forwards in hardware), plus the inspection of every control in force that inspects the flow there.
    /// Patch side effects and inspection are in force only after the baseline window (the
    /// deferral of side effects is `ops`'s, see `Ledger::deferred_effects`).
    fn processing_ns(&mut self, asset: u32, flow: u32, at: usize) -> u64 {
        let model = self.model;
        let node = &*self.c.nodes[asset as usize];
        let stretch = node.scan_stretch;
        let mut base = model.service[asset as usize].sample(self.rng).as_nanos();
        for &p in &node.added_service {
            if let Some(d) = &model.scenario.patches[p as usize]
                .side_effects
                .added_service_time
            {
                base += d.sample(self.rng).as_nanos();
            }
        }
        let mut ns = if stretch == 1.0 || model.forwards[asset as usize] {
            base
        } else {
            round_u64(base as f64 * stretch)
        };
        let f = &model.flows[flow as usize];
        if !f.inspections.is_empty() && self.observing == Some(1) {
            for i in &f.inspections {
                if usize::from(i.at) == at && self.ops.controls_active[i.control as usize] {
                    ns += i.latency.sample(self.rng).as_nanos();
                }
            }
        }
        ns
    }

    /// Queues `event` (the end of processing a message) in `asset`'s processor: processing
    /// starts at `ready` or when the messages ahead of it are done (FIFO), and lasts `service`.
    /// A full queue drops the message (see `saturation`).
    #[expect(
        clippy::too_many_arguments,
        reason = "a device, its queue, and the message that joins it"
    )]
    fn enqueue(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        ready: u64,
        asset: u32,
        service: u64,
        m: Message,
        event: Event,
    ) {
        let node = &mut *self.c.nodes[asset as usize];
        if node.queued >= QUEUE_BOUND {
            self.lose(m);
            self.queue_full(now, SaturatedQueue::Server { asset });
            return;
        }
        node.queued += 1;
        let start = ready.max(node.busy_until);
        node.busy_until = start + service;
        q.schedule(start + service, event);
    }

    /// The sender of a new message (the consumer's request, or the producer's publication at
    /// the end of its running scan) processes it, then sends it (`processed`). A publication
    /// is stamped with that scan end: its latency is measured from when it is ready.
    fn originate(&mut self, q: &mut EventQueue<Event>, now: u64, m: Message) {
        let f = &self.model.flows[m.flow as usize];
        if !m.back {
            let asset = f.links[0].consumer_side;
            let service = self.processing_ns(asset, m.flow, 0);
            self.enqueue(q, now, now, asset, service, m, Event::Processed(m));
            return;
        }
        let ready = self.scan_end(f.producer, now);
        // A publication's latency is its transfer time (IEC 61850-5: from the moment the
        // message is ready at the publisher to the moment the subscriber has taken it in), so
        // its stamp is the end of the scan that produced it, not the tick that fired it: the
        // wait for the scan end is the protection function's time, not the communication's.
        self.join_when_ready(q, now, ready, Message { stamp: ready, ..m });
    }

    /// The end of `asset`'s running scan after `now`; `now` for a device without a scan.
    fn scan_end(&mut self, asset: u32, now: u64) -> u64 {
        let model = self.model;
        let rng = &mut *self.rng;
        let node = &mut *self.c.nodes[asset as usize];
        match node.scan {
            Some(scan) => next_scan_end(node, &model.scans[scan as usize], now, rng),
            None => now,
        }
    }

    /// A message that waits for the end of its device's running scan — a publication at its
    /// publisher, a request at the controller it polls — joins the device's queue only when
    /// that scan ends (`ready`): meanwhile the device processes whatever else reaches it (the
    /// scan computes; the communication processor is free), so a message waiting for a scan
    /// never holds up one that is already there.
    fn join_when_ready(&mut self, q: &mut EventQueue<Event>, now: u64, ready: u64, m: Message) {
        if ready > now {
            q.schedule(ready, Event::Ready(m));
        } else {
            self.ready(q, now, m);
        }
    }

    /// A publication at its publisher, or a request at its producer, is ready
    /// ([`Step::join_when_ready`]): it joins the device's FIFO queue, to be sent (`processed`)
    /// or answered (`respond`) once processed.
    pub(crate) fn ready(&mut self, q: &mut EventQueue<Event>, now: u64, m: Message) {
        let f = &self.model.flows[m.flow as usize];
        let (asset, at) = (f.producer, f.links.len());
        let service = self.processing_ns(asset, m.flow, at);
        let event = if m.back {
            Event::Processed(m)
        } else {
            Event::Respond {
                flow: m.flow,
                tag: m.stamp as u32,
            }
        };
        self.enqueue(q, now, now, asset, service, m, event);
    }

    /// Transmits a message leaving its route position onto the next link.
    fn send(&mut self, q: &mut EventQueue<Event>, now: u64, m: Message) {
        let Message {
            flow,
            pos,
            back,
            bytes,
            ..
        } = m;
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
            self.lose(m.next());
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
        lq.sent[dir] += 1;
        if lost {
            self.lose(m.next());
            return;
        }
        let arrive = start + ser + hl.latency_ns + jitter;
        q.schedule(arrive, Event::Hop(m.next()));
    }

    /// A message reached the device at its route position: it joins the device's queue.
    pub(crate) fn hop(&mut self, q: &mut EventQueue<Event>, now: u64, m: Message) {
        let Message {
            flow, pos, back, ..
        } = m;
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
        if !self.node_ref(asset).up {
            self.lose(m);
            return;
        }
        if !last || back {
            // A network device forwards (or inspects) after its processing, and the consumer
            // takes in an answer or publication, each in the device's own FIFO queue.
            let at = if back { n - pos as usize } else { pos as usize };
            let service = self.processing_ns(asset, flow, at);
            self.enqueue(q, now, now, asset, service, m, Event::Processed(m));
            return;
        }
        // A request reached the producer: served at the end of the controller's running scan
        // (CPU load stretches the scan), or at once by a device without one, in its FIFO.
        let ready = self.scan_end(asset, now);
        self.join_when_ready(q, now, ready, m);
    }

    /// A device finished processing a message at route position `pos` (counted from the
    /// sender): it leaves the device's queue and moves on, or, at the consumer, is delivered.
    pub(crate) fn processed(&mut self, q: &mut EventQueue<Event>, now: u64, m: Message) {
        let Message {
            flow, pos, back, ..
        } = m;
        let f = &self.model.flows[flow as usize];
        let n = f.links.len();
        let at = if back { n - pos as usize } else { pos as usize };
        let asset = route_asset(&f.links, at);
        let node = self.node(asset);
        node.queued = node.queued.saturating_sub(1);
        if !node.up {
            self.lose(m);
            return;
        }
        if let Some(copy) = f.multicast {
            self.fan_out(q, now, m, copy);
            return;
        }
        if (pos as usize) < n {
            self.send(q, now, m);
            return;
        }
        self.deliver(q, now, flow, m.stamp);
    }

    /// A response or publication of `flow` stamped `stamp` reached the consumer, which has
    /// processed it: its latency is recorded, and a publication re-arms the watchdog.
    fn deliver(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32, stamp: u64) {
        let f = &self.model.flows[flow as usize];
        let phase = self.phase();
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
                // The stamp is when the publication was ready (`originate`): they may overlap.
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
        self.send(q, now, Message::new(flow, true, u64::from(tag), bytes));
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
            let tag = st.tag;
            arm_timer(q, st, now + timeout_ns, Event::Timeout { flow, tag }, eager);
            let bytes = self.message_bytes(f, false);
            self.originate(q, now, Message::new(flow, false, u64::from(tag), bytes));
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

/// The next message of a flow with a storm `[start, duration, period, every]` (ns, `every` 0:
/// once), at `rel` ns into the observation window, given the flow's own next gap `gap` and
/// the storm's `storm_gap`: inside a storm the storm's gap while the storm lasts; otherwise the
/// flow's own gap, or the start of the next storm if that comes first. Times are relative to
/// the window's start.
pub(crate) fn storm_next(storm: [u64; 4], rel: u64, gap: u64, storm_gap: u64) -> u64 {
    let [start, duration, _, every] = storm;
    // The storm running at `rel` or the next one: its start.
    let s = if rel < start || every == 0 {
        start
    } else {
        let k = (rel - start) / every;
        let s = start + k * every;
        if rel < s + duration { s } else { s + every }
    };
    if rel >= s && rel < s + duration {
        let cand = rel + storm_gap;
        if cand < s + duration {
            return cand;
        }
    }
    let own = rel + gap;
    // The next storm starting after `rel`.
    let upcoming = if rel < s {
        Some(s)
    } else if every > 0 {
        Some(s + every)
    } else {
        None
    };
    match upcoming {
        Some(u) if u < own => u,
        _ => own,
    }
}

/// The asset at route position `at` counted from the consumer (`0..=links.len()`).
#[inline]
fn route_asset(links: &[HopLink], at: usize) -> u32 {
    if at == 0 {
        links[0].consumer_side
    } else {
        links[at - 1].producer_side
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
