//! `patchtwin sensitivity`'s break-even against a closed form: shutting the vendor's entry
//! point removes a near-certain compromise but adds a day to every controller repair, so the
//! expected losses of the two plans cross at a fault rate computed here, and the expected
//! value of perfect information follows from the same closed forms.

use super::attack::hypoexponential_cdf;
use super::timing::t_score;
use super::*;

/// Keep the gateway (the attacker reaches the PLC, impact 20,000) or shut it (no attacker;
/// every PLC repair takes 24 h more). Faults: Poisson at the swept rate, 1 h reboot, 2 h
/// unit restart, 1,000 per hour down; an attack never trips the unit.
const GATEWAY: &str = r#"
name: break-even
horizon: 30d
zones:
  - {id: dmz, purdue_level: 3.5}
  - {id: cell, purdue_level: 1}
conduits:
  - {id: dmz-cell, zones: [dmz, cell], protocols: [modbus_tcp], direction: first_to_second}
assets:
  - {id: rag, kind: remote_access_gateway, zone: dmz, model: remote-access-gateway, overrides: {fault_rate_per_day: 0}}
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0.02, reboot_time: 1h}}
process_units:
  - id: line
    depends_on: [{asset: plc}]
    restart_time: 2h
    downtime_cost_per_hour: 1000
    attack_trip_probability: 0
vulnerabilities:
  - {id: V, affects: {assets: [plc]}, service: modbus_tcp, ttc: {exponential: {mean: 3d}}}
controls:
  - id: shut
    kind: remote_access_restriction
    entry_point: vpn
    residual: 0
    deploy_time: 0s
    failure_probability: 0
    recovery: [{kinds: [repair], assets: [plc], add: 24h}]
threat:
  capability: medium
  entry_points:
    - {id: vpn, kind: vendor_remote_access, asset: rag, mean_time_between_attempts: 2d, foothold_probability: 0.5}
  targets:
    - {asset: plc, impact_cost: 20000}
plans:
  - {id: keep}
  - {id: shut-now, actions: [{control: shut, at: now}]}
"#;

/// Expected hours down over `horizon` hours when every fault (Poisson, `rate` per hour)
/// stops the unit for `length` hours and overlapping stops merge: the unit is down at t when
/// a fault came in [t − length, t], so E = ∫_0^H (1 − e^{−rate·min(t, length)}) dt.
fn union_downtime(rate: f64, length: f64, horizon: f64) -> f64 {
    let covered = 1.0 - (-rate * length).exp();
    (horizon - length) * covered + length - covered / rate
}

/// EVPI of two plans whose losses are straight lines between the nodes `(position, (keep,
/// shut))`, position uniform on [0, 1]: the smaller of the two mean losses minus the mean of
/// the smaller loss (each segment split where the two lines cross).
fn interpolated_evpi(nodes: &[(f64, (f64, f64))]) -> f64 {
    let (mut keep, mut shut, mut best) = (0.0, 0.0, 0.0);
    for w in nodes.windows(2) {
        let ((t0, (k0, s0)), (t1, (k1, s1))) = (w[0], w[1]);
        let dt = t1 - t0;
        keep += 0.5 * (k0 + k1) * dt;
        shut += 0.5 * (s0 + s1) * dt;
        let (d0, d1) = (k0 - s0, k1 - s1);
        if d0 * d1 < 0.0 {
            let c = d0 / (d0 - d1);
            let at_c = k0 + c * (k1 - k0);
            best += 0.5 * (k0.min(s0) + at_c) * c * dt + 0.5 * (at_c + k1.min(s1)) * (1.0 - c) * dt;
        } else {
            best += 0.5 * (k0.min(s0) + k1.min(s1)) * dt;
        }
    }
    keep.min(shut) - best
}

/// The same EVPI with the exact losses (a fine midpoint rule over the log-uniform input), for
/// the record: the tool's interpolation should come close to it.
fn continuous_evpi(losses: &dyn Fn(f64) -> (f64, f64)) -> f64 {
    let n = 20_000;
    let (mut keep, mut shut, mut best) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let t = (i as f64 + 0.5) / n as f64;
        let (k, s) = losses(0.005 * 20f64.powf(t));
        keep += k;
        shut += s;
        best += k.min(s);
    }
    (keep.min(shut) - best) / n as f64
}

