//! What a replication hands back: per-flow timing ([`FlowStats`], exact and mergeable), the
//! operations and exposure results, and trace lines. Plain data read by `patchtwin-mc` and the
//! report; no handler logic and no ECS types.

use hdrhistogram::Histogram;
use patchtwin_model::FlowKind;

/// One line of a narrated replication, for `trace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceLine {
    /// When (ns).
    pub time: u64,
    /// The entity concerned (asset, flow, function or unit id).
    pub entity: String,
    /// Event kind, for filtering.
    pub kind: &'static str,
    /// What happened and why.
    pub text: String,
    /// The duration the line reports, as a number (ns): a fault's repair time, the data a
    /// historian lost. `None` for lines that report no duration.
    pub duration_ns: Option<u64>,
}

/// Operations results of one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpsOutcome {
    /// Unplanned process trips (outside windows, or at a window's end).
    pub trips: u32,
    /// Unplanned downtime of all process units (ns).
    pub downtime_ns: u64,
    /// Cost of that downtime (scenario currency).
    pub downtime_cost: f64,
    /// Patch deployments attempted.
    pub deployments: u32,
    /// Deployments that failed and were rolled back.
    pub failed_deployments: u32,
    /// Time work ran past the end of the window it started in (ns), summed over actions.
    pub window_overrun_ns: u64,
    /// Loss of view outside windows (ns), summed over view functions.
    pub loss_of_view_ns: u64,
    /// Loss of control outside windows (ns), summed over control functions.
    pub loss_of_control_ns: u64,
    /// Data lost by flows into historians and cloud services beyond the store-and-forward
    /// buffer holding it, summed over flows (flow-ns; see `ops`, "Data loss").
    pub historian_gap_ns: u64,
    /// Reportable data-loss events: stretches of a data-loss consequence's lost time longer
    /// than its gap threshold, summed over consequences (see `ops`, "Data loss").
    pub data_loss_events: u32,
    /// Their cost: per event plus per hour of lost data in each consequence's flows.
    pub data_loss_cost: f64,
    /// Some event was of a consequence that breaks operational success.
    pub data_loss_breaks_operations: bool,
    /// Per data-loss consequence, in scenario order, its events.
    pub data_loss_group_events: Vec<u32>,
    /// Time that controls' recovery effects added to restarts, repairs and recoveries that
    /// happened (ns; negative changes count as 0 here, see `ops`, "Recovery effects").
    pub recovery_extra_ns: u64,
    /// Spontaneous faults (see `ops`, module `fault`).
    pub faults: u32,
    /// Repair time drawn for those faults, summed (ns). Overlapping outages of one asset
    /// count once in the asset's downtime but each in this sum.
    pub fault_repair_ns: u64,
    /// Plan actions that never started within the horizon.
    pub actions_not_run: u32,
    /// When the last of the plan's changes completed, if they did.
    pub changes_done_at: Option<u64>,
    /// Per (vulnerability, asset): when it was fixed, for the exposure model.
    pub fixed: Vec<(u32, u32, u64)>,
}

/// Exposure results of one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExposureOutcome {
    /// When a target was first compromised.
    pub compromised_at: Option<u64>,
    /// Footholds gained.
    pub footholds: u32,
    /// The attacker was detected at least once.
    pub detected: bool,
    /// It was detected before any target was compromised.
    pub detected_before_impact: bool,
    /// Exposed (vulnerability, asset) pair-time, ns (divide by a day for exposure-days).
    pub exposure_pair_ns: u128,
    /// The exposed pairs over the run — the rate at which exposure-days accrue: (time, count
    /// from then on), the first at t = 0, then one entry per change.
    pub exposed_steps: Vec<(u64, u64)>,
    /// Impact cost of compromised targets.
    pub impact_cost: f64,
    /// Controllers the attacker stopped.
    pub controllers_stopped: u32,
}

/// A queue of the simulation that can grow with traffic (see the `saturation` module).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SaturatedQueue {
    /// A link direction's transmitter: `dir` 0 carries `ends[0]` → `ends[1]`, 1 the other way.
    Link {
        /// Link index.
        link: u32,
        /// Direction.
        dir: u8,
    },
    /// A server's (or controller's) request queue.
    Server {
        /// Asset index.
        asset: u32,
    },
}

/// A queue that reached its bound in one replication: a finding, not a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueSaturation {
    /// Which queue.
    pub queue: SaturatedQueue,
    /// When it first held the bound's number of messages (ns).
    pub reached_at: u64,
    /// Messages dropped because it was full.
    pub dropped: u64,
}

