//! Taking things out of service against hand arithmetic and closed forms: an asset's outage
//! (trip, downtime, cost, historian gap by the buffer rule) and an entry point, gateway or
//! conduit out of service for the first days (the attacker's chain starts later), and a
//! control in force for the same period.

use super::attack::hypoexponential_cdf;
use super::*;

#[test]
fn taking_an_asset_out_costs_its_period_by_hand() {
    // A PLC drives a unit (2 h to restart, 1,000 per hour) and publishes to a historian
    // through a switch; the PLC holds 30 min of data, the historian none. Nothing is random:
    // no faults, no threat.
    let yaml = r#"
name: take-out-asset
horizon: 10d
zones: [{id: cell, purdue_level: 1}, {id: ops, purdue_level: 3}]
conduits:
  - {id: c, zones: [cell, ops], protocols: [opc_ua], direction: first_to_second}
assets:
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0, buffer: 30m}}
  - {id: sw, kind: switch, zone: cell, model: managed-switch, overrides: {fault_rate_per_day: 0}}
  - {id: hist, kind: historian, zone: ops, model: historian, overrides: {fault_rate_per_day: 0, buffer: 0s}}
links:
  - {between: [plc, sw], bandwidth: 100Mbps}
  - {between: [sw, hist], bandwidth: 100Mbps}
flows:
  - {id: tags, kind: publish, protocol: opc_ua, consumer: hist, producer: plc, period: 1s, on_loss: {watchdog: 10s}}
process_units:
  - id: line
    depends_on: [{asset: plc}]
    restart_time: 2h
    downtime_cost_per_hour: 1000
plans:
  - {id: defer}
  - {id: plc-off, actions: [{take_out: plc, at: 2d, for: 3d}]}
  - {id: switch-off, actions: [{take_out: sw, at: 2d, for: 3d}]}
"#;
    let tmp = util::TempDir::new("indep-take-out");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let s = run(&file, 20, 1, &tmp.path().join("out"));
    // By hand, per run:
    // - plc-off: the unit trips when its PLC goes at day 2, waits the 72 h out, restarts in
    //   2 h: 74 h down, 74,000; the PLC is the producer and down, so its whole 72 h is lost
    //   to the historian;
    // - switch-off: the unit does not need the switch; the route breaks with the producer
    //   up, so the larger buffer (the PLC's 30 min) holds the data: 72 h − 0.5 h lost.
    for (i, id, trip, down, gap) in [
        (0, "defer", 0.0, 0.0, 0.0),
        (1, "plc-off", 1.0, 74.0, 72.0),
        (2, "switch-off", 0.0, 0.0, 71.5),
    ] {
        let plan = &s["plans"][i];
        assert_eq!(plan["id"], id);
        let ops = &plan["operations"];
        for (what, path, by_hand) in [
            ("P(trip)", &["p_trip", "mean"][..], trip),
            ("downtime h", &["downtime_h", "mean"], down),
            ("downtime cost", &["downtime_cost", "mean"], 1000.0 * down),
            ("historian gap h", &["historian_gap_h", "mean"], gap),
        ] {
            let got = num(ops, path);
            eprintln!("{id}: {what} {got}, by hand {by_hand}");
            assert!(
                (got - by_hand).abs() < 1e-6,
                "{id}: {what} {got}, by hand {by_hand}"
            );
        }
        // The take-out is the plan's one change, and it completes.
        let changes = if i == 0 { 0.0 } else { 1.0 };
        assert_eq!(num(ops, &["changes_completed"]), changes, "{id}");
        assert!((num(plan, &["expected_loss", "mean"]) - 1000.0 * down).abs() < 1e-6);
        // A trip breaks operational success; a gap without a data-loss consequence does not.
        assert_eq!(num(plan, &["dual_success", "mean"]), 1.0 - trip, "{id}");
    }
}

