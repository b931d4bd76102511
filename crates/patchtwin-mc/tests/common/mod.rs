//! Helpers shared by this crate's integration tests: the shipped plants (the simulation
//! crate's test kit, included rather than copied) and Monte Carlo settings.
#![allow(dead_code, reason = "each test binary uses some of these")]

#[path = "../../../patchtwin-sim/tests/common/mod.rs"]
mod sim_kit;

use patchtwin_mc::McSettings;
#[allow(unused_imports, reason = "each test binary uses some of these")]
pub use sim_kit::{plan_index, shipped, shipped_path};

/// Monte Carlo settings for a test: `runs` replications under `seed` on two threads (the
/// results do not depend on the thread count), observation windows of `observe_ns`.
pub fn mc_settings(runs: u64, seed: u64, observe_ns: u64) -> McSettings {
    McSettings {
        runs,
        seed,
        threads: 2,
        observe_ns,
    }
}