/// Results of one replication.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Per-flow timing in the baseline observation window, in scenario order.
    pub flows: Vec<FlowStats>,
    /// Per-flow timing in the window after the plan's changes (empty statistics when the plan
    /// changed nothing or did not finish within the horizon).
    pub flows_after: Vec<FlowStats>,
    /// Per link, messages put on the wire per direction (`[ends[0] → ends[1], back]`) in the
    /// observation windows: one per multicast message however many subscribers it serves.
    pub link_messages: Vec<[u64; 2]>,
    /// Operations.
    pub ops: OpsOutcome,
    /// Exposure.
    pub exposure: ExposureOutcome,
    /// Queues that reached their bound (`saturation::QUEUE_BOUND`), in the order they did.
    pub saturated: Vec<QueueSaturation>,
    /// Events processed.
    pub events: u64,
    /// Mean number of pending events seen at each pop (for benchmark baselines).
    pub mean_pending: f64,
}

impl Outcome {
    /// The replication's loss: impact cost of compromised targets, downtime cost and the cost
    /// of data-loss events — what expected loss averages.
    pub fn loss(&self) -> f64 {
        self.exposure.impact_cost + self.ops.downtime_cost + self.ops.data_loss_cost
    }

    /// Dual success: no target compromised, no unplanned trip, no window overrun, and no
    /// reportable data loss of a consequence that breaks operations.
    pub fn dual_success(&self) -> bool {
        self.exposure.compromised_at.is_none()
            && self.ops.trips == 0
            && self.ops.window_overrun_ns == 0
            && !self.ops.data_loss_breaks_operations
    }
}

/// Largest latency the histograms resolve (10 minutes, in µs); longer ones are recorded as
/// this value (exact means and maxima are kept separately in nanoseconds).
///
/// Two significant digits (1% resolution) and auto-resizing keep a flow's histogram at a few
/// KB: sized up front for three digits, a 5,000-flow plant allocated ~1 GB per replication.
pub const LATENCY_MAX_US: u64 = 600_000_000;

/// Latencies buffered per flow before they are recorded into its histogram.
pub const LATENCY_BATCH: usize = 128;

/// Significant digits of latency histograms (1% resolution).
pub const LATENCY_SIGFIG: u8 = 2;

/// What a flow's messages suffered while the attacker held a controller on its route stopped:
/// counted apart from the flow's timing, which measures the plant and the plan's changes, not
/// the attacker (see `FlowState::attack_starts`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[expect(
    missing_docs,
    reason = "each field counts what its FlowStats namesake counts"
)]
pub struct AttackerStopped {
    pub sent: u64,
    pub timeouts: u64,
    pub failed_polls: u64,
    pub comm_fail_events: u64,
    pub stale_events: u64,
    pub lost: u64,
}

impl AttackerStopped {
    /// Adds `o`.
    pub fn add(&mut self, o: &AttackerStopped) {
        self.sent += o.sent;
        self.timeouts += o.timeouts;
        self.failed_polls += o.failed_polls;
        self.comm_fail_events += o.comm_fail_events;
        self.stale_events += o.stale_events;
        self.lost += o.lost;
    }
}

/// A flow's late messages counted per replication, kept as exact sums over replications: how
/// many had messages, and the sums of `late`, `messages`, `late²`, `late · messages` and
/// `messages²` over them. Messages of one run are correlated (a long queue delays many in a
/// row), so the uncertainty of P(late) comes from how late counts vary between runs — these
/// sums give the ratio estimator's cluster-robust variance exactly
/// (`patchtwin_mc::late::late_share`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LateByRun {
    /// Replications with at least one message.
    pub runs: u64,
    /// Late messages, summed over them.
    pub late: u64,
    /// Messages, summed over them.
    pub messages: u64,
    /// Σ late².
    pub late_sq: u128,
    /// Σ late · messages.
    pub late_messages: u128,
    /// Σ messages².
    pub messages_sq: u128,
}

impl LateByRun {
    /// One replication's `late` of `messages` (nothing when it had no messages).
    pub fn one(late: u64, messages: u64) -> Self {
        if messages == 0 {
            return LateByRun::default();
        }
        let (y, n) = (u128::from(late), u128::from(messages));
        LateByRun {
            runs: 1,
            late,
            messages,
            late_sq: y * y,
            late_messages: y * n,
            messages_sq: n * n,
        }
    }

    /// Adds `o` (exact).
    pub fn add(&mut self, o: &LateByRun) {
        self.runs += o.runs;
        self.late += o.late;
        self.messages += o.messages;
        self.late_sq += o.late_sq;
        self.late_messages += o.late_messages;
        self.messages_sq += o.messages_sq;
    }
}

