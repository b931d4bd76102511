//! The event queue: a binary min-heap keyed by `(time, sequence)`.
//!
//! # Ordering contract
//!
//! - Events pop in non-decreasing time order.
//! - Events scheduled for the same time pop in the order they were scheduled (FIFO): every
//!   push takes the next value of a sequence counter, and the key is `(time, seq)`.
//! - Scheduling never reorders events already popped: an event may be scheduled at the current
//!   time (it pops after everything already queued for that time) but never in the past — the
//!   time is clamped to `now`, so causality holds even if a handler computes an earlier time.
//!
//! - A sequence number may be reserved (`reserve`) and used later (`schedule_reserved`): the
//!   event then orders as if it had been scheduled at the reservation. Only for times after
//!   the event being handled; lazily re-armed timers use it (see `reserve`).
//!
//! Together these make a replication a pure function of its scenario and random stream.
//! Cancellation is lazy: handlers carry tags and ignore stale events (a timeout whose poll was
//! answered), which is cheaper than a cancellable indexed heap; timers re-armed at every
//! message keep one event each in the queue rather than one per arming.
//!
//! Complexity: `push` and `pop` are O(log n). The heap orders 16-byte keys — time, sequence
//! and the slot of the event's payload in a slab — so its sifts move as little memory as a
//! bare `(time, seq)` heap; payloads stay put in the slab and their slots are reused.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The heap's key: when, in which order, and where the payload is, packed into one `u128`
/// as `time << 64 | seq << 32 | slot` so that a sift compares keys with a single 128-bit
/// comparison instead of a branchy tuple comparison (pops got ~2x cheaper). Ordering the
/// packed value orders by `(time, seq)`; `seq` is unique, so `slot` never decides. The
/// sequence number is 32 bits to keep the key at 16 bytes; a replication that schedules more
/// than 2³² events (hours of step loop) stops with an error rather than reorder ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key(u128);

impl Key {
    #[inline]
    fn new(time: u64, seq: u32, slot: u32) -> Key {
        Key(u128::from(time) << 64 | u128::from(seq) << 32 | u128::from(slot))
    }
    #[inline]
    fn time(self) -> u64 {
        (self.0 >> 64) as u64
    }
    #[inline]
    fn seq(self) -> u32 {
        (self.0 >> 32) as u32
    }
    #[inline]
    fn slot(self) -> u32 {
        self.0 as u32
    }
}

impl PartialOrd for Key {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
    #[inline]
    fn lt(&self, other: &Self) -> bool {
        other.0 < self.0
    }
    #[inline]
    fn le(&self, other: &Self) -> bool {
        other.0 <= self.0
    }
    #[inline]
    fn gt(&self, other: &Self) -> bool {
        other.0 > self.0
    }
    #[inline]
    fn ge(&self, other: &Self) -> bool {
        other.0 >= self.0
    }
}
impl Ord for Key {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the smallest `(time, seq)` first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.cmp(&self.0)
    }
}

