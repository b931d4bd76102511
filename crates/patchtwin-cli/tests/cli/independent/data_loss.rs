//! Reportable data-loss events against a thinned Poisson process: exponential outages of a
//! shared switch, a threshold beyond the buffer, and two flows whose common gaps are one event.

use super::*;

#[test]
fn reportable_gaps_from_exponential_outages_are_a_thinned_poisson_count() {
    // Two PLCs publish emissions tags to a historian through one switch. The switch faults at
    // 0.02 per day over 100 days (Poisson, mean m = 2) and is down for an exponential time D
    // (mean 1 h). The PLCs are up and hold 15 min each, so each flow loses (D − 15 min)+; the
    // two flows lose the same stretch, which the group counts once (its union). An event is a
    // stretch over 30 min: D > 45 min, probability q = e^{−0.75} per fault.
    let yaml = r#"
name: gap-threshold
horizon: 100d
zones: [{id: cell, purdue_level: 1}, {id: ops, purdue_level: 3}]
conduits:
  - {id: c, zones: [cell, ops], protocols: [opc_ua], direction: first_to_second}
assets:
  - {id: plc1, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0, buffer: 15m}}
  - {id: plc2, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0, buffer: 15m}}
  - {id: sw, kind: switch, zone: cell, model: managed-switch, overrides: {fault_rate_per_day: 0.02, reboot_time: {exponential: {mean: 1h}}}}
  - {id: hist, kind: historian, zone: ops, model: historian, overrides: {fault_rate_per_day: 0, buffer: 0s}}
links:
  - {between: [plc1, sw], bandwidth: 100Mbps}
  - {between: [plc2, sw], bandwidth: 100Mbps}
  - {between: [sw, hist], bandwidth: 100Mbps}
flows:
  - {id: nox, kind: publish, protocol: opc_ua, consumer: hist, producer: plc1, period: 1s, on_loss: {watchdog: 10s}}
  - {id: so2, kind: publish, protocol: opc_ua, consumer: hist, producer: plc2, period: 1s, on_loss: {watchdog: 10s}}
data_loss:
  - {id: emissions, flows: [nox, so2], gap_threshold: 30m, cost_per_event: 1000, cost_per_hour: 100}
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-gap-threshold");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 1, &tmp.path().join("out"));
    let plan = &s["plans"][0];
    let (m, q) = (2.0f64, (-0.75f64).exp());
    let check = |got: f64, mean: f64, var: f64, what: &str| {
        let z = (got - mean) / (var / runs).sqrt();
        eprintln!("{what}: {got}, closed form {mean:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{what}: {got}, closed form {mean:.5}, z = {z:.2}"
        );
    };
    let c = &plan["consequences"];
    // Events: Poisson with mean m·q (thinning); were the two flows counted apart, twice that.
    let events = num(c, &["data_loss_events_per_run"]);
    check(events, m * q, m * q, "events per run");
    let p_event = 1.0 - (-m * q).exp();
    let p = num(c, &["p_data_loss_event", "mean"]);
    check(
        p,
        p_event,
        p_event * (1.0 - p_event),
        "P(at least one event)",
    );
    let (lo, hi) = (
        num(c, &["p_data_loss_event", "lo"]),
        num(c, &["p_data_loss_event", "hi"]),
    );
    assert!(
        lo <= p_event && p_event <= hi,
        "[{lo}, {hi}] misses {p_event}"
    );
    assert_eq!(num(c, &["data_loss", "0", "p_event", "mean"]), p);
    // Lost hours, summed over the two flows: a compound Poisson sum of X = 2 (D − 1/4)+, with
    // E[(D − 1/4)+] = e^{−1/4} and E[(D − 1/4)+²] = 2 e^{−1/4} (D exponential, mean 1 h).
    let tail = (-0.25f64).exp();
    let gap = num(plan, &["operations", "historian_gap_h", "mean"]);
    check(gap, m * 2.0 * tail, m * 4.0 * 2.0 * tail, "historian gap h");
    // Cost: 1,000 per event plus 100 per hour of the group's lost time (the union: one flow's).
    let cost = num(c, &["data_loss_cost", "mean"]);
    let by_hand = 1000.0 * events + 100.0 * gap / 2.0;
    assert!(
        (cost - by_hand).abs() < 1e-6 * cost,
        "cost {cost}, by hand {by_hand}"
    );
    // An event breaks operational success; nothing else can happen in this plant.
    let dual = num(plan, &["dual_success", "mean"]);
    assert!(
        (dual - (1.0 - p)).abs() < 1e-12,
        "dual success {dual}, P(event) {p}"
    );
}
