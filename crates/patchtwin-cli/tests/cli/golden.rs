//! Golden results: the shipped scenarios' outputs at a fixed seed and run count, committed
//! under `tests/golden/` and compared exactly.
//!
//! This is the net under every refactoring, performance change and fidelity change: a change
//! that moves a single bit of any plan's `summary.json` (wall-clock time aside) or of a
//! committed trace fails here. When a change is *meant* to move results, re-bless on purpose
//! with `PATCHTWIN_BLESS=1 cargo test -p patchtwin-cli --test cli golden`, read the headline
//! diff (`git diff tests/golden/`), and say in the commit message why the results moved.
//!
//! Each golden file holds the SHA-256 of the canonical `summary.json` (every field except
//! `engine.wall_s`, the only wall-clock field) and a compact headline per plan — probability
//! of compromise, of dual success, expected loss, events — so that a failure shows which
//! numbers moved, not only that a digest changed. Traces are compared as digests of stdout
//! with the line count beside them.

use crate::util::{self, line_diff};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

/// One golden case: a scenario, the command-line options that fix its run, and a name.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
}

/// Runs with every plan of every shipped scenario. The large plant runs two replications with
/// a short observation window (a replication is seconds of work there); the others forty.
const RUNS: &[Case] = &[
    Case {
        name: "ews-actively-exploited",
        args: &["scenarios/ews-actively-exploited.yaml", "--runs", "40"],
    },
    Case {
        name: "modbus-calibrated",
        args: &["scenarios/modbus-calibrated.yaml", "--runs", "40"],
    },
    Case {
        name: "monthly-update",
        args: &["scenarios/monthly-update.yaml", "--runs", "40"],
    },
    Case {
        name: "packaging-line",
        args: &["scenarios/packaging-line.yaml", "--runs", "40"],
    },
    Case {
        name: "substation",
        args: &["scenarios/substation.yaml", "--runs", "40"],
    },
    Case {
        name: "water-treatment",
        args: &["scenarios/water-treatment.yaml", "--runs", "40"],
    },
    Case {
        name: "emissions-historian-1h",
        args: &["scenarios/emissions-historian-1h.yaml", "--runs", "40"],
    },
    Case {
        name: "emissions-historian-8h",
        args: &["scenarios/emissions-historian-8h.yaml", "--runs", "40"],
    },
    Case {
        name: "vendor-gateway-rare-trips",
        args: &["scenarios/vendor-gateway-rare-trips.yaml", "--runs", "40"],
    },
    Case {
        name: "vendor-gateway-frequent-trips",
        args: &[
            "scenarios/vendor-gateway-frequent-trips.yaml",
            "--runs",
            "40",
        ],
    },
    Case {
        name: "vendor-gateway-break-even",
        args: &["scenarios/vendor-gateway-break-even.yaml", "--runs", "40"],
    },
    Case {
        name: "relay-firmware",
        args: &[
            "scenarios/relay-firmware.yaml",
            "--runs",
            "10",
            "--observe",
            "5s",
        ],
    },
    Case {
        name: "vendor-remote-access",
        args: &["scenarios/vendor-remote-access.yaml", "--runs", "40"],
    },
    Case {
        name: "large-plant",
        args: &[
            "scenarios/large-plant.yaml",
            "--runs",
            "2",
            "--observe",
            "2s",
        ],
    },
];

/// A few narrated replications: the causal chains the trace prints are results too.
const TRACES: &[Case] = &[
    Case {
        name: "trace-ews-patch-now",
        args: &[
            "scenarios/ews-actively-exploited.yaml",
            "--plan",
            "patch-now",
            "--run",
            "3",
        ],
    },
    Case {
        name: "trace-substation-defer",
        args: &["scenarios/substation.yaml", "--plan", "defer", "--run", "0"],
    },
    Case {
        name: "trace-water-first-plan-json",
        args: &[
            "scenarios/water-treatment.yaml",
            "--plan",
            "defer",
            "--run",
            "1",
            "--json",
        ],
    },
];

