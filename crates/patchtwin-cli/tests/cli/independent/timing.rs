//! Timing against queueing theory and hand sums: one poll through one switch, a uniform
//! service time, M/D/1 and M/M/1 forwarding queues, a poll waiting for a stretched PLC scan.

use super::*;

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
pub(super) fn t_score(means: &[f64], theory: f64) -> (f64, f64, f64) {
    let n = means.len() as f64;
    let m = means.iter().sum::<f64>() / n;
    let var = means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    let se = (var / n).sqrt();
    (m, se, (m - theory) / se)
}

/// Bisection for the p-quantile of a CDF on [lo, hi].
pub(super) fn quantile(cdf: impl Fn(f64) -> f64, p: f64, mut lo: f64, mut hi: f64) -> f64 {
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
