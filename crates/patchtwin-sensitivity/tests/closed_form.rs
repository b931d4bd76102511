//! The analysis against answers computed independently: a break-even known in closed form
//! (expected loss is linear in a downtime cost per hour, so two plans' lines cross at a value
//! solved by hand from two `patchtwin_mc::run`s), EVPI of a hand-computed two-plan example,
//! the exceedance curve against the empirical loss distribution, and the per-replication runner
//! against `patchtwin_mc::run`.

use patchtwin_model::Scenario;
use patchtwin_sensitivity::{Metric, Options, analyse, analysis, runner::Runner};
use std::sync::Arc;

fn shipped(name: &str) -> Arc<Scenario> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(name);
    Arc::new(
        patchtwin_scenario::load_file(&path)
            .expect("shipped scenario loads")
            .scenario,
    )
}

fn options(runs: u64) -> Options {
    Options {
        runs,
        seed: 7,
        threads: 2,
        observe_ns: 1_000_000,
        inputs: Vec::new(),
        ranges: Vec::new(),
        top: 10,
        bisection_steps: 6,
        evpi_values: 5,
        tolerance: None,
        appetite: 0.1,
        metric: None,
        morris_trajectories: 0,
    }
}

/// Mean loss per plan from `patchtwin_mc::run` (the accumulators `patchtwin run` reports).
fn mc_losses(s: &Scenario, runs: u64) -> Vec<f64> {
    let model = patchtwin_sim::Compiled::new(Arc::new(s.clone()));
    let plans: Vec<usize> = (0..s.plans.len()).collect();
    let settings = patchtwin_mc::McSettings {
        runs,
        seed: 7,
        threads: 2,
        observe_ns: 1_000_000,
    };
    patchtwin_mc::run(&model, &plans, settings, &|_| {})
        .expect("runs")
        .plans
        .iter()
        .map(|p| p.exposure.loss.mean())
        .collect()
}

/// A cost input of a plant: its name and how to set it by hand.
type CostInput = (String, Box<dyn Fn(&mut Scenario, f64)>);

fn cost_inputs(s: &Scenario) -> Vec<CostInput> {
    let mut out: Vec<CostInput> = Vec::new();
    for (i, u) in s.process_units.iter().enumerate() {
        out.push((
            format!("process_units[{}].downtime_cost_per_hour", u.id),
            Box::new(move |v: &mut Scenario, c| v.process_units[i].downtime_cost_per_hour = c),
        ));
    }
    for (i, t) in s.threat.targets.iter().enumerate() {
        let id = match t.what {
            patchtwin_model::AttackTarget::Unit(u) => s.process_units[u.0 as usize].id.clone(),
            patchtwin_model::AttackTarget::Asset(a) => s.assets[a.0 as usize].id.clone(),
        };
        out.push((
            format!("threat.targets[{id}].impact_cost"),
            Box::new(move |v: &mut Scenario, c| v.threat.targets[i].impact_cost = c),
        ));
    }
    out
}

