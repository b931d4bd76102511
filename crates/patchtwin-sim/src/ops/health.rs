//! Assets going down and coming back, the coarse health of flows (failure after the
//! consumer's detection delay, recovery), and tripped units restarting.

use crate::event::Event;
use crate::ops::detection_delay_ns;
use crate::queue::EventQueue;
use crate::state::UnitMode;
use crate::step::{Step, fmt_ns};
use patchtwin_model::{AssetKind, FlowKind};

/// Whether a flow's consumer keeps its data (a historian or a cloud service): the flows whose
/// outages lose data (see `ops`, "Data loss").
pub(crate) fn keeps_data(kind: AssetKind) -> bool {
    matches!(kind, AssetKind::Historian | AssetKind::CloudService)
}
use rand::RngExt;

impl Step<'_, '_> {
    /// Takes an asset down for `duration`: its flows start failing after their detection delay.
    pub(crate) fn take_down(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        asset: u32,
        duration: u64,
    ) {
        self.go_down(q, now, asset);
        q.schedule(now + duration, Event::AssetBack { asset });
    }

    /// Takes an asset down until a matching `asset_back` (a restart's `AssetBack`, or the end
    /// of its time out of service): its flows start failing after their detection delay.
    pub(crate) fn go_down(&mut self, q: &mut EventQueue<Event>, now: u64, asset: u32) {
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
    }

    /// The work of `action` on `asset` ends at `end`: past the window the action started in,
    /// it will count as overrun when the asset is back.
    pub(crate) fn work_ends(&mut self, action: u16, asset: u32, end: u64) {
        let run = &mut self.ops.actions[action as usize];
        if run.window_end.is_some_and(|w| end > w) {
            run.finishing.push((asset, end));
        }
    }