/// A deterministic future-event list.
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Key>,
    /// The heap's top is the event last popped, not yet removed: the next `schedule` replaces
    /// it in place (one sift instead of a pop's and a push's), the next `pop` removes it.
    /// Handlers that schedule exactly one successor — most of them — save a sift.
    /// Holds the slab slot of that popped event's payload, which its replacement reuses.
    stale_top: Option<u32>,
    slab: Vec<E>,
    free: Vec<u32>,
    next_seq: u32,
    /// Sequence number of the event last popped (with `now`, its key).
    current_seq: u32,
    scheduled: u64,
    now: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue at time 0.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(1024),
            stale_top: None,
            slab: Vec::with_capacity(1024),
            free: Vec::with_capacity(1024),
            next_seq: 0,
            current_seq: 0,
            scheduled: 0,
            now: 0,
        }
    }

    /// Current simulated time (nanoseconds): the time of the last popped event.
    #[inline]
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Schedules `event` at `time` (clamped to now).
    #[inline]
    pub fn schedule(&mut self, time: u64, event: E) {
        let seq = self.reserve();
        self.insert(time.max(self.now), seq, event);
    }

    /// Takes the next sequence number for an event to be scheduled later with
    /// [`EventQueue::schedule_reserved`]: that event then orders as if it had been scheduled
    /// now — after everything scheduled before this call for the same time, before everything
    /// scheduled after it.
    ///
    /// For lazily re-armed timers: a timer that is re-armed far more often than it expires (a
    /// poll's timeout, a watchdog) keeps one event in the queue instead of one per arming; when
    /// that event pops early, the handler schedules the latest arming's event with the number it
    /// reserved, so the queue pops exactly what it would have popped with one event per arming.
    #[inline]
    pub fn reserve(&mut self) -> u32 {
        let seq = self.next_seq;
        // Wrapping would break FIFO ties; a replication this long is a modelling error.
        self.next_seq = seq
            .checked_add(1)
            .expect("more than 2^32 events scheduled in one replication");
        self.scheduled += 1;
        seq
    }

    /// Schedules `event` at `time` in the place a sequence number taken by
    /// [`EventQueue::reserve`] gives it. The caller keeps the contract: `(time, seq)` comes
    /// after the event being handled, so nothing pops out of order (checked in debug builds).
    #[inline]
    pub fn schedule_reserved(&mut self, time: u64, seq: u32, event: E) {
        debug_assert!(
            (time, seq) > (self.now, self.current_seq),
            "an event reserved for ({time}, {seq}) would pop before the current one ({}, {})",
            self.now,
            self.current_seq
        );
        self.insert(time, seq, event);
    }

    #[inline]
    fn insert(&mut self, time: u64, seq: u32, event: E) {
        if let Some(slot) = self.stale_top.take() {
            // Replace the popped event, payload slot and key; `PeekMut` restores the heap
            // order when dropped.
            self.slab[slot as usize] = event;
            *self.heap.peek_mut().expect("a stale top is in the heap") = Key::new(time, seq, slot);
        } else {
            let slot = match self.free.pop() {
                Some(slot) => {
                    self.slab[slot as usize] = event;
                    slot
                }
                None => {
                    self.slab.push(event);
                    (self.slab.len() - 1) as u32
                }
            };
            self.heap.push(Key::new(time, seq, slot));
        }
    }

    /// Pops the next event and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(u64, E)> {
        self.drop_stale_top();
        let k = *self.heap.peek()?;
        let (time, slot) = (k.time(), k.slot());
        self.stale_top = Some(slot);
        self.now = time;
        self.current_seq = k.seq();
        Some((time, self.slab[slot as usize]))
    }

    fn drop_stale_top(&mut self) {
        if let Some(slot) = self.stale_top.take() {
            self.free.push(slot);
            self.heap.pop();
        }
    }

    /// The event most likely to pop after the one just popped (the earlier child of the
    /// popped top), for warming caches while the current event is handled. A hint only: a
    /// handler may still schedule something earlier.
    #[inline]
    pub fn next_hint(&self) -> Option<&E> {
        self.stale_top?;
        let keys = self.heap.as_slice();
        let next = match (keys.get(1), keys.get(2)) {
            (Some(a), Some(b)) => a.max(b),
            (Some(a), None) => a,
            _ => return None,
        };
        Some(&self.slab[next.slot() as usize])
    }

    /// Time of the next event, if any.
    pub fn peek_time(&mut self) -> Option<u64> {
        self.drop_stale_top();
        self.heap.peek().map(|e| e.time())
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len() - usize::from(self.stale_top.is_some())
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total sequence numbers taken (events scheduled, plus reservations).
    pub fn scheduled(&self) -> u64 {
        self.scheduled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator for property tests (no global RNG).
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn popped_times_never_decrease_and_ties_are_fifo() {
        // Property over many random schedules, including scheduling while popping.
        for case in 0..200u64 {
            let mut s = case + 1;
            let mut q = EventQueue::new();
            let mut label = 0u64;
            for _ in 0..(lcg(&mut s) % 200 + 1) {
                q.schedule(lcg(&mut s) % 50, label);
                label += 1;
            }
            let mut last: Option<(u64, u64)> = None;
            let mut seen_at_time: Vec<(u64, u64)> = Vec::new();
            while let Some((t, l)) = q.pop() {
                if let Some((lt, ll)) = last {
                    assert!(t >= lt, "case {case}: time went back from {lt} to {t}");
                    if t == lt {
                        assert!(l > ll, "case {case}: tie at {t} popped {l} after {ll}");
                    }
                }
                last = Some((t, l));
                seen_at_time.push((t, l));
                if lcg(&mut s).is_multiple_of(3) && label < 2000 {
                    // Schedule at now or later, as handlers do; labels grow, so FIFO holds.
                    q.schedule(t + lcg(&mut s) % 5, label);
                    label += 1;
                }
            }
            assert_eq!(
                seen_at_time.len() as u64,
                label,
                "case {case}: every event pops once"
            );
        }
    }

    #[test]
    fn past_times_are_clamped_to_now() {
        let mut q = EventQueue::new();
        q.schedule(10, 'a');
        assert_eq!(q.pop(), Some((10, 'a')));
        q.schedule(3, 'b');
        assert_eq!(q.pop(), Some((10, 'b')));
    }
}

#[cfg(test)]
mod size {
    /// The heap moves whole entries in its sifts: keep the simulation's events small.
    #[test]
    fn events_stay_small() {
        assert!(
            std::mem::size_of::<crate::event::Event>() <= 24,
            "Event is {} bytes",
            std::mem::size_of::<crate::event::Event>()
        );
        assert_eq!(std::mem::size_of::<super::Key>(), 16);
    }
}
