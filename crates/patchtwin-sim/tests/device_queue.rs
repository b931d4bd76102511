//! Device-side processing, storms and inspection against theory and hand calculation:
//! - a device's own queue: Poisson publications through the publisher's processor are an
//!   M/D/1 (constant service) or M/M/1 (exponential service) queue, mean sojourn from the
//!   Pollaczek–Khinchine formula;
//! - a storm through one switch onto a slow link: the backlog grows by a hand-computed amount
//!   per message, so the last message of the storm waits exactly that long;
//! - inspection is service in the inspecting device: a flow that crosses the IPS pays exactly
//!   the inspection time after the change, a flow that does not cross it pays nothing, and the
//!   baseline window ("before") never includes a control in force at t = 0;
//! - a patch's added service time and CPU load act on publications (the publisher's and the
//!   subscriber's processing), exactly as computed by hand, from the end of the baseline window
//!   (a publication's latency is its transfer time, from the end of the publisher's scan).

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::compiled::serialization_ns;
use patchtwin_sim::{Compiled, FlowStats, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

fn compile(yaml: &str) -> Compiled {
    match load_str(yaml, "device.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

fn flow(model: &Compiled, id: &str) -> usize {
    model
        .scenario
        .flows
        .iter()
        .position(|f| f.id == id)
        .expect("flow")
}

/// Poisson publications (mean gap 1 ms) through a publisher whose processing time is
/// `service` (no scan, no load), over a 1 Gbps link of 10 us, to a subscriber that processes
/// in no time.
fn publisher_queue(service: &str) -> Compiled {
    compile(&format!(
        r#"
name: device-queue
horizon: 1d
zones: [{{id: z, purdue_level: 1}}]
assets:
  - {{id: producer, zone: z, model: iiot-sensor, overrides: {{service_time: {service}, cpu_load: 0}}}}
  - {{id: consumer, zone: z, model: iiot-gateway, overrides: {{service_time: 0}}}}
links:
  - {{between: [producer, consumer], bandwidth: 1Gbps, latency: 10us}}
flows:
  - {{id: f, kind: publish, protocol: mqtt, consumer: consumer, producer: producer, period: 1ms, response_size: 125B, arrivals: poisson, on_loss: {{watchdog: 1h}}}}
plans: [{{id: defer}}]
"#
    ))
}

/// Mean latency over `reps` independent replications of 20 s each, with a 99.9% Student-t
/// half-width (t ≈ 3.6 at 39 degrees of freedom).
fn mean_latency(model: &Compiled, reps: u64) -> (f64, f64) {
    let settings = model.run_settings(20 * S);
    let means: Vec<f64> = (0..reps)
        .map(|i| {
            let (out, _) =
                Replication::new(model, 0, settings, Pcg64Mcg::seed_from_u64(1000 + i)).run();
            out.flows[0].mean_latency_ns().expect("delivered")
        })
        .collect();
    let n = means.len() as f64;
    let mean = means.iter().sum::<f64>() / n;
    let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, 3.6 * (var / n).sqrt())
}

/// Fixed network time of `publisher_queue`: 125 B at 1 Gbps (1 us) plus 10 us.
fn wire_ns() -> f64 {
    (serialization_ns(125, 1_000_000_000) + 10_000) as f64
}

#[test]
fn the_publishers_own_queue_is_m_d_1() {
    // λ = 1/ms, D = 0.5 ms: ρ = 0.5, E[T] = D + ρD / (2(1 − ρ)) = 0.5 + 0.25 = 0.75 ms.
    let model = publisher_queue("500us");
    let (mean, half) = mean_latency(&model, 40);
    let theory = 750_000.0 + wire_ns();
    assert!(
        (mean - theory).abs() < half,
        "M/D/1 in the publisher: mean latency {mean:.0} ns, theory {theory:.0} ± {half:.0}"
    );
}

#[test]
fn the_publishers_own_queue_is_m_m_1() {
    // λ = 1/ms, exponential service of mean 0.5 ms: E[T] = E[S] / (1 − ρ) = 1 ms.
    let model = publisher_queue("{exponential: {mean: 500us}}");
    let (mean, half) = mean_latency(&model, 40);
    let theory = 1_000_000.0 + wire_ns();
    assert!(
        (mean - theory).abs() < half,
        "M/M/1 in the publisher: mean latency {mean:.0} ns, theory {theory:.0} ± {half:.0}"
    );
}

#[test]
fn a_storm_through_one_switch_builds_the_hand_computed_backlog() {
    // A storm of 100 publications, one every 100 us from 1 s, through a switch (5 us) onto a
    // 10 Mbps link (no propagation delay): each 300 B message takes 240 us to serialize there, so the backlog grows
    // by 140 us per message and message k waits k · 140 us more than the first.
    let model = compile(
        r#"
name: storm
horizon: 1d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: producer, zone: z, model: iiot-sensor, overrides: {service_time: 0, cpu_load: 0}}
  - {id: sw, zone: z, model: managed-switch, overrides: {service_time: 5us}}
  - {id: consumer, zone: z, model: iiot-gateway, overrides: {service_time: 0}}
links:
  - {between: [producer, sw], bandwidth: 1Gbps, latency: 0s}
  - {between: [sw, consumer], bandwidth: 10Mbps, latency: 0s}
flows:
  - {id: f, kind: publish, protocol: mqtt, consumer: consumer, producer: producer, period: 1s, response_size: 300B, on_loss: {watchdog: 1h}, storm: {start: 1s, duration: 10ms, period: 100us}}
plans: [{id: defer}]
"#,
    );
    let settings = model.run_settings(3 * S);
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(7)).run();
    let st: &FlowStats = &out.flows[0];
    // Messages at 0 s, 100 in the storm (1 s + k · 100 us, k = 0..99), then 2.0099 s.
    assert_eq!(st.sent, 102, "one before, 100 in the storm, one after");
    assert_eq!(st.completed, 102);
    let first = serialization_ns(300, 1_000_000_000) + 5_000 + serialization_ns(300, 10_000_000);
    let growth = serialization_ns(300, 10_000_000) - 100_000;
    assert_eq!(growth, 140_000);
    assert_eq!(st.latency_min_ns, first, "an idle path");
    assert_eq!(
        st.latency_max_ns,
        first + 99 * growth,
        "the storm's last message waits behind 99 · 140 us of backlog"
    );
    // Sum over the storm: Σ (first + k · growth), k = 0..99, plus the two quiet messages.
    let sum = 102 * u128::from(first) + u128::from(growth) * (99 * 100 / 2);
    assert_eq!(st.latency_sum_ns, sum);
}

