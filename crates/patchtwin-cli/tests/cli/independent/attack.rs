//! The attacker against closed forms: a two-step chain (hypoexponential CDF), a patch that
//! cuts the chain at its install time, and monitoring with eviction against a renewal race
//! simulated here.

use super::timing::quantile;
use super::*;

const CHAIN: &str = r#"
name: two-step-chain
horizon: 10d
zones:
  - {id: dmz, purdue_level: 3.5}
  - {id: ops, purdue_level: 3}
  - {id: cell, purdue_level: 1}
conduits:
  - {id: dmz-ops, zones: [dmz, ops], protocols: [rdp], direction: first_to_second}
  - {id: ops-cell, zones: [ops, cell], protocols: [modbus_tcp], direction: first_to_second}
assets:
  - {id: rag, kind: remote_access_gateway, zone: dmz, model: remote-access-gateway, overrides: {fault_rate_per_day: 0}}
  - {id: ews, kind: engineering_workstation, zone: ops, model: windows-ews, overrides: {fault_rate_per_day: 0}}
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0}}
vulnerabilities:
  - {id: V1, affects: {assets: [ews]}, service: rdp, ttc: {exponential: {mean: 3d}}}
  - {id: V2, affects: {assets: [plc]}, service: modbus_tcp, ttc: {exponential: {mean: 5d}}}
threat:
  capability: CAPABILITY
  entry_points:
    - {id: vpn, kind: vendor_remote_access, asset: rag, mean_time_between_attempts: 1d, foothold_probability: 0.5}
  targets:
    - {asset: plc, impact_cost: 1000}
plans: [{id: defer}]
"#;

/// CDF of a sum of independent exponentials with distinct rates.
pub(super) fn hypoexponential_cdf(t: f64, rates: &[f64]) -> f64 {
    let mut tail = 0.0;
    for (i, ri) in rates.iter().enumerate() {
        let mut c = 1.0;
        for (j, rj) in rates.iter().enumerate() {
            if i != j {
                c *= rj / (rj - ri);
            }
        }
        tail += c * (-ri * t).exp();
    }
    1.0 - tail
}

#[test]
fn compromise_through_a_two_step_chain_follows_the_hypoexponential_cdf() {
    let tmp = util::TempDir::new("indep-chain");
    let runs = 4000.0;
    // Foothold: attempts at rate 1/d thinned by 0.5, so rate 0.5/d. Steps: rates 1/3 and 1/5
    // per day, times the capability's TTC factor (medium 1, high 0.5: twice as fast).
    for (capability, factor) in [("medium", 1.0), ("high", 0.5)] {
        let file = tmp.write(
            &format!("chain-{capability}.yaml"),
            CHAIN.replace("CAPABILITY", capability).as_bytes(),
        );
        let s = run(
            &file,
            4000,
            3,
            &tmp.path().join(format!("out-{capability}")),
        );
        let e = &s["plans"][0]["exposure"];
        let rates = [0.5, 1.0 / (3.0 * factor), 1.0 / (5.0 * factor)];
        let truth = hypoexponential_cdf(10.0, &rates);
        let p = num(e, &["p_compromise", "mean"]);
        let z = (p - truth) / (truth * (1.0 - truth) / runs).sqrt();
        eprintln!("{capability}: P(compromise) {p} {e}, hypoexponential {truth:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{capability}: P(compromise) {p}, hypoexponential {truth:.4}, z = {z:.2}"
        );
        let (lo, hi) = (
            num(e, &["p_compromise", "lo"]),
            num(e, &["p_compromise", "hi"]),
        );
        assert!(lo <= truth && truth <= hi, "[{lo}, {hi}] misses {truth}");
        // The median TTC among runs compromised within the horizon: F(t) = F(10 d) / 2.
        let median = quantile(|t| hypoexponential_cdf(t, &rates), 0.5 * truth, 0.0, 10.0);
        let got = num(e, &["ttc_days", "p50"]);
        assert!(
            (got - median).abs() < 0.3,
            "{capability}: median TTC {got} d, closed form {median:.3} d"
        );
        // Share of runs with a foothold: 1 − e^{−0.5 · 10}.
        let foothold = 1.0 - (-5.0f64).exp();
        let share = num(e, &["foothold_share"]);
        let z = (share - foothold) / (foothold * (1.0 - foothold) / runs).sqrt();
        assert!(
            z.abs() < 4.0,
            "foothold share {share}, {foothold:.4}, z = {z:.2}"
        );
    }
}