    /// Something on `flow`'s route stopped carrying it (an asset down, a conduit closed): the
    /// consumer will declare the flow failed after its detection delay, unless the route is
    /// whole again by then (the generation changes).
    pub(crate) fn route_lost(&mut self, q: &mut EventQueue<Event>, now: u64, flow: u32) {
        let u = self.rng.random::<f64>();
        let delay = detection_delay_ns(&self.model.flows[flow as usize], u);
        let buffer = self.held_buffer_ns(flow);
        let st = self.flow_state(flow);
        st.route_down += 1;
        if st.route_down == 1 {
            st.cut_since = now;
            st.cut_buffer_ns = buffer;
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

    /// The store-and-forward buffer that holds `flow`'s data while its route is broken, as the
    /// route breaks now (see `ops`, "Data loss"). With the producer up, the larger of the
    /// producer's buffer and the consumer's. With the producer down, what it would have passed
    /// on is held upstream, by what holds each of its own inputs while it is down (as for a
    /// route broken at its consumer: the input's producer, if up, and the relay's collectors if
    /// it is itself a store of data); the data is whole only if every input is held, so the
    /// smallest of them counts. A producer with no inputs is where the data originates: a
    /// controller or sensor that is down measures nothing any buffer could hold.
    fn held_buffer_ns(&self, flow: u32) -> u64 {
        let model = self.model;
        let s = &model.scenario;
        let f = &s.flows[flow as usize];
        let buffer = |a: patchtwin_model::AssetIdx| {
            s.assets[a.ix()]
                .behaviour
                .buffer
                .map_or(0, |b| b.as_nanos())
        };
        if self.node_ref(f.producer.0).up {
            return buffer(f.producer).max(buffer(f.consumer));
        }
        let relay = f.producer;
        let collectors = if keeps_data(s.assets[relay.ix()].kind) {
            buffer(relay)
        } else {
            0
        };
        model.asset_flows[relay.ix()]
            .iter()
            .map(|&g| &s.flows[g as usize])
            .filter(|g| g.consumer == relay)
            .map(|g| {
                if self.node_ref(g.producer.0).up {
                    buffer(g.producer).max(collectors)
                } else {
                    0
                }
            })
            .min()
            .unwrap_or(0)
    }

    /// `flow`'s route was broken for `outage` (ns) up to `now`, with `buffer` holding its data:
    /// a flow into a store of data loses what the buffer could not hold. A flow named in a
    /// data-loss consequence records its lost stretch `[now − gap, now)` for that group,
    /// whatever its consumer (see `ops`, "Data loss").
    pub(crate) fn data_lost(&mut self, now: u64, flow: u32, outage: u64, buffer: u64) {
        let model = self.model;
        let s = &model.scenario;
        let f = &s.flows[flow as usize];
        let gap = outage.saturating_sub(buffer);
        if gap == 0 {
            if outage > 0 {
                self.note(now, &f.id, "buffer_saved", || {
                    format!(
                        "no data lost: the route was broken for {} and the buffer holding the data keeps {}",
                        fmt_ns(outage),
                        fmt_ns(buffer)
                    )
                });
            }
            return;
        }
        for (g, group) in s.data_loss.iter().enumerate() {
            if group.flows.contains(&patchtwin_model::FlowIdx(flow)) {
                self.ops.loss_stretches[g].push((now - gap, now));
            }
        }
        if !keeps_data(s.assets[f.consumer.ix()].kind) {
            return;
        }
        self.ops.outcome.historian_gap_ns += gap;
        self.note_duration(now, &f.id, gap, "historian_gap", || {
            format!(
                "data lost for {}: the route was broken for {} and the buffer holding the data keeps {}",
                fmt_ns(gap),
                fmt_ns(outage),
                fmt_ns(buffer)
            )
        });
    }

    /// The attacker stopped controller `asset` for `duration`: its flows count their
    /// failures apart until it is back (`FlowState::attack_starts`), so that timing in the
    /// observation windows measures the plant and the plan's changes, not the attacker.
    pub(crate) fn attacker_stops(
        &mut self,
        q: &mut EventQueue<Event>,
        now: u64,
        asset: u32,
        duration: u64,
    ) {
        let model = self.model;
        for &f in &model.asset_flows[asset as usize] {
            self.flow_state(f).attack_starts();
        }
        q.schedule(now + duration, Event::AttackStopEnds { asset });
    }

    /// The controller the attacker stopped is back.
    pub(crate) fn attacker_stop_ends(&mut self, asset: u32) {
        let model = self.model;
        let phase = usize::from(self.observing.unwrap_or(0));
        for &f in &model.asset_flows[asset as usize] {
            self.flow_state(f).attack_ends(phase);
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
            format!("{aid} is back up after {}", fmt_ns(now - since))
        });
        // Window overrun: work on this asset that started in a window ends after it (by the
        // work's own end: `ActionRun::finishing`).
        let mut overran = 0;
        for run in &mut self.ops.actions {
            let Some(end) = run.window_end else { continue };
            while let Some(i) = run
                .finishing
                .iter()
                .position(|&(a, t)| a == asset && t <= now)
            {
                let (_, t) = run.finishing.swap_remove(i);
                run.overrun_ns = run.overrun_ns.max(t - end);
                overran = overran.max(t - end);
            }
        }
        if overran > 0 {
            self.note_duration(now, aid, overran, "overrun", || {
                format!(
                    "{aid} back {} after the maintenance window its plan action started in closed: counted as window overrun",
                    fmt_ns(overran)
                )
            });
        }
        for &f in &model.asset_flows[asset as usize] {
            self.route_back(q, now, f);
        }
        self.evaluate(q, now);
    }

    /// One of the things that broke `flow`'s route is whole again (an asset back, a conduit
    /// open again): when none is left, the flow recovers with its next poll or publication
    /// and the data its outage lost is counted.
    pub(crate) fn route_back(&mut self, q: &mut EventQueue<Event>, now: u64, f: u32) {
        let period = self.model.flows[f as usize].period_ns;
        let u = self.rng.random::<f64>();
        let st = self.flow_state(f);
        st.route_down = st.route_down.saturating_sub(1);
        if st.route_down == 0 {
            st.generation = st.generation.wrapping_add(1);
            let generation = st.generation;
            let (since, buffer) = (st.cut_since, st.cut_buffer_ns);
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
            self.data_lost(now, f, now - since, buffer);
        }
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
            self.ops.mark(self.model.dependents.by_flow.get(flow));
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
}
