//! Words for source allowlists (`ControlEffect::SourceAllowlist`): which path a control guards,
//! for the SSVC reasons and the report. Formatting only; what a source allowlist does to the
//! attacker is `patchtwin_model::reach::source_residual` and the simulation's.

use patchtwin_model::{Scenario, SourcePath};

/// `id (source allowlist on <entry point or conduit>)`.
pub fn note(s: &Scenario, id: &str, on: SourcePath) -> String {
    format!("{id} (source allowlist on {})", path(s, on))
}

/// The guarded path's id: `entry point X` or `conduit Y`.
pub fn path(s: &Scenario, on: SourcePath) -> String {
    match on {
        SourcePath::Entry(e) => format!("entry point {}", s.threat.entry_points[e.ix()].id),
        SourcePath::Conduit(c) => format!("conduit {}", s.conduits[c.ix()].id),
    }
}