#[test]
fn storms_repeat_on_and_off() {
    let model = compile(
        r#"
name: on-off
horizon: 1d
zones: [{id: z, purdue_level: 1}]
assets:
  - {id: producer, zone: z, model: iiot-sensor, overrides: {service_time: 0, cpu_load: 0}}
  - {id: consumer, zone: z, model: iiot-gateway, overrides: {service_time: 0}}
links:
  - {between: [producer, consumer], bandwidth: 1Gbps}
flows:
  - {id: f, kind: publish, protocol: mqtt, consumer: consumer, producer: producer, period: 100ms, response_size: 100B, on_loss: {watchdog: 1h}, storm: {start: 250ms, duration: 50ms, period: 1ms, every: 1s}}
plans: [{id: defer}]
"#,
    );
    let settings = model.run_settings(10 * S);
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(1)).run();
    // Per second: storm at .250 with 50 messages (.250 … .299), then the own period resumes
    // from the last storm message: .399, .499, … .999 (7), then 1.099 … 1.199 (2) before the
    // next storm at 1.250. First second: 0, .1, .2 (3) + 50 + 7 = 60; then each second
    // 2 + 50 + 7 = 59 (from 1.099). 10 s: 60 + 9 · 59 = 591.
    assert_eq!(out.flows[0].sent, 591);
}

