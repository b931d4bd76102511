//! patchtwin's discrete-event simulation: one replication of one plan.
//!
//! - [`queue`]: the future-event list and its ordering contract (time, then FIFO);
//! - [`compiled`]: the scenario precomputed for simulation, shared by replications;
//! - [`engine`]: the bevy_ecs world, event handlers and the step loop.
//!
//! This crate does not run replications in parallel (that is `patchtwin-mc`), does not read
//! files, and never reads the wall clock or a global random generator: a replication is a pure
//! function of the compiled scenario, its settings and the random stream it is handed.

pub mod attack;
pub mod compiled;
pub mod engine;
mod net;
pub mod ops;
pub mod queue;

pub use compiled::Compiled;
pub use engine::{Event, FlowStats, OpsOutcome, Outcome, Replication, RunSettings, TraceLine};