#[test]
fn break_even_of_a_cost_matches_the_crossing_of_two_lines() {
    let runs = 60;
    // Expected loss is exactly linear in a cost (a cost changes no draw): two runs of
    // patchtwin_mc at other values of the cost give each plan's line, and the lines of two
    // plans cross where the break-even must be. The plant is cut to two of its plans (so they
    // are the recommended plan and the runner-up); the first pair and cost whose lines cross
    // at a positive value is the test's.
    let mut checked = 0;
    let plants = [
        "packaging-line.yaml",
        "substation.yaml",
        "water-treatment.yaml",
    ];
    'search: for (full, (a, b)) in plants
        .iter()
        .map(|p| shipped(p))
        .flat_map(|full| patchtwin_mc::pairs(full.plans.len()).map(move |ab| (full.clone(), ab)))
    {
        let mut two = (*full).clone();
        two.plans = vec![full.plans[a].clone(), full.plans[b].clone()];
        let s = Arc::new(two);
        for (name, set) in cost_inputs(&s) {
            let at = |c: f64| {
                let mut v = (*s).clone();
                set(&mut v, c);
                mc_losses(&v, runs)
            };
            let (c1, c2) = (1_000.0, 1_000_000.0);
            let (l1, l2) = (at(c1), at(c2));
            let slope = |p: usize| (l2[p] - l1[p]) / (c2 - c1);
            let icept = |p: usize| l1[p] - slope(p) * c1;
            let crossing = (icept(1) - icept(0)) / (slope(0) - slope(1));
            if !(crossing.is_finite() && crossing > 1.0) {
                continue;
            }
            let o = Options {
                inputs: vec![name.clone()],
                ranges: vec![(name.clone(), crossing / 3.0, crossing * 3.0)],
                metric: Some(Metric::ExpectedLoss),
                ..options(runs)
            };
            let r = analyse(s.clone(), "sha", &o, &|_, _| {}).expect("analysis runs");
            let input = &r.inputs[0];
            assert_eq!(input.break_even.len(), 1, "{name}: {}", input.statement);
            let found = input.break_even[0].value;
            assert!(
                (found - crossing).abs() <= 1e-6 * crossing,
                "{name}: break-even {found} against the crossing {crossing} solved by hand"
            );
            assert!(input.statement.contains("overtakes"), "{}", input.statement);
            assert!(r.robustness.contains("unless"), "{}", r.robustness);
            // The break-even's side: below it the cheaper-at-low-cost plan is ahead.
            let bracket = input.break_even[0].bracket;
            assert!(bracket[0] <= found && found <= bracket[1]);
            checked += 1;
            break 'search;
        }
    }
    assert!(
        checked > 0,
        "no pair of plans has crossing loss lines in any cost"
    );
}

#[test]
fn evpi_of_a_two_plan_example_by_hand() {
    // Over a range uniformly likely, plan A loses 10 at the low end and 2 at the high end,
    // linearly; plan B loses 6 throughout. On average A loses 6 and B 6: best on average is
    // 6. Knowing the value, one picks B below the middle and A above it: the saving is the
    // triangle between A's line and 6 over the upper half, ½ · ½ · 4 = 1. EVPI = 1.
    let l = vec![(0.0, vec![10.0, 6.0]), (1.0, vec![2.0, 6.0])];
    assert!((analysis::evpi(&l) - 1.0).abs() < 1e-12);
    // The same lines with a node in between (where they cross) give the same answer.
    let l = vec![
        (0.0, vec![10.0, 6.0]),
        (0.5, vec![6.0, 6.0]),
        (1.0, vec![2.0, 6.0]),
    ];
    assert!((analysis::evpi(&l) - 1.0).abs() < 1e-12);
    // A dominates everywhere: information is worth nothing.
    assert_eq!(
        analysis::evpi(&[(0.0, vec![1.0, 6.0]), (1.0, vec![2.0, 6.0])]),
        0.0
    );
    // A narrow flip: A loses 0 at the low end and 1 from t = 0.1 on, B 0.9 throughout. On
    // average A loses 0.95 · 1 + 0.05 = 0.95 (trapezoid over [0, 0.1], then 1), B 0.9: B is
    // best on average. Knowing the value saves B − A where A is below 0.9, on [0, 0.09]: the
    // triangle ½ · 0.09 · 0.9 = 0.0405.
    let l = vec![
        (0.0, vec![0.0, 0.9]),
        (0.1, vec![1.0, 0.9]),
        (1.0, vec![1.0, 0.9]),
    ];
    assert!(
        (analysis::evpi(&l) - 0.0405).abs() < 1e-12,
        "{}",
        analysis::evpi(&l)
    );
    // Three plans, three nodes at 0, ½, 1: A 1, 5, 9; B 7, 3, 4; C 6, 6, 3. Means (trapezoid):
    // A 5, B 4.25, C 5.25 → 4.25. The lower envelope on the first half: A (1 + 4s) until it
    // meets B (7 − 4s) at s = ¾ (value 4), then B to 3; on the second half B (3 + s) until it
    // meets C (6 − 3s) at s = ¾ (value 3.75), then C to 3. Each half is ½ long:
    // ∫ = ½ · (2.5 · ¾ + 3.5 · ¼) + ½ · (3.375 · ¾ + 3.375 · ¼) = 1.375 + 1.6875 = 3.0625.
    // EVPI = 4.25 − 3.0625 = 1.1875.
    let l = vec![
        (0.0, vec![1.0, 7.0, 6.0]),
        (0.5, vec![5.0, 3.0, 6.0]),
        (1.0, vec![9.0, 4.0, 3.0]),
    ];
    assert!(
        (analysis::evpi(&l) - 1.1875).abs() < 1e-12,
        "{}",
        analysis::evpi(&l)
    );
}

