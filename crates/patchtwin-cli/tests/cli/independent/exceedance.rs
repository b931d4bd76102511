//! The loss exceedance curve and the risk appetite against a Poisson tail: every fault costs
//! the same, so P(loss > x) is P(at least k faults).

use super::*;

#[test]
fn the_loss_exceedance_curve_is_the_poisson_tail_of_the_faults() {
    // A PLC faults at 0.015 per day over 100 days (Poisson, mean 1.5); each fault takes it
    // down 1 h and its unit restarts in 2 h: 3 h at 1,000 per hour, 3,000 per fault (two
    // faults within 3 h of each other, or one in the last 3 h, cost a little less: about
    // 0.5% of runs, far below the tolerance of the checks). Between multiples of 3,000,
    // P(loss > x) = P(N ≥ k) with k = ⌈x / 3000⌉.
    let yaml = r#"
name: exceedance
horizon: 100d
zones: [{id: cell, purdue_level: 1}]
assets:
  - {id: plc, kind: plc, zone: cell, model: fast-plc, overrides: {fault_rate_per_day: 0.015, reboot_time: 1h}}
process_units:
  - id: line
    depends_on: [{asset: plc}]
    restart_time: 2h
    downtime_cost_per_hour: 1000
risk_appetite: {tolerance: 5000, max_probability: 0.5, materiality: 2000}
plans: [{id: defer}]
"#;
    let tmp = util::TempDir::new("indep-exceedance");
    let file = tmp.write("plant.yaml", yaml.as_bytes());
    let runs: f64 = 4000.0;
    let s = run(&file, 4000, 4, &tmp.path().join("out"));
    let mean = 1.5f64;
    // P(N ≥ k) for a Poisson count of mean 1.5.
    let at_least = |k: u32| {
        let mut term = (-mean).exp();
        let mut below = 0.0;
        for j in 0..k {
            below += term;
            term *= mean / f64::from(j + 1);
        }
        1.0 - below
    };
    let proportion = |got: f64, truth: f64, what: &str| {
        let z = (got - truth) / (truth * (1.0 - truth) / runs).sqrt();
        eprintln!("{what}: {got}, Poisson tail {truth:.5}, z = {z:.2}");
        assert!(
            z.abs() < 4.0,
            "{what}: {got}, Poisson tail {truth:.5}, z = {z:.2}"
        );
    };
    let le = &s["loss_exceedance"]["plans"][0];
    assert_eq!(le["plan"], "defer");
    let curve: Vec<(f64, f64)> = le["curve"]
        .as_array()
        .expect("curve")
        .iter()
        .map(|p| (num(p, &["0"]), num(p, &["1"])))
        .collect();
    // With few distinct losses the curve holds every one of them (exact, not 101 ranks).
    assert!(curve.len() < 101, "{} points", curve.len());
    assert!(
        curve
            .windows(2)
            .all(|w| w[0].0 < w[1].0 && w[0].1 >= w[1].1),
        "the curve rises in loss and falls in probability: {curve:?}"
    );
    // P(loss > x) read off the curve: its value at the largest listed loss not above x.
    let exceed = |x: f64| {
        curve
            .iter()
            .take_while(|(loss, _)| *loss <= x)
            .last()
            .map_or(1.0, |(_, p)| *p)
    };
    for k in 1..=4u32 {
        let x = 3000.0 * f64::from(k) - 1500.0;
        proportion(exceed(x), at_least(k), &format!("P(loss > {x})"));
    }
    // The appetite: P(loss > 5,000) = P(N ≥ 2), P(loss > 2,000) = P(N ≥ 1), each with a
    // Wilson interval that holds the truth; P(N ≥ 2) = 0.442 is under the 0.5 limit.
    for (key, k) in [("p_exceed_tolerance", 2), ("p_exceed_materiality", 1)] {
        let truth = at_least(k);
        proportion(num(le, &[key, "mean"]), truth, key);
        let (lo, hi) = (num(le, &[key, "lo"]), num(le, &[key, "hi"]));
        assert!(
            lo <= truth && truth <= hi,
            "{key}: [{lo}, {hi}] misses {truth}"
        );
    }
    assert_eq!(le["meets_appetite"], true, "{le}");
    // Expected loss: 3,000 × 1.5 per run, standard error 3,000 √(1.5 / runs).
    let loss = num(&s["plans"][0], &["expected_loss", "mean"]);
    let z = (loss - 3000.0 * mean) / (3000.0 * (mean / runs).sqrt());
    eprintln!("expected loss {loss}, by hand 4500, z = {z:.2}");
    assert!(
        z.abs() < 4.0,
        "expected loss {loss}, by hand 4500, z = {z:.2}"
    );
}
