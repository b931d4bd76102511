//! Taking something out of service: an asset, a conduit or an attacker entry point (a
//! remote-access path) switched off by a plan's `take_out` action, for a period or to the end
//! of the horizon. Validation turns each such action into a control of effect
//! [`ControlEffect::OutOfService`] enabled for that period,
//! so the one reach rule (`reach`) and the simulation's cascade see it like any control in
//! force: an asset out of service is down (its flows are cut, the functions and units that
//! depend on it fail), cannot be attacked, the entry points landing on it are shut, and an
//! attacker holding it loses it (the simulation's `attack`; persistence is not modelled); a
//! conduit out of service carries nothing (plant flows crossing it are cut, the attacker cannot
//! cross it); an entry point out of service lets no attempt through.
//!
//! These are the questions the reach rule and the simulation ask; not the cascade itself (that
//! is `patchtwin_sim`'s operations layer) and not the plan's timing (`plan`).

use crate::{AssetIdx, ConduitIdx, ControlEffect, ControlIdx, EntryIdx, Scenario};

/// What a `take_out` action takes out of service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceItem {
    /// An asset: down for the period.
    Asset(AssetIdx),
    /// A conduit: closed to everything for the period.
    Conduit(ConduitIdx),
    /// An attacker entry point (a remote-access path): shut for the period.
    Entry(EntryIdx),
}

/// The first active control (in control order) that takes `item` out of service.
fn first_out(s: &Scenario, active: &[bool], item: ServiceItem) -> Option<ControlIdx> {
    s.controls
        .iter()
        .enumerate()
        .find_map(|(k, c)| match &c.effect {
            ControlEffect::OutOfService { what } if *what == item && active[k] => {
                Some(ControlIdx(k as u32))
            }
            _ => None,
        })
}

/// The active control that has `asset` out of service, if any.
pub fn asset_out(s: &Scenario, asset: AssetIdx, active: &[bool]) -> Option<ControlIdx> {
    first_out(s, active, ServiceItem::Asset(asset))
}

/// The active control that has `conduit` out of service, if any.
pub fn conduit_out(s: &Scenario, conduit: ConduitIdx, active: &[bool]) -> Option<ControlIdx> {
    first_out(s, active, ServiceItem::Conduit(conduit))
}

/// The active control that shuts entry point `entry`: the entry point itself out of service,
/// or the asset it lands on (the entry point first; an entry from outside the plant lands on
/// none).
pub fn entry_out(s: &Scenario, entry: EntryIdx, active: &[bool]) -> Option<ControlIdx> {
    first_out(s, active, ServiceItem::Entry(entry)).or_else(|| {
        let landing = s.threat.entry_points[entry.ix()].asset?;
        asset_out(s, landing, active)
    })
}