#[test]
fn the_break_even_and_evpi_follow_the_closed_form_losses() {
    // Keep: 20,000 × P(compromise within 30 d), the hypoexponential of the foothold (rate
    // 0.25 per day) and the exploit (1/3 per day), plus faults at 3 h each; shut: faults at
    // 27 h each (1 + 24 h repair, 2 h restart). Solve keep = shut for the daily fault rate.
    let horizon = 720.0;
    let attack = 20_000.0 * hypoexponential_cdf(30.0, &[0.25, 1.0 / 3.0]);
    let gap = |per_day: f64| {
        let rate = per_day / 24.0;
        1000.0 * (union_downtime(rate, 27.0, horizon) - union_downtime(rate, 3.0, horizon)) - attack
    };
    let (mut lo, mut hi) = (0.001, 0.2);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if gap(mid) < 0.0 { lo = mid } else { hi = mid }
    }
    let truth = 0.5 * (lo + hi);
    // Each plan's expected loss at a daily fault rate, by the same closed forms.
    let losses = |per_day: f64| {
        let rate = per_day / 24.0;
        (
            attack + 1000.0 * union_downtime(rate, 3.0, horizon),
            1000.0 * union_downtime(rate, 27.0, horizon),
        )
    };
    let tmp = util::TempDir::new("indep-break-even");
    let file = tmp.write("plant.yaml", GATEWAY.as_bytes());
    let (mut values, mut evpis, mut evpi_truth) = (Vec::new(), Vec::new(), 0.0);
    for seed in 1..=4u64 {
        let out = tmp.path().join(format!("out-{seed}"));
        let args = [
            "sensitivity".to_string(),
            file.display().to_string(),
            "--inputs".into(),
            "assets[plc].fault_rate_per_day".into(),
            "--range".into(),
            "assets[plc].fault_rate_per_day=0.005..0.1".into(),
            "--metric".into(),
            "loss".into(),
            "--runs".into(),
            "2000".into(),
            "--seed".into(),
            seed.to_string(),
            "--out".into(),
            out.display().to_string(),
        ];
        let r = util::patchtwin(&args, Duration::from_secs(300));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let text = std::fs::read_to_string(out.join("sensitivity.json")).expect("json");
        let s: Value = serde_json::from_str(&text).expect("sensitivity.json is JSON");
        // At the base (0.02 per day) shutting is ahead on expected loss (by hand 15,720
        // against 21,752), and keeping overtakes it above the break-even.
        assert_eq!(s["recommended"], "shut-now");
        assert_eq!(s["decision_metric"], "expected_loss");
        let be = &s["inputs"][0]["break_even"][0];
        assert_eq!(be["direction"], "above", "{be}");
        let value = num(be, &["value"]);
        let (a, b) = (num(be, &["interval", "0"]), num(be, &["interval", "1"]));
        eprintln!("seed {seed}: break-even {value} per day in [{a}, {b}], closed form {truth:.5}");
        assert!(a <= truth && truth <= b, "[{a}, {b}] misses {truth}");
        values.push(value);
        // EVPI with the input uniform on the log scale of its range (the sweep's scale), each
        // plan's loss a straight line between the values the tool ran (ends, midpoints,
        // break-even): the closed-form losses at those values, integrated here.
        let mut at: Vec<(f64, (f64, f64))> = s["inputs"][0]["points"]
            .as_array()
            .expect("points")
            .iter()
            .filter(|p| {
                ["low", "high", "evpi", "break_even"].contains(&p["role"].as_str().unwrap_or(""))
            })
            .map(|p| {
                let v = num(p, &["value"]);
                ((v / 0.005).ln() / 20f64.ln(), losses(v))
            })
            .collect();
        at.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(
            at.len(),
            8,
            "two ends, five midpoints and the break-even: {at:?}"
        );
        evpi_truth = interpolated_evpi(&at);
        let continuous = continuous_evpi(&losses);
        eprintln!(
            "seed {seed}: EVPI {} against {evpi_truth:.0} interpolated, {continuous:.0} continuous",
            num(&s["inputs"][0], &["evpi"]),
        );
        // With a node at the break-even, the straight lines lose little of the curve.
        assert!(
            (evpi_truth - continuous).abs() < 0.05 * continuous,
            "interpolated {evpi_truth:.0} against continuous {continuous:.0}"
        );
        evpis.push(num(&s["inputs"][0], &["evpi"]));
    }
    let (m, se, t) = t_score(&evpis, evpi_truth);
    eprintln!("EVPI {m:.0} ± {se:.0} over seeds, closed form {evpi_truth:.0}, t = {t:.2}");
    assert!(
        t.abs() < 4.0 && se < 0.05 * evpi_truth,
        "EVPI {m:.0} ± {se:.0} over seeds, closed form {evpi_truth:.0}, t = {t:.2}"
    );
    let (m, se, t) = t_score(&values, truth);
    eprintln!("break-even {m:.5} ± {se:.5} per day over seeds, closed form {truth:.5}, t = {t:.2}");
    assert!(
        t.abs() < 4.0 && se < 0.05 * truth,
        "break-even {m:.5} ± {se:.5} per day over seeds, closed form {truth:.5}, t = {t:.2}"
    );
}

