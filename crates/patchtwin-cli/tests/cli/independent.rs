//! The binary against independent expectations, through `patchtwin run` and `summary.json`
//! only (no simulator code): tiny plants whose answers are computed here by hand or in
//! closed form.
//!
//! - one poll through one switch: latency = serialization + propagation + every device's
//!   service time, exactly; with a uniform service time, the mean and the quantiles of the
//!   shifted uniform;
//! - Poisson publications through a switch with constant (M/D/1) or exponential (M/M/1)
//!   forwarding time: mean latency against Pollaczek–Khinchine, quantiles against the exact
//!   waiting-time distributions (Erlang's M/D/1 formula; exponential sojourn for M/M/1);
//! - an attacker with exponential attempts and exponential TTC on a two-step chain:
//!   P(compromise by the horizon) against the hypoexponential CDF, for two capabilities;
//!   a patch of the first step cuts the chain at its install time (a one-dimensional
//!   integral), with exposure-days and the window overrun by hand;
//! - monitoring that evicts the attacker a day after each foothold: against a renewal race
//!   simulated in the test itself (its own SplitMix64, no patchtwin code);
//! - a patch failing with probability p on n hosts: P(at least one rollback) = 1 − (1 − p)^n,
//!   rollbacks per run n·p, P(every host patched) = (1 − p)^n.
//! - retries after a rollback: independent attempts, a truncated geometric count per host;
//! - a pilot that halts the rollout, and a patch bad for the plant (one draw per run);
//! - spontaneous faults: a Poisson count per run, P(trip) = 1 − e^−λH, reboot plus restart per
//!   fault;
//! - a poll to a PLC: the residual of the stretched scan (uniform over runs) plus the stretched
//!   service time.
//! - historian gaps: a producer's whole outage, a broken route's outage beyond the buffer, and
//!   a reportable-gap consequence (events, cost, dual success);
//! - a switch fault cascading to a trip: detection delay, tolerance, reboot and restart by hand.
//!
//! Each check is a z-score against the closed form at a fixed seed (so it is deterministic),
//! and a 95% interval the tool prints must contain the true value. Not here: the simulator's
//! own oracles (`patchtwin-sim/tests/`), which drive the library directly.

