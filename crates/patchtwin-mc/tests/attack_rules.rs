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
