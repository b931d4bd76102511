//! Data-loss consequences and recovery effects against hand calculation: a deterministic
//! outage of known length gives a known gap, event count and cost; a control that scales or
//! lengthens recovery times gives a known downtime and cost.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Outcome, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const MIN: u64 = 60_000_000_000;

fn run(yaml: &str, plan: usize) -> (Outcome, Vec<patchtwin_sim::TraceLine>) {
    let model = match load_str(yaml, "c.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    };
    let settings = model.run_settings(1_000_000_000);
    Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(7))
        .with_trace()
        .run()
}

/// Two tags from one collector (buffer 1 min) into a historian that restarts for exactly
/// 20 minutes at time 0: each flow loses 20 − 1 = 19 minutes over the same stretch.
fn historian(threshold: &str, extra: &str) -> String {
    format!(
        r#"
name: data-loss-consequence
horizon: 1d
zones: [{{id: z, purdue_level: 2}}]
assets:
  - {{id: src, zone: z, model: interface-node, overrides: {{buffer: 1m, fault_rate_per_day: 0}}}}
  - {{id: hist, zone: z, model: historian, overrides: {{buffer: 0, fault_rate_per_day: 0}}}}
links:
  - {{between: [src, hist], bandwidth: 100Mbps}}
flows:
  - {{id: nox, kind: publish, protocol: opc_ua, consumer: hist, producer: src, period: 1s, response_size: 1kB}}
  - {{id: so2, kind: publish, protocol: opc_ua, consumer: hist, producer: src, period: 1s, phase: 500ms, response_size: 1kB}}
data_loss:
  - {{id: emissions, flows: [nox, so2], gap_threshold: {threshold}, cost_per_event: 50000, cost_per_hour: 1200{extra}}}
vulnerabilities:
  - {{id: V, affects: {{assets: [hist]}}}}
patches:
  - {{id: p, fixes: [V], deploy_time: 0s, restart: machine, restart_time: 20m, failure: {{probability: 0, rollback_time: 1m}}, vendor_certified: true, validated_in_test: true}}
plans:
  - {{id: defer}}
  - {{id: now, actions: [{{patch: p, at: now}}]}}
"#
    )
}

#[test]
fn a_deterministic_outage_over_the_threshold_is_one_event_with_its_cost() {
    // Both tags lose the same 19 minutes: the group's lost time is their union, 19 min, one
    // stretch longer than 15 min → one event. Cost: 50,000 + 19/60 h × 1,200 = 50,380.
    let (o, trace) = run(&historian("15m", ""), 1);
    assert_eq!(o.ops.data_loss_events, 1);
    assert_eq!(o.ops.data_loss_group_events, vec![1]);
    assert!(
        (o.ops.data_loss_cost - 50_380.0).abs() < 1e-6,
        "{}",
        o.ops.data_loss_cost
    );
    assert!(o.ops.data_loss_breaks_operations);
    assert!(
        !o.dual_success(),
        "a reportable gap breaks operational success by default"
    );
    assert!(
        (o.loss() - 50_380.0).abs() < 1e-6,
        "the cost is in the loss"
    );
    let line = trace
        .iter()
        .find(|l| l.kind == "data_loss")
        .expect("a data_loss trace line");
    assert_eq!(line.entity, "emissions");
    assert_eq!(line.duration_ns, Some(19 * MIN));
    // The historian's own gap figure still sums flow-time: 2 × 19 min.
    assert_eq!(o.ops.historian_gap_ns, 38 * MIN);
    // The baseline plan loses nothing.
    let (o, _) = run(&historian("15m", ""), 0);
    assert_eq!(o.ops.data_loss_events, 0);
    assert_eq!(o.ops.data_loss_cost, 0.0);
    assert!(o.dual_success());
}

#[test]
fn a_gap_at_or_under_the_threshold_is_no_event_but_its_hours_still_cost() {
    // 19 min is not longer than 19 min: no event; the hours cost 19/60 × 1,200 = 380.
    let (o, _) = run(&historian("19m", ""), 1);
    assert_eq!(o.ops.data_loss_events, 0);
    assert!((o.ops.data_loss_cost - 380.0).abs() < 1e-6);
    assert!(!o.ops.data_loss_breaks_operations);
    assert!(o.dual_success());
    // One second less of threshold and it is an event.
    let (o, _) = run(&historian("18m59s", ""), 1);
    assert_eq!(o.ops.data_loss_events, 1);
}

