//! Bounds on the queues a replication can grow, and the finding a full one gives.
//!
//! Two queues grow with traffic: a link direction's transmitter backlog (messages waiting to be
//! serialized, or on the wire) and a server's request queue (requests waiting for service).
//! On a saturated link or server they would grow without end over a long `--observe` (one
//! queued event per message) until memory ran out. Each holds at most [`QUEUE_BOUND`]
//! messages: beyond it a message is dropped (counted in its flow's `lost`) and the queue is
//! reported saturated — once per queue and replication, in the trace ("saturated") and in
//! [`crate::Outcome::saturated`], with when it first reached the bound and how many messages
//! it dropped. Not here: the transmission and service themselves (`net`).

use crate::outcome::{QueueSaturation, SaturatedQueue};
use crate::step::Step;

/// Most messages one queue holds: a link direction's transmitter, or a server's requests.
/// Far above what a plant that keeps up ever queues (a link at 80% load queues a handful),
/// and small enough that a saturated queue costs a few hundred KB of events.
pub const QUEUE_BOUND: u32 = 1024;

impl Step<'_, '_> {
    /// A message was dropped at full queue `queue` at `now`: counted, and reported the first
    /// time.
    pub(crate) fn queue_full(&mut self, now: u64, queue: SaturatedQueue) {
        if let Some(s) = self.ops.saturated.iter_mut().find(|s| s.queue == queue) {
            s.dropped += 1;
            return;
        }
        self.ops.saturated.push(QueueSaturation {
            queue,
            reached_at: now,
            dropped: 1,
        });
        let model = self.model;
        let s = &model.scenario;
        let (entity, what) = match queue {
            SaturatedQueue::Link { link, dir } => {
                let l = &s.links[link as usize];
                let (from, to) = (l.ends[usize::from(dir)], l.ends[1 - usize::from(dir)]);
                (
                    s.assets[from.ix()].id.as_str(),
                    format!(
                        "link {} saturated ({} → {}, {} bps)",
                        l.id,
                        s.assets[from.ix()].id,
                        s.assets[to.ix()].id,
                        l.bandwidth_bps
                    ),
                )
            }
            SaturatedQueue::Server { asset } => (
                s.assets[asset as usize].id.as_str(),
                format!("server {} saturated", s.assets[asset as usize].id),
            ),
        };
        self.note(now, entity, "saturated", || {
            format!("{what}: queue reached {QUEUE_BOUND} messages; further messages are dropped")
        });
    }
}
