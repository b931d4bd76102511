//! One link shared by Poisson arrivals against queueing theory. A producer publishes to a
//! consumer over a single 10 Mbps link; publications arrive as a Poisson process (mean gap
//! 1 ms) and the link serves them FIFO, so the link is an M/G/1 queue with service time
//! S = size / bandwidth. Mean sojourn (wait + service) theory:
//! - fixed sizes (M/D/1, Pollaczek–Khinchine): E[T] = S + ρS / (2(1 − ρ));
//! - exponential sizes (M/M/1): E[T] = E[S] / (1 − ρ).
//!
//! The two devices process messages in no time here (their own queues are
//! `tests/device_queue.rs`'s). The latency the engine reports is sojourn + propagation (10 us). The estimate is the mean
//! over replications of each replication's mean latency (replications are independent; waits
//! within one are not), with a 99.9% Student-t interval (t ≈ 3.6 at 39 degrees of freedom).

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

fn link_model(size: &str, sizes: &str) -> Compiled {
    let yaml = format!(
        r#"
name: queue
horizon: 1d
zones: [{{id: z, purdue_level: 1}}]
assets:
  - {{id: producer, zone: z, model: iiot-sensor, overrides: {{service_time: 0}}}}
  - {{id: consumer, zone: z, model: iiot-gateway, overrides: {{service_time: 0}}}}
links:
  - {{between: [producer, consumer], bandwidth: 10Mbps, latency: 10us}}
flows:
  - {{id: f, kind: publish, protocol: mqtt, consumer: consumer, producer: producer, period: 1ms, response_size: {size}, arrivals: poisson, sizes: {sizes}, on_loss: {{watchdog: 1h}}}}
plans: [{{id: defer}}]
"#
    );
    match load_str(&yaml, "queue.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

/// Mean latency (ns) per replication.
fn replication_means(model: &Compiled, reps: u64) -> Vec<f64> {
    let settings = model.run_settings(60_000_000_000);
    (0..reps)
        .map(|seed| {
            let (out, _) =
                Replication::new(model, 0, settings, Pcg64Mcg::seed_from_u64(1000 + seed)).run();
            out.flows[0].mean_latency_ns().expect("messages delivered")
        })
        .collect()
}

fn check(model: &Compiled, theory_ns: f64, what: &str) {
    let xs = replication_means(model, 40);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = 3.56 * sd / n.sqrt();
    assert!(
        (mean - theory_ns).abs() <= half,
        "{what}: mean latency {mean:.0} ns, theory {theory_ns:.0} ± {half:.0}"
    );
}

const PROP: f64 = 10_000.0;
const GAP: f64 = 1_000_000.0;

#[test]
fn fixed_sizes_match_pollaczek_khinchine_at_rho_half() {
    // 625 B at 10 Mbps: S = 500 us, ρ = 0.5.
    let s = 500_000.0;
    let rho: f64 = s / GAP;
    check(
        &link_model("625B", "fixed"),
        s + rho * s / (2.0 * (1.0 - rho)) + PROP,
        "M/D/1 ρ=0.5",
    );
}

#[test]
fn fixed_sizes_match_pollaczek_khinchine_at_rho_0_8() {
    // 1000 B at 10 Mbps: S = 800 us, ρ = 0.8.
    let s = 800_000.0;
    let rho: f64 = s / GAP;
    check(
        &link_model("1000B", "fixed"),
        s + rho * s / (2.0 * (1.0 - rho)) + PROP,
        "M/D/1 ρ=0.8",
    );
}

#[test]
fn exponential_sizes_match_m_m_1() {
    // Mean 625 B: E[S] = 500 us, ρ = 0.5.
    let s = 500_000.0;
    let rho: f64 = s / GAP;
    check(
        &link_model("625B", "exponential"),
        s / (1.0 - rho) + PROP,
        "M/M/1 ρ=0.5",
    );
}
