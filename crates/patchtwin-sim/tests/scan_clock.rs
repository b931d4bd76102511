//! A controller's scan clock against independent references: each controller runs one scan
//! clock (a renewal process of scan lengths), so consecutive requests see consecutive scans.
//!
//! - Aliasing: a PLC whose scan, U(95, 105) ms, is close to its 100 ms poll period. Polls land
//!   at nearly the same point of successive scans, so timeouts come in runs and comm-fail
//!   (3 in a row) follows far more often than independent waits would give. The reference is
//!   a brute-force simulation written here, without the sim crate: a loop over scans and polls.
//! - Renewal theory: at moments that do not depend on the clock (periodic polls), the mean
//!   wait to the next scan end is the stationary residual `E[S²] / (2 E[S])`, whether the clock
//!   walks from one poll to the next or has forgotten its phase and restarts.
//!
//! Statistical checks compare means over replications with a 99.9% interval (z = 3.29) from the
//! replications' own spread; nothing is tuned to pass.

use patchtwin_model::Scenario;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::compiled::serialization_ns;
use patchtwin_sim::{Compiled, Replication};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const MS: u64 = 1_000_000;
const S: u64 = 1_000_000_000;

fn scenario(yaml: &str) -> Arc<Scenario> {
    match load_str(yaml, "scan-clock.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Arc::new(l.scenario),
        Err(d) => panic!("scan-clock scenario invalid:\n{}", d.render()),
    }
}

/// A client polling a PLC through one switch on fast links; `plc` and `flow` are spliced in.
fn plant(plc_overrides: &str, flow: &str) -> String {
    format!(
        r#"
name: scan-clock
horizon: 1d
zones: [{{id: z, purdue_level: 2}}]
assets:
  - {{id: client, zone: z, model: scada-server, overrides: {{service_time: 0}}}}
  - {{id: sw, zone: z, model: managed-switch, overrides: {{service_time: 1us}}}}
  - {{id: plc, zone: z, model: fast-plc, overrides: {plc_overrides}}}
links:
  - {{between: [client, sw], bandwidth: 1Gbps, latency: 1us}}
  - {{between: [sw, plc], bandwidth: 1Gbps, latency: 1us}}
flows:
{flow}
plans: [{{id: defer}}]
"#
    )
}

/// One-way network times of `plant` (request, response): serialization and propagation on
/// both links plus the switch's forwarding time.
fn network_ns(request_bytes: u32, response_bytes: u32) -> (u64, u64) {
    let one_way = |b| 2 * (serialization_ns(b, 1_000_000_000) + 1_000) + 1_000;
    (one_way(request_bytes), one_way(response_bytes))
}

/// Mean and 99.9% half-width of `xs`' mean.
fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, 3.29 * (var / n).sqrt())
}

/// Lag-1 autocorrelation of a 0/1 series.
fn lag1_autocorrelation(xs: &[bool]) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().filter(|x| **x).count() as f64 / n;
    let d: Vec<f64> = xs.iter().map(|x| f64::from(u8::from(*x)) - mean).collect();
    let num: f64 = d.windows(2).map(|w| w[0] * w[1]).sum();
    let den: f64 = d.iter().map(|x| x * x).sum();
    num / den
}

/// Per-replication statistics of one poll flow: (timeout fraction, lag-1 autocorrelation of
/// the timeout series, comm-fail declarations).
type PollRun = (f64, f64, f64);

const POLL_PERIOD: u64 = 100 * MS;
const POLL_TIMEOUT: u64 = 80 * MS;
const WINDOW: u64 = 600 * S;
const FAIL_AFTER: u32 = 3;

/// The brute-force reference: scans of U(95, 105) ms back to back from long before the window
/// (so the clock is stationary at time 0), polls every 100 ms from time 0; a request reaching
/// the PLC is answered at the first scan end after it; a poll whose answer takes longer than
/// the timeout times out; `FAIL_AFTER` consecutive timeouts declare comm-fail once, an answer
/// clears it.
fn reference_run(rng: &mut Pcg64Mcg, request_ns: u64, response_ns: u64) -> PollRun {
    let mut boundary: f64 = -200.0e9;
    let polls = WINDOW / POLL_PERIOD;
    let mut timeouts = Vec::with_capacity(polls as usize);
    let (mut run_length, mut failed, mut comm_fails) = (0u32, false, 0u32);
    for j in 0..polls {
        let sent = (j * POLL_PERIOD) as f64;
        let arrives = sent + request_ns as f64;
        while boundary <= arrives {
            boundary += 95.0e6 + 10.0e6 * rng.random::<f64>();
        }
        let answered = boundary + response_ns as f64;
        let timed_out = answered - sent > POLL_TIMEOUT as f64;
        timeouts.push(timed_out);
        if timed_out {
            run_length += 1;
            if run_length >= FAIL_AFTER && !failed {
                failed = true;
                comm_fails += 1;
            }
        } else {
            run_length = 0;
            failed = false;
        }
    }
    let rate = timeouts.iter().filter(|t| **t).count() as f64 / timeouts.len() as f64;
    (rate, lag1_autocorrelation(&timeouts), f64::from(comm_fails))
}

