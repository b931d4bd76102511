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
    // The chart names inputs in plain words (the table and the JSON by name).
    assert!(svg.starts_with("<svg") && svg.contains("recovery time of a stopped controller"));
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

const GATEWAY: &str = "scenarios/vendor-gateway-break-even.yaml";
const RATE: &str = "assets[plc-kiln].fault_rate_per_day";

/// The shipped plant whose recommendation flips inside a range, at the default runs: `run
/// --sensitivity` finds the break-even in the controller's fault rate, the report shows the
/// tornado, the break-even with its interval and the robustness sentence, stdout prints the
/// sentence, and the whole set (run and analysis) is one output set. The flip is then checked
/// independently: plain runs with the rate set at the ends of the break-even's interval rank
/// the two plans the other way round on expected loss.
#[test]
fn run_with_sensitivity_finds_the_gateway_flip_and_reports_it() {
    let dir = TempDir::new("sens-run");
    let out = dir.path().join("out");
    let run = patchtwin(
        &[
            "run",
            GATEWAY,
            "--sensitivity",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(600),
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let read =
        |f: &str| std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    let sens: serde_json::Value = serde_json::from_str(&read("sensitivity.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&read("summary.json")).unwrap();
    // The analysis explains the run's recommendation.
    assert_eq!(sens["recommended"], summary["recommendation"]["plan"]);
    assert_eq!(sens["recommended"], "keep-gateway");
    assert_eq!(sens["runner_up"], "disable-gateway");
    assert_eq!(sens["decision_metric"], "expected_loss");
    let rate = sens["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == RATE)
        .expect("the fault rate is swept");
    let (low, high) = (
        rate["low"].as_f64().unwrap(),
        rate["high"].as_f64().unwrap(),
    );
    assert_eq!(
        (low, high),
        (0.02, 0.12),
        "the scenario's range of the rate"
    );
    assert_eq!(rate["range"], "scenario");
    let be = &rate["break_even"][0];
    let value = be["value"].as_f64().expect("the flip is found");
    assert!(low < value && value < high, "{be}");
    assert_eq!(be["direction"], "below");
    let interval = be["interval"].as_array().expect("an interval");
    let (ilo, ihi) = (interval[0].as_f64().unwrap(), interval[1].as_f64().unwrap());
    assert!(ilo <= value && value <= ihi, "{be}");
    // The sentence names it, in the report (md and html) and on stdout.
    let sentence = sens["robustness"].as_str().unwrap();
    assert!(
        sentence.starts_with("keep-gateway stays best against disable-gateway")
            && sentence.contains("unless fault rate of plc-kiln is below"),
        "{sentence}"
    );
    assert!(
        run.stdout
            .contains(&format!("What would change the answer: {sentence}")),
        "{}",
        run.stdout
    );
    let md = read("report.md");
    let html = read("report.html");
    for needle in [
        "## What would change the answer",
        sentence,
        "](charts/tornado-expected-loss.svg)",
        "](charts/tornado-dual-success.svg)",
        "](charts/loss-exceedance.svg)",
    ] {
        assert!(md.contains(needle), "report.md lacks {needle}");
    }
    // The table gives the break-even with its interval, as sensitivity.json has it.
    let row = md
        .lines()
        .find(|l| l.starts_with(&format!("| `{RATE}`")))
        .expect("the rate's row");
    assert!(row.contains(" [") && row.contains("per day"), "{row}");
    // The section comes right after the recommendation, before the plans side by side.
    let at = |s: &str| md.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("## What would change the answer") < at("## The plans side by side"));
    assert!(html.contains(sentence) && html.contains("What moves the decision"));
    let tornado = read("charts/tornado-expected-loss.svg");
    assert!(tornado.contains("fault rate of plc-kiln"), "{tornado}");
    // One set: the run's marker lists the analysis's files too.
    let marker = read(".patchtwin-run.json");
    for f in [
        "sensitivity.json",
        "sensitivity.csv",
        "charts/tornado-dual-success.svg",
    ] {
        assert!(marker.contains(f), "{f} not in the set's marker");
    }
    // Independently: plain runs at the interval's ends, same default runs and seed.
    let yaml = std::fs::read_to_string(crate::util::workspace_root().join(GATEWAY)).unwrap();
    let loss_at = |rate: f64| {
        let text = yaml.replace(
            "fault_rate_per_day: 0.06 ",
            &format!("fault_rate_per_day: {rate} "),
        );
        assert_ne!(text, yaml);
        let file = dir.write(&format!("gateway-{rate}.yaml"), text.as_bytes());
        let o = dir.path().join(format!("o-{rate}"));
        let r = patchtwin(
            &["run", file.to_str().unwrap(), "--out", o.to_str().unwrap()],
            Duration::from_secs(300),
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(o.join("summary.json")).unwrap())
                .unwrap();
        let loss = |id: &str| {
            s["plans"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["id"] == id)
                .unwrap()["expected_loss"]["mean"]
                .as_f64()
                .unwrap()
        };
        loss("keep-gateway") - loss("disable-gateway")
    };
    assert!(
        loss_at(ilo) > 0.0,
        "below the interval disabling the gateway loses less"
    );
    assert!(
        loss_at(ihi) < 0.0,
        "above it keeping the gateway loses less"
    );
}

/// `run --sensitivity` refuses what it cannot explain, with exit code 2 and nothing written:
/// a plant with one plan (no runner-up), and `--plans` (the analysis sweeps every plan).
#[test]
fn run_with_sensitivity_refuses_one_plan_and_a_plan_subset() {
    let dir = TempDir::new("sens-run-bad");
    let yaml = std::fs::read_to_string(crate::util::workspace_root().join(GATEWAY)).unwrap();
    let one = format!(
        "{}plans:\n  - id: keep-gateway\n    description: the only plan\n",
        &yaml[..yaml.find("\nplans:").unwrap() + 1]
    );
    let file = dir.write("one-plan.yaml", one.as_bytes());
    let out = dir.path().join("out");
    let r = patchtwin(
        &[
            "run",
            file.to_str().unwrap(),
            "--sensitivity",
            "--runs",
            "20",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(300),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("sensitivity compares plans") && r.stderr.contains("--sensitivity"),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "nothing is written");
    let r = patchtwin(
        &[
            "run",
            GATEWAY,
            "--sensitivity",
            "--plans",
            "keep-gateway,disable-gateway",
            "--out",
            out.to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--plans"), "{}", r.stderr);
    assert!(!out.exists(), "nothing is written");
}

/// The ranges a scenario gives (`sensitivity.ranges` of the gateway plant) are the ones swept:
/// the low and high points are run at exactly the written ends, the EVPI values at the
/// midpoints of five equal bins of the log scale between them (hand-computed), every input
/// says where its range came from, and `--range` overrides the scenario's for its input only.
/// Independently, a plain `run` of the plant with the rate written as the low end (same runs,
/// seed and observation window) gives the sweep's low point's expected losses to the cent.
#[test]
fn the_scenario_ranges_are_the_end_points_swept() {
    let dir = TempDir::new("sens-ranges");
    let residual = "controls[disable-vendor-gateway].residual";
    let cost = "process_units[kiln].downtime_cost_per_hour";
    let analyse = |extra: &[&str], out: &str| {
        let out = dir.path().join(out);
        let inputs = format!("{RATE},{residual},{cost}");
        let mut args = vec![
            "sensitivity",
            GATEWAY,
            "--runs",
            "20",
            "--inputs",
            &inputs,
            "--json",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let run = patchtwin(&args, Duration::from_secs(300));
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        v
    };
    let input = |v: &serde_json::Value, name: &str| {
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} swept"))
            .clone()
    };
    let point = |i: &serde_json::Value, role: &str| -> Vec<f64> {
        i["points"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["role"] == role)
            .map(|p| p["value"].as_f64().unwrap())
            .collect()
    };
    let v = analyse(&[], "scenario");
    // As written in scenarios/vendor-gateway-break-even.yaml.
    for (name, low, high, note) in [
        (RATE, 0.02, 0.12, "two to eleven failures per 90 days"),
        (residual, 0.0, 0.2, "powered on for a vendor visit"),
        (cost, 4000.0, 7000.0, "finance's figure"),
    ] {
        let i = input(&v, name);
        assert_eq!(i["range"], "scenario", "{name}");
        assert!(i["range_note"].as_str().unwrap().contains(note), "{name}");
        assert_eq!(
            (i["low"].as_f64(), i["high"].as_f64()),
            (Some(low), Some(high))
        );
        assert_eq!(point(&i, "low"), vec![low], "{name}");
        assert_eq!(point(&i, "high"), vec![high], "{name}");
    }
    // The EVPI values: a rate is swept on a log scale, so the midpoints of five equal bins of
    // ln(0.02)..ln(0.12); a probability from 0 on a linear one.
    let rate = input(&v, RATE);
    let evpi = point(&rate, "evpi");
    assert_eq!(evpi.len(), 5);
    for (j, x) in evpi.iter().enumerate() {
        let hand = 0.02 * 6f64.powf((j as f64 + 0.5) / 5.0);
        assert!((x - hand).abs() < 1e-12, "{j}: {x} vs {hand}");
    }
    let r = input(&v, residual);
    for (j, x) in point(&r, "evpi").iter().enumerate() {
        let hand = 0.2 * (j as f64 + 0.5) / 5.0;
        assert!((x - hand).abs() < 1e-12, "{j}: {x} vs {hand}");
    }
    // The words say where each range came from.
    let ranges_note = v["ranges_note"].as_str().unwrap();
    assert!(ranges_note.contains("sensitivity.ranges"), "{ranges_note}");
    // --range overrides the scenario's for its input, and only for it.
    let w = analyse(&["--range", &format!("{RATE}=0.01..0.2")], "cli");
    let rate_cli = input(&w, RATE);
    assert_eq!(rate_cli["range"], "command_line");
    assert_eq!(rate_cli["range_note"], "");
    assert_eq!(point(&rate_cli, "low"), vec![0.01]);
    assert_eq!(point(&rate_cli, "high"), vec![0.2]);
    assert_eq!(input(&w, cost)["range"], "scenario");
    // Independently: a plain run at the low end gives the low point's losses.
    let yaml = std::fs::read_to_string(crate::util::workspace_root().join(GATEWAY)).unwrap();
    let text = yaml.replace("fault_rate_per_day: 0.06 ", "fault_rate_per_day: 0.02 ");
    assert_ne!(text, yaml);
    let file = dir.write("gateway-low.yaml", text.as_bytes());
    let o = dir.path().join("plain");
    let r = patchtwin(
        &[
            "run",
            file.to_str().unwrap(),
            "--runs",
            "20",
            "--observe",
            "1ms",
            "--out",
            o.to_str().unwrap(),
        ],
        Duration::from_secs(300),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(o.join("summary.json")).unwrap()).unwrap();
    let low = rate["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "low")
        .unwrap()
        .clone();
    for plan in ["keep-gateway", "disable-gateway"] {
        let run_loss = s["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == plan)
            .unwrap()["expected_loss"]["mean"]
            .as_f64()
            .unwrap();
        let swept = low["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["plan"] == plan)
            .unwrap()["expected_loss"]
            .as_f64()
            .unwrap();
        assert!(
            (run_loss - swept).abs() < 0.01,
            "{plan}: run {run_loss} vs sweep {swept}"
        );
    }
}

/// A tiny plant whose recommendation flips in a narrow region of a patch's failure
/// probability: patching now costs nothing when the patch works and a 100 h rollback when it
/// fails (100,000 EUR of downtime), deferring leaves a compromise worth 11,000 EUR to the
/// attacker in about 70% of horizons. Over the range 0..1 patching wins only below ≈ 0.09.
const NARROW_FLIP: &str = r#"
name: narrow-flip
horizon: 30d
zones:
  - {id: dmz, purdue_level: 3.5}
  - {id: ops, purdue_level: 3}
conduits:
  - {id: dmz-ops, zones: [dmz, ops], protocols: [rdp], direction: first_to_second}
assets:
  - {id: rag, kind: remote_access_gateway, zone: dmz, model: remote-access-gateway, overrides: {fault_rate_per_day: 0}}
  - {id: ews, kind: engineering_workstation, zone: ops, model: windows-ews, overrides: {fault_rate_per_day: 0}}
process_units:
  - {id: line, depends_on: [{asset: ews}], restart_time: 1h, downtime_cost_per_hour: 1000}
vulnerabilities:
  - {id: V1, affects: {assets: [ews]}, service: rdp, ttc: {exponential: {mean: 3d}}}
patches:
  - id: P1
    fixes: [V1]
    applies_to: {assets: [ews]}
    deploy_time: 10m
    restart: none
    failure:
      probability: 0.05
      rollback_time: 100h
threat:
  entry_points:
    - {id: vendor, kind: vendor_remote_access, asset: rag, mean_time_between_attempts: 10d, foothold_probability: 0.5}
  targets:
    - {asset: ews, impact_cost: 11000}
plans:
  - id: defer
  - id: patch-now
    actions:
      - {patch: P1, assets: [ews], at: now}
"#;

/// The review's case: a break-even inside the range next to an EVPI of 0. The flip lies below
/// the first of the five midpoints (0.1, 0.3, …, 0.9), so EVPI on the midpoints alone is 0;
/// with the ends and the break-even as nodes it is not, and it agrees with EVPI integrated by
/// brute force from plain `run`s of the plant on a fine grid of the probability (same runs,
/// seed and observation window: the same random numbers). When the break-evens are on
/// P(dual success), the explanation says that EVPI is on expected loss.
#[test]
fn evpi_counts_a_narrow_flip_and_says_what_it_is_about() {
    let dir = TempDir::new("sens-narrow");
    let plant = dir.write("narrow.yaml", NARROW_FLIP.as_bytes());
    let input = "patches[P1].failure_probability";
    let analyse = |metric: &str| {
        let out = dir.path().join(format!("out-{metric}"));
        let run = patchtwin(
            &[
                "sensitivity",
                plant.to_str().unwrap(),
                "--inputs",
                input,
                "--range",
                &format!("{input}=0..1"),
                "--metric",
                metric,
                "--out",
                out.to_str().unwrap(),
            ],
            Duration::from_secs(300),
        );
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("sensitivity.json")).unwrap())
                .unwrap();
        (v, run.stdout)
    };
    let (v, _) = analyse("loss");
    let i = &v["inputs"][0];
    let be = i["break_even"][0]["value"].as_f64().expect("a break-even");
    assert!(
        0.05 < be && be < 0.1,
        "the flip is below the first midpoint: {be}"
    );
    let loss = |p: &serde_json::Value, plan: &str| {
        p["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["plan"] == plan)
            .unwrap_or_else(|| panic!("{plan} at {}", p["value"]))["expected_loss"]
            .as_f64()
            .unwrap()
    };
    let points = i["points"].as_array().unwrap();
    // EVPI on the five midpoints alone (the earlier grid): 0, the contradiction.
    let mids: Vec<&serde_json::Value> = points.iter().filter(|p| p["role"] == "evpi").collect();
    assert_eq!(mids.len(), 5);
    let mean = |plan: &str| mids.iter().map(|p| loss(p, plan)).sum::<f64>() / 5.0;
    let informed = mids
        .iter()
        .map(|p| loss(p, "defer").min(loss(p, "patch-now")))
        .sum::<f64>()
        / 5.0;
    assert_eq!(mean("defer").min(mean("patch-now")) - informed, 0.0);
    // Every plan is run at the break-even: a node of EVPI's interpolation.
    let node = points
        .iter()
        .find(|p| p["role"] == "break_even")
        .expect("a break-even node");
    assert_eq!(node["plans"].as_array().unwrap().len(), 2);
    // By brute force: plain runs at p = 0, 0.005, …, 0.2; above 0.2 deferring is far ahead
    // (the check below), so EVPI = ∫ max(0, L_defer − L_patch(p)) dp over [0, 0.2].
    let yaml_at = |p: f64| NARROW_FLIP.replace("probability: 0.05", &format!("probability: {p}"));
    let run_losses = |p: f64| {
        let file = dir.write(&format!("p-{p}.yaml"), yaml_at(p).as_bytes());
        let o = dir.path().join(format!("run-{p}"));
        let r = patchtwin(
            &[
                "run",
                file.to_str().unwrap(),
                "--runs",
                "200",
                "--seed",
                "1",
                "--observe",
                "1ms",
                "--out",
                o.to_str().unwrap(),
            ],
            Duration::from_secs(120),
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let s: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(o.join("summary.json")).unwrap())
                .unwrap();
        let l = |id: &str| {
            s["plans"]
                .as_array()
                .unwrap()
                .iter()
                .find(|q| q["id"] == id)
                .unwrap()["expected_loss"]["mean"]
                .as_f64()
                .unwrap()
        };
        (l("defer"), l("patch-now"))
    };
    let step = 0.005;
    let gains: Vec<f64> = (0..=40)
        .map(|k| {
            let (d, p) = run_losses(k as f64 * step);
            (d - p).max(0.0)
        })
        .collect();
    assert_eq!(gains[40], 0.0, "deferring is ahead at 0.2");
    let brute: f64 = gains.windows(2).map(|g| 0.5 * (g[0] + g[1]) * step).sum();
    let evpi = i["evpi"].as_f64().unwrap();
    assert!(
        brute > 100.0 && (evpi - brute).abs() <= 0.15 * brute,
        "EVPI {evpi} against {brute} by brute force"
    );
    // On P(dual success) the break-even is elsewhere, and the words say what EVPI is about.
    let (d, stdout) = analyse("dual");
    let says = "Here the break-evens are on P(dual success)";
    assert!(d["evpi_explanation"].as_str().unwrap().contains(says));
    assert!(stdout.contains(says), "{stdout}");
    assert!(!v["evpi_explanation"].as_str().unwrap().contains(says));
}
