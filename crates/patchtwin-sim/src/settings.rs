//! Settings of one replication: the observation window, the horizon, and the checks tests
//! switch on (full re-evaluation, one timer event per arming). Plain values.

/// Settings of one replication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunSettings {
    /// Length of each message-level observation window (ns): the baseline at the start, and
    /// one after the plan's changes are complete (see ARCHITECTURE.md).
    pub observe_ns: u64,
    /// Hard stop (the horizon), ns.
    pub horizon_ns: u64,
    /// Test check: evaluation re-evaluates every function and unit, and panics if a cached
    /// result it would have reused differs from the fresh one (a stale cache).
    pub(crate) full_evaluation: bool,
    /// Test check: every arming of a flow's timer queues its own event (the plain way
    /// `net::arm_timer` replaces), for comparing the two.
    pub(crate) eager_timers: bool,
}

impl RunSettings {
    /// Observation windows of `observe_ns` and a run to `horizon_ns`, with no test checks.
    pub fn new(observe_ns: u64, horizon_ns: u64) -> Self {
        RunSettings {
            observe_ns,
            horizon_ns,
            full_evaluation: false,
            eager_timers: false,
        }
    }

    /// For tests: re-evaluate every function and unit after every change and panic on a stale
    /// cached result (same results, slower).
    #[doc(hidden)]
    pub fn with_full_evaluation(mut self, on: bool) -> Self {
        self.full_evaluation = on;
        self
    }

    /// For tests: one queued event per arming of a flow's timer instead of the lazy timer
    /// (same results, more events).
    #[doc(hidden)]
    pub fn with_eager_timers(mut self, on: bool) -> Self {
        self.eager_timers = on;
        self
    }
}
