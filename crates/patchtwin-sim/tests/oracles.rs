//! The engine against theory and hand calculation, at fixed seeds. Each statistical check
//! asserts that the theoretical value lies inside the estimate's confidence interval (z = 3.29,
//! 99.9%), computed from the samples themselves — no hand-tuned tolerances.

use patchtwin_model::Scenario;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::compiled::serialization_ns;
use patchtwin_sim::{Compiled, FlowStats, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

fn scenario(yaml: &str) -> Arc<Scenario> {
    match load_str(yaml, "oracle.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Arc::new(l.scenario),
        Err(d) => panic!("oracle scenario invalid:\n{}", d.render()),
    }
}

/// Two endpoints through one switch; `producer` and `flow` are spliced in.
fn two_hop(producer: &str, flow: &str) -> String {
    format!(
        r#"
name: oracle
horizon: 1d
zones: [{{id: z, purdue_level: 2}}]
assets:
  - {{id: client, zone: z, model: scada-server, overrides: {{service_time: 100us}}}}
  - {{id: sw, zone: z, model: managed-switch, overrides: {{service_time: 5us}}}}
{producer}
links:
  - {{between: [client, sw], bandwidth: 100Mbps, latency: 10us}}
  - {{between: [sw, server], bandwidth: 10Mbps, latency: 40us}}
flows:
{flow}
plans: [{{id: defer}}]
"#
    )
}

fn run(model: &Compiled, observe_s: u64, seed: u64) -> FlowStats {
    let settings = model.run_settings(observe_s * S);
    let (out, _) = Replication::new(model, 0, settings, Pcg64Mcg::seed_from_u64(seed)).run();
    out.flows.into_iter().next().expect("one flow")
}

#[test]
fn deterministic_path_latency_is_exact() {
    let s = scenario(&two_hop(
        "  - {id: server, zone: z, model: mes-server, overrides: {service_time: 200us}}",
        "  - {id: f, kind: poll, protocol: opc_ua, consumer: client, producer: server, period: 1s, request_size: 64B, response_size: 256B, timeout: 500ms}",
    ));
    let model = Compiled::new(s);
    let st = run(&model, 10, 1);
    // Request: serialization on each link + propagation + the switch's forwarding time;
    // then the server's service time; the response pays the same path back.
    let request = serialization_ns(64, 100_000_000)
        + 10_000
        + 5_000
        + serialization_ns(64, 10_000_000)
        + 40_000;
    let response = serialization_ns(256, 10_000_000)
        + 40_000
        + 5_000
        + serialization_ns(256, 100_000_000)
        + 10_000;
    // Every device processes the message in its own queue, its service time stretched by its
    // CPU load (scada-server and mes-server models: 0.35): the client sending the request and
    // taking in the answer, the server serving it; the switch forwards in hardware (no
    // stretch).
    let stretch: f64 = 1.0 / (1.0 - 0.35);
    let client = (100_000.0 * stretch).round() as u64;
    let server = (200_000.0 * stretch).round() as u64;
    let expected = request + client + server + response + client;
    assert_eq!(st.completed, 10, "one poll per second for 10 s");
    assert_eq!(
        (st.latency_min_ns, st.latency_max_ns),
        (expected, expected),
        "every round trip takes exactly {expected} ns"
    );
}

/// Network time of a poll round trip of `two_hop` (64 B request, 256 B response), without the
/// producer's wait and service; with the client's processing of its request and of the answer
/// (100 us each, stretched by the scada-server model's CPU load of 0.35).
fn two_hop_network_ns() -> u64 {
    2 * (100_000.0f64 / (1.0 - 0.35)).round() as u64
        + serialization_ns(64, 100_000_000)
        + 10_000
        + 5_000
        + serialization_ns(64, 10_000_000)
        + 40_000
        + serialization_ns(256, 10_000_000)
        + 40_000
        + 5_000
        + serialization_ns(256, 100_000_000)
        + 10_000
}

/// Asserts that the latencies of `all`, less the fixed network time `fixed`, are uniform on
/// `[0, scan)` — the wait of a request arriving at a random phase of a constant scan: mean
/// `scan / 2`, standard deviation `scan / √12`, 99th percentile `0.99 scan`.
fn assert_uniform_wait(all: &FlowStats, fixed: u64, scan: f64, what: &str) {
    let n = all.completed as f64;
    let mean_wait = all.mean_latency_ns().unwrap() - fixed as f64;
    let var = all.latency_sumsq_ns as f64 / n - (all.latency_sum_ns as f64 / n).powi(2);
    let half = 3.29 * var.sqrt() / n.sqrt();
    assert!(
        (mean_wait - scan / 2.0).abs() < half,
        "{what}: mean wait {mean_wait} ns, theory {} ± {half}",
        scan / 2.0
    );
    // Variance of U[0, s): s²/12.
    let theory_sd = scan / 12f64.sqrt();
    assert!(
        (var.sqrt() / theory_sd - 1.0).abs() < 0.02,
        "{what}: sd {} vs {theory_sd}",
        var.sqrt()
    );
    // p99 ≈ 0.99·scan: sampling error of a quantile plus the histogram's 1% resolution
    // (two significant digits).
    let p99_wait = all.latency_histogram().value_at_quantile(0.99) as f64 * 1e3 - fixed as f64;
    let q_se = (0.99f64 * 0.01 / n).sqrt() * scan;
    assert!(
        (p99_wait - 0.99 * scan).abs() < 3.29 * q_se + 0.01 * (scan + fixed as f64) + 1e3,
        "{what}: p99 wait {p99_wait} ns vs {}",
        0.99 * scan
    );
}

#[test]
fn scan_cycle_wait_is_uniform_over_the_scan() {
    // A PLC with a constant 10 ms scan serves at the next boundary: the wait is U[0, 10 ms).
    // The poll period is incommensurate with the scan, so arrivals sweep the whole cycle.
    let s = scenario(&two_hop(
        "  - {id: server, zone: z, model: fast-plc, overrides: {scan_cycle: 10ms, service_time: 0, cpu_load: 0}}",
        "  - {id: f, kind: poll, protocol: modbus_tcp, consumer: client, producer: server, period: 100.123457ms, timeout: 90ms}",
    ));
    let model = Compiled::new(s);
    let mut all = FlowStats::new();
    for seed in 0..40 {
        all.merge(&run(&model, 120, seed));
    }
    assert_uniform_wait(&all, two_hop_network_ns(), 10e6, "idle CPU");
}

#[test]
fn base_cpu_load_stretches_the_scan() {
    // cpu_load 0.35 stretches a constant 10 ms scan to 10 / (1 − 0.35) = 15.385 ms: the wait
    // is U[0, 15.385 ms), mean 7.69 ms (not the idle CPU's 5 ms).
    let s = scenario(&two_hop(
        "  - {id: server, zone: z, model: fast-plc, overrides: {scan_cycle: 10ms, service_time: 0, cpu_load: 0.35}}",
        "  - {id: f, kind: poll, protocol: modbus_tcp, consumer: client, producer: server, period: 100.123457ms, timeout: 90ms}",
    ));
    let model = Compiled::new(s);
    let mut all = FlowStats::new();
    for seed in 0..40 {
        all.merge(&run(&model, 120, seed));
    }
    assert_uniform_wait(&all, two_hop_network_ns(), 10e6 / 0.65, "cpu_load 0.35");
}

#[test]
fn a_patch_adds_its_load_to_the_base_load() {
    // Base load 0.35; the patch adds 0.2, so after it the scan is 10 / (1 − 0.35 − 0.2) =
    // 22.22 ms (and before it 15.385 ms). The patch needs no restart and installs at 200 s,
    // after the 120 s baseline window: the after window measures the stretched scan alone.
    let yaml = two_hop(
        "  - {id: server, zone: z, model: fast-plc, overrides: {scan_cycle: 10ms, service_time: 0, cpu_load: 0.35}}",
        "  - {id: f, kind: poll, protocol: modbus_tcp, consumer: client, producer: server, period: 100.123457ms, timeout: 90ms}",
    )
    .replace(
        "plans: [{id: defer}]",
        r#"vulnerabilities:
  - {id: V1, affects: {assets: [server]}, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:H"}
patches:
  - id: p1
    fixes: [V1]
    applies_to: {assets: [server]}
    deploy_time: 200s
    restart: none
    failure: {probability: 0.0, rollback_time: 1s}
    side_effects: {added_cpu_load: 0.2}
plans:
  - {id: now, actions: [{patch: p1, at: now}]}
"#,
    );
    let model = Compiled::new(scenario(&yaml));
    let settings = model.run_settings(120 * S);
    let (mut before, mut after) = (FlowStats::new(), FlowStats::new());
    for seed in 0..40 {
        let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(seed)).run();
        before.merge(&out.flows[0]);
        after.merge(&out.flows_after[0]);
    }
    let fixed = two_hop_network_ns();
    assert_uniform_wait(&before, fixed, 10e6 / 0.65, "before the patch");
    assert_uniform_wait(&after, fixed, 10e6 / 0.45, "after the patch");
}

#[test]
fn answers_slower_than_the_timeout_always_time_out_and_comm_fail_follows() {
    let s = scenario(&two_hop(
        "  - {id: server, zone: z, model: mes-server, overrides: {service_time: 2s}}",
        "  - {id: f, kind: poll, protocol: opc_ua, consumer: client, producer: server, period: 1s, phase: 100ms, timeout: 500ms, on_loss: {after_timeouts: 3}}",
    ));
    let model = Compiled::new(s);
    let settings = model.run_settings(10 * S);
    let (out, trace) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(9))
        .with_trace()
        .run();
    let st = &out.flows[0];
    assert_eq!(st.completed, 0, "no answer ever arrives in time");
    // The FIFO server is busy 2 s per request, so the master skips no poll: every poll times out.
    assert_eq!(st.timeouts, st.sent, "every attempt timed out");
    assert_eq!(st.sent, 10);
    assert_eq!(
        st.comm_fail_events, 1,
        "comm-fail is declared once, after 3 polls"
    );
    let fail = trace
        .iter()
        .find(|l| l.kind == "comm_fail")
        .expect("a comm_fail line");
    // Third poll at 2.1 s, its timeout at 2.6 s.
    assert_eq!(fail.time, 2_600_000_000, "{fail:?}");
    assert!(
        fail.text.contains("client marks server failed"),
        "{}",
        fail.text
    );
}

