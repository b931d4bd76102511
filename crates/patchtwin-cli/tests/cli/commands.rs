//! `run`, `trace` and `import` end to end: exit codes, outputs, determinism, refusal to
//! overwrite inputs.

use crate::util::{TempDir, patchtwin};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn run_writes_a_summary_with_the_contract_and_is_deterministic_across_threads() {
    let dir = TempDir::new("run");
    let mut summaries = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let r = patchtwin(
            &[
                "run",
                "scenarios/ews-actively-exploited.yaml",
                "--runs",
                "30",
                "--seed",
                "4",
                "--threads",
                threads,
                "--observe",
                "5s",
                "--out",
                out.to_str().unwrap(),
            ],
            LIMIT,
        );
        assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
        assert!(
            r.stdout.contains("P(compromise)") && r.stdout.contains("defer"),
            "table: {}",
            r.stdout
        );
        let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        for pointer in [
            "/scenario/name",
            "/scenario/sha256",
            "/settings/runs",
            "/settings/seed",
            "/settings/horizon_s",
            "/engine/events",
            "/engine/wall_s",
            "/plans/0/exposure/p_compromise/mean",
            "/plans/0/exposure/ttc_days",
            "/plans/0/operations/p_trip/lo",
            "/plans/0/operations/downtime_h/hi",
            "/plans/0/operations/p_patch_failure/mean",
            "/plans/0/timing/flows/0/latency_ms/p99",
            "/plans/0/timing/flows/0/deadline_miss_rate",
            "/plans/0/timing/flows/0/timeouts",
            "/plans/0/dual_success/mean",
            "/comparisons/0/delta_p_compromise/mean",
            "/comparisons/0/delta_p_trip/mean",
            "/comparisons/0/delta_downtime_h/mean",
            "/pairwise/0/plan_a",
            "/pairwise/0/plan_b",
            "/pairwise/0/delta_dual_success/lo",
            "/pairwise/0/delta_expected_loss/hi",
        ] {
            assert!(v.pointer(pointer).is_some(), "summary.json lacks {pointer}");
        }
        // One pairwise entry per pair of plans, earlier plan first.
        let plans: Vec<&str> = v["plans"]
            .as_array()
            .expect("plans")
            .iter()
            .map(|p| p["id"].as_str().expect("id"))
            .collect();
        let pairs: Vec<(&str, &str)> = v["pairwise"]
            .as_array()
            .expect("pairwise")
            .iter()
            .map(|w| {
                (
                    w["plan_a"].as_str().expect("plan_a"),
                    w["plan_b"].as_str().expect("plan_b"),
                )
            })
            .collect();
        let expected: Vec<(&str, &str)> = plans
            .iter()
            .enumerate()
            .flat_map(|(i, a)| plans[i + 1..].iter().map(move |b| (*a, *b)))
            .collect();
        assert_eq!(pairs, expected);
        // The file is what `patchtwin schema --summary` describes.
        let schema = crate::shipped::summary_schema();
        let validator = jsonschema::draft7::new(&schema)
            .unwrap_or_else(|e| panic!("the summary schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("at `{}`: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "summary.json against its schema: {errors:?}"
        );
        // Everything but the wall clock and thread count must match bit for bit.
        let mut v = v;
        v["engine"]["wall_s"] = serde_json::Value::Null;
        v["engine"]["threads"] = serde_json::Value::Null;
        summaries.push(v);
    }
    assert_eq!(
        summaries[0], summaries[1],
        "1 and 2 threads give different summaries"
    );
}

