//! Messages sharing the network against hand sums and queueing theory: a multicast
//! publication copied where the subscribers' routes part (the publisher's link carries it
//! once), and two Poisson flows sharing one M/M/1 switch, with the deadline target's late
//! fraction against the exact sojourn tail.

use super::timing::t_score;
use super::*;

#[test]
fn a_multicast_copy_takes_the_hand_computed_time_and_crosses_the_first_link_once() {
    // One 125 B publication every 2 ms to three subscribers behind one switch. The
    // publisher's link is 1 Mbps: 1 ms per message, so one copy every 2 ms loads it to 0.5
    // and never queues, where three copies (3 ms of every 2) would saturate it.
    let yaml = r#"
name: multicast
horizon: 1d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: pub, kind: iiot_sensor, zone: z, model: iiot-sensor, overrides: {service_time: 0, cpu_load: 0, fault_rate_per_day: 0}}
  - {id: sw, kind: switch, zone: z, model: managed-switch, overrides: {service_time: 5us, fault_rate_per_day: 0}}
  - {id: s1, kind: iiot_gateway, zone: z, model: iiot-gateway, overrides: {service_time: 0, cpu_load: 0, fault_rate_per_day: 0}}
  - {id: s2, kind: iiot_gateway, zone: z, model: iiot-gateway, overrides: {service_time: 100us, cpu_load: 0, fault_rate_per_day: 0}}
  - {id: s3, kind: iiot_gateway, zone: z, model: iiot-gateway, overrides: {service_time: 200us, cpu_load: 0.5, fault_rate_per_day: 0}}
links:
  - {between: [pub, sw], bandwidth: 1Mbps, latency: 10us}
  - {between: [sw, s1], bandwidth: 100Mbps, latency: 10us}
  - {between: [sw, s2], bandwidth: 10Mbps, latency: 50us}
  - {between: [sw, s3], bandwidth: 1Gbps, latency: 0s}
flows:
  - {id: f, kind: publish, protocol: mqtt, consumer: [s1, s2, s3], producer: pub, period: 2ms, response_size: 125B, deadline: 1300us, on_loss: {watchdog: 1h}}
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-multicast");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let s = run(&file, 4, 1, &tmp.path().join("out"));
    // Shared part, us: 1,000 bit at 1 Mbps (1,000) + 10 propagation + the switch's 5.
    // Then per subscriber: serialization on its own link, propagation, its service
    // (stretched by 1 / (1 − load)): s1 10 + 10 + 0; s2 100 + 50 + 100; s3 1 + 0 + 400.
    let shared = 1015.0;
    let expected = [
        ("f/s1", shared + 20.0),
        ("f/s2", shared + 250.0),
        ("f/s3", shared + 401.0),
    ];
    let flows = s["plans"][0]["timing"]["flows"].as_array().expect("flows");
    assert_eq!(flows.len(), 3, "one flow per subscriber");
    for (id, us) in expected {
        let f = flows
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("no flow {id}"));
        let ms = us / 1000.0;
        // 4 runs of a 20 s window at one publication every 2 ms: 10,000 per run each.
        assert_eq!(num(f, &["sent"]), 40_000.0, "{f}");
        assert_eq!(num(f, &["completed"]), 40_000.0, "{f}");
        for key in ["mean", "max", "p50", "p99"] {
            let got = num(f, &["latency_ms", key]);
            eprintln!("{id}: {key} {got} ms, by hand {ms} ms");
            assert!(
                (got - ms).abs() < 1e-6,
                "{id}: {key} {got} ms, by hand {ms} ms"
            );
        }
        // The deadline (1.3 ms) is met by every copy but s3's (1.416 ms).
        let late = if id == "f/s3" { 1.0 } else { 0.0 };
        assert_eq!(num(f, &["deadline_miss_rate"]), late, "{id}: {f}");
    }
}

