//! Maintenance windows and the candidate plans judged against each other.

use crate::plant::{AssetIdx, ZoneIdx};
use crate::security::{ControlIdx, PatchIdx};
use crate::time::{Duration, SimTime};

/// A recurring or explicit maintenance window: production is stopped inside it.
#[derive(Clone, Debug)]
pub struct MaintenanceWindow {
    /// Scenario id.
    pub id: String,
    /// Start times of every occurrence within the horizon, sorted.
    pub starts: Vec<SimTime>,
    /// Length of each occurrence.
    pub duration: Duration,
    /// Zones it covers; empty means the whole plant.
    pub zones: Vec<ZoneIdx>,
}

/// When a plan action starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// At the start of the horizon.
    Now,
    /// At a fixed time.
    At(SimTime),
    /// At the start of the next maintenance window occurrence (of the given window, or of any).
    NextWindow(Option<usize>),
}

/// A staged rollout: a first group, a soak period, then the rest only if the first succeeded.
#[derive(Clone, Debug)]
pub struct Staging {
    /// Assets patched first.
    pub first: Vec<AssetIdx>,
    /// How long to watch them before going on.
    pub soak: Duration,
    /// When the rest goes: right after the soak, or at the next window after it.
    pub rest_at_next_window: bool,
}

/// One step of a plan.
#[derive(Clone, Debug)]
pub enum Action {
    /// Apply a patch.
    ApplyPatch {
        /// The patch.
        patch: PatchIdx,
        /// Where.
        assets: Vec<AssetIdx>,
        /// When.
        at: When,
        /// Staged rollout, if any.
        staging: Option<Staging>,
    },
    /// Enable a compensating control.
    EnableControl {
        /// The control.
        control: ControlIdx,
        /// When.
        at: When,
    },
}

/// A candidate plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Scenario id.
    pub id: String,
    /// Plain-words description for reports.
    pub description: String,
    /// Actions in the order given.
    pub actions: Vec<Action>,
}
