//! The invalid-scenario corpus: every `tests/invalid/*.{yaml,yml,json}` of the repository is
//! rejected (exit code 2, nothing on stdout), and what `patchtwin validate` prints on stderr
//! matches the snapshot `tests/invalid/<stem>.expected` next to it.
//!
//! `PATCHTWIN_BLESS=1` writes the snapshots instead of comparing them. Read every snapshot
//! you bless: each message must name the right file, line, column and field path and say
//! what is expected.

use crate::util::{self, line_diff};
use std::collections::BTreeSet;
use std::path::Path;

/// Inputs whose diagnostics are known to be wrong today, with what is wrong. They must still
/// be rejected, but no snapshot is kept, so that a wrong message is never recorded as the
/// expected one. After fixing the validator: remove the entry, bless, and read the snapshot.
const KNOWN_WRONG: &[(&str, &str)] = &[(
    "tab-indentation.yaml",
    "the location is line 5, column 2, one past the tab at column 1, and the source line is \
         printed with the raw tab, so the caret lands under the wrong character in a terminal",
)];

fn blessing() -> bool {
    std::env::var_os("PATCHTWIN_BLESS").is_some_and(|v| v == "1")
}

fn known_wrong(name: &str) -> Option<&'static str> {
    KNOWN_WRONG
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| *why)
}

/// Checks what holds whatever the snapshot says: every problem names this file, and the count
/// at the end matches the number of problems.
fn check_shape(rel: &str, stderr: &str) -> Result<(), String> {
    let errors = stderr.lines().filter(|l| l.starts_with("error: ")).count();
    let pointers = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("--> "))
        .collect::<Vec<_>>();
    if errors == 0 {
        return Err(format!("{rel}: no `error:` line on stderr:\n{stderr}"));
    }
    if pointers.len() != errors
        || pointers.iter().any(|l| {
            let target = l.trim_start().trim_start_matches("--> ");
            target != rel && !target.starts_with(&format!("{rel}:"))
        })
    {
        return Err(format!(
            "{rel}: every problem must point into `{rel}`:\n{stderr}"
        ));
    }
    let count = format!(
        "{errors} problem{} found",
        if errors == 1 { "" } else { "s" }
    );
    if stderr.trim_end().lines().last() != Some(count.as_str()) {
        return Err(format!("{rel}: stderr must end with `{count}`:\n{stderr}"));
    }
    Ok(())
}

#[test]
fn every_invalid_scenario_is_rejected_with_the_expected_diagnostics() {
    let root = util::workspace_root();
    let dir = root.join("tests/invalid");
    let inputs = util::files_with_extension(&dir, &["yaml", "yml", "json"]);
    assert!(
        inputs.len() >= 35,
        "tests/invalid/ should hold at least 35 cases, found {}",
        inputs.len()
    );
    let bless = blessing();
    let mut failures = Vec::new();
    let mut stems = BTreeSet::new();
    let mut blessed = Vec::new();
    for input in &inputs {
        let name = input
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name");
        let stem = input
            .file_stem()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file stem");
        if !stems.insert(stem.to_string()) {
            failures.push(format!(
                "tests/invalid/{name}: another input has the stem `{stem}`; snapshots are \
                 named by stem, so stems must be unique"
            ));
            continue;
        }
        let rel = format!("tests/invalid/{name}");
        let snapshot = dir.join(format!("{stem}.expected"));
        let snapshot_rel = format!("tests/invalid/{stem}.expected");
        let run = util::validate(Path::new(&rel));
        if run.code != Some(2) {
            failures.push(format!(
                "{rel}: expected exit code 2 (invalid input), got {:?}\n--- stdout\n{}--- stderr\n{}",
                run.code, run.stdout, run.stderr
            ));
            continue;
        }
        if !run.stdout.is_empty() {
            failures.push(format!(
                "{rel}: nothing should go to stdout, got:\n{}",
                run.stdout
            ));
        }
        if let Err(e) = check_shape(&rel, &run.stderr) {
            failures.push(e);
            continue;
        }
        if let Some(why) = known_wrong(name) {
            if snapshot.exists() {
                failures.push(format!(
                    "{rel} is listed in KNOWN_WRONG ({why}) but {snapshot_rel} exists: remove \
                     the entry if the validator is fixed, or delete the snapshot"
                ));
            }
            continue;
        }
        let current = std::fs::read_to_string(&snapshot).ok();
        if bless {
            if current.as_deref() != Some(run.stderr.as_str()) {
                std::fs::write(&snapshot, &run.stderr)
                    .unwrap_or_else(|e| panic!("cannot write {snapshot_rel}: {e}"));
                blessed.push(snapshot_rel);
            }
            continue;
        }
        match current {
            None => failures.push(format!(
                "{rel}: no snapshot {snapshot_rel}; run with PATCHTWIN_BLESS=1 to write it, \
                 then read it\n--- stderr\n{}",
                run.stderr
            )),
            Some(expected) if expected != run.stderr => failures.push(format!(
                "{rel}: diagnostics differ from {snapshot_rel} (- expected, + actual):\n{}",
                line_diff(&expected, &run.stderr)
            )),
            Some(_) => {}
        }
    }
    for (name, _) in KNOWN_WRONG {
        if !dir.join(name).is_file() {
            failures.push(format!(
                "KNOWN_WRONG names tests/invalid/{name}, which does not exist"
            ));
        }
    }
    for snapshot in util::files_with_extension(&dir, &["expected"]) {
        let stem = snapshot
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !stems.contains(stem) {
            failures.push(format!(
                "tests/invalid/{stem}.expected has no input file next to it; delete it"
            ));
        }
    }
    for b in &blessed {
        eprintln!("blessed {b}");
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) with the invalid-scenario corpus:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