use crate::util;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Runs `patchtwin run FILE --runs R --seed S --out DIR` and returns `summary.json`.
fn run(file: &Path, runs: u32, seed: u64, out: &Path) -> Value {
    let args = [
        "run".to_string(),
        file.display().to_string(),
        "--runs".into(),
        runs.to_string(),
        "--seed".into(),
        seed.to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    let r = util::patchtwin(&args, Duration::from_secs(120));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut x = v;
    for key in path {
        x = match key.parse::<usize>() {
            Ok(i) => &x[i],
            Err(_) => &x[*key],
        };
    }
    x.as_f64()
        .unwrap_or_else(|| panic!("{} is not a number: {x}", path.join(".")))
}

/// The tool's quantiles are the top of a histogram bucket, at most 0.8% above the sample's.
const BUCKET: f64 = 1.008;

const ONE_SWITCH: &str = r#"
name: one-switch
horizon: 1d
zones: [{id: z, purdue_level: 2}]
assets:
  - {id: scada, kind: scada_server, zone: z, model: scada-server, overrides: {service_time: 20us, cpu_load: 0, fault_rate_per_day: 0}}
  - {id: sw, kind: switch, zone: z, model: managed-switch, overrides: {service_time: 5us, fault_rate_per_day: 0}}
  - {id: hist, kind: historian, zone: z, model: historian, overrides: {service_time: SERVICE, cpu_load: 0, fault_rate_per_day: 0}}
links:
  - {between: [scada, sw], bandwidth: 100Mbps, latency: 10us}
  - {between: [sw, hist], bandwidth: 10Mbps, latency: 40us}
flows:
  - {id: f, kind: poll, protocol: opc_ua, consumer: scada, producer: hist, period: 100ms, request_size: 100B, response_size: 1000B, timeout: 1s}
plans: [{id: defer}]
"#;

/// Everything but the historian's service, in ms: the SCADA server sends (20 us) and takes in
/// the answer (20 us); the request is 800 bit: 8 us at 100 Mbps + 10 us, switch 5 us, 80 us at
/// 10 Mbps + 40 us; the response 8,000 bit: 800 us at 10 Mbps + 40 us, switch 5 us, 80 us at
/// 100 Mbps + 10 us.
const ONE_SWITCH_FIXED_MS: f64 = (40.0 + 18.0 + 5.0 + 120.0 + 840.0 + 5.0 + 90.0) / 1000.0;

#[test]
fn a_poll_through_one_switch_takes_the_hand_computed_time() {
    let tmp = util::TempDir::new("indep-path");
    let file = tmp.write(
        "plant.yaml",
        ONE_SWITCH.replace("SERVICE", "300us").as_bytes(),
    );
    let s = run(&file, 20, 1, &tmp.path().join("out"));
    let f = &s["plans"][0]["timing"]["flows"][0];
    let exact = ONE_SWITCH_FIXED_MS + 0.3;
    // 20 runs of a 20 s window at 100 ms: 200 polls each, all answered.
    assert_eq!(num(f, &["sent"]), 4000.0, "{f}");
    assert_eq!(num(f, &["completed"]), 4000.0, "{f}");
    for key in ["mean", "max"] {
        let got = num(f, &["latency_ms", key]);
        assert!(
            (got - exact).abs() < 1e-6,
            "{key} {got} ms, by hand {exact} ms"
        );
    }
    // Every latency is the same, so every quantile is that latency: a bucket top above the
    // exact maximum is reported as the maximum (review: p50 1.423 printed above max 1.418).
    for key in ["p50", "p95", "p99"] {
        let got = num(f, &["latency_ms", key]);
        assert!(
            (got - exact).abs() < 1e-6,
            "{key} {got} ms, by hand {exact} ms (never above the exact maximum)"
        );
    }
}

#[test]
fn a_uniform_service_time_shifts_the_latency_distribution_by_the_fixed_path() {
    // The historian's service is uniform on [200 us, 1200 us]; polls 100 ms apart never queue,
    // so latency = fixed path + U: mean fixed + 0.7 ms, quantile p at fixed + 0.2 + p ms.
    let tmp = util::TempDir::new("indep-uniform");
    let yaml = ONE_SWITCH.replace("SERVICE", "{uniform: {min: 200us, max: 1200us}}");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let s = run(&file, 50, 1, &tmp.path().join("out"));
    let f = &s["plans"][0]["timing"]["flows"][0];
    let n = num(f, &["completed"]);
    assert_eq!(n, 10_000.0, "{f}");
    let mean = num(f, &["latency_ms", "mean"]);
    let se = 1.0 / 12f64.sqrt() / n.sqrt();
    let z = (mean - (ONE_SWITCH_FIXED_MS + 0.7)) / se;
    eprintln!("uniform service: {f}, mean z = {z:.2}");
    assert!(z.abs() < 4.0, "mean latency {mean} ms: z = {z:.2}");
    let max = num(f, &["latency_ms", "max"]);
    assert!(max <= ONE_SWITCH_FIXED_MS + 1.2 + 1e-9, "max {max} ms");
    for (p, key) in [(0.5, "p50"), (0.95, "p95"), (0.99, "p99")] {
        let exact = ONE_SWITCH_FIXED_MS + 0.2 + p;
        // Standard error of a sample quantile: sqrt(p(1 − p)/n) / density (1 per ms).
        let se_q = (p * (1.0 - p) / n).sqrt();
        let got = num(f, &["latency_ms", key]);
        assert!(
            got > exact - 4.0 * se_q && got < exact * BUCKET + 4.0 * se_q,
            "{key} {got} ms, exact {exact:.4} ms ± {se_q:.4}"
        );
    }
}

/// Poisson publications (mean gap 1 ms, 125 B) from a sensor that processes in no time,
/// through a switch forwarding in `service`, to a gateway that processes in no time. Both
/// links are 1 Gbps with 10 us of propagation, so the switch sees Poisson arrivals (the first
/// link's own queue holds a 1 us message at load 0.001) and is the only queue.
fn switch_queue(service: &str) -> String {
    format!(
        r#"
name: switch-queue
horizon: 1d
zones: [{{id: z, purdue_level: 1}}]
assets:
  - {{id: pub, kind: iiot_sensor, zone: z, model: iiot-sensor, overrides: {{service_time: 0, cpu_load: 0, fault_rate_per_day: 0}}}}
  - {{id: sw, kind: switch, zone: z, model: managed-switch, overrides: {{service_time: {service}, fault_rate_per_day: 0}}}}
  - {{id: sub, kind: iiot_gateway, zone: z, model: iiot-gateway, overrides: {{service_time: 0, fault_rate_per_day: 0}}}}
links:
  - {{between: [pub, sw], bandwidth: 1Gbps, latency: 10us}}
  - {{between: [sw, sub], bandwidth: 1Gbps, latency: 10us}}
flows:
  - {{id: f, kind: publish, protocol: mqtt, consumer: sub, producer: pub, period: 1ms, response_size: 125B, arrivals: poisson, deadline: 1s, on_loss: {{watchdog: 1h}}}}
plans: [{{id: defer}}]
"#
    )
}

/// The fixed part of `switch_queue`'s latency, ms: two links of 1 us serialization + 10 us.
const SWITCH_WIRE_MS: f64 = 0.022;

/// Mean latency per seed (8 seeds × 8 runs × 20 s, about 1.3 million publications), and the
/// three quantiles per seed.
fn switch_queue_runs(service: &str, tag: &str) -> (Vec<f64>, Vec<[f64; 3]>) {
    let tmp = util::TempDir::new(tag);
    let file = tmp.write("plant.yaml", switch_queue(service).as_bytes());
    let mut means = Vec::new();
    let mut quantiles = Vec::new();
    for seed in 1..=8 {
        let s = run(&file, 8, seed, &tmp.path().join(format!("out-{seed}")));
        let f = &s["plans"][0]["timing"]["flows"][0];
        let sent = num(f, &["sent"]);
        // 8 runs × 20 s at 1,000 per second.
        assert!((sent - 160_000.0).abs() < 5.0 * 400.0, "sent {sent}");
        assert_eq!(
            num(f, &["completed"]),
            sent,
            "every publication arrives: {f}"
        );
        means.push(num(f, &["latency_ms", "mean"]));
        quantiles.push(["p50", "p95", "p99"].map(|k| num(f, &["latency_ms", k])));
    }
    (means, quantiles)
}

/// Student t of the seeds' means against `theory`.
fn t_score(means: &[f64], theory: f64) -> (f64, f64, f64) {
    let n = means.len() as f64;
    let m = means.iter().sum::<f64>() / n;
    let var = means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    (m, se, (m - theory) / se)
}

/// Bisection for the p-quantile of a CDF on [lo, hi].
fn quantile(cdf: impl Fn(f64) -> f64, p: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// The seeds' mean of each quantile against the exact sojourn quantile: within four standard
/// errors of the seeds' spread plus the bucket rounding (at most 0.8% above), and the spread
/// itself small (under 2% of the value), so the check cannot pass by being noisy.
fn assert_quantiles(name: &str, quantiles: &[[f64; 3]], exact: [f64; 3]) {
    for (k, key) in ["p50", "p95", "p99"].iter().enumerate() {
        let values: Vec<f64> = quantiles.iter().map(|q| q[k]).collect();
        let (m, se, _) = t_score(&values, exact[k]);
        assert!(
            se < 0.02 * exact[k],
            "{name} {key}: the seeds disagree too much ({values:?})"
        );
        assert!(
            m >= exact[k] - 4.0 * se && m <= exact[k] * BUCKET + 4.0 * se,
            "{name} {key}: tool {m:.4} ± {se:.4} ms over seeds, exact {:.4} ms",
            exact[k]
        );
    }
}

#[test]
fn poisson_messages_through_a_switch_with_constant_forwarding_queue_as_m_d_1() {
    // λ = 1 per ms, D = 0.5 ms, ρ = 0.5: Pollaczek–Khinchine E[W] = ρD / (2(1 − ρ)) = 0.25 ms,
    // sojourn 0.75 ms.
    let (lambda, d) = (1.0, 0.5);
    let rho = lambda * d;
    let theory = d + rho * d / (2.0 * (1.0 - rho)) + SWITCH_WIRE_MS;
    let (means, quantiles) = switch_queue_runs("500us", "indep-md1");
    let (m, se, t) = t_score(&means, theory);
    eprintln!("M/D/1: mean {m:.5} ± {se:.5} ms, P-K {theory:.5} ms, t = {t:.2}; {quantiles:?}");
    assert!(
        t.abs() < 4.0,
        "M/D/1: mean {m:.5} ± {se:.5} ms, P-K {theory:.5} ms, t = {t:.2}"
    );
    // Erlang's waiting-time distribution of M/D/1:
    // P(W ≤ t) = (1 − ρ) Σ_{k=0}^{⌊t/D⌋} (λ(kD − t))^k / k! · e^{−λ(kD − t)}.
    let wait_cdf = |t: f64| {
        let mut sum = 0.0;
        let mut fact = 1.0;
        for k in 0..=(t / d).floor() as i32 {
            if k > 0 {
                fact *= f64::from(k);
            }
            let x = lambda * (f64::from(k) * d - t);
            sum += x.powi(k) / fact * (-x).exp();
        }
        (1.0 - rho) * sum
    };
    let exact = [0.5, 0.95, 0.99].map(|p| d + quantile(wait_cdf, p, 0.0, 20.0) + SWITCH_WIRE_MS);
    assert_quantiles("M/D/1", &quantiles, exact);
}

#[test]
fn poisson_messages_through_a_switch_with_exponential_forwarding_queue_as_m_m_1() {
    // λ = 1 per ms, E[S] = 0.5 ms: the sojourn is exponential with rate μ − λ = 1 per ms.
    let theory = 1.0 + SWITCH_WIRE_MS;
    let (means, quantiles) = switch_queue_runs("{exponential: {mean: 500us}}", "indep-mm1");
    let (m, se, t) = t_score(&means, theory);
    eprintln!("M/M/1: mean {m:.5} ± {se:.5} ms, theory {theory:.5} ms, t = {t:.2}; {quantiles:?}");
    assert!(
        t.abs() < 4.0,
        "M/M/1: mean {m:.5} ± {se:.5} ms, theory {theory:.5} ms, t = {t:.2}"
    );
    let exact = [0.5f64, 0.95, 0.99].map(|p| -(1.0 - p).ln() + SWITCH_WIRE_MS);
    assert_quantiles("M/M/1", &quantiles, exact);
}

/// A vendor gateway in the DMZ (attempts every `1d` on average, each a foothold with
/// probability 0.5), an engineering workstation one conduit in (RDP, TTC exponential 3 d)
/// and the target PLC one conduit further (Modbus, TTC exponential 5 d), over 10 days.
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
fn hypoexponential_cdf(t: f64, rates: &[f64]) -> f64 {
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
fn rollbacks_of_a_patch_on_n_hosts_are_binomial() {
    // Five hosts, each deployment rolled back with probability 0.2, independently.
    let yaml = r#"
name: rollback-count
horizon: 30d
zones: [{id: ops, purdue_level: 3}]
assets:
  - {id: h1, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h2, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h3, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h4, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h5, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
vulnerabilities:
  - {id: V, affects: {assets: [h1, h2, h3, h4, h5]}, service: http}
patches:
  - id: P
    fixes: [V]
    applies_to: {assets: [h1, h2, h3, h4, h5]}
    deploy_time: 20m
    restart: service
    failure: {probability: 0.2, rollback_time: 1h}
plans:
  - {id: defer}
  - {id: patch-now, actions: [{patch: P, at: now}]}
"#;
    let tmp = util::TempDir::new("indep-rollback");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs = 4000.0;
    let s = run(&file, 4000, 5, &tmp.path().join("out"));
    let plan = &s["plans"][1];
    assert_eq!(plan["id"], "patch-now");
    let (n, p): (f64, f64) = (5.0, 0.2);
    let proportion = |got: f64, truth: f64, trials: f64, what: &str| {
        let z = (got - truth) / (truth * (1.0 - truth) / trials).sqrt();
        eprintln!("{what}: {got}, closed form {truth:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{what}: {got}, closed form {truth:.5}, z = {z:.2}"
        );
    };
    let at_least_one = 1.0 - (1.0 - p).powf(n);
    let ops = &plan["operations"];
    proportion(
        num(ops, &["p_patch_failure", "mean"]),
        at_least_one,
        runs,
        "P(at least one rollback)",
    );
    let (lo, hi) = (
        num(ops, &["p_patch_failure", "lo"]),
        num(ops, &["p_patch_failure", "hi"]),
    );
    assert!(lo <= at_least_one && at_least_one <= hi, "[{lo}, {hi}]");
    proportion(
        num(ops, &["deployment_failure_rate", "mean"]),
        p,
        runs * n,
        "share of deployments rolled back",
    );
    assert_eq!(num(ops, &["deployments_per_run"]), n);
    // Rollbacks per run: binomial mean n·p, variance n·p·(1 − p).
    let r = &plan["rollout"]["rollbacks_per_run"];
    let mean = num(r, &["mean"]);
    let z = (mean - n * p) / (n * p * (1.0 - p) / runs).sqrt();
    eprintln!("rollbacks per run {mean} {r}, n·p = {}, z = {z:.2}", n * p);
    assert!(
        z.abs() < 4.0,
        "rollbacks per run {mean}, n·p = {}, z = {z:.2}",
        n * p
    );
    assert!(num(r, &["lo"]) <= n * p && n * p <= num(r, &["hi"]), "{r}");
    // Every host patched (95% of five pairs needs all five): (1 − p)^n; half of them (three
    // of five): P(Binomial(5, 0.8) ≥ 3).
    let ttp = &plan["rollout"]["time_to_patch"];
    let all = (1.0 - p).powf(n);
    let three = (3..=5)
        .map(|k| {
            let c = [1.0, 5.0, 10.0, 10.0, 5.0, 1.0][k];
            c * (1.0 - p).powi(k as i32) * p.powi(5 - k as i32)
        })
        .sum::<f64>();
    for row in ttp.as_array().expect("time_to_patch") {
        let share = num(row, &["share"]);
        let truth = if share <= 0.6 { three } else { all };
        proportion(
            num(row, &["p_reached"]),
            truth,
            runs,
            &format!("P(reach {share} of the pairs)"),
        );
    }
    // Nothing else goes wrong: no threat, no faults, HMIs drive no unit.
    assert_eq!(num(plan, &["dual_success", "mean"]), 1.0);
}

#[test]
fn spontaneous_faults_are_poisson_and_each_costs_reboot_plus_restart() {
    // A PLC faulting at 0.01 per day over 100 days (Poisson mean 1), 1 h to reboot; its unit
    // trips on each fault, waits for the PLC, then takes 2 h to restart: 3 h down per fault
    // (a fault during the 3 h outage, rate 0.01/d · 3 h, adds almost nothing).
    let yaml = r#"
name: faults
horizon: 100d
zones: [{id: cell, purdue_level: 1}]
assets:
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0.01, reboot_time: 1h}}
process_units:
  - id: line
    depends_on: [{asset: plc}]
    restart_time: 2h
    downtime_cost_per_hour: 1000
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-faults");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 1, &tmp.path().join("out"));
    let plan = &s["plans"][0];
    let ops = &plan["operations"];
    let faults = num(ops, &["faults_per_run"]);
    let z = (faults - 1.0) / (1.0 / runs).sqrt();
    eprintln!("faults per run {faults}, Poisson mean 1, z = {z:.2}");
    assert!(z.abs() < 4.0, "faults per run {faults}, z = {z:.2}");
    let truth = 1.0 - (-1.0f64).exp();
    let p = num(ops, &["p_trip", "mean"]);
    let z = (p - truth) / (truth * (1.0 - truth) / runs).sqrt();
    eprintln!("P(trip) {p}, 1 - e^-1 = {truth:.5}, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "P(trip) {p}, 1 − e^−1 = {truth:.5}, z = {z:.2}"
    );
    // Downtime per run = 3 h × faults in the run (to within the rare overlap).
    let hours = num(ops, &["downtime_h", "mean"]);
    let per_fault = hours / faults;
    assert!(
        per_fault > 2.98 && per_fault <= 3.0 + 1e-9,
        "{hours} h over {faults} faults per run: {per_fault} h each, by hand 3 h"
    );
    let cost = num(ops, &["downtime_cost", "mean"]);
    assert!(
        (cost - 1000.0 * hours).abs() < 1e-6 * cost,
        "cost {cost} for {hours} h"
    );
    assert!((num(plan, &["expected_loss", "mean"]) - cost).abs() < 1e-6 * cost);
}

#[test]
fn a_poll_waits_for_the_end_of_the_stretched_scan_and_a_stretched_service() {
    // A 10 ms scan at CPU load 0.5 is 20 ms; with a period of 100 ms every poll of a run lands
    // at the same phase, which the stationary start makes uniform over runs: the wait is
    // U(0, 20 ms). The 300 us service is stretched to 600 us; the network adds 4 × 1 us
    // (125 B at 1 Gbps, no propagation). Mean 10.604 ms, max 20.604 ms.
    let yaml = r#"
name: scan
horizon: 1d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: scada, kind: scada_server, zone: z, model: scada-server, overrides: {service_time: 0, cpu_load: 0, fault_rate_per_day: 0}}
  - {id: sw, kind: switch, zone: z, model: managed-switch, overrides: {service_time: 0, fault_rate_per_day: 0}}
  - {id: plc, kind: plc, zone: z, model: fast-plc, overrides: {scan_cycle: 10ms, service_time: 300us, cpu_load: 0.5, fault_rate_per_day: 0}}
links:
  - {between: [scada, sw], bandwidth: 1Gbps, latency: 0s}
  - {between: [sw, plc], bandwidth: 1Gbps, latency: 0s}
flows:
  - {id: f, kind: poll, protocol: modbus_tcp, consumer: scada, producer: plc, period: 100ms, request_size: 125B, response_size: 125B, timeout: 1s}
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-scan");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 6400.0;
    let s = run(&file, 6400, 2, &tmp.path().join("out"));
    let f = &s["plans"][0]["timing"]["flows"][0];
    let (fixed, scan) = (0.004 + 0.6, 20.0);
    let mean = num(f, &["latency_ms", "mean"]);
    // One latency per run (the phase), so the standard error is that of `runs` uniforms.
    let se = scan / 12f64.sqrt() / runs.sqrt();
    let z = (mean - (fixed + scan / 2.0)) / se;
    eprintln!(
        "scan: mean {mean} ms, by hand {} ms, z = {z:.2}",
        fixed + scan / 2.0
    );
    assert!(
        z.abs() < 4.0,
        "mean latency {mean} ms, by hand {} ms, z = {z:.2}",
        fixed + scan / 2.0
    );
    let max = num(f, &["latency_ms", "max"]);
    assert!(
        max <= fixed + scan + 1e-6 && max > fixed + 0.99 * scan,
        "max {max} ms, by hand just under {} ms",
        fixed + scan
    );
    for (p, key) in [(0.5, "p50"), (0.95, "p95")] {
        let exact = fixed + p * scan;
        let se_q = scan * (p * (1.0 - p) / runs).sqrt();
        let got = num(f, &["latency_ms", key]);
        assert!(
            got > exact - 4.0 * se_q && got < exact * BUCKET + 4.0 * se_q,
            "{key} {got} ms, by hand {exact:.3} ms ± {se_q:.3}"
        );
    }
    assert_eq!(num(f, &["timeouts"]), 0.0);
}

#[test]
fn historian_gaps_follow_the_buffer_rule_by_hand() {
    // A PLC publishes to a historian through a switch; both the PLC (1 h reboot) and the
    // switch (2 h reboot) fault at 0.01 per day over 100 days (Poisson, mean 1 each). The PLC
    // down loses its whole outage (1 h); the switch down breaks the route with the producer up,
    // so the larger buffer (the PLC's 30 min) holds the data and 2 h − 30 min = 1.5 h is lost.
    // Expected gap per run: 1 × 1 h + 1 × 1.5 h = 2.5 h; variance 1 × 1² + 1 × 1.5² = 3.25 h².
    let yaml = r#"
name: gap
horizon: 100d
zones: [{id: cell, purdue_level: 1}, {id: ops, purdue_level: 3}]
conduits:
  - {id: c, zones: [cell, ops], protocols: [opc_ua], direction: first_to_second}
assets:
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0.01, reboot_time: 1h, buffer: 30m}}
  - {id: sw, kind: switch, zone: cell, model: managed-switch, overrides: {fault_rate_per_day: 0.01, reboot_time: 2h}}
  - {id: hist, kind: historian, zone: ops, model: historian, overrides: {fault_rate_per_day: 0, buffer: 0s}}
