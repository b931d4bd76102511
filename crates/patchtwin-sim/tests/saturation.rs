//! A saturated link is a finding, not a crash: a 9600 bps link offered a 1 kB message every
//! millisecond (serializing one takes 1000 × 8 / 9600 = 0.833 s) would queue one event per
//! message without end over a long observation window. Every queue holds at most
//! `QUEUE_BOUND` messages; beyond it messages are dropped and counted, and the outcome and the
//! trace say the link saturated, when, and how much it dropped.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::saturation::QUEUE_BOUND;
use patchtwin_sim::{Compiled, Replication, SaturatedQueue};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

fn plant(flow: &str) -> Compiled {
    let yaml = format!(
        r#"
name: saturated
horizon: 1d
zones: [{{id: z, purdue_level: 1}}]
assets:
  - {{id: plc, zone: z, model: fast-plc}}
  - {{id: scada, zone: z, model: scada-server}}
links:
  - {{between: [scada, plc], bandwidth: 9600bps, latency: 1ms}}
flows:
  - {flow}
plans: [{{id: defer}}]
"#
    );
    match load_str(&yaml, "sat.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

#[test]
fn a_1ms_poll_of_1kb_over_9600bps_saturates_the_link_and_the_run_stays_bounded() {
    let model = plant(
        "{id: poll, kind: poll, protocol: modbus_tcp, consumer: scada, producer: plc, period: 1ms, request_size: 1kB, response_size: 1kB, timeout: 100ms, retries: 3, on_loss: {after_timeouts: 3}}",
    );
    let settings = model.run_settings(600 * S);
    let (out, trace) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(1))
        .with_trace()
        .run();
    // Each attempt (one per 100 ms timeout) queues a request; one leaves every 0.833 s, so
    // the scada → plc transmitter gains ~8.8 a second and reaches the bound after ~116 s.
    let link = out
        .saturated
        .iter()
        .find(|s| matches!(s.queue, SaturatedQueue::Link { .. }))
        .expect("the link saturates");
    let t = link.reached_at as f64 / S as f64;
    let expected = f64::from(QUEUE_BOUND) / (10.0 - 1.0 / (8000.0 / 9600.0));
    assert!(
        (t - expected).abs() < 0.1 * expected,
        "reached the bound at {t:.1} s, hand calculation {expected:.1} s"
    );
    assert!(link.dropped > 0);
    assert!(
        out.mean_pending < 2.0 * f64::from(QUEUE_BOUND),
        "pending events stay bounded: {}",
        out.mean_pending
    );
    let line = trace
        .iter()
        .find(|l| l.kind == "saturated")
        .expect("a trace line");
    assert_eq!(line.entity, "scada");
    assert!(
        line.text
            .contains(&format!("queue reached {QUEUE_BOUND} messages"))
    );
    assert!(
        out.flows[0].lost >= link.dropped,
        "drops count as lost messages"
    );
}

#[test]
fn a_1ms_publication_of_1kb_over_9600bps_is_dropped_beyond_the_bound() {
    let model = plant(
        "{id: pub, kind: publish, protocol: cip, consumer: scada, producer: plc, period: 1ms, response_size: 1kB, on_loss: {watchdog: 10s}}",
    );
    let settings = model.run_settings(600 * S);
    let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(1)).run();
    // 600,000 publications offered; 720 can be sent (600 s / 0.833 s); the queue reaches the
    // bound after ~1,025 ms (1,024 queued, one gone) and the rest is dropped.
    assert_eq!(out.saturated.len(), 1);
    let s = &out.saturated[0];
    let t = s.reached_at as f64 / S as f64;
    assert!((1.0..1.1).contains(&t), "reached the bound at {t} s");
    let sent = out.flows[0].sent;
    assert_eq!(sent, 600_000);
    assert!(
        s.dropped > sent - 720 - u64::from(QUEUE_BOUND) - 5 && s.dropped < sent - 720,
        "dropped {}",
        s.dropped
    );
    assert!(out.mean_pending < 2.0 * f64::from(QUEUE_BOUND));
}
