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
        &[
            "run",
            &s(&plant),
            "--runs",
            "4",
            "--seed",
            "2",
            "--out",
            &s(&out),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    // Beside the folder is fine.
    let beside = dir.path().join("patch-now.vex.json");
    let r = vex(&plant, &out.join("summary.json"), &beside);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(beside.is_file());
}

#[test]
fn a_run_sweeps_the_abandoned_staging_folders_of_its_out_and_nothing_else() {
    let dir = TempDir::new("stale-staging");
    let (plant, out) = starter_with_run(&dir);
    // A process that has exited: its id names no process now (ids are not reused this fast).
    let mut child = std::process::Command::new("true")
        .spawn()
        .expect("spawn true");
    let dead = child.id();
    child.wait().expect("wait");
    let stamp = |pid: u32| format!("{{\"tool\":\"patchtwin\",\"pid\":{pid}}}");
    let plant_folder = |name: &str, stamp_text: Option<String>| {
        let d = dir.path().join(name);
        std::fs::create_dir_all(d.join("charts")).expect("mkdir");
        std::fs::write(d.join("summary.json"), "{\"partial\":").expect("write");
        std::fs::write(d.join("charts/risk.svg"), "<svg").expect("write");
        if let Some(t) = stamp_text {
            std::fs::write(d.join(".patchtwin-staging.json"), t).expect("write");
        }
        d
    };
    // Abandoned: our stamp, its process gone → swept, whole.
    let abandoned = plant_folder(".out.patchtwin-AbAnD1", Some(stamp(dead)));
    // Abandoned but holding a file no set has → emptied of what a set holds, then kept.
    let foreign = plant_folder(".out.patchtwin-FoRe1G", Some(stamp(dead)));
    std::fs::create_dir(foreign.join("notes")).expect("mkdir");
    // No stamp → not provably ours: kept untouched.
    let unstamped = plant_folder(".out.patchtwin-NoStMp", None);
    // The stamp of a live process (this test) → in use: kept untouched.
    let live = plant_folder(".out.patchtwin-LiVe01", Some(stamp(std::process::id())));
    // Another output's staging folder → not ours to judge here.
    let other = plant_folder(".other.patchtwin-AbAnD2", Some(stamp(dead)));
    let r = patchtwin(
        &[
            "run",
            &s(&plant),
            "--runs",
            "4",
            "--seed",
            "3",
            "--out",
            &s(&out),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!abandoned.exists(), "the abandoned staging folder is swept");
    assert!(foreign.join("notes").is_dir() && !foreign.join("summary.json").exists());
    for kept in [&unstamped, &live, &other] {
        assert!(kept.join("summary.json").is_file(), "{}", kept.display());
        assert!(kept.join("charts/risk.svg").is_file(), "{}", kept.display());
    }
    // The run's own staging folder is gone and its set carries no stamp.
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.patchtwin-"))
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".out.patchtwin-FoRe1G",
            ".out.patchtwin-LiVe01",
            ".out.patchtwin-NoStMp"
        ]
    );
    assert!(!out.join(".patchtwin-staging.json").exists());
}

#[test]
fn a_plan_id_that_cannot_be_a_file_name_is_refused_before_the_run() {
    let dir = TempDir::new("plan-id-file-name");
    let plant = dir.path().join("plant.yaml");
    assert_eq!(patchtwin(&["init", &s(&plant)], LIMIT).code, Some(0));
    let text = std::fs::read_to_string(&plant).expect("plant");
    assert!(
        text.contains("  - id: restrict-now"),
        "the starter plant changed"
    );
    std::fs::write(
        &plant,
        text.replace("  - id: restrict-now", "  - id: \"../../etc/passwd\""),
    )
    .expect("write");
    let out = dir.path().join("o");
    let r = patchtwin(
        &[
            "run",
            &s(&plant),
            "--runs",
            "3",
            "--vex",
            "csaf",
            "--out",
            &s(&out),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("field: plans[") && r.stderr.contains("contains `/`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("internal error"), "{}", r.stderr);
    assert!(!out.exists());
}

/// `trace --find compromise` matches a compromise of any asset, while a run's line (like
/// P(compromise)) is about the targets: the line says so, so that a run found by
/// `compromise and not impact` never reads as a contradiction, and every `impact` run's line
/// names the target compromise.
#[test]
fn a_found_runs_line_says_whether_a_target_was_compromised() {
    let dir = TempDir::new("find-compromise");
    let plant = dir.path().join("plant.yaml");
    assert_eq!(patchtwin(&["init", &s(&plant)], LIMIT).code, Some(0));
    let find = |expr: &str| {
        let r = patchtwin(
            &[
                "trace",
                &s(&plant),
                "--plan",
                "defer",
                "--runs",
                "200",
                "--find",
                expr,
            ],
            LIMIT,
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let text = format!("{}{}", r.stdout, r.stderr);
        text.lines()
            .filter(|l| l.starts_with("run "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let non_target = find("compromise and not impact");
    assert!(
        !non_target.is_empty(),
        "the starter plant has such a run at seed 1"
    );
    for l in &non_target {
        assert!(l.contains("no target compromised"), "{l}");
    }
    let impact = find("impact");
    assert!(!impact.is_empty());
    for l in &impact {
        assert!(l.contains(", target compromised d"), "{l}");
    }
}