const SEED: &str = "20261202";

fn blessing() -> bool {
    std::env::var_os("PATCHTWIN_BLESS").is_some_and(|v| v == "1")
}

/// The headline of one plan: what a reader of a failed comparison wants to see first.
fn headline(plan: &Value) -> Value {
    let mean = |v: &Value| v.get("mean").cloned().unwrap_or(Value::Null);
    json!({
        "plan": plan["id"],
        "p_compromise": mean(&plan["exposure"]["p_compromise"]),
        "p_dual_success": mean(&plan["dual_success"]),
        "expected_loss": mean(&plan["expected_loss"]),
        "p_trip": mean(&plan["operations"]["p_trip"]),
    })
}

/// `summary.json` without its one wall-clock field, serialised canonically (sorted keys).
fn canonical_summary(summary: &mut Value) -> String {
    let engine = summary
        .get_mut("engine")
        .and_then(Value::as_object_mut)
        .expect("summary.json has an `engine` object");
    assert!(
        engine.remove("wall_s").is_some(),
        "summary.json's engine block lost `wall_s`: update the golden test's list of wall-clock fields"
    );
    serde_json::to_string(summary).expect("a JSON value serialises")
}

fn golden_path(name: &str) -> std::path::PathBuf {
    util::workspace_root()
        .join("tests/golden")
        .join(format!("{name}.json"))
}

/// Compares `actual` with the committed golden file, or writes it when blessing.
fn check_or_bless(name: &str, actual: &Value, failures: &mut Vec<String>) {
    let path = golden_path(name);
    let text = serde_json::to_string_pretty(actual).expect("a JSON value serialises") + "\n";
    if blessing() {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create tests/golden");
        std::fs::write(&path, text).expect("write a golden file");
        return;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            failures.push(format!(
                "{}: cannot read the golden file ({e}); bless with PATCHTWIN_BLESS=1",
                path.display()
            ));
            return;
        }
    };
    if expected != text {
        failures.push(format!(
            "{name}: results moved from the committed golden file {}:\n{}",
            path.display(),
            line_diff(&expected, &text)
        ));
    }
}

/// Every interval `{mean, lo, hi}` of `v` is ordered (`lo ≤ mean ≤ hi`); outside differences
/// (`delta_*`, which can be negative) it stays at or above 0, and a probability (`p_*`, a share
/// or a rate of runs) at or below 1. A problem is pushed to `failures` with its path.
fn interval_problems(name: &str, v: &Value, path: &mut Vec<String>, failures: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let (Some(mean), Some(lo), Some(hi)) = (
                m.get("mean").and_then(Value::as_f64),
                m.get("lo").and_then(Value::as_f64),
                m.get("hi").and_then(Value::as_f64),
            ) {
                let at = path.join(".");
                let difference = path.iter().any(|k| k.starts_with("delta_"));
                let probability = path.last().is_some_and(|k| {
                    k.starts_with("p_")
                        || k == "dual_success"
                        || k == "share_of_runs"
                        || k.ends_with("_rate")
                });
                if !(lo <= mean && mean <= hi) {
                    failures.push(format!(
                        "{name}: {at}: interval out of order ({lo}, {mean}, {hi})"
                    ));
                }
                if !difference && lo < 0.0 {
                    failures.push(format!(
                        "{name}: {at}: a non-negative quantity has lo {lo} < 0"
                    ));
                }
                if probability && hi > 1.0 {
                    failures.push(format!("{name}: {at}: a probability has hi {hi} > 1"));
                }
            }
            for (k, x) in m {
                path.push(k.clone());
                interval_problems(name, x, path, failures);
                path.pop();
            }
        }
        Value::Array(items) => {
            for x in items {
                interval_problems(name, x, path, failures);
            }
        }
        _ => {}
    }
}

