//! The recommendation's tie-break when dual success cannot tell two plans apart but the
//! recovery price of one differs, on a two-plan hand example simulated for real.
//!
//! A PLC restarted by a patch at 1 h for exactly 10 min trips its unit (restart 1 h, 1,000 per
//! hour stopped) in every run, under both plans: P(dual success) is 0 for both, a tie. Plan
//! `patch-with-price` also enables a control whose operational price adds 24 h to every
//! restart. Hand calculation: `patch` loses 70 min × 1,000/h = 1,166.67 per run,
//! `patch-with-price` (24 h 10 min + 1 h) × 1,000/h = 25,166.67. The leader on dual success is
//! the earlier plan (`patch-with-price`), but the lower expected loss — the recovery price
//! included — decides: `patch` is recommended, and the reasons say why and name the price.

use patchtwin_mc::McSettings;
use patchtwin_report::{EngineInfo, SettingsInfo, summary};
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::Compiled;
use std::sync::Arc;

const PLANT: &str = r#"
name: tie-break
horizon: 3d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: plc, zone: z, model: fast-plc, overrides: {fault_rate_per_day: 0}}
  - {id: hmi, zone: z, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
links:
  - {between: [plc, hmi], bandwidth: 100Mbps}
process_units:
  - {id: unit, depends_on: [{asset: plc}], restart_time: 1h, downtime_cost_per_hour: 1000}
vulnerabilities:
  - {id: V, affects: {assets: [plc]}}
patches:
  - {id: p, fixes: [V], deploy_time: 0s, restart: machine, restart_time: 10m, failure: {probability: 0, rollback_time: 1m}, vendor_certified: true, validated_in_test: true}
controls:
  - {id: slow-vendor, kind: allowlisting, assets: [plc], exploit_success: 0.5, recovery: [{kinds: [restart], add: 24h}]}
plans:
  - {id: patch-with-price, actions: [{control: slow-vendor, at: now}, {patch: p, at: 1h}]}
  - {id: patch, actions: [{patch: p, at: 1h}]}
"#;

#[test]
fn on_a_dual_success_tie_the_lower_loss_with_its_recovery_price_wins() {
    let loaded = load_str(PLANT, "tie.yaml", &ModelLibrary::builtin())
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let s = Arc::new(loaded.scenario);
    let model = Compiled::new(s.clone());
    let runs = 20;
    let settings = McSettings {
        runs,
        seed: 3,
        threads: 1,
        observe_ns: 1_000_000_000,
    };
    let run = patchtwin_mc::run(&model, &[0, 1], settings, &|_| {}).expect("run");
    let sum = summary(
        &s,
        &loaded.sha256,
        SettingsInfo {
            runs,
            seed: 3,
            horizon_s: s.horizon.as_secs_f64(),
            observe_s: 1.0,
            stop: format!("fixed: {runs} replications per plan"),
        },
        EngineInfo {
            events: 0,
            wall_s: 0.0,
            threads: 1,
        },
        &run,
    );
    let plan = |id: &str| sum.plans.iter().find(|p| p.id == id).expect("plan");
    // The hand calculation, run by run.
    assert_eq!(plan("patch").dual_success.mean, 0.0);
    assert_eq!(plan("patch-with-price").dual_success.mean, 0.0);
    assert!((plan("patch").expected_loss.mean - 70.0 / 60.0 * 1000.0).abs() < 1e-6);
    assert!(
        (plan("patch-with-price").expected_loss.mean - (25.0 + 10.0 / 60.0) * 1000.0).abs() < 1e-6
    );
    let rec = sum.recommendation.as_ref().expect("a recommendation");
    assert_eq!(rec.plan, "patch", "{rec:#?}");
    let reasons = rec.reasons.join(" ");
    assert!(
        reasons.contains("cannot be told apart on dual success"),
        "{reasons}"
    );
    assert!(reasons.contains("lower expected loss decides"), "{reasons}");
    assert!(reasons.contains("Recovery:"), "{reasons}");
}
