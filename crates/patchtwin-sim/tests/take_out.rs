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
            at.is_none_or(|t| !(DAY..=3 * DAY).contains(&t)),
            "run {i}: compromised at {at:?} while ws was out"
        );
    }
}

/// A server `srv` that operators' view depends on, carrying V; patch P installs in 30 min,
/// never fails, and reboots `srv` for 10 min. Every plan patches at 2 h; some take `srv` out
/// of service around it.
const DEPLOY: &str = r#"
name: take-out-deploy
horizon: 1d
zones: [{id: ops, purdue_level: 2}]
assets:
  - {id: srv, zone: ops, model: historian, overrides: {fault_rate_per_day: 0}}
functions:
  - {id: view, kind: view, depends_on: [{asset: srv}]}
vulnerabilities:
  - {id: V, affects: {assets: [srv]}, service: https, ttc: 365d}
patches:
  - {id: P, fixes: [V], deploy_time: 30m, restart: machine, restart_time: 10m, failure: {probability: 0, rollback_time: 10m}}
plans:
  - {id: patch, actions: [{patch: P, at: 2h}]}
  - {id: out-then-patch, actions: [{take_out: srv, at: 1h, for: 4h}, {patch: P, at: 2h}]}
  - {id: same-time, actions: [{take_out: srv, at: 2h, for: 4h}, {patch: P, at: 2h}]}
  - {id: same-time-patch-first, actions: [{patch: P, at: 2h}, {take_out: srv, at: 2h, for: 4h}]}
  - {id: out-mid-install, actions: [{patch: P, at: 2h}, {take_out: srv, at: 2h10m, for: 5m}]}
  - {id: out-to-the-end, actions: [{take_out: srv, at: 1h}, {patch: P, at: 2h}]}
"#;

/// Hand calculation. A patch due on an asset out of service waits for it to return, and a
/// take-out during an installation (at the same moment included, in either order) voids it:
/// nothing can be installed on a machine switched off. Patching alone: installed at 2 h 30,
/// down 10 min, fixed at 2 h 40, 10 min of view lost. Out from 1 h to 5 h: the install runs
/// 5 h – 5 h 30, fixed at 5 h 40, view lost 4 h + 10 min (installing while out would have
/// fixed it at 2 h 40 and lost 4 h). Out from 2 h to 6 h, whichever action is listed first:
/// fixed at 6 h 40. Out for 5 min in mid-install (2 h 10 – 2 h 15): the install starts over
/// at 2 h 30 (its end, when the void one is found), fixed at 3 h 10, view lost 5 + 10 min.
/// Out to the end of the horizon: never deployed, the plan's changes never complete.
#[test]
fn a_patch_waits_for_its_asset_to_return_to_service() {
    let m = model(DEPLOY);
    let fixed = |o: &Outcome| o.ops.fixed.first().map(|f| f.2);
    let cases = [
        ("patch", 2 * H + 40 * MIN, 10 * MIN),
        ("out-then-patch", 5 * H + 40 * MIN, 4 * H + 10 * MIN),
        ("same-time", 6 * H + 40 * MIN, 4 * H + 10 * MIN),
        ("same-time-patch-first", 6 * H + 40 * MIN, 4 * H + 10 * MIN),
        ("out-mid-install", 3 * H + 10 * MIN, 15 * MIN),
    ];
    for (plan, at, view) in cases {
        let o = run(&m, plan, 1);
        assert_eq!(fixed(&o), Some(at), "{plan}: fixed at");
        assert_eq!(o.ops.loss_of_view_ns, view, "{plan}: view lost");
        // Installations started: a voided one counts (the same moment: the install starts
        // first, its take-out comes in the same instant and voids it).
        let voided = plan.starts_with("same-time") || plan == "out-mid-install";
        assert_eq!(o.ops.deployments, 1 + u32::from(voided), "{plan}");
        assert_eq!(o.ops.changes_done_at, Some(at), "{plan}: done at");
    }
    let o = run(&m, "out-to-the-end", 1);
    assert_eq!(fixed(&o), None);
    assert_eq!(o.ops.deployments, 0);
    assert_eq!(o.ops.changes_done_at, None);
    assert_eq!(o.ops.loss_of_view_ns, 23 * H);
}
