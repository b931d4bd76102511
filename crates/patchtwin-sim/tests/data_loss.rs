//! Data loss against hand calculation: a flow into a historian loses data from the moment its
//! route breaks until it is whole again, beyond the store-and-forward buffer that actually
//! holds the data (the larger of the producer's and the historian's while the producer is up;
//! while the producer itself is down, the smallest of what holds each of its inputs, none for
//! a producer with no inputs), whether or not the consumer would notice.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const MIN: u64 = 60_000_000_000;

/// A producer of model `producer` publishes to a historian every second (`on_loss` as
/// given); plan `now` restarts `down` for exactly 20 minutes at time 0.
fn gap(producer: &str, buffers: (&str, &str), on_loss: &str, down: &str) -> (u64, Vec<u64>) {
    let yaml = format!(
        r#"
name: data-loss
horizon: 1d
zones: [{{id: z, purdue_level: 2}}]
assets:
  - {{id: src, zone: z, model: {producer}, overrides: {{buffer: {}}}}}
  - {{id: hist, zone: z, model: historian, overrides: {{buffer: {}}}}}
links:
  - {{between: [src, hist], bandwidth: 100Mbps}}
flows:
  - {{id: collect, kind: publish, protocol: opc_ua, consumer: hist, producer: src, period: 1s, response_size: 1kB{on_loss}}}
vulnerabilities:
  - {{id: V, affects: {{assets: [{down}]}}}}
patches:
  - {{id: p, fixes: [V], deploy_time: 0s, restart: machine, restart_time: 20m, failure: {{probability: 0, rollback_time: 1m}}, vendor_certified: true, validated_in_test: true}}
plans:
  - {{id: now, actions: [{{patch: p, at: now}}]}}
"#,
        buffers.0, buffers.1
    );
    let model = match load_str(&yaml, "loss.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    };
    let settings = model.run_settings(1_000_000_000);
    let (out, trace) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(7))
        .with_trace()
        .run();
    let numbers = trace
        .iter()
        .filter(|l| l.kind == "historian_gap")
        .map(|l| l.duration_ns.expect("a gap line carries its duration"))
        .collect();
    (out.ops.historian_gap_ns, numbers)
}

const WATCHDOG: &str = ", on_loss: {watchdog: 10m}";

#[test]
fn the_gap_counts_from_when_the_outage_starts_not_when_it_is_noticed() {
    // The historian is down 20 min; the 1 min buffer holds the first minute; a 10 min
    // watchdog would notice after ~10 min. Lost: 20 − 1 = 19 min.
    let (lost, lines) = gap("fast-plc", ("0", "1m"), WATCHDOG, "hist");
    assert_eq!(lost, 19 * MIN);
    assert_eq!(
        lines,
        vec![19 * MIN],
        "the trace carries the gap as a number"
    );
}

#[test]
fn a_publish_flow_without_on_loss_still_loses_data() {
    let (lost, _) = gap("fast-plc", ("0", "1m"), "", "hist");
    assert_eq!(lost, 19 * MIN);
}

#[test]
fn the_larger_buffer_holding_the_data_counts() {
    // Producer (a gateway) buffers 1 min, the historian's collectors 5 min: both hold the
    // data while the historian is down, so 20 − 5 = 15 min are lost, whichever is larger.
    assert_eq!(
        gap("iiot-gateway", ("1m", "5m"), WATCHDOG, "hist").0,
        15 * MIN
    );
    assert_eq!(
        gap("iiot-gateway", ("5m", "1m"), WATCHDOG, "hist").0,
        15 * MIN
    );
}

#[test]
fn a_producer_that_is_down_produces_nothing_any_buffer_could_hold() {
    // The gateway itself restarts for 20 min: no buffer holds what it never produced.
    assert_eq!(
        gap("iiot-gateway", ("5m", "5m"), WATCHDOG, "src").0,
        20 * MIN
    );
}

