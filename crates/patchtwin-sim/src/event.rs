//! The event type: what happens next, one small `Copy` enum shared by the queue, the handlers
//! and the loop. Indices and tags only — no state, no behaviour.

/// What happens next. Small and `Copy`: the queue stores events inline (24 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(
    missing_docs,
    reason = "fields are indices named by their type, and tags"
)]
pub enum Event {
    /// A flow's period starts: a poll is issued or a publication sent.
    Fire { flow: u32 },
    /// A message in flight reaches the device at its route position (`Message::pos`).
    Hop(Message),
    /// A device finished processing a message at its route position (the sender itself at
    /// 0, the receiver at the end): the message moves on, or is delivered.
    Processed(Message),
    /// A message waiting for the end of its device's running scan (a publication at its
    /// publisher, a request at the controller it polls) joins the device's queue.
    Ready(Message),
    /// The producer starts answering a poll.
    Respond { flow: u32, tag: u32 },
    /// The consumer's wait for an answer ends (the flow's lazily re-armed timer: see
    /// `net::arm_timer`).
    Timeout { flow: u32, tag: u32 },
    /// A publish flow's watchdog: stale unless something arrived since it was set. `chained`:
    /// armed by an arrival, as the flow's lazily re-armed timer (see `net::arm_timer`); not
    /// chained: armed when the consumer starts listening.
    Watchdog {
        flow: u32,
        arrivals: u32,
        chained: bool,
    },
    /// Message-level observation starts (`phase` 0: baseline, 1: after the plan's changes).
    ObserveStart { phase: u8 },
    /// A plan action (stage 0: all or the staged first group; stage 1: the rest) begins.
    ActionStart { action: u16, stage: u8 },
    /// The next asset of an action's rollout may start.
    DeployNext { action: u16 },
    /// Installation on an asset finished; success or failure is decided now.
    DeployDone { action: u16, asset: u32 },
    /// A crew's technician is done with `asset` (its restart or rollback ended).
    WorkDone { action: u16, asset: u32 },
    /// A crew's shift starts: queued work may begin.
    CrewShift { crew: u16 },
    /// A rolled-back host of an action is tried again.
    Retry { action: u16, asset: u32 },
    /// An asset's restart, reboot or rollback ends.
    AssetBack { asset: u32 },
    /// A control becomes effective.
    ControlEffective { control: u32 },
    /// A control enabled for a period (`for:`, a `take_out`) stops being in effect.
    ControlEnds { control: u32 },
    /// A maintenance window opens or closes.
    Window { window: u16, open: bool },
    /// The coarse health of a flow changes (detection of comm-fail/stale, or recovery).
    FlowHealth {
        flow: u32,
        healthy: bool,
        generation: u32,
    },
    /// Spontaneous fault number `index` of an asset (see `ops`, "Faults").
    Fault { asset: u32, index: u32 },
    /// Re-evaluate functions and process units (a tolerance expired).
    Reevaluate,
    /// A tripped process unit finished restarting.
    UnitRestarted { unit: u32, generation: u32 },
    /// An attack attempt arrives at an entry point.
    AttackAttempt { entry: u16 },
    /// An exploit attempt on `asset` through `vuln` completes.
    AttackStep {
        asset: u32,
        vuln: u32,
        generation: u32,
    },
    /// A controller the attacker stopped is back (its flows' counts rejoin the timing).
    AttackStopEnds { asset: u32 },
    /// Incident response evicts the attacker.
    Evict { generation: u32 },
}

/// A message in flight: which flow it belongs to, where it is, which way it goes, its size and
/// its stamp. One value, carried whole from device to link to device (`Event::Hop`,
/// `Event::Ready`, `Event::Processed`).
///
/// Packed to 4-byte alignment so that the two events that carry it stay 24 bytes (the stamp
/// would otherwise align the message to 8 and the event to 32); read its fields by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed(4))]
pub struct Message {
    /// A poll's attempt tag, or for a publication the time it was ready at the publisher
    /// (publications of one flow can overlap in flight).
    pub stamp: u64,
    /// The flow.
    pub flow: u32,
    /// Size in bytes.
    pub bytes: u32,
    /// Route position counted from the sender (the sender is 0).
    pub pos: u16,
    /// A response or publication (travelling producer → consumer).
    pub back: bool,
}

impl Message {
    /// A new message of `flow` at its sender (position 0).
    #[inline]
    pub fn new(flow: u32, back: bool, stamp: u64, bytes: u32) -> Self {
        Self {
            stamp,
            flow,
            bytes,
            pos: 0,
            back,
        }
    }

    /// The same message one position further along its route.
    #[inline]
    pub fn next(self) -> Self {
        Self {
            pos: self.pos + 1,
            ..self
        }
    }
}
