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
//! - Spontaneous faults arrive as a Poisson process per asset (`fault_rate_per_day`) and take
//!   the asset down for a draw of its `reboot_time`; the outage cascades like any other
//!   (module `fault`).
//! - Data loss: a flow into a store of data (a historian or a cloud service) loses data for
//!   every moment its route is broken — from when the route breaks (not when the consumer
//!   notices) until it is whole again, or the horizon — beyond the store-and-forward buffer
//!   that actually holds the data. When the route breaks with the producer up, both the
//!   producer's `buffer` (what it cannot forward) and the consumer's (a historian's
//!   collectors, which run beside the sources) hold it, so the larger counts. When the
//!   producer itself is down, what it would have passed on is held upstream: each of its
//!   inputs (the flows it consumes) is held as if that route had broken at its consumer (the
//!   larger of the input's producer's buffer and, if the relay is itself a store of data, its
//!   collectors'; nothing if that producer is down too), and the data is whole only if every
//!   input is, so the smallest counts. A producer with no inputs is where the data originates (a
//!   controller, a sensor): while it is down nothing is measured and the whole outage is
//!   lost. Which buffer holds is decided when the route breaks. Detection (`on_loss`) plays
//!   no part, so a publish flow without a watchdog loses data too. `historian_gap_ns` sums
//!   the lost time over flows (flow-time: one hour without three flows is three hours).
//!
//! # Evaluation
//! After every change, functions (in dependency order) and units are evaluated incrementally
//! and exactly: each one's result (its first lost dependency) and the earliest tolerance
//! deadline it saw are cached in [`Ops`]; only those whose direct inputs changed since (found
//! through [`DependentIndex`]) or whose deadline has come are evaluated again. The results,
//! trace and events are the same as re-evaluating everything.

//!
//! Submodules by concern: `plan` (actions, deployments, controls, windows), `service`
//! (controls that end, and what a plan takes out of service), `waiting_hosts` (deployments due
//! on an asset out of service wait for it to return), `fault` (spontaneous faults), `health` (assets
//! going down and coming back, coarse flow health, unit restarts), `evaluate` (functions and
//! units, closing the books). They never call into `attack`; cross-domain reactions are
//! `engine`'s.

mod evaluate;
mod fault;
mod health;
mod plan;
mod service;
mod waiting_hosts;

pub(crate) use fault::schedule_first_faults;

use crate::compiled::{Compiled, CompiledFlow};
use crate::event::Event;
use crate::outcome::OpsOutcome;
use crate::queue::EventQueue;
use crate::settings::RunSettings;
use patchtwin_model::{Action, FlowKind, When};

/// Schedules every opening and closing of the scenario's maintenance windows.
pub(crate) fn schedule_windows(model: &Compiled, q: &mut EventQueue<Event>) {
    for (wi, w) in model.scenario.windows.iter().enumerate() {
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
}

/// Schedules the start of each action of plan `plan` that starts within the horizon; returns
/// how many were scheduled, and the outcome so far counting those that never start.
pub(crate) fn schedule_actions(
    model: &Compiled,
    plan: usize,
    settings: &RunSettings,
    q: &mut EventQueue<Event>,
) -> (u32, OpsOutcome) {
    let mut outcome = OpsOutcome::default();
    let mut pending = 0;
    for (ai, a) in model.scenario.plans[plan].actions.iter().enumerate() {
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
    (pending, outcome)
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
pub fn detection_delay_ns(f: &CompiledFlow, u: f64) -> Option<u64> {
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
