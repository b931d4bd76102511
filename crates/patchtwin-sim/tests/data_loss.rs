//! Data loss against hand calculation: a flow into a historian loses data from the moment its
//! route breaks until it is whole again, beyond the store-and-forward buffer that actually
//! holds the data (the larger of the producer's and the historian's while the producer is up;
//! none while the producer itself is down), whether or not the consumer would notice.

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
