//! The filters of `patchtwin trace` (`--entity`, `--kind`), checked against what trace lines
//! can carry, so that a typo is an error with a suggestion rather than "0 of 36 lines shown".
//!
//! Not the filtering itself (that is a one-line predicate in `main`), and no knowledge of
//! the simulation beyond the names its trace lines use.

use crate::BadInput;
use patchtwin_model::Scenario;

/// Every event kind a trace line can have. A test reads the simulation's sources and checks
/// that this list is exactly the kinds they record.
pub const KINDS: [&str; 28] = [
    "plan",
    "crew",
    "deploy",
    "restart",
    "patch_failed",
    "up",
    "fault",
    "control",
    "window",
    "overrun",
    "timeout",
    "comm_fail",
    "comm_restored",
    "stale",
    "flow_restored",
    "historian_gap",
    "data_loss",
    "buffer_saved",
    "saturated",
    "function_lost",
    "function_restored",
    "trip",
    "unit_restart",
    "unit_running",
    "attack",
    "detect",
    "evict",
    "impact",
];

/// The entity of the attacker's own lines (evictions).
const ATTACKER: &str = "attacker";

/// Every id a trace line's entity can be: assets, flows, functions, process units, controls,
/// windows, plans, patches, the threat's entry points, and `attacker`.
pub fn entities(s: &Scenario) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    ids.extend(s.assets.iter().map(|a| a.id.as_str()));
    ids.extend(s.flows.iter().map(|f| f.id.as_str()));
    ids.extend(s.functions.iter().map(|f| f.id.as_str()));
    ids.extend(s.process_units.iter().map(|u| u.id.as_str()));
    ids.extend(s.controls.iter().map(|c| c.id.as_str()));
    ids.extend(s.windows.iter().map(|w| w.id.as_str()));
    ids.extend(s.plans.iter().map(|p| p.id.as_str()));
    ids.extend(s.patches.iter().map(|p| p.id.as_str()));
    ids.extend(s.threat.entry_points.iter().map(|e| e.id.as_str()));
    ids.extend(s.data_loss.iter().map(|d| d.id.as_str()));
    ids.extend(
        s.plans
            .iter()
            .flat_map(|p| p.crews.iter().map(|c| c.id.as_str())),
    );
    ids.push(ATTACKER);
    ids
}

/// Checks `--entity` and `--kind` (exit 2 with a did-you-mean when unknown).
pub fn check(s: &Scenario, entity: Option<&str>, kinds: &[String]) -> Result<(), BadInput> {
    if let Some(e) = entity {
        let known = entities(s);
        if !known.contains(&e) {
            let hint = patchtwin_scenario::diag::did_you_mean(e, known.iter().copied());
            return Err(BadInput(format!(
                "error: --entity: `{e}` is not an id in this scenario{hint}; trace lines are about assets, flows, functions, process units, controls, windows, plans, patches, entry points and `attacker`"
            )));
        }
    }
    for k in kinds {
        if !KINDS.contains(&k.as_str()) {
            let hint = patchtwin_scenario::diag::did_you_mean(k, KINDS);
            return Err(BadInput(format!(
                "error: --kind: unknown event kind `{k}`{hint}; the kinds are: {}",
                KINDS.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::KINDS;
    use std::collections::BTreeSet;

    /// [`KINDS`] is exactly the set of kinds the simulation records: every `note(now,
    /// entity, "kind", …)` or `note_duration(now, entity, duration, "kind", …)` call in its
    /// sources (all folders) names its kind as the literal before `, ||`.
    #[test]
    fn kinds_match_what_the_simulation_records() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../patchtwin-sim/src");
        let mut files = Vec::new();
        let mut dirs = vec![src];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the simulation's sources") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() >= 10, "found only {} sources", files.len());
        let mut recorded = BTreeSet::new();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("source");
            let calls = text
                .match_indices(".note(")
                .chain(text.match_indices(".note_duration("));
            for (at, _) in calls {
                let call = &text[at..text.len().min(at + 200)];
                let Some(end) = call.find("\", ||") else {
                    continue;
                };
                let start = call[..end].rfind('"').expect("an opening quote") + 1;
                recorded.insert(call[start..end].to_string());
            }
        }
        let listed: BTreeSet<String> = KINDS.iter().map(|k| k.to_string()).collect();
        assert_eq!(listed, recorded);
    }
}
