//! A publication's latency is its transfer time (IEC 61850-5, TT): from the moment the message
//! is ready at the publisher — the end of the scan that produced it — until the subscriber has
//! taken it in. The wait for the publisher's scan to end is the protection function's time, not
//! the communication's, and is not part of it. Hand calculation on a publisher → switch →
//! subscriber plant with constant times: every publication takes exactly the same time,
//! whatever the publisher's scan cycle, and a multicast copy takes exactly its own path's.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::compiled::serialization_ns;
use patchtwin_sim::{Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

/// ied-a publishes 300 B every 4.0123457 ms (incommensurate with its scan, so publications
/// sweep the scan's phase) through a switch to ied-b, and a multicast copy to ied-b and ied-c.
/// Both relays process in 200 us and 100 us at a CPU load of 0.2 (stretched to 250 and 125 us).
fn plant(scan: &str) -> Compiled {
    let yaml = format!(
        r#"
name: transfer-time
horizon: 1d
zones: [{{id: bay, purdue_level: 1}}]
assets:
  - {{id: ied-a, zone: bay, model: protection-ied, overrides: {{service_time: 200us, cpu_load: 0.2, scan_cycle: {scan}}}}}
  - {{id: sw, zone: bay, model: managed-switch, overrides: {{service_time: 5us}}}}
  - {{id: ied-b, zone: bay, model: protection-ied, overrides: {{service_time: 100us, cpu_load: 0.2}}}}
  - {{id: ied-c, zone: bay, model: protection-ied, overrides: {{service_time: 100us, cpu_load: 0.2}}}}
links:
  - {{between: [ied-a, sw], bandwidth: 100Mbps, latency: 2us}}
  - {{between: [sw, ied-b], bandwidth: 100Mbps, latency: 3us}}
  - {{between: [sw, ied-c], bandwidth: 1Gbps, latency: 7us}}
flows:
  - {{id: trip, kind: publish, protocol: goose, consumer: ied-b, producer: ied-a, period: 4.0123457ms, response_size: 300B, deadline: 3ms, on_loss: {{watchdog: 16ms}}}}
plans: [{{id: defer}}]
"#
    );
    match load_str(&yaml, "transfer.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

/// The hand-calculated transfer time to ied-b: the publisher's processing (200 us / 0.8), the
/// 300 B frame at 100 Mbps (24 us) and 2 us on the first link, the switch (5 us, in hardware:
/// no stretch), the frame again and 3 us, the subscriber's processing (100 us / 0.8).
fn to_b_ns() -> u64 {
    250_000
        + serialization_ns(300, 100_000_000)
        + 2_000
        + 5_000
        + serialization_ns(300, 100_000_000)
        + 3_000
        + 125_000
}

#[test]
fn a_publications_latency_is_its_exact_transfer_time_whatever_the_scan() {
    assert_eq!(to_b_ns(), 433_000);
    // Constant scans of 1 and 3 ms, stretched by the load to 1.25 and 3.75 ms: shorter than
    // the period, so each publication has its scan to itself.
    for scan in ["1ms", "3ms"] {
        let model = plant(scan);
        let settings = model.run_settings(2 * S);
        let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(5)).run();
        let st = &out.flows[0];
        assert!(
            st.completed >= 490,
            "scan {scan}: {} delivered",
            st.completed
        );
        assert_eq!(
            (st.latency_min_ns, st.latency_max_ns),
            (to_b_ns(), to_b_ns()),
            "scan {scan}: every publication takes exactly its transfer time"
        );
        assert_eq!(st.deadline_misses, 0, "433 us is well inside 3 ms");
    }
    // A scan of 1–4 ms stretched to 1.25–5 ms can outlast the period: two publications then
    // become ready at the same scan end, and the second waits for the publisher to process
    // the first (250 us) — the publisher's own queue is part of the transfer time; nothing
    // else is.
    let model = plant("{triangular: {min: 1ms, mode: 2ms, max: 4ms}}");
    let settings = model.run_settings(2 * S);
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(5)).run();
    let st = &out.flows[0];
    assert_eq!(
        (st.latency_min_ns, st.latency_max_ns),
        (to_b_ns(), to_b_ns() + 250_000)
    );
}

#[test]
fn a_multicast_copy_is_timed_from_the_same_moment() {
    let src = r#"
name: transfer-time-multicast
horizon: 1d
zones: [{id: bay, purdue_level: 1}]
assets:
  - {id: ied-a, zone: bay, model: protection-ied, overrides: {service_time: 200us, cpu_load: 0.2, scan_cycle: 3ms}}
  - {id: sw, zone: bay, model: managed-switch, overrides: {service_time: 5us}}
  - {id: ied-b, zone: bay, model: protection-ied, overrides: {service_time: 100us, cpu_load: 0.2}}
  - {id: ied-c, zone: bay, model: protection-ied, overrides: {service_time: 100us, cpu_load: 0.2}}
links:
  - {between: [ied-a, sw], bandwidth: 100Mbps, latency: 2us}
  - {between: [sw, ied-b], bandwidth: 100Mbps, latency: 3us}
  - {between: [sw, ied-c], bandwidth: 1Gbps, latency: 7us}
flows:
  - {id: trip, kind: publish, protocol: goose, consumer: [ied-b, ied-c], producer: ied-a, period: 4.0123457ms, response_size: 300B, deadline: 3ms, on_loss: {watchdog: 16ms}}
plans: [{id: defer}]
"#;
    let model = match load_str(src, "multicast.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    };
    let settings = model.run_settings(2 * S);
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(9)).run();
    let id = |i: usize| model.scenario.flows[i].id.clone();
    let (b, c) = (
        (0..2)
            .find(|&i| id(i) == "trip/ied-b")
            .expect("copy to ied-b"),
        (0..2)
            .find(|&i| id(i) == "trip/ied-c")
            .expect("copy to ied-c"),
    );
    // To ied-c the second frame crosses 1 Gbps (2.4 us) and 7 us instead of 24 us and 3 us.
    let to_c = 250_000
        + serialization_ns(300, 100_000_000)
        + 2_000
        + 5_000
        + serialization_ns(300, 1_000_000_000)
        + 7_000
        + 125_000;
    assert_eq!(to_c, 415_400);
    for (f, expected) in [(b, to_b_ns()), (c, to_c)] {
        let st = &out.flows[f];
        assert!(st.completed >= 490, "{}: {}", id(f), st.completed);
        assert_eq!(
            (st.latency_min_ns, st.latency_max_ns),
            (expected, expected),
            "{}",
            id(f)
        );
    }
}

#[test]
fn a_message_waiting_for_its_scan_holds_up_nothing_else_in_the_device() {
    // ied-b also publishes to ied-a, at the end of its own 3.01 ms scan (3.77 ms stretched;
    // not a multiple of ied-a's 1.25 ms, so the two scans' phases sweep each other). Its
    // publication joins ied-b's queue only when that scan ends, so a publication from ied-a
    // reaching ied-b meanwhile is taken in at once — it never waits for ied-b's scan. The
    // most a publication to ied-b can wait is one message of the other flow ahead of it in
    // each device it passes: ied-a taking in ied-b's (250 us), the switch (5 us), ied-b
    // processing its own (125 us). Had the waiting publication held ied-b's processor, a
    // publication to ied-b would wait up to the rest of ied-b's scan, 3.77 ms.
    let src = r#"
name: transfer-time-both-ways
horizon: 1d
zones: [{id: bay, purdue_level: 1}]
assets:
  - {id: ied-a, zone: bay, model: protection-ied, overrides: {service_time: 200us, cpu_load: 0.2, scan_cycle: 1ms}}
  - {id: sw, zone: bay, model: managed-switch, overrides: {service_time: 5us}}
  - {id: ied-b, zone: bay, model: protection-ied, overrides: {service_time: 100us, cpu_load: 0.2, scan_cycle: 3.0123457ms}}
links:
  - {between: [ied-a, sw], bandwidth: 100Mbps, latency: 2us}
  - {between: [sw, ied-b], bandwidth: 100Mbps, latency: 3us}
flows:
  - {id: trip, kind: publish, protocol: goose, consumer: ied-b, producer: ied-a, period: 4.0123457ms, response_size: 300B, on_loss: {watchdog: 16ms}}
  - {id: status, kind: publish, protocol: goose, consumer: ied-a, producer: ied-b, period: 5.0234567ms, response_size: 300B, on_loss: {watchdog: 16ms}}
plans: [{id: defer}]
"#;
    let model = match load_str(src, "both-ways.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    };
    let settings = model.run_settings(20 * S);
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(2)).run();
    let st = &out.flows[0];
    assert!(st.completed >= 4_900, "{}", st.completed);
    assert_eq!(st.latency_min_ns, to_b_ns(), "an idle path");
    let bound = to_b_ns() + 250_000 + 5_000 + 125_000;
    assert!(
        st.latency_max_ns <= bound,
        "a publication to ied-b waited {} ns beyond its transfer time (at most {} by hand)",
        st.latency_max_ns - to_b_ns(),
        bound - to_b_ns()
    );
    // Some publications do meet the other flow in a device: the bound is not idle.
    assert!(st.latency_max_ns > to_b_ns(), "{}", st.latency_max_ns);
}