/// Two IEDs on one bay switch publish to each other; a gateway in another zone polls one of
/// them through an IPS. The IPS's virtual patch (`inspection`) is switched on at t = 0 by the
/// plan `vpatch`. Every device has a constant processing time and no load; the periods are
/// incommensurate with the relays' 1 ms scan, so successive messages sweep its phase.
/// `flows` are the ids of the flows to keep.
fn ips_plant(flows: &[&str], extra: &str) -> Compiled {
    let all = [
        (
            "goose",
            "  - {id: goose, kind: publish, protocol: goose, consumer: ied-b, producer: ied-a, period: 4.0123457ms, response_size: 300B, on_loss: {watchdog: 1s}}",
        ),
        (
            "mms",
            "  - {id: mms, kind: poll, protocol: mms, consumer: gw, producer: ied-a, period: 10.0123457ms, phase: 1ms, request_size: 100B, response_size: 100B, timeout: 5ms}",
        ),
    ];
    let flows: Vec<&str> = all
        .iter()
        .filter(|(id, _)| flows.contains(id))
        .map(|(_, line)| *line)
        .collect();
    let flows = flows.join("\n");
    compile(&format!(
        r#"
name: ips
horizon: 10d
zones: [{{id: station, purdue_level: 2}}, {{id: bay, purdue_level: 1}}]
conduits:
  - {{id: c, zones: [station, bay], protocols: [mms]}}
assets:
  - {{id: gw, zone: station, model: rtu, overrides: {{service_time: 100us, cpu_load: 0, scan_cycle: 1ms}}}}
  - {{id: ips, zone: station, model: ips, overrides: {{service_time: 20us}}}}
  - {{id: sw, zone: bay, model: managed-switch, overrides: {{service_time: 5us}}}}
  - {{id: ied-a, zone: bay, model: protection-ied, overrides: {{service_time: 200us, cpu_load: 0, scan_cycle: 1ms}}}}
  - {{id: ied-b, zone: bay, model: protection-ied, overrides: {{service_time: 200us, cpu_load: 0, scan_cycle: 1ms}}}}
links:
  - {{between: [gw, ips], bandwidth: 100Mbps}}
  - {{between: [ips, sw], bandwidth: 100Mbps}}
  - {{between: [sw, ied-a], bandwidth: 100Mbps}}
  - {{between: [sw, ied-b], bandwidth: 100Mbps}}
flows:
{flows}
vulnerabilities:
  - {{id: V1, affects: {{assets: [ied-a, ied-b]}}, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", service: mms}}
controls:
  - {{id: inspection, kind: virtual_patch, conduit: c, blocks: [V1], inspection_latency: 300us, deploy_time: 0s}}
{extra}
"#
    ))
}

#[test]
fn inspection_is_service_in_the_ips_and_never_in_before() {
    let model = ips_plant(
        &["goose", "mms"],
        "plans:\n  - {id: defer}\n  - {id: vpatch, actions: [{control: inspection, at: now}]}",
    );
    let (goose, mms) = (flow(&model, "goose"), flow(&model, "mms"));
    let settings = model.run_settings(2 * S);
    let mut runs = Vec::new();
    for plan in 0..2 {
        let (out, _) = Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(3)).run();
        runs.push(out);
    }
    let (defer, vpatch) = (&runs[0], &runs[1]);
    // "Before" is the plant as found, for both plans: the same runs give the same numbers.
    for f in [goose, mms] {
        assert_eq!(
            defer.flows[f].latency_sum_ns, vpatch.flows[f].latency_sum_ns,
            "a control in force at t = 0 does not leak into before ({})",
            model.scenario.flows[f].id
        );
    }
    let after = &vpatch.flows_after;
    // The GOOSE flow never crosses the IPS: after is as before. A publication's latency runs
    // from the end of ied-a's scan, when it is ready; it may wait behind one MMS request
    // served at the same scan end (200 us; one request per 10 ms).
    let goose_fixed = 200_000
        + serialization_ns(300, 100_000_000)
        + 5_000
        + serialization_ns(300, 100_000_000)
        + 200_000;
    for st in [&vpatch.flows[goose], &after[goose]] {
        assert!(st.completed > 400);
        assert!(st.latency_min_ns >= goose_fixed && st.latency_max_ns <= goose_fixed + 250_000);
    }
    // The MMS poll crosses the IPS twice (request and answer): after, it pays 2 × 300 us more
    // on average than before, and its fixed part moves by exactly that.
    let before_min = vpatch.flows[mms].latency_min_ns;
    let after_min = after[mms].latency_min_ns;
    let shift = after_min as i64 - before_min as i64;
    assert!(
        (shift - 600_000).abs() < 20_000,
        "minimum latency moves by the two inspections: {shift} ns"
    );
    let mean_shift =
        after[mms].mean_latency_ns().unwrap() - vpatch.flows[mms].mean_latency_ns().unwrap();
    assert!(
        (mean_shift - 600_000.0).abs() < 60_000.0,
        "mean latency moves by the two inspections: {mean_shift} ns"
    );
    // Nothing else queues behind the inspection: the GOOSE mean stays within its own noise.
    let goose_shift =
        after[goose].mean_latency_ns().unwrap() - vpatch.flows[goose].mean_latency_ns().unwrap();
    assert!(
        goose_shift.abs() < 30_000.0,
        "GOOSE moved by {goose_shift} ns"
    );
}

#[test]
fn a_firmwares_side_effects_slow_publications_from_the_end_of_the_baseline() {
    let model = ips_plant(
        &["goose"],
        r#"patches:
  - id: fw
    fixes: [V1]
    applies_to: {assets: [ied-a, ied-b]}
    deploy_time: 0s
    restart: none
    failure: {probability: 0.0, rollback_time: 1s}
    side_effects: {added_service_time: 150us, added_cpu_load: 0.2}
plans:
  - {id: defer}
  - {id: fw-now, actions: [{patch: fw, at: now}]}"#,
    );
    let goose = flow(&model, "goose");
    let settings = model.run_settings(2 * S);
    let run = |plan| {
        let mut before = FlowStats::new();
        let mut after = FlowStats::new();
        for seed in 0..10 {
            let (out, _) =
                Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(seed)).run();
            before.merge(&out.flows[goose]);
            after.merge(&out.flows_after[goose]);
        }
        (before, after)
    };
    let (defer_before, _) = run(0);
    let (before, after) = run(1);
    // The firmware goes in at t = 0 without a restart; "before" is still the plant as found.
    assert_eq!(before.latency_sum_ns, defer_before.latency_sum_ns);
    // A publication's latency is its transfer time, from the end of the publisher's scan:
    // the publisher's processing, two 300 B frames at 100 Mbps with 5 us of propagation
    // each (the default), the switch, the subscriber's processing — every message alike. After: each relay's processing is (200 + 150) us ×
    // 1 / (1 − 0.2) = 437.5 us (was 200), at the publisher and at the subscriber; the scan
    // stretches from 1 ms to 1.25 ms, which changes when publications leave, not their
    // latency.
    let wire = 2 * (serialization_ns(300, 100_000_000) + 5_000) + 5_000;
    let was = 2 * 200_000 + wire;
    let now = 2 * 437_500 + wire;
    assert_eq!((before.latency_min_ns, before.latency_max_ns), (was, was));
    assert_eq!((after.latency_min_ns, after.latency_max_ns), (now, now));
    assert!(after.completed > 4_000, "{}", after.completed);
}