#[test]
fn patching_the_first_step_cuts_the_chain_at_the_install_time() {
    // The two-step chain with a patch for the workstation's vulnerability that takes exactly
    // 1 day to install (then a 1 h service restart). A run is compromised when the foothold
    // and the first step (S, hypoexponential with rates 0.5 and 1/3 per day) finish before
    // the patch is in at time T, and the second step (rate 1/5) before day 10:
    // P = ∫_0^T f_S(s) (1 − e^{−(10 − s)/5}) ds, with T = 1 d (patch now) or 3 d (in the
    // day-2 window). Exposure-days: both pairs exposed until T (the PLC is reachable only
    // through the workstation): 2, 6 and 20 (defer). The 1 h window closes 23 h before the
    // install ends, and the restart adds 1 h: 24 h of overrun in every run.
    let yaml = CHAIN.replace("CAPABILITY", "medium").replace(
        "model: windows-ews, overrides: {fault_rate_per_day: 0}",
        "model: windows-ews, overrides: {fault_rate_per_day: 0, service_restart_time: 1h}",
    );
    let yaml = yaml.replace(
        "plans: [{id: defer}]",
        r#"patches:
  - {id: P1, fixes: [V1], applies_to: {assets: [ews]}, deploy_time: 1d, restart: service, failure: {probability: 0, rollback_time: 1h}}
maintenance_windows:
  - {id: w, first: 2d, every: 30d, duration: 1h}
plans:
  - {id: defer}
  - {id: now, actions: [{patch: P1, at: now}]}
  - {id: window, actions: [{patch: P1, at: next_window}]}"#,
    );
    let tmp = util::TempDir::new("indep-cut");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 2, &tmp.path().join("out"));
    let (a, b, c) = (0.5f64, 1.0 / 3.0, 1.0 / 5.0);
    let cut = |t: f64| {
        let n = 20_000;
        (0..n)
            .map(|i| {
                let x = (f64::from(i) + 0.5) * t / f64::from(n);
                let density = a * b / (b - a) * ((-a * x).exp() - (-b * x).exp());
                density * (1.0 - (-c * (10.0 - x)).exp()) * t / f64::from(n)
            })
            .sum::<f64>()
    };
    for (i, id, truth, exposure, overrun) in [
        (0, "defer", hypoexponential_cdf(10.0, &[a, b, c]), 20.0, 0.0),
        (1, "now", cut(1.0), 2.0, 0.0),
        (2, "window", cut(3.0), 6.0, 24.0),
    ] {
        let plan = &s["plans"][i];
        assert_eq!(plan["id"], id);
        let p = num(plan, &["exposure", "p_compromise", "mean"]);
        let z = (p - truth) / (truth * (1.0 - truth) / runs).sqrt();
        eprintln!("{id}: P(compromise) {p}, closed form {truth:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{id}: P(compromise) {p}, closed form {truth:.5}, z = {z:.2}"
        );
        let days = num(plan, &["exposure", "exposure_days", "mean"]);
        assert!(
            (days - exposure).abs() < 1e-6,
            "{id}: exposure-days {days}, by hand {exposure}"
        );
        let hours = num(plan, &["operations", "window_overrun_h", "mean"]);
        assert!(
            (hours - overrun).abs() < 1e-6,
            "{id}: overrun {hours} h, by hand {overrun}"
        );
    }
}

#[test]
fn detection_and_eviction_match_an_independent_renewal_simulation() {
    // Footholds on the gateway arrive at 0.5 per day; monitoring detects every one and evicts
    // the attacker 1 day later, cancelling its exploit of the workstation (TTC exponential,
    // mean 3 d); the attacker returns with the next foothold after the eviction. Compromise by
    // day 20 is a renewal race, simulated here on its own (400,000 draws of a SplitMix64
    // stream, no patchtwin code). Without monitoring it is the hypoexponential CDF.
    let yaml = r#"
name: detect
horizon: 20d
zones:
  - {id: dmz, purdue_level: 3.5}
  - {id: ops, purdue_level: 3}
conduits:
  - {id: dmz-ops, zones: [dmz, ops], protocols: [rdp], direction: first_to_second}
assets:
  - {id: rag, kind: remote_access_gateway, zone: dmz, model: remote-access-gateway, overrides: {fault_rate_per_day: 0}}
  - {id: ews, kind: engineering_workstation, zone: ops, model: windows-ews, overrides: {fault_rate_per_day: 0}}
vulnerabilities:
  - {id: V1, affects: {assets: [ews]}, service: rdp, ttc: {exponential: {mean: 3d}}}
controls:
  - {id: mon, kind: monitoring, zones: [dmz], detection_probability: 1, time_to_respond: 1d, deploy_time: 1m, failure_probability: 0}
threat:
  capability: medium
  entry_points:
    - {id: vpn, kind: vendor_remote_access, asset: rag, mean_time_between_attempts: 2d, foothold_probability: 1}
  targets:
    - {asset: ews, impact_cost: 1000}
plans:
  - {id: defer}
  - {id: monitor, actions: [{control: mon, at: now}]}
"#;
    let tmp = util::TempDir::new("indep-detect");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 1, &tmp.path().join("out"));
    let (a, b, respond, horizon) = (0.5f64, 1.0 / 3.0, 1.0, 20.0);
    // The reference: wait Exp(a) for a foothold, then the exploit races the eviction.
    let mut state = 0x5EED_u64;
    let mut uniform = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let draws = 400_000;
    let mut hits = 0u32;
    for _ in 0..draws {
        let mut t = 0.0;
        loop {
            t += -(1.0 - uniform()).ln() / a;
            if t > horizon {
                break;
            }
            let x = -(1.0 - uniform()).ln() / b;
            if x < respond {
                if t + x <= horizon {
                    hits += 1;
                }
                break;
            }
            t += respond;
        }
    }
    let reference = f64::from(hits) / f64::from(draws);
    for (i, id, truth, reference_draws) in [
        (
            0,
            "defer",
            hypoexponential_cdf(horizon, &[a, b]),
            f64::INFINITY,
        ),
        (1, "monitor", reference, f64::from(draws)),
    ] {
        let plan = &s["plans"][i];
        assert_eq!(plan["id"], id);
        let p = num(plan, &["exposure", "p_compromise", "mean"]);
        let var = truth * (1.0 - truth) * (1.0 / runs + 1.0 / reference_draws);
        let z = (p - truth) / var.sqrt();
        eprintln!("{id}: P(compromise) {p}, reference {truth:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{id}: P(compromise) {p}, reference {truth:.5}, z = {z:.2}"
        );
    }
    // Every compromise under monitoring comes after at least the foothold's detection.
    let detected = num(
        &s["plans"][1],
        &["exposure", "p_detected_before_impact", "mean"],
    );
    assert!(detected > 0.99, "P(detected before impact) {detected}");
}