#[test]
fn an_entry_point_gateway_or_conduit_out_of_service_delays_the_attacker() {
    // Footholds on the gateway at 0.5 per day (attempts every day, half succeed), then one
    // exploit of the PLC across the conduit (TTC exponential, mean 3 d), over 10 days.
    let yaml = r#"
name: take-out-entry
horizon: 10d
zones:
  - {id: dmz, purdue_level: 3.5}
  - {id: cell, purdue_level: 1}
conduits:
  - {id: dmz-cell, zones: [dmz, cell], protocols: [modbus_tcp], direction: first_to_second}
assets:
  - {id: rag, kind: remote_access_gateway, zone: dmz, model: remote-access-gateway, overrides: {fault_rate_per_day: 0}}
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0}}
vulnerabilities:
  - {id: V, affects: {assets: [plc]}, service: modbus_tcp, ttc: {exponential: {mean: 3d}}}
controls:
  - {id: shut, kind: remote_access_restriction, entry_point: vpn, residual: 0, deploy_time: 0s, failure_probability: 0}
threat:
  capability: medium
  entry_points:
    - {id: vpn, kind: vendor_remote_access, asset: rag, mean_time_between_attempts: 1d, foothold_probability: 0.5}
  targets:
    - {asset: plc, impact_cost: 1000}
plans:
  - {id: defer}
  - {id: vpn-off, actions: [{take_out: vpn, at: now, for: 4d}]}
  - {id: rag-off, actions: [{take_out: rag, at: now, for: 4d}]}
  - {id: conduit-off, actions: [{take_out: dmz-cell, at: now, for: 4d}]}
  - {id: shut-4d, actions: [{control: shut, at: now, for: 4d}]}
"#;
    let tmp = util::TempDir::new("indep-take-out-entry");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 2, &tmp.path().join("out"));
    let (a, b, horizon, off) = (0.5f64, 1.0 / 3.0, 10.0, 4.0);
    // Defer: foothold then exploit, hypoexponential at day 10. With the entry point or the
    // gateway out for 4 days no attempt lands until then, and attempts are memoryless: the
    // same chain over the 6 days left. With the conduit out, footholds still come (rate a)
    // but the exploit (memoryless too) can only run from day 4:
    // P = (1 − e^{−4a}) (1 − e^{−6b}) + e^{−4a} · F_hypo(6).
    let late = hypoexponential_cdf(horizon - off, &[a, b]);
    let conduit =
        (1.0 - (-off * a).exp()) * (1.0 - (-(horizon - off) * b).exp()) + (-off * a).exp() * late;
    for (i, id, truth, exposure) in [
        (0, "defer", hypoexponential_cdf(horizon, &[a, b]), horizon),
        (1, "vpn-off", late, horizon - off),
        (2, "rag-off", late, horizon - off),
        (3, "conduit-off", conduit, horizon - off),
        (4, "shut-4d", late, horizon - off),
    ] {
        let plan = &s["plans"][i];
        assert_eq!(plan["id"], id);
        let e = &plan["exposure"];
        let p = num(e, &["p_compromise", "mean"]);
        let z = (p - truth) / (truth * (1.0 - truth) / runs).sqrt();
        eprintln!("{id}: P(compromise) {p}, closed form {truth:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{id}: P(compromise) {p}, closed form {truth:.5}, z = {z:.2}"
        );
        let (lo, hi) = (
            num(e, &["p_compromise", "lo"]),
            num(e, &["p_compromise", "hi"]),
        );
        assert!(
            lo <= truth && truth <= hi,
            "{id}: [{lo}, {hi}] misses {truth}"
        );
        // The PLC's pair is reachable only while everything on the way is in service.
        let days = num(e, &["exposure_days", "mean"]);
        assert!(
            (days - exposure).abs() < 1e-6,
            "{id}: exposure-days {days}, by hand {exposure}"
        );
        // Expected loss is the impact cost of the runs that reach the PLC.
        let loss = num(plan, &["expected_loss", "mean"]);
        assert!((loss - 1000.0 * p).abs() < 1e-6, "{id}: loss {loss}, P {p}");
    }
    // A restriction with no residual, in force for the same 4 days (instantly, never
    // failing), is the entry point's take-out by another name: on the same random numbers,
    // the same runs are compromised.
    assert_eq!(
        s["plans"][4]["exposure"]["p_compromise"],
        s["plans"][1]["exposure"]["p_compromise"]
    );
}