/// Per-flow timing results of one replication (mergeable, exact).
#[derive(Debug, Clone)]
pub struct FlowStats {
    /// Latency of completed polls (first attempt to answer) or publications, in microseconds;
    /// `None` until one is recorded. Read through [`FlowStats::latency_histogram`].
    pub(crate) latency_hist: Option<Histogram<u64>>,
    /// Latencies (µs) counted but not in the histogram. A replication hands over the few
    /// latencies of a flow that never filled a batch as they are: on a plant with thousands of
    /// flows, building a histogram per flow and replication and then adding it to the
    /// accumulator cost more than simulating the messages. Merging records them.
    pub(crate) unrecorded_us: Vec<u32>,
    /// Polls issued or publications sent.
    pub sent: u64,
    /// Polls answered or publications delivered.
    pub completed: u64,
    /// Completed with latency above the deadline.
    pub deadline_misses: u64,
    /// Attempts that timed out.
    pub timeouts: u64,
    /// Polls that failed after all retries.
    pub failed_polls: u64,
    /// Times the consumer declared the producer failed (N consecutive failed polls).
    pub comm_fail_events: u64,
    /// Times a watchdog declared the data stale.
    pub stale_events: u64,
    /// Messages lost on links or dropped at a down asset.
    pub lost: u64,
    /// Exact sum of latencies (ns), for means without histogram rounding.
    pub latency_sum_ns: u128,
    /// Exact sum of squared latencies (ns²), for variances.
    pub latency_sumsq_ns: u128,
    /// Smallest latency (ns); `u64::MAX` when nothing completed.
    pub latency_min_ns: u64,
    /// Largest latency (ns).
    pub latency_max_ns: u64,
    /// Failures while the attacker held a controller of the route stopped, not counted above.
    pub attacker_stopped: AttackerStopped,
    /// Poll arrivals skipped because the master's previous request was still outstanding (a
    /// poll master keeps one request in flight; Poisson arrivals send λ / (1 + λ·B) for a busy
    /// time B). Not counted while the attacker holds a controller of the route stopped.
    pub skipped: u64,
    /// Late messages per replication ([`FlowStats::close_run`]), summed exactly.
    pub late_by_run: LateByRun,
}

impl FlowStats {
    /// Empty statistics for an accumulator, its histogram ready (1 µs up, 2 significant
    /// digits, auto-resizing).
    pub fn new() -> Self {
        FlowStats {
            // Auto-resizing: storage grows with the largest latency recorded (a few KB for
            // millisecond flows) instead of being sized for the 10-minute maximum up front.
            latency_hist: Some(Histogram::new(LATENCY_SIGFIG).expect("valid histogram")),
            ..FlowStats::empty()
        }
    }

    /// Statistics with nothing counted and no histogram allocated (one is created at the
    /// first recorded latency). Merging them into an accumulator adds nothing.
    pub fn empty() -> Self {
        FlowStats {
            latency_hist: None,
            unrecorded_us: Vec::new(),
            sent: 0,
            completed: 0,
            deadline_misses: 0,
            timeouts: 0,
            failed_polls: 0,
            comm_fail_events: 0,
            stale_events: 0,
            lost: 0,
            latency_sum_ns: 0,
            latency_sumsq_ns: 0,
            latency_min_ns: u64::MAX,
            latency_max_ns: 0,
            attacker_stopped: AttackerStopped::default(),
            skipped: 0,
            late_by_run: LateByRun::default(),
        }
    }

