//! The attacker's accounting rules against hand calculations and properties: exposure-days
//! follow the controls in force, impact is charged for what was actually compromised, and
//! detection before impact never makes the expected loss worse.

use patchtwin_mc::run;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::Compiled;
use std::sync::Arc;

mod common;

fn compile(yaml: &str) -> Compiled {
    match load_str(yaml, "attack-rules.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

/// A vendor gateway `gw` in `it`, one conduit to `ot`, where `plc` carries V (never
/// compromised within the horizon: its TTC is a year). `extra` adds controls and plans.
fn gateway_plant(extra: &str) -> Compiled {
    compile(&format!(
        r#"
name: exposure-controls
horizon: 30d
zones: [{{id: it, purdue_level: 4}}, {{id: ot, purdue_level: 2}}]
conduits: [{{id: it-ot, zones: [it, ot], protocols: [svc]}}]
assets:
  - {{id: gw, zone: it, model: remote-access-gateway}}
  - {{id: plc, zone: ot, model: fast-plc}}
vulnerabilities:
  - {{id: V, affects: {{assets: [plc]}}, service: svc, ttc: 365d}}
threat:
  entry_points: [{{id: vpn, kind: vendor_remote_access, asset: gw, mean_time_between_attempts: 2d}}]
  targets: [{{asset: plc}}]
{extra}
"#
    ))
}

fn exposure_days(model: &Compiled, plans: &[usize], runs: u64) -> Vec<(f64, f64)> {
    let settings = common::mc_settings(runs, 5, 1_000_000);
    run(model, plans, settings, &|_| {})
        .expect("run")
        .plans
        .iter()
        .map(|p| {
            let e = p.exposure.exposure_days;
            (e.mean(), e.estimate().hi - e.estimate().lo)
        })
        .collect()
}

/// Hand calculation: the only path to (V, plc) starts at the vendor gateway. Doing nothing
/// leaves the pair exposed all 30 days; powering the gateway off (a remote-access
/// restriction with no residual) from day 10 leaves it exposed 10 days; closing the conduit
/// from day 10 does the same. Exactly, in every run (no spread).
#[test]
fn a_control_cutting_the_only_path_from_day_10_leaves_10_exposure_days() {
    let model = gateway_plant(
        r#"controls:
  - {id: gateway-off, kind: remote_access_restriction, entry_point: vpn, residual: 0, deploy_time: 0, failure_probability: 0}
  - {id: close, kind: segmentation, conduit: it-ot, deploy_time: 0, failure_probability: 0}
  - {id: half, kind: remote_access_restriction, entry_point: vpn, residual: 0.5, deploy_time: 0, failure_probability: 0}
plans:
  - {id: defer}
  - {id: gateway-off, actions: [{control: gateway-off, at: 10d}]}
  - {id: close, actions: [{control: close, at: 10d}]}
  - {id: half, actions: [{control: half, at: 10d}]}"#,
    );
    let got = exposure_days(&model, &[0, 1, 2, 3], 50);
    // A restriction that still lets half of the attempts through leaves the path open.
    let want = [30.0, 10.0, 10.0, 30.0];
    for ((mean, width), want) in got.iter().zip(want) {
        assert_eq!((*mean, *width), (want, 0.0), "exposure-days {got:?}");
    }
}

const DAY: f64 = 86_400.0;

/// CDF at `t` of Exp(`mu`) + Exp(`lambda`) (distinct rates).
fn two_stage_cdf(mu: f64, lambda: f64, t: f64) -> f64 {
    1.0 - (lambda * (-mu * t).exp() - mu * (-lambda * t).exp()) / (lambda - mu)
}

/// Two PLC targets in `ot`, costing 2M and 3M (in the order given), each carrying V (TTC
/// exponential, mean 10 d), attacked in parallel from a foothold on `gw` (arrivals every 2 d
/// on average, foothold certain).
fn two_targets(targets: &str) -> Compiled {
    compile(&format!(
        r#"
name: two-targets
horizon: 30d
zones: [{{id: it, purdue_level: 4}}, {{id: ot, purdue_level: 2}}]
conduits: [{{id: it-ot, zones: [it, ot], protocols: [svc]}}]
assets:
  - {{id: gw, zone: it, model: remote-access-gateway}}
  - {{id: plc-a, zone: ot, model: fast-plc}}
  - {{id: plc-b, zone: ot, model: fast-plc}}
vulnerabilities:
  - {{id: V, affects: {{assets: [plc-a, plc-b]}}, service: svc, ttc: {{exponential: {{mean: 10d}}}}}}
threat:
  entry_points: [{{id: vpn, kind: vendor_remote_access, asset: gw, mean_time_between_attempts: 2d}}]
  targets: {targets}
plans: [{{id: defer}}]
"#
    ))
}

/// Hand calculation: each target is reached within the horizon with probability
/// P = P(Exp(μ) + Exp(λ) ≤ 30 d), μ = 1/2 d, λ = 1/10 d (the foothold, then its own exploit,
/// the two exploits running in parallel). Charging every target reached, each once, the
/// expected impact is 2M·P + 3M·P = 5M·P ≈ 4.69M; charging the first-listed target in every
/// compromised run would give 2M·P(any) ≈ 1.98M, and 3M·P(any) with the list reversed. The
/// order of the list changes nothing, run by run.
#[test]
fn impact_cost_charges_every_target_reached_each_once() {
    let a_first = "[{asset: plc-a, impact_cost: 2000000}, {asset: plc-b, impact_cost: 3000000}]";
    let b_first = "[{asset: plc-b, impact_cost: 3000000}, {asset: plc-a, impact_cost: 2000000}]";
    let settings = common::mc_settings(4000, 11, 1_000_000);
    let impact = |targets: &str| {
        run(&two_targets(targets), &[0], settings, &|_| {})
            .expect("run")
            .plans[0]
            .exposure
            .impact_cost
    };
    let (ab, ba) = (impact(a_first), impact(b_first));
    assert_eq!(ab, ba, "the order of the target list must not matter");
    let p = two_stage_cdf(1.0 / (2.0 * DAY), 1.0 / (10.0 * DAY), 30.0 * DAY);
    let exact = 5_000_000.0 * p;
    let e = ab.estimate();
    assert!(
        e.lo <= exact && exact <= e.hi,
        "expected impact {exact:.0} (5M × {p:.4}), estimate {e:?}"
    );
}

/// A gateway `gw` in `it` and a PLC `plc` in `ot` carrying V (TTC exponential, mean 2 d); the
/// process unit `proc` needs the PLC, trips whenever the attacker stops it and costs 10,000 an
/// hour; restoring a stopped PLC takes 1 d. Plans: nothing, or monitoring of both zones
/// (detection `d` per step, eviction 1 h later) in force from the start.
fn monitored_plant(d: f64) -> Compiled {
    compile(&format!(
        r#"
name: monitoring
horizon: 60d
zones: [{{id: it, purdue_level: 4}}, {{id: ot, purdue_level: 2}}]
conduits: [{{id: it-ot, zones: [it, ot], protocols: [svc]}}]
assets:
  - {{id: gw, zone: it, model: remote-access-gateway}}
  - {{id: plc, zone: ot, model: fast-plc}}
process_units:
  - {{id: proc, depends_on: [{{asset: plc}}], restart_time: 1h, downtime_cost_per_hour: 10000, attack_trip_probability: 1}}
vulnerabilities:
  - {{id: V, affects: {{assets: [plc]}}, service: svc, ttc: {{exponential: {{mean: 2d}}}}}}
controls:
  - {{id: watch, kind: monitoring, zones: [it, ot], detection_probability: {d}, time_to_respond: 1h, deploy_time: 0, failure_probability: 0}}
threat:
  recovery_time: 1d
  entry_points: [{{id: vpn, kind: vendor_remote_access, asset: gw, mean_time_between_attempts: 5d}}]
  targets: [{{process_unit: proc, impact_cost: 0}}]
plans: [{{id: nothing}}, {{id: watch, actions: [{{control: watch, at: now}}]}}]
"#
    ))
}

/// Property: with everything else equal (the same runs, paired), detection that comes before
/// impact does not make the expected loss worse. An attacker left in place keeps stopping the
/// PLC each time it is restored; an evicted one must come back first. The paired difference
/// (monitoring minus nothing) must not be clearly positive, for detection probabilities
/// from low to certain.
#[test]
fn detection_before_impact_never_makes_expected_loss_worse() {
    for d in [0.2, 0.5, 0.9, 1.0] {
        let model = monitored_plant(d);
        let settings = common::mc_settings(1500, 23, 1_000_000);
        let r = run(&model, &[0, 1], settings, &|_| {}).expect("run");
        let delta = r.comparisons[0].d_loss.estimate();
        let (base, watched) = (
            r.plans[0].exposure.loss.mean(),
            r.plans[1].exposure.loss.mean(),
        );
        eprintln!("d = {d}: loss {base:.0} -> {watched:.0}, paired Δ {delta:?}");
        assert!(
            delta.lo <= 0.0,
            "detection {d}: monitoring makes the expected loss worse: {base:.0} -> {watched:.0}, Δ {delta:?}"
        );
        assert!(
            base > 0.0,
            "the attacker must cause loss without monitoring"
        );
    }
}

/// Impact is the same for an attacker in place as for one that comes back: a restore from a
/// known-good image removes the attacker from the PLC, and an attacker still holding the
/// gateway compromises it and stops it again. Without monitoring, every stop after the first
/// follows a restore, at least the recovery time (1 d) after the stop before it, and runs
/// with a foothold early in the 60 days see several.
#[test]
fn an_attacker_in_place_stops_the_process_again_after_each_restore() {
    let model = monitored_plant(0.5);
    let mut most = 0;
    for i in 0..20 {
        let settings = model.run_settings(1_000_000);
        let (_, trace) =
            patchtwin_sim::Replication::new(&model, 0, settings, patchtwin_mc::stream(7, i))
                .with_trace()
                .run();
        let stops: Vec<u64> = trace
            .iter()
            .filter(|l| l.text.starts_with("attacker stops plc"))
            .map(|l| l.time)
            .collect();
        let restores: Vec<u64> = trace
            .iter()
            .filter(|l| l.text.contains("restored from a known-good image"))
            .map(|l| l.time)
            .collect();
        for w in stops.windows(2) {
            assert!(w[1] - w[0] >= 86_400_000_000_000, "stops {stops:?}");
            assert!(
                restores.iter().any(|r| w[0] < *r && *r <= w[1]),
                "a second stop without a restore between: stops {stops:?}, restores {restores:?}"
            );
        }
        most = most.max(stops.len());
    }
    assert!(
        most >= 3,
        "an attacker in place stops the PLC at most {most} times in 20 runs"
    );
}

/// `gw` in `it` publishes over mqtt to `hist` in `ot` through a switch in each zone and a
/// conduit whose list names only https; `hist` carries V, exploitable over mqtt. `extra`
/// adds controls and plans.
fn mqtt_plant(extra: &str) -> patchtwin_scenario::Loaded {
    let yaml = format!(
        r#"
name: conduit-flows
horizon: 30d
zones: [{{id: it, purdue_level: 4}}, {{id: ot, purdue_level: 3}}]
conduits: [{{id: it-ot, zones: [it, ot], protocols: [https]}}]
assets:
  - {{id: gw, zone: it, model: remote-access-gateway, overrides: {{fault_rate_per_day: 0}}}}
  - {{id: sw-it, zone: it, model: managed-switch, overrides: {{fault_rate_per_day: 0}}}}
  - {{id: sw-ot, zone: ot, model: managed-switch, overrides: {{fault_rate_per_day: 0}}}}
  - {{id: hist, zone: ot, model: mes-server, overrides: {{fault_rate_per_day: 0}}}}
links:
  - {{between: [gw, sw-it], bandwidth: 1Gbps}}
  - {{between: [sw-it, sw-ot], bandwidth: 1Gbps}}
  - {{between: [sw-ot, hist], bandwidth: 1Gbps}}
flows:
  - {{id: telemetry, kind: publish, protocol: mqtt, consumer: hist, producer: gw, period: 10s, response_size: 1kB, on_loss: {{watchdog: 1m}}}}
functions:
  - {{id: history, kind: history, depends_on: [{{flow: telemetry}}]}}
process_units:
  - {{id: proc, depends_on: [{{function: history}}], restart_time: 1h, downtime_cost_per_hour: 1000}}
vulnerabilities:
  - {{id: V, affects: {{assets: [hist]}}, service: mqtt, ttc: {{exponential: {{mean: 2d}}}}}}
threat:
  entry_points: [{{id: vpn, kind: vendor_remote_access, asset: gw, mean_time_between_attempts: 2d}}]
  targets: [{{asset: hist}}]
{extra}
"#
    );
    load_str(&yaml, "conduit-flows.yaml", &ModelLibrary::builtin())
        .unwrap_or_else(|d| panic!("{}", d.render()))
}

/// One rule for what a conduit carries. Validation: a warning names the flow and the conduit,
/// and the conduit is taken to carry mqtt. Simulation: the flow runs and the attacker can
/// exploit V over mqtt through the same conduit (P(compromise) > 0); segmentation that keeps
/// only https cuts both — the flow (the unit trips) and the attacker (P(compromise) = 0).
#[test]
fn a_conduit_carries_the_flows_that_cross_it_for_the_attacker_too() {
    let extra = r#"controls:
  - {id: https-only, kind: segmentation, conduit: it-ot, allow_protocols: [https], deploy_time: 0, failure_probability: 0}
plans:
  - {id: defer}
  - {id: https-only, actions: [{control: https-only, at: now}]}"#;
    let loaded = mqtt_plant(extra);
    let warned: Vec<String> = loaded.warnings.iter().map(|d| d.message.clone()).collect();
    assert!(
        warned
            .iter()
            .any(|w| w.contains("flow telemetry uses mqtt through conduit it-ot")),
        "{warned:?}"
    );
    assert_eq!(loaded.scenario.conduits[0].protocols, ["https", "mqtt"]);
    let model = Compiled::new(Arc::new(loaded.scenario));
    let r = run(
        &model,
        &[0, 1],
        common::mc_settings(200, 3, 1_000_000),
        &|_| {},
    )
    .expect("run");
    let (defer, cut) = (&r.plans[0], &r.plans[1]);
    assert!(
        defer.exposure.p_compromise().mean > 0.5,
        "{:?}",
        defer.exposure.p_compromise()
    );
    // No spontaneous faults on this plant (the overrides), so only a cut flow can trip it.
    assert_eq!(defer.ops.p_trip().mean, 0.0, "the flow runs");
    assert_eq!(cut.exposure.p_compromise().mean, 0.0);
    assert_eq!(cut.exposure.exposure_days.mean(), 0.0);
    assert_eq!(cut.ops.p_trip().mean, 1.0, "segmentation cuts the flow");
}
