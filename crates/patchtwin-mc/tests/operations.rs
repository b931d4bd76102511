//! Operations against theory and hand calculation: trips from reboots outside and inside
//! maintenance windows, patch failure rates, 1-of-2 redundancy, historian buffers.

use patchtwin_mc::run;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Replication};
use std::sync::Arc;

mod common;

const S: u64 = 1_000_000_000;
const MIN: u64 = 60 * S;

fn compile(yaml: &str) -> Compiled {
    match load_str(yaml, "ops.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("test scenario invalid:\n{}", d.render()),
    }
}

/// Two PLCs on a switch; plc-a publishes an interlock to plc-b every 20 ms (watchdog 60 ms);
/// the line depends on that interlock. A patch reboots plc-a for exactly 5 minutes.
fn interlock_plant(extra: &str) -> String {
    format!(
        r#"
name: interlock
horizon: 3d
zones: [{{id: cell, purdue_level: 1}}]
assets:
  - {{id: plc-a, zone: cell, model: fast-plc, software: [{{vendor: V, product: P, version: "1"}}]}}
  - {{id: plc-b, zone: cell, model: fast-plc}}
  - {{id: sw, zone: cell, model: managed-switch}}
links:
  - {{between: [plc-a, sw], bandwidth: 100Mbps}}
  - {{between: [plc-b, sw], bandwidth: 100Mbps}}
flows:
  - {{id: il, kind: publish, protocol: cip, consumer: plc-b, producer: plc-a, period: 20ms, on_loss: {{watchdog: 60ms}}}}
process_units:
  - {{id: line, depends_on: [{{flow: il}}], restart_time: 30m, downtime_cost_per_hour: 1000}}
vulnerabilities:
  - {{id: CVE-TEST-1, affects: {{assets: [plc-a]}}}}
patches:
  - id: fw
    fixes: [CVE-TEST-1]
    deploy_time: 10m
    restart: machine
    restart_time: 5m
    failure: {{probability: 0, rollback_time: 1h}}
    vendor_certified: true
    validated_in_test: true
maintenance_windows:
  - {{id: w, first: 1d, duration: 12h}}
{extra}
"#
    )
}

#[test]
fn a_reboot_longer_than_the_watchdog_trips_outside_a_window_and_costs_nothing_inside() {
    let model = compile(&interlock_plant(
        "plans:\n  - {id: now, actions: [{patch: fw, at: now}]}\n  - {id: window, actions: [{patch: fw, at: next_window}]}",
    ));
    let settings = common::mc_settings(200, 5, S);
    let results = run(&model, &[0, 1], settings, &|_| {}).expect("run").plans;
    let (now, window) = (&results[0].ops, &results[1].ops);
    assert_eq!(
        now.runs_with_trip, 200,
        "a 5 min reboot against a 60 ms watchdog always trips"
    );
    assert_eq!(
        window.runs_with_trip, 0,
        "inside a window production is stopped"
    );
    assert_eq!(window.downtime_h.sum, 0, "planned downtime costs nothing");
    // Hand calculation: the trip comes when the watchdog fires (60 ms after the last
    // publication, which was u·20 ms before the reboot); the line restarts when the first
    // publication after the reboot arrives (u'·20 ms) plus its 30 min restart.
    // Downtime = 5 min − 60 ms + u·20 ms + u'·20 ms + 30 min ∈ [35 min − 60 ms, 35 min − 20 ms].
    let lo = (35 * MIN - 60_000_000) as f64 / 3.6e12;
    let hi = (35 * MIN - 20_000_000) as f64 / 3.6e12;
    let mean = now.downtime_h.mean();
    assert!(
        mean > lo && mean < hi,
        "mean downtime {mean} h outside [{lo}, {hi}]"
    );
    let cost = now.downtime_cost.mean();
    assert!(
        // Both means are exact to the accumulators' fixed point (1e-6 h, 1e-6 currency):
        // 1000/h × 0.5e-6 h bounds the difference.
        (cost - mean * 1000.0).abs() <= 1000.0 * 0.5e-6 + 1e-6,
        "cost is downtime × 1000/h"
    );
}

#[test]
fn the_failure_rate_interval_holds_the_patch_failure_probability() {
    let yaml = interlock_plant("plans:\n  - {id: now, actions: [{patch: fw, at: now}]}")
        .replace("probability: 0,", "probability: 0.3,");
    let model = compile(&yaml);
    let settings = common::mc_settings(2000, 11, S / 10);
    let r = &run(&model, &[0], settings, &|_| {}).expect("run").plans[0];
    let e = r.ops.p_patch_failure();
    assert!(
        e.lo <= 0.3 && 0.3 <= e.hi,
        "P(patch failure) {e:?} should hold 0.3"
    );
    assert_eq!(r.ops.deployments, 2000);
}

