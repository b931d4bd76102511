//! `summary.json`'s `timing.link_messages` against a hand count on the multicast oracle plant
//! (the simulation's own `tests/multicast.rs`): a publisher `p` behind switch `sw1`, which
//! serves `s1`, `s2` and a second switch `sw2` in front of `s3`; one multicast publication every
//! 10 ms to all three. Each publication crosses every link exactly once, away from `p` — one
//! message per link however many subscribers it serves — and nothing comes back.

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
