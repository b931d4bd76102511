//! `patchtwin init` and `patchtwin completions`: the starter plant validates and runs, and
//! its rehearsal says something (the attacker reaches the unit when nothing is done, and a
//! plan changes that); an existing file is never replaced without `--force`; completion
//! scripts name every subcommand.

use crate::util;
use serde_json::Value;
use std::time::Duration;

#[test]
fn init_writes_a_starter_plant_that_validates_and_runs() {
    let tmp = util::TempDir::new("init");
    let file = tmp.path().join("plant.yaml");
    let out = tmp.path().join("out");
    let f = file.display().to_string();
    let run = util::patchtwin(&["init", &f], Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("patchtwin validate"), "{}", run.stdout);
    let v = util::validate(&file);
    assert_eq!(v.code, Some(0), "{}", v.stderr);
    // The sentence `init` prints counts what `validate` finds in the file (it once said
    // "2 zones" of a plant with 3).
    let count = |label: &str| -> String {
        let line = v
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no `{label}` line in {}", v.stdout));
        line.trim_start()[label.len()..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_end_matches(':')
            .to_string()
    };
    for (label, noun) in [
        ("zones", "zones"),
        ("assets", "assets"),
        ("flows", "flow"),
        ("process units", "process unit"),
    ] {
        let said = format!("{} {noun}", count(label));
        assert!(
            run.stdout.contains(&said),
            "`{said}` not in: {}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("--out out/plant"), "{}", run.stdout);
    let args = [
        "run",
        &f,
        "--runs",
        "100",
        "--seed",
        "3",
        "--out",
        &out.display().to_string(),
    ];
    let run = util::patchtwin(&args, Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let p = |i: usize| summary["plans"][i]["exposure"]["p_compromise"]["mean"].as_f64();
    let (defer, patch) = (p(0).unwrap(), p(1).unwrap());
    // A starter plant that teaches something: doing nothing leaves the unit reachable, and
    // patching the entry the attacker needs makes compromise rarer.
    assert!(defer > 0.3, "P(compromise) under defer is only {defer}");
    assert!(
        patch < defer,
        "patch-now ({patch}) should beat defer ({defer})"
    );
}

#[test]
fn init_never_replaces_an_existing_file_without_force() {
    let tmp = util::TempDir::new("init-exists");
    let file = tmp.write("plant.yaml", b"my own notes\n");
    let f = file.display().to_string();
    let run = util::patchtwin(&["init", &f], Duration::from_secs(30));
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert!(!run.stderr.contains("error: error:"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my own notes\n");
    let run = util::patchtwin(&["init", &f, "--force"], Duration::from_secs(30));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("starter-plant")
    );
}

#[test]
fn completion_scripts_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let run = util::patchtwin(&["completions", shell], Duration::from_secs(30));
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        for sub in ["validate", "run", "trace", "import", "init", "schema"] {
            assert!(run.stdout.contains(sub), "{shell} completions lack `{sub}`");
        }
    }
    let run = util::patchtwin(&["completions", "tcsh"], Duration::from_secs(30));
    assert_eq!(run.code, Some(2), "an unknown shell is a usage error");
}
