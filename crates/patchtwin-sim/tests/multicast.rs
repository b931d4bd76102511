//! Multicast publications against counting and hand calculation:
//! - fan-out: every subscriber's copy receives every publication (messages delivered =
//!   messages sent × subscribers), while the publisher's link and every link the routes share
//!   carry one message per publication (counted on the links); the same three subscribers as
//!   three unicast flows put three messages per period on the publisher's link;
//! - latency: each subscriber's copy has the latency of its own path, computed by hand from
//!   constant processing, serialization and propagation times, and its own deadline count.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::compiled::serialization_ns;
use patchtwin_sim::{Compiled, Outcome, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

fn compile(yaml: &str) -> Compiled {
    match load_str(yaml, "multicast.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

/// A publisher `p` behind switch `sw1`, which serves `s1` and `s2` (100 Mbps, 20 us) and a
/// second switch `sw2` (1 Gbps, 5 us) in front of `s3` (10 Mbps, no propagation delay);
/// processing is constant: publisher 50 us, switches 5 us, subscribers 30 us. `flows` are
/// the scenario's flows.
fn plant(flows: &str) -> Compiled {
    compile(&format!(
        r#"
name: multicast
horizon: 1d
zones: [{{id: z, purdue_level: 1}}]
assets:
  - {{id: p, zone: z, model: iiot-sensor, overrides: {{service_time: 50us, cpu_load: 0}}}}
  - {{id: sw1, zone: z, model: managed-switch, overrides: {{service_time: 5us}}}}
  - {{id: sw2, zone: z, model: managed-switch, overrides: {{service_time: 5us}}}}
  - {{id: s1, zone: z, model: iiot-gateway, overrides: {{service_time: 30us, cpu_load: 0}}}}
  - {{id: s2, zone: z, model: iiot-gateway, overrides: {{service_time: 30us, cpu_load: 0}}}}
  - {{id: s3, zone: z, model: iiot-gateway, overrides: {{service_time: 30us, cpu_load: 0}}}}
links:
  - {{between: [p, sw1], bandwidth: 1Gbps, latency: 10us}}
  - {{between: [sw1, s1], bandwidth: 100Mbps, latency: 20us}}
  - {{between: [sw1, s2], bandwidth: 100Mbps, latency: 20us}}
  - {{between: [sw1, sw2], bandwidth: 1Gbps, latency: 5us}}
  - {{between: [sw2, s3], bandwidth: 10Mbps, latency: 0s}}
flows:
{flows}
plans: [{{id: defer}}]
"#
    ))
}

const MULTICAST: &str = "  - {id: g, kind: publish, protocol: goose, consumer: [s1, s2, s3], producer: p, period: 10ms, response_size: 125B, deadline: 150us, on_loss: {watchdog: 1h}}";

fn run(model: &Compiled) -> Outcome {
    let settings = model.run_settings(2 * S);
    Replication::new(model, 0, settings, Pcg64Mcg::seed_from_u64(11))
        .run()
        .0
}

/// Messages on `link` (scenario index) in both directions, both windows.
fn on_link(out: &Outcome, link: usize) -> u64 {
    out.link_messages[link].iter().sum()
}

#[test]
fn one_message_leaves_the_publisher_and_every_subscriber_gets_it() {
    let model = plant(MULTICAST);
    let ids: Vec<&str> = model.scenario.flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["g/s1", "g/s2", "g/s3"], "one flow per subscriber");
    let out = run(&model);
    let sent: Vec<u64> = (0..3)
        .map(|k| out.flows[k].sent + out.flows_after[k].sent)
        .collect();
    let delivered: u64 = (0..3)
        .map(|k| out.flows[k].completed + out.flows_after[k].completed)
        .sum();
    // A 2 s window at one publication per 10 ms: 200 publications, each counted by every copy.
    assert_eq!(sent, [200, 200, 200]);
    assert_eq!(delivered, 200 * 3, "delivered = sent × subscribers");
    // One message per publication on the publisher's link and on the shared sw1 → sw2 link,
    // and on each subscriber's own link.
    for (link, what) in [
        (0, "p–sw1"),
        (1, "sw1–s1"),
        (2, "sw1–s2"),
        (3, "sw1–sw2"),
        (4, "sw2–s3"),
    ] {
        assert_eq!(on_link(&out, link), 200, "link {what}");
    }

    // The same subscribers as three unicast flows: three messages per period leave p.
    let unicast = plant(
        &["s1", "s2", "s3"]
            .map(|s| format!("  - {{id: g-{s}, kind: publish, protocol: goose, consumer: {s}, producer: p, period: 10ms, response_size: 125B, on_loss: {{watchdog: 1h}}}}"))
            .join("\n"),
    );
    let out = run(&unicast);
    assert_eq!(
        on_link(&out, 0),
        3 * 200,
        "unicast: one message per subscriber"
    );
    assert_eq!(
        on_link(&out, 3),
        200,
        "unicast: only s3's flow crosses sw1–sw2"
    );
}

#[test]
fn each_subscriber_has_the_latency_of_its_own_path() {
    let model = plant(MULTICAST);
    let out = run(&model);
    let ser = |bps: u64| serialization_ns(125, bps);
    // p processes (50 us), p → sw1 (1 Gbps + 10 us), sw1 forwards (5 us).
    let to_sw1 = 50_000 + ser(1_000_000_000) + 10_000 + 5_000;
    // → s1 or s2: 100 Mbps + 20 us, then the subscriber's 30 us.
    let near = to_sw1 + ser(100_000_000) + 20_000 + 30_000;
    // → sw2 (1 Gbps + 5 us, 5 us) → s3 (10 Mbps), then 30 us.
    let far = to_sw1 + ser(1_000_000_000) + 5_000 + 5_000 + ser(10_000_000) + 30_000;
    assert_eq!((near, far), (126_000, 207_000), "the hand calculation");
    for (k, expect) in [(0, near), (1, near), (2, far)] {
        let st = &out.flows[k];
        assert_eq!(
            (st.latency_min_ns, st.latency_max_ns),
            (expect, expect),
            "copy {k}: constant times, one latency"
        );
        // The deadline is 150 us: s3's copy misses every time, s1's and s2's never.
        let misses = if expect > 150_000 { st.completed } else { 0 };
        assert_eq!(st.deadline_misses, misses, "copy {k}");
    }
}
