//! Incremental, exact evaluation of functions and process units (see the module docs of
//! `ops`, "Evaluation"), unit downtime accounting, and closing the books at the horizon.

use crate::compiled::deps::{DepKind, FlatDep};
use crate::event::Event;
use crate::queue::EventQueue;
use crate::rng::{PURPOSE_UNIT_RESTART, keyed_stream};
use crate::state::ledger::{Cached, NONE_LOST};
use crate::state::{UnitMode, UnitState};
use crate::step::{Step, fmt_ns};
use patchtwin_model::{Dependency, DependencyTarget, FunctionKind, Scenario};

impl Step<'_, '_> {
    /// Adds every unit's unplanned downtime up to `now` (see [`account_unit`]).
    pub(crate) fn account_units(&mut self, now: u64) {
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
        if valid && !self.settings.full_evaluation {
            return (c, false);
        }
        self.evaluate_owner(o, now, valid.then_some(c))
    }

    /// Evaluates owner `o` afresh and caches the result; `cached` is a result still valid
    /// (when `RunSettings::with_full_evaluation` forces the evaluation), which must agree.
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
    /// result and the earliest deadline it saw are cached in the ledger (`Ledger::cache`), and only owners whose
    /// inputs changed since (marked through [`DependentIndex`] wherever such state changes)
    /// or whose deadline has come are evaluated again; a function that flips marks its
    /// dependents, which come later in dependency order. Every unit's mode is still matched
    /// against its result, since windows and restarts change modes.
    pub(crate) fn evaluate(&mut self, q: &mut EventQueue<Event>, now: u64) {
        let model = self.model;
        let s = &*model.scenario;
        let in_window = self.ops.plant_windows_open > 0;
        // Whether any cached result may be invalid; if not, only unit modes are looked at.
        let scan = self.ops.any_dirty || now >= self.ops.earliest || self.settings.full_evaluation;
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
                        format!("{word} restored after {}", fmt_ns(lost_for))
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
                    let drawn = unit.restart_time.sample(&mut r).as_nanos();
                    let d = self.recovery_ns(
                        patchtwin_model::RecoveryKind::UnitRestart,
                        None,
                        Some(ui as u32),
                        drawn,
                    );
                    let u = &mut *self.c.units[ui];
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
                        format!("{id} dependencies restored; restarting ({})", fmt_ns(d))
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
        // Routes still broken at the horizon lose data up to it.
        for f in 0..self.c.flows.len() as u32 {
            let st = &*self.c.flows[f as usize];
            if st.route_down > 0 {
                let (since, buffer) = (st.cut_since, st.cut_buffer_ns);
                self.data_lost(horizon, f, horizon.saturating_sub(since), buffer);
            }
        }
        self.count_data_loss_events(horizon);
    }

    /// Merges each data-loss consequence's lost stretches into its lost time (their union)
    /// and counts every maximal stretch longer than its threshold as one event.
    fn count_data_loss_events(&mut self, now: u64) {
        let model = self.model;
        for (g, group) in model.scenario.data_loss.iter().enumerate() {
            let stretches = &mut self.ops.loss_stretches[g];
            stretches.sort_unstable();
            let threshold = group.gap_threshold.as_nanos();
            let (mut events, mut lost_ns) = (0u32, 0u64);
            let mut merged: Vec<(u64, u64)> = Vec::new();
            for &(a, b) in stretches.iter() {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            for &(a, b) in &merged {
                lost_ns += b - a;
                events += u32::from(b - a > threshold);
            }
            let o = &mut self.ops.outcome;
            o.data_loss_group_events.push(events);
            if events == 0 && lost_ns == 0 {
                continue;
            }
            o.data_loss_events += events;
            o.data_loss_cost += f64::from(events) * group.cost_per_event
                + lost_ns as f64 / 3.6e12 * group.cost_per_hour;
            o.data_loss_breaks_operations |= events > 0 && group.breaks_operations;
            let id = &group.id;
            self.note_duration(now, id, lost_ns, "data_loss", || {
                format!(
                    "{id}: {} of data lost in {} stretch(es), {events} longer than the {} threshold",
                    fmt_ns(lost_ns),
                    merged.len(),
                    group.gap_threshold
                )
            });
        }
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
