//! Lazily re-armed timers are exact. A poll's timeout and a publication watchdog keep at most
//! one event in the queue per flow (`net::arm_timer`); with the test switch
//! `RunSettings::with_eager_timers` every arming queues its own event instead, as a plain implementation
//! would. Both must give the same outcome and the same narrated trace — every timeout, retry,
//! comm-fail and stale declaration at the same nanosecond and in the same order — while the
//! lazy timers handle fewer events.

use patchtwin_model::Scenario;
use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Replication, TraceLine};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

mod common;

/// A plant built to time out and go stale often: a lossy, jittery uplink; a controller
/// whose service time straddles the poll timeout; publications over the lossy link with a
/// watchdog of two periods; flows whose timers expire at the very nanosecond other events
/// are due (phase 0, a watchdog equal to the period, a timeout of two periods), so that ties
/// decide the order; and a plan that patches the slow server at once — a service restart (an
/// outage in mid-window) and an "after" window that opens at the instant the baseline closes,
/// while baseline timers are still queued.
fn stressed() -> Compiled {
    let yaml = r#"
name: stressed
horizon: 1d
zones: [{id: z, purdue_level: 2}]
assets:
  - {id: client, zone: z, model: scada-server, overrides: {service_time: 100us}}
  - {id: sw, zone: z, model: managed-switch, overrides: {service_time: 5us}}
  - {id: slow, zone: z, model: mes-server, overrides: {service_time: {uniform: {min: 1ms, max: 14ms}}}}
  - {id: plc, zone: z, model: fast-plc}
links:
  - {between: [client, sw], bandwidth: 100Mbps, latency: 10us}
  - {between: [sw, slow], bandwidth: 10Mbps, latency: 40us, loss: 0.1, jitter: {uniform: {min: 0us, max: 3ms}}}
  - {between: [sw, plc], bandwidth: 10Mbps, latency: 40us, loss: 0.25}
flows:
  - {id: poll-slow, kind: poll, protocol: opc_ua, consumer: client, producer: slow, period: 20ms, request_size: 64B, response_size: 256B, timeout: 10ms, retries: 1, on_loss: {after_timeouts: 2}}
  - {id: poll-plc, kind: poll, protocol: modbus_tcp, consumer: client, producer: plc, period: 10ms, phase: 3ms, request_size: 64B, response_size: 256B, timeout: 30ms, retries: 2, on_loss: {after_timeouts: 2}}
  - {id: poll-tie, kind: poll, protocol: modbus_tcp, consumer: client, producer: plc, period: 10ms, phase: 0ms, request_size: 64B, response_size: 256B, timeout: 20ms, retries: 3, on_loss: {after_timeouts: 1}}
  - {id: pub-plc, kind: publish, protocol: cip, consumer: client, producer: plc, period: 5ms, phase: 1ms, response_size: 300B, on_loss: {watchdog: 10ms}}
  - {id: pub-slow, kind: publish, protocol: cip, consumer: client, producer: slow, period: 4ms, response_size: 300B, on_loss: {watchdog: 9ms}}
  - {id: pub-tie, kind: publish, protocol: cip, consumer: client, producer: slow, period: 5ms, phase: 0ms, response_size: 300B, on_loss: {watchdog: 5ms}}
vulnerabilities:
  - {id: V1, affects: {assets: [slow]}, cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:H"}
patches:
  - id: p1
    fixes: [V1]
    applies_to: {assets: [slow]}
    deploy_time: 300ms
    restart: service
    restart_time: 200ms
    failure: {probability: 0.0, rollback_time: 1s}
    side_effects: {added_service_time: 1ms}
plans:
  - {id: defer}
  - {id: now, actions: [{patch: p1, at: now}]}
"#;
    let loaded: Scenario = match load_str(yaml, "stressed.yaml", &ModelLibrary::builtin()) {
        Ok(l) => l.scenario,
        Err(d) => panic!("stressed scenario invalid:\n{}", d.render()),
    };
    Compiled::new(Arc::new(loaded))
}

/// Runs plan `plan` at `seed` both ways; returns the lazy run's trace and (events lazy, eager).
fn compare(
    model: &Compiled,
    what: &str,
    plan: usize,
    seed: u64,
    observe_ns: u64,
) -> (Vec<TraceLine>, u64, u64) {
    let settings = model.run_settings(observe_ns);
    let run = |eager: bool| {
        let settings = settings.with_eager_timers(eager);
        Replication::new(model, plan, settings, Pcg64Mcg::seed_from_u64(seed))
            .with_trace()
            .run()
    };
    let (lazy, lazy_trace) = run(false);
    let (eager, eager_trace) = run(true);
    let what = format!("{what}, plan {plan}, seed {seed}");
    assert_eq!(lazy.ops, eager.ops, "{what}: operations outcome");
    assert_eq!(lazy.exposure, eager.exposure, "{what}: exposure");
    assert_eq!(
        format!("{:?}", (&lazy.flows, &lazy.flows_after)),
        format!("{:?}", (&eager.flows, &eager.flows_after)),
        "{what}: flow statistics"
    );
    assert_eq!(lazy_trace, eager_trace, "{what}: trace");
    assert!(lazy.events <= eager.events, "{what}: more events lazily");
    (lazy_trace, lazy.events, eager.events)
}

#[test]
fn lazy_timers_equal_eager_timers_under_stress() {
    let model = stressed();
    let (mut timeouts, mut stale, mut comm_fail, mut saved, mut restarts) = (0, 0, 0, 0, 0);
    for plan in 0..model.scenario.plans.len() {
        // Windows that end on, just before and just after the periods' grid, and short ones
        // that end while timers of the baseline are still queued.
        for observe_ns in [
            1_000_000_000,
            999_999_999,
            1_003_000_000,
            20_000_000,
            5_000_000,
        ] {
            for seed in 0..3 {
                let what = format!("stressed, window {observe_ns} ns");
                let (trace, lazy, eager) = compare(&model, &what, plan, seed, observe_ns);
                let count = |kind: &str| trace.iter().filter(|l| l.kind == kind).count();
                timeouts += count("timeout");
                stale += count("stale");
                comm_fail += count("comm_fail");
                saved += eager - lazy;
                restarts += count("restart");
            }
        }
    }
    eprintln!("timeouts {timeouts}, stale {stale}, comm-fail {comm_fail}, events saved {saved}");
    // Not vacuous: the timers expired, were re-armed and were voided many times over, and
    // the patched server restarted in mid-window.
    assert!(timeouts >= 200, "timeouts: {timeouts}");
    assert!(stale >= 50, "stale declarations: {stale}");
    assert!(comm_fail >= 10, "comm-fail declarations: {comm_fail}");
    assert!(saved >= 1000, "events saved: {saved}");
    assert!(restarts > 0, "no restart of the patched server");
}

#[test]
fn lazy_timers_equal_eager_timers_on_shipped_plants() {
    for name in [
        "ews-actively-exploited.yaml",
        "substation.yaml",
        "packaging-line.yaml",
        "water-treatment.yaml",
    ] {
        let model = common::shipped(name);
        for plan in 0..model.scenario.plans.len() {
            for seed in 0..2 {
                compare(&model, name, plan, seed, 2_000_000_000);
            }
        }
    }
}
