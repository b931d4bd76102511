//! Spontaneous faults against the Poisson process they are documented to be: a controller
//! with `fault_rate_per_day` r fails at least once within a horizon H with probability
//! 1 − exp(−rH), and each fault keeps it down for a draw of its `reboot_time`, which a view
//! function depending on it sees as lost (the outage cascades).

use patchtwin_scenario::{ModelLibrary, load_str};
use patchtwin_sim::{Compiled, Replication};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

/// One PLC faulting at `rate` per day, rebooting in U(40 s, 50 s); a view depends on it.
fn plant(rate: f64, horizon: &str) -> Compiled {
    let yaml = format!(
        r#"
name: faults
horizon: {horizon}
zones: [{{id: z, purdue_level: 1}}]
assets:
  - {{id: plc, zone: z, model: fast-plc, overrides: {{fault_rate_per_day: {rate}, reboot_time: {{uniform: {{min: 40s, max: 50s}}}}}}}}
functions:
  - {{id: view-plc, kind: view, depends_on: [{{asset: plc}}]}}
plans: [{{id: defer}}, {{id: other}}]
"#
    );
    match load_str(&yaml, "faults.yaml", &ModelLibrary::builtin()) {
        Ok(l) => Compiled::new(Arc::new(l.scenario)),
        Err(d) => panic!("{}", d.render()),
    }
}

#[test]
fn at_least_one_fault_in_the_horizon_with_probability_one_minus_exp_minus_rate_times_horizon() {
    // r = 0.05/day over 10 days: P = 1 − e^−0.5 = 0.3935; mean count 0.5.
    let model = plant(0.05, "10d");
    let settings = model.run_settings(S);
    let n = 4000u64;
    let (mut with_fault, mut count) = (0u64, 0u64);
    for i in 0..n {
        let (out, _) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(i)).run();
        with_fault += u64::from(out.ops.faults > 0);
        count += u64::from(out.ops.faults);
    }
    let p = 1.0 - (-0.5f64).exp();
    // 99.9% binomial interval around the closed form (z = 3.29).
    let half = 3.29 * (p * (1.0 - p) / n as f64).sqrt();
    let seen = with_fault as f64 / n as f64;
    assert!(
        (seen - p).abs() <= half,
        "P(at least one fault) = {seen}, closed form {p:.4} ± {half:.4}"
    );
    // The count is Poisson(0.5): mean 0.5, variance 0.5.
    let mean = count as f64 / n as f64;
    let half = 3.29 * (0.5 / n as f64).sqrt();
    assert!(
        (mean - 0.5).abs() <= half,
        "faults per run {mean}, theory 0.5 ± {half:.4}"
    );
}

#[test]
fn each_fault_keeps_the_asset_down_for_its_reboot_time_and_the_view_sees_it() {
    // r = 1/day over 30 days: ~30 faults a run; reboot U(40 s, 50 s), mean 45 s, sd 2.887 s.
    // The view is lost exactly while the PLC is down (tolerance 0); two faults of one PLC
    // overlap with probability ~45 s / 1 day, too rarely to move the mean measurably.
    let model = plant(1.0, "30d");
    let settings = model.run_settings(S);
    let (mut faults, mut lost_ns) = (0u64, 0u64);
    for i in 0..100 {
        let (out, trace) = Replication::new(&model, 0, settings, Pcg64Mcg::seed_from_u64(i))
            .with_trace()
            .run();
        faults += u64::from(out.ops.faults);
        lost_ns += out.ops.loss_of_view_ns;
        // The trace says so, with the repair time as a number.
        let lines: Vec<_> = trace.iter().filter(|l| l.kind == "fault").collect();
        assert_eq!(lines.len(), out.ops.faults as usize);
        assert_eq!(
            lines.iter().map(|l| l.duration_ns.unwrap()).sum::<u64>(),
            out.ops.fault_repair_ns
        );
    }
    let per_fault = lost_ns as f64 / faults as f64 / S as f64;
    let half = 3.29 * 2.887 / (faults as f64).sqrt();
    assert!(faults > 2000, "{faults} faults");
    assert!(
        (per_fault - 45.0).abs() <= half,
        "view lost {per_fault:.3} s per fault, reboot mean 45 s ± {half:.3}"
    );
}

#[test]
fn every_plan_sees_the_same_faults() {
    let model = plant(1.0, "30d");
    let settings = model.run_settings(S);
    for i in 0..5 {
        let run = |plan| {
            let (out, trace) = Replication::new(&model, plan, settings, Pcg64Mcg::seed_from_u64(i))
                .with_trace()
                .run();
            let times: Vec<(u64, Option<u64>)> = trace
                .iter()
                .filter(|l| l.kind == "fault")
                .map(|l| (l.time, l.duration_ns))
                .collect();
            (out.ops.faults, times)
        };
        assert_eq!(run(0), run(1));
    }
}
