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
        /// Who does the work and whether rolled-back hosts are tried again.
        work: Work,
    },
    /// Enable a compensating control (or take something out of service: a control of effect
    /// `OutOfService`).
    EnableControl {
        /// The control.
        control: ControlIdx,
        /// When.
        at: When,
        /// For how long once in effect (`for:`); `None`: to the end of the horizon.
        lasts: Option<Duration>,
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
    /// Crews the plan's patch actions may assign work to (`Work::crew` indexes it).
    pub crews: Vec<Crew>,
    /// Rules its crews respect: never more than `at_most` of a group down at once.
    pub max_down: Vec<MaxDown>,
}

/// A crew: technicians who deploy patches in parallel, one host each, during their shift.
///
/// Shifts recur every day: day `d`'s shift is `[d·24h + shift_start, … + shift_length)`, the
/// horizon starting at midnight of day 0. A technician starts a host only inside a shift and
/// finishes the host started (installation, restart or rollback watched to its end); work
/// left in the queue waits for the next shift. A `shift_length` of 24h means always on duty.
#[derive(Clone, Debug)]
pub struct Crew {
    /// Scenario id (unique within the plan).
    pub id: String,
    /// Hosts worked on at once (at least 1).
    pub technicians: u32,
    /// Start of the daily shift, as an offset from midnight (below 24h).
    pub shift_start: Duration,
    /// Length of the daily shift (above 0, at most 24h).
    pub shift_length: Duration,
}

impl Crew {
    /// Is `t` (ns from the start) inside a shift?
    pub fn on_shift(&self, t: u64) -> bool {
        self.next_shift(t) == t
    }

    /// The earliest time at or after `t` at which the crew is on shift.
    pub fn next_shift(&self, t: u64) -> u64 {
        const DAY: u64 = 86_400_000_000_000;
        let (start, len) = (self.shift_start.as_nanos(), self.shift_length.as_nanos());
        if len >= DAY {
            return t;
        }
        let day = t / DAY;
        // The shift that began the previous day may still run past midnight.
        for d in [day.saturating_sub(1), day, day + 1] {
            let s = d * DAY + start;
            if t < s + len {
                return t.max(s);
            }
        }
        (day + 1) * DAY + start
    }
}

/// A k-of-n rule a rollout respects: of `assets`, at most `at_most` are worked on (installing,
/// restarting or rolling back) at the same time by the plan's crews.
#[derive(Clone, Debug)]
pub struct MaxDown {
    /// The group, e.g. the HMIs of one line.
    pub assets: Vec<AssetIdx>,
    /// How many of them may be down together (at least 1).
    pub at_most: u32,
}

/// Who does a patch action's work, and what happens to hosts whose patch rolled back.
#[derive(Clone, Debug, Default)]
pub struct Work {
    /// Index into the plan's `crews`; `None`: one host after another, at any hour.
    pub crew: Option<usize>,
    /// Retry of rolled-back hosts, if any.
    pub retry: Option<Retry>,
}

/// Retrying a host whose deployment rolled back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Retry {
    /// When the retry goes.
    pub after: RetryAfter,
    /// At most this many further attempts per host (at least 1).
    pub max: u32,
}

/// When a rolled-back host is tried again, counted from the end of its rollback.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RetryAfter {
    /// At the start of the next maintenance window (of any) after it.
    NextWindow,
    /// After a fixed delay.
    Delay(Duration),
}
