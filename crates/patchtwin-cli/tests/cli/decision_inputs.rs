//! What a decision rests on, end to end (issue 16): the scenario's `acceptance` thresholds
//! decide the "no plan meets …" statement, the digests of the asset model files a run used are
//! in `summary.json`'s provenance and the report, and a `--plans` run describes the plans it
//! ran, names the ones it left out, and calls plans "highest" and "runner-up" consistently.

use crate::util::{TempDir, patchtwin, workspace_root};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

fn run(args: &[&str]) -> serde_json::Value {
    let r = patchtwin(args, Duration::from_secs(300));
    assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
    let out = args
        .iter()
        .position(|a| *a == "--out")
        .map(|k| args[k + 1])
        .expect("--out");
    let text = std::fs::read_to_string(Path::new(out).join("summary.json")).expect("summary");
    serde_json::from_str(&text).expect("summary.json parses")
}

/// The plans whose point estimates meet the thresholds, computed here from `plans[]`.
fn meeting(s: &serde_json::Value, max_c: f64, max_t: f64) -> Vec<String> {
    s["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .filter(|p| {
            p["exposure"]["p_compromise"]["mean"].as_f64().unwrap() <= max_c
                && p["operations"]["p_trip"]["mean"].as_f64().unwrap() <= max_t
        })
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

