//! Operations against hand calculations: rollbacks on n hosts (binomial), retries, a pilot
//! and a patch bad for the plant, spontaneous faults (Poisson), historian gaps and a switch
//! fault cascading to a trip.

use super::*;

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
    // Time to half the pairs (review finding 19), by hand: the hosts are patched one after
    // another, 20 min deployment + 30 s service restart each, so three hosts are done at the
    // earliest at 3 · 20.5 = 61.5 min, which is when it happens whenever the first three
    // succeed (0.8^3 = 51.2% of runs, more than half): the median is exactly 61.5 min, and
    // nothing is earlier. Rounded up to whole hours it read 2 h (0.0833 d).
    let half = &ttp[0];
    assert_eq!(num(half, &["share"]), 0.5);
    let earliest = 61.5 / 1440.0;
    let median = num(half, &["median_days"]);
    eprintln!("median time to 50%: {} min", median * 1440.0);
    assert!((median - earliest).abs() < 1e-12, "{half}");
    assert!(num(half, &["median_lo_days"]) >= earliest - 1e-12, "{half}");
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
