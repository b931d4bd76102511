//! patchtwin's discrete-event simulation: one replication of one plan.
//!
//! Modules, each importing only from those listed before it:
//! - [`rng`]: the SplitMix64 mixer and the keyed random streams (also `patchtwin-mc`'s);
//! - [`queue`]: the future-event list and its ordering contract (time, then FIFO);
//! - [`settings`]: [`RunSettings`], one replication's settings and test checks;
//! - [`compiled`]: the scenario precomputed for simulation, shared by replications, with its
//!   indices (routes, multicast publications, dependencies, the attacker's reach);
//! - [`event`]: the [`Event`] type;
//! - [`outcome`]: what a replication hands back ([`Outcome`], [`FlowStats`], trace lines);
//! - [`state`]: run-time state — components, the operations ledger, the attacker's state,
//!   spawning and column borrowing;
//! - `step`: the handler context;
//! - handlers: `net` (messages in observation windows), [`saturation`] (the bound on every
//!   queue that grows with traffic), `ops` (plans, deployments, health, evaluation), `attack`
//!   (the attacker and exposure);
//! - `engine`: [`Replication`] — the loop and `dispatch`, which also carries out reactions that
//!   cross domains.
//!
//! This crate does not run replications in parallel (that is `patchtwin-mc`), does not read
//! files, and never reads the wall clock or a global random generator: a replication is a pure
//! function of the compiled scenario, its settings and the random stream it is handed.

mod attack;
pub mod compiled;
mod engine;
pub mod event;
mod net;
mod ops;
pub mod outcome;
pub mod queue;
pub mod rng;
pub mod saturation;
pub mod settings;
pub mod state;
mod step;

pub use compiled::Compiled;
pub use engine::Replication;
pub use event::Event;
pub use outcome::{
    AttackerStopped, ExposureOutcome, FlowStats, OpsOutcome, Outcome, QueueSaturation,
    SaturatedQueue, TraceLine,
};
pub use settings::RunSettings;
