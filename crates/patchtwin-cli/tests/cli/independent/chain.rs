//! A three-step attack chain through four zones against the hypoexponential distribution of
//! four stages: P(compromise by the horizon), the quantiles of the time to compromise among
//! compromised runs, and exposure-days.

use super::attack::hypoexponential_cdf;
use super::timing::quantile;
use super::*;

#[test]
fn time_to_compromise_through_three_steps_is_hypoexponential() {
    // Footholds on the DMZ gateway at 0.5 per day (attempts daily, half succeed), then the
    // workstation (exponential, mean 4 d), the SCADA server (1 d) and the PLC (5 d), each
    // exploit starting when the one before it succeeds: four exponential stages with rates
    // 0.5, 0.25, 1 and 0.2 per day, over 20 days.
    let yaml = r#"
name: three-step-chain
horizon: 20d
zones:
  - {id: dmz, purdue_level: 3.5}
  - {id: ops, purdue_level: 3}
  - {id: sup, purdue_level: 2}
  - {id: cell, purdue_level: 1}
conduits:
  - {id: dmz-ops, zones: [dmz, ops], protocols: [rdp], direction: first_to_second}
  - {id: ops-sup, zones: [ops, sup], protocols: [http], direction: first_to_second}
  - {id: sup-cell, zones: [sup, cell], protocols: [modbus_tcp], direction: first_to_second}
assets:
  - {id: rag, kind: remote_access_gateway, zone: dmz, model: remote-access-gateway, overrides: {fault_rate_per_day: 0}}
  - {id: ews, kind: engineering_workstation, zone: ops, model: windows-ews, overrides: {fault_rate_per_day: 0}}
  - {id: scada, kind: scada_server, zone: sup, model: scada-server, overrides: {fault_rate_per_day: 0}}
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0}}
vulnerabilities:
  - {id: V1, affects: {assets: [ews]}, service: rdp, ttc: {exponential: {mean: 4d}}}
  - {id: V2, affects: {assets: [scada]}, service: http, ttc: {exponential: {mean: 1d}}}
  - {id: V3, affects: {assets: [plc]}, service: modbus_tcp, ttc: {exponential: {mean: 5d}}}
threat:
  capability: medium
  entry_points:
    - {id: vpn, kind: vendor_remote_access, asset: rag, mean_time_between_attempts: 1d, foothold_probability: 0.5}
  targets:
    - {asset: plc, impact_cost: 1000}
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-three-steps");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 1, &tmp.path().join("out"));
    let e = &s["plans"][0]["exposure"];
    let (rates, horizon) = ([0.5, 0.25, 1.0, 0.2], 20.0);
    let cdf = |t: f64| hypoexponential_cdf(t, &rates);
    let truth = cdf(horizon);
    let p = num(e, &["p_compromise", "mean"]);
    let z = (p - truth) / (truth * (1.0 - truth) / runs).sqrt();
    eprintln!("three steps: P(compromise) {p}, hypoexponential {truth:.5}, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "P(compromise) {p}, hypoexponential {truth:.5}, z = {z:.2}"
    );
    let (lo, hi) = (
        num(e, &["p_compromise", "lo"]),
        num(e, &["p_compromise", "hi"]),
    );
    assert!(lo <= truth && truth <= hi, "[{lo}, {hi}] misses {truth}");
    // Among the compromised runs the time to compromise has CDF F(t) / F(20 d). A sample
    // quantile's standard error is √(q(1 − q)/n) over the density there.
    let compromised = p * runs;
    for (q, key) in [(0.05, "p5"), (0.5, "p50"), (0.95, "p95")] {
        let exact = quantile(|t| cdf(t) / truth, q, 0.0, horizon);
        let density = (cdf(exact + 1e-4) - cdf(exact - 1e-4)) / 2e-4 / truth;
        let se = (q * (1.0 - q) / compromised).sqrt() / density;
        let got = num(e, &["ttc_days", key]);
        eprintln!("three steps: TTC {key} {got} d, exact {exact:.4} d ± {se:.4}");
        assert!(
            (got - exact).abs() < 4.0 * se + 0.01,
            "TTC {key} {got} d, exact {exact:.4} d ± {se:.4}"
        );
    }
    // Every pair is reachable all along (nothing changes): 3 pairs × 20 days.
    assert!((num(e, &["exposure_days", "mean"]) - 60.0).abs() < 1e-9);
}