/// `--metric loss` on the same plant at a fault rate of 0.05 per day, where keeping the
/// gateway is already ahead on expected loss (by hand 24,435 against 38,651) while the tool
/// still recommends shutting it: the break-even is the same value, but the runner-up is the
/// better plan ABOVE it, shutting wins only below, and the sentences must say so rather than
/// "shut-now stays best unless".
#[test]
fn a_metric_the_recommendation_trails_on_gets_the_break_even_the_right_way_round() {
    let tmp = util::TempDir::new("indep-break-even-trailing");
    let plant = GATEWAY.replace("fault_rate_per_day: 0.02", "fault_rate_per_day: 0.05");
    let file = tmp.write("plant.yaml", plant.as_bytes());
    let out = tmp.path().join("out");
    let args = [
        "sensitivity".to_string(),
        file.display().to_string(),
        "--inputs".into(),
        "assets[plc].fault_rate_per_day".into(),
        "--range".into(),
        "assets[plc].fault_rate_per_day=0.005..0.1".into(),
        "--metric".into(),
        "loss".into(),
        "--runs".into(),
        "1000".into(),
        "--seed".into(),
        "1".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    let r = util::patchtwin(&args, Duration::from_secs(300));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let text = std::fs::read_to_string(out.join("sensitivity.json")).expect("json");
    let s: Value = serde_json::from_str(&text).expect("sensitivity.json is JSON");
    let (rec, up) = (
        s["recommended"].as_str().expect("recommended"),
        s["runner_up"].as_str().expect("runner-up"),
    );
    assert_eq!((rec, up), ("shut-now", "keep"), "{}", s["robustness"]);
    let input = &s["inputs"][0];
    let be = &input["break_even"][0];
    // Keep (the runner-up) is better above the crossing, the side the base is on.
    assert_eq!(be["direction"], "above", "{be}");
    let value = num(be, &["value"]);
    assert!((0.025..0.033).contains(&value), "break-even {value}");
    // Both sides have values the runs tell apart, so the interval exists and holds the value.
    let (a, b) = (num(be, &["interval", "0"]), num(be, &["interval", "1"]));
    assert!(a <= value && value <= b, "[{a}, {b}] around {value}");
    let statement = input["statement"].as_str().expect("statement");
    assert!(
        statement.contains("keep is ahead of shut-now on expected loss")
            && statement.contains("shut-now overtakes keep below"),
        "{statement}"
    );
    let robustness = s["robustness"].as_str().expect("robustness");
    assert!(
        robustness.contains("keep is ahead of shut-now at the scenario's values")
            && robustness.contains("shut-now would lead only if")
            && robustness.contains("is below")
            && !robustness.contains("stays best"),
        "{robustness}"
    );
}