#[test]
fn publish_flows_deliver_and_go_stale_when_the_publisher_is_down() {
    let s = scenario(&two_hop(
        "  - {id: server, zone: z, model: fast-plc}",
        "  - {id: il, kind: publish, protocol: cip, consumer: client, producer: server, period: 20ms, phase: 5ms, on_loss: {watchdog: 60ms}}",
    ));
    let model = Compiled::new(s);
    let settings = model.run_settings(S);
    // Healthy: 50 publications in one second, all delivered, never stale (the watchdog does
    // not fire at the end of the observation window either).
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(3)).run();
    assert_eq!(
        (
            out.flows[0].sent,
            out.flows[0].completed,
            out.flows[0].stale_events
        ),
        (50, 50, 0)
    );
    // Publisher down from the start: the consumer's watchdog, armed when it starts
    // listening at the flow's phase, fires exactly one watchdog period later.
    let mut rep = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(3)).with_trace();
    let server = model.scenario.asset_by_id("server").unwrap();
    let entity = rep
        .world_mut()
        .resource::<patchtwin_sim::state::Handles>()
        .assets[server.ix()];
    rep.world_mut()
        .get_mut::<patchtwin_sim::state::Node>(entity)
        .unwrap()
        .up = false;
    let (out, trace) = rep.run();
    assert_eq!((out.flows[0].completed, out.flows[0].stale_events), (0, 1));
    let stale = trace
        .iter()
        .find(|l| l.kind == "stale")
        .expect("stale line");
    assert_eq!(stale.time, 65_000_000, "{stale:?}");
}
