//! Traffic counts in the outputs, against hand counts:
//! - `summary.json`'s `timing.link_messages` on the multicast oracle plant (the simulation's own
//!   `tests/multicast.rs`): a publisher `p` behind switch `sw1`, which serves `s1`, `s2` and a
//!   second switch `sw2` in front of `s3`; one multicast publication every 10 ms to all three.
//!   Each publication crosses every link exactly once, away from `p` — one message per link
//!   however many subscribers it serves — and nothing comes back;
//! - skipped poll arrivals in `flows.csv` and the report's timing table.

use patchtwin_mc::McSettings;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::Compiled;
use std::sync::Arc;

const PLANT: &str = r#"
name: multicast
horizon: 1d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: p, zone: z, model: iiot-sensor, overrides: {service_time: 50us, cpu_load: 0}}
  - {id: sw1, zone: z, model: managed-switch, overrides: {service_time: 5us}}
  - {id: sw2, zone: z, model: managed-switch, overrides: {service_time: 5us}}
  - {id: s1, zone: z, model: iiot-gateway, overrides: {service_time: 30us, cpu_load: 0}}
  - {id: s2, zone: z, model: iiot-gateway, overrides: {service_time: 30us, cpu_load: 0}}
  - {id: s3, zone: z, model: iiot-gateway, overrides: {service_time: 30us, cpu_load: 0}}
links:
  - {between: [p, sw1], bandwidth: 1Gbps, latency: 10us}
  - {between: [s1, sw1], bandwidth: 100Mbps, latency: 20us}
  - {between: [sw1, s2], bandwidth: 100Mbps, latency: 20us}
  - {id: trunk, between: [sw1, sw2], bandwidth: 1Gbps, latency: 5us}
  - {between: [sw2, s3], bandwidth: 10Mbps, latency: 0s}
flows:
  - {id: g, kind: publish, protocol: goose, consumer: [s1, s2, s3], producer: p, period: 10ms, response_size: 125B, on_loss: {watchdog: 1h}}
plans: [{id: defer}]
"#;

#[test]
fn link_messages_in_the_summary_are_the_hand_count() {
    let s = Arc::new(
        load_str(PLANT, "multicast.yaml", &ModelLibrary::builtin())
            .unwrap_or_else(|d| panic!("{}", d.render()))
            .scenario,
    );
    let model = Compiled::new(s.clone());
    let runs = 3;
    let settings = McSettings {
        runs,
        seed: 5,
        threads: 1,
        observe_ns: 2_000_000_000,
    };
    let run = patchtwin_mc::run(&model, &[0], settings, &|_| {}).expect("run");
    let links = patchtwin_report::link_messages(&s, &run.plans[0]);
    // A 2 s window at one publication per 10 ms: 200 publications per run; the plan changes
    // nothing, so there is no after window.
    let n = 200 * runs;
    let expected: Vec<(&str, [&str; 2], [u64; 2])> = vec![
        ("p--sw1", ["p", "sw1"], [n, 0]),
        // Listed s1 first: the publications travel ends[1] → ends[0].
        ("s1--sw1", ["s1", "sw1"], [0, n]),
        ("sw1--s2", ["sw1", "s2"], [n, 0]),
        ("trunk", ["sw1", "sw2"], [n, 0]),
        ("sw2--s3", ["sw2", "s3"], [n, 0]),
    ];
    let got: Vec<(&str, [&str; 2], [u64; 2])> = links
        .iter()
        .map(|l| {
            (
                l.link.as_str(),
                [l.ends[0].as_str(), l.ends[1].as_str()],
                l.messages,
            )
        })
        .collect();
    assert_eq!(got, expected);
    // The same figures reach summary.json under timing.link_messages.
    let json = serde_json::to_value(&links).expect("serialises");
    assert_eq!(json[3]["messages"], serde_json::json!([n, 0]));
}

/// Skipped poll arrivals reach `flows.csv` (column `skipped`) and the report's timing table,
/// which shows the column only when a flow skipped any: a Poisson poll at 500/s whose round
/// trip takes about 1 ms skips about a third of its arrivals; a periodic poll far slower than
/// its period skips none.
#[test]
fn skipped_polls_reach_the_csv_and_the_report_only_when_there_are_some() {
    let plant = |arrivals: &str| {
        format!(
            r#"
name: skipped
horizon: 1d
zones: [{{id: z, purdue_level: 2}}]
assets:
  - {{id: client, zone: z, model: scada-server, overrides: {{service_time: 100us, cpu_load: 0}}}}
  - {{id: server, zone: z, model: mes-server, overrides: {{service_time: 700us, cpu_load: 0}}}}
links:
  - {{between: [client, server], bandwidth: 100Mbps, latency: 50us}}
flows:
  - {{id: f, kind: poll, protocol: opc_ua, consumer: client, producer: server, period: 2ms, arrivals: {arrivals}, timeout: 1s}}
plans: [{{id: defer}}]
"#
        )
    };
    let render = |yaml: &str| {
        let loaded = load_str(yaml, "skipped.yaml", &ModelLibrary::builtin())
            .unwrap_or_else(|d| panic!("{}", d.render()));
        let s = Arc::new(loaded.scenario);
        let model = Compiled::new(s.clone());
        let settings = McSettings {
            runs: 2,
            seed: 5,
            threads: 1,
            observe_ns: 2_000_000_000,
        };
        let run = patchtwin_mc::run(&model, &[0], settings, &|_| {}).expect("run");
        let summary = patchtwin_report::summary(
            &s,
            &loaded.sha256,
            patchtwin_report::SettingsInfo {
                runs: 2,
                seed: 5,
                horizon_s: s.horizon.as_secs_f64(),
                observe_s: 2.0,
                stop: "fixed: 2 replications per plan".into(),
            },
            patchtwin_report::EngineInfo {
                events: 0,
                wall_s: 0.0,
                threads: 1,
            },
            &run,
        );
        let files = patchtwin_report::render_all(&summary, &run, &s);
        let file = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.clone())
                .expect(name)
        };
        (summary, file("flows.csv"), file("report.md"))
    };
    let (summary, csv, md) = render(&plant("poisson"));
    let f = &summary.plans[0].timing.flows[0];
    // 2 runs × 2 s × 500/s ≈ 2,000 arrivals, about a third skipped (λB ≈ 0.51).
    let share = f.skipped as f64 / (f.sent + f.skipped) as f64;
    assert!((0.28..0.40).contains(&share), "{} of {}", f.skipped, f.sent);
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = head
        .iter()
        .position(|h| *h == "skipped")
        .expect("skipped column");
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[col], f.skipped.to_string());
    assert!(
        md.contains("| skipped |") && md.contains("skipped: poll arrivals"),
        "{md}"
    );

    let (summary, csv, md) = render(&plant("periodic"));
    assert_eq!(summary.plans[0].timing.flows[0].skipped, 0);
    assert!(csv.lines().next().unwrap().ends_with(",skipped"));
    assert!(
        !md.contains("| skipped |"),
        "no column when nothing was skipped"
    );
}