#[test]
fn uncertified_and_unvalidated_patches_fail_more_by_the_given_amounts() {
    let yaml = interlock_plant("plans:\n  - {id: now, actions: [{patch: fw, at: now}]}")
        .replace(
            "probability: 0,",
            "probability: 0.1, extra_if_uncertified: 0.15, extra_if_unvalidated: 0.05,",
        )
        .replace("vendor_certified: true", "vendor_certified: false")
        .replace("validated_in_test: true", "validated_in_test: false");
    let model = compile(&yaml);
    let settings = common::mc_settings(2000, 12, S / 10);
    let e = run(&model, &[0], settings, &|_| {}).expect("run").plans[0]
        .ops
        .p_patch_failure();
    assert!(
        e.lo <= 0.3 && 0.3 <= e.hi,
        "0.1 + 0.15 + 0.05 = 0.3, got {e:?}"
    );
}

#[test]
fn one_of_two_redundancy_trips_only_when_both_fail() {
    // Two servers patched in parallel; each failed deployment keeps its server down for a
    // 2 h rollback. The unit needs 1 of the 2: it trips iff both fail, P = pA · pB.
    let yaml = r#"
name: redundancy
horizon: 2d
zones: [{id: ops, purdue_level: 2}]
assets:
  - {id: srv-a, zone: ops, model: scada-server}
  - {id: srv-b, zone: ops, model: scada-server}
process_units:
  - id: unit
    depends_on: [{k: 1, of: [{asset: srv-a}, {asset: srv-b}]}]
    restart_time: 10m
    downtime_cost_per_hour: 100
vulnerabilities:
  - {id: V-A, affects: {assets: [srv-a]}}
  - {id: V-B, affects: {assets: [srv-b]}}
patches:
  - {id: pa, fixes: [V-A], deploy_time: 5m, restart: none, failure: {probability: 0.5, rollback_time: 2h}, vendor_certified: true, validated_in_test: true}
  - {id: pb, fixes: [V-B], deploy_time: 5m, restart: none, failure: {probability: 0.4, rollback_time: 2h}, vendor_certified: true, validated_in_test: true}
plans:
  - {id: both, actions: [{patch: pa, at: now}, {patch: pb, at: now}]}
"#;
    let model = compile(yaml);
    let settings = common::mc_settings(4000, 21, S / 10);
    let e = run(&model, &[0], settings, &|_| {}).expect("run").plans[0]
        .ops
        .p_trip();
    assert!(
        e.lo <= 0.2 && 0.2 <= e.hi,
        "P(trip) = 0.5 × 0.4 = 0.2, got {e:?}"
    );
}

/// A historian polls a SCADA server every second; the SCADA server buffers `buffer` of data
/// (the historian's own collectors none). The historian's patch reboots it for `reboot`.
fn historian_gap_h(buffer: &str, reboot: &str) -> f64 {
    let yaml = format!(
        r#"
name: historian
horizon: 2d
zones: [{{id: ops, purdue_level: 2}}]
assets:
  - {{id: scada, zone: ops, model: scada-server, overrides: {{buffer: {buffer}}}}}
  - {{id: hist, zone: ops, model: historian, overrides: {{buffer: 0}}}}
  - {{id: sw, zone: ops, model: managed-switch}}
links:
  - {{between: [scada, sw], bandwidth: 1Gbps}}
  - {{between: [hist, sw], bandwidth: 1Gbps}}
flows:
  - {{id: collect, kind: poll, protocol: opc_ua, consumer: hist, producer: scada, period: 1s, timeout: 500ms, on_loss: {{after_timeouts: 3}}}}
vulnerabilities:
  - {{id: V, affects: {{assets: [hist]}}}}
patches:
  - {{id: p, fixes: [V], deploy_time: 1m, restart: machine, restart_time: {reboot}, failure: {{probability: 0, rollback_time: 1m}}, vendor_certified: true, validated_in_test: true}}
plans:
  - {{id: now, actions: [{{patch: p, at: now}}]}}
"#
    );
    let model = compile(&yaml);
    let settings = model.run_settings(S / 10);
    let (out, _) = Replication::new(&model, 0, settings, patchtwin_mc::stream(3, 0)).run();
    out.ops.historian_gap_ns as f64 / 3.6e12
}

#[test]
fn a_historian_buffer_overflows_exactly_when_the_outage_exceeds_it() {
    // The route is broken from the reboot's start to its end, exactly `reboot`; detection
    // plays no part. The SCADA server (up) buffers what it cannot forward, so data is lost
    // only beyond its buffer: max(0, reboot − buffer), exactly.
    assert_eq!(
        historian_gap_h("1h", "50m"),
        0.0,
        "a 50 min outage fits a 1 h buffer"
    );
    assert_eq!(
        historian_gap_h("1h", "1h"),
        0.0,
        "an outage of exactly the buffer loses nothing"
    );
    assert_eq!(
        historian_gap_h("1h", "90m"),
        0.5,
        "a 90 min outage against a 1 h buffer loses 30 min"
    );
}