/// Sensors `s1` (buffer `b1`) and `s2` (buffer `b2`) publish to `relay` (model `relay_model`,
/// buffer `relay_buffer`), which publishes to a historian; plan `now` restarts `down` for
/// exactly 20 minutes at time 0. Returns the lost flow-time.
fn relay_gap(relay_model: &str, relay_buffer: &str, b1: &str, b2: &str, down: &str) -> u64 {
    let yaml = format!(
        r#"
name: relay-loss
horizon: 1d
zones: [{{id: z, purdue_level: 2}}]
assets:
  - {{id: s1, zone: z, model: iiot-sensor, overrides: {{buffer: {b1}}}}}
  - {{id: s2, zone: z, model: iiot-sensor, overrides: {{buffer: {b2}}}}}
  - {{id: relay, zone: z, model: {relay_model}, overrides: {{buffer: {relay_buffer}}}}}
  - {{id: hist, zone: z, model: historian, overrides: {{buffer: 0s}}}}
links:
  - {{between: [s1, relay], bandwidth: 100Mbps}}
  - {{between: [s2, relay], bandwidth: 100Mbps}}
  - {{between: [relay, hist], bandwidth: 100Mbps}}
flows:
  - {{id: in1, kind: publish, protocol: mqtt, consumer: relay, producer: s1, period: 1s, response_size: 100B}}
  - {{id: in2, kind: publish, protocol: mqtt, consumer: relay, producer: s2, period: 1s, response_size: 100B}}
  - {{id: out, kind: publish, protocol: opc_ua, consumer: hist, producer: relay, period: 1s, response_size: 1kB{WATCHDOG}}}
vulnerabilities:
  - {{id: V, affects: {{assets: [{down}]}}}}
patches:
  - {{id: p, fixes: [V], deploy_time: 0s, restart: machine, restart_time: 20m, failure: {{probability: 0, rollback_time: 1m}}, vendor_certified: true, validated_in_test: true}}
plans:
  - {{id: now, actions: [{{patch: p, at: now}}]}}
"#
    );
    let model = match load_str(&yaml, "relay.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    };
    let settings = model.run_settings(1_000_000_000);
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(7)).run();
    out.ops.historian_gap_ns
}

#[test]
fn a_relay_that_is_down_loses_only_what_its_sources_cannot_hold() {
    // The gateway restarts for 20 min; its sensors keep measuring and hold 5 and 30 min: the
    // historian's data is whole only while both hold, so 20 − 5 = 15 min are lost.
    assert_eq!(
        relay_gap("iiot-gateway", "1h", "5m", "30m", "relay"),
        15 * MIN
    );
    assert_eq!(
        relay_gap("iiot-gateway", "1h", "30m", "5m", "relay"),
        15 * MIN
    );
    // Both sources hold the whole outage: nothing is lost.
    assert_eq!(relay_gap("iiot-gateway", "0s", "30m", "25m", "relay"), 0);
    // One source without a buffer: its data for the whole outage is gone, and with it the
    // flow's (the relay's own buffer, on the machine that is down, holds nothing new).
    assert_eq!(
        relay_gap("iiot-gateway", "1h", "0s", "30m", "relay"),
        20 * MIN
    );
}

#[test]
fn a_store_of_data_that_relays_holds_its_inputs_in_its_collectors() {
    // A historian replicating onward restarts for 20 min: its collectors (buffer 25 min, beside
    // the sources) hold what the sensors send meanwhile, so neither it nor the replica loses
    // anything. With collectors of 8 min, each of the three flows into a store (the two inputs
    // into the relay historian, and its replication) loses 20 − 8 = 12 min: 36 flow-minutes.
    assert_eq!(relay_gap("historian", "25m", "0s", "0s", "relay"), 0);
    assert_eq!(
        relay_gap("historian", "8m", "0s", "0s", "relay"),
        3 * 12 * MIN
    );
}
