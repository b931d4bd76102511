//! Taking things out of service (`take_out` plan actions) against hand calculation: an asset
//! out of service for a period loses exactly that period of view and stops its unit for the
//! period plus the unit's restart; a conduit out of service cuts the data crossing it for
//! exactly the period (less the buffer); an attacker whose only way in crosses a conduit, or
//! lands on an asset or comes through an entry point out of service, compromises nothing while
//! it is out, and its exposure is the rest of the horizon.

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Outcome, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const MIN: u64 = 60_000_000_000;
const H: u64 = 60 * MIN;
const DAY: u64 = 24 * H;

fn model(yaml: &str) -> Compiled {
    match load_str(yaml, "t.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

fn run(model: &Compiled, plan: &str, seed: u64) -> Outcome {
    let plan = model.scenario.plan_by_id(plan).expect("plan");
    let settings = model.run_settings(1_000_000_000);
    Replication::new(model, plan, settings, Pcg64Mcg::seed_from_u64(seed))
        .run()
        .0
}

/// A source publishing into a historian (buffer 1 min) through a switch in another zone
/// behind a conduit; operators' view and a unit depend on the switch itself.
const PLANT: &str = r#"
name: take-out
horizon: 1d
zones: [{id: field, purdue_level: 1}, {id: ops, purdue_level: 2}]
conduits:
  - {id: c-field-ops, zones: [field, ops], protocols: [opc_ua]}
assets:
  - {id: src, zone: field, model: interface-node, overrides: {buffer: 1m, fault_rate_per_day: 0}}
  - {id: sw, kind: switch, zone: field, model: managed-switch, overrides: {fault_rate_per_day: 0}}
  - {id: hist, zone: ops, model: historian, overrides: {buffer: 0, fault_rate_per_day: 0}}
links:
  - {between: [src, sw], bandwidth: 100Mbps}
  - {between: [sw, hist], bandwidth: 100Mbps}
flows:
  - {id: tag, kind: publish, protocol: opc_ua, consumer: hist, producer: src, period: 1s, response_size: 1kB}
functions:
  - {id: view, kind: view, depends_on: [{asset: sw}]}
process_units:
  - {id: unit, depends_on: [{asset: sw}], restart_time: 30m, downtime_cost_per_hour: 1000}
plans:
  - {id: keep}
  - {id: switch-off, actions: [{take_out: sw, at: 1h, for: 2h}]}
  - {id: conduit-off, actions: [{take_out: c-field-ops, at: 1h, for: 2h}]}
  - {id: switch-off-to-end, actions: [{take_out: sw, at: 20h}]}
"#;

#[test]
fn an_asset_out_of_service_costs_exactly_its_period() {
    let m = model(PLANT);
    let keep = run(&m, "keep", 1);
    assert_eq!(keep.ops.loss_of_view_ns, 0);
    assert_eq!(keep.ops.trips, 0);
    assert_eq!(keep.ops.historian_gap_ns, 0);
    // The switch is down from 1 h to 3 h: the view is lost for exactly 2 h; the unit trips,
    // waits for the switch, restarts in 30 min (downtime 2.5 h, 2,500); the tag's route is
    // broken for 2 h, of which the source's 1 min buffer holds 1 min: a 119 min gap.
    let off = run(&m, "switch-off", 1);
    assert_eq!(off.ops.loss_of_view_ns, 2 * H);
    assert_eq!(off.ops.trips, 1);
    assert_eq!(off.ops.downtime_ns, 2 * H + 30 * MIN);
    assert!((off.ops.downtime_cost - 2500.0).abs() < 1e-6);
    assert_eq!(off.ops.historian_gap_ns, 119 * MIN);
    // Without `for:` it stays out to the end of the horizon (20 h → 24 h): 4 h of view lost.
    let to_end = run(&m, "switch-off-to-end", 1);
    assert_eq!(to_end.ops.loss_of_view_ns, 4 * H);
}

#[test]
fn a_conduit_out_of_service_cuts_what_crosses_it_for_exactly_its_period() {
    let m = model(PLANT);
    // The conduit carries the tag: cut from 1 h to 3 h, a 119 min gap; the switch stays up, so
    // the view and the unit do not notice.
    let off = run(&m, "conduit-off", 1);
    assert_eq!(off.ops.historian_gap_ns, 119 * MIN);
    assert_eq!(off.ops.loss_of_view_ns, 0);
    assert_eq!(off.ops.trips, 0);
}

/// An attacker landing on `ws` (field zone) through `vendor`; the only vulnerable asset,
/// `plc`, sits in the control zone behind conduit `c-field-control`. Attempts every 6 h,
/// every one a foothold; the exploit takes 1 h.
const ATTACK: &str = r#"
name: take-out-attack
horizon: 30d
zones: [{id: field, purdue_level: 2}, {id: control, purdue_level: 1}]
conduits:
  - {id: c-field-control, zones: [field, control], protocols: [modbus_tcp], direction: first_to_second}
assets:
  - {id: ws, kind: engineering_workstation, zone: field, model: windows-ews, overrides: {fault_rate_per_day: 0}}
  - {id: fw, kind: firewall, zone: field, model: firewall, overrides: {fault_rate_per_day: 0}}
  - {id: plc, kind: plc, zone: control, model: fast-plc, overrides: {fault_rate_per_day: 0}}
links:
  - {between: [ws, fw], bandwidth: 1Gbps}
  - {between: [fw, plc], bandwidth: 1Gbps}
vulnerabilities:
  - {id: V, affects: {assets: [plc]}, service: modbus_tcp, exploit_maturity: functional, ttc: 1h}
threat:
  capability: medium
  entry_points:
    - {id: vendor, kind: vendor_remote_access, asset: ws, mean_time_between_attempts: 6h, foothold_probability: 1}
  targets:
    - {asset: plc}
plans:
  - {id: open}
  - {id: conduit-off, actions: [{take_out: c-field-control, at: now}]}
  - {id: conduit-off-10d, actions: [{take_out: c-field-control, at: now, for: 10d}]}
  - {id: entry-off-10d, actions: [{take_out: vendor, at: now, for: 10d}]}
  - {id: landing-off-10d, actions: [{take_out: ws, at: now, for: 10d}]}
  - {id: target-off-10d, actions: [{take_out: plc, at: now, for: 10d}]}
"#;

#[test]
fn an_attacker_whose_only_path_is_out_of_service_compromises_nothing_meanwhile() {
    let m = model(ATTACK);
    let runs = 200;
    let at = |plan: &str| -> Vec<Option<u64>> {
        (0..runs)
            .map(|i| run(&m, plan, i).exposure.compromised_at)
            .collect()
    };
    // Open: attempts every 6 h on average, each a foothold, then 1 h: nearly every run is
    // compromised within the first 10 days (P(no attempt in 10 d) = e^(−40)).
    let open = at("open");
    assert!(open.iter().all(|c| c.is_some_and(|t| t < 10 * DAY)));
    // Out of service for the whole horizon: P(compromise) = 0.
    assert!(at("conduit-off").iter().all(Option::is_none));
    // Out for the first 10 days: nothing before 10 d (the exploit then takes 1 h at least
    // after the conduit is back), and nearly every run afterwards.
    for plan in [
        "conduit-off-10d",
        "entry-off-10d",
        "landing-off-10d",
        "target-off-10d",
    ] {
        let c = at(plan);
        assert!(
            c.iter().all(|t| t.is_some_and(|t| t >= 10 * DAY)),
            "{plan}: {c:?}"
        );
    }
}

#[test]
fn exposure_is_the_horizon_less_the_time_out_of_service() {
    let m = model(ATTACK);
    // One (vulnerability, asset) pair, exposed from 0 when open: 30 days of exposure until
    // compromised... the exposure clock runs whatever the attacker does, so with the conduit
    // out for 10 days the pair is exposed exactly 20 days, and never with it out for good.
    let open = run(&m, "open", 3).exposure.exposure_pair_ns;
    assert_eq!(open, u128::from(30 * DAY));
    for plan in [
        "conduit-off-10d",
        "entry-off-10d",
        "landing-off-10d",
        "target-off-10d",
    ] {
        assert_eq!(
            run(&m, plan, 3).exposure.exposure_pair_ns,
            u128::from(20 * DAY),
            "{plan}"
        );
    }
    assert_eq!(run(&m, "conduit-off", 3).exposure.exposure_pair_ns, 0);
}

/// The attacker lands on `ws` (arrivals every 10 min on average, each a foothold) and goes for
/// `plc` behind the conduit (TTC exponential, mean 5 d) over a 5-day horizon; plan `ws-off`
/// takes `ws` out of service from day 1 to day 3.
const HELD: &str = r#"
name: take-out-held
horizon: 5d
zones: [{id: field, purdue_level: 2}, {id: control, purdue_level: 1}]
conduits:
  - {id: c-field-control, zones: [field, control], protocols: [modbus_tcp], direction: first_to_second}
assets:
  - {id: ws, kind: engineering_workstation, zone: field, model: windows-ews, overrides: {fault_rate_per_day: 0}}
  - {id: fw, kind: firewall, zone: field, model: firewall, overrides: {fault_rate_per_day: 0}}
  - {id: plc, kind: plc, zone: control, model: fast-plc, overrides: {fault_rate_per_day: 0}}
links:
  - {between: [ws, fw], bandwidth: 1Gbps}
  - {between: [fw, plc], bandwidth: 1Gbps}
vulnerabilities:
  - {id: V, affects: {assets: [plc]}, service: modbus_tcp, ttc: {exponential: {mean: 5d}}}
threat:
  entry_points:
    - {id: vendor, kind: vendor_remote_access, asset: ws, mean_time_between_attempts: 10m, foothold_probability: 1}
  targets:
    - {asset: plc}
plans:
  - {id: keep}
  - {id: ws-off, actions: [{take_out: ws, at: 1d, for: 2d}]}
"#;

/// Wilson interval at z = 3.29 (99.9%).
fn wilson(k: u64, n: u64) -> (f64, f64) {
    let (k, n, z) = (k as f64, n as f64, 3.29f64);
    let p = k / n;
    let mid = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (mid - half, mid + half)
}

/// Hand calculation. The attacker holds `ws` from its first landing t1 ~ Exp(10 min); the
/// exploit of the PLC is exponential (mean m = 5 d), so by memorylessness what matters is the
/// time during which the attacker holds a way to the PLC. Taking `ws` out of service at day 1
/// evicts the attacker from it: an exploit completing while `ws` is out fails, and the
/// attacker wins `ws` back only with its first arrival ε ~ Exp(10 min) after day 3. So
/// P(no compromise by T) = E[e^(−(T − d − t1 − ε)/m)] = e^(−(T−d)/m) / (1 − a/m)², with
/// T = 5 d, d = 2 d, a = 10 min: P(compromise) = 0.4497; keeping `ws` (or an attacker that
/// kept its hold through the take-out) gives 1 − e^(−T/m) / (1 − a/m) = 0.6316.
#[test]
fn an_asset_taken_out_of_service_is_lost_to_the_attacker_and_must_be_won_again() {
    let m = model(HELD);
    let runs = 3000;
    let (t, mean, d, a): (f64, f64, f64, f64) = (5.0, 5.0, 2.0, 10.0 / 1440.0);
    let keep_exact = 1.0 - (-t / mean).exp() / (1.0 - a / mean);
    let off_exact = 1.0 - (-(t - d) / mean).exp() / (1.0 - a / mean).powi(2);
    for (plan, exact) in [("keep", keep_exact), ("ws-off", off_exact)] {
        let k = (0..runs)
            .filter(|i| run(&m, plan, *i).exposure.compromised_at.is_some())
            .count() as u64;
        let (lo, hi) = wilson(k, runs);
        eprintln!(
            "{plan}: hand {exact:.4}, simulated {:.4} [{lo:.4}, {hi:.4}]",
            k as f64 / runs as f64
        );
        assert!(
            lo <= exact && exact <= hi,
            "{plan}: P(compromise) {exact:.4} by hand, {k}/{runs} simulated [{lo:.4}, {hi:.4}]"
        );
    }
    // No compromise while `ws` is out: an exploit that completes then fails.
    for i in 0..runs {
        let at = run(&m, "ws-off", i).exposure.compromised_at;
        assert!(
            at.is_none_or(|t| t < DAY || t > 3 * DAY),
            "run {i}: compromised at {at:?} while ws was out"
        );
    }
}