    /// The latency histogram (µs), including latencies not yet recorded in it.
    pub fn latency_histogram(&self) -> std::borrow::Cow<'_, Histogram<u64>> {
        match &self.latency_hist {
            Some(h) if self.unrecorded_us.is_empty() => std::borrow::Cow::Borrowed(h),
            _ => {
                let mut all = FlowStats::empty();
                all.merge_latencies(self);
                std::borrow::Cow::Owned(
                    all.latency_hist.unwrap_or_else(|| {
                        Histogram::new(LATENCY_SIGFIG).expect("valid histogram")
                    }),
                )
            }
        }
    }

    fn merge_latencies(&mut self, other: &FlowStats) {
        if let Some(h) = &other.latency_hist {
            self.histogram_mut(h.max())
                .add(h)
                .expect("auto-resizing histogram");
        }
        self.record_latencies_us(&other.unrecorded_us);
    }

    /// The histogram, created on first use sized for values up to `high` µs (auto-resizing
    /// beyond), at full precision.
    fn histogram_mut(&mut self, high: u64) -> &mut Histogram<u64> {
        self.latency_hist.get_or_insert_with(|| {
            let mut h = Histogram::new_with_bounds(1, high.max(2), LATENCY_SIGFIG)
                .expect("valid histogram bounds");
            h.auto(true);
            h
        })
    }

    /// Records latencies (µs, already clamped to [`LATENCY_MAX_US`]) into the histogram.
    pub(crate) fn record_latencies_us(&mut self, values: &[u32]) {
        let Some(high) = values.iter().copied().max() else {
            return;
        };
        let h = self.histogram_mut(u64::from(high));
        for &us in values {
            // `record`, not `saturating_record`: the histogram auto-resizes, and values are
            // clamped to LATENCY_MAX_US, so this cannot fail.
            h.record(u64::from(us)).expect("auto-resizing histogram");
        }
    }

    /// Records `count` latencies of `value_us` µs, as an accumulator read back from a part
    /// file is rebuilt: a value a histogram iterates over lands in the bucket it came from, so
    /// the counts are exact. The other fields are public; set them directly.
    pub fn record_latency_count(
        &mut self,
        value_us: u64,
        count: u64,
    ) -> Result<(), hdrhistogram::RecordError> {
        self.histogram_mut(value_us).record_n(value_us, count)
    }

    /// Messages later than the deadline or never completed, of those that should have
    /// completed: for a poll, completed ones plus failed polls; for a publication, every one
    /// sent (the undelivered are late). The one definition of a deadline target's counts.
    pub fn late(&self, kind: FlowKind) -> (u64, u64) {
        match kind {
            FlowKind::Poll => (
                self.deadline_misses + self.failed_polls,
                self.completed + self.failed_polls,
            ),
            FlowKind::Publish => (
                self.deadline_misses + self.sent.saturating_sub(self.completed),
                self.sent,
            ),
        }
    }

    /// Ends a replication's statistics of a flow of kind `kind`: its late messages
    /// ([`FlowStats::late`]) become its [`LateByRun`], which merging sums over replications.
    pub fn close_run(&mut self, kind: FlowKind) {
        let (late, messages) = self.late(kind);
        self.late_by_run = LateByRun::one(late, messages);
    }

    /// Exact mean latency in nanoseconds, if anything completed.
    pub fn mean_latency_ns(&self) -> Option<f64> {
        (self.completed > 0).then(|| self.latency_sum_ns as f64 / self.completed as f64)
    }
    /// Adds another replication's statistics (exact: counts only).
    pub fn merge(&mut self, other: &FlowStats) {
        self.attacker_stopped.add(&other.attacker_stopped);
        self.late_by_run.add(&other.late_by_run);
        self.skipped += other.skipped;
        if other.sent == 0 && other.completed == 0 && other.timeouts == 0 {
            return;
        }
        self.merge_latencies(other);
        self.sent += other.sent;
        self.completed += other.completed;
        self.deadline_misses += other.deadline_misses;
        self.timeouts += other.timeouts;
        self.failed_polls += other.failed_polls;
        self.comm_fail_events += other.comm_fail_events;
        self.stale_events += other.stale_events;
        self.lost += other.lost;
        self.latency_sum_ns += other.latency_sum_ns;
        self.latency_sumsq_ns += other.latency_sumsq_ns;
        self.latency_min_ns = self.latency_min_ns.min(other.latency_min_ns);
        self.latency_max_ns = self.latency_max_ns.max(other.latency_max_ns);
    }
}

impl Default for FlowStats {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However latencies reach a `FlowStats` (batched into its histogram, handed over
    /// unrecorded, or merged from another), its histogram holds exactly the values recorded.
    #[test]
    fn latency_histogram_holds_every_value_however_it_arrived() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut values = Vec::new();
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push((x % 200_000 + 1) as u32);
        }
        let mut expected = Histogram::<u64>::new(LATENCY_SIGFIG).unwrap();
        for v in &values {
            expected.record(u64::from(*v)).unwrap();
        }
        // One replication's flow: the first 900 values went through batches, the last 100
        // were never flushed.
        let mut replication = FlowStats::empty();
        for chunk in values[..900].chunks(LATENCY_BATCH) {
            replication.record_latencies_us(chunk);
        }
        replication.unrecorded_us = values[900..].to_vec();
        replication.completed = values.len() as u64;
        let seen = replication.latency_histogram();
        assert_eq!(seen.len(), 1000);
        for q in [0.0, 0.25, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(
                seen.value_at_quantile(q),
                expected.value_at_quantile(q),
                "q {q}"
            );
        }
        // Merged into an accumulator, twice: every count doubles.
        let mut acc = FlowStats::new();
        acc.merge(&replication);
        acc.merge(&replication);
        let merged = acc.latency_histogram();
        assert_eq!(merged.len(), 2000);
        for v in expected.iter_recorded() {
            assert_eq!(
                merged.count_at(v.value_iterated_to()),
                2 * v.count_at_value(),
                "value {}",
                v.value_iterated_to()
            );
        }
    }
}
