//! Helpers shared by this crate's integration tests: the shipped plants, compiled.
#![allow(dead_code, reason = "each test binary uses some of these")]

use patchtwin_scenario::load_file;
use patchtwin_sim::Compiled;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Path of the shipped scenario `name` (e.g. `substation.yaml`).
pub fn shipped_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name)
}

/// The shipped scenario `name`, loaded and compiled.
pub fn shipped(name: &str) -> Compiled {
    let loaded = load_file(&shipped_path(name)).unwrap_or_else(|d| panic!("{}", d.render()));
    Compiled::new(Arc::new(loaded.scenario))
}

/// Index of the plan `id` in `model`.
pub fn plan_index(model: &Compiled, id: &str) -> usize {
    model
        .scenario
        .plans
        .iter()
        .position(|p| p.id == id)
        .unwrap_or_else(|| panic!("no plan {id}"))
}
