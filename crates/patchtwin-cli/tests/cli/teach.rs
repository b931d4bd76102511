//! `trace --find/--pick/--html/--latency` and `patchtwin lesson` end to end: the runs `--find`
//! names are exactly those whose own trace (`--run N --json`) has the events, `--pick worst`
//! agrees with a replay of each run, the HTML timeline is one self-contained file, latency
//! lines appear only for the flows asked for, and bad lessons and options exit 2 with a place.

use crate::util::{TempDir, patchtwin};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(300);
const PLAN: [&str; 4] = [
    "scenarios/substation.yaml",
    "--plan",
    "patch-ieds-in-window",
    "--observe",
];

fn kinds_of_run(run: u64) -> Vec<String> {
    let mut args: Vec<String> = PLAN.iter().map(|s| s.to_string()).collect();
    args.insert(0, "trace".into());
    args.extend([
        "1s".into(),
        "--json".into(),
        "--run".into(),
        run.to_string(),
    ]);
    let r = patchtwin(&args, LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            v["kind"].as_str().expect("kind").to_string()
        })
        .collect()
}

#[test]
fn find_names_exactly_the_runs_whose_trace_has_the_events() {
    let runs = 10u64;
    let mut args: Vec<String> = vec!["trace".into()];
    args.extend(PLAN.iter().map(|s| s.to_string()));
    args.extend(["1s", "--find", "rollback and trip", "--runs", "10"].map(String::from));
    let r = patchtwin(&args, LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let found: Vec<u64> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("run "))
        .map(|l| {
            l.split(':')
                .next()
                .expect("index")
                .trim()
                .parse()
                .expect("index")
        })
        .collect();
    let expected: Vec<u64> = (0..runs)
        .filter(|&i| {
            let k = kinds_of_run(i);
            k.iter().any(|k| k == "patch_failed") && k.iter().any(|k| k == "trip")
        })
        .collect();
    assert_eq!(found, expected, "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("{} of {runs} runs", expected.len())),
        "{}",
        r.stdout
    );
    // Deterministic: the same answer again.
    assert_eq!(patchtwin(&args, LIMIT).stdout, r.stdout);
}

#[test]
fn html_timeline_is_one_self_contained_file() {
    let dir = TempDir::new("teach-html");
    let out = dir.path().join("t.html");
    let mut args: Vec<String> = vec!["trace".into()];
    args.extend(PLAN.iter().map(|s| s.to_string()));
    args.extend(["1s", "--latency", "gw-mms-l1", "--html"].map(String::from));
    args.push(out.display().to_string());
    let r = patchtwin(&args, LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let html = std::fs::read_to_string(&out).expect("the page");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in ["src=\"http", "href=\"http", "<link ", "@import", "url(http"] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    assert!(html.contains("\"lanes\":") && html.contains("\"flow\":\"gw-mms-l1\""));
    // Refuses to replace it without --force.
    let again = patchtwin(&args, LIMIT);
    assert_eq!(again.code, Some(2), "{}", again.stderr);
    args.push("--force".into());
    assert_eq!(patchtwin(&args, LIMIT).code, Some(0));
}

#[test]
fn latency_lines_only_for_the_flows_asked_for() {
    let mut args: Vec<String> = vec!["trace".into()];
    args.extend(PLAN.iter().map(|s| s.to_string()));
    args.extend(["1s", "--latency", "cc-iec104-gw", "--kind", "plan"].map(String::from));
    let r = patchtwin(&args, LIMIT);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lat: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains(" latency "))
        .collect();
    // A 2 s poll in two 1 s observation windows: at most one answer per window, at least one.
    assert!((1..=2).contains(&lat.len()), "{}", r.stdout);
    assert!(lat.iter().all(|l| l.contains("cc-iec104-gw")), "{lat:?}");
    let bad = patchtwin(
        &[
            "trace",
            "scenarios/substation.yaml",
            "--plan",
            "defer",
            "--latency",
            "cc-iec104-gx",
        ],
        LIMIT,
    );
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("did you mean `cc-iec104-gw`"),
        "{}",
        bad.stderr
    );
}

#[test]
fn find_and_pick_refuse_bad_input() {
    let bad = patchtwin(
        &[
            "trace",
            "scenarios/substation.yaml",
            "--plan",
            "defer",
            "--find",
            "trip and rolback",
        ],
        LIMIT,
    );
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("did you mean `rollback`"),
        "{}",
        bad.stderr
    );
    let bad = patchtwin(
        &[
            "trace",
            "scenarios/substation.yaml",
            "--plan",
            "defer",
            "--pick",
            "median",
        ],
        LIMIT,
    );
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("worst, typical, first-compromise"),
        "{}",
        bad.stderr
    );
}

#[test]
fn lesson_renders_and_bad_lessons_exit_2_with_a_place() {
    let dir = TempDir::new("teach-lesson");
    let r = patchtwin(
        &[
            "lesson",
            "crates/patchtwin-teach/tests/data/small-lesson.yaml",
            "--out",
            dir.path().to_str().expect("utf-8"),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let page = std::fs::read_to_string(dir.path().join("small-lesson.html")).expect("page");
    assert!(page.contains("class=\"question\"") && page.contains("class=\"ptl\""));
    let bad = dir.write(
        "bad.yaml",
        b"title: t\nscenario: nowhere.yaml\nbrief: b\nplans: [a, b]\nquestions: []\nshow: []\ndebrief: d\n",
    );
    let r = patchtwin(&["lesson", bad.to_str().expect("utf-8"), "--check"], LIMIT);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("bad.yaml:2:"), "{}", r.stderr);
    assert!(r.stderr.contains("does not load"), "{}", r.stderr);
    let r = patchtwin(&["lesson", "rolback-door", "--check"], LIMIT);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("did you mean `rollback-door`"),
        "{}",
        r.stderr
    );
}

/// Review finding: `trace --html SCENARIO --force` replaced the scenario with the page. An
/// output path that is an input is refused even with `--force`, and the input is untouched.
#[test]
fn an_output_page_never_replaces_its_own_input() {
    let dir = TempDir::new("teach-input");
    let text = std::fs::read(crate::util::workspace_root().join("scenarios/substation.yaml"))
        .expect("shipped scenario");
    let plant = dir.write("plant.yaml", &text);
    let r = patchtwin(
        &[
            "trace".as_ref(),
            plant.as_os_str(),
            "--plan".as_ref(),
            "defer".as_ref(),
            "--run".as_ref(),
            "0".as_ref(),
            "--html".as_ref(),
            plant.as_os_str(),
            "--force".as_ref(),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is an input file"), "{}", r.stderr);
    assert_eq!(std::fs::read(&plant).expect("still there"), text);
}

/// Review finding: run outside the repository, `lesson NAME` said "the lessons in lessons are:
/// none". It now says the folder is missing and how to point at it.
#[test]
fn a_lesson_outside_the_repository_says_where_lessons_are_looked_for() {
    let dir = TempDir::new("teach-nolessons");
    let missing = dir.path().join("lessons");
    let r = patchtwin(
        &[
            "lesson".as_ref(),
            "patch-during-production".as_ref(),
            "--lessons".as_ref(),
            missing.as_os_str(),
            "--out".as_ref(),
            dir.path().join("out").as_os_str(),
        ],
        LIMIT,
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("there is no folder") && r.stderr.contains("--lessons DIR"),
        "{}",
        r.stderr
    );
}