#[test]
fn a_consequence_that_does_not_break_operations_leaves_dual_success_alone() {
    let (o, _) = run(&historian("15m", ", breaks_operations: false"), 1);
    assert_eq!(o.ops.data_loss_events, 1);
    assert!(!o.ops.data_loss_breaks_operations);
    assert!(o.dual_success());
    assert!((o.loss() - 50_380.0).abs() < 1e-6);
}

/// A PLC restarted by a patch for exactly 10 minutes at 1 h; a unit that depends on it
/// (restart 1 h, 1,000 per hour stopped); plan `with-control` enables a control with the given
/// recovery effects at time 0.
fn recovery(effects: &str) -> String {
    format!(
        r#"
name: recovery-effects
horizon: 3d
zones: [{{id: z, purdue_level: 1}}]
assets:
  - {{id: plc, zone: z, model: fast-plc, overrides: {{fault_rate_per_day: 0}}}}
  - {{id: hmi, zone: z, model: hmi-panel, overrides: {{fault_rate_per_day: 0}}}}
links:
  - {{between: [plc, hmi], bandwidth: 100Mbps}}
process_units:
  - {{id: unit, depends_on: [{{asset: plc}}], restart_time: 1h, downtime_cost_per_hour: 1000}}
vulnerabilities:
  - {{id: V, affects: {{assets: [plc]}}}}
patches:
  - {{id: p, fixes: [V], deploy_time: 0s, restart: machine, restart_time: 10m, failure: {{probability: 0, rollback_time: 1m}}, vendor_certified: true, validated_in_test: true}}
controls:
  - {{id: c, kind: allowlisting, assets: [plc], exploit_success: 0.5, recovery: [{effects}]}}
plans:
  - {{id: without, actions: [{{patch: p, at: 1h}}]}}
  - {{id: with-control, actions: [{{control: c, at: now}}, {{patch: p, at: 1h}}]}}
"#
    )
}

#[test]
fn a_scaled_restart_costs_what_hand_calculation_says() {
    let yaml = recovery("{kinds: [restart], scale: 3}");
    // Without: the PLC is down 10 min, the unit trips, waits for it, restarts in 1 h:
    // downtime 70 min, cost 70/60 × 1,000.
    let (o, _) = run(&yaml, 0);
    assert_eq!(o.ops.trips, 1);
    assert_eq!(o.ops.downtime_ns, 70 * MIN);
    assert!((o.ops.downtime_cost - 70.0 / 60.0 * 1000.0).abs() < 1e-6);
    assert_eq!(o.ops.recovery_extra_ns, 0);
    // With the control: the restart is 3 × 10 = 30 min, downtime 90 min, cost 1,500; the
    // effect added 20 min.
    let (o, _) = run(&yaml, 1);
    assert_eq!(o.ops.downtime_ns, 90 * MIN);
    assert!((o.ops.downtime_cost - 1500.0).abs() < 1e-6);
    assert_eq!(o.ops.recovery_extra_ns, 20 * MIN);
}

#[test]
fn added_time_and_unit_restart_effects_compose() {
    // Restart 10 min + 24 h; the unit's restart 1 h × 2: downtime 24 h 10 min + 2 h.
    let yaml = recovery(
        "{kinds: [restart], assets: [plc], add: 24h}, {kinds: [unit_restart], units: [unit], scale: 2}",
    );
    let (o, _) = run(&yaml, 1);
    assert_eq!(o.ops.downtime_ns, (26 * 60 + 10) * MIN);
    assert!((o.ops.downtime_cost - (26.0 + 10.0 / 60.0) * 1000.0).abs() < 1e-6);
    assert_eq!(o.ops.recovery_extra_ns, (24 * 60 + 60) * MIN);
    // An effect scoped to another kind changes nothing here.
    let (o, _) = run(&recovery("{kinds: [repair], add: 24h}"), 1);
    assert_eq!(o.ops.downtime_ns, 70 * MIN);
    assert_eq!(o.ops.recovery_extra_ns, 0);
}
