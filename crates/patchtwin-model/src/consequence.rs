//! Consequences and operational prices the plant description adds to the cascade: data-loss
//! consequences (a gap threshold and its cost on a group of flows) and recovery effects (a
//! control that lengthens or shortens restarts, repairs and recoveries while it is in force).
//! Plain data; the simulation applies them (`patchtwin-sim`'s `ops`), validation builds them.

use crate::plant::{AssetIdx, FlowIdx, UnitIdx};
use crate::time::Duration;
use serde::Serialize;

/// A data-loss consequence: a gap in the data of any flow of the group longer than the
/// threshold is one reportable event.
///
/// The group's lost time is the union over its flows of each flow's lost stretch (the end of
/// a broken route beyond the buffer that held the data: `[end − lost, end)`), so one outage
/// losing three tags at once is one event. Each maximal stretch of the union longer than
/// `gap_threshold` is an event; `cost_per_event` is charged per event and `cost_per_hour`
/// per hour of the union (all of it, over the threshold or not).
#[derive(Clone, Debug)]
pub struct DataLossGroup {
    /// Scenario id.
    pub id: String,
    /// The flows whose data counts (their consumer need not be a historian: naming a flow
    /// here says its data matters).
    pub flows: Vec<FlowIdx>,
    /// A gap longer than this is a reportable event.
    pub gap_threshold: Duration,
    /// Cost of each event.
    pub cost_per_event: f64,
    /// Cost per hour of lost data in the group.
    pub cost_per_hour: f64,
    /// Whether an event breaks operational success (dual success).
    pub breaks_operations: bool,
}

/// Which recovery times a [`RecoveryEffect`] changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryKind {
    /// An asset's restart after a patch (the patch's restart time, or the asset's).
    Restart,
    /// A repair: a spontaneous fault's repair time and a failed deployment's rollback time.
    Repair,
    /// A process unit's restart after a trip.
    UnitRestart,
    /// Restoring a controller the attacker stopped (the threat's `recovery_time`).
    Recovery,
}

impl RecoveryKind {
    /// Every kind, in order.
    pub const ALL: [RecoveryKind; 4] = [
        RecoveryKind::Restart,
        RecoveryKind::Repair,
        RecoveryKind::UnitRestart,
        RecoveryKind::Recovery,
    ];
    /// The name as written in scenarios.
    pub fn name(self) -> &'static str {
        match self {
            RecoveryKind::Restart => "restart",
            RecoveryKind::Repair => "repair",
            RecoveryKind::UnitRestart => "unit_restart",
            RecoveryKind::Recovery => "recovery",
        }
    }
}

/// A change to recovery times while a control is in force: every drawn time `d` of the listed
/// kinds becomes `d × scale + add` ("vendor support reaches the site 24 h later" is
/// `add: 24h` on `repair` and `recovery`).
#[derive(Clone, Debug)]
pub struct RecoveryEffect {
    /// The kinds it changes.
    pub kinds: Vec<RecoveryKind>,
    /// Assets whose restarts, repairs and recoveries it changes; empty with `units` empty:
    /// every asset.
    pub assets: Vec<AssetIdx>,
    /// Units whose restarts it changes; empty with `assets` empty: every unit.
    pub units: Vec<UnitIdx>,
    /// Multiplier on the drawn time (≥ 0).
    pub scale: f64,
    /// Added after scaling.
    pub add: Duration,
}

impl RecoveryEffect {
    /// Whether it applies to a time of `kind` for asset `asset` (asset kinds) or unit `unit`
    /// (`unit_restart`).
    pub fn applies(
        &self,
        kind: RecoveryKind,
        asset: Option<AssetIdx>,
        unit: Option<UnitIdx>,
    ) -> bool {
        if !self.kinds.contains(&kind) {
            return false;
        }
        let everywhere = self.assets.is_empty() && self.units.is_empty();
        match kind {
            RecoveryKind::UnitRestart => {
                everywhere || unit.is_some_and(|u| self.units.contains(&u))
            }
            _ => everywhere || asset.is_some_and(|a| self.assets.contains(&a)),
        }
    }

    /// The changed time (ns): `d × scale + add`, rounded to the nanosecond.
    pub fn apply(&self, d: u64) -> u64 {
        ((d as f64 * self.scale).round() as u64).saturating_add(self.add.as_nanos())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::unit;

    #[test]
    fn scale_then_add() {
        let e = RecoveryEffect {
            kinds: vec![RecoveryKind::Repair],
            assets: vec![AssetIdx(2)],
            units: vec![],
            scale: 1.5,
            add: Duration(24 * unit::H),
        };
        // 2 h × 1.5 + 24 h = 27 h.
        assert_eq!(e.apply(2 * unit::H), 27 * unit::H);
        assert!(e.applies(RecoveryKind::Repair, Some(AssetIdx(2)), None));
        assert!(!e.applies(RecoveryKind::Repair, Some(AssetIdx(1)), None));
        assert!(!e.applies(RecoveryKind::Restart, Some(AssetIdx(2)), None));
        assert!(!e.applies(RecoveryKind::UnitRestart, None, Some(UnitIdx(0))));
        let everywhere = RecoveryEffect {
            kinds: RecoveryKind::ALL.to_vec(),
            assets: vec![],
            units: vec![],
            scale: 1.0,
            add: Duration::ZERO,
        };
        assert!(everywhere.applies(RecoveryKind::UnitRestart, None, Some(UnitIdx(3))));
        assert_eq!(everywhere.apply(123), 123);
    }
}