#[test]
fn trace_tells_one_replication_and_filters() {
    let r = patchtwin(
        &[
            "trace",
            "scenarios/water-treatment.yaml",
            "--plan",
            "patch-plcs-in-window",
            "--run",
            "4",
            "--kind",
            "plan,patch_failed",
            "--observe",
            "1s",
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert!(r.stdout.contains("staged rollout"), "{}", r.stdout);
    let json = patchtwin(
        &[
            "trace",
            "scenarios/water-treatment.yaml",
            "--plan",
            "defer",
            "--json",
            "--observe",
            "1s",
        ],
        LIMIT,
    );
    assert_eq!(json.code, Some(0));
    for line in json.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON lines");
        assert!(v.get("time_ns").is_some() && v.get("kind").is_some());
    }
    let bad = patchtwin(
        &["trace", "scenarios/water-treatment.yaml", "--plan", "defre"],
        LIMIT,
    );
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("did you mean `defer`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn import_writes_a_new_scenario_that_validates_and_never_overwrites_its_input() {
    let dir = TempDir::new("import");
    let out = dir.path().join("ews-imported.yaml");
    let data = crate::util::workspace_root().join("../shared/data");
    let csaf = data.join("csaf/icsa-20-163-01.json");
    let kev = data.join("kev/known_exploited_vulnerabilities.json");
    let r = patchtwin(
        &[
            "import",
            "csaf",
            csaf.to_str().unwrap(),
            "--into",
            "scenarios/ews-actively-exploited.yaml",
            "--out",
            out.to_str().unwrap(),
            "--kev",
            kev.to_str().unwrap(),
        ],
        LIMIT,
    );
    assert_eq!(
        r.code,
        Some(0),
        "stderr: {}\nstdout: {}",
        r.stderr,
        r.stdout
    );
    let v = patchtwin(&["validate", out.to_str().unwrap()], LIMIT);
    assert_eq!(
        v.code,
        Some(0),
        "imported scenario does not validate: {}",
        v.stderr
    );
    let text = std::fs::read_to_string(&out).expect("output");
    assert!(
        text.contains("CVE-2020-12021"),
        "the advisory's CVE is imported"
    );
    // Writing over the input is refused.
    let same = patchtwin(
        &[
            "import",
            "csaf",
            csaf.to_str().unwrap(),
            "--into",
            "scenarios/ews-actively-exploited.yaml",
            "--out",
            "scenarios/ews-actively-exploited.yaml",
        ],
        LIMIT,
    );
    assert_eq!(same.code, Some(2), "{}", same.stderr);
}

#[test]
fn an_unwritable_output_directory_is_a_clear_error_with_exit_2() {
    let r = patchtwin(
        &[
            "run",
            "scenarios/ews-actively-exploited.yaml",
            "--runs",
            "2",
            "--observe",
            "1s",
            "--out",
            "/proc/patchtwin-cannot-write-here",
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(2), "stderr: {}", r.stderr);
    assert!(
        r.stderr.contains("cannot write") && r.stderr.contains("/proc/patchtwin-cannot-write-here"),
        "{}",
        r.stderr
    );
}

/// Review finding: `--max-runs` below `--runs`, or without `--target-ci`, was ignored without
/// a word. Both are refused before any replication, with the reason.
#[test]
fn max_runs_is_refused_where_it_would_be_ignored() {
    let dir = TempDir::new("max-runs");
    let out = dir.path().join("out");
    let base = [
        "run",
        "scenarios/ews-actively-exploited.yaml",
        "--runs",
        "100",
        "--out",
        out.to_str().unwrap(),
    ];
    let below: Vec<&str> = base
        .iter()
        .copied()
        .chain(["--target-ci", "0.02", "--max-runs", "10"])
        .collect();
    let r = patchtwin(&below, LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("--max-runs 10 is below --runs 100"),
        "{}",
        r.stderr
    );
    let alone: Vec<&str> = base.iter().copied().chain(["--max-runs", "500"]).collect();
    let r = patchtwin(&alone, LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--target-ci"), "{}", r.stderr);
    assert!(!out.exists(), "nothing may be written");
}

/// Review finding: `--observe 60d` (meant `60s`?) ran for minutes and then panicked ("more than
/// 2^32 events scheduled in one replication"). A window longer than the horizon, or one whose
/// messages would overflow a replication, is refused at once with the longest it accepts.
#[test]
fn an_observation_window_too_long_to_follow_is_refused_before_running() {
    let dir = TempDir::new("observe");
    for (window, says) in [("60d", "give at most"), ("400d", "horizon")] {
        let out = dir.path().join(window);
        let r = patchtwin(
            &[
                "run",
                "scenarios/ews-actively-exploited.yaml",
                "--observe",
                window,
                "--out",
                out.to_str().unwrap(),
            ],
            Duration::from_secs(30),
        );
        assert_eq!(r.code, Some(2), "{window}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{window}: {}", r.stderr);
        assert!(!out.exists());
    }
}