#[test]
fn two_poisson_flows_sharing_a_switch_see_its_m_m_1_sojourn_and_deadline_tail() {
    // Two publishers, each sending Poisson at 1 per ms, through one switch with exponential
    // forwarding (mean 250 us) to one gateway: the switch sees Poisson arrivals at λ = 2 per
    // ms with μ = 4 per ms, so every message's sojourn is exponential with rate μ − λ = 2 per
    // ms (mean 0.5 ms), whichever flow it belongs to; the wire adds 2 × (1 us + 10 us).
    let yaml = r#"
name: two-flows
horizon: 1d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: pa, kind: iiot_sensor, zone: z, model: iiot-sensor, overrides: {service_time: 0, cpu_load: 0, fault_rate_per_day: 0}}
  - {id: pb, kind: iiot_sensor, zone: z, model: iiot-sensor, overrides: {service_time: 0, cpu_load: 0, fault_rate_per_day: 0}}
  - {id: sw, kind: switch, zone: z, model: managed-switch, overrides: {service_time: {exponential: {mean: 250us}}, fault_rate_per_day: 0}}
  - {id: sub, kind: iiot_gateway, zone: z, model: iiot-gateway, overrides: {service_time: 0, cpu_load: 0, fault_rate_per_day: 0}}
links:
  - {between: [pa, sw], bandwidth: 1Gbps, latency: 10us}
  - {between: [pb, sw], bandwidth: 1Gbps, latency: 10us}
  - {between: [sw, sub], bandwidth: 1Gbps, latency: 10us}
flows:
  - {id: a, kind: publish, protocol: mqtt, consumer: sub, producer: pa, period: 1ms, response_size: 125B, arrivals: poisson, deadline: 2ms, deadline_p_max: 0.05, on_loss: {watchdog: 1h}}
  - {id: b, kind: publish, protocol: mqtt, consumer: sub, producer: pb, period: 1ms, response_size: 125B, arrivals: poisson, deadline: 2ms, deadline_p_max: 0.05, on_loss: {watchdog: 1h}}
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-two-flows");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let (rate, wire, deadline) = (2.0f64, 0.022, 2.0);
    let tail = (-rate * (deadline - wire)).exp();
    // Per seed and flow: mean latency and the share of messages later than the deadline.
    // Messages of one run are correlated (they share the queue), so the tolerance comes
    // from the spread over independent seeds, not from the message count.
    let (mut means, mut late) = ([vec![], vec![]], [vec![], vec![]]);
    for seed in 1..=8 {
        let s = run(&file, 8, seed, &tmp.path().join(format!("out-{seed}")));
        for (k, id) in ["a", "b"].iter().enumerate() {
            let f = &s["plans"][0]["timing"]["flows"][k];
            assert_eq!(f["id"], *id);
            let sent = num(f, &["sent"]);
            // 8 runs × 20 s at 1,000 per second, Poisson.
            assert!((sent - 160_000.0).abs() < 5.0 * 400.0, "{id}: sent {sent}");
            assert_eq!(num(f, &["completed"]), sent, "{id}: every message arrives");
            let target = &f["deadline_target"];
            let share = num(target, &["late"]) / num(target, &["messages"]);
            assert!((share - num(target, &["p_late"])).abs() < 1e-12, "{target}");
            // The truth (1.9%) is far below the 5% target: the verdict cannot waver.
            assert_eq!(target["verdict"], "met", "{id}: {target}");
            means[k].push(num(f, &["latency_ms", "mean"]));
            late[k].push(share);
        }
    }
    for (k, id) in ["a", "b"].iter().enumerate() {
        let (m, se, t) = t_score(&means[k], 1.0 / rate + wire);
        eprintln!(
            "flow {id}: mean {m:.5} ± {se:.5} ms, M/M/1 {:.5} ms, t = {t:.2}",
            1.0 / rate + wire
        );
        assert!(
            t.abs() < 4.0,
            "flow {id}: mean {m:.5} ± {se:.5} ms, t = {t:.2}"
        );
        let (m, se, t) = t_score(&late[k], tail);
        eprintln!("flow {id}: P(late) {m:.5} ± {se:.5}, exact tail {tail:.5}, t = {t:.2}");
        assert!(
            t.abs() < 4.0 && se < 0.1 * tail,
            "flow {id}: P(late) {m:.5} ± {se:.5}, exact tail {tail:.5}, t = {t:.2}"
        );
    }
}