#[test]
fn exceedance_curve_is_the_empirical_distribution() {
    let s = shipped("ews-actively-exploited.yaml");
    let runner = Runner::new(120, 7, 2, 1_000_000).unwrap();
    let plans: Vec<usize> = (0..s.plans.len()).collect();
    let sample = runner.sample(&s, &plans);
    // The runner's per-replication losses give the same means as patchtwin_mc's accumulators.
    let mc = mc_losses(&s, 120);
    for &p in &plans {
        assert_eq!(sample.mean_loss(p), mc[p], "plan {p}");
    }
    for &p in &plans {
        let losses = sample.losses(p);
        let curve = analysis::exceedance_curve(losses);
        assert!(!curve.is_empty());
        for [x, q] in &curve {
            // Independently: count the replications with a larger loss.
            let mut above = 0usize;
            for l in losses {
                if l > x {
                    above += 1;
                }
            }
            assert_eq!(*q, above as f64 / losses.len() as f64);
        }
        // Non-increasing, and at the largest loss nothing exceeds it.
        assert!(
            curve
                .windows(2)
                .all(|w| w[0][1] >= w[1][1] && w[0][0] < w[1][0])
        );
        assert_eq!(curve.last().unwrap()[1], 0.0);
    }
}

#[test]
fn tolerance_names_the_plans_that_meet_it() {
    let s = shipped("ews-actively-exploited.yaml");
    let name = "threat.recovery_time".to_string();
    let o = Options {
        inputs: vec![name],
        tolerance: Some(1_000_000.0),
        appetite: 0.1,
        bisection_steps: 2,
        evpi_values: 3,
        ..options(80)
    };
    let r = analyse(s.clone(), "sha", &o, &|_, _| {}).unwrap();
    let runner = Runner::new(80, 7, 2, 1_000_000).unwrap();
    let plans: Vec<usize> = (0..s.plans.len()).collect();
    let sample = runner.sample(&s, &plans);
    let sentence = r.exceedance.sentence.clone().unwrap();
    let mut meeting = Vec::new();
    for (&p, e) in plans.iter().zip(&r.exceedance.plans) {
        let k = sample
            .losses(p)
            .iter()
            .filter(|&&l| l > 1_000_000.0)
            .count();
        let est = e.p_exceed_tolerance.unwrap();
        assert_eq!(est.mean, k as f64 / 80.0);
        assert!(est.lo <= est.mean && est.mean <= est.hi);
        if (k as f64) / 80.0 <= 0.1 {
            meeting.push(s.plans[p].id.clone());
            assert!(sentence.contains(&s.plans[p].id));
        }
    }
    if meeting.is_empty() {
        assert!(sentence.contains("no plan meets it"));
    }
    // Every variant ran on the same random numbers: the base point equals a fresh base run.
    let base = r.inputs[0]
        .points
        .iter()
        .find(|p| p.role == "base")
        .unwrap();
    for pp in &base.plans {
        let ix = s.plan_by_id(&pp.plan).unwrap();
        assert_eq!(pp.expected_loss, sample.mean_loss(ix));
    }
}

#[test]
fn unknown_inputs_and_bad_ranges_are_bad_input() {
    let s = shipped("ews-actively-exploited.yaml");
    let o = Options {
        inputs: vec!["patches[nope].failure_probability".into()],
        ..options(4)
    };
    let e = analyse(s.clone(), "sha", &o, &|_, _| {}).unwrap_err();
    assert!(matches!(e, patchtwin_sensitivity::Error::BadInput(_)));
    assert!(e.to_string().contains("unknown input"), "{e}");
    assert!(e.to_string().contains("patches["), "{e}");
    let o = Options {
        ranges: vec![("threat.recovery_time".into(), 5.0, 1.0)],
        ..options(4)
    };
    let e = analyse(s, "sha", &o, &|_, _| {}).unwrap_err();
    assert!(e.to_string().contains("LOW < HIGH"), "{e}");
}
