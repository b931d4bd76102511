//! Findings of a newcomer's and a hostile user's trial of the tool, each pinned by the
//! behaviour that fixes it: `vex --out` never replaces the command's own inputs (the scenario
//! or the run's `summary.json`, `--force` or not) nor drops a file into a run's output folder;
//! a plan id that cannot be a file name is refused before the replications; a staging folder
//! left by an interrupted run is swept by the next run of the same `--out` when it is provably
//! ours and abandoned, and nothing else is touched.

use crate::util::{TempDir, patchtwin};
use std::path::Path;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The starter plant written by `init` into `dir`, and one run of it at `dir/out`.
fn starter_with_run(dir: &TempDir) -> (std::path::PathBuf, std::path::PathBuf) {
    let plant = dir.path().join("plant.yaml");
    let r = patchtwin(&["init", &s(&plant)], LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let out = dir.path().join("out");
    let r = patchtwin(
        &["run", &s(&plant), "--runs", "4", "--out", &s(&out)],
        LIMIT,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    (plant, out)
}

fn vex(plant: &Path, summary: &Path, out: &Path) -> crate::util::Run {
    patchtwin(
        &[
            "vex",
            &s(plant),
            "--plan",
            "patch-now",
            "--summary",
            &s(summary),
            "--format",
            "openvex",
            "--out",
            &s(out),
            "--force",
        ],
        LIMIT,
    )
}

#[test]
fn vex_force_never_replaces_its_own_inputs_nor_writes_into_a_run_folder() {
    let dir = TempDir::new("vex-own-inputs");
    let (plant, out) = starter_with_run(&dir);
    let summary = out.join("summary.json");
    let plant_before = std::fs::read(&plant).expect("plant");
    let summary_before = std::fs::read(&summary).expect("summary");
    // The scenario itself, --force or not.
    let r = vex(&plant, &summary, &plant);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is an input file"), "{}", r.stderr);
    assert_eq!(std::fs::read(&plant).expect("plant"), plant_before);
    // The same file by another spelling.
    let other = dir.path().join(".").join("plant.yaml");
    assert_eq!(vex(&plant, &summary, &other).code, Some(2));
    assert_eq!(std::fs::read(&plant).expect("plant"), plant_before);
    // The run's summary.
    let r = vex(&plant, &summary, &summary);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is an input file"), "{}", r.stderr);
    assert_eq!(std::fs::read(&summary).expect("summary"), summary_before);
    // A new file inside the run's folder: refused, nothing added, and a later run of the same
    // --out still goes through.
    let inside = out.join("patch-now.vex.json");
    let r = vex(&plant, &summary, &inside);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("holds a patchtwin run"), "{}", r.stderr);
    assert!(!inside.exists());
    let r = patchtwin(
        &["run", &s(&plant), "--runs", "4", "--seed", "2", "--out", &s(&out)],
        LIMIT,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // Beside the folder is fine.
    let beside = dir.path().join("patch-now.vex.json");
    let r = vex(&plant, &out.join("summary.json"), &beside);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(beside.is_file());
}
