//! `patchtwin sensitivity`: the command end to end on a shipped plant (outputs, schema,
//! stdout sentences) and its refusals of bad options (exit code 2, a message naming them).

use crate::util::{TempDir, patchtwin};
use std::time::Duration;

const EWS: &str = "scenarios/ews-actively-exploited.yaml";

#[test]
fn sensitivity_writes_its_set_and_it_matches_its_schema() {
    let dir = TempDir::new("sens");
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let run = patchtwin(
        &[
            "sensitivity",
            EWS,
            "--runs",
            "40",
            "--inputs",
            "threat.recovery_time,controls[ot-monitoring].detection_probability",
            "--tolerance",
            "1000000",
            "--out",
            out_s,
        ],
        Duration::from_secs(300),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("stays best"), "{}", run.stdout);
    assert!(run.stdout.contains("EVPI is"), "{}", run.stdout);
    assert!(
        run.stdout.contains("At a tolerance of 1000000 EUR"),
        "{}",
        run.stdout
    );
    for f in [
        "sensitivity.json",
        "sensitivity.csv",
        "sensitivity.schema.json",
        "sensitivity.md",
        "charts/tornado-dual-success.svg",
        "charts/tornado-expected-loss.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sensitivity.json")).unwrap())
            .unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("sensitivity.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(json["inputs"].as_array().unwrap().len(), 2);
    // The CSV has one row per input and the header's number of cells in every row.
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    let cells = lines[0].split(',').count();
    assert!(lines.iter().all(|l| l.split(',').count() == cells));
    let svg = std::fs::read_to_string(out.join("charts/tornado-dual-success.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("threat.recovery_time"));
    // The same seed gives the same numbers (wall time aside).
    let again = patchtwin(
        &[
            "sensitivity",
            EWS,
            "--runs",
            "40",
            "--inputs",
            "threat.recovery_time,controls[ot-monitoring].detection_probability",
            "--tolerance",
            "1000000",
            "--threads",
            "1",
            "--json",
            "--out",
            dir.path().join("out2").to_str().unwrap(),
        ],
        Duration::from_secs(300),
    );
    let mut second: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    let mut first = json;
    for v in [&mut first, &mut second] {
        v["engine"]["wall_s"] = 0.into();
        v["engine"]["threads"] = 0.into();
    }
    assert_eq!(first, second, "one thread and two give the same results");
}

#[test]
fn sensitivity_refuses_bad_options_with_exit_2() {
    let dir = TempDir::new("sens-bad");
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    for (args, says) in [
        (
            vec!["--inputs", "patches[nope].failure_probability"],
            "unknown input",
        ),
        (vec!["--range", "threat.recovery_time=9..2"], "LOW < HIGH"),
        (vec!["--range", "threat.recovery_time"], "NAME=LOW..HIGH"),
        (
            vec![
                "--range",
                "controls[ot-monitoring].detection_probability=0.2..1.5",
            ],
            "within 0..1",
        ),
        (vec!["--appetite", "2"], "--appetite"),
        (vec!["--tolerance=-5"], "--tolerance"),
    ] {
        let mut all = vec!["sensitivity", EWS, "--runs", "4", "--out", out_s];
        all.extend(args.iter().copied());
        let run = patchtwin(&all, Duration::from_secs(120));
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(!out.exists(), "{args:?} wrote outputs");
    }
}