fn reasons(s: &serde_json::Value) -> Vec<String> {
    s["recommendation"]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

/// relay-firmware sets `acceptance: {max_p_compromise: 0.02, max_p_trip: 0.1}`: the IPS
/// signature (about 5% compromise) does not meet it and the recommendation says no plan
/// does; the same plant without the section uses the stated defaults (10%), under which the
/// signature passes and no such statement is made. Which plans meet is recomputed here from
/// the plans' estimates.
#[test]
fn acceptance_thresholds_decide_the_no_plan_meets_statement() {
    let tmp = TempDir::new("acceptance");
    let root = workspace_root();
    let file = root.join("scenarios/relay-firmware.yaml");
    let text = std::fs::read_to_string(&file).expect("relay-firmware");
    let set = format!("{}/set", tmp.path().display());
    let s = run(&[
        "run",
        file.to_str().unwrap(),
        "--runs",
        "100",
        "--observe",
        "1s",
        "--out",
        &set,
    ]);
    let a = &s["recommendation"]["acceptance"];
    assert_eq!(a["max_p_compromise"].as_f64(), Some(0.02));
    assert_eq!(a["max_p_trip"].as_f64(), Some(0.1));
    assert_eq!(a["source"], "scenario");
    let strict = meeting(&s, 0.02, 0.1);
    assert!(strict.is_empty(), "{strict:?}");
    assert_eq!(a["plans_meeting"].as_array().unwrap().len(), 0);
    let none = reasons(&s)
        .into_iter()
        .find(|r| r.starts_with("No rehearsed plan meets"))
        .expect("the no-plan-meets reason");
    assert!(
        none.contains("at most 2%") && none.contains("scenario's acceptance"),
        "{none}"
    );
    let md = std::fs::read_to_string(Path::new(&set).join("report.md")).expect("report.md");
    assert!(
        md.contains("**No plan is acceptable.**"),
        "report.md lacks the statement"
    );

    // The same plant without `acceptance`: the defaults, stated as such.
    let start = text.find("acceptance:\n").expect("the section");
    let end = start + text[start..].find("\n\n").expect("its end");
    let plain = tmp.write(
        "relay-default.yaml",
        format!("{}{}", &text[..start], &text[end + 2..]).as_bytes(),
    );
    let dflt = format!("{}/default", tmp.path().display());
    let d = run(&[
        "run",
        plain.to_str().unwrap(),
        "--runs",
        "100",
        "--observe",
        "1s",
        "--out",
        &dflt,
    ]);
    let a = &d["recommendation"]["acceptance"];
    assert_eq!(a["source"], "default");
    assert_eq!(a["max_p_compromise"].as_f64(), Some(0.1));
    let loose = meeting(&d, 0.1, 0.1);
    assert_eq!(
        loose,
        ["virtual-patch-now"],
        "the hand check of the plant's story"
    );
    let listed: Vec<String> = a["plans_meeting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, loose);
    assert!(
        !reasons(&d)
            .iter()
            .any(|r| r.starts_with("No rehearsed plan meets"))
    );
    let md = std::fs::read_to_string(Path::new(&dflt).join("report.md")).expect("report.md");
    assert!(
        md.contains("Acceptance thresholds (P(compromise) at most 10% and P(process trip) at most 10% within the horizon, the defaults"),
        "report.md does not state the defaults"
    );
}

/// Every asset model a scenario's assets use is listed once with the SHA-256 of its file;
/// editing one model file changes that digest (and only that one), and the report lists it.
#[test]
fn model_file_digests_trace_the_models_used() {
    let tmp = TempDir::new("model-digests");
    let root = workspace_root();
    std::fs::create_dir_all(tmp.path().join("models")).expect("models/");
    for e in std::fs::read_dir(root.join("models")).expect("models") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "yaml") {
            std::fs::copy(&p, tmp.path().join("models").join(p.file_name().unwrap()))
                .expect("copy");
        }
    }
    let text =
        std::fs::read_to_string(root.join("scenarios/modbus-calibrated.yaml")).expect("plant");
    let scenario = tmp.write("plant.yaml", text.as_bytes());
    // The models the assets name, read off the text: `model: NAME`.
    let used: BTreeSet<String> = text
        .split("model: ")
        .skip(1)
        .map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(used.len() >= 3, "{used:?}");
    let digests = |tag: &str| {
        let out = format!("{}/{tag}", tmp.path().display());
        let s = run(&[
            "run",
            scenario.to_str().unwrap(),
            "--runs",
            "2",
            "--observe",
            "1s",
            "--out",
            &out,
        ]);
        let md = std::fs::read_to_string(Path::new(&out).join("report.md")).expect("report.md");
        let models = s["provenance"]["models"]
            .as_array()
            .expect("provenance.models")
            .clone();
        (models, md)
    };
    let sha = |name: &str| {
        patchtwin_scenario::sha256_hex(
            &std::fs::read(tmp.path().join("models").join(format!("{name}.yaml")))
                .expect("model file"),
        )
    };
    let (before, md) = digests("before");
    let ids: BTreeSet<String> = before
        .iter()
        .map(|m| m["model"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, used);
    for m in &before {
        let id = m["model"].as_str().unwrap();
        assert_eq!(m["sha256"].as_str().unwrap(), sha(id), "{id}");
        assert_eq!(m["file"], format!("models/{id}.yaml"));
        assert_eq!(m["origin"], "models directory");
        assert!(
            md.contains(m["sha256"].as_str().unwrap()),
            "report.md lacks the digest of {id}"
        );
    }
    let edited = used.iter().next().unwrap().clone();
    let path = tmp.path().join("models").join(format!("{edited}.yaml"));
    let mut bytes = std::fs::read(&path).expect("model");
    bytes.extend_from_slice(b"# edited after the first run\n");
    std::fs::write(&path, bytes).expect("edit");
    let (after, _) = digests("after");
    assert_eq!(after.len(), before.len());
    for (b, a) in before.iter().zip(&after) {
        let id = b["model"].as_str().unwrap();
        if id == edited {
            assert_ne!(a["sha256"], b["sha256"], "{id} was edited");
            assert_eq!(a["sha256"].as_str().unwrap(), sha(id));
        } else {
            assert_eq!(a["sha256"], b["sha256"], "{id} was not edited");
        }
    }
}

/// A `--plans` run: the header names the plans left out, the reasons say only the rehearsed
/// ones were ranked, and the words agree with the numbers — "the highest chance" only for
/// the plan with the highest P(dual success), "the runner-up" only for the summary's
/// runner-up, and no "The highest," about anything else.
#[test]
fn a_plans_run_names_what_it_left_out_and_ranks_consistently() {
    let tmp = TempDir::new("plans-wording");
    let out = format!("{}/set", tmp.path().display());
    let s = run(&[
        "run",
        "scenarios/ews-actively-exploited.yaml",
        "--plans",
        "defer,patch-in-window",
        "--runs",
        "40",
        "--observe",
        "1s",
        "--out",
        &out,
    ]);
    let left: Vec<&str> = s["plans_not_run"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        left,
        ["patch-now", "controls-then-window", "patch-staged-now"]
    );
    let md = std::fs::read_to_string(Path::new(&out).join("report.md")).expect("report.md");
    let header = md.split("## ").next().unwrap();
    let not_rehearsed = md
        .lines()
        .find(|l| l.starts_with("**Not rehearsed:**"))
        .expect("header line");
    assert!(header.contains(not_rehearsed));
    for id in &left {
        assert!(
            not_rehearsed.contains(&format!("`{id}`")),
            "{not_rehearsed}"
        );
    }
    assert!(md.contains("Each of the 2 plans below was rehearsed"));
    assert!(reasons(&s).iter().any(|r| {
        r.contains("left out with --plans (patch-now, controls-then-window, patch-staged-now)")
    }));
    let rec = s["recommendation"]["plan"].as_str().unwrap();
    let runner = s["recommendation"]["runner_up"].as_str().unwrap();
    let dual = |id: &str| {
        s["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["dual_success"]["mean"]
            .as_f64()
            .unwrap()
    };
    let section = md
        .split("## Recommendation in plain words")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    if section.contains("it has the highest chance of dual success") {
        assert!(
            dual(rec) >= dual(runner),
            "called highest but {rec} < {runner}"
        );
    }
    if let Some(k) = section.find("The runner-up is `") {
        let named = section[k + 18..].split('`').next().unwrap();
        assert_eq!(named, runner);
    }
    if let Some(k) = section.find("cannot be told apart from that of the runner-up, `") {
        let named = section[k + 50..].split('`').next().unwrap();
        assert_eq!(named, runner);
    }
    assert!(
        !md.contains("The highest, "),
        "an unexplained 'the highest'"
    );
}