#[test]
fn an_interval_out_of_order_or_below_zero_is_found() {
    let summary = json!({
        "plans": [{"expected_loss": {"mean": 5.0, "lo": -1.0, "hi": 9.0},
                   "exposure": {"p_compromise": {"mean": 0.5, "lo": 0.2, "hi": 1.2}}}],
        "pairwise": [{"delta_expected_loss": {"mean": -3.0, "lo": -5.0, "hi": -1.0}}],
        "bod": [{"share_of_runs": {"mean": 0.3, "lo": 0.4, "hi": 0.5}}]
    });
    let mut failures = Vec::new();
    interval_problems("synthetic", &summary, &mut Vec::new(), &mut failures);
    assert_eq!(failures.len(), 3, "{failures:#?}");
    let has = |a: &str, b: &str| failures.iter().any(|f| f.contains(a) && f.contains(b));
    assert!(has("plans.expected_loss", "lo -1"), "{failures:#?}");
    assert!(has("p_compromise", "hi 1.2"), "{failures:#?}");
    assert!(has("share_of_runs", "out of order"), "{failures:#?}");
}

/// Besides the digests: every interval of every shipped scenario's summary is ordered, and
/// non-negative quantities and probabilities stay in range (issue 22: "non-negative quantities
/// get intervals that stay non-negative").
#[test]
fn shipped_scenarios_reproduce_their_golden_results() {
    let tmp = util::TempDir::new("golden");
    let mut failures = Vec::new();
    for case in RUNS {
        let out = tmp.path().join(case.name);
        let mut args: Vec<String> = vec!["run".into()];
        args.extend(case.args.iter().map(|s| s.to_string()));
        args.extend(
            ["--seed", SEED, "--threads", "2", "--out"]
                .iter()
                .map(|s| s.to_string()),
        );
        args.push(out.display().to_string());
        let run = util::patchtwin(&args, Duration::from_secs(300));
        assert_eq!(run.code, Some(0), "{}: {}", case.name, run.stderr);
        let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
        let mut summary: Value = serde_json::from_str(&text).expect("summary.json is JSON");
        interval_problems(case.name, &summary, &mut Vec::new(), &mut failures);
        let canonical = canonical_summary(&mut summary);
        let plans = summary["plans"].as_array().expect("plans[]");
        let actual = json!({
            "command": format!("patchtwin {} --out DIR", args[..args.len() - 2].join(" ")),
            "summary_sha256": patchtwin_scenario::sha256_hex(canonical.as_bytes()),
            "events": summary["engine"]["events"],
            "recommended": summary["recommendation"]["plan"],
            "plans": plans.iter().map(headline).collect::<Vec<_>>(),
        });
        check_or_bless(case.name, &actual, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn committed_traces_reproduce() {
    let mut failures = Vec::new();
    for case in TRACES {
        let mut args: Vec<String> = vec!["trace".into()];
        args.extend(case.args.iter().map(|s| s.to_string()));
        args.extend(["--seed", SEED].iter().map(|s| s.to_string()));
        let run = util::patchtwin(&args, Duration::from_secs(120));
        assert_eq!(run.code, Some(0), "{}: {}", case.name, run.stderr);
        let lines: Vec<&str> = run.stdout.lines().collect();
        let actual = json!({
            "command": format!("patchtwin {}", args.join(" ")),
            "stdout_sha256": patchtwin_scenario::sha256_hex(run.stdout.as_bytes()),
            "lines": lines.len(),
            "first": lines.iter().take(3).collect::<Vec<_>>(),
            "last": lines.last(),
        });
        check_or_bless(case.name, &actual, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every golden file belongs to a case, so a renamed case cannot leave a stale file behind
/// that nothing checks.
#[test]
fn every_golden_file_has_a_case() {
    let dir = util::workspace_root().join("tests/golden");
    let names: Vec<&str> = RUNS.iter().chain(TRACES).map(|c| c.name).collect();
    for file in util::files_with_extension(&dir, &["json"]) {
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(
            names.contains(&stem.as_str()),
            "{}: no golden case named `{stem}`",
            Path::new(&file).display()
        );
    }
}