links:
  - {between: [plc, sw], bandwidth: 100Mbps}
  - {between: [sw, hist], bandwidth: 100Mbps}
flows:
  - {id: tags, kind: publish, protocol: opc_ua, consumer: hist, producer: plc, period: 1s, on_loss: {watchdog: 10s}}
plans: [{id: defer}]
"#;
    // A reportable-gap consequence on the same flow: every outage loses more than 15 min, so
    // each of the (mean 2) faults is one event: P(event) = 1 − e^−2, 50,000 per event plus
    // 100 per hour lost; an event breaks operational success, so dual success = 1 − P(event).
    let yaml = yaml.replace(
        "plans: [{id: defer}]",
        "data_loss:\n  - {id: tags-gap, flows: [tags], gap_threshold: 15m, cost_per_event: 50000, cost_per_hour: 100}\nplans: [{id: defer}]",
    );
    let tmp = util::TempDir::new("indep-gap");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 1, &tmp.path().join("out"));
    let plan = &s["plans"][0];
    let c = &plan["consequences"];
    let truth = 1.0 - (-2.0f64).exp();
    let p = num(c, &["p_data_loss_event", "mean"]);
    let z = (p - truth) / (truth * (1.0 - truth) / runs).sqrt();
    eprintln!("P(reportable gap) {p}, 1 - e^-2 = {truth:.5}, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "P(reportable gap) {p}, 1 − e^−2 = {truth:.5}, z = {z:.2}"
    );
    let events = num(c, &["data_loss_events_per_run"]);
    let z = (events - 2.0) / (2.0 / runs).sqrt();
    assert!(
        z.abs() < 4.0,
        "events per run {events}, Poisson mean 2, z = {z:.2}"
    );
    let dual = num(plan, &["dual_success", "mean"]);
    assert!(
        (dual - (1.0 - p)).abs() < 1e-12,
        "dual success {dual}, 1 − P(event) {}",
        1.0 - p
    );
    let ops = &plan["operations"];
    let gap = num(ops, &["historian_gap_h", "mean"]);
    let z = (gap - 2.5) / (3.25 / runs).sqrt();
    eprintln!("historian gap {gap} h per run, by hand 2.5 h, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "historian gap {gap} h per run, by hand 2.5 h, z = {z:.2}"
    );
    let (lo, hi) = (
        num(ops, &["historian_gap_h", "lo"]),
        num(ops, &["historian_gap_h", "hi"]),
    );
    assert!(lo <= 2.5 && 2.5 <= hi, "[{lo}, {hi}] misses 2.5 h");
    // The cost is the events and the hours, exactly.
    let cost = num(c, &["data_loss_cost", "mean"]);
    let by_hand = 50_000.0 * events + 100.0 * gap;
    assert!(
        (cost - by_hand).abs() < 1e-6 * cost,
        "cost {cost}, by hand {by_hand}"
    );
}

