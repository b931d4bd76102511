//! A poll master keeps one request in flight: a Poisson arrival while its request is
//! outstanding is skipped and counted (`FlowStats::skipped`). With arrivals at rate λ and a
//! constant busy time B per poll this is a one-server loss system (Erlang B with one server,
//! insensitive to the busy time's distribution): a share 1 / (1 + λB) of arrivals is sent, the
//! rate sent λ / (1 + λB). Checked on a one-link plant whose busy time is computed by hand.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::compiled::serialization_ns;
use patchtwin_sim::{Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

#[test]
fn skipped_poll_arrivals_follow_the_one_server_loss_formula() {
    let yaml = r#"
name: skipped-polls
horizon: 1d
zones: [{id: z, purdue_level: 2}]
assets:
  - {id: client, zone: z, model: scada-server, overrides: {service_time: 100us, cpu_load: 0}}
  - {id: server, zone: z, model: mes-server, overrides: {service_time: 700us, cpu_load: 0}}
links:
  - {between: [client, server], bandwidth: 100Mbps, latency: 50us}
flows:
  - {id: f, kind: poll, protocol: opc_ua, consumer: client, producer: server, period: 2ms, arrivals: poisson, request_size: 64B, response_size: 256B, timeout: 1s}
plans: [{id: defer}]
"#;
    let model = match load_str(yaml, "skipped.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    };
    // Busy time by hand: the client sends (100 us), 64 B at 100 Mbps and 50 us, the server
    // (700 us), 256 B back and 50 us, the client takes the answer in (100 us).
    let busy = 100_000
        + serialization_ns(64, 100_000_000)
        + 50_000
        + 700_000
        + serialization_ns(256, 100_000_000)
        + 50_000
        + 100_000;
    let lambda = 500.0; // per second: one arrival per 2 ms on average
    let sent_share = 1.0 / (1.0 + lambda * busy as f64 / 1e9);
    let settings = model.run_settings(20 * S);
    let shares: Vec<f64> = (0..12)
        .map(|seed| {
            let (out, _) =
                Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(seed)).run();
            let st = &out.flows[0];
            // Every poll sent took exactly the busy time: nothing queues, nothing times out.
            assert_eq!((st.latency_min_ns, st.latency_max_ns), (busy, busy));
            assert_eq!(st.timeouts, 0);
            assert!(st.skipped > 2_000, "seed {seed}: {} skipped", st.skipped);
            st.sent as f64 / (st.sent + st.skipped) as f64
        })
        .collect();
    // Independent runs: a Student-t 99.9% interval of the mean share (t ≈ 4.44 at 11 df).
    let n = shares.len() as f64;
    let mean = shares.iter().sum::<f64>() / n;
    let sd = (shares.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let half = 4.44 * sd / n.sqrt();
    assert!(
        (mean - sent_share).abs() < half,
        "share of arrivals sent {mean:.4} ± {half:.4}, theory 1 / (1 + λB) = {sent_share:.4}"
    );
    // Sharp enough to tell 1 / (1 + λB) ≈ 0.66 apart from a master that never skips (1).
    assert!(half < 0.01, "the check is sharp: ± {half}");
}
