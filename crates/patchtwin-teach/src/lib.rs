//! Teaching with the twin: what a trainer needs to turn one simulated replication into a
//! lesson.
//!
//! Modules, each importing only from those listed before it:
//! - [`names`]: labels beside ids (asset kind and model, zone and unit names from the file);
//! - [`cause`]: what each trace line is ([`cause::Class`]) and which earlier lines caused it,
//!   back to a root (a plan step, a fault, an attack step);
//! - [`timeline`]: the trace as lanes, events, bands (windows, outages) and latency samples;
//! - [`text`]: the readable text trace (names, milliseconds, aligned columns, cause chains);
//! - [`find`]: replaying runs to find the ones worth showing (`--find EXPR`, `--pick`);
//! - [`html`]: the self-contained, offline HTML swimlane timeline (`trace --html`);
//! - [`lesson`]: lesson packs (`lessons/*.yaml`), validated with located diagnostics, and the
//!   self-contained HTML lesson `patchtwin lesson NAME --out DIR` renders.
//!
//! The simulation decides what happened; this crate only arranges and explains it. Cause
//! links are inferred from the scenario's structure (routes, dependencies, the attacker's
//! chain) and the order of the trace lines, never from anything the simulation did not
//! record. No file I/O except reading a lesson's files (the caller writes outputs), no clock,
//! no random numbers beyond the replication streams of `patchtwin_mc::stream`.

pub mod cause;
pub mod find;
pub mod html;
pub mod lesson;
pub mod names;
pub mod text;
pub mod timeline;

pub use timeline::Timeline;

/// Formats a simulation time as `d57 14:37:07.304` (milliseconds, truncated) or, `exact`, to
/// the nanosecond (`d57 14:37:07.304169123`).
pub fn fmt_time(ns: u64, exact: bool) -> String {
    const S: u64 = 1_000_000_000;
    let day = ns / (86_400 * S);
    let rest = ns % (86_400 * S);
    let (h, m, s) = (rest / (3600 * S), rest / (60 * S) % 60, rest / S % 60);
    let frac = rest % S;
    if exact {
        format!("d{day} {h:02}:{m:02}:{s:02}.{frac:09}")
    } else {
        format!("d{day} {h:02}:{m:02}:{s:02}.{:03}", frac / 1_000_000)
    }
}

/// Formats a duration the way the trace does (`1.5ms`, `2h 14m`).
pub fn fmt_dur(ns: u64) -> String {
    patchtwin_model::Duration::from_nanos(ns).to_string()
}

/// Every id a trace line can be about (for `--find TERM@ID` and lesson checks).
pub fn names_of(s: &patchtwin_model::Scenario) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    ids.extend(s.assets.iter().map(|a| a.id.clone()));
    ids.extend(s.flows.iter().map(|f| f.id.clone()));
    ids.extend(s.functions.iter().map(|f| f.id.clone()));
    ids.extend(s.process_units.iter().map(|u| u.id.clone()));
    ids.extend(s.controls.iter().map(|c| c.id.clone()));
    ids.extend(s.windows.iter().map(|w| w.id.clone()));
    ids.extend(s.plans.iter().map(|p| p.id.clone()));
    ids.extend(s.patches.iter().map(|p| p.id.clone()));
    ids.extend(s.threat.entry_points.iter().map(|e| e.id.clone()));
    ids
}

#[cfg(test)]
mod tests {
    use super::fmt_time;

    #[test]
    fn times_are_day_clock_and_milliseconds() {
        // 57 days, 14 h 37 min 7.304169123 s, by hand.
        let ns = ((57 * 86_400 + 14 * 3600 + 37 * 60 + 7) * 1_000_000_000) + 304_169_123;
        assert_eq!(fmt_time(ns, false), "d57 14:37:07.304");
        assert_eq!(fmt_time(ns, true), "d57 14:37:07.304169123");
        assert_eq!(fmt_time(0, false), "d0 00:00:00.000");
    }
}