#[test]
fn retries_after_a_rollback_are_independent_attempts() {
    // Two hosts, each deployment rolled back with probability 1/2, tried again up to twice:
    // per host the failures F are 0, 1, 2, 3 with probability 1/2, 1/4, 1/8, 1/8 (E = 7/8,
    // E[F²] = 15/8), the deployments 1, 2, 3 with 1/2, 1/4, 1/4 (E = 7/4, E[D²] = 15/4), and
    // the host stays open with 1/8.
    let yaml = r#"
name: retry
horizon: 30d
zones: [{id: ops, purdue_level: 3}]
assets:
  - {id: h1, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h2, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
vulnerabilities:
  - {id: V, affects: {assets: [h1, h2]}, service: http}
patches:
  - {id: P, fixes: [V], applies_to: {assets: [h1, h2]}, deploy_time: 20m, restart: service, failure: {probability: 0.5, rollback_time: 1h}}
plans:
  - {id: defer}
  - {id: retry, actions: [{patch: P, at: now, retry: {after: 1d, max: 2}}]}
"#;
    let tmp = util::TempDir::new("indep-retry");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 1, &tmp.path().join("out"));
    let plan = &s["plans"][1];
    let mean_z = |got: f64, mean: f64, var: f64, what: &str| {
        let z = (got - mean) / (var / runs).sqrt();
        eprintln!("{what}: {got}, closed form {mean:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{what}: {got}, closed form {mean:.5}, z = {z:.2}"
        );
    };
    let (ef, ef2, ed, ed2) = (7.0 / 8.0, 15.0 / 8.0, 7.0 / 4.0, 15.0 / 4.0);
    mean_z(
        num(plan, &["rollout", "rollbacks_per_run", "mean"]),
        2.0 * ef,
        2.0 * (ef2 - ef * ef),
        "rollbacks per run",
    );
    mean_z(
        num(plan, &["operations", "deployments_per_run"]),
        2.0 * ed,
        2.0 * (ed2 - ed * ed),
        "deployments per run",
    );
    let proportion = |got: f64, p: f64, what: &str| mean_z(got, p, p * (1.0 - p), what);
    proportion(
        num(plan, &["operations", "p_patch_failure", "mean"]),
        0.75,
        "P(at least one rollback)",
    );
    let closed = 1.0 - 1.0 / 8.0;
    for row in plan["rollout"]["time_to_patch"].as_array().expect("rows") {
        let share = num(row, &["share"]);
        // Half the pairs: one host patched; 90% or 95%: both.
        let truth = if share <= 0.5 {
            1.0 - (1.0 - closed) * (1.0 - closed)
        } else {
            closed * closed
        };
        proportion(
            num(row, &["p_reached"]),
            truth,
            &format!("P(reach {share})"),
        );
    }
}