/// The engine's run: the timeout series read back from the trace (a poll sent at `t` times out
/// at `t + 80 ms`).
fn engine_run(model: &Compiled, seed: u64) -> PollRun {
    let settings = model.run_settings(WINDOW);
    let (out, trace) = Replication::new(model, 0, settings, Pcg64Mcg::seed_from_u64(seed))
        .with_trace()
        .run();
    let st = &out.flows[0];
    let polls = WINDOW / POLL_PERIOD;
    assert_eq!(st.sent, polls, "one poll every 100 ms, none skipped");
    let mut timeouts = vec![false; polls as usize];
    for line in trace.iter().filter(|l| l.kind == "timeout") {
        let since = line.time - POLL_TIMEOUT;
        assert_eq!(since % POLL_PERIOD, 0, "{line:?}");
        timeouts[(since / POLL_PERIOD) as usize] = true;
    }
    let n_timeouts = timeouts.iter().filter(|t| **t).count() as u64;
    assert_eq!(n_timeouts, st.timeouts, "every timeout is in the trace");
    let rate = n_timeouts as f64 / polls as f64;
    (
        rate,
        lag1_autocorrelation(&timeouts),
        st.comm_fail_events as f64,
    )
}

#[test]
fn aliased_polls_time_out_in_runs_like_the_brute_force_reference() {
    let model = Compiled::new(scenario(&plant(
        "{scan_cycle: {uniform: {min: 95ms, max: 105ms}}, service_time: 0, cpu_load: 0}",
        "  - {id: poll, kind: poll, protocol: modbus_tcp, consumer: client, producer: plc, period: 100ms, request_size: 64B, response_size: 256B, timeout: 80ms, retries: 0, on_loss: {after_timeouts: 3}}",
    )));
    let (request_ns, response_ns) = network_ns(64, 256);
    let engine: Vec<PollRun> = (0..120).map(|seed| engine_run(&model, seed)).collect();
    let mut rng = Pcg64Mcg::seed_from_u64(0x5ca1_ab1e);
    let reference: Vec<PollRun> = (0..400)
        .map(|_| reference_run(&mut rng, request_ns, response_ns))
        .collect();
    let stats = [
        ("timeout rate", 0usize),
        ("lag-1 autocorrelation of timeouts", 1),
        ("comm-fail declarations per 600 s", 2),
    ];
    for (what, i) in stats {
        let pick =
            |runs: &[PollRun]| -> Vec<f64> { runs.iter().map(|r| [r.0, r.1, r.2][i]).collect() };
        let (e, he) = mean_ci(&pick(&engine));
        let (r, hr) = mean_ci(&pick(&reference));
        let combined = (he * he + hr * hr).sqrt();
        eprintln!("{what}: engine {e:.4} ± {he:.4}, reference {r:.4} ± {hr:.4}");
        assert!(
            (e - r).abs() <= combined,
            "{what}: engine {e:.4} ± {he:.4}, reference {r:.4} ± {hr:.4}"
        );
    }
    // Hand calculation of the timeout rate: a poll times out when its wait exceeds
    // 80 ms less the network time `d`. Every scan is longer than that, so the stationary
    // residual exceeds it with probability E[S − (80 ms − d)] / E[S] = (20 ms + d) / 100 ms.
    let d = (request_ns + response_ns) as f64;
    let theory = (20e6 + d) / 100e6;
    for (who, runs) in [("engine", &engine), ("reference", &reference)] {
        let (rate, half) = mean_ci(&runs.iter().map(|r| r.0).collect::<Vec<_>>());
        assert!(
            (rate - theory).abs() <= half,
            "{who}: timeout rate {rate:.4} ± {half:.4}, theory {theory:.4}"
        );
    }
    // The runs are what matters: independent waits would give an autocorrelation near 0.
    let (r_auto, _) = mean_ci(&reference.iter().map(|r| r.1).collect::<Vec<_>>());
    assert!(r_auto > 0.5, "the reference shows runs ({r_auto})");
}

#[test]
fn polls_wait_the_stationary_residual_of_a_random_scan() {
    // Scan U(5, 15) ms on a CPU loaded 0.2, stretched by 1 / (1 − 0.2) = 1.25: S ~ U(6.25,
    // 18.75) ms, E[S] = 12.5 ms, E[S²] = 12.5² + 12.5²/12 ms², so a request arriving at a
    // moment that does not depend on the clock waits E[S²] / (2 E[S]) = 6.7708 ms on average
    // (the inspection paradox: not E[S] / 2 = 6.25 ms), however its wait correlates with the
    // previous one. Periodic polls are such moments (a poll is never skipped: every answer comes
    // within 20 ms). Every 100 ms (8 scans) the clock walks scan by scan; every 250 ms it has
    // forgotten its phase (after (E[S] / sd S)² = 12 scans, 150 ms) and restarts.
    for period in ["100ms", "250ms"] {
        let model = Compiled::new(scenario(&plant(
            "{scan_cycle: {uniform: {min: 5ms, max: 15ms}}, service_time: 0, cpu_load: 0.2}",
            &format!(
                "  - {{id: poll, kind: poll, protocol: modbus_tcp, consumer: client, producer: plc, period: {period}, request_size: 64B, response_size: 256B, timeout: 90ms}}"
            ),
        )));
        let (request_ns, response_ns) = network_ns(64, 256);
        let settings = model.run_settings(300 * S);
        let means: Vec<f64> = (0..30)
            .map(|seed| {
                let (out, _) =
                    Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(seed)).run();
                out.flows[0].mean_latency_ns().expect("answers") - (request_ns + response_ns) as f64
            })
            .collect();
        let (mean, half) = mean_ci(&means);
        let (mean_scan, sd_scan) = (12.5e6, 12.5e6 / 12f64.sqrt());
        let theory = (mean_scan * mean_scan + sd_scan * sd_scan) / (2.0 * mean_scan);
        assert!(
            (mean - theory).abs() <= half,
            "polls every {period}: mean wait {mean:.0} ns ± {half:.0}, theory {theory:.0}"
        );
    }
}
