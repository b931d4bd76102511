//! Spontaneous faults: a Poisson process per asset at its `fault_rate_per_day`, each taking
//! the asset down for a draw of its `reboot_time` (a machine fault: the device, or the host
//! and everything on it, restarts), then cascading like any other outage.
//!
//! Why the reboot time and not `service_restart_time`: the models' fault rates count faults
//! that take the asset out of service (hardware, firmware, operating system), and the asset's
//! flows, functions and units see it as down; a crashed service that its host restarts on its
//! own is a patch's `restart: service` (whose default duration is `service_restart_time`), not
//! a fault here. Both fields are therefore live: `reboot_time` through faults and machine
//! restarts of patches without their own `restart_time`, `service_restart_time` through
//! service restarts of such patches.
//!
//! Draws come from the keyed stream (replication, [`PURPOSE_FAULT`], asset, fault number):
//! its first draw is the gap since the previous fault (or since time 0), its second the repair
//! time. So every plan sees the same faults at the same times with the same repairs (common
//! random numbers), whatever else it changes. Not here: what an outage does (`health`).

use crate::compiled::Compiled;
use crate::event::Event;
use crate::queue::EventQueue;
use crate::rng::{PURPOSE_FAULT, keyed_stream};
use crate::step::{Step, fmt_ns};
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

/// Nanoseconds per day.
const DAY_NS: f64 = 86_400e9;

/// The stream of fault number `index` of `asset`, and the gap (ns) since the fault before it
/// (its first draw). `None` for an asset that never faults.
fn fault_stream(model: &Compiled, key: u64, asset: u32, index: u32) -> Option<(Pcg64Mcg, u64)> {
    let rate = model.scenario.assets[asset as usize]
        .behaviour
        .fault_rate_per_day;
    if rate <= 0.0 {
        return None;
    }
    let mut r = keyed_stream(key, PURPOSE_FAULT, u64::from(asset), u64::from(index));
    let x: f64 = Exp1.sample(&mut r);
    // At least 1 ns, so that two faults of one asset never share an instant.
    Some((r, ((x / rate * DAY_NS).round() as u64).max(1)))
}

/// Schedules the first fault of every asset that can fault, if it comes within `horizon`.
pub(crate) fn schedule_first_faults(
    model: &Compiled,
    key: u64,
    horizon: u64,
    q: &mut EventQueue<Event>,
) {
    for asset in 0..model.scenario.assets.len() as u32 {
        if let Some((_, gap)) = fault_stream(model, key, asset, 0)
            && gap < horizon
        {
            q.schedule(gap, Event::Fault { asset, index: 0 });
        }
    }
}

impl Step<'_, '_> {
    /// Fault number `index` of `asset` happens now: the asset goes down for a draw of its
    /// reboot time, and the next fault is scheduled.
    pub(crate) fn fault(&mut self, q: &mut EventQueue<Event>, now: u64, asset: u32, index: u32) {
        let model = self.model;
        let Some((mut r, _)) = fault_stream(model, self.ops.key, asset, index) else {
            return;
        };
        let a = &model.scenario.assets[asset as usize];
        let drawn = a.behaviour.reboot_time.sample(&mut r).as_nanos();
        let repair = self.recovery_ns(
            patchtwin_model::RecoveryKind::Repair,
            Some(asset),
            None,
            drawn,
        );
        self.ops.outcome.faults += 1;
        self.ops.outcome.fault_repair_ns += repair;
        let aid = &a.id;
        self.note_duration(now, aid, repair, "fault", || {
            format!(
                "{aid} fails spontaneously (fault rate {}/day): down for its reboot ({})",
                a.behaviour.fault_rate_per_day,
                fmt_ns(repair)
            )
        });
        self.take_down(q, now, asset, repair);
        self.evaluate(q, now);
        if let Some((_, gap)) = fault_stream(model, self.ops.key, asset, index + 1)
            && now.saturating_add(gap) < self.settings.horizon_ns
        {
            q.schedule(
                now + gap,
                Event::Fault {
                    asset,
                    index: index + 1,
                },
            );
        }
    }
}