#[test]
fn a_pilot_halts_the_rollout_and_a_bad_patch_fails_everywhere() {
    // Four hosts; the patch is bad for this plant with probability b = 0.2 (one draw per
    // run), and then fails on each host with f = 0.9, else with p = 0.1. `all-now` deploys on
    // all four; `pilot` deploys h1 first and the other three only if h1 succeeded.
    let yaml = r#"
name: staged
horizon: 30d
zones: [{id: ops, purdue_level: 3}]
assets:
  - {id: h1, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h2, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h3, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
  - {id: h4, kind: hmi, zone: ops, model: hmi-panel, overrides: {fault_rate_per_day: 0}}
vulnerabilities:
  - {id: V, affects: {assets: [h1, h2, h3, h4]}, service: http}
patches:
  - {id: P, fixes: [V], applies_to: {assets: [h1, h2, h3, h4]}, deploy_time: 20m, restart: service, failure: {probability: 0.1, bad_for_plant: 0.2, failure_if_bad: 0.9, rollback_time: 1h}}
plans:
  - {id: defer}
  - {id: all-now, actions: [{patch: P, at: now}]}
  - {id: pilot, actions: [{patch: P, at: now, staged: {first: [h1], soak: 2d}}]}
"#;
    let tmp = util::TempDir::new("indep-staged");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 8000.0;
    let s = run(&file, 8000, 1, &tmp.path().join("out"));
    let (b, f, p): (f64, f64, f64) = (0.2, 0.9, 0.1);
    // Moments of a mixture over "bad" of per-run quantities g(q), q the per-host failure.
    let mixture = |g: &dyn Fn(f64) -> (f64, f64)| {
        let ((m1, v1), (m0, v0)) = (g(f), g(p));
        let mean = b * m1 + (1.0 - b) * m0;
        let second = b * (v1 + m1 * m1) + (1.0 - b) * (v0 + m0 * m0);
        (mean, second - mean * mean)
    };
    let check = |plan: &Value, path: &[&str], (mean, var): (f64, f64), what: &str| {
        let got = num(plan, path);
        let z = (got - mean) / (var / runs).sqrt();
        eprintln!("{what}: {got}, closed form {mean:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{what}: {got}, closed form {mean:.5}, z = {z:.2}"
        );
    };
    let bern = |x: f64| (x, x * (1.0 - x));
    let all_now = &s["plans"][1];
    assert_eq!(all_now["id"], "all-now");
    // All four: rollbacks Binomial(4, q); at least one 1 − (1 − q)^4; all patched (1 − q)^4.
    let rollbacks = mixture(&|q| (4.0 * q, 4.0 * q * (1.0 - q)));
    check(
        all_now,
        &["rollout", "rollbacks_per_run", "mean"],
        rollbacks,
        "all-now rollbacks",
    );
    let any = b * (1.0 - (1.0 - f).powi(4)) + (1.0 - b) * (1.0 - (1.0 - p).powi(4));
    check(
        all_now,
        &["operations", "p_patch_failure", "mean"],
        bern(any),
        "all-now P(≥1)",
    );
    let all = b * (1.0 - f).powi(4) + (1.0 - b) * (1.0 - p).powi(4);
    check(
        all_now,
        &["rollout", "time_to_patch", "2", "p_reached"],
        bern(all),
        "all-now all patched",
    );
    let pilot = &s["plans"][2];
    assert_eq!(pilot["id"], "pilot");
    // Pilot: h1 fails with q (and the rest never start), else Binomial(3, q) more.
    let rollbacks = mixture(&|q| {
        let mean = q + (1.0 - q) * 3.0 * q;
        let second = q + (1.0 - q) * (3.0 * q * (1.0 - q) + 9.0 * q * q);
        (mean, second - mean * mean)
    });
    check(
        pilot,
        &["rollout", "rollbacks_per_run", "mean"],
        rollbacks,
        "pilot rollbacks",
    );
    let deployments = mixture(&|q| (1.0 + 3.0 * (1.0 - q), 9.0 * q * (1.0 - q)));
    check(
        pilot,
        &["operations", "deployments_per_run"],
        deployments,
        "pilot deployments",
    );
    check(
        pilot,
        &["rollout", "time_to_patch", "2", "p_reached"],
        bern(all),
        "pilot all patched",
    );
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
fn a_switch_fault_cascades_to_a_trip_by_the_detection_and_tolerance_rules() {
    // The only switch between SCADA and the PLC faults (0.01 per day over 100 days, 30 min to
    // reboot). Polls every 1 s with a 1 s timeout: comm-fail after 3 unanswered polls (3 to
    // 4 s after the fault, on the poll grid); the unit tolerates 5 min without control, then
    // trips; the route is back after 30 min, control at the next poll (within 1 s), and the
    // unit restarts in 1 h. Down per fault: 30 min − (3..4 s) − 5 min + (0..1 s) + 1 h, that is
    // 1 h 25 min minus 2 to 4 s (a fault in the last hours of the horizon is cut short).
    let yaml = r#"
name: cascade
horizon: 100d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: scada, kind: scada_server, zone: z, model: scada-server, overrides: {fault_rate_per_day: 0}}
  - {id: sw, kind: switch, zone: z, model: managed-switch, overrides: {fault_rate_per_day: 0.01, reboot_time: 30m}}
  - {id: plc, kind: plc, zone: z, model: fast-plc, overrides: {fault_rate_per_day: 0}}
links:
  - {between: [scada, sw], bandwidth: 1Gbps}
  - {between: [sw, plc], bandwidth: 1Gbps}
flows:
  - {id: f, kind: poll, protocol: modbus_tcp, consumer: scada, producer: plc, period: 1s, timeout: 1s, on_loss: {after_timeouts: 3}}
functions:
  - {id: ctl, kind: control, depends_on: [{flow: f}]}
process_units:
  - id: line
    depends_on: [{function: ctl, tolerate: 5m}]
    restart_time: 1h
    downtime_cost_per_hour: 1000
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-cascade");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 3, &tmp.path().join("out"));
    let ops = &s["plans"][0]["operations"];
    let faults = num(ops, &["faults_per_run"]);
    let truth = 1.0 - (-1.0f64).exp();
    let p = num(ops, &["p_trip", "mean"]);
    let z = (p - truth) / (truth * (1.0 - truth) / runs).sqrt();
    eprintln!("cascade: P(trip) {p}, 1 - e^-1 = {truth:.5}, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "P(trip) {p}, 1 − e^−1 = {truth:.5}, z = {z:.2}"
    );
    let per_fault = num(ops, &["downtime_h", "mean"]) / faults;
    let (lo, hi) = ((85.0 * 60.0 - 4.0) / 3600.0, (85.0 * 60.0 - 2.0) / 3600.0);
    eprintln!("cascade: {per_fault} h down per fault, by hand {lo:.5}..{hi:.5} h");
    assert!(
        per_fault > lo * 0.995 && per_fault <= hi + 1e-9,
        "{per_fault} h down per fault, by hand {lo:.5}..{hi:.5} h"
    );
    // Control is lost from the comm-fail to the first answer after the reboot: 30 min − 3..4 s
    // + 0..1 s.
    let control = num(ops, &["loss_of_control_h", "mean"]) / faults;
    assert!(
        control > (1800.0 - 4.0) / 3600.0 * 0.995 && control <= (1800.0 - 2.0) / 3600.0 + 1e-9,
        "{control} h of lost control per fault"
    );
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
